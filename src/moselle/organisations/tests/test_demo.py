"""The demo hub of ``seed --demo``: L-DIH, its partners, invented companies and providers from a seed.

The demo is loaded once for the module, inside a transaction rolled back at the end (loading the
taxonomy and about a hundred organisations through the actions takes seconds); each test still runs in
its own savepoint. The demo people are loaded first, as the browser tests do, so that the registry has
to complete the organisations they were given.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from stdnum.lu import tva

from moselle.accounts.demo import DEMO_PEOPLE, load_demo
from moselle.accounts.models import Membership, User
from moselle.core.models import AuditEntry
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import demo, sizeclass, sme
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import (
    Contact,
    FinancialYear,
    HubProfile,
    Organisation,
    OrganisationTechnology,
    Ownership,
)

PARTNERS = {
    "Luxinnovation",
    "FEDIL",
    "Luxembourg Institute of Science and Technology",
    "University of Luxembourg",
    "Chambre de Commerce du Grand-Duché de Luxembourg",
    "Fonds National de la Recherche",
    "LuxProvide",
    "National Cybersecurity Competence Center Luxembourg",
}
RESERVED_DOMAIN = re.compile(r"@([a-z0-9-]+\.)+(example|test)$|@example\.(com|org|net)$")


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[demo.DemoReport]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_taxonomy()
            hub_seed()
            load_demo()  # the people first: their organisations exist before the registry completes them
            yield demo.load_demo_registry()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def demo_companies() -> list[Organisation]:
    return list(Organisation.objects.filter(is_demo=True, kind_rows__kind="company").distinct())


def demo_providers() -> list[Organisation]:
    return list(
        Organisation.objects.filter(is_demo=True, kind_rows__kind__in=demo.PROVIDER_KINDS)
        .exclude(kind_rows__kind="consortium_partner")
        .distinct()
    )


def assess(organisation: Organisation) -> sme.Assessment:
    assessment = sizeclass.assess_organisation(organisation)
    assert assessment is not None, f"{organisation.name} is a public body"
    return assessment


def section(organisation: Organisation) -> str:
    code = organisation.primary_nace
    assert code is not None, organisation.name
    while code.parent is not None:
        code = code.parent
    return code.code


def test_it_makes_about_sixty_companies_and_twenty_five_providers_all_flagged_demo(
    loaded: demo.DemoReport, db: Any
) -> None:
    companies, providers = demo_companies(), demo_providers()
    assert 55 <= len(companies) <= 65
    assert 22 <= len(providers) <= 28
    assert all(o.is_demo for o in [*companies, *providers])
    assert loaded.groups["companies"] == len(companies) and loaded.groups["providers"] == len(providers)
    assert loaded.seconds < 60


def test_it_makes_l_dih_this_instance_s_hub(loaded: demo.DemoReport, db: Any) -> None:
    hub = HubProfile.objects.select_related("organisation").get()
    assert (hub.edih_name, hub.organisation.catalogue_ref) == ("L-DIH", "edih-203")


def test_it_registers_the_real_partners_as_consortium_partners_with_public_facts_only(
    loaded: demo.DemoReport, db: Any
) -> None:
    partners = Organisation.objects.filter(name__in=PARTNERS)
    assert {p.name for p in partners} == PARTNERS
    for partner in partners:
        assert "consortium_partner" in partner.kinds and partner.is_demo
        assert partner.website.startswith("https://")
        # No invented fact about a real organisation: no numbers, figures, people or levels.
        assert (partner.vat, partner.register_id) == ("", "")
        assert not partner.financial_years.exists() and not partner.contacts.exists()
        assert not partner.holdings.exists() and not partner.owners.exists()
        assert not partner.technology_rows.exclude(level=None).exists()
    assert "research_organisation" in partners.get(trade_name="LIST").kinds
    assert "test_facility" in partners.get(trade_name="LIST").kinds
    assert "trainer" in partners.get(name="University of Luxembourg").kinds
    assert "public_body" in partners.get(trade_name="FNR").kinds


def test_it_gives_every_invented_organisation_a_valid_vat_and_rcs_number(loaded: demo.DemoReport, db: Any) -> None:
    invented = [*demo_companies(), *demo_providers()]
    for organisation in invented:
        assert tva.is_valid(organisation.vat), organisation.vat
        assert re.fullmatch(r"B\d{1,6}", organisation.register_id), organisation.register_id
    assert len({o.vat for o in invented}) == len({o.register_id for o in invented}) == len(invented)


def test_it_files_everyone_under_nace_rev_2_1_with_most_companies_in_manufacturing(
    loaded: demo.DemoReport, db: Any
) -> None:
    companies, providers = demo_companies(), demo_providers()
    for organisation in [*companies, *providers]:
        assert organisation.primary_nace is not None and organisation.primary_nace.revision == "2.1"
        assert organisation.primary_nace.level == 4
        assert all(code.revision == "2.1" for code in organisation.nace_codes.all())
    sections = Counter(section(o) for o in companies)
    assert sections["C"] >= 0.75 * len(companies)
    assert set(sections) <= {"C", "H"} and sections["H"] >= 3
    assert {section(o) for o in providers} <= {"K", "N", "Q"}


def test_it_mixes_the_size_classes_and_has_estimates_for_young_companies(loaded: demo.DemoReport, db: Any) -> None:
    classes = Counter(o.size_class for o in demo_companies())
    assert len(classes) >= 3
    assert classes["micro"] >= 10 and classes["small"] >= 10 and classes["medium"] >= 5
    assert classes["small_midcap"] + classes["large"] >= 2
    assert "unknown" not in classes and "" not in classes
    estimated = FinancialYear.objects.filter(organisation__is_demo=True, estimated=True)
    assert 2 <= estimated.values("organisation").distinct().count() <= 8
    assert loaded.size_classes["companies"] == dict(classes)


def test_it_counts_the_parent_in_its_subsidiaries_size_class(loaded: demo.DemoReport, db: Any) -> None:
    plan = demo.demo_plan()
    parent_name, first, second = plan.holdings[0].owner, plan.holdings[0].owned, plan.holdings[1].owned
    parent = Organisation.objects.get(name=parent_name)
    for name in (first, second):
        subsidiary = Organisation.objects.get(name=name)
        own = subsidiary.financial_years.order_by("-year").first()
        assert own is not None and own.staff < 50  # small on its own figures
        assessment = assess(subsidiary)
        assert parent.pk in {relation.party for relation in assessment.linked}
        assert assessment.size_class == subsidiary.size_class == "medium"
        group_staff = assessment.figures[own.year].staff
        assert group_staff is not None and group_staff > own.staff


def test_it_adds_a_partner_pro_rata_and_leaves_out_the_exempt_and_public_investors(
    loaded: demo.DemoReport, db: Any
) -> None:
    plan = demo.demo_plan()
    holder, held = (Organisation.objects.get(name=n) for n in (plan.holdings[2].owner, plan.holdings[2].owned))
    partner_view = assess(held)
    assert [(r.party, r.kind) for r in partner_view.partners] == [(holder.pk, "partner")]
    assert held.size_class == "small"  # micro on its own figures, small with 30 % of its partner's
    backed = Organisation.objects.get(name=plan.holdings[3].owned)
    venture = Ownership.objects.get(owned=backed)
    assert (venture.percent, venture.investor_type) == (Decimal(35), "venture_capital")
    assert assess(backed).autonomous and backed.size_class == "micro"
    public_held = Organisation.objects.get(name=plan.holdings[4].owned)
    public = assess(public_held)
    assert public.public_control and public.public_share >= 25 and not public.is_sme


def test_it_adds_nothing_when_run_twice(loaded: demo.DemoReport, db: Any) -> None:
    def counts() -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (Organisation, FinancialYear, Ownership, Contact, OrganisationTechnology, AuditEntry)
        )

    before = counts()
    again = demo.load_demo_registry()
    assert counts() == before
    assert sum(again.created.values()) == 0 and again.completed == 0 and again.skipped == []


def test_it_makes_the_same_rows_from_the_same_seed_and_other_names_from_another() -> None:
    first, same, other = demo.demo_plan(7), demo.demo_plan(7), demo.demo_plan(8)
    assert first == same
    invented = {o.name for o in first.organisations if o.group in ("company", "provider")}
    fixed = {o.name for o in demo.featured(first.years)}
    others = {o.name for o in other.organisations if o.group in ("company", "provider")}
    assert len((invented & others) - fixed) < 10
    assert {o.name for o in demo.demo_plan().organisations} != {o.name for o in first.organisations}


def test_it_never_borrows_a_well_known_company_name() -> None:
    assert demo.uses_a_real_name("Goodyear Moulding S.A.") and demo.uses_a_real_name("Kuehne + Nagel")
    assert not demo.uses_a_real_name("Kaverlo Usinage S.à r.l.")
    for seed in (1, 2, demo.DEFAULT_SEED):
        plan = demo.demo_plan(seed)
        for organisation in plan.organisations:
            if organisation.group in ("company", "provider"):
                assert not demo.uses_a_real_name(organisation.name), organisation.name
        assert len({o.name for o in plan.organisations}) == len(plan.organisations)


def test_it_gives_contacts_fake_names_reserved_addresses_and_a_legal_basis(loaded: demo.DemoReport, db: Any) -> None:
    contacts = Contact.objects.filter(organisation__is_demo=True)
    assert contacts.count() >= 85
    surnames = set(demo.words().fake_surnames)
    for contact in contacts:
        assert contact.name.split()[-1] in surnames, contact.name
        assert RESERVED_DOMAIN.search(contact.email), contact.email
        assert contact.legal_basis in ("legitimate_interest", "consent") and contact.phone == ""
    assert Counter(c.organisation_id for c in contacts).most_common(1)[0][1] <= 2


def test_it_writes_every_organisation_through_the_actions(loaded: demo.DemoReport, db: Any) -> None:
    demo_ids = {str(pk) for pk in Organisation.objects.filter(is_demo=True).values_list("pk", flat=True)}
    created = set(
        AuditEntry.objects.filter(action="organisation.create", target_id__in=demo_ids).values_list(
            "target_id", flat=True
        )
    )
    assert created == demo_ids
    levels = OrganisationTechnology.objects.filter(organisation__in=demo_providers(), role="offer")
    assert levels.exists() and not levels.filter(level=None).exists()
    assert set(levels.values_list("level", flat=True)) <= {1, 2, 3, 4, 5}
    # The levels go through organisation_create/update with the technologies, and are audited there.
    audited = AuditEntry.objects.filter(action__startswith="organisation.", changes__has_key="technology_levels")
    assert audited.count() >= 25 and not AuditEntry.objects.filter(action="organisation.technology_levels").exists()


def test_it_keeps_the_demo_people_in_their_roles_and_organisations(loaded: demo.DemoReport, db: Any) -> None:
    hub = HubProfile.objects.get()
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.is_demo and user.full_name == person.full_name and user.language == person.language
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.status) == (person.role, person.status)
        expected = hub.organisation.name if person.organisation is None else person.organisation
        assert membership.organisation.name == expected
    # Made by the people's loader before the registry ran, then completed by it.
    company = Organisation.objects.get(name=demo.FEATURED_COMPANY)
    assert company.primary_nace is not None and company.primary_nace.code == "25.53"
    assert company.financial_years.count() == 3 and company.size_class == "small" and company.contacts.exists()
    provider = Organisation.objects.get(name=demo.FEATURED_PROVIDER)
    assert dict(provider.technology_rows.values_list("technology__name", "level"))["Big data"] == 4
    assert loaded.completed >= 3


def test_the_seed_command_says_what_it_made_and_prints_the_log_ins(loaded: demo.DemoReport, db: Any) -> None:
    out = io.StringIO()
    call_command("seed", "--demo", stdout=out)
    text = out.getvalue()
    assert "Demo registry (seed 2019): 0 organisations" in text
    assert f"{loaded.groups['companies']} companies" in text and "manager@demo.moselle.lu" in text
    assert re.search(r"Seed with demo done in \d+\.\d s", text)
    with pytest.raises(CommandError, match="--demo-seed"):
        call_command("seed", "--demo-seed", "3", stdout=io.StringIO())
