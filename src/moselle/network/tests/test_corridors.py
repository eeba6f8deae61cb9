"""Corridors and collaborations with other hubs: the hub's staff start and change a corridor, attach its signed
agreement, and record what the hubs did together; every bad field is named at once and nothing is half-written;
nobody else sees any of it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moselle.accounts.models import User
from moselle.core.models import AuditEntry, StoredFile
from moselle.network import actions
from moselle.network.models import Collaboration, Corridor
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def counts() -> tuple[int, int, int, int]:
    return (
        Corridor.objects.count(),
        Collaboration.objects.count(),
        AuditEntry.objects.filter(action__startswith="co").count(),
        StoredFile.objects.count(),
    )


def refused(action: Any, **kwargs: Any) -> set[str]:
    """Call ``action`` expecting a refusal that writes nothing; the fields it names."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        action(**kwargs)
    assert counts() == before
    return set(caught.value.message_dict)


@pytest.fixture
def corridor(staff: User, hubs: dict[str, Organisation]) -> Corridor:
    return actions.corridor_save(
        actor=staff,
        title="Greater Region declaration",
        scope="Joint events and referrals between the hubs of the Greater Region.",
        partners=[hubs["saar"].pk, hubs["grand_est"].pk],
        started_on="2024-03-01",
    )


# --- corridor_save ----------------------------------------------------------------------------------------------


def test_it_starts_a_corridor_with_its_partners_and_an_audit_entry(staff: User, hubs: dict[str, Organisation]) -> None:
    saved = actions.corridor_save(
        actor=staff,
        title="  Saar-Lor-Lux  ",
        partners=[str(hubs["saar"].pk), hubs["grand_est"], hubs["saar"].pk],
        started_on="2024-03-01",
        ended_on=date(2026, 2, 28),
    )
    saved.refresh_from_db()
    assert saved.title == "Saar-Lor-Lux"
    assert (saved.started_on, saved.ended_on) == (date(2024, 3, 1), date(2026, 2, 28))
    assert set(saved.partners.all()) == {hubs["saar"], hubs["grand_est"]}
    assert saved.created_by == staff
    assert AuditEntry.objects.filter(action="corridor.create", target_id=str(saved.pk)).count() == 1


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": "  "}, {"title"}),
        ({"title": "x" * 201}, {"title"}),
        ({"partners": []}, {"partners"}),
        ({"partners": ["abc"]}, {"partners"}),
        ({"partners": [2_000_000_000]}, {"partners"}),
        ({"started_on": ""}, {"started_on"}),
        ({"started_on": "1st of March"}, {"started_on"}),
        ({"started_on": "2024-02-30"}, {"started_on"}),
        ({"ended_on": "someday"}, {"ended_on"}),
        ({"started_on": "2024-03-01", "ended_on": "2024-02-29"}, {"ended_on"}),
        ({"title": "", "partners": [], "started_on": "garbage"}, {"title", "partners", "started_on"}),
    ],
)
def test_it_names_every_bad_field_of_a_corridor_and_writes_nothing(
    staff: User, hubs: dict[str, Organisation], changes: dict[str, Any], fields: set[str]
) -> None:
    data: dict[str, Any] = {"title": "Corridor", "partners": [hubs["saar"].pk], "started_on": "2024-03-01"}
    assert refused(actions.corridor_save, actor=staff, **{**data, **changes}) == fields


def test_a_partner_must_be_another_hub_of_the_directory(
    staff: User, hubs: dict[str, Organisation], own: Organisation, org_a: Organisation
) -> None:
    data: dict[str, Any] = {"actor": staff, "title": "Corridor", "started_on": "2024-03-01"}
    assert refused(actions.corridor_save, partners=[hubs["saar"].pk, org_a.pk], **data) == {"partners"}
    assert refused(actions.corridor_save, partners=[own.pk], **data) == {"partners"}
    assert refused(actions.corridor_save, partners=[hubs["saar"], own], **data) == {"partners"}
    Organisation.objects.filter(pk=hubs["swiss"].pk).update(is_historical=True)
    assert refused(actions.corridor_save, partners=[hubs["swiss"].pk], **data) == {"partners"}


