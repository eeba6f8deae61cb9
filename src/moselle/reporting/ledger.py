"""The de minimis ledger: who forms one single undertaking, and how much aid it has counted in the window.

A single undertaking (Art. 2(2) of Regulation 2023/2831) groups the enterprises linked by control: one holds
the majority of another's voting rights, or has a dominant influence over it by contract. The registry's
ownership links say so; a capital holding stands for the votes when no voting-rights link is recorded for the
pair. Control chains both ways (a parent, its subsidiaries, their subsidiaries, their sister companies), so
the undertaking is every organisation reachable over control links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from moselle.organisations.models import Organisation, Ownership
from moselle.reporting.models import Declaration, Grant, Regulation

MAJORITY = Decimal("50")
CENT = Decimal("0.01")


def _control_edges(ids: set[int]) -> list[tuple[int, int]]:
    links = Ownership.objects.filter(Q(owner_id__in=ids) | Q(owned_id__in=ids)).values_list(
        "owner_id", "owned_id", "kind", "percent", "dominant_influence"
    )
    votes_known = {(owner, owned) for owner, owned, kind, _, _ in links if kind == Ownership.HoldingKind.VOTES}
    edges = []
    for owner, owned, kind, percent, dominant in links:
        stands_for_votes = kind == Ownership.HoldingKind.VOTES or (owner, owned) not in votes_known
        if dominant or (stands_for_votes and percent > MAJORITY):
            edges.append((owner, owned))
    return edges


def single_undertaking(organisation_id: int) -> set[int]:
    """The organisations that form one single undertaking with ``organisation_id`` (itself included)."""
    group, frontier = {organisation_id}, {organisation_id}
    while frontier:
        neighbours: dict[int, set[int]] = defaultdict(set)
        for owner, owned in _control_edges(frontier):
            neighbours[owner].add(owned)
            neighbours[owned].add(owner)
        reached = set().union(*(neighbours[i] for i in frontier)) if frontier else set()
        frontier = reached - group
        group |= frontier
    return group


def regulation_on(day: date) -> Regulation | None:
    """The general de minimis regulation in force on ``day``."""
    return (
        Regulation.objects.filter(general=True, in_force_from__lte=day)
        .filter(Q(in_force_until__isnull=True) | Q(in_force_until__gte=day))
        .order_by("-in_force_from")
        .first()
    )


def window_start(regulation: Regulation, day: date) -> date:
    """The first day counted with ``day``: three years back (rolling), or the start of the fiscal year two
    years back (the older regulation's three fiscal years)."""
    years = regulation.window_years
    if not regulation.rolling:
        return date(day.year - years + 1, 1, 1)
    try:
        back = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        back = day.replace(year=day.year - years, day=28)
    return back + timedelta(days=1)


def excluded_sector(organisation: Organisation, regulation: Regulation) -> str:
    """The NACE code that puts the organisation in a sector the regulation excludes, or ''."""
    code = organisation.primary_nace.code if organisation.primary_nace is not None else ""
    for prefix in regulation.excluded_nace:
        if code and (code == prefix or code.startswith(prefix)):
            return code
    return ""


@dataclass
class Ledger:
    """What a single undertaking has counted on ``day`` under ``regulation``."""

    organisation: Organisation
    day: date
    regulation: Regulation | None
    members: list[Organisation] = field(default_factory=list)
    start: date | None = None
    declared: list[Declaration] = field(default_factory=list)
    granted: list[Grant] = field(default_factory=list)
    declared_total: Decimal = Decimal("0")
    granted_total: Decimal = Decimal("0")
    excluded: str = ""

    @property
    def total(self) -> Decimal:
        return self.declared_total + self.granted_total

    @property
    def ceiling(self) -> Decimal | None:
        return self.regulation.ceiling if self.regulation else None

    @property
    def headroom(self) -> Decimal | None:
        return None if self.regulation is None else max(self.regulation.ceiling - self.total, Decimal("0"))

    def would_exceed(self, amount: Decimal) -> bool:
        return self.regulation is not None and self.total + amount > self.regulation.ceiling

    def near_ceiling(self, amount: Decimal = Decimal("0")) -> bool:
        if self.regulation is None:
            return False
        return self.total + amount > self.regulation.ceiling * self.regulation.warn_share


def ledger(organisation: Organisation, day: date, *, exclude_grant: int | None = None) -> Ledger:
    """The organisation's single undertaking, and the de minimis aid it counted in the window ending ``day``.

    Declared aid counts under whatever de minimis regulation it was granted; the hub's own grants count
    when they are de minimis and not cancelled.
    """
    regulation = regulation_on(day)
    result = Ledger(organisation=organisation, day=day, regulation=regulation)
    ids = single_undertaking(organisation.pk)
    result.members = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    if regulation is None:
        return result
    result.start = window_start(regulation, day)
    result.excluded = excluded_sector(organisation, regulation)
    span = {"organisation_id__in": ids, "granted_on__gte": result.start, "granted_on__lte": day}
    result.declared = list(Declaration.objects.filter(**span).select_related("organisation"))
    grants = Grant.objects.filter(**span, status=Grant.Status.GRANTED, basis="de_minimis")
    if exclude_grant is not None:
        grants = grants.exclude(pk=exclude_grant)
    result.granted = list(grants.select_related("organisation"))
    declared = Declaration.objects.filter(**span).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    result.declared_total = Decimal(declared).quantize(CENT)
    result.granted_total = sum((g.amount for g in result.granted), Decimal("0")).quantize(CENT)
    return result
