"""A course's details (``course_save``): every bad field named at once, skills by ESCO URI, code or label, who
may change it, and a second save changing the same row; a course's sessions (``session_create``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.catalogue import actions as catalogue
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models import AuditEntry
from moselle.events import actions as events
from moselle.events.models import Event, Registration
from moselle.reporting.models import Grant
from moselle.skills import actions
from moselle.skills.models import Course, CourseSession
from moselle.skills.tests.conftest import AID, PEOPLE, course_data, into_the_past, refused, session_data, skill

pytestmark = pytest.mark.django_db


def test_it_names_every_bad_field_at_once_and_writes_nothing(advisor: Any, training_offer: Offer) -> None:
    audits = AuditEntry.objects.count()
    errors = refused(
        actions.course_save,
        actor=advisor,
        offer=training_offer,
        data=course_data(
            level="expert",
            duration_hours="0",
            format="webinar",
            language="it",
            skills=["cyber security", "underwater basket weaving"],
            price_per_participant="100",
            aid_per_participant="150",
            aid_scheme="",
        ),
    )
    assert set(errors) == {
        "level",
        "duration_hours",
        "format",
        "language",
        "skills",
        "aid_per_participant",
        "aid_scheme",
    }
    assert "underwater basket weaving" in errors["skills"][0]
    assert "cyber security" not in errors["skills"][0]
    assert "above the price" in errors["aid_per_participant"][0]
    assert "en, fr or de" in errors["language"][0]
    assert not Course.objects.exists()
    assert AuditEntry.objects.count() == audits


BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"level": 0}, "level"),
    ({"level": "0"}, "level"),
    ({"level": "none"}, "level"),
    ({"level": 5}, "level"),
    ({"level": "expert"}, "level"),
    ({"level": True}, "level"),
    ({"level": None}, "level"),
    ({"duration_hours": 0}, "duration_hours"),
    ({"duration_hours": "-2"}, "duration_hours"),
    ({"duration_hours": "2000.5"}, "duration_hours"),
    ({"duration_hours": "1.25"}, "duration_hours"),
    ({"duration_hours": ""}, "duration_hours"),
    ({"language": "it"}, "language"),
    ({"language": ""}, "language"),
    ({"format": ""}, "format"),
    ({"price_per_participant": "-1"}, "price_per_participant"),
    ({"price_per_participant": "lots"}, "price_per_participant"),
    ({"aid_per_participant": "900.01"}, "aid_per_participant"),
    ({"aid_scheme": ""}, "aid_scheme"),
    ({"aid_scheme": "   "}, "aid_scheme"),
    ({"skills": []}, "skills"),
    ({"skills": "not a skill at all"}, "skills"),
    ({"skills": 42}, "skills"),
    ({"skills": [f"skill {n}" for n in range(31)]}, "skills"),
    ({"prerequisites": {"it": "Basi di informatica"}}, "prerequisites"),
]


def test_it_refuses_each_bad_field_by_its_name(advisor: Any, training_offer: Offer) -> None:
    for changes, field in BAD_FIELDS:
        with pytest.raises(ValidationError) as caught:
            actions.course_save(actor=advisor, offer=training_offer, data=course_data(**changes))
        assert set(caught.value.message_dict) == {field}, changes
    assert not Course.objects.exists()


def test_a_price_the_column_cannot_hold_is_refused_not_a_database_error(advisor: Any, training_offer: Offer) -> None:
    # The column holds 12 digits, two after the point: ten billion euros does not fit.
    errors = refused(
        actions.course_save,
        actor=advisor,
        offer=training_offer,
        data=course_data(price_per_participant="10000000000", aid_per_participant="0", aid_scheme=""),
    )
    assert set(errors) == {"price_per_participant"}
    assert not Course.objects.exists()


def test_an_offer_that_is_not_training_is_no_course(advisor: Any, provider: Any) -> None:
    service = make_offer(provider, status=Offer.Status.PUBLISHED)
    assert service.kind == Offer.Kind.SERVICE
    errors = refused(actions.course_save, actor=advisor, offer=service, data=course_data())
    assert set(errors) == {"offer"}
    assert not Course.objects.exists()


def test_skills_are_named_by_uri_by_code_or_by_label_in_any_case(advisor: Any, training_offer: Offer) -> None:
    cyber, risks, ml = skill("cyber security"), skill("identify ICT security risks"), skill("machine learning")
    tail = risks.uri.rsplit("/", 1)[1]
    course = actions.course_save(
        actor=advisor,
        offer=training_offer,
        data=course_data(skills=[cyber.uri, tail, "  MACHINE Learning ", "Cyber Security"]),
    )
    assert sorted(s.pk for s in course.skills.all()) == sorted([cyber.pk, risks.pk, ml.pk])
    # One text with the skills on lines or separated by semicolons.
    again = actions.course_save(
        actor=advisor, offer=training_offer, data=course_data(skills=f"machine learning;\n{tail}")
    )
    assert sorted(s.pk for s in again.skills.all()) == sorted([risks.pk, ml.pk])


def test_an_unknown_uri_is_named(advisor: Any, training_offer: Offer) -> None:
    wrong = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    errors = refused(actions.course_save, actor=advisor, offer=training_offer, data=course_data(skills=[wrong]))
    assert wrong in errors["skills"][0]


def test_a_course_is_saved_with_its_details_and_a_second_save_changes_the_same_row(
    advisor: Any, training_offer: Offer
) -> None:
    course = actions.course_save(actor=advisor, offer=training_offer, data=course_data())
    course.refresh_from_db()
    assert course.offer == training_offer
    assert course.level == 3
    assert course.duration_hours == Decimal("14.0")
    assert (course.format, course.language) == ("classroom", "fr")
    assert (course.price_per_participant, course.aid_per_participant) == (Decimal("900.00"), Decimal("450.00"))
    assert course.aid_scheme == "National training aid"
    assert course.prerequisites == {"en": "Basic IT"}
    assert course.is_aided and not course.has_assessment
    assert course.updated_by == advisor
    assert sorted(s.label for s in course.skills.all()) == ["cyber security", "identify ICT security risks"]

    changed = actions.course_save(
        actor=advisor,
        offer=training_offer,
        data=course_data(
            level="2",
            language="DE",
            duration_hours="7,5",
            aid_per_participant="",
            aid_scheme="",
            price_per_participant="0",
            skills=["machine learning"],
            has_assessment="on",
            prerequisites=None,
        ),
    )
    assert changed.pk == course.pk
    assert Course.objects.count() == 1
    changed.refresh_from_db()
    assert (changed.level, changed.language, changed.duration_hours) == (2, "de", Decimal("7.5"))
    assert changed.aid_per_participant == Decimal("0") and not changed.is_aided
    assert changed.has_assessment
    assert changed.prerequisites == {}
    assert [s.label for s in changed.skills.all()] == ["machine learning"]
    assert AuditEntry.objects.filter(action="course.save", target_id=str(course.pk)).count() == 2


def draft_training(provider: Any) -> Offer:
    return make_offer(provider, kind=Offer.Kind.TRAINING, category="skills_and_training")


def test_the_providers_members_change_their_course_and_nobody_else_does(
    provider: Any, provider_member: Any, outsider: Any, company_member: Any
) -> None:
    offer = draft_training(provider)
    course = actions.course_save(actor=provider_member, offer=offer, data=course_data())
    assert course.updated_by == provider_member
    for stranger in (outsider, company_member, None):
        errors = refused(actions.course_save, actor=stranger, offer=offer, data=course_data(level="advanced"))
        assert set(errors) == {"actor"}
    course.refresh_from_db()
    assert course.level == 3
    # Sent to the hub for review, the course is still the provider's to change.
    catalogue.offer_submit(actor=provider_member, offer=offer)
    changed = actions.course_save(actor=provider_member, offer=offer, data=course_data(level="advanced"))
    assert changed.pk == course.pk and changed.level == 4


def test_once_published_or_archived_only_the_hub_changes_the_course(
    advisor: Any, training_offer: Offer, provider_member: Any
) -> None:
    course = actions.course_save(actor=advisor, offer=training_offer, data=course_data())
    saves = AuditEntry.objects.filter(action="course.save").count()
    richer = course_data(level="advanced", aid_per_participant="900")
    errors = refused(actions.course_save, actor=provider_member, offer=training_offer, data=richer)
    assert set(errors) == {"offer"} and "changed by the hub" in errors["offer"][0]
    course.refresh_from_db()
    assert (course.level, course.aid_per_participant, course.updated_by) == (3, AID, advisor)
    assert AuditEntry.objects.filter(action="course.save").count() == saves

    catalogue.offer_archive(actor=advisor, offer=training_offer)
    assert set(refused(actions.course_save, actor=provider_member, offer=training_offer, data=richer)) == {"offer"}
    course.refresh_from_db()
    assert course.level == 3
    # The hub changes it, archived or published.
    assert actions.course_save(actor=advisor, offer=training_offer, data=course_data(level="2")).level == 2
    # Put back to draft, it is the provider's to change again.
    catalogue.offer_return_to_draft(actor=advisor, offer=training_offer)
    changed = actions.course_save(actor=provider_member, offer=training_offer, data=richer)
    assert (changed.level, changed.aid_per_participant) == (4, Decimal("900.00"))


def test_the_offers_status_is_read_when_the_course_is_saved_not_taken_from_a_stale_copy(
    advisor: Any, provider: Any, provider_member: Any
) -> None:
    offer = draft_training(provider)
    actions.course_save(actor=provider_member, offer=offer, data=course_data())
    stale = Offer.objects.get(pk=offer.pk)
    catalogue.offer_publish(actor=advisor, offer=offer)
    assert stale.status == Offer.Status.DRAFT
    errors = refused(actions.course_save, actor=provider_member, offer=stale, data=course_data(level="advanced"))
    assert set(errors) == {"offer"}
    assert Course.objects.get(offer=offer).level == 3


# --- Sessions --------------------------------------------------------------------------------------------------


def test_a_session_is_a_training_event_with_the_courses_title_needing_approval_when_aided(
    advisor: Any, course: Course
) -> None:
    session = actions.session_create(actor=advisor, course=course, data=session_data())
    event = session.event
    assert isinstance(session, CourseSession) and session.course == course
    assert event.kind == Event.Kind.TRAINING
    assert event.title == course.offer.title
    assert event.status == Event.Status.PUBLISHED
    assert event.needs_approval, "an aided course's enrolment waits for the hub, who grants the aid"
    assert event.capacity == 3
    assert [d.day.isoformat() for d in event.sessions.all()] == [d["day"] for d in session_data()["sessions"]]


def test_a_session_may_be_left_a_draft_and_given_its_own_title(advisor: Any, course: Course) -> None:
    session = actions.session_create(
        actor=advisor,
        course=course,
        data=session_data(publish=False, title={"en": "Cybersecurity for SMEs, spring run"}),
    )
    assert session.event.status == Event.Status.DRAFT
    assert session.event.title == {"en": "Cybersecurity for SMEs, spring run"}


def test_a_session_of_an_unaided_course_needs_no_approval(advisor: Any, training_offer: Offer) -> None:
    free = actions.course_save(
        actor=advisor,
        offer=training_offer,
        data=course_data(aid_per_participant="0", aid_scheme="", price_per_participant="0"),
    )
    session = actions.session_create(actor=advisor, course=free, data=session_data())
    assert not session.event.needs_approval
    # Asking for approval stays possible for a course without aid.
    asked = actions.session_create(actor=advisor, course=free, data=session_data(needs_approval=True))
    assert asked.event.needs_approval


def test_a_session_of_an_unpublished_offer_or_by_someone_else_than_staff_is_refused(
    advisor: Any, provider: Any, provider_member: Any, course: Course
) -> None:
    draft = make_offer(provider, kind=Offer.Kind.TRAINING, category="skills_and_training")
    draft_course = actions.course_save(actor=advisor, offer=draft, data=course_data())
    events = Event.objects.count()
    assert set(refused(actions.session_create, actor=advisor, course=draft_course, data=session_data())) == {"course"}
    assert set(refused(actions.session_create, actor=provider_member, course=course, data=session_data())) == {"actor"}
    assert Event.objects.count() == events
    assert not CourseSession.objects.exists()


def test_a_session_with_bad_event_fields_writes_nothing(advisor: Any, course: Course) -> None:
    errors = refused(actions.session_create, actor=advisor, course=course, data=session_data(sessions=[]))
    assert "sessions" in errors
    assert not Event.objects.exists()
    assert not CourseSession.objects.exists()


def test_a_course_that_becomes_aided_has_its_sessions_to_come_need_the_hubs_approval(
    advisor: Any, training_offer: Offer, company: Any, company_member: Any
) -> None:
    unaided = course_data(aid_per_participant="0", aid_scheme="")
    course = actions.course_save(actor=advisor, offer=training_offer, data=unaided)
    coming = actions.session_create(actor=advisor, course=course, data=session_data())
    later = actions.session_create(actor=advisor, course=course, data=session_data(days=40))
    cancelled = actions.session_create(actor=advisor, course=course, data=session_data(days=50))
    events.event_cancel(actor=advisor, event=cancelled.event)
    past = actions.session_create(actor=advisor, course=course, data=session_data(days=20))
    into_the_past(past)
    sessions = (coming, later, cancelled, past)

    def needing_approval() -> list[bool]:
        return [Event.objects.get(pk=s.event_id).needs_approval for s in sessions]

    # Saved again without aid, nothing changes.
    actions.course_save(actor=advisor, offer=training_offer, data=unaided)
    assert needing_approval() == [False, False, False, False]

    actions.course_save(actor=advisor, offer=training_offer, data=course_data())
    assert needing_approval() == [True, True, False, False], "the sessions to come, and only those"
    assert AuditEntry.objects.filter(action="event.update", target_id=str(coming.event_id)).exists()
    # A company's own enrolment now waits for the hub, which grants the aid when it approves it.
    (pending,) = actions.enrol(actor=company_member, session=coming, organisation=company, people=PEOPLE[:1])
    assert pending.status == Registration.Status.PENDING
    assert not Grant.objects.exists()


def test_a_course_already_aided_leaves_its_sessions_approval_as_the_hub_set_it(
    advisor: Any, course: Course, session: CourseSession
) -> None:
    assert session.event.needs_approval
    events.event_update(actor=advisor, event=session.event, data={"needs_approval": False})
    actions.course_save(actor=advisor, offer=course.offer, data=course_data(aid_per_participant="300"))
    session.event.refresh_from_db()
    assert not session.event.needs_approval, "only a course becoming aided asks for approval"
