"""The survey after an event: sent once by ``tick`` to those who attended, answered once by its signed link,
and read by the hub's staff with the people who have not answered."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core.models import AuditEntry
from moselle.events import actions, survey
from moselle.events.models import Event, Registration, Session, SurveyResponse
from moselle.events.tests.conftest import Register, link_in, mails_to

QUESTION = {"en": "What will you try first?", "fr": "Qu'allez-vous essayer d'abord ?"}


def ended(event: Event, ago: timedelta) -> None:
    """Move the event's sessions into the past: one session, from local midnight to ``ago`` before now."""
    end = (timezone.now() - ago).astimezone(event.zone).replace(second=0, microsecond=0)
    if end.time() == time(0, 0):
        end -= timedelta(minutes=1)
    Session.objects.filter(event=event).delete()
    Session.objects.create(event=event, day=end.date(), starts=time(0, 0), ends=end.time())


def attended(advisor: User, *registrations: Registration) -> None:
    for registration in registrations:
        actions.mark_attendance(actor=advisor, registration=registration, attended=True)


@pytest.fixture
def surveyed_event(make_event: Callable[..., Event]) -> Event:
    return make_event(capacity=10, survey_questions=[QUESTION])


def token_of(registration: Registration) -> str:
    return actions.standing_token(actions.SURVEY, registration)


def survey_mails(email: str) -> list[Any]:
    return [log for log in mails_to(email) if log.template == "events/email/survey"]


# --- Sending ------------------------------------------------------------------------------------------------


def test_the_survey_goes_once_and_only_to_those_who_attended(
    advisor: User, event: Event, register_someone: Register
) -> None:
    came, missed = register_someone(1), register_someone(2)
    attended(advisor, came)
    ended(event, timedelta(hours=3))
    assert survey.send_surveys() == 1
    assert survey.send_surveys() == 0  # the next tick sends nothing again
    assert len(survey_mails("guest1@example.org")) == 1
    assert survey_mails("guest2@example.org") == []
    assert Registration.objects.get(pk=came.pk).survey_sent_at is not None
    assert Registration.objects.get(pk=missed.pk).survey_sent_at is None


def test_the_survey_waits_for_the_delay_after_the_last_session(
    advisor: User, event: Event, register_someone: Register, settings: Any
) -> None:
    attended(advisor, register_someone(1))
    ended(event, timedelta(hours=1))
    assert survey.send_surveys() == 0  # two hours by default
    settings.MOSELLE_EVENT_SURVEY_AFTER_HOURS = 0
    assert survey.send_surveys() == 1


def test_no_survey_for_an_event_without_one_nor_long_after_nor_for_purged_data(
    advisor: User, make_event: Callable[..., Event], register_someone: Register
) -> None:
    quiet, old, kept = make_event(sends_survey=False), make_event(), make_event()
    attended(advisor, register_someone(1, target=quiet), register_someone(2, target=old))
    purged = register_someone(3, target=kept)
    attended(advisor, purged)
    ended(quiet, timedelta(hours=3))
    ended(old, timedelta(days=31))
    ended(kept, timedelta(hours=3))
    actions.purge([purged])
    assert survey.send_surveys() == 0
    assert Registration.objects.filter(survey_sent_at__isnull=False).count() == 0


def test_attendance_marked_late_gets_the_survey_at_the_next_tick(
    advisor: User, event: Event, register_someone: Register
) -> None:
    first, second = register_someone(1), register_someone(2)
    attended(advisor, first)
    ended(event, timedelta(hours=3))
    assert survey.send_surveys() == 1
    attended(advisor, second)  # the list was brought up to date the day after
    assert survey.send_surveys() == 1
    assert len(survey_mails("guest1@example.org")) == len(survey_mails("guest2@example.org")) == 1


def test_tick_runs_the_surveys(advisor: User, event: Event, register_someone: Register) -> None:
    from django.core.management import call_command

    attended(advisor, register_someone(1))
    ended(event, timedelta(hours=3))
    with open("/dev/null", "w") as quiet:
        call_command("tick", stdout=quiet)
    assert len(survey_mails("guest1@example.org")) == 1


def test_the_email_is_in_the_registrants_language_with_a_link_that_opens_the_form(
    advisor: User, surveyed_event: Event, register_someone: Register, client: Client
) -> None:
    registration = register_someone(1, target=surveyed_event, language="fr")
    attended(advisor, registration)
    ended(surveyed_event, timedelta(hours=3))
    survey.send_surveys()
    [mail] = survey_mails("guest1@example.org")
    assert mail.language == "fr"
    assert "L'IA pour les dirigeants" in mail.subject and "L'IA pour les dirigeants" in mail.body  # not escaped
    assert "Guest 1" in mail.body
    page = client.get(reverse("event_survey", args=[link_in("guest1@example.org", "survey")]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "AI for managers" in text and 'name="satisfaction"' in text and "<legend>" in text
    assert "What will you try first?" in text


# --- Answering ----------------------------------------------------------------------------------------------


@pytest.fixture
def attendee(advisor: User, surveyed_event: Event, register_someone: Register) -> Registration:
    registration = register_someone(1, target=surveyed_event)
    attended(advisor, registration)
    ended(surveyed_event, timedelta(hours=3))
    survey.send_surveys()
    return Registration.objects.get(pk=registration.pk)


def question_id(registration: Registration) -> str:
    return str(registration.event.survey_questions.get().pk)


def test_someone_who_attended_answers_once(attendee: Registration) -> None:
    qid = question_id(attendee)
    response = survey.survey_answer(
        token=token_of(attendee),
        data={"satisfaction": "4", "comments": "  Very clear.  ", "answers": {qid: " The chatbot "}},
    )
    stored = SurveyResponse.objects.get(registration=attendee)
    assert stored.pk == response.pk
    assert (stored.satisfaction, stored.comments, stored.answers) == (4, "Very clear.", {qid: "The chatbot"})
    entry = AuditEntry.objects.get(action="registration.survey")
    assert entry.target_id == str(stored.pk) and entry.actor_kind == "system"
    assert "Very clear" not in str(entry.changes)  # the audit log keeps no comment
    with pytest.raises(ValidationError) as again:
        survey.survey_answer(token=token_of(attendee), data={"satisfaction": 1})
    assert "already answered" in again.value.message_dict["survey"][0]
    assert SurveyResponse.objects.get(registration=attendee).satisfaction == 4


def test_an_empty_free_answer_is_not_stored_and_a_whole_number_is_taken(attendee: Registration) -> None:
    survey.survey_answer(token=token_of(attendee), data={"satisfaction": 5, "answers": {question_id(attendee): "  "}})
    assert SurveyResponse.objects.get(registration=attendee).answers == {}


@pytest.mark.parametrize("value", ["six", 0, 6, 4.5, True, False, None, "", "4.0", [4]])
def test_a_bad_satisfaction_is_named_and_nothing_is_written(attendee: Registration, value: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=token_of(attendee), data={"satisfaction": value})
    assert list(refused.value.message_dict) == ["satisfaction"]
    assert not SurveyResponse.objects.exists()
    assert not AuditEntry.objects.filter(action="registration.survey").exists()


def test_every_bad_field_is_named_at_once(attendee: Registration) -> None:
    qid = question_id(attendee)
    data = {
        "satisfaction": "six",
        "comments": "x" * 2001,
        "answers": {qid: "y" * 1001, "999999": "A question nobody asked"},
    }
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=token_of(attendee), data=data)
    assert set(refused.value.message_dict) == {"satisfaction", "comments", f"answers.{qid}", "answers.999999"}
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"comments": "x" * 2001}, "comments"),
        ({"comments": ["not", "text"]}, "comments"),
        ({"answers": "not a mapping"}, "answers"),
        ({"answers": {"QID": "z" * 1001}}, "answers.QID"),
        ({"answers": {"QID": 42}}, "answers.QID"),
        ({"answers": {"123456789": "Unknown"}}, "answers.123456789"),
    ],
)
def test_bad_comments_and_answers_are_named(attendee: Registration, data: dict[str, Any], field: str) -> None:
    qid = question_id(attendee)
    if isinstance(data.get("answers"), dict):
        data = {"answers": {key.replace("QID", qid): value for key, value in data["answers"].items()}}
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=token_of(attendee), data={"satisfaction": 3, **data})
    assert list(refused.value.message_dict) == [field.replace("QID", qid)]
    assert not SurveyResponse.objects.exists()


