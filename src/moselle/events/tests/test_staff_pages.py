"""The hub staff's event pages: the form, the registrations with search, approval and attendance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moselle.accounts.models import User
from moselle.events import actions
from moselle.events.models import Event, Registration
from moselle.events.tests.conftest import Register, person

R = Registration.Status


def _form(**more: str) -> dict[str, str]:
    day = (timezone.localdate() + timedelta(days=20)).isoformat()
    return {
        "kind": "webinar",
        "title_en": "Data literacy",
        "title_fr": "Culture des données",
        "time_zone": "Europe/Luxembourg",
        "online_link": "https://meet.example.org/data",
        "capacity": "30",
        "offer_hours": "24",
        "reminder_days": "7 1",
        "session_0_day": day,
        "session_0_starts": "10:00",
        "session_0_ends": "11:30",
        "question_0_en": "Your sector?",
        "question_0_de": "Ihre Branche?",
        "sends_survey": "on",
        "survey_question_0_en": "What will you try first?",
        "survey_question_0_fr": "Qu'allez-vous essayer d'abord ?",
        **more,
    }


def test_staff_create_an_event_then_publish_it(client_for: Callable[[User | None], Client], advisor: User) -> None:
    staff = client_for(advisor)
    response = staff.post(reverse("staff_event_create"), _form())
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff_event_detail", args=[event.pk])
    assert (event.title, event.capacity, event.offer_hours, event.reminder_days) == (
        {"en": "Data literacy", "fr": "Culture des données"},
        30,
        24,
        [7, 1],
    )
    assert [(s.starts.hour, s.ends.minute) for s in event.sessions.all()] == [(10, 30)]
    assert event.questions.get().label == {"en": "Your sector?", "de": "Ihre Branche?"}
    assert event.sends_survey and event.survey_questions.get().label == {
        "en": "What will you try first?",
        "fr": "Qu'allez-vous essayer d'abord ?",
    }
    edit = staff.get(reverse("staff_event_edit", args=[event.pk])).content.decode()
    assert 'value="Ihre Branche?"' in edit and 'value="What will you try first?"' in edit
    staff.post(
        reverse("staff_event_edit", args=[event.pk]),
        _form(sends_survey="", survey_question_0_en="", survey_question_0_fr=""),
    )
    event.refresh_from_db()
    assert not event.sends_survey and not event.survey_questions.exists()
    staff.post(reverse("staff_event_publish", args=[event.pk]))
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_the_form_names_the_bad_fields_and_keeps_what_was_typed(
    client_for: Callable[[User | None], Client], advisor: User
) -> None:
    response = client_for(advisor).post(
        reverse("staff_event_create"), _form(time_zone="Mars/Olympus", session_0_ends="09:00", title_en="", title_fr="")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Unknown time zone Mars/Olympus" in page and "ends after it starts" in page
    assert "Give the event&#x27;s title." in page and 'value="Your sector?"' in page
    assert not Event.objects.exists()


def test_staff_search_registrations_approve_and_mark_attendance(
    client_for: Callable[[User | None], Client], advisor: User, make_event: Callable[..., Event]
) -> None:
    event = make_event(needs_approval=True)
    first = actions.register(event_id=event.pk, data=person(1, organisation_name="Brasserie Nationale"))
    actions.register(event_id=event.pk, data=person(2, organisation_name="Atelier Moselle"))
    staff = client_for(advisor)
    page = staff.get(reverse("staff_event_detail", args=[event.pk]), {"q": "brasserie"}).content.decode()
    assert "guest1@example.org" in page and "guest2@example.org" not in page
    staff.post(reverse("staff_registration_approve", args=[first.pk]))
    assert Registration.objects.get(pk=first.pk).status == R.CONFIRMED
    staff.post(reverse("staff_registration_attendance", args=[first.pk]), {"attended": "yes"})
    assert Registration.objects.get(pk=first.pk).attended_at is not None
    listed = staff.get(reverse("staff_event_list")).content.decode()
    assert "AI for managers" in listed


def test_editing_seats_below_those_taken_is_refused_on_the_page(
    client_for: Callable[[User | None], Client], advisor: User, event: Event, register_someone: Register
) -> None:
    register_someone(1), register_someone(2)
    form = {**_form(), "capacity": "1"}
    response = client_for(advisor).post(reverse("staff_event_edit", args=[event.pk]), form)
    assert response.status_code == 400 and "2 seats are taken" in response.content.decode()
    assert Event.objects.get(pk=event.pk).capacity == 2


def test_the_edit_form_shows_the_event_as_it_is(
    client_for: Callable[[User | None], Client], advisor: User, event: Event
) -> None:
    page = client_for(advisor).get(reverse("staff_event_edit", args=[event.pk])).content.decode()
    assert (
        'value="AI for managers"' in page and 'value="09:30"' in page and 'value="Technoport, Esch-sur-Alzette"' in page
    )
