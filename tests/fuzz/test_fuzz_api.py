"""The API fuzz pass: schemathesis over the OpenAPI document, for every operation and every role.

For each (role, operation) pair Hypothesis draws at most ``MOSELLE_FUZZ_EXAMPLES`` requests (25 unless told; 5
for the anonymous caller, who is refused before its request is read), deterministically: schema-conforming
ones, schema-breaking ones, and conforming ones aimed at objects that exist, both those the role reaches and
any (so the success paths run too, not only 404). The objects are the personas' and the fuzz world's
(``fuzz_world`` in conftest.py: a full profile with figures, a holder, a contact, a duplicate, a checked
import and a catalogue hub, over the real vocabularies; A's journey and A's reporting, its service records,
grant and declaration, for the operations on them); the requests that only succeed with those ids in their
body, or only with a body that passes every check, are tried first. Each request goes in-process to Django's
WSGI app inside the test transaction, with the role's bearer token. A response fails the pass when it is a
5xx, has a status code or content type the operation does not document, or breaks the documented schema; and
when an error body is not ``{"detail": ..., "errors": [...]}`` or an anonymous caller gets anything but 401.

Run it with ``make fuzz`` (200 examples) or ``pytest -m fuzz`` (25). A failure it finds becomes an
ordinary test in ``test_api_regressions.py``. schemathesis prints a curl command reproducing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from moselle.api import api

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
# An anonymous caller gets 401 before its request is read, whatever it sends: a few requests per operation
# show that, the budget goes to the roles whose requests are read.
ANONYMOUS_EXAMPLES = 5

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


# Path parameters named alike but meaning something narrower on some paths.
NARROWER = {("/api/v1/hubs/{organisation_id}", "organisation_id"): "hub_id"}


def _targets(user: Any) -> dict[str, list[int]]:
    """The objects ``user`` reaches through the access helpers, by path parameter name; with None, every object.

    Every persona gets its own: hub staff reach the whole registry and its imports, an organisation's members
    reach A (its contact, figures and holding), the observer and the peer little or nothing.
    """
    from moselle.accounts import access as account_access
    from moselle.accounts.models import Membership, User
    from moselle.assessments import access as assessment_access
    from moselle.assessments.models import Assessment
    from moselle.catalogue import access as catalogue_access
    from moselle.catalogue.models import Offer
    from moselle.journeys import access as journey_access
    from moselle.journeys.models import Case, Need, Referral, Roadmap, RoadmapAction, Task
    from moselle.organisations import access
    from moselle.organisations.models import Contact, FinancialYear, ImportRun, Organisation, Ownership

    if user is None:
        organisations = Organisation.objects.all()
        users = User.objects.all()
        memberships = Membership.objects.all()
        hubs = Organisation.objects.filter(kind_rows__kind=Organisation.Kind.HUB)
        runs = ImportRun.objects.all()
    else:
        organisations = access.visible_organisations(user)
        users = account_access.visible_users(user)
        memberships = account_access.visible_memberships(user)
        hubs = access.directory_hubs(user)
        runs = ImportRun.objects.none()
        if account_access.is_hub_admin(user):
            runs = ImportRun.objects.all()
        elif account_access.is_hub_staff(user):
            runs = ImportRun.objects.filter(kind=ImportRun.Kind.ORGANISATIONS)

    def ids(queryset: Any, field: str = "id") -> list[int]:
        return sorted(set(queryset.values_list(field, flat=True)))

    return {
        "user_id": ids(users),
        "membership_id": ids(memberships),
        "organisation_id": ids(organisations),
        "hub_id": ids(hubs),
        "contact_id": ids(Contact.objects.filter(organisation__in=organisations)),
        "year": ids(FinancialYear.objects.filter(organisation__in=organisations), "year"),
        "ownership_id": ids(Ownership.objects.filter(owned__in=organisations)),
        "import_id": ids(runs),
        "assessment_id": ids(Assessment.objects.all() if user is None else assessment_access.visible_assessments(user)),
        "offer_id": ids(Offer.objects.all() if user is None else catalogue_access.visible_offers(user)),
        **_journey_targets(user, journey_access, Case, Need, Referral, Roadmap, RoadmapAction, Task),
        **_reporting_targets(user),
    }


def _journey_targets(user: Any, access: Any, *models: Any) -> dict[str, list[int]]:
    """The cases, needs, roadmaps, actions, referrals and tasks a role reaches (all of them for None)."""
    case, need, referral, roadmap, action, task = models
    if user is None:
        cases, needs, referrals = case.objects.all(), need.objects.all(), referral.objects.all()
        tasks = task.objects.all()
    else:
        cases, needs, referrals = access.visible_cases(user), access.visible_needs(user), access.visible_referrals(user)
        staff = access.is_hub_staff(user)
        tasks = task.objects.all() if staff else task.objects.none()
    return {
        "case_id": sorted(cases.values_list("id", flat=True)),
        "need_id": sorted(needs.values_list("id", flat=True)),
        "roadmap_id": sorted(roadmap.objects.filter(case__in=cases).values_list("id", flat=True)),
        "action_id": sorted(action.objects.filter(roadmap__case__in=cases).values_list("id", flat=True)),
        "referral_id": sorted(referrals.values_list("id", flat=True)),
        "task_id": sorted(tasks.values_list("id", flat=True)),
    }


def _reporting_targets(user: Any) -> dict[str, list[int]]:
    """The service records, grants and declarations a role reaches (all of them for None)."""
    from moselle.reporting import access
    from moselle.reporting.models import Declaration, Grant, ServiceRecord

    if user is None:
        records, grants, declarations = ServiceRecord.objects.all(), Grant.objects.all(), Declaration.objects.all()
    else:
        records, grants = access.visible_records(user), access.visible_grants(user)
        declarations = access.visible_declarations(user)
    return {
        "record_id": sorted(set(records.values_list("id", flat=True))),
        "grant_id": sorted(set(grants.values_list("id", flat=True))),
        "declaration_id": sorted(set(declarations.values_list("id", flat=True))),
    }


def _aimed(operation: Any, targets: dict[str, list[int]]) -> st.SearchStrategy[Any] | None:
    """Conforming requests whose path parameters name objects among ``targets``; None if none is known."""
    known = {}
    for parameter in operation.path_parameters:
        values = targets.get(NARROWER.get((operation.path, parameter.name), parameter.name))
        if values:
            known[parameter.name] = st.sampled_from(values)
    if not known:
        return None
    return st.fixed_dictionaries(known).flatmap(
        lambda chosen: operation.as_strategy(GenerationMode.POSITIVE, path_parameters=chosen)
    )


def _explicit_cases(operation: Any, world: Any, reporting: Any = None) -> list[Any]:
    """Requests that succeed only with the world's ids in their body, tried first: the fuzzer rarely guesses them.

    With ``reporting`` (A's reporting world), also the requests that take its records, grant and declaration
    through their success paths once each: a body drawn at random rarely passes every check of a record.
    """
    a, twin, holding = world.organisation.pk, world.twin.pk, world.holding.pk
    examples: dict[str, list[dict[str, Any]]] = {
        "POST /api/v1/organisations/{organisation_id}/ownership": [
            {"path_parameters": {"organisation_id": a}, "body": {"owner": holding, "kind": "votes", "percent": "25.00"}}
        ],
        "POST /api/v1/duplicates/dismiss": [{"body": {"first": a, "second": twin, "reason": "Two companies."}}],
        "POST /api/v1/duplicates/merge": [{"body": {"kept": a, "merged": twin}}],
        "PATCH /api/v1/assessments/{assessment_id}/answers": [
            {
                "path_parameters": {"assessment_id": world.draft.pk},
                "body": {
                    "version": world.draft.questionnaire_version,
                    "answers": {"q3": ["website"], "q4": {"mes": 2}},
                },
            }
        ],
        "POST /api/v1/assessments/{assessment_id}/rescore": [
            {"path_parameters": {"assessment_id": world.submitted.pk}, "body": {"dual": "C", "negative": "count"}}
        ],
        "POST /api/v1/imports": [
            {
                "body": {"file": world.import_file, "kind": "organisations", "options": '{"delimiter": ";"}'},
                "media_type": "multipart/form-data",
            }
        ],
    }
    if reporting is not None:
        examples.update(_reporting_cases(a, reporting))
    return [operation.Case(**example) for example in examples.get(f"{operation.method.upper()} {operation.path}", [])]


def _reporting_cases(a: int, reporting: Any) -> dict[str, list[dict[str, Any]]]:
    """A's reporting through its success paths: log, change, confirm, reject, grant, cancel, declare, remove."""
    proposed, grant = reporting.proposed.pk, reporting.grant.pk
    return {
        "POST /api/v1/services": [
            {
                "body": {
                    "customer_id": a,
                    "hub_service": "skills_training",
                    "description": "Workshop on machine vision",
                    "technologies": [reporting.technology],
                    "started_on": "2025-06-02",
                    "ended_on": "2025-06-03",
                    "attendees": 6,
                    "price": "1200.00",
                    "invoiced": "600",
                    "aid": "600",
                    "aid_basis": "de_minimis",
                    "status": "finalised",
                    "satisfaction": 4,
                    "grant_id": grant,
                }
            }
        ],
        "PATCH /api/v1/services/{record_id}": [
            {
                "path_parameters": {"record_id": reporting.finalised.pk},
                "body": {"status": "invoiced", "invoiced": "6000", "satisfaction": 5},
            }
        ],
        "POST /api/v1/services/{record_id}/confirm": [
            {"path_parameters": {"record_id": proposed}, "body": {"ended_on": "2025-05-20", "attendees": 14}}
        ],
        "POST /api/v1/services/{record_id}/reject": [
            {"path_parameters": {"record_id": proposed}, "body": {"reason": "Logged twice."}}
        ],
        "GET /api/v1/organisations/{organisation_id}/aid": [
            {"path_parameters": {"organisation_id": a}, "query": {"day": "2025-06-30"}}
        ],
        "POST /api/v1/organisations/{organisation_id}/aid/grants": [
            {
                "path_parameters": {"organisation_id": a},
                "body": {"amount": "1500.00", "granted_on": "2025-06-02", "description": "Workshop on machine vision"},
            }
        ],
        "POST /api/v1/aid/grants/{grant_id}/cancel": [
            {"path_parameters": {"grant_id": grant}, "body": {"reason": "The service will not be given."}}
        ],
        "POST /api/v1/organisations/{organisation_id}/aid/declarations": [
            {
                "path_parameters": {"organisation_id": a},
                "body": {
                    "amount": "2500.00",
                    "granted_on": "2025-01-15",
                    "granting_body": "Luxinnovation",
                    "regulation": "2023/2831",
                },
            }
        ],
        "DELETE /api/v1/aid/declarations/{declaration_id}": [
            {"path_parameters": {"declaration_id": reporting.declaration.pk}}
        ],
    }


def _strategy(operation: Any, user: Any) -> st.SearchStrategy[Any]:
    """Schema-conforming and schema-breaking requests; and conforming ones aimed at objects that exist, both
    those the role reaches (the success paths) and any (the refusals of objects that are there)."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    for targets in (_targets(user), _targets(None)) if user is not None else (_targets(None),):
        aimed = _aimed(operation, targets)
        if aimed is not None:
            strategies.append(aimed)
    return st.one_of(strategies)


# The operations that act on a company's journey get one (the others run without it).
JOURNEY_PATHS = ("/cases", "/needs", "/roadmap", "/referrals", "/requests", "/tasks", "/activities")
# Those on service records, grants, declarations and the ledger get A's reporting.
REPORTING_PATHS = ("/services", "/aid")


@pytest.mark.fuzz
@pytest.mark.parametrize("label", OPERATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_fuzz(
    role: str,
    label: str,
    fuzz_schema: Any,
    role_headers: dict[str, dict[str, str]],
    role_users: dict[str, Any],
    fuzz_world: Any,
    pinned_hypothesis_constants: None,
    request: pytest.FixtureRequest,
) -> None:
    # fuzz_schema: the served document loaded afresh, after schemathesis's process-wide caches were emptied.
    schema = fuzz_schema
    method, path = label.split(" ", 1)
    if any(part in path for part in JOURNEY_PATHS):
        request.getfixturevalue("journey_world")
    reporting = request.getfixturevalue("reporting_world") if any(part in path for part in REPORTING_PATHS) else None
    operation = schema[path][method]
    headers = role_headers[role]
    checks = [*CHECKS, anonymous_is_unauthorised] if role == "anonymous" else CHECKS

    @given(case=_strategy(operation, role_users[role]))
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    for explicit in _explicit_cases(operation, fuzz_world, reporting):
        fuzz = example(case=explicit)(fuzz)

    settings(
        max_examples=min(EXAMPLES, ANONYMOUS_EXAMPLES) if role == "anonymous" else EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        # The schema, the tokens and the world come from fixtures, not from Hypothesis; that is intended.
        suppress_health_check=list(HealthCheck),
    )(fuzz)()
