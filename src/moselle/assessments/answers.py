"""Answers to a questionnaire: their one shape, how they are checked, what is missing, and the gaps they show.

The answers are a mapping from question key to:

- checklist: the list of ticked item keys (an empty list is an answer: nothing applies);
- dual (invested/planned table): ``{item: ["invested", "planned"]}``, a row with no tick may be left out;
- scale (0-5): ``{item: grade}``, every row needs a grade before the assessment can be submitted;
- npy: ``{item: "no" | "partially" | "yes"}``, likewise every row.

A question whose key is present counts as answered. Customer data (Module 1) is a mapping from field key
to text, or a list of choice keys for a multichoice field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from moselle.assessments.questionnaires import (
    CHECKLIST,
    DUAL,
    DUAL_COLUMNS,
    INVESTED,
    NPY,
    NPY_VALUES,
    PLANNED,
    SCALE,
    SCALE_MAX,
    CustomerField,
    Question,
    Questionnaire,
)
from moselle.core.i18n import pick

MAX_TEXT = 300


def _field(question: Question, item: str | None = None) -> str:
    return f"answers.{question.key}" + (f".{item}" if item else "")


def _item(question: Question, key: Any) -> str:
    if not isinstance(key, str) or question.item(key) is None:
        shown = str(key)[:40]
        raise ValidationError(
            {
                _field(question): _("“%(item)s” is not an item of question %(question)s.")
                % {"item": shown, "question": question.key}
            }
        )
    return key


def clean_answer(question: Question, value: Any) -> Any:
    """The answer in its one stored shape, or a ValidationError naming the question or row and the reason."""
    if question.kind == CHECKLIST:
        if not isinstance(value, list):
            raise ValidationError({_field(question): _("Give the list of ticked items.")})
        ticked = {_item(question, key) for key in value}
        negative = {item.key for item in question.negative_items} & ticked
        if negative and ticked - negative:
            label = question.item(next(iter(negative)))
            raise ValidationError(
                {
                    _field(question): _("“%(item)s” cannot be ticked together with other items.")
                    % {"item": label.text() if label else ""}
                }
            )
        return [item.key for item in question.items if item.key in ticked]
    if not isinstance(value, dict):
        raise ValidationError({_field(question): _("Give one answer per row.")})
    rows = {_item(question, key): row for key, row in value.items()}
    cleaned: dict[str, Any] = {}
    for item in question.items:
        if item.key not in rows:
            continue
        row = rows[item.key]
        if question.kind == DUAL:
            if not isinstance(row, list) or any(tick not in DUAL_COLUMNS for tick in row):
                raise ValidationError({_field(question, item.key): _("Tick “invested”, “planned”, both or neither.")})
            ticks = [column for column in (INVESTED, PLANNED) if column in row]
            if ticks:
                cleaned[item.key] = ticks
        elif question.kind == SCALE:
            if isinstance(row, bool) or not isinstance(row, int) or not 0 <= row <= SCALE_MAX:
                raise ValidationError(
                    {_field(question, item.key): _("Give a grade from 0 to %(max)d.") % {"max": SCALE_MAX}}
                )
            cleaned[item.key] = row
        elif question.kind == NPY:
            if row not in NPY_VALUES:
                raise ValidationError({_field(question, item.key): _("Answer no, partially or yes.")})
            cleaned[item.key] = row
    return cleaned


def _clean_each(
    payload: dict[Any, Any],
    find: Callable[[Any], Any],
    clean: Callable[[Any, Any], Any],
    unknown: Callable[[str], tuple[str, str]],
) -> dict[str, Any]:
    """Clean every entry of ``payload``; all problems are reported together and nothing is kept half."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in payload.items():
        spec = find(key) if isinstance(key, str) else None
        if spec is None:
            field, message = unknown(str(key)[:40])
            errors.setdefault(field, []).append(message)
            continue
        try:
            cleaned[key] = clean(spec, value)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_answers(questionnaire: Questionnaire, payload: Any) -> dict[str, Any]:
    """Check a mapping of question keys to answers."""
    if not isinstance(payload, dict):
        raise ValidationError({"answers": _("Give the answers as a mapping from question to answer.")})
    return _clean_each(
        payload,
        questionnaire.questions.get,
        clean_answer,
        lambda key: ("answers", _("“%(question)s” is not a question of this questionnaire.") % {"question": key}),
    )


# --- Customer data (Module 1) -----------------------------------------------------------------------------

