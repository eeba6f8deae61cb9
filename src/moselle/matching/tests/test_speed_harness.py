"""The speed benchmark's harness (benchmarks/matching_speed.py) measures what it claims: its brute-force scan
computes the index's ranking, so that the two can be timed side by side. No timing is asserted here."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from moselle.matching.engine import Need
from moselle.matching.index import Index
from moselle.matching.registry import SIGNED_IN, Item

BENCHMARK = Path(__file__).resolve().parents[4] / "benchmarks" / "matching_speed.py"

NEEDS = [
    Need(text="We need cybersecurity training for our staff and help with cloud computing"),
    Need(text="Nous cherchons de l'intelligence artificielle pour la maintenance prédictive de nos machines"),
    Need(text="Wir brauchen einen digitalen Zwilling und Robotik für unsere Fertigung in Luxemburg"),
    Need(text="data analytics for agriculture and food", country="FR", language="fr", budget=Decimal(5000)),
    Need(text="blockchain in logistics", country="LU", budget=Decimal(0), sme=False),
    Need(text="Fahrplan Ergebnisse Werkzeuge", language="de"),  # words of no label: text relevance alone
    Need(technologies=("Cybersecurity",)),  # no text: every score a tie at 1.0, hubs of level 5 first, by id
    Need(text="robots", sectors=("Automotive",), country="DE", sme=True),
]


@pytest.fixture(scope="module")
def speed() -> ModuleType:
    spec = importlib.util.spec_from_file_location("matching_speed", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def items(speed: ModuleType) -> list[Item]:
    offers: list[Item] = speed.generate_offers(2000)
    # Some offers posing as hubs, with declared levels and one country, so that levels and kinds are ranked.
    hubs = [
        dataclasses.replace(
            offer,
            kind="hub",
            labels={label: 1 + (offer.id + n) % 5 for n, label in enumerate(offer.labels)},
            serves=frozenset(sorted(offer.serves)[:1]),
            audience=SIGNED_IN,
        )
        for offer in offers[:300:3]
    ]
    return offers + hubs


def test_the_generator_gives_the_same_offers_for_the_same_seed(speed: ModuleType) -> None:
    first, again = speed.generate_offers(50), speed.generate_offers(50)
    assert first == again
    assert [offer.id for offer in first] == list(range(1, 51))
    assert all(1 <= sum(label.startswith("technology:") for label in offer.labels) <= 4 for offer in first)
    assert all(30 <= len(offer.text.split()) <= 120 for offer in first)


@pytest.mark.parametrize("need", NEEDS, ids=lambda need: need.text[:24] or ",".join(need.technologies))
def test_the_brute_force_and_the_index_give_the_same_top_10(speed: ModuleType, items: list[Item], need: Need) -> None:
    index = Index(items)
    brute = speed.BruteForce(items, text_weight=index.text_weight)
    ours, theirs = speed.index_top(index, need), brute.top(need)
    assert ours, "a need that finds nothing proves nothing"
    assert [item.key for _score, item in ours] == [item.key for _score, item in theirs]
    assert [score for score, _item in ours] == [score for score, _item in theirs]
