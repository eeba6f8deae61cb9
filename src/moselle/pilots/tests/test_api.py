"""The pilots API: facilities read by everyone and changed by their owner, their calendars showing the projects
behind the bookings only to those who see them; projects opened and run by the hub through every gate, booked
by the facility's owner, decided and signed off by the company; documents uploaded and served only to the
project's people. Every bad field is named (422) with nothing written; someone else's project, its rows and its
documents are a 404 that tells nothing of them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import User
from moselle.catalogue.models import Offer
from moselle.core.models import StoredFile
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Criterion, Document, Facility, Gate, Milestone, Partner, Project
from moselle.pilots.tests.conftest import (
    AID,
    HPC,
    PDF,
    MoveTo,
    a_facility_offer,
    add_partners,
    facility_data,
    first_of_month,
    next_month,
    project_data,
    upload,
)
from moselle.reporting.actions import grant_record
from moselle.reporting.ledger import ledger
from moselle.reporting.models import Grant, ServiceRecord

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


def _tells_nothing(response: Any, project: Project) -> None:
    """A 404 as for any absent object: the error body alone, nothing of the project in it."""
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}
    assert project.title.encode() not in response.content
    assert project.organisation.name.encode() not in response.content


@pytest.fixture
def staff(advisor: User) -> Client:
    return _client(advisor)


# --- Facilities ----------------------------------------------------------------------------------------------------


def test_the_facility_list_shows_published_facilities_with_their_details_and_filters(
    company_member: User, partner_member: User, outsider: User, facility: Facility, institute: Organisation
) -> None:
    draft = a_facility_offer(institute, status=Offer.Status.DRAFT, title={"en": "GPU lab"})
    actions.facility_save(actor=partner_member, offer=draft, data=facility_data(kind="ai_lab", unit="gpu_hours"))
    body = _client(company_member).get(f"{API}/facilities").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == facility.offer_id and item["status"] == "published"
    assert item["provider"] == {"id": institute.pk, "name": institute.name}
    assert (item["kind"], item["unit"], item["capacity"], item["period"]) == ("hpc", "core_hours", 1000, "month")
    assert item["price_per_unit"] == "0.05" and item["available_until"] is None
    owner = _client(partner_member)
    assert owner.get(f"{API}/facilities").json()["count"] == 2
    assert owner.get(f"{API}/facilities", {"kind": "ai_lab"}).json()["items"][0]["id"] == draft.pk
    assert owner.get(f"{API}/facilities", {"provider": institute.pk + 1000}).json()["count"] == 0
    assert owner.get(f"{API}/facilities/{draft.pk}").json()["unit"] == "gpu_hours"
    assert _client(outsider).get(f"{API}/facilities/{draft.pk}").status_code == 404
    refused = owner.get(f"{API}/facilities", {"kind": "quantum"})
    assert refused.status_code == 422 and _fields(refused) == {"kind"}


def test_a_facility_is_a_404_when_not_a_test_facility_or_without_details(
    company_member: User, institute: Organisation
) -> None:
    from moselle.catalogue.tests.factories import make_offer

    service = make_offer(institute, status=Offer.Status.PUBLISHED)
    bare = a_facility_offer(institute)
    client = _client(company_member)
    for offer in (service, bare):
        assert client.get(f"{API}/facilities/{offer.pk}").status_code == 404
        assert client.get(f"{API}/facilities/{offer.pk}/calendar").status_code == 404
    assert client.get(f"{API}/facilities/999999").status_code == 404


def test_the_owner_gives_a_facility_its_details_and_bad_fields_are_named(
    partner_member: User, outsider: User, institute: Organisation
) -> None:
    offer = a_facility_offer(institute, status=Offer.Status.DRAFT)
    url = f"{API}/facilities/{offer.pk}"
    body = {
        "kind": "pilot_line",
        "unit": "line_shifts",
        "capacity": 3,
        "period": "day",
        "open_weekdays": [0, 2, 4],
        "price_per_unit": "450",
        "available_from": timezone.localdate().isoformat(),
    }
    assert _json(_client(outsider), "put", url, body).status_code == 404
    saved = _json(_client(partner_member), "put", url, body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["open_weekdays"] == [0, 2, 4] and saved.json()["price_per_unit"] == "450.00"
    bad = {**body, "capacity": 0, "open_weekdays": [9], "price_per_unit": "-1", "available_until": "2000-01-01"}
    refused = _json(_client(partner_member), "put", url, bad)
    assert refused.status_code == 422
    assert _fields(refused) == {"capacity", "open_weekdays", "price_per_unit", "available_until"}
    assert Facility.objects.get(offer=offer).capacity == 3
    schema_refused = _json(_client(partner_member), "put", url, {**body, "unit": "hours", "colour": "red"})
    assert schema_refused.status_code == 422 and _fields(schema_refused) == {"unit", "colour"}


def test_the_calendar_shows_units_to_all_and_projects_only_to_those_who_see_them(
    partner_member: User,
    company_member: User,
    outsider: User,
    advisor: User,
    project: Project,
    facility: Facility,
    institute: Organisation,
    university: Organisation,
) -> None:
    add_partners(advisor, project, institute, university)
    this_month = first_of_month(timezone.localdate())
    actions.book(actor=partner_member, project=project, facility=facility, data={"units": 400, "starts_on": this_month})
    url = f"{API}/facilities/{facility.offer_id}/calendar"
    query = {"start": this_month.isoformat(), "end": (next_month(this_month) + timedelta(days=3)).isoformat()}
    seen = _client(company_member).get(url, query).json()
    assert [p["start"] for p in seen["periods"]] == [this_month.isoformat(), next_month(this_month).isoformat()]
    first, second = seen["periods"]
    assert (first["capacity"], first["booked"], first["free"], first["available"]) == (1000, 400, 600, True)
    assert first["bookings"][0]["project"] == project.pk and first["bookings"][0]["project_title"] == project.title
    assert (second["booked"], second["free"], second["bookings"]) == (0, 1000, [])
    hidden = _client(outsider).get(url, query)
    assert hidden.json()["periods"][0]["booked"] == 400 and hidden.json()["periods"][0]["bookings"] == []
    assert project.title.encode() not in hidden.content
    owner = _client(partner_member).get(url, query).json()
    assert owner["periods"][0]["bookings"][0]["units"] == 400


def test_a_calendar_range_too_long_backwards_or_malformed_names_the_field(
    company_member: User, facility: Facility
) -> None:
    url = f"{API}/facilities/{facility.offer_id}/calendar"
    client = _client(company_member)
    today = timezone.localdate()
    full_year = client.get(url, {"start": today.isoformat(), "end": (today + timedelta(days=365)).isoformat()})
    assert full_year.status_code == 200 and len(full_year.json()["periods"]) in (12, 13)
    for query, field in (
        ({"start": today.isoformat(), "end": (today + timedelta(days=366)).isoformat()}, "end"),
        ({"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()}, "end"),
        ({"start": "next monday"}, "start"),
        ({"start": "9999-12-01", "end": "9999-12-31"}, "start"),
    ):
        refused = client.get(url, query)
        assert refused.status_code == 422 and field in _fields(refused), (query, refused.content)
    default = client.get(url).json()
    assert default["start"] == today.isoformat() and default["end"] == (today + timedelta(days=30)).isoformat()


# --- Projects --------------------------------------------------------------------------------------------------------


def test_staff_open_a_project_and_others_get_404(
    staff: Client, company_member: User, company: Organisation, technologies: Any
) -> None:
    body = {**project_data(), "organisation": company.pk}
    assert _json(_client(company_member), "post", f"{API}/pilots", body).status_code == 404
    made = _json(staff, "post", f"{API}/pilots", body)
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["organisation"] == {"id": company.pk, "name": company.name}
    assert (out["stage"], out["status"], out["kind"]) == ("scoping", "active", "pilot")
    assert out["technologies"] == [HPC] and out["aid_amount"] == "10000.00" and out["aid_basis"] == "de_minimis"
    assert out["grant"] is None and out["service_record"] is None and out["decision"] is None
    assert out["partners"] == out["criteria"] == out["gates"] == out["documents"] == []
    assert Project.objects.get(pk=out["id"]).advisor is not None


def test_a_bad_project_names_every_field_and_writes_nothing(
    staff: Client, company: Organisation, university: Organisation, technologies: Any
) -> None:
    today = timezone.localdate()
    bad = {
        **project_data(),
        "organisation": company.pk,
        "technologies": ["Telepathy"],
        "ends_on": (today - timedelta(days=1)).isoformat(),
        "aid_basis": "none",
        "title": " ",
    }
    refused = _json(staff, "post", f"{API}/pilots", bad)
    assert refused.status_code == 422
    assert _fields(refused) == {"technologies", "ends_on", "aid_basis", "title"}
    for organisation, field in ((999999, "organisation"), (university.pk, "organisation")):
        body = {**project_data(), "organisation": organisation}
        refused = _json(staff, "post", f"{API}/pilots", body)
        assert refused.status_code == 422 and _fields(refused) == {field}, refused.content
    schema_refused = _json(staff, "post", f"{API}/pilots", {**project_data(), "organisation": company.pk, "kind": "x"})
    assert schema_refused.status_code == 422 and _fields(schema_refused) == {"kind"}
    assert not Project.objects.exists()


def test_the_list_shows_each_person_the_projects_they_see_with_filters(
    staff: Client,
    company_member: User,
    university_member: User,
    outsider: User,
    make_project: Any,
    other_company: Organisation,
    advisor: User,
    institute: Organisation,
    university: Organisation,
    move_to: MoveTo,
) -> None:
    ours = make_project()
    theirs = make_project(organisation=other_company, title="Cyber range drill")
    add_partners(advisor, ours, institute, university)
    move_to(ours, "feasibility")
    assert staff.get(f"{API}/pilots").json()["count"] == 2
    assert staff.get(f"{API}/pilots", {"stage": "feasibility"}).json()["items"][0]["id"] == ours.pk
    assert staff.get(f"{API}/pilots", {"organisation": other_company.pk}).json()["items"][0]["id"] == theirs.pk
    assert staff.get(f"{API}/pilots", {"status": "stopped"}).json()["count"] == 0
    assert [p["id"] for p in _client(company_member).get(f"{API}/pilots").json()["items"]] == [ours.pk]
    assert [p["id"] for p in _client(university_member).get(f"{API}/pilots").json()["items"]] == [ours.pk]
    assert [p["id"] for p in _client(outsider).get(f"{API}/pilots").json()["items"]] == [theirs.pk]
    refused = staff.get(f"{API}/pilots", {"stage": "launch"})
    assert refused.status_code == 422 and _fields(refused) == {"stage"}


def test_the_list_and_a_project_cost_the_same_queries_for_one_row_or_many(
    staff: Client,
    advisor: User,
    partner_member: User,
    company_member: User,
    make_project: Any,
    facility: Facility,
    move_to: MoveTo,
    django_assert_max_num_queries: Any,
) -> None:
    project = make_project()
    staff.get(f"{API}/pilots")  # the session's first request loads what every later one finds ready
    with django_assert_max_num_queries(20) as one:
        assert staff.get(f"{API}/pilots").json()["count"] == 1
    for _ in range(4):
        make_project()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert staff.get(f"{API}/pilots").json()["count"] == 5
    with django_assert_max_num_queries(30) as bare:
        assert staff.get(f"{API}/pilots/{project.pk}").status_code == 200
    move_to(project, "decision")
    actions.book(
        actor=partner_member, project=project, facility=facility, data={"units": 5, "starts_on": timezone.localdate()}
    )
    for name in ("a.pdf", "b.pdf"):
        actions.document_add(actor=company_member, project=project, upload=upload(name), title="")
    with django_assert_max_num_queries(len(bare.captured_queries)):
        full = staff.get(f"{API}/pilots/{project.pk}").json()
    assert len(full["partners"]) == 2 and len(full["gates"]) == 4 and len(full["documents"]) == 2


def test_a_member_of_another_company_cannot_read_a_project(
    outsider: User, company_member: User, project: Project
) -> None:
    assert _client(company_member).get(f"{API}/pilots/{project.pk}").json()["title"] == project.title
    for path in (f"/pilots/{project.pk}", f"/pilots/{project.pk}/documents"):
        _tells_nothing(_client(outsider).get(API + path), project)
    _tells_nothing(_json(_client(outsider), "post", f"{API}/pilots/{project.pk}/sign-off", {}), project)


def test_staff_change_a_project_and_the_aid_is_fixed_once_the_pilot_started(
    staff: Client, company_member: User, project: Project, move_to: MoveTo
) -> None:
    url = f"{API}/pilots/{project.pk}"
    assert _json(_client(company_member), "patch", url, {"title": "Mine now"}).status_code == 404
    changed = _json(staff, "patch", url, {"title": "Vision on the press line", "need": None, "aid_amount": 8000})
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Vision on the press line" and changed.json()["aid_amount"] == "8000.00"
    move_to(project, "execution")
    refused = _json(staff, "patch", url, {"aid_amount": "9000"})
    assert refused.status_code == 422 and _fields(refused) == {"aid_amount"}
    assert Project.objects.get(pk=project.pk).aid_amount == Decimal("8000.00")


# --- Partners, criteria, milestones ---------------------------------------------------------------------------------


def test_staff_add_and_remove_partners_criteria_and_milestones(
    staff: Client, company_member: User, project: Project, institute: Organisation, university: Organisation
) -> None:
    base = f"{API}/pilots/{project.pk}"
    partner = {"organisation": institute.pk, "role": "performs", "budget": "18000", "contribution": "HPC and data"}
    assert _json(_client(company_member), "post", f"{base}/partners", partner).status_code == 404
    added = _json(staff, "post", f"{base}/partners", partner)
    assert added.status_code == 201, added.content
    assert added.json()["organisation"]["id"] == institute.pk and added.json()["budget"] == "18000.00"
    twice = _json(staff, "post", f"{base}/partners", partner)
    assert twice.status_code == 422 and _fields(twice) == {"organisation"}
    advising = _json(staff, "post", f"{base}/partners", {"organisation": university.pk, "role": "advises"}).json()
    criterion = _json(staff, "post", f"{base}/criteria", {"text": "Failures told a day ahead", "target": "8/10"})
    assert criterion.status_code == 201 and criterion.json()["met"] is None
    empty = _json(staff, "post", f"{base}/criteria", {"text": "  "})
    assert empty.status_code == 422 and _fields(empty) == {"text"}
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    milestone = _json(staff, "post", f"{base}/milestones", {"title": "Model", "due_on": due, "owner": institute.pk})
    assert milestone.status_code == 201 and milestone.json()["owner"]["id"] == institute.pk
    stranger = _json(staff, "post", f"{base}/milestones", {"title": "X", "due_on": due, "owner": 999999})
    assert stranger.status_code == 422 and _fields(stranger) == {"owner"}
    owing = staff.delete(f"{API}/pilots/partners/{added.json()['id']}")
    assert owing.status_code == 422 and _fields(owing) == {"partner"}
    assert _client(company_member).delete(f"{API}/pilots/partners/{advising['id']}").status_code == 404
    assert staff.delete(f"{API}/pilots/partners/{advising['id']}").status_code == 204
    assert list(Partner.objects.filter(project=project).values_list("organisation_id", flat=True)) == [institute.pk]
    detail = staff.get(base).json()
    assert [c["text"] for c in detail["criteria"]] == ["Failures told a day ahead"]
    assert [m["title"] for m in detail["milestones"]] == ["Model"] and detail["budget"] == "18000.00"


def test_the_owner_of_a_milestone_marks_it_done_and_others_may_not(
    partner_member: User,
    university_member: User,
    outsider: User,
    project: Project,
    move_to: MoveTo,
) -> None:
    move_to(project, "execution")
    milestone = Milestone.objects.get(project=project)
    url = f"{API}/pilots/milestones/{milestone.pk}/done"
    _tells_nothing(_json(_client(outsider), "post", url, {}), project)
    not_owner = _json(_client(university_member), "post", url, {})
    assert not_owner.status_code == 422 and _fields(not_owner) == {"actor"}
    future = _json(
        _client(partner_member), "post", url, {"done_on": (timezone.localdate() + timedelta(days=2)).isoformat()}
    )
    assert future.status_code == 422 and _fields(future) == {"done_on"}
    done = _json(_client(partner_member), "post", url, {})
    assert done.status_code == 200 and done.json()["done_on"] == timezone.localdate().isoformat()


# --- Gates, aid, decision, sign-off ---------------------------------------------------------------------------------


def test_a_skipped_gate_or_one_whose_conditions_are_missing_names_to_stage(
    staff: Client, company_member: User, project: Project
) -> None:
    url = f"{API}/pilots/{project.pk}/gates"
    assert _json(_client(company_member), "post", url, {"to_stage": "feasibility", "reason": "x"}).status_code == 404
    skipped = _json(staff, "post", url, {"to_stage": "execution", "reason": "In a hurry"})
    assert skipped.status_code == 422 and _fields(skipped) == {"to_stage"}
    assert "no gate is skipped" in skipped.json()["detail"]
    lacking = _json(staff, "post", url, {"to_stage": "feasibility", "reason": "Scoped"})
    assert lacking.status_code == 422 and "success criterion" in lacking.json()["detail"]
    unknown = _json(staff, "post", url, {"to_stage": "launch", "reason": "Scoped"})
    assert unknown.status_code == 422 and _fields(unknown) == {"to_stage"}
    Criterion.objects.create(project=project, text="Failures told a day ahead")
    passed = _json(staff, "post", url, {"to_stage": "feasibility", "reason": "Scoped with the company"})
    assert passed.status_code == 201, passed.content
    assert passed.json()["from_stage"] == "scoping" and passed.json()["to_stage"] == "feasibility"
    assert passed.json()["decided_by"]["id"] == Gate.objects.get().decided_by_id
    assert Project.objects.get(pk=project.pk).stage == "feasibility"


def _prepare_execution(advisor: User, project: Project, institute: Organisation, university: Organisation) -> None:
    """What the gate into execution asks besides the criterion: the partners and a milestone, through the actions."""
    add_partners(advisor, project, institute, university)
    actions.milestone_save(
        actor=advisor,
        project=project,
        data={"title": "Model trained", "due_on": timezone.localdate() + timedelta(days=30), "owner": institute.pk},
    )


def test_starting_the_pilot_grants_the_aid_and_opens_the_service_record(
    staff: Client,
    advisor: User,
    company_member: User,
    project: Project,
    institute: Organisation,
    university: Organisation,
    move_to: MoveTo,
) -> None:
    move_to(project, "feasibility")
    _prepare_execution(advisor, project, institute, university)
    started = _json(staff, "post", f"{API}/pilots/{project.pk}/gates", {"to_stage": "execution", "reason": "Go"})
    assert started.status_code == 201, started.content
    out = _client(company_member).get(f"{API}/pilots/{project.pk}").json()
    grant = Grant.objects.get(source=Grant.Source.PILOT)
    assert out["grant"] == grant.pk and out["grant_number"] == grant.number and grant.amount == AID
    record = ServiceRecord.objects.get(pk=out["service_record"])
    assert record.status == "ongoing" and record.aid == AID and record.grant_id == grant.pk
    assert record.price == Decimal("20000.00") and out["budget"] == "20000.00"
    assert out["started_on"] == timezone.localdate().isoformat() and out["stage"] == "execution"


def test_aid_above_the_headroom_refuses_the_gate_on_aid_amount_and_writes_nothing(
    staff: Client,
    advisor: User,
    company: Organisation,
    project: Project,
    institute: Organisation,
    university: Organisation,
    move_to: MoveTo,
) -> None:
    move_to(project, "feasibility")
    _prepare_execution(advisor, project, institute, university)
    today = timezone.localdate()
    grant_record(actor=advisor, organisation=company, amount="295000", description="Earlier support")
    assert ledger(company, today).headroom == Decimal("5000.00")
    refused = _json(staff, "post", f"{API}/pilots/{project.pk}/gates", {"to_stage": "execution", "reason": "Go"})
    assert refused.status_code == 422 and _fields(refused) == {"aid_amount"}
    assert company.name in refused.json()["detail"]
    project.refresh_from_db()
    assert (project.stage, project.started_on, project.grant_id, project.service_record_id) == (
        "feasibility",
        None,
        None,
        None,
    )
    assert not Grant.objects.filter(source=Grant.Source.PILOT).exists()
    assert not ServiceRecord.objects.exists() and Gate.objects.filter(project=project).count() == 1
    assert ledger(company, today).headroom == Decimal("5000.00")


def test_a_go_no_go_without_results_is_refused_then_recorded_and_signed_off_by_the_company(
    staff: Client,
    advisor: User,
    company_member: User,
    partner_member: User,
    project: Project,
    move_to: MoveTo,
) -> None:
    move_to(project, "decision")
    url = f"{API}/pilots/{project.pk}/decision"
    body = {"decision": "go", "decision_reason": "The model works.", "lessons": "Label the data early."}
    assert _json(_client(company_member), "post", url, body).status_code == 404
    refused = _json(staff, "post", url, body)
    assert refused.status_code == 422 and _fields(refused) == {"criteria"}
    assert Project.objects.get(pk=project.pk).decision == ""
    criterion = project.criteria.get()
    result_url = f"{API}/pilots/criteria/{criterion.pk}/result"
    assert _json(_client(company_member), "put", result_url, {"result": "9/10", "met": True}).status_code == 404
    measured = _json(staff, "put", result_url, {"result": "9 out of 10 failures told ahead", "met": True})
    assert measured.status_code == 200 and measured.json()["met"] is True
    no_kind = _json(staff, "post", url, {**body, "investment_amount": "50000"})
    assert no_kind.status_code == 422 and _fields(no_kind) == {"investment_kind"}
    decided = _json(staff, "post", url, body)
    assert decided.status_code == 200, decided.content
    out = decided.json()
    assert out["status"] == "decided" and out["decision"]["decision"] == "go"
    assert out["decision"]["lessons"] == "Label the data early." and out["sign_off"] is None
    sign_url = f"{API}/pilots/{project.pk}/sign-off"
    partner_refused = _json(_client(partner_member), "post", sign_url, {"note": "Fine by us"})
    assert partner_refused.status_code == 422 and _fields(partner_refused) == {"actor"}
    signed = _json(_client(company_member), "post", sign_url, {"note": "We invest."})
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "completed" and signed.json()["sign_off"]["note"] == "We invest."
    assert signed.json()["sign_off"]["signed_off_by"]["id"] == company_member.pk
    again = _json(_client(company_member), "post", sign_url, {})
    assert again.status_code == 422 and _fields(again) == {"status"}


def test_staff_stop_a_project_and_its_bookings_to_come_are_cancelled(
    staff: Client,
    advisor: User,
    partner_member: User,
    project: Project,
    facility: Facility,
    move_to: MoveTo,
) -> None:
    move_to(project, "execution")
    (booking,) = actions.book(
        actor=partner_member,
        project=project,
        facility=facility,
        data={"units": 100, "starts_on": next_month(timezone.localdate())},
    )
    url = f"{API}/pilots/{project.pk}/stop"
    blank = _json(staff, "post", url, {"reason": ""})
    assert blank.status_code == 422 and _fields(blank) == {"reason"}
    stopped = _json(staff, "post", url, {"reason": "The company was sold."})
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped" and stopped.json()["stopped_reason"] == "The company was sold."
    assert stopped.json()["gates"][-1]["to_stage"] is None and stopped.json()["gates"][-1]["passed"] is False
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    again = _json(staff, "post", url, {"reason": "Twice"})
    assert again.status_code == 422 and _fields(again) == {"status"}


# --- Bookings ---------------------------------------------------------------------------------------------------------


def test_the_facility_owner_books_for_its_project_all_or_none_and_never_beyond_capacity(
    partner_member: User,
    company_member: User,
    outsider: User,
    project: Project,
    facility: Facility,
    move_to: MoveTo,
) -> None:
    move_to(project, "execution")
    url = f"{API}/pilots/{project.pk}/bookings"
    this_month = first_of_month(timezone.localdate())
    following = next_month(this_month)
    body = {"facility": facility.offer_id, "starts_on": this_month.isoformat(), "ends_on": following.isoformat()}
    _tells_nothing(_json(_client(outsider), "post", url, {**body, "units": 10}), project)
    company = _json(_client(company_member), "post", url, {**body, "units": 10})
    assert company.status_code == 422 and _fields(company) == {"actor"}
    made = _json(_client(partner_member), "post", url, {**body, "units": 700, "note": "Training runs"})
    assert made.status_code == 201, made.content
    assert [b["period_start"] for b in made.json()] == [this_month.isoformat(), following.isoformat()]
    assert all(b["units"] == 700 and b["unit"] == "core_hours" for b in made.json())
    # The second period has room, the first does not: nothing is booked in either.
    beyond = _json(_client(partner_member), "post", url, {**body, "units": 301})
    assert beyond.status_code == 422 and _fields(beyond) == {"units"}
    assert "300" in beyond.json()["detail"]
    assert Booking.objects.filter(project=project).count() == 2
    outside = _json(_client(partner_member), "post", url, {**body, "starts_on": "2001-01-01", "units": 1})
    assert outside.status_code == 422 and _fields(outside) == {"starts_on"}
    far = _json(_client(partner_member), "post", url, {**body, "ends_on": "9999-12-31", "units": 1})
    assert far.status_code == 422 and _fields(far) == {"ends_on"}
    unknown = _json(_client(partner_member), "post", url, {**body, "facility": 999999, "units": 1})
    assert unknown.status_code == 422 and _fields(unknown) == {"facility"}
    assert Booking.objects.filter(project=project).count() == 2


def test_a_booking_is_cancelled_before_its_period_and_its_use_recorded_once_it_began(
    partner_member: User,
    company_member: User,
    outsider: User,
    project: Project,
    facility: Facility,
    move_to: MoveTo,
) -> None:
    move_to(project, "execution")
    today = timezone.localdate()
    (now,) = actions.book(
        actor=partner_member, project=project, facility=facility, data={"units": 50, "starts_on": today}
    )
    (later,) = actions.book(
        actor=partner_member, project=project, facility=facility, data={"units": 80, "starts_on": next_month(today)}
    )
    owner = _client(partner_member)
    _tells_nothing(_json(_client(outsider), "put", f"{API}/pilots/bookings/{now.pk}/usage", {"used": 1}), project)
    company = _json(_client(company_member), "put", f"{API}/pilots/bookings/{now.pk}/usage", {"used": 1})
    assert company.status_code == 422 and _fields(company) == {"actor"}
    too_much = _json(owner, "put", f"{API}/pilots/bookings/{now.pk}/usage", {"used": 51})
    assert too_much.status_code == 422 and _fields(too_much) == {"used"}
    used = _json(owner, "put", f"{API}/pilots/bookings/{now.pk}/usage", {"used": 42})
    assert used.status_code == 200 and used.json()["used"] == 42
    not_yet = _json(owner, "put", f"{API}/pilots/bookings/{later.pk}/usage", {"used": 1})
    assert not_yet.status_code == 422 and _fields(not_yet) == {"used"}
    begun = owner.post(f"{API}/pilots/bookings/{now.pk}/cancel")
    assert begun.status_code == 422 and _fields(begun) == {"status"}
    cancelled = owner.post(f"{API}/pilots/bookings/{later.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    detail = _client(company_member).get(f"{API}/pilots/{project.pk}").json()
    assert [(b["units"], b["used"], b["status"]) for b in detail["bookings"]] == [
        (50, 42, "booked"),
        (80, None, "cancelled"),
    ]


# --- Documents --------------------------------------------------------------------------------------------------------


def test_the_projects_people_upload_list_and_download_documents(
    company_member: User, university_member: User, project: Project, advisor: User, institute: Any, university: Any
) -> None:
    add_partners(advisor, project, institute, university)
    url = f"{API}/pilots/{project.pk}/documents"
    made = _client(company_member).post(url, {"file": upload(), "title": "Scope of work"})
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["title"] == "Scope of work" and out["name"] == "scope.pdf" and out["content_type"] == "application/pdf"
    assert out["size"] == len(PDF) and out["sha256"] == StoredFile.objects.get().sha256 and len(out["sha256"]) == 64
    untitled = _client(university_member).post(url, {"file": upload("notes.csv", b"a,b\n1,2\n")})
    assert untitled.status_code == 201 and untitled.json()["title"] == "notes.csv"
    listed = _client(university_member).get(url).json()
    assert [d["id"] for d in listed] == [untitled.json()["id"], out["id"]]
    download = _client(university_member).get(f"{API}/pilots/documents/{out['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment") and "scope.pdf" in download["Content-Disposition"]
    assert _client(company_member).get(f"{API}/pilots/{project.pk}").json()["documents"][1]["id"] == out["id"]


def test_a_member_of_another_company_cannot_download_nor_upload_a_document(
    company_member: User, outsider: User, project: Project
) -> None:
    document = actions.document_add(actor=company_member, project=project, upload=upload(), title="Confidential plan")
    response = _client(outsider).get(f"{API}/pilots/documents/{document.pk}")
    _tells_nothing(response, project)
    assert PDF not in response.content and b"Confidential plan" not in response.content
    _tells_nothing(_client(outsider).post(f"{API}/pilots/{project.pk}/documents", {"file": upload()}), project)
    assert Document.objects.count() == 1
    assert Client().get(f"{API}/pilots/documents/{document.pk}").status_code == 401


def test_a_file_too_large_of_a_forbidden_type_or_missing_is_refused_on_file(
    company_member: User, project: Project, settings: Any
) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    url = f"{API}/pilots/{project.pk}/documents"
    client = _client(company_member)
    for name, content in (
        ("big.pdf", PDF + b"0" * 1024),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
    ):
        refused = client.post(url, {"file": upload(name, content), "title": "Something"})
        assert refused.status_code == 422 and _fields(refused) == {"file"}, (name, refused.content)
    missing = client.post(url, {"title": "No file"})
    assert missing.status_code == 422 and _fields(missing) == {"file"}
    assert "larger than the limit" in client.post(url, {"file": upload("big.pdf", PDF + b"0" * 1024)}).json()["detail"]
    assert not Document.objects.exists() and not StoredFile.objects.exists()


def test_a_file_name_with_control_characters_is_stored_and_served_without_them(
    company_member: User, project: Project
) -> None:
    made = _client(company_member).post(
        f"{API}/pilots/{project.pk}/documents", {"file": upload("plan\x00\x07.pdf"), "title": "Plan"}
    )
    assert made.status_code == 201, made.content
    assert made.json()["name"] == "plan.pdf"
    download = _client(company_member).get(f"{API}/pilots/documents/{made.json()['id']}")
    assert download.status_code == 200 and 'filename="plan.pdf"' in download["Content-Disposition"]


# --- The document --------------------------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_pilots_operations(db: Any) -> None:
    document = Client().get(f"{API}/openapi.json").json()
    pilots = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "pilots" in operation.get("tags", [])
    }
    assert len(pilots) == 24
    download = document["paths"][f"{API}/pilots/documents/{{document_id}}"]["get"]["responses"]["200"]
    assert "application/pdf" in download["content"] and "text/html" not in download["content"]
    upload_body = document["paths"][f"{API}/pilots/{{project_id}}/documents"]["post"]["requestBody"]
    assert "multipart/form-data" in upload_body["content"]
