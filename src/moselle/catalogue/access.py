"""Who may see, change and moderate which offer.

Everyone, anonymous visitors included, sees published offers. The members of the providing organisation
(any role but observer) see all of its offers and draft, change and submit them; hub staff see every
offer and moderate. A member of another organisation asking for a draft gets 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_staff
from moselle.catalogue.models import Offer
from moselle.organisations.access import get_organisation_for_user
from moselle.organisations.models import Organisation


def published_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(status=Offer.Status.PUBLISHED)


def visible_offers(user: Any) -> QuerySet[Offer]:
    """Published offers for everyone; also every offer of the user's organisations; all for hub staff."""
    if is_hub_staff(user):
        return Offer.objects.all()
    own = member_organisation_ids(user)
    if not own:
        return published_offers()
    return Offer.objects.filter(Q(status=Offer.Status.PUBLISHED) | Q(provider_id__in=own))


def get_offer_for_user(user: Any, offer_id: int) -> Offer:
    offer = visible_offers(user).select_related("provider").filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


def can_edit_offer(user: Any, offer: Offer) -> bool:
    """Hub staff change any offer; the provider's members change their own (the action says in which states)."""
    return is_hub_staff(user) or offer.provider_id in member_organisation_ids(user)


def get_offer_for_edit(user: Any, offer_id: int) -> Offer:
    offer = get_offer_for_user(user, offer_id)
    if not can_edit_offer(user, offer):
        raise Http404
    return offer


def get_provider_for_user(user: Any, organisation_id: int) -> Organisation:
    """The organisation whose offers the user drafts; 404 unless a member of it, or hub staff."""
    organisation = get_organisation_for_user(user, organisation_id)
    if organisation.merged_into_id or organisation.is_historical:
        raise Http404
    return organisation


def require_catalogue_moderator(user: Any) -> None:
    """Publishing, archiving and sending offers back are the hub staff's work."""
    require_hub_staff(user)


def get_offer_to_moderate(user: Any, offer_id: int) -> Offer:
    require_catalogue_moderator(user)
    return get_offer_for_user(user, offer_id)
