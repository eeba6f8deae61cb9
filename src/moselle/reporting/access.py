"""Who may see and change which service record, grant, declaration and ledger.

Hub staff see and record everything. A consortium partner's members log the services their organisation
delivered and see those. A company's members see the services it received, its grants (with their notices),
its ledger, and declare the aid it received elsewhere. Observers see the dashboard's aggregates only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from moselle.accounts.access import (
    active_memberships,
    is_hub_admin,
    is_hub_staff,
    is_observer,
    member_organisation_ids,
    require_hub_staff,
)
from moselle.accounts.models import Role
from moselle.organisations.models import Organisation
from moselle.reporting.models import Declaration, Grant, ServiceRecord


def partner_organisation_ids(user: Any) -> set[int]:
    """The organisations whose delivered services the user logs: those where they are a partner member."""
    return set(active_memberships(user).filter(role=Role.PARTNER_MEMBER).values_list("organisation_id", flat=True))


def can_log_services(user: Any) -> bool:
    return is_hub_staff(user) or bool(partner_organisation_ids(user))


def visible_records(user: Any) -> QuerySet[ServiceRecord]:
    if is_hub_staff(user):
        return ServiceRecord.objects.all()
    members = member_organisation_ids(user)
    if not members:
        return ServiceRecord.objects.none()
    partners = partner_organisation_ids(user)
    customer_side = Q(customer_id__in=members) & Q(status__in=ServiceRecord.COUNTED)
    return ServiceRecord.objects.filter(customer_side | Q(partner_id__in=partners))


def get_record_for_user(user: Any, record_id: int) -> ServiceRecord:
    record = (
        visible_records(user).select_related("customer", "partner", "hub_service", "grant").filter(pk=record_id).first()
    )
    if record is None:
        raise Http404
    return record


def get_record_to_change(user: Any, record_id: int) -> ServiceRecord:
    """Staff change any record; a partner's members change the ones their organisation delivered."""
    record = get_record_for_user(user, record_id)
    if not is_hub_staff(user) and record.partner_id not in partner_organisation_ids(user):
        raise Http404
    return record


def can_see_ledger(user: Any, organisation_id: int) -> bool:
    return is_hub_staff(user) or organisation_id in member_organisation_ids(user)


def get_ledger_organisation(user: Any, organisation_id: int) -> Organisation:
    if not can_see_ledger(user, organisation_id):
        raise Http404
    organisation = Organisation.objects.filter(pk=organisation_id, merged_into__isnull=True).first()
    if organisation is None:
        raise Http404
    return organisation


def visible_grants(user: Any) -> QuerySet[Grant]:
    if is_hub_staff(user):
        return Grant.objects.all()
    return Grant.objects.filter(organisation_id__in=member_organisation_ids(user))


def get_grant_for_user(user: Any, grant_id: int) -> Grant:
    grant = visible_grants(user).select_related("organisation", "regulation").filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    return grant


def get_grant_to_manage(user: Any, grant_id: int) -> Grant:
    require_hub_staff(user)
    return get_grant_for_user(user, grant_id)


def visible_declarations(user: Any) -> QuerySet[Declaration]:
    if is_hub_staff(user):
        return Declaration.objects.all()
    return Declaration.objects.filter(organisation_id__in=member_organisation_ids(user))


def get_declaration_for_user(user: Any, declaration_id: int) -> Declaration:
    declaration = visible_declarations(user).select_related("organisation").filter(pk=declaration_id).first()
    if declaration is None:
        raise Http404
    return declaration


def can_see_dashboard(user: Any) -> bool:
    return is_hub_staff(user) or is_observer(user)


def require_dashboard(user: Any) -> None:
    if not can_see_dashboard(user):
        raise PermissionDenied


def sees_aggregates_only(user: Any) -> bool:
    """Observers (funders, ministries) get figures with small cells suppressed; hub staff see them whole."""
    return not is_hub_staff(user)


def can_export_for_commission(user: Any) -> bool:
    return is_hub_admin(user)


def loggable_customers(user: Any) -> QuerySet[Organisation]:
    """Whom the user may log a service for: staff, any live organisation of the registry but the hub itself;
    a partner's members, the companies referred to their organisation."""
    from moselle.accounts.access import hub_organisation_id
    from moselle.journeys.models import Referral

    live = Organisation.objects.filter(merged_into__isnull=True, is_historical=False)
    if is_hub_staff(user):
        hub_id = hub_organisation_id()
        return (live.exclude(pk=hub_id) if hub_id else live).order_by("name")
    referred = Referral.objects.filter(recipient_id__in=partner_organisation_ids(user)).values("organisation_id")
    return live.filter(pk__in=referred).order_by("name")


def delivering_partners(user: Any) -> QuerySet[Organisation]:
    """Who may be named as having delivered: staff, any organisation working with the hub; a partner's
    members, their own organisations."""
    if is_hub_staff(user):
        kinds = (
            "consortium_partner",
            "research_organisation",
            "technology_provider",
            "consultant",
            "trainer",
            "test_facility",
        )
        return (
            Organisation.objects.filter(merged_into__isnull=True, kind_rows__kind__in=kinds).distinct().order_by("name")
        )
    return Organisation.objects.filter(pk__in=partner_organisation_ids(user)).order_by("name")
