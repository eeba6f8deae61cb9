"""The SME size-class engine against Commission Recommendation 2003/361/EC, one rule per test.

No database: the engine takes plain data. Amounts are in euro, staff in annual work units.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from moselle.organisations.sme import Assessment, Figures, Holding, Party, assess, size_definitions

M = Decimal(1_000_000)
YEAR = 2024
ACME = 1


def company(pid: int, name: str, staff: object, turnover: object, balance: object, **extra: object) -> Party:
    """An enterprise with figures for YEAR only."""
    figures = Figures(YEAR, _dec(staff), _dec(turnover), _dec(balance))
    return Party(pid, name, figures={YEAR: figures}, **extra)  # type: ignore[arg-type]


def history(pid: int, name: str, years: dict[int, tuple[object, object, object]]) -> Party:
    figures = {year: Figures(year, _dec(s), _dec(t), _dec(b)) for year, (s, t, b) in years.items()}
    return Party(pid, name, figures=figures)


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def hold(owner: int, owned: int, percent: object, kind: str = "capital", **extra: object) -> Holding:
    return Holding(owner, owned, kind, Decimal(str(percent)), **extra)  # type: ignore[arg-type]


def run(*parties: Party, holdings: tuple[Holding, ...] = (), year: int = YEAR, **options: str) -> Assessment:
    return assess(ACME, {p.id: p for p in parties}, list(holdings), year=year, **options)


def steps(result: Assessment) -> str:
    return "\n".join(result.steps)


def totals(result: Assessment, year: int = YEAR) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    figures = result.figures[year]
    return figures.staff, figures.turnover, figures.balance_sheet


def acme(staff: object = 10, turnover: object = M, balance: object = M) -> Party:
    return company(ACME, "Acme", staff, turnover, balance)


# --- Ceilings (Article 2) --------------------------------------------------------------------------


def test_it_reads_the_ceilings_from_the_json_file() -> None:
    definitions = size_definitions()
    micro, small, medium = definitions.sme["eu-2003-361"]
    assert (micro.size_class, micro.staff_below, micro.turnover_max) == ("micro", 10, 2 * M)
    assert (medium.staff_below, medium.turnover_max, medium.balance_sheet_max) == (250, 50 * M, 43 * M)
    assert small.balance_sheet_max == 10 * M
    assert definitions.midcap["digital-europe-wp"].staff_below == 500
    assert definitions.midcap["digital-europe-wp"].turnover_max is None
    assert definitions.midcap["eu-2025-recommendation"].balance_sheet_max == 129 * M


def test_it_classes_staff_9_as_micro_and_10_as_small() -> None:
    nine, ten = run(acme(staff=9)), run(acme(staff=10))
    assert nine.size_class == "micro"
    assert ten.size_class == "small"
    assert totals(ten) == (10, M, M)
    assert "staff 10 is not under 10" in steps(ten)
    assert ten.autonomous and "Acme has no partner or linked enterprise" in steps(ten)


def test_it_classes_staff_49_as_small_and_50_as_medium() -> None:
    assert run(acme(staff=49, turnover=5 * M, balance=5 * M)).size_class == "small"
    fifty = run(acme(staff=50, turnover=5 * M, balance=5 * M))
    assert fifty.size_class == "medium"
    assert "staff 50 is not under 50" in steps(fifty)


def test_it_classes_staff_249_as_medium_and_250_as_not_an_sme() -> None:
    assert run(acme(staff=249, turnover=20 * M, balance=20 * M)).size_class == "medium"
    over = run(acme(staff=250, turnover=20 * M, balance=20 * M))
    assert over.size_class == "small_midcap"
    assert not over.is_sme
    assert "staff 250 is not under 250" in steps(over)


def test_it_keeps_micro_at_exactly_2m_turnover_and_not_one_cent_more() -> None:
    at_limit = run(acme(staff=5, turnover="2000000", balance=3 * M))
    over = run(acme(staff=5, turnover="2000000.01", balance=3 * M))
    assert at_limit.size_class == "micro"
    assert over.size_class == "small"
    assert totals(over)[1] == Decimal("2000000.01")
    assert "turnover €2,000,000.01 is over €2,000,000" in steps(over)


def test_it_keeps_medium_at_exactly_43m_balance_sheet_and_not_one_cent_more() -> None:
    at_limit = run(acme(staff=100, turnover=60 * M, balance="43000000"))
    over = run(acme(staff=100, turnover=60 * M, balance="43000000.01"))
    assert at_limit.size_class == "medium"
    assert over.size_class == "small_midcap"
    assert "balance-sheet total €43,000,000.01 is over €43,000,000" in steps(over)


def test_it_needs_only_one_of_the_two_money_ceilings() -> None:
    assert run(acme(staff=5, turnover=30 * M, balance="1500000")).size_class == "micro"
    assert run(acme(staff=5, turnover="1500000", balance=30 * M)).size_class == "micro"
    assert run(acme(staff=100, turnover=60 * M, balance=40 * M)).size_class == "medium"
    assert run(acme(staff=5, turnover=3 * M, balance=3 * M)).size_class == "small"


# --- Public control (Article 3(4)) -----------------------------------------------------------------


def test_it_rules_out_sme_at_exactly_25_percent_public_capital() -> None:
    city = Party(2, "City of Esch", is_public_body=True)
    result = run(acme(staff=5), city, holdings=(hold(2, ACME, 25),))
    assert result.public_control and result.public_share == 25
    assert result.size_class == "small_midcap"
    assert "City of Esch 25 %" in steps(result) and "Article 3(4)" in steps(result)
    assert totals(result) == (5, M, M)


def test_it_keeps_sme_at_24_99_percent_public_votes() -> None:
    city = Party(2, "City of Esch", is_public_body=True)
    result = run(acme(staff=5), city, holdings=(hold(2, ACME, "24.99", kind="votes"),))
    assert not result.public_control and result.public_share == Decimal("24.99")
    assert result.size_class == "micro"
    assert "under 25 %" in steps(result)


def test_it_adds_up_two_public_bodies_of_15_percent_each() -> None:
    city, region = Party(2, "City of Esch", is_public_body=True), Party(3, "Region Grand Est", is_public_body=True)
    result = run(acme(staff=5), city, region, holdings=(hold(2, ACME, 15), hold(3, ACME, 15)))
    assert result.public_control and result.public_share == 30
    assert result.size_class == "small_midcap"
    assert "City of Esch 15 %" in steps(result) and "Region Grand Est 15 %" in steps(result)


def test_it_counts_public_control_through_an_enterprise_a_public_body_controls() -> None:
    city = Party(2, "City of Esch", is_public_body=True)
    utility = company(3, "Stadtwerke Esch", 1000, 100 * M, 100 * M)
    holdings = (hold(2, 3, 60, kind="votes"), hold(3, ACME, 30))
    result = run(acme(staff=5), city, utility, holdings=holdings)
    assert result.public_control
    assert "Stadtwerke Esch 30 %" in steps(result)
    # The utility is also a partner: 5 + 30 % of 1000 staff, still under the 500 of the work programme.
    assert totals(result) == (305, 31 * M, 31 * M)
    assert result.size_class == "small_midcap"


def test_it_lets_a_small_local_authority_hold_30_percent_without_public_control() -> None:
    village = Party(2, "Commune de Beaufort", is_public_body=True)
    holdings = (hold(2, ACME, 30, investor_type="small_local_authority"),)
    result = run(acme(staff=5), village, holdings=holdings)
    assert not result.public_control
    assert result.size_class == "micro"
    assert "Commune de Beaufort holds 30 % of Acme as a small autonomous local authority" in steps(result)


def test_it_classes_a_publicly_controlled_company_by_the_midcap_definition() -> None:
    state = Party(2, "State of Luxembourg", is_public_body=True)
    big = acme(staff=600, turnover=100 * M, balance=100 * M)
    assert run(big, state, holdings=(hold(2, ACME, 40),)).size_class == "large"
    options = {"midcap": "eu-2025-recommendation"}
    assert run(big, state, holdings=(hold(2, ACME, 40),), **options).size_class == "small_midcap"


# --- Partner enterprises (Articles 3(2), 6(2), 6(3)) -----------------------------------------------


def beta() -> Party:
    return company(2, "Beta", 100, 20 * M, 15 * M)


def test_it_adds_a_partner_pro_rata() -> None:
    result = run(acme(), beta(), holdings=(hold(2, ACME, 30),))
    assert totals(result) == (40, 7 * M, Decimal("5500000"))
    assert result.size_class == "small"
    assert [(p.name, p.kind, p.share) for p in result.partners] == [("Beta", "partner", 30)]
    assert not result.linked
    assert "Beta holds 30 % of the capital of Acme" in steps(result)


def test_it_takes_the_higher_of_capital_and_votes_for_a_partner() -> None:
    result = run(acme(), beta(), holdings=(hold(2, ACME, 30), hold(2, ACME, 40, kind="votes")))
    assert result.partners[0].share == 40
    assert totals(result)[0] == 50
    assert "Beta holds 40 % of the voting rights of Acme" in steps(result)


def test_it_does_not_add_a_partners_partner() -> None:
    gamma = company(3, "Gamma", 5000, 900 * M, 900 * M)
    result = run(acme(), beta(), gamma, holdings=(hold(2, ACME, 30), hold(3, 2, 40)))
    assert totals(result) == (40, 7 * M, Decimal("5500000"))
    assert result.size_class == "small"
    assert [p.name for p in result.partners] == ["Beta"]
    assert "Gamma is a partner of Beta, which is a partner of Acme; Article 6(3) does not add" in steps(result)


def test_it_adds_a_partners_linked_enterprise_at_the_partners_share() -> None:
    delta = company(3, "Delta", 50, 5 * M, 5 * M)
    result = run(acme(), beta(), delta, holdings=(hold(2, ACME, 30), hold(2, 3, 80, kind="votes")))
    # 10 + 30 % of (100 + 50) staff; 1 m + 30 % of (20 m + 5 m) turnover.
    assert totals(result) == (55, Decimal("8500000"), Decimal("7000000"))
    assert result.size_class == "medium"
    assert [(p.name, p.kind, p.share, p.via) for p in result.partners] == [
        ("Beta", "partner", 30, None),
        ("Delta", "linked_to_partner", 30, 2),
    ]
    assert "Delta is linked to Beta, a partner of Acme" in steps(result)


def test_it_adds_a_downstream_partner_at_exactly_25_percent() -> None:
    zeta = company(3, "Zeta", 40, 4 * M, 4 * M)
    result = run(acme(), zeta, holdings=(hold(ACME, 3, 25),))
    assert totals(result) == (20, 2 * M, 2 * M)
    assert result.size_class == "small"
    assert "Acme holds 25 % of the capital of Zeta" in steps(result)
    below = run(acme(), zeta, holdings=(hold(ACME, 3, "24.99"),))
    assert totals(below) == (10, M, M) and below.autonomous


def test_it_treats_exactly_50_percent_as_a_partnership_not_a_link() -> None:
    result = run(acme(), beta(), holdings=(hold(2, ACME, 50, kind="votes"),))
    assert not result.linked
    assert [(p.name, p.share) for p in result.partners] == [("Beta", 50)]
    assert totals(result)[0] == 60


def test_it_joins_the_holdings_of_linked_enterprises_for_a_partnership() -> None:
    parent = company(2, "Parent", 20, 2 * M, 2 * M)
    child = company(3, "Child", 10, M, M)
    holdings = (hold(2, ACME, 15), hold(2, 3, 80, kind="votes"), hold(3, ACME, 15))
    result = run(acme(), parent, child, holdings=holdings)
    assert {(p.name, p.share) for p in result.partners} == {("Parent", 30), ("Child", 30)}
    assert totals(result)[0] == 19  # 10 + 30 % of (20 + 10)
    assert "Parent holds, with its linked enterprises, 30 % of the capital of Acme" in steps(result)


# --- Linked enterprises (Articles 3(3), 6(2), 6(3)) ------------------------------------------------


def test_it_adds_a_linked_enterprise_in_full_and_its_partner_pro_rata() -> None:
    sub = company(3, "Subco", 20, 2 * M, 2 * M)
    epsilon = company(4, "Epsilon", 100, 10 * M, 10 * M)
    holdings = (hold(ACME, 3, 60, kind="votes"), hold(4, 3, 40))
    result = run(acme(), sub, epsilon, holdings=holdings)
    assert totals(result) == (70, 7 * M, 7 * M)  # 10 + 20 + 40 % of 100
    assert result.size_class == "medium"
    assert [(r.name, r.share) for r in result.linked] == [("Subco", 100)]
    assert [(p.name, p.kind, p.share, p.via) for p in result.partners] == [("Epsilon", "partner_of_linked", 40, 3)]
    assert "Acme holds 60 % of the voting rights of Subco" in steps(result)
    assert "Epsilon is a partner of Subco, which is linked to Acme" in steps(result)


def test_it_links_transitively_through_a_linked_enterprise() -> None:
    parent = company(2, "Holdco", 5, "500000", "500000")
    sister = company(3, "Sister", 30, 3 * M, 3 * M)
    holdings = (hold(2, ACME, 70, kind="votes"), hold(2, 3, 55, kind="votes"))
    result = run(acme(), parent, sister, holdings=holdings)
    assert {r.name for r in result.linked} == {"Holdco", "Sister"}
    assert totals(result) == (45, Decimal("4500000"), Decimal("4500000"))
    assert result.size_class == "small"
    assert "Sister is linked to Acme through Holdco" in steps(result)


def test_it_links_on_dominant_influence() -> None:
    omega = company(2, "Omega", 300, 80 * M, 80 * M)
    result = run(acme(), omega, holdings=(hold(2, ACME, 10, dominant_influence=True),))
    assert [r.name for r in result.linked] == ["Omega"]
    assert totals(result)[0] == 310
    assert result.size_class == "small_midcap"
    assert "Omega has a dominant influence over Acme" in steps(result)


def test_it_links_on_majority_capital_only_when_no_votes_are_given() -> None:
    capital_only = run(acme(), beta(), holdings=(hold(2, ACME, 60),))
    assert [r.name for r in capital_only.linked] == ["Beta"]
    assert totals(capital_only)[0] == 110
    assert "no voting rights are recorded" in steps(capital_only)
    with_votes = run(acme(), beta(), holdings=(hold(2, ACME, 60), hold(2, ACME, 40, kind="votes")))
    assert not with_votes.linked
    assert [(p.name, p.share) for p in with_votes.partners] == [("Beta", 60)]
    assert totals(with_votes)[0] == 70


def test_it_counts_an_enterprise_reached_twice_only_once() -> None:
    sub = company(3, "Subco", 20, 2 * M, 2 * M)
    holdings = (hold(ACME, 3, 60, kind="votes"), hold(2, ACME, 30), hold(2, 3, 40))
    result = run(acme(), beta(), sub, holdings=holdings)
    assert [(p.name, p.share) for p in result.partners] == [("Beta", 40)]
    assert totals(result)[0] == 70  # 10 + 20 + 40 % of 100, not 30 % and 40 %
    assert "Beta is reached more than once; it is counted once, at 40 %" in steps(result)
    higher_first = run(
        acme(), beta(), sub, holdings=(hold(ACME, 3, 60, kind="votes"), hold(2, ACME, 40), hold(2, 3, 30))
    )
    assert [(p.name, p.share) for p in higher_first.partners] == [("Beta", 40)]
    assert totals(higher_first)[0] == 70


def test_it_does_not_link_through_a_natural_person() -> None:
    founder = Party(2, "Anna Muller", is_natural_person=True)
    other = company(3, "Bakery Muller", 40, 3 * M, 3 * M)
    result = run(acme(), founder, other, holdings=(hold(2, ACME, 100), hold(2, 3, 100)))
    assert result.autonomous and totals(result)[0] == 10
    assert "Anna Muller controls Acme and also Bakery Muller" in steps(result)
    minority = run(acme(), founder, holdings=(hold(2, ACME, 40),))
    assert minority.autonomous and totals(minority)[0] == 10
    assert "Anna Muller holds 40 % of Acme but is a natural person" in steps(minority)


# --- Exempt investors (Article 3(2), second subparagraph) ------------------------------------------


def test_it_keeps_a_venture_capital_investor_at_40_percent_autonomous() -> None:
    fund = company(2, "Fonds Nord VC", 40, 300 * M, 300 * M)
    result = run(acme(), fund, holdings=(hold(2, ACME, 40, investor_type="venture_capital"),))
    assert result.autonomous and result.size_class == "small"
    assert totals(result) == (10, M, M)
    assert "Fonds Nord VC holds 40 % of Acme as a venture-capital company" in steps(result)
    at_half = run(acme(), fund, holdings=(hold(2, ACME, 50, kind="votes", investor_type="venture_capital"),))
    assert at_half.autonomous and totals(at_half)[0] == 10
    controlling = run(acme(), fund, holdings=(hold(2, ACME, 60, kind="votes", investor_type="venture_capital"),))
    assert [r.name for r in controlling.linked] == ["Fonds Nord VC"]
    assert totals(controlling)[0] == 50


def test_it_counts_a_business_angel_over_the_limit_as_a_partner() -> None:
    angel = company(2, "Angel Invest", 10, M, M)
    over = run(acme(), angel, holdings=(hold(2, ACME, 30, investor_type="business_angel", invested_eur=1_250_000),))
    assert [(p.name, p.share) for p in over.partners] == [("Angel Invest", 30)]
    assert totals(over)[0] == 13
    assert "Angel Invest counts as an ordinary investor" in steps(over)
    assert "€1,250,000" in steps(over)
    under = run(acme(), angel, holdings=(hold(2, ACME, 30, investor_type="business_angel", invested_eur=1_249_999),))
    assert under.autonomous and totals(under)[0] == 10


def test_it_counts_a_business_angel_without_an_amount_as_an_ordinary_investor() -> None:
    angel = company(2, "Angel Invest", 10, M, M)
    result = run(acme(), angel, holdings=(hold(2, ACME, 30, investor_type="business_angel"),))
    assert [p.name for p in result.partners] == ["Angel Invest"]
    assert "no amount invested is given" in steps(result)


def test_it_adds_up_business_angels_in_the_same_enterprise_against_the_limit() -> None:
    first, second = company(2, "Angel One", 10, M, M), company(3, "Angel Two", 20, M, M)
    holdings = (
        hold(2, ACME, 30, investor_type="business_angel", invested_eur=700_000),
        hold(3, ACME, 30, investor_type="business_angel", invested_eur=600_000),
    )
    result = run(acme(), first, second, holdings=holdings)
    assert {p.name for p in result.partners} == {"Angel One", "Angel Two"}
    assert totals(result)[0] == 19
    assert "€1,300,000" in steps(result)


# --- Reference years (Article 4) -------------------------------------------------------------------


def test_it_ignores_a_crossing_that_lasts_one_year() -> None:
    acme_years = history(ACME, "Acme", {2022: (5, M, M), 2023: (12, M, M), 2024: (6, M, M)})
    result = run(acme_years)
    assert result.size_class == "micro"
    assert [result.figures[y].size_class for y in (2022, 2023, 2024)] == ["micro", "small", "micro"]
    assert "The crossing in 2023 lasted one year only and is ignored" in steps(result)
    last_year_only = run(history(ACME, "Acme", {2023: (5, M, M), 2024: (12, M, M)}))
    assert last_year_only.size_class == "micro"
    assert "one year is not enough to change it" in steps(last_year_only)


def test_it_changes_status_after_two_consecutive_years() -> None:
    result = run(history(ACME, "Acme", {2022: (5, M, M), 2023: (12, M, M), 2024: (60, M, M)}))
    assert result.size_class == "medium"
    assert "2023 and 2024 both differ from micro enterprise" in steps(result)
    assert totals(result, 2024)[0] == 60


def test_it_ignores_years_after_the_assessed_year() -> None:
    result = run(history(ACME, "Acme", {2023: (5, M, M), 2024: (5, M, M), 2025: (300, M, M)}))
    assert result.size_class == "micro"
    assert 2025 not in result.figures
    assert "Figures for 2025 come after 2024 and are not used" in steps(result)
    earlier = run(history(ACME, "Acme", {2023: (5, M, M), 2024: (300, M, M)}), year=2023)
    assert earlier.size_class == "micro" and earlier.status_year == 2023


def test_it_uses_good_faith_estimates_for_a_new_company() -> None:
    estimate = Figures(YEAR, Decimal(3), Decimal(400_000), Decimal(250_000), estimated=True)
    result = run(Party(ACME, "Newco", figures={YEAR: estimate}))
    assert result.size_class == "micro"
    assert result.figures[YEAR].estimated
    assert totals(result) == (3, 400_000, 250_000)
    assert "The 2024 figures of Newco are a good-faith estimate" in steps(result)


# --- Missing data ----------------------------------------------------------------------------------


def test_it_reports_missing_staff_as_unknown() -> None:
    result = run(acme(staff=None))
    assert result.size_class == "unknown"
    assert [(m.name, m.year, m.item) for m in result.missing] == [("Acme", 2024, "staff")]
    assert "staff of Acme for 2024" in steps(result)


def test_it_reports_a_partner_without_figures_as_unknown() -> None:
    bare = Party(2, "Beta", figures={})
    result = run(acme(), bare, holdings=(hold(2, ACME, 30),))
    assert result.size_class == "unknown"
    assert totals(result) == (None, None, None)
    assert [(m.name, m.item) for m in result.missing] == [("Beta", "figures")]
    assert "figures of Beta for 2024" in steps(result)


def test_it_reports_no_figures_at_all_as_unknown() -> None:
    result = run(Party(ACME, "Acme"))
    assert result.size_class == "unknown" and result.status_year is None
    assert [(m.name, m.item) for m in result.missing] == [("Acme", "figures")]


def test_it_decides_when_the_known_figures_already_cross_despite_a_missing_partner() -> None:
    bare = Party(2, "Beta", figures={})
    result = run(acme(staff=600), bare, holdings=(hold(2, ACME, 30),))
    assert result.size_class == "large"
    assert not result.missing
    assert "at least 600" in steps(result)


def test_it_decides_the_status_when_an_unknown_year_cannot_change_it() -> None:
    years = {2022: (None, M, M), 2023: (12, M, M), 2024: (15, M, M)}
    result = run(history(ACME, "Acme", years))
    assert result.figures[2022].size_class == "unknown"
    assert result.size_class == "small"
    assert "the status in 2024 is small enterprise whatever they were" in steps(result)


# --- Small mid-caps --------------------------------------------------------------------------------


def test_it_classes_small_midcaps_by_the_digital_europe_work_programme() -> None:
    assert run(acme(staff=499, turnover=400 * M, balance=400 * M)).size_class == "small_midcap"
    large = run(acme(staff=500, turnover=60 * M, balance=60 * M))
    assert large.size_class == "large"
    assert "staff 500 is not under 500" in steps(large)


def test_it_classes_small_midcaps_by_the_2025_recommendation() -> None:
    options = {"midcap": "eu-2025-recommendation"}
    assert run(acme(staff=600, turnover=150 * M, balance=200 * M), **options).size_class == "small_midcap"
    assert run(acme(staff=600, turnover=200 * M, balance=129 * M), **options).size_class == "small_midcap"
    over_money = run(acme(staff=400, turnover="150000000.01", balance="129000000.01"), **options)
    assert over_money.size_class == "large"
    assert run(acme(staff=750, turnover=100 * M, balance=100 * M), **options).size_class == "large"
    assert run(acme(staff=400, turnover="150000000.01", balance="129000000.01")).size_class == "small_midcap"


# --- Input checks ----------------------------------------------------------------------------------


def test_it_refuses_an_unknown_definition_and_bad_holdings() -> None:
    with pytest.raises(ValueError, match="unknown small mid-cap definition"):
        run(acme(), midcap="eu-2030")
    with pytest.raises(ValueError, match="percent must be above 0"):
        run(acme(), beta(), holdings=(hold(2, ACME, 101),))
    with pytest.raises(ValueError, match="given twice"):
        run(acme(), beta(), holdings=(hold(2, ACME, 30), hold(2, ACME, 20)))
