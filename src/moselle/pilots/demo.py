"""The demo's test before invest: facilities and a year and a half of proofs of concept and pilots.

Every published test-facility offer of the demo catalogue gets a facility's details, chosen from its title: an
HPC system sells core-hours per month, an AI lab GPU-hours, a lab or a test bench days (one to three a day,
Monday to Friday), a cyber range days, a 5G test bed days per week, a pilot line shifts per week. When no offer
looks like an HPC system, a research organisation that runs a test facility publishes one, so that the demo
always has one. Twelve projects of demo companies are then run in every stage and status: a few in scoping and
feasibility, some running with facility time booked and its use recorded, one in evaluation with results, one
decided and waiting for the company's sign-off, two completed (a go that triggered an investment, a no-go; both
of the featured company, whose member signs them off), one stopped. Each has a research organisation doing the
work and a university advising; some carry de minimis aid, granted when the pilot started.

Written through the pilots actions by the demo advisor, reproducible from the demo seed, and loaded once. The
actions date what they write today and book only periods to come; the demo moves the dates of what happened
(gates, start, grant, service record, bookings, decision, sign-off and their timeline entries) back to when it
happened with a plain update, as the skills and events demos do. Bookings of periods already over are made in
periods to come and moved back the same way, never beyond a facility's capacity.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from moselle.accounts.models import User
from moselle.catalogue import actions as catalogue
from moselle.catalogue.models import Offer
from moselle.core.models_taxonomy import Technology
from moselle.funding.models import Investment
from moselle.journeys.demo import ADVISOR, COMPANY
from moselle.journeys.models import Activity, RoadmapAction
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import EdihCategory, Organisation
from moselle.pilots import actions
from moselle.pilots.demo_plans import (
    BY_TECHNOLOGY,
    BY_THE_DAY,
    GATE_REASONS,
    HISTORY_DAYS,
    HPC,
    HPC_OFFER,
    LAB_CONDITIONS,
    OTHER,
    PILOT_LINE,
    PLANS,
    TESTBED_5G,
    WORKING_DAYS,
    F,
    Plan,
)
from moselle.pilots.models import Booking, Facility, Gate, Partner, Project, Stage
from moselle.reporting import ledger
from moselle.reporting.models import AidBasis, Grant, ServiceRecord


@dataclass
class DemoPilots:
    facilities: int = 0
    hpc_offer: bool = False
    projects: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    bookings: int = 0
    used: int = 0
    grants: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo test before invest: already there."
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(self.by_status.items()))
        added = " (an HPC offer added)" if self.hpc_offer else ""
        return (
            f"Demo test before invest: {self.facilities} facilities{added}, {self.projects} projects ({statuses}), "
            f"{self.bookings} bookings ({self.used} with their use recorded), {self.grants} de minimis grants."
        )


def load_demo_pilots(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoPilots:
    """Write the demo's facilities and projects once, all or nothing."""
    report = DemoPilots()
    if Facility.objects.filter(offer__is_demo=True).exists() or Project.objects.filter(is_demo=True).exists():
        report.skipped = True
        return report
    advisor = User.objects.filter(email=ADVISOR).first()
    signatory = User.objects.filter(email=COMPANY).first()
    if advisor is None or signatory is None:
        raise RuntimeError("Load the demo people before the demo test before invest.")
    rng = random.Random(f"pilots-{seed}")  # noqa: S311  invented demo data, not a secret
    with transaction.atomic():
        facilities = _facilities(advisor, rng, report)
        for plan, company in _companies(rng):
            _project(advisor, signatory, plan, company, facilities, rng, report)
    return report


def _moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


# --- Facilities ----------------------------------------------------------------------------------------------


def details_of(offer: Offer, rng: random.Random) -> dict[str, Any]:
    """The facility's details, from its English title: the technology it begins with, and whether it sells
    days in a lab (then one to three a day, Monday to Friday, at the offer's price); an HPC system always
    sells core-hours by the month."""
    title = str((offer.title or {}).get("en", "")).casefold()
    technology = title.split(":", 1)[0]
    chosen = next((details for words, details in BY_TECHNOLOGY if any(w in technology for w in words)), OTHER)
    data: dict[str, Any] = {
        "kind": chosen.kind,
        "unit": chosen.unit,
        "period": chosen.period,
        "capacity": chosen.capacity,
        "price_per_unit": chosen.price,
        "access_conditions": chosen.conditions,
        "available_from": _ago(HISTORY_DAYS),
        "open_weekdays": WORKING_DAYS,
    }
    if chosen is not HPC and any(words in title for words in BY_THE_DAY):
        data.update(
            unit=F.Unit.LAB_DAYS,
            period=F.Period.DAY,
            capacity=rng.randint(1, 3),
            price_per_unit=str(offer.price_max or offer.price_min or Decimal("1200")),
            access_conditions=LAB_CONDITIONS,
        )
        if chosen in (PILOT_LINE, TESTBED_5G):
            data["kind"] = F.Kind.OTHER
    return data


