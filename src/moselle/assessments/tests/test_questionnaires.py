"""The questionnaire files hold what spec/dma.md §1 to §3 says, in three languages, and the loader refuses bad ones."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from moselle.assessments import questionnaires
from moselle.assessments.questionnaires import DATA, Questionnaire, QuestionnaireError, parse

# Spec §3.1 and §3.2: (kind, number of items) per question, and the questions of each dimension in order.
EXPECTED_QUESTIONS = {
    "sme": {
        "q1": ("dual", 10),
        "q2": ("checklist", 10),
        "q3": ("checklist", 10),
        "q4": ("scale", 7),
        "q5": ("checklist", 7),
        "q6": ("checklist", 8),
        "q7": ("checklist", 8),
        "q8": ("checklist", 6),
        "q9": ("scale", 5),
        "q10": ("checklist", 10),
        "q11": ("npy", 5),
    },
    "pso": {
        "q1": ("checklist", 10),
        "q2": ("dual", 8),
        "q3": ("checklist", 9),
        "q4": ("scale", 8),
        "q5": ("checklist", 7),
        "q6": ("checklist", 10),
        "q7": ("checklist", 9),
        "q8": ("checklist", 6),
        "q9": ("dual", 16),
        "q10": ("checklist", 9),
        "q11": ("npy", 5),
    },
}
QUESTIONS_PER_DIMENSION = [["q1", "q2"], ["q3", "q4"], ["q5", "q6"], ["q7", "q8"], ["q9"], ["q10", "q11"]]

# Spec §1: the dimension columns of the official tool's export, in order.
EXPORT_COLUMNS = {
    "sme": [
        "Digital Business Strategy",
        "Digital Readiness",
        "Human-Centric Digitalisation",
        "Data Governance",
        "Automation & Artificial Intelligence",
        "Green Digitalisation",
    ],
    "pso": [
        "Digital Strategy and Investments",
        "Digital Readiness",
        "Human-Centric Digitalisation",
        "Data Management and Security",
        "Interoperability",
        "Green Digitalisation",
    ],
}

TYPES = ["sme", "pso"]


def raw(kind: str) -> dict[str, Any]:
    """A fresh copy of the JSON form of the current file, for a test to spoil."""
    data: dict[str, Any] = json.loads((DATA / f"{questionnaires.current(kind).id}.json").read_text(encoding="utf-8"))
    return data


# --- Loading ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TYPES)
def test_it_loads_the_2025_1_version_of_each_questionnaire(kind: str) -> None:
    questionnaire = questionnaires.current(kind)
    assert questionnaire.type == kind
    assert questionnaire.version == "2025.1"
    assert questionnaire.id == f"{kind}-2025.1"
    assert questionnaires.get(kind, "2025.1") is questionnaire
    assert (kind, "2025.1") in questionnaires.all_questionnaires()


def test_it_finds_no_unknown_version_or_type() -> None:
    assert questionnaires.get("sme", "2019.1") is None
    assert questionnaires.get("ngo", "2025.1") is None
    with pytest.raises(QuestionnaireError):
        questionnaires.current("ngo")


@pytest.mark.parametrize("kind", TYPES)
def test_it_parses_an_unspoilt_file_to_the_loaded_questionnaire(kind: str) -> None:
    assert parse(raw(kind)) == questionnaires.current(kind)


# --- What the files hold ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TYPES)
def test_it_has_the_kinds_and_item_counts_of_the_spec(kind: str) -> None:
    questionnaire = questionnaires.current(kind)
    found = {key: (question.kind, len(question.items)) for key, question in questionnaire.questions.items()}
    assert found == EXPECTED_QUESTIONS[kind]
    assert list(questionnaire.questions) == list(EXPECTED_QUESTIONS[kind])


@pytest.mark.parametrize("kind", TYPES)
def test_it_has_six_dimensions_with_the_export_columns_of_the_official_tool(kind: str) -> None:
    questionnaire = questionnaires.current(kind)
    assert [dimension.export_column for dimension in questionnaire.dimensions] == EXPORT_COLUMNS[kind]
    assert [[q.key for q in dimension.questions] for dimension in questionnaire.dimensions] == QUESTIONS_PER_DIMENSION
    assert all(
        question.dimension == dimension.key
        for dimension in questionnaire.dimensions
        for question in dimension.questions
    )
    assert len({dimension.key for dimension in questionnaire.dimensions}) == 6
    assert questionnaire.dimension(questionnaire.dimensions[3].key) is questionnaire.dimensions[3]


def test_it_has_one_negative_item_in_the_sme_data_question_only() -> None:
    sme = questionnaires.current("sme")
    q7 = sme.questions["q7"]
    assert [item.key for item in q7.negative_items] == ["not_collected_digitally"]
    assert [item.negative for item in q7.items].index(True) == 1  # second in the spec's order
    assert len(q7.positive_items) == 7
    assert "digital" in q7.negative_items[0].text("en").lower()
    others = [item for question in sme.questions.values() if question.key != "q7" for item in question.items]
    assert not any(item.negative for item in others)


def test_it_has_no_negative_item_in_the_pso_questionnaire() -> None:
    pso = questionnaires.current("pso")
    assert not any(item.negative for question in pso.questions.values() for item in question.items)
    assert len(pso.questions["q7"].positive_items) == 9


@pytest.mark.parametrize("kind", TYPES)
def test_it_keys_every_item_with_a_short_stable_name(kind: str) -> None:
    for question in questionnaires.current(kind).questions.values():
        item_keys = [item.key for item in question.items]
        assert len(set(item_keys)) == len(item_keys), question.key
        assert all(key.isascii() and key == key.lower() and " " not in key for key in item_keys), question.key


def test_it_shares_the_upskilling_and_environment_rows_between_the_questionnaires() -> None:
    sme, pso = questionnaires.current("sme"), questionnaires.current("pso")
    # Spec §3.2: Q5 (staff up-skilling, 7 items) and Q11 (environment in digital choices, 5 rows) are the same.
    for key in ("q5", "q11"):
        assert [item.key for item in pso.questions[key].items] == [item.key for item in sme.questions[key].items]


def test_it_extends_the_sme_staff_engagement_items_with_two_end_user_items_for_a_pso() -> None:
    sme_q6 = [item.key for item in questionnaires.current("sme").questions["q6"].items]
    pso_q6 = [item.key for item in questionnaires.current("pso").questions["q6"].items]
    assert pso_q6[:8] == sme_q6


# --- Three languages --------------------------------------------------------------------------------------


def texts(questionnaire: Questionnaire) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """Every translated text, by what it labels."""
    return {
        "item": [(f"{q.key}.{item.key}", item.label) for q in questionnaire.questions.values() for item in q.items],
        "question": [(q.key, q.text) for q in questionnaire.questions.values()],
        "dimension": [(d.key, d.title) for d in questionnaire.dimensions],
        "module 1": [(f.key, f.label) for f in questionnaire.module1]
        + [(f"{f.key}.{c.key}", c.label) for f in questionnaire.module1 for c in f.choices],
        "title": [("title", questionnaire.title)],
    }


@pytest.mark.parametrize("kind", TYPES)
def test_it_gives_every_text_in_english_french_and_german(kind: str) -> None:
    for what, found in texts(questionnaires.current(kind)).items():
        for key, text in found:
            assert set(text) == {"en", "fr", "de"}, (what, key)
            assert all(isinstance(value, str) and value.strip() for value in text.values()), (what, key)


@pytest.mark.parametrize("kind", TYPES)
def test_it_translates_rather_than_copies_the_english(kind: str) -> None:
    # A few words are the same in two languages ("Website", "Construction"), so most, not all, must differ.
    for what, found in texts(questionnaires.current(kind)).items():
        distinct = [key for key, text in found if len({text["en"], text["fr"], text["de"]}) == 3]
        assert len(distinct) >= 0.9 * len(found), (what, sorted({key for key, _ in found} - set(distinct)))
        assert all(text["fr"] != text["en"] or text["de"] != text["en"] for _, text in found), what


# --- The loader refuses a bad file ------------------------------------------------------------------------

Spoil = Callable[[dict[str, Any]], None]


def _drop_french_of_an_item(data: dict[str, Any]) -> None:
    del data["dimensions"][0]["questions"][1]["items"][0]["label"]["fr"]


def _empty_german_of_a_question(data: dict[str, Any]) -> None:
    data["dimensions"][2]["questions"][0]["text"]["de"] = "  "


def _drop_a_dimension_title_language(data: dict[str, Any]) -> None:
    del data["dimensions"][5]["title"]["de"]


def _drop_a_module1_label_language(data: dict[str, Any]) -> None:
    del data["module1"][0]["label"]["en"]


def _unknown_question_kind(data: dict[str, Any]) -> None:
    data["dimensions"][1]["questions"][0]["kind"] = "ranking"


def _duplicate_item_key(data: dict[str, Any]) -> None:
    items = data["dimensions"][1]["questions"][0]["items"]
    items[1]["key"] = items[0]["key"]


def _negative_item_in_a_dual_table(data: dict[str, Any]) -> None:
    question = next(q for d in data["dimensions"] for q in d["questions"] if q["kind"] == "dual")
    question["items"][0]["negative"] = True


def _negative_item_in_a_scale(data: dict[str, Any]) -> None:
    question = next(q for d in data["dimensions"] for q in d["questions"] if q["kind"] == "scale")
    question["items"][0]["negative"] = True


def _negative_item_in_an_npy_table(data: dict[str, Any]) -> None:
    question = next(q for d in data["dimensions"] for q in d["questions"] if q["kind"] == "npy")
    question["items"][0]["negative"] = True


def _five_dimensions(data: dict[str, Any]) -> None:
    del data["dimensions"][4]


def _seven_dimensions(data: dict[str, Any]) -> None:
    extra = copy.deepcopy(data["dimensions"][4])
    extra["key"] = "d7"
    for question in extra["questions"]:
        question["key"] += "x"
    data["dimensions"].append(extra)


def _unknown_prefill_source(data: dict[str, Any]) -> None:
    data["module1"][0]["prefill"] = "favourite_colour"


def _duplicate_question_key(data: dict[str, Any]) -> None:
    data["dimensions"][1]["questions"][0]["key"] = "q1"


def _only_a_negative_item(data: dict[str, Any]) -> None:
    question = data["dimensions"][3]["questions"][0]
    question["items"] = [dict(question["items"][0], negative=True)]


def _unknown_type(data: dict[str, Any]) -> None:
    data["type"] = "ngo"


def case(spoil: Spoil, reason: str) -> Any:
    return pytest.param(spoil, reason, id=spoil.__name__.strip("_"))


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        case(_drop_french_of_an_item, "exactly en, fr, de"),
        case(_empty_german_of_a_question, "a translation is empty"),
        case(_drop_a_dimension_title_language, "exactly en, fr, de"),
        case(_drop_a_module1_label_language, "exactly en, fr, de"),
        case(_unknown_question_kind, "unknown kind 'ranking'"),
        case(_duplicate_item_key, "repeated"),
        case(_negative_item_in_a_dual_table, "only a checklist may have a negative item"),
        case(_negative_item_in_a_scale, "only a checklist may have a negative item"),
        case(_negative_item_in_an_npy_table, "only a checklist may have a negative item"),
        case(_five_dimensions, "six dimensions"),
        case(_seven_dimensions, "six dimensions"),
        case(_unknown_prefill_source, "unknown prefill source 'favourite_colour'"),
        case(_duplicate_question_key, "question key repeated"),
        case(_only_a_negative_item, "needs a positive item"),
        case(_unknown_type, "type must be one of"),
    ],
)
def test_it_refuses_a_file_scoring_or_the_form_could_misread(kind: str, spoil: Spoil, reason: str) -> None:
    data = raw(kind)
    spoil(data)
    with pytest.raises(QuestionnaireError, match=re.escape(reason)):
        parse(data)
