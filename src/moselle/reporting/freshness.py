"""The figures' version, and the figures kept under it.

The dashboard reads every service record of a period, and at a million records that takes seconds. Its
figures change only when a table they read changes, so they are computed once and kept in the cache under
the figures' version: one number that the database raises with every committed change to a watched table.

The database keeps the number, not the actions: a trigger on each watched table raises it, so that an import,
an erasure, a merge, the admin or a bulk update raise it as surely as an action does. On PostgreSQL the trigger
is deferred to the commit and raises the number once per transaction, so a writing transaction holds the
version row only while it commits (no other lock is taken after it: no deadlock) and readers see the new number
together with the data. On SQLite, whose writers take the whole database in turn, it raises it on every row.

A reader reads the number first and the data after, so the data it reads is at least as new as the number it
files them under; the next change gives a new number, and a new computation.

The tables the core figures read are listed in ``WATCHED``. An app that registers a KPI source (``kpis``)
watches its own tables with ``watch(...)`` in one of its migrations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import migrations
from django.utils.translation import get_language

T = TypeVar("T")

VERSION_TABLE = "reporting_figuresversion"
KEPT_FOR_S = 24 * 3600  # an entry unread for a day is dropped; a new version never reads an old entry anyway

WATCHED = (
    "reporting.ServiceRecord",
    "reporting.Grant",
    "journeys.Case",
    "journeys.StageMove",
    "journeys.Referral",
    "journeys.Need",
    "journeys.RoadmapAction",
    "assessments.Assessment",
    "assessments.Result",
    "organisations.Organisation",
    "organisations.OrganisationKind",
    "organisations.HubProfile",
    "organisations.HubService",
    "organisations.HubTarget",
    "core.NaceCode",
)

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION moselle_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('moselle.figures_changed', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('moselle.figures_changed', 'yes', true);
        INSERT INTO {VERSION_TABLE} (id, number) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE SET number = {VERSION_TABLE}.number + 1;
    END IF;
    RETURN NULL;
END
$$
"""  # noqa: S608  our own table name, no input


def _postgres(table: str) -> tuple[list[str], list[str]]:
    install = [
        _POSTGRES_FUNCTION,
        f'DROP TRIGGER IF EXISTS moselle_figures_changed ON "{table}"',
        f'CREATE CONSTRAINT TRIGGER moselle_figures_changed AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION moselle_figures_changed()",
    ]
    return install, [f'DROP TRIGGER IF EXISTS moselle_figures_changed ON "{table}"']


def _sqlite(table: str) -> tuple[list[str], list[str]]:
    install, remove = [], []
    for event in ("INSERT", "UPDATE", "DELETE"):
        name = f"moselle_figures_{table}_{event.lower()}"
        remove.append(f'DROP TRIGGER IF EXISTS "{name}"')
        install += [
            remove[-1],
            f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" BEGIN '  # noqa: S608  our own tables
            f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, number) VALUES (1, 0); "
            f"UPDATE {VERSION_TABLE} SET number = number + 1 WHERE id = 1; END",
        ]
    return install, remove


def _statements(vendor: str, table: str) -> tuple[list[str], list[str]]:
    if vendor == "postgresql":
        return _postgres(table)
    if vendor == "sqlite":
        return _sqlite(table)
    raise NotImplementedError(f"The figures' version has no trigger for {vendor}.")


def watch(*labels: str) -> migrations.RunPython:
    """A migration operation that makes changes to the models named (``"app.Model"``) raise the version."""

    def run(apps: Any, schema_editor: Any, *, install: bool) -> None:
        for label in labels:
            table = apps.get_model(label)._meta.db_table
            added, removed = _statements(schema_editor.connection.vendor, table)
            for statement in added if install else removed:
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(
        lambda apps, editor: run(apps, editor, install=True),
        lambda apps, editor: run(apps, editor, install=False),
    )


def version() -> int:
    """The figures' version as committed (0 before the first change)."""
    from moselle.reporting.models import FiguresVersion

    number = FiguresVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return int(number or 0)


def _key(name: str, number: int, parts: Iterable[Hashable]) -> str:
    text = repr((name, number, tuple(parts), get_language(), settings.MOSELLE_DEMO))
    return "moselle:figures:" + hashlib.sha256(text.encode()).hexdigest()


_MISSING = object()


def remembered(name: str, parts: Iterable[Hashable], compute: Callable[[], T]) -> T:
    """What ``compute`` gives for ``parts`` (the period, the filters…), computed once per version of the figures
    and language (labels are read in the language of the request)."""
    key = _key(name, version(), parts)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, KEPT_FOR_S)
    return value


__all__ = ["WATCHED", "remembered", "version", "watch"]
