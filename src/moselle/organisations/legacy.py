"""Links from the 2022 legacy hub catalogue (JRC S3 Platform) to the hubs of the 2025 EDIH catalogue.

A legacy hub and a 2025 hub are compared on their website, their names, acronyms, town and
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from pathlib import Path

from django.utils.translation import gettext

from moselle.organisations.countries import code_for
from moselle.organisations.normalise import fold, name_key, website_host

# A pair scoring at least CANDIDATE is worth showing; at least LIKELY, it is proposed as the same hub.
# LIKELY was set on the hand-labelled sample data/s3-dih-legacy/link_sample.csv (docs/legacy-links.md).
CANDIDATE = 0.3
LIKELY = 0.6

# What each kind of evidence adds to a score; the sum is capped at 1. Alone, a website host (0.35)
# and the town (0.1) stay below LIKELY: the names have to agree too.
WEIGHT_NAME = 0.6  # times the name similarity, in [0, 1]
WEIGHT_SAME_NAME = 0.15  # one name is the other's whole name or a distinctive part of it
WEIGHT_ACRONYM = 0.15  # an acronym on one side spells the first words of a name on the other
WEIGHT_HOST = 0.35  # same website host
# Same host, but a host that one of the bundled catalogues gives to several different hubs (a
# university, a research organisation with one hub per lab, a national programme): weaker.
WEIGHT_SHARED_HOST = 0.15
WEIGHT_DOMAIN = 0.15  # same registered domain under different hosts (dih.uni.de and uni.de)
WEIGHT_LOCALITY = 0.1  # the legacy town appears in the 2025 contact address

# The name similarity counts fully only when the shared words weigh this much (about one
# distinctive word), so that two names sharing "smart" and "digital" stay low.
NAME_MASS = 0.9

# A real S3 sector label is a short phrase ("Manufacture of machinery and equipment"). The sixteen
# garbage values, all from one Serbian hub, are "Funder:Project" sentences ("Erasmus+
# programme:Institutional framework for ...") and are recognised by the colon, which no label has.
_GARBAGE_DOMAIN = ":"

_WORD = re.compile(r"[^\W_]+")
# Where a name splits into parts: "BRH - Belgrade Robotics Hub", "CeADAR: Ireland's Centre".
_NAME_PARTS = re.compile(r"\s[-\u2013|/]\s|[:(),|]")  # \u2013: en dash
# A word written with two capitals or more may be an acronym: "RCDS", "DIH4AISec", "CeADAR".
_ACRONYM = re.compile(r"[^\W_]*[A-Z][^\W_]*[A-Z][^\W_]*")
# Function words of the catalogues' languages: they weigh nothing and acronyms skip them.
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "and",
        "as",
        "at",
        "by",
        "d",
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "die",
        "do",
        "du",
        "e",
        "el",
        "en",
        "et",
        "for",
        "fr",
        "fur",
        "i",
        "in",
        "l",
        "la",
        "las",
        "le",
        "les",
        "los",
        "of",
        "on",
        "per",
        "the",
        "to",
        "und",
        "van",
        "voor",
        "y",
        "za",
        "zu",
    }
)
# Spellings of one word, mapped to one of them.
_SAME_WORD = {"center": "centre", "centro": "centre", "centrum": "centre", "zentrum": "centre"}
# Second-level labels under which registries sell names ("ucl.ac.uk", "cut.ac.cy", "bz.it").
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org"})

_DATA = Path(__file__).resolve().parent / "data"
LEGACY_CSV = _DATA / "s3-dih-legacy" / "s3_dih_legacy_2022-02.csv"
CATALOGUE_CSV = _DATA / "edih-catalogue" / "edih_catalogue_2025-05-05.csv"


@dataclass
class LegacyHub:
    """A hub of the JRC S3 legacy catalogue (February 2022), as its harvester left it."""

    s3_id: int
    title: str
    website: str
    website_host: str
    name_key: str
    street: str
    locality: str
    country: str  # ISO 3166 code, "" when unknown
    domains: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class HubKey:
    """What the linking needs to know of a 2025 hub; the product builds these from its database."""

    ref: str  # "edih-NNN"
    name: str
    title: str
    country: str  # ISO 3166 code
    website_host: str
    address: str  # the catalogue's "Contact Location"
    name_key: str


@dataclass
class Match:
    """How much a legacy hub and a 2025 hub look like one hub, and the facts behind the score."""

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


def legacy_hub_from_row(row: Mapping[str, str]) -> LegacyHub:
    """One hub of the legacy catalogue from its row (columns as in s3_dih_legacy_2022-02.csv)."""
    title = html.unescape(row["title"]).strip()
    website = html.unescape(row["website"]).strip()
    labels = (label.strip() for label in row["domains"].split(" | "))
    return LegacyHub(
        s3_id=int(row["s3_hub_id"]),
        title=title,
        website=website,
        website_host=website_host(website),
        name_key=name_key(title),
        street=html.unescape(row["street"]).strip(),
        locality=html.unescape(row["locality"]).strip(),
        country=code_for(row["country"]),
        domains=[label for label in labels if label and _GARBAGE_DOMAIN not in label],
        description=html.unescape(row["description"]).strip(),
    )


def parse_legacy_csv(text: str) -> list[LegacyHub]:
    """The hubs of s3_dih_legacy_2022-02.csv, with the HTML entities the harvester left decoded."""
    return [legacy_hub_from_row(row) for row in csv.DictReader(io.StringIO(text))]


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
    """One form for the spellings and plurals of a word: "centers", "centre" -> "centre"."""
    word = _SAME_WORD.get(word, word)
    if len(word) > 4 and word.isalpha():
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    return _SAME_WORD.get(word, word)


@cache
def _forms(raw: str) -> tuple[str, ...]:
    """The forms of a written word: folded first ("universitat"), then as the harvester left it ("universitt")."""
    folded = _canonical(re.sub(r"[^0-9a-z]", "", fold(raw)))
    stripped = _canonical(re.sub(r"[^0-9a-z]", "", raw.casefold()))
    return tuple(dict.fromkeys(form for form in (folded, stripped) if form))


@cache
def _words(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The words of a text, each as written and with its forms."""
    return tuple((raw, forms) for raw in _WORD.findall(text) if (forms := _forms(raw)))


