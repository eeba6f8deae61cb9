"""The de minimis ledger: single undertakings from the registry's control links, the rolling window, the
ceiling shared by a group, refusals above it, warnings near it, excluded sectors, aid counted at commitment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.core.models import AuditEntry
from moselle.core.models_taxonomy import NaceCode
from moselle.organisations.models import Organisation, Ownership
from moselle.reporting import actions, ledger
from moselle.reporting.models import Declaration, Grant

E = Decimal


def org(name: str) -> Organisation:
    return Organisation.objects.create(name=name, country="LU")


def holds(owner: Organisation, owned: Organisation, percent: str, kind: str = "votes", **extra: Any) -> None:
    Ownership.objects.create(owner=owner, owned=owned, percent=E(percent), kind=kind, **extra)


@pytest.fixture
def group(db: Any) -> dict[str, Organisation]:
    """Holding controls Maker (60 % of votes) and Shop (by contract); Maker controls Parts (capital 70 %, no
    vote link recorded). Investor holds 40 % of Maker: a partner, not control. Outsider is alone."""
    names = ("Holding", "Maker", "Shop", "Parts", "Investor", "Outsider")
    made = {name: org(name) for name in names}
    holds(made["Holding"], made["Maker"], "60")
    holds(made["Holding"], made["Shop"], "10", dominant_influence=True)
    holds(made["Maker"], made["Parts"], "70", kind="capital")
    holds(made["Investor"], made["Maker"], "40")
    return made


def ids(*orgs: Organisation) -> set[int]:
    return {o.pk for o in orgs}


def test_single_undertaking_follows_control_both_ways(group: dict[str, Organisation]) -> None:
    expected = ids(group["Holding"], group["Maker"], group["Shop"], group["Parts"])
    for name in ("Holding", "Maker", "Shop", "Parts"):
        assert ledger.single_undertaking(group[name].pk) == expected
    assert ledger.single_undertaking(group["Investor"].pk) == {group["Investor"].pk}
    assert ledger.single_undertaking(group["Outsider"].pk) == {group["Outsider"].pk}


def test_capital_does_not_stand_for_votes_when_votes_are_recorded(db: Any) -> None:
    parent, child = org("Parent"), org("Child")
    holds(parent, child, "80", kind="capital")
    holds(parent, child, "30", kind="votes")  # the votes say no control
    assert ledger.single_undertaking(child.pk) == {child.pk}


def test_window_is_three_rolling_years_under_2023_2831(db: Any) -> None:
    regulation = ledger.regulation_on(date(2026, 6, 15))
    assert regulation is not None and regulation.code == "2023/2831" and regulation.ceiling == E("300000.00")
    assert ledger.window_start(regulation, date(2026, 6, 15)) == date(2023, 6, 16)
    assert ledger.window_start(regulation, date(2028, 2, 29)) == date(2025, 2, 28) + (
        date(2025, 3, 1) - date(2025, 2, 28)
    )
    older = ledger.regulation_on(date(2023, 5, 1))
    assert older is not None and older.code == "1407/2013" and older.ceiling == E("200000.00")
    assert ledger.window_start(older, date(2023, 5, 1)) == date(2021, 1, 1)  # three fiscal years


def test_group_shares_one_ceiling_and_crossing_it_is_refused(group: dict[str, Organisation], personas: Any) -> None:
    staff = personas.hub_advisor
    day = date(2026, 3, 1)
    # Declared elsewhere: 200,000 by Maker in the window, 90,000 by Shop before it (not counted).
    Declaration.objects.create(
        organisation=group["Maker"],
        amount=E("200000"),
        granted_on=date(2024, 5, 2),
        granting_body="Ministry",
        regulation="2023/2831",
    )
    Declaration.objects.create(
        organisation=group["Shop"],
        amount=E("90000"),
        granted_on=date(2023, 2, 28),
        granting_body="Commune",
        regulation="1407/2013",
    )
    first, warning = actions.grant_record(
        actor=staff, organisation=group["Parts"], amount="60000", granted_on=day, description="Pilot on the press line"
    )
    assert first.counted_before == E("200000.00")
    assert set(first.undertaking) == ids(group["Holding"], group["Maker"], group["Shop"], group["Parts"])
    assert warning == ""  # 260,000 is not above 90 % of 300,000 (270,000)
    current = ledger.ledger(group["Holding"], day)
    assert current.total == E("260000.00") and current.headroom == E("40000.00")

    with pytest.raises(ValidationError) as refused:
        actions.grant_record(
            actor=staff, organisation=group["Shop"], amount="40000.01", granted_on=day, description="Training"
        )
    message = refused.value.message_dict["amount"][0]
    assert "300000" in message and "another basis" in message and "40000.00" in message
    assert Grant.objects.count() == 1  # nothing half-written

    exact, warning = actions.grant_record(
        actor=staff, organisation=group["Shop"], amount="40000", granted_on=day, description="Training"
    )
    assert exact.amount == E("40000.00") and "300000" in warning  # exactly at the ceiling: allowed, warned
    # The outsider and the 40 % investor keep their own ceilings.
    actions.grant_record(actor=staff, organisation=group["Investor"], amount="300000", granted_on=day, description="x")


def test_a_backdated_grant_is_checked_against_later_windows(db: Any, personas: Any) -> None:
    company = org("Backfill SA")
    staff = personas.hub_admin
    actions.grant_record(
        actor=staff, organisation=company, amount="250000", granted_on=date(2026, 1, 10), description="a"
    )
    with pytest.raises(ValidationError) as refused:
        # On 2025-06-01 the window holds nothing yet, but the window ending 2026-01-10 would hold 310,000.
        actions.grant_record(
            actor=staff, organisation=company, amount="60000", granted_on=date(2025, 6, 1), description="b"
        )
    assert "amount" in refused.value.message_dict


def test_aid_counts_from_commitment_and_leaves_the_window_three_years_later(db: Any, personas: Any) -> None:
    company = org("Window SARL")
    staff = personas.hub_admin
    actions.grant_record(
        actor=staff, organisation=company, amount="280000", granted_on=date(2024, 4, 3), description="a"
    )
    # Three years from 2024-04-03 run to 2027-04-02; the window ending 2027-04-03 starts on 2024-04-04.
    assert ledger.ledger(company, date(2027, 4, 2)).total == E("280000.00")
    assert ledger.ledger(company, date(2027, 4, 3)).total == E("0")
    assert ledger.ledger(company, date(2027, 4, 3)).headroom == E("300000.00")
    with pytest.raises(ValidationError):  # still inside the window today
        actions.grant_record(actor=staff, organisation=company, amount="20000.01", description="b")


def test_cancelled_grants_and_other_bases_do_not_count(db: Any, personas: Any) -> None:
    company = org("Cancel SA")
    staff = personas.hub_admin
    grant, _ = actions.grant_record(
        actor=staff, organisation=company, amount="250000", granted_on=date(2026, 1, 5), description="a"
    )
    gber, _ = actions.grant_record(
        actor=staff,
        organisation=company,
        amount="90000",
        granted_on=date(2026, 1, 6),
        description="b",
        basis="gber",
        gber_article="28",
    )
    assert gber.number.startswith("GB-2026-") and grant.number == "DM-2026-0001"
    assert ledger.ledger(company, date(2026, 2, 1)).total == E("250000.00")
    actions.grant_cancel(actor=staff, grant=grant, reason="The company withdrew.")
    assert ledger.ledger(company, date(2026, 2, 1)).total == E("0")
    with pytest.raises(ValidationError):
        actions.grant_cancel(actor=staff, grant=grant, reason="again")
    assert AuditEntry.objects.filter(action="grant.cancel").count() == 1


def test_excluded_sector_is_refused_with_the_reason(db: Any, personas: Any) -> None:
    fishery = org("Pêcherie du Lac")
    nace = NaceCode.objects.create(revision="2", code="03.12", level=4, title={"en": "Freshwater fishing"})
    fishery.primary_nace = nace
    fishery.save()
    with pytest.raises(ValidationError) as refused:
        actions.grant_record(actor=personas.hub_admin, organisation=fishery, amount="1000", description="x")
    assert "03.12" in refused.value.message_dict["organisation"][0]
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "10", "granted_on": "2999-01-01"}, "granted_on"),
        ({"amount": "10", "granted_on": "01/02/2026"}, "granted_on"),
        ({"amount": "10", "description": ""}, "description"),
        ({"amount": "10", "basis": "none"}, "basis"),
    ],
)
def test_bad_grants_name_the_field(db: Any, personas: Any, data: dict[str, Any], field: str) -> None:
    company = org("Bad Input SA")
    arguments = {"description": "A workshop", **data}
    with pytest.raises(ValidationError) as refused:
        actions.grant_record(actor=personas.hub_admin, organisation=company, **arguments)
    assert field in refused.value.message_dict
    assert not Grant.objects.exists()


def test_only_staff_grant(db: Any, personas: Any, org_a: Organisation) -> None:
    with pytest.raises(ValidationError):
        actions.grant_record(actor=personas.a["company_member"], organisation=org_a, amount="10", description="x")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"granted_on": ""}, "granted_on"),
        ({"amount": "-1"}, "amount"),
        ({"granting_body": " "}, "granting_body"),
        ({"regulation": "9999/1"}, "regulation"),
    ],
)
def test_bad_declarations_name_the_field(personas: Any, org_a: Organisation, data: dict[str, Any], field: str) -> None:
    good = {
        "amount": "12000",
        "granted_on": "2025-03-01",
        "granting_body": "Ministry of the Economy",
        "regulation": "2023/2831",
    }
    with pytest.raises(ValidationError) as refused:
        actions.declaration_add(actor=personas.a["company_member"], organisation=org_a, data={**good, **data})
    assert field in refused.value.message_dict
    assert not Declaration.objects.exists()


def test_company_declares_and_corrects_its_own_aid_only(
    personas: Any, org_a: Organisation, org_b: Organisation
) -> None:
    data = {"amount": "12000", "granted_on": "2025-03-01", "granting_body": "Ministry", "regulation": "2023/2831"}
    declaration = actions.declaration_add(actor=personas.a["company_member"], organisation=org_a, data=data)
    assert ledger.ledger(org_a, date(2026, 1, 1)).declared_total == E("12000.00")
    with pytest.raises(ValidationError):
        actions.declaration_add(actor=personas.a["company_member"], organisation=org_b, data=data)
    with pytest.raises(ValidationError):
        actions.declaration_remove(actor=personas.b["company_member"], declaration=declaration)
    actions.declaration_remove(actor=personas.a["company_member"], declaration=declaration)
    assert ledger.ledger(org_a, date(2026, 1, 1)).declared_total == E("0")
