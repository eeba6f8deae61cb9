"""The matching engine: a need in, the offers, providers, hubs (and whatever other apps register) that can
meet it out, ranked, each with the facts that make it a match.

A need is free text plus any of: technologies, sectors, the company's country, a language, a budget, the
kinds wanted, and whether the company is an SME. Facets are hard constraints (what does not serve the
country, work in the language, fit the budget or admit the company is left out); the labels the text speaks
of (``understanding.read``) and those chosen as facets are preferences, weighed by the levels each item
declares, with the text's relevance as one more signal (``index.Index``). Places the text names filter
like the country facet. Ties are broken by kind and id, so every process and database gives one order.

Reasons are facts about the result, each checked against its data: a label it declares (with the level)
or covers, words of the need found in its text, the place and language it serves, its price, and "SMEs
only: you qualify" when the company is one.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from moselle.matching import registry, text, understanding
from moselle.matching.index import Filters, Index, level_value
from moselle.matching.registry import AUDIENCES, Item

TEXT_LIMIT = 2000  # characters of need text read; a longer text gets a message, not a truncated search
FACET_LIMIT = 20  # technologies or sectors chosen at once
RESULT_LIMIT = 50
FACT_WORDS = 3  # words of the need shown as found in a result's text
MATCHING = ("label", "words")  # the reasons that say why an item meets the need (the others say it fits)
NEAR_WEIGHT = 0.3  # added to what serves the company's own country
HINT_SHARE = 0.6  # a label read with less than this share of the strongest label's confidence is left out
MAX_WEIGHT = 5.0  # a label's weight in the ranking (``weights_of``) stops growing here


@dataclass(frozen=True)
class Need:
    """What a company asks for. ``technologies`` and ``sectors`` are catalogue label names
    (``Technology.name``, ``CatalogueSector.name``); ``country`` an ISO code; ``language`` a two-letter
    code; ``budget`` in euros; ``sme`` True or False when known."""

    text: str = ""
    technologies: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    country: str = ""
    language: str = ""
    budget: Decimal | None = None
    near: str = ""  # the company's country: a preference, where ``country`` is a condition
    kinds: tuple[str, ...] = ()
    sme: bool | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.technologies or self.sectors)


@dataclass(frozen=True)
class Reason:
    """One fact about a result: ``code`` says which, ``params`` the data it states."""

    code: str
    params: Mapping[str, Any]

    def text(self, language: str | None = None) -> str:
        from moselle.matching.reasons import render

        return render(self, language)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": self.text()}


@dataclass(frozen=True)
class Result:
    item: Item
    score: float
    reasons: list[Reason]


@dataclass
class Answer:
    need: Need
    results: list[Result]
    by_kind: dict[str, list[Result]]
    understood: dict[str, list[str]]  # label -> the words of the need that pointed to it
    places: list[tuple[str, frozenset[str]]]
    message: str = ""
    version: Mapping[str, Hashable] | None = None
    counts: dict[str, int] = field(default_factory=dict)


# --- Checking a need -----------------------------------------------------------------------------------


def clean_need(data: Mapping[str, Any]) -> Need:
    """A need from a form, the API or another app, checked; ``ValidationError`` names every bad field."""
    from moselle.core.models_taxonomy import CatalogueSector, Technology
    from moselle.organisations import validation
    from moselle.organisations.validation import LANGUAGE_CODES

    errors: dict[str, list[str]] = {}
    raw_text = data.get("text") or ""
    if not isinstance(raw_text, str):
        errors["text"] = [_("Write the need as text.")]
        raw_text = ""
    if len(raw_text) > TEXT_LIMIT:
        errors["text"] = [
            _("Describe the need in at most %(limit)d characters; this text has %(count)d.")
            % {"limit": TEXT_LIMIT, "count": len(raw_text)}
        ]

    def names(field_name: str, model: Any, noun: str) -> tuple[str, ...]:
        value = data.get(field_name) or ()
        if isinstance(value, str):
            value = [v for v in value.split(",")]
        if not isinstance(value, (list, tuple)):
            errors[field_name] = [_("Give a list of catalogue labels.")]
            return ()
        wanted = [str(v).strip() for v in value if str(v).strip()]
        if len(wanted) > FACET_LIMIT:
            errors[field_name] = [_("Choose at most %(limit)d.") % {"limit": FACET_LIMIT}]
            return ()
        by_id = {str(pk): name for pk, name in model.objects.values_list("pk", "name")}
        by_name = {name.casefold(): name for name in by_id.values()}
        found, unknown = [], []
        for value_text in wanted:
            name = by_id.get(value_text) or by_name.get(value_text.casefold())
            if name is None:
                unknown.append(value_text)
            elif name not in found:
                found.append(name)
        if unknown:
            errors[field_name] = [
                _("Unknown %(noun)s: %(codes)s. Use the catalogue's names or ids.")
                % {"noun": noun, "codes": ", ".join(unknown[:5])}
            ]
        return tuple(found)

    technologies = names("technologies", Technology, _("technology"))
    sectors = names("sectors", CatalogueSector, _("sector"))

    def country_of(field_name: str) -> str:
        value = str(data.get(field_name) or "").strip()
        if not value:
            return ""
        try:
            return validation.clean_country(value[:10], field=field_name)
        except ValidationError as error:
            errors.update(error.message_dict)
            return ""

    country, near = country_of("country"), country_of("near")
    language = str(data.get("language") or "").strip().lower()
    if language and language not in LANGUAGE_CODES:
        errors["language"] = [
            _("Unknown language code “%(code)s”; use two letters, e.g. fr.") % {"code": language[:10]}
        ]
        language = ""
    budget: Decimal | None = None
    raw_budget = data.get("budget")
    if raw_budget not in (None, "") and str(raw_budget).strip().startswith("-"):
        errors["budget"] = [_("The budget cannot be below zero.")]
    elif raw_budget not in (None, ""):
        try:
            budget = parse_budget(str(raw_budget))
        except (ArithmeticError, ValueError):
            errors["budget"] = [_("Give the budget as an amount in euros, e.g. 5000.")]
            budget = None
        else:
            if budget < 0:
                errors["budget"] = [_("The budget cannot be below zero.")]
            elif budget > Decimal("1e12"):
                errors["budget"] = [_("The budget is too large.")]
    kinds_value = data.get("kinds") or ()
    if isinstance(kinds_value, str):
        kinds_value = kinds_value.split(",")
    kinds = tuple(dict.fromkeys(str(k).strip() for k in kinds_value if str(k).strip()))
    unknown_kinds = [k for k in kinds if k not in registry.kinds()]
    if unknown_kinds:
        errors["kinds"] = [
            _("Unknown kind: %(kinds)s. Choose among %(known)s.")
            % {"kinds": ", ".join(unknown_kinds[:5]), "known": ", ".join(registry.kinds())}
        ]
    sme = data.get("sme")
    if sme not in (None, "", True, False):
        sme_text = str(sme).strip().lower()
        if sme_text in ("true", "1", "yes", "on", "oui", "ja"):
            sme = True
        elif sme_text in ("false", "0", "no", "off", "non", "nein"):
            sme = False
        else:
            errors["sme"] = [_("Say yes or no.")]
            sme = None
    if errors:
        raise ValidationError(errors)
    return Need(
        text=raw_text.strip(),
        technologies=technologies,
        sectors=sectors,
        country=country,
        language=language,
        budget=budget,
        kinds=kinds,
        sme=None if sme in (None, "") else bool(sme),
        near=near,
    )


_GROUPED = re.compile(r"\d{1,3}(?:([.,' \u00a0\u202f])\d{3})(?:\1\d{3})*")


def parse_budget(text: str) -> Decimal:
    """An amount in euros as people write it: "5000", "5 000 €", "5.000" and "5,000" (thousands), "1.500,50"
    and "1,500.50", "2500,5" (a decimal comma). Raises ``ValueError`` when it is none."""
    value = text.strip().removesuffix("€").removesuffix("EUR").removesuffix("eur").strip().removeprefix("€").strip()
    number = value
    last_dot, last_comma = value.rfind("."), value.rfind(",")
    if last_dot >= 0 and last_comma >= 0:  # both: the later one is the decimal mark
        decimal_mark = "." if last_dot > last_comma else ","
        integer, _mark, fraction = value.rpartition(decimal_mark)
        number = re.sub(r"[.,' \u00a0\u202f]", "", integer) + "." + fraction
    elif _GROUPED.fullmatch(value):  # "5.000", "5,000", "12 500": grouped thousands
        number = re.sub(r"[.,' \u00a0\u202f]", "", value)
    else:
        number = value.replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", number):
        raise ValueError(text)
    return Decimal(number)


# --- The process's index ---------------------------------------------------------------------------------


class Engine:
    """An index of every registered source, kept up to date at each search."""

    def __init__(self) -> None:
        self.index = Index()
        self.versions: dict[str, Hashable] = {}
        self.lock = threading.Lock()

    def refresh(self) -> dict[str, Hashable]:
        """Bring the index up to what the database holds: one version query per source, and the changed
        rows of a source whose version moved."""
        with self.lock:
            for source in registry.sources():
                current = source.version()
                held = self.versions.get(source.kind, _UNSEEN)
                if held is not _UNSEEN and current == held:
                    continue
                changes = None if held is _UNSEEN else source.changed_since(held)
                if changes is None:
                    items, version = source.load()
                    self.index.drop_kind(source.kind)
                    self.index.add_all(items)
                    self.versions[source.kind] = version
                else:
                    for gone in changes.gone:
                        self.index.drop(source.kind, gone)
                    self.index.add_all(changes.items)
                    self.versions[source.kind] = changes.version
            for kind in [kind for kind in self.versions if kind not in registry.kinds()]:
                self.index.drop_kind(kind)
                del self.versions[kind]
            return dict(self.versions)

    def search(
        self,
        need: Need,
        *,
        audiences: Sequence[str] = AUDIENCES,
        limit: int = 10,
        refresh: bool = True,
    ) -> Answer:
        version = self.refresh() if refresh else dict(self.versions)
        return rank(self.index, need, audiences=audiences, limit=limit, version=version)


_UNSEEN = object()
_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    """This process's engine (one index per process, shared by its threads)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = Engine()
        return _ENGINE


