"""The demo events: a series of talks, a workshop, a tour stop and a full training course with people
waiting, all published and in the future, and a workshop held three weeks ago whose attendance is in the
hub's work; loading again adds nothing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from moselle.accounts.demo import load_demo
from moselle.events import demo
from moselle.events.models import Event, Registration
from moselle.journeys.models import Activity
from moselle.organisations.demo import FEATURED_COMPANY
from moselle.reporting.models import ServiceRecord

R = Registration.Status


def test_the_demo_events_are_believable_and_loaded_once(hub: Any) -> None:
    load_demo()
    report = demo.load_demo_events()
    assert report.events == 6 and report.registrations == Registration.objects.count()
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.PUBLISHED}
    assert all(Event.objects.values_list("is_demo", flat=True))
    course = Event.objects.get(kind=Event.Kind.TRAINING)
    assert course.registrations.filter(status=R.CONFIRMED).count() == course.capacity == 15
    assert course.registrations.filter(status=R.WAITING).count() == 3
    assert Event.objects.filter(series__isnull=False).count() == 2
    held = Event.objects.get(title__en="Cybersecurity hands-on workshop")
    assert held.sessions.get().day < timezone.localdate()
    # The other demo companies come with the whole registry (seed --demo); here only the featured ones exist.
    assert held.registrations.filter(attended_at__isnull=False).count() == held.registrations.count() - 2 >= 4
    featured = ServiceRecord.objects.get(source=ServiceRecord.Source.EVENT, customer__name=FEATURED_COMPANY)
    assert (featured.status, featured.attendees, featured.started_on) == ("proposed", 2, held.sessions.get().day)
    assert Activity.objects.filter(verb="event_attended", organisation__name=FEATURED_COMPANY).count() == 1
    assert demo.load_demo_events().skipped and Event.objects.count() == 6
