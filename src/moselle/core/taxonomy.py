"""Load the shared vocabularies (EDIH catalogue labels, NACE, ESCO) from ``core/data/taxonomy/``.

``seed_taxonomy`` is idempotent and all-or-nothing: it compares each file row with the stored row by its
natural key, creates the missing ones and updates the ones that differ, in one transaction and in bulk.
Rows that have left the files are kept, since other records may point at them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.db import connection, models, transaction

from moselle.core.models_taxonomy import (
    CatalogueSector,
    CatalogueService,
    NaceCode,
    NaceRevision,
    Skill,
    SkillGroup,
    Technology,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "taxonomy"
BATCH_SIZE = 500

Key = tuple[Any, ...]
Labels = dict[tuple[str, str], dict[str, str]]


@dataclass
class SeedResult:
    """How many rows each vocabulary holds after the seed, and how many rows this run wrote."""

    counts: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    linked: int = 0

    @property
    def changed(self) -> int:
        """Rows this run wrote; 0 when the database already matched the files."""
        return self.created + self.updated + self.linked

    def summary(self) -> str:
        parts = ", ".join(f"{count} {name}" for name, count in self.counts.items())
        return f"{parts} ({self.created} new, {self.updated} updated, {self.linked} links set)"


def read_rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of one data file, as dictionaries keyed by the header."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def translations() -> Labels:
    """French and German labels by (kind, key): catalogue labels by their English text, NACE sections by code."""
    return {(row["kind"], row["key"]): {"fr": row["fr"], "de": row["de"]} for row in read_rows("labels_fr_de.csv")}


def _three_languages(english: str, kind: str, key: str, labels: Labels) -> dict[str, str]:
    try:
        other = labels[(kind, key)]
    except KeyError:
        raise ValueError(f"labels_fr_de.csv has no French and German label for {kind} {key!r}") from None
    return {"en": english, **other}


def _sync(model: type[models.Model], key_fields: tuple[str, ...], rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Create the rows missing from ``model`` and update those that differ; return (created, updated)."""
    fields = [name for name in rows[0] if name not in key_fields] if rows else []
    manager = model._default_manager
    existing = {tuple(getattr(obj, k) for k in key_fields): obj for obj in manager.all()}
    new, changed = [], []
    for row in rows:
        obj = existing.get(tuple(row[k] for k in key_fields))
        if obj is None:
            new.append(model(**row))
        elif any(getattr(obj, name) != row[name] for name in fields):
            for name in fields:
                setattr(obj, name, row[name])
            changed.append(obj)
    manager.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        manager.bulk_update(changed, fields, batch_size=BATCH_SIZE)
    return len(new), len(changed)


def _link(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    fk: str,
    target: type[models.Model],
    target_key: str,
    wanted: dict[Key, Any],
) -> int:
    """Point ``fk`` of each row (by key) at the ``target`` row whose ``target_key`` is given; return updates."""
    target_ids = dict(target._default_manager.values_list(target_key, "pk"))
    attname = f"{fk}_id"
    changed = []
    for pk, *rest in model._default_manager.values_list("pk", *key_fields, attname):
        key, current = tuple(rest[:-1]), rest[-1]
        if key not in wanted:
            continue
        target_value = wanted[key]
        desired = target_ids[target_value] if target_value not in (None, "") else None
        if desired != current:
            changed.append((desired, pk))
    _point(model, fk, changed)
    return len(changed)


def _point(model: type[models.Model], fk: str, changes: list[tuple[Any, Any]]) -> None:
    """Set ``fk`` of each row: (target id, row id) pairs, in one statement run for each pair. (``bulk_update``
    builds a CASE of every row in Python, which was half of a first seed's time.)"""
    if not changes:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    column = cast("models.ForeignKey[Any, Any]", meta.get_field(fk)).column
    assert meta.pk is not None
    # Table and column names come from the model, never from input.
    sql = f"UPDATE {quote(meta.db_table)} SET {quote(column)} = %s WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, changes)


def _catalogue_rows(dimension: str, labels: Labels) -> list[dict[str, Any]]:
    names = [row["label"] for row in read_rows("edih_vocabularies.csv") if row["dimension"] == dimension]
    return [
        {"name": name, "label": _three_languages(name, dimension, name, labels), "position": position}
        for position, name in enumerate(names)
    ]


