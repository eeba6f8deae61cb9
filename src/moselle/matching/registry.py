"""How apps give the matching engine what it ranks: one ``Source`` per kind of item, registered once.

A source turns its app's rows into ``Item`` records, the engine's only view of them, and tells the engine
when they changed. The engine keeps an index per process; before each search it asks every source for its
``version()`` (one cheap query) and, when it moved, for the rows ``changed_since`` the version it holds, so
that a change made in any process is seen at the next search everywhere, without a restart.

An app registers its sources in its ``AppConfig.ready``::

    from moselle.matching import registry

    class FundingConfig(AppConfig):
        def ready(self) -> None:
            from moselle.funding.matching import ProgrammeSource

            registry.register(ProgrammeSource())

The offers of the catalogue, the providers and the hubs are registered by the matching app itself
(``matching/sources.py``); funding programmes, trainings and the network's hubs register the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# Who may see an item in the results: everyone, signed-in people, or hub staff only.
PUBLIC, SIGNED_IN, STAFF = "public", "signed_in", "staff"
AUDIENCES = (PUBLIC, SIGNED_IN, STAFF)


@dataclass(frozen=True)
class Item:
    """One thing the engine can propose: what it is about, where, in which languages and for whom.

    ``labels`` maps ``"dimension:label"`` (the EDIH catalogue's vocabulary, e.g.
    ``"technology:Cybersecurity"``) to the level 1-5 the item declares, or to ``None`` when it covers the
    label without a level (an offer's technologies). ``serves`` are the countries it serves (empty: not
    restricted); ``eligible`` the countries whose organisations may use it (empty: any). ``price_min`` is
    in euros; ``price_kind`` is ``free``, ``subsidised``, ``range`` or empty when unknown.
    """

    kind: str
    id: int
    title: Mapping[str, str]
    url: str
    text: str
    labels: Mapping[str, int | None] = field(default_factory=dict)
    country: str = ""
    serves: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    smes_only: bool = False
    eligible: frozenset[str] = frozenset()
    price_kind: str = ""
    price_min: float | None = None
    audience: str = PUBLIC
    provider: str = ""
    subtitle: str = ""  # a code for the short fact under the title: the offer's kind, the provider's kinds…

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


@dataclass(frozen=True)
class Changes:
    """What changed in a source since a version: items to add or replace, and ids to drop."""

    items: list[Item]
    gone: list[int]
    version: Hashable


class Source(Protocol):
    """A kind of item the engine ranks.

    ``kind`` is a short code ("offer"); ``label`` and ``plural`` its names for people (lazy translations).
    ``version()`` must be cheap: it runs before every search. ``load()`` returns every searchable item
    and the version it reflects; ``changed_since(version)`` what changed after ``version``, or ``None``
    when the source cannot tell (the engine then loads it whole)."""

    kind: str
    label: Any
    plural: Any

    def version(self) -> Hashable: ...

    def load(self) -> tuple[list[Item], Hashable]: ...

    def changed_since(self, version: Hashable) -> Changes | None: ...


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add a source; registering a kind twice replaces the first (a reloaded app), never duplicates."""
    _SOURCES[source.kind] = source


def unregister(kind: str) -> None:
    _SOURCES.pop(kind, None)


def sources() -> list[Source]:
    return list(_SOURCES.values())


def kinds() -> list[str]:
    return list(_SOURCES)


def source(kind: str) -> Source | None:
    return _SOURCES.get(kind)
