"""Financial years and ownership links, written through the actions: refusals by field, nothing half-written,
the size class kept up to date, and holdings that never pass 100 % or form a cycle."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from moselle.core.models import AuditEntry
from moselle.core.models_taxonomy import Technology
from moselle.organisations import actions
from moselle.organisations.merging import organisation_merge
from moselle.organisations.models import Contact, FinancialYear, Organisation, OrganisationTechnology, Ownership

THIS_YEAR = timezone.localdate().year


def make(name: str, *, kinds: list[str] | None = None) -> Organisation:
    return actions.organisation_create(actor=None, name=name, details={"kinds": kinds or ["company"]})


def figures(organisation: Organisation, year: int, staff: Any, turnover: Any = None, **more: Any) -> FinancialYear:
    return actions.financial_year_set(
        actor=None, organisation=organisation, year=year, staff=staff, turnover=turnover, **more
    )


def size_class(organisation: Organisation) -> str:
    organisation.refresh_from_db()
    return organisation.size_class


def written() -> tuple[int, int, int]:
    return FinancialYear.objects.count(), Ownership.objects.count(), AuditEntry.objects.count()


def year_refusal(organisation: Organisation, **values: Any) -> dict[str, list[str]]:
    before = written()
    arguments = {"year": THIS_YEAR - 1, "staff": 5, **values}
    with pytest.raises(ValidationError) as caught:
        actions.financial_year_set(actor=None, organisation=organisation, **arguments)
    assert written() == before
    return caught.value.message_dict


def holding(owner: Organisation, owned: Organisation, percent: Any, kind: str = "capital", **more: Any) -> Ownership:
    return actions.ownership_set(actor=None, owner=owner, owned=owned, kind=kind, percent=percent, **more)


def holding_refusal(owner: Organisation, owned: Organisation, percent: Any, **more: Any) -> dict[str, list[str]]:
    before = written()
    with pytest.raises(ValidationError) as caught:
        holding(owner, owned, percent, **more)
    assert written() == before
    return caught.value.message_dict


@pytest.fixture
def company(db: Any) -> Organisation:
    return make("Acier Wiltz")


# --- Financial years ------------------------------------------------------------------------------


def test_it_refuses_negative_staff(company: Organisation) -> None:
    assert year_refusal(company, staff="-1") == {"staff": ["A figure cannot be negative."]}


def test_it_refuses_a_year_in_the_future(company: Organisation) -> None:
    assert "future" in year_refusal(company, year=THIS_YEAR + 1)["year"][0]


@pytest.mark.parametrize("year", [1899, 0, "0000", -2024])
def test_it_refuses_a_year_before_1900(company: Organisation, year: Any) -> None:
    assert "before 1900" in year_refusal(company, year=year)["year"][0]


@pytest.mark.parametrize("year", ["twenty", "", "2024.5", None])
def test_it_refuses_a_year_that_is_not_a_number(company: Organisation, year: Any) -> None:
    assert "four digits" in year_refusal(company, year=year)["year"][0]


def test_it_refuses_figures_that_are_not_numbers(company: Organisation) -> None:
    errors = year_refusal(company, staff="a dozen", turnover="lots", balance_sheet="NaN")
    assert set(errors) == {"staff", "turnover", "balance_sheet"}
    assert year_refusal(company, staff="") == {"staff": ["This figure is required."]}


def test_it_refuses_figures_too_large_for_the_register(company: Organisation) -> None:
    assert year_refusal(company, staff=10**7) == {"staff": ["This figure is too large."]}
    assert year_refusal(company, turnover=10**13) == {"turnover": ["This figure is too large."]}
    assert actions.check_financial_year(year=THIS_YEAR - 1, staff=5, balance_sheet="9999999999999.99")[
        "balance_sheet"
    ] == Decimal("9999999999999.99")
    assert year_refusal(company, balance_sheet="10000000000000") == {"balance_sheet": ["This figure is too large."]}


def test_it_refuses_a_figure_it_would_have_to_round_or_guess(company: Organisation) -> None:
    # "1,234" may be a thousand and some or one and a quarter: refused, never read as 1.23.
    assert year_refusal(company, staff="1,234") == {
        "staff": ["Write the number without thousands separators, e.g. 1234 or 1234.5."]
    }
    assert year_refusal(company, turnover="1.234,5") == {
        "turnover": ["Write the number without thousands separators, e.g. 1234 or 1234.5."]
    }
    assert year_refusal(company, staff="12.345") == {"staff": ["Give at most 2 decimal places."]}
    assert actions.check_financial_year(year=THIS_YEAR - 1, staff="3,5")["staff"] == Decimal("3.5")


def test_it_refuses_an_unknown_source_of_figures(company: Organisation) -> None:
    assert "source" in year_refusal(company, source="rumour")


def test_it_reports_every_bad_figure_together(company: Organisation) -> None:
    assert set(year_refusal(company, year=THIS_YEAR + 1, staff=-3, turnover="x")) == {"year", "staff", "turnover"}


def test_it_takes_a_turnover_with_a_decimal_comma_and_spaces(company: Organisation) -> None:
    row = figures(company, THIS_YEAR - 1, staff="12,5", turnover="1 250 000,50")
    row.refresh_from_db()
    assert (row.staff, row.turnover) == (Decimal("12.50"), Decimal("1250000.50"))


def test_it_corrects_a_year_in_place_and_audits_it(company: Organisation) -> None:
    figures(company, THIS_YEAR - 1, staff=9, turnover=1_000_000)
    figures(company, THIS_YEAR - 1, staff=11, turnover=1_000_000, source="accounts")
    row = FinancialYear.objects.get(organisation=company)
    assert (row.year, row.staff, row.source) == (THIS_YEAR - 1, Decimal("11.00"), "accounts")
    entries = list(AuditEntry.objects.filter(action="financial_year.set").order_by("id"))
    assert len(entries) == 2
    assert entries[1].changes["staff"] == ["9.00", "11.00"]
    assert entries[1].organisation_id == company.pk


def test_it_marks_figures_from_an_estimate_as_estimated(company: Organisation) -> None:
    assert figures(company, THIS_YEAR, staff=3, source="estimate").estimated
    assert not figures(company, THIS_YEAR - 1, staff=3, source="accounts").estimated


def test_it_works_the_size_class_out_from_the_figures(company: Organisation) -> None:
    assert size_class(company) == ""
    figures(company, THIS_YEAR - 1, staff=9, turnover=1_000_000)
    assert size_class(company) == "micro"
    # With one year of figures, that year decides: the first year sets the status.
    figures(company, THIS_YEAR - 1, staff=60, turnover=1_000_000)
    assert size_class(company) == "medium"


def test_it_changes_the_size_class_only_after_two_consecutive_years(company: Organisation) -> None:
    figures(company, THIS_YEAR - 2, staff=9, turnover=1_000_000)
    figures(company, THIS_YEAR - 1, staff=60, turnover=1_000_000)
    assert size_class(company) == "micro"  # one year over the ceiling is not enough (Article 4(2))
    figures(company, THIS_YEAR, staff=60, turnover=1_000_000)
    assert size_class(company) == "medium"


def test_it_works_the_size_class_out_again_when_a_year_is_deleted(company: Organisation) -> None:
    figures(company, THIS_YEAR - 2, staff=9, turnover=1_000_000)
    figures(company, THIS_YEAR - 1, staff=60, turnover=1_000_000)
    row = figures(company, THIS_YEAR, staff=60, turnover=1_000_000)
    assert size_class(company) == "medium"
    actions.financial_year_delete(actor=None, row=row)
    assert size_class(company) == "micro"
    assert AuditEntry.objects.filter(action="financial_year.delete", organisation=company).count() == 1
    assert FinancialYear.objects.filter(organisation=company).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_takes_the_same_new_year_entered_twice_at_once_as_a_correction() -> None:
    assert connection.vendor == "postgresql"
    company = make("Acier Wiltz")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def enter(staff: int) -> None:
        barrier.wait()
        try:
            figures(company, THIS_YEAR - 1, staff=staff)
        except BaseException as error:  # an IntegrityError here is what the lock prevents
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(staff,)) for staff in (5, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert FinancialYear.objects.filter(organisation=company).count() == 1


def test_it_refuses_new_records_for_an_organisation_merged_into_another(db: Any) -> None:
    kept, merged, other = make("Acier Wiltz S.A."), make("Acier Wiltz"), make("Groupe Ardennes")
    organisation_merge(actor=None, kept=kept, merged=merged)
    before = (*written(), Contact.objects.count())
    with pytest.raises(ValidationError) as caught:
        figures(merged, THIS_YEAR - 1, staff=5)
    assert "merged into another" in caught.value.message_dict["organisation"][0]
    with pytest.raises(ValidationError) as caught:
        holding(other, merged, 30)
    assert list(caught.value.message_dict) == ["owned"]
    with pytest.raises(ValidationError) as caught:
        holding(merged, other, 30)
    assert list(caught.value.message_dict) == ["owner"]
    with pytest.raises(ValidationError) as caught:
        actions.contact_create(actor=None, organisation=merged, data={"name": "Anne Weber"})
    assert "organisation" in caught.value.message_dict
    assert (*written(), Contact.objects.count()) == before


# --- Ownership ------------------------------------------------------------------------------------


@pytest.fixture
def trio(db: Any) -> tuple[Organisation, Organisation, Organisation]:
    return make("Holding Nord"), make("Holding Sud"), make("Atelier Centre")


@pytest.mark.parametrize(
    ("percent", "reason"),
    [
        (0, "more than 0 %"),
        ("100.01", "at most 100 %"),
        (-5, "cannot be negative"),
        ("abc", "Give a number"),
        ("", "required"),
        ("0.001", "at most 2 decimal places"),
    ],
)
def test_it_refuses_a_percentage_out_of_range(trio: Any, percent: Any, reason: str) -> None:
    owner, _other, owned = trio
    errors = holding_refusal(owner, owned, percent)
    assert list(errors) == ["percent"]
    assert reason in errors["percent"][0]


def test_it_refuses_an_unknown_kind_of_holding_or_investor(trio: Any) -> None:
    owner, _other, owned = trio
    errors = holding_refusal(owner, owned, 30, kind="shares", investor_type="uncle")
    assert set(errors) == {"kind", "investor_type"}


def test_it_refuses_holdings_over_100_percent_in_total(trio: Any) -> None:
    north, south, owned = trio
    holding(north, owned, 60)
    errors = holding_refusal(south, owned, "40.01")
    assert "110" not in errors["percent"][0]
    assert "100.01" in errors["percent"][0]
    holding(south, owned, 40)  # exactly 100 % in total


def test_it_counts_capital_and_voting_rights_separately(trio: Any) -> None:
    north, south, owned = trio
    holding(north, owned, 60, kind="capital")
    holding(south, owned, 60, kind="votes")
    holding(north, owned, 40, kind="votes")
    assert "percent" in holding_refusal(south, owned, 41, kind="capital")


def test_it_replaces_a_holding_without_counting_it_twice(trio: Any) -> None:
    north, south, owned = trio
    holding(north, owned, 60)
    holding(north, owned, 70)
    assert Ownership.objects.get(owner=north, owned=owned).percent == Decimal("70.00")
    assert "percent" in holding_refusal(south, owned, 31)
    holding(south, owned, 30)
    assert Ownership.objects.filter(owned=owned).count() == 2
    assert AuditEntry.objects.filter(action="ownership.set").count() == 3


def test_it_refuses_a_direct_cycle(trio: Any) -> None:
    first, second, _third = trio
    holding(first, second, 30)
    errors = holding_refusal(second, first, 10)
    assert list(errors) == ["owner"]
    assert "cycle" in errors["owner"][0]


def test_it_refuses_an_indirect_cycle(trio: Any) -> None:
    first, second, third = trio
    holding(first, second, 30)
    holding(second, third, 30, kind="votes")
    errors = holding_refusal(third, first, 10)
    assert "cycle" in errors["owner"][0]


def test_it_refuses_an_organisation_holding_itself(trio: Any) -> None:
    owner, _other, _owned = trio
    assert "owner" in holding_refusal(owner, owner, 10)


def test_it_works_both_sides_size_class_out_when_a_holding_comes_and_goes(trio: Any) -> None:
    parent, _other, child = trio
    figures(parent, THIS_YEAR - 1, staff=8, turnover=1_000_000)
    figures(child, THIS_YEAR - 1, staff=8, turnover=1_000_000)
    assert (size_class(parent), size_class(child)) == ("micro", "micro")
    row = holding(parent, child, 60, kind="votes")  # a majority of the votes: linked, added in full
    assert (size_class(parent), size_class(child)) == ("small", "small")
    actions.ownership_delete(actor=None, row=row)
    assert (size_class(parent), size_class(child)) == ("micro", "micro")
    assert not Ownership.objects.exists()
    assert AuditEntry.objects.filter(action="ownership.delete").count() == 1


def at_once(*pairs: tuple[Organisation, Organisation], percent: int) -> dict[str, list[str]]:
    """Add the holdings from as many threads at the same moment; the field of each refusal, by outcome."""
    barrier = threading.Barrier(len(pairs))
    outcomes: dict[str, list[str]] = {"ok": [], "refused": []}

    def add(owner: Organisation, owned: Organisation) -> None:
        barrier.wait()
        try:
            holding(owner, owned, percent)
            outcomes["ok"].append(owner.name)
        except ValidationError as error:
            outcomes["refused"].extend(error.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_at_most_one_of_two_simultaneous_holdings_pass_100_percent() -> None:
    assert connection.vendor == "postgresql"
    owned = make("Atelier Centre")
    owners = [make("Holding Nord"), make("Holding Sud"), make("Holding Est")]
    outcomes = at_once(*((owner, owned) for owner in owners), percent=60)
    assert len(outcomes["ok"]) == 1
    assert outcomes["refused"] == ["percent", "percent"]
    assert Ownership.objects.filter(owned=owned).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_at_most_one_of_two_simultaneous_holdings_close_a_cycle() -> None:
    assert connection.vendor == "postgresql"
    a, b, c, d = make("Alpha"), make("Beta"), make("Gamma"), make("Delta")
    holding(b, c, 30)
    holding(d, a, 30)
    # A→B and C→D share no organisation, but with B→C and D→A they close A→B→C→D→A.
    outcomes = at_once((a, b), (c, d), percent=30)
    assert len(outcomes["ok"]) == 1
    assert outcomes["refused"] == ["owner"]
    assert Ownership.objects.count() == 3


# --- Technologies on offer with their declared level ----------------------------------------------------


@pytest.fixture
def provider(db: Any) -> Organisation:
    for position, name in enumerate(("Big data", "Digital twins", "Additive manufacturing")):
        Technology.objects.create(name=name, label={"en": name}, position=position)
    return make("Data Works", kinds=["technology_provider"])


def offered(organisation: Organisation) -> dict[str, int | None]:
    rows = organisation.technology_rows.filter(role=OrganisationTechnology.Role.OFFER)
    return dict(rows.values_list("technology__name", "level"))


def test_it_stores_and_audits_the_level_of_a_technology_on_offer(provider: Organisation) -> None:
    twins = Technology.objects.get(name="Digital twins")
    data = {"technologies_offered": {"big data": 4, str(twins.pk): None}}
    actions.organisation_update(actor=None, organisation=provider, data=data)
    assert offered(provider) == {"Big data": 4, "Digital twins": None}
    entry = AuditEntry.objects.filter(action="organisation.update").latest("pk")
    assert entry.changes["technology_levels"] == [{}, {"Big data": 4}]
    # The mapping is the whole offer: a level changes, a technology left out goes.
    actions.organisation_update(actor=None, organisation=provider, data={"technologies_offered": {"Big data": "2"}})
    assert offered(provider) == {"Big data": 2}


def test_it_refuses_a_level_outside_1_to_5_naming_the_field(provider: Organisation) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.organisation_update(
            actor=None, organisation=provider, data={"technologies_offered": {"Big data": 6, "Digital twins": 3}}
        )
    messages = caught.value.message_dict
    assert list(messages) == ["technologies_offered"]
    assert "Big data" in messages["technologies_offered"][0] and "1 to 5" in messages["technologies_offered"][0]
    assert offered(provider) == {} and AuditEntry.objects.count() == before


@pytest.mark.parametrize("level", [0, -1, "five", 2.5, True])
def test_it_refuses_a_level_that_is_no_whole_number_from_1_to_5(provider: Organisation, level: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.organisation_create(
            actor=None,
            name="Twin Lab",
            details={"kinds": ["technology_provider"], "technologies_offered": {"Big data": level}},
        )
    assert "technologies_offered" in caught.value.message_dict
    assert not Organisation.objects.filter(name="Twin Lab").exists()


def test_it_still_takes_a_list_of_technologies_and_keeps_the_levels_held(provider: Organisation) -> None:
    actions.organisation_update(actor=None, organisation=provider, data={"technologies_offered": {"Big data": 5}})
    actions.organisation_update(
        actor=None, organisation=provider, data={"technologies_offered": ["Big data", "Additive manufacturing"]}
    )
    assert offered(provider) == {"Big data": 5, "Additive manufacturing": None}
    created = actions.organisation_create(
        actor=None, name="Print Lab", details={"technologies_offered": "Additive manufacturing; digital twins"}
    )
    assert offered(created) == {"Additive manufacturing": None, "Digital twins": None}


def test_it_refuses_approved_accounts_that_are_estimates_or_of_the_current_year(company: Organisation) -> None:
    assert set(year_refusal(company, source="accounts", estimated=True)) == {"estimated"}
    assert set(year_refusal(company, source="accounts", year=THIS_YEAR)) == {"source"}
    row = actions.financial_year_set(actor=None, organisation=company, year=THIS_YEAR, staff=4, source="estimate")
    assert row.estimated is True


def test_it_lets_only_hub_staff_make_an_organisation_a_hub_or_public_body(personas: Any, org_a: Organisation) -> None:
    admin = personas.a["company_member"]
    actions.organisation_update(actor=admin, organisation=org_a, data={"kinds": ["company", "trainer"]})
    with pytest.raises(ValidationError) as caught:
        actions.organisation_update(actor=admin, organisation=org_a, data={"kinds": ["company", "hub"]})
    assert list(caught.value.message_dict) == ["kinds"]
    assert sorted(org_a.kind_rows.values_list("kind", flat=True)) == ["company", "trainer"]
    actions.organisation_update(actor=personas.hub_advisor, organisation=org_a, data={"kinds": ["public_body"]})
    assert org_a.kinds == ["public_body"]