def _facilities(advisor: User, rng: random.Random, report: DemoPilots) -> dict[str, list[Facility]]:
    """Details for every published demo test facility, and an HPC system if none looks like one."""
    offers = Offer.objects.filter(is_demo=True, kind=Offer.Kind.TEST_FACILITY, status=Offer.Status.PUBLISHED).order_by(
        "id"
    )
    found: dict[str, list[Facility]] = {}
    for offer in offers:
        facility = actions.facility_save(actor=advisor, offer=offer, data=details_of(offer, rng))
        found.setdefault(facility.kind, []).append(facility)
    if F.Kind.HPC not in found:
        offer = _hpc_offer(advisor)
        found[F.Kind.HPC] = [actions.facility_save(actor=advisor, offer=offer, data=details_of(offer, rng))]
        report.hpc_offer = True
    report.facilities = sum(len(kind) for kind in found.values())
    return found


def research_facility_owner() -> Organisation:
    """The demo research organisation that runs test facilities (the featured partner first)."""
    owners = Organisation.objects.filter(
        is_demo=True, merged_into__isnull=True, kind_rows__kind=Organisation.Kind.RESEARCH_ORGANISATION
    ).filter(kind_rows__kind=Organisation.Kind.TEST_FACILITY)
    found = owners.filter(name=registry_demo.FEATURED_PARTNER).first() or owners.order_by("name", "id").first()
    if found is None:
        raise RuntimeError("Load the demo registry before the demo test before invest.")
    return found


def _hpc_offer(advisor: User) -> Offer:
    data = {**HPC_OFFER, "technologies": list(Technology.objects.filter(name="High performance computing"))}
    offer = catalogue.offer_create(actor=advisor, provider=research_facility_owner(), data=data, is_demo=True)
    return catalogue.offer_publish(actor=advisor, offer=offer)


# --- Projects --------------------------------------------------------------------------------------------------


def _customers() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            is_demo=True, kind_rows__kind=Organisation.Kind.COMPANY, merged_into__isnull=True, is_historical=False
        )
        .exclude(name__in=(registry_demo.FEATURED_COMPANY, registry_demo.FEATURED_NEWCOMER))
        .select_related("primary_nace")
        .distinct()
        .order_by("name", "id")
    )


def _may_take_aid(company: Organisation, amount: int) -> bool:
    current = ledger.ledger(company, timezone.localdate())
    return current.regulation is not None and not current.excluded and not current.near_ceiling(Decimal(amount))


def _companies(rng: random.Random) -> list[tuple[Plan, Organisation]]:
    """A company for each plan: the featured company for its two, else one whose activity fits, a company
    whose de minimis headroom is short never taking aid."""
    featured = Organisation.objects.filter(name=registry_demo.FEATURED_COMPANY).first()
    left = _customers()
    chosen = []
    for plan in PLANS:
        if plan.featured:
            if featured is not None:
                chosen.append((plan, featured))
            continue
        fits = [c for c in left if not plan.aid or _may_take_aid(c, plan.aid)]
        company = None
        for prefix in plan.sectors:
            matching = [c for c in fits if c.primary_nace is not None and c.primary_nace.code.startswith(prefix)]
            if matching:
                company = rng.choice(matching)
                break
        company = company or (rng.choice(fits) if fits else None)
        if company is not None:
            left.remove(company)
            chosen.append((plan, company))
    return chosen


def _partners() -> tuple[list[Organisation], list[Organisation]]:
    """Who does the work (research organisations that run test facilities) and who advises (universities:
    research organisations that also teach)."""
    research = (
        Organisation.objects.filter(
            is_demo=True, merged_into__isnull=True, kind_rows__kind=Organisation.Kind.RESEARCH_ORGANISATION
        )
        .prefetch_related("kind_rows")
        .distinct()
        .order_by("name", "id")
    )
    performers = [o for o in research if Organisation.Kind.TEST_FACILITY in o.kinds]
    universities = [o for o in research if Organisation.Kind.TRAINER in o.kinds and o not in performers]
    others = [o for o in research if o not in performers and o not in universities]
    return performers or others, universities or others or performers


