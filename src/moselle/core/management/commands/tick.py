"""Enqueue the work that has come due. The worker runs it every minute; running it twice is harmless."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from moselle.core import due_work, links, mail
from moselle.core.models import EmailLog

MAX_EMAIL_ATTEMPTS = 5


log = logging.getLogger("moselle.tick")


class Command(BaseCommand):
    help = "Enqueue due work: e-mail retries and purges. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        retry = EmailLog.objects.filter(
            status=EmailLog.Status.FAILED,
            attempts__lt=MAX_EMAIL_ATTEMPTS,
            created_at__gt=timezone.now() - timedelta(days=2),
        )
        retried = 0
        for log_id in retry.values_list("pk", flat=True):
            if EmailLog.objects.filter(pk=log_id, status=EmailLog.Status.FAILED).update(status=EmailLog.Status.QUEUED):
                mail.enqueue_delivery(log_id)
                retried += 1
        stale = EmailLog.objects.filter(
            status=EmailLog.Status.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=10)
        ).values_list("pk", flat=True)
        for log_id in stale:
            mail.enqueue_delivery(log_id)
        purged = links.purge_expired()
        self.stdout.write(f"tick: {retried} e-mails retried, {len(stale)} re-enqueued, {purged} links purged")
        for name, job in due_work.jobs():
            # One job's failure is logged and the others still run: a tick must never stop half-way.
            try:
                self.stdout.write(f"tick: {name}: {job()}")
            except Exception:
                log.exception("tick: %s failed", name)
                self.stdout.write(f"tick: {name}: failed (see the log)")
