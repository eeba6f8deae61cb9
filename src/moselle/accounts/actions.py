"""Every write to users, memberships, invitations, tokens and consent goes through these functions.

Each action takes keyword-only arguments, runs in one transaction, writes the audit log, and
sends its e-mails only once the transaction commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import hub_organisation_id, is_hub_admin
from moselle.accounts.models import (
    CONSENT_TEXT_VERSION,
    HUB_ROLES,
    ApiToken,
    Consent,
    Invitation,
    Membership,
    Role,
    User,
)
from moselle.core import audit, links, mail, privacy
from moselle.organisations.models import Organisation

INVITATION_PURPOSE = "invitation"
SELF_SERVICE_ROLES = (Role.COMPANY_MEMBER, Role.PROVIDER_MEMBER, Role.PARTNER_MEMBER)


def _clean_email(email: str, field: str = "email") -> str:
    cleaned = (email or "").strip().lower()
    if len(cleaned) > 254:
        raise ValidationError({field: _("An e-mail address has at most 254 characters.")})
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ValidationError({field: _("Enter a valid e-mail address.")}) from None
    return cleaned


def _check_role(role: str, organisation: Organisation, field: str = "role", *, actor: Any = None) -> None:
    if role not in Role.values:
        raise ValidationError(
            {
                field: _("Unknown role %(role)s. Choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    if role in HUB_ROLES and organisation.pk != hub_organisation_id():
        raise ValidationError({field: _("Hub manager and hub advisor are roles in the hub's own organisation only.")})
    if role in HUB_ROLES and actor is not None and not is_hub_admin(actor):
        raise ValidationError({field: _("Only the hub manager may give the hub manager or hub advisor role.")})


def _live(organisation_id: int, user_id: int, role: str) -> Membership | None:
    return (
        Membership.objects.filter(organisation_id=organisation_id, user_id=user_id, role=role)
        .exclude(status=Membership.Status.REMOVED)
        .first()
    )


def membership_create(
    *,
    actor: Any,
    user: User,
    organisation: Organisation,
    role: str,
    status: str = Membership.Status.ACTIVE,
    is_org_admin: bool = False,
) -> Membership:
    """Give ``user`` a role in ``organisation`` (used by the seed, the demo and the actions below)."""
    _check_role(role, organisation, actor=actor if actor is not user else None)
    if _live(organisation.pk, user.pk, role):
        raise ValidationError({"role": _("This person already has this role in the organisation.")})
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=role, status=status, is_org_admin=is_org_admin
        )
        audit.record(actor=actor, action="membership.create", target=membership, organisation_id=organisation.pk)
    return membership


def membership_request(*, actor: User, organisation: Organisation, role: str) -> Membership:
    """A self-registered user asks to join an existing organisation: pending until approved."""
    if role not in SELF_SERVICE_ROLES:
        raise ValidationError({"role": _("Choose company member, provider member or partner member.")})
    if organisation.pk == hub_organisation_id():
        raise ValidationError({"organisation_name": _("The hub's own team is joined by invitation only.")})
    with transaction.atomic():
        membership = membership_create(
            actor=actor, user=actor, organisation=organisation, role=role, status=Membership.Status.PENDING
        )
        approvers = User.objects.filter(
            memberships__organisation=organisation,
            memberships__is_org_admin=True,
            memberships__status=Membership.Status.ACTIVE,
        ).distinct()
        for approver in approvers:
            mail.send_templated(
                to=approver.email,
                template="accounts/email/membership_requested",
                context={"organisation": organisation.name, "role": membership.get_role_display()},
                language=approver.language,
                user_id=approver.pk,
            )
    return membership


def membership_approve(*, actor: Any, membership: Membership) -> Membership:
    return _decide(actor=actor, membership=membership, status=Membership.Status.ACTIVE, action="membership.approve")


def membership_decline(*, actor: Any, membership: Membership) -> Membership:
    return _decide(actor=actor, membership=membership, status=Membership.Status.REMOVED, action="membership.decline")


def _decide(*, actor: Any, membership: Membership, status: str, action: str, by_invitation: bool = False) -> Membership:
    if membership.status != Membership.Status.PENDING:
        raise ValidationError({"status": _("Only a pending membership can be approved or declined.")})
    if status == Membership.Status.ACTIVE and not by_invitation and getattr(actor, "pk", None) == membership.user_id:
        raise ValidationError({"status": _("A membership request is approved by someone else.")})
    with transaction.atomic():
        before = audit.snapshot(membership)
        membership.status = status
        membership.decided_at = timezone.now()
        membership.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            actor=actor, action=action, target=membership, before=before, organisation_id=membership.organisation_id
        )
        template = "accounts/email/membership_approved" if status == Membership.Status.ACTIVE else None
        if template:
            mail.send_templated(
                to=membership.user.email,
                template=template,
                context={"organisation": membership.organisation.name},
                language=membership.user.language,
                user_id=membership.user_id,
            )
    return membership


def membership_remove(*, actor: Any, membership: Membership) -> Membership:
    """Take a colleague out of an organisation. The last organisation admin cannot be removed."""
    if membership.status == Membership.Status.REMOVED:
        raise ValidationError({"status": _("This membership was already removed.")})
    if membership.is_org_admin and membership.status == Membership.Status.ACTIVE:
        others = (
            Membership.objects.filter(
                organisation_id=membership.organisation_id, is_org_admin=True, status=Membership.Status.ACTIVE
            )
            .exclude(pk=membership.pk)
            .exists()
        )
        if not others:
            raise ValidationError({"membership": _("This is the organisation's last admin; name another first.")})
    with transaction.atomic():
        before = audit.snapshot(membership)
        membership.status = Membership.Status.REMOVED
        membership.decided_at = timezone.now()
        membership.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action="membership.remove",
            target=membership,
            before=before,
            organisation_id=membership.organisation_id,
        )
    return membership


def invitation_create(*, actor: Any, organisation: Organisation, email: str, role: str) -> Invitation:
    """Invite a colleague by e-mail; the link in the message works once and expires."""
    email = _clean_email(email)
    _check_role(role, organisation, actor=actor)
    existing = User.objects.filter(email__iexact=email).first()
    if existing and _live(organisation.pk, existing.pk, role):
        raise ValidationError({"email": _("This person is already a member of the organisation with this role.")})
    open_invitations = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        link__expires_at__gt=timezone.now(),
    )
    if open_invitations.exists():
        raise ValidationError({"email": _("This person has already been invited and has not answered yet.")})
    with transaction.atomic():
        issued = links.issue(purpose=INVITATION_PURPOSE, payload={"organisation": organisation.pk}, email=email)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=actor if actor.is_authenticated else None,
            link=issued.link,
        )
        audit.record(actor=actor, action="invitation.create", target=invitation, organisation_id=organisation.pk)
        mail.send_templated(
            to=email,
            template="accounts/email/invitation",
            context={
                "organisation": organisation.name,
                "inviter": getattr(actor, "display_name", ""),
                "url": f"{settings.SITE_URL}/invitations/{issued.token}/",
                "expires": issued.link.expires_at,
            },
            language=existing.language if existing else None,
            user_id=existing.pk if existing else None,
        )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a link, or :class:`links.LinkError`."""
    link = links.peek(purpose=INVITATION_PURPOSE, token=token)
    invitation = Invitation.objects.select_related("organisation").filter(link=link).first()
    if invitation is None or not invitation.is_open:
        raise links.LinkError(_("This invitation is no longer open."))
    return invitation


