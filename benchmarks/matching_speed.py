"""Matching speed (issue 5): one need against 100,000 generated offers plus the hubs of the European catalogue.

Usage (from the repository root)::

    .venv/bin/python benchmarks/matching_speed.py                  # 100,000 offers, every need
    .venv/bin/python benchmarks/matching_speed.py --offers 20000 --needs-limit 20 --profile

Printed, never asserted: the index's build time and memory, the latency of ``engine.rank`` for one need
(median, p95, max; one pass per need after one warm-up pass over all of them), and the same for a
brute-force scan, a plain Python loop over every item computing the index's score with the same hard
filters. The two must give the same top 10 (same ids in the same order, ties by kind then id); the
agreement is printed, and a disagreement is a bug in one of them.

The offers are generated (``random.Random(seed)``) to look like catalogue offers: labels of the EDIH
vocabulary, titles and descriptions made of the matching vocabulary's terms for those labels and common
words in English, French or German, countries served weighted toward the Greater Region, languages, a
price and sometimes "SMEs only". The hubs are every hub of the catalogue export, with their declared
labels and levels. The needs are the texts of the dev and held-out sets (only the text is read), plus a
few of those texts again with a country, a language and a budget.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import heapq
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from moselle.matching import understanding  # noqa: E402
from moselle.matching.engine import Need, rank, weights_of  # noqa: E402
from moselle.matching.index import (  # noqa: E402
    BREADTH_WEIGHT,
    K1,
    TEXT_WEIGHT,
    B,
    Index,
    breadth,
    item_words,
    level_value,
)
from moselle.matching.registry import PUBLIC, SIGNED_IN, Item  # noqa: E402

TAXONOMY = ROOT / "src" / "moselle" / "core" / "data" / "taxonomy" / "edih_vocabularies.csv"
SYNONYMS = ROOT / "src" / "moselle" / "matching" / "data" / "synonyms"
EXPORT = ROOT / "src" / "moselle" / "organisations" / "data" / "edih-catalogue" / "export-edihs_2025-05-05_redacted.xls"
NEEDS = (ROOT / "benchmarks" / "data" / "matching-dev.jsonl", ROOT / "benchmarks" / "data" / "matching-heldout.jsonl")

OFFERS = 100_000
SEED = 5  # the number: any fixed seed gives the same offers on every machine
LIMIT = 10
TARGET_P95_MS = 50.0
FACETED_NEEDS = 30  # needs searched again with a country, a language and a budget

Top = list[tuple[float, Item]]  # the best items for a need, best first, with their scores

# Where offers are served: the Greater Region far more often than the rest of the Union.
COUNTRY_WEIGHTS = {"LU": 10, "FR": 7, "DE": 7, "BE": 6, "NL": 2, "AT": 1, "IT": 1, "ES": 1, "PL": 1, "PT": 1}
COUNTRY_WEIGHTS |= dict.fromkeys(["IE", "DK", "SE", "FI", "CZ", "SK", "SI", "HU", "RO", "BG", "GR", "HR"], 1)
LANGUAGE_WEIGHTS = {"en": 5, "fr": 3, "de": 3}
PRICE_KINDS = {"free": 2, "subsidised": 3, "range": 4, "": 1}  # "": not said

# Words an offer's text is padded with: function words (repeated, as they are in real text) and the
# generic words of a hub's service descriptions.
FILLER = {
    "en": (
        "the the the and and and for for with to to of of in a a our your we you is are this that "
        "help support companies SMEs project solution data process team experts workshop days training "
        "assessment analysis implementation business production new tools industry customers services pilot "
        "test before invest advice roadmap plan practical hands-on partners network costs results first steps"
    ),
    "fr": (
        "le le la la les les et et pour pour avec des des du une un nous vos votre est en en "
        "accompagnement entreprises PME projet solution données processus équipe experts atelier jours "
        "formation diagnostic analyse mise œuvre production nouveaux outils industrie clients services "
        "pilote essai avant investir conseil feuille route pratique partenaires réseau coûts résultats étapes"
    ),
    "de": (
        "der der die die das das und und für für mit mit wir Ihre zu von im ein eine ist "
        "Unternehmen KMU Begleitung Projekt Lösung Daten Prozesse Team Experten Workshop Tage Schulung "
        "Analyse Umsetzung Produktion neue Werkzeuge Industrie Kunden Dienstleistungen Pilot Test vor "
        "investieren Beratung Fahrplan praxisnah Partner Netzwerk Kosten Ergebnisse ersten Schritte"
    ),
}


# --- The offers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The catalogue's labels by dimension, and the matching vocabulary's terms for each in each language."""

    labels: dict[str, list[str]]  # "technology" -> ["technology:Cybersecurity", ...]
    terms: dict[tuple[str, str], list[str]]  # ("technology:Cybersecurity", "fr") -> ["cybersécurité", ...]

    def terms_for(self, label: str, lang: str) -> list[str]:
        return self.terms.get((label, lang)) or self.terms.get((label, "en")) or [label.split(":", 1)[1]]


