"""Pieces every app's API shares: authentication, the error body, pagination."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.security import APIKeyCookie, HttpBearer
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


session_auth: APIKeyCookie = _NinjaSessionAuth(csrf=True)


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in one sentence.")
    errors: list[ErrorItem] = Field(default_factory=list, description="One entry per field at fault.")


ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    items: list[T]


def paginate(queryset: QuerySet[Any], *, limit: int, offset: int) -> dict[str, Any]:
    return {"count": queryset.count(), "items": list(queryset[offset : offset + limit])}


class PageParams(Schema):
    limit: int = 50
    offset: int = 0

    model_config = {"extra": "forbid"}


def page_limits(params: PageParams) -> tuple[int, int]:
    if not 1 <= params.limit <= 200:
        raise ValidationError({"limit": "limit must be between 1 and 200."})
    if params.offset < 0:
        raise ValidationError({"offset": "offset must not be negative."})
    return params.limit, params.offset
