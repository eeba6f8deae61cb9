"""E-mail: rendered in the recipient's language, logged, and sent only once the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from moselle.core.models import EmailLog

METHODS = ("REQUEST", "CANCEL", "PUBLISH")


@dataclass(frozen=True)
class Calendar:
    """An iCalendar object to send along, and its method (iTIP: REQUEST, CANCEL)."""

    text: bytes
    method: str

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"Unknown calendar method {self.method!r}.")


def calendar_part(text: str, method: str) -> MIMEText:
    """The ``text/calendar`` MIME part, with the same method as the calendar it carries."""
    part = MIMEText(text, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def send_templated(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    user_id: int | None = None,
    calendar: Calendar | None = None,
) -> EmailLog:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` and queue the message, with an iCalendar
    part when ``calendar`` is given (a ``text/calendar`` part whose ``method`` is the calendar's own).

    The log row is written now, inside the caller's transaction; delivery is enqueued on commit,
    so a rolled-back action sends nothing.
    """
    lang = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    with translation.override(lang):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}_body.txt", context, using="text")
    log = EmailLog.objects.create(
        recipient=to,
        user_id=user_id,
        template=template,
        language=lang,
        subject=subject[:250],
        body=body,
        calendar=calendar.text.decode() if calendar else "",
        calendar_method=calendar.method if calendar else "",
    )
    enqueue_delivery(log.pk)
    return log


def send_rendered(*, to: str, subject: str, body: str, template: str, language: str, user_id: int | None) -> EmailLog:
    """Queue an e-mail someone else rendered (allauth's messages)."""
    log = EmailLog.objects.create(
        recipient=to, user_id=user_id, template=template, language=language[:2], subject=subject[:250], body=body
    )
    enqueue_delivery(log.pk)
    return log


def enqueue_delivery(email_log_id: int) -> None:
    from moselle.core.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.enqueue(email_log_id))