def load_vocabulary() -> Vocabulary:
    labels: dict[str, list[str]] = defaultdict(list)
    with TAXONOMY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels[row["dimension"]].append(f"{row['dimension']}:{row['label']}")
    terms: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(SYNONYMS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                terms[(f"{row['dimension']}:{row['label']}", row["lang"])].append(row["term"])
    return Vocabulary(labels=dict(labels), terms=dict(terms))


def _weighted_sample(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    population, chances = list(weights), list(weights.values())
    chosen: list[str] = []
    while len(chosen) < count:
        (pick,) = rng.choices(population, weights=chances)
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def generate_offers(count: int = OFFERS, *, seed: int = SEED, vocabulary: Vocabulary | None = None) -> list[Item]:
    """``count`` offers, ids 1..count, the same for the same seed."""
    vocabulary = vocabulary or load_vocabulary()
    rng = random.Random(seed)  # noqa: S311  benchmark data
    technologies, sectors = vocabulary.labels["technology"], vocabulary.labels["sector"]
    services = vocabulary.labels["service"]
    languages = list(LANGUAGE_WEIGHTS)
    fillers = {lang: words.split() for lang, words in FILLER.items()}
    offers = []
    for offer_id in range(1, count + 1):
        labels = rng.sample(technologies, rng.randint(1, 4)) + rng.sample(sectors, rng.randint(0, 2))
        if rng.random() < 0.5:
            labels.append(rng.choice(services))
        (lang,) = rng.choices(languages, weights=list(LANGUAGE_WEIGHTS.values()))
        filler = fillers[lang]
        # The description: a term or two for each label, set among common words, 30 to 120 words in all.
        phrases = [rng.choice(vocabulary.terms_for(label, lang)) for label in labels for _ in range(rng.randint(1, 2))]
        size = rng.randint(30, 120)
        text_words = rng.choices(filler, k=max(0, size - sum(len(p.split()) for p in phrases)))
        for phrase in phrases:
            text_words.insert(rng.randint(0, len(text_words)), phrase)
        title = " ".join([rng.choice(vocabulary.terms_for(labels[0], lang)).capitalize(), *rng.choices(filler, k=4)])
        spoken = {lang} | ({"en"} if rng.random() < 0.4 else set())
        (price_kind,) = rng.choices(list(PRICE_KINDS), weights=list(PRICE_KINDS.values()))
        price_min = None
        if price_kind == "range" or (price_kind == "subsidised" and rng.random() < 0.5):
            price_min = float(rng.randrange(200, 50_000, 100))
        offers.append(
            Item(
                kind="offer",
                id=offer_id,
                title={lang: title},
                url=f"/catalogue/offers/{offer_id}/",
                text=" ".join(text_words),
                labels=dict.fromkeys(labels),
                serves=frozenset(_weighted_sample(rng, COUNTRY_WEIGHTS, rng.randint(1, 5))),
                languages=frozenset() if rng.random() < 0.1 else frozenset(spoken),
                smes_only=rng.random() < 0.25,
                price_kind=price_kind,
                price_min=price_min,
                audience=PUBLIC,
                provider=f"Provider {rng.randint(1, 3_000)}",
            )
        )
    return offers


# --- The hubs and the needs -----------------------------------------------------------------------------


def load_hubs() -> list[Item]:
    """Every hub of the catalogue export, as ``HubSource`` would index it once imported (Django must be set
    up: the parser's messages are translated)."""
    from moselle.core.tabular import read_table
    from moselle.organisations.catalogue import parse_edih_export

    parsed = parse_edih_export(read_table(EXPORT.read_bytes(), filename=EXPORT.name, check_size=False))
    return [
        Item(
            kind="hub",
            id=int(hub.ref.removeprefix("edih-")),
            title={"en": hub.title or hub.name},
            url=f"/hubs/{hub.ref}/",
            text=" ".join([hub.description, hub.name]),
            labels={f"{label.dimension}:{label.label}": label.level for label in hub.labels},
            country=hub.country,
            serves=frozenset([hub.country]) if hub.country else frozenset(),
            audience=SIGNED_IN,
            subtitle=hub.kind,
        )
        for hub in parsed.hubs
    ]


def load_needs(limit: int | None = None, *, seed: int = SEED) -> list[Need]:
    """The texts of the dev and held-out needs, then some of them again with a country, language and budget."""
    texts = []
    for path in NEEDS:
        with path.open(encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle if line.strip())
    rng = random.Random(seed)  # noqa: S311  benchmark data
    faceted = [
        Need(
            text=text,
            country=rng.choice(["LU", "FR", "DE", "BE", "NL", "IT"]),
            language=rng.choice(["", "en", "fr", "de"]),
            budget=rng.choice([None, Decimal(2_000), Decimal(10_000), Decimal(50_000)]),
        )
        for text in texts[:FACETED_NEEDS]
    ]
    needs = [Need(text=text) for text in texts] + faceted
    return needs[:limit] if limit is not None else needs


# --- The brute force ------------------------------------------------------------------------------------


class BruteForce:
    """The index's score computed item by item in plain Python: no postings, no arrays.

    The items' words are counted once (as the index does when it adds them); each search then visits every
    item. The arithmetic is the index's, in the same order (labels and words sorted), so that the scores
    are equal to the last bit and ties fall the same way.
    """

    def __init__(self, items: Sequence[Item], *, text_weight: float = TEXT_WEIGHT) -> None:
        self.items = list(items)
        self.text_weight = text_weight
        self.counts: list[dict[str, int]] = []
        self.lengths: list[int] = []
        frequency: Counter[str] = Counter()
        for item in self.items:
            words = item_words(item)
            counts = Counter(sys.intern(word) for word in words)
            self.counts.append(dict(counts))
            self.lengths.append(len(words))
            frequency.update(counts.keys())
        live = len(self.items)
        self.average = (sum(self.lengths) / live or 1.0) if live else 1.0
        self.idf = {word: math.log(1 + (live - df + 0.5) / (df + 0.5)) for word, df in frequency.items()}

    def admits(self, item: Item, need: Need, places: set[str]) -> bool:
        """The hard filters of ``index.Filters`` as the engine sets them from a need."""
        if need.kinds and item.kind not in need.kinds:
            return False
        if need.country and not (
            (not item.serves or need.country in item.serves) and (not item.eligible or need.country in item.eligible)
        ):
            return False
        if places and not places & item.serves:
            return False
        if need.language and item.languages and need.language not in item.languages:
            return False
        if need.budget is not None:
            priced = item.price_kind not in ("free", "subsidised") and item.price_min is not None
            if priced and (item.price_min or 0.0) > float(need.budget):
                return False
        return not (need.sme is False and item.smes_only)

    def top(self, need: Need, limit: int = LIMIT) -> Top:
        reading = understanding.read(need.text)
        weights = weights_of(need, reading)
        labels = sorted(weights)
        words = sorted(set(reading.words))
        candidates = []
        best = 0.0
        for position, item in enumerate(self.items):
            if not self.admits(item, need, reading.countries):
                continue
            fit = 0.0
            for label in labels:
                if label in item.labels:
                    fit += weights[label] * level_value(item.labels[label])
            counts, length = self.counts[position], self.lengths[position]
            lexical = 0.0
            for word in words:
                tf = counts.get(word)
                if tf:
                    norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.average))
                    lexical += self.idf[word] * norm
            best = max(best, lexical)
            candidates.append((fit, lexical, item))
        ranked = []
        for fit, lexical, item in candidates:
            score = fit + self.text_weight * lexical / best if best > 0 else fit
            if score > 0:
                score += BREADTH_WEIGHT * breadth(item)
                # numpy's round(x, 9): x * 1e9 to the nearest integer (halves to even), divided back.
                ranked.append((-(round(score * 1e9) / 1e9), item.kind, item.id, item))
        return [(-row[0], row[3]) for row in heapq.nsmallest(limit, ranked, key=lambda row: row[:3])]


