"""The DMA results export in the official tool's layout, and its import back (spec/dma.md §1 and §5)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from moselle.accounts.models import Role, User
from moselle.assessments import actions, exports, scoring
from moselle.assessments.models import IMPORTED_RULE, Assessment, Result
from moselle.core.models import AuditEntry
from moselle.organisations import imports
from moselle.organisations.models import HubProfile, ImportRun, Organisation

pytestmark = pytest.mark.django_db

SME_HEADERS = [
    "SME name",
    "SME ID",
    "DMA Timing",
    "DMA Score",
    "Digital Business Strategy",
    "Digital Readiness",
    "Human-Centric Digitalisation",
    "Data Governance",
    "Automation & Artificial Intelligence",
    "Green Digitalisation",
    "EDIH Name",
]
PSO_HEADERS = [
    "PSO name",
    "PSO ID",
    "DMA Timing",
    "DMA Score",
    "Digital Strategy and Investments",
    "Digital Readiness",
    "Human-Centric Digitalisation",
    "Data Management and Security",
    "Interoperability",
    "Green Digitalisation",
    "EDIH Name",
]
KEYS = ("d1", "d2", "d3", "d4", "d5", "d6")


def _submitted(
    organisation: Organisation,
    stage: str,
    dimensions: list[str],
    *,
    kind: str = "sme",
    rule: str | None = None,
    version: str = "2025.1",
    mode: str = Assessment.Mode.SELF,
) -> Assessment:
    """A submitted assessment and its result, written directly: the overall is the rounded mean."""
    values = [Decimal(v) for v in dimensions]
    overall = (sum(values, Decimal(0)) / 6).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assessment = Assessment.objects.create(
        organisation=organisation,
        questionnaire_type=kind,
        questionnaire_version=version,
        stage=stage,
        status=Assessment.Status.SUBMITTED,
        mode=mode,
    )
    Result.objects.create(
        assessment=assessment,
        organisation=organisation,
        questionnaire_type=kind,
        questionnaire_version=version,
        stage=stage,
        rule=rule or actions.current_rule().code,
        dimensions={key: str(value.quantize(Decimal("0.01"))) for key, value in zip(KEYS, values, strict=True)},
        overall=overall,
        band=scoring.band(overall),
    )
    return assessment


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def results(hub: HubProfile) -> dict[str, Organisation]:
    """Three SMEs (one with T0 and T1, one imported, one with a DMA ID) and a public body."""
    zeta = Organisation.objects.create(name="Zeta Tools", country="LU", ec_dma_id="DMA-77")
    alpha = Organisation.objects.create(name="Alpha Manufacturing", country="LU")
    eco = Organisation.objects.create(name="Écoles Numériques", country="LU")
    commune = Organisation.objects.create(name="Commune de Test", country="LU")
    _submitted(alpha, "T0", ["10", "20", "30", "40", "50", "60"])
    _submitted(alpha, "T1", ["20.5", "30.25", "40", "50", "60", "70"])
    _submitted(zeta, "T0", ["80", "80", "80", "80", "80", "80.5"])
    _submitted(
        eco, "T0", ["33.33", "33.33", "33.33", "33.33", "33.33", "33.35"], rule=IMPORTED_RULE, version="official"
    )
    _submitted(commune, "T0", ["12", "24", "36", "48", "60", "72"], kind="pso")
    # A draft is not exported.
    Assessment.objects.create(organisation=zeta, questionnaire_type="sme", questionnaire_version="2025.1", stage="T1")
    return {"alpha": alpha, "zeta": zeta, "eco": eco, "commune": commune}


def _export(client: Client, query: str = "") -> Any:
    return client.get(reverse("assessment_export") + query)


def _sheet_rows(data: bytes) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()


def _snapshot() -> set[tuple[Any, ...]]:
    """What an export says of the registry: (name, stage, type, overall, dimensions, band) per assessment."""
    found = set()
    for assessment in Assessment.objects.filter(status=Assessment.Status.SUBMITTED).select_related("organisation"):
        result = exports.chosen_result(assessment, actions.current_rule().code)
        assert result is not None
        found.add(
            (
                assessment.organisation.name,
                assessment.stage,
                assessment.questionnaire_type,
                result.overall,
                tuple(Decimal(result.dimensions[key]) for key in KEYS),
                result.band,
            )
        )
    return found


# --- The export ------------------------------------------------------------------------------------------


def test_it_writes_both_sheets_with_the_official_columns_in_order(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client]
) -> None:
    response = _export(client_for(staff))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith('attachment; filename="dma-results-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheets = _sheet_rows(response.content)
    assert list(sheets) == ["My SMEs DMA Results", "My PSOs DMA Results"]
    assert sheets["My SMEs DMA Results"][0] == SME_HEADERS
    assert sheets["My PSOs DMA Results"][0] == PSO_HEADERS


def test_it_exports_the_stored_results_by_name_then_stage(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    sheets = _sheet_rows(_export(client_for(staff)).content)
    edih = hub.organisation.name
    assert sheets["My SMEs DMA Results"][1:] == [
        ["Alpha Manufacturing", None, "T0", 35.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, edih],
        ["Alpha Manufacturing", None, "T1", 45.13, 20.5, 30.25, 40.0, 50.0, 60.0, 70.0, edih],
        ["Écoles Numériques", None, "T0", 33.33, 33.33, 33.33, 33.33, 33.33, 33.33, 33.35, edih],
        ["Zeta Tools", "DMA-77", "T0", 80.08, 80.0, 80.0, 80.0, 80.0, 80.0, 80.5, edih],
    ]
    assert sheets["My PSOs DMA Results"][1:] == [
        ["Commune de Test", None, "T0", 42.0, 12.0, 24.0, 36.0, 48.0, 60.0, 72.0, edih]
    ]


def test_it_prefers_the_result_under_the_platforms_rule(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client]
) -> None:
    assessment = Assessment.objects.get(organisation=results["alpha"], stage="T0")
    other = Result.objects.get(assessment=assessment)
    other.rule = "B/exclude"
    other.save()
    Result.objects.create(
        assessment=assessment,
        organisation=results["alpha"],
        questionnaire_type="sme",
        questionnaire_version="2025.1",
        stage="T0",
        rule=actions.current_rule().code,
        dimensions={key: "1.00" for key in KEYS},
        overall=Decimal("1.00"),
        band="basic",
        rescored_from=other,
    )
    rows = _sheet_rows(_export(client_for(staff)).content)["My SMEs DMA Results"]
    assert rows[1][:4] == ["Alpha Manufacturing", None, "T0", 1.0]


def test_it_writes_a_name_that_looks_like_a_formula_as_text(
    hub: HubProfile, staff: User, client_for: Callable[[User | None], Client]
) -> None:
    _submitted(Organisation.objects.create(name="=1+2 Consulting", country="LU"), "T0", ["50"] * 6)
    client = client_for(staff)
    rows = _sheet_rows(_export(client).content)["My SMEs DMA Results"]
    assert rows[1][0] == "=1+2 Consulting"
    text = _export(client, "?format=csv&type=sme").content.decode("utf-8-sig")
    assert "'=1+2 Consulting" in text


def test_the_csv_has_a_byte_order_mark_and_the_same_columns(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(staff)
    response = _export(client, "?format=csv&type=sme")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "-sme-" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == SME_HEADERS
    assert rows[2][:5] == ["Alpha Manufacturing", "", "T1", "45.13", "20.50"]
    pso = list(csv.reader(io.StringIO(_export(client, "?format=csv&type=pso").content.decode("utf-8-sig"))))
    assert pso[0] == PSO_HEADERS
    assert len(pso) == 2


def test_the_columns_stay_in_english_in_another_language(
    results: dict[str, Organisation], make_user: Callable[..., User], client_for: Callable[[User | None], Client]
) -> None:
    french = make_user(Role.HUB_ADMIN, language="fr")
    client = client_for(french)
    client.cookies["django_language"] = "fr"
    sheets = _sheet_rows(client.get(reverse("assessment_export"), HTTP_ACCEPT_LANGUAGE="fr").content)
    assert sheets["My SMEs DMA Results"][0] == SME_HEADERS
    text = client.get(reverse("assessment_export") + "?format=csv&type=pso", HTTP_ACCEPT_LANGUAGE="fr")
    assert text.content.decode("utf-8-sig").splitlines()[0] == ",".join(PSO_HEADERS)


def test_only_hub_staff_export(
    results: dict[str, Organisation], personas: Any, client_for: Callable[[User | None], Client]
) -> None:
    for user in (*personas.a.values(), personas.plain_a):
        assert _export(client_for(user)).status_code == 404  # require_hub_staff answers 404
    anonymous = _export(client_for(None))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert _export(client_for(personas.hub_advisor)).status_code == 200
    assert _export(client_for(personas.hub_admin), "?format=csv&type=pso").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?format=pdf", "Unknown format"),
        ("?format=xlsx&type=xyz", "Unknown type"),
        ("?format=csv&type=both", "Unknown type"),
        ("?format=csv", "choose type=sme or type=pso"),
    ],
)
def test_a_bad_parameter_gets_a_clear_400(
    hub: HubProfile, staff: User, client_for: Callable[[User | None], Client], query: str, message: str
) -> None:
    response = _export(client_for(staff), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_export_is_read_with_few_queries(
    results: dict[str, Organisation],
    staff: User,
    client_for: Callable[[User | None], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(staff)
    _export(client)
    for index in range(10):
        organisation = Organisation.objects.create(name=f"Extra {index}", country="LU")
        _submitted(organisation, "T0", ["50"] * 6)
    with django_assert_max_num_queries(15):
        assert _export(client).status_code == 200


# --- The import ------------------------------------------------------------------------------------------


def _check(actor: Any, data: bytes, filename: str = "results.xlsx") -> ImportRun:
    return imports.import_check(actor=actor, kind=ImportRun.Kind.DMA_RESULTS, filename=filename, data=data)


def _commit(actor: Any, run: ImportRun) -> ImportRun:
    return imports.import_commit(actor=actor, run=run)


def _clear_registry(hub: HubProfile) -> None:
    Assessment.objects.all().delete()
    Organisation.objects.exclude(pk=hub.organisation_id).delete()


def test_an_export_imported_into_an_empty_registry_gives_the_same_results(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    before = _snapshot()
    data = _export(client_for(staff)).content
    _clear_registry(hub)
    assert not Result.objects.exists()

    run = _check(staff, data)
    assert run.report["problems"] == []
    assert run.report["counts"] == {"organisations_new": 4, "assessments": 5}
    run = _commit(staff, run)
    assert run.status == ImportRun.Status.COMMITTED

    assert _snapshot() == before
    assert set(Result.objects.values_list("rule", flat=True)) == {IMPORTED_RULE}
    assert all(a.mode == Assessment.Mode.IMPORTED and a.answers == {} for a in Assessment.objects.all())
    assert set(Assessment.objects.values_list("questionnaire_version", flat=True)) == {"official"}
    zeta = Organisation.objects.get(name="Zeta Tools")
    assert zeta.ec_dma_id == "DMA-77" and zeta.source == Organisation.Source.IMPORT
    assert zeta.country == hub.organisation.country
    assert list(zeta.kind_rows.values_list("kind", flat=True)) == ["company"]
    commune = Organisation.objects.get(name="Commune de Test")
    assert list(commune.kind_rows.values_list("kind", flat=True)) == ["public_body"]
    assert AuditEntry.objects.filter(action="assessment.import").count() == 5


def test_each_sheet_as_csv_imports_through_the_plain_import_flow(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    before = _snapshot()
    client = client_for(staff)
    files = [_export(client, f"?format=csv&type={kind}").content for kind in ("sme", "pso")]
    _clear_registry(hub)
    for data in files:
        run = imports.import_check(actor=staff, kind=ImportRun.Kind.DMA_RESULTS, filename="r.csv", data=data)
        assert run.report["problems"] == []
        imports.import_commit(actor=staff, run=run)
    assert _snapshot() == before


def test_a_workbook_through_the_plain_import_flow_reads_both_sheets(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    """The API and the pages share one flow: the planner gets the whole file, not only its first sheet."""
    before = _snapshot()
    data = _export(client_for(staff)).content
    _clear_registry(hub)
    run = imports.import_check(actor=staff, kind=ImportRun.Kind.DMA_RESULTS, filename="r.xlsx", data=data)
    assert run.report["problems"] == []
    imports.import_commit(actor=staff, run=run)
    assert _snapshot() == before


def test_the_same_results_again_change_nothing(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    data = _export(client_for(staff)).content
    _clear_registry(hub)
    _commit(staff, _check(staff, data))
    count = (Organisation.objects.count(), Assessment.objects.count(), Result.objects.count())
    # A monthly export of the official tool repeats the results already imported: they are left as they are.
    again = _check(staff, data)
    assert again.report["problems"] == [] and again.report["counts"] == {"unchanged": 5}
    _commit(staff, again)
    assert (Organisation.objects.count(), Assessment.objects.count(), Result.objects.count()) == count


def test_a_different_score_for_a_stage_already_held_is_a_problem(staff: User, hub: HubProfile) -> None:
    _commit(staff, _check(staff, _csv(_row("Gamma", "T0")), "first.csv"))
    changed = _check(staff, _csv(_row("Gamma", "T0", ["11", "20", "30", "40", "50", "60"], overall="35.17")), "b.csv")
    assert [p["reason"] for p in changed.report["problems"]] == ["Gamma already has a submitted T0 assessment."]


def test_a_stage_being_filled_in_is_not_overwritten(staff: User, hub: HubProfile) -> None:
    gamma = Organisation.objects.create(name="Gamma", country="LU")
    actions.assessment_start(actor=None, organisation=gamma, stage="T0")
    refused = _check(staff, _csv(_row("Gamma", "T0")), "draft.csv")
    assert ["being filled in" in p["reason"] for p in refused.report["problems"]] == [True]


def test_unrounded_scores_are_kept_to_two_decimals_half_up(staff: User, hub: HubProfile) -> None:
    dims = ["10.125", "20.004", "30", "40", "50", "60"]
    _commit(staff, _check(staff, _csv(_row("Gamma", "T0", dims, overall="35.0215")), "raw.csv"))
    result = Result.objects.get()
    assert result.dimensions["d1"] == "10.13" and result.dimensions["d2"] == "20.00"
    assert result.overall == Decimal("35.02")


def _csv(*rows: list[str], kind: str = "sme") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(exports.headers(kind))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(
    name: str, stage: str, scores: list[str] | None = None, overall: str | None = None, dma_id: str = ""
) -> list[str]:
    dims = scores or ["10", "20", "30", "40", "50", "60"]
    if overall is None:
        overall = str((sum(Decimal(d) for d in dims) / 6).quantize(Decimal("0.01")))
    return [name, dma_id, stage, overall, *dims, "L-DIH"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (_row("", "T0"), "SME name", "name is missing"),
        (_row("Gamma", "T3"), "DMA Timing", "T0, T1 or T2"),
        (_row("Gamma", ""), "DMA Timing", "T0, T1 or T2"),
        (_row("Gamma", "T0", ["", "20", "30", "40", "50", "60"], overall="40"), "Digital Business Strategy", "missing"),
        (
            _row("Gamma", "T0", ["ten", "20", "30", "40", "50", "60"], overall="40"),
            "Digital Business Strategy",
            "not a number",
        ),
        (
            _row("Gamma", "T0", ["-1", "20", "30", "40", "50", "60"], overall="40"),
            "Digital Business Strategy",
            "between 0 and 100",
        ),
        (
            _row("Gamma", "T0", ["100.01", "20", "30", "40", "50", "60"], overall="40"),
            "Digital Business Strategy",
            "between 0 and 100",
        ),
        (_row("Gamma", "T0", overall=""), "DMA Score", "missing"),
        (_row("Gamma", "T0", overall="35.02"), "DMA Score", "not the mean"),
        (_row("Gamma", "T1"), "DMA Timing", "needs a T0"),
        (_row("Gamma", "T2"), "DMA Timing", "needs a T1"),
    ],
)
def test_a_bad_row_is_a_problem_on_its_line_and_column_and_nothing_is_committed(
    hub: HubProfile, staff: User, row: list[str], column: str, words: str
) -> None:
    data = _csv(_row("Fine Company", "T0"), row)
    organisations = Organisation.objects.count()
    run = _check(staff, data, "results.csv")
    assert {(p["line"], p["column"]) for p in run.report["problems"]} == {(3, column)}
    assert words in run.report["problems"][0]["reason"]
    with pytest.raises(ValidationError):
        _commit(staff, run)
    assert not Assessment.objects.exists()
    assert Organisation.objects.count() == organisations


def test_a_stage_twice_in_the_file_or_already_in_the_registry_is_a_problem(
    hub: HubProfile, staff: User, org_a: Organisation
) -> None:
    _submitted(org_a, "T0", ["50"] * 6)
    run = _check(staff, _csv(_row("Gamma", "T0"), _row("gamma", "T0"), _row("ALPHA MANUFACTURING", "T0")), "r.csv")
    problems = sorted((p["line"], p["column"], p["reason"]) for p in run.report["problems"])
    assert [(line, column) for line, column, _reason in problems] == [(3, "DMA Timing"), (4, "DMA Timing")]
    assert "line 2" in problems[0][2]
    assert "Alpha Manufacturing already has a submitted T0" in problems[1][2]
    with pytest.raises(ValidationError):
        _commit(staff, run)
    assert Assessment.objects.count() == 1


def test_a_later_stage_must_use_the_same_questionnaire(hub: HubProfile, staff: User, org_a: Organisation) -> None:
    _submitted(org_a, "T0", ["50"] * 6, kind="pso")
    run = _check(staff, _csv(_row("Alpha Manufacturing", "T1")), "r.csv")
    assert [(p["line"], p["column"]) for p in run.report["problems"]] == [(2, "DMA Timing")]
    assert "other questionnaire" in run.report["problems"][0]["reason"]


def test_the_stages_of_the_file_are_taken_in_order_whatever_the_lines(hub: HubProfile, staff: User) -> None:
    run = _check(staff, _csv(_row("Gamma", "T2"), _row("Gamma", "T1"), _row("Gamma", "T0")), "r.csv")
    assert run.report["problems"] == []
    _commit(staff, run)
    gamma = Organisation.objects.get(name="Gamma")
    assert sorted(gamma.assessments.values_list("stage", flat=True)) == ["T0", "T1", "T2"]


def test_a_row_finds_its_organisation_by_dma_id_then_by_name(
    hub: HubProfile, staff: User, org_a: Organisation, org_b: Organisation
) -> None:
    org_b.ec_dma_id = "B-1"
    org_b.save()
    rows = [
        _row("Beta Logistics Renamed", "T0", dma_id="B-1"),
        _row("alpha manufacturing", "T0", dma_id="A-9"),
        _row("Ålpha Manufacturing", "T1"),
        _row("New One", "T0", dma_id="N-1"),
    ]
    run = _check(staff, _csv(*rows), "r.csv")
    assert run.report["problems"] == []
    assert run.report["counts"] == {"organisations_matched": 2, "organisations_new": 1, "assessments": 4}
    _commit(staff, run)
    org_a.refresh_from_db()
    assert org_a.ec_dma_id == "A-9"  # the file's DMA ID is kept for the next export and import
    assert sorted(org_a.assessments.values_list("stage", flat=True)) == ["T0", "T1"]
    assert org_b.assessments.get().stage == "T0"
    assert Organisation.objects.get(ec_dma_id="N-1").name == "New One"


def test_a_name_two_organisations_share_is_a_problem(hub: HubProfile, staff: User, org_a: Organisation) -> None:
    Organisation.objects.create(name="ALPHA Manufacturing", country="DE")
    run = _check(staff, _csv(_row("Alpha Manufacturing", "T0")), "r.csv")
    assert [(p["line"], p["column"]) for p in run.report["problems"]] == [(2, "SME name")]


def test_a_problem_in_the_second_sheet_names_the_sheet(
    results: dict[str, Organisation], staff: User, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_export(client_for(staff)).content))
    book["My PSOs DMA Results"]["C2"] = "T9"
    out = io.BytesIO()
    book.save(out)
    _clear_registry(hub)
    run = _check(staff, out.getvalue())
    assert [(p["line"], p["column"]) for p in run.report["problems"]] == [(2, "My PSOs DMA Results: DMA Timing")]


def test_a_file_that_is_no_dma_export_is_refused(hub: HubProfile, staff: User) -> None:
    with pytest.raises(ValidationError) as error:
        _check(staff, b"name,country\nGamma,LU\n", "r.csv")
    assert "SME name" in str(error.value)


def test_a_missing_column_is_a_problem_on_the_header(hub: HubProfile, staff: User) -> None:
    run = _check(staff, b"SME name,SME ID,DMA Timing,DMA Score\nGamma,,T0,10\n", "r.csv")
    assert (1, "Digital Business Strategy") in {(p["line"], p["column"]) for p in run.report["problems"]}


def test_an_imported_t0_lets_the_t1_start(hub: HubProfile, staff: User) -> None:
    _commit(staff, _check(staff, _csv(_row("Gamma", "T0", dma_id="G-1")), "r.csv"))
    gamma = Organisation.objects.get(name="Gamma")
    draft = actions.assessment_start(actor=staff, organisation=gamma, stage="T1", questionnaire_type="sme")
    assert draft.stage == "T1" and draft.status == Assessment.Status.DRAFT


def test_an_advisor_imports_dma_results_from_the_hub_import_pages(
    hub: HubProfile, personas: Any, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(personas.hub_advisor)
    page = client.get(reverse("hub_imports"))
    assert 'value="dma_results"' in page.content.decode()
    assert 'value="edih_catalogue"' not in page.content.decode()
    upload = io.BytesIO(_csv(_row("Gamma", "T0")))
    upload.name = "results.csv"
    response = client.post(
        reverse("hub_imports"), {"kind": "dma_results", "file": upload, "encoding": "auto", "delimiter": "auto"}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get(kind=ImportRun.Kind.DMA_RESULTS)
    assert client.get(reverse("hub_import_run", args=[run.pk])).status_code == 200
    assert client.post(reverse("hub_import_commit", args=[run.pk])).status_code == 302
    assert Assessment.objects.get().organisation.name == "Gamma"
    # The catalogues stay the hub manager's, and a member sees no DMA import.
    assert client_for(personas.a[Role.COMPANY_MEMBER]).get(reverse("hub_import_run", args=[run.pk])).status_code == 404


def test_a_workbook_uploaded_on_the_hub_import_page_imports_both_sheets(
    results: dict[str, Organisation], personas: Any, client_for: Callable[[User | None], Client], hub: HubProfile
) -> None:
    client = client_for(personas.hub_admin)
    before = _snapshot()
    upload = io.BytesIO(_export(client).content)
    upload.name = "results.xlsx"
    Assessment.objects.all().delete()
    for organisation in results.values():
        organisation.delete()
    response = client.post(
        reverse("hub_imports"), {"kind": "dma_results", "file": upload, "encoding": "auto", "delimiter": "auto"}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get(kind=ImportRun.Kind.DMA_RESULTS)
    assert run.report["problems"] == []
    assert client.post(reverse("hub_import_commit", args=[run.pk])).status_code == 302
    assert _snapshot() == before
