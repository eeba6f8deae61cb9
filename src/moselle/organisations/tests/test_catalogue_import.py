"""Importing the European EDIH catalogue export into the registry, and a newer export over it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.db.models import Count

from moselle.core.models import AuditEntry
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import imports
from moselle.organisations.catalogue_import import BUNDLED, catalogue_hubs
from moselle.organisations.models import (
    ImportRun,
    Organisation,
    OrganisationSector,
    OrganisationService,
    OrganisationTechnology,
)

EXPORT = BUNDLED[ImportRun.Kind.EDIH_CATALOGUE]
LABELS_CSV = EXPORT.parent / "edih_labels_long.csv"


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


def _import(actor: Any, data: bytes, name: str = "export-edihs.xls") -> ImportRun:
    run = imports.import_check(actor=actor, kind=ImportRun.Kind.EDIH_CATALOGUE, filename=name, data=data)
    return imports.import_commit(actor=actor, run=run)


def _label_rows() -> set[tuple[str, str, str, int]]:
    """Every hub label of the export at its lower level, from the long file parsed independently."""
    levels: dict[tuple[str, str, str], int] = {}
    with LABELS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["hub_id"], row["dimension"], row["label"])
            levels[key] = min(levels.get(key, 9), int(row["level"]))
    return {(*key, level) for key, level in levels.items()}


def _registry_labels() -> set[tuple[str, str, str, int]]:
    rows: set[tuple[str, str, str, int]] = set()
    for t in OrganisationTechnology.objects.filter(role="offer").select_related("organisation", "technology"):
        rows.add((t.organisation.catalogue_ref, "technology", t.technology.name, t.level or 0))
    for s in OrganisationService.objects.select_related("organisation", "service"):
        rows.add((s.organisation.catalogue_ref, "service", s.service.name, s.level or 0))
    for c in OrganisationSector.objects.select_related("organisation", "sector"):
        rows.add((c.organisation.catalogue_ref, "sector", c.sector.name, c.level or 0))
    return rows


@pytest.fixture
def imported(hub: Any, taxonomy: None, personas: Any) -> Iterator[ImportRun]:
    yield _import(personas.hub_admin, EXPORT.read_bytes())


def test_it_imports_457_hubs_and_8199_labels_with_their_levels(imported: ImportRun, hub: Any) -> None:
    assert catalogue_hubs().count() == 457
    expected = _label_rows()
    assert len(expected) == 8199
    assert _registry_labels() == expected
    assert imported.report["committed"]["labels"] == 8199
    # L-DIH is this instance's own hub: matched by its short name, not created twice.
    own = Organisation.objects.get(pk=hub.organisation_id)
    assert own.catalogue_ref == "edih-203"
    assert own.name == "Luxembourg Digital Innovation Hub"
    assert Organisation.objects.filter(trade_name="L-DIH").count() == 1
    assert imported.report["committed"]["create"] == 456
    kinds = dict(catalogue_hubs().values_list("catalogue_kind").annotate(n=Count("id")))
    assert kinds == {"EDIH": 168, "Seal of Excellence": 83, "DIH": 206}


def test_it_reports_the_18_repeats_and_keeps_the_lower_level_of_the_3_conflicts(imported: ImportRun) -> None:
    assert len(imported.report["repeats"]) == 18
    conflicts = {row["ref"]: row for row in imported.report["conflicts"]}
    assert sorted(conflicts) == ["edih-161", "edih-245", "edih-328"]
    for ref, row in conflicts.items():
        assert row["kept"] == min(int(level) for level in row["levels"].split(", "))
        hub = Organisation.objects.get(catalogue_ref=ref)
        stored = (
            [r.level for r in OrganisationTechnology.objects.filter(organisation=hub, technology__name=row["label"])]
            + [r.level for r in OrganisationService.objects.filter(organisation=hub, service__name=row["label"])]
            + [r.level for r in OrganisationSector.objects.filter(organisation=hub, sector__name=row["label"])]
        )
        assert stored == [row["kept"]], (ref, row)


def test_it_changes_nothing_when_the_same_export_comes_again(imported: ImportRun, personas: Any) -> None:
    entries = AuditEntry.objects.count()
    labels = _registry_labels()
    again = _import(personas.hub_admin, EXPORT.read_bytes())
    assert again.report["counts"]["unchanged"] == 457
    assert again.report["counts"].get("create", 0) == 0
    assert again.report["counts"].get("update", 0) == 0
    assert again.report["counts"].get("delisted", 0) == 0
    assert _registry_labels() == labels
    assert AuditEntry.objects.count() == entries + 2  # the check and the commit of the import itself


def _edited_export(edit: Any) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(EXPORT.read_bytes()))
    sheet = workbook.active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    rows = edit(rows)
    fresh = openpyxl.Workbook()
    out = fresh.active
    assert out is not None
    for row in rows:
        out.append(row)
    buffer = io.BytesIO()
    fresh.save(buffer)
    return buffer.getvalue()


def test_it_updates_adds_and_marks_vanished_hubs_from_a_newer_export(imported: ImportRun, personas: Any) -> None:
    headers_ = None

    def edit(rows: list[list[Any]]) -> list[list[Any]]:
        nonlocal headers_
        headers_ = rows[0]
        name, title, description = (
            headers_.index(h) for h in ("EDIH Name", "EDIH Title", "Description (indexed field)")
        )
        gone = rows.pop(10)  # edih-010 vanishes
        assert gone[name]
        rows[1][description] = "A new description."  # edih-001 is updated in place
        newcomer = list(rows[2])
        newcomer[name], newcomer[title] = "Brand-New Hub", "A hub that joined the network"
        rows.append(newcomer)
        return rows

    vanished = Organisation.objects.get(catalogue_ref="edih-010")
    first = Organisation.objects.get(catalogue_ref="edih-001")
    total = Organisation.objects.count()
    run = _import(personas.hub_admin, _edited_export(edit))
    counts = run.report["counts"]
    assert counts["create"] == 1
    assert counts["delisted"] == 1
    assert Organisation.objects.count() == total + 1  # nothing deleted
    vanished.refresh_from_db()
    assert vanished.catalogue_listed is False
    first.refresh_from_db()
    assert first.description == "A new description."
    assert Organisation.objects.filter(trade_name="Brand-New Hub").count() == 1
    # Rows after the removed one shifted: each hub keeps the reference of its row in the newer export.
    assert Organisation.objects.get(pk=Organisation.objects.get(trade_name="Brand-New Hub").pk).catalogue_ref == (
        "edih-457"
    )


def test_it_tells_same_named_hubs_apart_by_their_other_facts(imported: ImportRun, personas: Any) -> None:
    # DATAlife (Spain) is listed twice on purpose: as a DIH (edih-044) and as an EDIH (edih-324).
    dih = Organisation.objects.get(catalogue_ref="edih-044")
    edih = Organisation.objects.get(catalogue_ref="edih-324")
    assert dih.trade_name.lower() == edih.trade_name.lower() and dih.country == edih.country

    def edit(rows: list[list[Any]]) -> list[list[Any]]:
        del rows[1]  # every reference shifts by one, so references no longer tell the two apart
        return rows

    run = _import(personas.hub_admin, _edited_export(edit))
    assert run.report["ambiguous"] == []
    dih.refresh_from_db()
    edih.refresh_from_db()
    assert (dih.catalogue_ref, dih.catalogue_kind) == ("edih-043", "DIH")
    assert (edih.catalogue_ref, edih.catalogue_kind) == ("edih-323", "EDIH")


def test_it_lists_an_ambiguous_match_for_a_person_and_leaves_it_alone(hub: Any, taxonomy: None, personas: Any) -> None:
    def twin(rows: list[list[Any]]) -> list[list[Any]]:
        return [*rows, list(rows[5])]  # the same hub twice, word for word

    _import(personas.hub_admin, _edited_export(twin))
    name = Organisation.objects.get(catalogue_ref="edih-005").trade_name
    twins = list(Organisation.objects.filter(trade_name=name).order_by("pk"))
    assert len(twins) == 2

    def shifted(rows: list[list[Any]]) -> list[list[Any]]:
        rows = twin(rows)
        del rows[1]
        return rows

    before = [(o.catalogue_ref, o.catalogue_listed) for o in twins]
    run = _import(personas.hub_admin, _edited_export(shifted))
    ambiguous = [row for row in run.report["ambiguous"] if row["hub"] == name]
    assert len(ambiguous) == 2, run.report["ambiguous"]
    assert set(ambiguous[0]["candidate_ids"]) == {o.pk for o in twins}
    assert [
        (o.catalogue_ref, o.catalogue_listed)
        for o in Organisation.objects.filter(pk__in=[t.pk for t in twins]).order_by("pk")
    ] == before


def test_it_refuses_an_export_without_its_columns(hub: Any, taxonomy: None, personas: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        imports.import_check(
            actor=personas.hub_admin,
            kind=ImportRun.Kind.EDIH_CATALOGUE,
            filename="x.csv",
            data=b"EDIH Name,Country\nX,Luxembourg\n",
        )
    assert "file" in error.value.message_dict
    assert not ImportRun.objects.exists()


def test_it_never_proposes_two_catalogue_rows_as_duplicates_but_does_a_hand_made_copy(
    imported: ImportRun, personas: Any
) -> None:
    from moselle.organisations import actions, merging

    assert merging.duplicate_candidates() == []  # DATAlife twice, shared websites: all catalogue rows
    walhub = Organisation.objects.get(catalogue_ref="edih-192")
    copy = actions.organisation_create(actor=personas.hub_admin, name=walhub.trade_name, country=walhub.country)
    pairs = {(c.first.pk, c.second.pk) for c in merging.duplicate_candidates()}
    assert pairs == {(walhub.pk, copy.pk)}
