"""The hub's figures against the world of ``conftest.py``, every number worked out by hand beside it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.reporting import kpis, queries
from moselle.reporting.kpis import Filters, KpiSource, Period
from moselle.reporting.queries import Cell
from moselle.reporting.suppression import suppress_dashboard
from moselle.reporting.tests.conftest import H1, H2, World

D = Decimal


def values(cells: tuple[Cell, ...]) -> dict[str, int | None]:
    return {cell.key: cell.value for cell in cells}


def by_label(cells: tuple[Cell, ...]) -> dict[str, int | None]:
    return {cell.label: cell.value for cell in cells}


# --- Period and filters ---------------------------------------------------------------------------------------


def test_a_period_ending_before_it_starts_names_the_end() -> None:
    with pytest.raises(ValidationError) as raised:
        Period(start=date(2025, 2, 1), end=date(2025, 1, 31))
    assert set(raised.value.message_dict) == {"end"}
    assert Period(start=date(2025, 1, 1), end=date(2025, 1, 1)).end == date(2025, 1, 1)  # one day is a period


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("", "2025-06-30", "start"), ("2025-13-01", "2025-06-30", "start"), ("2025-01-01", "soon", "end")],
)
def test_a_period_read_from_text_names_the_wrong_field(start: str, end: str, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Period.parse(start, end)
    assert set(raised.value.message_dict) == {field}
    assert Period.parse("2025-01-01", "2025-06-30") == H1


def test_an_unknown_category_names_the_category() -> None:
    with pytest.raises(ValidationError) as raised:
        Filters(category="space_travel")
    assert set(raised.value.message_dict) == {"category"}


# --- The funnel ------------------------------------------------------------------------------------------------


def test_the_funnel_counts_each_organisation_once_per_stage_reached_in_the_period(kpi_world: World) -> None:
    # Informed: Alpha (two cases, once), Beta (moved to Inspire in H1, opened before), Gamma (23:30 on the last
    # day) = 3; Delta moved at 23:59 on the eve of H1 and Epsilon a minute after: out; Demo Co and the case in
    # triage without an organisation: out. Inspired: Alpha, Beta = 2. Engaged: Alpha = 1.
    assert queries.funnel(H1) == queries.Funnel(informed=3, inspired=2, engaged=1)
    # H2: only Epsilon, opened at midnight on 1 July.
    assert queries.funnel(H2) == queries.Funnel(informed=1, inspired=0, engaged=0)


# --- Customers and services -----------------------------------------------------------------------------------


def test_customers_are_counted_once_and_broken_down(kpi_world: World) -> None:
    customers = queries.customers(H1)
    # R1, R2 (Alpha), R4 (Beta), R5 (Gamma), R9 (Delta), R10 (Epsilon): 5 customers. Not R3 (ended the day
    # before), R6 (proposed), R7 (rejected), R8 (demo), R11 (starts in September).
    assert customers.total == 5
    # Alpha micro + Beta small = 2 SMEs; Epsilon the small mid-cap; Gamma the PSO; Delta large.
    assert values(customers.by_type) == {"sme": 2, "small_midcap": 1, "pso": 1, "large": 1, "unknown": 0}
    assert by_label(customers.by_type)["public sector organisation"] == 1
    # Gamma, a public body, has no size class: unknown.
    assert values(customers.by_size) == {
        "micro": 1,
        "small": 1,
        "medium": 0,
        "small_midcap": 1,
        "large": 1,
        "unknown": 1,
    }
    # Alpha's 25.62 and Delta's C are section C; Beta's 62 is J; Gamma and Epsilon have no NACE code.
    assert values(customers.by_section) == {"C": 2, "J": 1, "unknown": 2}
    # Alpha and Gamma LU00; Beta has no region: its country, LU; Delta FRF1; Epsilon BE10.
    assert values(customers.by_region) == {"BE10": 1, "FRF1": 1, "LU": 1, "LU00": 2}


def test_services_count_records_and_customers_per_cell(kpi_world: World) -> None:
    services = queries.services(H1)
    # Six counted records (R1, R2, R4, R5, R9, R10) to five customers.
    assert (services.total, services.customers) == (6, 5)
    # Test before invest: R1, R2, R9 (Alpha twice, Delta); skills: R4, R10; ecosystem: R5; funding: none counted.
    assert values(services.by_category) == {
        "test_before_invest": 3,
        "skills_and_training": 2,
        "support_to_find_investments": 0,
        "ecosystem_and_networking": 1,
    }
    assert {c.key: c.organisations for c in services.by_category}["test_before_invest"] == 2
    # By hub service: test before invest R1, R2, R9; skills training R4; awareness R5; none R10.
    assert by_label(services.by_hub_service) == {
        "Test before invest": 3,
        "Skills and training": 1,
        "Awareness raising": 1,
        "no hub service": 1,
    }
    # By partner: LIST R1, R4, R9 (Alpha, Beta, Delta); FEDIL R2 (Alpha); the hub itself R5, R10. Alpha, served
    # by both partners, is one customer and two services.
    partners = {c.label: (c.value, c.organisations) for c in services.by_partner}
    assert partners == {"FEDIL": (1, 1), "LIST": (3, 3), "the hub": (2, 2)}


def test_a_partner_filter_keeps_that_partners_deliveries(kpi_world: World) -> None:
    listed = Filters(partner_id=kpi_world.orgs["list"].pk)
    # LIST delivered R1 (Alpha), R4 (Beta), R9 (Delta): 3 services, 3 customers, 2 SMEs and 1 large.
    assert queries.services(H1, listed).total == 3
    customers = queries.customers(H1, listed)
    assert customers.total == 3
    assert values(customers.by_type) == {"sme": 2, "small_midcap": 0, "pso": 0, "large": 1, "unknown": 0}


def test_a_category_filter_keeps_that_category(kpi_world: World) -> None:
    skills = Filters(category="skills_and_training")
    # Skills: R4 (Beta) and R10 (Epsilon).
    services = queries.services(H1, skills)
    assert (services.total, services.customers) == (2, 2)
    assert values(services.by_category)["test_before_invest"] == 0


# --- Aid -----------------------------------------------------------------------------------------------------


def test_aid_counts_when_granted_not_when_delivered(kpi_world: World) -> None:
    granted, grants = queries.aid_granted(H1)
    # G1 2500 (20 January) + G2 3000 (15 June, for R11 delivered in September) = 5500, to Alpha and Beta.
    # Not G3 (granted in December 2024 for R9, delivered in H1), G4 (cancelled), G5 (demo).
    assert (granted.amount, granted.organisations, grants) == (D("5500.00"), 2, 2)
    # In H2, when R11 is delivered, G2 does not count again.
    assert queries.aid_granted(H2)[0].amount == D("0.00")
    # Narrowed to LIST: only G1 aids one of its records (R1); FEDIL: G2 (R11).
    assert queries.aid_granted(H1, Filters(partner_id=kpi_world.orgs["list"].pk))[0].amount == D("2500.00")
    assert queries.aid_granted(H1, Filters(partner_id=kpi_world.orgs["fedil"].pk))[0].amount == D("3000.00")


def test_aid_on_services_is_the_public_share_not_price_minus_invoiced(kpi_world: World) -> None:
    total, by_basis = queries.aid_on_services(H1)
    # R1: price 10000, invoiced 5000, aid 2500 -> 2500 (not 5000); R9: 1000 under GBER. Not R3 (ended before
    # H1, 700) nor R6 (proposed, 800). 2500 + 1000 = 3500, to Alpha and Delta.
    assert (total.amount, total.organisations) == (D("3500.00"), 2)
    assert {a.key: (a.amount, a.organisations) for a in by_basis} == {
        "de_minimis": (D("2500.00"), 1),
        "gber": (D("1000.00"), 1),
    }


# --- Satisfaction ---------------------------------------------------------------------------------------------


def test_satisfaction_averages_records_and_referrals_rated_in_the_period(kpi_world: World) -> None:
    rating = queries.satisfaction(H1)
    # Records: R1 5 (Alpha), R5 2 (Gamma), R9 4 (Delta) -> 11 / 3 = 3.666... = 3.67. Not R3 (before), R6
    # (proposed), R8 (demo).
    assert rating.services == queries.Rating(mean=D("3.67"), ratings=3, organisations=3)
    # Referrals: Beta's 4. Not Epsilon's (half an hour before H1), Alpha's (not done), Delta's (its record R9
    # carries the rating), Demo Co's.
    assert rating.referrals == queries.Rating(mean=D("4.00"), ratings=1, organisations=1)
    # Together: (11 + 4) / 4 = 3.75, from Alpha, Gamma, Delta, Beta.
    assert rating.combined == queries.Rating(mean=D("3.75"), ratings=4, organisations=4)
    # LIST: R1 5, R9 4 and Beta's referral to LIST 4 -> 13 / 3 = 4.333... = 4.33.
    assert queries.satisfaction(H1, Filters(partner_id=kpi_world.orgs["list"].pk)).combined.mean == D("4.33")


def test_no_rating_gives_no_mean(kpi_world: World) -> None:
    # 2020: before every record (R5, ongoing, would count in any later year) and every referral.
    rating = queries.satisfaction(Period(start=date(2020, 1, 1), end=date(2020, 12, 31))).combined
    assert rating == queries.Rating(mean=None, ratings=0, organisations=0)


# --- Maturity -------------------------------------------------------------------------------------------------


def test_maturity_progress_compares_t0_and_t1_of_the_same_questionnaire_version_and_rule(kpi_world: World) -> None:
    maturity = queries.maturity(H1)
    # Alpha: T1 re-scored under rule B, its latest; T0 under B too. B: T1 61, 41, 33, 56, 22, 37 (41.67) minus
    # T0 42, 30, 22, 50, 12, 30 (31.00) = +19, +11, +11, +6, +10, +7 (+10.67).
    # Epsilon: T1 submitted in H1, undated: 25, 30, 20, 24.50, 20, 23 (23.75) minus 20 each (20.00) = +5, +10,
    # 0, +4.50, 0, +3 (+3.75).
    # Left out: Beta (T0 version 1.0, T1 2.0), Gamma (T1 without T0), Delta (T1 in 2024), Demo Co.
    assert maturity.organisations == 2
    # (10.67 + 3.75) / 2 = 7.21
    assert maturity.overall == D("7.21")
    (sme,) = maturity.by_questionnaire
    assert (sme.questionnaire_type, sme.organisations, sme.overall) == ("sme", 2, D("7.21"))
    # D1 (19 + 5) / 2 = 12; D2 (11 + 10) / 2 = 10.50; D3 (11 + 0) / 2 = 5.50; D4 (6 + 4.50) / 2 = 5.25;
    # D5 (10 + 0) / 2 = 5; D6 (7 + 3) / 2 = 5.
    assert sme.dimensions == {
        "D1": D("12.00"),
        "D2": D("10.50"),
        "D3": D("5.50"),
        "D4": D("5.25"),
        "D5": D("5.00"),
        "D6": D("5.00"),
    }


def test_an_earlier_rule_is_used_when_the_latest_t1_has_no_t0_under_it(kpi_world: World) -> None:
    from moselle.assessments.models import Result

    # Without Alpha's T0 under rule B, its T1's B result has nothing to compare with; rule A does:
    # T1 40.00 - T0 30.00 = +10.00, with Epsilon's +3.75: (10 + 3.75) / 2 = 6.875 = 6.88.
    Result.objects.filter(organisation=kpi_world.orgs["alpha"], stage="T0", rule="B/exclude").delete()
    assert queries.maturity(H1).overall == D("6.88")


# --- Targets --------------------------------------------------------------------------------------------------


def test_targets_are_measured_over_their_own_period(kpi_world: World) -> None:
    found = {(t.indicator, t.period.start, t.period.end): t for t in queries.targets()}
    three_years = (date(2023, 1, 1), date(2025, 12, 31))
    # 2023-2025: informed Alpha, Beta, Gamma, Delta, Epsilon = 5 of 250 -> 0.0200.
    informed = found[("smes_informed", *three_years)]
    assert (informed.kpi, informed.value, informed.share) == ("organisations_informed", 5, D("0.0200"))
    # Inspired: Alpha, Beta, Delta = 3 of 125 -> 0.0240; engaged Alpha = 1 of 72 -> 0.01388... = 0.0139.
    assert (found[("smes_inspired", *three_years)].value, found[("smes_inspired", *three_years)].share) == (
        3,
        D("0.0240"),
    )
    assert found[("smes_engaged", *three_years)].share == D("0.0139")
    # January 2025: Alpha informed, 1 of 2 -> 0.5000. H1: 2 inspired against a target of 1 -> 2.0000.
    assert found[("smes_informed", date(2025, 1, 1), date(2025, 1, 31))].share == D("0.5000")
    assert found[("smes_inspired", H1.start, H1.end)].share == D("2.0000")
    # The network app measures the corridors: none in this world.
    corridors = found[("cross_border_corridors", *three_years)]
    assert (corridors.kpi, corridors.value, corridors.share, corridors.target) == (
        "cross_border_corridors",
        0,
        D(0),
        15,
    )


def test_a_target_is_measured_by_a_kpi_another_app_registers(kpi_world: World, monkeypatch: Any) -> None:
    kpis.sources()
    others = {code: source for code, source in kpis._SOURCES.items() if code != "cross_border_corridors"}
    monkeypatch.setattr(kpis, "_SOURCES", others)
    kpis.register(KpiSource("cross_border_corridors", "corridors", lambda p, f: 6, "corridors", False))
    corridors = next(t for t in queries.targets() if t.indicator == "cross_border_corridors")
    assert (corridors.value, corridors.share) == (6, D("0.4000"))  # 6 / 15


# --- The registry -----------------------------------------------------------------------------------------------


def test_the_registry_lists_the_core_sources_first_and_takes_new_ones(kpi_world: World, monkeypatch: Any) -> None:
    kpis.sources()
    monkeypatch.setattr(kpis, "_SOURCES", dict(kpis._SOURCES))
    kpis.register(KpiSource("pilots_run", "pilots", lambda p, f: 7, "pilots", False))
    codes = [source.code for source in kpis.sources()]
    assert codes[:4] == [
        "organisations_informed",
        "organisations_inspired",
        "organisations_engaged",
        "customers_served",
    ]
    assert codes[-1] == "pilots_run"
    with pytest.raises(ValueError, match="already registered"):
        kpis.register(KpiSource("pilots_run", "pilots", lambda p, f: 7, "pilots", False))
    computed = {value.code: value.value for value in kpis.compute_all(H1, Filters())}
    assert computed["organisations_informed"] == 3
    assert computed["customers_served"] == 5
    assert computed["services_delivered"] == 6
    assert computed["aid_granted"] == D("5500.00")
    assert computed["aid_on_services"] == D("3500.00")
    assert computed["satisfaction_mean"] == D("3.75")
    assert computed["maturity_organisations"] == 2
    assert computed["maturity_progress"] == D("7.21")
    assert computed["pilots_run"] == 7


# --- The dashboard ----------------------------------------------------------------------------------------------


def test_the_dashboard_is_read_in_a_fixed_number_of_queries(kpi_world: World, django_assert_num_queries: Any) -> None:
    # funnel 1, customers 1, services 3 (the groups, the hub services' and the partners' names), aid 2,
    # satisfaction 2, maturity 1, targets: the hub 1, its targets 1, the funnel once per distinct target period
    # (2023-2025, January 2025, H1) 3, the corridors (network) 1 = 16.
    with django_assert_num_queries(16):
        board = queries.dashboard(H1, Filters())
    assert board.funnel.informed == 3 and board.services.total == 6 and not board.suppressed
    more_rows(kpi_world)
    with django_assert_num_queries(16):
        board = queries.dashboard(H1, Filters(partner_id=kpi_world.orgs["list"].pk))
    # LIST's 3 services of the world, and 2 more for each of the 20 new companies.
    assert board.services.total == 43 and board.funnel.informed == 23


def more_rows(world: World) -> None:
    """Twenty more companies, each with a case, two services by LIST, a grant, a rated referral and T0 and T1."""
    from moselle.assessments.models import Assessment, Result
    from moselle.journeys.models import Case, Referral, StageMove
    from moselle.reporting.models import Grant, ServiceRecord
    from moselle.reporting.tests.conftest import at, organisation

    for n in range(20):
        company = organisation(f"Company {n}", size="medium", region="LU00")
        case = Case.objects.create(
            organisation=company, title="case", stage="inform", stage_changed_at=at("2025-03-01"), origin="advisor"
        )
        StageMove.objects.create(case=case, from_stage="", to_stage="inform", at=at("2025-03-01"))
        grant = Grant.objects.create(
            organisation=company,
            number=f"N{n}",
            amount=D("100"),
            granted_on=date(2025, 3, 1),
            basis="de_minimis",
            description="aid",
            counted_before=D("0"),
        )
        for day in ("2025-03-01", "2025-04-01"):
            ServiceRecord.objects.create(
                customer=company,
                category="skills_and_training",
                description="training",
                partner=world.orgs["list"],
                started_on=date.fromisoformat(day),
                aid=D("50"),
                price=D("100"),
                aid_basis="de_minimis",
                grant=grant,
                satisfaction=4,
            )
        Referral.objects.create(organisation=company, recipient=world.orgs["list"], status="done", satisfaction=5)
        for stage, day in (("T0", date(2024, 6, 1)), ("T1", date(2025, 5, 1))):
            assessment = Assessment.objects.create(
                organisation=company,
                questionnaire_type="sme",
                questionnaire_version="1.0",
                stage=stage,
                status="submitted",
                taken_on=day,
            )
            Result.objects.create(
                assessment=assessment,
                organisation=company,
                questionnaire_type="sme",
                questionnaire_version="1.0",
                stage=stage,
                rule="A/exclude",
                dimensions={"D1": "10.00"},
                overall=D("10.00"),
                band="basic",
            )


def test_the_dashboard_hides_from_observers_what_rests_on_few_organisations(kpi_world: World) -> None:
    shown = suppress_dashboard(queries.dashboard(H1, Filters()))
    assert shown.suppressed
    # Every figure of this small world rests on fewer than five organisations. Even the five customers are
    # hidden: spread over five size classes (micro, small, small mid-cap, large, unknown), 5 would tell that
    # each holds exactly one.
    assert shown.funnel == queries.Funnel(informed=None, inspired=None, engaged=None)
    assert shown.customers.total is None
    assert all(cell.value in (None, 0) for cell in shown.customers.by_size)
    assert values(shown.customers.by_size)["medium"] == 0
    # The six services went to five customers: the total is shown, every cell (fewer than five behind each) not;
    # the customers behind them are the hidden customers' total.
    assert (shown.services.total, shown.services.customers) == (6, None)
    assert all(cell.value in (None, 0) for cell in shown.services.by_partner + shown.services.by_category)
    assert shown.aid.granted.amount is None and shown.aid.on_services.amount is None
    assert shown.satisfaction.combined.mean is None and shown.maturity.overall is None
    informed = next(t for t in shown.targets if t.indicator == "smes_informed" and t.target == 250)
    assert informed.value == 5  # five organisations: shown
    engaged = next(t for t in shown.targets if t.indicator == "smes_engaged")
    assert (engaged.value, engaged.share) == (None, None)
