"""Answers and customer data are checked field by field; what is missing and the gaps are read off them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.assessments import questionnaires
from moselle.assessments.answers import Gap, answered_share, clean_answers, clean_customer, gaps, missing
from moselle.assessments.questionnaires import Question, Questionnaire

SME = questionnaires.current("sme")
PSO = questionnaires.current("pso")
NEGATIVE = "not_collected_digitally"


def keys(question: Question) -> list[str]:
    return [item.key for item in question.items]


def positive_keys(question: Question) -> list[str]:
    return [item.key for item in question.items if not item.negative]


def errors(check: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a ValidationError names, with their messages."""
    with pytest.raises(ValidationError) as caught:
        check()
    return caught.value.message_dict


def maxed(questionnaire: Questionnaire) -> dict[str, Any]:
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


def required_customer(questionnaire: Questionnaire) -> dict[str, Any]:
    """A value for every required Module 1 field."""
    values: dict[str, Any] = {}
    for spec in questionnaire.module1:
        if not spec.required:
            continue
        if spec.kind == "multichoice":
            values[spec.key] = [spec.choices[0].key]
        elif spec.kind == "choice":
            values[spec.key] = spec.choices[0].key
        else:
            values[spec.key] = "LU" if spec.key == "country" else "Alpha Manufacturing"
    return values


# --- clean_answers: what is refused, and where --------------------------------------------------------------


def test_it_refuses_an_unknown_question_under_answers() -> None:
    found = errors(lambda: clean_answers(SME, {"q2": [], "q12": []}))
    assert list(found) == ["answers"]
    assert "q12" in found["answers"][0]


def test_it_refuses_answers_that_are_not_a_mapping() -> None:
    assert list(errors(lambda: clean_answers(SME, [["q2", []]]))) == ["answers"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("q2", ["needs_identified", "teleportation"]),
        ("q2", [3]),
        ("q1", {"teleportation": ["invested"]}),
        ("q4", {"teleportation": 3}),
        ("q11", {"teleportation": "yes"}),
    ],
    ids=["checklist", "checklist-not-text", "dual", "scale", "npy"],
)
def test_it_refuses_an_unknown_item_under_its_question(question: str, answer: Any) -> None:
    found = errors(lambda: clean_answers(SME, {question: answer}))
    assert list(found) == [f"answers.{question}"]


@pytest.mark.parametrize("grade", [6, -1, True, False, "3", 2.5], ids=repr)
def test_it_refuses_a_grade_outside_0_to_5_under_its_row(grade: Any) -> None:
    found = errors(lambda: clean_answers(SME, {"q4": {"simulation_digital_twins": 1, "vr_ar": grade}}))
    assert list(found) == ["answers.q4.vr_ar"]


@pytest.mark.parametrize("grade", [0, 5])
def test_it_accepts_the_grades_at_either_end(grade: int) -> None:
    assert clean_answers(SME, {"q9": {"nlp": grade}}) == {"q9": {"nlp": grade}}


@pytest.mark.parametrize("value", ["maybe", "Yes", True, 1], ids=repr)
def test_it_refuses_an_npy_value_other_than_no_partially_yes(value: Any) -> None:
    assert list(errors(lambda: clean_answers(SME, {"q11": {"recycling": value}}))) == ["answers.q11.recycling"]


@pytest.mark.parametrize("row", ["both", ["both"], "invested", ["invested", "done"], {"invested": True}], ids=repr)
def test_it_refuses_a_dual_tick_other_than_invested_or_planned(row: Any) -> None:
    assert list(errors(lambda: clean_answers(SME, {"q1": {"design": row}}))) == ["answers.q1.design"]
    assert list(errors(lambda: clean_answers(PSO, {"q9": {"open_data": row}}))) == ["answers.q9.open_data"]


@pytest.mark.parametrize("answer", ["website", {"website": True}, ("website",)], ids=repr)
def test_it_refuses_a_checklist_that_is_not_a_list(answer: Any) -> None:
    assert list(errors(lambda: clean_answers(SME, {"q3": answer}))) == ["answers.q3"]


