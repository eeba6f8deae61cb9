"""The stage gates, in order and none skipped, with who decided and why; the pilot's start with its aid and
service record (nothing written when the aid cannot be granted); results, the go/no-go and what follows; the
company's sign-off; stopping a project; the company's timeline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import User
from moselle.core.models import AuditEntry
from moselle.funding.applications import application_create
from moselle.funding.models import Application, Investment, Programme
from moselle.journeys.models import Activity, RoadmapAction
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Facility, Gate, Project, Stage
from moselle.pilots.tests.conftest import (
    AID,
    INSTITUTE_BUDGET,
    UNIVERSITY_BUDGET,
    MoveTo,
    a_roadmap,
    add_partners,
    decide,
    next_month,
    refused,
    results_for_all,
)
from moselle.reporting import ledger
from moselle.reporting.models import Declaration, Grant, ServiceRecord

pytestmark = pytest.mark.django_db
BUDGET = INSTITUTE_BUDGET + UNIVERSITY_BUDGET


def _pass(advisor: User, project: Project, stage: str, reason: str = "Ready") -> Gate:
    return actions.gate_pass(actor=advisor, project=project, to_stage=stage, reason=reason)


def _stage(project: Project) -> str:
    return Project.objects.get(pk=project.pk).stage


def _written_by_the_start(project: Project) -> tuple[int, int, int, int, int]:
    """What a pilot's start writes: gates, grants, service records, timeline entries, audit entries."""
    return (
        Gate.objects.filter(project=project).count(),
        Grant.objects.count(),
        ServiceRecord.objects.count(),
        Activity.objects.filter(kind=Activity.Kind.PILOT, verb="pilot_started").count(),
        AuditEntry.objects.filter(action="pilot.gate").count(),
    )


def _ready_to_start(advisor: User, project: Project, move_to: MoveTo, institute: Any, university: Any) -> Project:
    """In feasibility with all the pilot's start needs: a criterion, the two partners, a milestone."""
    move_to(project, Stage.FEASIBILITY)
    add_partners(advisor, project, institute, university)
    actions.milestone_save(
        actor=advisor,
        project=project,
        data={"title": "Model trained", "due_on": "2030-01-31", "owner": institute.pk},
    )
    return project


# --- Every gate in order -------------------------------------------------------------------------------------


def test_every_gate_is_passed_in_order_with_who_decided_and_why(
    advisor: User, project: Project, move_to: MoveTo
) -> None:
    move_to(project, Stage.DECISION)
    rows = list(Gate.objects.filter(project=project).order_by("decided_at", "id"))
    assert [(g.from_stage, g.to_stage, g.passed) for g in rows] == [
        ("scoping", "feasibility", True),
        ("feasibility", "execution", True),
        ("execution", "evaluation", True),
        ("evaluation", "decision", True),
    ]
    assert {g.decided_by for g in rows} == {advisor}
    assert [g.reason for g in rows] == [
        f"Ready for {stage}" for stage in ("feasibility", "execution", "evaluation", "decision")
    ]
    assert _stage(project) == Stage.DECISION
    assert AuditEntry.objects.filter(action="pilot.gate", target_id=str(project.pk)).count() == 4


@pytest.mark.parametrize("wanted", ["execution", "evaluation", "decision", "scoping"])
def test_a_gate_skipped_or_gone_back_to_is_refused_and_nothing_written(
    advisor: User, project: Project, wanted: str
) -> None:
    actions.criterion_save(actor=advisor, project=project, data={"text": "Fewer stops"})
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage=wanted, reason="Hurry")
    assert list(errors) == ["to_stage"]
    assert "no gate is skipped" in errors["to_stage"][0] and "feasibility" in errors["to_stage"][0]
    assert _stage(project) == Stage.SCOPING
    assert not Gate.objects.exists()
    assert not AuditEntry.objects.filter(action="pilot.gate").exists()


@pytest.mark.parametrize("wanted", ["launch", "", None])
def test_an_unknown_stage_is_refused(advisor: User, project: Project, wanted: Any) -> None:
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage=wanted, reason="Go")
    assert list(errors) == ["to_stage"]
    assert not Gate.objects.exists()


