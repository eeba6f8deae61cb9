"""The index on hand-made items: hard filters, ranking by declared level, ties by kind then id, and items
replaced and dropped one by one without leaving anything behind."""

from __future__ import annotations

from typing import Any

from moselle.matching import understanding
from moselle.matching.engine import Need, rank, weights_of
from moselle.matching.index import Filters, Index
from moselle.matching.registry import PUBLIC, SIGNED_IN, STAFF, Item

CYBER = "technology:Cybersecurity"
AI = "technology:Artificial Intelligence & Decision support"


def item(item_id: int, kind: str = "offer", **changes: Any) -> Item:
    values: dict[str, Any] = {
        "kind": kind,
        "id": item_id,
        "title": {"en": f"item {item_id}"},
        "url": f"/x/{item_id}/",
        "text": "Protection of your network and staff awareness.",
        "labels": {CYBER: None},
        "country": "LU",
        "serves": frozenset({"LU"}),
        "languages": frozenset({"fr", "en"}),
    }
    values.update(changes)
    return Item(**values)


def ids(index: Index, need: Need, **options: Any) -> list[tuple[str, int]]:
    return [(r.item.kind, r.item.id) for r in rank(index, need, **options).results]


def test_a_higher_declared_level_ranks_first_and_ties_go_by_kind_then_id() -> None:
    index = Index(
        [
            item(9, kind="hub", labels={CYBER: 3}),
            item(7, kind="hub", labels={CYBER: 5}),
            item(3, kind="hub", labels={CYBER: 5}),
            item(4, labels={CYBER: None}),  # an offer covering the label counts as level 5
            item(8, kind="hub", labels={AI: 5}),
        ]
    )
    assert ids(index, Need(technologies=("Cybersecurity",))) == [("hub", 3), ("hub", 7), ("offer", 4), ("hub", 9)]


def test_hard_filters_leave_out_what_does_not_fit() -> None:
    index = Index(
        [
            item(1, serves=frozenset({"FR"})),
            item(2, languages=frozenset({"de"})),
            item(3, price_kind="range", price_min=5000.0),
            item(4, price_kind="range", price_min=900.0),
            item(5, price_kind="free"),
            item(6, smes_only=True),
            item(7, eligible=frozenset({"BE"})),
            item(8),
        ]
    )
    need = Need(technologies=("Cybersecurity",))
    assert {i for _k, i in ids(index, need)} == {1, 2, 3, 4, 5, 6, 7, 8}
    assert {i for _k, i in ids(index, Need(technologies=("Cybersecurity",), country="LU"))} == {2, 3, 4, 5, 6, 8}
    assert {i for _k, i in ids(index, Need(technologies=("Cybersecurity",), language="fr"))} == {1, 3, 4, 5, 6, 7, 8}
    from decimal import Decimal

    within = Need(technologies=("Cybersecurity",), budget=Decimal("1000"))
    assert {i for _k, i in ids(index, within)} == {1, 2, 4, 5, 6, 7, 8}
    assert 6 not in {i for _k, i in ids(index, Need(technologies=("Cybersecurity",), sme=False))}
    assert 6 in {i for _k, i in ids(index, Need(technologies=("Cybersecurity",), sme=True))}


def test_a_place_named_in_the_text_filters_like_a_country() -> None:
    index = Index([item(1, serves=frozenset({"FR"})), item(2, serves=frozenset({"PL"}))])
    found = rank(index, Need(text="Cybersecurity training in the Greater Region"))
    assert [r.item.id for r in found.results] == [1]
    place = next(r for r in found.results[0].reasons if r.code == "place")
    assert place.params == {"named": "Greater Region", "countries": ["FR"]}


def test_audiences_hide_what_the_person_may_not_see() -> None:
    index = Index([item(1, audience=PUBLIC), item(2, kind="hub", audience=SIGNED_IN), item(3, audience=STAFF)])
    need = Need(technologies=("Cybersecurity",))
    assert ids(index, need, audiences=(PUBLIC,)) == [("offer", 1)]
    assert ids(index, need, audiences=(PUBLIC, SIGNED_IN)) == [("hub", 2), ("offer", 1)]
    assert len(ids(index, need)) == 3


def test_replacing_and_dropping_items_leaves_no_trace() -> None:
    index = Index([item(1), item(2)])
    index.add(item(1, labels={AI: None}, text="Machine learning for forecasts."))
    assert ids(index, Need(technologies=("Cybersecurity",))) == [("offer", 2)]
    assert ids(index, Need(technologies=("Artificial Intelligence & Decision support",))) == [("offer", 1)]
    assert index.terms.count("network") == 1  # item 1's old words are gone
    index.drop("offer", 2)
    assert ids(index, Need(technologies=("Cybersecurity",))) == []
    assert len(index) == 1
    for n in range(100, 300):
        index.add(item(n))
    for n in range(100, 290):
        index.drop("offer", n)  # more than half dead: the index compacts itself
    assert len(index) == 11
    assert len(index.items) < 64  # 202 slots were used; compacted, the dead ones are gone
    assert sorted(i for _k, i in ids(index, Need(technologies=("Cybersecurity",)), limit=50)) == list(range(290, 300))


def test_text_alone_finds_items_by_their_words_and_by_the_labels_it_speaks_of() -> None:
    index = Index(
        [
            item(1, labels={}, text="We repair hydraulic presses."),
            item(2, labels={CYBER: None}, text="Audits."),
            item(3, labels={}, text="Bakery software."),
        ]
    )
    found = rank(index, Need(text="Our hydraulic press is vulnerable to ransomware attacks"))
    assert [r.item.id for r in found.results] == [2, 1]
    words = next(r for r in found.results[1].reasons if r.code == "words")
    assert words.params["words"] == ["hydraulic"]


def test_a_label_said_in_several_terms_outweighs_one_named_once() -> None:
    food = "sector:Food and beverages"
    need = Need(text="Ransomware, phishing and firewalls for a bakery")
    reading = understanding.read(need.text)
    assert reading.labels[CYBER] > 0.9 and 0.6 < reading.labels[food] < 0.7  # three terms against one
    weights = weights_of(need, reading)
    # The weights part further than the confidences: 0.95 against 0.63 becomes about 4.4 against 1.3.
    assert weights[CYBER] / weights[food] > 2 * reading.labels[CYBER] / reading.labels[food]
    index = Index([item(1, kind="hub", labels={food: 5}), item(2, kind="hub", labels={CYBER: 3})])
    # Cybersecurity at level 3 comes before Food at level 5: the text is above all about the first.
    assert ids(index, need) == [("hub", 2), ("hub", 1)]
    # A label chosen as a facet weighs as much as the strongest label of the text.
    chosen = weights_of(Need(text=need.text, sectors=("Food and beverages",)), reading)
    assert chosen[food] == chosen[CYBER] == weights[CYBER]


def test_filters_on_an_empty_index_give_nothing_and_no_error() -> None:
    index = Index()
    mask = index.candidates(Filters(country="LU", places=["FR"], language="fr", budget=0.0, sme=False))
    assert mask.shape == (0,)
    assert rank(index, Need(text="anything")).results == []
