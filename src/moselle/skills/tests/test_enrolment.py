"""Enrolment by the hub or by a company (``enrol``): all or none, refused with its reason for a past, closed,
cancelled or full session; a company's own enrolment waits for the hub's approval in an aided course; the
aid is a de minimis grant per participant, refused beyond the company's headroom and released when the
enrolment ends."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from moselle.core import due_work, links, privacy
from moselle.core.models import AuditEntry, EmailLog
from moselle.events import actions as events
from moselle.events.models import Event, Registration
from moselle.events.queries import free_seats
from moselle.journeys.models import Activity
from moselle.organisations.models import Organisation
from moselle.reporting.actions import grant_record
from moselle.reporting.ledger import ledger
from moselle.reporting.models import Grant
from moselle.skills import actions, hooks, queries
from moselle.skills.hooks import grant_ref
from moselle.skills.models import CourseSession
from moselle.skills.tests.conftest import AID, PEOPLE, course_data, into_the_past, refused

pytestmark = pytest.mark.django_db
R = Registration.Status
THREE = [*PEOPLE, {"name": "Lea Muller", "email": "lea@atelier.lu"}]


def written() -> tuple[int, int, int, int]:
    """What an enrolment writes: registrations, grants, timeline entries and e-mails."""
    return (Registration.objects.count(), Grant.objects.count(), Activity.objects.count(), EmailLog.objects.count())


def enrolment_refused(**kwargs: Any) -> dict[str, list[str]]:
    before = written()
    errors = refused(actions.enrol, **kwargs)
    assert written() == before, "half-written"
    return errors


def granted(organisation: Organisation) -> list[Grant]:
    return list(
        Grant.objects.filter(organisation=organisation, source=Grant.Source.ENROLMENT, status=Grant.Status.GRANTED)
    )


def cancel_link(registration: Registration) -> str:
    return links.issue(
        purpose=events.CANCEL, payload={"registration": registration.pk}, email=registration.email, days=1
    ).token


# --- Sessions that take no one --------------------------------------------------------------------------------


def test_a_session_that_has_started_or_is_past_is_refused(advisor: Any, company: Any, session: CourseSession) -> None:
    into_the_past(session, days_ago=0)  # the last day is today, the first yesterday: started
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert set(errors) == {"session"}
    assert "already started" in errors["session"][0]
    into_the_past(session, days_ago=30)
    assert set(enrolment_refused(actor=advisor, session=session, organisation=company, people=PEOPLE)) == {"session"}


def test_a_cancelled_a_closed_or_a_draft_session_is_refused(
    advisor: Any, company: Any, make_session: Callable[..., CourseSession]
) -> None:
    cancelled = make_session()
    events.event_cancel(actor=advisor, event=cancelled.event)
    errors = enrolment_refused(actor=advisor, session=cancelled, organisation=company, people=PEOPLE)
    assert set(errors) == {"session"} and "cancelled" in errors["session"][0]

    closed = make_session()
    Event.objects.filter(pk=closed.event_id).update(registration_closes_at=timezone.now() - timedelta(hours=1))
    errors = enrolment_refused(actor=advisor, session=closed, organisation=company, people=PEOPLE)
    assert set(errors) == {"session"} and "closed" in errors["session"][0]

    draft = make_session(publish=False)
    errors = enrolment_refused(actor=advisor, session=draft, organisation=company, people=PEOPLE)
    assert set(errors) == {"session"}


def test_a_session_without_seats_for_everyone_refuses_them_all(
    advisor: Any, company: Any, other_company: Any, session: CourseSession
) -> None:
    actions.enrol(
        actor=advisor, session=session, organisation=other_company, people=[{"name": "Jo", "email": "jo@b.lu"}]
    )
    assert free_seats(session.event) == 2
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=THREE)
    assert errors == {"people": ["Only 2 seats are left in this session: enrol at most 2 people."]}
    assert not Registration.objects.filter(event=session.event, organisation=company).exists()
    assert not granted(company)

    actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert free_seats(session.event) == 0
    errors = enrolment_refused(
        actor=advisor, session=session, organisation=company, people=[{"name": "Late", "email": "late@atelier.lu"}]
    )
    assert errors == {"people": ["This session is full; choose another session."]}


def test_the_people_are_checked_one_by_one_and_named_by_their_number(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    twice = [PEOPLE[0], {"name": "Anna again", "email": "ANNA@atelier.lu"}]
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=twice)
    assert errors == {"people": ["Person 2: this e-mail address is given twice."]}

    no_email = [PEOPLE[0], {"name": "Marc Schmit"}, {"name": "", "email": "x@atelier.lu"}]
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=no_email)
    assert len(errors["people"]) == 2
    assert errors["people"][0].startswith("Person 2:") and "e-mail" in errors["people"][0]
    assert errors["people"][1].startswith("Person 3:") and "name" in errors["people"][1]

    bad_address = [{"name": "Anna Weber", "email": "anna(at)atelier.lu"}]
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=bad_address)
    assert errors["people"][0].startswith("Person 1:")

    for people in ([], None, "anna@atelier.lu", ["anna@atelier.lu"], [PEOPLE[0]] * 51):
        assert set(enrolment_refused(actor=advisor, session=session, organisation=company, people=people)) == {"people"}


def test_someone_already_enrolled_refuses_the_whole_batch(advisor: Any, company: Any, session: CourseSession) -> None:
    actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[1:])
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert errors == {"people": ["Person 2: this e-mail address is already enrolled in this session."]}
    assert list(Registration.objects.filter(event=session.event).values_list("email", flat=True)) == ["marc@atelier.lu"]


def test_only_staff_and_the_companys_members_enrol_its_people(
    outsider: Any, provider_member: Any, company: Any, session: CourseSession, advisor: Any
) -> None:
    for stranger in (outsider, provider_member, None):
        errors = enrolment_refused(actor=stranger, session=session, organisation=company, people=PEOPLE)
        assert set(errors) == {"organisation"}
    Organisation.objects.filter(pk=company.pk).update(is_historical=True)
    company.refresh_from_db()
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert set(errors) == {"organisation"}


# --- Who enrolled them -----------------------------------------------------------------------------------------


def test_people_enrolled_by_their_organisation_accept_no_terms_and_name_who_enrolled_them(
    advisor: Any, company_member: Any, company: Any, make_session: Any
) -> None:
    session, other = make_session(), make_session(days=30)
    actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    actions.enrol(actor=company_member, session=other, organisation=company, people=PEOPLE[:1])
    stored = Registration.objects.filter(organisation=company).order_by("pk")
    assert [(r.email, r.terms_accepted_at, r.enrolled_by) for r in stored] == [
        ("anna@atelier.lu", None, advisor),
        ("marc@atelier.lu", None, advisor),
        ("anna@atelier.lu", None, company_member),
    ]
    exported = privacy.export_person(privacy.find_person("marc@atelier.lu"))["events"]["event_registrations"]
    assert [(r["terms_accepted_at"], r["enrolled_by_their_organisation"]) for r in exported] == [(None, True)]

    # Someone registering on their own accepts the terms, and nobody enrolled them.
    public = events.register(
        event_id=session.event_id, data={"name": "Lea Muller", "email": "lea@atelier.lu", "accept_terms": True}
    )
    public.refresh_from_db()
    assert public.terms_accepted_at is not None and public.enrolled_by is None


# --- Approval and aid -----------------------------------------------------------------------------------------


def test_a_companys_own_enrolment_waits_for_the_hub_which_grants_the_aid_on_approval(
    advisor: Any, company_member: Any, company: Any, session: CourseSession
) -> None:
    first, second = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE)
    assert (first.status, second.status) == (R.PENDING, R.PENDING)
    assert first.organisation == company and first.organisation_name == company.name
    assert not granted(company), "no aid before the hub approves"
    assert free_seats(session.event) == 3, "a pending enrolment holds no seat"
    assert Activity.objects.filter(organisation=company, verb="course_enrolled").count() == 1

    approved = events.approve(actor=advisor, registration=first)
    assert approved.status == R.CONFIRMED
    (grant,) = granted(company)
    assert grant.amount == AID
    assert grant.source_ref == grant_ref(first) == f"enrolment-{first.pk}"
    assert grant.basis == "de_minimis"
    assert "Cybersecurity for SMEs" in grant.description
    assert ledger(company, timezone.localdate()).granted_total == AID

    # Approving again changes nothing; the second is approved on its own.
    assert set(refused(events.approve, actor=advisor, registration=approved)) == {"status"}
    events.approve(actor=advisor, registration=second)
    assert sorted(g.source_ref for g in granted(company)) == sorted([grant_ref(first), grant_ref(second)])


def test_an_enrolment_approved_onto_the_waiting_list_has_its_aid_committed(
    advisor: Any, company_member: Any, company: Any, other_company: Any, make_session: Any
) -> None:
    session = make_session(capacity=1)
    (pending,) = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE[:1])
    (taken,) = actions.enrol(
        actor=advisor, session=session, organisation=other_company, people=[{"name": "Jo", "email": "jo@b.lu"}]
    )
    assert taken.status == R.CONFIRMED
    waiting = events.approve(actor=advisor, registration=pending)
    assert waiting.status == R.WAITING
    assert [g.source_ref for g in granted(company)] == [grant_ref(pending)]


def test_an_unaided_course_grants_nothing(advisor: Any, company: Any, course: Any) -> None:
    actions.course_save(
        actor=advisor,
        offer=course.offer,
        data=course_data(aid_per_participant="0", aid_scheme="", price_per_participant="300"),
    )
    session = actions.session_create(
        actor=advisor,
        course=course,
        data={
            "venue": "Online",
            "capacity": None,
            "sessions": [
                {"day": (timezone.localdate() + timedelta(days=9)).isoformat(), "starts": "09:00", "ends": "12:00"}
            ],
            "publish": True,
        },
    )
    registrations = actions.enrol(actor=advisor, session=session, organisation=company, people=THREE)
    assert [r.status for r in registrations] == [R.CONFIRMED] * 3
    assert not Grant.objects.exists()


def test_aid_beyond_the_de_minimis_headroom_refuses_the_whole_enrolment(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    today = timezone.localdate()
    assert ledger(company, today).ceiling == Decimal("300000.00")
    # 800 EUR of headroom left: one participant's aid (450) fits, two do not.
    grant_record(actor=advisor, organisation=company, amount="299200", description="Test before invest")
    assert ledger(company, today).headroom == Decimal("800.00")
    errors = enrolment_refused(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert set(errors) == {"aid"}
    assert company.name in errors["aid"][0]
    assert not Registration.objects.filter(event=session.event).exists()
    assert ledger(company, today).headroom == Decimal("800.00")

    (one,) = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    assert one.status == R.CONFIRMED
    assert ledger(company, today).headroom == Decimal("350.00")


def test_approving_beyond_the_headroom_is_refused_and_leaves_the_enrolment_pending(
    advisor: Any, company_member: Any, company: Any, session: CourseSession
) -> None:
    (pending,) = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE[:1])
    grant_record(actor=advisor, organisation=company, amount="299600", description="Test before invest")
    errors = refused(events.approve, actor=advisor, registration=pending)
    assert set(errors) == {"aid"}
    pending.refresh_from_db()
    assert pending.status == R.PENDING
    assert not granted(company)


# --- Ends of an enrolment ---------------------------------------------------------------------------------------


def test_a_cancelled_enrolment_releases_its_aid_and_counts_no_more(
    advisor: Any, company: Any, session: CourseSession
) -> None:
    first, second = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    today = timezone.localdate()
    assert ledger(company, today).granted_total == 2 * AID
    events.cancel_by_link(token=cancel_link(first))
    grant = Grant.objects.get(source_ref=grant_ref(first))
    assert grant.status == Grant.Status.CANCELLED and grant.cancel_reason
    assert Grant.objects.get(source_ref=grant_ref(second)).status == Grant.Status.GRANTED
    assert ledger(company, today).granted_total == AID
    assert [r.pk for r in queries.participants(session)] == [second.pk]
    assert free_seats(session.event) == 2
    # Enrolled again, the person has a new enrolment with its own grant.
    (again,) = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    assert again.pk != first.pk
    assert Grant.objects.get(source_ref=grant_ref(again)).status == Grant.Status.GRANTED


def test_a_declined_enrolment_never_had_aid_and_counts_no_more(
    advisor: Any, company_member: Any, company: Any, session: CourseSession
) -> None:
    (pending,) = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE[:1])
    declined = events.decline(actor=advisor, registration=pending)
    assert declined.status == R.DECLINED
    assert not Grant.objects.filter(source_ref=grant_ref(pending)).exists()
    assert queries.participants(session) == []


def test_a_lapsed_offer_releases_its_aid(
    advisor: Any, company_member: Any, company: Any, other_company: Any, make_session: Any
) -> None:
    session = make_session(capacity=1)
    (waiting,) = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE[:1])
    (seated,) = actions.enrol(
        actor=advisor, session=session, organisation=other_company, people=[{"name": "Jo", "email": "jo@b.lu"}]
    )
    events.approve(actor=advisor, registration=waiting)
    events.cancel_by_link(token=cancel_link(seated))
    waiting.refresh_from_db()
    assert waiting.status == R.OFFERED
    assert Grant.objects.get(source_ref=grant_ref(seated)).status == Grant.Status.CANCELLED
    assert Grant.objects.get(source_ref=grant_ref(waiting)).status == Grant.Status.GRANTED

    Registration.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    assert events.expire_offers() == 1
    waiting.refresh_from_db()
    assert waiting.status == R.LAPSED
    assert Grant.objects.get(source_ref=grant_ref(waiting)).status == Grant.Status.CANCELLED
    assert not granted(company)


def test_cancelling_the_session_releases_every_grant(
    advisor: Any, company: Any, other_company: Any, session: CourseSession
) -> None:
    actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    actions.enrol(
        actor=advisor, session=session, organisation=other_company, people=[{"name": "Jo", "email": "jo@b.lu"}]
    )
    assert Grant.objects.filter(status=Grant.Status.GRANTED).count() == 3
    events.event_cancel(actor=advisor, event=session.event)
    assert set(Grant.objects.values_list("status", flat=True)) == {Grant.Status.CANCELLED}
    assert queries.participants(session) == []


# --- Aid never used --------------------------------------------------------------------------------------------


def test_the_aid_of_enrolments_that_never_had_a_seat_is_released_once_the_session_is_over(
    advisor: Any, company_member: Any, company: Any, other_company: Any, make_session: Any
) -> None:
    session = make_session(capacity=2)
    anna, marc = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE)
    jo, kim = actions.enrol(
        actor=advisor,
        session=session,
        organisation=other_company,
        people=[{"name": "Jo", "email": "jo@b.lu"}, {"name": "Kim", "email": "kim@b.lu"}],
    )
    assert [events.approve(actor=advisor, registration=r).status for r in (anna, marc)] == [R.WAITING, R.WAITING]
    events.cancel_by_link(token=cancel_link(kim))
    anna.refresh_from_db()
    assert anna.status == R.OFFERED
    assert sorted(g.source_ref for g in granted(company)) == sorted([grant_ref(anna), grant_ref(marc)])

    assert hooks.release_unused_grants() == 0, "the session has not come"
    into_the_past(session, days_ago=0)
    assert hooks.release_unused_grants() == 0, "its last day is today: not over"
    into_the_past(session, days_ago=1)
    assert hooks.release_unused_grants() == 2
    for registration in (anna, marc):
        grant = Grant.objects.get(source_ref=grant_ref(registration))
        assert grant.status == Grant.Status.CANCELLED
        assert grant.cancel_reason == "The session is over and the enrolment never had a seat."
    assert not granted(company)
    assert ledger(company, timezone.localdate()).granted_total == 0
    # The aid of who had a seat stays: the service was given.
    assert Grant.objects.get(source_ref=grant_ref(jo)).status == Grant.Status.GRANTED

    # Run again (by ``tick``, as every minute), it changes nothing.
    assert ("course aid never used", hooks.release_unused_grants) in due_work.jobs()
    cancels = AuditEntry.objects.filter(action="grant.cancel").count()
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "tick: course aid never used: 0" in out.getvalue()
    assert hooks.release_unused_grants() == 0
    assert AuditEntry.objects.filter(action="grant.cancel").count() == cancels


def test_tick_releases_the_aid_of_a_waiting_enrolment_of_a_session_past(
    advisor: Any, company_member: Any, company: Any, other_company: Any, make_session: Any
) -> None:
    session = make_session(capacity=1)
    (pending,) = actions.enrol(actor=company_member, session=session, organisation=company, people=PEOPLE[:1])
    actions.enrol(
        actor=advisor, session=session, organisation=other_company, people=[{"name": "Jo", "email": "jo@b.lu"}]
    )
    assert events.approve(actor=advisor, registration=pending).status == R.WAITING
    into_the_past(session)
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "tick: course aid never used: 1" in out.getvalue()
    assert Grant.objects.get(source_ref=grant_ref(pending)).status == Grant.Status.CANCELLED


# --- The hub's language ------------------------------------------------------------------------------------------


def test_the_grant_and_its_release_are_written_in_the_hubs_language_whatever_the_actors(
    advisor: Any, company_member: Any, company: Any, other_company: Any, make_session: Any
) -> None:
    session = make_session()
    with translation.override("fr"):
        first, _second = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    grant = Grant.objects.get(source_ref=grant_ref(first))
    assert grant.description == "Training: Cybersecurity for SMEs"
    with translation.override("de"):
        events.cancel_by_link(token=cancel_link(first))
    grant.refresh_from_db()
    assert grant.cancel_reason == "The enrolment ended: cancelled."

    # Approved by the hub in French onto the waiting list, released in French once the session is over.
    full = make_session(days=30, capacity=1)
    (pending,) = actions.enrol(actor=company_member, session=full, organisation=company, people=PEOPLE[:1])
    actions.enrol(actor=advisor, session=full, organisation=other_company, people=[{"name": "Jo", "email": "jo@b.lu"}])
    with translation.override("fr"):
        events.approve(actor=advisor, registration=pending)
    waiting = Grant.objects.get(source_ref=grant_ref(pending))
    assert waiting.description == "Training: Cybersecurity for SMEs"
    into_the_past(full)
    with translation.override("fr"):
        assert hooks.release_unused_grants() == 1
    waiting.refresh_from_db()
    assert waiting.cancel_reason == "The session is over and the enrolment never had a seat."
