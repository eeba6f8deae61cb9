"""Who sees and changes which offer: published offers for everyone, drafts for their provider and the hub."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from moselle.catalogue import access
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(org_a: Organisation) -> dict[str, Offer]:
    return {status: make_offer(org_a, status) for status in Offer.Status.values}


def test_a_provider_of_b_gets_404_on_a_s_unpublished_offers(personas: Any, offers: dict[str, Offer]) -> None:
    for role in ("provider_member", "company_member", "partner_member"):
        outsider = personas.b[role]
        for status in ("draft", "submitted", "archived"):
            with pytest.raises(Http404):
                access.get_offer_for_user(outsider, offers[status].pk)
        with pytest.raises(Http404):
            access.get_offer_for_edit(outsider, offers["published"].pk)
        assert access.get_offer_for_user(outsider, offers["published"].pk) == offers["published"]


def test_a_s_members_see_and_edit_every_offer_of_a(personas: Any, offers: dict[str, Offer]) -> None:
    for user in [personas.a["provider_member"], personas.plain_a]:
        assert set(access.visible_offers(user)) == set(offers.values())
        for offer in offers.values():
            assert access.get_offer_for_edit(user, offer.pk) == offer


def test_observers_pending_members_and_visitors_see_published_offers_only(
    personas: Any, offers: dict[str, Offer]
) -> None:
    for user in [personas.a["observer"], personas.pending_a, AnonymousUser()]:
        assert list(access.visible_offers(user)) == [offers["published"]]
        with pytest.raises(Http404):
            access.get_offer_for_user(user, offers["draft"].pk)


def test_hub_staff_see_everything_and_alone_moderate(personas: Any, offers: dict[str, Offer]) -> None:
    for user in [personas.hub_admin, personas.hub_advisor]:
        assert set(access.visible_offers(user)) == set(offers.values())
        assert access.get_offer_to_moderate(user, offers["submitted"].pk) == offers["submitted"]
    with pytest.raises(Http404):
        access.get_offer_to_moderate(personas.a["provider_member"], offers["submitted"].pk)


def test_members_draft_offers_only_for_their_own_live_organisations(personas: Any, org_a: Organisation) -> None:
    assert access.get_provider_for_user(personas.a["provider_member"], org_a.pk) == org_a
    with pytest.raises(Http404):
        access.get_provider_for_user(personas.b["provider_member"], org_a.pk)
    with pytest.raises(Http404):
        access.get_provider_for_user(personas.a["observer"], org_a.pk)
    Organisation.objects.filter(pk=org_a.pk).update(is_historical=True)
    with pytest.raises(Http404):
        access.get_provider_for_user(personas.hub_advisor, org_a.pk)
