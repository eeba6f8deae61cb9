"""The hub's figures for a period, as the Commission looks at them: the funnel, the customers served and the
services delivered, the aid granted, customer satisfaction, the change in digital maturity (T0 → T1) and the
progress towards the hub's targets.

Each function reads in one query, or a small fixed number, whatever the number of rows. Demo organisations
never count, nor do service records that were only proposed or were rejected (``ServiceRecord.COUNTED``).
The figures are unsuppressed: ``suppression.suppress_dashboard`` hides what observers must not see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from moselle.assessments.models import Assessment, QuestionnaireType, Result
from moselle.assessments.models import Stage as DmaStage
from moselle.core.i18n import pick
from moselle.journeys.models import STAGE_ORDER, Referral, Stage, StageMove
from moselle.organisations.access import own_hub
from moselle.organisations.models import EdihCategory, HubService, HubTarget, Organisation, OrganisationKind
from moselle.organisations.sme import SIZE_CLASSES, SME_CLASSES, size_class_label
from moselle.reporting.kpis import NO_FILTERS, Figure, Filters, KpiSource, Period, source
from moselle.reporting.models import AidBasis, Grant, ServiceRecord

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")


def real(path: str) -> Q:
    """Leave out demo organisations, unless the instance itself runs as the demo (``MOSELLE_DEMO``), where
    the figures are the demo's own. Exports for the Commission leave them out always."""
    if settings.MOSELLE_DEMO:
        return Q()
    return Q(**{f"{path}__is_demo": False})


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _mean(total: Decimal | int, count: int) -> Decimal | None:
    return _round(Decimal(total) / count) if count else None


def _moments(period: Period) -> tuple[datetime, datetime]:
    """The period as moments in the hub's time zone: from the first day's midnight to the midnight after the
    last day (excluded)."""
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    return start, end


# --- The funnel -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Organisations whose case reached each stage, or a later one, within the period (None once hidden)."""

    informed: int | None
    inspired: int | None
    engaged: int | None


def _reached(stage: Stage) -> Count:
    later = [s for s in Stage if STAGE_ORDER[s] >= STAGE_ORDER[stage]]
    return Count("case__organisation", distinct=True, filter=Q(to_stage__in=later))


def funnel(period: Period) -> Funnel:
    """Read from the stage moves: a case opened at Inform has a move with an empty ``from_stage``, so every
    case that was opened, or moved, in the period counts; an organisation with two cases counts once."""
    start, end = _moments(period)
    counts = StageMove.objects.filter(real("case__organisation"), at__gte=start, at__lt=end).aggregate(
        informed=_reached(Stage.INFORM), inspired=_reached(Stage.INSPIRE), engaged=_reached(Stage.ENGAGE)
    )
    return Funnel(informed=counts["informed"], inspired=counts["inspired"], engaged=counts["engaged"])


# --- Service records ----------------------------------------------------------------------------------


def counted_records(period: Period, filters: Filters = NO_FILTERS) -> QuerySet[ServiceRecord]:
    """Records that count in the period: their dates overlap it, their status counts, and neither the customer
    nor the partner who delivered is a demo organisation."""
    records = ServiceRecord.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start),
        Q(partner__isnull=True) | real("partner"),
        real("customer"),
        status__in=ServiceRecord.COUNTED,
        started_on__lte=period.end,
    )
    return _narrowed(records, filters)


def _narrowed(records: QuerySet[ServiceRecord], filters: Filters) -> QuerySet[ServiceRecord]:
    if filters.partner_id:
        records = records.filter(partner_id=filters.partner_id)
    if filters.category:
        records = records.filter(category=filters.category)
    return records


@dataclass(frozen=True)
class Cell:
    """One line of a breakdown: customers (or services) and the distinct organisations behind them."""

    key: str
    label: str
    value: int | None
    organisations: int | None