def test_no_gate_beyond_the_decision(advisor: User, project: Project, move_to: MoveTo) -> None:
    move_to(project, Stage.DECISION)
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="decision", reason="Again")
    assert list(errors) == ["to_stage"] and "record the decision" in errors["to_stage"][0]
    assert Gate.objects.filter(project=project).count() == 4


def test_a_gate_needs_staff_and_a_reason(
    advisor: User, company_member: User, partner_member: User, project: Project
) -> None:
    actions.criterion_save(actor=advisor, project=project, data={"text": "Fewer stops"})
    for who in (company_member, partner_member):
        errors = refused(actions.gate_pass, actor=who, project=project, to_stage="feasibility", reason="We agree")
        assert list(errors) == ["actor"]
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="feasibility", reason="  ")
    assert list(errors) == ["reason"]
    assert not Gate.objects.exists() and _stage(project) == Stage.SCOPING


# --- Entry conditions ----------------------------------------------------------------------------------------------


def test_feasibility_needs_a_success_criterion(advisor: User, project: Project) -> None:
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="feasibility", reason="Go")
    assert list(errors) == ["to_stage"] and "success criterion" in errors["to_stage"][0]
    assert not Gate.objects.exists() and _stage(project) == Stage.SCOPING


def test_the_pilot_needs_a_partner_who_performs_and_a_milestone(
    advisor: User, project: Project, move_to: MoveTo, university: Organisation
) -> None:
    move_to(project, Stage.FEASIBILITY)
    actions.partner_save(
        actor=advisor, project=project, data={"organisation": university.pk, "role": "advises", "budget": "2000"}
    )
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="execution", reason="Go")
    message = errors["to_stage"][0]
    assert "partner who does the work" in message and "milestone" in message
    assert "success criterion" not in message
    assert _stage(project) == Stage.FEASIBILITY
    assert Project.objects.get(pk=project.pk).started_on is None
    assert not Grant.objects.exists() and not ServiceRecord.objects.exists()


def test_the_decision_needs_every_milestone_done(advisor: User, project: Project, move_to: MoveTo) -> None:
    move_to(project, Stage.EVALUATION)
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="decision", reason="Go")
    assert list(errors) == ["to_stage"] and "(1 open)" in errors["to_stage"][0]
    assert _stage(project) == Stage.EVALUATION
    actions.milestone_done(actor=advisor, milestone=project.milestones.get())
    _pass(advisor, project, "decision")
    assert _stage(project) == Stage.DECISION


# --- The pilot's start: aid and service record ------------------------------------------------------------------


def test_the_pilot_starts_with_its_de_minimis_grant_and_service_record(
    advisor: User, project: Project, move_to: MoveTo, company: Organisation, institute: Organisation
) -> None:
    move_to(project, Stage.EXECUTION)
    project.refresh_from_db()
    today = timezone.localdate()
    assert project.started_on == today
    grant = Grant.objects.get()
    assert project.grant == grant
    assert (grant.organisation, grant.amount, grant.basis) == (company, AID, "de_minimis")
    assert (grant.source, grant.source_ref, grant.granted_on) == ("pilot", f"pilot-{project.pk}", today)
    assert grant.status == Grant.Status.GRANTED and grant.number.startswith("DM")
    assert project.title in grant.description
    record = ServiceRecord.objects.get()
    assert project.service_record == record
    assert (record.status, record.category, record.source) == ("ongoing", "test_before_invest", "pilot")
    assert (record.customer, record.partner, record.source_ref) == (company, institute, f"pilot-{project.pk}")
    assert (record.price, record.aid, record.aid_basis, record.grant) == (BUDGET, AID, "de_minimis", grant)
    assert (record.started_on, record.ended_on) == (today, None)
    assert [t.name for t in record.technologies.all()] == [t.name for t in project.technologies.all()]
    # The de minimis ledger counts it.
    assert ledger.ledger(company, today).granted_total == AID


