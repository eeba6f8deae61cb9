"""Registration, the waiting list and its offers, cancellation by link, approval, check-in and reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from moselle.accounts.models import Consent, User
from moselle.core.models import EmailLog, SignedLink
from moselle.events import actions, ical
from moselle.events.models import Event, Registration
from moselle.events.tests.conftest import Register, event_data, link_in, mails_to, person
from moselle.organisations.models import Organisation

R = Registration.Status


def _calendar(log: EmailLog) -> Calendar:
    assert log.calendar, log.template
    return Calendar.from_ical(log.calendar)


def test_registrations_are_confirmed_while_seats_remain_then_wait(register_someone: Register) -> None:
    first, second, third = register_someone(1), register_someone(2), register_someone(3)
    assert [first.status, second.status, third.status] == [R.CONFIRMED, R.CONFIRMED, R.WAITING]
    confirmed = mails_to("guest1@example.org")[-1]
    assert confirmed.template == "events/email/confirmed" and confirmed.calendar_method == "REQUEST"
    assert _calendar(confirmed)["METHOD"] == "REQUEST"
    assert "https://meet.example.org/ai-managers" in confirmed.body
    waiting = mails_to("guest3@example.org")[-1]
    assert waiting.template == "events/email/waiting"
    assert waiting.calendar == "" and "meet.example.org" not in waiting.body  # no invitation, no link yet


def test_a_cancellation_offers_the_seat_to_the_next_person_who_confirms_by_link(register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    waiting = [register_someone(3), register_someone(4)]
    cancelled = actions.cancel_by_link(token=link_in("guest1@example.org", "cancel"))
    assert cancelled.status == R.CANCELLED
    cancel_mail = mails_to("guest1@example.org")[-1]
    assert cancel_mail.calendar_method == "CANCEL" and _calendar(cancel_mail)["METHOD"] == "CANCEL"
    offered = Registration.objects.get(pk=waiting[0].pk)
    assert offered.status == R.OFFERED and offered.offer_expires_at is not None
    assert Registration.objects.get(pk=waiting[1].pk).status == R.WAITING  # one seat, one offer
    accepted = actions.accept_offer(token=link_in("guest3@example.org", "accept"))
    assert accepted.status == R.CONFIRMED and accepted.offer_expires_at is None
    assert mails_to("guest3@example.org")[-1].calendar_method == "REQUEST"


def test_a_link_works_once_and_a_forged_one_not_at_all(register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    token = link_in("guest1@example.org", "cancel")
    actions.cancel_by_link(token=token)
    with pytest.raises(ValidationError) as used:
        actions.cancel_by_link(token=token)
    assert "link" in used.value.message_dict
    with pytest.raises(ValidationError) as forged:
        actions.cancel_by_link(token=token[:-3] + "abc")
    assert "link" in forged.value.message_dict
    with pytest.raises(ValidationError) as wrong_kind:
        actions.accept_offer(token=link_in("guest2@example.org", "ticket"))
    assert "link" in wrong_kind.value.message_dict


def test_an_expired_offer_lapses_and_the_seat_passes_on(register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    third, fourth = register_someone(3), register_someone(4)
    actions.cancel_by_link(token=link_in("guest2@example.org", "cancel"))
    token = link_in("guest3@example.org", "accept")
    Registration.objects.filter(pk=third.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as late:
        actions.accept_offer(token=token)
    assert "expired" in late.value.message_dict["link"][0]
    assert actions.expire_offers() == 1
    assert actions.expire_offers() == 0  # safe to run twice
    assert Registration.objects.get(pk=third.pk).status == R.LAPSED
    assert Registration.objects.get(pk=fourth.pk).status == R.OFFERED
    assert mails_to("guest3@example.org")[-1].template == "events/email/offer_lapsed"


def test_the_waiting_list_can_be_left_by_link(register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    waiting = register_someone(3)
    left = actions.cancel_by_link(token=link_in("guest3@example.org", "cancel"))
    assert left.status == R.CANCELLED and left.pk == waiting.pk
    assert mails_to("guest3@example.org")[-1].calendar == ""  # never invited, nothing to cancel in a calendar


def test_bad_registrations_name_the_field_and_write_nothing(event: Event, register_someone: Register) -> None:
    register_someone(1)
    cases: list[tuple[dict[str, Any], str]] = [
        (person(1), "email"),  # twice with the same address
        (person(1, email="GUEST1@example.org"), "email"),
        (person(5, email="not-an-address"), "email"),
        (person(5, name=" "), "name"),
        (person(5, accept_terms=False), "accept_terms"),
        (person(5, answers="yes"), "answers"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            actions.register(event_id=event.pk, data=data)
        assert field in error.value.message_dict, (data, error.value.message_dict)
    assert Registration.objects.count() == 1


def test_registration_is_refused_after_the_deadline_and_for_a_cancelled_or_draft_event(
    make_event: Callable[..., Event], advisor: User
) -> None:
    closed = make_event(registration_closes_at=(timezone.now() - timedelta(hours=1)).isoformat())
    draft = make_event(publish=False)
    cancelled = actions.event_cancel(actor=advisor, event=make_event())
    for target, words in ((closed, "closed"), (draft, "not open"), (cancelled, "cancelled")):
        with pytest.raises(ValidationError) as error:
            actions.register(event_id=target.pk, data=person(9))
        assert words in error.value.message_dict["event"][0]
    assert not Registration.objects.exists()


def test_required_questions_must_be_answered(make_event: Callable[..., Event]) -> None:
    event = make_event(questions=[{"label": {"en": "What do you hope to learn?"}, "required": True}])
    question = event.questions.get()
    with pytest.raises(ValidationError) as error:
        actions.register(event_id=event.pk, data=person(1))
    assert f"answers.{question.pk}" in error.value.message_dict
    registration = actions.register(event_id=event.pk, data=person(1, answers={str(question.pk): "Vision"}))
    assert registration.answers == {str(question.pk): "Vision"}


def test_the_organisation_is_matched_to_the_registry_never_created(register_someone: Register) -> None:
    known = Organisation.objects.create(name="Atelier Moselle S.à r.l.", country="LU")
    before = Organisation.objects.count()
    matched = register_someone(1, organisation_name="atelier moselle")
    unknown = register_someone(2, organisation_name="Brasserie Nationale")
    assert matched.organisation == known
    assert unknown.organisation is None and unknown.organisation_name == "Brasserie Nationale"
    assert Organisation.objects.count() == before


def test_hearing_about_future_events_is_a_separate_consent(register_someone: Register) -> None:
    register_someone(1, future_events=True)
    register_someone(2)
    consents = Consent.objects.filter(purpose=Consent.Purpose.MARKETING)
    assert [(c.email, c.given, c.scope) for c in consents] == [("guest1@example.org", True, "events")]
    assert Registration.objects.get(email="guest1@example.org").future_events_consent_at is not None
    assert Registration.objects.get(email="guest2@example.org").future_events_consent_at is None


def test_with_approval_staff_confirm_or_decline(make_event: Callable[..., Event], advisor: User) -> None:
    event = make_event(needs_approval=True, capacity=1)
    first = actions.register(event_id=event.pk, data=person(1))
    second = actions.register(event_id=event.pk, data=person(2))
    third = actions.register(event_id=event.pk, data=person(3))
    assert {first.status, second.status} == {R.PENDING}
    assert mails_to("guest1@example.org")[-1].template == "events/email/pending"
    assert actions.approve(actor=advisor, registration=first).status == R.CONFIRMED
    assert actions.approve(actor=advisor, registration=second).status == R.WAITING  # the one seat is taken
    assert actions.decline(actor=advisor, registration=third).status == R.DECLINED
    with pytest.raises(ValidationError):
        actions.approve(actor=advisor, registration=third)


def test_fewer_seats_than_those_taken_are_refused(event: Event, advisor: User, register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    with pytest.raises(ValidationError) as error:
        actions.event_update(actor=advisor, event=event, data={"capacity": 1})
    assert "2" in error.value.message_dict["capacity"][0]
    assert Event.objects.get(pk=event.pk).capacity == 2


def test_more_seats_go_to_the_waiting_list(event: Event, advisor: User, register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    waiting = register_someone(3)
    actions.event_update(actor=advisor, event=event, data={"capacity": 3})
    assert Registration.objects.get(pk=waiting.pk).status == R.OFFERED


def test_a_change_of_time_raises_the_revision_and_sends_updated_invitations(
    event: Event, advisor: User, register_someone: Register
) -> None:
    register_someone(1)
    register_someone(2), register_someone(3)  # the third waits: no invitation
    day = (timezone.localdate() + timedelta(days=15)).isoformat()
    changed = actions.event_update(
        actor=advisor, event=event, data={"sessions": [{"day": day, "starts": "14:00", "ends": "17:00"}]}
    )
    assert changed.sequence == event.sequence + 1
    update = mails_to("guest1@example.org")[-1]
    assert update.template == "events/email/updated"
    assert int(_calendar(update).walk("VEVENT")[0]["SEQUENCE"]) == changed.sequence
    assert mails_to("guest3@example.org")[-1].template == "events/email/waiting"
    same = actions.event_update(actor=advisor, event=changed, data={"description": {"en": "Other words."}})
    assert same.sequence == changed.sequence  # no change of time or place, no new revision


def test_cancelling_the_event_tells_everyone_and_cancels_the_calendars(
    event: Event, advisor: User, register_someone: Register
) -> None:
    register_someone(1), register_someone(2), register_someone(3)
    cancelled = actions.event_cancel(actor=advisor, event=event)
    assert cancelled.sequence == event.sequence + 1
    assert set(Registration.objects.values_list("status", flat=True)) == {R.CANCELLED}
    confirmed_mail, waiting_mail = mails_to("guest1@example.org")[-1], mails_to("guest3@example.org")[-1]
    assert confirmed_mail.template == waiting_mail.template == "events/email/event_cancelled"
    assert int(_calendar(confirmed_mail).walk("VEVENT")[0]["SEQUENCE"]) == cancelled.sequence
    assert waiting_mail.calendar == ""


def test_staff_check_in_a_confirmed_registration_by_its_link(advisor: User, register_someone: Register) -> None:
    registration = register_someone(1)
    token = actions.standing_token(actions.CHECK_IN, registration)
    attended = actions.check_in_by_link(actor=advisor, token=token)
    assert attended.attended_at is not None and attended.checked_in_by == advisor
    again = actions.check_in_by_link(actor=advisor, token=token)  # a second scan changes nothing
    assert again.attended_at == attended.attended_at
    with pytest.raises(ValidationError):
        actions.check_in_by_link(actor=None, token=token)
    assert actions.mark_attendance(actor=advisor, registration=registration, attended=False).attended_at is None


def test_reminders_go_once_per_configured_day_to_the_confirmed(make_event: Callable[..., Event], advisor: User) -> None:
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    event = make_event(reminder_days=[7, 1], sessions=[{"day": day, "starts": "09:30", "ends": "12:00"}], capacity=1)
    actions.register(event_id=event.pk, data=person(1))
    actions.register(event_id=event.pk, data=person(2))  # waiting: no reminder
    assert actions.send_reminders() == 1
    assert actions.send_reminders() == 0
    reminder = mails_to("guest1@example.org")[-1]
    assert reminder.template == "events/email/reminder" and reminder.calendar_method == "REQUEST"
    assert Registration.objects.get(email="guest1@example.org").reminded == [7]
    assert mails_to("guest2@example.org")[-1].template == "events/email/waiting"


def test_bad_events_name_the_field(advisor: User) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        (event_data(time_zone="Europe/Nowhere"), "time_zone"),
        (event_data(time_zone="../../etc/passwd"), "time_zone"),
        (event_data(capacity=0), "capacity"),
        (event_data(capacity="many"), "capacity"),
        (event_data(sessions=[]), "sessions"),
        (event_data(sessions=[{"day": "2026-13-01", "starts": "09:00", "ends": "10:00"}]), "sessions"),
        (event_data(sessions=[{"day": "2026-12-01", "starts": "11:00", "ends": "10:00"}]), "sessions"),
        (event_data(kind="party"), "kind"),
        (event_data(title={}), "title"),
        (event_data(online_link="javascript:alert(1)"), "online_link"),
        (event_data(reminder_days=[0]), "reminder_days"),
        (event_data(offer_hours=0), "offer_hours"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            actions.event_create(actor=advisor, data=data)
        assert field in error.value.message_dict, (data, error.value.message_dict)
    assert not Event.objects.exists()
    with pytest.raises(ValidationError):
        actions.event_create(actor=None, data=event_data())


def test_purging_a_registration_keeps_the_figures_and_passes_the_seat_on(register_someone: Register) -> None:
    first = register_someone(1, answers={})
    register_someone(2)
    waiting = register_someone(3)
    assert actions.purge([first]) == 1
    purged = Registration.objects.get(pk=first.pk)
    assert (purged.name, purged.answers, purged.status) == ("", {}, R.CANCELLED)
    assert purged.email.endswith("@invalid") and purged.purged_at is not None
    assert Registration.objects.get(pk=waiting.pk).status == R.OFFERED
    assert actions.purge([purged]) == 0


def test_links_expire_with_the_event(register_someone: Register) -> None:
    register_someone(1)
    link = SignedLink.objects.filter(purpose=actions.CANCEL, email="guest1@example.org").get()
    assert link.expires_at > timezone.now() + timedelta(days=14)
    assert link.expires_at < timezone.now() + timedelta(days=17)


def test_a_changed_session_keeps_its_calendar_entry_and_a_removed_one_is_cancelled(
    make_event: Callable[..., Event], advisor: User
) -> None:
    days = [(timezone.localdate() + timedelta(days=n)).isoformat() for n in (10, 11)]
    event = make_event(sessions=[{"day": day, "starts": "09:00", "ends": "12:00"} for day in days])
    first, second = event.sessions.all()
    actions.register(event_id=event.pk, data=person(1))
    invited = {str(e["UID"]) for e in _calendar(mails_to("guest1@example.org")[-1]).walk("VEVENT")}
    changed = actions.event_update(
        actor=advisor, event=event, data={"sessions": [{"day": days[0], "starts": "10:00", "ends": "12:00"}]}
    )
    assert list(changed.sessions.values_list("pk", flat=True)) == [first.pk]  # changed in place
    update, removal = mails_to("guest1@example.org")[-2:]
    assert {str(e["UID"]) for e in _calendar(update).walk("VEVENT")} == {ical.uid(event, first)}
    assert removal.template == "events/email/sessions_removed" and removal.calendar_method == "CANCEL"
    assert {str(e["UID"]) for e in _calendar(removal).walk("VEVENT")} == {ical.uid(event, second)}
    assert invited == {ical.uid(event, first), ical.uid(event, second)}


def test_changing_the_questions_never_moves_an_answer_under_another_question(
    make_event: Callable[..., Event], advisor: User
) -> None:
    event = make_event(questions=[{"label": {"en": "Role?"}}, {"label": {"en": "Sector?"}}])
    role, sector = event.questions.order_by("position")
    actions.register(event_id=event.pk, data=person(1, answers={str(role.pk): "CEO", str(sector.pk): "Metal"}))
    actions.event_update(
        actor=advisor,
        event=event,
        data={"questions": [{"label": {"en": "Sector?"}, "required": True}, {"label": {"en": "Size?"}}]},
    )
    kept, added = event.questions.order_by("position")
    assert (kept.pk, kept.label, kept.required) == (sector.pk, {"en": "Sector?"}, True)  # the role was taken off
    assert added.pk not in (role.pk, sector.pk) and added.label == {"en": "Size?"}
    assert Registration.objects.get().answers[str(kept.pk)] == "Metal"  # still under its own question


def test_survey_questions_taken_off_keep_the_others_answers_in_place(
    make_event: Callable[..., Event], advisor: User
) -> None:
    event = make_event(survey_questions=[{"en": "Q1?"}, {"en": "Q2?"}, {"en": "Q3?"}])
    _q1, q2, q3 = event.survey_questions.order_by("position")
    actions.event_update(actor=advisor, event=event, data={"survey_questions": [{"en": "Q2?"}, {"en": "Q3?"}]})
    assert [(q.pk, q.label["en"]) for q in event.survey_questions.order_by("position")] == [
        (q2.pk, "Q2?"),
        (q3.pk, "Q3?"),
    ]


def test_after_the_event_a_purge_keeps_the_status_and_offers_no_seat(event: Event, register_someone: Register) -> None:
    attendee = register_someone(1)
    register_someone(2)
    waiting = register_someone(3)
    yesterday = timezone.localdate() - timedelta(days=1)
    event.sessions.update(day=yesterday)
    Event.objects.filter(pk=event.pk).update(registration_closes_at=None)
    actions.purge([attendee])
    purged = Registration.objects.get(pk=attendee.pk)
    assert purged.status == R.CONFIRMED and purged.name == ""
    assert Registration.objects.get(pk=waiting.pk).status == R.WAITING  # registration has closed: no offer
