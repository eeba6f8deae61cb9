"""The REST API at /api/v1/: one NinjaAPI, one Router per app."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from moselle.core.apicommon import BodyError, JsonParser, TokenAuth, session_auth


class MoselleAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is built once per root path.

    Building it walks every operation's pydantic models (over a second for this API); the routers are fixed once
    mounted, so the document cannot change while the process runs. Each caller gets its own copy.
    """

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        built: dict[str, OpenAPISchema] = self.__dict__.setdefault("_built_schemas", {})
        if path_prefix not in built:
            built[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return copy.deepcopy(built[path_prefix])


api = MoselleAPI(
    title="Moselle API",
    version="1",
    description=(
        "The API of a Moselle Digital Innovation Hub instance. Token auth for machines, session auth for the pages. "
        "Every error is a JSON body with `detail` (what went wrong, naming the field) and `errors` (one per field)."
    ),
    auth=[TokenAuth(), session_auth],
    urls_namespace="api-v1",
    parser=JsonParser(),
)


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(DjangoValidationError)
def on_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if field == NON_FIELD_ERRORS else field, "message": m}
            for field, messages in exc.message_dict.items()
            for m in messages
        ]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    if not errors:
        return _error(request, 422, "Invalid input.")
    first = errors[0]
    return _error(request, 422, f"{first['field']}: {first['message']}" if first["field"] else first["message"], errors)


_LOCATIONS = ("body", "query", "path", "header", "cookie", "form", "file")


def _field_name(loc: Any) -> str:
    """The field a validation error is about.

    ``("body", "payload", "email")`` → ``email``; ``("body", "payload")`` → ``body``;
    ``("query", "limit")`` → ``limit``; ``("body", "payload", "category", "literal['']")`` → ``category``.
    """
    parts = [str(part) for part in (loc or ())]
    location = parts.pop(0) if parts and parts[0] in _LOCATIONS else ""
    if location == "body" and parts and parts[0] == "payload":
        parts.pop(0)
    # A union's error names the member it tried (``literal['a','b']``, ``function-after[...]``): not a field.
    parts = [part for part in parts if "[" not in part and "(" not in part]
    return ".".join(parts) or location or "input"


@api.exception_handler(NinjaValidationError)
def on_schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(item.get("loc")), "message": str(item.get("msg", "invalid"))} for item in exc.errors
    ]
    first = errors[0] if errors else {"field": "input", "message": "invalid"}
    return _error(request, 422, f"{first['field']}: {first['message']}", errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Forbidden.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required: send a valid API token or log in.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, BodyError):
        # django-ninja wraps every body parsing failure in a bare 400; the parser says what was wrong.
        return _error(
            request, 422, f"{cause.field}: {cause.message}", [{"field": cause.field, "message": cause.message}]
        )
    return _error(request, exc.status_code, str(exc))


def _mount() -> None:
    from moselle.accounts.api import router as accounts_router
    from moselle.assessments.api import router as assessments_router
    from moselle.catalogue.api import router as catalogue_router
    from moselle.core.api import router as core_router
    from moselle.core.api_taxonomy import router as taxonomy_router
    from moselle.events.api import router as events_router
    from moselle.funding.api import router as funding_router
    from moselle.funding.api_applications import router as funding_applications_router
    from moselle.journeys.api import router as journeys_router
    from moselle.matching.api import router as matching_router
    from moselle.network.api import router as network_router
    from moselle.organisations.api import router as organisations_router
    from moselle.organisations.api_registry import router as registry_router
    from moselle.pilots.api import router as pilots_router
    from moselle.pilots.api_facilities import router as facilities_router
    from moselle.reporting.api import router as reporting_router
    from moselle.skills.api import router as skills_router

    api.add_router("/", core_router)
    api.add_router("/", accounts_router)
    api.add_router("/", organisations_router)
    api.add_router("/", registry_router)
    api.add_router("/", taxonomy_router)
    api.add_router("/", assessments_router)
    api.add_router("/", catalogue_router)
    api.add_router("/", matching_router)
    api.add_router("/", journeys_router)
    api.add_router("/", reporting_router)
    api.add_router("/", events_router)
    api.add_router("/", funding_router)
    api.add_router("/", funding_applications_router)
    api.add_router("/", network_router)
    api.add_router("/", skills_router)
    api.add_router("/", pilots_router)
    api.add_router("/", facilities_router)


_mount()

__all__ = ["api"]
