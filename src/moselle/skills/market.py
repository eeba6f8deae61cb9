"""The market's digital skills gaps, for the hub and the training providers it briefs.

Demand: the companies (and public bodies) on the platform whose skills picture has a gap in a skill, for any
of their roles, counted once per company. Supply: the published courses that teach the skill, the seats and the
sessions they offer in the next six months. Skills in demand and not on offer come first.

Every cell counts companies, so every cell under five companies is suppressed, and so is every figure that
would let one be recomputed. A breakdown (by sector, size class, region or quarter) has a cell for each key
the organisations with a skills picture have, zero included, so that a cell's presence says nothing; its
cells add up to the skill's total, so the hidden cells are never one alone nor a sum from one to four (the
smallest shown cells are hidden with them), and a skill whose total is under five has all its cells hidden.
Suppressed cells carry no number at all, on the page, in the export and in the API; their rows are listed
after the others, in the skill's name order, so that their order says nothing either.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moselle.catalogue.models import Offer
from moselle.core.models_taxonomy import NaceCode, Skill
from moselle.organisations.models import Organisation
from moselle.skills.models import Course, RoleSkill, SkillsProfile
from moselle.skills.queries import upcoming_sessions

THRESHOLD = 5
HORIZON_DAYS = 183  # six months
QUARTERS = 8
BREAKDOWNS = {
    "sector": _("sector (NACE section)"),
    "size_class": _("size class"),
    "region": _("region"),
    "quarter": _("quarter the gap was first recorded"),
}
EARLIER = "earlier"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Cell:
    key: str
    companies: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.companies is None


@dataclass
class Row:
    skill: Skill
    companies: int | None  # None: fewer than five (none included), never a number
    in_demand: bool  # five companies or more have the gap
    courses: int
    seats: int | None  # None: at least one session without a limit
    sessions: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def not_on_offer(self) -> bool:
        return self.in_demand and self.courses == 0

    @property
    def suppressed(self) -> bool:
        return self.companies is None


@dataclass
class Market:
    rows: list[Row]
    breakdown: str
    keys: list[str]
    horizon: date


def _counted_organisations(prefix: str = "profile__organisation") -> Q:
    """The organisations counted: live companies and public bodies (demo ones only on the demo instance)."""
    q = Q(
        **{
            f"{prefix}__kind_rows__kind__in": (Organisation.Kind.COMPANY, Organisation.Kind.PUBLIC_BODY),
            f"{prefix}__merged_into__isnull": True,
            f"{prefix}__is_historical": False,
        }
    )
    if not settings.MOSELLE_DEMO:
        q &= Q(**{f"{prefix}__is_demo": False})
    return q


def _key_of(
    breakdown: str, sections: dict[int, str], nace_id: int | None, size_class: str, region: str, country: str
) -> str:
    if breakdown == "sector":
        return sections.get(nace_id, UNKNOWN) if nace_id else UNKNOWN
    if breakdown == "size_class":
        return size_class or UNKNOWN
    if breakdown == "region":
        return region or country or UNKNOWN
    return ""


def _population_keys(breakdown: str, sections: dict[int, str], quarters: list[str]) -> list[str]:
    """Every key of the breakdown among the organisations with a skills picture, whether or not they have a
    gap: a skill's cell exists for each (zero included), so a cell's presence says nothing about anyone."""
    if breakdown == "quarter":
        return [EARLIER, *quarters]
    rows = (
        SkillsProfile.objects.filter(_counted_organisations("organisation"))
        .values_list(
            "organisation__primary_nace_id", "organisation__size_class", "organisation__region", "organisation__country"
        )
        .distinct()
    )
    return sorted({_key_of(breakdown, sections, *row) for row in rows})


def _sections() -> dict[int, str]:
    """Every NACE code's section, from the parent chain (one query)."""
    codes = {
        pk: (code, level, parent)
        for pk, code, level, parent in NaceCode.objects.values_list("pk", "code", "level", "parent_id")
    }
    found: dict[int, str] = {}
    for pk in codes:
        current: int | None = pk
        while current is not None and codes[current][1] > 1:
            current = codes[current][2]
        found[pk] = codes[current][0] if current is not None else UNKNOWN
    return found


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_quarters(today: date) -> list[str]:
    keys, year, quarter = [], today.year, (today.month - 1) // 3 + 1
    for _step in range(QUARTERS):
        keys.append(f"{year}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return list(reversed(keys))


def suppress(counts: dict[str, int], total: int) -> list[Cell]:
    """The cells of one breakdown of a skill's ``total`` companies, zero cells included, with primary and
    secondary suppression.

    Every cell under five is hidden (zero too, so that a hidden cell may hold nobody). Because the cells add up
    to the total, the hidden ones add up to what the total leaves: when that is one cell, or a sum from one to
    four that the cells could share, the smallest shown cells are hidden too, until the hidden cells are at
    least two and hold five or more companies between them (or none at all)."""
    if total < THRESHOLD:
        return [Cell(key, None) for key in counts]
    hidden = {key for key, count in counts.items() if count < THRESHOLD}
    shown = sorted((count, key) for key, count in counts.items() if key not in hidden)
    while hidden and shown:
        held = sum(counts[key] for key in hidden)
        if (len(hidden) > 1 or held == 0) and (held == 0 or held >= THRESHOLD):
            break
        hidden.add(shown.pop(0)[1])
    return [Cell(key, None if key in hidden else counts[key]) for key in counts]


def market(breakdown: str = "") -> Market:
    today = timezone.localdate()
    horizon = today + timedelta(days=HORIZON_DAYS)
    gaps = (
        RoleSkill.objects.filter(needed__gt=F("current"))
        .filter(_counted_organisations())
        .values_list(
            "skill_id",
            "profile__organisation_id",
            "profile__organisation__primary_nace_id",
            "profile__organisation__size_class",
            "profile__organisation__region",
            "profile__organisation__country",
            "created_at",
        )
        .distinct()
    )
    sections = _sections() if breakdown == "sector" else {}
    quarters = recent_quarters(today)
    # One entry per company and skill: its key in the breakdown (the earliest gap row for the quarter).
    per_skill: dict[int, dict[int, str]] = defaultdict(dict)
    firsts: dict[tuple[int, int], date] = {}
    for skill_id, organisation_id, nace_id, size_class, region, country, created in gaps:
        if breakdown == "quarter":
            day = timezone.localdate(created)
            pair = (skill_id, organisation_id)
            if pair in firsts and firsts[pair] <= day:
                continue
            firsts[pair] = day
            key = quarter_of(day) if quarter_of(day) in quarters else EARLIER
        else:
            key = _key_of(breakdown, sections, nace_id, size_class, region, country)
        per_skill[skill_id][organisation_id] = key
    supply = _supply(horizon)
    skill_ids = set(per_skill) | set(supply)
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=skill_ids)}
    keys = _population_keys(breakdown, sections, quarters) if breakdown else []
    rows: list[Row] = []
    for skill_id in skill_ids:
        demand = per_skill.get(skill_id, {})
        total = len(demand)
        courses, seats, sessions = supply.get(skill_id, (0, 0, 0))
        if total < THRESHOLD and not courses:
            continue  # listed, it would tell one to four companies from none
        row = Row(
            skill=skills[skill_id],
            companies=total if total >= THRESHOLD else None,
            in_demand=total >= THRESHOLD,
            courses=courses,
            seats=seats,
            sessions=sessions,
        )
        if breakdown:
            found = Counter(demand.values())
            row.cells = suppress({key: found.get(key, 0) for key in keys}, total)
        rows.append(row)
    rows.sort(key=_order)
    return Market(rows=rows, breakdown=breakdown, keys=keys, horizon=horizon)


