"""E-mail is rendered in the recipient's language, logged, and sent only after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.db import transaction

from moselle.core import mail
from moselle.core.models import EmailLog
from moselle.core.tasks import deliver_email


def _send(language: str) -> EmailLog:
    return mail.send_templated(
        to="someone@example.org",
        template="accounts/email/membership_approved",
        context={"organisation": "Alpha"},
        language=language,
    )


def test_it_sends_after_commit_and_logs(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        log = _send("en")
        assert outbox.outbox == []  # nothing leaves before the transaction commits
    log.refresh_from_db()
    assert log.status == EmailLog.Status.SENT and log.sent_at is not None
    assert outbox.outbox[0].subject == "You are now a member of Alpha"
    assert outbox.outbox[0].to == ["someone@example.org"]


def test_nothing_is_sent_when_the_action_rolls_back(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _send("en")
        raise RuntimeError("the action failed")
    assert outbox.outbox == [] and not EmailLog.objects.exists()


def test_running_the_delivery_twice_sends_once(db: Any) -> None:
    log = _send("en")
    deliver_email.call(log.pk)
    deliver_email.call(log.pk)
    assert len(outbox.outbox) == 1


def test_a_failed_delivery_is_retried_by_tick(db: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        log = _send("en")
    log.refresh_from_db()
    assert log.status == EmailLog.Status.FAILED and log.attempts == 1 and log.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True), open("/dev/null", "w") as quiet:
        call_command("tick", stdout=quiet)
    log.refresh_from_db()
    assert log.status == EmailLog.Status.SENT and log.attempts == 2
    with django_capture_on_commit_callbacks(execute=True), open("/dev/null", "w") as quiet:
        call_command("tick", stdout=quiet)
    assert len(outbox.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers_what_the_action_enqueued(settings: Any) -> None:
    """The production path: the task row is written on commit, and the real worker runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        log = _send("en")
    assert outbox.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    with open("/dev/null", "w") as quiet:
        call_command("db_worker", "--batch", "--interval", "0", stdout=quiet, stderr=quiet)
    log.refresh_from_db()
    assert log.status == EmailLog.Status.SENT
    assert [m.subject for m in outbox.outbox] == ["You are now a member of Alpha"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_delivered_body_is_not_kept(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        log = _send("en")
    log.refresh_from_db()
    assert log.status == EmailLog.Status.SENT and log.body == "" and log.subject
    assert "Alpha" in str(outbox.outbox[0].body)


def test_a_calendar_goes_as_a_text_calendar_part_with_its_method_and_is_not_kept(db: Any) -> None:
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    log = mail.send_templated(
        to="someone@example.org",
        template="accounts/email/membership_approved",
        context={"organisation": "Alpha"},
        calendar=mail.Calendar(calendar, "CANCEL"),
    )
    assert log.calendar_method == "CANCEL" and "METHOD:CANCEL" in log.calendar
    deliver_email.call(log.pk)
    message = outbox.outbox[0].message()
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_param("method") == "CANCEL" and parts[0].get_content_charset() == "utf-8"
    assert b"METHOD:CANCEL" in parts[0].get_payload(decode=True)
    log.refresh_from_db()
    assert log.calendar == "" and log.body == ""  # the attendee's name and address are not kept once sent


def test_an_unknown_calendar_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        mail.Calendar(b"BEGIN:VCALENDAR", "PUBLISH-ALL")


def test_plain_text_mail_is_not_html_escaped(db: Any) -> None:
    log = mail.send_templated(
        to="someone@example.org",
        template="accounts/email/membership_approved",
        context={"organisation": "L'Atelier <Moselle> & Fils"},
        language="en",
    )
    assert log.subject == "You are now a member of L'Atelier <Moselle> & Fils"
    assert "L'Atelier <Moselle> & Fils" in log.body and "&#x27;" not in log.body and "&amp;" not in log.body
