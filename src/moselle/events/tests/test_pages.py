"""The public event pages: the list, an event with its registration form, a series' feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from moselle.accounts.models import User
from moselle.events import actions
from moselle.events.models import Event, Registration, Series
from moselle.events.tests.conftest import Register, person


def _form(n: int, **more: str) -> dict[str, str]:
    return {
        "name": f"Guest {n}",
        "email": f"guest{n}@example.org",
        "organisation_name": "Atelier Moselle",
        "language": "fr",
        "accept_terms": "on",
        **more,
    }


def test_the_list_shows_published_events_to_come_with_their_seats(
    client: Client, make_event: Callable[..., Event], register_someone: Register
) -> None:
    event = make_event(title={"en": "Cyber basics"})
    make_event(publish=False, title={"en": "Draft talk"})
    register_someone(1)
    page = client.get(reverse("event_list")).content.decode()
    assert "Cyber basics" in page and "Draft talk" not in page
    assert "AI for managers" in page and "1 seat left" in page
    assert event.online_link not in page


def test_a_visitor_registers_and_the_full_event_puts_the_next_on_the_waiting_list(client: Client, event: Event) -> None:
    url = reverse("event_detail", args=[event.pk])
    page = client.get(url).content.decode()
    assert "2 seats left" in page and event.online_link not in page
    assert "is confirmed" in client.post(url, _form(1)).content.decode()
    client.post(url, _form(2))
    full = client.get(url).content.decode()
    assert "Join the waiting list" in full
    waiting = client.post(url, _form(3)).content.decode()
    assert "waiting list" in waiting
    statuses = list(Registration.objects.order_by("id").values_list("status", "language"))
    assert statuses == [("confirmed", "fr"), ("confirmed", "fr"), ("waiting", "fr")]


def test_bad_registrations_are_named_on_the_page_and_nothing_is_written(client: Client, event: Event) -> None:
    url = reverse("event_detail", args=[event.pk])
    response = client.post(url, _form(1, email="nope", accept_terms=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give a valid e-mail address." in page and "Accept the terms to register." in page
    assert 'value="Guest 1"' in page  # what was typed stays
    assert not Registration.objects.exists()


def test_a_draft_event_is_not_found_and_a_cancelled_one_takes_no_registration(
    client: Client, make_event: Callable[..., Event], advisor: User
) -> None:
    draft = make_event(publish=False)
    assert client.get(reverse("event_detail", args=[draft.pk])).status_code == 404
    cancelled = actions.event_cancel(actor=advisor, event=make_event())
    page = client.get(reverse("event_detail", args=[cancelled.pk])).content.decode()
    assert "This event has been cancelled." in page and "<form" not in page.split("<main")[-1]
    assert client.post(reverse("event_detail", args=[cancelled.pk]), _form(1)).status_code == 400


def test_a_series_feed_lists_its_events_without_the_online_link(
    client: Client, make_event: Callable[..., Event]
) -> None:
    series = Series.objects.create(title={"en": "L-DIH Talks"})
    make_event(series=series.pk)
    make_event(series=series.pk, publish=False)
    response = client.get(reverse("series_feed", args=[series.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == 1 and str(calendar["X-WR-CALNAME"]) == "L-DIH Talks"
    assert b"meet.example.org" not in response.content
    assert client.get(reverse("series_feed", args=[series.pk + 1])).status_code == 404


def test_seats_left_count_each_registration_once_whatever_the_sessions(
    client: Client, make_event: Callable[..., Event]
) -> None:
    days = [(timezone.localdate() + timedelta(days=n)).isoformat() for n in (10, 11)]
    event = make_event(capacity=3, sessions=[{"day": day, "starts": "09:00", "ends": "12:00"} for day in days])
    actions.register(event_id=event.pk, data=person(1))
    assert "2 seats left" in client.get(reverse("event_list")).content.decode()
    assert "2 seats left" in client.get(reverse("event_detail", args=[event.pk])).content.decode()