@dataclass(frozen=True)
class Customers:
    """Unique customers served in the period, broken down five ways. ``links`` pairs each customer type with
    the size classes it was found with, for disclosure control only (cleared once suppressed)."""

    total: int | None
    by_type: tuple[Cell, ...]
    by_size: tuple[Cell, ...]
    by_section: tuple[Cell, ...]
    by_region: tuple[Cell, ...]
    links: tuple[tuple[str, str], ...] = ()


CUSTOMER_TYPES = {
    "sme": _("SME"),
    "small_midcap": _("small mid-cap"),
    "pso": _("public sector organisation"),
    "large": _("large enterprise"),
    "unknown": _("unknown"),
}
UNKNOWN = "unknown"


def customer_type(size_class: str, public_body: bool) -> str:
    """The Commission's customer type: a public body is a PSO (the SME test does not apply to it); otherwise
    the size class decides."""
    if public_body:
        return "pso"
    if size_class in SME_CLASSES:
        return "sme"
    return size_class if size_class in ("small_midcap", "large") else UNKNOWN


def _section_of(prefix: str) -> Case:
    """The NACE section above the primary code, whatever the code's level (1 to 4)."""
    whens = []
    for depth in range(4):
        path = prefix + "__parent" * depth
        whens.append(When(**{f"{path}__level": 1}, then=F(f"{path}__code")))
    return Case(*whens, default=Value(""), output_field=CharField())


def _customer_rows(period: Period, filters: Filters) -> list[tuple[int, str, bool, str, str]]:
    public = OrganisationKind.objects.filter(organisation=OuterRef("pk"), kind=Organisation.Kind.PUBLIC_BODY)
    rows = (
        Organisation.objects.filter(pk__in=counted_records(period, filters).values("customer_id"))
        .annotate(
            public_body=Exists(public),
            section=_section_of("primary_nace"),
            area=Coalesce(NullIf("region", Value("")), "country"),
        )
        .order_by()
        .values_list("pk", "size_class", "public_body", "section", "area")
    )
    return list(rows)


def _cells(counts: Counter[str], labels: dict[str, str], keys: Iterable[str] = ()) -> tuple[Cell, ...]:
    """Cells of organisations counted once each: the count is both the value and the organisations behind it."""
    return _cells_of({key: (n, n) for key, n in counts.items()}, labels, keys)


def customers(period: Period, filters: Filters = NO_FILTERS) -> Customers:
    """Unique customers of the records counted in the period, by customer type, size class, NACE section of the
    primary sector and region (the NUTS code, else the country); one customer served twice counts once."""
    by_type: Counter[str] = Counter()
    by_size: Counter[str] = Counter()
    by_section: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    links: set[tuple[str, str]] = set()
    rows = _customer_rows(period, filters)
    for _pk, size_class, public_body, section, area in rows:
        kind = customer_type(size_class, public_body)
        size = size_class if size_class in SIZE_CLASSES else UNKNOWN
        by_type[kind] += 1
        by_size[size] += 1
        by_section[section or UNKNOWN] += 1
        by_region[area or UNKNOWN] += 1
        links.add((kind, size))
    unknown = str(_("unknown"))
    return Customers(
        total=len(rows),
        by_type=_cells(by_type, {key: str(label) for key, label in CUSTOMER_TYPES.items()}, CUSTOMER_TYPES),
        by_size=_cells(by_size, {key: size_class_label(key) for key in SIZE_CLASSES}, SIZE_CLASSES),
        by_section=_cells(by_section, {UNKNOWN: unknown}),
        by_region=_cells(by_region, {UNKNOWN: unknown}),
        links=tuple(sorted(links)),
    )


@dataclass(frozen=True)
class Services:
    """Services (record counts) delivered in the period, by EDIH category, hub service and partner, each cell
    with its distinct customers. ``links`` pairs each category with the hub services its records were logged
    under, for disclosure control only (cleared once suppressed)."""

    total: int | None
    customers: int | None
    by_category: tuple[Cell, ...]
    by_hub_service: tuple[Cell, ...]
    by_partner: tuple[Cell, ...]
    links: tuple[tuple[str, str], ...] = ()


