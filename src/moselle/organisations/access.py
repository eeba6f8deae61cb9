"""Who may see which organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_admin
from moselle.organisations.models import HubProfile, HubService, Organisation


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Hub staff see the whole registry; members see the organisations they are active members of."""
    if is_hub_staff(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=member_organisation_ids(user))


def get_organisation_for_user(user: Any, organisation_id: int) -> Organisation:
    organisation = visible_organisations(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation


def own_hub() -> HubProfile | None:
    return HubProfile.objects.select_related("organisation").first()


def get_hub_service_for_user(user: Any, service_id: int) -> HubService:
    """The hub's own services are edited by the hub manager only."""
    require_hub_admin(user)
    service = HubService.objects.select_related("hub").filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service