def test_the_longest_texts_allowed_are_kept(attendee: Registration) -> None:
    qid = question_id(attendee)
    survey.survey_answer(
        token=token_of(attendee), data={"satisfaction": 2, "comments": "x" * 2000, "answers": {qid: "y" * 1000}}
    )
    stored = SurveyResponse.objects.get(registration=attendee)
    assert len(stored.comments) == 2000 and len(stored.answers[qid]) == 1000


def test_two_answers_at_the_same_moment_give_one_response_and_no_error(
    attendee: Registration, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey.survey_answer(token=token_of(attendee), data={"satisfaction": 3})
    # The second request checked before the first one wrote: only the database's constraint stops it.
    monkeypatch.setattr(survey, "refusal", lambda registration: None)
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=token_of(attendee), data={"satisfaction": 5})
    assert "already answered" in refused.value.message_dict["survey"][0]
    assert SurveyResponse.objects.get(registration=attendee).satisfaction == 3


def test_a_forged_link_answers_nothing(attendee: Registration, client: Client) -> None:
    forged = token_of(attendee)[:-2] + "xx"
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=forged, data={"satisfaction": 4})
    assert list(refused.value.message_dict) == ["link"]
    for response in (
        client.get(reverse("event_survey", args=[forged])),
        client.post(reverse("event_survey", args=[forged]), {"satisfaction": "4"}),
    ):
        assert response.status_code == 404 and "not valid" in response.content.decode()
        assert 'name="satisfaction"' not in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_purged_registration_answers_nothing(attendee: Registration, client: Client) -> None:
    actions.purge([attendee])
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=token_of(attendee), data={"satisfaction": 4})
    assert "removed" in refused.value.message_dict["survey"][0]
    page = client.get(reverse("event_survey", args=[token_of(attendee)]))
    assert page.status_code == 403 and 'name="satisfaction"' not in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_only_who_attended_answers(surveyed_event: Event, register_someone: Register, client: Client) -> None:
    no_show = register_someone(2, target=surveyed_event)
    with pytest.raises(ValidationError) as refused:
        survey.survey_answer(token=token_of(no_show), data={"satisfaction": 4})
    assert "attended" in refused.value.message_dict["survey"][0]
    page = client.get(reverse("event_survey", args=[token_of(no_show)]))
    assert page.status_code == 403 and 'name="satisfaction"' not in page.content.decode()
    assert client.post(reverse("event_survey", args=[token_of(no_show)]), {"satisfaction": "4"}).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_other_links_of_a_registration_do_not_open_the_survey(attendee: Registration, client: Client) -> None:
    ticket = actions.standing_token(actions.TICKET, attendee)
    assert client.get(reverse("event_survey", args=[ticket])).status_code == 404


# --- The page -----------------------------------------------------------------------------------------------


def test_opening_the_link_changes_nothing(attendee: Registration, client: Client) -> None:
    before = (Registration.objects.get(pk=attendee.pk).updated_at, AuditEntry.objects.count())
    for _ in range(2):
        assert client.get(reverse("event_survey", args=[token_of(attendee)])).status_code == 200
    assert (Registration.objects.get(pk=attendee.pk).updated_at, AuditEntry.objects.count()) == before
    assert not SurveyResponse.objects.exists()


