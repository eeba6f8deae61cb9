"""The accounts app's exporter and eraser for personal data."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from moselle.accounts.models import ApiToken, Consent, Invitation, Membership, User
from moselle.core import privacy


def erased_email(user_id: int | None) -> str:
    return f"erased-{user_id or 0}@erased.invalid"


def export(person: privacy.Person) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if person.user_id is not None:
        user = User.objects.get(pk=person.user_id)
        data["account"] = {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "multi_factor": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        }
        data["memberships"] = [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "status": m.status,
                "organisation_admin": m.is_org_admin,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user_id=person.user_id).select_related("organisation")
        ]
        data["api_tokens"] = [
            {"name": t.name, "role": t.role, "created": t.created_at.isoformat(), "revoked": t.revoked_at is not None}
            for t in ApiToken.objects.filter(user_id=person.user_id)
        ]
    data["consents"] = [
        {
            "purpose": c.purpose,
            "scope": c.scope,
            "given": c.given,
            "text_version": c.text_version,
            "at": c.at.isoformat(),
            "method": c.method,
        }
        for c in Consent.objects.filter(email__iexact=person.email)
    ]
    data["invitations"] = [
        {"organisation": i.organisation.name, "role": i.role, "sent": i.created_at.isoformat()}
        for i in Invitation.objects.filter(email__iexact=person.email).select_related("organisation")
    ]
    return data


def erase(person: privacy.Person) -> int:
    """Anonymise rather than delete, so that counts of members, consents and actions stay right."""
    placeholder = erased_email(person.user_id)
    count = Consent.objects.filter(email__iexact=person.email).update(email=placeholder, scope="")
    count += Invitation.objects.filter(email__iexact=person.email).update(email=placeholder)
    count += int(EmailAddress.objects.filter(email__iexact=person.email).delete()[0])
    if person.user_id is not None:
        count += int(EmailAddress.objects.filter(user_id=person.user_id).delete()[0])
        count += int(Authenticator.objects.filter(user_id=person.user_id).delete()[0])
        count += ApiToken.objects.filter(user_id=person.user_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        count += (
            Membership.objects.filter(user_id=person.user_id)
            .exclude(status=Membership.Status.REMOVED)
            .update(status=Membership.Status.REMOVED, decided_at=timezone.now())
        )
        user = User.objects.get(pk=person.user_id)
        user.email = placeholder
        user.full_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_erased = True
        user.last_login = None
        user.save()
        count += 1
    return count


privacy.register(
    app_label="accounts",
    models=(User, Consent, Invitation),
    exporter=export,
    eraser=erase,
)
