"""The registry of KPI sources: every figure the reporting pages, exports and API show by code.

Reporting registers its own sources (``queries.core_sources``); another app adds its figures from its
``AppConfig.ready`` with ``register(KpiSource(...))`` and never touches reporting's code. The core sources are
always listed first, whatever order the apps load in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from moselle.organisations.models import EdihCategory

Figure = int | Decimal | None  # None: nothing to compute from (a mean without ratings), or hidden


@dataclass(frozen=True)
class Period:
    """A reporting period, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError({"end": _("The end of the period cannot be before its start.")})

    @classmethod
    def parse(cls, start: object, end: object) -> Period:
        """A period from what a form, a query string or the API gave (dates or ISO text)."""
        return cls(start=_day(start, "start"), end=_day(end, "end"))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def _day(value: object, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: _("Give a date.")})
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: _("Give a date such as 2025-01-31.")}) from None


@dataclass(frozen=True)
class Filters:
    """What narrows the service figures: one partner's deliveries, one EDIH category."""

    partner_id: int | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        if self.category and self.category not in EdihCategory.values:
            raise ValidationError({"category": _("Choose one of the four EDIH service categories.")})

    @property
    def narrowed(self) -> bool:
        return bool(self.partner_id or self.category)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class KpiSource:
    """One figure: how it is computed for a period, in which unit, and whether it counts organisations
    (then it is hidden from observers when it counts one to four)."""

    code: str
    label: str | Promise
    compute: Callable[[Period, Filters], Figure]
    unit: str  # "organisations", "services", "ratings", "eur", "score", "points", ...
    suppressible: bool


@dataclass(frozen=True)
class KpiValue:
    code: str
    label: str | Promise
    value: Figure
    unit: str
    suppressible: bool


_SOURCES: dict[str, KpiSource] = {}
_CORE_LOADED: list[bool] = []


def _load_core() -> None:
    if _CORE_LOADED:
        return
    from moselle.reporting.queries import core_sources

    for item in core_sources():
        _add(item)
    _CORE_LOADED.append(True)


def _add(source: KpiSource) -> None:
    if source.code in _SOURCES:
        raise ValueError(f"A KPI source with the code {source.code!r} is already registered.")
    _SOURCES[source.code] = source


def register(source: KpiSource) -> KpiSource:
    """Add a figure; its code must be new."""
    _load_core()
    _add(source)
    return source


def sources() -> list[KpiSource]:
    """Every registered source, in the order of registration (reporting's own first)."""
    _load_core()
    return list(_SOURCES.values())


def source(code: str) -> KpiSource | None:
    _load_core()
    return _SOURCES.get(code)


def compute_all(
    period: Period, filters: Filters = NO_FILTERS, *, known: Mapping[str, Figure] | None = None
) -> list[KpiValue]:
    """Every figure for the period, unsuppressed (``suppression.suppress_kpis`` hides them for observers).
    Figures in ``known`` (read already, e.g. from the dashboard) are taken as they are, not computed again."""
    known = known or {}
    return [
        KpiValue(
            code=item.code,
            label=item.label,
            value=known[item.code] if item.code in known else item.compute(period, filters),
            unit=item.unit,
            suppressible=item.suppressible,
        )
        for item in sources()
    ]
