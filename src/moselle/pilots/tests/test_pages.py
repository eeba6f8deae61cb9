"""The pilots pages, walked with the test client: who sees each page (404 for anyone else), what a bad input
gets (the field's message, 400, nothing written), that every write lands through the actions, the documents
served only to the project's people, and the facility calendar (month, week, htmx fragment, bad parameters, one
query for the bookings)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models_taxonomy import Technology
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.pilots import actions
from moselle.pilots.models import Booking, Criterion, Document, Facility, Gate, Milestone, Partner, Project, Stage
from moselle.reporting.models import Grant, ServiceRecord

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HPC = "High performance computing"


def _organisation(name: str, kind: str) -> Organisation:
    organisation = Organisation.objects.create(name=name, country="LU")
    OrganisationKind.objects.create(organisation=organisation, kind=kind)
    return organisation


@pytest.fixture
def technology(db: Any) -> Technology:
    found, _created = Technology.objects.get_or_create(name=HPC, defaults={"label": {"en": HPC}, "position": 1})
    return found


@pytest.fixture
def advisor(make_user: Any) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def company(db: Any) -> Organisation:
    return _organisation("Atelier Moselle", Organisation.Kind.COMPANY)


@pytest.fixture
def institute(db: Any) -> Organisation:
    return _organisation("Institut de Recherche", Organisation.Kind.RESEARCH_ORGANISATION)


@pytest.fixture
def university(db: Any) -> Organisation:
    return _organisation("Université du Luxembourg", Organisation.Kind.RESEARCH_ORGANISATION)


@pytest.fixture
def other_company(db: Any) -> Organisation:
    return _organisation("Boulangerie Schmit", Organisation.Kind.COMPANY)


@pytest.fixture
def company_member(make_user: Any, company: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, company)


@pytest.fixture
def institute_member(make_user: Any, institute: Organisation) -> User:
    return make_user(Role.PARTNER_MEMBER, institute)


@pytest.fixture
def stranger(make_user: Any, other_company: Organisation) -> User:
    """A member of another company: no right over the project."""
    return make_user(Role.COMPANY_MEMBER, other_company)


@pytest.fixture
def loner(make_user: Any) -> User:
    """Signed in, member of no organisation."""
    return make_user()


def facility_data(**more: Any) -> dict[str, Any]:
    return {
        "kind": "hpc",
        "unit": "core_hours",
        "capacity": 100,
        "period": "day",
        "access_conditions": {"en": "Academic partners first"},
        "available_from": (timezone.localdate() - timedelta(days=400)).isoformat(),
        "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
        "price_per_unit": "0.05",
        **more,
    }


@pytest.fixture
def facility(advisor: User, institute: Organisation) -> Facility:
    """The institute's HPC system: 100 core-hours a day, every day, published."""
    offer = make_offer(
        institute,
        status=Offer.Status.PUBLISHED,
        kind=Offer.Kind.TEST_FACILITY,
        title={"en": "Meluxina slice", "fr": "Tranche Meluxina"},
    )
    return actions.facility_save(actor=advisor, offer=offer, data=facility_data())


def project_data(technology: Technology, **more: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "kind": "pilot",
        "title": "Predictive maintenance on the press line",
        "technologies": [technology.name],
        "scope": "Two presses, six months of sensor data.",
        "objectives": "Show that failures are predicted a day ahead.",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=120)).isoformat(),
        "aid_amount": "5000",
        "aid_basis": "de_minimis",
        **more,
    }


@pytest.fixture
def project(advisor: User, company: Organisation, technology: Technology) -> Project:
    return actions.project_create(actor=advisor, organisation=company, data=project_data(technology))


@pytest.fixture
def planned(advisor: User, project: Project, institute: Organisation, university: Organisation) -> Project:
    """The project with its two partners, a success criterion and a milestone of the institute's."""
    actions.partner_save(
        actor=advisor, project=project, data={"organisation": institute.pk, "role": "performs", "budget": "8000"}
    )
    actions.partner_save(
        actor=advisor, project=project, data={"organisation": university.pk, "role": "advises", "budget": "2000"}
    )
    actions.criterion_save(actor=advisor, project=project, data={"text": "Failures predicted", "target": "80 %"})
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    actions.milestone_save(
        actor=advisor, project=project, data={"title": "Model trained", "due_on": due, "owner": institute.pk}
    )
    return project


