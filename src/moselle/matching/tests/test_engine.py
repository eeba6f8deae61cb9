"""The engine on the database: what each person may see, a catalogue change seen at the next search by every
process, reasons that are facts of the result, and bad needs refused by name without harming the index."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moselle.accounts.models import Role
from moselle.catalogue import actions as catalogue_actions
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.taxonomy import seed_taxonomy
from moselle.matching import engine, registry, text
from moselle.matching.engine import Need, Result
from moselle.matching.index import level_value
from moselle.matching.registry import Changes, Item
from moselle.organisations import actions as registry_actions
from moselle.organisations.models import Organisation


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


@pytest.fixture
def provider(db: Any, taxonomy: None) -> Organisation:
    return registry_actions.organisation_create(
        actor=None, name="Secure Lux", country="LU", details={"kinds": ["technology_provider"]}
    )


def cyber_offer(provider: Organisation, status: str = Offer.Status.PUBLISHED, **changes: Any) -> Offer:
    values: dict[str, Any] = {
        "title": {"en": "Phishing drill for your staff", "fr": "Exercice d'hameçonnage pour vos équipes"},
        "description": {"en": "We send fake phishing emails and train your staff.", "fr": "Nous formons vos équipes."},
        "technologies": ["Cybersecurity"],
        "category": "skills_and_training",
        "price_kind": "range",
        "price_min": "800",
        "price_max": "2000",
    }
    values.update(changes)
    return make_offer(provider, status, **values)


def check_reasons(result: Result, need: Need) -> None:
    """Every reason states a fact of the result's own data."""
    item = result.item
    own_words = set(text.words(" ".join([item.text, *item.title.values()])))
    assert result.reasons, f"{item.key} has no reason"
    for reason in result.reasons:
        p = reason.params
        if reason.code == "label":
            key = f"{p['dimension']}:{p['label']}"
            assert key in item.labels and item.labels[key] == p["level"]
            assert level_value(p["level"]) > 0
        elif reason.code == "words":
            assert set(p["words"]) <= own_words
            assert set(p["words"]) <= set(text.words(need.text))
        elif reason.code == "place":
            assert p["countries"] and set(p["countries"]) <= item.serves
        elif reason.code == "near":
            assert p["country"] == need.near and p["country"] in item.serves
        elif reason.code == "serves":
            assert p["country"] == need.country and p["country"] in item.serves
        elif reason.code == "eligible":
            assert p["country"] in item.eligible
        elif reason.code == "language":
            assert p["language"] in item.languages
        elif reason.code == "sme":
            assert item.smes_only and p["qualifies"] == need.sme
        elif reason.code == "price":
            assert p["kind"] == item.price_kind
        elif reason.code == "budget":
            assert item.price_min is not None and need.budget is not None
            assert p["from"] == item.price_min <= float(need.budget)
        else:
            raise AssertionError(f"unknown reason {reason.code}")
        assert reason.text("fr") and reason.text("de") and reason.text("en")


def test_published_offers_are_found_with_their_reasons_and_drafts_are_not(provider: Organisation) -> None:
    published = cyber_offer(provider)
    cyber_offer(provider, Offer.Status.DRAFT, title={"en": "Draft phishing course"})
    need = Need(text="Our staff keep clicking on phishing emails", sme=True)
    answer = engine.search(need)
    assert [(r.item.kind, r.item.id) for r in answer.by_kind["offer"]] == [("offer", published.pk)]
    result = answer.by_kind["offer"][0]
    check_reasons(result, need)
    codes = [r.code for r in result.reasons]
    assert codes[0] == "label" and result.reasons[0].params["label"] == "Cybersecurity"
    assert "phishing" in result.reasons[0].params["because"]
    assert "sme" in codes  # the factory's offer is for SMEs only, and this company is one
    assert result.reasons[codes.index("sme")].text("en") == "SMEs only: you qualify"
    # The provider is found too, public because it has a published offer.
    assert [r.item.id for r in answer.by_kind["provider"]] == [provider.pk]


def test_every_process_sees_a_catalogue_change_at_its_next_search(provider: Organisation) -> None:
    offers = [cyber_offer(provider, title={"en": f"Phishing course {n}"}) for n in range(12)]
    first, second = engine.Engine(), engine.Engine()  # two processes, each with its own index
    need = Need(text="phishing", kinds=("offer",))
    assert len(first.search(need, limit=50).results) == 12
    catalogue_actions.offer_archive(actor=None, offer=offers[0])
    catalogue_actions.offer_update(
        actor=None,
        offer=offers[1],
        data={"technologies": [], "title": {"en": "Payroll"}, "description": {"en": "Salaries, paid on time."}},
    )
    with CaptureQueriesContext(connection) as reads:
        first.refresh()
    ids = {r.item.id for r in first.search(need, limit=50).results}
    assert offers[0].pk not in ids and offers[1].pk not in ids and len(ids) == 10
    assert {r.item.id for r in second.search(need, limit=50).results} == ids
    assert first.index.get(("offer", offers[1].pk)) is not None  # still published, now about payroll
    # The versions of the sources, the changed offers with their labels, the providers read again: as many
    # queries with twice the offers.
    more = [cyber_offer(provider, title={"en": f"Phishing course {n}"}) for n in range(12, 24)]
    first.refresh()
    catalogue_actions.offer_archive(actor=None, offer=more[0])
    catalogue_actions.offer_update(actor=None, offer=more[1], data={"title": {"en": "Phishing course again"}})
    with CaptureQueriesContext(connection) as again:
        first.refresh()
    assert len(again) == len(reads)


