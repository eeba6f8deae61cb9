"""The demo events: a series of talks, a workshop, a tour stop and a full training course with people
waiting, all published and in the future; loading again adds nothing."""

from __future__ import annotations

from typing import Any

from moselle.accounts.demo import load_demo
from moselle.events import demo
from moselle.events.models import Event, Registration

R = Registration.Status


def test_the_demo_events_are_believable_and_loaded_once(hub: Any) -> None:
    load_demo()
    report = demo.load_demo_events()
    assert report.events == 5 and report.registrations == Registration.objects.count()
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.PUBLISHED}
    assert all(Event.objects.values_list("is_demo", flat=True))
    course = Event.objects.get(kind=Event.Kind.TRAINING)
    assert course.registrations.filter(status=R.CONFIRMED).count() == course.capacity == 15
    assert course.registrations.filter(status=R.WAITING).count() == 3
    assert Event.objects.filter(series__isnull=False).count() == 2
    assert demo.load_demo_events().skipped and Event.objects.count() == 5
