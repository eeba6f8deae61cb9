"""Links from the 2022 legacy hub catalogue (JRC S3 Platform) to the hubs of the 2025 EDIH catalogue.

A legacy hub and a 2025 hub are compared on their website host, their names, acronyms, town and
country. Each comparison gives a score in [0, 1] and the facts behind it, worded for the person who
confirms the link: the module proposes, a person decides. The scoring, the thresholds and how their
precision was measured are in docs/legacy-links.md.

The legacy harvester dropped every non-ASCII character ("Pauwelsstrae" for "Pauwelsstraße"), so
2025 words are compared both folded ("strasse") and with the same characters dropped ("strae").
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext

from moselle.organisations.countries import code_for
from moselle.organisations.normalise import fold, name_key, website_host

# A pair at or above CANDIDATE is worth showing; at or above LIKELY it is proposed as the same hub.
# LIKELY was chosen on the hand-labelled sample in data/s3-dih-legacy/link_sample.csv.
CANDIDATE = 0.3
LIKELY = 0.6

# How much each kind of evidence adds to a score (the sum is capped at 1). A shared host alone
# (0.35) plus a shared town (0.1) stays below LIKELY: a university or a national agency hosts
# several hubs, so the names have to agree as well.
WEIGHT_NAME = 0.6  # times the name similarity in [0, 1]
WEIGHT_SAME_NAME = 0.15  # the whole name is the same, word for word
WEIGHT_HOST = 0.35  # same website host
WEIGHT_DOMAIN = 0.15  # same registered domain, different hosts (dih.uni.de and uni.de)
WEIGHT_ACRONYM = 0.15  # an acronym on one side spells the words of the other
WEIGHT_LOCALITY = 0.1  # the legacy town appears in the 2025 contact address

# Name similarity needs this much shared word weight (about one distinctive word) to count fully,
# so that two names sharing only "smart" or "digital" stay low.
NAME_MASS = 0.9

# A real S3 sector label is a short phrase ("Manufacture of machinery and equipment"). The garbage
# values, all from one Serbian hub, are "Funder:Project" sentences ("Erasmus+ programme:Institutional
# framework ..."): they are recognised by the colon, which no sector label has.
_GARBAGE_DOMAIN = re.compile(r":")

_WORD = re.compile(r"[^\W_]+")
# Where a name splits into parts, one of which an acronym may spell: "BRH - Belgrade Robotics Hub".
_NAME_PARTS = re.compile(r"\s[-–|/]\s|[:(),|]")
_ACRONYM_CANDIDATE = re.compile(r"[^\W_]*[A-Z][^\W_]*[A-Z][^\W_]*")
# Function words of the catalogues' languages: they are skipped when spelling acronyms.
_FUNCTION_WORDS = frozenset(
    {
        "a", "and", "at", "by", "d", "da", "das", "de", "del", "della", "der", "des", "di", "die", "do", "du",
        "e", "el", "en", "et", "for", "fur", "fr", "i", "in", "l", "la", "le", "les", "of", "on", "per", "the",
        "to", "und", "y", "za", "zu",
    }
)
# Spellings that mean the same word, mapped to one of them.
_SAME_WORD = {"center": "centre", "centro": "centre", "centrum": "centre", "zentrum": "centre"}
# Second-level labels under which a registry sells names ("uni.ac.uk", "firm.com.hr").
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org"})

_DATA = Path(__file__).resolve().parent / "data"
LEGACY_CSV = _DATA / "s3-dih-legacy" / "s3_dih_legacy_2022-02.csv"
CATALOGUE_CSV = _DATA / "edih-catalogue" / "edih_catalogue_2025-05-05.csv"


@dataclass
class LegacyHub:
    """A hub of the JRC S3 legacy catalogue (February 2022), as the harvester left it."""

    s3_id: int
    title: str
    website: str
    website_host: str
    name_key: str
    street: str
    locality: str
    country: str  # ISO 3166 code, "" when the country is unknown
    domains: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class HubKey:
    """What the linking needs to know about a 2025 hub; the product builds these from its database."""

    ref: str  # "edih-NNN"
    name: str
    title: str
    country: str  # ISO 3166 code
    website_host: str
    address: str  # the "Contact Location" of the catalogue
    name_key: str


@dataclass
class Match:
    """How much a legacy hub and a 2025 hub look like the same hub, and why."""

    score: float
    evidence: list[str]


@dataclass
class Proposal:
    """A proposed link from a legacy hub to a 2025 hub, for a person to confirm or reject."""

    legacy: LegacyHub
    hub: HubKey
    score: float
    evidence: list[str]
    likely: bool


# --- Reading the catalogues ------------------------------------------------------------------------


def parse_legacy_csv(text: str) -> list[LegacyHub]:
    """The hubs of s3_dih_legacy_2022-02.csv; HTML entities the harvester left are decoded."""
    hubs = []
    for row in csv.DictReader(io.StringIO(text)):
        title = html.unescape(row["title"]).strip()
        website = html.unescape(row["website"]).strip()
        domains = [
            label.strip()
            for label in row["domains"].split(" | ")
            if label.strip() and not _GARBAGE_DOMAIN.search(label)
        ]
        hubs.append(
            LegacyHub(
                s3_id=int(row["s3_hub_id"]),
                title=title,
                website=website,
                website_host=website_host(website),
                name_key=name_key(title),
                street=html.unescape(row["street"]).strip(),
                locality=html.unescape(row["locality"]).strip(),
                country=code_for(row["country"]),
                domains=domains,
                description=html.unescape(row["description"]).strip(),
            )
        )
    return hubs


def hub_keys_from_catalogue_csv(text: str) -> list[HubKey]:
    """HubKeys for the rows of edih_catalogue_2025-05-05.csv (tests and one-off runs)."""
    return [
        HubKey(
            ref=row["hub_id"],
            name=row["EDIH Name"].strip(),
            title=row["EDIH Title"].strip(),
            country=code_for(row["Country"]),
            website_host=website_host(row["Website"]),
            address=row["Contact Location"].strip(),
            name_key=name_key(row["EDIH Name"]),
        )
        for row in csv.DictReader(io.StringIO(text))
    ]


# --- Words and their weights ------------------------------------------------------------------------


def _canonical(word: str) -> str:
    word = _SAME_WORD.get(word, word)
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # "systems" and "system" are one word here
    return word


@cache
def _variants(raw: str) -> tuple[str, ...]:
    """The forms a written word can take: folded ("universitat") and as the harvester left it ("universitt")."""
    folded = re.sub(r"[^0-9a-z]", "", fold(raw))
    stripped = re.sub(r"[^0-9a-z]", "", raw.casefold())
    forms = {_canonical(form) for form in (folded, stripped) if form}
    return tuple(sorted(forms, key=lambda form: form != _canonical(folded)))


@cache
def _words(text: str) -> tuple[tuple[str, ...], ...]:
    """The words of a text, each as its tuple of forms, the folded form first."""
    return tuple(forms for forms in (_variants(raw) for raw in _WORD.findall(text)) if forms)


@cache
def _spelling(text: str) -> dict[str, str]:
    """The first form of each word of a text mapped to the word as written, to quote it in evidence."""
    spelling: dict[str, str] = {}
    for raw in _WORD.findall(text):
        forms = _variants(raw)
        if forms:
            spelling.setdefault(forms[0], raw)
    return spelling


@cache
def _document_frequencies() -> tuple[Counter[str], int]:
    """In how many names and titles of the two bundled catalogues each word form appears.

    The weights come from these fixed snapshots, not from the database, so that a score does not move
    when hubs are added and the sample's precision stays valid.
    """
    frequencies: Counter[str] = Counter()
    documents = 0
    texts: list[str] = []
    with LEGACY_CSV.open(encoding="utf-8") as legacy:
        texts.extend(html.unescape(row["title"]) for row in csv.DictReader(legacy))
    with CATALOGUE_CSV.open(encoding="utf-8") as catalogue:
        for row in csv.DictReader(catalogue):
            texts.append(row["EDIH Name"])
            if row["EDIH Title"] != row["EDIH Name"]:
                texts.append(row["EDIH Title"])
    for text in texts:
        documents += 1
        frequencies.update({form for forms in _words(text) for form in forms})
    return frequencies, documents


@cache
def _weight(form: str) -> float:
    """How distinctive a word is: an inverse document frequency scaled to [0, 1].

    "digital", "innovation" and "hub" appear in hundreds of names and weigh under 0.2; "robotics"
    weighs about 0.55 and a hub's own acronym about 0.9. Single characters and function words
    ("of", "für", "de") weigh nothing.
    """
    if len(form) < 2 or form in _FUNCTION_WORDS:
        return 0.0
    frequencies, documents = _document_frequencies()
    return math.log((documents + 1) / (frequencies[form] + 1)) / math.log(documents + 1)


# --- Comparing two hubs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    """One name prepared for comparison: its word forms and the weight of its distinct words."""

    text: str
    words: tuple[tuple[str, ...], ...]
    forms: frozenset[str]
    mass: float
    key: str
    initials: tuple[str, ...]  # per part of the name, the first letters of its words but function words
    acronyms: frozenset[str]


@dataclass(frozen=True)
class _Side:
    """A hub prepared for comparison."""

    country: str
    host: str
    domain: str
    names: tuple[_Name, ...]
    locality: tuple[str, ...]  # forms of the legacy town's words; empty on the 2025 side
    address: frozenset[str]  # word forms of the 2025 address; empty on the legacy side
    address_text: str


def _ascii_key(text: str) -> str:
    """name_key of the text as the legacy harvester would have stored it (non-ASCII dropped)."""
    return name_key("".join(ch for ch in text if ch.isascii()))


def _prepare_name(text: str) -> _Name:
    words = _words(text)
    distinct = {forms[0] for forms in words}
    acronyms = {
        match.casefold() for match in _ACRONYM_CANDIDATE.findall(text) if 2 <= len(match) <= 12 and match.isascii()
    }
    return _Name(
        text=text,
        words=words,
        forms=frozenset(form for forms in words for form in forms),
        mass=sum(_weight(form) for form in distinct),
        key=_ascii_key(text),
        initials=tuple(
            "".join(forms[0][0] for forms in _words(part) if forms[0] not in _FUNCTION_WORDS)
            for part in _NAME_PARTS.split(text)
        ),
        acronyms=frozenset(re.sub(r"[^0-9a-z]", "", acronym) for acronym in acronyms),
    )


def _registered_domain(host: str) -> str:
    """The name a registry sold: "uni-bremen.de" for "biba.uni-bremen.de", "ucl.ac.uk" for "www.ucl.ac.uk"."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _prepare_legacy(legacy: LegacyHub) -> _Side:
    return _Side(
        country=legacy.country,
        host=legacy.website_host,
        domain=_registered_domain(legacy.website_host) if legacy.website_host else "",
        names=(_prepare_name(legacy.title),),
        locality=tuple(forms[0] for forms in _words(legacy.locality)),
        address=frozenset(),
        address_text="",
    )


