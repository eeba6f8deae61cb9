"""Who may do what with events: the hub's staff run them; registrants act through their signed links."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, require_hub_staff
from moselle.events.models import Event, Registration

PUBLIC = (Event.Status.PUBLISHED, Event.Status.CANCELLED)
TOP = 2**63 - 1  # ids beyond the column's range are simply not found


def require_event_staff(user: Any) -> None:
    """Events, their registrations and the check-in are the hub staff's work."""
    require_hub_staff(user)


def visible_events(user: Any) -> QuerySet[Event]:
    """Published and cancelled events for everyone; drafts too for the hub's staff."""
    if is_hub_staff(user):
        return Event.objects.all()
    return Event.objects.filter(status__in=PUBLIC)


def get_event_for_user(user: Any, event_id: int) -> Event:
    """The event if the user may see it (a draft is the staff's alone); 404 otherwise."""
    event = visible_events(user).filter(pk=event_id).first() if 1 <= event_id <= TOP else None
    if event is None:
        raise Http404
    return event


def get_event_for_staff(user: Any, event_id: int) -> Event:
    """Any event, in any status, for the hub's staff; 404 for everyone else."""
    require_event_staff(user)
    return get_event_for_user(user, event_id)


def get_registration_for_staff(user: Any, registration_id: int) -> Registration:
    require_event_staff(user)
    registration = (
        Registration.objects.select_related("event").filter(pk=registration_id).first()
        if 1 <= registration_id <= TOP
        else None
    )
    if registration is None:
        raise Http404
    return registration
