"""Fixtures for the API fuzz pass: Django's WSGI app inside the test transaction, and one bearer token per role."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from moselle.accounts.models import Role


@pytest.fixture
def wsgi_app(db: Any) -> Iterator[Any]:
    """Django's WSGI handler, serving requests inside the test transaction.

    Like Django's test client, keep the handler from closing the database connection at the start and
    end of each request: the connection holds the test transaction.
    """
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(personas: Any, token_for: Any) -> dict[str, dict[str, str]]:
    """The Authorization header each role sends: a bearer token scoped to the role; none for "anonymous"."""

    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    return {
        "hub_admin": bearer(token_for(personas.hub_admin, Role.HUB_ADMIN)),
        "hub_advisor": bearer(token_for(personas.hub_advisor, Role.HUB_ADVISOR)),
        "company_member": bearer(token_for(personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)),
        "provider_member": bearer(token_for(personas.a[Role.PROVIDER_MEMBER], Role.PROVIDER_MEMBER)),
        "partner_member": bearer(token_for(personas.a[Role.PARTNER_MEMBER], Role.PARTNER_MEMBER)),
        "observer": bearer(token_for(personas.a[Role.OBSERVER], Role.OBSERVER)),
        "peer": bearer(personas.peer_key),
        "anonymous": {},
    }


@functools.cache
def _moselle_constants() -> Any:
    """The literals in Moselle's own source (not its tests or migrations), in a fixed order."""
    from hypothesis.internal.constants_ast import Constants, _constants_from_source
    from hypothesis.internal.floats import float_to_int
    from sortedcontainers import SortedSet

    import moselle

    constants = Constants(
        integers=SortedSet(), floats=SortedSet(key=float_to_int), bytes=SortedSet(), strings=SortedSet()
    )
    root = Path(moselle.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        constants |= _constants_from_source(path.read_bytes(), limit=True)
    return constants


@pytest.fixture
def pinned_hypothesis_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make generation independent of what else pytest imported.

    Hypothesis mixes into its draws the literals of every local module loaded so far, so the same test would
    draw other requests when run alone than in the whole suite. Pin that pool to Moselle's own source. If a
    Hypothesis upgrade moves these internals, generation stays deterministic for a given command line only.
    """
    try:
        from hypothesis.internal.conjecture import providers

        constants = _moselle_constants()
        providers.CONSTANTS_CACHE.cache.clear()
    except (ImportError, AttributeError):  # pragma: no cover - a Hypothesis upgrade moved the internals
        return
    monkeypatch.setattr(providers, "_get_local_constants", lambda: constants)