THE_HUB = ""  # the partner key of services the hub delivered itself, the hub-service key of records without one

# One pass over the counted records (``AS MATERIALIZED``: read once, grouped five ways), every grouping done
# by the database: at a million records, sending one row per customer to Python took seconds. The first
# branch gives each column its type (PostgreSQL types a union's columns from left to right).
_SERVICE_GROUPS = """
WITH counted AS MATERIALIZED ({records})
SELECT 'category', category, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), COUNT(*), COUNT(DISTINCT customer_id)
FROM counted GROUP BY category
UNION ALL
SELECT 'hub_service', NULL, hub_service_id, NULL, COUNT(*), COUNT(DISTINCT customer_id)
FROM counted GROUP BY hub_service_id
UNION ALL
SELECT 'partner', NULL, NULL, partner_id, COUNT(*), COUNT(DISTINCT customer_id) FROM counted GROUP BY partner_id
UNION ALL
SELECT 'all', NULL, NULL, NULL, COUNT(*), COUNT(DISTINCT customer_id) FROM counted
UNION ALL
SELECT 'link', category, hub_service_id, NULL, COUNT(*), 0 FROM counted GROUP BY category, hub_service_id
"""


def _service_groups(period: Period, filters: Filters) -> list[tuple[str, str | None, int | None, int | None, int, int]]:
    """(grouping, category, hub service, partner, services, distinct customers) for each group."""
    records, params = (
        counted_records(period, filters)
        .order_by()
        .values("category", "hub_service_id", "partner_id", "customer_id")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(_SERVICE_GROUPS.format(records=records), params)
        return list(cursor.fetchall())


def _cells_of(counts: dict[str, tuple[int, int]], labels: dict[str, str], keys: Iterable[str] = ()) -> tuple[Cell, ...]:
    """Cells for the given keys first (shown even at zero), then the others found, by label, the hub last."""
    fixed = list(keys)
    found = sorted((k for k in counts if k not in fixed), key=lambda k: (k == THE_HUB, labels.get(k, k), k))
    return tuple(
        Cell(
            key=key,
            label=labels.get(key, key),
            value=counts.get(key, (0, 0))[0],
            organisations=counts.get(key, (0, 0))[1],
        )
        for key in [*fixed, *found]
    )


def services(period: Period, filters: Filters = NO_FILTERS) -> Services:
    """Records counted in the period: a company served by two partners is two services and one customer."""
    by: defaultdict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    links: set[tuple[str, str]] = set()
    total, everyone = 0, 0
    for grouping, category, hub_service_id, partner_id, n, customers_ in _service_groups(period, filters):
        if grouping == "category":
            by["category"][str(category)] = (n, customers_)
        elif grouping == "hub_service":
            by["hub_service"][str(hub_service_id or THE_HUB)] = (n, customers_)
        elif grouping == "partner":
            by["partner"][str(partner_id or THE_HUB)] = (n, customers_)
        elif grouping == "all":
            total, everyone = n, customers_
        else:
            links.add((str(category), str(hub_service_id or THE_HUB)))
    categories = {key: str(label) for key, label in EdihCategory.choices}
    return Services(
        total=total,
        customers=everyone,
        by_category=_cells_of(by["category"], categories, EdihCategory.values),
        by_hub_service=_cells_of(by["hub_service"], _hub_service_labels(by["hub_service"])),
        by_partner=_cells_of(by["partner"], _partner_labels(by["partner"])),
        links=tuple(sorted(links)),
    )


def _hub_service_labels(keys: Iterable[str]) -> dict[str, str]:
    ids = [int(key) for key in keys if key != THE_HUB]
    labels = (
        {
            str(pk): pick(name) or str(code)
            for pk, code, name in HubService.objects.filter(pk__in=ids).values_list("pk", "code", "name")
        }
        if ids
        else {}
    )
    return {THE_HUB: _t("no hub service"), **labels}


def _partner_labels(keys: Iterable[str]) -> dict[str, str]:
    ids = [int(key) for key in keys if key != THE_HUB]
    found = Organisation.objects.filter(pk__in=ids).values_list("pk", "trade_name", "name") if ids else []
    return {THE_HUB: _t("the hub"), **{str(pk): trade_name or name for pk, trade_name, name in found}}


# --- Aid ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """A sum of money and the distinct organisations it went to."""

    key: str
    label: str
    amount: Decimal | None
    organisations: int | None


@dataclass(frozen=True)
class Aid:
    """Aid granted in the period (counted when the hub committed to it), and, as a separate figure, the aid of
    national or regional public nature carried by the services counted in the period, by state-aid basis."""

    granted: Amount
    grants: int | None
    on_services: Amount
    on_services_by_basis: tuple[Amount, ...]


def aid_granted(period: Period, filters: Filters = NO_FILTERS) -> tuple[Amount, int]:
    """Grants in force whose right was conferred in the period, whenever the service is delivered; cancelled
    grants never count. Narrowed by a partner or category to grants aiding a record that matches."""
    grants = Grant.objects.filter(
        real("organisation"),
        status=Grant.Status.GRANTED,
        granted_on__gte=period.start,
        granted_on__lte=period.end,
    )
    if filters.narrowed:
        aided = ServiceRecord.objects.filter(grant=OuterRef("pk"), status__in=ServiceRecord.COUNTED)
        grants = grants.filter(Exists(_narrowed(aided, filters)))
    totals = grants.aggregate(
        amount=Sum("amount"), organisations=Count("organisation", distinct=True), grants=Count("id")
    )
    amount = Amount(
        key="granted",
        label=_t("aid granted"),
        amount=_round(totals["amount"] or Decimal("0")),
        organisations=totals["organisations"],
    )
    return amount, totals["grants"]


def aid_on_services(period: Period, filters: Filters = NO_FILTERS) -> tuple[Amount, tuple[Amount, ...]]:
    """The records' aid column (the national or regional share of the price, never price minus invoiced),
    in total and by basis."""
    rows = (
        counted_records(period, filters)
        .filter(aid__gt=0)
        .order_by()
        .values("aid_basis", "customer_id")
        .annotate(amount=Sum("aid"))
    )
    amounts: defaultdict[str, Decimal] = defaultdict(Decimal)
    receivers: defaultdict[str, set[int]] = defaultdict(set)
    for row in rows:
        amounts[row["aid_basis"]] += _round(Decimal(row["amount"]))
        receivers[row["aid_basis"]].add(row["customer_id"])
    labels = dict(AidBasis.choices)
    by_basis = tuple(
        Amount(key=key, label=str(labels[key]), amount=amounts[key], organisations=len(receivers[key]))
        for key in AidBasis.values
        if key in amounts
    )
    everyone = set().union(*receivers.values()) if receivers else set()
    total = Amount(
        key="on_services",
        label=_t("aid on services"),
        amount=_round(sum(amounts.values(), Decimal("0"))),
        organisations=len(everyone),
    )
    return total, by_basis


def aid(period: Period, filters: Filters = NO_FILTERS) -> Aid:
    granted, grants = aid_granted(period, filters)
    on_services, by_basis = aid_on_services(period, filters)
    return Aid(granted=granted, grants=grants, on_services=on_services, on_services_by_basis=by_basis)


# --- Satisfaction ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """The mean of the ratings (1-5), their number and the distinct organisations that gave them."""

    mean: Decimal | None
    ratings: int | None
    organisations: int | None


@dataclass(frozen=True)
class Satisfaction:
    combined: Rating
    services: Rating
    referrals: Rating


def _by_rater(rows: Iterable[dict[str, Any]]) -> dict[int, tuple[int, int]]:
    return {row["rater"]: (row["total"], row["n"]) for row in rows}


def _rating(raters: dict[int, tuple[int, int]]) -> Rating:
    total = sum(total for total, _n in raters.values())
    count = sum(n for _total, n in raters.values())
    return Rating(mean=_mean(total, count), ratings=count, organisations=len(raters))


def _rated_referrals(period: Period, filters: Filters) -> QuerySet[Referral]:
    """Done referrals rated and last changed in the period. A referral whose service record carries a rating
    of its own is left out: the record already counts it."""
    start, end = _moments(period)
    rated_record = ServiceRecord.objects.filter(
        referral=OuterRef("pk"), status__in=ServiceRecord.COUNTED, satisfaction__isnull=False
    )
    referrals = Referral.objects.filter(
        real("organisation"),
        real("recipient"),
        status=Referral.Status.DONE,
        satisfaction__isnull=False,
        updated_at__gte=start,
        updated_at__lt=end,
    ).exclude(Exists(rated_record))
    if filters.partner_id:
        referrals = referrals.filter(recipient_id=filters.partner_id)
    if filters.category:
        referrals = referrals.filter(Q(need__category=filters.category) | Q(action__category=filters.category))
    return referrals


def satisfaction(period: Period, filters: Filters = NO_FILTERS) -> Satisfaction:
    """Ratings of the records counted in the period and of the referrals done in it; no rating, no mean."""
    records = _by_rater(
        counted_records(period, filters)
        .filter(satisfaction__isnull=False)
        .order_by()
        .values(rater=F("customer_id"))
        .annotate(total=Sum("satisfaction"), n=Count("id"))
    )
    referrals = _by_rater(
        _rated_referrals(period, filters)
        .order_by()
        .values(rater=F("organisation_id"))
        .annotate(total=Sum("satisfaction"), n=Count("id"))
    )
    combined: dict[int, tuple[int, int]] = dict(records)
    for rater, (total, n) in referrals.items():
        before = combined.get(rater, (0, 0))
        combined[rater] = (before[0] + total, before[1] + n)
    return Satisfaction(combined=_rating(combined), services=_rating(records), referrals=_rating(referrals))


# --- Digital maturity -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaturityGroup:
    """T0 → T1 for one questionnaire: mean change in percentage points, overall and per dimension."""

    questionnaire_type: str
    label: str
    organisations: int | None
    overall: Decimal | None
    dimensions: dict[str, Decimal | None]


@dataclass(frozen=True)
class Maturity:
    """Organisations with a comparable T0 and a T1 taken in the period, and their mean change overall."""

    organisations: int | None
    overall: Decimal | None
    by_questionnaire: tuple[MaturityGroup, ...]


@dataclass(frozen=True)
class _Scores:
    questionnaire_type: str
    version: str
    rule: str
    dimensions: dict[str, Any]
    overall: Decimal

    def comparable(self, other: _Scores) -> bool:
        """As ``assessments.results.comparable``: same questionnaire, version and scoring rule."""
        return (self.questionnaire_type, self.version, self.rule) == (
            other.questionnaire_type,
            other.version,
            other.rule,
        )


def _t1_taken_in(period: Period) -> QuerySet[Assessment]:
    """Submitted T1 assessments dated in the period (the date of the assessment, else the day it was submitted)."""
    start, end = _moments(period)
    return Assessment.objects.filter(
        Q(taken_on__gte=period.start, taken_on__lte=period.end)
        | Q(taken_on__isnull=True, submitted_at__gte=start, submitted_at__lt=end),
        stage=DmaStage.T1,
        status=Assessment.Status.SUBMITTED,
    )


def _pairs(period: Period) -> list[tuple[_Scores, _Scores]]:
    """Per organisation, its T1's latest result that has a comparable T0 result under the same rule."""
    rows = (
        Result.objects.filter(
            real("organisation"),
            assessment__status=Assessment.Status.SUBMITTED,
            assessment__stage__in=(DmaStage.T0, DmaStage.T1),
            organisation_id__in=Subquery(_t1_taken_in(period).values("organisation_id")),
        )
        .order_by("created_at", "id")
        .values_list(
            "organisation_id",
            "assessment__stage",
            "questionnaire_type",
            "questionnaire_version",
            "rule",
            "dimensions",
            "overall",
        )
    )
    t0: dict[tuple[int, str], _Scores] = {}
    t1: defaultdict[int, list[_Scores]] = defaultdict(list)
    for organisation_id, stage, kind, version, rule, dimensions, overall in rows:
        scores = _Scores(kind, version, rule, dimensions, overall)
        if stage == DmaStage.T0:
            t0[(organisation_id, rule)] = scores  # one result per rule: a re-scoring is a new rule
        else:
            t1[organisation_id].append(scores)
    found = []
    for organisation_id, results in t1.items():
        for after in reversed(results):  # the latest re-scoring first
            before = t0.get((organisation_id, after.rule))
            if before is not None and before.comparable(after):
                found.append((before, after))
                break
    return found


def _change(pairs: list[tuple[_Scores, _Scores]], kind: str) -> MaturityGroup:
    points: defaultdict[str, list[Decimal]] = defaultdict(list)
    overall = []
    for before, after in pairs:
        overall.append(after.overall - before.overall)
        for key, value in after.dimensions.items():
            if key in before.dimensions:
                points[key].append(Decimal(value) - Decimal(before.dimensions[key]))
    return MaturityGroup(
        questionnaire_type=kind,
        label=str(QuestionnaireType(kind).label),
        organisations=len(pairs),
        overall=_mean(sum(overall, Decimal(0)), len(overall)),
        dimensions={key: _mean(sum(values, Decimal(0)), len(values)) for key, values in sorted(points.items())},
    )


def maturity(period: Period) -> Maturity:
    """The change in digital maturity of organisations whose T1 was taken in the period, against their T0 of
    the same questionnaire, version and scoring rule; other pairs and a T1 without a T0 are left out."""
    pairs = _pairs(period)
    groups = tuple(
        _change([pair for pair in pairs if pair[1].questionnaire_type == kind], kind)
        for kind in QuestionnaireType.values
        if any(pair[1].questionnaire_type == kind for pair in pairs)
    )
    total = sum((after.overall - before.overall for before, after in pairs), Decimal(0))
    return Maturity(organisations=len(pairs), overall=_mean(total, len(pairs)), by_questionnaire=groups)


# --- Targets ----------------------------------------------------------------------------------------------

# The seeded indicators (organisations.hubseed.TARGETS) and the KPI each is measured by; any other indicator is
# measured by the KPI source registered under the same code (e.g. "cross_border_corridors" by the network app).
TARGET_KPIS = {
    "smes_informed": "organisations_informed",
    "smes_inspired": "organisations_inspired",
    "smes_engaged": "organisations_engaged",
}
FUNNEL_KPIS = {
    "organisations_informed": "informed",
    "organisations_inspired": "inspired",
    "organisations_engaged": "engaged",
}


@dataclass(frozen=True)
class TargetProgress:
    """A target of the hub, the KPI's value over the target's own period and the share reached (may pass 1).
    ``kpi`` is empty, and ``value`` None, when no KPI source measures the indicator yet."""

    indicator: str
    label: str
    target: int
    period: Period
    kpi: str
    unit: str
    suppressible: bool
    value: Figure
    share: Decimal | None


def kpi_for_indicator(indicator: str) -> str:
    code = TARGET_KPIS.get(indicator, indicator)
    return code if source(code) is not None else ""


def targets() -> list[TargetProgress]:
    """The own hub's targets. The funnel is read once per distinct target period; an indicator measured by
    another app's KPI costs that KPI's queries."""
    hub = own_hub()
    if hub is None:
        return []
    funnels: dict[Period, Funnel] = {}
    found = []
    for row in HubTarget.objects.filter(hub=hub).order_by("indicator", "period_start"):
        period = Period(start=row.period_start, end=row.period_end)
        code = kpi_for_indicator(row.indicator)
        value = _target_value(code, period, funnels)
        kpi = source(code)
        found.append(
            TargetProgress(
                indicator=row.indicator,
                label=pick(row.label) or row.indicator,
                target=row.value,
                period=period,
                kpi=code,
                unit=kpi.unit if kpi else "",
                suppressible=kpi.suppressible if kpi else False,
                value=value,
                share=(Decimal(value) / row.value).quantize(SHARE) if value is not None and row.value else None,
            )
        )
    return found


def _target_value(code: str, period: Period, funnels: dict[Period, Funnel]) -> Figure:
    if code in FUNNEL_KPIS:
        if period not in funnels:
            funnels[period] = funnel(period)
        value: Figure = getattr(funnels[period], FUNNEL_KPIS[code])
        return value
    kpi = source(code)
    return kpi.compute(period, NO_FILTERS) if kpi else None


# --- The dashboard --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the reporting page, its CSV and its API for one period and filters. ``suppressed``
    says whether disclosure control was applied (what observers get)."""

    period: Period
    filters: Filters
    funnel: Funnel
    customers: Customers
    services: Services
    aid: Aid
    satisfaction: Satisfaction
    maturity: Maturity
    targets: tuple[TargetProgress, ...]
    suppressed: bool = False


def dashboard(period: Period, filters: Filters = NO_FILTERS) -> Dashboard:
    """Everything at once, in a fixed number of queries. The funnel, maturity and targets are the hub's
    whole: the filters narrow the figures read from services (customers, services, aid, satisfaction)."""
    return Dashboard(
        period=period,
        filters=filters,
        funnel=funnel(period),
        customers=customers(period, filters),
        services=services(period, filters),
        aid=aid(period, filters),
        satisfaction=satisfaction(period, filters),
        maturity=maturity(period),
        targets=tuple(targets()),
    )


# --- The core KPI sources -------------------------------------------------------------------------------


def core_sources() -> list[KpiSource]:
    """Reporting's own figures, registered first in ``kpis``."""
    organisations, yes, no = "organisations", True, False
    return [
        KpiSource("organisations_informed", _("Organisations informed"), _funnel_kpi("informed"), organisations, yes),
        KpiSource("organisations_inspired", _("Organisations inspired"), _funnel_kpi("inspired"), organisations, yes),
        KpiSource("organisations_engaged", _("Organisations engaged"), _funnel_kpi("engaged"), organisations, yes),
        KpiSource("customers_served", _("Customers served"), lambda p, f: customers(p, f).total, organisations, yes),
        KpiSource("services_delivered", _("Services delivered"), lambda p, f: services(p, f).total, "services", no),
        KpiSource("aid_granted", _("Aid granted"), lambda p, f: aid_granted(p, f)[0].amount, "eur", no),
        KpiSource("aid_on_services", _("Aid on services"), lambda p, f: aid_on_services(p, f)[0].amount, "eur", no),
        KpiSource(
            "satisfaction_mean",
            _("Customer satisfaction (1-5)"),
            lambda p, f: satisfaction(p, f).combined.mean,
            "score",
            no,
        ),
        KpiSource(
            "maturity_organisations",
            _("Organisations with a T0 to T1 comparison"),
            lambda p, f: maturity(p).organisations,
            organisations,
            yes,
        ),
        KpiSource(
            "maturity_progress",
            _("Change in digital maturity from T0 to T1 (points)"),
            lambda p, f: maturity(p).overall,
            "points",
            no,
        ),
    ]


def _funnel_kpi(stage: str) -> Callable[[Period, Filters], Figure]:
    def compute(period: Period, filters: Filters) -> Figure:
        value: Figure = getattr(funnel(period), stage)
        return value

    return compute
