"""Reads the pilots pages share: the project board by stage, what a project page shows (stages with their gates,
partners and budget, criteria, milestones, bookings, documents), a company's projects with their next milestone,
and a facility's calendar (a month or a week of periods, each with its units booked and free).

The calendar reads the bookings of the range it shows in one query; the projects behind them are named only to
those who see the projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.catalogue.models import Offer
from moselle.pilots.access import visible_projects
from moselle.pilots.models import STAGES, Booking, Facility, Gate, Milestone, Project, Stage

# Projects still on the board; completed and stopped ones are listed apart.
ON_THE_BOARD = (Project.Status.ACTIVE, Project.Status.DECIDED)
FINISHED = (Project.Status.COMPLETED, Project.Status.STOPPED)
FINISHED_SHOWN = 50
VIEWS = ("month", "week")
# Dates the calendar moves between: a date outside falls back to today, so that no arithmetic overflows.
EARLIEST = date(1990, 1, 1)
LATEST = date(2199, 12, 1)


# --- The board --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    stage: str
    label: str
    projects: list[Project]


def board(projects: QuerySet[Project]) -> list[Column]:
    """The projects in progress or awaiting the company's sign-off, one column per stage, in the stages' order."""
    by_stage: dict[str, list[Project]] = defaultdict(list)
    for project in (
        projects.filter(status__in=ON_THE_BOARD).select_related("organisation", "advisor").order_by("starts_on", "id")
    ):
        by_stage[project.stage].append(project)
    return [Column(value, str(label), by_stage.get(value, [])) for value, label in Stage.choices]


def finished(projects: QuerySet[Project]) -> list[Project]:
    """The latest completed or stopped projects."""
    return list(
        projects.filter(status__in=FINISHED)
        .select_related("organisation")
        .order_by("-updated_at", "-id")[:FINISHED_SHOWN]
    )


# --- A project ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A stage of the project, and the gate that led into it (who decided, when, why)."""

    stage: str
    label: str
    state: str  # "done", "current", "to come", or "stopped" (the stage the project was stopped at)
    gate: Gate | None


@dataclass
class ProjectFacts:
    project: Project
    partners: list[Any]
    budget: Decimal
    criteria: list[Any]
    milestones: list[Milestone]
    gates: list[Gate]
    bookings: list[Booking]
    documents: list[Any]
    steps: list[Step] = field(default_factory=list)
    technologies: list[Any] = field(default_factory=list)

    @property
    def results_complete(self) -> bool:
        return all(criterion.has_result for criterion in self.criteria)


def project_facts(project: Project) -> ProjectFacts:
    partners = list(project.partners.select_related("organisation").order_by("id"))
    gates = list(project.gates.select_related("decided_by").order_by("decided_at", "id"))
    facts = ProjectFacts(
        project=project,
        partners=partners,
        budget=sum((p.budget for p in partners), Decimal("0")),
        criteria=list(project.criteria.order_by("id")),
        milestones=list(project.milestones.select_related("owner").order_by("due_on", "id")),
        gates=gates,
        bookings=list(
            project.bookings.select_related("facility__offer__provider").order_by("facility_id", "period_start", "id")
        ),
        documents=list(project.documents.select_related("file", "file__uploaded_by").order_by("-id")),
        technologies=list(project.technologies.order_by("position", "id")),
    )
    facts.steps = steps_of(project, gates)
    return facts


def steps_of(project: Project, gates: list[Gate]) -> list[Step]:
    into = {gate.to_stage: gate for gate in gates if gate.passed and gate.to_stage}
    here = STAGES.index(project.stage)
    steps = []
    for at, (value, label) in enumerate(Stage.choices):
        if at < here or project.status == Project.Status.COMPLETED:
            state = "done"
        elif at == here:
            state = "stopped" if project.status == Project.Status.STOPPED else "current"
        else:
            state = "to come"
        steps.append(Step(value, str(label), state, into.get(value)))
    return steps


def company_projects(projects: QuerySet[Project]) -> list[Project]:
    """A company's projects, each with ``next_milestone`` (the first one not done yet, or None)."""
    pending = Prefetch(
        "milestones",
        queryset=Milestone.objects.filter(done_on__isnull=True).order_by("due_on", "id"),
        to_attr="pending_milestones",
    )
    found: list[Project] = list(projects.prefetch_related(pending).order_by("-created_at", "-id"))
    for project in found:
        waiting = getattr(project, "pending_milestones", [])
        project.next_milestone = waiting[0] if waiting else None  # type: ignore[attr-defined]
    return found


# --- Facilities ------------------------------------------------------------------------------------------------


def facility_of(offer: Offer) -> Facility | None:
    """The facility details of a test-facility offer the person may see, or None while it has none."""
    return Facility.objects.select_related("offer__provider").filter(offer=offer).first()