def test_a_pilot_without_aid_starts_with_no_grant(advisor: User, make_project: Any, move_to: MoveTo) -> None:
    project = move_to(make_project(aid_amount="0", aid_basis="none"), Stage.EXECUTION)
    assert project.grant is None and not Grant.objects.exists()
    record = ServiceRecord.objects.get()
    assert (record.price, record.aid, record.aid_basis, record.grant) == (BUDGET, Decimal("0.00"), "none", None)


def test_aid_above_the_headroom_is_refused_and_nothing_is_written(
    advisor: User,
    project: Project,
    move_to: MoveTo,
    company: Organisation,
    institute: Organisation,
    university: Organisation,
) -> None:
    today = timezone.localdate()
    Declaration.objects.create(
        organisation=company,
        amount=Decimal("295000"),
        granted_on=today - timedelta(days=100),
        granting_body="Ministry of the Economy",
        regulation="2023/2831",
    )
    _ready_to_start(advisor, project, move_to, institute, university)
    before = _written_by_the_start(project)
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="execution", reason="Ready")
    assert list(errors) == ["aid_amount"]
    assert company.name in errors["aid_amount"][0] and "5000.00" in errors["aid_amount"][0]  # the headroom
    assert _written_by_the_start(project) == before
    project.refresh_from_db()
    assert (project.stage, project.started_on, project.grant, project.service_record) == (
        Stage.FEASIBILITY,
        None,
        None,
        None,
    )
    # Within the headroom it passes.
    actions.project_update(actor=advisor, project=project, data={"aid_amount": "5000"})
    _pass(advisor, project, "execution")
    assert Grant.objects.get().amount == Decimal("5000.00")
    assert _stage(project) == Stage.EXECUTION


def test_aid_above_the_budget_is_refused_and_nothing_is_written(
    advisor: User, make_project: Any, move_to: MoveTo, institute: Organisation, university: Organisation
) -> None:
    project = _ready_to_start(advisor, make_project(aid_amount="20000.01"), move_to, institute, university)
    before = _written_by_the_start(project)
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="execution", reason="Ready")
    assert list(errors) == ["aid_amount"]
    assert "20000.01 EUR" in errors["aid_amount"][0] and "budget (20000" in errors["aid_amount"][0]
    assert _written_by_the_start(project) == before
    assert Project.objects.get(pk=project.pk).started_on is None


def test_aid_and_budget_are_frozen_once_the_pilot_started(
    advisor: User, project: Project, move_to: MoveTo, institute: Organisation
) -> None:
    move_to(project, Stage.EXECUTION)
    errors = refused(actions.project_update, actor=advisor, project=project, data={"aid_amount": "9000"})
    assert list(errors) == ["aid_amount"]
    errors = refused(actions.project_update, actor=advisor, project=project, data={"aid_basis": "gber"})
    assert list(errors) == ["aid_amount"]
    performer = project.partners.get(organisation=institute)
    errors = refused(actions.partner_save, actor=advisor, project=project, partner=performer, data={"budget": "1"})
    assert list(errors) == ["budget"]
    project.refresh_from_db()
    performer.refresh_from_db()
    assert (project.aid_amount, project.aid_basis, performer.budget) == (AID, "de_minimis", INSTITUTE_BUDGET)
    # The same aid given again, with other changes, is no change of the aid.
    actions.project_update(actor=advisor, project=project, data={"aid_amount": "10000", "title": "Phase 1"})
    assert Project.objects.get(pk=project.pk).title == "Phase 1"


# --- Results and the go/no-go -------------------------------------------------------------------------------------


def test_results_are_recorded_in_evaluation_and_at_the_decision_only(
    advisor: User, project: Project, move_to: MoveTo
) -> None:
    move_to(project, Stage.EXECUTION)
    criterion = project.criteria.get()
    errors = refused(actions.criterion_result, actor=advisor, criterion=criterion, data={"result": "9/10", "met": True})
    assert list(errors) == ["result"] and "evaluation" in errors["result"][0]
    criterion.refresh_from_db()
    assert (criterion.result, criterion.met) == ("", None)
    move_to(project, Stage.EVALUATION)
    criterion = project.criteria.get()
    actions.criterion_result(actor=advisor, criterion=criterion, data={"result": "7 out of 10", "met": "no"})
    criterion.refresh_from_db()
    assert (criterion.result, criterion.met, criterion.has_result) == ("7 out of 10", False, True)
    move_to(project, Stage.DECISION)
    criterion = project.criteria.get()
    actions.criterion_result(actor=advisor, criterion=criterion, data={"result": "8 out of 10", "met": "met"})
    criterion.refresh_from_db()
    assert (criterion.result, criterion.met) == ("8 out of 10", True)