def _nace_rows(revision: str, file_name: str, labels: Labels) -> tuple[list[dict[str, Any]], dict[Key, Any]]:
    rows, parents = [], {}
    for position, row in enumerate(read_rows(file_name)):
        level, code = int(row["level"]), row["code"]
        title = {"en": row["title"]}
        if level == 1:
            title = _three_languages(row["title"], f"nace_{revision}", code, labels)
        rows.append(
            {
                "revision": revision,
                "code": code,
                "level": level,
                "title": title,
                "includes": row.get("includes", ""),
                "also_includes": row.get("also_includes", ""),
                "rulings": row.get("rulings", ""),
                "excludes": row.get("excludes", ""),
                "position": position,
            }
        )
        parents[(revision, code)] = (revision, row["parent"]) if row["parent"] else None
    return rows, parents


def _link_nace_parents(parents: dict[Key, Any]) -> int:
    """NACE parents are keyed by (revision, code), so they are matched here rather than by ``_link``."""
    ids = {(revision, code): pk for pk, revision, code in NaceCode.objects.values_list("pk", "revision", "code")}
    changed = []
    for pk, revision, code, current in NaceCode.objects.values_list("pk", "revision", "code", "parent_id"):
        parent_key = parents.get((revision, code))
        desired = ids[parent_key] if parent_key else None
        if desired != current:
            changed.append((desired, pk))
    _point(NaceCode, "parent", changed)
    return len(changed)


def _skill_rows() -> tuple[list[dict[str, Any]], dict[Key, Any]]:
    group_uris = {row["uri"] for row in read_rows("esco_skills_hierarchy.csv")}
    skills: dict[str, dict[str, Any]] = {}
    groups: dict[Key, Any] = {}
    for file_name, flag in (("esco_digital_skills.csv", "in_digital_collection"), ("esco_digcomp.csv", "in_digcomp")):
        for row in read_rows(file_name):
            skill = skills.setdefault(
                row["uri"],
                {
                    "uri": row["uri"],
                    "label": row["label"],
                    "skill_type": row["skill_type"],
                    "description": row["description"],
                    "in_digital_collection": False,
                    "in_digcomp": False,
                },
            )
            skill[flag] = True
            broader = [uri for uri in row["broader_uris"].split(" | ") if uri in group_uris]
            groups.setdefault((row["uri"],), broader[0] if broader else None)
    return list(skills.values()), groups


def seed_taxonomy() -> SeedResult:
    """Load every vocabulary from the data files in one transaction; running it again changes nothing."""
    result = SeedResult()
    labels = translations()
    with transaction.atomic():
        for model, dimension, name in (
            (Technology, "technology", "technologies"),
            (CatalogueService, "service", "catalogue services"),
            (CatalogueSector, "sector", "catalogue sectors"),
        ):
            rows = _catalogue_rows(dimension, labels)
            _add(result, _sync(model, ("name",), rows))
            result.counts[name] = len(rows)

        nace_parents: dict[Key, Any] = {}
        for revision, file_name, name in (
            (NaceRevision.REV_2.value, "nace_rev2.csv", "NACE Rev. 2 codes"),
            (NaceRevision.REV_2_1.value, "nace_rev2_1.csv", "NACE Rev. 2.1 codes"),
        ):
            rows, parents = _nace_rows(revision, file_name, labels)
            _add(result, _sync(NaceCode, ("revision", "code"), rows))
            nace_parents.update(parents)
            result.counts[name] = len(rows)
        result.linked += _link_nace_parents(nace_parents)

        hierarchy = list(read_rows("esco_skills_hierarchy.csv"))
        group_rows = [
            {"uri": row["uri"], "code": row["code"], "level": int(row["level"]), "label": row["label"], "position": i}
            for i, row in enumerate(hierarchy)
        ]
        _add(result, _sync(SkillGroup, ("uri",), group_rows))
        result.linked += _link(
            SkillGroup, ("code",), "parent", SkillGroup, "code", {(row["code"],): row["parent"] for row in hierarchy}
        )
        result.counts["skill groups"] = len(group_rows)

        skill_rows, skill_groups = _skill_rows()
        _add(result, _sync(Skill, ("uri",), skill_rows))
        result.linked += _link(Skill, ("uri",), "group", SkillGroup, "uri", skill_groups)
        result.counts["skills"] = len(skill_rows)
    return result


def _add(result: SeedResult, written: tuple[int, int]) -> None:
    result.created += written[0]
    result.updated += written[1]