@pytest.mark.parametrize(("question", "answer"), [("q4", ["vr_ar"]), ("q11", "yes"), ("q1", ["design"])])
def test_it_refuses_a_table_that_is_not_a_mapping(question: str, answer: Any) -> None:
    assert list(errors(lambda: clean_answers(SME, {question: answer}))) == [f"answers.{question}"]


def test_it_refuses_the_sme_negative_item_ticked_with_a_positive_one() -> None:
    found = errors(lambda: clean_answers(SME, {"q7": ["data_policy", NEGATIVE]}))
    assert list(found) == ["answers.q7"]


def test_it_accepts_the_sme_negative_item_ticked_alone() -> None:
    assert clean_answers(SME, {"q7": [NEGATIVE]}) == {"q7": [NEGATIVE]}


def test_it_reports_every_problem_at_once() -> None:
    found = errors(
        lambda: clean_answers(
            SME, {"q4": {"vr_ar": 6}, "q11": {"recycling": "maybe"}, "q99": [], "q3": "website", "q2": []}
        )
    )
    assert set(found) == {"answers", "answers.q4.vr_ar", "answers.q11.recycling", "answers.q3"}


def test_it_puts_answers_in_the_questionnaire_order() -> None:
    cleaned = clean_answers(
        SME,
        {
            "q3": ["website", "connectivity", "website", "intranet"],
            "q1": {
                "operations": ["planned", "invested"],
                "design": ["planned"],
                "delivery": [],
                "purchasing": ["invested"],
            },
            "q4": {"vr_ar": 2, "simulation_digital_twins": 1},
            "q11": {"recycling": "no", "env_in_strategy": "partially"},
        },
    )
    assert cleaned["q3"] == ["connectivity", "website", "intranet"]
    assert cleaned["q1"] == {"design": ["planned"], "operations": ["invested", "planned"], "purchasing": ["invested"]}
    assert list(cleaned["q1"]) == ["design", "operations", "purchasing"]  # an empty row is left out
    assert list(cleaned["q4"].items()) == [("simulation_digital_twins", 1), ("vr_ar", 2)]
    assert list(cleaned["q11"]) == ["env_in_strategy", "recycling"]


def test_it_collapses_a_repeated_dual_tick() -> None:
    assert clean_answers(SME, {"q1": {"design": ["invested", "invested"]}}) == {"q1": {"design": ["invested"]}}


@pytest.mark.parametrize("questionnaire", [SME, PSO], ids=["sme", "pso"])
def test_it_keeps_a_cleaned_answer_set_as_it_is(questionnaire: Questionnaire) -> None:
    answers = maxed(questionnaire)
    assert clean_answers(questionnaire, answers) == answers
    assert clean_answers(questionnaire, {}) == {}


# --- clean_customer ----------------------------------------------------------------------------------------


def test_it_refuses_an_unknown_customer_field() -> None:
    found = errors(lambda: clean_customer(SME, {"name": "Alpha", "shoe_size": "44"}))
    assert list(found) == ["customer"]
    assert "shoe_size" in found["customer"][0]


@pytest.mark.parametrize("value", ["huge", "Micro", 3], ids=repr)
def test_it_refuses_a_choice_not_in_the_list(value: Any) -> None:
    assert list(errors(lambda: clean_customer(SME, {"staff_size": value}))) == ["customer.staff_size"]


def test_it_accepts_a_choice_in_the_list() -> None:
    assert clean_customer(SME, {"staff_size": "micro"}) == {"staff_size": "micro"}
    assert clean_customer(SME, {"staff_size": ""}) == {"staff_size": ""}  # left empty: missing, not wrong


def test_it_refuses_more_government_areas_than_allowed() -> None:
    spec = PSO.customer_field("government_areas")
    assert spec is not None and spec.max_choices == 2
    three = [choice.key for choice in spec.choices[:3]]
    assert list(errors(lambda: clean_customer(PSO, {"government_areas": three}))) == ["customer.government_areas"]
    # Two are fine, and come back in the list's order.
    assert clean_customer(PSO, {"government_areas": [three[1], three[0]]}) == {"government_areas": three[:2]}


