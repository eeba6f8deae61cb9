"""Personal data: who holds which personal fields, and how each app exports and erases them.

Every model declares its personal fields in ``PERSONAL_FIELDS``. Every app whose models
declare any registers an exporter and an eraser here (in its ``privacy.py``, imported from
its ``AppConfig.ready``). A test fails when a model has personal fields and no handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Person:
    """Someone found by e-mail, with or without an account."""

    email: str
    user_id: int | None


Exporter = Callable[[Person], dict[str, Any]]
Eraser = Callable[[Person], int]


@dataclass
class Handler:
    app_label: str
    models: tuple[type[models.Model], ...]
    exporter: Exporter
    eraser: Eraser


_registry: dict[str, Handler] = {}


@dataclass(frozen=True)
class Processing:
    """A kind of processing of personal data and the legal basis it rests on (GDPR Art. 6)."""

    code: str
    purpose: Any
    basis: str
    data: Any
    consent_purpose: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


LEGAL_BASES = {
    "contract": _("performance of a contract (Art. 6(1)(b))"),
    "legal_obligation": _("legal obligation (Art. 6(1)(c))"),
    "legitimate_interest": _("legitimate interest (Art. 6(1)(f))"),
    "consent": _("consent (Art. 6(1)(a))"),
}

PROCESSING: tuple[Processing, ...] = (
    Processing("account", _("Running the user's account and log-in"), "contract", _("e-mail, name, language")),
    Processing(
        "hub_support",
        _("Accompanying the organisation the person works for"),
        "legitimate_interest",
        _("name, e-mail, role in the organisation"),
    ),
    Processing(
        "commission_reporting",
        _("Reporting services delivered to the European Commission"),
        "legal_obligation",
        _("organisation-level figures only"),
    ),
    Processing("audit", _("Keeping a record of who changed what"), "legitimate_interest", _("account reference")),
    Processing(
        "event_registration",
        _("Registering people for the hub's events, their attendance and survey answers"),
        "contract",
        _("name, e-mail, organisation, answers, attendance"),
    ),
    Processing(
        "marketing",
        _("Newsletters and invitations to hub events"),
        "consent",
        _("e-mail, name, language"),
        consent_purpose="marketing",
    ),
    Processing(
        "share_with_provider",
        _("Sharing a company's file with a provider"),
        "consent",
        _("contact details and the file shared"),
        consent_purpose="share_with_provider",
    ),
    Processing(
        "share_with_hub",
        _("Sharing a company's file with another hub"),
        "consent",
        _("contact details and the file shared"),
        consent_purpose="share_with_hub",
    ),
)


def register(*, app_label: str, models: tuple[type[models.Model], ...], exporter: Exporter, eraser: Eraser) -> None:
    _registry[app_label] = Handler(app_label, models, exporter, eraser)


def handlers() -> list[Handler]:
    return [_registry[label] for label in sorted(_registry)]


def models_with_personal_fields() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if getattr(m, "PERSONAL_FIELDS", ())]


def covered_models() -> set[type[models.Model]]:
    return {model for handler in _registry.values() for model in handler.models}


def find_person(email: str) -> Person:
    """The person behind ``email``: an account if one exists, else just the address."""
    from moselle.accounts.models import User

    normalised = email.strip().lower()
    user = User.objects.filter(email__iexact=normalised).only("pk").first()
    return Person(email=normalised, user_id=user.pk if user else None)


def export_person(person: Person) -> dict[str, Any]:
    """Everything every app holds about the person, keyed by app (GDPR Art. 15 and 20)."""
    data: dict[str, Any] = {"email": person.email}
    for handler in handlers():
        exported = handler.exporter(person)
        if exported:
            data[handler.app_label] = exported
    return data


def erase_person(person: Person) -> dict[str, int]:
    """Anonymise the person everywhere, all or nothing; returns rows changed per app."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        # The account goes last: other erasers may still need to find rows by user id.
        for handler in sorted(handlers(), key=lambda h: h.app_label == "accounts"):
            counts[handler.app_label] = handler.eraser(person)
    return counts


def _export_core(person: Person) -> dict[str, Any]:
    from moselle.core.models import AuditEntry, EmailLog, StoredFile

    emails = EmailLog.objects.filter(recipient__iexact=person.email)
    data: dict[str, Any] = {
        "emails": [
            {"sent": e.created_at.isoformat(), "subject": e.subject, "status": e.status, "language": e.language}
            for e in emails
        ]
    }
    if person.user_id is not None:
        data["actions"] = [
            {"at": e.at.isoformat(), "action": e.action, "object": f"{e.target_type}#{e.target_id}"}
            for e in AuditEntry.objects.filter(actor_id=person.user_id).order_by("at", "id")
        ]
        data["files_uploaded"] = [
            {"name": f.original_name, "uploaded": f.created_at.isoformat(), "organisation": f.organisation_id}
            for f in StoredFile.objects.filter(uploaded_by_id=person.user_id)
        ]
    return data


def _erase_core(person: Person) -> int:
    from moselle.core.models import EmailLog, SignedLink

    count = EmailLog.objects.filter(recipient__iexact=person.email).update(
        recipient="erased@erased.invalid", subject="", body=""
    )
    count += SignedLink.objects.filter(email__iexact=person.email).update(email="", payload={"erased": True})
    return count


def _register_core() -> None:
    from moselle.core.models import EmailLog, SignedLink

    register(app_label="core", models=(EmailLog, SignedLink), exporter=_export_core, eraser=_erase_core)


_register_core()