def reset() -> None:
    """Forget this process's index and the label names it read (tests start from empty ones)."""
    from moselle.matching import reasons as reason_texts

    global _ENGINE
    with _ENGINE_LOCK:
        _ENGINE = None
        reason_texts.forget_labels()


def search(need: Need, *, user: Any = None, limit: int = 10, refresh: bool = True) -> Answer:
    """Search as ``user`` sees: the audiences come from ``matching.access``. A page that searches several
    times refreshes the index once first and passes ``refresh=False``."""
    from moselle.matching.access import audiences_for

    return engine().search(need, audiences=audiences_for(user), limit=limit, refresh=refresh)


def explain(need: Need, kind: str, item_id: int, *, user: Any = None) -> Result | None:
    """One item with its score and reasons for ``need``, as ``user`` may see it; None when the user may not
    see it or it is not indexed (not published, merged away)."""
    from moselle.matching.access import audiences_for

    current = engine()
    current.refresh()
    item = current.index.get((kind, item_id))
    if item is None or item.audience not in audiences_for(user):
        return None
    reading = understanding.read(need.text)
    weights = weights_of(need, reading)
    slot = current.index.slots[(kind, item_id)]
    scores, _mask = current.index.score(weights, reading.words, Filters(kinds=(kind,), audiences=AUDIENCES))
    return Result(item, float(scores[slot]), reasons(item, need, reading, weights))


