"""The facilities' writes: a facility's details, bookings of its units for projects and the units used.

Bookings are counted under the facility's row lock (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every
transaction begins ``IMMEDIATE`` and takes the database's write lock, see ``moselle.env.sqlite_database``), so
two bookings of the last units never both pass. Each action checks every field first and names every bad one
at once; nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.catalogue.access import can_edit_offer
from moselle.catalogue.models import Offer
from moselle.core import audit
from moselle.core.i18n import translated_text
from moselle.journeys.actions.checks import Checked, check_choice, check_text, user_of
from moselle.pilots.checks import LATEST, MAX_PERIODS, require_open, whole
from moselle.pilots.models import Booking, Facility, Project
from moselle.reporting.actions import a_date, money

# --- Facilities ----------------------------------------------------------------------------------------------


def _weekdays(value: Any) -> list[int]:
    if value in (None, ""):
        return [0, 1, 2, 3, 4]
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise ValidationError({"open_weekdays": _("Give the weekdays as numbers, Monday 0 to Sunday 6.")})
    days = set()
    for item in value:
        days.add(whole(item, "open_weekdays", lowest=0, highest=6))
    if not days:
        raise ValidationError({"open_weekdays": _("Give at least one weekday the facility is open.")})
    return sorted(days)


def facility_save(*, actor: Any, offer: Offer, data: Mapping[str, Any]) -> Facility:
    """Give a test-facility offer what a facility needs, or change it: hub staff, and the provider's members while
    the offer is a draft or awaits review. A capacity below what is booked in a period to come is refused,
    naming the period."""
    if not can_edit_offer(actor, offer):
        raise ValidationError({"actor": _("Only the hub's staff and the provider's members change this facility.")})
    if offer.kind != Offer.Kind.TEST_FACILITY:
        raise ValidationError({"offer": _("Only an offer of kind test facility has a facility's details.")})
    current = Facility.objects.filter(offer=offer).first()
    kept_from = current.available_from if current is not None else timezone.localdate()
    checked = Checked(data)
    checked.take("kind", lambda v: check_choice(v, Facility.Kind.choices, "kind", _("Choose the kind of facility.")))
    checked.take("unit", lambda v: check_choice(v, Facility.Unit.choices, "unit", _("Choose the unit of use.")))
    checked.take("capacity", lambda v: whole(v, "capacity", lowest=1))
    checked.take(
        "period", lambda v: check_choice(v, Facility.Period.choices, "period", _("Choose day, week or month."))
    )
    checked.take("access_conditions", lambda v: translated_text(v or {}, "access_conditions", 2000, ""))
    checked.take(
        "available_from",
        lambda v: a_date(v, "available_from", latest=LATEST) if v not in (None, "") else kept_from,
    )
    checked.take("available_until", lambda v: a_date(v, "available_until", required=False, latest=LATEST))
    checked.take("open_weekdays", _weekdays)
    checked.take("price_per_unit", lambda v: money(v, "price_per_unit"))
    values = checked.values
    start, end = values.get("available_from"), values.get("available_until")
    if start and end and end < start:
        checked.add("available_until", _("The facility cannot be available until a day before it is available from."))
    checked.done()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.status in (Offer.Status.PUBLISHED, Offer.Status.ARCHIVED) and not is_hub_staff(actor):
            raise ValidationError(
                {"offer": _("A published or archived facility is changed by the hub: ask it to put it back to draft.")}
            )
        # Locked as ``book`` locks it, so that a change of capacity and a booking of the same period queue.
        facility = Facility.objects.select_for_update().filter(offer=offer).first()
        before = audit.snapshot(facility) if facility else None
        if facility is None:
            facility = Facility(offer=offer)
        if facility.pk:
            _refuse_changed_capacity(facility, values)
        for field, value in values.items():
            setattr(facility, field, value)
        facility.updated_by = user_of(actor)
        facility.save()
        audit.record(
            actor=actor, action="facility.save", target=facility, before=before, organisation_id=offer.provider_id
        )
    return facility


def _refuse_changed_capacity(facility: Facility, values: Mapping[str, Any]) -> None:
    """Bookings to come stay within a new capacity, in the same periods, inside the availability and on open
    days."""
    today = timezone.localdate()
    to_come = Booking.objects.filter(
        facility=facility, status=Booking.Status.BOOKED, period_start__gte=facility.period_of(today)
    )
    if values["period"] != facility.period and to_come.exists():
        raise ValidationError(
            {
                "period": _("Bookings to come are counted %(period)s: cancel them before changing the period.")
                % {"period": facility.get_period_display()}
            }
        )
    fullest = (
        to_come.values("period_start")
        .annotate(total=Sum("units"))
        .filter(total__gt=values["capacity"])
        .order_by("period_start")
        .first()
    )
    if fullest is not None:
        raise ValidationError(
            {
                "capacity": _(
                    "%(units)d units are booked in the period from %(day)s: the capacity cannot go below that."
                )
                % {"units": fullest["total"], "day": formats.date_format(fullest["period_start"])}
            }
        )
    changed = Facility(
        **{
            **{f: getattr(facility, f) for f in ("period", "available_from", "available_until", "open_weekdays")},
            **{k: values[k] for k in ("available_from", "available_until", "open_weekdays")},
        }
    )
    for start in to_come.order_by("period_start").values_list("period_start", flat=True).distinct():
        closed = changed.period == Facility.Period.DAY and start.weekday() not in changed.open_weekdays
        if closed or not _available(changed, start):
            field = (
                "open_weekdays"
                if closed
                else ("available_from" if start < changed.available_from else "available_until")
            )
            raise ValidationError(
                {
                    field: _(
                        "A booking to come falls in the period from %(day)s, which the new availability leaves out: "
                        "cancel it first."
                    )
                    % {"day": formats.date_format(start)}
                }
            )


# --- Bookings -------------------------------------------------------------------------------------------------------


def may_book(actor: Any, facility: Facility) -> bool:
    """The hub's staff, and the facility's owner for the projects it takes part in."""
    return is_hub_staff(actor) or facility.offer.provider_id in member_organisation_ids(actor)


def periods(facility: Facility, first: date, last: date) -> list[date]:
    """The periods from the one ``first`` falls in to the one ``last`` falls in; a daily facility's closed
    weekdays left out."""
    found: list[date] = []
    start = facility.period_of(first)
    while start <= last and len(found) <= MAX_PERIODS:
        if facility.period != Facility.Period.DAY or start.weekday() in facility.open_weekdays:
            found.append(start)
        start = facility.period_end(start) + timedelta(days=1)
    return found


def _available(facility: Facility, start: date) -> bool:
    end = facility.period_end(start)
    if end < facility.available_from:
        return False
    return facility.available_until is None or start <= facility.available_until


def _checked_booking(facility: Facility, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[date]]:
    """The units, the periods wanted and the note, checked against the facility as it is (under its lock)."""
    today = timezone.localdate()
    checked = Checked(data)
    checked.take("units", lambda v: whole(v, "units", lowest=1))
    checked.take("starts_on", lambda v: a_date(v, "starts_on", latest=LATEST))
    checked.take("ends_on", lambda v: a_date(v, "ends_on", required=False, latest=LATEST))
    checked.take("note", lambda v: check_text(v, "note", 300))
    values = checked.values
    first, last = values.get("starts_on"), values.get("ends_on") or values.get("starts_on")
    wanted: list[date] = []
    if first and last:
        if last < first:
            checked.add("ends_on", _("The booking cannot end before it starts."))
        elif facility.period_end(facility.period_of(first)) < today:
            checked.add("starts_on", _("This period is over; book from today on."))
        else:
            wanted = periods(facility, first, last)
            if len(wanted) > MAX_PERIODS:
                checked.add("ends_on", _("Book at most %(limit)d periods at once.") % {"limit": MAX_PERIODS})
            elif not wanted:
                checked.add("starts_on", _("The facility is closed on these days."))
            else:
                outside = [p for p in wanted if not _available(facility, p)]
                if outside:
                    checked.add(
                        "starts_on",
                        _("The facility is not available in the period from %(day)s (available %(window)s).")
                        % {"day": formats.date_format(outside[0]), "window": availability_text(facility)},
                    )
    if facility.offer.status != Offer.Status.PUBLISHED:
        checked.add("facility", _("Only a published facility is booked."))
    checked.done()
    return values, wanted


def book(*, actor: Any, project: Project, facility: Facility, data: Mapping[str, Any]) -> list[Booking]:
    """Book ``units`` of a facility in every period from ``starts_on`` to ``ends_on`` for a project in progress:
    all or none. Refused, naming the field: a period over, outside the facility's availability, or one where the
    units would go beyond the capacity (counted under the facility's row lock, so that concurrent bookings of the
    last units queue and only one passes)."""
    if not may_book(actor, facility):
        raise ValidationError({"actor": _("Only the hub's staff and the facility's owner book it.")})
    if not is_hub_staff(actor) and not project.partners.filter(organisation_id=facility.offer.provider_id).exists():
        raise ValidationError({"project": _("The facility's owner books it for the projects it is a partner of.")})
    with transaction.atomic():
        facility = Facility.objects.select_for_update(of=("self",)).select_related("offer").get(pk=facility.pk)
        project = Project.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=project.pk)
        require_open(project)
        values, wanted = _checked_booking(facility, data)
        units = values["units"]
        taken = dict(
            Booking.objects.filter(facility=facility, status=Booking.Status.BOOKED, period_start__in=wanted)
            .values("period_start")
            .annotate(total=Sum("units"))
            .values_list("period_start", "total")
        )
        for start in wanted:
            left = facility.capacity - taken.get(start, 0)
            if units > left:
                raise ValidationError(
                    {
                        "units": _("Only %(left)d %(unit)s left in the period from %(day)s (capacity %(capacity)d).")
                        % {
                            "left": max(left, 0),
                            "unit": facility.get_unit_display(),
                            "day": formats.date_format(start),
                            "capacity": facility.capacity,
                        }
                    }
                )
        made = [
            Booking.objects.create(
                facility=facility,
                project=project,
                period_start=start,
                units=units,
                note=values.get("note", ""),
                booked_by=user_of(actor),
            )
            for start in wanted
        ]
        for booking in made:
            audit.record(actor=actor, action="pilot.book", target=booking, organisation_id=project.organisation_id)
    return made


def availability_text(facility: Facility) -> str:
    start = formats.date_format(facility.available_from)
    if facility.available_until is None:
        return _("from %(start)s") % {"start": start}
    return _("from %(start)s to %(end)s") % {"start": start, "end": formats.date_format(facility.available_until)}


def may_cancel(actor: Any, booking: Booking) -> bool:
    """The hub's staff; the facility's owner for the projects it takes part in, as a partner or as the company
    (it records the use of any)."""
    if is_hub_staff(actor):
        return True
    owner = booking.facility.offer.provider_id
    if owner not in member_organisation_ids(actor):
        return False
    return booking.project.organisation_id == owner or booking.project.partners.filter(organisation_id=owner).exists()


def booking_cancel(*, actor: Any, booking: Booking) -> Booking:
    """Cancel a booking whose period has not begun: its units are free again."""
    if not may_cancel(actor, booking):
        raise ValidationError(
            {"actor": _("Only the hub's staff, and the facility's owner for its own projects, cancel a booking.")}
        )
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.BOOKED:
            raise ValidationError({"status": _("This booking is cancelled already.")})
        if booking.period_start <= timezone.localdate():
            raise ValidationError({"status": _("This period has begun: record what was used instead.")})
        before = audit.snapshot(booking)
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="pilot.booking_cancel",
            target=booking,
            before=before,
            organisation_id=booking.project.organisation_id,
        )
    return booking


def usage_record(*, actor: Any, booking: Booking, used: Any) -> Booking:
    """The units a project used of a booking, once its period has begun: at most what was booked."""
    if not may_book(actor, booking.facility):
        raise ValidationError({"actor": _("Only the hub's staff and the facility's owner record its use.")})
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.BOOKED:
            raise ValidationError({"used": _("This booking was cancelled.")})
        if booking.period_start > timezone.localdate():
            raise ValidationError({"used": _("This period has not begun yet.")})
        number = whole(used, "used", lowest=0, highest=booking.units)
        before = audit.snapshot(booking)
        booking.used, booking.usage_by = number, user_of(actor)
        booking.save(update_fields=["used", "usage_by"])
        audit.record(
            actor=actor,
            action="pilot.usage",
            target=booking,
            before=before,
            organisation_id=booking.project.organisation_id,
        )
    return booking


__all__ = [
    "availability_text",
    "book",
    "booking_cancel",
    "facility_save",
    "may_book",
    "may_cancel",
    "periods",
    "usage_record",
]