def upload(name: str = "scope.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def body(response: Any) -> str:
    """The page as a person reads it (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


# --- The board ------------------------------------------------------------------------------------------------


def test_the_board_shows_the_projects_by_stage_to_those_who_take_part(
    client_for: Any, advisor: User, planned: Project, institute_member: User, stranger: User, technology: Technology
) -> None:
    finished = actions.project_create(
        actor=advisor, organisation=planned.organisation, data=project_data(technology, title="Old vision pilot")
    )
    actions.project_stop(actor=advisor, project=finished, reason="The company changed its plans")

    page = client_for(advisor).get("/pilots/")
    assert page.status_code == 200
    columns = page.context["columns"]
    assert [c.stage for c in columns] == [
        Stage.SCOPING,
        Stage.FEASIBILITY,
        Stage.EXECUTION,
        Stage.EVALUATION,
        Stage.DECISION,
    ]
    assert [p.title for p in columns[0].projects] == [planned.title]
    assert all(not c.projects for c in columns[1:])
    assert [p.title for p in page.context["finished"]] == ["Old vision pilot"]
    assert "New project" in body(page) and "proof of concept or pilot" in body(page)

    # A partner's member sees the project it works on; a stranger sees an empty board; the log-in is required.
    partner_page = client_for(institute_member).get("/pilots/")
    assert planned.title in body(partner_page) and "New project" not in body(partner_page)
    empty = client_for(stranger).get("/pilots/")
    assert empty.status_code == 200 and planned.title not in body(empty)
    assert client_for(None).get("/pilots/").status_code == 302
    assert client_for(advisor).get("/pilots/?kind=poc").context["columns"][0].projects == []
    refused = client_for(advisor).get("/pilots/?kind=moonshot")
    assert refused.status_code == 400 and "choose proof of concept or pilot" in body(refused)


def test_staff_open_a_project_and_a_bad_input_is_named_at_its_field(
    client_for: Any, advisor: User, company: Organisation, company_member: User, technology: Technology
) -> None:
    from moselle.journeys.models import Need

    need = Need.objects.create(organisation=company, source="manual", title="Stop unplanned downtime", gap=1)
    client = client_for(advisor)
    page = client.get(f"/pilots/new/?organisation={company.pk}")
    assert page.status_code == 200 and "Stop unplanned downtime" in body(page)
    form = {
        "organisation": company.pk,
        "kind": "poc",
        "title": "",
        "technologies": [technology.name],
        "need": need.pk,
        "scope": "Two presses",
        "objectives": "Predict failures",
        "starts_on": "next week",
        "ends_on": "2030-01-31",
        "aid_basis": "none",
    }
    refused = client.post("/pilots/new/", form)
    assert refused.status_code == 400
    assert "Give the project a title." in body(refused) and "Give a date as YYYY-MM-DD." in body(refused)
    assert not Project.objects.exists()
    made = client.post("/pilots/new/", {**form, "title": "Vision check", "starts_on": "2030-01-02"})
    assert made.status_code == 302
    project = Project.objects.get()
    assert (project.title, project.need, project.stage) == ("Vision check", need, Stage.SCOPING)
    assert made["Location"] == f"/pilots/{project.pk}/"
    assert client_for(company_member).get("/pilots/new/").status_code == 404


def test_staff_change_a_project_on_its_edit_page_and_a_bad_date_writes_nothing(
    client_for: Any, advisor: User, company_member: User, planned: Project
) -> None:
    client = client_for(advisor)
    page = client.get(f"/pilots/{planned.pk}/edit/")
    assert page.status_code == 200 and planned.title in body(page)
    form = dict(page.context["form"].initial)
    form.pop("organisation")
    refused = client.post(f"/pilots/{planned.pk}/edit/", {**form, "title": "Renamed", "ends_on": "1999-01-01"})
    assert refused.status_code == 400 and "The project cannot end before it starts." in body(refused)
    planned.refresh_from_db()
    assert planned.title != "Renamed"
    saved = client.post(f"/pilots/{planned.pk}/edit/", {**form, "title": "Renamed"})
    assert saved.status_code == 302 and saved["Location"] == f"/pilots/{planned.pk}/"
    planned.refresh_from_db()
    assert planned.title == "Renamed" and planned.organisation_id is not None
    assert client_for(company_member).get(f"/pilots/{planned.pk}/edit/").status_code == 404


# --- The project page -------------------------------------------------------------------------------------------


def test_the_project_page_shows_to_the_company_and_the_partners_and_is_404_for_anyone_else(
    client_for: Any,
    advisor: User,
    planned: Project,
    company_member: User,
    institute_member: User,
    stranger: User,
    loner: User,
) -> None:
    url = f"/pilots/{planned.pk}/"
    staff_page = client_for(advisor).get(url)
    assert staff_page.status_code == 200
    text = body(staff_page)
    assert "Institut de Recherche" in text and "10000.00" in text  # the partners' budgets and their total
    assert "Pass into feasibility" in text and "Add the partner" in text and "Stop the project" in text
    company_page = client_for(company_member).get(url)
    assert company_page.status_code == 200
    assert "Pass into" not in body(company_page) and "Add the partner" not in body(company_page)
    assert "Upload" in body(company_page)
    partner_page = client_for(institute_member).get(url)
    assert partner_page.status_code == 200 and "Mark done" in body(partner_page)  # the institute owes it
    assert "Mark done" not in body(company_page)
    for outsider in (stranger, loner):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(advisor).get("/pilots/99999999999/").status_code == 404


def test_the_project_forms_name_a_bad_input_at_its_field_answer_400_and_write_nothing(
    client_for: Any, advisor: User, planned: Project, company: Organisation, institute: Organisation
) -> None:
    client = client_for(advisor)
    url = f"/pilots/{planned.pk}"

    criterion = client.post(f"{url}/criteria/", {"text": " ", "target": "x"})
    assert criterion.status_code == 400 and "Say what success looks like." in body(criterion)
    assert Criterion.objects.filter(project=planned).count() == 1

    partner = client.post(f"{url}/partners/", {"organisation": company.pk, "role": "performs"})
    assert partner.status_code == 400 and "Select a valid choice" in body(partner)
    assert Partner.objects.filter(project=planned).count() == 2

    milestone = client.post(
        f"{url}/milestones/", {"kind": "deliverable", "title": "Report", "due_on": "soon", "owner": institute.pk}
    )
    assert milestone.status_code == 400 and "Give a date as YYYY-MM-DD." in body(milestone)
    assert Milestone.objects.filter(project=planned).count() == 1

    skipped = client.post(f"{url}/gate/", {"to_stage": "execution", "reason": "In a hurry"})
    assert skipped.status_code == 400 and "no gate is skipped" in body(skipped)
    no_reason = client.post(f"{url}/gate/", {"to_stage": "feasibility", "reason": ""})
    assert no_reason.status_code == 400 and "Say why the project passes the gate." in body(no_reason)
    assert not Gate.objects.filter(project=planned).exists()

    stop = client.post(f"{url}/stop/", {"reason": ""})
    assert stop.status_code == 400 and "Say why the project stops." in body(stop)
    decision = client.post(f"{url}/decision/", {"decision": "go", "decision_reason": "Works"})
    assert decision.status_code == 400 and "pass the evaluation first" in body(decision)
    planned.refresh_from_db()
    assert (planned.stage, planned.status, planned.decision) == (Stage.SCOPING, Project.Status.ACTIVE, "")

    remove = client.post(f"/pilots/partners/{planned.partners.get(role='performs').pk}/remove/")
    assert remove.status_code == 400 and "owes milestones" in body(remove)
    assert Partner.objects.filter(project=planned).count() == 2


def test_staff_only_forms_are_404_for_the_company(client_for: Any, company_member: User, planned: Project) -> None:
    client = client_for(company_member)
    assert client.post(f"/pilots/{planned.pk}/gate/", {"to_stage": "feasibility", "reason": "x"}).status_code == 404
    assert client.post(f"/pilots/{planned.pk}/criteria/", {"text": "More"}).status_code == 404
    assert client.post(f"/pilots/{planned.pk}/bookings/", {"units": "1"}).status_code == 404
    assert not Gate.objects.exists() and Criterion.objects.count() == 1


def _pass(client: Any, project: Project, stage: str) -> None:
    answer = client.post(f"/pilots/{project.pk}/gate/", {"to_stage": stage, "reason": f"Ready for {stage}"})
    assert answer.status_code == 302, body(answer)


def test_a_pilot_goes_through_every_gate_on_its_page_and_the_company_signs_it_off(
    client_for: Any,
    advisor: User,
    planned: Project,
    facility: Facility,
    company_member: User,
    institute_member: User,
) -> None:
    staff = client_for(advisor)
    url = f"/pilots/{planned.pk}"
    _pass(staff, planned, Stage.FEASIBILITY)
    _pass(staff, planned, Stage.EXECUTION)
    planned.refresh_from_db()
    grant = Grant.objects.get(organisation=planned.organisation)
    record = ServiceRecord.objects.get(customer=planned.organisation)
    assert (planned.grant, planned.service_record, grant.amount) == (grant, record, Decimal("5000.00"))
    page = body(staff.get(f"{url}/"))
    assert f"/aid/grants/{grant.pk}/" in page and f"/services/{record.pk}/" in page
    company_page = body(client_for(company_member).get(f"{url}/"))
    assert f"/aid/grants/{grant.pk}/" in company_page and f"/services/{record.pk}/" not in company_page

    today = timezone.localdate()
    booked = staff.post(
        f"{url}/bookings/", {"facility": facility.pk, "starts_on": today.isoformat(), "units": "40", "note": ""}
    )
    assert booked.status_code == 302
    # The facility's owner, a partner of the project, books its own facility too.
    tomorrow = (today + timedelta(days=1)).isoformat()
    owner_booked = client_for(institute_member).post(
        f"{url}/bookings/", {"facility": facility.pk, "starts_on": tomorrow, "units": "10"}
    )
    assert owner_booked.status_code == 302
    assert Booking.objects.filter(project=planned, period_start=tomorrow, units=10).exists()
    booking = Booking.objects.get(project=planned, period_start=today)
    # The facility's owner (the institute) records the use; the company does not see the form.
    assert "Record the use" not in body(client_for(company_member).get(f"{url}/"))
    over = client_for(institute_member).post(f"/pilots/bookings/{booking.pk}/usage/", {"used": "41"})
    assert over.status_code == 400 and "Give a whole number from 0 to 40." in body(over)
    used = client_for(institute_member).post(f"/pilots/bookings/{booking.pk}/usage/", {"used": "38"})
    assert used.status_code == 302
    booking.refresh_from_db()
    assert booking.used == 38

    milestone = planned.milestones.get()
    done = client_for(institute_member).post(f"/pilots/milestones/{milestone.pk}/done/", {"done_on": ""})
    assert done.status_code == 302
    _pass(staff, planned, Stage.EVALUATION)
    criterion = planned.criteria.get()
    missing = staff.post(f"/pilots/criteria/{criterion.pk}/result/", {"result": "91 % predicted", "met": ""})
    assert missing.status_code == 400 and "Say whether the criterion was met." in body(missing)
    staff.post(f"/pilots/criteria/{criterion.pk}/result/", {"result": "91 % predicted", "met": "yes"})
    _pass(staff, planned, Stage.DECISION)
    assert "Record the go/no-go" in body(staff.get(f"{url}/"))
    assert "Sign off" not in body(staff.get(f"{url}/"))
    decided = staff.post(
        f"{url}/decision/",
        {"decision": "go", "decision_reason": "Predictions good enough", "lessons": "Label the data first"},
    )
    assert decided.status_code == 302
    # Only the company signs off: the hub is refused, the company's member is shown the form and signs.
    refused = staff.post(f"{url}/sign-off/", {"note": ""})
    assert refused.status_code == 400 and "Only the company's members sign its project off." in body(refused)
    company_page = body(client_for(company_member).get(f"{url}/"))
    assert "Sign off" in company_page
    signed = client_for(company_member).post(f"{url}/sign-off/", {"note": "Agreed"})
    assert signed.status_code == 302
    planned.refresh_from_db()
    record.refresh_from_db()
    assert (planned.status, planned.decision, planned.sign_off_note) == (Project.Status.COMPLETED, "go", "Agreed")
    assert record.ended_on == today
    assert [g.to_stage for g in planned.gates.order_by("decided_at", "id")] == list(
        Stage.values[1:]
    ) and "Label the data first" in body(staff.get(f"{url}/"))


def test_a_booking_beyond_the_capacity_is_refused_at_the_units_and_nothing_is_booked(
    client_for: Any, advisor: User, planned: Project, facility: Facility
) -> None:
    client = client_for(advisor)
    _pass(client, planned, Stage.FEASIBILITY)
    # Two facilities on offer: the one booked is the second of the list.
    lab = make_offer(
        facility.offer.provider, status=Offer.Status.PUBLISHED, kind=Offer.Kind.TEST_FACILITY, title={"en": "AI lab"}
    )
    assert lab.pk > facility.offer_id
    facility = actions.facility_save(actor=advisor, offer=lab, data=facility_data(unit="gpu_hours"))
    start = timezone.localdate() + timedelta(days=3)
    form = {"facility": facility.pk, "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=2)).isoformat()}
    assert client.post(f"/pilots/{planned.pk}/bookings/", {**form, "units": "60"}).status_code == 302
    assert Booking.objects.filter(project=planned).count() == 3
    over = client.post(f"/pilots/{planned.pk}/bookings/", {**form, "units": "41"})
    assert over.status_code == 400 and "Only 40 GPU-hours left" in body(over)
    bad = client.post(f"/pilots/{planned.pk}/bookings/", {**form, "units": "many"})
    assert bad.status_code == 400 and "Give a whole number" in body(bad)
    assert Booking.objects.filter(project=planned).count() == 3
    booking = Booking.objects.filter(project=planned).first()
    assert booking is not None
    cancelled = client.post(f"/pilots/bookings/{booking.pk}/cancel/")
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    again = client.post(f"/pilots/bookings/{booking.pk}/cancel/")
    assert again.status_code == 400 and "cancelled already" in body(again)


# --- Documents ----------------------------------------------------------------------------------------------------


def test_documents_are_uploaded_checked_and_served_only_to_the_project_people(
    client_for: Any,
    advisor: User,
    planned: Project,
    company_member: User,
    institute_member: User,
    stranger: User,
    loner: User,
) -> None:
    url = f"/pilots/{planned.pk}/documents/"
    refused = client_for(company_member).post(url, {"file": upload("run.exe", b"MZ\x90\x00binary"), "title": ""})
    assert refused.status_code == 400 and "This type of file is not accepted." in body(refused)
    missing = client_for(company_member).post(url, {"title": "Scope"})
    assert missing.status_code == 400 and "Choose a file." in body(missing)
    assert not Document.objects.exists()
    assert client_for(stranger).post(url, {"file": upload(), "title": "Scope"}).status_code == 404

    added = client_for(company_member).post(url, {"file": upload(), "title": "Signed scope"})
    assert added.status_code == 302
    document = Document.objects.get()
    page = body(client_for(institute_member).get(f"/pilots/{planned.pk}/"))
    assert "Signed scope" in page and document.file.sha256[:12] in page and "scope.pdf" in page

    for reader in (company_member, institute_member, advisor):
        answer = client_for(reader).get(f"/pilots/documents/{document.pk}/")
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == PDF
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Content-Disposition"].startswith("attachment")
    for outsider in (stranger, loner):
        assert client_for(outsider).get(f"/pilots/documents/{document.pk}/").status_code == 404
    assert client_for(None).get(f"/pilots/documents/{document.pk}/").status_code == 302

    # Only who uploaded it (or the hub) removes it; for anyone else the route does not exist.
    assert client_for(institute_member).post(f"/pilots/documents/{document.pk}/remove/").status_code == 404
    assert Document.objects.exists()
    assert client_for(company_member).post(f"/pilots/documents/{document.pk}/remove/").status_code == 302
    assert not Document.objects.exists()


# --- The company's view -------------------------------------------------------------------------------------------


def test_the_company_sees_its_projects_with_the_next_milestone_and_its_sign_off_to_give(
    client_for: Any,
    advisor: User,
    planned: Project,
    company: Organisation,
    company_member: User,
    institute_member: User,
    stranger: User,
) -> None:
    url = f"/organisations/{company.pk}/pilots/"
    page = client_for(company_member).get(url)
    assert page.status_code == 200
    assert planned.title in body(page) and "Model trained" in body(page) and "sign-off is awaited" not in body(page)
    assert "New project" not in body(page)
    assert "New project" in body(client_for(advisor).get(url))
    for outsider in (institute_member, stranger):
        assert client_for(outsider).get(url).status_code == 404
    Project.objects.filter(pk=planned.pk).update(stage=Stage.DECISION, status=Project.Status.DECIDED, decision="go")
    assert "your sign-off is awaited" in body(client_for(company_member).get(url))
    organisation_page = body(client_for(company_member).get(f"/organisations/{company.pk}/"))
    assert url in organisation_page


# --- Facilities -----------------------------------------------------------------------------------------------------


def test_the_facilities_are_listed_and_shown_with_their_details_and_calendar(
    client_for: Any, facility: Facility, stranger: User
) -> None:
    listing = client_for(None).get("/facilities/")
    assert listing.status_code == 200
    assert (
        "Meluxina slice" in body(listing) and "core-hours" in body(listing) and "Institut de Recherche" in body(listing)
    )
    page = client_for(stranger).get(f"/facilities/{facility.offer_id}/")
    assert page.status_code == 200
    assert "Academic partners first" in body(page) and '<div id="calendar"' in body(page) and "<caption>" in body(page)
    assert "Change the facility's details" not in body(page)
    draft = make_offer(facility.offer.provider, kind=Offer.Kind.TEST_FACILITY)
    assert client_for(stranger).get(f"/facilities/{draft.pk}/").status_code == 404
    service = make_offer(facility.offer.provider, status=Offer.Status.PUBLISHED)
    assert client_for(stranger).get(f"/facilities/{service.pk}/").status_code == 404


def test_the_owner_gives_a_draft_facility_its_details_and_a_bad_capacity_is_named(
    client_for: Any, advisor: User, institute: Organisation, institute_member: User, stranger: User
) -> None:
    offer = make_offer(institute, kind=Offer.Kind.TEST_FACILITY, title={"en": "AI lab"})
    catalogue = body(client_for(institute_member).get(f"/catalogue/{offer.pk}/"))
    assert f"/facilities/{offer.pk}/edit/" in catalogue
    client = client_for(institute_member)
    assert client.get(f"/facilities/{offer.pk}/edit/").status_code == 200
    form = {
        "kind": "ai_lab",
        "unit": "gpu_hours",
        "capacity": "0",
        "period": "week",
        "access_conditions": "SMEs of the Greater Region",
        "available_from": "2026-01-01",
        "available_until": "2025-01-01",
        "price_per_unit": "2.50",
    }
    refused = client.post(f"/facilities/{offer.pk}/edit/", form)
    assert refused.status_code == 400
    assert "Give a whole number from 1" in body(refused) and "a day before it is available from" in body(refused)
    assert not Facility.objects.filter(offer=offer).exists()
    saved = client.post(f"/facilities/{offer.pk}/edit/", {**form, "capacity": "200", "available_until": ""})
    assert saved.status_code == 302
    facility = Facility.objects.get(offer=offer)
    assert (facility.capacity, facility.period, facility.access_conditions) == (
        200,
        "week",
        {"en": "SMEs of the Greater Region"},
    )
    # In French, the French text is added and the English one kept.
    french = client_for(institute_member)
    french.cookies["django_language"] = "fr"
    with_fr = french.post(
        f"/facilities/{offer.pk}/edit/",
        {**form, "capacity": "200", "available_until": "", "access_conditions": "PME de la Grande Région"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert with_fr.status_code == 302
    facility.refresh_from_db()
    assert facility.access_conditions == {"en": "SMEs of the Greater Region", "fr": "PME de la Grande Région"}
    assert client_for(stranger).get(f"/facilities/{offer.pk}/edit/").status_code == 404
    assert client_for(advisor).get(f"/facilities/{offer.pk}/edit/").status_code == 200


# --- The calendar -----------------------------------------------------------------------------------------------------


def _book(advisor: User, project: Project, facility: Facility, first: date, last: date, units: int) -> None:
    actions.book(
        actor=advisor,
        project=project,
        facility=facility,
        data={"starts_on": first.isoformat(), "ends_on": last.isoformat(), "units": units},
    )


def test_the_month_shows_each_day_booked_and_free_and_names_projects_only_to_their_people(
    client_for: Any, advisor: User, planned: Project, facility: Facility, company_member: User, stranger: User
) -> None:
    Facility.objects.filter(pk=facility.pk).update(open_weekdays=[0, 1, 2, 3, 4])
    facility.refresh_from_db()
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday() + 7)
    _book(advisor, planned, facility, monday, monday + timedelta(days=1), 30)
    url = f"/facilities/{facility.offer_id}/calendar/?view=month&date={monday.isoformat()}"
    page = client_for(company_member).get(url)
    assert page.status_code == 200
    calendar = page.context["calendar"]
    cells = {cell.start: cell for week in calendar.weeks for cell in week}
    assert all(len(week) == 7 for week in calendar.weeks)
    assert (cells[monday].booked, cells[monday].free) == (30, 70)
    assert cells[monday].bookings == [(planned.title, 30)]
    saturday = monday + timedelta(days=5)
    assert cells[saturday].state == "closed" and cells[saturday].free == 0
    assert "30 booked, 70 free" in body(page) and planned.title in body(page) and "closed" in body(page)
    hidden = client_for(stranger).get(url)
    assert "30 booked, 70 free" in body(hidden) and planned.title not in body(hidden)
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 200 and planned.title not in body(anonymous)


def test_the_week_view_and_the_htmx_fragment(
    client_for: Any, advisor: User, planned: Project, facility: Facility
) -> None:
    day = timezone.localdate() + timedelta(days=10)
    _book(advisor, planned, facility, day, day, 25)
    client = client_for(advisor)
    url = f"/facilities/{facility.offer_id}/calendar/?view=week&date={day.isoformat()}"
    page = client.get(url)
    calendar = page.context["calendar"]
    assert calendar.view == "week" and len(calendar.weeks) == 1
    assert calendar.weeks[0][0].start == day - timedelta(days=day.weekday())
    assert sum(c.booked for c in calendar.weeks[0]) == 25
    assert "<html" in body(page)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in body(fragment) and body(fragment).lstrip().startswith('<div id="calendar"')
    assert 'hx-get="/facilities/' in body(fragment) and "Next week" in body(fragment)
    following = (day - timedelta(days=day.weekday()) + timedelta(days=7)).isoformat()
    assert f"date={following}" in body(fragment)


@pytest.mark.parametrize(
    "query",
    ["view=year&date=2027-13-45", "date=9999-12-31", "date=0001-01-01", "view=week&date=" + "9" * 500, "date=%00"],
)
def test_bad_calendar_parameters_fall_back_to_this_month(client_for: Any, facility: Facility, query: str) -> None:
    page = client_for(None).get(f"/facilities/{facility.offer_id}/calendar/?{query}")
    assert page.status_code == 200
    calendar = page.context["calendar"]
    today = timezone.localdate()
    assert calendar.day == today
    assert calendar.view == ("week" if query.startswith("view=week") else "month")


def test_a_weekly_facility_shows_its_weeks_booked_and_free(
    client_for: Any, advisor: User, planned: Project, facility: Facility
) -> None:
    Facility.objects.filter(pk=facility.pk).update(period=Facility.Period.WEEK, capacity=500)
    facility.refresh_from_db()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=14)
    _book(advisor, planned, facility, monday, monday, 120)
    page = client_for(advisor).get(f"/facilities/{facility.offer_id}/calendar/?date={monday.isoformat()}")
    periods = {cell.start: cell for cell in page.context["calendar"].periods}
    assert (periods[monday].booked, periods[monday].free) == (120, 380)
    assert all(start.weekday() == 0 for start in periods)
    assert "120 booked, 380 free" in body(page)


def test_the_calendar_reads_the_bookings_of_the_month_in_one_query(
    client_for: Any,
    advisor: User,
    planned: Project,
    facility: Facility,
    company_member: User,
    technology: Technology,
    django_assert_max_num_queries: Any,
) -> None:
    first = timezone.localdate().replace(day=1) + timedelta(days=40)
    first = first.replace(day=1)
    _book(advisor, planned, facility, first, first, 4)  # so that the projects behind the bookings are looked up
    client = client_for(company_member)
    url = f"/facilities/{facility.offer_id}/calendar/?date={first.isoformat()}"
    client.get(url)  # the session and the user are read once before counting
    with django_assert_max_num_queries(12) as few:
        client.get(url, headers={"HX-Request": "true"})
    baseline = len(few.captured_queries)
    for n in range(4):
        other = actions.project_create(
            actor=advisor, organisation=planned.organisation, data=project_data(technology, title=f"Pilot {n}")
        )
        _book(advisor, other, facility, first, first + timedelta(days=20), 3)
    with django_assert_max_num_queries(baseline) as same:
        page = client.get(url, headers={"HX-Request": "true"})
    booking_reads = [q for q in same.captured_queries if "pilots_booking" in q["sql"]]
    assert len(booking_reads) == 1
    assert "16 booked, 84 free" in body(page) and "12 booked, 88 free" in body(page) and "Pilot 3" in body(page)


def test_a_monthly_facility_shows_the_months_a_week_falls_in_and_past_days_are_not_offered(
    client_for: Any, facility: Facility
) -> None:
    client = client_for(None)
    url = f"/facilities/{facility.offer_id}/calendar/"
    today = timezone.localdate()
    if today.day > 1:  # the month's first day is over: shown as past, without free units
        month = client.get(url).context["calendar"]
        first = next(c for week in month.weeks for c in week if c.start == today.replace(day=1))
        assert (first.state, first.free) == ("past", 0)
    Facility.objects.filter(pk=facility.pk).update(period=Facility.Period.MONTH)
    across = date(2031, 7, 30)  # a Wednesday: its week runs from 28 July to 3 August
    week = client.get(f"{url}?view=week&date={across.isoformat()}").context["calendar"]
    assert [c.start for c in week.periods] == [date(2031, 7, 1), date(2031, 8, 1)]
    assert all(c.free == 100 for c in week.periods)


def test_the_owner_records_the_use_of_a_booking_of_a_project_it_does_not_see_on_the_facility_page(
    client_for: Any, advisor: User, partner_member: User, facility: Facility, project: Project
) -> None:
    today = timezone.localdate()
    (booking,) = actions.book(
        actor=advisor, project=project, facility=facility, data={"units": 40, "starts_on": today.isoformat()}
    )
    client = client_for(partner_member)
    assert client.get(f"/pilots/{project.pk}/").status_code == 404
    page = client.get(f"/facilities/{facility.offer_id}/")
    assert "a project of the hub" in body(page) and project.title not in body(page)
    refused = client.post(f"/pilots/bookings/{booking.pk}/usage/", {"used": "41"}, follow=True)
    assert "Give a whole number from 0 to 40." in body(refused)
    booking.refresh_from_db()
    assert booking.used is None
    saved = client.post(f"/pilots/bookings/{booking.pk}/usage/", {"used": "25"})
    assert saved.status_code == 302 and saved["Location"] == f"/facilities/{facility.offer_id}/"
    booking.refresh_from_db()
    assert booking.used == 25
    assert "Bookings and the units used" not in body(client_for(None).get(f"/facilities/{facility.offer_id}/"))