# --- Ranking ----------------------------------------------------------------------------------------------


def weights_of(need: Need, reading: understanding.Reading) -> dict[str, float]:
    """The labels the need asks for: those its text speaks of clearly enough, with their weights, and those
    chosen as facets, which weigh as much as the strongest label of the text (at least 1).

    The reading's confidence in a label (``1 - exp(-evidence)``, below 1) is turned into a weight that keeps
    growing with the evidence, the square root of its odds: a label the text says outright in several
    terms (0.95: weight 4.4) counts well above one a single term names (0.63: 1.3), where the confidences
    themselves differ by a third. A label read with more evidence is more often the one the company meant
    (on the tuning and dev needs, 92% of the labels read at 0.95 or more are right, 38% of those near 0.6)."""
    strongest = max(reading.labels.values(), default=0.0)
    # A label the text only hints at (a stem, a shared word) is left out when it says others outright.
    weights = {
        label: _weight(confidence)
        for label, confidence in reading.labels.items()
        if confidence >= HINT_SHARE * strongest
    }
    chosen = max([1.0, *weights.values()])
    for name in need.technologies:
        weights[f"technology:{name}"] = chosen
    for name in need.sectors:
        weights[f"sector:{name}"] = chosen
    return weights


def _weight(confidence: float) -> float:
    """The square root of the odds of ``confidence``, at most ``MAX_WEIGHT``."""
    if confidence >= 1:
        return MAX_WEIGHT
    return min(math.sqrt(confidence / (1 - confidence)), MAX_WEIGHT)