def _prepare_hub(hub: HubKey) -> _Side:
    names = [hub.name] if hub.title in ("", hub.name) else [hub.name, hub.title]
    return _Side(
        country=hub.country,
        host=hub.website_host,
        domain=_registered_domain(hub.website_host) if hub.website_host else "",
        names=tuple(_prepare_name(name) for name in names if name),
        locality=(),
        address=frozenset(form for forms in _words(hub.address) for form in forms),
        address_text=hub.address,
    )


def _similarity(legacy: _Name, other: _Name) -> tuple[float, list[str]]:
    """A weighted token-set similarity in [0, 1] and the shared words, most distinctive first.

    Half containment (the shorter name's weight that the other name has too) and half Dice (shared
    weight over the mean of both), so that "Smart Farming" against a long 2025 title that contains it
    scores well, but not as well as the same two words on both sides. Below NAME_MASS of shared
    weight the result is scaled down: sharing only common words is not a match.
    """
    shared: dict[str, float] = {}
    for forms in legacy.words:
        form = forms[0]
        if form not in shared and not other.forms.isdisjoint(forms):
            shared[form] = _weight(form)
    common = sum(shared.values())
    if common <= 0 or legacy.mass <= 0 or other.mass <= 0:
        return 0.0, []
    containment = common / min(legacy.mass, other.mass)
    dice = 2 * common / (legacy.mass + other.mass)
    similarity = min(1.0, 0.5 * containment + 0.5 * dice) * min(1.0, common / NAME_MASS)
    spelling = _spelling(legacy.text)
    shown = sorted((form for form, weight in shared.items() if weight >= 0.3), key=lambda f: -shared[f])
    return similarity, [fold(spelling.get(form, form)) for form in shown]


