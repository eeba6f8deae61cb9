"""Open DMA scoring (spec/dma.md §4), exact: every score is a Fraction until it is shown or stored.

Each scored question gives 0-10, each dimension 0-100 (the mean of its sub-scores times ten), the overall
score is the unweighted mean of the six dimensions. Two parts of the official method are not published, so
they are rules one chooses (``ScoringRule``), and every stored result names the rule it used:

- how an invested/planned table scores (``dual``): (A) each tick is worth half a row, the default;
  (B) a row is worth 1 when invested, else 0.5 when planned; (C) invested 1 plus planned 0.5 over 1.5 per
  row; (D) each column is a sub-score of its own, weighing as much as the dimension's other question;
- how the SME's negative item "data is not collected digitally" scores (``negative``): ``exclude`` (it
  scores nothing and is left out of the count, the default); ``penalty`` (it takes one positive item
  away, never below 0); ``count`` (it counts as one more item, ticked or not, and never adds).

Unanswered rows of a 0-5 scale or a No/Partially/Yes table count as 0 and "No"; the denominator is always
the full number of rows, never only the answered ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from moselle.assessments.questionnaires import (
    CHECKLIST,
    DUAL,
    INVESTED,
    NPY,
    PLANNED,
    SCALE,
    SCALE_MAX,
    Question,
    Questionnaire,
)

DUAL_RULES = {
    "A": _("(A) each tick is worth half a row"),
    "B": _("(B) invested is worth a row, planned only half"),
    "C": _("(C) invested 1 and planned 0.5, out of 1.5 a row"),
    "D": _("(D) invested and planned are sub-scores of their own"),
}
NEGATIVE_RULES = {
    "exclude": _("the negative item scores nothing and is not counted"),
    "penalty": _("the negative item takes one ticked item away"),
    "count": _("the negative item counts as one more item"),
}
NPY_POINTS = {"no": Fraction(0), "partially": Fraction(1, 2), "yes": Fraction(1)}

BASIC, AVERAGE, MODERATELY_ADVANCED, ADVANCED = "basic", "average", "moderately_advanced", "advanced"
BANDS = {
    BASIC: _("Basic"),
    AVERAGE: _("Average"),
    MODERATELY_ADVANCED: _("Moderately advanced"),
    ADVANCED: _("Advanced"),
}
# Upper edges, inclusive, applied to the score rounded to two decimals (the figure a person sees):
# 25.00 is Basic, 25.01 Average. The official bands are written 0-25, 26-50, 51-75, 76-100.
BAND_EDGES = ((Decimal(25), BASIC), (Decimal(50), AVERAGE), (Decimal(75), MODERATELY_ADVANCED))

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ScoringRule:
    dual: str = "A"
    negative: str = "exclude"

    def __post_init__(self) -> None:
        if self.dual not in DUAL_RULES:
            raise ValueError(f"unknown invested/planned rule {self.dual!r}")
        if self.negative not in NEGATIVE_RULES:
            raise ValueError(f"unknown negative-item rule {self.negative!r}")

    @property
    def code(self) -> str:
        return f"{self.dual}/{self.negative}"

    @classmethod
    def from_code(cls, code: str) -> ScoringRule:
        dual, _sep, negative = code.partition("/")
        return cls(dual=dual, negative=negative)

    def describe(self) -> str:
        return f"{DUAL_RULES[self.dual]}; {NEGATIVE_RULES[self.negative]}"


@dataclass(frozen=True)
class Scores:
    questions: dict[str, Fraction]  # 0-10 (a DUAL question under rule D: the mean of its two columns)
    dimensions: dict[str, Fraction]  # 0-100
    overall: Fraction  # 0-100

    def rounded(self) -> tuple[dict[str, Decimal], Decimal]:
        return {key: round2(value) for key, value in self.dimensions.items()}, round2(self.overall)


def round2(value: Fraction) -> Decimal:
    """Round half up to two decimals, exactly: integer arithmetic on the fraction, no intermediate rounding."""
    hundredths = value * 100
    whole = hundredths.numerator // hundredths.denominator
    if (hundredths - whole) * 2 >= 1:
        whole += 1
    return (Decimal(whole) / 100).quantize(TWO_PLACES)


def band(score: Decimal | Fraction) -> str:
    shown = score if isinstance(score, Decimal) else round2(score)
    shown = shown.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    for edge, name in BAND_EDGES:
        if shown <= edge:
            return name
    return ADVANCED


def _checklist(question: Question, ticked: set[str], rule: ScoringRule) -> Fraction:
    positives = sum(1 for item in question.positive_items if item.key in ticked)
    negatives = sum(1 for item in question.negative_items if item.key in ticked)
    count = len(question.positive_items)
    if rule.negative == "penalty":
        positives = max(positives - negatives, 0)
    elif rule.negative == "count":
        count = len(question.items)
    return Fraction(10 * positives, count)


def _dual_columns(question: Question, rows: dict[str, Any]) -> tuple[int, int]:
    invested = sum(1 for item in question.items if INVESTED in (rows.get(item.key) or ()))
    planned = sum(1 for item in question.items if PLANNED in (rows.get(item.key) or ()))
    return invested, planned


def _dual(question: Question, rows: dict[str, Any], rule: ScoringRule) -> list[Fraction]:
    """The sub-scores (0-10) of an invested/planned table: one, or two under rule D."""
    n = len(question.items)
    invested, planned = _dual_columns(question, rows)
    if rule.dual == "A":
        return [Fraction(10 * (invested + planned), 2 * n)]
    if rule.dual == "B":
        points = sum(
            (
                Fraction(1) if INVESTED in ticks else Fraction(1, 2) if PLANNED in ticks else Fraction(0)
                for ticks in (rows.get(item.key) or () for item in question.items)
            ),
            Fraction(0),
        )
        return [Fraction(10) * points / n]
    if rule.dual == "C":
        return [Fraction(10) * (invested + Fraction(planned, 2)) / (Fraction(3, 2) * n)]
    return [Fraction(10 * invested, n), Fraction(10 * planned, n)]


def _scale(question: Question, grades: dict[str, Any]) -> Fraction:
    total = sum(int(grades.get(item.key) or 0) for item in question.items)
    return Fraction(10 * total, SCALE_MAX * len(question.items))


def _npy(question: Question, values: dict[str, Any]) -> Fraction:
    total = sum(
        (NPY_POINTS.get(str(values.get(item.key) or "no"), Fraction(0)) for item in question.items), Fraction(0)
    )
    return Fraction(10) * total / len(question.items)


def sub_scores(question: Question, answer: Any, rule: ScoringRule) -> list[Fraction]:
    if question.kind == CHECKLIST:
        return [_checklist(question, set(answer or ()), rule)]
    if question.kind == DUAL:
        return _dual(question, dict(answer or {}), rule)
    if question.kind == SCALE:
        return [_scale(question, dict(answer or {}))]
    if question.kind == NPY:
        return [_npy(question, dict(answer or {}))]
    raise ValueError(question.kind)


def score(questionnaire: Questionnaire, answers: dict[str, Any], rule: ScoringRule) -> Scores:
    """Score validated answers (see ``answers.clean``); a question without an answer scores 0."""
    questions: dict[str, Fraction] = {}
    dimensions: dict[str, Fraction] = {}
    for dimension in questionnaire.dimensions:
        parts: list[Fraction] = []
        for question in dimension.questions:
            subs = sub_scores(question, answers.get(question.key), rule)
            questions[question.key] = sum(subs, Fraction(0)) / len(subs)
            parts.extend(subs)
        dimensions[dimension.key] = 10 * sum(parts, Fraction(0)) / len(parts)
    overall = sum(dimensions.values(), Fraction(0)) / len(dimensions)
    return Scores(questions=questions, dimensions=dimensions, overall=overall)
