"""Open DMA scoring (spec/dma.md §4 and §7): the worked examples, the edges, each rule, and a reference model.

The reference model at the end of this file is written from the §4.2 table and the rule descriptions
alone, with nothing from scoring.py but ``score`` and ``ScoringRule``; hypothesis then checks that
``score`` agrees with it on random answer sets, for both questionnaires and every rule.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from moselle.assessments import questionnaires
from moselle.assessments.answers import clean_answers
from moselle.assessments.questionnaires import Question, Questionnaire
from moselle.assessments.scoring import ScoringRule, band, score

SME = questionnaires.current("sme")
PSO = questionnaires.current("pso")
BY_TYPE = {"sme": SME, "pso": PSO}

DUAL_RULES = ("A", "B", "C", "D")
NEGATIVE_RULES = ("exclude", "penalty", "count")
RULES = tuple(ScoringRule(dual=dual, negative=negative) for dual in DUAL_RULES for negative in NEGATIVE_RULES)
DEFAULT = ScoringRule()

# Deterministic in CI: the same examples on every run, nothing written to a .hypothesis directory. The
# project's autouse fixture (language, upload folder) is function-scoped but holds nothing an example changes.
PROPERTY = settings(
    derandomize=True,
    database=None,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- Building answers -------------------------------------------------------------------------------------


def keys(question: Question) -> list[str]:
    return [item.key for item in question.items]


def positive_keys(question: Question) -> list[str]:
    return [item.key for item in question.items if not item.negative]


def negative_keys(question: Question) -> list[str]:
    return [item.key for item in question.items if item.negative]


def ticked(question: Question, count: int) -> list[str]:
    """The first ``count`` positive items of a checklist."""
    chosen = positive_keys(question)[:count]
    assert len(chosen) == count
    return chosen


def dual(question: Question, *, invested: int, planned: int) -> dict[str, list[str]]:
    """Invested ticked on the first ``invested`` rows, planned on the first ``planned`` rows."""
    rows: dict[str, list[str]] = {}
    for index, key in enumerate(keys(question)):
        ticks = [column for column, count in (("invested", invested), ("planned", planned)) if index < count]
        if ticks:
            rows[key] = ticks
    return rows


def graded(question: Question, grades: list[Any]) -> dict[str, Any]:
    assert len(grades) == len(question.items)
    return dict(zip(keys(question), grades, strict=True))


def sme_example() -> dict[str, Any]:
    """Spec §7, SME."""
    q = SME.questions
    rows = keys(q["q1"])
    # 4 rows invested, 2 of them also planned, and 4 rows planned only: 4 invested and 6 planned ticks.
    q1 = {key: ["invested", "planned"] for key in rows[:2]}
    q1 |= {key: ["invested"] for key in rows[2:4]}
    q1 |= {key: ["planned"] for key in rows[4:8]}
    return {
        "q1": q1,
        "q2": ticked(q["q2"], 5),
        "q3": ticked(q["q3"], 6),
        "q4": graded(q["q4"], [0, 1, 3, 0, 2, 0, 0]),
        "q5": ticked(q["q5"], 3),
        "q6": ticked(q["q6"], 4),
        "q7": ticked(q["q7"], 4),
        "q8": ticked(q["q8"], 3),
        "q9": graded(q["q9"], [1, 0, 0, 0, 3]),
        "q10": ticked(q["q10"], 3),
        "q11": graded(q["q11"], ["yes", "partially", "no", "partially", "no"]),
    }


def pso_example() -> dict[str, Any]:
    """Spec §7, PSO."""
    q = PSO.questions
    return {
        "q1": ticked(q["q1"], 6),
        "q2": dual(q["q2"], invested=5, planned=3),
        "q3": ticked(q["q3"], 5),
        "q4": graded(q["q4"], [2, 3, 1, 0, 4, 0, 1, 2]),
        "q5": ticked(q["q5"], 2),
        "q6": ticked(q["q6"], 5),
        "q7": ticked(q["q7"], 4),
        "q8": ticked(q["q8"], 4),
        "q9": dual(q["q9"], invested=6, planned=4),
        "q10": ticked(q["q10"], 4),
        "q11": graded(q["q11"], ["partially", "partially", "yes", "no", "no"]),
    }


def maxed(questionnaire: Questionnaire) -> dict[str, Any]:
    """Every positive item ticked (the SME negative item not), every row both ticked, 5 or yes."""
    answers: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        if question.kind == "checklist":
            answers[question.key] = positive_keys(question)
        elif question.kind == "dual":
            answers[question.key] = {key: ["invested", "planned"] for key in keys(question)}
        elif question.kind == "scale":
            answers[question.key] = dict.fromkeys(keys(question), 5)
        else:
            answers[question.key] = dict.fromkeys(keys(question), "yes")
    return answers


def zeroed(questionnaire: Questionnaire) -> dict[str, Any]:
    """Every question answered with nothing in place: no tick, grade 0, "no"."""
    answers: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        if question.kind == "checklist":
            answers[question.key] = []
        elif question.kind == "dual":
            answers[question.key] = {}
        elif question.kind == "scale":
            answers[question.key] = dict.fromkeys(keys(question), 0)
        else:
            answers[question.key] = dict.fromkeys(keys(question), "no")
    return answers


def rounded(questionnaire: Questionnaire, answers: dict[str, Any], rule: ScoringRule) -> dict[str, Decimal]:
    """The dimension scores as shown, keyed d1…d6 in order, with the overall under "overall"."""
    dimensions, overall = score(questionnaire, answers, rule).rounded()
    shown = {f"d{index}": dimensions[dimension.key] for index, dimension in enumerate(questionnaire.dimensions, 1)}
    return shown | {"overall": overall}


# --- The worked examples of spec §7 -----------------------------------------------------------------------


def test_it_scores_the_sme_worked_example_of_the_spec() -> None:
    assert rounded(SME, sme_example(), DEFAULT) == {
        "d1": Decimal("50.00"),
        "d2": Decimal("38.57"),
        "d3": Decimal("46.43"),
        "d4": Decimal("53.57"),
        "d5": Decimal("16.00"),
        "d6": Decimal("35.00"),
        "overall": Decimal("39.93"),
    }
    result = score(SME, sme_example(), DEFAULT)
    assert band(result.overall) == "average"
    assert band(result.rounded()[1]) == "average"


def test_it_gives_the_sme_worked_example_question_scores_of_the_spec() -> None:
    questions = score(SME, sme_example(), DEFAULT).questions
    assert questions["q1"] == 5  # DUAL-A = 10·10/20
    assert questions["q4"] == Fraction(12, 7)  # Σ6 → 1.714
    assert questions["q7"] == Fraction(40, 7)  # 4 of 7 positives
    assert questions["q9"] == Fraction(8, 5)  # → 1.6
    assert questions["q11"] == 4  # [Y,P,N,P,N]


@pytest.mark.parametrize(
    ("dual_rule", "q1", "d1"),
    [
        ("A", Fraction(5), Decimal("50.00")),
        ("B", Fraction(6), Decimal("55.00")),
        ("C", Fraction(14, 3), Decimal("48.33")),
    ],
)
def test_it_scores_the_sme_q1_of_the_worked_example_under_each_reading(
    dual_rule: str, q1: Fraction, d1: Decimal
) -> None:
    rule = ScoringRule(dual=dual_rule)
    assert score(SME, sme_example(), rule).questions["q1"] == q1
    assert rounded(SME, sme_example(), rule)["d1"] == d1


def test_it_scores_the_pso_worked_example_of_the_spec() -> None:
    assert rounded(PSO, pso_example(), DEFAULT) == {
        "d1": Decimal("55.00"),
        "d2": Decimal("44.03"),
        "d3": Decimal("39.29"),
        "d4": Decimal("55.56"),
        "d5": Decimal("31.25"),
        "d6": Decimal("42.22"),
        "overall": Decimal("44.56"),
    }
    result = score(PSO, pso_example(), DEFAULT)
    assert result.questions["q2"] == 5
    assert result.questions["q4"] == Fraction(13, 4)
    assert result.questions["q9"] == Fraction(25, 8)  # 3.125
    assert band(result.overall) == "average"


def test_it_rounds_a_shown_score_half_up() -> None:
    # One PSO interoperability tick: D5 = 10 * 10·1/32 = 3.125 exactly, shown 3.13 (half-even would say 3.12).
    answers = {"q9": dual(PSO.questions["q9"], invested=1, planned=0)}
    result = score(PSO, answers, DEFAULT)
    assert result.dimensions["d5"] == Fraction(25, 8)
    assert rounded(PSO, answers, DEFAULT)["d5"] == Decimal("3.13")


# --- Edges ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
@pytest.mark.parametrize("kind", ["sme", "pso"])
@pytest.mark.parametrize("answers_of", [lambda _q: {}, zeroed], ids=["unanswered", "answered-with-nothing"])
def test_it_scores_nothing_in_place_zero_everywhere(kind: str, rule: ScoringRule, answers_of: Any) -> None:
    questionnaire = BY_TYPE[kind]
    result = score(questionnaire, answers_of(questionnaire), rule)
    assert set(result.questions) == set(questionnaire.questions)
    assert all(value == 0 for value in result.questions.values())
    assert [result.dimensions[dimension.key] for dimension in questionnaire.dimensions] == [0] * 6
    assert result.overall == 0
    assert band(result.overall) == "basic"


@pytest.mark.parametrize(
    "rule",
    [rule for rule in RULES if rule.negative != "count"],
    ids=lambda rule: rule.code,
)
@pytest.mark.parametrize("kind", ["sme", "pso"])
def test_it_scores_everything_in_place_exactly_100(kind: str, rule: ScoringRule) -> None:
    questionnaire = BY_TYPE[kind]
    result = score(questionnaire, maxed(questionnaire), rule)
    assert all(value == 10 for value in result.questions.values())
    assert all(value == 100 for value in result.dimensions.values())
    assert result.overall == Fraction(100)
    assert band(result.overall) == "advanced"


@pytest.mark.parametrize("dual_rule", DUAL_RULES)
def test_it_scores_everything_in_place_exactly_100_for_a_pso_under_the_count_rule(dual_rule: str) -> None:
    result = score(PSO, maxed(PSO), ScoringRule(dual=dual_rule, negative="count"))
    assert all(value == 100 for value in result.dimensions.values())
    assert result.overall == Fraction(100)


@pytest.mark.parametrize("dual_rule", DUAL_RULES)
def test_it_caps_sme_data_management_below_100_under_the_count_rule(dual_rule: str) -> None:
    # "count" puts the negative item in the denominator and never lets it add (scoring.py docstring), so
    # with every positive item ticked Q7 is 10·7/8 and D4 = 5 * (8.75 + 10): 100 cannot be reached.
    result = score(SME, maxed(SME), ScoringRule(dual=dual_rule, negative="count"))
    assert result.questions["q7"] == Fraction(35, 4)
    assert result.dimensions["d4"] == Fraction(375, 4)
    assert [value for key, value in result.dimensions.items() if key != "d4"] == [100] * 5
    assert result.overall == Fraction(2375, 24)
    assert band(result.overall) == "advanced"


# --- Rule D: each column is a sub-score of its own --------------------------------------------------------


def test_it_weighs_each_column_like_the_other_question_under_rule_d() -> None:
    rule = ScoringRule(dual="D")
    answers = {"q1": dual(SME.questions["q1"], invested=3, planned=6), "q2": ticked(SME.questions["q2"], 4)}
    result = score(SME, answers, rule)
    # prep 4, invested 3, planned 6: D1 = (4 + 3 + 6) * 10/3.
    assert result.dimensions["d1"] == Fraction(130, 3)
    assert result.questions["q1"] == Fraction(9, 2)  # the mean of its two columns
    assert rounded(SME, answers, rule)["d1"] == Decimal("43.33")


def test_it_scores_the_pso_investment_table_and_interoperability_under_rule_d() -> None:
    rule = ScoringRule(dual="D")
    answers = {
        "q1": ticked(PSO.questions["q1"], 6),
        "q2": dual(PSO.questions["q2"], invested=2, planned=4),
        "q9": dual(PSO.questions["q9"], invested=6, planned=4),
    }
    result = score(PSO, answers, rule)
    # prep 6, invested 10·2/8 = 2.5, planned 10·4/8 = 5: D1 = 13.5 * 10/3 = 45.
    assert result.dimensions["d1"] == 45
    # D5 has the table alone: the mean of its columns, so the same as reading A.
    assert result.dimensions["d5"] == Fraction(125, 4) == score(PSO, answers, DEFAULT).dimensions["d5"]


# --- The SME negative item "data is not collected digitally" ----------------------------------------------

NEGATIVE = "not_collected_digitally"


def q7_score(answer: list[str], negative_rule: str) -> Fraction:
    return score(SME, {"q7": answer}, ScoringRule(negative=negative_rule)).questions["q7"]


def test_it_knows_the_one_negative_item_of_the_sme_data_question() -> None:
    assert negative_keys(SME.questions["q7"]) == [NEGATIVE]


def test_it_leaves_the_negative_item_out_under_the_exclude_rule() -> None:
    four = ticked(SME.questions["q7"], 4)
    assert q7_score(four, "exclude") == Fraction(40, 7)
    assert q7_score([*four, NEGATIVE], "exclude") == Fraction(40, 7)  # as if it were not there
    assert q7_score([NEGATIVE], "exclude") == 0
    assert q7_score(positive_keys(SME.questions["q7"]), "exclude") == 10


def test_it_takes_one_positive_item_away_under_the_penalty_rule() -> None:
    four = ticked(SME.questions["q7"], 4)
    assert q7_score(four, "penalty") == Fraction(40, 7)
    assert q7_score([*four, NEGATIVE], "penalty") == Fraction(30, 7)
    assert q7_score([NEGATIVE], "penalty") == 0  # never below 0
    assert q7_score(positive_keys(SME.questions["q7"]), "penalty") == 10


def test_it_counts_the_negative_item_in_the_denominator_under_the_count_rule() -> None:
    four = ticked(SME.questions["q7"], 4)
    assert q7_score(four, "count") == 5  # 10·4/8
    assert q7_score([*four, NEGATIVE], "count") == 5  # it never adds
    assert q7_score([NEGATIVE], "count") == 0
    assert q7_score(positive_keys(SME.questions["q7"]), "count") == Fraction(35, 4)


@pytest.mark.parametrize("negative_rule", NEGATIVE_RULES)
def test_it_scores_a_pso_data_question_the_same_under_every_negative_rule(negative_rule: str) -> None:
    answers = {"q7": ticked(PSO.questions["q7"], 4)}
    assert score(PSO, answers, ScoringRule(negative=negative_rule)).questions["q7"] == Fraction(40, 9)


# --- Rules are named and checked --------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_it_reads_a_rule_back_from_its_code(rule: ScoringRule) -> None:
    assert ScoringRule.from_code(rule.code) == rule


@pytest.mark.parametrize(("dual_rule", "negative_rule"), [("E", "exclude"), ("a", "exclude"), ("A", "ignore")])
def test_it_refuses_an_unknown_rule(dual_rule: str, negative_rule: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        ScoringRule(dual=dual_rule, negative=negative_rule)


def test_it_defaults_to_reading_a_and_excluding_the_negative_item() -> None:
    assert DEFAULT.code == "A/exclude"


# --- Bands ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(0), "basic"),
        (Decimal("0.00"), "basic"),
        (Decimal("25.00"), "basic"),
        (Fraction(25), "basic"),
        (Fraction(25004, 1000), "basic"),  # shown 25.00
        (Decimal("25.004"), "basic"),
        (Fraction(25005, 1000), "average"),  # shown 25.01
        (Decimal("25.005"), "average"),
        (Decimal("25.01"), "average"),
        (Fraction(50), "average"),
        (Decimal("50.00"), "average"),
        (Fraction(50004, 1000), "average"),
        (Decimal("50.01"), "moderately_advanced"),
        (Fraction(75), "moderately_advanced"),
        (Decimal("75.00"), "moderately_advanced"),
        (Decimal("75.01"), "advanced"),
        (Fraction(7501, 100), "advanced"),
        (Fraction(100), "advanced"),
        (Decimal("100.00"), "advanced"),
    ],
    ids=str,
)
def test_it_bands_a_score_on_the_figure_a_person_sees(value: Decimal | Fraction, expected: str) -> None:
    assert band(value) == expected


def test_it_bands_a_score_just_under_a_half_cent_edge_by_its_exact_value() -> None:
    # 25.00499…9 (thirty decimals) is shown 25.00, so Basic. round2 divides with Decimal's 28 significant
    # digits first, which rounds this to 25.00500… and then half-up to 25.01: the docstring promises exact.
    value = Fraction(25005, 1000) - Fraction(1, 10**30)
    assert band(value) == "basic"


# --- The reference model (spec §4.2), written without scoring.py's helpers ---------------------------------

NPY_WORTH = {"no": Fraction(0), "partially": Fraction(1, 2), "yes": Fraction(1)}


def reference_sub_scores(question: Question, answer: Any, rule: ScoringRule) -> list[Fraction]:
    """The 0-10 sub-score(s) of one question: one, or under reading D two for an invested/planned table."""
    rows = len(question.items)
    if question.kind == "checklist":
        given_ticks = set(answer or [])
        positives = [key for key in positive_keys(question) if key in given_ticks]
        negatives = [key for key in negative_keys(question) if key in given_ticks]
        if rule.negative == "exclude":
            return [10 * Fraction(len(positives), len(positive_keys(question)))]
        if rule.negative == "penalty":
            return [10 * Fraction(max(len(positives) - len(negatives), 0), len(positive_keys(question)))]
        return [10 * Fraction(len(positives), len(positive_keys(question)) + len(negative_keys(question)))]
    if question.kind == "scale":
        grades = answer or {}
        # Each row is worth grade/5; an unanswered row is "not used".
        return [10 * sum((Fraction(grades.get(key, 0), 5) for key in keys(question)), Fraction(0)) / rows]
    if question.kind == "npy":
        values = answer or {}
        return [10 * sum((NPY_WORTH[values.get(key, "no")] for key in keys(question)), Fraction(0)) / rows]
    ticks = [set((answer or {}).get(key, [])) for key in keys(question)]
    invested = sum(1 for row in ticks if "invested" in row)
    planned = sum(1 for row in ticks if "planned" in row)
    if rule.dual == "A":
        return [10 * Fraction(invested + planned, 2 * rows)]
    if rule.dual == "B":
        points = [
            Fraction(1) if "invested" in row else Fraction(1, 2) if "planned" in row else Fraction(0) for row in ticks
        ]
        return [10 * sum(points, Fraction(0)) / rows]
    if rule.dual == "C":
        return [10 * (invested + Fraction(planned, 2)) / (Fraction(3, 2) * rows)]
    return [10 * Fraction(invested, rows), 10 * Fraction(planned, rows)]


def reference(
    questionnaire: Questionnaire, answers: dict[str, Any], rule: ScoringRule
) -> tuple[dict[str, Fraction], dict[str, Fraction], Fraction]:
    questions: dict[str, Fraction] = {}
    dimensions: dict[str, Fraction] = {}
    for dimension in questionnaire.dimensions:
        parts: list[Fraction] = []
        for question in dimension.questions:
            subs = reference_sub_scores(question, answers.get(question.key), rule)
            questions[question.key] = sum(subs, Fraction(0)) / len(subs)
            parts.extend(subs)
        if len(parts) == 1:  # one question: q * 10
            dimensions[dimension.key] = 10 * parts[0]
        elif len(parts) == 2:  # two questions: (q_a + q_b) * 5
            dimensions[dimension.key] = 5 * (parts[0] + parts[1])
        else:  # reading D: (prep + invested + planned) * 10/3
            assert len(parts) == 3
            dimensions[dimension.key] = (parts[0] + parts[1] + parts[2]) * Fraction(10, 3)
    overall = sum(dimensions.values(), Fraction(0)) / 6
    return questions, dimensions, overall


# --- Random answer sets -----------------------------------------------------------------------------------

GRADES: list[int | None] = [None, 0, 1, 2, 3, 4, 5]
NPY_VALUES: list[str | None] = [None, "no", "partially", "yes"]


DENSITIES = (0, 64, 128, 192, 256)  # out of 256: how full a question is, from nothing to everything


@st.composite
def answer_sets(draw: st.DrawFn, questionnaire: Questionnaire) -> dict[str, Any]:
    """Answers in their cleaned shape; any question may be left out, any scale or npy row unanswered.

    Each question is one draw of bytes (a draw per row is slow): the first says whether it is answered and
    how full it is, so nearly empty and nearly full questions come up as often as half-full ones; the
    others decide its rows.
    """
    answers: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        head, shape, *rows = draw(st.binary(min_size=len(question.items) + 2, max_size=len(question.items) + 2))
        if head >= 230:  # about one question in ten is left out
            continue
        density = DENSITIES[shape % len(DENSITIES)]
        items = keys(question)
        if question.kind == "checklist":
            if negative_keys(question) and shape >= 192:
                answers[question.key] = negative_keys(question)  # the negative item is ticked alone
            else:
                positives = positive_keys(question)
                answers[question.key] = [key for key, byte in zip(positives, rows, strict=False) if byte < density]
        elif question.kind == "dual":
            ticks = {
                key: [column for column, bit in (("invested", 1), ("planned", 2)) if byte & bit]
                for key, byte in zip(items, rows, strict=True)
            }
            answers[question.key] = {key: row for key, row in ticks.items() if row}
        elif question.kind == "scale":
            grades = {key: GRADES[byte % len(GRADES)] for key, byte in zip(items, rows, strict=True)}
            answers[question.key] = {key: grade for key, grade in grades.items() if grade is not None}
        else:
            values = {key: NPY_VALUES[byte % len(NPY_VALUES)] for key, byte in zip(items, rows, strict=True)}
            answers[question.key] = {key: value for key, value in values.items() if value is not None}
    return answers


NPY_ORDER = [None, "no", "partially", "yes"]


def improvements(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Every answer set one step better: one more positive tick or dual tick, a higher grade, a better npy."""
    found: list[dict[str, Any]] = []

    def changed(question: Question, answer: Any) -> None:
        found.append(answers | {question.key: answer})

    for question in questionnaire.questions.values():
        answer = answers.get(question.key)
        if question.kind == "checklist":
            now = list(answer or [])
            if set(now) & set(negative_keys(question)):
                # The negative item is exclusive: ticking a positive item means it gives way.
                for key in positive_keys(question):
                    changed(question, [key])
            else:
                for key in positive_keys(question):
                    if key not in now:
                        changed(question, [item for item in positive_keys(question) if item in {*now, key}])
        elif question.kind == "dual":
            rows = dict(answer or {})
            for key in keys(question):
                for column in ("invested", "planned"):
                    if column not in rows.get(key, []):
                        ticks = [c for c in ("invested", "planned") if c in {*rows.get(key, []), column}]
                        changed(question, rows | {key: ticks})
        elif question.kind == "scale":
            grades = dict(answer or {})
            for key in keys(question):
                start = grades[key] + 1 if key in grades else 0
                for grade in range(start, 6):
                    changed(question, grades | {key: grade})
        else:
            values = dict(answer or {})
            for key in keys(question):
                for value in NPY_ORDER[NPY_ORDER.index(values.get(key)) + 1 :]:
                    changed(question, values | {key: value})
    return found