def _acronym_of(short: _Name, long: _Name) -> str:
    """A distinctive acronym of `short` spelt by the first words of a part of `long`, or "".

    "DIH" and "EDIH" spell "Digital Innovation Hub" in half the catalogue, so an acronym counts only
    when it is rare (weight 0.5 or more) and is not already a word of `long`.
    """
    for acronym in sorted(short.acronyms, key=len, reverse=True):
        if (
            len(acronym) >= 3
            and acronym.isalpha()
            and any(initials.startswith(acronym) for initials in long.initials)
            and acronym not in long.forms
            and _weight(acronym) >= 0.5
        ):
            return acronym
    return ""


# A fact is a kind and its values; _explain() words it. Keeping the words out of the arithmetic keeps
# propose_links fast: only the pairs it keeps are translated.
_Fact = tuple[str, str]


def _compare(legacy: _Side, hub: _Side) -> tuple[float, list[_Fact]]:
    if not legacy.country or legacy.country != hub.country:
        return 0.0, [("countries", "")]
    score = 0.0
    facts: list[_Fact] = []
    if legacy.host and legacy.host == hub.host:
        score += WEIGHT_HOST
        facts.append(("host", legacy.host))
    elif legacy.domain and legacy.domain == hub.domain:
        score += WEIGHT_DOMAIN
        facts.append(("domain", legacy.domain))

    legacy_name = legacy.names[0]
    best, best_words = 0.0, []
    same_name = ""
    acronym: tuple[str, str] | None = None
    for name in hub.names:
        similarity, words = _similarity(legacy_name, name)
        if similarity > best:
            best, best_words = similarity, words
        if legacy_name.key and legacy_name.key == name.key:
            same_name = name.text
        if acronym is None:
            if spelt := _acronym_of(name, legacy_name):
                acronym = (spelt.upper(), legacy_name.text)
            elif spelt := _acronym_of(legacy_name, name):
                acronym = (spelt.upper(), name.text)
    score += WEIGHT_NAME * best
    if same_name:
        score += WEIGHT_SAME_NAME
        facts.append(("same_name", same_name))
    elif best_words:
        facts.append(("words", ", ".join(f"'{word}'" for word in best_words[:4])))
    elif best == 0:
        facts.append(("no_words", ""))
    if acronym is not None:
        score += WEIGHT_ACRONYM
        facts.append(("acronym", "\t".join(acronym)))

    if legacy.locality and _in_address(legacy.locality, hub.address):
        score += WEIGHT_LOCALITY
        facts.append(("locality", " ".join(legacy.locality)))
    return round(min(1.0, score), 3), facts