def test_the_page_saves_the_answer_then_says_it_was_given(attendee: Registration, client: Client) -> None:
    url = reverse("event_survey", args=[token_of(attendee)])
    qid = question_id(attendee)
    done = client.post(url, {"satisfaction": "5", "comments": "More of these", f"answer-{qid}": "Dashboards"})
    assert done.status_code == 200 and "Thank you!" in done.content.decode()
    stored = SurveyResponse.objects.get(registration=attendee)
    assert (stored.satisfaction, stored.comments, stored.answers) == (5, "More of these", {qid: "Dashboards"})
    for again in (client.get(url), client.post(url, {"satisfaction": "1"})):
        text = again.content.decode()
        assert again.status_code == 200 and "already answered" in text and 'name="satisfaction"' not in text
    assert SurveyResponse.objects.get(registration=attendee).satisfaction == 5


def test_the_page_names_each_bad_field_and_keeps_what_was_typed(attendee: Registration, client: Client) -> None:
    qid = question_id(attendee)
    response = client.post(
        reverse("event_survey", args=[token_of(attendee)]),
        {"comments": "Kept as typed", f"answer-{qid}": "z" * 1001},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="s-satisfaction-error"' in text and "Say how satisfied you are" in text
    assert f'id="s-answer-{qid}-error"' in text and "At most 1000 characters." in text
    assert "Kept as typed</textarea>" in text and "z" * 1001 in text
    assert not SurveyResponse.objects.exists()
    chosen = client.post(
        reverse("event_survey", args=[token_of(attendee)]), {"satisfaction": "4", "comments": "x" * 2001}
    )
    assert chosen.status_code == 400 and 'value="4" checked' in chosen.content.decode()
    assert 'id="s-comments-error"' in chosen.content.decode()


# --- Results ------------------------------------------------------------------------------------------------


@pytest.fixture
def answered_event(advisor: User, surveyed_event: Event, register_someone: Register) -> Event:
    """Six registered: five attended and were surveyed, one did not come. Ratings 5, 4 and 4 (mean 13/3, 4.3);
    one comment, one free answer; Guest 4 has not answered; Guest 5 answered nothing and was purged."""
    people = [register_someone(n, target=surveyed_event) for n in range(1, 7)]
    attended(advisor, *people[:5])
    ended(surveyed_event, timedelta(hours=3))
    assert survey.send_surveys() == 5
    qid = str(surveyed_event.survey_questions.get().pk)
    survey.survey_answer(token=token_of(people[0]), data={"satisfaction": 5, "comments": "Great morning"})
    survey.survey_answer(token=token_of(people[1]), data={"satisfaction": "4", "answers": {qid: "The chatbot"}})
    survey.survey_answer(token=token_of(people[2]), data={"satisfaction": 4})
    actions.purge([people[4]])
    return surveyed_event


def test_the_results_count_what_was_answered(answered_event: Event, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(4):
        found = survey.results(answered_event)
    assert (found.surveyed, found.answered) == (5, 3)
    assert str(found.response_rate) == "60.0" and str(found.mean_satisfaction) == "4.3"
    assert found.distribution == [(1, 0), (2, 0), (3, 0), (4, 2), (5, 1)]
    assert [(question.label, texts) for question, texts in found.answers] == [(QUESTION, ["The chatbot"])]
    assert found.comments == ["Great morning"]
    assert [(r.name, r.email, r.organisation_name) for r in found.non_responders] == [
        ("Guest 4", "guest4@example.org", "Atelier Moselle")
    ]


def test_the_results_of_a_survey_nobody_got(surveyed_event: Event) -> None:
    found = survey.results(surveyed_event)
    assert (found.surveyed, found.answered, found.response_rate, found.mean_satisfaction) == (0, 0, None, None)
    assert found.distribution == [(n, 0) for n in range(1, 6)] and found.non_responders == []


def test_staff_read_the_results_and_who_has_not_answered(
    answered_event: Event, advisor: User, client_for: Callable[[User | None], Client]
) -> None:
    staff = client_for(advisor)
    detail = staff.get(reverse("staff_event_detail", args=[answered_event.pk])).content.decode()
    url = reverse("staff_event_survey", args=[answered_event.pk])
    assert f'href="{url}"' in detail
    page = staff.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "60.0 %" in text and "4.3" in text and "Great morning" in text and "The chatbot" in text
    assert "guest4@example.org" in text and "Atelier Moselle" in text
    for answered_or_purged in ("guest1@example.org", "guest5@example.org", "guest6@example.org"):
        assert answered_or_purged not in text


def test_the_results_page_reads_the_same_queries_whatever_the_answers(
    answered_event: Event, advisor: User, client_for: Callable[[User | None], Client]
) -> None:
    staff = client_for(advisor)
    url = reverse("staff_event_survey", args=[answered_event.pk])
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    guest4 = Registration.objects.get(event=answered_event, email="guest4@example.org")
    survey.survey_answer(token=token_of(guest4), data={"satisfaction": 2, "comments": "Too long"})
    with CaptureQueriesContext(connection) as more:
        text = staff.get(url).content.decode()
    assert "Too long" in text and len(more) == len(few)


def test_only_the_hubs_staff_read_the_results(
    answered_event: Event, make_user: Any, org_a: Any, client_for: Callable[[User | None], Client]
) -> None:
    url = reverse("staff_event_survey", args=[answered_event.pk])
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for role in (Role.COMPANY_MEMBER, Role.PARTNER_MEMBER, Role.OBSERVER):
        page = client_for(make_user(role, org_a)).get(url)
        assert page.status_code == 404 and "guest4@example.org" not in page.content.decode()
    assert client_for(make_user(Role.HUB_ADMIN)).get(url).status_code == 200
    assert client_for(make_user(Role.HUB_ADVISOR)).get(reverse("staff_event_survey", args=[999999])).status_code == 404


def test_the_time_helper_puts_the_end_where_asked(event: Event) -> None:
    ended(event, timedelta(hours=3))
    session = event.sessions.get()
    end = datetime.combine(session.day, session.ends, tzinfo=event.zone)
    assert timedelta(hours=3) <= timezone.now() - end < timedelta(hours=3, minutes=2)


# --- Races --------------------------------------------------------------------------------------------------

RACERS = 4


def _race(work: Callable[[int], object]) -> list[object]:
    """Run ``work`` in threads started together, each with its own database connection."""
    start = threading.Barrier(RACERS)
    outcomes: list[object] = []

    def run(n: int) -> None:
        try:
            start.wait()
            outcomes.append(work(n))
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_ticks_racing_send_the_survey_once(advisor: User, event: Event, register_someone: Register) -> None:
    attended(advisor, register_someone(1), register_someone(2))
    ended(event, timedelta(hours=3))
    outcomes = _race(lambda n: survey.send_surveys())
    assert sorted(outcomes, key=str) == sorted([2] + [0] * (RACERS - 1), key=str)
    assert len(survey_mails("guest1@example.org")) == len(survey_mails("guest2@example.org")) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_link_answered_at_once_keeps_one_answer(attendee: Registration) -> None:
    token = token_of(attendee)
    outcomes = _race(lambda n: survey.survey_answer(token=token, data={"satisfaction": n + 1}))
    saved = [outcome for outcome in outcomes if isinstance(outcome, SurveyResponse)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(saved) == 1 and len(refused) == RACERS - 1, outcomes
    assert all("already answered" in error.message_dict["survey"][0] for error in refused)
    assert SurveyResponse.objects.get(registration=attendee).satisfaction == saved[0].satisfaction