def _ascii_key(text: str) -> str:
    """name_key of a text as the legacy harvester would have stored it (non-ASCII dropped)."""
    return name_key("".join(ch for ch in text if ch.isascii()))


def _catalogue_names() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(host, name, title) of every hub of the bundled legacy and 2025 catalogues."""
    with LEGACY_CSV.open(encoding="utf-8") as legacy:
        old = [
            (website_host(html.unescape(row["website"])), html.unescape(row["title"]), "")
            for row in csv.DictReader(legacy)
        ]
    with CATALOGUE_CSV.open(encoding="utf-8") as catalogue:
        new = [(website_host(row["Website"]), row["EDIH Name"], row["EDIH Title"]) for row in csv.DictReader(catalogue)]
    return old, new


@cache
def _document_frequencies() -> tuple[Counter[str], int]:
    """In how many names and titles of the two bundled catalogues each word form appears.

    The weights come from these fixed snapshots, not from the database, so that a score does not move
    when hubs are added and the precision measured on the sample stays valid.
    """
    frequencies: Counter[str] = Counter()
    documents = 0
    old, new = _catalogue_names()
    for _host, name, title in old + new:
        for text in {name, title} - {""}:
            documents += 1
            frequencies.update({form for _raw, forms in _words(text) for form in forms})
    return frequencies, documents


@cache
def _weight(form: str) -> float:
    """How distinctive a word is: its inverse document frequency, scaled to [0, 1].

    Over the 1,447 names and titles of the two catalogues, "digital", "innovation" and "hub" (each
    in 330 or more) weigh about 0.2, "robotics" 0.5, a hub's own name ("Sirris", "Cartuja") 0.65 to
    0.85. Single characters and function words weigh nothing.
    """
    if len(form) < 2 or form in _FUNCTION_WORDS:
        return 0.0
    frequencies, documents = _document_frequencies()
    return math.log((documents + 1) / (frequencies[form] + 1)) / math.log(documents + 1)


# --- Names ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    """One name prepared for comparison."""

    text: str
    words: tuple[tuple[str, tuple[str, ...]], ...]
    forms: frozenset[str]  # every form of every word, and of two or three words run together
    mass: float  # the weight of its distinct words
    parts: dict[str, str]  # keys of the name and of its distinctive parts, to the part as written
    whole: frozenset[str]  # the keys among them that stand for the whole name
    spelt: tuple[tuple[str, ...], ...]  # per part, the words acronyms spell (function words left out)
    acronyms: frozenset[str]


def _mass(words: Iterable[str]) -> float:
    return sum(_weight(word) for word in set(words))


def _parts(text: str) -> tuple[dict[str, str], frozenset[str]]:
    """Keys of the whole name and of each distinctive part, and which of them stand for the whole name.

    "AIR4S - Artificial Intelligence & Robotics" has the parts "AIR4S" and "Artificial Intelligence &
    Robotics"; "IP4FVG - EDIH" has one distinctive part, "IP4FVG", which stands for the whole. A part
    of common words only ("Digital Innovation Hub", "EDIH") is no name. Each part has two keys, folded
    and as the legacy harvester would have stored it, so "Andalucía" matches "Andalucia" and "Andaluca".
    """
    parts: dict[str, str] = {}
    whole: set[str] = set()
    pieces = [piece.strip() for piece in _NAME_PARTS.split(text)]
    distinctive = [piece for piece in pieces if _mass(forms[0] for _raw, forms in _words(piece)) >= 0.5]
    for part in [text.strip(), *distinctive]:
        keys = {key for key in (name_key(part), _ascii_key(part)) if key}
        for key in keys:
            parts.setdefault(key, part)
        if part == text.strip() or len(distinctive) == 1:
            whole.update(keys)
    return parts, frozenset(whole)


@cache
def _prepare_name(text: str) -> _Name:
    words = _words(text)
    forms = {form for _raw, word_forms in words for form in word_forms}
    firsts = [word_forms[0] for _raw, word_forms in words]
    for size in (2, 3):  # "DIH·bio" is also "dihbio", "Digi Hub" also "digihub"
        forms.update("".join(firsts[i : i + size]) for i in range(len(firsts) - size + 1))
    parts, whole = _parts(text)
    acronyms = {re.sub(r"[^0-9a-z]", "", match.casefold()) for match in _ACRONYM.findall(text) if match.isascii()}
    return _Name(
        text=text,
        words=words,
        forms=frozenset(forms),
        mass=_mass(firsts),
        parts=parts,
        whole=whole,
        spelt=tuple(
            tuple(word_forms[0] for _raw, word_forms in _words(part) if word_forms[0] not in _FUNCTION_WORDS)
            for part in _NAME_PARTS.split(text)
        ),
        acronyms=frozenset(acronym for acronym in acronyms if 3 <= len(acronym) <= 12),
    )


def _spelt_words(acronym: str, name: _Name, *, at_start: bool) -> list[str]:
    """The words of `name` whose first letters spell `acronym`, at the start of a part or anywhere."""
    for words in name.spelt:
        initials = "".join(word[0] for word in words)
        start = 0 if initials.startswith(acronym) else (-1 if at_start else initials.find(acronym))
        if start >= 0:
            return list(words[start : start + len(acronym)])
    return []


@dataclass(frozen=True)
class _NameMatch:
    similarity: float
    containment: float  # how much of the better covered name the other one has
    shared: list[str]  # shared words as the legacy name writes them, most distinctive first


def _match_names(legacy: _Name, hub: _Name) -> _NameMatch:
    """A weighted token-set similarity of two names, in [0, 1].

    A word matches when one of its forms is a word of the other name, or two or three of its words
    run together, or when it is a distinctive acronym the other name spells ("STP" and "Science
    Technology Park"; not "DIH"). Half of the similarity is containment (how much of the better
    covered name the other has: "Smart Farming" inside a long 2025 title) and half is how much of
    both names is covered. Below NAME_MASS of shared weight the similarity is scaled down.
    """
    matched_legacy = {forms[0] for _raw, forms in legacy.words if not hub.forms.isdisjoint(forms)}
    matched_hub = {forms[0] for _raw, forms in hub.words if not legacy.forms.isdisjoint(forms)}
    for short, long, short_matched, long_matched in (
        (legacy, hub, matched_legacy, matched_hub),
        (hub, legacy, matched_hub, matched_legacy),
    ):
        for acronym in short.acronyms - short_matched:
            if _weight(acronym) >= 0.5 and (spelt := _spelt_words(acronym, long, at_start=False)):
                short_matched.add(acronym)
                long_matched.update(spelt)
    if legacy.mass <= 0 or hub.mass <= 0:
        return _NameMatch(0.0, 0.0, [])
    covered_legacy = _mass(matched_legacy)
    covered_hub = _mass(matched_hub)
    containment = max(covered_legacy / legacy.mass, covered_hub / hub.mass)
    both = (covered_legacy + covered_hub) / (legacy.mass + hub.mass)
    shared_mass = min(covered_legacy, covered_hub)
    similarity = min(1.0, 0.5 * containment + 0.5 * both) * min(1.0, shared_mass / NAME_MASS)
    spelling = {forms[0]: raw for raw, forms in legacy.words}
    shown = sorted((word for word in matched_legacy if _weight(word) >= 0.3), key=lambda word: -_weight(word))
    return _NameMatch(similarity, containment, [fold(spelling.get(word, word)) for word in shown])


def _same_name(legacy: _Name, hub: _Name, town: str) -> str:
    """The part two names have in common when it is one of them as a whole, or ""."""
    for key, part in hub.parts.items():
        if key in legacy.parts and (key in legacy.whole or key in hub.whole) and key != town:
            return part
    return ""


def _acronym(short: _Name, long: _Name) -> str:
    """A distinctive acronym of `short` spelt by the first words of a part of `long`, or "".

    "DIH" and "EDIH" spell "Digital Innovation Hub" in half the catalogue, so an acronym counts only
    when it is rare (weight 0.5 or more) and not already a word of `long`.
    """
    for acronym in sorted(short.acronyms, key=len, reverse=True):
        if (
            acronym.isalpha()
            and acronym not in long.forms
            and _weight(acronym) >= 0.5
            and _spelt_words(acronym, long, at_start=True)
        ):
            return acronym
    return ""


# --- Hosts ------------------------------------------------------------------------------------------


def _registered_domain(host: str) -> str:
    """The name a registry sold: "uni-bremen.de" for "biba.uni-bremen.de", "cut.ac.cy" for "www.cut.ac.cy"."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


