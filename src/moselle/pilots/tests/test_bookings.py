"""Bookings of a facility's units: the same units in every period asked for, all or none, never beyond the
capacity nor outside the facility's availability; who books; cancelling before the period begins; the units used
once it has begun, at most what was booked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import formats, timezone

from moselle.accounts.models import User
from moselle.catalogue.models import Offer
from moselle.core.models import AuditEntry
from moselle.organisations.models import Organisation
from moselle.pilots import actions, checks
from moselle.pilots.models import Booking, Facility, Project
from moselle.pilots.tests.conftest import (
    a_facility_offer,
    facility_data,
    first_of_month,
    next_month,
    refused,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _months(count: int) -> list[date]:
    """The first days of the next ``count`` months."""
    found, month = [], TODAY()
    for _n in range(count):
        month = next_month(month)
        found.append(month)
    return found


def _book(
    actor: User, project: Project, facility: Facility, units: Any, starts: Any, ends: Any = None
) -> list[Booking]:
    data = {"units": units, "starts_on": starts, "ends_on": ends, "note": "Training runs"}
    return actions.book(actor=actor, project=project, facility=facility, data=data)


def _refusal(actor: User, project: Project, facility: Facility, **data: Any) -> dict[str, list[str]]:
    """The messages by field of a booking refused."""
    return refused(actions.book, actor=actor, project=project, facility=facility, data=data)


def _a_facility(advisor: User, provider: Organisation, **more: Any) -> Facility:
    return actions.facility_save(actor=advisor, offer=a_facility_offer(provider), data=facility_data(**more))


def _next(weekday: int) -> date:
    """The next such weekday after today (Monday 0)."""
    today = TODAY()
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


@pytest.fixture
def partnered(advisor: User, project: Project, institute: Organisation) -> Project:
    """The project, with the facility's owner as the partner who does the work."""
    actions.partner_save(actor=advisor, project=project, data={"organisation": institute.pk, "role": "performs"})
    return project


# --- Booking -----------------------------------------------------------------------------------------------------


def test_it_books_the_same_units_in_every_period(advisor: User, project: Project, facility: Facility) -> None:
    first, second, third = _months(3)
    made = _book(advisor, project, facility, "250", first + timedelta(days=9), third + timedelta(days=2))
    assert [(b.period_start, b.units, b.status) for b in made] == [
        (first, 250, "booked"),
        (second, 250, "booked"),
        (third, 250, "booked"),
    ]
    assert {(b.project_id, b.booked_by_id, b.note, b.used) for b in made} == {
        (project.pk, advisor.pk, "Training runs", None)
    }
    assert Booking.objects.count() == 3
    assert AuditEntry.objects.filter(action="pilot.book").count() == 3


def test_the_current_period_is_still_booked(advisor: User, project: Project, facility: Facility) -> None:
    (made,) = _book(advisor, project, facility, 10, TODAY())
    assert made.period_start == first_of_month(TODAY())


def test_it_books_up_to_the_capacity_exactly(
    advisor: User, project: Project, make_project: Callable[..., Project], facility: Facility
) -> None:
    (month,) = _months(1)
    _book(advisor, project, facility, 600, month)
    _book(advisor, make_project(title="Another pilot"), facility, 400, month)
    assert sum(Booking.objects.filter(period_start=month).values_list("units", flat=True)) == 1000


def test_one_full_period_refuses_the_whole_booking(
    advisor: User, project: Project, make_project: Callable[..., Project], facility: Facility
) -> None:
    first, second, third = _months(3)
    _book(advisor, make_project(title="Another pilot"), facility, 900, second)
    errors = refused(
        actions.book,
        actor=advisor,
        project=project,
        facility=facility,
        data={"units": 200, "starts_on": first, "ends_on": third},
    )
    assert list(errors) == ["units"]
    message = errors["units"][0]
    assert "Only 100 core-hours left" in message and formats.date_format(second) in message
    assert "capacity 1000" in message
    assert not Booking.objects.filter(project=project).exists()  # nothing in the first or third month either
    assert Booking.objects.count() == 1


def test_a_cancelled_booking_frees_its_units(
    advisor: User, project: Project, make_project: Callable[..., Project], facility: Facility
) -> None:
    (month,) = _months(1)
    (held,) = _book(advisor, make_project(title="Another pilot"), facility, 1000, month)
    assert list(_refusal(advisor, project, facility, units=1, starts_on=month)) == ["units"]
    actions.booking_cancel(actor=advisor, booking=held)
    (made,) = _book(advisor, project, facility, 1000, month)
    assert made.units == 1000


def test_a_period_over_is_refused(advisor: User, project: Project, facility: Facility) -> None:
    last_month = first_of_month(TODAY()) - timedelta(days=1)
    errors = _refusal(advisor, project, facility, units=10, starts_on=last_month, ends_on=TODAY())
    assert list(errors) == ["starts_on"] and "over" in errors["starts_on"][0]
    assert not Booking.objects.exists()