def _order(row: Row) -> tuple[int, int, int, str, int]:
    """In demand and not on offer first; then in demand; then on offer with fewer than five companies, by the
    skill's name. In demand, by their companies (most first)."""
    group = 0 if row.not_on_offer else (1 if row.in_demand else 2)
    count = row.companies if row.companies is not None else -1
    shown = row.companies is not None
    return (group, 0 if shown else 1, -count if shown else 0, row.skill.label, row.skill.pk)


def _supply(horizon: date) -> dict[int, tuple[int, int | None, int]]:
    """Per skill: published courses teaching it, seats and sessions starting before the horizon."""
    courses: dict[int, set[int]] = defaultdict(set)
    taught = Course.skills.through.objects.filter(course__offer__status=Offer.Status.PUBLISHED)
    if not settings.MOSELLE_DEMO:
        taught = taught.filter(course__offer__is_demo=False)
    for skill_id, course_id in taught.values_list("skill_id", "course_id"):
        courses[skill_id].add(course_id)
    runs: dict[int, list[int | None]] = defaultdict(list)
    for session in upcoming_sessions(within_days=(horizon - timezone.localdate()).days):
        runs[session.course_id].append(session.event.capacity)
    found: dict[int, tuple[int, int | None, int]] = {}
    for skill_id, ids in courses.items():
        capacities = [c for course_id in ids for c in runs.get(course_id, [])]
        seats = None if any(c is None for c in capacities) else sum(c for c in capacities if c is not None)
        found[skill_id] = (len(ids), seats, len(capacities))
    return found


def key_label(key: str) -> str:
    """A breakdown's key as a person reads it: a size class's name, "unknown" and "earlier" translated."""
    from moselle.organisations import sme

    if key == UNKNOWN:
        return str(_("unknown"))
    if key == EARLIER:
        return str(_("earlier"))
    return sme.size_class_label(key) if key in sme.SIZE_CLASSES else key


def csv_rows(result: Market) -> list[list[str]]:
    """The export: one line per skill; a suppressed figure is written as the marker, never as a number."""
    marker = str(_("fewer than 5"))
    header = [
        str(_("skill")),
        str(_("ESCO URI")),
        str(_("companies with the gap")),
        str(_("in demand, not on offer")),
        str(_("courses")),
        str(_("seats in the next six months")),
        str(_("sessions in the next six months")),
        *[f"{BREAKDOWNS[result.breakdown]}: {key_label(key)}" for key in result.keys],
    ]
    lines = [header]
    for row in result.rows:
        cells = {cell.key: cell for cell in row.cells}
        lines.append(
            [
                row.skill.label,
                row.skill.uri,
                marker if row.companies is None else str(row.companies),
                str(_("yes")) if row.not_on_offer else str(_("no")),
                str(row.courses),
                str(_("no limit")) if row.seats is None else str(row.seats),
                str(row.sessions),
                *[
                    ("" if key not in cells else marker if cells[key].suppressed else str(cells[key].companies))
                    for key in result.keys
                ],
            ]
        )
    return lines


__all__ = ["BREAKDOWNS", "THRESHOLD", "Cell", "Market", "Row", "csv_rows", "key_label", "market", "suppress"]
