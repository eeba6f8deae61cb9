"""Pieces every app's API shares: authentication, the error body, pagination."""

from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.security import SessionAuth as _NinjaSessionAuth

from moselle.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer msl_…``: a machine acting with one role."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.expires_at and found.expires_at <= now:
            return None
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        user = found.user
        user.token_role = found.role  # type: ignore[attr-defined]
        user.token_organisation_id = found.organisation_id  # type: ignore[attr-defined]
        request.user = user
        return user


class SessionAuth(_NinjaSessionAuth):
    """The browser's login session, for the pages' own calls; writes need the CSRF token.

    The CSRF check guards a logged-in session against forged requests. A caller without one has nothing
    to forge: it gets 401 (authentication required) rather than 403 (CSRF check failed), the same as a
    machine whose token is wrong or revoked.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


session_auth = SessionAuth(csrf=True)

NUL_MESSAGE = "must not contain the NUL character (code point 0)."


class BodyError(Exception):
    """The request body could not be read; ``field`` and ``message`` say where and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _find_nul(value: Any, path: str) -> str | None:
    """The path of the first string (or key) in ``value`` holding a NUL character, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = _find_nul(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_nul(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


class JsonParser(Parser):
    """Reads JSON bodies and query strings, rejecting what the database cannot store.

    A body that is not JSON, and any text holding a NUL character (which PostgreSQL refuses), are the
    caller's mistakes: they get a 422 naming the field, never a 500.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except UnicodeDecodeError as exc:
            raise BodyError("body", f"is not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
        except json.JSONDecodeError as exc:
            raise BodyError("body", f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}).") from exc
        where = _find_nul(data, "")
        if where is not None:
            raise BodyError(where or "body", NUL_MESSAGE)
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest) -> Any:
        for key, values in data.lists():
            if "\x00" in key or any(isinstance(value, str) and "\x00" in value for value in values):
                raise NinjaValidationError([{"loc": ("query", key), "msg": NUL_MESSAGE, "type": "nul_character"}])
        return super().parse_querydict(data, list_fields, request)


class ErrorItem(Schema):
    field: str = Field(description="The field at fault (dotted for nested ones); empty when no one field is.")
    message: str = Field(description="Why the value was refused.")


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    detail: str = Field(description="What went wrong, in one sentence, naming the field when there is one.")
    errors: list[ErrorItem] = Field(description="One entry per field at fault; empty when no field is.")


ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    items: list[T]


def paginate(queryset: QuerySet[Any], *, limit: int, offset: int) -> dict[str, Any]:
    return {"count": queryset.count(), "items": list(queryset[offset : offset + limit])}


MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"How many items to return, 1 to {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    model_config = {"extra": "forbid"}


def page_limits(params: PageParams) -> tuple[int, int]:
    if not 1 <= params.limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"limit must be between 1 and {MAX_LIMIT}."})
    if not 0 <= params.offset <= MAX_OFFSET:
        raise ValidationError({"offset": f"offset must be between 0 and {MAX_OFFSET}."})
    return params.limit, params.offset
