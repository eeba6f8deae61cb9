"""The OpenAPI document the fuzz pass reads: valid OpenAPI 3, and every error documented as an ErrorOut body."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.test import Client
from schemathesis.core.result import Err

from moselle.accounts.models import Role

SCHEMA_PATH = "/api/v1/openapi.json"
ERROR_REF = "#/components/schemas/ErrorOut"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def document(db: Any) -> dict[str, Any]:
    response = Client().get(SCHEMA_PATH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return dict(response.json())


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # against the OpenAPI 3 meta-schema; raises on the first violation
    operations = list(schema.get_all_operations())
    assert operations, "the document has no operations"
    broken = [result.err() for result in operations if isinstance(result, Err)]
    assert not broken, f"operations schemathesis cannot load: {broken}"


def test_the_document_is_served_without_credentials(db: Any) -> None:
    response = Client().get(SCHEMA_PATH)
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]


def test_every_operation_declares_401_and_422(document: dict[str, Any]) -> None:
    missing = [
        f"{label} lacks {code}"
        for label, operation in _operations(document)
        for code in ("401", "422")
        if code not in operation["responses"]
    ]
    assert not missing, "\n".join(missing)


def test_every_operation_needs_credentials(document: dict[str, Any]) -> None:
    public = [label for label, operation in _operations(document) if not operation.get("security")]
    assert not public, f"operations without security: {public}"


def test_every_documented_error_is_an_error_out_json_body(document: dict[str, Any]) -> None:
    wrong = []
    for label, operation in _operations(document):
        for code, response in operation["responses"].items():
            if not code.startswith(("4", "5")):
                continue
            content = response.get("content", {})
            if list(content) != ["application/json"] or content["application/json"]["schema"].get("$ref") != ERROR_REF:
                wrong.append(f"{label} {code}: {content}")
    assert not wrong, "\n".join(wrong)


def test_error_out_requires_detail_and_errors(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["required"]) == {"detail", "errors"}
    assert schemas["ErrorOut"]["properties"]["detail"]["type"] == "string"
    assert schemas["ErrorOut"]["properties"]["errors"]["items"]["$ref"] == "#/components/schemas/ErrorItem"
    assert set(schemas["ErrorItem"]["required"]) == {"field", "message"}


def test_page_parameters_document_their_bounds(document: dict[str, Any]) -> None:
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/users"]["get"]["parameters"]}
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 200)
    assert parameters["offset"]["minimum"] == 0
    assert parameters["offset"]["maximum"] < 2**63


def _error_requests(personas: Any, token_for: Any) -> list[tuple[str, str, dict[str, Any], int]]:
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.hub_admin, Role.HUB_ADMIN)}"}
    observer = {"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.a[Role.OBSERVER], Role.OBSERVER)}"}
    company = {"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.b[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)}"}
    org_b = personas.b[Role.COMPANY_MEMBER].memberships.get().organisation_id
    json_body = {"content_type": "application/json"}
    return [
        ("get", "/api/v1/me", {}, 401),
        ("post", "/api/v1/consents", {"data": "{}", **json_body}, 401),
        ("get", "/api/v1/me", {"HTTP_AUTHORIZATION": "Bearer msl_not-a-key"}, 401),
        ("get", "/api/v1/audit", observer, 404),
        ("get", "/api/v1/users/999999", admin, 404),
        ("delete", "/api/v1/memberships/999999", admin, 404),
        ("get", "/api/v1/users/abc", admin, 422),
        ("get", "/api/v1/users?limit=0", admin, 422),
        ("post", "/api/v1/consents", {"data": "{}", **json_body, **admin}, 422),
        ("post", "/api/v1/consents", {"data": "not json", **json_body, **admin}, 422),
        ("post", "/api/v1/consents", {"data": '{"purpose": "spam", "given": true}', **json_body, **admin}, 422),
        (
            "post",
            f"/api/v1/organisations/{org_b}/invitations",
            {"data": '{"email": "new@example.org", "role": "company_member"}', **json_body, **observer},
            404,
        ),
        (
            "post",
            f"/api/v1/organisations/{org_b}/invitations",
            {"data": '{"email": "new@example.org", "role": "nonsense"}', **json_body, **company},
            422,
        ),
    ]


def test_every_error_answer_is_json_with_detail_and_errors(personas: Any, token_for: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    for method, url, kwargs, status in _error_requests(personas, token_for):
        response = getattr(client, method)(url, **kwargs)
        where = f"{method.upper()} {url}"
        assert response.status_code == status, (where, response.status_code, response.content)
        assert response["Content-Type"].startswith("application/json"), where
        body = json.loads(response.content)
        assert set(body) == {"detail", "errors"}, (where, body)
        assert isinstance(body["detail"], str) and body["detail"], (where, body)
        assert isinstance(body["errors"], list), (where, body)
        if status == 422:
            assert body["errors"], (where, body)
            field = body["errors"][0]["field"]
            assert field and body["detail"].startswith(f"{field}: "), (where, body)


def test_document_is_built_once_and_each_caller_gets_a_copy(db: Any) -> None:
    from moselle.api import api

    first = api.get_openapi_schema()
    first["paths"].clear()  # a caller that alters its copy changes nothing for the next
    second = Client().get(SCHEMA_PATH).json()
    assert second["paths"] and second == json.loads(json.dumps(api.get_openapi_schema(), default=str))
    assert "/api/v1/cases" in second["paths"]
