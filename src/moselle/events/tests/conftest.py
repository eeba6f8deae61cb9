"""An event with two seats, published by the hub's advisor, two weeks from now; registrations come from
``register_someone``, and the links the registrants get are read from their e-mails."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core.models import EmailLog
from moselle.events import actions
from moselle.events.models import Event, Registration

Register = Callable[..., Registration]


@pytest.fixture
def advisor(make_user: Any) -> User:
    return make_user(Role.HUB_ADVISOR)


def event_data(**more: Any) -> dict[str, Any]:
    day = (timezone.localdate() + timedelta(days=14)).isoformat()
    return {
        "kind": "workshop",
        "title": {"en": "AI for managers", "fr": "L'IA pour les dirigeants", "de": "KI für Führungskräfte"},
        "description": {"en": "A morning on what AI can do for a small firm."},
        "time_zone": "Europe/Luxembourg",
        "venue": "Technoport, Esch-sur-Alzette",
        "online_link": "https://meet.example.org/ai-managers",
        "capacity": 2,
        "sessions": [{"day": day, "starts": "09:30", "ends": "12:00"}],
        **more,
    }


@pytest.fixture
def make_event(advisor: User) -> Callable[..., Event]:
    def make(publish: bool = True, **more: Any) -> Event:
        event = actions.event_create(actor=advisor, data=event_data(**more))
        return actions.event_publish(actor=advisor, event=event) if publish else event

    return make


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event()


def person(n: int, **more: Any) -> dict[str, Any]:
    return {
        "name": f"Guest {n}",
        "email": f"guest{n}@example.org",
        "organisation_name": "Atelier Moselle",
        "language": "en",
        "accept_terms": True,
        **more,
    }


@pytest.fixture
def register_someone(event: Event) -> Register:
    def register(n: int, target: Event | None = None, **more: Any) -> Registration:
        return actions.register(event_id=(target or event).pk, data=person(n, **more))

    return register


def link_in(email: str, kind: str) -> str:
    """The token of the latest link of ``kind`` (cancel, accept, check-in) e-mailed to ``email``."""
    for log in EmailLog.objects.filter(recipient=email).order_by("-id"):
        found = re.search(rf"/events/r/{kind}/([^/\s]+)/", log.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {kind} link was sent to {email}")


def mails_to(email: str) -> list[EmailLog]:
    return list(EmailLog.objects.filter(recipient=email).order_by("id"))
