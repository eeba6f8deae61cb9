"""Completing a course (``completion_record``): every day attended, the assessment passed where there is one,
a date neither in the future nor before the last day, once per enrolment, by the hub's staff; and the days
marked one by one (``events.mark_presence``) that it reads."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from moselle.core.models import AuditEntry
from moselle.events import actions as events
from moselle.events.models import Presence, Registration, Session
from moselle.journeys.models import Activity
from moselle.reporting.models import AidBasis, Grant, ServiceRecord
from moselle.skills import actions
from moselle.skills.hooks import grant_ref
from moselle.skills.models import Completion, Course, CourseSession
from moselle.skills.tests.conftest import AID, PEOPLE, course_data, into_the_past, refused

pytestmark = pytest.mark.django_db


def enrolled(advisor: Any, company: Any, session: CourseSession) -> tuple[Registration, Registration]:
    first, second = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    return first, second


def attend(advisor: Any, registration: Registration, session: CourseSession, days: int | None = None) -> None:
    for day in list(session.event.sessions.order_by("day"))[:days]:
        events.mark_presence(actor=advisor, registration=registration, session=day, present=True)


def test_a_participant_who_missed_a_day_or_was_not_confirmed_has_not_completed(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, second = enrolled(advisor, company, session)
    into_the_past(session)
    attend(advisor, first, session, days=1)
    errors = refused(actions.completion_record, actor=advisor, registration=first)
    assert set(errors) == {"registration"} and "every day" in errors["registration"][0]
    errors = refused(actions.completion_record, actor=advisor, registration=second)
    assert set(errors) == {"registration"}
    Registration.objects.filter(pk=second.pk).update(status=Registration.Status.CANCELLED)
    second.refresh_from_db()
    errors = refused(actions.completion_record, actor=advisor, registration=second)
    assert "confirmed" in errors["registration"][0]
    assert not Completion.objects.exists()


def test_completing_is_recorded_once_with_the_company_on_its_timeline(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session, days_ago=3)
    attend(advisor, first, session)
    completion = actions.completion_record(actor=advisor, registration=first)
    assert completion.session == session
    assert completion.organisation == company
    assert completion.passed is None
    assert completion.completed_on == timezone.localdate()
    assert completion.recorded_by == advisor
    again = actions.completion_record(
        actor=advisor, registration=first, completed_on=timezone.localdate() - timedelta(days=1)
    )
    assert again.pk == completion.pk
    assert Completion.objects.count() == 1
    assert AuditEntry.objects.filter(action="course.completion").count() == 1
    assert Activity.objects.filter(organisation=company, verb="course_completed").count() == 1
    assert Activity.objects.filter(organisation=company, verb="training_recorded").count() == 1


def test_the_completion_date_is_on_the_last_day_or_later_and_not_in_the_future(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session, days_ago=3)
    attend(advisor, first, session)
    today = timezone.localdate()
    last_day = today - timedelta(days=3)
    for day, message in (
        (today + timedelta(days=1), "future"),
        (last_day - timedelta(days=1), "last day"),
        ("2025-02-30", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
    ):
        errors = refused(actions.completion_record, actor=advisor, registration=first, completed_on=day)
        assert set(errors) == {"completed_on"}, day
        assert message in errors["completed_on"][0]
    assert not Completion.objects.exists()
    errors = refused(
        actions.completion_record, actor=advisor, registration=first, completed_on=timezone.now() + timedelta(days=2)
    )
    assert set(errors) == {"completed_on"}, "a moment is read as its day"
    completion = actions.completion_record(actor=advisor, registration=first, completed_on=last_day.isoformat())
    assert completion.completed_on == last_day


def test_a_course_with_an_assessment_is_completed_by_passing_it(
    advisor: Any, company: Any, training_offer: Any
) -> None:
    course = actions.course_save(actor=advisor, offer=training_offer, data=course_data(has_assessment=True))
    session = actions.session_create(
        actor=advisor,
        course=course,
        data={
            "venue": "Technoport",
            "capacity": 5,
            "publish": True,
            "sessions": [
                {"day": (timezone.localdate() + timedelta(days=5)).isoformat(), "starts": "09:00", "ends": "17:00"}
            ],
        },
    )
    first, second = enrolled(advisor, company, session)
    into_the_past(session, days_ago=1)
    attend(advisor, first, session)
    attend(advisor, second, session)
    errors = refused(actions.completion_record, actor=advisor, registration=first)
    assert set(errors) == {"passed"} and "Say whether" in errors["passed"][0]
    for failed in (False, "false", "no", 0):
        errors = refused(actions.completion_record, actor=advisor, registration=first, passed=failed)
        assert errors == {"passed": ["A participant who did not pass the assessment has not completed the course."]}
    assert not Completion.objects.exists()
    assert actions.completion_record(actor=advisor, registration=first, passed=True).passed is True
    assert actions.completion_record(actor=advisor, registration=second, passed="yes").passed is True


def test_only_a_courses_enrolment_is_completed_and_only_by_staff(
    advisor: Any, company_member: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session)
    attend(advisor, first, session)
    assert set(refused(actions.completion_record, actor=company_member, registration=first)) == {"actor"}

    day = (timezone.localdate() + timedelta(days=20)).isoformat()
    workshop = events.event_create(
        actor=advisor,
        data={
            "kind": "workshop",
            "title": {"en": "Cyber hygiene workshop"},
            "venue": "House of Startups",
            "sessions": [{"day": day, "starts": "14:00", "ends": "17:00"}],
        },
    )
    events.event_publish(actor=advisor, event=workshop)
    registration = events.register(
        event_id=workshop.pk, data={"name": "Anna Weber", "email": "anna@atelier.lu", "accept_terms": True}
    )
    errors = refused(actions.completion_record, actor=advisor, registration=registration)
    assert set(errors) == {"registration"} and "course" in errors["registration"][0]
    assert not Completion.objects.exists()


# --- Days marked one by one -----------------------------------------------------------------------------------


def test_a_day_that_has_not_come_or_belongs_to_another_event_is_not_marked(
    advisor: Any, company: Any, make_session: Any
) -> None:
    session, other = make_session(), make_session(days=30)
    first, _second = enrolled(advisor, company, session)
    day = session.event.sessions.first()
    errors = refused(events.mark_presence, actor=advisor, registration=first, session=day, present=True)
    assert errors == {"session": ["This day has not come yet."]}
    into_the_past(other)
    errors = refused(
        events.mark_presence, actor=advisor, registration=first, session=other.event.sessions.first(), present=True
    )
    assert set(errors) == {"session"} and "not one of" in errors["session"][0]
    assert not Presence.objects.exists()
    first.refresh_from_db()
    assert first.attended_at is None


def test_unmarking_the_last_day_unmarks_the_attendance_and_withdraws_the_proposed_record(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session)
    one, two = session.event.sessions.order_by("day")
    events.mark_presence(actor=advisor, registration=first, session=one, present=True)
    events.mark_presence(actor=advisor, registration=first, session=two, present=True)
    first.refresh_from_db()
    assert first.attended_at is not None
    assert ServiceRecord.objects.filter(customer=company, status=ServiceRecord.Status.PROPOSED).count() == 1
    events.mark_presence(actor=advisor, registration=first, session=one, present=False)
    first.refresh_from_db()
    assert first.attended_at is not None, "still there on the second day"
    events.mark_presence(actor=advisor, registration=first, session=two, present=False)
    first.refresh_from_db()
    assert first.attended_at is None
    assert not ServiceRecord.objects.filter(customer=company).exists()


def test_unmarking_the_attendance_removes_every_day(advisor: Any, company: Any, session: CourseSession) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session)
    attend(advisor, first, session)
    assert first.presences.count() == 2
    events.mark_attendance(actor=advisor, registration=first, attended=False)
    first.refresh_from_db()
    assert first.attended_at is None
    assert first.presences.count() == 0
    errors = refused(actions.completion_record, actor=advisor, registration=first)
    assert "every day" in errors["registration"][0]


def test_a_course_with_a_completed_session_cannot_be_deleted_from_under_it(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session)
    attend(advisor, first, session)
    actions.completion_record(actor=advisor, registration=first)
    with pytest.raises(ProtectedError):
        Course.objects.filter(pk=session.course_id).delete()


def test_the_proposed_records_aid_is_that_of_the_participants_who_came(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    """Three enrolled with 450 EUR of aid each, one came: the record's price is 900 and its aid 450, never
    the 1350 committed (the aid cannot be above the price)."""
    anna, marc, _lea = actions.enrol(
        actor=advisor,
        session=session,
        organisation=company,
        people=[*PEOPLE, {"name": "Lea Muller", "email": "lea@atelier.lu"}],
    )
    into_the_past(session)
    one, two = session.event.sessions.order_by("day")
    events.mark_presence(actor=advisor, registration=anna, session=one, present=True)
    record = ServiceRecord.objects.get(customer=company, source=ServiceRecord.Source.EVENT)
    assert (record.attendees, record.price, record.aid) == (1, Decimal("900.00"), Decimal("450.00"))
    events.mark_presence(actor=advisor, registration=marc, session=two, present=True)
    record.refresh_from_db()
    assert (record.attendees, record.price, record.aid) == (2, Decimal("1800.00"), Decimal("900.00"))
    assert record.aid_basis == "de_minimis" and record.grant is not None


def test_a_course_made_cheaper_after_enrolment_never_records_aid_above_the_price(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    (anna,) = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    actions.course_save(
        actor=advisor,
        offer=session.course.offer,
        data=course_data(price_per_participant="300", aid_per_participant="300"),
    )
    into_the_past(session)
    events.mark_presence(actor=advisor, registration=anna, session=session.event.sessions.earliest("day"), present=True)
    record = ServiceRecord.objects.get(customer=company, source=ServiceRecord.Source.EVENT)
    assert record.price == Decimal("300.00")
    assert record.aid <= record.price


def test_the_record_carries_only_the_aid_granted_to_its_own_company(
    advisor: Any, company: Any, other_company: Any, session: CourseSession
) -> None:
    """Anna was enrolled, with the aid, for the company, then found to work for another: the other's record
    carries no aid that was granted to the company."""
    (anna,) = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    assert Grant.objects.get(source_ref=grant_ref(anna)).organisation == company
    into_the_past(session)
    events.mark_presence(actor=advisor, registration=anna, session=session.event.sessions.earliest("day"), present=True)
    record = ServiceRecord.objects.get(customer=company, source=ServiceRecord.Source.EVENT)
    assert (record.price, record.aid) == (Decimal("900.00"), AID)
    events.registration_match(actor=advisor, registration=anna, organisation=other_company)
    moved = ServiceRecord.objects.get(customer=other_company, source=ServiceRecord.Source.EVENT)
    assert (moved.attendees, moved.price, moved.aid) == (1, Decimal("900.00"), Decimal("0.00"))
    assert moved.aid_basis == AidBasis.NONE and moved.grant is None


# --- A check-in on each day -------------------------------------------------------------------------------------


def test_a_check_in_on_each_day_of_the_session_marks_each_day(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    one, two = session.event.sessions.order_by("day")
    today = timezone.localdate(timezone=session.event.zone)
    # The first day is today: the participant's QR code is scanned at the door.
    Session.objects.filter(pk=one.pk).update(day=today)
    Session.objects.filter(pk=two.pk).update(day=today + timedelta(days=1))
    events.mark_attendance(actor=advisor, registration=first, attended=True)
    first.refresh_from_db()
    checked_in = first.attended_at
    assert checked_in is not None
    assert list(first.presences.values_list("session", flat=True)) == [one.pk]
    attendance = AuditEntry.objects.filter(action="registration.attendance").count()
    # The next day it is scanned again: the second day is marked, the attendance stays as it was.
    Session.objects.filter(pk=one.pk).update(day=today - timedelta(days=1))
    Session.objects.filter(pk=two.pk).update(day=today)
    events.mark_attendance(actor=advisor, registration=first, attended=True)
    events.mark_attendance(actor=advisor, registration=first, attended=True)  # scanned twice: nothing more
    first.refresh_from_db()
    assert sorted(first.presences.values_list("session", flat=True)) == sorted([one.pk, two.pk])
    assert first.attended_at == checked_in
    assert AuditEntry.objects.filter(action="registration.attendance").count() == attendance
    assert actions.completion_record(actor=advisor, registration=first).session == session


# --- A completion keeps its days marked --------------------------------------------------------------------------


def test_the_days_of_a_participant_whose_completion_is_recorded_stay_marked(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, second = enrolled(advisor, company, session)
    into_the_past(session)
    attend(advisor, first, session)
    attend(advisor, second, session)
    completion = actions.completion_record(actor=advisor, registration=first)
    one, _two = session.event.sessions.order_by("day")
    audits = AuditEntry.objects.count()

    errors = refused(events.mark_presence, actor=advisor, registration=first, session=one, present=False)
    assert set(errors) == {"session"} and "completion" in errors["session"][0]
    errors = refused(events.mark_attendance, actor=advisor, registration=first, attended=False)
    assert set(errors) == {"session"} and "completion" in errors["session"][0]
    first.refresh_from_db()
    assert first.attended_at is not None
    assert first.presences.count() == 2
    assert Completion.objects.filter(pk=completion.pk).exists()
    assert ServiceRecord.objects.get(customer=company, source=ServiceRecord.Source.EVENT).attendees == 2
    assert AuditEntry.objects.count() == audits
    # Marking what is marked is still no change, not a refusal.
    events.mark_presence(actor=advisor, registration=first, session=one, present=True)
    events.mark_attendance(actor=advisor, registration=first, attended=True)

    # Someone whose completion is not recorded is unmarked as before.
    events.mark_presence(actor=advisor, registration=second, session=one, present=False)
    assert second.presences.count() == 1
    events.mark_attendance(actor=advisor, registration=second, attended=False)
    second.refresh_from_db()
    assert second.attended_at is None and second.presences.count() == 0


# --- Recorded under the event's lock -----------------------------------------------------------------------------


def test_the_registration_is_read_again_when_its_completion_is_recorded(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, _second = enrolled(advisor, company, session)
    into_the_past(session)
    attend(advisor, first, session)
    stale = Registration.objects.get(pk=first.pk)
    Registration.objects.filter(pk=first.pk).update(status=Registration.Status.CANCELLED)
    errors = refused(actions.completion_record, actor=advisor, registration=stale)
    assert "confirmed" in errors["registration"][0]
    assert not Completion.objects.exists()
