"""Reading results: an organisation's stages side by side, its progress, and the average of its peers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from moselle.assessments.models import Assessment, Result, Stage
from moselle.core.models_taxonomy import nace_codes_in_section
from moselle.organisations.models import Organisation

# The comparison panel appears only when this many other comparable organisations have a result.
MIN_PEERS = 5


def stage_results(organisation: Organisation, questionnaire_type: str, rule: str) -> dict[str, Result]:
    """Per stage, the submitted assessment's result under ``rule``, else its first result."""
    found: dict[str, Result] = {}
    rows = (
        Result.objects.filter(
            organisation=organisation,
            questionnaire_type=questionnaire_type,
            assessment__status=Assessment.Status.SUBMITTED,
        )
        .select_related("assessment")
        .order_by("created_at", "id")
    )
    for result in rows:
        chosen = found.get(result.stage)
        if chosen is None or (chosen.rule != rule and result.rule == rule):
            found[result.stage] = result
    return {stage: found[stage] for stage in Stage.values if stage in found}


def comparable(first: Result, second: Result) -> bool:
    """Progress is measured only between results of the same questionnaire, version and scoring rule."""
    return (first.questionnaire_type, first.questionnaire_version, first.rule) == (
        second.questionnaire_type,
        second.questionnaire_version,
        second.rule,
    )


@dataclass(frozen=True)
class Progress:
    start: str
    end: str
    dimensions: dict[str, Decimal]  # percentage points
    overall: Decimal


def progress(by_stage: dict[str, Result]) -> list[Progress]:
    """T0 → T1, T1 → T2 and T0 → T2, for each pair that can be compared."""
    pairs = [(Stage.T0, Stage.T1), (Stage.T1, Stage.T2), (Stage.T0, Stage.T2)]
    found: list[Progress] = []
    for start, end in pairs:
        first, second = by_stage.get(start), by_stage.get(end)
        if first is None or second is None or not comparable(first, second):
            continue
        a, b = first.dimension_scores(), second.dimension_scores()
        found.append(
            Progress(
                start=start,
                end=end,
                dimensions={key: b[key] - a[key] for key in a if key in b},
                overall=second.overall - first.overall,
            )
        )
    return found


@dataclass(frozen=True)
class PeerAverage:
    count: int
    dimensions: dict[str, Decimal]
    overall: Decimal
    section: str
    size_class: str


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def nace_section(organisation: Organisation) -> str:
    code = organisation.primary_nace
    while code is not None and code.level > 1:
        code = code.parent
    return code.code if code is not None else ""


def peer_average(result: Result) -> PeerAverage | None:
    """The mean of the latest result of every other organisation in the same NACE section and size class,
    taken with the same questionnaire, version and rule; ``None`` under ``MIN_PEERS`` organisations."""
    organisation = result.organisation
    section = nace_section(organisation)
    if not section or not organisation.size_class:
        return None
    candidates = (
        Result.objects.filter(
            questionnaire_type=result.questionnaire_type,
            questionnaire_version=result.questionnaire_version,
            rule=result.rule,
            assessment__status=Assessment.Status.SUBMITTED,
            organisation__size_class=organisation.size_class,
            organisation__merged_into__isnull=True,
            organisation__primary_nace__in=nace_codes_in_section(section).values("pk"),
        )
        .exclude(organisation=organisation)
        .order_by("organisation_id", F("assessment__taken_on").desc(nulls_last=True), "-created_at", "-id")
        .only("organisation_id", "dimensions", "overall")
    )
    latest: dict[int, Result] = {}
    for candidate in candidates:
        latest.setdefault(candidate.organisation_id, candidate)
    if len(latest) < MIN_PEERS:
        return None
    chosen = list(latest.values())
    keys = list(result.dimensions)
    return PeerAverage(
        count=len(chosen),
        dimensions={key: _mean([r.dimension_scores()[key] for r in chosen]) for key in keys},
        overall=_mean([r.overall for r in chosen]),
        section=section,
        size_class=organisation.size_class,
    )