def _roadmap_action(company: Organisation) -> RoadmapAction | None:
    return (
        RoadmapAction.objects.filter(roadmap__organisation=company, category=EdihCategory.TEST_BEFORE_INVEST)
        .order_by("id")
        .first()
    )


def _project(
    advisor: User,
    signatory: User,
    plan: Plan,
    company: Organisation,
    facilities: dict[str, list[Facility]],
    rng: random.Random,
    report: DemoPilots,
) -> None:
    """Run one plan through the actions, as far as it went, then date it."""
    days = [_ago(n) for n in plan.days]
    started = days[2] if len(days) > 2 else _ago(-rng.randint(30, 60))
    facility = _facility_for(plan, facilities, rng)
    action = _roadmap_action(company)
    project = actions.project_create(
        actor=advisor,
        organisation=company,
        data={
            "kind": plan.kind,
            "title": plan.title,
            "technologies": list(plan.technologies),
            "action": action.pk if action else None,
            "scope": plan.scope,
            "objectives": plan.objectives,
            "starts_on": started,
            "ends_on": started + timedelta(days=plan.length),
            "aid_amount": plan.aid,
            "aid_basis": AidBasis.DE_MINIMIS if plan.aid else AidBasis.NONE,
        },
    )
    performer, adviser = _add_partners(advisor, project, plan, facility, report.projects)
    owners = {"company": company, "performs": performer, "advises": adviser}
    for text, target, _result, _met in plan.criteria:
        actions.criterion_save(actor=advisor, project=project, data={"text": text, "target": target})
    for number, (kind, title, share) in enumerate(plan.milestones):
        owner = owners["company"] if number == 0 and plan.kind == Project.Kind.PILOT else owners["performs"]
        actions.milestone_save(
            actor=advisor,
            project=project,
            data={"kind": kind, "title": title, "due_on": _due(started, plan, share), "owner": owner.pk},
        )
    for stage in list(Stage.values)[1 : len(days)]:
        if stage == Stage.EVALUATION:  # the work is done
            _work(advisor, project, plan, facility, days, rng, report)
            _done(advisor, project, until=days[3] - timedelta(days=1))
        actions.gate_pass(actor=advisor, project=project, to_stage=stage, reason=GATE_REASONS[Stage(stage)])
        project.refresh_from_db()
        if stage == Stage.EVALUATION:
            _results(advisor, project, plan)
    if len(days) == 3:  # running, or stopped while running
        _work(advisor, project, plan, facility, days, rng, report)
        until = _ago(plan.stopped) if plan.stopped is not None else timezone.localdate()
        _done(advisor, project, until=until, only_due=True)
    if plan.decision:
        _decide(advisor, project, plan)
    if len(days) > 6:
        actions.sign_off(actor=signatory, project=project, note=plan.sign_off_note)
    if plan.stopped is not None:
        _stop(advisor, project, plan, facility, started)
    _date(project, plan)
    project.refresh_from_db()
    report.projects += 1
    report.by_status[project.status] = report.by_status.get(project.status, 0) + 1
    if project.grant_id is not None:
        report.grants += 1
    report.bookings += project.bookings.count()


def _facility_for(plan: Plan, facilities: dict[str, list[Facility]], rng: random.Random) -> Facility | None:
    if plan.facility is None or len(plan.days) < 3:
        return None
    found = facilities.get(plan.facility.kind, [])
    return rng.choice(found) if found else None


def _add_partners(
    advisor: User, project: Project, plan: Plan, facility: Facility | None, number: int
) -> tuple[Organisation, Organisation]:
    performers, universities = _partners()
    owner = facility.offer.provider if facility is not None else None
    performer = owner if owner in performers else performers[number % len(performers)]
    adviser = next((u for u in universities if u != performer), None) or next(o for o in performers if o != performer)
    contribution = "Does the technical work" + (" on its own facility" if owner == performer else "")
    actions.partner_save(
        actor=advisor,
        project=project,
        data={
            "organisation": performer.pk,
            "role": Partner.Role.PERFORMS,
            "contribution": contribution,
            "budget": plan.budgets[0],
        },
    )
    actions.partner_save(
        actor=advisor,
        project=project,
        data={
            "organisation": adviser.pk,
            "role": Partner.Role.ADVISES,
            "contribution": "Advises on the method and reviews the results",
            "budget": plan.budgets[1],
        },
    )
    return performer, adviser


def _due(started: date, plan: Plan, share: float) -> date:
    return started + timedelta(days=round(plan.length * share))