def test_a_booking_ending_before_it_starts_is_refused(advisor: User, project: Project, facility: Facility) -> None:
    first, second = _months(2)
    errors = _refusal(advisor, project, facility, units=10, starts_on=second, ends_on=first)
    assert list(errors) == ["ends_on"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("units", [0, "0", "ten", "", None, -5, True, "2.5", 10_000_001])
def test_units_are_a_whole_number_from_one(advisor: User, project: Project, facility: Facility, units: Any) -> None:
    (month,) = _months(1)
    errors = _refusal(advisor, project, facility, units=units, starts_on=month)
    assert list(errors) == ["units"]
    assert not Booking.objects.exists()


def test_every_bad_field_is_named_at_once(advisor: User, project: Project, facility: Facility) -> None:
    errors = _refusal(advisor, project, facility, units="many", starts_on="soon", note="x" * 301)
    assert set(errors) == {"units", "starts_on", "note"}


def test_an_unpublished_facility_is_not_booked(advisor: User, project: Project, institute: Organisation) -> None:
    draft = actions.facility_save(
        actor=advisor, offer=a_facility_offer(institute, status=Offer.Status.DRAFT), data=facility_data()
    )
    (month,) = _months(1)
    errors = _refusal(advisor, project, draft, units=10, starts_on=month)
    assert list(errors) == ["facility"] and "published" in errors["facility"][0]
    assert not Booking.objects.exists()


def test_a_stopped_project_books_nothing(advisor: User, project: Project, facility: Facility) -> None:
    actions.project_stop(actor=advisor, project=project, reason="Cancelled by the company.")
    project.refresh_from_db()
    (month,) = _months(1)
    errors = _refusal(advisor, project, facility, units=10, starts_on=month)
    assert list(errors) == ["status"]


# --- Availability ------------------------------------------------------------------------------------------------


def test_periods_outside_the_availability_are_refused_naming_the_first(
    advisor: User, project: Project, institute: Organisation
) -> None:
    first, second, third, fourth = _months(4)
    window = _a_facility(
        advisor,
        institute,
        available_from=(second + timedelta(days=14)).isoformat(),
        available_until=(third + timedelta(days=10)).isoformat(),
    )
    # The second month is open from its 15th, the third until its 11th: both can be booked.
    made = _book(advisor, project, window, 50, second, third)
    assert [b.period_start for b in made] == [second, third]
    for starts, ends, outside in ((first, second, first), (third, fourth, fourth), (fourth, fourth, fourth)):
        errors = _refusal(advisor, project, window, units=1, starts_on=starts, ends_on=ends)
        assert list(errors) == ["starts_on"]
        assert formats.date_format(outside) in errors["starts_on"][0]
        assert (
            "not available" in errors["starts_on"][0]
            and formats.date_format(window.available_from) in (errors["starts_on"][0])
        )
    assert Booking.objects.count() == 2


def test_a_daily_facility_skips_its_closed_weekdays(advisor: User, project: Project, institute: Organisation) -> None:
    lab = _a_facility(advisor, institute, kind="ai_lab", unit="lab_days", capacity=2, period="day")
    friday = _next(4)
    made = _book(advisor, project, lab, 1, friday, friday + timedelta(days=3))
    assert [b.period_start for b in made] == [friday, friday + timedelta(days=3)]  # Friday and Monday
    saturday = friday + timedelta(days=1)
    errors = _refusal(advisor, project, lab, units=1, starts_on=saturday, ends_on=saturday + timedelta(days=1))
    assert list(errors) == ["starts_on"] and "closed" in errors["starts_on"][0]
    assert Booking.objects.count() == 2


def test_a_daily_facility_open_at_weekends_books_them(advisor: User, project: Project, institute: Organisation) -> None:
    lab = _a_facility(advisor, institute, period="day", capacity=1, open_weekdays=[5, 6])
    saturday = _next(5)
    made = _book(advisor, project, lab, 1, saturday - timedelta(days=1), saturday + timedelta(days=2))
    assert [b.period_start for b in made] == [saturday, saturday + timedelta(days=1)]


def test_a_weekly_facility_books_from_mondays(advisor: User, project: Project, institute: Organisation) -> None:
    testbed = _a_facility(advisor, institute, kind="testbed_5g", unit="testbed_days", capacity=5, period="week")
    wednesday = _next(2)
    made = _book(advisor, project, testbed, 3, wednesday, wednesday + timedelta(days=7))
    monday = wednesday - timedelta(days=2)
    assert [b.period_start for b in made] == [monday, monday + timedelta(days=7)]


def test_too_many_periods_at_once_are_refused(advisor: User, project: Project, institute: Organisation) -> None:
    lab = _a_facility(advisor, institute, period="day", capacity=1, open_weekdays=[0, 1, 2, 3, 4, 5, 6])
    start = TODAY() + timedelta(days=1)
    last = start + timedelta(days=checks.MAX_PERIODS + 5)
    errors = _refusal(advisor, project, lab, units=1, starts_on=start, ends_on=last)
    assert list(errors) == ["ends_on"]
    assert not Booking.objects.exists()


# --- Who books -----------------------------------------------------------------------------------------------------


def test_the_owners_member_books_for_a_project_it_is_partner_of(
    partner_member: User, partnered: Project, facility: Facility
) -> None:
    (month,) = _months(1)
    (made,) = _book(partner_member, partnered, facility, 100, month)
    assert made.booked_by == partner_member


def test_the_owners_member_does_not_book_for_other_projects(
    partner_member: User, project: Project, facility: Facility
) -> None:
    (month,) = _months(1)
    errors = _refusal(partner_member, project, facility, units=100, starts_on=month)
    assert list(errors) == ["project"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("who", ["company_member", "university_member", "outsider"])
def test_nobody_else_books(
    who: str,
    request: pytest.FixtureRequest,
    advisor: User,
    partnered: Project,
    university: Organisation,
    facility: Facility,
) -> None:
    actions.partner_save(actor=advisor, project=partnered, data={"organisation": university.pk, "role": "advises"})
    (month,) = _months(1)
    errors = _refusal(request.getfixturevalue(who), partnered, facility, units=100, starts_on=month)
    assert list(errors) == ["actor"]
    assert not Booking.objects.exists()


# --- Cancelling -----------------------------------------------------------------------------------------------------


def test_a_booking_is_cancelled_before_its_period_begins(
    partner_member: User, partnered: Project, facility: Facility
) -> None:
    (month,) = _months(1)
    (made,) = _book(partner_member, partnered, facility, 100, month)
    actions.booking_cancel(actor=partner_member, booking=made)
    made.refresh_from_db()
    assert made.status == Booking.Status.CANCELLED
    assert AuditEntry.objects.filter(action="pilot.booking_cancel", target_id=str(made.pk)).count() == 1
    errors = refused(actions.booking_cancel, actor=partner_member, booking=made)
    assert list(errors) == ["status"] and "already" in errors["status"][0]


def test_a_booking_whose_period_began_is_not_cancelled(advisor: User, project: Project, facility: Facility) -> None:
    (made,) = _book(advisor, project, facility, 100, TODAY())
    errors = refused(actions.booking_cancel, actor=advisor, booking=made)
    assert list(errors) == ["status"] and "begun" in errors["status"][0]
    made.refresh_from_db()
    assert made.status == Booking.Status.BOOKED


@pytest.mark.parametrize("who", ["company_member", "university_member", "outsider"])
def test_nobody_else_cancels(
    who: str, request: pytest.FixtureRequest, advisor: User, project: Project, facility: Facility
) -> None:
    (month,) = _months(1)
    (made,) = _book(advisor, project, facility, 100, month)
    errors = refused(actions.booking_cancel, actor=request.getfixturevalue(who), booking=made)
    assert list(errors) == ["actor"]
    made.refresh_from_db()
    assert made.status == Booking.Status.BOOKED


# --- Usage ------------------------------------------------------------------------------------------------------------


def test_the_units_used_are_recorded_once_the_period_began(
    partner_member: User, partnered: Project, facility: Facility
) -> None:
    (made,) = _book(partner_member, partnered, facility, 400, TODAY())
    actions.usage_record(actor=partner_member, booking=made, used="300")
    made.refresh_from_db()
    assert (made.used, made.usage_by) == (300, partner_member)
    actions.usage_record(actor=partner_member, booking=made, used=400)  # corrected, up to what was booked
    made.refresh_from_db()
    assert made.used == 400


def test_no_more_is_used_than_was_booked(advisor: User, project: Project, facility: Facility) -> None:
    (made,) = _book(advisor, project, facility, 400, TODAY())
    for used in (401, -1, "lots", None):
        errors = refused(actions.usage_record, actor=advisor, booking=made, used=used)
        assert list(errors) == ["used"]
    made.refresh_from_db()
    assert made.used is None


def test_no_usage_before_the_period_begins(advisor: User, project: Project, facility: Facility) -> None:
    (month,) = _months(1)
    (made,) = _book(advisor, project, facility, 400, month)
    errors = refused(actions.usage_record, actor=advisor, booking=made, used=10)
    assert list(errors) == ["used"] and "not begun" in errors["used"][0]
    made.refresh_from_db()
    assert made.used is None


def test_no_usage_on_a_cancelled_booking(advisor: User, project: Project, facility: Facility) -> None:
    (month,) = _months(1)
    (made,) = _book(advisor, project, facility, 400, month)
    actions.booking_cancel(actor=advisor, booking=made)
    Booking.objects.filter(pk=made.pk).update(period_start=first_of_month(TODAY()))
    errors = refused(actions.usage_record, actor=advisor, booking=made, used=10)
    assert list(errors) == ["used"] and "cancelled" in errors["used"][0]


@pytest.mark.parametrize("who", ["company_member", "outsider"])
def test_nobody_else_records_usage(
    who: str, request: pytest.FixtureRequest, advisor: User, project: Project, facility: Facility
) -> None:
    (made,) = _book(advisor, project, facility, 400, TODAY())
    errors = refused(actions.usage_record, actor=request.getfixturevalue(who), booking=made, used=10)
    assert list(errors) == ["actor"]
    made.refresh_from_db()
    assert made.used is None
