"""What the rules read about one company, gathered once per evaluation and only when a rule asks: the size
class under the EU SME definition (with its partner and linked enterprises, from the registry), its country,
region and NACE activity, its founding date, its declarations, the grants of a programme recorded or
declared, and its de minimis ledger.

A declaration counts for ``DECLARATION_VALID_DAYS``: a company's situation (a permit, difficulty) changes,
so an old declaration is asked again rather than trusted.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from moselle.funding.models import Application, Declaration, Programme
from moselle.organisations.models import Organisation

if TYPE_CHECKING:
    from moselle.organisations import sme
    from moselle.reporting.ledger import Ledger

DECLARATION_VALID_DAYS = 365


@dataclasses.dataclass
class Facts:
    """One company's facts; ``for_programme`` gives the same facts seen from one programme (its history,
    its approved providers), sharing what is programme-independent."""

    organisation: Organisation
    today: date = dataclasses.field(default_factory=timezone.localdate)
    amount: Decimal | None = None  # the support asked for, for the de minimis headroom
    provider: Organisation | None = None  # the provider the project would use
    programme: Programme | None = None
    shared: dict[str, Any] = dataclasses.field(default_factory=dict)

    def for_programme(self, programme: Programme) -> Facts:
        return dataclasses.replace(self, programme=programme, shared=self.shared)

    def _once(self, key: str, compute: Any) -> Any:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    # --- The company ---

    @property
    def size(self) -> sme.Assessment | None:
        from moselle.organisations.sizeclass import assess_organisation

        found: sme.Assessment | None = self._once("size", lambda: assess_organisation(self.organisation))
        return found

    def size_label(self) -> str:
        from moselle.organisations.sme import size_class_label

        assessment = self.size
        return size_class_label(assessment.size_class) if assessment else ""

    @property
    def nace_path(self) -> list[str]:
        """The main activity's code and those above it, from the section down (``["C", "25", "25.6", "25.62"]``)."""

        def walk() -> list[str]:
            code = self.organisation.primary_nace
            path = []
            while code is not None:
                path.append(code.code)
                code = code.parent
            return list(reversed(path))

        return list(self._once("nace", walk))

    @property
    def founded_on(self) -> date | None:
        return getattr(self.organisation, "founded_on", None)

    def declaration(self, kind: str) -> Declaration | None:
        """The latest declaration of this kind still valid."""
        return self._declarations().get(kind)

    def _declarations(self) -> dict[str, Declaration]:
        def read() -> dict[str, Declaration]:
            found: dict[str, Declaration] = {}
            since = self.today - timedelta(days=DECLARATION_VALID_DAYS)
            rows = Declaration.objects.filter(organisation=self.organisation, declared_on__gte=since).exclude(
                kind=Declaration.Kind.PROGRAMME_HISTORY
            )
            for row in rows.order_by("-declared_on", "-id"):
                found.setdefault(row.kind, row)
            return found

        result: dict[str, Declaration] = self._once("declarations", read)
        return result

    @property
    def ledger(self) -> Ledger:
        from moselle.reporting.ledger import ledger

        found: Ledger = self._once("ledger", lambda: ledger(self.organisation, self.today))
        return found

    def years_ago(self, years: int) -> date:
        try:
            return self.today.replace(year=self.today.year - years)
        except ValueError:  # 29 February
            return self.today.replace(year=self.today.year - years, day=28)

    # --- Seen from one programme ---

    def granted_since(self, since: date) -> date | None:
        """The latest grant of the programme recorded for the company on or after ``since``."""
        if self.programme is None:
            return None
        found: date | None = (
            Application.objects.filter(
                organisation=self.organisation,
                programme=self.programme,
                status=Application.Status.GRANTED,
                decided_on__gte=since,
            )
            .order_by("-decided_on")
            .values_list("decided_on", flat=True)
            .first()
        )
        return found

    def history(self) -> Declaration | None:
        """The company's latest valid declaration of the grants of the programme it received."""
        if self.programme is None:
            return None
        since = self.today - timedelta(days=DECLARATION_VALID_DAYS)
        return (
            Declaration.objects.filter(
                organisation=self.organisation,
                kind=Declaration.Kind.PROGRAMME_HISTORY,
                programme=self.programme,
                declared_on__gte=since,
            )
            .order_by("-declared_on", "-id")
            .first()
        )

    @property
    def approved_providers(self) -> list[Organisation]:
        if self.programme is None:
            return []
        return list(self.programme.approved_providers.order_by("name"))


__all__ = ["DECLARATION_VALID_DAYS", "Facts"]
