"""Who a user is to the platform: roles, the organisations they may see, what they may manage.

Every other app's access helpers build on these functions. A request authenticated by an API
token carries ``token_role`` (and possibly ``token_organisation_id``) on its user; the helpers
then count only memberships with that role, so a token never grants more than its scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.models import HUB_ROLES, ApiToken, Consent, Membership, Role, User


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def active_memberships(user: Any) -> QuerySet[Membership]:
    """The user's active memberships, narrowed to the token's scope when a token authenticated them."""
    if not _authenticated(user):
        return Membership.objects.none()
    memberships = Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE)
    token_role = getattr(user, "token_role", None)
    if token_role:
        memberships = memberships.filter(role=token_role)
        token_org = getattr(user, "token_organisation_id", None)
        if token_org:
            memberships = memberships.filter(organisation_id=token_org)
    return memberships


def hub_organisation_id() -> int | None:
    from moselle.organisations.models import HubProfile

    profile = HubProfile.objects.only("organisation_id").first()
    return profile.organisation_id if profile else None


def _roles(user: Any) -> set[str]:
    cache = getattr(user, "_moselle_roles", None)
    if cache is None:
        hub_id = hub_organisation_id()
        cache = set()
        for role, org_id in active_memberships(user).values_list("role", "organisation_id"):
            if role in HUB_ROLES and org_id != hub_id:
                continue  # hub roles count only in the instance's own hub
            cache.add(role)
        if _authenticated(user):
            user._moselle_roles = cache
    return set(cache)


def roles(user: Any) -> set[str]:
    return _roles(user)


def is_peer(user: Any) -> bool:
    return _authenticated(user) and getattr(user, "token_role", None) == ApiToken.PEER


def is_hub_staff(user: Any) -> bool:
    return bool(_roles(user) & {Role.HUB_ADMIN, Role.HUB_ADVISOR})


def is_hub_admin(user: Any) -> bool:
    return Role.HUB_ADMIN in _roles(user)


def is_observer(user: Any) -> bool:
    return Role.OBSERVER in _roles(user)


def member_organisation_ids(user: Any) -> set[int]:
    """Organisations the user is an active, non-observer member of."""
    return set(active_memberships(user).exclude(role=Role.OBSERVER).values_list("organisation_id", flat=True))


def admin_organisation_ids(user: Any) -> set[int]:
    """Organisations whose members the user may invite, approve and remove."""
    return set(
        active_memberships(user)
        .filter(is_org_admin=True)
        .exclude(role=Role.OBSERVER)
        .values_list("organisation_id", flat=True)
    )


def can_manage_members(user: Any, organisation_id: int) -> bool:
    """Who may invite, approve and remove: in the hub's own organisation only the hub manager;
    elsewhere hub staff and the organisation's admins."""
    if organisation_id == hub_organisation_id():
        return is_hub_admin(user)
    return is_hub_staff(user) or organisation_id in admin_organisation_ids(user)


def visible_memberships(user: Any) -> QuerySet[Membership]:
    """Memberships the user may see: all for hub staff; their own and those of organisations they admin."""
    if not _authenticated(user) or is_peer(user):
        return Membership.objects.none()
    qs = Membership.objects.select_related("user", "organisation")
    if is_hub_staff(user):
        return qs.all()
    from django.db.models import Q

    return qs.filter(Q(user_id=user.pk) | Q(organisation_id__in=admin_organisation_ids(user)))


def get_membership_for_user(user: Any, membership_id: int, *, manage: bool = False) -> Membership:
    """The membership if the user may see it (or manage it, with ``manage``); 404 otherwise.

    Everyone may manage their own membership, so as to leave an organisation; the action decides
    what leaving allows (approving oneself does not)."""
    membership = visible_memberships(user).filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    leaving = membership.user_id == getattr(user, "pk", None)
    if manage and not leaving and not can_manage_members(user, membership.organisation_id):
        raise Http404
    return membership


def visible_users(user: Any) -> QuerySet[User]:
    """People the user may see: everyone for hub staff, else themselves and the members of their organisations."""
    if not _authenticated(user) or is_peer(user):
        return User.objects.none()
    if is_hub_staff(user):
        return User.objects.all()
    orgs = member_organisation_ids(user)
    colleague_ids = Membership.objects.filter(organisation_id__in=orgs, status=Membership.Status.ACTIVE).values_list(
        "user_id", flat=True
    )
    from django.db.models import Q

    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=colleague_ids)).distinct()


def get_user_for_user(user: Any, user_id: int) -> User:
    found = visible_users(user).filter(pk=user_id).first()
    if found is None:
        raise Http404
    return found


def require_hub_staff(user: Any) -> None:
    if not is_hub_staff(user):
        raise Http404


def require_hub_admin(user: Any) -> None:
    if not is_hub_admin(user):
        raise Http404


def get_token_for_user(user: Any, token_id: int) -> ApiToken:
    """API tokens are managed by the hub manager only."""
    require_hub_admin(user)
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token


def get_person_for_consent(user: Any) -> User:
    """Consent is a person's: a federation peer's machine identity has none to give or read."""
    if not _authenticated(user) or is_peer(user) or not isinstance(user, User):
        raise Http404
    return user


def consents_for_user(user: Any) -> QuerySet[Consent]:
    person = get_person_for_consent(user)
    return Consent.objects.filter(email__iexact=person.email)
