"""Disclosure control: every small cell is hidden, and an attacker who knows how the tables add up (and that a
hidden count is at least 1, since zeros are shown) still cannot work out any hidden cell."""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from moselle.reporting.kpis import NO_FILTERS, KpiValue, Period
from moselle.reporting.queries import (
    Aid,
    Amount,
    Cell,
    Customers,
    Dashboard,
    Funnel,
    Maturity,
    MaturityGroup,
    Rating,
    Satisfaction,
    Services,
    TargetProgress,
)
from moselle.reporting.suppression import (
    is_small,
    suppress,
    suppress_dashboard,
    suppress_kpis,
    suppress_table,
)

Key = Hashable
Lines = Sequence[tuple[Sequence[Key], Sequence[Key]]]  # (cells, totals): the cells add up to the totals


# --- The attacker ---------------------------------------------------------------------------------------------


def possible_values(shown: Mapping[Key, int | None], lines: Lines, least: int = 1) -> dict[Key, set[int]]:
    """Every value each hidden entry takes in some whole-number solution of the lines that agrees with what is
    shown, each hidden entry at least ``least`` and at most the smallest shown total of a line it is a cell of.
    Exhaustive: the free unknowns of the equations are enumerated, the others follow."""
    unknown = [key for key, value in shown.items() if value is None]
    if not unknown:
        return {}
    ceiling = sum(value for value in shown.values() if value is not None) + 20  # room enough to find two values
    upper = dict.fromkeys(unknown, ceiling)
    equations = []
    for cells, totals in lines:
        row = dict.fromkeys(unknown, Fraction(0))
        constant = Fraction(0)
        for key in cells:
            value = shown[key]
            if value is None:
                row[key] += 1
            else:
                constant -= value
        for key in totals:
            value = shown[key]
            if value is None:
                row[key] -= 1
            else:
                constant += value
        equations.append(([row[key] for key in unknown], constant))
        if all(shown[key] is not None for key in totals):
            bound = sum(shown[key] or 0 for key in totals)
            for key in cells:
                if shown[key] is None:
                    upper[key] = min(upper[key], bound)
    pivots, free = _echelon(equations, len(unknown))
    found: dict[Key, set[int]] = {key: set() for key in unknown}

    def pivot_range(
        coefficients: list[Fraction], constant: Fraction, fixed: dict[int, int]
    ) -> tuple[Fraction, Fraction]:
        low = high = constant
        for column, coefficient in enumerate(coefficients):
            if not coefficient or column not in free:
                continue
            if column in fixed:
                low -= coefficient * fixed[column]
                high -= coefficient * fixed[column]
            else:
                span = (coefficient * least, coefficient * upper[unknown[column]])
                low -= max(span)
                high -= min(span)
        return low, high

    def feasible(fixed: dict[int, int]) -> bool:
        for column, (coefficients, constant) in pivots.items():
            low, high = pivot_range(coefficients, constant, fixed)
            if high < least or low > upper[unknown[column]]:
                return False
        return True

    def search(position: int, fixed: dict[int, int]) -> None:
        if all(len(values) > 1 for values in found.values()):
            return  # every hidden entry has two possible values: nothing more to learn
        if not feasible(fixed):
            return
        if position == len(free):
            values = {column: Fraction(fixed[column]) for column in free}
            for column, (coefficients, constant) in pivots.items():
                values[column] = constant - sum(coefficients[c] * fixed[c] for c in free)
            if all(v.denominator == 1 and least <= v <= upper[unknown[c]] for c, v in values.items()):
                for column, value in values.items():
                    found[unknown[column]].add(int(value))
            return
        column = free[position]
        for value in range(least, upper[unknown[column]] + 1):
            search(position + 1, {**fixed, column: value})

    search(0, {})
    return found


