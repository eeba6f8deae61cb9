"""API tokens: a machine acts with one role, and a revoked or expired key opens nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from moselle.accounts import actions
from moselle.accounts.models import ApiToken, Role


def _api(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_a_token_is_scoped_to_its_role(make_user: Any, org_a: Any, hub: Any) -> None:
    manager = make_user(Role.HUB_ADMIN)
    actions.membership_create(actor=None, user=manager, organisation=org_a, role=Role.COMPANY_MEMBER)
    admin_key = actions.api_token_create(actor=None, name="reporting", user=manager, role=Role.HUB_ADMIN).key
    company_key = actions.api_token_create(actor=None, name="erp", user=manager, role=Role.COMPANY_MEMBER).key
    assert _api(admin_key).get("/api/v1/audit").status_code == 200
    assert _api(company_key).get("/api/v1/audit").status_code == 404
    assert _api(company_key).get("/api/v1/me").json()["roles"] == ["company_member"]


def test_a_revoked_or_expired_token_is_refused(make_user: Any) -> None:
    manager = make_user(Role.HUB_ADMIN)
    issued = actions.api_token_create(actor=None, name="old", user=manager, role=Role.HUB_ADMIN)
    assert _api(issued.key).get("/api/v1/me").status_code == 200
    actions.api_token_revoke(actor=None, token=issued.token)
    refused = _api(issued.key).get("/api/v1/me")
    assert refused.status_code == 401 and refused.json()["detail"]
    expiring = actions.api_token_create(
        actor=None, name="short", user=manager, role=Role.HUB_ADMIN, expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _api(expiring.key).get("/api/v1/me").status_code == 401


def test_only_a_hash_of_the_key_is_stored(make_user: Any) -> None:
    manager = make_user(Role.HUB_ADMIN)
    issued = actions.api_token_create(actor=None, name="k", user=manager, role=Role.HUB_ADMIN)
    stored = ApiToken.objects.get()
    assert issued.key not in (stored.key_hash, stored.prefix) and stored.key_hash == ApiToken.hash_key(issued.key)


def test_a_token_for_a_role_the_user_does_not_hold_is_refused(make_user: Any, org_a: Any) -> None:
    user = make_user(Role.COMPANY_MEMBER, org_a)
    with pytest.raises(ValidationError) as raised:
        actions.api_token_create(actor=None, name="x", user=user, role=Role.HUB_ADMIN)
    assert "role" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        actions.api_token_create(actor=None, name="x", user=user, role="wizard")
    assert "Unknown role" in raised.value.message_dict["role"][0]


def test_the_hub_manager_creates_and_revokes_tokens_on_the_page(make_user: Any, client_for: Any) -> None:
    manager = make_user(Role.HUB_ADMIN)
    client = client_for(manager)
    page = client.post("/hub/tokens/", {"name": "crm sync", "user_email": manager.email, "role": "hub_admin"})
    key = page.context["new_key"]
    assert key.startswith("msl_") and _api(key).get("/api/v1/me").status_code == 200
    token = ApiToken.objects.get(name="crm sync")
    client.post(f"/hub/tokens/{token.pk}/revoke/")
    assert _api(key).get("/api/v1/me").status_code == 401
    bad = client.post("/hub/tokens/", {"name": "x", "user_email": "nobody@example.org", "role": "hub_admin"})
    assert "user_email" in bad.context["form"].errors


def test_a_peer_token_acts_for_a_machine_account_never_a_person(make_user: Any, org_a: Any, client_for: Any) -> None:
    person = make_user(Role.OBSERVER, org_a)
    with pytest.raises(ValidationError) as raised:
        actions.api_token_create(actor=None, name="p", user=person, role=ApiToken.PEER, organisation=org_a)
    assert "machine account" in raised.value.message_dict["user_email"][0]
    manager = make_user(Role.HUB_ADMIN)
    page = client_for(manager).post("/hub/tokens/", {"name": "walhub", "role": "peer", "organisation": org_a.pk})
    key = page.context["new_key"]
    me = _api(key).get("/api/v1/me").json()
    assert me["email"].endswith("@peers.moselle.invalid") and me["memberships"] == []
    missing = client_for(manager).post("/hub/tokens/", {"name": "x", "role": "peer"})
    assert missing.status_code == 400 and "organisation" in missing.context["form"].errors
