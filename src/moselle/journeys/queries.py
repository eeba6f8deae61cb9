"""Reads of the journeys that pages, the API and exports share: the matching engine's suggestions for a
need or a roadmap action, the pipeline board and the lists, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from moselle.core.models_taxonomy import nace_codes_in_section
from moselle.journeys.models import STAGE_ORDER, Case, Need, RoadmapAction, Stage
from moselle.matching import engine
from moselle.organisations.models import Organisation

SUGGESTION_KINDS = ("offer", "provider")
SUGGESTION_LIMIT = 3


def suggestions(
    *,
    technologies: Sequence[str],
    text: str,
    organisation: Organisation | None,
    user: Any,
    limit: int = SUGGESTION_LIMIT,
    refresh: bool = True,
) -> list[engine.Result]:
    """What the matching engine proposes for a need or an action: offers and providers that declare one of
    its ``technologies`` (a suggestion always shares one with it), ranked for its ``text`` as well, those
    serving the company's country first. Only what ``user`` may see."""
    names = tuple(dict.fromkeys(name for name in technologies if name))
    if not names:
        return []
    need = engine.Need(
        text=" ".join(text.split())[: engine.TEXT_LIMIT],
        technologies=names,
        kinds=SUGGESTION_KINDS,
        near=organisation.country if organisation is not None else "",
    )
    answer = engine.search(need, user=user, limit=engine.RESULT_LIMIT, refresh=refresh)
    wanted = {f"technology:{name}" for name in names}
    return [result for result in answer.results if wanted & set(result.item.labels)][:limit]


def action_suggestions(
    action: RoadmapAction, *, user: Any, limit: int = SUGGESTION_LIMIT, refresh: bool = True
) -> list[engine.Result]:
    return suggestions(
        technologies=[t.name for t in action.technologies.all()],
        text=f"{action.title}\n{action.description}",
        organisation=action.roadmap.organisation,
        user=user,
        limit=limit,
        refresh=refresh,
    )


def need_suggestions(need: Need, *, user: Any, limit: int = SUGGESTION_LIMIT) -> list[engine.Result]:
    return suggestions(
        technologies=[t.name for t in need.technologies.all()],
        text=f"{need.title}\n{need.description}",
        organisation=need.organisation,
        user=user,
        limit=limit,
    )


# --- The pipeline board --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilters:
    owner: int | None = None
    sector: str = ""  # a NACE section letter
    size: str = ""  # the organisation's size class
    technology: int | None = None


def board_cases(cases: QuerySet[Case], filters: BoardFilters) -> QuerySet[Case]:
    """Open cases narrowed by the board's filters, with what a card shows loaded in the same queries."""
    chosen = cases.filter(status=Case.Status.OPEN).select_related("organisation", "owner")
    if filters.owner:
        chosen = chosen.filter(owner_id=filters.owner)
    if filters.sector:
        chosen = chosen.filter(organisation__nace_codes__in=nace_codes_in_section(filters.sector))
    if filters.size:
        chosen = chosen.filter(organisation__size_class=filters.size)
    if filters.technology:
        chosen = chosen.filter(needs__technologies__id=filters.technology)
    if filters.sector or filters.technology:
        chosen = chosen.distinct()
    return chosen.order_by("-stage_changed_at", "-id")


def by_stage(cases: Iterable[Case]) -> dict[str, list[Case]]:
    columns: dict[str, list[Case]] = {stage: [] for stage in sorted(Stage.values, key=lambda s: STAGE_ORDER[Stage(s)])}
    for case in cases:
        columns[case.stage].append(case)
    return columns


def triage_queue(cases: QuerySet[Case]) -> QuerySet[Case]:
    return (
        cases.filter(status=Case.Status.TRIAGE).select_related("organisation", "request").order_by("created_at", "id")
    )


def case_needs(case: Case) -> list[Need]:
    from moselle.journeys.actions import prioritised

    return prioritised(case.needs.select_related("result").prefetch_related("technologies"))


def roadmap_actions(case: Case) -> list[RoadmapAction]:
    roadmap = getattr(case, "roadmap", None)
    if roadmap is None:
        return []
    return list(
        roadmap.actions.select_related("need__result", "owner", "roadmap__organisation").prefetch_related(
            Prefetch("technologies")
        )
    )
