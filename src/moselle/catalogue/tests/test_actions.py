"""The catalogue's actions: what they store, what they refuse (naming the field, writing nothing), the
moderation's transitions and the version number every change raises."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.accounts.models import Role
from moselle.catalogue import actions
from moselle.catalogue.models import CatalogueVersion, Offer
from moselle.catalogue.queries import catalogue_version
from moselle.catalogue.tests.factories import make_offer, offer_data
from moselle.core.models import AuditEntry
from moselle.core.models_taxonomy import CatalogueSector, Technology
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def labels(db: Any) -> dict[str, Any]:
    return {
        "vision": Technology.objects.create(
            name="Sensors & Vision Processing Systems", label={"en": "Sensors & Vision Processing Systems"}
        ),
        "ai": Technology.objects.create(
            name="Artificial Intelligence & Decision support", label={"en": "AI", "fr": "IA"}, position=1
        ),
        "food": CatalogueSector.objects.create(name="Food and beverages", label={"en": "Food and beverages"}),
    }


def _refused(organisation: Organisation, **changes: Any) -> dict[str, list[str]]:
    before = (Offer.objects.count(), AuditEntry.objects.count(), catalogue_version())
    with pytest.raises(ValidationError) as caught:
        actions.offer_create(actor=None, provider=organisation, data=offer_data(**changes))
    assert (Offer.objects.count(), AuditEntry.objects.count(), catalogue_version()) == before, "half-written"
    return caught.value.message_dict


def test_it_creates_a_draft_with_every_field_audited_and_the_version_raised(
    org_a: Organisation, labels: dict[str, Any]
) -> None:
    start = catalogue_version()
    offer = actions.offer_create(
        actor=None,
        provider=org_a,
        data=offer_data(
            technologies=["sensors & vision processing systems", labels["ai"].pk], sectors=["Food and beverages"]
        ),
    )
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DRAFT
    assert offer.price_min == Decimal("1500.00") and offer.price_max == Decimal("4000.50")
    assert (offer.trl_min, offer.trl_max, offer.lead_time_days) == (4, 7, 15)
    assert set(offer.technologies.all()) == {labels["vision"], labels["ai"]}
    assert list(offer.sectors.all()) == [labels["food"]]
    assert offer.references == [{"text": "A bakery in Esch cut waste by 8 %", "url": "https://example.org/case"}]
    assert offer.filter_keys == " c:LU c:FR l:en l:fr "
    assert "alpha manufacturing" in offer.search_text and "preuve de concept" in offer.search_text
    entry = AuditEntry.objects.get(action="offer.create")
    assert entry.target_id == str(offer.pk) and entry.organisation_id == org_a.pk
    assert entry.changes["technologies"][1] == sorted([labels["vision"].pk, labels["ai"].pk])
    assert catalogue_version() == start + 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price_min": "-1"}, "price_min"),
        ({"price_max": "-0.01"}, "price_max"),
        ({"price_min": "5000", "price_max": "100"}, "price_max"),
        ({"price_min": "12abc"}, "price_min"),
        ({"price_kind": "range", "price_min": None}, "price_min"),
        ({"price_kind": "gratis"}, "price_kind"),
        ({"trl_min": 0}, "trl_min"),
        ({"trl_max": 10}, "trl_max"),
        ({"trl_min": "nine"}, "trl_min"),
        ({"trl_min": 8, "trl_max": 3}, "trl_max"),
        ({"lead_time_days": -3}, "lead_time_days"),
        ({"technologies": ["Quantum teleportation"]}, "technologies"),
        ({"technologies": "Big data"}, "technologies"),
        ({"sectors": ["Underwater basket weaving"]}, "sectors"),
        ({"title": {"en": "", "fr": "  ", "de": ""}}, "title"),
        ({"title": {}}, "title"),
        ({"title": "Just a string"}, "title"),
        ({"title": {"it": "Prova"}}, "title"),
        ({"title": {"en": "x" * 201}}, "title"),
        ({"description": {"en": " "}}, "description"),
        ({"kind": "miracle"}, "kind"),
        ({"category": "anything"}, "category"),
        ({"delivery": "by pigeon"}, "delivery"),
        ({"languages": []}, "languages"),
        ({"languages": ["klingon"]}, "languages"),
        ({"countries": ["XX"]}, "countries"),
        ({"countries": []}, "countries"),
        ({"eligible_countries": "Atlantis"}, "eligible_countries"),
        ({"smes_only": "yes"}, "smes_only"),
        ({"references": [{"text": "ok", "url": "javascript:alert(1)"}]}, "references"),
        ({"references": [{"text": "x", "colour": "red"}]}, "references"),
        ({"references": [{"text": f"r{i}"} for i in range(11)]}, "references"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(
    org_a: Organisation, changes: dict[str, Any], field: str
) -> None:
    errors = _refused(org_a, **changes)
    assert field in errors, errors


def test_it_reports_every_bad_field_at_once(org_a: Organisation) -> None:
    errors = _refused(org_a, price_min="-5", trl_max=12, title={"en": ""})
    assert {"price_min", "trl_max", "title"} <= set(errors)


def test_a_new_offer_needs_its_required_fields(org_a: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.offer_create(actor=None, provider=org_a, data={"kind": "service"})
    assert {"title", "description", "category", "price_kind", "languages", "countries"} <= set(
        caught.value.message_dict
    )


def test_a_free_offer_drops_its_amounts(org_a: Organisation) -> None:
    offer = actions.offer_create(actor=None, provider=org_a, data=offer_data(price_kind="free"))
    assert offer.price_min is None and offer.price_max is None


def test_a_merged_organisation_offers_nothing(org_a: Organisation, org_b: Organisation) -> None:
    Organisation.objects.filter(pk=org_a.pk).update(merged_into=org_b)
    org_a.refresh_from_db()
    assert "provider" in _refused(org_a)


def test_an_update_checks_the_ranges_against_the_values_kept(org_a: Organisation) -> None:
    offer = make_offer(org_a)
    with pytest.raises(ValidationError) as caught:
        actions.offer_update(actor=None, offer=offer, data={"price_max": "1000"})  # below the 1500 kept
    assert "price_max" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.offer_update(actor=None, offer=offer, data={"trl_min": 8})  # above the 7 kept
    assert "trl_max" in caught.value.message_dict
    offer.refresh_from_db()
    assert offer.price_max == Decimal("4000.50") and offer.trl_min == 4


def test_a_failed_update_changes_nothing_not_even_the_technologies(org_a: Organisation, labels: dict[str, Any]) -> None:
    offer = make_offer(org_a, technologies=[labels["ai"].pk])
    version, audited = catalogue_version(), AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.offer_update(actor=None, offer=offer, data={"technologies": [labels["vision"].pk], "title": {"en": ""}})
    assert list(offer.technologies.all()) == [labels["ai"]]
    assert (catalogue_version(), AuditEntry.objects.count()) == (version, audited)


def test_the_provider_changes_drafts_and_the_hub_changes_published_offers(
    org_a: Organisation, make_user: Any, personas: Any
) -> None:
    member = make_user(Role.PROVIDER_MEMBER, org_a)
    offer = make_offer(org_a)
    actions.offer_update(actor=member, offer=offer, data={"lead_time_days": 30})
    actions.offer_publish(actor=personas.hub_advisor, offer=offer)
    with pytest.raises(ValidationError) as caught:
        actions.offer_update(actor=member, offer=offer, data={"lead_time_days": 5})
    assert "status" in caught.value.message_dict
    updated = actions.offer_update(actor=personas.hub_advisor, offer=offer, data={"lead_time_days": 5})
    assert updated.lead_time_days == 5 and updated.status == Offer.Status.PUBLISHED


def test_moderation_moves_through_the_states_recording_who_and_when(
    org_a: Organisation, make_user: Any, personas: Any
) -> None:
    member = make_user(Role.PROVIDER_MEMBER, org_a)
    staff = personas.hub_advisor
    offer = actions.offer_create(actor=member, provider=org_a, data=offer_data())
    assert offer.created_by == member
    start = catalogue_version()

    offer = actions.offer_submit(actor=member, offer=offer)
    assert offer.status == Offer.Status.SUBMITTED and offer.submitted_by == member and offer.submitted_at
    offer = actions.offer_moderate(actor=staff, offer=offer, decision="draft", note="Add a German title.")
    assert offer.status == Offer.Status.DRAFT and offer.moderation_note == "Add a German title."
    offer = actions.offer_submit(actor=member, offer=offer)
    offer = actions.offer_moderate(actor=staff, offer=offer, decision="publish")
    assert offer.status == Offer.Status.PUBLISHED and offer.published_by == staff and offer.published_at
    assert offer.moderation_note == ""
    offer = actions.offer_moderate(actor=staff, offer=offer, decision="archive", note="Replaced.")
    assert offer.status == Offer.Status.ARCHIVED and offer.archived_by == staff and offer.archived_at
    offer = actions.offer_publish(actor=staff, offer=offer)
    assert offer.status == Offer.Status.PUBLISHED

    assert catalogue_version() == start + 6
    assert list(
        AuditEntry.objects.filter(target_type="catalogue.offer", target_id=str(offer.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "offer.create",
        "offer.submit",
        "offer.return_to_draft",
        "offer.submit",
        "offer.publish",
        "offer.archive",
        "offer.publish",
    ]


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Offer.Status.SUBMITTED, actions.offer_submit),
        (Offer.Status.PUBLISHED, actions.offer_submit),
        (Offer.Status.PUBLISHED, actions.offer_publish),
        (Offer.Status.ARCHIVED, actions.offer_archive),
        (Offer.Status.DRAFT, actions.offer_return_to_draft),
    ],
)
def test_a_move_that_does_not_apply_is_refused_on_the_status(org_a: Organisation, status: str, move: Any) -> None:
    offer = make_offer(org_a, status)
    version = catalogue_version()
    with pytest.raises(ValidationError) as caught:
        move(actor=None, offer=offer)
    assert "status" in caught.value.message_dict
    offer.refresh_from_db()
    assert offer.status == status and catalogue_version() == version


def test_an_unknown_decision_and_a_long_note_are_refused(org_a: Organisation) -> None:
    offer = make_offer(org_a, Offer.Status.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        actions.offer_moderate(actor=None, offer=offer, decision="delete")
    assert "decision" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.offer_moderate(actor=None, offer=offer, decision="publish", note="x" * 2001)
    assert "note" in caught.value.message_dict


def test_the_version_row_is_made_again_if_it_is_missing(org_a: Organisation) -> None:
    CatalogueVersion.objects.all().delete()
    assert catalogue_version() == 0
    make_offer(org_a)
    assert catalogue_version() == 1
    make_offer(org_a, Offer.Status.PUBLISHED)  # created, then published: two changes
    assert catalogue_version() == 3


def test_a_merge_moves_offers_and_their_search_text_and_bumps_the_version(org_a: Any, org_b: Any) -> None:
    from moselle.organisations import merging

    offer = make_offer(org_b)
    before = catalogue_version()
    merging.organisation_merge(actor=None, kept=org_a, merged=org_b)
    offer.refresh_from_db()
    assert offer.provider_id == org_a.pk
    assert "alpha" in offer.search_text and "beta" not in offer.search_text
    assert catalogue_version() == before + 1
