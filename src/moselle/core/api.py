"""API of the core: the audit log for the hub manager, and the identity a federation peer sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from moselle.accounts.access import is_peer
from moselle.core.access import audit_entries_for_user
from moselle.core.apicommon import ERRORS, Page, PageParams, page_limits, paginate
from moselle.organisations.access import own_hub

router = Router(tags=["core"])


class AuditOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_kind: str
    action: str
    target_type: str
    target_id: str
    organisation_id: int | None
    changes: dict[str, Any]


@router.get("/audit", response={200: Page[AuditOut], **ERRORS}, summary="Read the audit log (hub manager)")
def audit_list(request: HttpRequest, params: Query[PageParams], action: str = "") -> Any:
    entries = audit_entries_for_user(request.user)
    if action:
        entries = entries.filter(action__startswith=action)
    limit, offset = page_limits(params)
    return paginate(entries, limit=limit, offset=offset)


class HubIdentityOut(Schema):
    edih_name: str
    country: str
    organisation: str


@router.get("/federation/hello", response={200: HubIdentityOut, **ERRORS}, summary="This hub, as a peer sees it")
def federation_hello(request: HttpRequest) -> Any:
    if not is_peer(request.user):
        raise Http404
    hub = own_hub()
    if hub is None:
        raise Http404
    return {"edih_name": hub.edih_name, "country": hub.country, "organisation": hub.organisation.name}
