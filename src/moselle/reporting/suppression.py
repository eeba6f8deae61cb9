"""Disclosure control for observers (funders, ministries): no figure lets them single out fewer than five
organisations.

Primary suppression hides every cell counting one to four organisations (a zero is shown: it discloses no
one). Secondary suppression makes sure no hidden cell can be worked out from what is shown: wherever a line
(a row, a column, the totals, or two breakdowns of the same organisations) leaves a hidden cell recomputable,
the next-smallest non-zero cell of that line is hidden too, until nothing hidden can be recomputed. A hidden
cell counts as recomputable when the lines determine it (checked by exact elimination over all lines at
once, so a cell pinned down by several lines together is caught too) or when a line's hidden cells can only
add up to the shown remainder if each holds its least possible value (two hidden cells summing to 2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Generic, TypeVar

from moselle.reporting.kpis import KpiValue
from moselle.reporting.queries import (
    Aid,
    Amount,
    Cell,
    Customers,
    Dashboard,
    Funnel,
    Maturity,
    Rating,
    Satisfaction,
    Services,
    TargetProgress,
)

THRESHOLD = 5  # the fewest organisations a shown figure may rest on

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)
Number = int | Decimal


def is_small(count: int | None) -> bool:
    """One to four organisations: to be hidden."""
    return count is not None and 0 < count < THRESHOLD


# --- The engine ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line(Generic[K]):
    """Entries that add up: the ``cells`` sum to the ``totals`` (usually one total)."""

    cells: tuple[K, ...]
    totals: tuple[K, ...]

    @property
    def entries(self) -> tuple[K, ...]:
        return (*self.cells, *self.totals)


def protect(
    values: Mapping[K, Number],
    lines: Sequence[Line[K]],
    sensitive: Collection[K],
    *,
    unpublished: Collection[K] = (),
    counts: bool = True,
) -> set[K]:
    """The entries to hide: the ``sensitive`` ones and enough others that none of them can be recomputed.

    ``unpublished`` entries are never shown (such as the organisations that reached Inform but not Inspire,
    the difference of two funnel figures); they need protecting only when sensitive. ``counts`` says the
    values are counts, so a hidden published cell is known to be at least 1."""
    problem = _Problem(values, lines, set(unpublished) - set(sensitive), set(unpublished), counts)
    hidden = set(sensitive) | set(unpublished)
    while True:
        exposed = problem.recomputable(hidden)
        if not exposed:
            return hidden
        more = problem.next_to_hide(hidden, problem.weakest(hidden, exposed))
        if more is None:  # everything is hidden already
            return hidden
        hidden.add(more)


@dataclass(frozen=True)
class _Problem(Generic[K]):
    values: Mapping[K, Number]
    lines: Sequence[Line[K]]
    free: set[K]  # unpublished and not sensitive: may be worked out
    unpublished: set[K]
    counts: bool

    def recomputable(self, hidden: set[K]) -> list[K]:
        """The hidden entries needing protection that what is shown determines, in the order of the values."""
        unknown = [key for key in self.values if key in hidden]
        exposed: set[K] = set()
        while unknown:
            found = _determined(self.lines, unknown)
            if self.counts:
                found |= _at_least(self.values, self.lines, set(unknown), self.unpublished)
            if not found:
                break
            exposed |= found - self.free
            unknown = [key for key in unknown if key not in found]  # worked out, they help to work out others
        return [key for key in self.values if key in exposed]

    def weakest(self, hidden: set[K], exposed: list[K]) -> K:
        """The exposed entry to protect first: one that is the only hidden entry of a line (the others may
        follow from it), else the first."""
        for key in exposed:
            if any(key in line.entries and _hidden_in(line, hidden) == 1 for line in self.lines):
                return key
        return exposed[0]

    def next_to_hide(self, hidden: set[K], exposed: K) -> K | None:
        """The next-smallest non-zero cell of a line where the exposed entry is the only hidden one (else of
        any line through it; else anything shown). Among cells of equal standing, one that also closes another
        line left with a single hidden entry goes first; a total only when no cell will do."""
        through = [line for line in self.lines if exposed in line.entries]
        alone = [line for line in through if _hidden_in(line, hidden) == 1]
        position = {key: i for i, key in enumerate(self.values)}
        for group in (alone, through, None):
            if group is None:
                candidates = {key: False for key in self.values if key not in hidden}
            else:
                candidates = {key: key in line.totals for line in group for key in line.entries if key not in hidden}
            if not candidates:
                continue

            def rank(key: K, candidates: dict[K, bool] = candidates) -> tuple[bool, bool, int, Number, int]:
                value = self.values[key]
                closes = sum(1 for line in self.lines if key in line.entries and _hidden_in(line, hidden) == 1)
                return (value == 0, candidates[key], -closes, value, position[key])

            return min(candidates, key=rank)
        return None


def _hidden_in(line: Line[K], hidden: set[K]) -> int:
    return sum(1 for key in line.entries if key in hidden)


def _determined(lines: Sequence[Line[K]], unknown: list[K]) -> set[K]:
    """The unknowns whose value the lines fix: those whose unit vector lies in the span of the equations."""
    index = {key: position for position, key in enumerate(unknown)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(unknown)
        for key in line.cells:
            if key in index:
                row[index[key]] += 1
        for key in line.totals:
            if key in index:
                row[index[key]] -= 1
        if any(row):
            rows.append(row)
    return {unknown[column] for column, row in _reduced(rows, len(unknown)) if sum(1 for x in row if x) == 1}


def _reduced(rows: list[list[Fraction]], width: int) -> list[tuple[int, list[Fraction]]]:
    """Gauss-Jordan elimination: the pivot column and row of each pivot of the reduced row echelon form."""
    pivots: list[int] = []
    for column in range(width):
        row_at = len(pivots)
        chosen = next((i for i in range(row_at, len(rows)) if rows[i][column]), None)
        if chosen is None:
            continue
        rows[row_at], rows[chosen] = rows[chosen], rows[row_at]
        lead = rows[row_at][column]
        rows[row_at] = [x / lead for x in rows[row_at]]
        for i, row in enumerate(rows):
            if i != row_at and row[column]:
                factor = row[column]
                rows[i] = [a - factor * b for a, b in zip(row, rows[row_at], strict=True)]
        pivots.append(column)
    return [(column, rows[i]) for i, column in enumerate(pivots)]


def _at_least(values: Mapping[K, Number], lines: Sequence[Line[K]], unknown: set[K], unpublished: set[K]) -> set[K]:
    """Hidden entries of a line whose one side is fully known, when the remainder leaves each of them only its
    least value (1 for a hidden count, since zeros are shown; 0 for an unpublished one)."""
    found: set[K] = set()
    for line in lines:
        for side, other in ((line.cells, line.totals), (line.totals, line.cells)):
            missing = [key for key in side if key in unknown]
            if not missing or any(key in unknown for key in other):
                continue
            remainder = sum(values[key] for key in other) - sum(values[key] for key in side if key not in unknown)
            if remainder == sum(0 if key in unpublished else 1 for key in missing):
                found.update(missing)
    return found


# --- One- and two-way tables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown(Generic[K]):
    """A one-way table as observers see it: None where hidden."""

    cells: dict[K, int | None]
    total: int | None


def suppress(
    cells: Mapping[K, int],
    total: int | None,
    *,
    organisations: Mapping[K, int] | None = None,
    total_organisations: int | None = None,
) -> Shown[K]:
    """Hide the cells counting one to four organisations and enough others that none can be recomputed from
    the total. ``total`` must be the sum of the cells (None: no total is shown). When the cells count
    something else (services), ``organisations`` gives the distinct organisations behind each cell and
    ``total_organisations`` behind the total: they decide what is hidden."""
    behind = organisations if organisations is not None else cells
    values: dict[tuple[str, object], int] = {("cell", key): value for key, value in cells.items()}
    sensitive: set[tuple[str, object]] = {("cell", key) for key in cells if is_small(behind.get(key, cells[key]))}
    lines: list[Line[tuple[str, object]]] = []
    grand: tuple[str, object] = ("total", None)
    if total is not None:
        _check_sum(cells.values(), total)
        values[grand] = total
        lines.append(Line(cells=tuple(("cell", key) for key in cells), totals=(grand,)))
        if is_small(total if total_organisations is None else total_organisations):
            sensitive.add(grand)
    hidden = protect(values, lines, sensitive)
    return Shown(
        cells={key: None if ("cell", key) in hidden else value for key, value in cells.items()},
        total=None if grand in hidden or total is None else total,
    )


@dataclass(frozen=True)
class ShownTable(Generic[R, C]):
    """A two-way table as observers see it: None where hidden."""

    cells: dict[tuple[R, C], int | None]
    row_totals: dict[R, int | None]
    column_totals: dict[C, int | None]
    total: int | None


def suppress_table(
    cells: Mapping[tuple[R, C], int],
    row_totals: Mapping[R, int],
    column_totals: Mapping[C, int],
    total: int,
    *,
    organisations: Mapping[tuple[R, C], int] | None = None,
) -> ShownTable[R, C]:
    """A rows-by-columns table with its row, column and grand totals; a cell not given is 0. The totals must be
    the sums of the cells. Totals under five are hidden too; every row, column and the line of the totals is
    protected."""
    rows, columns = list(row_totals), list(column_totals)
    grid = {(r, c): cells.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        _check_sum((grid[(r, c)] for c in columns), row_totals[r])
    for c in columns:
        _check_sum((grid[(r, c)] for r in rows), column_totals[c])
    _check_sum(row_totals.values(), total)
    values: dict[tuple[str, object], int] = {("cell", key): value for key, value in grid.items()}
    values.update({("row", r): row_totals[r] for r in rows})
    values.update({("column", c): column_totals[c] for c in columns})
    values[("total", None)] = total
    lines = [Line(tuple(("cell", (r, c)) for c in columns), (("row", r),)) for r in rows]
    lines += [Line(tuple(("cell", (r, c)) for r in rows), (("column", c),)) for c in columns]
    lines.append(Line(tuple(("row", r) for r in rows), (("total", None),)))
    lines.append(Line(tuple(("column", c) for c in columns), (("total", None),)))
    behind = organisations or {}
    sensitive = {key for key, value in values.items() if key[0] != "cell" and is_small(value)}
    sensitive |= {("cell", key) for key, value in grid.items() if is_small(behind.get(key, value))}
    hidden = protect(values, lines, sensitive)
    return ShownTable(
        cells={key: None if ("cell", key) in hidden else value for key, value in grid.items()},
        row_totals={r: None if ("row", r) in hidden else row_totals[r] for r in rows},
        column_totals={c: None if ("column", c) in hidden else column_totals[c] for c in columns},
        total=None if ("total", None) in hidden else total,
    )


def _check_sum(cells: Iterable[int], total: int) -> None:
    if sum(cells) != total:
        raise ValueError("A total must be the sum of its cells for disclosure control to hold.")


# --- The dashboard ------------------------------------------------------------------------------------------


def suppress_dashboard(board: Dashboard) -> Dashboard:
    """The dashboard as observers see it: organisation counts of one to four hidden, with whatever would let
    them be recomputed; service counts, money and means resting on fewer than five organisations hidden too."""
    if board.suppressed:
        return board
    customers = _customers(board.customers)
    return dataclasses.replace(
        board,
        funnel=_funnel(board.funnel),
        customers=customers,
        services=_services(board.services, customers.total),
        aid=_aid(board.aid),
        satisfaction=_satisfaction(board.satisfaction),
        maturity=_maturity(board.maturity),
        targets=_targets(board.targets),
        suppressed=True,
    )


def _count(value: int | None) -> int:
    if value is None:
        raise ValueError("The dashboard is already suppressed.")
    return value


def nested(counts: Mapping[str, int]) -> set[str]:
    """The keys to hide of counts that nest, outermost first (engaged organisations are among the inspired,
    who are among the informed): the differences between neighbours are counts of organisations too."""
    keys = list(counts)
    values: dict[str, int] = dict(counts)
    lines = []
    for outer, inner in pairwise(keys):
        values[f"{outer}-{inner}"] = counts[outer] - counts[inner]
        lines.append(Line((f"{outer}-{inner}", inner), (outer,)))
    gaps = set(values) - set(keys)
    hidden = protect(values, lines, {key for key, value in values.items() if is_small(value)}, unpublished=gaps)
    return hidden - gaps


def _funnel(funnel: Funnel) -> Funnel:
    counts = {"informed": _count(funnel.informed), "inspired": _count(funnel.inspired)}
    counts["engaged"] = _count(funnel.engaged)
    hidden = nested(counts)
    return Funnel(**{key: None if key in hidden else value for key, value in counts.items()})


Breakdowns = dict[str, tuple[Cell, ...]]


def _breakdowns(
    breakdowns: Breakdowns,
    total: int,
    total_organisations: int,
    links: Iterable[tuple[str, str]],
    linked: tuple[str, str],
) -> tuple[Breakdowns, bool]:
    """Several breakdowns of the same total protected together (they share it), with the lines between the
    two ``linked`` breakdowns (a customer type is the sum of the size classes it was found with)."""
    values: dict[tuple[str, str], int] = {("total", ""): total}
    sensitive = {("total", "")} if is_small(total_organisations) else set()
    lines: list[Line[tuple[str, str]]] = []
    for name, cells in breakdowns.items():
        for cell in cells:
            values[(name, cell.key)] = _count(cell.value)
            if is_small(cell.organisations):
                sensitive.add((name, cell.key))
        lines.append(Line(tuple((name, cell.key) for cell in cells), (("total", ""),)))
    lines += _link_lines(links, linked)
    hidden = protect(values, lines, sensitive)
    shown = {
        name: tuple(_hide_cell(cell) if (name, cell.key) in hidden else cell for cell in cells)
        for name, cells in breakdowns.items()
    }
    return shown, ("total", "") in hidden


def _link_lines(links: Iterable[tuple[str, str]], linked: tuple[str, str]) -> list[Line[tuple[str, str]]]:
    """One line per group of keys found together: the coarse keys add up to the fine keys they were found with."""
    coarse, fine = linked
    groups: list[tuple[set[str], set[str]]] = []
    for left, right in links:
        joined = [group for group in groups if left in group[0] or right in group[1]]
        merged = ({left}, {right})
        for group in joined:
            merged[0].update(group[0])
            merged[1].update(group[1])
            groups.remove(group)
        groups.append(merged)
    return [
        Line(tuple((fine, key) for key in sorted(rights)), tuple((coarse, key) for key in sorted(lefts)))
        for lefts, rights in groups
    ]


def _hide_cell(cell: Cell) -> Cell:
    return dataclasses.replace(cell, value=None, organisations=None)


def _customers(customers: Customers) -> Customers:
    total = _count(customers.total)
    shown, total_hidden = _breakdowns(
        {
            "type": customers.by_type,
            "size": customers.by_size,
            "section": customers.by_section,
            "region": customers.by_region,
        },
        total,
        total,
        customers.links,
        ("type", "size"),
    )
    return Customers(
        total=None if total_hidden else total,
        by_type=shown["type"],
        by_size=shown["size"],
        by_section=shown["section"],
        by_region=shown["region"],
    )


def _services(services: Services, customers: int | None) -> Services:
    """Services are counted, not organisations: a cell is hidden when its services went to fewer than five."""
    shown, total_hidden = _breakdowns(
        {
            "category": services.by_category,
            "hub_service": services.by_hub_service,
            "partner": services.by_partner,
        },
        _count(services.total),
        _count(services.customers),
        services.links,
        ("category", "hub_service"),
    )
    return Services(
        total=None if total_hidden else services.total,
        customers=customers,  # the same organisations as the customers' total, shown or hidden with it
        by_category=shown["category"],
        by_hub_service=shown["hub_service"],
        by_partner=shown["partner"],
    )


def _hide_amount(amount: Amount) -> Amount:
    return dataclasses.replace(amount, amount=None, organisations=None)


def _aid(aid: Aid) -> Aid:
    """Money that went to fewer than five organisations is hidden; the bases add up to the total."""
    granted = _hide_amount(aid.granted) if is_small(aid.granted.organisations) else aid.granted
    parts = {amount.key: amount for amount in aid.on_services_by_basis}
    values: dict[str, Number] = {key: amount.amount or Decimal(0) for key, amount in parts.items()}
    values["total"] = aid.on_services.amount or Decimal(0)
    sensitive = {key for key, amount in parts.items() if is_small(amount.organisations)}
    if is_small(aid.on_services.organisations):
        sensitive.add("total")
    hidden = protect(values, [Line(tuple(parts), ("total",))], sensitive, counts=False)
    return Aid(
        granted=granted,
        grants=None if granted.amount is None else aid.grants,
        on_services=_hide_amount(aid.on_services) if "total" in hidden else aid.on_services,
        on_services_by_basis=tuple(_hide_amount(a) if a.key in hidden else a for a in aid.on_services_by_basis),
    )


HIDDEN_RATING = Rating(mean=None, ratings=None, organisations=None)


def _satisfaction(satisfaction: Satisfaction) -> Satisfaction:
    """The combined mean weighs the two sources: when one is hidden, the other is too."""
    combined, services, referrals = (
        HIDDEN_RATING if is_small(rating.organisations) else rating
        for rating in (satisfaction.combined, satisfaction.services, satisfaction.referrals)
    )
    if combined is not HIDDEN_RATING and (services is HIDDEN_RATING) != (referrals is HIDDEN_RATING):
        services = referrals = HIDDEN_RATING
    return Satisfaction(combined=combined, services=services, referrals=referrals)


def _maturity(maturity: Maturity) -> Maturity:
    """Each questionnaire's organisations add up to the whole: hidden counts take their means with them."""
    total = _count(maturity.organisations)
    values = {group.questionnaire_type: _count(group.organisations) for group in maturity.by_questionnaire}
    values["*"] = total
    sensitive = {key for key, value in values.items() if is_small(value)}
    hidden = protect(values, [Line(tuple(g.questionnaire_type for g in maturity.by_questionnaire), ("*",))], sensitive)
    groups = tuple(
        dataclasses.replace(group, organisations=None, overall=None, dimensions=dict.fromkeys(group.dimensions, None))
        if group.questionnaire_type in hidden
        else group
        for group in maturity.by_questionnaire
    )
    if "*" in hidden:
        return Maturity(organisations=None, overall=None, by_questionnaire=groups)
    return dataclasses.replace(maturity, by_questionnaire=groups)


