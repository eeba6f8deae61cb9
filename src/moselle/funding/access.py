"""Who may see and change what in funding. Everyone signed in reads the active programmes and their calls;
the hub's staff edit them and see the inactive ones too. A company's eligibility and declarations are its own
members' and the hub staff's, and so are its applications and investments (which only the hub's staff record by
hand)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_staff
from moselle.core.ids import TOP
from moselle.funding.models import Application, Call, Programme, SavedSearch
from moselle.organisations.models import Organisation


def visible_programmes(user: Any) -> QuerySet[Programme]:
    programmes = Programme.objects.all()
    return programmes if is_hub_staff(user) else programmes.filter(active=True)


def get_programme_for_user(user: Any, programme_id: int) -> Programme:
    found = visible_programmes(user).filter(pk=programme_id).first() if 1 <= programme_id <= TOP else None
    if found is None:
        raise Http404
    return found


def get_programme_to_edit(user: Any, programme_id: int) -> Programme:
    require_funding_staff(user)
    return get_programme_for_user(user, programme_id)


def require_funding_staff(user: Any) -> None:
    require_hub_staff(user)


def funding_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose funding the user may look into: their own, or any for the hub's staff."""
    live = Organisation.objects.filter(merged_into__isnull=True)
    return live if is_hub_staff(user) else live.filter(pk__in=member_organisation_ids(user))


def get_organisation_for_funding(user: Any, organisation_id: int) -> Organisation:
    found = (
        funding_organisations(user).select_related("primary_nace").filter(pk=organisation_id).first()
        if 1 <= organisation_id <= TOP
        else None
    )
    if found is None:
        raise Http404
    return found


def visible_applications(user: Any) -> QuerySet[Application]:
    """The applications of the organisations whose funding the user may look into."""
    return Application.objects.filter(organisation__in=funding_organisations(user))


def get_application_for_user(user: Any, application_id: int) -> Application:
    found = (
        visible_applications(user).select_related("organisation", "programme").filter(pk=application_id).first()
        if 1 <= application_id <= TOP
        else None
    )
    if found is None:
        raise Http404
    return found


def get_organisation_to_record_investment(user: Any, organisation_id: int) -> Organisation:
    """Investments are recorded by hand by the hub's staff only: anyone else gets a 404."""
    require_funding_staff(user)
    return get_organisation_for_funding(user, organisation_id)


# --- The pages: a member's own organisations, and a person's saved searches --------------------------------


def member_funding_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations the user belongs to (not as an observer): the ones ``/funding/`` offers them."""
    return Organisation.objects.filter(merged_into__isnull=True, pk__in=member_organisation_ids(user)).order_by(
        "name", "pk"
    )


def visible_calls(user: Any) -> QuerySet[Call]:
    """The calls of the programmes the user sees."""
    return Call.objects.filter(programme__in=visible_programmes(user))


def get_call_for_user(user: Any, call_id: int) -> Call:
    found = visible_calls(user).filter(pk=call_id).first() if 1 <= call_id <= TOP else None
    if found is None:
        raise Http404
    return found


def saved_searches(user: Any) -> QuerySet[SavedSearch]:
    """A person's saved searches are theirs alone: personal data, not even the hub's staff see them."""
    if not getattr(user, "is_authenticated", False):
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(owner_id=user.pk)


def get_search_for_user(user: Any, search_id: int) -> SavedSearch:
    found = saved_searches(user).filter(pk=search_id).first() if 1 <= search_id <= TOP else None
    if found is None:
        raise Http404
    return found
