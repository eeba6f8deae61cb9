"""Background tasks of the core: they take ids, run after commit and are safe to run twice."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from moselle.core.mail import calendar_part
from moselle.core.models import EmailLog


@task()
def deliver_email(email_log_id: int) -> str:
    """Send one logged e-mail. A second run finds it no longer queued and does nothing."""
    with transaction.atomic():
        claimed = EmailLog.objects.filter(pk=email_log_id, status=EmailLog.Status.QUEUED).update(
            status=EmailLog.Status.SENT, sent_at=timezone.now()
        )
        if not claimed:
            return "skipped"
        log = EmailLog.objects.get(pk=email_log_id)
        log.attempts += 1
        try:
            message = EmailMessage(subject=log.subject, body=log.body, to=[log.recipient])
            if log.calendar:
                message.attach(calendar_part(log.calendar, log.calendar_method))
            message.send()
        except OSError as exc:
            log.status = EmailLog.Status.FAILED
            log.sent_at = None
            log.error = str(exc)[:250]
        else:
            # Sent: the body and the calendar (links that still work, other people's names) are no longer kept.
            log.body = ""
            log.calendar = ""
        log.save(update_fields=["attempts", "status", "sent_at", "error", "body", "calendar"])
    return str(log.status)