def invitation_accept(*, actor: User, token: str) -> Membership:
    """The invited person, logged in with the invited address, joins the organisation."""
    invitation = invitation_for_token(token)
    if actor.email.lower() != invitation.email.lower():
        raise ValidationError(
            {"email": _("This invitation was sent to another e-mail address. Log in with that address.")}
        )
    with transaction.atomic():
        links.consume(purpose=INVITATION_PURPOSE, token=token)
        before = audit.snapshot(invitation)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        membership = _live(invitation.organisation_id, actor.pk, invitation.role)
        if membership is None:
            membership = membership_create(
                actor=actor, user=actor, organisation=invitation.organisation, role=invitation.role
            )
        elif membership.status == Membership.Status.PENDING:
            _decide(
                actor=actor,
                membership=membership,
                status=Membership.Status.ACTIVE,
                action="membership.approve",
                by_invitation=True,
            )
        audit.record(
            actor=actor,
            action="invitation.accept",
            target=invitation,
            before=before,
            organisation_id=invitation.organisation_id,
        )
    return membership


def organisation_join_or_register(*, actor: User, name: str, country: str, role: str) -> Membership:
    """Ask to join the organisation of that name if the registry has it, else register it."""
    from moselle.organisations.actions import clean_organisation_name

    name = clean_organisation_name(name)
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing:
        return membership_request(actor=actor, organisation=existing, role=role)
    return organisation_register(actor=actor, name=name, country=country, role=role)


