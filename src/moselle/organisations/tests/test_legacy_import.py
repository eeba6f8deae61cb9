"""Importing the 2022 S3 hub catalogue as historical records linked to the 2025 hubs."""

from __future__ import annotations

from typing import Any

import pytest

from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import imports, legacy
from moselle.organisations.access import directory_hubs, listed_organisations
from moselle.organisations.catalogue_import import BUNDLED
from moselle.organisations.models import ImportRun, LegacyLink, Organisation


def _import(actor: Any, kind: str) -> ImportRun:
    path = BUNDLED[kind]
    run = imports.import_check(actor=actor, kind=kind, filename=path.name, data=path.read_bytes())
    return imports.import_commit(actor=actor, run=run)


@pytest.fixture
def both(hub: Any, personas: Any) -> ImportRun:
    seed_taxonomy()
    _import(personas.hub_admin, ImportRun.Kind.EDIH_CATALOGUE)
    return _import(personas.hub_admin, ImportRun.Kind.S3_LEGACY)


def test_it_keeps_the_701_legacy_hubs_as_hidden_historical_records(both: ImportRun, personas: Any) -> None:
    records = Organisation.objects.filter(source=Organisation.Source.S3_LEGACY)
    assert records.count() == 701
    assert records.filter(is_historical=True).count() == 701
    assert set(records.filter(country="LU").values_list("catalogue_ref", flat=True)) == {
        f"s3-{hub.s3_id}"
        for hub in legacy.parse_legacy_csv(legacy.LEGACY_CSV.read_text(encoding="utf-8"))
        if hub.country == "LU"
    }
    assert not listed_organisations(personas.hub_admin).filter(is_historical=True).exists()
    assert not directory_hubs(personas.hub_admin).filter(source=Organisation.Source.S3_LEGACY).exists()


def test_it_proposes_the_links_the_scorer_finds_with_their_evidence(both: ImportRun) -> None:
    hubs = legacy.parse_legacy_csv(legacy.LEGACY_CSV.read_text(encoding="utf-8"))
    keys = legacy.hub_keys_from_catalogue_csv(legacy.CATALOGUE_CSV.read_text(encoding="utf-8"))
    expected = {(f"s3-{p.legacy.s3_id}", p.hub.ref) for p in legacy.propose_links(hubs, keys) if p.likely}
    stored = set(LegacyLink.objects.filter(likely=True).values_list("legacy__catalogue_ref", "hub__catalogue_ref"))
    assert stored == expected
    assert len(stored) >= 150
    link = LegacyLink.objects.filter(likely=True).order_by("-score").first()
    assert link is not None and link.evidence and link.status == LegacyLink.Status.PROPOSED
    assert both.report["committed"]["likely_links"] == len(expected)


def test_it_changes_nothing_on_a_second_import_and_keeps_a_persons_decision(both: ImportRun, personas: Any) -> None:
    link = LegacyLink.objects.filter(likely=True).first()
    assert link is not None
    LegacyLink.objects.filter(pk=link.pk).update(status=LegacyLink.Status.CONFIRMED)
    links = LegacyLink.objects.count()
    again = _import(personas.hub_admin, ImportRun.Kind.S3_LEGACY)
    assert again.report["counts"] == {**again.report["counts"], "unchanged": 701}
    assert "create" not in again.report["counts"] and "update" not in again.report["counts"]
    assert LegacyLink.objects.count() == links
    link.refresh_from_db()
    assert link.status == LegacyLink.Status.CONFIRMED


def test_it_lists_a_bad_row_with_its_line_and_column(hub: Any, personas: Any) -> None:
    header = ",".join(["s3_hub_id", "title", "website", "description", "street", "locality", "country", "domains"])
    data = f"{header}\n12,Good hub,https://good.example,,,Esch,Luxembourg,\nx9,Bad id,,,,,Luxembourg,\n".encode()
    run = imports.import_check(actor=personas.hub_admin, kind=ImportRun.Kind.S3_LEGACY, filename="s3.csv", data=data)
    assert run.report["problems"] == [{"line": 3, "column": "s3_hub_id", "reason": "The hub id is a number."}]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        imports.import_commit(actor=personas.hub_admin, run=run)
    assert not Organisation.objects.filter(source=Organisation.Source.S3_LEGACY).exists()