@cache
def _shared_hosts() -> frozenset[str]:
    """Hosts and registered domains that one of the bundled catalogues gives to different hubs.

    Two records of a catalogue are different hubs unless their names are nearly the same (similarity
    0.8 or more, one name inside the other, or a name in common): Sirris lists one hub per lab on
    sirris.be, the Dutch Smart Industry programme one hub per region on smartindustry.nl. The same
    hub listed twice, as the 2025 export often does (a DIH row and an EDIH row), is not two hubs.
    """
    shared: set[str] = set()
    for catalogue in _catalogue_names():
        by_address: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        for host, name, title in catalogue:
            if host:
                by_address[host].append((name, title))
                by_address["domain:" + _registered_domain(host)].append((name, title))
        for address, records in by_address.items():
            if any(_different_hubs(first, second) for first, second in combinations(records, 2)):
                shared.add(address)
    return frozenset(shared)


def _different_hubs(first: tuple[str, str], second: tuple[str, str]) -> bool:
    names = [[_prepare_name(text) for text in {name, title} - {""}] for name, title in (first, second)]
    for one in names[0]:
        for other in names[1]:
            match = _match_names(one, other)
            if match.similarity >= 0.8 or match.containment >= 0.9 or _same_name(one, other, ""):
                return False
    return True