def test_a_result_needs_staff_a_text_and_whether_it_was_met(
    advisor: User, company_member: User, project: Project, move_to: MoveTo
) -> None:
    move_to(project, Stage.EVALUATION)
    criterion = project.criteria.get()
    errors = refused(actions.criterion_result, actor=advisor, criterion=criterion, data={"result": "", "met": "maybe"})
    assert set(errors) == {"result", "met"}
    errors = refused(
        actions.criterion_result, actor=company_member, criterion=criterion, data={"result": "Fine", "met": True}
    )
    assert list(errors) == ["actor"]
    criterion.refresh_from_db()
    assert not criterion.has_result


def test_the_go_no_go_is_taken_at_the_decision_stage_only(advisor: User, project: Project, move_to: MoveTo) -> None:
    move_to(project, Stage.EVALUATION)
    results_for_all(advisor, project)
    errors = refused(
        actions.decision_record, actor=advisor, project=project, data={"decision": "go", "decision_reason": "Works"}
    )
    assert list(errors) == ["decision"]
    project.refresh_from_db()
    assert (project.decision, project.status) == ("", Project.Status.ACTIVE)


def test_the_go_no_go_needs_a_result_against_every_criterion(advisor: User, project: Project, move_to: MoveTo) -> None:
    actions.criterion_save(actor=advisor, project=project, data={"text": "Operators trust it"})
    actions.criterion_save(actor=advisor, project=project, data={"text": "Runs in under an hour"})
    move_to(project, Stage.DECISION)
    trusted = project.criteria.get(text="Operators trust it")
    actions.criterion_result(actor=advisor, criterion=trusted, data={"result": "Survey: 4.2 of 5", "met": True})
    errors = refused(
        actions.decision_record, actor=advisor, project=project, data={"decision": "go", "decision_reason": "Works"}
    )
    assert list(errors) == ["criteria"]
    assert "Runs in under an hour" in errors["criteria"][0]
    assert "Operators trust it" not in errors["criteria"][0]
    project.refresh_from_db()
    assert (project.decision, project.status, project.decided_by) == ("", Project.Status.ACTIVE, None)
    assert not Activity.objects.filter(verb="pilot_decided").exists()


def test_a_bad_decision_names_every_field(advisor: User, project: Project, move_to: MoveTo) -> None:
    move_to(project, Stage.DECISION)
    results_for_all(advisor, project)
    errors = refused(
        actions.decision_record,
        actor=advisor,
        project=project,
        data={
            "decision": "perhaps",
            "decision_reason": "",
            "investment_amount": "50000",
            "next_action_title": "Roll it out",
            "application": "12345",
        },
    )
    # The company has no roadmap yet, and the investment has no type.
    assert set(errors) == {"decision", "decision_reason", "investment_kind", "next_action_title", "application"}
    assert not Investment.objects.exists() and not RoadmapAction.objects.exists()


def _application(advisor: User, organisation: Organisation) -> Application:
    fit = Programme.objects.get_or_create(
        code="fit4digital",
        defaults={"name": {"en": "Fit 4 Digital"}, "operator": "Luxinnovation", "scope": "national"},
    )[0]
    return application_create(
        actor=advisor, organisation=organisation, data={"programme": fit.pk, "amount_requested": "20000"}
    )


