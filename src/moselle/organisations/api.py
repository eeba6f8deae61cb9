"""API of the registry (grown by the registry issue) and of the hub's own profile."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from moselle.core.apicommon import ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.i18n import pick
from moselle.organisations.access import get_organisation_for_user, own_hub, visible_organisations

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    country: str


@router.get(
    "/organisations", response={200: Page[OrganisationOut], **ERRORS}, summary="Organisations the caller may see"
)
def organisation_list(request: HttpRequest, params: Query[PageParams], q: str = "") -> Any:
    organisations = visible_organisations(request.user).order_by("id")
    if q:
        organisations = organisations.filter(name__icontains=q)
    limit, offset = page_limits(params)
    return paginate(organisations, limit=limit, offset=offset)


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS}, summary="One organisation")
def organisation_detail(request: HttpRequest, organisation_id: int) -> Any:
    return get_organisation_for_user(request.user, organisation_id)


class HubServiceOut(Schema):
    code: str
    name: str
    category: str


class HubOut(Schema):
    edih_name: str
    country: str
    state_aid_basis: str
    services: list[HubServiceOut]


@router.get("/hub", response={200: HubOut, **ERRORS}, summary="This instance's hub and its services")
def hub_detail(request: HttpRequest, lang: str = "en") -> Any:
    hub = own_hub()
    if hub is None:
        raise Http404
    return {
        "edih_name": hub.edih_name,
        "country": hub.country,
        "state_aid_basis": hub.state_aid_basis,
        "services": [
            {"code": s.code, "name": pick(s.name, lang), "category": s.category}
            for s in hub.services.filter(active=True)
        ],
    }
