"""What the hub drafts for the advisor to edit: needs from an assessment's gaps, their priority, and a
roadmap from the prioritised needs. Plain functions over plain values; ``journeys.actions`` stores them.

A dimension's need is the distance, in points, from its score to the floor of the band the company aims
at (by default the next band up: floors 26, 51 and 76), with the questionnaire items not yet in place in
plain words. Priority = importance * gap * urgency / effort.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from moselle.assessments import answers as answer_rules
from moselle.assessments import questionnaires, scoring
from moselle.core.i18n import pick
from moselle.journeys.models import HORIZON_MONTHS, Horizon

DATA = Path(__file__).resolve().parent / "data"
BAND_ORDER = (scoring.BASIC, scoring.AVERAGE, scoring.MODERATELY_ADVANCED, scoring.ADVANCED)
BAND_FLOORS = {
    scoring.BASIC: Decimal("0.00"),
    scoring.AVERAGE: Decimal("26.00"),
    scoring.MODERATELY_ADVANCED: Decimal("51.00"),
    scoring.ADVANCED: Decimal("76.00"),
}
PRIORITY_PLACES = Decimal("0.0001")
# How many of the prioritised needs go into each horizon, in order; the rest go to the last one.
HORIZON_SLOTS = ((Horizon.NOW, 2), (Horizon.NEXT, 3))
URGENT = 5  # a need this urgent is planned in the first horizon whatever its rank
MISSING_IN_TITLE = 3


@cache
def dimension_support() -> dict[str, dict[str, dict[str, Any]]]:
    """Per questionnaire and dimension, the technologies and the EDIH category that answer its gaps."""
    loaded: dict[str, dict[str, dict[str, Any]]] = json.loads(
        (DATA / "dimension_support.json").read_text(encoding="utf-8")
    )
    return loaded


def next_band(band: str) -> str:
    """The band above ``band`` (the top band stays where it is)."""
    index = BAND_ORDER.index(band)
    return BAND_ORDER[min(index + 1, len(BAND_ORDER) - 1)]


def default_target(score: Decimal) -> str:
    return next_band(scoring.band(score))


def gap_to(score: Decimal, target_band: str) -> Decimal:
    """Points from ``score`` to the floor of ``target_band``; none when the score is there already."""
    return max(Decimal("0.00"), (BAND_FLOORS[target_band] - score).quantize(Decimal("0.01")))


def priority(*, importance: int, gap: Decimal, urgency: int, effort: int) -> Decimal:
    return (Decimal(importance) * gap * Decimal(urgency) / Decimal(effort)).quantize(
        PRIORITY_PLACES, rounding=ROUND_HALF_UP
    )


@dataclass
class DimensionNeed:
    """A need drafted from one dimension of a result."""

    dimension: str
    title: str
    score: Decimal
    target_band: str
    target: Decimal
    gap: Decimal
    missing: list[dict[str, Any]] = field(default_factory=list)
    technologies: list[str] = field(default_factory=list)
    category: str = ""

    @property
    def description(self) -> str:
        return "\n".join(line["text"] for line in self.missing)


def dimension_needs(
    *,
    questionnaire_type: str,
    questionnaire_version: str,
    scores: dict[str, Decimal],
    answers: dict[str, Any] | None,
    targets: dict[str, str] | None = None,
) -> list[DimensionNeed]:
    """A need for each dimension below its target band, largest gap first (ties in the questionnaire's order).

    ``targets`` maps a dimension to the band the company aims at; a dimension it leaves out aims at the next
    band up. ``answers`` are the assessment's (None for a result imported without them: no missing items)."""
    from moselle.assessments.presentation import gap_text

    questionnaire = questionnaires.get(questionnaire_type, questionnaire_version) or questionnaires.current(
        questionnaire_type
    )
    support = dimension_support().get(questionnaire_type, {})
    missing: dict[str, list[dict[str, Any]]] = {d.key: [] for d in questionnaire.dimensions}
    if answers is not None:
        for absent in answer_rules.gaps(questionnaire, answers):
            item = questionnaire.questions[absent.question].item(absent.item)
            label = item.text() if item else absent.item
            missing[absent.dimension].append(
                {
                    "question": absent.question,
                    "item": absent.item,
                    "status": absent.status,
                    "level": absent.level,
                    "text": gap_text(absent.status, label, absent.level),
                }
            )
    found: list[tuple[Decimal, int, DimensionNeed]] = []
    for order, dimension in enumerate(questionnaire.dimensions):
        score = scores.get(dimension.key)
        if score is None:
            continue
        target_band = (targets or {}).get(dimension.key) or default_target(score)
        gap = gap_to(score, target_band)
        if gap <= 0:
            continue
        help_for = support.get(dimension.key, {})
        need = DimensionNeed(
            dimension=dimension.key,
            title=pick(dimension.title),
            score=score,
            target_band=target_band,
            target=BAND_FLOORS[target_band],
            gap=gap,
            missing=missing.get(dimension.key, []),
            technologies=list(help_for.get("technologies", [])),
            category=str(help_for.get("category", "")),
        )
        found.append((-gap, order, need))
    found.sort(key=lambda row: (row[0], row[1]))
    return [need for _gap, _order, need in found]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlannedNeed:
    """What the roadmap draft needs to know of a need."""

    need_id: int
    urgency: int


def horizons(needs: list[PlannedNeed]) -> dict[int, str]:
    """The horizon of each need, given in priority order: the first two in 0-3 months, the next three in
    3-12, the rest in 12-24; a need of the highest urgency always in 0-3."""
    chosen: dict[int, str] = {}
    position = 0
    for need in needs:
        if need.urgency >= URGENT:
            chosen[need.need_id] = Horizon.NOW
            continue
        taken = 0
        horizon = Horizon.LATER
        for slot_horizon, size in HORIZON_SLOTS:
            if position < taken + size:
                horizon = slot_horizon
                break
            taken += size
        chosen[need.need_id] = horizon
        position += 1
    return chosen


def due_on(horizon: str, today: date) -> date:
    """An action is due at the end of its horizon."""
    return add_months(today, HORIZON_MONTHS[Horizon(horizon)])


# --- Said in the reader's language ------------------------------------------------------------------------


def dimension_title(questionnaire_type: str, version: str, dimension: str) -> str:
    """A dimension's title in the active language ("" when the questionnaire does not have it)."""
    questionnaire = questionnaires.get(questionnaire_type, version) or questionnaires.current(questionnaire_type)
    for found in questionnaire.dimensions:
        if found.key == dimension:
            return pick(found.title)
    return ""


def missing_texts(questionnaire_type: str, version: str, missing: list[dict[str, Any]]) -> list[str]:
    """The items not in place, in plain words in the active language; a line the questionnaire no longer has
    keeps the words it was drafted with."""
    from moselle.assessments.presentation import gap_text

    questionnaire = questionnaires.get(questionnaire_type, version) or questionnaires.current(questionnaire_type)
    texts = []
    for line in missing:
        question = questionnaire.questions.get(str(line.get("question", "")))
        item = question.item(str(line.get("item", ""))) if question is not None else None
        if item is None:
            texts.append(str(line.get("text", "")))
        else:
            texts.append(gap_text(str(line.get("status", "")), item.text(), line.get("level")))
    return texts