def signup_request_record(*, actor: User, user: User, organisation_name: str, country: str, role: str) -> User:
    """At sign-up, remember which organisation the person named; nothing happens to it before
    the e-mail address is verified, so an unverified account can claim no company and alert no one."""
    from moselle.organisations.actions import clean_organisation_name

    if role not in SELF_SERVICE_ROLES:
        raise ValidationError({"role": _("Choose company member, provider member or partner member.")})
    with transaction.atomic():
        user.signup_request = {
            "organisation_name": clean_organisation_name(organisation_name),
            "country": country,
            "role": role,
        }
        user.save(update_fields=["signup_request"])
        audit.record(actor=actor, action="user.signup", target=user, before={}, after={"signup_request": "recorded"})
    return user


def signup_complete(*, user: User) -> Membership | None:
    """Once the address is verified: join or register the organisation named at sign-up."""
    request = dict(user.signup_request or {})
    if not request:
        return None
    with transaction.atomic():
        user.signup_request = {}
        user.save(update_fields=["signup_request"])
        return organisation_join_or_register(
            actor=user, name=request["organisation_name"], country=request["country"], role=request["role"]
        )


def organisation_register(*, actor: User, name: str, country: str, role: str) -> Membership:
    """A self-registered user registers a new organisation and becomes its first admin."""
    from moselle.organisations.actions import organisation_create

    if role not in SELF_SERVICE_ROLES:
        raise ValidationError({"role": _("Choose company member, provider member or partner member.")})
    with transaction.atomic():
        organisation = organisation_create(actor=actor, name=name, country=country)
        return membership_create(actor=actor, user=actor, organisation=organisation, role=role, is_org_admin=True)


def user_create_verified(
    *,
    actor: Any,
    email: str,
    password: str | None,
    full_name: str,
    language: str = "en",
    is_demo: bool = False,
    django_admin: bool = False,
) -> User:
    """An account whose address is known to be right (demo people, people a hub manager brings in)."""
    from allauth.account.models import EmailAddress

    email = _clean_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address exists already.")})
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            full_name=full_name,
            language=language,
            is_demo=is_demo,
            is_staff=django_admin,
            is_superuser=django_admin,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        audit.record(actor=actor, action="user.create", target=user)
    return user