def test_the_funding_application_that_follows_is_the_companys(
    advisor: User, project: Project, move_to: MoveTo, company: Organisation, other_company: Organisation
) -> None:
    move_to(project, Stage.DECISION)
    results_for_all(advisor, project)
    theirs, ours = _application(advisor, other_company), _application(advisor, company)
    errors = refused(
        actions.decision_record,
        actor=advisor,
        project=project,
        data={"decision": "go", "decision_reason": "Works", "application": theirs.pk},
    )
    assert list(errors) == ["application"]
    assert Project.objects.get(pk=project.pk).status == Project.Status.ACTIVE
    actions.decision_record(
        actor=advisor, project=project, data={"decision": "go", "decision_reason": "Works", "application": ours.pk}
    )
    assert Project.objects.get(pk=project.pk).application == ours


def test_a_go_records_the_investment_and_the_next_roadmap_action(
    advisor: User, project: Project, move_to: MoveTo, company: Organisation
) -> None:
    roadmap = a_roadmap(advisor, company)
    move_to(project, Stage.DECISION)
    today = timezone.localdate()
    decided = decide(
        advisor,
        project,
        lessons="Label the stops as they happen.",
        next_steps="Roll the model out to the four presses.",
        next_action_title="Roll the model out to all presses",
        investment_amount="120000",
        investment_kind="own_funds",
    )
    project.refresh_from_db()
    assert (project.status, project.decision, project.decided_by, project.decided_on) == (
        Project.Status.DECIDED,
        "go",
        advisor,
        today,
    )
    assert (project.lessons, project.next_steps) == (
        "Label the stops as they happen.",
        "Roll the model out to the four presses.",
    )
    assert decided.pk == project.pk
    investment = Investment.objects.get()
    assert project.investment == investment
    assert (investment.organisation, investment.amount, investment.kind) == (company, Decimal("120000.00"), "own_funds")
    assert (investment.source, investment.made_on, investment.service_record) == (
        "pilot",
        today,
        project.service_record,
    )
    action = RoadmapAction.objects.get(title="Roll the model out to all presses")
    assert project.next_action == action
    assert action.roadmap == roadmap and action.category == "test_before_invest"
    assert action.due_on > today
    entry = Activity.objects.get(kind=Activity.Kind.PILOT, verb="pilot_decided")
    assert entry.organisation == company and "go" in entry.summary


def test_a_no_go_without_follow_up_writes_nothing_else(advisor: User, project: Project, move_to: MoveTo) -> None:
    move_to(project, Stage.DECISION)
    results_for_all(advisor, project, met=False)
    actions.decision_record(
        actor=advisor, project=project, data={"decision": "no_go", "decision_reason": "Too few failures to learn from"}
    )
    project.refresh_from_db()
    assert (project.decision, project.status) == ("no_go", Project.Status.DECIDED)
    assert project.investment is None and project.next_action is None
    assert not Investment.objects.exists()
    errors = refused(
        actions.decision_record, actor=advisor, project=project, data={"decision": "go", "decision_reason": "Changed"}
    )
    assert list(errors) == ["status"]


# --- The company's sign-off --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["advisor", "partner_member", "university_member", "outsider"])
def test_only_the_companys_member_signs_off(
    who: str, request: pytest.FixtureRequest, advisor: User, project: Project, move_to: MoveTo, company_member: User
) -> None:
    # The company has a member: nobody else signs for it (the hub only for a company without members).
    move_to(project, Stage.DECISION)
    decide(advisor, project)
    errors = refused(actions.sign_off, actor=request.getfixturevalue(who), project=project)
    assert list(errors) == ["actor"]
    project.refresh_from_db()
    assert (project.status, project.signed_off_by) == (Project.Status.DECIDED, None)
    assert ServiceRecord.objects.get().status == ServiceRecord.Status.ONGOING


def test_the_company_signs_off_and_the_service_record_is_finalised(
    advisor: User, company_member: User, project: Project, move_to: MoveTo
) -> None:
    move_to(project, Stage.DECISION)
    decide(advisor, project)
    actions.sign_off(actor=company_member, project=project, note="  Thank you, we invest.  ")
    project.refresh_from_db()
    assert (project.status, project.signed_off_by, project.sign_off_note) == (
        Project.Status.COMPLETED,
        company_member,
        "Thank you, we invest.",
    )
    assert project.signed_off_at is not None
    record = ServiceRecord.objects.get()
    assert (record.status, record.ended_on) == (ServiceRecord.Status.FINALISED, timezone.localdate())
    errors = refused(actions.sign_off, actor=company_member, project=project)
    assert list(errors) == ["status"]


