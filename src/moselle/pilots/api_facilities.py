"""API of the test facilities: their details and booking calendars (``pilots.api`` has the projects).

Facilities are read where their catalogue offer is visible; a calendar shows everyone the units booked and
free, and the projects behind the bookings only to those who see them (``pilots.access``). Writes go through
``pilots.actions``, which names every bad field (422) and writes nothing then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.catalogue.models import Offer
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.ids import TOP
from moselle.pilots import access, actions
from moselle.pilots.api import (
    CALENDAR_DAYS,
    CALENDAR_DEFAULT_DAYS,
    MONEY_HELP,
    TRANSLATED,
    FacilityKind,
    FacilityPeriod,
    FacilityUnit,
    OfferStatus,
    PilotOrganisationOut,
    _day,
    _organisation,
)
from moselle.pilots.checks import LATEST
from moselle.pilots.models import Booking, Facility

router = Router(tags=["pilots"])


class FacilityOut(Schema):
    id: int = Field(description="The test-facility offer's id in the catalogue (``/offers/{id}``).")
    status: OfferStatus = Field(description="The offer's status; only a published facility is booked.")
    title: dict[str, str] = Field(description=TRANSLATED)
    provider: PilotOrganisationOut = Field(description="The facility's owner: the offer's provider.")
    kind: FacilityKind
    unit: FacilityUnit = Field(description="The unit of use: core-hours, GPU-hours, lab days, line shifts…")
    capacity: int = Field(description="Units offered per period.")
    period: FacilityPeriod = Field(description="The period the capacity counts over; a week starts on Monday.")
    access_conditions: dict[str, str] = Field(description=TRANSLATED + " Empty when none.")
    available_from: date
    available_until: date | None = Field(description="Null: open-ended.")
    open_weekdays: list[int] = Field(description="For a daily facility, the weekdays it opens: Monday 0 to Sunday 6.")
    price_per_unit: Decimal = Field(description="EUR.")
    updated_at: datetime


def facility_out(facility: Facility) -> dict[str, Any]:
    offer = facility.offer
    return {
        "id": offer.pk,
        "status": offer.status,
        "title": offer.title,
        "provider": _organisation(offer.provider),
        "kind": facility.kind,
        "unit": facility.unit,
        "capacity": facility.capacity,
        "period": facility.period,
        "access_conditions": facility.access_conditions or {},
        "available_from": facility.available_from,
        "available_until": facility.available_until,
        "open_weekdays": list(facility.open_weekdays or []),
        "price_per_unit": facility.price_per_unit,
        "updated_at": facility.updated_at,
    }


class FacilityFilter(Schema):
    kind: Literal["", "hpc", "ai_lab", "cyber_range", "pilot_line", "testbed_5g", "other"] = Field(
        "", description="Only facilities of this kind."
    )
    provider: int | None = Field(None, ge=1, le=TOP, description="Only the facilities of this owner.")

    model_config = {"extra": "forbid"}


@router.get(
    "/facilities",
    response={200: Page[FacilityOut], **ERRORS},
    summary="Test facilities: published ones for everyone, drafts for their owner's members and the hub",
)
def facility_list(request: HttpRequest, params: Query[PageParams], filters: Query[FacilityFilter]) -> Any:
    facilities = access.visible_facilities(request.user)
    if filters.kind:
        facilities = facilities.filter(kind=filters.kind)
    if filters.provider:
        facilities = facilities.filter(offer__provider_id=filters.provider)
    limit, offset = page_limits(params)
    page = paginate(facilities.order_by("offer_id"), limit=limit, offset=offset)
    page["items"] = [facility_out(f) for f in page["items"]]
    return page


@router.get("/facilities/{offer_id}", response={200: FacilityOut, **ERRORS}, summary="One test facility")
def facility_detail(request: HttpRequest, offer_id: int) -> Any:
    return facility_out(access.get_facility_for_user(request.user, offer_id))


class FacilityIn(Schema):
    kind: FacilityKind
    unit: FacilityUnit
    capacity: int = Field(description="Units per period, 1 to 10,000,000; not below what a period to come holds.")
    period: FacilityPeriod = Field(description="Changed only while no booking is to come.")
    access_conditions: dict[str, str] = Field({}, description=TRANSLATED + " Optional; at most 2000 characters each.")
    available_from: date | None = Field(None, description="Null: today.")
    available_until: date | None = Field(None, description="Null: open-ended; not before ``available_from``.")
    open_weekdays: list[int] | None = Field(
        None, max_length=7, description="Monday 0 to Sunday 6, for a daily facility; null: Monday to Friday."
    )
    price_per_unit: Decimal = Field(Decimal("0"), description=MONEY_HELP)

    model_config = {"extra": "forbid"}


@router.put(
    "/facilities/{offer_id}",
    response={200: FacilityOut, **WRITE_ERRORS},
    summary="Give a test-facility offer its facility's details, or change them (its provider's members and the hub)",
)
def facility_put(request: HttpRequest, offer_id: int, payload: FacilityIn) -> Any:
    offer = access.get_facility_offer_for_edit(request.user, offer_id)
    data = payload.dict()
    facility = actions.facility_save(actor=request.user, offer=offer, data=data)
    facility.offer = offer
    return facility_out(facility)


class FacilityBookingOut(Schema):
    id: int = Field(description="The booking's id.")
    units: int
    used: int | None = Field(description="Units used, once recorded.")
    project: int | None = Field(description="The project's id; null when the caller does not see the project.")
    project_title: str | None = Field(description="Null when the caller does not see the project.")


class FacilityPeriodOut(Schema):
    start: date = Field(description="The period's first day.")
    end: date = Field(description="The period's last day.")
    capacity: int
    booked: int = Field(description="Units booked, every project counted.")
    free: int = Field(description="Units that can still be booked: the capacity less what is booked, not below 0.")
    available: bool = Field(
        description="The facility can be booked in this period: published, inside its availability window, and "
        "the period not over."
    )
    bookings: list[FacilityBookingOut] = Field(
        description="The bookings the caller may see: all for the hub and the facility's owner, those of the "
        "caller's projects for everyone else."
    )


class FacilityCalendarOut(Schema):
    facility: int = Field(description="The test-facility offer's id.")
    unit: FacilityUnit
    period: FacilityPeriod
    start: date
    end: date
    periods: list[FacilityPeriodOut] = Field(
        description="The periods from the one ``start`` falls in to the one ``end`` falls in; a daily facility's "
        "closed weekdays left out."
    )


class CalendarQuery(Schema):
    start: date | None = Field(None, description="YYYY-MM-DD; null: today.")
    end: date | None = Field(
        None,
        description=f"YYYY-MM-DD, at most {CALENDAR_DAYS} days from ``start`` counted inclusively; null: "
        f"{CALENDAR_DEFAULT_DAYS} days.",
    )

    model_config = {"extra": "forbid"}


def _calendar_range(query: CalendarQuery) -> tuple[date, date]:
    _day(query.start, "start")
    _day(query.end, "end")
    start = query.start or timezone.localdate()
    end = query.end or min(start + timedelta(days=CALENDAR_DEFAULT_DAYS - 1), LATEST)
    if end < start:
        raise ValidationError({"end": _("The end cannot be before the start.")})
    if (end - start).days + 1 > CALENDAR_DAYS:
        raise ValidationError(
            {"end": _("Show at most %(days)d days at once: give an earlier end.") % {"days": CALENDAR_DAYS}}
        )
    return start, end


def _bookable(facility: Facility, start: date, today: date) -> bool:
    end = facility.period_end(start)
    if facility.offer.status != Offer.Status.PUBLISHED or end < today or end < facility.available_from:
        return False
    return facility.available_until is None or start <= facility.available_until


@router.get(
    "/facilities/{offer_id}/calendar",
    response={200: FacilityCalendarOut, **ERRORS},
    summary="A facility's booking calendar: capacity, units booked and free per period, and the bookings you see",
)
def facility_calendar(request: HttpRequest, offer_id: int, query: Query[CalendarQuery]) -> Any:
    facility = access.get_facility_for_user(request.user, offer_id)
    start, end = _calendar_range(query)
    today = timezone.localdate()
    periods = actions.periods(facility, start, end)
    bookings = list(
        Booking.objects.filter(facility=facility, status=Booking.Status.BOOKED, period_start__in=periods)
        .select_related("project")
        .order_by("period_start", "id")
    )
    user = request.user
    seen = set(
        access.visible_projects(user).filter(pk__in={b.project_id for b in bookings}).values_list("pk", flat=True)
    )
    sees_all = is_hub_staff(user) or facility.offer.provider_id in member_organisation_ids(user)
    by_period: dict[date, list[Booking]] = {}
    for booking in bookings:
        by_period.setdefault(booking.period_start, []).append(booking)
    rows = []
    for period_start in periods:
        held = by_period.get(period_start, [])
        booked = sum(b.units for b in held)
        rows.append(
            {
                "start": period_start,
                "end": facility.period_end(period_start),
                "capacity": facility.capacity,
                "booked": booked,
                "free": max(facility.capacity - booked, 0),
                "available": _bookable(facility, period_start, today),
                "bookings": [
                    {
                        "id": b.pk,
                        "units": b.units,
                        "used": b.used,
                        "project": b.project_id if b.project_id in seen else None,
                        "project_title": b.project.title if b.project_id in seen else None,
                    }
                    for b in held
                    if sees_all or b.project_id in seen
                ],
            }
        )
    return {
        "facility": facility.offer_id,
        "unit": facility.unit,
        "period": facility.period,
        "start": start,
        "end": end,
        "periods": rows,
    }
