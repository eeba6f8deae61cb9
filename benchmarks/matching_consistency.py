"""Cross-language consistency of the matching engine, printed as figures.

The same need written in English, French and German (``tests/data/matching_triples.jsonl``, 18 triples)
should give the same offers: for each triple, how many of the French and of the German top 5 are in the
English top 5 (the target is at least 4 each), and, for two different needs, how many of their English
top 5 they share (the target is at most 1). The offers are ``tests/data/matching_catalogue.jsonl``, 200
offers written independently of the triples.

Run alone: ``.venv/bin/python benchmarks/matching_consistency.py``; ``make bench`` runs it too.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TOP = 5
SAME_AT_LEAST = 4
DIFFERENT_AT_MOST = 1


def catalogue() -> list[Any]:
    from moselle.matching.registry import Item
    from moselle.matching.sources import CATEGORY_SERVICES

    items = []
    lines = (DATA / "matching_catalogue.jsonl").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(filter(None, lines), start=1):
        row = json.loads(line)
        labels: dict[str, int | None] = {f"technology:{name}": None for name in row["technologies"]}
        labels.update({f"sector:{name}": None for name in row["sectors"]})
        if row["category"] in CATEGORY_SERVICES:
            labels[CATEGORY_SERVICES[row["category"]]] = None
        items.append(
            Item(
                kind="offer",
                id=number,
                title=row["title"],
                url="",
                text=" ".join([*row["description"].values(), row["provider"]]),
                labels=labels,
                country=row["provider_country"],
                serves=frozenset(row["countries"]),
                languages=frozenset(row["languages"]),
            )
        )
    return items


def measure() -> None:
    from moselle.matching.engine import Need, rank
    from moselle.matching.index import Index

    index = Index(catalogue())
    triples = [json.loads(line) for line in (DATA / "matching_triples.jsonl").read_text(encoding="utf-8").splitlines()]
    tops = {
        triple["id"]: {
            lang: [r.item.id for r in rank(index, Need(text=triple[lang]), limit=TOP).results]
            for lang in ("en", "fr", "de")
        }
        for triple in triples
    }
    shared = {
        (key, lang): len(set(found["en"]) & set(found[lang])) for key, found in tops.items() for lang in ("fr", "de")
    }
    consistent = sum(shared[(key, "fr")] >= SAME_AT_LEAST and shared[(key, "de")] >= SAME_AT_LEAST for key in tops)
    keys = list(tops)
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]
    apart = sum(len(set(tops[a]["en"]) & set(tops[b]["en"])) <= DIFFERENT_AT_MOST for a, b in pairs)
    mean = {lang: sum(shared[(key, lang)] for key in tops) / len(tops) for lang in ("fr", "de")}
    print(f"matching across languages: {len(tops)} needs in en/fr/de against {len(index)} written offers")
    print(
        f"  top {TOP} shared with English  fr {mean['fr']:.1f}  de {mean['de']:.1f} on average; "
        f"{consistent}/{len(tops)} needs share at least {SAME_AT_LEAST} in both (target: all)"
    )
    print(
        f"  different needs sharing at most {DIFFERENT_AT_MOST} of their top {TOP}: "
        f"{apart}/{len(pairs)} pairs (target: all)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moselle.settings")
    os.environ.setdefault("MOSELLE_VAR_DIR", tempfile.mkdtemp(prefix="moselle-consistency-"))
    os.environ.setdefault("MOSELLE_TESTING", "1")
    import django

    django.setup()
    measure()