def _echelon(
    equations: list[tuple[list[Fraction], Fraction]], width: int
) -> tuple[dict[int, tuple[list[Fraction], Fraction]], list[int]]:
    rows = [(list(coefficients), constant) for coefficients, constant in equations]
    pivot_columns: list[int] = []
    for column in range(width):
        at = len(pivot_columns)
        chosen = next((i for i in range(at, len(rows)) if rows[i][0][column]), None)
        if chosen is None:
            continue
        rows[at], rows[chosen] = rows[chosen], rows[at]
        lead = rows[at][0][column]
        rows[at] = ([x / lead for x in rows[at][0]], rows[at][1] / lead)
        for i in range(len(rows)):
            factor = rows[i][0][column]
            if i != at and factor:
                rows[i] = (
                    [a - factor * b for a, b in zip(rows[i][0], rows[at][0], strict=True)],
                    rows[i][1] - factor * rows[at][1],
                )
        pivot_columns.append(column)
    for coefficients, constant in rows[len(pivot_columns) :]:
        assert not any(coefficients) and constant == 0, "the shown figures contradict the lines"
    pivots = {}
    for i, column in enumerate(pivot_columns):
        coefficients = list(rows[i][0])
        coefficients[column] = Fraction(0)  # the pivot is what the row gives; keep the others
        pivots[column] = (coefficients, rows[i][1])
    return pivots, [column for column in range(width) if column not in pivot_columns]


def assert_safe(truth: Mapping[Key, int], shown: Mapping[Key, int | None], lines: Lines) -> None:
    """Every small entry hidden, zeros shown, shown entries true, and no hidden entry recomputable."""
    for key, value in truth.items():
        if is_small(value):
            assert shown[key] is None, f"{key} counts {value} and is shown"
        if shown[key] is not None:
            assert shown[key] == value
    for cells, totals in lines:
        assert sum(truth[key] for key in cells) == sum(truth[key] for key in totals)
    possible = possible_values(shown, lines)
    for key, values in possible.items():
        assert len(values) > 1, f"{key} can be recomputed: it must be {values}"


def one_way_lines(cells: Mapping[str, int]) -> Lines:
    return [(list(cells), ["total"])]


def shown_one_way(cells: Mapping[str, int | None], total: int | None) -> dict[Key, int | None]:
    return {**cells, "total": total}


# --- One-way tables --------------------------------------------------------------------------------------------


def test_it_hides_small_cells_and_shows_zeros() -> None:
    shown = suppress({"a": 0, "b": 7, "c": 9}, None)
    assert shown.cells == {"a": 0, "b": 7, "c": 9}
    shown = suppress({"a": 0, "b": 1, "c": 4, "d": 5}, None)
    assert shown.cells == {"a": 0, "b": None, "c": None, "d": 5}  # no total: nothing to recompute from


def test_it_hides_the_next_smallest_cell_when_one_alone_is_hidden() -> None:
    cells = {"a": 3, "b": 12, "c": 10, "d": 0}
    shown = suppress(cells, 25)
    # a (3) alone would be 25 - 12 - 10 - 0: the next-smallest non-zero cell, c (10), goes with it.
    assert shown.cells == {"a": None, "b": 12, "c": None, "d": 0}
    assert shown.total == 25
    assert_safe({**cells, "total": 25}, shown_one_way(shown.cells, shown.total), one_way_lines(cells))


def test_two_hidden_ones_are_not_left_to_add_up_to_two() -> None:
    cells = {"a": 1, "b": 1, "c": 10, "d": 12}
    shown = suppress(cells, 24)
    # a + b = 24 - 10 - 12 = 2 would make both 1: c, the next-smallest, is hidden too.
    assert shown.cells == {"a": None, "b": None, "c": None, "d": 12}
    assert_safe({**cells, "total": 24}, shown_one_way(shown.cells, shown.total), one_way_lines(cells))


def test_a_total_under_five_is_hidden_with_its_cells() -> None:
    cells = {"a": 2, "b": 0, "c": 1}
    shown = suppress(cells, 3)
    assert shown.cells == {"a": None, "b": 0, "c": None}
    assert shown.total is None
    assert_safe({**cells, "total": 3}, shown_one_way(shown.cells, shown.total), one_way_lines(cells))