def _in_address(locality: tuple[str, ...], address: frozenset[str]) -> bool:
    """Whether the legacy town is in the address: all its words, or its first word of 4 letters or more."""
    words = [word for word in locality if len(word) >= 2]
    if not words:
        return False
    return all(word in address for word in words) or (len(words[0]) >= 4 and words[0] in address)


def _explain(facts: Iterable[_Fact], legacy: LegacyHub) -> list[str]:
    evidence = []
    for kind, value in facts:
        if kind == "countries":
            evidence.append(gettext("different countries"))
        elif kind == "host":
            evidence.append(gettext("same website host: %(host)s") % {"host": value})
        elif kind == "domain":
            evidence.append(gettext("same registered domain: %(domain)s") % {"domain": value})
        elif kind == "same_name":
            evidence.append(gettext("same name: %(name)s") % {"name": value})
        elif kind == "words":
            evidence.append(gettext("names share: %(words)s") % {"words": value})
        elif kind == "no_words":
            evidence.append(gettext("names share no word"))
        elif kind == "acronym":
            acronym, source = value.split("\t")
            evidence.append(gettext("acronym %(acronym)s spells %(name)s") % {"acronym": acronym, "name": source})
        elif kind == "locality":
            evidence.append(gettext("same locality: %(locality)s") % {"locality": legacy.locality})
    return evidence


def score(legacy: LegacyHub, hub: HubKey) -> Match:
    """How much a legacy hub and a 2025 hub look like the same hub, with the facts behind the score."""
    value, facts = _compare(_prepare_legacy(legacy), _prepare_hub(hub))
    return Match(score=value, evidence=_explain(facts, legacy))


def propose_links(
    legacy: Sequence[LegacyHub], hubs: Sequence[HubKey], *, minimum: float = CANDIDATE, per_hub: int = 3
) -> list[Proposal]:
    """For each legacy hub, its best `per_hub` candidates scoring at least `minimum`, best first.

    Only hubs of the same country are compared (any other pair scores 0). Several legacy hubs may be
    proposed for one 2025 hub: the legacy catalogue listed hubs that later merged into one EDIH.
    """
    by_country: defaultdict[str, list[tuple[HubKey, _Side]]] = defaultdict(list)
    for hub in hubs:
        by_country[hub.country].append((hub, _prepare_hub(hub)))
    proposals = []
    for old in legacy:
        prepared = _prepare_legacy(old)
        if not prepared.country:
            continue
        scored = []
        for hub, side in by_country.get(prepared.country, []):
            value, facts = _compare(prepared, side)
            if value >= minimum:
                scored.append((value, hub, facts))
        scored.sort(key=lambda item: (-item[0], item[1].ref))
        proposals.extend(
            Proposal(legacy=old, hub=hub, score=value, evidence=_explain(facts, old), likely=value >= LIKELY)
            for value, hub, facts in scored[:per_hub]
        )
    return proposals
