"""The events API: what everyone sees (never a draft, never the online link), registration with errors naming
the field, and the staff's events and registrations; everyone else gets 404 on the staff's routes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core.models import AuditEntry
from moselle.events.actions import event_cancel
from moselle.events.models import Event, Registration
from moselle.events.tests.conftest import Register, event_data, person

R = Registration.Status
LINK = "meet.example.org"
MakeEvent = Callable[..., Event]


def api(token_for: Any, user: User, role: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user, role)}"})


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post("/api/v1" + url, body or {}, content_type="application/json")


def fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_everyone_sees_the_published_events_coming_soonest_first_without_the_online_link(
    personas: Any, token_for: Any, advisor: User, make_event: MakeEvent
) -> None:
    later = make_event()
    sooner = make_event(sessions=[{"day": in_days(3), "starts": "14:00", "ends": "16:00"}])
    draft = make_event(publish=False)
    make_event(sessions=[{"day": in_days(-2), "starts": "09:00", "ends": "10:00"}])  # over
    event_cancel(actor=advisor, event=make_event())
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    response = company.get("/api/v1/events")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and [e["id"] for e in body["items"]] == [sooner.pk, later.pk]
    assert LINK not in response.content.decode()
    assert all(item["online_link"] is None for item in body["items"])
    item = body["items"][1]
    day = timezone.localdate() + timedelta(days=14)
    assert item["title"]["fr"] == "L'IA pour les dirigeants" and (item["capacity"], item["seats_left"]) == (2, 2)
    assert item["sessions"][0]["starts"] == "09:30:00"
    start = datetime.fromisoformat(item["sessions"][0]["start"])
    assert start == datetime.combine(day, time(9, 30), ZoneInfo("Europe/Luxembourg")) and start.utcoffset()
    # Asking for drafts, or for everything, changes nothing for them; a draft's own address is a 404.
    for status in ("draft", "all"):
        asked = company.get("/api/v1/events", {"status": status}).json()
        assert [e["id"] for e in asked["items"]] == [sooner.pk, later.pk]
    assert company.get(f"/api/v1/events/{draft.pk}").status_code == 404
    one = company.get(f"/api/v1/events/{later.pk}")
    assert one.status_code == 200 and one.json()["online_link"] is None and LINK not in one.content.decode()
    # The API needs a token or a session, as every other operation does.
    assert Client().get("/api/v1/events").status_code == 401


def test_staff_see_drafts_and_the_online_link(token_for: Any, advisor: User, make_event: MakeEvent) -> None:
    published, draft = make_event(), make_event(publish=False)
    staff = api(token_for, advisor, Role.HUB_ADVISOR)
    drafts = staff.get("/api/v1/events", {"status": "draft"}).json()
    assert [e["id"] for e in drafts["items"]] == [draft.pk]
    assert drafts["items"][0]["online_link"] == "https://meet.example.org/ai-managers"
    every = staff.get("/api/v1/events", {"status": "all"}).json()
    assert {e["id"] for e in every["items"]} == {published.pk, draft.pk}
    assert staff.get("/api/v1/events").json()["count"] == 1
    one = staff.get(f"/api/v1/events/{draft.pk}")
    assert one.status_code == 200 and one.json()["status"] == "draft"


def test_seats_left_count_each_registration_once_whatever_the_sessions(
    personas: Any, token_for: Any, make_event: MakeEvent, register_someone: Register
) -> None:
    two_days = [
        {"day": in_days(5), "starts": "09:00", "ends": "12:00"},
        {"day": in_days(6), "starts": "09:00", "ends": "12:00"},
    ]
    event = make_event(capacity=3, sessions=two_days)
    register_someone(1, target=event)
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    listed = {e["id"]: e for e in company.get("/api/v1/events").json()["items"]}
    assert (listed[event.pk]["seats_left"], len(listed[event.pk]["sessions"])) == (2, 2)


def test_the_list_costs_the_same_queries_for_one_event_or_many(
    token_for: Any, advisor: User, make_event: MakeEvent, django_assert_max_num_queries: Any
) -> None:
    staff = api(token_for, advisor, Role.HUB_ADVISOR)
    make_event(questions=[{"label": {"en": "Your role?"}}])
    staff.get("/api/v1/events")  # the token's first use is written down
    with django_assert_max_num_queries(20) as one:
        assert staff.get("/api/v1/events").json()["count"] == 1
    for _ in range(4):
        make_event(questions=[{"label": {"en": "Your role?"}}])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert staff.get("/api/v1/events").json()["count"] == 5


def test_a_bad_event_is_refused_naming_each_field_and_nothing_is_written(token_for: Any, advisor: User) -> None:
    staff = api(token_for, advisor, Role.HUB_ADVISOR)
    for changes, field in (
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"capacity": 0}, "capacity"),
        ({"sessions": []}, "sessions"),
        ({"sessions": [{"day": in_days(3), "starts": "12:00", "ends": "09:00"}]}, "sessions"),
        ({"kind": "party"}, "kind"),
    ):
        response = post(staff, "/events", event_data(**changes))
        assert response.status_code == 422, response.json()
        assert field in fields(response) and field in response.json()["detail"]
    everything = post(staff, "/events", event_data(time_zone="Nowhere", capacity=0, sessions=[]))
    assert everything.status_code == 422 and {"time_zone", "capacity", "sessions"} <= fields(everything)
    assert not Event.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="event.").exists()


def test_staff_draft_change_publish_and_cancel_an_event(token_for: Any, advisor: User) -> None:
    staff = api(token_for, advisor, Role.HUB_ADVISOR)
    created = post(staff, "/events", event_data(questions=[{"label": {"en": "Your role?"}, "required": True}]))
    assert created.status_code == 201, created.json()
    event = created.json()
    assert (event["status"], event["sequence"], event["questions"][0]["required"]) == ("draft", 0, True)
    url = f"/api/v1/events/{event['id']}"
    assert (event["sends_survey"], event["survey_questions"]) == (True, [])
    more_seats = staff.patch(
        url,
        {"capacity": 5, "survey_questions": [{"en": "Next topic?", "de": "Nächstes Thema?"}]},
        content_type="application/json",
    )
    assert more_seats.status_code == 200 and (more_seats.json()["capacity"], more_seats.json()["sequence"]) == (5, 0)
    assert [q["label"] for q in more_seats.json()["survey_questions"]] == [
        {"en": "Next topic?", "de": "Nächstes Thema?"}
    ]
    no_text = staff.patch(url, {"survey_questions": [{"en": " "}]}, content_type="application/json")
    assert no_text.status_code == 422 and "survey_questions" in str(no_text.json())
    moved = staff.patch(url, {"venue": "House of Startups"}, content_type="application/json").json()
    assert (moved["venue"], moved["sequence"], moved["capacity"]) == ("House of Startups", 1, 5)
    unlimited = staff.patch(url, {"capacity": None}, content_type="application/json").json()
    assert (unlimited["capacity"], unlimited["seats_left"]) == (None, None)
    bad = staff.patch(url, {"time_zone": "Europe/Atlantis"}, content_type="application/json")
    assert bad.status_code == 422 and fields(bad) == {"time_zone"}
    assert Event.objects.get(pk=event["id"]).time_zone == "Europe/Luxembourg"
    assert post(staff, f"/events/{event['id']}/publish").json()["status"] == "published"
    again = post(staff, f"/events/{event['id']}/publish")
    assert again.status_code == 422 and fields(again) == {"status"}
    cancelled = post(staff, f"/events/{event['id']}/cancel").json()
    assert (cancelled["status"], cancelled["sequence"]) == ("cancelled", 2)


def test_registering_through_the_api_confirms_then_waits_and_refuses_an_address_twice(
    personas: Any, token_for: Any, event: Event
) -> None:
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    answers = [post(company, f"/events/{event.pk}/registrations", person(n)) for n in (1, 2, 3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json()["status"] for a in answers] == ["confirmed", "confirmed", "waiting"]
    assert all(set(a.json()) == {"id", "status"} for a in answers)
    twice = post(company, f"/events/{event.pk}/registrations", person(9, email="GUEST2@example.org"))
    assert twice.status_code == 422 and fields(twice) == {"email"} and "email" in twice.json()["detail"]
    assert event.registrations.count() == 3
    listed = company.get(f"/api/v1/events/{event.pk}").json()
    assert listed["seats_left"] == 0


def test_a_bad_registration_names_each_field(personas: Any, token_for: Any, make_event: MakeEvent) -> None:
    event = make_event(questions=[{"label": {"en": "Your role?"}, "required": True}])
    question = event.questions.get()
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    bad = post(
        company, f"/events/{event.pk}/registrations", person(1, email="not-an-address", accept_terms=False, name="")
    )
    assert bad.status_code == 422
    assert fields(bad) == {"name", "email", "accept_terms", f"answers.{question.pk}"}
    unknown = post(company, f"/events/{event.pk}/registrations", {**person(1), "shoe_size": 42})
    assert unknown.status_code == 422 and fields(unknown) == {"shoe_size"}
    answered = post(company, f"/events/{event.pk}/registrations", person(1, answers={str(question.pk): "CEO"}))
    assert answered.status_code == 201
    assert Registration.objects.get().answers == {str(question.pk): "CEO"}


def test_a_draft_or_cancelled_event_takes_no_registration(
    personas: Any, token_for: Any, advisor: User, make_event: MakeEvent
) -> None:
    draft, cancelled = make_event(publish=False), make_event()
    staff = api(token_for, advisor, Role.HUB_ADVISOR)
    post(staff, f"/events/{cancelled.pk}/cancel")
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    assert post(company, f"/events/{draft.pk}/registrations", person(1)).status_code == 404
    refused = post(company, f"/events/{cancelled.pk}/registrations", person(1))
    assert refused.status_code == 422 and fields(refused) == {"event"}
    assert not Registration.objects.exists()


def test_a_registrant_learns_nothing_of_the_others(
    personas: Any, token_for: Any, event: Event, register_someone: Register
) -> None:
    register_someone(1, organisation_name="Secret Holdings", answers={})
    company = api(token_for, personas.b["company_member"], Role.COMPANY_MEMBER)
    mine = post(company, f"/events/{event.pk}/registrations", person(2))
    seen = company.get(f"/api/v1/events/{event.pk}").content.decode() + mine.content.decode()
    for private in ("guest1@example.org", "Guest 1", "Secret Holdings", "Atelier Moselle", "guest2@example.org"):
        assert private not in seen
    assert mine.json() == {"id": Registration.objects.get(email="guest2@example.org").pk, "status": "confirmed"}


def test_staff_list_approve_decline_and_check_in(token_for: Any, advisor: User, make_event: MakeEvent) -> None:
    event = make_event(needs_approval=True)
    staff = api(token_for, advisor, Role.HUB_ADVISOR)
    for n, organisation in ((1, "Atelier Moselle"), (2, "Boulangerie Schmit"), (3, "Atelier Moselle")):
        registered = post(staff, f"/events/{event.pk}/registrations", person(n, organisation_name=organisation))
        assert registered.json()["status"] == "pending"
    listed = staff.get(f"/api/v1/events/{event.pk}/registrations").json()
    assert listed["count"] == 3 and listed["items"][0]["email"] == "guest1@example.org"
    first, second, third = (item["id"] for item in listed["items"])
    found = staff.get(f"/api/v1/events/{event.pk}/registrations", {"q": "schmit"}).json()
    assert [item["id"] for item in found["items"]] == [second]
    assert staff.get(f"/api/v1/events/{event.pk}/registrations", {"q": "GUEST3"}).json()["items"][0]["id"] == third

    approved = post(staff, f"/registrations/{first}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"
    declined = post(staff, f"/registrations/{second}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    pending = staff.get(f"/api/v1/events/{event.pk}/registrations", {"status": "pending"}).json()
    assert [item["id"] for item in pending["items"]] == [third]
    twice = post(staff, f"/registrations/{first}/approve")
    assert twice.status_code == 422 and fields(twice) == {"status"}

    present = post(staff, f"/registrations/{first}/attendance", {"attended": True})
    assert present.status_code == 200 and present.json()["attended_at"] is not None
    assert Registration.objects.get(pk=first).checked_in_by == advisor
    absent = post(staff, f"/registrations/{first}/attendance", {"attended": False})
    assert absent.json()["attended_at"] is None
    not_confirmed = post(staff, f"/registrations/{second}/attendance", {"attended": True})
    assert not_confirmed.status_code == 422 and fields(not_confirmed) == {"status"}
    assert Registration.objects.get(pk=second).attended_at is None


def test_everyone_but_the_staff_gets_404_on_the_staff_routes(
    personas: Any, token_for: Any, make_event: MakeEvent, register_someone: Register
) -> None:
    draft, event = make_event(publish=False), make_event(needs_approval=True)
    pending = register_someone(1, target=event)
    events = Event.objects.count()
    checks = [
        ("post", "/events", event_data()),
        ("patch", f"/events/{event.pk}", {"venue": "Elsewhere"}),
        ("post", f"/events/{draft.pk}/publish", {}),
        ("post", f"/events/{event.pk}/cancel", {}),
        ("get", f"/events/{event.pk}/registrations", {}),
        ("post", f"/registrations/{pending.pk}/approve", {}),
        ("post", f"/registrations/{pending.pk}/decline", {}),
        ("post", f"/registrations/{pending.pk}/attendance", {"attended": True}),
    ]
    callers = [
        api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER),
        api(token_for, personas.a["partner_member"], Role.PARTNER_MEMBER),
        api(token_for, personas.b["observer"], Role.OBSERVER),
        Client(headers={"Authorization": f"Bearer {personas.peer_key}"}),
    ]
    for client in callers:
        for method, url, body in checks:
            if method == "get":
                response = client.get("/api/v1" + url)
            else:
                response = getattr(client, method)("/api/v1" + url, body, content_type="application/json")
            assert response.status_code == 404, (method, url, response.status_code)
            assert "guest1" not in response.content.decode()
    assert Event.objects.count() == events
    assert (Event.objects.get(pk=draft.pk).status, Event.objects.get(pk=event.pk).venue) == (
        "draft",
        "Technoport, Esch-sur-Alzette",
    )
    assert Registration.objects.get(pk=pending.pk).status == R.PENDING
