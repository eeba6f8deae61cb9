"""Reads shared by the events' pages and API: events with their seats taken counted and their sessions in
order, and the seats left."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from moselle.events.models import Event, Registration, Session


def with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    """``taken`` (seats held by a confirmation or an open offer) and ``first_day`` on each event, its sessions
    prefetched in order. ``distinct``: the sessions' join would count each registration once per session."""
    return events.annotate(
        taken=Count("registrations", filter=Q(registrations__status__in=Registration.HOLDS_A_SEAT), distinct=True),
        first_day=Min("sessions__day"),
    ).prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("day", "starts", "id")))


def seats_left(event: Any) -> int | None:
    """None where the event has no limit; read from ``with_seats``' count."""
    return None if event.capacity is None else max(0, event.capacity - event.taken)


def free_seats(event: Event) -> int | None:
    """The seats left of one event, counted now (None where it has no limit)."""
    if event.capacity is None:
        return None
    taken = event.registrations.filter(status__in=Registration.HOLDS_A_SEAT).count()
    return max(0, event.capacity - taken)
