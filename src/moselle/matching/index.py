"""The engine's in-memory index: items in slots, postings per label and per word, filters as arrays.

A search touches only the postings of the labels and words it asks for and the filter sets of its facets,
as NumPy arrays, so that one need against a hundred thousand offers takes milliseconds rather than a scan
of every item in Python. Items are added and dropped one by one (a catalogue change updates a few rows);
a dropped item leaves a dead slot, and the index compacts itself when half of its slots are dead.

Scores: ``fit`` is the sum over the labels asked for of the label's weight times the level the item
declares for it (level / 5; a label covered without a level counts as 1); ``text`` is Okapi BM25 over
the item's words, divided by the best text score among the candidates and weighed by ``text_weight``;
``breadth`` (how much of the catalogue the item declares, by level) adds a little to the items the need
concerns.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from moselle.matching import text
from moselle.matching.registry import AUDIENCES, Item

K1 = 1.2
B = 0.75
TEXT_WEIGHT = 0.05
BREADTH_WEIGHT = 0.2
CATALOGUE_LABELS = 91  # technologies, services and sectors of the EDIH catalogue
ANY = ""  # the filter key of an item that does not restrict a facet (serves every country, any language)

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def level_value(level: int | None) -> float:
    return 1.0 if level is None else max(0, min(int(level), 5)) / 5


def breadth(item: Item) -> float:
    """How much of the catalogue an item declares, by level: 0 for none (or labels covered without a
    level, as offers do), 1 for every label at level 5."""
    declared = sum(level_value(level) for level in item.labels.values() if level is not None)
    return min(declared / CATALOGUE_LABELS, 1.0)


def item_words(item: Item) -> list[str]:
    names = [label.split(":", 1)[1] for label in item.labels]
    return text.words(" ".join([item.text, *item.title.values(), *names]))


@dataclass
class Filters:
    """Hard constraints, as the engine checked them: every field narrows the candidates."""

    kinds: Sequence[str] = ()
    audiences: Sequence[str] = AUDIENCES
    country: str = ""  # serves this country and may be used from it
    places: Iterable[str] = ()  # serves one of these (places the need names)
    language: str = ""  # works in this language (or does not say)
    budget: float | None = None  # free, subsidised, or a lowest price within it (or no price given)
    sme: bool | None = None  # False: leave out what is for SMEs only


class _Postings:
    """key -> {slot: value}, with the arrays of each key built when first asked.

    Once built, a key's arrays follow changes rather than being dropped: slots added since are appended and
    slots dropped since are filtered out at the next search, a few NumPy operations, where rebuilding them
    from the dict costs milliseconds for a word that most items use ("the", "und") and would fall on the
    first search after every catalogue edit."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[int, float]] = defaultdict(dict)
        self._arrays: dict[str, tuple[npt.NDArray[np.int64], Floats]] = {}
        self._added: dict[str, dict[int, float]] = defaultdict(dict)  # slots not yet in the arrays
        self._dropped: dict[str, set[int]] = defaultdict(set)  # slots still in the arrays

    def add(self, key: str, slot: int, value: float) -> None:
        row = self.rows[key]
        if key in self._arrays:
            added = self._added[key]
            if slot in row and slot not in added:
                self._dropped[key].add(slot)  # a new value for a slot the arrays hold
            added[slot] = value
        row[slot] = value

    def drop(self, key: str, slot: int) -> None:
        found = self.rows.get(key)
        if found is None or slot not in found:
            return
        del found[slot]
        if not found:
            del self.rows[key]
            self._forget(key)
        elif key in self._arrays:
            added = self._added.get(key)
            if added is not None and slot in added:
                del added[slot]
            else:
                self._dropped[key].add(slot)

    def _forget(self, key: str) -> None:
        self._arrays.pop(key, None)
        self._added.pop(key, None)
        self._dropped.pop(key, None)

    def arrays(self, key: str) -> tuple[npt.NDArray[np.int64], Floats]:
        cached = self._arrays.get(key)
        added, dropped = self._added.pop(key, {}), self._dropped.pop(key, set())
        if cached is not None and (added or dropped):
            slots, values = cached
            if len(added) + len(dropped) > len(slots) // 2:
                cached = None  # many changes: as cheap to read the dict again
            else:
                if dropped:
                    keep = ~np.isin(slots, np.fromiter(dropped, dtype=np.int64, count=len(dropped)))
                    slots, values = slots[keep], values[keep]
                if added:
                    slots = np.concatenate([slots, np.fromiter(added.keys(), dtype=np.int64, count=len(added))])
                    values = np.concatenate([values, np.fromiter(added.values(), dtype=np.float64, count=len(added))])
                cached = (slots, values)
                self._arrays[key] = cached
        if cached is None:
            found = self.rows.get(key, {})
            cached = (
                np.fromiter(found.keys(), dtype=np.int64, count=len(found)),
                np.fromiter(found.values(), dtype=np.float64, count=len(found)),
            )
            self._arrays[key] = cached
        return cached

    def count(self, key: str) -> int:
        return len(self.rows.get(key, ()))


