"""The skills API: courses read and changed by those who may, sessions planned and enrolled, days attended and
completions recorded by the hub, a company's skills picture read and changed by its members and the hub, every
bad field named (422) with nothing written, someone else's objects a 404, and the market's gaps never showing a
count under five."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.events.models import Event, Presence, Registration
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.skills import actions
from moselle.skills.models import Completion, Course, CourseSession, RoleSkill
from moselle.skills.tests.conftest import PEOPLE, course_data, into_the_past, session_data

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def staff(advisor: User) -> Client:
    return _client(advisor)


@pytest.fixture
def member(make_user: Callable[..., User], company: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, company)


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    """A member of another company, with the same role."""
    other = Organisation.objects.create(name="Boulangerie Schmit", country="LU")
    OrganisationKind.objects.create(organisation=other, kind=Organisation.Kind.COMPANY)
    return make_user(Role.COMPANY_MEMBER, other)


@pytest.fixture
def trainer(make_user: Callable[..., User], provider: Organisation) -> User:
    return make_user(Role.PROVIDER_MEMBER, provider)


# --- Courses ---------------------------------------------------------------------------------------------------


def test_the_course_list_shows_published_courses_with_their_sessions_and_filters(
    staff: Client, member: User, course: Course, session: CourseSession, provider: Organisation
) -> None:
    make_offer(provider, status=Offer.Status.PUBLISHED, kind=Offer.Kind.TRAINING, title={"en": "No details yet"})
    client = _client(member)
    body = client.get(f"{API}/courses").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == course.offer_id and item["level"] == "intermediate" and item["format"] == "classroom"
    assert item["provider"] == {"id": provider.pk, "name": provider.name}
    assert {s["label"] for s in item["skills"]} == {"cyber security", "identify ICT security risks"}
    assert item["aid_per_participant"] == "450.00" and item["aid_scheme"] == "National training aid"
    (upcoming,) = item["sessions"]
    assert upcoming["id"] == session.pk and upcoming["event"] == session.event_id
    assert upcoming["seats_left"] == 3 and upcoming["needs_approval"] is True
    for query, count in (
        ({"level": "3"}, 1),
        ({"level": "advanced"}, 0),
        ({"format": "online"}, 0),
        ({"language": "fr"}, 1),
    ):
        assert client.get(f"{API}/courses", query).json()["count"] == count, query
    for field, value in (("level", "expert"), ("format", "lecture"), ("language", "lb")):
        refused = client.get(f"{API}/courses", {field: value})
        assert refused.status_code == 422 and _fields(refused) == {field}, refused.content


def test_one_course_is_a_404_when_not_visible_not_training_or_without_details(
    member: User, outsider: User, course: Course, provider: Organisation, trainer: User
) -> None:
    url = f"{API}/courses/{course.offer_id}"
    assert _client(member).get(url).json()["prerequisites"] == {"en": "Basic IT"}
    draft = make_offer(provider, kind=Offer.Kind.TRAINING)
    actions.course_save(actor=trainer, offer=draft, data=course_data())
    assert _client(trainer).get(f"{API}/courses/{draft.pk}").status_code == 200
    assert _client(outsider).get(f"{API}/courses/{draft.pk}").status_code == 404
    service = make_offer(provider, status=Offer.Status.PUBLISHED, kind=Offer.Kind.SERVICE)
    bare = make_offer(provider, status=Offer.Status.PUBLISHED, kind=Offer.Kind.TRAINING)
    for offer in (service, bare):
        assert _client(member).get(f"{API}/courses/{offer.pk}").status_code == 404
    assert _client(member).get(f"{API}/courses/999999").status_code == 404


def test_the_provider_gives_a_training_offer_its_course_details_and_bad_fields_are_named(
    trainer: User, outsider: User, provider: Organisation, taxonomy: None
) -> None:
    offer = make_offer(provider, kind=Offer.Kind.TRAINING)
    url = f"{API}/courses/{offer.pk}"
    body = {**course_data(), "level": 2, "prerequisites": {}}
    assert _json(_client(outsider), "put", url, body).status_code == 404
    saved = _json(_client(trainer), "put", url, body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["level"] == "basic" and saved.json()["duration_hours"] == "14.0"
    assert saved.json()["status"] == "draft" and saved.json()["sessions"] == []
    bad = {
        **body,
        "level": "none",
        "aid_per_participant": "1000",
        "skills": ["juggling with fire"],
        "duration_hours": "0",
    }
    refused = _json(_client(trainer), "put", url, bad)
    assert refused.status_code == 422
    assert _fields(refused) == {"level", "aid_per_participant", "skills", "duration_hours"}
    assert Course.objects.get(offer=offer).level == 2
    schema_refused = _json(_client(trainer), "put", url, {**body, "level": True, "format": "lecture"})
    assert schema_refused.status_code == 422 and _fields(schema_refused) == {"level", "format"}


# --- Sessions, enrolment, presence and completion ----------------------------------------------------------------


def test_staff_plan_a_session_and_others_get_404(
    staff: Client, trainer: User, course: Course, session: CourseSession
) -> None:
    url = f"{API}/courses/{course.offer_id}/sessions"
    body = {**session_data(days=30), "title": None, "capacity": 8}
    assert _json(_client(trainer), "post", url, body).status_code == 404
    made = _json(staff, "post", url, body)
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["course"] == course.offer_id and out["status"] == "published" and out["capacity"] == 8
    assert out["title"]["en"] == "Cybersecurity for SMEs" and out["needs_approval"] is True
    assert len(out["days"]) == 2 and out["participants"] == []
    assert out["days"][0]["starts"] == "09:00" and out["days"][0]["ends"] == "17:00"
    refused = _json(staff, "post", url, {**body, "sessions": [], "capacity": 0})
    assert refused.status_code == 422 and _fields(refused) == {"sessions", "capacity"}
    day = body["sessions"][0]["day"]
    with_offset = _json(
        staff, "post", url, {**body, "sessions": [{"day": day, "starts": "09:00+01:00", "ends": "17:00"}]}
    )
    assert with_offset.status_code == 422 and _fields(with_offset) == {"sessions.0.starts"}
    assert CourseSession.objects.filter(course=course).count() == 2


def test_participants_are_shown_to_staff_only(
    staff: Client, member: User, advisor: User, company: Organisation, session: CourseSession
) -> None:
    actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    url = f"{API}/course-sessions/{session.pk}"
    seen = staff.get(url).json()
    assert [p["name"] for p in seen["participants"]] == ["Anna Weber"]
    assert seen["participants"][0]["organisation"] == company.pk and seen["seats_left"] == 2
    theirs = _client(member).get(url).json()
    assert theirs["participants"] is None and theirs["online_link"] is None
    Event.objects.filter(pk=session.event_id).update(status=Event.Status.DRAFT)
    assert _client(member).get(url).status_code == 404
    assert staff.get(url).status_code == 200


def test_a_company_enrols_its_own_people_and_not_another_companys(
    staff: Client, member: User, outsider: User, company: Organisation, session: CourseSession
) -> None:
    url = f"{API}/course-sessions/{session.pk}/enrolments"
    body = {"organisation": company.pk, "people": PEOPLE[:1]}
    assert _json(_client(outsider), "post", url, body).status_code == 404
    own = _json(_client(member), "post", url, body)
    assert own.status_code == 201, own.content
    assert [r["status"] for r in own.json()] == ["pending"]  # an aided course: the hub approves
    by_staff = _json(staff, "post", url, {"organisation": company.pk, "people": PEOPLE[1:]})
    assert [r["status"] for r in by_staff.json()] == ["confirmed"]
    assert Registration.objects.filter(event=session.event, organisation=company).count() == 2


def test_a_bad_or_too_large_enrolment_names_the_field_and_writes_nothing(
    staff: Client, company: Organisation, make_session: Callable[..., CourseSession]
) -> None:
    session = make_session(capacity=1)
    url = f"{API}/course-sessions/{session.pk}/enrolments"
    full = _json(staff, "post", url, {"organisation": company.pk, "people": PEOPLE})
    assert full.status_code == 422 and _fields(full) == {"people"}
    bad_email = _json(staff, "post", url, {"organisation": company.pk, "people": [{"name": "Anna", "email": "anna"}]})
    assert bad_email.status_code == 422 and _fields(bad_email) == {"people"}
    nobody = _json(staff, "post", url, {"organisation": company.pk, "people": []})
    assert nobody.status_code == 422 and _fields(nobody) == {"people"}
    assert not Registration.objects.filter(event=session.event).exists()


@pytest.fixture
def attended(advisor: User, company: Organisation, session: CourseSession) -> Iterator[Registration]:
    (registration,) = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    into_the_past(session)
    yield registration


def test_staff_mark_each_day_and_record_the_completion(
    staff: Client, member: User, attended: Registration, session: CourseSession, make_session: Any
) -> None:
    days = list(session.event.sessions.order_by("day"))
    presence = f"{API}/enrolments/{attended.pk}/presence"
    assert _json(_client(member), "post", presence, {"session": days[0].pk, "present": True}).status_code == 404
    marked = _json(staff, "post", presence, {"session": days[0].pk, "present": True})
    assert marked.status_code == 200 and marked.json()["days_present"] == [days[0].pk]
    other_day = make_session(days=40).event.sessions.first()
    wrong = _json(staff, "post", presence, {"session": other_day.pk, "present": True})
    assert wrong.status_code == 422 and _fields(wrong) == {"session"}

    completion = f"{API}/enrolments/{attended.pk}/completion"
    early = _json(staff, "post", completion, {})
    assert early.status_code == 422 and _fields(early) == {"registration"}  # one day still missing
    _json(staff, "post", presence, {"session": days[1].pk, "present": True})
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    refused = _json(staff, "post", completion, {"completed_on": future})
    assert refused.status_code == 422 and _fields(refused) == {"completed_on"}
    assert _json(_client(member), "post", completion, {}).status_code == 404
    done = _json(staff, "post", completion, {"passed": None})
    assert done.status_code == 201, done.content
    assert done.json()["registration"] == attended.pk and done.json()["passed"] is None
    assert Completion.objects.filter(registration=attended).count() == 1
    participant = staff.get(f"{API}/course-sessions/{session.pk}").json()["participants"][0]
    assert participant["completed"] is True and participant["days_present"] == sorted(d.pk for d in days)
    assert Presence.objects.filter(registration=attended).count() == 2


# --- A company's skills ------------------------------------------------------------------------------------------


def test_a_company_sees_its_gaps_with_the_courses_that_meet_them(
    member: User, outsider: User, company: Organisation, session: CourseSession
) -> None:
    client = _client(member)
    url = f"{API}/organisations/{company.pk}/skills"
    assert _client(outsider).get(url).status_code == 404
    assert client.get(url).json()["rows"] == []
    row = _json(
        client, "put", f"{url}/rows", {"role": "manager", "skill": "cyber security", "current": 1, "needed": "advanced"}
    )
    assert row.status_code == 200, row.content
    assert row.json()["origin"] == "added" and row.json()["gap"] == 3 and row.json()["current"] == "awareness"
    body = client.get(url).json()
    (gap,) = body["gaps"]
    assert gap["id"] == row.json()["id"] and gap["skill"]["label"] == "cyber security"
    assert gap["courses"][0] == {
        "offer": session.course.offer_id,
        "title": session.course.offer.title,
        "reason": "teaches",
        "next_session": session.pk,
    }


def test_proposing_keeps_the_rows_changed_by_hand(member: User, company: Organisation, taxonomy: None) -> None:
    client = _client(member)
    url = f"{API}/organisations/{company.pk}/skills"
    _json(client, "put", f"{url}/rows", {"role": "manager", "skill": "cyber security", "current": 0, "needed": 2})
    proposed = client.post(f"{url}/propose")
    assert proposed.status_code == 200, proposed.content
    body = proposed.json()
    assert body["proposed_at"] and body["proposed_from"]["sector"] == "C"
    assert {r["origin"] for r in body["rows"]} == {"proposed", "added"}
    assert "production_operator" in {r["role"] for r in body["rows"]}


def test_a_row_with_bad_levels_role_or_skill_names_the_field(
    member: User, company: Organisation, taxonomy: None
) -> None:
    client = _client(member)
    url = f"{API}/organisations/{company.pk}/skills/rows"
    good = {"role": "manager", "skill": "cyber security", "current": "basic", "needed": "intermediate"}
    below = _json(client, "put", url, {**good, "current": 3, "needed": 1})
    assert below.status_code == 422 and _fields(below) == {"needed"}
    for field, value in (("current", "expert"), ("needed", 7), ("role", "astronaut"), ("skill", "juggling")):
        refused = _json(client, "put", url, {**good, field: value})
        assert refused.status_code == 422 and _fields(refused) == {field}, (field, refused.content)
    assert not RoleSkill.objects.exists()


def test_a_row_is_removed_by_the_company_and_not_by_others(
    member: User, outsider: User, advisor: User, company: Organisation, taxonomy: None
) -> None:
    row = actions.role_skill_save(
        actor=advisor, organisation=company, role="engineer", skill="cyber security", data={"current": 1, "needed": 3}
    )
    url = f"{API}/skills/rows/{row.pk}"
    assert _client(outsider).delete(url).status_code == 404
    removed = _client(member).delete(url)
    assert removed.status_code == 204 and removed.content == b""
    assert _client(member).delete(url).status_code == 404
    assert not RoleSkill.objects.exists()


# --- The market --------------------------------------------------------------------------------------------------


def _companies(count: int, skill_label: str, advisor: User, *, regions: list[str]) -> None:
    for n in range(count):
        organisation = Organisation.objects.create(
            name=f"{skill_label} {n}", country="LU", region=regions[n % len(regions)], size_class="small"
        )
        OrganisationKind.objects.create(organisation=organisation, kind=Organisation.Kind.COMPANY)
        actions.role_skill_save(
            actor=advisor,
            organisation=organisation,
            role="manager",
            skill=skill_label,
            data={"current": 1, "needed": 3},
        )


def _numbers_under_five(body: dict[str, Any]) -> list[Any]:
    assert "companies" not in body, "no total beside the rows: it would bound the hidden ones"
    found = []
    for row in body["rows"]:
        for figure in (row["companies"], *(cell["companies"] for cell in row["cells"])):
            if figure is not None and figure < 5:
                found.append((row["skill"]["label"], figure))
    return found


def test_the_market_never_shows_a_count_under_five(
    make_user: Any, advisor: User, member: User, course: Course, org_a: Organisation
) -> None:
    _companies(5, "cyber security", advisor, regions=["LU00", "LU00", "LU00", "BE10"])
    _companies(2, "use spreadsheets software", advisor, regions=["LU00"])
    observer = make_user(Role.OBSERVER, org_a)
    assert _client(member).get(f"{API}/skills/market").status_code == 404
    for reader in (_client(advisor), _client(observer)):
        body = reader.get(f"{API}/skills/market").json()
        assert not _numbers_under_five(body)
        rows = {row["skill"]["label"]: row for row in body["rows"]}
        assert rows["cyber security"]["companies"] == 5 and rows["cyber security"]["courses"] == 1
        # Two companies and no course: listed, the row would tell them from none.
        assert "use spreadsheets software" not in rows
        # On offer and needed by nobody: "fewer than five" as well, never a zero.
        assert rows["identify ICT security risks"] == {
            **rows["identify ICT security risks"],
            "companies": None,
            "suppressed": True,
            "in_demand": False,
        }
    for breakdown in ("region", "size_class", "sector", "quarter"):
        body = _client(advisor).get(f"{API}/skills/market", {"breakdown": breakdown}).json()
        assert body["breakdown"] == breakdown and not _numbers_under_five(body), breakdown
    by_region = _client(advisor).get(f"{API}/skills/market", {"breakdown": "region"}).json()
    cyber = next(r for r in by_region["rows"] if r["skill"]["label"] == "cyber security")
    assert [(c["key"], c["companies"], c["suppressed"]) for c in cyber["cells"]] == [
        ("BE10", None, True),
        ("LU00", None, True),  # 4 would let the one in BE10 be recomputed from the total
    ]
    by_size = _client(advisor).get(f"{API}/skills/market", {"breakdown": "size_class"}).json()
    cyber = next(r for r in by_size["rows"] if r["skill"]["label"] == "cyber security")
    assert cyber["cells"] == [{"key": "small", "companies": 5, "suppressed": False}]
    refused = _client(advisor).get(f"{API}/skills/market", {"breakdown": "colour"})
    assert refused.status_code == 422 and _fields(refused) == {"breakdown"}
