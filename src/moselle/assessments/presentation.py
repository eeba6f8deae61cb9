"""What the results page, the printed report and the API show of a result, built once for all three."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moselle.assessments import answers as answer_rules
from moselle.assessments import questionnaires, radar, results, scoring
from moselle.assessments.models import IMPORTED_RULE, Assessment, Interpretation, Result
from moselle.core.i18n import pick

SCALE_LEVELS = {
    0: gettext_lazy("not used"),
    1: gettext_lazy("considering"),
    2: gettext_lazy("prototyping"),
    3: gettext_lazy("testing"),
    4: gettext_lazy("implementing"),
    5: gettext_lazy("operational"),
}
NPY_LABELS = {"no": gettext_lazy("No"), "partially": gettext_lazy("Partially"), "yes": gettext_lazy("Yes")}


def scale_level(grade: int) -> str:
    return str(SCALE_LEVELS.get(grade, ""))


@dataclass
class GapLine:
    question: str
    item: str
    label: str
    status: str
    text: str  # in plain words


@dataclass
class DimensionView:
    key: str
    name: str
    score: Decimal
    band: str
    band_label: str
    interpretation: str
    by_stage: dict[str, Decimal]
    peer: Decimal | None
    gaps: list[GapLine] = field(default_factory=list)


def rule_label(code: str) -> str:
    if code == IMPORTED_RULE:
        return _("scored by the official DMA tool")
    try:
        return scoring.ScoringRule.from_code(code).describe()
    except ValueError:
        return code


def result_label(result: Result) -> str:
    """How a result introduces itself: its stage and rule, and where it came from when re-scored."""
    label = _("%(stage)s, %(rule)s") % {"stage": result.stage, "rule": rule_label(result.rule)}
    if result.rescored_from_id:
        label += " · " + _("re-scored from the result of %(date)s") % {
            "date": result.rescored_from.created_at.date().isoformat() if result.rescored_from else ""
        }
    return label


def gap_text(status: str, label: str, level: int | None) -> str:
    if status == answer_rules.PLANNED_ONLY:
        return _("Planned, not yet invested: %(item)s") % {"item": label}
    if status == answer_rules.PARTIAL and level is not None:
        return _("%(item)s: %(level)s so far") % {"item": label, "level": scale_level(level)}
    if status == answer_rules.PARTIAL:
        return _("Partly in place: %(item)s") % {"item": label}
    return _("Not yet in place: %(item)s") % {"item": label}


def gap_lines(questionnaire: questionnaires.Questionnaire, answers: dict[str, Any]) -> dict[str, list[GapLine]]:
    found: dict[str, list[GapLine]] = {d.key: [] for d in questionnaire.dimensions}
    for gap in answer_rules.gaps(questionnaire, answers):
        question = questionnaire.questions[gap.question]
        item = question.item(gap.item)
        label = item.text() if item else gap.item
        found[gap.dimension].append(
            GapLine(gap.question, gap.item, label, gap.status, gap_text(gap.status, label, gap.level))
        )
    return found


def interpretations(questionnaire_type: str) -> dict[tuple[str, str], str]:
    return {
        (row.dimension, row.band): pick(row.text)
        for row in Interpretation.objects.filter(questionnaire_type=questionnaire_type)
    }


@dataclass
class ResultsView:
    assessment: Assessment
    result: Result
    questionnaire: questionnaires.Questionnaire | None
    by_stage: dict[str, Result]
    progress: list[results.Progress]
    peers: results.PeerAverage | None
    dimensions: list[DimensionView]
    overall_band_label: str
    overall_interpretation: str
    chart: Any
    incomparable: list[str]


def build(assessment: Assessment, result: Result) -> ResultsView:
    questionnaire = questionnaires.get(assessment.questionnaire_type, assessment.questionnaire_version) or (
        questionnaires.current(assessment.questionnaire_type)
    )
    by_stage = results.stage_results(assessment.organisation, assessment.questionnaire_type, result.rule)
    by_stage[result.stage] = result
    progress = results.progress(by_stage)
    incomparable = [
        stage for stage, other in by_stage.items() if other.pk != result.pk and not results.comparable(other, result)
    ]
    peers = results.peer_average(result)
    texts = interpretations(assessment.questionnaire_type)
    gaps = gap_lines(questionnaire, assessment.answers) if assessment.mode != Assessment.Mode.IMPORTED else {}
    scores = result.dimension_scores()
    dimensions = []
    for dimension in questionnaire.dimensions:
        value = scores.get(dimension.key, Decimal(0))
        band = scoring.band(value)
        dimensions.append(
            DimensionView(
                key=dimension.key,
                name=dimension.name(),
                score=value,
                band=band,
                band_label=str(scoring.BANDS[band]),
                interpretation=texts.get((dimension.key, band), ""),
                by_stage={stage: r.dimension_scores().get(dimension.key, Decimal(0)) for stage, r in by_stage.items()},
                peer=peers.dimensions.get(dimension.key) if peers else None,
                gaps=gaps.get(dimension.key, []),
            )
        )
    series = [
        radar.Series(
            name=stage,
            values=[d.by_stage.get(stage, Decimal(0)) for d in dimensions],
            css_class=f"stage-{stage.lower()}",
        )
        for stage in by_stage
    ]
    if peers:
        series.append(
            radar.Series(
                name=_("Comparable organisations"),
                values=[d.peer or Decimal(0) for d in dimensions],
                css_class="comparison",
            )
        )
    chart = radar.radar_svg(
        [d.name for d in dimensions],
        series,
        title=_("Digital maturity of %(name)s by dimension") % {"name": assessment.organisation.name},
    )
    return ResultsView(
        assessment=assessment,
        result=result,
        questionnaire=questionnaire,
        by_stage=by_stage,
        progress=progress,
        peers=peers,
        dimensions=dimensions,
        overall_band_label=str(scoring.BANDS[result.band]),
        overall_interpretation=texts.get(("", result.band), ""),
        chart=chart,
        incomparable=incomparable,
    )


def main_result(assessment: Assessment, rule: str) -> Result | None:
    """The result shown for an assessment: under ``rule`` when there is one, else the first."""
    # Sorted here rather than by the database, so that a list that prefetched the results asks nothing more.
    rows = sorted(assessment.results.all(), key=lambda r: (r.created_at, r.pk))
    return next((r for r in rows if r.rule == rule), rows[0] if rows else None)
