"""The rules that keep a project and a facility consistent once work is under way: partners fixed at the start,
bookings to come freed by the decision, the sign-off of a company without members, the owner's rights over
bookings of projects it is not a partner of, the field a refused change of availability names, and project
documents served by the pilots' routes only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Membership, User
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Facility, Partner, Project, Stage
from moselle.pilots.tests.conftest import MoveTo, decide, facility_data, next_month, refused, upload

pytestmark = pytest.mark.django_db


def test_no_partner_joins_and_no_role_changes_once_the_pilot_started(
    advisor: User, project: Project, move_to: MoveTo, other_company: Organisation
) -> None:
    move_to(project, Stage.EXECUTION)
    added = refused(
        actions.partner_save, actor=advisor, project=project, data={"organisation": other_company.pk, "role": "other"}
    )
    assert added == {"organisation": ["The partners were fixed when the pilot started."]}
    partner = project.partners.get(role=Partner.Role.ADVISES)
    changed = refused(actions.partner_save, actor=advisor, project=project, partner=partner, data={"role": "other"})
    assert changed == {"role": ["The partners were fixed when the pilot started."]}
    assert project.partners.count() == 2
    partner.refresh_from_db()
    assert partner.role == Partner.Role.ADVISES


def test_the_decision_frees_the_bookings_to_come(
    advisor: User, project: Project, move_to: MoveTo, facility: Facility
) -> None:
    move_to(project, Stage.EXECUTION)
    (later,) = actions.book(
        actor=advisor,
        project=project,
        facility=facility,
        data={"units": 600, "starts_on": next_month(timezone.localdate())},
    )
    move_to(project, Stage.DECISION)
    decide(advisor, project)
    later.refresh_from_db()
    assert later.status == Booking.Status.CANCELLED


def test_the_hub_records_the_sign_off_of_a_company_without_members_with_who_signed(
    advisor: User, project: Project, move_to: MoveTo, company_member: User
) -> None:
    move_to(project, Stage.DECISION)
    decide(advisor, project)
    assert refused(actions.sign_off, actor=advisor, project=project, note="") == {
        "actor": ["Only the company's members sign its project off."]
    }
    Membership.objects.filter(organisation=project.organisation).update(status=Membership.Status.REMOVED)
    missing = refused(actions.sign_off, actor=advisor, project=project, note="")
    assert list(missing) == ["note"] and "who signed" in missing["note"][0]
    signed = actions.sign_off(actor=advisor, project=project, note="Signed on paper by the CEO, 3 March")
    assert signed.status == Project.Status.COMPLETED and signed.signed_off_by == advisor


def test_the_owner_records_the_use_of_any_booking_but_cancels_only_those_of_its_projects(
    advisor: User, partner_member: User, facility: Facility, project: Project
) -> None:
    today = timezone.localdate()
    (now,) = actions.book(actor=advisor, project=project, facility=facility, data={"units": 40, "starts_on": today})
    (later,) = actions.book(
        actor=advisor, project=project, facility=facility, data={"units": 40, "starts_on": next_month(today)}
    )
    assert "actor" in refused(actions.booking_cancel, actor=partner_member, booking=later)
    later.refresh_from_db()
    assert later.status == Booking.Status.BOOKED
    assert actions.usage_record(actor=partner_member, booking=now, used=12).used == 12


def test_a_change_of_availability_names_the_field_that_leaves_a_booking_out(
    advisor: User, project: Project, facility_offer: Any
) -> None:
    daily = actions.facility_save(
        actor=advisor, offer=facility_offer, data=facility_data(period="day", capacity=2, open_weekdays=[0, 1, 2, 3, 4])
    )
    day = timezone.localdate()
    while day.weekday() != 1 or day <= timezone.localdate():
        day = day.fromordinal(day.toordinal() + 1)
    actions.book(actor=advisor, project=project, facility=daily, data={"units": 1, "starts_on": day})
    closed = refused(
        actions.facility_save,
        actor=advisor,
        offer=facility_offer,
        data=facility_data(period="day", capacity=2, open_weekdays=[0, 2, 3, 4]),
    )
    assert list(closed) == ["open_weekdays"]
    ended = refused(
        actions.facility_save,
        actor=advisor,
        offer=facility_offer,
        data=facility_data(
            period="day", capacity=2, open_weekdays=[0, 1, 2, 3, 4], available_until=timezone.localdate()
        ),
    )
    assert list(ended) == ["available_until"]


def test_a_project_document_is_not_served_by_the_organisations_file_route(
    advisor: User, company_member: User, project: Project
) -> None:
    document = actions.document_add(actor=company_member, project=project, upload=upload(), title="Scope")
    client = Client()
    client.force_login(company_member)
    assert client.get(f"/files/{document.file_id}/").status_code == 404
    assert client.get(f"/pilots/documents/{document.pk}/").status_code == 200
    client.force_login(advisor)
    assert client.get(f"/files/{document.file_id}/").status_code == 404