def _targets(targets: Sequence[TargetProgress]) -> tuple[TargetProgress, ...]:
    """Targets counting organisations hide values of one to four; the funnel targets of one period nest."""
    hidden = {i for i, t in enumerate(targets) if t.suppressible and isinstance(t.value, int) and is_small(t.value)}
    for period in {target.period for target in targets}:
        chain = sorted(
            (FUNNEL_ORDER.index(t.kpi), i, t.value)
            for i, t in enumerate(targets)
            if t.period == period and t.kpi in FUNNEL_ORDER and isinstance(t.value, int)
        )
        hidden |= {int(key) for key in nested({str(i): value for _position, i, value in chain})}
    return tuple(dataclasses.replace(t, value=None, share=None) if i in hidden else t for i, t in enumerate(targets))


FUNNEL_ORDER = ("organisations_informed", "organisations_inspired", "organisations_engaged")


def suppress_kpis(values: Sequence[KpiValue]) -> list[KpiValue]:
    """The registry's figures as observers see them: those counting one to four organisations hidden (the
    funnel's nesting protected as on the dashboard)."""
    funnel = {
        value.code: value.value for value in values if value.code in FUNNEL_ORDER and isinstance(value.value, int)
    }
    counts = {code: int(funnel[code] or 0) for code in FUNNEL_ORDER if code in funnel}
    hidden = nested(counts)
    return [
        dataclasses.replace(value, value=None)
        if value.code in hidden or (value.suppressible and isinstance(value.value, int) and is_small(value.value))
        else value
        for value in values
    ]


__all__ = [
    "THRESHOLD",
    "Line",
    "Shown",
    "ShownTable",
    "is_small",
    "nested",
    "protect",
    "suppress",
    "suppress_dashboard",
    "suppress_kpis",
    "suppress_table",
]
