"""API of the accounts app: the current user, users, memberships, invitations and consent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts import access, actions
from moselle.accounts.models import Consent, Membership, Role, User
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.organisations.access import get_organisation_for_user

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    role: str
    status: str
    is_org_admin: bool
    created_at: datetime


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    language: str


class MeOut(UserOut):
    roles: list[str]
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The authenticated user and their memberships")
def me(request: HttpRequest) -> Any:
    user = request.user
    assert isinstance(user, User)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "roles": sorted(access.roles(user)),
        "memberships": list(access.visible_memberships(user).filter(user_id=user.pk)),
    }


@router.get("/users", response={200: Page[UserOut], **ERRORS}, summary="People the caller may see")
def user_list(request: HttpRequest, params: Query[PageParams]) -> Any:
    limit, offset = page_limits(params)
    return paginate(access.visible_users(request.user).order_by("id"), limit=limit, offset=offset)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="One person")
def user_detail(request: HttpRequest, user_id: int) -> Any:
    return access.get_user_for_user(request.user, user_id)


@router.get("/memberships", response={200: Page[MembershipOut], **ERRORS}, summary="Memberships the caller may see")
def membership_list(request: HttpRequest, params: Query[PageParams], status: str = "") -> Any:
    memberships = access.visible_memberships(request.user).order_by("id")
    if status:
        if status not in Membership.Status.values:
            raise ValidationError(
                {"status": f"Unknown status {status!r}. Choose one of: {', '.join(Membership.Status.values)}."}
            )
        memberships = memberships.filter(status=status)
    limit, offset = page_limits(params)
    return paginate(memberships, limit=limit, offset=offset)


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS}, summary="One membership")
def membership_detail(request: HttpRequest, membership_id: int) -> Any:
    return access.get_membership_for_user(request.user, membership_id)


@router.post(
    "/memberships/{membership_id}/approve",
    response={200: MembershipOut, **WRITE_ERRORS},
    summary="Approve a pending membership (organisation admin or hub staff)",
)
def membership_approve(request: HttpRequest, membership_id: int) -> Any:
    membership = access.get_membership_for_user(request.user, membership_id, manage=True)
    return actions.membership_approve(actor=request.user, membership=membership)


@router.post(
    "/memberships/{membership_id}/decline",
    response={200: MembershipOut, **WRITE_ERRORS},
    summary="Decline a pending membership",
)
def membership_decline(request: HttpRequest, membership_id: int) -> Any:
    membership = access.get_membership_for_user(request.user, membership_id, manage=True)
    return actions.membership_decline(actor=request.user, membership=membership)


@router.delete(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **WRITE_ERRORS},
    summary="Remove a colleague from an organisation",
)
def membership_remove(request: HttpRequest, membership_id: int) -> Any:
    membership = access.get_membership_for_user(request.user, membership_id, manage=True)
    return actions.membership_remove(actor=request.user, membership=membership)


class InvitationIn(Schema):
    email: str = Field(
        max_length=254, description="The invited person's e-mail address.", json_schema_extra={"format": "email"}
    )
    # Documented as an enum; checked by the action, whose refusal names the value given.
    role: str = Field(
        description="The role the invited person will hold in the organisation.",
        json_schema_extra={"enum": list(Role.values)},
    )


class InvitationOut(Schema):
    id: int
    organisation_id: int
    email: str
    role: str
    created_at: datetime


@router.post(
    "/organisations/{organisation_id}/invitations",
    response={201: InvitationOut, **WRITE_ERRORS},
    summary="Invite a colleague by e-mail",
)
def invitation_create(request: HttpRequest, organisation_id: int, payload: InvitationIn) -> Any:
    organisation = get_organisation_for_user(request.user, organisation_id)
    if not access.can_manage_members(request.user, organisation.pk):
        raise Http404  # as on the page: only the organisation's admins and hub staff may invite
    invitation = actions.invitation_create(
        actor=request.user, organisation=organisation, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


class ConsentIn(Schema):
    purpose: str = Field(
        description="What the consent is for.", json_schema_extra={"enum": list(Consent.Purpose.values)}
    )
    given: bool
    scope: str = Field(default="", max_length=200)


class ConsentOut(Schema):
    id: int
    purpose: str
    scope: str
    given: bool
    text_version: str
    at: datetime
    method: str


@router.get("/consents", response={200: list[ConsentOut], **ERRORS}, summary="The caller's consent records")
def consent_list(request: HttpRequest) -> Any:
    return list(access.consents_for_user(request.user)[:200])


@router.post("/consents", response={201: ConsentOut, **WRITE_ERRORS}, summary="Give or withdraw consent")
def consent_create(request: HttpRequest, payload: ConsentIn) -> Any:
    user = access.get_person_for_consent(request.user)
    consent = actions.consent_record(
        actor=user,
        user=user,
        email=user.email,
        purpose=payload.purpose,
        given=payload.given,
        scope=payload.scope,
        method=Consent.Method.API,
    )
    return Status(201, consent)