def _done(advisor: User, project: Project, *, until: date, only_due: bool = False) -> None:
    """The milestones done on their due day, or on ``until`` if they were due later (``only_due``: those due
    by then only)."""
    pending = project.milestones.filter(done_on__isnull=True).order_by("due_on", "id")
    if only_due:
        pending = pending.filter(due_on__lte=until)
    for milestone in pending:
        actions.milestone_done(actor=advisor, milestone=milestone, done_on=min(milestone.due_on, until))


def _results(advisor: User, project: Project, plan: Plan) -> None:
    """The results measured in evaluation, against the first ``results_recorded`` criteria."""
    pairs = list(zip(project.criteria.order_by("id"), plan.criteria, strict=True))
    for criterion, (_text, _target, result, met) in pairs[: plan.results_recorded]:
        if result:
            actions.criterion_result(actor=advisor, criterion=criterion, data={"result": result, "met": met})


def _decide(advisor: User, project: Project, plan: Plan) -> None:
    data: dict[str, Any] = {
        "decision": plan.decision,
        "decision_reason": plan.reason,
        "lessons": plan.lessons,
        "next_steps": plan.next_steps,
    }
    if plan.investment:
        data.update(investment_amount=plan.investment[0], investment_kind=plan.investment[1])
    actions.decision_record(actor=advisor, project=project, data=data)


def _stop(advisor: User, project: Project, plan: Plan, facility: Facility | None, started: date) -> None:
    """Stopped while running: the periods after the stop were booked, and are cancelled by the stop. They are
    booked in periods to come, cancelled, then moved back after the stop."""
    assert plan.stopped is not None
    stop = _ago(plan.stopped)
    later: list[Booking] = []
    steps = 0
    if facility is not None:
        after = facility.period_end(facility.period_of(stop)) + timedelta(days=1)  # the period after the stop's
        first = max(after, started + timedelta(days=plan.booked[0]))
        last = started + timedelta(days=plan.booked[1])
        if actions.periods(facility, first, last):
            today = timezone.localdate()
            steps = _steps(facility, first, earliest=facility.period_end(facility.period_of(today)) + timedelta(days=1))
            later = actions.book(
                actor=advisor,
                project=project,
                facility=facility,
                data={
                    "units": plan.units,
                    "starts_on": _moved(facility, facility.period_of(first), steps),
                    "ends_on": _moved(facility, facility.period_of(last), steps),
                },
            )
    actions.project_stop(actor=advisor, project=project, reason=plan.reason)
    _move_back(later, facility, steps)


# --- Facility time -----------------------------------------------------------------------------------------------


def _months_later(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1)


def _moved(facility: Facility, day: date, steps: int) -> date:
    """``day`` moved by ``steps`` months (a monthly facility) or weeks: a period's first day stays one, and a
    day keeps its weekday."""
    if facility.period == F.Period.MONTH:
        return _months_later(day, steps)
    return day + timedelta(weeks=steps)


def _steps(facility: Facility, first: date, *, earliest: date) -> int:
    """How many months or weeks to move ``first`` by so that its period begins on or after ``earliest``'s."""
    target, steps = facility.period_of(earliest), 0
    while _moved(facility, facility.period_of(first), steps) < target:
        steps += 1
    return steps


def _move_back(bookings: list[Booking], facility: Facility | None, steps: int) -> None:
    if facility is None or not steps:
        return
    for booking in bookings:
        Booking.objects.filter(pk=booking.pk).update(period_start=_moved(facility, booking.period_start, -steps))


def _book_back(advisor: User, project: Project, facility: Facility, first: date, last: date, units: int) -> None:
    """Book the periods from ``first`` to ``last``, over already: in the periods to come, then moved back."""
    if not actions.periods(facility, first, last):
        return
    steps = _steps(facility, first, earliest=timezone.localdate())
    made = actions.book(
        actor=advisor,
        project=project,
        facility=facility,
        data={
            "units": units,
            "starts_on": _moved(facility, facility.period_of(first), steps),
            "ends_on": _moved(facility, facility.period_of(last), steps),
        },
    )
    _move_back(made, facility, steps)


