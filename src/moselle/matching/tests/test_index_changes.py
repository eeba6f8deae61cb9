"""The index's postings arrays follow additions and removals made after they were built."""

from __future__ import annotations

import dataclasses
import random

from moselle.matching.index import Index
from moselle.matching.registry import Item


def _item(rng: random.Random, item_id: int) -> Item:
    words = rng.choices(["robot", "cloud", "data", "the", "und", "farm", "twin", "laser"], k=rng.randint(1, 6))
    return Item(
        kind=rng.choice(["offer", "hub"]),
        id=item_id,
        title={"en": words[0]},
        url="",
        text=" ".join(words),
        labels={f"technology:{w}": rng.choice([None, 1, 3, 5]) for w in rng.sample(["A", "B", "C"], k=2)},
        serves=frozenset(rng.sample(["LU", "FR", "DE"], k=rng.randint(0, 2))),
    )


def test_it_keeps_the_arrays_in_step_with_every_change() -> None:
    rng = random.Random(7)
    index = Index(_item(rng, item_id) for item_id in range(40))
    for step in range(400):
        if step % 4 == 0:  # a search now and then: between two, several changes wait in the arrays
            for postings in (index.terms, index.labels, index.serves):
                for key in [*postings.rows, "gone"]:
                    postings.arrays(key)
        if step % 3:
            index.add(_item(rng, rng.randrange(60)))  # a new item or a new version of one
        else:
            key = rng.choice(list(index.slots))
            index.drop(*key)
        if step % 7 == 0:
            item = index.get(rng.choice(list(index.slots)))
            assert item is not None
            index.add(dataclasses.replace(item, text=item.text + " laser"))
        if step % 5 == 0:
            index.drop(*max(index.slots, key=index.slots.__getitem__))  # the item changed last, often just added
        for postings in (index.terms, index.labels, index.serves):
            for key, row in postings.rows.items():
                slots, values = postings.arrays(key)
                assert sorted(zip(slots.tolist(), values.tolist(), strict=True)) == sorted(row.items())