def rank(
    index: Index,
    need: Need,
    *,
    audiences: Sequence[str] = AUDIENCES,
    limit: int = 10,
    version: Mapping[str, Hashable] | None = None,
) -> Answer:
    limit = max(1, min(limit, RESULT_LIMIT))
    reading = understanding.read(need.text)
    weights = weights_of(need, reading)
    filters = Filters(
        kinds=need.kinds,
        audiences=audiences,
        country=need.country,
        places=reading.countries,
        language=need.language,
        budget=float(need.budget) if need.budget is not None else None,
        sme=need.sme,
    )
    answer = Answer(
        need=need,
        results=[],
        by_kind={},
        understood={label: reading.evidence.get(label, []) for label in weights},
        places=reading.places,
        version=version,
    )
    if need.is_empty:
        answer.message = _("Describe the need in a few words, or choose a technology or a sector.")
        return answer
    scores, mask = index.score(weights, reading.words, filters)
    if need.near:
        # What serves the company's own country comes before what is as good further away.
        scores = scores + NEAR_WEIGHT * index.serving(need.near)
    kinds = list(need.kinds) or [k for k in index.kind_codes]
    for kind in kinds:
        top = index.top(scores, mask, limit, kinds=[kind])
        # A result is shown with the facts that make it one; a text match on nothing sayable is none.
        explained = [Result(item, score, reasons(item, need, reading, weights)) for score, item in top]
        explained = [result for result in explained if any(r.code in MATCHING for r in result.reasons)]
        if explained:
            answer.by_kind[kind] = explained
    merged = [result for results in answer.by_kind.values() for result in results]
    merged.sort(key=lambda r: (-r.score, r.item.kind, r.item.id))
    answer.results = merged[:limit]
    answer.counts = {kind: len(results) for kind, results in answer.by_kind.items()}
    if not merged:
        if not weights and not _known_words(index, reading.words):
            answer.message = _(
                "Nothing in this text is known to the catalogue. Write the need in English, French or German, "
                "or choose a technology or a sector."
            )
        else:
            answer.message = _("Nothing matches every condition given. Remove a filter or say the need differently.")
    return answer


def _known_words(index: Index, words: Sequence[str]) -> bool:
    return any(index.terms.count(word) for word in words)


def reasons(item: Item, need: Need, reading: understanding.Reading, weights: Mapping[str, float]) -> list[Reason]:
    """The facts that make ``item`` a match for ``need``, strongest first, each read from the item's data."""
    found: list[Reason] = []
    declared = sorted(
        (label for label in weights if label in item.labels),
        key=lambda label: (-weights[label] * level_value(item.labels[label]), label),
    )
    for label in declared:
        dimension, name = label.split(":", 1)
        found.append(
            Reason(
                "label",
                {
                    "dimension": dimension,
                    "label": name,
                    "level": item.labels[label],
                    "because": list(reading.evidence.get(label, []))[:3],
                    "chosen": (dimension == "technology" and name in need.technologies)
                    or (dimension == "sector" and name in need.sectors),
                },
            )
        )
    shared = _shared_words(item, reading.words)
    if shared:
        found.append(Reason("words", {"words": shared}))
    for name, codes in reading.places:
        served = sorted(codes & item.serves)
        if served:
            found.append(Reason("place", {"named": name, "countries": served}))
    if need.country and need.country in item.serves:
        found.append(Reason("serves", {"country": need.country}))
    elif need.near and need.near in item.serves:
        found.append(Reason("near", {"country": need.near}))
    if need.country and need.country in item.eligible:
        found.append(Reason("eligible", {"country": need.country}))
    language = need.language or reading.language
    if language and language in item.languages:
        found.append(Reason("language", {"language": language}))
    if item.smes_only and need.sme:
        found.append(Reason("sme", {"qualifies": True}))
    if item.price_kind in ("free", "subsidised"):
        found.append(Reason("price", {"kind": item.price_kind}))
    elif need.budget is not None and item.price_min is not None and item.price_min <= float(need.budget):
        found.append(Reason("budget", {"from": item.price_min, "budget": float(need.budget)}))
    return found


def _shared_words(item: Item, words: Sequence[str]) -> list[str]:
    """Up to three of the need's words (those that can say what it is about) that the item's text uses, in
    the need's order."""
    own = _own_words(item.text, tuple(item.title.values()))
    shared: list[str] = []
    for word in words:
        if word in own and word not in shared:
            shared.append(word)
    return shared[:FACT_WORDS]


@lru_cache(maxsize=4096)
def _own_words(body: str, titles: tuple[str, ...]) -> frozenset[str]:
    """The words of an item's text and titles (kept for the items most often shown)."""
    return frozenset(text.words(" ".join([body, *titles])))


def kind_label(kind: str, plural: bool = False) -> Any:
    source = registry.source(kind)
    if source is None:
        return kind
    return source.plural if plural else source.label


__all__ = [
    "Answer",
    "Engine",
    "Need",
    "Reason",
    "Result",
    "clean_need",
    "engine",
    "rank",
    "reset",
    "search",
]