def test_the_outcome_is_signed_off_once_decided(
    advisor: User, company_member: User, project: Project, move_to: MoveTo
) -> None:
    move_to(project, Stage.DECISION)
    errors = refused(actions.sign_off, actor=company_member, project=project)
    assert list(errors) == ["status"]
    assert Project.objects.get(pk=project.pk).status == Project.Status.ACTIVE
    errors = refused(actions.sign_off, actor=company_member, project=project, note="x" * 501)
    assert list(errors) == ["note"]


# --- Stopping ------------------------------------------------------------------------------------------------


def test_stopping_cancels_the_bookings_to_come_and_closes_the_service_record(
    advisor: User, project: Project, move_to: MoveTo, facility: Facility
) -> None:
    move_to(project, Stage.EXECUTION)
    today = timezone.localdate()
    current = actions.book(actor=advisor, project=project, facility=facility, data={"units": 100, "starts_on": today})
    to_come = actions.book(
        actor=advisor,
        project=project,
        facility=facility,
        data={"units": 200, "starts_on": next_month(today), "ends_on": next_month(next_month(today))},
    )
    actions.project_stop(actor=advisor, project=project, reason="The press line is being replaced.")
    project.refresh_from_db()
    assert (project.status, project.stopped_reason, project.stage) == (
        Project.Status.STOPPED,
        "The press line is being replaced.",
        Stage.EXECUTION,
    )
    stop = Gate.objects.filter(project=project).order_by("-id").first()
    assert stop is not None
    assert (stop.from_stage, stop.to_stage, stop.passed, stop.decided_by) == ("execution", "", False, advisor)
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert [statuses[b.pk] for b in current] == [Booking.Status.BOOKED]  # its period has begun
    assert [statuses[b.pk] for b in to_come] == [Booking.Status.CANCELLED] * 2
    record = ServiceRecord.objects.get()
    assert (record.status, record.ended_on) == (ServiceRecord.Status.FINALISED, today)
    assert Grant.objects.get().status == Grant.Status.GRANTED  # the hub cancels aid on the ledger
    assert Activity.objects.filter(kind=Activity.Kind.PILOT, verb="pilot_stopped").count() == 1
    errors = refused(actions.gate_pass, actor=advisor, project=project, to_stage="evaluation", reason="Go on")
    assert list(errors) == ["status"]
    assert list(refused(actions.project_stop, actor=advisor, project=project, reason="Again")) == ["status"]


def test_a_project_stopped_before_its_start_has_no_service_record(
    advisor: User, company_member: User, project: Project
) -> None:
    errors = refused(actions.project_stop, actor=company_member, project=project, reason="We changed our mind")
    assert list(errors) == ["actor"]
    assert list(refused(actions.project_stop, actor=advisor, project=project, reason="")) == ["reason"]
    actions.project_stop(actor=advisor, project=project, reason="The company changed its mind.")
    project.refresh_from_db()
    assert project.status == Project.Status.STOPPED and project.service_record is None
    assert not ServiceRecord.objects.exists() and not Grant.objects.exists()


# --- The company's timeline ---------------------------------------------------------------------------------------


def test_the_project_shows_on_the_companys_timeline(
    advisor: User, company_member: User, project: Project, move_to: MoveTo, company: Organisation
) -> None:
    move_to(project, Stage.DECISION)
    decide(advisor, project)
    actions.sign_off(actor=company_member, project=project)
    entries = list(Activity.objects.filter(organisation=company, kind=Activity.Kind.PILOT).order_by("at", "id"))
    assert [e.verb for e in entries] == [
        "pilot_opened",
        "pilot_gate",
        "pilot_started",
        "pilot_gate",
        "pilot_gate",
        "pilot_decided",
        "pilot_signed_off",
    ]
    assert {e.target_id for e in entries} == {project.pk}
    assert entries[2].summary == f"{project.title} (proof of concept or pilot)"
    assert [e.actor_id for e in entries] == [advisor.pk] * 6 + [company_member.pk]
