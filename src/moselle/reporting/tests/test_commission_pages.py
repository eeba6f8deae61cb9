"""The Commission layouts through the pages: the hub manager downloads "services delivered", imports a sheet in
that layout through the registry's import pages, and a hub that does not report switches the layouts off."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from moselle.organisations.models import ImportRun, Organisation
from moselle.reporting import actions, commission
from moselle.reporting.models import ServiceRecord


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_downloads_services_delivered(personas: Any, org_a: Organisation, org_b: Organisation) -> None:
    data = {"category": "skills_and_training", "description": "Course", "price": "100"}
    actions.record_create(actor=personas.hub_admin, data={**data, "customer": org_a.pk, "started_on": "2026-01-10"})
    actions.record_create(actor=personas.hub_admin, data={**data, "customer": org_b.pk, "started_on": "2026-06-10"})
    client = logged_in(personas.hub_admin)
    listing = client.get("/services/").content.decode()
    assert "services delivered (XLSX)" in listing and listing.count("For the Commission") == 1
    assert "<title>Services delivered · Moselle</title>" in listing
    response = client.get("/services/commission/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(commission.COLUMNS)
    assert [row[0] for row in rows[1:]] == ["Alpha Manufacturing", "Beta Logistics"]
    period = list(
        csv.reader(
            io.StringIO(client.get("/services/commission/?format=csv&end=2026-03-31").content.decode("utf-8-sig"))
        )
    )
    assert [row[0] for row in period[1:]] == ["Alpha Manufacturing"]
    workbook = client.get("/services/commission/")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats") and workbook.content[:2] == b"PK"


def test_bad_parameters_are_named(personas: Any) -> None:
    client = logged_in(personas.hub_admin)
    for query, named in (
        ("format=pdf", "format"),
        ("start=yesterday", "start"),
        ("start=2026-05-01&end=2026-01-01", "end"),
    ):
        response = client.get(f"/services/commission/?{query}")
        assert response.status_code == 400 and f"{named}:" in response.content.decode()


def test_only_the_manager_exports_and_the_hub_can_switch_the_layouts_off(personas: Any, settings: Any) -> None:
    assert logged_in(personas.hub_advisor).get("/services/commission/").status_code == 404
    assert logged_in(personas.a["observer"]).get("/services/commission/").status_code == 404
    settings.MOSELLE_COMMISSION_LAYOUTS = False
    admin = logged_in(personas.hub_admin)
    assert admin.get("/services/commission/").status_code == 404
    assert admin.get("/assessments/export/").status_code == 404
    assert "services delivered (XLSX)" not in admin.get("/services/").content.decode()


def test_a_sheet_is_imported_through_the_import_pages(personas: Any, org_a: Organisation) -> None:
    row = {name: "" for name in commission.COLUMNS}
    row.update(
        {
            "Customer": org_a.name,
            "Customer ID": str(org_a.pk),
            "Service category delivered": "Training and skills development",
            "Short description of the service": "Cybersecurity awareness workshop",
            "Number of attendees": "12",
            "Service price (€)": "1500.00",
            "Price invoiced to customer (€)": "750.00",
            "Amount of the service price to be reported as aid of national or regional public nature (€)": "375.00",
            "Specific information on State Aid": "De minimis",
            "Status": "Finalised and invoiced",
            "Dates": "2025-10-02 / 2025-10-02",
        }
    )
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(commission.COLUMNS)
    writer.writerow([row[name] for name in commission.COLUMNS])
    upload = io.BytesIO(sheet.getvalue().encode())
    upload.name = "services.csv"
    client = logged_in(personas.hub_advisor)
    response = client.post(
        "/hub/imports/", {"kind": "services_delivered", "file": upload, "delimiter": "auto", "encoding": "auto"}
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert run.kind == ImportRun.Kind.SERVICES_DELIVERED and not ServiceRecord.objects.exists()  # a dry run
    assert client.post(f"/hub/imports/{run.pk}/commit/").status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.customer_id, record.attendees, str(record.aid), record.source) == (org_a.pk, 12, "375.00", "import")
