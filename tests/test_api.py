"""The API's contract for people: pagination, bad input named by field, nothing half-written."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moselle.accounts.models import Consent, Invitation, Role
from moselle.core.models import AuditEntry


def _api(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_lists_are_paginated(personas: Any, token_for: Any) -> None:
    client = _api(token_for(personas.hub_admin, Role.HUB_ADMIN))
    first = client.get("/api/v1/users", {"limit": 5, "offset": 0}).json()
    second = client.get("/api/v1/users", {"limit": 5, "offset": 5}).json()
    assert first["count"] == second["count"] >= 12
    assert len(first["items"]) == 5
    assert {u["id"] for u in first["items"]}.isdisjoint({u["id"] for u in second["items"]})
    too_many = client.get("/api/v1/users", {"limit": 5000})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"


def test_an_invitation_with_an_unknown_role_names_the_field(personas: Any, token_for: Any, org_a: Any) -> None:
    client = _api(token_for(personas.a["company_member"], Role.COMPANY_MEMBER))
    response = client.post(
        f"/api/v1/organisations/{org_a.pk}/invitations",
        {"email": "new@example.org", "role": "overlord"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "role" and "overlord" in body["detail"]
    assert not Invitation.objects.exists()


def test_an_invitation_with_a_malformed_email_names_the_field(personas: Any, token_for: Any, org_a: Any) -> None:
    client = _api(token_for(personas.a["company_member"], Role.COMPANY_MEMBER))
    response = client.post(
        f"/api/v1/organisations/{org_a.pk}/invitations",
        {"email": "nobody-at-all", "role": "company_member"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"
    twice = [
        client.post(
            f"/api/v1/organisations/{org_a.pk}/invitations",
            {"email": "twice@example.org", "role": "company_member"},
            content_type="application/json",
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in twice] == [201, 422]
    assert "already been invited" in twice[1].json()["detail"]
    assert Invitation.objects.count() == 1


def test_consent_through_the_api_is_recorded_with_its_method(personas: Any, token_for: Any) -> None:
    user = personas.a["provider_member"]
    client = _api(token_for(user, Role.PROVIDER_MEMBER))
    given = client.post("/api/v1/consents", {"purpose": "marketing", "given": True}, content_type="application/json")
    assert given.status_code == 201 and given.json()["method"] == "api"
    assert Consent.objects.get(email=user.email).given is True
    bad = client.post("/api/v1/consents", {"purpose": "telepathy", "given": True}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "purpose"
    assert [c["purpose"] for c in client.get("/api/v1/consents").json()] == ["marketing"]


def test_the_hub_manager_reads_the_audit_log(personas: Any, token_for: Any, org_a: Any) -> None:
    client = _api(token_for(personas.hub_admin, Role.HUB_ADMIN))
    body = client.get("/api/v1/audit", {"action": "membership.create", "limit": 200}).json()
    assert body["count"] == AuditEntry.objects.filter(action="membership.create").count() > 0
    assert all(item["action"] == "membership.create" for item in body["items"])


def test_approving_through_the_api_twice_is_refused(personas: Any, token_for: Any) -> None:
    from moselle.accounts.models import Membership

    pending = Membership.objects.get(user=personas.pending_a)
    client = _api(token_for(personas.hub_advisor, Role.HUB_ADVISOR))
    assert client.post(f"/api/v1/memberships/{pending.pk}/approve").json()["status"] == "active"
    again = client.post(f"/api/v1/memberships/{pending.pk}/approve")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"


def test_an_unknown_api_path_answers_in_json(db: Any) -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "Not found."


def test_a_method_a_path_does_not_take_answers_in_json_naming_those_it_does(personas: Any, token_for: Any) -> None:
    client = _api(token_for(personas.hub_admin, Role.HUB_ADMIN))
    response = client.put("/api/v1/me", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "PUT is not allowed on this path; use GET.", "errors": []}
    # A page outside the API keeps Django's own answer.
    assert Client().put("/health/").get("Content-Type", "").startswith("text/html")


def test_an_unknown_membership_status_is_refused(personas: Any, token_for: Any) -> None:
    client = _api(token_for(personas.hub_admin, Role.HUB_ADMIN))
    response = client.get("/api/v1/memberships", {"status": "bogus"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    assert client.get("/api/v1/memberships", {"status": "pending"}).json()["count"] == 1


def test_every_schema_of_the_api_has_its_own_name() -> None:
    """The OpenAPI document names a schema by its class: two classes of one name would share one entry, and
    one of the two answers would be described wrongly (the fuzz pass found it for ``MissingOut``)."""
    import importlib
    import pkgutil

    from ninja import Schema

    import moselle

    found: dict[str, str] = {}
    clashes = []
    for module_info in pkgutil.walk_packages(moselle.__path__, "moselle."):
        if not module_info.name.rsplit(".", 1)[-1].startswith("api"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                if name in found and found[name] != module.__name__:
                    clashes.append(f"{name}: {found[name]} and {module.__name__}")
                found.setdefault(name, module.__name__)
    assert not clashes
