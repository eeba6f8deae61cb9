"""Failures the API fuzz pass found, each replayed as the exact request that failed.

They run in the ordinary suite (on SQLite and on PostgreSQL), so a fix stays fixed without the fuzzer.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moselle.accounts import actions
from moselle.accounts.models import ApiToken, Consent, Role
from moselle.reporting import actions as reporting_actions
from moselle.reporting.models import ServiceRecord

JSON = "application/json"
UNAUTHENTICATED = {"detail": "Authentication required: send a valid API token or log in.", "errors": []}


@pytest.fixture
def api_client() -> Client:
    """A client that checks CSRF tokens, as a browser or a machine meets them."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def admin_auth(personas: Any, token_for: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.hub_admin, Role.HUB_ADMIN)}"}


# --- A body that is not JSON was a 400 no operation documents --------------------------------------------------
# Found by the fuzzer:
#   curl -X POST -H 'Authorization: Bearer …' -H 'Content-Type: application/json' -d $'\x89PNG\r\n\x1a\n'
#        http://localhost/api/v1/organisations/16687519763/invitations
#   curl -X POST -H 'Authorization: Bearer …' -H 'Content-Type: application/json' -d $'\x00'
#        http://localhost/api/v1/consents
# Both answered 400 {"detail": "Cannot parse request body", "errors": []}; now 422 naming the body and the reason.


def test_binary_body_to_invitations_is_a_422_naming_the_body(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.post(
        "/api/v1/organisations/16687519763/invitations", data=b"\x89PNG\r\n\x1a\n", content_type=JSON, **admin_auth
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "body: is not UTF-8 text (invalid start byte at byte 0).",
        "errors": [{"field": "body", "message": "is not UTF-8 text (invalid start byte at byte 0)."}],
    }


def test_nul_byte_body_to_consents_is_a_422_naming_the_body(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.post("/api/v1/consents", data=b"\x00", content_type=JSON, **admin_auth)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "body: is not valid JSON (Expecting value at line 1 column 1).",
        "errors": [{"field": "body", "message": "is not valid JSON (Expecting value at line 1 column 1)."}],
    }
    assert not Consent.objects.exists()


def test_truncated_json_says_where_it_stops(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.post("/api/v1/consents", data='{"purpose": ', content_type=JSON, **admin_auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body", "message": "is not valid JSON (Expecting value at line 1 column 13)."}
    ]


def test_a_missing_body_is_a_422_naming_the_body(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.post("/api/v1/consents", data="", content_type=JSON, **admin_auth)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "body: Field required",
        "errors": [{"field": "body", "message": "Field required"}],
    }


# --- Writes without credentials were a 403 "CSRF check Failed" instead of 401 -----------------------------------
# Found by the fuzzer's anonymous persona:
#   curl -X POST -H 'Content-Type: application/json' -d '{"given": false, "purpose": "_moselle_roles"}'
#        http://localhost/api/v1/consents
#   curl -X POST http://localhost/api/v1/memberships/100/approve
# The session authenticator checked CSRF before looking for a session, so every unauthenticated write, and every
# write with a wrong or revoked token, was told "CSRF check Failed". Now it is 401; a logged-in session still needs
# its CSRF token.


def test_anonymous_consent_write_is_401(api_client: Client, db: Any) -> None:
    response = api_client.post(
        "/api/v1/consents", data='{"given": false, "purpose": "_moselle_roles"}', content_type=JSON
    )
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_anonymous_approve_is_401(api_client: Client, db: Any) -> None:
    response = api_client.post("/api/v1/memberships/100/approve")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_anonymous_write_with_a_stray_session_cookie_is_401(api_client: Client, db: Any) -> None:
    api_client.cookies["sessionid"] = "not-a-session"
    response = api_client.delete("/api/v1/memberships/1")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_write_with_a_revoked_token_is_401(api_client: Client, personas: Any) -> None:
    issued = actions.api_token_create(actor=None, name="old", user=personas.hub_admin, role=Role.HUB_ADMIN)
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at="2020-01-01T00:00Z")
    response = api_client.post(
        "/api/v1/consents",
        data='{"purpose": "marketing", "given": true}',
        content_type=JSON,
        HTTP_AUTHORIZATION=f"Bearer {issued.key}",
    )
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_logged_in_session_still_needs_its_csrf_token(api_client: Client, personas: Any) -> None:
    api_client.force_login(personas.hub_admin)
    body = '{"purpose": "marketing", "given": true}'
    refused = api_client.post("/api/v1/consents", data=body, content_type=JSON)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed", "errors": []}
    assert not Consent.objects.exists()

    api_client.get("/api/v1/me")  # any page hands out the CSRF cookie; set it as the pages' script would
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    api_client.cookies["csrftoken"] = token
    accepted = api_client.post("/api/v1/consents", data=body, content_type=JSON, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
    assert Consent.objects.filter(email=personas.hub_admin.email, purpose="marketing", given=True).exists()


# --- An offset past the database's integers was a 500 ----------------------------------------------------------
# Found while widening the fuzz pass: GET /api/v1/users?offset=99999999999999999999 raised
# "datatype mismatch" on SQLite and "bigint out of range" on PostgreSQL. The page parameters now carry
# (and document) their bounds.


@pytest.mark.parametrize("url", ["/api/v1/users", "/api/v1/memberships", "/api/v1/organisations", "/api/v1/audit"])
def test_huge_offset_is_a_422_naming_offset(api_client: Client, admin_auth: dict[str, str], url: str) -> None:
    response = api_client.get(f"{url}?offset=99999999999999999999", **admin_auth)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "offset: Input should be less than or equal to 2147483647",
        "errors": [{"field": "offset", "message": "Input should be less than or equal to 2147483647"}],
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "Input should be greater than or equal to 1"),
        ("limit=201", "limit", "Input should be less than or equal to 200"),
        ("offset=-1", "offset", "Input should be greater than or equal to 0"),
    ],
)
def test_page_bounds_are_422s_naming_the_parameter(
    api_client: Client, admin_auth: dict[str, str], query: str, field: str, message: str
) -> None:
    response = api_client.get(f"/api/v1/users?{query}", **admin_auth)
    assert response.status_code == 422
    assert response.json() == {"detail": f"{field}: {message}", "errors": [{"field": field, "message": message}]}


