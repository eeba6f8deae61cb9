"""Okapi BM25 over short documents: the plain baseline the engine is measured against."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

K1 = 1.2
B = 0.75


class BM25:
    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.counts = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average = sum(self.lengths) / len(documents) if documents else 0.0
        frequency: Counter[str] = Counter()
        for counts in self.counts:
            frequency.update(counts.keys())
        n = len(documents)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}

    def score(self, query: Iterable[str], index: int) -> float:
        counts, length = self.counts[index], self.lengths[index]
        total = 0.0
        for term in set(query):
            tf = counts.get(term, 0)
            if not tf:
                continue
            norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.average))
            total += self.idf[term] * norm
        return total