def test_the_index_reads_only_the_offers_changed_since_its_version(provider: Organisation) -> None:
    offers = [cyber_offer(provider, title={"en": f"Phishing course {n}"}) for n in range(5)]
    current = engine.Engine()
    current.refresh()
    held = current.versions["offer"]
    catalogue_actions.offer_archive(actor=None, offer=offers[2])
    from moselle.matching.sources import OfferSource

    changes = OfferSource().changed_since(held)
    assert changes is not None
    assert changes.items == [] and changes.gone == [offers[2].pk]
    assert changes.version == held + 1  # type: ignore[operator]


def test_hubs_are_for_signed_in_people_and_staff_see_providers_without_offers(
    taxonomy: None, make_user: Any, org_a: Organisation
) -> None:
    hub = registry_actions.organisation_create(
        actor=None,
        name="Cyber Hub Wallonia",
        country="BE",
        details={"kinds": ["hub"], "technologies_offered": {"Cybersecurity": 5}},
    )
    quiet = registry_actions.organisation_create(
        actor=None,
        name="Quiet Secure",
        country="LU",
        details={"kinds": ["consultant"], "technologies_offered": {"Cybersecurity": 4}},
    )
    need = Need(technologies=("Cybersecurity",))
    assert engine.search(need, user=None).results == []
    member = make_user(Role.COMPANY_MEMBER, org_a)
    seen = engine.search(need, user=member)
    assert [(r.item.kind, r.item.id) for r in seen.results] == [("hub", hub.pk)]
    assert seen.results[0].reasons[0].text("en") == "declares Cybersecurity at level 5 of 5, as you chose"
    staff = make_user(Role.HUB_ADVISOR)
    assert {(r.item.kind, r.item.id) for r in engine.search(need, user=staff).results} == {
        ("hub", hub.pk),
        ("provider", quiet.pk),
    }
    assert engine.explain(need, "hub", hub.pk, user=None) is None
    assert engine.explain(need, "hub", hub.pk, user=member) is not None