def test_the_largest_offset_is_an_empty_page(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.get("/api/v1/users?offset=2147483647&limit=200", **admin_auth)
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- Text holding a NUL character was a 500 on PostgreSQL --------------------------------------------------------
# Found by running the fuzz pass on PostgreSQL: GET /api/v1/organisations?q=%00 (and the `status` and `action`
# filters, and NULs in JSON bodies) raised "PostgreSQL text fields cannot contain NUL (0x00) bytes".
# The API's parser now refuses them with a 422 naming the field, on every database.

NUL = "must not contain the NUL character (code point 0)."


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/organisations?q=%00", "q"),
        ("/api/v1/memberships?status=%00", "status"),
        ("/api/v1/audit?action=a%00", "action"),
        ("/api/v1/hub?lang=en%00", "lang"),
    ],
)
def test_nul_in_a_query_parameter_is_a_422(
    api_client: Client, admin_auth: dict[str, str], url: str, field: str
) -> None:
    response = api_client.get(url, **admin_auth)
    assert response.status_code == 422
    assert response.json() == {"detail": f"{field}: {NUL}", "errors": [{"field": field, "message": NUL}]}


def test_nul_in_a_body_field_is_a_422(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.post(
        "/api/v1/consents",
        data='{"purpose": "marketing", "given": true, "scope": "a\\u0000b"}',
        content_type=JSON,
        **admin_auth,
    )
    assert response.status_code == 422
    assert response.json() == {"detail": f"scope: {NUL}", "errors": [{"field": "scope", "message": NUL}]}
    assert not Consent.objects.exists()


def test_nul_in_an_invitation_email_is_a_422(api_client: Client, personas: Any, token_for: Any) -> None:
    member = personas.a[Role.COMPANY_MEMBER]
    organisation_id = member.memberships.get().organisation_id
    response = api_client.post(
        f"/api/v1/organisations/{organisation_id}/invitations",
        data='{"email": "a\\u0000@example.org", "role": "company_member"}',
        content_type=JSON,
        HTTP_AUTHORIZATION=f"Bearer {token_for(member, Role.COMPANY_MEMBER)}",
    )
    assert response.status_code == 422
    assert response.json() == {"detail": f"email: {NUL}", "errors": [{"field": "email", "message": NUL}]}


# --- Errors from the actions name their field in `detail` too ---------------------------------------------------


def test_an_action_refusal_names_the_field(api_client: Client, admin_auth: dict[str, str], org_a: Any) -> None:
    response = api_client.post(
        f"/api/v1/organisations/{org_a.pk}/invitations",
        data='{"email": "new@example.org", "role": "hub_admin"}',
        content_type=JSON,
        **admin_auth,
    )
    assert response.status_code == 422
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["role"]
    assert body["errors"][0]["message"]
    assert body["detail"] == f"role: {body['errors'][0]['message']}"


def test_an_unknown_consent_purpose_names_the_field(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.post(
        "/api/v1/consents", data='{"purpose": "spam", "given": true}', content_type=JSON, **admin_auth
    )
    assert response.status_code == 422
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["purpose"]
    assert "spam" in body["detail"] and body["detail"] == f"purpose: {body['errors'][0]['message']}"


# --- A superscript digit is a digit to str.isdigit() but not to int() ----------------------------------------
# Found by the fuzzer:
#   curl -H 'Authorization: Bearer …' 'http://localhost/api/v1/organisations?technology=%C2%B2'
# answered 500 (ValueError from int("²")); now 422 naming the parameter, as for any unknown technology.


def test_a_superscript_technology_filter_is_a_422(api_client: Client, admin_auth: dict[str, str]) -> None:
    response = api_client.get("/api/v1/organisations", {"technology": "²"}, **admin_auth)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["technology"]


def test_a_superscript_technology_on_offer_is_a_422(api_client: Client, admin_auth: dict[str, str], org_a: Any) -> None:
    response = api_client.patch(
        f"/api/v1/organisations/{org_a.pk}",
        data='{"technologies_offered": ["\\u00b2"]}',
        content_type=JSON,
        **admin_auth,
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["technologies_offered"]
    assert not org_a.technology_rows.exists()


def test_a_superscript_pic_is_refused(api_client: Client, admin_auth: dict[str, str], org_a: Any) -> None:
    response = api_client.patch(
        f"/api/v1/organisations/{org_a.pk}", data='{"pic": "²²²²²²²²²"}', content_type=JSON, **admin_auth
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["pic"]


# --- A superscript digit as a hub service is a 500 -------------------------------------------------------------
# Found while reading reporting's checks for its fuzz pass (the pass drew no such string, at 25 or 200 examples):
#   curl -X POST -H 'Authorization: Bearer …' -H 'Content-Type: application/json'
#        -d '{"customer_id": 2, "category": "skills_and_training", "hub_service": "²", "description": "Course",
#             "started_on": "2025-06-02"}' http://localhost/api/v1/services
# answers 500 (ValueError from int("²") in reporting.actions.hub_service_of), and so does PATCH (and confirm) of a
# record with that body; it should be a 422 naming hub_service, as for any unknown service.


def test_a_superscript_hub_service_is_a_422(api_client: Client, admin_auth: dict[str, str], org_a: Any) -> None:
    body = {
        "customer_id": org_a.pk,
        "category": "skills_and_training",
        "hub_service": "²",
        "description": "Course",
        "started_on": "2025-06-02",
    }
    response = api_client.post("/api/v1/services", data=body, content_type=JSON, **admin_auth)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["hub_service"]
    assert not ServiceRecord.objects.exists()


def test_a_superscript_hub_service_on_a_record_is_a_422(
    api_client: Client, admin_auth: dict[str, str], personas: Any, org_a: Any
) -> None:
    record = reporting_actions.record_create(
        actor=personas.hub_advisor,
        data={
            "customer": org_a.pk,
            "category": "skills_and_training",
            "description": "Course",
            "started_on": "2025-06-02",
        },
    )
    response = api_client.patch(
        f"/api/v1/services/{record.pk}", data='{"hub_service": "\\u00b2"}', content_type=JSON, **admin_auth
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["hub_service"]
    record.refresh_from_db()
    assert record.hub_service is None