def user_update_profile(*, actor: Any, user: User, full_name: str, language: str) -> User:
    if language not in {code for code, _label in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose English, French or German.")})
    with transaction.atomic():
        before = audit.snapshot(user)
        user.full_name = " ".join(full_name.split())[:150]
        user.language = language
        user.save(update_fields=["full_name", "language"])
        audit.record(actor=actor, action="user.update", target=user, before=before)
    return user


def peer_account_for(*, actor: Any, organisation: Organisation) -> User:
    """The machine account a federation peer's tokens act for: no password, no membership."""
    email = f"peer-{organisation.pk}@peers.moselle.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        with transaction.atomic():
            user = User.objects.create_user(email, None, full_name=organisation.name[:150])
            audit.record(actor=actor, action="user.create_peer_account", target=user, organisation_id=organisation.pk)
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str


def api_token_create(
    *,
    actor: Any,
    name: str,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """Issue a machine key scoped to one role. The key is shown once; only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name that says which machine uses it.")})
    valid_roles = [code for code, _label in ApiToken.ROLE_CHOICES]
    if role not in valid_roles:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)s. Choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(valid_roles)}
            }
        )
    if role == ApiToken.PEER:
        if organisation is None:
            raise ValidationError({"organisation": _("Name the hub this federation peer is.")})
        if user.has_usable_password() or user.memberships.exists():
            # A peer machine must never act as (and be shown) a person's account.
            raise ValidationError(
                {"user_email": _("A federation peer's token acts for a machine account, not a person.")}
            )
    elif not Membership.objects.filter(user=user, role=role, status=Membership.Status.ACTIVE).exists():
        raise ValidationError({"role": _("The token's user does not hold this role.")})
    key = f"msl_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name[:100],
            user=user,
            role=role,
            organisation=organisation,
            prefix=key[:12],
            key_hash=ApiToken.hash_key(key),
            expires_at=expires_at,
        )
        audit.record(actor=actor, action="api_token.create", target=token)
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationError({"token": _("This token was already revoked.")})
    with transaction.atomic():
        before = audit.snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoke", target=token, before=before)
    return token


def consent_record(
    *, actor: Any, email: str, purpose: str, given: bool, method: str, scope: str = "", user: User | None = None
) -> Consent:
    """Record that a person gave or withdrew consent to one purpose, with the text version shown."""
    email = _clean_email(email)
    if purpose not in Consent.Purpose.values:
        raise ValidationError(
            {
                "purpose": _("Unknown purpose %(purpose)s. Choose one of: %(choices)s.")
                % {"purpose": purpose, "choices": ", ".join(Consent.Purpose.values)}
            }
        )
    if method not in Consent.Method.values:
        raise ValidationError({"method": _("Unknown way of recording consent.")})
    with transaction.atomic():
        consent = Consent.objects.create(
            user=user,
            email=email,
            purpose=purpose,
            scope=scope.strip()[:200],
            given=given,
            text_version=CONSENT_TEXT_VERSION,
            method=method,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(actor=actor, action="consent.give" if given else "consent.withdraw", target=consent)
    return consent


def consent_state(*, email: str) -> dict[str, bool]:
    """Whether each purpose is currently consented to: the latest record wins, none means no."""
    state = {purpose: False for purpose in Consent.Purpose.values}
    seen: set[str] = set()
    for purpose, given in Consent.objects.filter(email__iexact=email, scope="").values_list("purpose", "given"):
        if purpose not in seen:
            state[purpose] = given
            seen.add(purpose)
    return state


def person_erase(*, actor: Any, email: str) -> dict[str, int]:
    """Erase a person everywhere (GDPR Art. 17): every app's eraser anonymises its rows."""
    email = _clean_email(email)
    person = privacy.find_person(email)
    if person.user_id is not None:
        _check_erasable(actor=actor, user_id=person.user_id)
    with transaction.atomic():
        counts = privacy.erase_person(person)
        target = User.objects.get(pk=person.user_id) if person.user_id is not None else None
        audit.record(actor=actor, action="person.erase", target=target, before={}, after={})
    return counts


def _check_erasable(*, actor: Any, user_id: int) -> None:
    """Erasure must not leave the hub or an organisation without anyone to run it."""
    if getattr(actor, "pk", None) == user_id:
        raise ValidationError({"email": _("You cannot erase your own account; ask another hub manager.")})
    hub_id = hub_organisation_id() or 0
    is_manager = Membership.objects.filter(
        user_id=user_id, organisation_id=hub_id, role=Role.HUB_ADMIN, status=Membership.Status.ACTIVE
    )
    if (
        is_manager.exists()
        and not Membership.objects.filter(organisation_id=hub_id, role=Role.HUB_ADMIN, status=Membership.Status.ACTIVE)
        .exclude(user_id=user_id)
        .exists()
    ):
        raise ValidationError({"email": _("This person is the hub's last manager; name another manager first.")})
    admin_of = Membership.objects.filter(user_id=user_id, is_org_admin=True, status=Membership.Status.ACTIVE)
    for membership in admin_of.select_related("organisation"):
        others = Membership.objects.filter(
            organisation_id=membership.organisation_id, status=Membership.Status.ACTIVE
        ).exclude(user_id=user_id)
        if others.exists() and not others.filter(is_org_admin=True).exists():
            raise ValidationError(
                {
                    "email": _("This person is the last admin of %(organisation)s; name another admin first.")
                    % {"organisation": membership.organisation.name}
                }
            )
