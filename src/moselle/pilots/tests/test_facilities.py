"""A facility's details: who changes them and when, every bad field named, and a capacity that never drops below
what is booked in a period to come."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import formats, timezone

from moselle.accounts.models import User
from moselle.catalogue.models import Offer
from moselle.core.models import AuditEntry
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Facility, Project
from moselle.pilots.tests.conftest import a_facility_offer, facility_data, first_of_month, next_month, refused

pytestmark = pytest.mark.django_db


def test_it_gives_a_published_test_facility_offer_its_details_when_staff_save_them(
    advisor: User, facility_offer: Offer
) -> None:
    facility = actions.facility_save(
        actor=advisor,
        offer=facility_offer,
        data=facility_data(capacity="2500", available_until="2030-12-31", open_weekdays="4, 0, 2"),
    )
    saved = Facility.objects.get(offer=facility_offer)
    assert saved.pk == facility.pk
    assert (saved.kind, saved.unit, saved.capacity, saved.period) == ("hpc", "core_hours", 2500, "month")
    assert saved.available_from == first_of_month(timezone.localdate() - timedelta(days=365))
    assert str(saved.available_until) == "2030-12-31"
    assert saved.open_weekdays == [0, 2, 4]
    assert saved.price_per_unit == Decimal("0.05")
    assert saved.access_conditions["en"].startswith("Academic and SME projects")
    assert saved.updated_by == advisor
    assert AuditEntry.objects.filter(action="facility.save", target_id=str(saved.pk)).count() == 1


def test_it_changes_a_facility_in_place_rather_than_adding_another(advisor: User, facility: Facility) -> None:
    actions.facility_save(actor=advisor, offer=facility.offer, data=facility_data(capacity=1200, unit="gpu_hours"))
    assert Facility.objects.filter(offer=facility.offer).count() == 1
    facility.refresh_from_db()
    assert (facility.capacity, facility.unit) == (1200, "gpu_hours")


def test_it_fills_in_today_and_the_working_week_when_left_out(advisor: User, facility_offer: Offer) -> None:
    facility = actions.facility_save(
        actor=advisor, offer=facility_offer, data=facility_data(available_from="", period="day", open_weekdays=None)
    )
    assert facility.available_from == timezone.localdate()
    assert facility.open_weekdays == [0, 1, 2, 3, 4]


def test_the_providers_member_saves_the_facility_of_a_draft_offer(
    partner_member: User, institute: Organisation
) -> None:
    draft = a_facility_offer(institute, status=Offer.Status.DRAFT)
    facility = actions.facility_save(actor=partner_member, offer=draft, data=facility_data(capacity=300))
    assert Facility.objects.get(offer=draft).capacity == 300
    assert facility.updated_by == partner_member


def test_the_providers_member_cannot_change_a_published_facility(partner_member: User, facility_offer: Offer) -> None:
    errors = refused(actions.facility_save, actor=partner_member, offer=facility_offer, data=facility_data())
    assert list(errors) == ["offer"] and "published" in errors["offer"][0]
    assert not Facility.objects.filter(offer=facility_offer).exists()


def test_the_providers_member_cannot_change_a_facility_the_hub_published_meanwhile(
    partner_member: User, facility: Facility
) -> None:
    errors = refused(actions.facility_save, actor=partner_member, offer=facility.offer, data=facility_data(capacity=5))
    assert "offer" in errors
    facility.refresh_from_db()
    assert facility.capacity == 1000


@pytest.mark.parametrize("who", ["outsider", "company_member", "university_member"])
def test_nobody_else_saves_a_facility(who: str, request: pytest.FixtureRequest, institute: Organisation) -> None:
    draft = a_facility_offer(institute, status=Offer.Status.DRAFT)
    errors = refused(actions.facility_save, actor=request.getfixturevalue(who), offer=draft, data=facility_data())
    assert list(errors) == ["actor"]
    assert not Facility.objects.exists()


def test_an_offer_of_another_kind_has_no_facility(advisor: User, institute: Organisation) -> None:
    service = a_facility_offer(institute, kind=Offer.Kind.SERVICE)
    errors = refused(actions.facility_save, actor=advisor, offer=service, data=facility_data())
    assert list(errors) == ["offer"] and "test facility" in errors["offer"][0]
    assert not Facility.objects.exists()


def test_every_bad_field_is_named_at_once(advisor: User, facility_offer: Offer) -> None:
    errors = refused(
        actions.facility_save,
        actor=advisor,
        offer=facility_offer,
        data=facility_data(
            kind="quantum_annealer",
            capacity=0,
            unit="furlongs",
            period="fortnight",
            available_from="2026-06-01",
            available_until="2026-05-31",
            open_weekdays="0, 9",
            price_per_unit="-1",
        ),
    )
    assert set(errors) == {
        "kind",
        "capacity",
        "unit",
        "period",
        "available_until",
        "open_weekdays",
        "price_per_unit",
    }
    assert "from 1 to" in errors["capacity"][0]
    assert "before it is available from" in errors["available_until"][0]
    assert "0 to 6" in errors["open_weekdays"][0]
    assert not Facility.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", "ten"),
        ("capacity", ""),
        ("capacity", True),
        ("capacity", -3),
        ("open_weekdays", "monday"),
        ("open_weekdays", ","),
        ("open_weekdays", {"day": 1}),
        ("available_from", "01/06/2026"),
        ("available_until", "tomorrow"),
        ("unit", ""),
        ("period", None),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(
    advisor: User, facility_offer: Offer, field: str, value: object
) -> None:
    errors = refused(actions.facility_save, actor=advisor, offer=facility_offer, data=facility_data(**{field: value}))
    assert list(errors) == [field]


def test_a_capacity_below_a_period_to_come_is_refused_naming_the_period(
    advisor: User, facility: Facility, project: Project
) -> None:
    month = next_month(timezone.localdate())
    actions.book(actor=advisor, project=project, facility=facility, data={"units": 600, "starts_on": month})
    errors = refused(actions.facility_save, actor=advisor, offer=facility.offer, data=facility_data(capacity=599))
    assert list(errors) == ["capacity"]
    assert "600 units" in errors["capacity"][0]
    assert formats.date_format(month) in errors["capacity"][0]
    facility.refresh_from_db()
    assert facility.capacity == 1000
    # Down to exactly what is booked is fine.
    actions.facility_save(actor=advisor, offer=facility.offer, data=facility_data(capacity=600))
    facility.refresh_from_db()
    assert facility.capacity == 600


def test_a_booking_whose_period_is_over_does_not_hold_the_capacity_up(
    advisor: User, facility: Facility, project: Project
) -> None:
    (booking,) = actions.book(
        actor=advisor, project=project, facility=facility, data={"units": 800, "starts_on": timezone.localdate()}
    )
    Booking.objects.filter(pk=booking.pk).update(period_start=first_of_month(timezone.localdate() - timedelta(days=40)))
    actions.facility_save(actor=advisor, offer=facility.offer, data=facility_data(capacity=100))
    facility.refresh_from_db()
    assert facility.capacity == 100


def test_a_cancelled_booking_does_not_hold_the_capacity_up(advisor: User, facility: Facility, project: Project) -> None:
    month = next_month(timezone.localdate())
    (booking,) = actions.book(
        actor=advisor, project=project, facility=facility, data={"units": 900, "starts_on": month}
    )
    actions.booking_cancel(actor=advisor, booking=booking)
    actions.facility_save(actor=advisor, offer=facility.offer, data=facility_data(capacity=10))
    facility.refresh_from_db()
    assert facility.capacity == 10


def test_the_period_is_not_changed_under_bookings_to_come(advisor: User, facility: Facility, project: Project) -> None:
    month = next_month(timezone.localdate())
    actions.book(actor=advisor, project=project, facility=facility, data={"units": 10, "starts_on": month})
    errors = refused(
        actions.facility_save, actor=advisor, offer=facility.offer, data=facility_data(period="week", capacity=5000)
    )
    assert list(errors) == ["period"] and "per month" in errors["period"][0]
    facility.refresh_from_db()
    assert facility.period == "month"
