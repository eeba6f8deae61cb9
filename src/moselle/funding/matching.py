"""The funding programmes in the matching engine, and finding funding: for a company, or for one action of
its roadmap, the programmes it is eligible for (or may be, once it supplies a fact), ranked by how well they
fit the need, each with the engine's reasons and the rules' reasons.

A programme is an item of kind ``programme`` for signed-in people: its texts in three languages, operator and
published conditions, its technologies as labels, the countries its rules admit, and whether it is for SMEs
only. Its version is the programmes' count and latest change, so a programme written in any process is seen
at the next search everywhere.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from moselle.funding import rules
from moselle.funding.facts import Facts
from moselle.funding.models import Programme
from moselle.matching.registry import PUBLIC, SIGNED_IN, Changes, Item

SME_CLASSES = {"micro", "small", "medium"}


def programme_item(programme: Programme) -> Item:
    countries: frozenset[str] = frozenset()
    smes_only = False
    for rule in programme.rules:
        if rule["fact"] == "country":
            countries = frozenset(rule["in"])
        elif rule["fact"] == "size_class":
            smes_only = set(rule["in"]) <= SME_CLASSES
    return Item(
        kind="programme",
        id=programme.pk,
        title=dict(programme.name),
        url=f"/funding/programmes/{programme.pk}/",
        text=" ".join([*programme.description.values(), programme.operator, programme.conditions]),
        labels={f"technology:{t.name}": None for t in programme.technologies.all()} | {"service:Finance": None},
        eligible=countries,
        smes_only=smes_only,
        price_kind="subsidised",
        audience=SIGNED_IN,
        provider=programme.operator,
        subtitle=programme.instrument,
    )


class ProgrammeSource:
    kind = "programme"
    signed_in_only = True  # not offered to anonymous visitors of "Find help"
    label = _("funding programme")
    plural = _("funding programmes")

    def version(self) -> Hashable:
        found = Programme.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        return (found["n"], found["last"])

    def load(self) -> tuple[list[Item], Hashable]:
        version = self.version()
        active = Programme.objects.filter(active=True).prefetch_related("technologies").order_by("id")
        return [programme_item(programme) for programme in active], version

    def changed_since(self, version: Hashable) -> Changes | None:
        return None  # a dozen rows: read again whole

    def subtitle(self, code: str) -> str:
        """The instrument, in the reader's language, under a programme's title in the results."""
        return str(dict(Programme.Instrument.choices).get(code, code))


@dataclass(frozen=True)
class Found:
    """One programme found for a need: its fit (the engine's score and reasons) and its eligibility."""

    evaluation: rules.Evaluation
    score: float
    reasons: tuple[str, ...]


def find(organisation: Any, text: str, *, limit: int = 10) -> list[Found]:
    """The programmes for ``organisation`` that fit ``text`` (a need, a roadmap action): those it is not
    eligible for, and those the need shares nothing with, left out; the eligible before those still to
    check, each group by the engine's score.
    Programmes are for signed-in people; the caller has checked that its user may look at the company."""
    from moselle.matching import engine

    need = engine.Need(text=text, kinds=("programme",))
    answer = engine.engine().search(need, audiences=(PUBLIC, SIGNED_IN), limit=50)
    fitting = {result.item.id: result for result in answer.results}
    programmes = list(Programme.objects.filter(active=True).prefetch_related("approved_providers").order_by("code"))
    facts = Facts(organisation)
    found = []
    for evaluation in rules.evaluate_all(programmes, facts):
        if evaluation.outcome == rules.NOT_ELIGIBLE:
            continue
        result = fitting.get(evaluation.programme.pk)
        if result is None or result.score <= 0:
            continue  # shares nothing with the need
        found.append(
            Found(
                evaluation=evaluation,
                score=result.score,
                reasons=tuple(reason.text() for reason in result.reasons),
            )
        )
    order = {rules.ELIGIBLE: 0, rules.UNKNOWN: 1}
    found.sort(key=lambda f: (order[f.evaluation.outcome], -f.score, f.evaluation.programme.code))
    return found[:limit]


def for_action(action: Any, *, limit: int = 5) -> list[Found]:
    """Funding for one action of a roadmap (``journeys.RoadmapAction``): its title, description and
    technologies as the need, for the roadmap's organisation."""
    words = [action.title, action.description, *(t.name for t in action.technologies.all())]
    return find(action.roadmap.organisation, " ".join(w for w in words if w), limit=limit)


__all__ = ["Found", "ProgrammeSource", "find", "for_action", "programme_item"]