class Index:
    def __init__(self, items: Iterable[Item] = (), *, text_weight: float = TEXT_WEIGHT) -> None:
        self.text_weight = text_weight
        self._clear()
        self.add_all(items)

    def _clear(self) -> None:
        self.items: list[Item | None] = []
        self.slots: dict[tuple[str, int], int] = {}
        self.labels = _Postings()
        self.terms = _Postings()
        self.serves = _Postings()
        self.eligible = _Postings()
        self.languages = _Postings()
        self.total_length = 0
        self._capacity = 0
        self.alive: Bools = np.zeros(0, dtype=np.bool_)
        self.length: Floats = np.zeros(0)
        self.price: Floats = np.zeros(0)
        self.priced: Bools = np.zeros(0, dtype=np.bool_)  # has a lowest price that a budget must cover
        self.smes_only: Bools = np.zeros(0, dtype=np.bool_)
        self.audience = np.zeros(0, dtype=np.int8)
        self.kind = np.zeros(0, dtype=np.int16)
        self.breadth: Floats = np.zeros(0)
        self.kind_codes: dict[str, int] = {}

    # --- Changes ------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.slots)

    def __contains__(self, key: tuple[str, int]) -> bool:
        return key in self.slots

    def get(self, key: tuple[str, int]) -> Item | None:
        slot = self.slots.get(key)
        return None if slot is None else self.items[slot]

    def _grow(self, size: int) -> None:
        if size <= self._capacity:
            return
        capacity = max(size, 2 * self._capacity, 64)

        def grown(array: Any, fill: object) -> Any:
            bigger = np.full(capacity, fill, dtype=array.dtype)
            bigger[: len(array)] = array
            return bigger

        self.alive = grown(self.alive, False)
        self.length = grown(self.length, 0.0)
        self.price = grown(self.price, 0.0)
        self.priced = grown(self.priced, False)
        self.smes_only = grown(self.smes_only, False)
        self.audience = grown(self.audience, 0)
        self.kind = grown(self.kind, -1)
        self.breadth = grown(self.breadth, 0.0)
        self._capacity = capacity

    def add(self, item: Item) -> None:
        """Add an item, or replace the one with its kind and id."""
        self.drop(item.kind, item.id)
        slot = len(self.items)
        self._grow(slot + 1)
        self.items.append(item)
        self.slots[item.key] = slot
        words = item_words(item)
        for word, count in Counter(words).items():
            self.terms.add(word, slot, float(count))
        for label, level in item.labels.items():
            self.labels.add(label, slot, level_value(level))
        for code in item.serves or (ANY,):
            self.serves.add(code, slot, 1.0)
        for code in item.eligible or (ANY,):
            self.eligible.add(code, slot, 1.0)
        for code in item.languages or (ANY,):
            self.languages.add(code, slot, 1.0)
        self.alive[slot] = True
        self.length[slot] = len(words)
        self.total_length += len(words)
        self.priced[slot] = item.price_kind not in ("free", "subsidised") and item.price_min is not None
        self.price[slot] = item.price_min or 0.0
        self.smes_only[slot] = item.smes_only
        self.audience[slot] = AUDIENCES.index(item.audience)
        self.kind[slot] = self.kind_codes.setdefault(item.kind, len(self.kind_codes))
        self.breadth[slot] = breadth(item)

    def add_all(self, items: Iterable[Item]) -> None:
        for item in items:
            self.add(item)

    def drop(self, kind: str, item_id: int) -> None:
        slot = self.slots.pop((kind, item_id), None)
        if slot is None:
            return
        item = self.items[slot]
        assert item is not None
        for word in set(item_words(item)):
            self.terms.drop(word, slot)
        for label in item.labels:
            self.labels.drop(label, slot)
        for code in item.serves or (ANY,):
            self.serves.drop(code, slot)
        for code in item.eligible or (ANY,):
            self.eligible.drop(code, slot)
        for code in item.languages or (ANY,):
            self.languages.drop(code, slot)
        self.total_length -= int(self.length[slot])
        self.items[slot] = None
        self.alive[slot] = False
        if len(self.items) > 64 and len(self.slots) < len(self.items) // 2:
            self.compact()

    def drop_kind(self, kind: str) -> None:
        for key in [key for key in self.slots if key[0] == kind]:
            self.drop(*key)

    def compact(self) -> None:
        live = [item for item in self.items if item is not None]
        self._clear()
        self.add_all(live)

    # --- Search -------------------------------------------------------------------------------------------

    def candidates(self, filters: Filters) -> Bools:
        size = len(self.items)
        mask = self.alive[:size].copy()
        if filters.kinds:
            codes = [self.kind_codes[k] for k in filters.kinds if k in self.kind_codes]
            mask &= np.isin(self.kind[:size], codes)
        allowed = [AUDIENCES.index(a) for a in filters.audiences]
        mask &= np.isin(self.audience[:size], allowed)
        if filters.country:
            mask &= self._member(self.serves, (filters.country, ANY), size)
            mask &= self._member(self.eligible, (filters.country, ANY), size)
        places = sorted(set(filters.places))
        if places:
            mask &= self._member(self.serves, places, size)
        if filters.language:
            mask &= self._member(self.languages, (filters.language, ANY), size)
        if filters.budget is not None:
            mask &= ~self.priced[:size] | (self.price[:size] <= filters.budget)
        if filters.sme is False:
            mask &= ~self.smes_only[:size]
        return mask

    @staticmethod
    def _member(postings: _Postings, keys: Iterable[str], size: int) -> Bools:
        found = np.zeros(size, dtype=np.bool_)
        for key in keys:
            slots, _values = postings.arrays(key)
            found[slots] = True
        return found

    def serving(self, country: str) -> Floats:
        """1.0 for every slot that serves ``country``, 0.0 elsewhere."""
        size = len(self.items)
        found = np.zeros(size)
        slots, _values = self.serves.arrays(country)
        found[slots] = 1.0
        return found

    def fit(self, weights: Mapping[str, float], size: int) -> Floats:
        scores = np.zeros(size)
        for label in sorted(weights):
            slots, values = self.labels.arrays(label)
            scores[slots] += weights[label] * values
        return scores

    def bm25(self, words: Iterable[str], size: int) -> Floats:
        scores = np.zeros(size)
        live = len(self.slots)
        if not live:
            return scores
        average = self.total_length / live or 1.0
        for word in sorted(set(words)):
            slots, tf = self.terms.arrays(word)
            if not len(slots):
                continue
            df = len(slots)
            idf = math.log(1 + (live - df + 0.5) / (df + 0.5))
            norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.length[slots] / average))
            scores[slots] += idf * norm
        return scores

    def score(self, weights: Mapping[str, float], words: Sequence[str], filters: Filters) -> tuple[Floats, Bools]:
        """Every slot's score and whether it is a candidate; scores are rounded to 9 places so that equal
        sums made in another order (another process, another database) tie, and ties go by id."""
        size = len(self.items)
        mask = self.candidates(filters)
        fit = self.fit(weights, size)
        lexical = self.bm25(words, size)
        best = float(lexical[mask].max()) if mask.any() else 0.0
        if best > 0:
            fit += self.text_weight * lexical / best
        relevant = mask & (fit > 0)
        # Among the items the need concerns, one that declares more of the catalogue at high levels is
        # likelier to help with what the text did not say outright.
        fit += BREADTH_WEIGHT * self.breadth[:size]
        return np.round(fit, 9), relevant

    def top(self, scores: Floats, mask: Bools, limit: int, kinds: Sequence[str] = ()) -> list[tuple[float, Item]]:
        """The best ``limit`` candidates (of ``kinds`` when given), by score, then kind, then id."""
        chosen = mask
        if kinds:
            codes = [self.kind_codes[k] for k in kinds if k in self.kind_codes]
            chosen = mask & np.isin(self.kind[: len(mask)], codes)
        slots = np.flatnonzero(chosen)
        if not len(slots) or limit <= 0:
            return []
        values = scores[slots]
        if len(slots) > limit:
            # Every slot scoring at least the limit-th best score, so that ties at the edge go by id.
            edge = np.partition(values, len(values) - limit)[len(values) - limit]
            keep = values >= edge
            slots, values = slots[keep], values[keep]
        ranked = []
        for slot, value in zip(slots.tolist(), values.tolist(), strict=True):
            item = self.items[slot]
            assert item is not None
            ranked.append((-value, item.kind, item.id, item))
        ranked.sort(key=lambda row: (row[0], row[1], row[2]))
        return [(-score, item) for score, _kind, _id, item in ranked[:limit]]
