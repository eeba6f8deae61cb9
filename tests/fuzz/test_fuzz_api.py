"""The API fuzz pass: schemathesis over the OpenAPI document, for every operation and every role.

For each (role, operation) pair Hypothesis draws at most ``MOSELLE_FUZZ_EXAMPLES`` requests (25 unless told),
deterministically: schema-conforming ones, schema-breaking ones, and conforming ones aimed at objects that
exist (so the success paths run too, not only 404). Each request goes in-process to Django's WSGI app inside
the test transaction, with the role's bearer token. A response fails the pass when it is a 5xx, has a status
code or content type the operation does not document, or breaks the documented schema; and when an error
body is not ``{"detail": ..., "errors": [...]}`` or an anonymous caller gets anything but 401.

Run it with ``make fuzz`` (200 examples) or ``pytest -m fuzz`` (25). A failure it finds becomes an
ordinary test in ``test_api_regressions.py``. schemathesis prints a curl command reproducing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi._caches import clear_all as clear_schemathesis_caches
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from moselle.api import api

SCHEMA_PATH = "/api/v1/openapi.json"
# The personas the pass runs as, one bearer token each (see role_headers in conftest.py); "anonymous" sends none.
ROLES = (
    "hub_admin",
    "hub_advisor",
    "company_member",
    "provider_member",
    "partner_member",
    "observer",
    "peer",
    "anonymous",
)
EXAMPLES = int(os.environ.get("MOSELLE_FUZZ_EXAMPLES", "25"))

OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, methods in api.get_openapi_schema()["paths"].items() for method in methods
)


def error_body_shape(ctx: Any, response: Any, case: Any) -> None:
    """Every 4xx is a JSON object with a non-empty ``detail`` and a list of ``{field, message}`` ``errors``."""
    if not 400 <= response.status_code < 500:
        return
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"The {response.status_code} body is not JSON: {response.content[:200]!r}") from exc
    assert isinstance(body, dict), f"The {response.status_code} body is not a JSON object: {body!r}"
    assert isinstance(body.get("detail"), str) and body["detail"], f"No `detail` in the error body: {body!r}"
    errors = body.get("errors")
    assert isinstance(errors, list), f"No `errors` list in the error body: {body!r}"
    for item in errors:
        assert isinstance(item, dict) and {"field", "message"} <= set(item), f"Malformed entry in `errors`: {item!r}"
        assert item["message"], f"An entry in `errors` gives no reason: {item!r}"
    if response.status_code == 422:
        assert errors, f"A 422 must name the field at fault in `errors`: {body!r}"


def anonymous_is_unauthorised(ctx: Any, response: Any, case: Any) -> None:
    """Every operation needs credentials: without a valid token or session, the answer is 401 whatever else is wrong."""
    assert response.status_code == 401, f"An anonymous caller got {response.status_code}, expected 401"


CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_body_shape,
]


def _existing_ids() -> dict[str, list[int]]:
    """Ids of objects the personas fixture created, by path parameter name."""
    from moselle.accounts.models import Membership, User
    from moselle.organisations.models import Organisation

    return {
        "user_id": list(User.objects.order_by("id").values_list("id", flat=True)),
        "membership_id": list(Membership.objects.order_by("id").values_list("id", flat=True)),
        "organisation_id": list(Organisation.objects.order_by("id").values_list("id", flat=True)),
    }


def _strategy(operation: Any) -> st.SearchStrategy[Any]:
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    existing = _existing_ids()
    for parameter in operation.path_parameters:
        if parameter.name in existing:
            strategies.append(
                st.sampled_from(existing[parameter.name]).flatmap(
                    lambda value, name=parameter.name: operation.as_strategy(
                        GenerationMode.POSITIVE, path_parameters={name: value}
                    )
                )
            )
    return st.one_of(strategies)


@pytest.mark.fuzz
@pytest.mark.parametrize("label", OPERATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_fuzz(
    role: str, label: str, wsgi_app: Any, role_headers: dict[str, dict[str, str]], pinned_hypothesis_constants: None
) -> None:
    # schemathesis keeps process-wide caches that steer generation; emptied, each test draws the same
    # requests whether it runs alone or after the others.
    clear_schemathesis_caches()
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    headers = role_headers[role]
    checks = [*CHECKS, anonymous_is_unauthorised] if role == "anonymous" else CHECKS

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        # The WSGI app and the tokens come from function-scoped fixtures; that is intended.
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation))
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    fuzz()