_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def clean_customer_value(spec: CustomerField, value: Any) -> Any:
    where = f"customer.{spec.key}"
    if spec.kind == "multichoice":
        values = value if isinstance(value, list) else [value] if value else []
        known = {choice.key for choice in spec.choices}
        if any(not isinstance(choice, str) or choice not in known for choice in values):
            raise ValidationError({where: _("Choose from the list.")})
        if len(set(values)) > spec.max_choices:
            raise ValidationError({where: _("Choose at most %(count)d.") % {"count": spec.max_choices}})
        return [choice.key for choice in spec.choices if choice.key in values]
    if value is None:
        value = ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValidationError({where: _("Give text.")})
    text = str(value).strip()
    if "\x00" in text:
        raise ValidationError({where: _("The text holds a NUL character.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({where: _("Keep it to %(count)d characters or fewer.") % {"count": MAX_TEXT}})
    if not text:
        return ""
    if spec.kind == "choice" and text not in {choice.key for choice in spec.choices}:
        raise ValidationError({where: _("Choose from the list.")})
    if spec.kind == "email":
        try:
            EmailValidator()(text)
        except ValidationError:
            raise ValidationError({where: _("Enter a valid e-mail address.")}) from None
    if spec.kind == "url":
        candidate = text if "://" in text else f"https://{text}"
        try:
            URLValidator(schemes=["http", "https"])(candidate)
        except ValidationError:
            raise ValidationError({where: _("Enter a valid web address.")}) from None
    if spec.kind == "phone" and not _PHONE.match(text):
        raise ValidationError({where: _("Enter a phone number of digits, spaces and + ( ) . / -.")})
    if spec.kind == "year" and not (text.isascii() and text.isdigit() and 1800 <= int(text) <= 2100):
        raise ValidationError({where: _("Enter a year such as 2004.")})
    return text


def clean_customer(questionnaire: Questionnaire, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValidationError({"customer": _("Give the customer data as a mapping from field to value.")})
    return _clean_each(
        payload,
        questionnaire.customer_field,
        clean_customer_value,
        lambda key: ("customer", _("“%(field)s” is not a field of this questionnaire.") % {"field": key}),
    )


# --- What is missing before submitting --------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    step: str  # "customer" or a dimension key
    key: str  # the field or question key
    label: str


def missing(questionnaire: Questionnaire, customer: dict[str, Any], answers: dict[str, Any]) -> list[Missing]:
    """The required answers not given yet, in the order of the form."""
    found: list[Missing] = []
    for spec in questionnaire.module1:
        if spec.required and not customer.get(spec.key):
            found.append(Missing("customer", spec.key, _field_label(spec)))
    for dimension in questionnaire.dimensions:
        for question in dimension.questions:
            answer = answers.get(question.key)
            if answer is None or (
                question.kind in (SCALE, NPY) and any(item.key not in answer for item in question.items)
            ):
                found.append(Missing(dimension.key, question.key, _question_label(question)))
    return found


def _field_label(spec: CustomerField) -> str:
    return pick(spec.label)


def _question_label(question: Question) -> str:
    return pick(question.text)


def answered_share(questionnaire: Questionnaire, customer: dict[str, Any], answers: dict[str, Any]) -> int:
    """The percentage of required parts given (Module 1 counts as one part), for the progress bar."""
    parts = 1 + len(questionnaire.questions)
    gaps = missing(questionnaire, customer, answers)
    done = (
        parts
        - len({m.key for m in gaps if m.step != "customer"})
        - (1 if any(m.step == "customer" for m in gaps) else 0)
    )
    return round(100 * done / parts)


# --- Gaps --------------------------------------------------------------------------------------------------

MISSING, PLANNED_ONLY, PARTIAL = "missing", "planned", "partial"


@dataclass(frozen=True)
class Gap:
    dimension: str
    question: str
    item: str
    status: str  # missing, planned (a DUAL row planned but not invested), partial (a grade below 5, Partially)
    level: int | None = None  # the 0-5 grade of a scale row


def gaps(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[Gap]:
    """What is not in place yet, item by item, in the questionnaire's order."""
    found: list[Gap] = []
    for dimension in questionnaire.dimensions:
        for question in dimension.questions:
            answer = answers.get(question.key)
            for item in question.positive_items:
                status, level = _item_gap(question, item.key, answer)
                if status:
                    found.append(Gap(dimension.key, question.key, item.key, status, level))
    return found


def _item_gap(question: Question, key: str, answer: Any) -> tuple[str, int | None]:
    if question.kind == CHECKLIST:
        return ("" if key in (answer or ()) else MISSING), None
    row = (answer or {}).get(key)
    if question.kind == DUAL:
        ticks = row or ()
        return ("" if INVESTED in ticks else PLANNED_ONLY if PLANNED in ticks else MISSING), None
    if question.kind == SCALE:
        grade = int(row or 0)
        return ("" if grade == SCALE_MAX else MISSING if grade == 0 else PARTIAL), grade
    return ("" if row == "yes" else PARTIAL if row == "partially" else MISSING), None