# --- Comparing two hubs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    """A hub prepared for comparison."""

    country: str
    host: str
    domain: str
    names: tuple[_Name, ...]
    town: tuple[str, ...]  # the legacy town's words; empty on the 2025 side
    town_key: str  # a part of a name that is only the town is no name
    address: frozenset[str]  # word forms of the 2025 address; empty on the legacy side


def _prepare_legacy(legacy: LegacyHub) -> _Side:
    return _Side(
        country=legacy.country,
        host=legacy.website_host,
        domain=_registered_domain(legacy.website_host) if legacy.website_host else "",
        names=(_prepare_name(legacy.title),),
        town=tuple(forms[0] for _raw, forms in _words(legacy.locality)),
        town_key=_ascii_key(legacy.locality),
        address=frozenset(),
    )


def _prepare_hub(hub: HubKey) -> _Side:
    names = [name for name in dict.fromkeys((hub.name, hub.title)) if name]
    return _Side(
        country=hub.country,
        host=hub.website_host,
        domain=_registered_domain(hub.website_host) if hub.website_host else "",
        names=tuple(_prepare_name(name) for name in names),
        town=(),
        town_key="",
        address=frozenset(form for _raw, forms in _words(hub.address) for form in forms),
    )


def _in_address(town: tuple[str, ...], address: frozenset[str]) -> bool:
    """Whether the legacy town is in the address: all its words, or its first word of four letters or more.

    "Paterna (Valencia)" is found in "46980 Paterna, Valencia"; "CASALECCHIO DI RENO BO" by "casalecchio".
    """
    words = [word for word in town if len(word) >= 2]
    return bool(words) and (all(word in address for word in words) or (len(words[0]) >= 4 and words[0] in address))


# A fact is a kind and a value; _explain() words it. Only the pairs propose_links keeps are worded.
_Fact = tuple[str, str]


