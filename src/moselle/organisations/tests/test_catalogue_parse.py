"""The EDIH catalogue export is read whole: every hub, every label once, the repeats and conflicts listed.

The expected figures are computed from the CSV files beside the export (read here with the standard csv
module, and parsed independently when they were made) and the documented ones are asserted as well.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from moselle.core.tabular import Problem, Table, read_table
from moselle.organisations import catalogue
from moselle.organisations.catalogue import CatalogueParse, Label, parse_edih_export
from moselle.organisations.normalise import name_key

DATA = Path(catalogue.__file__).resolve().parent / "data" / "edih-catalogue"
EXPORT = DATA / "export-edihs_2025-05-05_redacted.xls"
CATALOGUE_CSV = DATA / "edih_catalogue_2025-05-05.csv"
LABELS_CSV = DATA / "edih_labels_long.csv"

LabelKey = tuple[str, str, str]  # (ref, dimension, label)


@pytest.fixture(scope="module")
def parsed() -> CatalogueParse:
    return parse_edih_export(read_table(EXPORT.read_bytes(), filename=EXPORT.name))


@pytest.fixture(scope="module")
def catalogue_rows() -> list[dict[str, str]]:
    with CATALOGUE_CSV.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


@pytest.fixture(scope="module")
def long_levels() -> dict[LabelKey, list[int]]:
    """Every level edih_labels_long.csv gives each (ref, dimension, label), in file order."""
    levels: dict[LabelKey, list[int]] = defaultdict(list)
    with LABELS_CSV.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            levels[(row["hub_id"], row["dimension"], row["label"])].append(int(row["level"]))
    return levels


def _hub(parsed: CatalogueParse, ref: str) -> catalogue.CatalogueHub:
    return next(hub for hub in parsed.hubs if hub.ref == ref)


def _all_labels(parsed: CatalogueParse) -> set[str]:
    return {label.label for hub in parsed.hubs for label in hub.labels}


def test_it_reads_every_hub_in_row_order_with_the_refs_of_the_csv(
    parsed: CatalogueParse, catalogue_rows: list[dict[str, str]]
) -> None:
    assert len(parsed.hubs) == len(catalogue_rows) == 457
    assert [hub.ref for hub in parsed.hubs] == [row["hub_id"] for row in catalogue_rows]
    assert parsed.hubs[0].ref == "edih-001" and parsed.hubs[-1].ref == "edih-457"
    assert [hub.line for hub in parsed.hubs] == list(range(2, 459))
    for hub, row in zip(parsed.hubs, catalogue_rows, strict=True):
        assert (hub.name, hub.title, hub.country_name, hub.address) == (
            row["EDIH Name"],
            row["EDIH Title"],
            row["Country"],
            row["Contact Location"],
        )
        assert hub.description == row["Description (indexed field)"].strip()
    assert parsed.problems == []


def test_it_reads_the_csv_copy_into_the_same_hubs(parsed: CatalogueParse) -> None:
    from_csv = parse_edih_export(read_table(CATALOGUE_CSV.read_bytes()))
    assert from_csv.hubs == parsed.hubs
    assert from_csv.repeats == parsed.repeats


def test_it_counts_the_kinds_of_hub(parsed: CatalogueParse, catalogue_rows: list[dict[str, str]]) -> None:
    kinds = Counter(hub.kind for hub in parsed.hubs)
    assert kinds == Counter(row["EDIH/SoE"] for row in catalogue_rows)
    assert kinds == {"EDIH": 168, "Seal of Excellence": 83, "DIH": 206}


def test_it_gives_every_hub_an_iso_country(parsed: CatalogueParse) -> None:
    assert all(len(hub.country) == 2 for hub in parsed.hubs)
    assert len({hub.country for hub in parsed.hubs}) == 38
    luxembourg = [hub for hub in parsed.hubs if hub.country == "LU"]
    assert [(hub.ref, hub.name, hub.kind) for hub in luxembourg] == [("edih-203", "L-DIH", "EDIH")]
    assert luxembourg[0].name_key == name_key("L-DIH") == "l dih"


def test_it_keeps_every_label_of_the_long_file_once_at_its_lower_level(
    parsed: CatalogueParse, long_levels: dict[LabelKey, list[int]]
) -> None:
    expected: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for (ref, dimension, label), levels in long_levels.items():
        expected[ref][(dimension, label)] = min(levels)
    for hub in parsed.hubs:
        found = {(label.dimension, label.label): label.level for label in hub.labels}
        assert len(found) == len(hub.labels), hub.ref  # no label twice
        assert found == expected.get(hub.ref, {}), hub.ref
    assert sum(len(hub.labels) for hub in parsed.hubs) == len(long_levels) == 8199
    assert all(label.level in range(1, 6) for hub in parsed.hubs for label in hub.labels)


def test_it_lists_the_18_repeats_and_the_3_conflicts_keeping_the_lower_level(
    parsed: CatalogueParse, long_levels: dict[LabelKey, list[int]]
) -> None:
    expected = {key: tuple(levels) for key, levels in long_levels.items() if len(levels) > 1}
    assert {(r.ref, r.dimension, r.label): r.levels for r in parsed.repeats} == expected
    assert len(parsed.repeats) == 18
    assert [repeat.ref for repeat in parsed.conflicts] == ["edih-161", "edih-245", "edih-328"]
    assert [repeat for repeat in parsed.repeats if repeat.conflict] == parsed.conflicts
    for conflict in parsed.conflicts:
        levels = long_levels[(conflict.ref, conflict.dimension, conflict.label)]
        assert len(set(levels)) > 1
        assert conflict.kept_level == min(levels)
        assert conflict.name == _hub(parsed, conflict.ref).name
        kept = [
            label.level
            for label in _hub(parsed, conflict.ref).labels
            if (label.dimension, label.label) == (conflict.dimension, conflict.label)
        ]
        assert kept == [min(levels)]
    assert {(c.ref, c.label, c.levels) for c in parsed.conflicts} == {
        ("edih-161", "Sme Business Development", (5, 4)),
        ("edih-245", "Simulation engineering and modelling", (3, 4)),
        ("edih-328", "Smart City", (4, 3)),
    }


def test_it_finds_the_hubs_without_labels(parsed: CatalogueParse, long_levels: dict[LabelKey, list[int]]) -> None:
    labelled = {ref for ref, _dimension, _label in long_levels}
    without = {hub.ref for hub in parsed.hubs if not hub.labels}
    assert without == {hub.ref for hub in parsed.hubs} - labelled
    assert len(without) == 152 and len(labelled) == 305


def test_it_blanks_websites_that_are_not_links(parsed: CatalogueParse, catalogue_rows: list[dict[str, str]]) -> None:
    literal = [row["hub_id"] for row in catalogue_rows if row["Website"] == "Website"]
    empty = [row["hub_id"] for row in catalogue_rows if row["Website"] == ""]
    assert (len(literal), len(empty)) == (35, 47)
    blank = [hub.ref for hub in parsed.hubs if hub.website == ""]
    assert blank == sorted(literal + empty)
    assert all(hub.website_host == "" for hub in parsed.hubs if not hub.website)
    assert all(hub.website_host for hub in parsed.hubs if hub.website)
    assert all(hub.website != "Website" for hub in parsed.hubs)


def test_it_reads_labels_holding_a_dash_or_commas_whole(parsed: CatalogueParse) -> None:
    labels = _all_labels(parsed)
    assert "New technologies for Audio-Visual sector - Media" in labels
    assert "New technologies for Audio-Visual sector" not in labels
    for whole in (
        "Micro- and nanoelectronics, optoelectronics",
        "Chemical engineering (plants, products)",
        "Retail, wholesale or distribution",
        "Energy, fuels and petroleum engineering",
    ):
        assert whole in labels
    assert not {"optoelectronics", "products)", "wholesale or distribution", "Retail"} & labels


def test_it_keeps_the_label_data_as_it_is(parsed: CatalogueParse) -> None:
    hubs = [hub for hub in parsed.hubs if any(label.label == "data" for label in hub.labels)]
    assert len(hubs) == 14
    assert {label.dimension for hub in hubs for label in hub.labels if label.label == "data"} == {"technology"}


def test_it_flags_descriptions_cut_by_the_catalogue(parsed: CatalogueParse) -> None:
    assert _hub(parsed, "edih-001").description_truncated  # 1,996 characters ending "disseminating th"
    assert not _hub(parsed, "edih-002").description_truncated  # 1,999 characters ending with a full stop
    assert not _hub(parsed, "edih-364").description_truncated  # ends ".\u200b"
    assert not _hub(parsed, "edih-203").description_truncated
    assert not catalogue.description_looks_truncated("A short text without a full stop")
    assert catalogue.description_looks_truncated("x" * 1990)
    assert not catalogue.description_looks_truncated("x" * 1989 + ".")
    assert not catalogue.description_looks_truncated("x" * 1990 + ' (see "the plan.")')


# A small export written by hand, for what the real one does not show.
HEADERS = list(catalogue.REQUIRED_COLUMNS)


def _export(*rows: dict[str, str]) -> bytes:
    lines = [";".join(HEADERS)]
    for row in rows:
        values = {column: "" for column in HEADERS} | row
        lines.append(";".join(values[column] for column in HEADERS))
    return ("\n".join(lines) + "\n").encode()


def _small(**cells: str) -> dict[str, str]:
    base = {"EDIH Name": "Hub", "Country": "Luxembourg", "EDIH/SoE": "EDIH", "Website": "https://www.hub.lu/"}
    return base | cells


def test_it_reports_a_malformed_label_cell_with_its_line_and_column_and_keeps_the_rest() -> None:
    data = _export(
        {**_small(), "Formatted sectors": "Health - 4"},
        {**_small(), "Formatted sectors": "Health - 4, Energy", "Formatted services": "SME support - 5, Training - 2"},
        {**_small(), "Formatted technologies": "Artificial Intelligence - 7"},
    )
    parsed = parse_edih_export(read_table(data))
    assert [hub.ref for hub in parsed.hubs] == ["edih-001", "edih-002", "edih-003"]
    assert [(p.line, p.column) for p in parsed.problems] == [(3, "Formatted sectors"), (4, "Formatted technologies")]
    assert "“Energy”" in parsed.problems[0].reason
    assert "from 1 to 5" in parsed.problems[1].reason
    second = parsed.hubs[1]
    assert second.labels == [Label("service", "SME support", 5), Label("service", "Training", 2)]
    assert (second.name, second.country, second.website_host) == ("Hub", "LU", "hub.lu")
    assert parsed.hubs[2].labels == []


def test_it_reports_an_unknown_country_and_kind_but_keeps_the_hub() -> None:
    data = _export(_small(Country="Atlantis", **{"EDIH/SoE": "Hub of hubs"}))
    parsed = parse_edih_export(read_table(data))
    hub = parsed.hubs[0]
    assert (hub.country_name, hub.country, hub.kind) == ("Atlantis", "", "")
    assert parsed.problems == [
        Problem(2, "Country", "Unknown country “Atlantis”."),
        Problem(2, "EDIH/SoE", "Unknown kind of hub “Hub of hubs”; expected EDIH, Seal of Excellence or DIH."),
    ]


def test_it_refuses_an_export_without_the_required_columns() -> None:
    table = Table(format="csv", headers=["EDIH Name", "EDIH Title", "Website"], rows=[])
    with pytest.raises(ValidationError) as raised:
        parse_edih_export(table)
    message = raised.value.message_dict["file"][0]
    assert "“Country”" in message and "“Formatted services”" in message and "“EDIH Name”" not in message
