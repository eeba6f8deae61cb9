"""Shared records: the audit log, the e-mail log, signed links and stored files."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One action: who did what to which object, when, and which fields changed.

    Values of personal fields are never copied here: a change to one is stored as a
    reference (``{"personal": "accounts.user:12:email"}``), so erasing the person leaves no copy.
    """

    at = models.DateTimeField(verbose_name=_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_kind = models.CharField(verbose_name=_("actor kind"), max_length=20, default="user")  # user, token, system
    action = models.CharField(verbose_name=_("action"), max_length=80, db_index=True)
    target_type = models.CharField(verbose_name=_("target type"), max_length=80)
    target_id = models.CharField(verbose_name=_("target id"), max_length=40)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    changes = models.JSONField(verbose_name=_("changes"), default=dict, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class EmailLog(models.Model):
    """An e-mail the platform sent or will send, rendered in the recipient's language."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)
    recipient = models.EmailField(verbose_name=_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    template = models.CharField(verbose_name=_("template"), max_length=120)
    language = models.CharField(verbose_name=_("language"), max_length=5)
    subject = models.CharField(verbose_name=_("subject"), max_length=250)
    body = models.TextField(verbose_name=_("body"))
    calendar = models.TextField(
        verbose_name=_("calendar part"), blank=True, help_text=_("An iCalendar invitation or cancellation sent along")
    )
    calendar_method = models.CharField(verbose_name=_("calendar method"), max_length=10, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    error = models.CharField(verbose_name=_("error"), max_length=250, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("recipient", "subject", "body", "calendar")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} ({self.status})"


class SignedLink(models.Model):
    """A link that is signed, expires and works once (invitations, confirmations)."""

    purpose = models.CharField(verbose_name=_("purpose"), max_length=40)
    nonce = models.CharField(verbose_name=_("nonce"), max_length=32, unique=True)
    email = models.EmailField(verbose_name=_("email"), blank=True, help_text=_("Who the link was sent to, if anyone."))
    payload = models.JSONField(verbose_name=_("payload"), default=dict)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(verbose_name=_("used at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("email",)
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("nonce",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} link {self.pk}"


class StoredFile(models.Model):
    """An uploaded file, checked by content, kept outside the web root."""

    key = models.UUIDField(verbose_name=_("key"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="files", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    original_name = models.CharField(verbose_name=_("original name"), max_length=200)
    content_type = models.CharField(verbose_name=_("content type"), max_length=100)
    size = models.PositiveIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(verbose_name=_("SHA-256"), max_length=64)
    path = models.CharField(verbose_name=_("path"), max_length=200)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


from moselle.core.models_taxonomy import *  # noqa: E402,F403