def _compare(legacy: _Side, hub: _Side) -> tuple[float, list[_Fact]]:
    if not legacy.country or legacy.country != hub.country:
        return 0.0, [("countries", "")]
    score = 0.0
    facts: list[_Fact] = []
    if legacy.host and legacy.host == hub.host:
        if legacy.host in _shared_hosts():
            score += WEIGHT_SHARED_HOST
            facts.append(("shared_host", legacy.host))
        else:
            score += WEIGHT_HOST
            facts.append(("host", legacy.host))
    elif legacy.domain and legacy.domain == hub.domain and "domain:" + legacy.domain not in _shared_hosts():
        score += WEIGHT_DOMAIN
        facts.append(("domain", legacy.domain))

    legacy_name = legacy.names[0]
    best = _NameMatch(0.0, 0.0, [])
    same_name = ""
    acronym = ""
    for name in hub.names:
        match = _match_names(legacy_name, name)
        if match.similarity > best.similarity:
            best = match
        same_name = same_name or _same_name(legacy_name, name, legacy.town_key)
        if not acronym and (spelt := _acronym(name, legacy_name) or _acronym(legacy_name, name)):
            acronym = spelt.upper()
    score += WEIGHT_NAME * best.similarity
    if same_name:
        score += WEIGHT_SAME_NAME
        facts.append(("same_name", same_name))
    elif best.shared:
        facts.append(("words", ", ".join(f"'{word}'" for word in best.shared[:4])))
    elif best.similarity == 0:
        facts.append(("no_words", ""))
    if acronym:
        score += WEIGHT_ACRONYM
        facts.append(("acronym", acronym))

    if legacy.town and _in_address(legacy.town, hub.address):
        score += WEIGHT_LOCALITY
        facts.append(("locality", ""))
    return round(min(1.0, score), 3), facts


def _explain(facts: Iterable[_Fact], legacy: LegacyHub) -> list[str]:
    """The facts worded for a person, in the active language."""
    evidence = []
    for kind, value in facts:
        if kind == "countries":
            evidence.append(gettext("different countries"))
        elif kind == "host":
            evidence.append(gettext("same website host: %(host)s") % {"host": value})
        elif kind == "shared_host":
            evidence.append(gettext("same website host, used by several hubs: %(host)s") % {"host": value})
        elif kind == "domain":
            evidence.append(gettext("same registered domain: %(domain)s") % {"domain": value})
        elif kind == "same_name":
            evidence.append(gettext("same name: %(name)s") % {"name": value})
        elif kind == "words":
            evidence.append(gettext("names share: %(words)s") % {"words": value})
        elif kind == "no_words":
            evidence.append(gettext("names share no distinctive word"))
        elif kind == "acronym":
            evidence.append(gettext("acronym %(acronym)s spells the other name") % {"acronym": value})
        elif kind == "locality":
            evidence.append(gettext("same locality: %(locality)s") % {"locality": legacy.locality})
    return evidence


def score(legacy: LegacyHub, hub: HubKey) -> Match:
    """How much a legacy hub and a 2025 hub look like one hub, with the facts behind the score."""
    value, facts = _compare(_prepare_legacy(legacy), _prepare_hub(hub))
    return Match(score=value, evidence=_explain(facts, legacy))


def propose_links(
    legacy: Sequence[LegacyHub], hubs: Sequence[HubKey], *, minimum: float = CANDIDATE, per_hub: int = 3
) -> list[Proposal]:
    """For each legacy hub, its best `per_hub` 2025 candidates scoring at least `minimum`, best first.

    Only hubs of the same country are compared; any other pair scores 0. One 2025 hub may be proposed
    for several legacy hubs: the legacy catalogue listed some hubs twice, and branches of one hub.
    """
    by_country: defaultdict[str, list[tuple[HubKey, _Side]]] = defaultdict(list)
    for hub in hubs:
        by_country[hub.country].append((hub, _prepare_hub(hub)))
    proposals: list[Proposal] = []
    for old in legacy:
        prepared = _prepare_legacy(old)
        scored = []
        for hub, side in by_country.get(prepared.country, []) if prepared.country else []:
            value, facts = _compare(prepared, side)
            if value >= minimum:
                scored.append((value, hub, facts))
        scored.sort(key=lambda item: (-item[0], item[1].ref))
        proposals.extend(
            Proposal(legacy=old, hub=hub, score=value, evidence=_explain(facts, old), likely=value >= LIKELY)
            for value, hub, facts in scored[:per_hub]
        )
    return proposals