@pytest.mark.parametrize("kind", ["sme", "pso"])
@PROPERTY
@given(data=st.data())
def test_it_agrees_with_the_reference_model_under_every_rule(kind: str, data: st.DataObject) -> None:
    questionnaire = BY_TYPE[kind]
    answers = data.draw(answer_sets(questionnaire), label="answers")
    for rule in RULES:
        result = score(questionnaire, answers, rule)
        questions, dimensions, overall = reference(questionnaire, answers, rule)
        assert result.questions == questions, rule.code
        assert result.dimensions == dimensions, rule.code
        assert result.overall == overall, rule.code
        # The reference never clamps, so these hold of the formulas themselves.
        assert all(0 <= value <= 10 for value in questions.values()), rule.code
        assert all(0 <= value <= 100 for value in dimensions.values()), rule.code
        assert 0 <= overall <= 100
        assert result.overall == sum(result.dimensions.values(), Fraction(0)) / 6
        assert len(result.dimensions) == 6


@pytest.mark.parametrize("kind", ["sme", "pso"])
@PROPERTY
@given(data=st.data())
def test_it_never_lowers_a_score_when_an_answer_improves(kind: str, data: st.DataObject) -> None:
    questionnaire = BY_TYPE[kind]
    answers = data.draw(answer_sets(questionnaire), label="answers")
    candidates = improvements(questionnaire, answers)
    assume(candidates)
    better = data.draw(st.sampled_from(candidates), label="improved")
    for rule in RULES:
        before = score(questionnaire, answers, rule)
        after = score(questionnaire, better, rule)
        assert all(after.questions[key] >= value for key, value in before.questions.items()), rule.code
        assert all(after.dimensions[key] >= value for key, value in before.dimensions.items()), rule.code
        assert after.overall >= before.overall, rule.code


@pytest.mark.parametrize("kind", ["sme", "pso"])
@settings(PROPERTY, max_examples=50)
@given(data=st.data())
def test_it_draws_answer_sets_in_the_shape_clean_answers_keeps(kind: str, data: st.DataObject) -> None:
    # Guards the strategy above: the properties are about answers as they are stored, nothing stranger.
    questionnaire = BY_TYPE[kind]
    answers = data.draw(answer_sets(questionnaire), label="answers")
    assert clean_answers(questionnaire, answers) == answers
