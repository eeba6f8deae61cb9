"""The demo test before invest: a facility's details on every published demo test-facility offer, an HPC system
always among them; twelve projects of demo companies in every stage and status, their bookings never beyond a
facility's capacity, the completed ones with a finalised service record and its grant, their history spread
over the last eighteen months in an order that holds; loading again adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from moselle.accounts.demo import load_demo
from moselle.catalogue import demo as catalogue_demo
from moselle.catalogue.models import Offer
from moselle.core.taxonomy import seed_taxonomy
from moselle.funding.models import Investment
from moselle.journeys.models import Activity
from moselle.organisations import demo as registry_demo
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import Organisation
from moselle.pilots import demo
from moselle.pilots.models import (
    STAGES,
    Booking,
    Criterion,
    Facility,
    Gate,
    Milestone,
    Partner,
    Project,
    Stage,
)
from moselle.reporting import ledger
from moselle.reporting.models import AidBasis, Grant, ServiceRecord

P = Project.Status


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[demo.DemoPilots]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_taxonomy()
            hub_seed()
            load_demo()
            registry_demo.load_demo_registry()
            catalogue_demo.load_demo_catalogue()
            yield demo.load_demo_pilots()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Facility,
            Project,
            Partner,
            Criterion,
            Milestone,
            Gate,
            Booking,
            Offer,
            Grant,
            ServiceRecord,
            Investment,
            Activity,
        )
    }


def test_loading_again_adds_nothing(loaded: demo.DemoPilots, db: Any) -> None:
    before = counts()
    again = demo.load_demo_pilots()
    assert again.skipped and counts() == before
    assert "already there" in again.line()
    assert f"{loaded.projects} projects" in loaded.line() and f"{loaded.bookings} bookings" in loaded.line()


def test_every_published_demo_test_facility_has_its_details_and_one_is_an_hpc_system(
    loaded: demo.DemoPilots, db: Any
) -> None:
    published = Offer.objects.filter(is_demo=True, kind=Offer.Kind.TEST_FACILITY, status=Offer.Status.PUBLISHED)
    facilities = list(Facility.objects.select_related("offer"))
    assert {f.offer_id for f in facilities} == set(published.values_list("pk", flat=True))
    assert len(facilities) == loaded.facilities
    hpc = [f for f in facilities if f.kind == Facility.Kind.HPC]
    assert hpc and all(
        (f.unit, f.period, f.capacity) == (Facility.Unit.CORE_HOURS, Facility.Period.MONTH, 200_000) for f in hpc
    )
    assert all(
        {"research_organisation", "test_facility"} <= set(f.offer.provider.kinds)
        for f in hpc
        if f.offer.title["en"].startswith(demo.HPC_OFFER["title"]["en"])
    )
    for facility in facilities:
        title = facility.offer.title["en"]
        assert facility.available_from <= timezone.localdate() - timedelta(days=540), title
        if facility.period == Facility.Period.DAY:
            assert 1 <= facility.capacity <= 3 and facility.open_weekdays == [0, 1, 2, 3, 4], title
        if "test days in our lab" in title and facility.kind != Facility.Kind.HPC:
            assert (facility.unit, facility.period) == (Facility.Unit.LAB_DAYS, Facility.Period.DAY), title


def test_without_an_hpc_offer_a_research_organisation_publishes_one(loaded: demo.DemoPilots, db: Any) -> None:
    Booking.objects.all().delete()
    Project.objects.all().delete()
    Facility.objects.all().delete()
    Offer.objects.filter(title__en__startswith="High performance computing").update(status=Offer.Status.ARCHIVED)
    report = demo.load_demo_pilots()
    assert report.hpc_offer and report.projects == loaded.projects
    facility = Facility.objects.select_related("offer__provider").get(kind=Facility.Kind.HPC)
    offer = facility.offer
    assert offer.is_demo and offer.status == Offer.Status.PUBLISHED and offer.kind == Offer.Kind.TEST_FACILITY
    assert offer.provider == demo.research_facility_owner()
    assert {"research_organisation", "test_facility"} <= set(offer.provider.kinds)
    assert Booking.objects.filter(facility=facility).exists()


def test_twelve_projects_in_every_stage_and_status_with_two_partners_each(loaded: demo.DemoPilots, db: Any) -> None:
    projects = list(Project.objects.prefetch_related("partners__organisation__kind_rows"))
    assert len(projects) == loaded.projects == 12 and all(p.is_demo for p in projects)
    assert {p.stage for p in projects} == set(STAGES)
    assert {p.status for p in projects} == set(P.values)
    assert sum(loaded.by_status.values()) == 12 and loaded.by_status[P.ACTIVE] >= 6
    active = [p for p in projects if p.status == P.ACTIVE]
    assert {p.stage for p in active} >= {Stage.SCOPING, Stage.FEASIBILITY, Stage.EXECUTION, Stage.EVALUATION}
    for project in projects:
        assert project.organisation.is_demo and "company" in project.organisation.kinds
        assert project.organisation.name != registry_demo.FEATURED_NEWCOMER
        partners = list(project.partners.all())
        assert sorted(p.role for p in partners) == [Partner.Role.ADVISES, Partner.Role.PERFORMS]
        assert all("research_organisation" in p.organisation.kinds for p in partners)
        assert all(p.budget > 0 for p in partners) and project.criteria.exists() and project.milestones.exists()
    completed = {p.decision for p in projects if p.status == P.COMPLETED}
    assert completed == {Project.Decision.GO, Project.Decision.NO_GO}
    evaluating = next(p for p in projects if p.stage == Stage.EVALUATION)
    assert evaluating.criteria.exclude(result="").exists()


def test_some_projects_carry_de_minimis_aid_within_the_headroom_and_others_none(
    loaded: demo.DemoPilots, db: Any
) -> None:
    projects = list(Project.objects.select_related("grant", "organisation"))
    aided = [p for p in projects if p.aid_amount > 0]
    assert aided and len(aided) < len(projects)
    assert all(p.aid_basis == AidBasis.DE_MINIMIS and 10_000 <= p.aid_amount <= 40_000 for p in aided)
    assert all(p.aid_basis == AidBasis.NONE for p in projects if p.aid_amount == 0)
    granted = [p for p in aided if p.started_on is not None]
    assert len(granted) == loaded.grants >= 4
    for project in granted:
        assert project.grant is not None and project.grant.amount == project.aid_amount
        assert project.grant.source == Grant.Source.PILOT
        assert not ledger.ledger(project.organisation, timezone.localdate()).would_exceed(Decimal("0"))
    assert not [p for p in projects if p.started_on is None and p.grant_id is not None]


def test_bookings_never_go_beyond_capacity_and_use_is_recorded_for_periods_begun(
    loaded: demo.DemoPilots, db: Any
) -> None:
    today = timezone.localdate()
    bookings = Booking.objects.select_related("facility", "project")
    assert bookings.count() == loaded.bookings > 20
    totals = (
        Booking.objects.filter(status=Booking.Status.BOOKED)
        .values("facility__capacity", "facility", "period_start")
        .annotate(total=Sum("units"))
    )
    assert totals and all(row["total"] <= row["facility__capacity"] for row in totals)
    for booking in bookings:
        facility = booking.facility
        assert facility.period_of(booking.period_start) == booking.period_start
        assert facility.period != Facility.Period.DAY or booking.period_start.weekday() in facility.open_weekdays
        assert booking.used is None or booking.used <= booking.units
        begun = booking.period_start <= today
        if booking.status == Booking.Status.BOOKED:
            assert (booking.used is not None) == begun, booking
        assert booking.project.started_on is not None
        assert booking.period_start >= facility.period_of(booking.project.started_on)
    running = Project.objects.filter(status=P.ACTIVE, stage=Stage.EXECUTION, bookings__isnull=False).distinct()
    assert running.filter(bookings__period_start__gt=today).exists()
    assert running.filter(bookings__used__isnull=False).exists()
    assert Booking.objects.filter(project__status=P.COMPLETED, used__gt=0).exists()
    stopped = Project.objects.get(status=P.STOPPED)
    cancelled = stopped.bookings.filter(status=Booking.Status.CANCELLED)
    stop = timezone.localdate(stopped.gates.get(passed=False).decided_at)
    assert cancelled.exists() and all(b.period_start > stop for b in cancelled)
    assert not stopped.bookings.filter(status=Booking.Status.BOOKED, period_start__gt=stop).exists()
    record = stopped.service_record
    assert record is not None and (record.status, record.ended_on) == (ServiceRecord.Status.FINALISED, stop)


def test_completed_projects_have_a_finalised_service_record_with_their_grant(loaded: demo.DemoPilots, db: Any) -> None:
    completed = list(Project.objects.filter(status=P.COMPLETED).select_related("service_record", "grant"))
    assert len(completed) == 2
    for project in completed:
        record = project.service_record
        assert record is not None and record.status == ServiceRecord.Status.FINALISED
        assert record.started_on == project.started_on and record.ended_on == timezone.localdate(project.signed_off_at)
        assert record.category == "test_before_invest" and record.grant_id == project.grant_id
        assert record.aid == project.aid_amount and record.price == sum(p.budget for p in project.partners.all())
        assert project.signed_off_by is not None and project.signed_off_by.email == "company@demo.moselle.lu"
        assert all(c.has_result for c in project.criteria.all())
        assert not project.milestones.filter(done_on__isnull=True).exists()
    go = next(p for p in completed if p.decision == Project.Decision.GO)
    assert go.grant is not None and go.grant.granted_on == go.started_on
    assert go.investment is not None and go.investment.made_on == go.decided_on and go.investment.amount > 0
    decided = Project.objects.get(status=P.DECIDED)
    assert decided.service_record is not None and decided.service_record.status == ServiceRecord.Status.ONGOING
    assert decided.signed_off_at is None


def test_the_history_spreads_over_eighteen_months_in_an_order_that_holds(loaded: demo.DemoPilots, db: Any) -> None:
    today = timezone.localdate()
    projects = list(Project.objects.select_related("grant", "service_record"))
    assert min(timezone.localdate(p.created_at) for p in projects) <= today - timedelta(days=500)
    assert len({(p.started_on.year, p.started_on.month) for p in projects if p.started_on}) >= 6
    for project in projects:
        gates = list(project.gates.order_by("id"))
        moments = [timezone.localdate(project.created_at), *(timezone.localdate(g.decided_at) for g in gates)]
        assert moments == sorted(moments) and moments[-1] <= today, project.title
        passed = [g for g in gates if g.passed]
        assert [(g.from_stage, g.to_stage) for g in passed] == list(pairwise(STAGES))[: len(passed)]
        started = next((g for g in passed if g.to_stage == Stage.EXECUTION), None)
        assert project.started_on == (timezone.localdate(started.decided_at) if started else None)
        if project.grant is not None:
            assert project.grant.granted_on == project.started_on
            assert project.grant.number.split("-")[1] == str(project.started_on.year)
        if project.service_record is not None:
            assert project.service_record.started_on == project.started_on
        if project.decided_on:
            assert timezone.localdate(passed[-1].decided_at) <= project.decided_on <= today
        if project.signed_off_at:
            assert project.decided_on is not None and project.decided_on <= timezone.localdate(project.signed_off_at)
        for milestone in project.milestones.filter(done_on__isnull=False):
            assert project.started_on is not None and milestone.done_on is not None
            assert project.started_on <= milestone.done_on <= today
        timeline = Activity.objects.filter(target_type="pilots.project", target_id=project.pk)
        assert timezone.localdate(timeline.get(verb="pilot_opened").at) == timezone.localdate(project.created_at)
        if started:
            assert timeline.get(verb="pilot_started").at == started.decided_at
        gate_entries = [a.at for a in timeline.filter(verb="pilot_gate").order_by("id")]
        assert gate_entries == [g.decided_at for g in passed if g.to_stage != Stage.EXECUTION]
        if project.signed_off_at:
            assert timeline.get(verb="pilot_signed_off").at == project.signed_off_at
    assert not Activity.objects.filter(kind=Activity.Kind.PILOT, at__date__gt=today).exists()
    assert Organisation.objects.get(name=registry_demo.FEATURED_COMPANY).pilots.filter(status=P.COMPLETED).count() == 2
