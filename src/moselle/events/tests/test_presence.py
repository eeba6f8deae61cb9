"""The days of a multi-day event: the QR code scanned on each day marks that day, also once the attendance is
marked; a guard of ``follow_up.UNMARK_GUARDS`` refuses unmarking a day or the attendance, and nothing changes.

The days are set in the future when registering, then moved with a plain update so that one of them is today:
the platform never lets anyone check in on a day that has not come."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.core.models import AuditEntry
from moselle.events import actions, follow_up
from moselle.events.models import Event, Registration, Session
from moselle.events.tests.conftest import person


@pytest.fixture
def two_days(make_event: Callable[..., Event]) -> Event:
    first = timezone.localdate() + timedelta(days=14)
    return make_event(
        sessions=[
            {"day": day.isoformat(), "starts": "09:00", "ends": "17:00"} for day in (first, first + timedelta(days=1))
        ]
    )


def days_from(event: Event, first: date) -> tuple[Session, Session]:
    """Move the event's two days so that the first is ``first``."""
    one, two = event.sessions.order_by("day")
    Session.objects.filter(pk=two.pk).update(day=first + timedelta(days=11))  # out of the way of the unique day
    Session.objects.filter(pk=one.pk).update(day=first)
    Session.objects.filter(pk=two.pk).update(day=first + timedelta(days=1))
    one.refresh_from_db()
    two.refresh_from_db()
    return one, two


def marked(registration: Registration) -> list[int]:
    return sorted(registration.presences.values_list("session", flat=True))


def test_the_qr_code_scanned_on_each_day_marks_that_day(advisor: Any, two_days: Event) -> None:
    registration = actions.register(event_id=two_days.pk, data=person(1))
    token = actions.standing_token(actions.CHECK_IN, registration)
    today = timezone.localdate(timezone=two_days.zone)
    one, two = days_from(two_days, today)
    actions.check_in_by_link(actor=advisor, token=token)
    registration.refresh_from_db()
    checked_in = registration.attended_at
    assert checked_in is not None and marked(registration) == [one.pk]
    attendance = AuditEntry.objects.filter(action="registration.attendance").count()

    days_from(two_days, today - timedelta(days=1))  # the next day
    actions.check_in_by_link(actor=advisor, token=token)
    actions.check_in_by_link(actor=advisor, token=token)  # scanned twice: nothing more
    registration.refresh_from_db()
    assert marked(registration) == sorted([one.pk, two.pk])
    assert registration.attended_at == checked_in, "the attendance stays as first marked"
    assert AuditEntry.objects.filter(action="registration.attendance").count() == attendance


def test_a_check_in_on_a_day_without_a_session_marks_no_day(advisor: Any, two_days: Event) -> None:
    registration = actions.register(event_id=two_days.pk, data=person(1))
    today = timezone.localdate(timezone=two_days.zone)
    one, _two = days_from(two_days, today)
    actions.mark_attendance(actor=advisor, registration=registration, attended=True)
    days_from(two_days, today - timedelta(days=5))  # both days are past: today is none of them
    actions.mark_attendance(actor=advisor, registration=registration, attended=True)
    assert marked(registration) == [one.pk]


def refuse_unmarking(registration: Registration) -> None:
    raise ValidationError({"session": "Kept."})


def test_a_guard_refuses_unmarking_a_day_or_the_attendance_and_nothing_changes(
    advisor: Any, two_days: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    registration = actions.register(event_id=two_days.pk, data=person(1))
    one, two = days_from(two_days, timezone.localdate(timezone=two_days.zone) - timedelta(days=2))
    for day in (one, two):
        actions.mark_presence(actor=advisor, registration=registration, session=day, present=True)
    monkeypatch.setattr(follow_up, "UNMARK_GUARDS", [*follow_up.UNMARK_GUARDS, refuse_unmarking])
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.mark_presence(actor=advisor, registration=registration, session=one, present=False)
    assert caught.value.message_dict == {"session": ["Kept."]}
    with pytest.raises(ValidationError) as caught:
        actions.mark_attendance(actor=advisor, registration=registration, attended=False)
    assert caught.value.message_dict == {"session": ["Kept."]}
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert marked(registration) == sorted([one.pk, two.pk])
    assert AuditEntry.objects.count() == audits
    # Marking is never guarded.
    actions.mark_attendance(actor=advisor, registration=registration, attended=True)

    monkeypatch.setattr(follow_up, "UNMARK_GUARDS", [g for g in follow_up.UNMARK_GUARDS if g is not refuse_unmarking])
    actions.mark_attendance(actor=advisor, registration=registration, attended=False)
    registration.refresh_from_db()
    assert registration.attended_at is None and marked(registration) == []
