"""Memberships: self-registration, pending requests, approval, invitations and removal."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.accounts import actions
from moselle.accounts.models import Invitation, Membership, Role
from moselle.core.models import AuditEntry, EmailLog, SignedLink


def _token_from_last_email(recipient: str) -> str:
    """The token, from the message as delivered, or from the log while it waits to be sent."""
    sent = [message for message in outbox.outbox if recipient in message.to]
    body = str(sent[-1].body) if sent else EmailLog.objects.filter(recipient=recipient).latest("id").body
    match = re.search(r"/invitations/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def test_it_keeps_a_self_registered_member_pending_until_an_org_admin_approves(
    make_user: Any, org_a: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True, language="fr")
    newcomer = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        membership = actions.membership_request(actor=newcomer, organisation=org_a, role=Role.COMPANY_MEMBER)
    assert membership.status == Membership.Status.PENDING
    # the organisation's admin is told, in French
    notice = EmailLog.objects.get(recipient=admin.email)
    assert notice.language == "fr" and "Alpha Manufacturing" in notice.subject
    assert len(outbox.outbox) == 1
    # until approved, the newcomer sees nothing of the organisation
    assert client_for(newcomer).get(f"/organisations/{org_a.pk}/").status_code == 404
    response = client_for(admin).post(f"/memberships/{membership.pk}/approve/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.decided_by == admin
    assert client_for(newcomer).get(f"/organisations/{org_a.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="membership.approve", target_id=str(membership.pk)).exists()


def test_it_refuses_to_approve_twice(make_user: Any, org_a: Any) -> None:
    newcomer = make_user()
    membership = actions.membership_request(actor=newcomer, organisation=org_a, role=Role.COMPANY_MEMBER)
    actions.membership_approve(actor=None, membership=membership)
    with pytest.raises(ValidationError) as raised:
        actions.membership_approve(actor=None, membership=membership)
    assert "status" in raised.value.message_dict


def test_it_refuses_an_unknown_role(make_user: Any, org_a: Any) -> None:
    user = make_user()
    with pytest.raises(ValidationError) as raised:
        actions.membership_create(actor=None, user=user, organisation=org_a, role="emperor")
    assert "Unknown role emperor" in raised.value.message_dict["role"][0]


def test_it_gives_hub_roles_only_in_the_hubs_own_organisation(make_user: Any, org_a: Any) -> None:
    user = make_user()
    with pytest.raises(ValidationError) as raised:
        actions.membership_create(actor=None, user=user, organisation=org_a, role=Role.HUB_ADVISOR)
    assert "role" in raised.value.message_dict


def test_an_invitation_works_once(
    make_user: Any, org_a: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            f"/organisations/{org_a.pk}/invite/", {"email": "Colleague@Example.org", "role": Role.COMPANY_MEMBER}
        )
    assert response.status_code == 302
    assert outbox.outbox[-1].to == ["colleague@example.org"]
    token = _token_from_last_email("colleague@example.org")
    colleague = make_user(email="colleague@example.org")
    client = client_for(colleague)
    assert client.get(f"/invitations/{token}/").status_code == 200
    accepted = client.post(f"/invitations/{token}/")
    assert accepted.status_code == 302
    assert Membership.objects.get(user=colleague, organisation=org_a).status == Membership.Status.ACTIVE
    again = client.post(f"/invitations/{token}/")
    assert again.status_code == 410
    assert b"no longer open" in again.content or b"already been used" in again.content


def test_inviting_someone_twice_is_refused_with_the_field(make_user: Any, org_a: Any, client_for: Any) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    client = client_for(admin)
    client.post(f"/organisations/{org_a.pk}/invite/", {"email": "twice@example.org", "role": Role.COMPANY_MEMBER})
    response = client.post(
        f"/organisations/{org_a.pk}/invite/", {"email": "twice@example.org", "role": Role.COMPANY_MEMBER}
    )
    assert response.status_code == 400
    assert "already been invited" in response.context["invite_form"].errors["email"][0]
    assert Invitation.objects.filter(email="twice@example.org").count() == 1


def test_inviting_an_existing_member_is_refused(make_user: Any, org_a: Any) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    member = make_user(Role.COMPANY_MEMBER, org_a)
    with pytest.raises(ValidationError) as raised:
        actions.invitation_create(actor=admin, organisation=org_a, email=member.email, role=Role.COMPANY_MEMBER)
    assert "already a member" in raised.value.message_dict["email"][0]


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b", "two@@example.org"])
def test_a_malformed_invitation_email_is_refused(make_user: Any, org_a: Any, client_for: Any, email: str) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    response = client_for(admin).post(f"/organisations/{org_a.pk}/invite/", {"email": email, "role": "company_member"})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert not Invitation.objects.exists()


def test_an_expired_invitation_is_refused(make_user: Any, org_a: Any, client_for: Any) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    actions.invitation_create(actor=admin, organisation=org_a, email="late@example.org", role=Role.COMPANY_MEMBER)
    token = _token_from_last_email("late@example.org")
    SignedLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    late = make_user(email="late@example.org")
    response = client_for(late).post(f"/invitations/{token}/")
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not Membership.objects.filter(user=late).exists()


def test_an_invitation_for_another_address_is_refused(make_user: Any, org_a: Any, client_for: Any) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    actions.invitation_create(actor=admin, organisation=org_a, email="right@example.org", role=Role.COMPANY_MEMBER)
    token = _token_from_last_email("right@example.org")
    wrong = make_user(email="wrong@example.org")
    response = client_for(wrong).post(f"/invitations/{token}/")
    assert response.status_code == 200
    assert b"another e-mail address" in response.content
    assert not Membership.objects.filter(user=wrong).exists()
    assert SignedLink.objects.get().used_at is None


def test_a_tampered_link_is_refused(make_user: Any, client_for: Any) -> None:
    response = client_for(make_user()).get("/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert b"not valid" in response.content


def test_the_last_organisation_admin_cannot_be_removed(make_user: Any, org_a: Any) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    membership = Membership.objects.get(user=admin)
    with pytest.raises(ValidationError) as raised:
        actions.membership_remove(actor=admin, membership=membership)
    assert "last admin" in raised.value.message_dict["membership"][0]
    second = make_user(Role.PROVIDER_MEMBER, org_a, org_admin=True)
    actions.membership_remove(actor=second, membership=membership)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REMOVED


def test_a_removed_colleague_loses_access(make_user: Any, org_a: Any, client_for: Any) -> None:
    admin = make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    colleague = make_user(Role.COMPANY_MEMBER, org_a)
    assert client_for(colleague).get(f"/organisations/{org_a.pk}/").status_code == 200
    membership = Membership.objects.get(user=colleague)
    assert client_for(admin).post(f"/memberships/{membership.pk}/remove/").status_code == 302
    assert client_for(colleague).get(f"/organisations/{org_a.pk}/").status_code == 404


def test_a_user_may_hold_several_memberships(make_user: Any, org_a: Any, org_b: Any, client_for: Any) -> None:
    user = make_user(Role.COMPANY_MEMBER, org_a)
    actions.membership_create(actor=None, user=user, organisation=org_b, role=Role.PROVIDER_MEMBER)
    client = client_for(user)
    assert client.get(f"/organisations/{org_a.pk}/").status_code == 200
    assert client.get(f"/organisations/{org_b.pk}/").status_code == 200
    me = client.get("/api/v1/me").json()
    assert sorted(me["roles"]) == ["company_member", "provider_member"]


def test_a_hub_advisor_cannot_make_anyone_hub_manager(personas: Any, hub: Any, client_for: Any) -> None:
    advisor = personas.hub_advisor
    response = client_for(advisor).post(
        f"/organisations/{hub.organisation_id}/invite/", {"email": advisor.email, "role": Role.HUB_ADMIN}
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError) as raised:
        actions.invitation_create(actor=advisor, organisation=hub.organisation, email="x@example.org", role="hub_admin")
    assert "Only the hub manager" in raised.value.message_dict["role"][0]
    assert not Invitation.objects.exists()
    actions.invitation_create(
        actor=personas.hub_admin, organisation=hub.organisation, email="new-advisor@example.org", role="hub_advisor"
    )
    assert Invitation.objects.count() == 1


def test_an_advisor_cannot_approve_or_remove_in_the_hubs_own_team(personas: Any, hub: Any, client_for: Any) -> None:
    manager_membership = Membership.objects.get(user=personas.hub_admin)
    response = client_for(personas.hub_advisor).post(f"/memberships/{manager_membership.pk}/remove/")
    assert response.status_code == 404
    manager_membership.refresh_from_db()
    assert manager_membership.status == Membership.Status.ACTIVE


def test_nobody_asks_to_join_the_hubs_own_team(make_user: Any, hub: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        actions.membership_request(actor=make_user(), organisation=hub.organisation, role=Role.COMPANY_MEMBER)
    assert "invitation only" in raised.value.message_dict["organisation_name"][0]


def test_a_member_may_leave_but_not_approve_themselves(make_user: Any, org_a: Any, client_for: Any) -> None:
    make_user(Role.COMPANY_MEMBER, org_a, org_admin=True)
    colleague = make_user(Role.COMPANY_MEMBER, org_a)
    membership = Membership.objects.get(user=colleague)
    assert client_for(colleague).post(f"/memberships/{membership.pk}/remove/").status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REMOVED
    newcomer = make_user()
    pending = actions.membership_request(actor=newcomer, organisation=org_a, role=Role.PROVIDER_MEMBER)
    client_for(newcomer).post(f"/memberships/{pending.pk}/approve/")
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING
