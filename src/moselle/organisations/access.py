"""Who may see which organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from moselle.accounts.access import (
    admin_organisation_ids,
    is_hub_admin,
    is_hub_staff,
    member_organisation_ids,
    require_hub_admin,
    require_hub_staff,
)
from moselle.organisations.models import (
    Contact,
    FinancialYear,
    HubProfile,
    HubService,
    ImportRun,
    Organisation,
    Ownership,
)


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


def listed_organisations(user: Any) -> QuerySet[Organisation]:
    """What the registry list shows: visible, live organisations (not merged away, not historical)."""
    return visible_organisations(user).filter(merged_into__isnull=True, is_historical=False)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Hub staff edit every organisation; an organisation's admins edit their own profile, figures,
    ownership and contacts."""
    if organisation.merged_into_id:
        return False
    return is_hub_staff(user) or organisation.pk in admin_organisation_ids(user)


def get_organisation_for_edit(user: Any, organisation_id: int) -> Organisation:
    organisation = get_organisation_for_user(user, organisation_id)
    if not can_edit_organisation(user, organisation):
        raise Http404
    return organisation


def get_contact_for_user(user: Any, contact_id: int, *, manage: bool = False) -> Contact:
    """Contacts are seen by whoever sees the organisation and managed by whoever may edit it."""
    contact = (
        Contact.objects.select_related("organisation")
        .filter(pk=contact_id, organisation__in=visible_organisations(user))
        .first()
    )
    if contact is None or (manage and not can_edit_organisation(user, contact.organisation)):
        raise Http404
    return contact


def get_financial_year_for_user(user: Any, row_id: int, *, manage: bool = False) -> FinancialYear:
    row = (
        FinancialYear.objects.select_related("organisation")
        .filter(pk=row_id, organisation__in=visible_organisations(user))
        .first()
    )
    if row is None or (manage and not can_edit_organisation(user, row.organisation)):
        raise Http404
    return row


def get_ownership_for_user(user: Any, ownership_id: int, *, manage: bool = False) -> Ownership:
    """A holding belongs to the owned organisation: seen and managed with it."""
    row = (
        Ownership.objects.select_related("owner", "owned")
        .filter(pk=ownership_id, owned__in=visible_organisations(user))
        .first()
    )
    if row is None or (manage and not can_edit_organisation(user, row.owned)):
        raise Http404
    return row


def ownership_owner_choices(user: Any) -> QuerySet[Organisation]:
    """Who can be named as a holder: hub staff pick from the registry; an organisation's admin picks
    among organisations it can see (it asks the hub to register any other holder). The European
    catalogue's hubs are left out: they hold no companies."""
    return (
        listed_organisations(user)
        .exclude(source=Organisation.Source.EDIH_CATALOGUE)
        .annotate(shown=Coalesce(NullIf("trade_name", Value("")), "name"))
        .order_by("shown", "id")
    )


def require_registry_steward(user: Any) -> None:
    """Duplicates, merges and imports of organisation files are the hub staff's work."""
    require_hub_staff(user)


def require_catalogue_steward(user: Any) -> None:
    """Importing the European catalogues changes the directory for everyone: the hub manager does it."""
    require_hub_admin(user)


# What every member of the hub staff imports; the European catalogues change the directory for everyone,
# so they are the hub manager's.
STAFF_IMPORT_KINDS = (ImportRun.Kind.ORGANISATIONS, ImportRun.Kind.DMA_RESULTS, ImportRun.Kind.SERVICES_DELIVERED)


def require_import_right(user: Any, kind: str) -> None:
    require_registry_steward(user)
    if kind not in STAFF_IMPORT_KINDS:
        require_catalogue_steward(user)


def visible_imports(user: Any) -> QuerySet[ImportRun]:
    require_registry_steward(user)
    runs = ImportRun.objects.select_related("created_by").defer("content")
    return runs if is_hub_admin(user) else runs.filter(kind__in=STAFF_IMPORT_KINDS)


def get_import_for_user(user: Any, run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        require_registry_steward(user)
        raise Http404
    require_import_right(user, run.kind)
    return run


def directory_hubs(user: Any) -> QuerySet[Organisation]:
    """The hubs of Europe as the catalogue lists them: public facts, shown to every signed-in person."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind_rows__kind=Organisation.Kind.HUB, is_historical=False, merged_into__isnull=True
    ).distinct()


def get_hub_for_user(user: Any, organisation_id: int) -> Organisation:
    hub = directory_hubs(user).filter(pk=organisation_id).first()
    if hub is None:
        raise Http404
    return hub
