"""A registrant's data is exported and erased by e-mail address; ``tick`` runs the events' due work."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from moselle.core import privacy
from moselle.events import actions
from moselle.events.models import Registration, SurveyResponse
from moselle.events.tests.conftest import Register, link_in

R = Registration.Status


def test_a_registrant_is_exported_and_erased_by_address(register_someone: Register) -> None:
    registration = register_someone(1, organisation_name="Atelier Moselle")
    SurveyResponse.objects.create(
        registration=registration, satisfaction=4, comments="Ask Ana about the demo", answers={"7": "Call me, Ana"}
    )
    waiting = [register_someone(2), register_someone(3)]
    person = privacy.find_person("GUEST1@example.org")
    exported = privacy.export_person(person)["events"]["event_registrations"]
    assert [(r["name"], r["email"], r["status"]) for r in exported] == [("Guest 1", "guest1@example.org", "confirmed")]
    assert exported[0]["survey"] == {
        "satisfaction": 4,
        "comments": "Ask Ana about the demo",
        "answers": {"7": "Call me, Ana"},
    }
    privacy.erase_person(person)
    erased = Registration.objects.get(pk=registration.pk)
    assert erased.name == "" and "guest1" not in erased.email and erased.status == R.CANCELLED
    assert (
        SurveyResponse.objects.get(registration=erased).comments,
        SurveyResponse.objects.get(registration=erased).answers,
    ) == ("", {})
    assert SurveyResponse.objects.get(registration=erased).satisfaction == 4  # the rating stays in the figures
    assert Registration.objects.get(pk=waiting[1].pk).status == R.OFFERED  # the freed seat passed on
    assert privacy.export_person(privacy.find_person("guest1@example.org")).get("events", {}) == {}


def test_tick_lapses_expired_offers(register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    third, fourth = register_someone(3), register_someone(4)
    actions.cancel_by_link(token=link_in("guest1@example.org", "cancel"))
    Registration.objects.filter(pk=third.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    with open("/dev/null", "w") as quiet:
        call_command("tick", stdout=quiet)
    assert Registration.objects.get(pk=third.pk).status == R.LAPSED
    assert Registration.objects.get(pk=fourth.pk).status == R.OFFERED