def test_services_are_hidden_by_the_customers_behind_them() -> None:
    services = {"tbi": 9, "skills": 30, "funding": 6}
    customers = {"tbi": 2, "skills": 20, "funding": 6}
    shown = suppress(services, 45, organisations=customers, total_organisations=26)
    # tbi is 9 services to 2 companies: hidden, and funding (6) with it so that 45 - 30 does not give it away.
    assert shown.cells == {"tbi": None, "skills": 30, "funding": None}
    assert shown.total == 45


def test_a_total_that_is_not_the_sum_is_refused() -> None:
    with pytest.raises(ValueError, match="sum"):
        suppress({"a": 5, "b": 6}, 12)


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_of_a_random_one_way_table_can_be_recomputed(seed: int) -> None:
    rng = random.Random(seed)
    cells = {f"k{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15]) for i in range(rng.randint(1, 6))}
    total = sum(cells.values())
    shown = suppress(cells, total)
    assert_safe({**cells, "total": total}, shown_one_way(shown.cells, shown.total), one_way_lines(cells))


# --- Two-way tables --------------------------------------------------------------------------------------------


def table_lines(rows: Sequence[str], columns: Sequence[str]) -> Lines:
    lines: list[tuple[Sequence[Key], Sequence[Key]]] = []
    lines += [([(r, c) for c in columns], [("row", r)]) for r in rows]
    lines += [([(r, c) for r in rows], [("column", c)]) for c in columns]
    lines.append(([("row", r) for r in rows], ["total"]))
    lines.append(([("column", c) for c in columns], ["total"]))
    return lines


def check_table(grid: dict[tuple[str, str], int]) -> dict[Key, int | None]:
    """Suppress the table, check it against the attacker, and give what is shown, keyed as the lines are."""
    rows = list(dict.fromkeys(r for r, _c in grid))
    columns = list(dict.fromkeys(c for _r, c in grid))
    row_totals = {r: sum(grid[(r, c)] for c in columns) for r in rows}
    column_totals = {c: sum(grid[(r, c)] for r in rows) for c in columns}
    total = sum(row_totals.values())
    shown = suppress_table(grid, row_totals, column_totals, total)
    truth: dict[Key, int] = {**grid, "total": total}
    truth.update({("row", r): v for r, v in row_totals.items()})
    truth.update({("column", c): v for c, v in column_totals.items()})
    seen: dict[Key, int | None] = {**shown.cells, "total": shown.total}
    seen.update({("row", r): v for r, v in shown.row_totals.items()})
    seen.update({("column", c): v for c, v in shown.column_totals.items()})
    assert_safe(truth, seen, table_lines(rows, columns))
    return seen


def grid_of(rows: list[list[int]]) -> dict[tuple[str, str], int]:
    return {(f"r{i}", f"c{j}"): value for i, row in enumerate(rows) for j, value in enumerate(row)}


def test_secondary_suppression_cascades_across_rows_and_columns() -> None:
    seen = check_table(grid_of([[2, 10, 20], [9, 15, 30], [12, 25, 40]]))
    # (r0, c0) = 2 is hidden. Row r0 then hides its next-smallest, (r0, c1) = 10; column c0 hides (r1, c0) = 9;
    # column c1, left with (r0, c1) alone, hides (r1, c1) = 15. The four hidden cells form a cycle.
    hidden = {key for key, value in seen.items() if value is None}
    assert hidden == {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")}
    assert seen["total"] == 163


def test_a_hidden_cell_bridging_two_hidden_blocks_is_protected() -> None:
    # Two 2 x 2 blocks of small cells, and (r0, c2) = 3 joining them: each line holds two hidden cells or
    # more, yet r0 + r1 - c0 - c1 would give (r0, c2) exactly. The elimination finds it.
    seen = check_table(
        grid_of(
            [
                [1, 2, 3, 20, 30],
                [3, 4, 25, 20, 30],
                [25, 30, 2, 1, 40],
                [20, 30, 4, 3, 50],
                [40, 50, 60, 70, 80],
            ]
        )
    )
    assert seen[("r0", "c2")] is None


def test_a_small_row_total_is_hidden_and_protected() -> None:
    seen = check_table(grid_of([[1, 0, 2], [10, 12, 14], [9, 11, 13]]))
    assert seen[("row", "r0")] is None
    assert seen[("r0", "c1")] == 0


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_of_a_random_table_can_be_recomputed(seed: int) -> None:
    rng = random.Random(1000 + seed)
    height, width = rng.randint(1, 3), rng.randint(2, 3)
    check_table(grid_of([[rng.choice([0, 1, 2, 3, 6, 8, 11]) for _c in range(width)] for _r in range(height)]))


def test_a_two_way_table_with_inconsistent_totals_is_refused() -> None:
    with pytest.raises(ValueError, match="sum"):
        suppress_table({("a", "x"): 5}, {"a": 5}, {"x": 6}, 5)


# --- The dashboard -----------------------------------------------------------------------------------------------


def cell(key: str, value: int, organisations: int | None = None) -> Cell:
    return Cell(key=key, label=key, value=value, organisations=value if organisations is None else organisations)


def board(**parts: object) -> Dashboard:
    period = Period(start=date(2025, 1, 1), end=date(2025, 12, 31))
    no_rating = Rating(mean=None, ratings=0, organisations=0)
    values: dict[str, object] = {
        "period": period,
        "filters": NO_FILTERS,
        "funnel": Funnel(informed=0, inspired=0, engaged=0),
        "customers": Customers(total=0, by_type=(), by_size=(), by_section=(), by_region=()),
        "services": Services(total=0, customers=0, by_category=(), by_hub_service=(), by_partner=()),
        "aid": Aid(
            granted=Amount("granted", "granted", Decimal("0.00"), 0),
            grants=0,
            on_services=Amount("on_services", "on services", Decimal("0.00"), 0),
            on_services_by_basis=(),
        ),
        "satisfaction": Satisfaction(combined=no_rating, services=no_rating, referrals=no_rating),
        "maturity": Maturity(organisations=0, overall=None, by_questionnaire=()),
        "targets": (),
    }
    values.update(parts)
    return Dashboard(**values)  # type: ignore[arg-type]


def test_the_funnel_hides_what_its_differences_would_give_away() -> None:
    shown = suppress_dashboard(board(funnel=Funnel(informed=12, inspired=10, engaged=8))).funnel
    # 12 - 10 = 2 organisations reached Inform only, and 10 - 8 = 2 Inspire only: hiding inspired covers both.
    assert shown == Funnel(informed=12, inspired=None, engaged=8)
    truth = {"informed": 12, "inspired": 10, "engaged": 8, "only_informed": 2, "only_inspired": 2}
    seen = {"informed": 12, "inspired": None, "engaged": 8, "only_informed": None, "only_inspired": None}
    lines = [(["only_informed", "inspired"], ["informed"]), (["only_inspired", "engaged"], ["inspired"])]
    assert all(len(values) > 1 for values in possible_values(seen, lines, least=0).values())
    assert all(sum(truth[k] for k in cells) == sum(truth[k] for k in totals) for cells, totals in lines)


def test_the_funnel_is_shown_when_nothing_is_small() -> None:
    funnel = Funnel(informed=40, inspired=20, engaged=9)
    assert suppress_dashboard(board(funnel=funnel)).funnel == funnel
    assert suppress_dashboard(board(funnel=Funnel(informed=3, inspired=0, engaged=0))).funnel == Funnel(None, 0, 0)


def test_customer_breakdowns_are_protected_together() -> None:
    by_type = (cell("sme", 15), cell("small_midcap", 3), cell("pso", 0), cell("large", 5), cell("unknown", 0))
    by_size = (
        cell("micro", 6),
        cell("small", 5),
        cell("medium", 4),
        cell("small_midcap", 3),
        cell("large", 5),
        cell("unknown", 0),
    )
    by_section = (cell("C", 20), cell("J", 3))
    by_region = (cell("LU00", 23),)
    links = (
        ("large", "large"),
        ("sme", "medium"),
        ("sme", "micro"),
        ("sme", "small"),
        ("small_midcap", "small_midcap"),
    )
    customers = Customers(23, by_type, by_size, by_section, by_region, links)
    shown = suppress_dashboard(board(customers=customers)).customers
    assert shown.links == ()
    truth: dict[Key, int] = {"total": 23}
    seen: dict[Key, int | None] = {"total": shown.total}
    lines: list[tuple[Sequence[Key], Sequence[Key]]] = []
    for name, cells, shown_cells in (
        ("type", by_type, shown.by_type),
        ("size", by_size, shown.by_size),
        ("section", by_section, shown.by_section),
        ("region", by_region, shown.by_region),
    ):
        truth.update({(name, c.key): c.value or 0 for c in cells})
        seen.update({(name, c.key): c.value for c in shown_cells})
        lines.append(([(name, c.key) for c in cells], ["total"]))
    # What anyone knows of the size classes: an SME is micro, small or medium; the others are themselves.
    lines.append(([("size", "micro"), ("size", "small"), ("size", "medium")], [("type", "sme")]))
    for key in ("small_midcap", "large", "unknown"):
        lines.append(([("size", key)], [("type", key)]))
    lines.append(([("size", "unknown")], [("type", "unknown"), ("type", "pso")]))
    assert_safe(truth, seen, lines)
    # The small mid-caps (3) alone in the type line would be 23 - 15 - 5; of that line's cells, the SMEs (15) are
    # hidden rather than the large (5): they also cover the medium-sized (4), alone among the SME sizes. Left
    # shown: SME sizes micro 6 and small 5, large 5 and 5; what is hidden only gives medium = m, SME = 11 + m,
    # small mid-cap = 7 - m for any m from 1 to 6.
    hidden = {key for key, value in seen.items() if value is None}
    assert hidden == {
        ("type", "sme"),
        ("type", "small_midcap"),
        ("size", "medium"),
        ("size", "small_midcap"),
        ("section", "C"),
        ("section", "J"),
    }
    # ... and J (3) alone would be 23 - 20: C goes with it.


def test_service_counts_are_hidden_by_their_customers() -> None:
    services = Services(
        total=45,
        customers=26,
        by_category=(cell("tbi", 9, 2), cell("skills", 30, 20), cell("funding", 6, 6), cell("ecosystem", 0, 0)),
        by_hub_service=(cell("1", 9, 2), cell("2", 30, 20), cell("3", 6, 6)),
        by_partner=(cell("", 40, 24), cell("7", 5, 2)),
        links=(("funding", "3"), ("skills", "2"), ("tbi", "1")),
    )
    customers = Customers(
        total=26, by_type=(cell("sme", 26),), by_size=(cell("micro", 26),), by_section=(), by_region=()
    )
    shown = suppress_dashboard(board(services=services, customers=customers)).services
    # Test before invest: 9 services to 2 companies, hidden; alone it would be 45 - 30 - 6 - 0, so funding (6) goes
    # too. Hub service 1 is test before invest and 3 is funding (the links): hidden with them, or they would
    # give them away. The ecosystem's 0 stays.
    assert [c.value for c in shown.by_category] == [None, 30, None, 0]
    assert [c.value for c in shown.by_hub_service] == [None, 30, None]
    # Partner 7: 5 services to 2 companies; the hub's own 40 would be 45 - 5, so it goes too.
    assert [c.value for c in shown.by_partner] == [None, None]
    assert [c.organisations for c in shown.by_partner] == [None, None]
    assert shown.total == 45 and shown.customers == 26


def test_money_and_means_resting_on_few_organisations_are_hidden() -> None:
    aid = Aid(
        granted=Amount("granted", "granted", Decimal("12000.00"), 3),
        grants=4,
        on_services=Amount("on_services", "on services", Decimal("50000.00"), 12),
        on_services_by_basis=(
            Amount("de_minimis", "de minimis", Decimal("42500.00"), 10),
            Amount("gber", "GBER", Decimal("7500.00"), 2),
        ),
    )
    satisfaction = Satisfaction(
        combined=Rating(Decimal("4.20"), 10, 8), services=Rating(Decimal("4.00"), 7, 6), referrals=Rating(None, 3, 2)
    )
    group = MaturityGroup("sme", "SME", 3, Decimal("5.00"), {"D1": Decimal("2.00")})
    maturity = Maturity(organisations=3, overall=Decimal("5.00"), by_questionnaire=(group,))
    shown = suppress_dashboard(board(aid=aid, satisfaction=satisfaction, maturity=maturity))
    assert shown.aid.granted.amount is None and shown.aid.grants is None
    # The GBER share went to two companies; the total is shown, so the de minimis share goes too.
    assert [a.amount for a in shown.aid.on_services_by_basis] == [None, None]
    assert shown.aid.on_services.amount == Decimal("50000.00")
    # Referral ratings come from two companies; the combined mean would give them away from the services' mean.
    assert shown.satisfaction.combined.mean == Decimal("4.20")
    assert shown.satisfaction.services.mean is None and shown.satisfaction.referrals.mean is None
    assert shown.maturity.organisations is None and shown.maturity.overall is None
    assert shown.maturity.by_questionnaire[0].dimensions == {"D1": None}


def test_small_target_progress_is_hidden_and_the_dashboard_is_suppressed_once() -> None:
    period = Period(start=date(2023, 1, 1), end=date(2025, 12, 31))
    small = TargetProgress(
        "smes_engaged", "SMEs engaged", 72, period, "organisations_engaged", "organisations", True, 3, None
    )
    shown = suppress_dashboard(board(targets=(small,)))
    assert shown.targets[0].value is None and shown.targets[0].share is None
    assert shown.suppressed
    assert suppress_dashboard(shown) is shown


def test_funnel_targets_of_one_period_nest_like_the_funnel() -> None:
    period = Period(start=date(2023, 1, 1), end=date(2025, 12, 31))
    other = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))

    def target(kpi: str, value: int, when: Period = period) -> TargetProgress:
        return TargetProgress(kpi, kpi, 100, when, kpi, "organisations", True, value, Decimal(value) / 100)

    targets = (
        target("organisations_informed", 30),
        target("organisations_inspired", 28),
        target("organisations_engaged", 20),
        target("organisations_informed", 9, other),
    )
    shown = suppress_dashboard(board(targets=targets)).targets
    # 30 - 28 = 2 reached Inform only: inspired goes. The other period's 9 stands alone.
    assert [t.value for t in shown] == [30, None, 20, 9]
    assert shown[1].share is None


def test_kpi_values_counting_few_organisations_are_hidden() -> None:
    values = [
        KpiValue("organisations_informed", "informed", 30, "organisations", True),
        KpiValue("organisations_inspired", "inspired", 28, "organisations", True),
        KpiValue("organisations_engaged", "engaged", 20, "organisations", True),
        KpiValue("customers_served", "customers", 4, "organisations", True),
        KpiValue("services_delivered", "services", 4, "services", False),
    ]
    shown = {value.code: value.value for value in suppress_kpis(values)}
    # 30 - 28 = 2 reached Inform only: inspired (the smaller of the two) is hidden.
    assert shown == {
        "organisations_informed": 30,
        "organisations_inspired": None,
        "organisations_engaged": 20,
        "customers_served": None,
        "services_delivered": 4,
    }
