"""The Open DMA questionnaires, read from the versioned data files in ``data/questionnaires/``.

A questionnaire is data, not code: a new version is a new file, and an assessment keeps the version it was
taken with. The loader checks each file's shape once and refuses a file that would make scoring or the form
ambiguous (an unknown kind, a duplicate key, a missing translation, a negative item outside a checklist).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from moselle.core.i18n import LANGUAGE_CODES, pick

DATA = Path(__file__).resolve().parent / "data" / "questionnaires"

SME, PSO = "sme", "pso"
TYPES = (SME, PSO)

CHECKLIST, DUAL, SCALE, NPY = "checklist", "dual", "scale", "npy"
QUESTION_KINDS = (CHECKLIST, DUAL, SCALE, NPY)

# The two columns of an invested/planned table, keyed by meaning: transcriptions put them in either order.
INVESTED, PLANNED = "invested", "planned"
DUAL_COLUMNS = (INVESTED, PLANNED)
SCALE_MAX = 5
NPY_VALUES = ("no", "partially", "yes")

FIELD_KINDS = ("text", "email", "phone", "url", "year", "choice", "multichoice")
PREFILL_SOURCES = (
    "name",
    "vat",
    "website",
    "street",
    "postcode",
    "locality",
    "country",
    "pic",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "staff_size",
)


class QuestionnaireError(ValueError):
    """A questionnaire file that does not have the expected shape."""


@dataclass(frozen=True)
class Item:
    key: str
    label: dict[str, str]
    negative: bool = False

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: dict[str, str]
    items: tuple[Item, ...]
    dimension: str

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    @property
    def positive_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.negative)

    @property
    def negative_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.negative)


@dataclass(frozen=True)
class Dimension:
    key: str
    export_column: str
    title: dict[str, str]
    questions: tuple[Question, ...]

    def name(self, language: str | None = None) -> str:
        return pick(self.title, language)


@dataclass(frozen=True)
class Choice:
    key: str
    label: dict[str, str]


@dataclass(frozen=True)
class CustomerField:
    key: str
    kind: str
    required: bool
    label: dict[str, str]
    prefill: str = ""
    choices: tuple[Choice, ...] = ()
    max_choices: int = 0


@dataclass(frozen=True)
class Questionnaire:
    type: str
    version: str
    title: dict[str, str]
    module1: tuple[CustomerField, ...]
    dimensions: tuple[Dimension, ...]
    questions: dict[str, Question] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.type}-{self.version}"

    def dimension(self, key: str) -> Dimension | None:
        return next((dimension for dimension in self.dimensions if dimension.key == key), None)

    def customer_field(self, key: str) -> CustomerField | None:
        return next((f for f in self.module1 if f.key == key), None)


def _text(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) != set(LANGUAGE_CODES):
        raise QuestionnaireError(f"{where}: give the text in exactly {', '.join(LANGUAGE_CODES)}")
    if not all(isinstance(text, str) and text.strip() for text in raw.values()):
        raise QuestionnaireError(f"{where}: a translation is empty")
    return {code: raw[code] for code in LANGUAGE_CODES}


def _unique(keys: list[str], where: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if not isinstance(key, str) or not key or key in seen:
            raise QuestionnaireError(f"{where}: key {key!r} is empty or repeated")
        seen.add(key)


def _customer_field(raw: dict[str, Any], where: str) -> CustomerField:
    kind = raw.get("kind")
    if kind not in FIELD_KINDS:
        raise QuestionnaireError(f"{where}: unknown kind {kind!r}")
    prefill = raw.get("prefill", "")
    if prefill and prefill not in PREFILL_SOURCES:
        raise QuestionnaireError(f"{where}: unknown prefill source {prefill!r}")
    choices = tuple(
        Choice(
            key=str(choice.get("key") or ""), label=_text(choice.get("label"), f"{where} choice {choice.get('key')}")
        )
        for choice in raw.get("choices", [])
    )
    if (kind in ("choice", "multichoice")) != bool(choices):
        raise QuestionnaireError(f"{where}: choices belong to choice fields, and only to them")
    _unique([choice.key for choice in choices], where)
    max_choices = int(raw.get("max_choices", 0))
    if kind == "multichoice" and max_choices < 1:
        raise QuestionnaireError(f"{where}: a multichoice field needs max_choices")
    return CustomerField(
        key=str(raw.get("key") or ""),
        kind=kind,
        required=bool(raw.get("required", False)),
        label=_text(raw.get("label"), where),
        prefill=prefill,
        choices=choices,
        max_choices=max_choices,
    )


def parse(raw: dict[str, Any], where: str = "questionnaire") -> Questionnaire:
    """Build a questionnaire from its JSON form, refusing any shape scoring or the form could misread."""
    kind = raw.get("type")
    if kind not in TYPES:
        raise QuestionnaireError(f"{where}: type must be one of {TYPES}")
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise QuestionnaireError(f"{where}: a version is needed")
    module1 = tuple(_customer_field(f, f"{where} module1 {f.get('key')}") for f in raw.get("module1", []))
    _unique([f.key for f in module1], f"{where} module1")
    dimensions: list[Dimension] = []
    questions: dict[str, Question] = {}
    for d in raw.get("dimensions", []):
        dwhere = f"{where} {d.get('key')}"
        built: list[Question] = []
        if not d.get("key"):
            raise QuestionnaireError(f"{dwhere}: a dimension needs a key")
        if not d.get("export_column"):
            raise QuestionnaireError(f"{dwhere}: a dimension needs the official export's column name")
        for q in d.get("questions", []):
            qwhere = f"{dwhere} {q.get('key')}"
            if q.get("kind") not in QUESTION_KINDS:
                raise QuestionnaireError(f"{qwhere}: unknown kind {q.get('kind')!r}")
            items = tuple(
                Item(
                    key=str(i.get("key") or ""),
                    label=_text(i.get("label"), f"{qwhere} {i.get('key')}"),
                    negative=bool(i.get("negative")),
                )
                for i in q.get("items", [])
            )
            _unique([item.key for item in items], qwhere)
            if not q.get("key"):
                raise QuestionnaireError(f"{qwhere}: a question needs a key")
            if not items:
                raise QuestionnaireError(f"{qwhere}: a question needs items")
            if any(item.negative for item in items) and q["kind"] != CHECKLIST:
                raise QuestionnaireError(f"{qwhere}: only a checklist may have a negative item")
            if all(item.negative for item in items):
                raise QuestionnaireError(f"{qwhere}: a question needs a positive item")
            question = Question(
                key=str(q.get("key") or ""),
                kind=q["kind"],
                text=_text(q.get("text"), qwhere),
                items=items,
                dimension=str(d.get("key") or ""),
            )
            if question.key in questions:
                raise QuestionnaireError(f"{qwhere}: question key repeated")
            questions[question.key] = question
            built.append(question)
        if not 1 <= len(built) <= 2:
            raise QuestionnaireError(f"{dwhere}: a dimension has one or two questions")
        dimensions.append(
            Dimension(
                key=str(d.get("key") or ""),
                export_column=str(d.get("export_column") or ""),
                title=_text(d.get("title"), dwhere),
                questions=tuple(built),
            )
        )
    _unique([d.key for d in dimensions], where)
    if len(dimensions) != 6:
        raise QuestionnaireError(f"{where}: the Open DMA has six dimensions")
    return Questionnaire(
        type=kind,
        version=version,
        title=_text(raw.get("title"), where),
        module1=module1,
        dimensions=tuple(dimensions),
        questions=questions,
    )


@cache
def all_questionnaires() -> dict[tuple[str, str], Questionnaire]:
    found: dict[tuple[str, str], Questionnaire] = {}
    for path in sorted(DATA.glob("*.json")):
        questionnaire = parse(json.loads(path.read_text(encoding="utf-8")), path.name)
        if path.stem != questionnaire.id:
            raise QuestionnaireError(f"{path.name}: the file is named after its type and version")
        found[(questionnaire.type, questionnaire.version)] = questionnaire
    return found


def get(kind: str, version: str) -> Questionnaire | None:
    return all_questionnaires().get((kind, version))


def current(kind: str) -> Questionnaire:
    """The newest version of a type (versions compare as dotted numbers)."""
    versions = [q for (k, _v), q in all_questionnaires().items() if k == kind]
    if not versions:
        raise QuestionnaireError(f"no questionnaire of type {kind!r}")
    return max(versions, key=lambda q: tuple(int(part) for part in q.version.split(".") if part.isdecimal()))