def test_it_refuses_a_government_area_not_in_the_list() -> None:
    found = errors(lambda: clean_customer(PSO, {"government_areas": ["space_exploration"]}))
    assert list(found) == ["customer.government_areas"]


@pytest.mark.parametrize("value", [[["defence"]], [{"defence": True}]], ids=["list", "mapping"])
def test_it_refuses_a_government_area_that_is_not_text(value: list[Any]) -> None:
    # A JSON payload can hold any value here; it must be refused as a bad choice, not crash the request.
    found = errors(lambda: clean_customer(PSO, {"government_areas": value}))
    assert list(found) == ["customer.government_areas"]


@pytest.mark.parametrize("email", ["not-an-email", "anne@", "anne at example.lu"])
def test_it_refuses_a_bad_email(email: str) -> None:
    assert list(errors(lambda: clean_customer(SME, {"contact_email": email}))) == ["customer.contact_email"]


def test_it_accepts_a_good_email() -> None:
    assert clean_customer(SME, {"contact_email": "anne@example.lu"}) == {"contact_email": "anne@example.lu"}


@pytest.mark.parametrize("year", ["²⁰⁰⁴", "٢٠٠٤", "1700", "2101", "20o4", True], ids=repr)
def test_it_refuses_a_foundation_year_that_is_not_a_plain_year(year: Any) -> None:
    assert list(errors(lambda: clean_customer(SME, {"foundation_year": year}))) == ["customer.foundation_year"]


@pytest.mark.parametrize(("year", "kept"), [("2004", "2004"), (2004, "2004"), (" 1800 ", "1800")])
def test_it_accepts_a_plain_foundation_year(year: Any, kept: str) -> None:
    assert clean_customer(SME, {"foundation_year": year}) == {"foundation_year": kept}


def test_it_refuses_text_over_300_characters() -> None:
    assert list(errors(lambda: clean_customer(SME, {"contact_role": "x" * 301}))) == ["customer.contact_role"]
    assert clean_customer(SME, {"contact_role": "x" * 300}) == {"contact_role": "x" * 300}


@pytest.mark.parametrize("field", ["name", "street", "contact_email"])
def test_it_refuses_a_nul_character(field: str) -> None:
    assert list(errors(lambda: clean_customer(SME, {field: "Alpha\x00Beta"}))) == [f"customer.{field}"]


def test_it_reports_every_customer_problem_at_once() -> None:
    found = errors(lambda: clean_customer(SME, {"staff_size": "huge", "foundation_year": "1700", "hat": "red"}))
    assert set(found) == {"customer", "customer.staff_size", "customer.foundation_year"}


# --- missing and answered_share ---------------------------------------------------------------------------


@pytest.mark.parametrize("questionnaire", [SME, PSO], ids=["sme", "pso"])
def test_it_lists_the_required_customer_fields_and_every_question_of_a_fresh_assessment(
    questionnaire: Questionnaire,
) -> None:
    found = missing(questionnaire, {}, {})
    required = [spec.key for spec in questionnaire.module1 if spec.required]
    assert "name" in required
    assert [(m.step, m.key) for m in found] == [("customer", key) for key in required] + [
        (question.dimension, question.key) for question in questionnaire.questions.values()
    ]
    assert [m.key for m in found][len(required) :] == [f"q{n}" for n in range(1, 12)]
    assert all(m.label for m in found)


def test_it_requires_the_main_sector_of_an_sme() -> None:
    assert "primary_sector" in [m.key for m in missing(SME, {}, {})]
    assert "secondary_sector" not in [m.key for m in missing(SME, {}, {})]


def test_it_counts_an_empty_checklist_or_table_as_an_answer() -> None:
    found = [m.key for m in missing(SME, {}, {"q2": [], "q1": {}})]
    assert "q2" not in found
    assert "q1" not in found


@pytest.mark.parametrize("question", ["q4", "q9", "q11"])
def test_it_lists_a_graded_question_until_every_row_has_an_answer(question: str) -> None:
    q = SME.questions[question]
    value = 1 if q.kind == "scale" else "no"
    partly = {key: value for key in keys(q)[1:]}
    assert question in [m.key for m in missing(SME, {}, {question: partly})]
    whole = dict.fromkeys(keys(q), value)
    assert question not in [m.key for m in missing(SME, {}, {question: whole})]