def _work(
    advisor: User,
    project: Project,
    plan: Plan,
    facility: Facility | None,
    days: list[date],
    rng: random.Random,
    report: DemoPilots,
) -> None:
    """The facility time of the proof of concept or pilot: the periods over booked and moved back, those to come
    booked as they are; the use recorded for every period begun (less so in the current one)."""
    if facility is None:
        return
    today = timezone.localdate()
    first = days[2] + timedelta(days=plan.booked[0])
    last = days[2] + timedelta(days=plan.booked[1])
    if plan.stopped is not None:
        last = min(last, _ago(plan.stopped))
    if len(days) > 3:
        last = min(last, days[3] - timedelta(days=1))
    current = facility.period_of(today)
    if first < current:
        _book_back(advisor, project, facility, first, min(last, current - timedelta(days=1)), plan.units)
    if last >= current and actions.periods(facility, max(first, today), last):
        actions.book(
            actor=advisor,
            project=project,
            facility=facility,
            data={"units": plan.units, "starts_on": max(first, today), "ends_on": last},
        )
    for booking in Booking.objects.filter(project=project, period_start__lte=today).order_by("period_start"):
        ended = facility.period_end(booking.period_start) < today
        share = rng.uniform(0.7, 1.0) if ended else rng.uniform(0.3, 0.6)
        actions.usage_record(actor=advisor, booking=booking, used=max(1, round(booking.units * share)))
        report.used += 1


# --- Dates ---------------------------------------------------------------------------------------------------------


def _renumbered(grant: Grant, day: date) -> str:
    """A grant's notice number carries the year it was granted in."""
    prefix, year, _serial = grant.number.split("-")
    if int(year) == day.year:
        return grant.number
    stem = f"{prefix}-{day.year}-"
    last = Grant.objects.filter(number__startswith=stem).aggregate(m=Max("number"))["m"]
    return f"{stem}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def _date(project: Project, plan: Plan) -> None:
    """Move what the actions dated today back to when it happened."""
    days = [_ago(n) for n in plan.days]
    at: dict[str, Any] = {
        "opened": _moment(days[0], time(9, 30)),
        "gates": [_moment(day, time(14)) for day in days[1:5]],
        "decided": _moment(days[5], time(11)) if len(days) > 5 else None,
        "signed": _moment(days[6], time(16)) if len(days) > 6 else None,
        "stopped": _moment(_ago(plan.stopped), time(10)) if plan.stopped is not None else None,
    }
    project = Project.objects.get(pk=project.pk)
    started = days[2] if project.started_on else None
    Project.objects.filter(pk=project.pk).update(
        is_demo=True,
        created_at=at["opened"],
        started_on=started,
        decided_on=days[5] if project.decided_on else None,
        signed_off_at=at["signed"] if project.signed_off_at else None,
    )
    gates = list(Gate.objects.filter(project=project).order_by("id"))
    for gate, moment in zip([g for g in gates if g.passed], at["gates"], strict=False):
        Gate.objects.filter(pk=gate.pk).update(decided_at=moment)
    if at["stopped"] is not None:
        Gate.objects.filter(project=project, passed=False).update(decided_at=at["stopped"])
    if project.grant_id and started:
        grant = Grant.objects.get(pk=project.grant_id)
        Grant.objects.filter(pk=grant.pk).update(
            granted_on=started, recorded_at=at["gates"][1], number=_renumbered(grant, started)
        )
    if project.service_record_id and started:
        ended = (
            at["signed"] or at["stopped"]
            if project.status in (Project.Status.COMPLETED, Project.Status.STOPPED)
            else None
        )
        ServiceRecord.objects.filter(pk=project.service_record_id).update(
            started_on=started, ended_on=timezone.localdate(ended) if ended else None
        )
    if project.investment_id and at["decided"]:
        Investment.objects.filter(pk=project.investment_id).update(made_on=days[5])
    if started:
        Booking.objects.filter(project=project).update(booked_at=at["gates"][1] + timedelta(hours=1))
    _date_timeline(project, at)


def _date_timeline(project: Project, at: dict[str, Any]) -> None:
    entries = Activity.objects.filter(kind=Activity.Kind.PILOT, target_type="pilots.project", target_id=project.pk)
    entries.filter(verb="pilot_opened").update(at=at["opened"])
    gates = [moment for number, moment in enumerate(at["gates"]) if number != 1]
    for entry, moment in zip(entries.filter(verb="pilot_gate").order_by("id"), gates, strict=False):
        Activity.objects.filter(pk=entry.pk).update(at=moment)
    if len(at["gates"]) > 1:
        entries.filter(verb="pilot_started").update(at=at["gates"][1])
    for verb, key in (("pilot_decided", "decided"), ("pilot_signed_off", "signed"), ("pilot_stopped", "stopped")):
        if at[key] is not None:
            entries.filter(verb=verb).update(at=at[key])


__all__ = ["PLANS", "DemoPilots", "details_of", "load_demo_pilots", "research_facility_owner"]