def test_only_the_hub_staff_start_or_change_a_corridor(
    personas: Any, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    data: dict[str, Any] = {"title": "Corridor", "partners": [hubs["saar"].pk], "started_on": "2024-03-01"}
    for actor in (personas.a["company_member"], personas.a["partner_member"], personas.a["observer"], None):
        assert refused(actions.corridor_save, actor=actor, **data) == {"actor"}
        assert refused(actions.corridor_save, actor=actor, corridor=corridor, **data) == {"actor"}
    corridor.refresh_from_db()
    assert corridor.title == "Greater Region declaration"


def test_a_changed_corridor_keeps_its_row_and_takes_the_new_partners(
    staff: User, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    changed = actions.corridor_save(
        actor=staff,
        corridor=corridor,
        title="Greater Region declaration (renewed)",
        partners=[hubs["cyber"].pk],
        started_on=corridor.started_on,
        ended_on="2027-12-31",
    )
    assert changed.pk == corridor.pk and Corridor.objects.count() == 1
    changed.refresh_from_db()
    assert list(changed.partners.all()) == [hubs["cyber"]]
    assert changed.ended_on == date(2027, 12, 31)
    assert AuditEntry.objects.filter(action="corridor.update", target_id=str(corridor.pk)).count() == 1
    # A refused change leaves the corridor as it was.
    with pytest.raises(ValidationError):
        actions.corridor_save(actor=staff, corridor=corridor, title="Later", partners=[], started_on="2024-01-01")
    changed.refresh_from_db()
    assert changed.title == "Greater Region declaration (renewed)" and list(changed.partners.all()) == [hubs["cyber"]]


# --- collaboration_record ---------------------------------------------------------------------------------------


def test_it_records_a_collaboration_under_a_corridor_with_its_partners(staff: User, corridor: Corridor) -> None:
    made = actions.collaboration_record(
        actor=staff, kind="joint_event", title="Saar-Lux AI day", happened_on="2025-03-14", corridor=corridor
    )
    assert set(made.hubs.all()) == set(corridor.partners.all())
    assert (made.kind, made.happened_on, made.corridor) == ("joint_event", date(2025, 3, 14), corridor)
    assert AuditEntry.objects.filter(action="collaboration.record", target_id=str(made.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "party"}, {"kind"}),
        ({"kind": ""}, {"kind"}),
        ({"title": ""}, {"title"}),
        ({"hubs": []}, {"hubs"}),
        ({"hubs": ["1; DROP TABLE"]}, {"hubs"}),
        ({"happened_on": ""}, {"happened_on"}),
        ({"happened_on": "2025-13-01"}, {"happened_on"}),
        ({"happened_on": "yesterday"}, {"happened_on"}),
        ({"description": "d" * 5001}, {"description"}),
        ({"kind": "party", "title": " ", "happened_on": "x"}, {"kind", "title", "happened_on"}),
    ],
)
def test_it_names_every_bad_field_of_a_collaboration_and_writes_nothing(
    staff: User, hubs: dict[str, Organisation], changes: dict[str, Any], fields: set[str]
) -> None:
    data: dict[str, Any] = {
        "kind": "exchange",
        "title": "Staff exchange",
        "happened_on": "2025-02-03",
        "hubs": [hubs["cyber"].pk],
    }
    assert refused(actions.collaboration_record, actor=staff, **{**data, **changes}) == fields