def test_facets_are_hard_constraints(provider: Organisation) -> None:
    lux = cyber_offer(
        provider, countries=["LU"], languages=["fr"], price_kind="free", price_min=None, price_max=None, smes_only=False
    )
    pricy = cyber_offer(
        provider, countries=["FR"], languages=["de"], price_min="9000", price_max="12000", smes_only=False
    )
    for_smes = cyber_offer(provider, countries=["LU", "FR"], smes_only=True, eligible_countries=["LU"])

    def found(**facets: Any) -> set[int]:
        need = engine.clean_need({"technologies": ["Cybersecurity"], "kinds": ["offer"], **facets})
        answer = engine.search(need)
        for result in answer.results:
            check_reasons(result, need)
        return {r.item.id for r in answer.results}

    assert found() == {lux.pk, pricy.pk, for_smes.pk}
    assert found(country="lu") == {lux.pk, for_smes.pk}
    assert found(language="de") == {pricy.pk}
    assert found(budget="1000") == {lux.pk, for_smes.pk}
    assert found(sme="false") == {lux.pk, pricy.pk}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "x" * 10_240}, "text"),
        ({"text": 42}, "text"),
        ({"technologies": ["Teleportation"]}, "technologies"),
        ({"technologies": ["999999"]}, "technologies"),
        ({"sectors": ["Space mining"]}, "sectors"),
        ({"text": "cyber", "budget": "-1"}, "budget"),
        ({"text": "cyber", "budget": "a lot"}, "budget"),
        ({"text": "cyber", "budget": "NaN"}, "budget"),
        ({"text": "cyber", "country": "Atlantis"}, "country"),
        ({"text": "cyber", "language": "xx"}, "language"),
        ({"text": "cyber", "kinds": ["spaceship"]}, "kinds"),
        ({"text": "cyber", "sme": "perhaps"}, "sme"),
    ],
)
def test_a_bad_need_is_refused_naming_the_field(taxonomy: None, data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        engine.clean_need(data)
    assert field in refused.value.message_dict
    assert all(message.strip() for message in refused.value.message_dict[field])


def test_empty_foreign_and_unknown_needs_get_a_helpful_answer_and_the_index_stays_whole(
    provider: Organisation,
) -> None:
    offer = cyber_offer(provider)
    empty = engine.search(engine.clean_need({"text": "   "}))
    assert empty.results == [] and "few words" in empty.message
    foreign = engine.search(engine.clean_need({"text": "我们需要网络安全培训 и защита сети"}))
    assert foreign.results == [] and "English, French or German" in foreign.message
    narrow = engine.search(engine.clean_need({"text": "phishing", "country": "PL"}))
    assert narrow.results == [] and "Remove a filter" in narrow.message
    size = len(engine.engine().index)
    assert [r.item.id for r in engine.search(Need(text="phishing", kinds=("offer",))).results] == [offer.pk]
    assert len(engine.engine().index) == size


def test_a_budget_is_a_decimal_and_names_and_ids_both_choose_a_technology(taxonomy: None) -> None:
    from moselle.core.models_taxonomy import Technology

    cyber = Technology.objects.get(name="Cybersecurity")
    need = engine.clean_need({"technologies": [str(cyber.pk), "cybersecurity"], "budget": "1 500,50"})
    assert need.technologies == ("Cybersecurity",)
    assert need.budget == Decimal("1500.50")


class VoucherSource:
    """A source as another app writes one: its items come from its own rows (here, a list)."""

    kind = "voucher"
    label = "digital voucher"
    plural = "digital vouchers"

    def __init__(self) -> None:
        self.rows: list[Item] = []
        self.number = 0

    def version(self) -> int:
        return self.number

    def load(self) -> tuple[list[Item], int]:
        return list(self.rows), self.number

    def changed_since(self, version: Any) -> Changes | None:
        return None  # loaded whole whenever its version moves


def test_another_app_registers_its_items_through_one_interface(taxonomy: None) -> None:
    source = VoucherSource()
    source.rows = [
        Item(
            kind="voucher",
            id=1,
            title={"en": "Cyber vouchers for SMEs"},
            url="/funding/1/",
            text="Grants for security audits.",
            labels={"technology:Cybersecurity": None, "service:Finance": None},
            serves=frozenset({"LU"}),
        )
    ]
    registry.register(source)
    try:
        need = engine.clean_need({"text": "a grant for a security audit", "kinds": ["voucher"]})
        found = engine.search(need)
        assert [(r.item.kind, r.item.id) for r in found.results] == [("voucher", 1)]
        assert engine.kind_label("voucher", plural=True) == "digital vouchers"
        source.rows = []
        source.number += 1  # the app changed its rows: the next search sees it
        assert engine.search(need).results == []
    finally:
        registry.unregister("voucher")
    assert "voucher" not in registry.kinds()
    with pytest.raises(ValidationError):
        engine.clean_need({"text": "grant", "kinds": ["voucher"]})
    engine.search(Need(text="grant"))  # the engine drops the kind no longer registered
    assert "voucher" not in engine.engine().versions
    assert "programme" in registry.kinds()  # the funding app's own source is untouched


def test_equal_offers_come_in_id_order_on_this_database(provider: Organisation) -> None:
    """Run on SQLite and on PostgreSQL (CI runs the suite on both): the same rows give the same order,
    ties broken by id whatever order the database returns them in."""
    offers = [cyber_offer(provider, title={"en": "Phishing drill"}) for _ in range(6)]
    # Changed in another order than created, so the database's natural order is not the id order.
    for offer in reversed(offers[:3]):
        catalogue_actions.offer_update(actor=None, offer=offer, data={"title": {"en": "Phishing drill"}})
    answer = engine.search(Need(text="phishing drill", kinds=("offer",)))
    assert [r.item.id for r in answer.results] == sorted(o.pk for o in offers)
    assert len({r.score for r in answer.results}) == 1


def test_what_serves_the_company_s_country_comes_first_among_equals(provider: Organisation) -> None:
    far = cyber_offer(provider, countries=["PL"], smes_only=False)
    near = cyber_offer(provider, countries=["LU"], smes_only=False)
    need = engine.clean_need({"text": "phishing", "kinds": ["offer"]})
    assert [r.item.id for r in engine.search(need).results] == [far.pk, near.pk]  # equal: by id
    nearby = engine.clean_need({"text": "phishing", "kinds": ["offer"], "near": "lu"})
    found = engine.search(nearby).results
    assert [r.item.id for r in found] == [near.pk, far.pk]  # a preference: the far one stays
    check_reasons(found[0], nearby)
    assert "serves Luxembourg, your country" in [r.text("en") for r in found[0].reasons]
    with pytest.raises(ValidationError) as refused:
        engine.clean_need({"text": "phishing", "near": "Atlantis"})
    assert "near" in refused.value.message_dict