# --- A facility's calendar ------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One period of the facility (a day, a week from Monday, a month) as the calendar shows it."""

    start: date
    end: date
    # "open", "closed" (a weekday a daily facility is closed), "unavailable" (outside its window) or "past"
    state: str
    booked: int = 0
    free: int = 0
    in_range: bool = True  # False for the days of the previous or next month that fill the month's grid
    is_today: bool = False
    bookings: list[tuple[str, int]] = field(default_factory=list)  # (project title, units) of the projects shown

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass
class Calendar:
    facility: Facility
    view: str
    day: date
    caption: str
    first: date
    last: date
    previous: date
    following: date
    daily: bool
    weeks: list[list[Cell]] = field(default_factory=list)  # a daily facility: rows of seven days
    periods: list[Cell] = field(default_factory=list)  # a weekly or monthly facility: one row per period
    weekdays: list[str] = field(default_factory=list)


def calendar_params(view: Any, day: Any) -> tuple[str, date]:
    """The view and the day asked for; anything else falls back to the month and today."""
    chosen = view if isinstance(view, str) and view in VIEWS else "month"
    today = timezone.localdate()
    wanted = today
    if isinstance(day, str) and 0 < len(day) <= 10:
        try:
            wanted = date.fromisoformat(day)
        except ValueError:
            wanted = today
    if not EARLIEST <= wanted <= LATEST:
        wanted = today
    return chosen, wanted


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def available(facility: Facility, start: date, end: date) -> bool:
    """Whether the period from ``start`` to ``end`` lies (at least partly) in the facility's availability."""
    if end < facility.available_from:
        return False
    return facility.available_until is None or start <= facility.available_until


def calendar(facility: Facility, user: Any, view: str, day: date) -> Calendar:
    """The month or the week ``day`` falls in, one cell per period, with the units booked and free."""
    daily = facility.period == Facility.Period.DAY
    if view == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        caption = _("Week from %(first)s to %(last)s") % {
            "first": formats.date_format(first),
            "last": formats.date_format(last),
        }
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    else:
        first, last = _month_start(day), _month_end(day)
        caption = formats.date_format(first, "YEAR_MONTH_FORMAT")
        previous, following = _month_start(first - timedelta(days=1)), last + timedelta(days=1)
    shown_first, shown_last = first, last
    if daily and view == "month":
        shown_first = first - timedelta(days=first.weekday())
        shown_last = last + timedelta(days=6 - last.weekday())
    starts = _period_starts(facility, shown_first, shown_last)
    today = timezone.localdate()
    booked, shown = _bookings(facility, user, starts[0], starts[-1])
    cells = []
    for start in starts:
        end = facility.period_end(start)
        if not available(facility, start, end):
            state = "unavailable"
        elif daily and start.weekday() not in facility.open_weekdays:
            state = "closed"
        elif end < today:
            state = "past"
        else:
            state = "open"
        units = booked.get(start, 0)
        cells.append(
            Cell(
                start=start,
                end=end,
                state=state,
                booked=units,
                free=max(facility.capacity - units, 0) if state == "open" else 0,
                in_range=first <= start <= last or (not daily and start <= last and end >= first),
                is_today=start <= today <= end,
                bookings=shown.get(start, []),
            )
        )
    result = Calendar(
        facility=facility,
        view=view,
        day=day,
        caption=caption,
        first=first,
        last=last,
        previous=previous,
        following=following,
        daily=daily,
        weekdays=[str(WEEKDAYS[n]) for n in range(7)],
    )
    if daily:
        result.weeks = [cells[at : at + 7] for at in range(0, len(cells), 7)]
    else:
        result.periods = cells
    return result


def _period_starts(facility: Facility, first: date, last: date) -> list[date]:
    """Every period from the one ``first`` falls in to the one ``last`` falls in, closed days included (the
    calendar shows them closed)."""
    found = []
    start = facility.period_of(first)
    while start <= last:
        found.append(start)
        start = facility.period_end(start) + timedelta(days=1)
    return found


def _bookings(
    facility: Facility, user: Any, first: date, last: date
) -> tuple[dict[date, int], dict[date, list[tuple[str, int]]]]:
    """The units booked per period from ``first`` to ``last`` (one query), and per period the projects behind
    them that the person sees, with their units."""
    rows = list(
        Booking.objects.filter(
            facility=facility, status=Booking.Status.BOOKED, period_start__gte=first, period_start__lte=last
        )
        .values("period_start", "project_id", "project__title")
        .annotate(units=Sum("units"))
        .order_by("period_start", "project_id")
    )
    visible: set[int] = set()
    if rows and is_hub_staff(user):
        visible = {row["project_id"] for row in rows}
    elif rows and getattr(user, "is_authenticated", False):
        ids = {row["project_id"] for row in rows}
        visible = set(visible_projects(user).filter(pk__in=ids).values_list("pk", flat=True))
    booked: dict[date, int] = defaultdict(int)
    shown: dict[date, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        booked[row["period_start"]] += int(row["units"])
        if row["project_id"] in visible:
            shown[row["period_start"]].append((row["project__title"], int(row["units"])))
    return booked, shown


__all__ = [
    "Calendar",
    "Cell",
    "Column",
    "ProjectFacts",
    "Step",
    "available",
    "board",
    "calendar",
    "calendar_params",
    "company_projects",
    "facility_of",
    "finished",
    "project_facts",
]