def test_a_collaboration_is_recorded_once_it_happened_and_not_before_its_corridor(
    staff: User, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    data: dict[str, Any] = {"actor": staff, "kind": "exchange", "title": "Visit", "hubs": [hubs["saar"].pk]}
    assert refused(actions.collaboration_record, happened_on=tomorrow, **data) == {"happened_on"}
    assert refused(actions.collaboration_record, happened_on=tomorrow.isoformat(), **data) == {"happened_on"}
    # The corridor started on 2024-03-01: the day before is refused, the day itself is not.
    assert refused(actions.collaboration_record, happened_on="2024-02-29", corridor=corridor, **data) == {"happened_on"}
    made = actions.collaboration_record(happened_on="2024-03-01", corridor=corridor, **data)
    assert made.happened_on == date(2024, 3, 1)
    today = actions.collaboration_record(happened_on=timezone.localdate(), **data)
    assert today.happened_on == timezone.localdate()


def test_a_collaboration_is_with_other_hubs_only(
    staff: User, hubs: dict[str, Organisation], own: Organisation, org_a: Organisation
) -> None:
    data: dict[str, Any] = {"actor": staff, "kind": "other", "title": "Work", "happened_on": "2025-01-10"}
    assert refused(actions.collaboration_record, hubs=[org_a.pk], **data) == {"hubs"}
    assert refused(actions.collaboration_record, hubs=[own.pk, hubs["saar"].pk], **data) == {"hubs"}
    # Under a corridor without partners left, there is no hub to name.
    empty = Corridor.objects.create(title="Empty", started_on=date(2024, 1, 1))
    assert refused(actions.collaboration_record, corridor=empty, **data) == {"hubs"}


def test_only_the_hub_staff_record_a_collaboration(personas: Any, hubs: dict[str, Organisation]) -> None:
    data: dict[str, Any] = {"kind": "other", "title": "Work", "happened_on": "2025-01-10", "hubs": [hubs["saar"].pk]}
    for actor in (personas.a["company_member"], personas.b["provider_member"], personas.a["observer"]):
        assert refused(actions.collaboration_record, actor=actor, **data) == {"actor"}


# --- The pages --------------------------------------------------------------------------------------------------


def test_staff_start_a_corridor_on_its_page(staff_client: Client, hubs: dict[str, Organisation]) -> None:
    form = staff_client.get(reverse("corridor_new"), {"partner": hubs["saar"].pk})
    assert form.status_code == 200
    assert form.context["form"].initial["partners"] == [hubs["saar"].pk]
    response = staff_client.post(
        reverse("corridor_new"),
        {
            "title": "Greater Region declaration",
            "scope": "Joint events.",
            "partners": [hubs["saar"].pk, hubs["grand_est"].pk],
            "started_on": "2024-03-01",
            "ended_on": "",
        },
    )
    corridor = Corridor.objects.get()
    assert response.status_code == 302 and response.url == reverse("corridor_detail", args=[corridor.pk])
    assert set(corridor.partners.all()) == {hubs["saar"], hubs["grand_est"]} and corridor.ended_on is None
    page = staff_client.get(response.url).content.decode()
    assert "Greater Region declaration" in page and "EDIH Saarland" in page and "EDIH Grand Est" in page
    assert "Greater Region declaration" in staff_client.get(reverse("corridor_list")).content.decode()


def test_the_corridor_form_names_the_bad_fields_and_saves_nothing(
    staff_client: Client, hubs: dict[str, Organisation], own: Organisation, org_a: Organisation
) -> None:
    bad = staff_client.post(
        reverse("corridor_new"),
        {"title": "", "partners": [own.pk], "started_on": "2024-03-01", "ended_on": "2024-01-01"},
    )
    assert bad.status_code == 400
    assert {"title", "partners"} <= set(bad.context["form"].errors)
    ends_early = staff_client.post(
        reverse("corridor_new"),
        {"title": "T", "partners": [hubs["saar"].pk], "started_on": "2024-03-01", "ended_on": "2024-01-01"},
    )
    assert ends_early.status_code == 400 and set(ends_early.context["form"].errors) == {"ended_on"}
    company = staff_client.post(
        reverse("corridor_new"), {"title": "T", "partners": [org_a.pk], "started_on": "2024-03-01"}
    )
    assert company.status_code == 400 and set(company.context["form"].errors) == {"partners"}
    assert not Corridor.objects.exists()


def test_staff_change_a_corridor_on_its_page(
    staff_client: Client, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    form = staff_client.get(reverse("corridor_edit", args=[corridor.pk]))
    assert form.status_code == 200
    assert set(form.context["form"].initial["partners"]) == {hubs["saar"].pk, hubs["grand_est"].pk}
    response = staff_client.post(
        reverse("corridor_edit", args=[corridor.pk]),
        {"title": "Renewed", "partners": [hubs["cyber"].pk], "started_on": "2024-03-01", "ended_on": "2026-12-31"},
    )
    assert response.status_code == 302
    corridor.refresh_from_db()
    assert (corridor.title, corridor.ended_on) == ("Renewed", date(2026, 12, 31))
    assert list(corridor.partners.all()) == [hubs["cyber"]]
    assert Corridor.objects.count() == 1


def test_staff_attach_the_signed_agreement_to_a_corridor(staff_client: Client, corridor: Corridor) -> None:
    upload = SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf")
    response = staff_client.post(reverse("corridor_document", args=[corridor.pk]), {"document": upload})
    assert response.status_code == 302 and response.url == reverse("corridor_detail", args=[corridor.pk])
    stored = corridor.documents.get()
    assert (stored.original_name, stored.content_type, stored.size) == ("agreement.pdf", "application/pdf", len(PDF))
    page = staff_client.get(reverse("corridor_detail", args=[corridor.pk])).content.decode()
    assert "agreement.pdf" in page and reverse("file_download", args=[stored.pk]) in page
    download = staff_client.get(reverse("file_download", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("agreement.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
    ],
)
def test_a_file_of_a_forbidden_type_is_refused_with_the_field_named(
    staff_client: Client, corridor: Corridor, name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = staff_client.post(reverse("corridor_document", args=[corridor.pk]), {"document": upload})
    assert response.status_code == 400
    assert set(response.context["document_form"].errors) == {"document"}
    assert not corridor.documents.exists() and not StoredFile.objects.exists()


def test_a_company_member_finds_no_corridor_page(
    member_client: Client, staff_client: Client, corridor: Corridor, hubs: dict[str, Organisation]
) -> None:
    upload = SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf")
    staff_client.post(reverse("corridor_document", args=[corridor.pk]), {"document": upload})
    stored = corridor.documents.get()
    data = {"title": "Mine", "partners": [hubs["saar"].pk], "started_on": "2024-03-01"}
    for path in (
        reverse("corridor_list"),
        reverse("corridor_new"),
        reverse("corridor_detail", args=[corridor.pk]),
        reverse("corridor_edit", args=[corridor.pk]),
        reverse("collaboration_new"),
        reverse("file_download", args=[stored.pk]),
    ):
        assert member_client.get(path).status_code == 404, path
    for path in (reverse("corridor_new"), reverse("corridor_edit", args=[corridor.pk])):
        assert member_client.post(path, data).status_code == 404, path
    other = SimpleUploadedFile("mine.pdf", PDF, content_type="application/pdf")
    assert member_client.post(reverse("corridor_document", args=[corridor.pk]), {"document": other}).status_code == 404
    collaboration = {"kind": "other", "title": "Mine", "happened_on": "2025-01-10", "hubs": [hubs["saar"].pk]}
    assert member_client.post(reverse("collaboration_new"), collaboration).status_code == 404
    corridor.refresh_from_db()
    assert corridor.title == "Greater Region declaration" and corridor.documents.count() == 1
    assert Corridor.objects.count() == 1 and not Collaboration.objects.exists()


def test_an_unknown_corridor_is_not_found_for_staff(staff_client: Client, corridor: Corridor) -> None:
    for corridor_id in (corridor.pk + 1, 2_147_483_648):
        assert staff_client.get(f"/network/corridors/{corridor_id}/").status_code == 404
        assert staff_client.get(f"/network/corridors/{corridor_id}/edit/").status_code == 404


def test_a_collaboration_under_a_corridor_with_no_hub_chosen_names_its_partners(
    staff_client: Client, corridor: Corridor
) -> None:
    form = staff_client.get(reverse("collaboration_new"), {"corridor": corridor.pk})
    assert form.status_code == 200 and form.context["form"].initial["corridor"] == corridor.pk
    response = staff_client.post(
        reverse("collaboration_new"),
        {"kind": "joint_event", "title": "Greater Region AI day", "happened_on": "2025-03-14", "corridor": corridor.pk},
    )
    assert response.status_code == 302 and response.url == reverse("corridor_detail", args=[corridor.pk])
    made = Collaboration.objects.get()
    assert made.corridor == corridor and made.kind == "joint_event"
    assert set(made.hubs.all()) == set(corridor.partners.all())
    page = staff_client.get(response.url).content.decode()
    assert "Greater Region AI day" in page


def test_the_collaboration_form_names_the_bad_fields_and_records_nothing(
    staff_client: Client, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = staff_client.post(
        reverse("collaboration_new"),
        {"kind": "exchange", "title": "Visit", "happened_on": tomorrow, "hubs": [hubs["cyber"].pk]},
    )
    assert future.status_code == 400 and set(future.context["form"].errors) == {"happened_on"}
    early = staff_client.post(
        reverse("collaboration_new"),
        {"kind": "exchange", "title": "Visit", "happened_on": "2024-01-01", "corridor": corridor.pk},
    )
    assert early.status_code == 400 and set(early.context["form"].errors) == {"happened_on"}
    nothing = staff_client.post(
        reverse("collaboration_new"), {"kind": "party", "title": "", "happened_on": "2024-01-01"}
    )
    assert nothing.status_code == 400 and {"kind", "title"} <= set(nothing.context["form"].errors)
    no_hub = staff_client.post(
        reverse("collaboration_new"), {"kind": "exchange", "title": "Visit", "happened_on": "2025-01-01"}
    )
    assert no_hub.status_code == 400 and set(no_hub.context["form"].errors) == {"hubs"}
    assert not Collaboration.objects.exists()
    # Without a corridor, the page goes back to the list.
    done = staff_client.post(
        reverse("collaboration_new"),
        {"kind": "exchange", "title": "Visit", "happened_on": "2025-01-01", "hubs": [hubs["cyber"].pk]},
    )
    assert done.status_code == 302 and done.url == reverse("corridor_list")
    assert list(Collaboration.objects.get().hubs.all()) == [hubs["cyber"]]


# --- The partners' files change ---------------------------------------------------------------------------------


def test_merging_a_partner_hub_into_another_moves_its_corridors_and_collaborations(
    staff: User, staff_client: Client, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    from moselle.network import figures
    from moselle.network.tests.conftest import make_hub
    from moselle.organisations.merging import organisation_merge
    from moselle.reporting.kpis import Filters, Period

    # The same hub registered twice: by hand, then by the European catalogue's import.
    twin = make_hub("Saarland hub (registered by hand)", "DE")
    corridor.partners.add(twin)
    first = actions.collaboration_record(
        actor=staff, kind="exchange", title="Visit", happened_on="2025-02-03", hubs=[twin.pk]
    )
    second = actions.collaboration_record(
        actor=staff, kind="exchange", title="Return visit", happened_on="2025-03-03", hubs=[hubs["saar"].pk]
    )
    organisation_merge(actor=staff, kept=hubs["saar"], merged=twin)
    assert set(corridor.partners.all()) == {hubs["saar"], hubs["grand_est"]}
    assert list(first.hubs.all()) == [hubs["saar"]] and list(second.hubs.all()) == [hubs["saar"]]
    # One hub collaborated with, not two.
    year = Period(start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert figures.collaborating_hubs(year, Filters()) == 1
    # The kept hub's page lists the corridor, and the corridor can still be changed.
    assert (
        "Greater Region declaration"
        in staff_client.get(reverse("directory_hub", args=[hubs["saar"].pk])).content.decode()
    )
    form = staff_client.get(reverse("corridor_edit", args=[corridor.pk])).context["form"]
    response = staff_client.post(
        reverse("corridor_edit", args=[corridor.pk]),
        {**form.initial, "started_on": "2024-03-01", "ended_on": "2026-12-31"},
    )
    assert response.status_code == 302, response.context["form"].errors


def test_a_corridor_keeps_a_partner_that_has_since_left_the_catalogue(
    staff_client: Client, hubs: dict[str, Organisation], corridor: Corridor
) -> None:
    # Grand Est is no longer listed; the corridor with it ends, and staff record the end.
    Organisation.objects.filter(pk=hubs["grand_est"].pk).update(is_historical=True)
    response = staff_client.post(
        reverse("corridor_edit", args=[corridor.pk]),
        {
            "title": corridor.title,
            "partners": [hubs["saar"].pk, hubs["grand_est"].pk],
            "started_on": "2024-03-01",
            "ended_on": "2025-12-31",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    corridor.refresh_from_db()
    assert corridor.ended_on == date(2025, 12, 31)
    assert set(corridor.partners.all()) == {hubs["saar"], hubs["grand_est"]}