def index_top(index: Index, need: Need, limit: int = LIMIT) -> Top:
    return [(result.score, result.item) for result in rank(index, need, limit=limit).results]


# --- Measuring ------------------------------------------------------------------------------------------


def _rss_bytes() -> int:
    """This process's resident memory now (Linux), 0 where /proc is absent."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _timed(search: Callable[[Need], Top], needs: Sequence[Need]) -> tuple[list[float], list[Top]]:
    latencies: list[float] = []
    tops: list[Top] = []
    for need in needs:
        start = time.perf_counter()
        tops.append(search(need))
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, tops


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _spread(label: str, latencies: Sequence[float]) -> str:
    return (
        f"  {label:<15} median {_ms(statistics.median(latencies))}  p95 {_ms(_p95(latencies))}"
        f"  max {_ms(max(latencies))}"
    )


def _keys(top: Top) -> list[tuple[str, int]]:
    return [item.key for _score, item in top]


def measure(
    offers: int = OFFERS,
    *,
    needs_limit: int | None = None,
    brute_limit: int | None = None,
    profile: bool = False,
    memory: bool = True,
) -> None:
    """Build, search and scan; print the figures (Django must be set up, for the hubs' parser)."""
    start = time.perf_counter()
    hubs = load_hubs()
    items = generate_offers(offers) + hubs
    made = time.perf_counter() - start
    needs = load_needs(needs_limit)
    understanding.vocabulary()  # read once, as a running process has
    print(f"matching speed: {offers:,} offers + {len(hubs):,} hubs, {len(needs)} needs  (made in {made:.1f} s)")

    rss_before = _rss_bytes()
    start = time.perf_counter()
    index = Index(items)
    built = time.perf_counter() - start
    line = f"  {'index build':<15} {built:,.1f} s, RSS +{(_rss_bytes() - rss_before) / 2**20:,.0f} MB"
    if memory:
        import tracemalloc

        tracemalloc.start()
        Index(items)  # a second build: the first one's time is not to carry tracemalloc's cost
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line += f", {peak / 2**20:,.0f} MB peak (tracemalloc, second build)"
    print(line)

    cold, _tops = _timed(lambda need: index_top(index, need), needs)  # the warm-up pass
    print(_spread("first pass", cold) + "   (the postings' arrays built on first use)")
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    latencies, tops = _timed(lambda need: index_top(index, need), needs)
    if profile:
        profiler.disable()
    met = "met" if _p95(latencies) <= TARGET_P95_MS else "missed"
    print(_spread("index search", latencies) + f"   target p95 <= {TARGET_P95_MS:g} ms: {met}")

    edited = needs[:20]
    after_edit = []
    for position, need in enumerate(edited):
        # One offer saved again between two searches, as the catalogue does: the index replaces it.
        index.add(items[position])
        after_edit.extend(_timed(lambda need: index_top(index, need), [need])[0])
    print(_spread("after an edit", after_edit) + f"   (one offer replaced before each of {len(edited)} searches)")

    scanned = needs[:brute_limit] if brute_limit is not None else needs
    brute = BruteForce(items, text_weight=index.text_weight)
    brute_latencies, brute_tops = _timed(brute.top, scanned)
    pairs = list(zip(needs, tops, brute_tops, strict=False))
    same = sum(_keys(ours) == _keys(theirs) for _need, ours, theirs in pairs)
    equal = sum([s for s, _ in ours] == [s for s, _ in theirs] for _need, ours, theirs in pairs)
    ratio = statistics.median(brute_latencies) / statistics.median(latencies)
    subset = "" if len(scanned) == len(needs) else f", the first {len(scanned)} needs"
    print(
        _spread("brute force", brute_latencies) + f"   (x {ratio:,.0f} slower{subset});"
        f" top {LIMIT} identical for {same}/{len(scanned)} needs, scores equal for {equal}/{len(scanned)}"
    )
    for number, (_need, ours, theirs) in enumerate(pairs, start=1):
        if _keys(ours) != _keys(theirs):  # the need by number: the held-out texts are not to be shown
            print(f"    need {number} differs: index {_keys(ours)}, brute force {_keys(theirs)}")
    if profile:
        print("  profile of the index search pass (cumulative):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moselle.settings")
    if "MOSELLE_VAR_DIR" not in os.environ:  # settings may create folders there: keep them out of var/
        scratch = tempfile.mkdtemp(prefix="moselle-speed-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        os.environ["MOSELLE_VAR_DIR"] = scratch
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=OFFERS)
    parser.add_argument("--needs-limit", type=int, default=None, help="search only the first N needs")
    parser.add_argument("--brute-limit", type=int, default=None, help="scan only the first N needs by brute force")
    parser.add_argument("--no-memory", action="store_true", help="skip the second build under tracemalloc")
    parser.add_argument("--profile", action="store_true", help="cProfile the index search pass")
    args = parser.parse_args()
    setup_django()
    measure(
        args.offers,
        needs_limit=args.needs_limit,
        brute_limit=args.brute_limit,
        profile=args.profile,
        memory=not args.no_memory,
    )


if __name__ == "__main__":
    main()