@pytest.mark.parametrize("questionnaire", [SME, PSO], ids=["sme", "pso"])
def test_it_lists_nothing_once_everything_required_is_given(questionnaire: Questionnaire) -> None:
    assert missing(questionnaire, required_customer(questionnaire), maxed(questionnaire)) == []


@pytest.mark.parametrize("questionnaire", [SME, PSO], ids=["sme", "pso"])
def test_it_shows_the_share_answered(questionnaire: Questionnaire) -> None:
    customer = required_customer(questionnaire)
    assert answered_share(questionnaire, {}, {}) == 0
    assert answered_share(questionnaire, customer, {}) == 8  # 1 of 12 parts
    assert answered_share(questionnaire, customer, {"q2": [], "q3": []}) == 25  # 3 of 12
    assert answered_share(questionnaire, customer, maxed(questionnaire)) == 100


# --- gaps ---------------------------------------------------------------------------------------------------


def test_it_lists_each_unticked_positive_item_as_missing() -> None:
    q2 = keys(SME.questions["q2"])
    found = [gap for gap in gaps(SME, {"q2": q2[:3]}) if gap.question == "q2"]
    assert found == [Gap("d1", "q2", key, "missing") for key in q2[3:]]


def test_it_lists_a_dual_row_planned_only_as_planned() -> None:
    answer = {"design": ["planned"], "project_management": ["invested"], "operations": ["invested", "planned"]}
    found = {gap.item: gap.status for gap in gaps(SME, {"q1": answer}) if gap.question == "q1"}
    assert found["design"] == "planned"
    assert "project_management" not in found
    assert "operations" not in found
    assert found["collaboration"] == "missing"
    assert len(found) == 8


def test_it_lists_a_scale_row_below_5_as_partial_with_its_level() -> None:
    answer = {"nlp": 2, "computer_vision": 5, "audio_processing": 0}
    found = {gap.item: gap for gap in gaps(SME, {"q9": answer}) if gap.question == "q9"}
    assert found["nlp"] == Gap("d5", "q9", "nlp", "partial", 2)
    assert "computer_vision" not in found
    assert found["audio_processing"].status == "missing"
    assert found["robotics"].status == "missing"  # unanswered


def test_it_lists_a_partially_as_partial_and_a_no_as_missing() -> None:
    answer = {"env_in_strategy": "partially", "env_management_system": "no", "green_procurement": "yes"}
    found = {gap.item: gap for gap in gaps(SME, {"q11": answer}) if gap.question == "q11"}
    assert found["env_in_strategy"] == Gap("d6", "q11", "env_in_strategy", "partial")
    assert found["env_management_system"].status == "missing"
    assert "green_procurement" not in found
    assert found["recycling"].status == "missing"  # unanswered


@pytest.mark.parametrize("questionnaire", [SME, PSO], ids=["sme", "pso"])
def test_it_finds_no_gap_when_everything_is_in_place(questionnaire: Questionnaire) -> None:
    assert gaps(questionnaire, maxed(questionnaire)) == []


@pytest.mark.parametrize("questionnaire", [SME, PSO], ids=["sme", "pso"])
def test_it_lists_every_positive_item_in_order_for_an_empty_assessment(questionnaire: Questionnaire) -> None:
    found = gaps(questionnaire, {})
    expected = [
        (question.dimension, question.key, key)
        for question in questionnaire.questions.values()
        for key in positive_keys(question)
    ]
    assert [(gap.dimension, gap.question, gap.item) for gap in found] == expected


@pytest.mark.parametrize("answer", [[], [NEGATIVE], ["data_policy"]], ids=repr)
def test_it_never_lists_the_sme_negative_item_as_a_gap(answer: list[str]) -> None:
    assert NEGATIVE not in [gap.item for gap in gaps(SME, {"q7": answer})]
    assert NEGATIVE not in [gap.item for gap in gaps(SME, {})]
