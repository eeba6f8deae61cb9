"""Users, their memberships and roles, API tokens for machines, and consent records."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. The e-mail address is the identity."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)
    is_staff = models.BooleanField(verbose_name=_("is staff"), default=False, help_text=_("May use the Django admin."))
    is_demo = models.BooleanField(verbose_name=_("is demo"), default=False)
    signup_request = models.JSONField(
        _("organisation asked for at sign-up"),
        default=dict,
        blank=True,
        help_text=_("Kept until the e-mail address is verified."),
    )
    is_erased = models.BooleanField(verbose_name=_("is erased"), default=False)
    date_joined = models.DateTimeField(verbose_name=_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("email", "full_name", "password", "last_login")

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    HUB_ADMIN = "hub_admin", _("hub manager")
    HUB_ADVISOR = "hub_advisor", _("hub advisor")
    PARTNER_MEMBER = "partner_member", _("partner member")
    COMPANY_MEMBER = "company_member", _("company member")
    PROVIDER_MEMBER = "provider_member", _("provider member")
    OBSERVER = "observer", _("observer")


HUB_ROLES = (Role.HUB_ADMIN, Role.HUB_ADVISOR)


class Membership(models.Model):
    """A user's place in an organisation, with one role. A user may hold several."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACTIVE = "active", _("active")
        REMOVED = "removed", _("removed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    is_org_admin = models.BooleanField(_("organisation admin"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=~models.Q(status="removed"),
                name="membership_unique_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id} {self.role} ({self.status})"


class Invitation(models.Model):
    """An organisation admin's or hub staff's invitation of a colleague by e-mail."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    email = models.EmailField(verbose_name=_("email"))
    role = models.CharField(verbose_name=_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    link = models.OneToOneField("core.SignedLink", on_delete=models.PROTECT, related_name="+", verbose_name=_("link"))
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(verbose_name=_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("email",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.organisation_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class ApiToken(models.Model):
    """A machine's key to the API, scoped to one role. Only a hash of the key is stored."""

    PEER = "peer"
    ROLE_CHOICES: ClassVar[list[tuple[str, Any]]] = [*Role.choices, (PEER, _("federation peer"))]

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    prefix = models.CharField(verbose_name=_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(verbose_name=_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(verbose_name=_("last used at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("key_hash", "prefix")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Consent(models.Model):
    """A person's consent to one purpose, given or withdrawn: the latest record counts."""

    class Purpose(models.TextChoices):
        MARKETING = "marketing", _("newsletters and event invitations")
        SHARE_WITH_PROVIDER = "share_with_provider", _("sharing my organisation's file with a provider")
        SHARE_WITH_HUB = "share_with_hub", _("sharing my organisation's file with another hub")

    class Method(models.TextChoices):
        WEB = "web", _("web form")
        API = "api", _("API")
        PAPER = "paper", _("signed paper form")
        IMPORT = "import", _("import")

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents", verbose_name=_("user")
    )
    email = models.EmailField(verbose_name=_("email"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    scope = models.CharField(_("scope"), max_length=200, blank=True, help_text=_("e.g. the provider or hub concerned"))
    text_version = models.CharField(_("text version"), max_length=20)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(verbose_name=_("when"), default=timezone.now)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("email", "scope")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {'given' if self.given else 'withdrawn'}"


CONSENT_TEXT_VERSION = "2026-11"
