"""The matching evaluation (method: benchmarks/data/README.md and the shared dev set's README).

A need gives ``text`` (all an engine may read), ``lang`` and, for grading only, ``relevant`` (hub id ->
grade) and optional ``countries``. The metric is nDCG@10 with gain 2^grade - 1, averaged over the needs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moselle.matching import bm25, text


@dataclass(frozen=True)
class Need:
    id: str
    lang: str
    text: str
    relevant: dict[str, int]
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hub:
    """A hub of the imported European catalogue as the evaluation corpus holds it."""

    ref: str  # e.g. edih-203
    country: str
    title: str
    description: str
    labels: dict[str, int] = field(default_factory=dict)  # "technology:Cybersecurity" -> declared level


def load_needs(path: Path) -> list[Need]:
    from moselle.organisations.countries import code_for

    needs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw: dict[str, Any] = json.loads(line)
        countries = tuple(code_for(str(c)) or str(c).upper() for c in raw.get("countries") or ())
        needs.append(
            Need(
                id=str(raw["id"]),
                lang=str(raw.get("lang", "en")),
                text=str(raw["text"]),
                relevant={str(k): int(v) for k, v in raw.get("relevant", {}).items()},
                countries=countries,
            )
        )
    return needs


def ndcg_at(ranked: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    gains = [2 ** relevant.get(ref, 0) - 1 for ref in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def catalogue_hubs() -> list[Hub]:
    """The corpus: hubs of the imported EDIH catalogue with a description and at least one declared label."""
    from moselle.organisations.models import Organisation

    hubs = []
    rows = (
        Organisation.objects.filter(catalogue_ref__startswith="edih-")
        .exclude(description="")
        .prefetch_related("technology_rows__technology", "service_rows__service", "sector_rows__sector")
        .order_by("id")
    )
    for row in rows:
        labels: dict[str, int] = {}
        for r in row.technology_rows.all():
            if r.role == "offer":
                labels[f"technology:{r.technology.name}"] = r.level or 0
        for s in row.service_rows.all():
            labels[f"service:{s.service.name}"] = s.level or 0
        for c in row.sector_rows.all():
            labels[f"sector:{c.sector.name}"] = c.level or 0
        if labels:
            hubs.append(Hub(row.catalogue_ref, row.country, row.catalogue_title or row.name, row.description, labels))
    return hubs


Ranker = Callable[[Need], list[str]]


def bm25_ranker(hubs: Sequence[Hub]) -> Ranker:
    """The reference: BM25 over description + title + label names, given the need's countries for free."""
    documents = [
        text.words(" ".join([hub.description, hub.title, *(label.split(":", 1)[1] for label in hub.labels)]))
        for hub in hubs
    ]
    index = bm25.BM25(documents)

    def rank(need: Need) -> list[str]:
        query = text.words(need.text)
        allowed = set(need.countries)
        scored = [
            (-index.score(query, i), hub.ref) for i, hub in enumerate(hubs) if not allowed or hub.country in allowed
        ]
        return [ref for _score, ref in sorted(scored)]

    return rank


def evaluate(needs: Sequence[Need], rank: Ranker) -> float:
    return sum(ndcg_at(rank(need), need.relevant) for need in needs) / len(needs) if needs else 0.0


def hub_items(hubs: Sequence[Hub]) -> list[Any]:
    """The catalogue's hubs as the engine's items (ids are their place in the corpus)."""
    from moselle.matching.registry import Item

    return [
        Item(
            kind="hub",
            id=i,
            title={"en": hub.title},
            url="",
            text=hub.description,
            labels=dict(hub.labels),
            country=hub.country,
            serves=frozenset([hub.country]),
        )
        for i, hub in enumerate(hubs)
    ]


def engine_ranker(hubs: Sequence[Hub]) -> Ranker:
    """The engine itself on the catalogue's hubs, given the need's text alone."""
    from moselle.matching.engine import Need as Asked
    from moselle.matching.engine import rank as engine_rank
    from moselle.matching.index import Index

    index = Index(hub_items(hubs))

    def rank(need: Need) -> list[str]:
        answer = engine_rank(index, Asked(text=need.text), limit=10)
        return [hubs[result.item.id].ref for result in answer.results]

    return rank
