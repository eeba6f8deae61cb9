"""Projects, their partners, success criteria and milestones: who writes them, what is refused, and what is fixed
once the pilot has started."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import User
from moselle.core.models import AuditEntry
from moselle.journeys.models import Activity
from moselle.organisations.models import Organisation
from moselle.pilots import actions, checks
from moselle.pilots.models import Criterion, Milestone, Partner, Project, Stage
from moselle.pilots.tests.conftest import (
    AI,
    HPC,
    INSTITUTE_BUDGET,
    MoveTo,
    an_organisation,
    project_data,
    refused,
)

pytestmark = pytest.mark.django_db

MakeProject = Callable[..., Project]


def _milestone(advisor: User, project: Project, owner: Organisation, **more: Any) -> Milestone:
    data = {
        "title": "Data delivered",
        "due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "owner": owner.pk,
        **more,
    }
    return actions.milestone_save(actor=advisor, project=project, data=data)


def _partner(advisor: User, project: Project, organisation: Organisation, **more: Any) -> Partner:
    data = {"organisation": organisation.pk, "role": "performs", "budget": "18000", **more}
    return actions.partner_save(actor=advisor, project=project, data=data)


# --- Creating and changing a project ------------------------------------------------------------------------------


def test_staff_open_a_project_in_scoping_on_the_companys_timeline(
    advisor: User, company: Organisation, technologies: Any
) -> None:
    project = actions.project_create(
        actor=advisor, organisation=company, data=project_data(technologies=f"{HPC}\n{AI.upper()}")
    )
    project.refresh_from_db()
    assert (project.stage, project.status, project.kind) == (Stage.SCOPING, Project.Status.ACTIVE, "pilot")
    assert project.organisation == company
    assert project.advisor == advisor and project.created_by == advisor
    assert sorted(t.name for t in project.technologies.all()) == sorted([HPC, AI])
    assert (project.aid_amount, project.aid_basis) == (Decimal("10000.00"), "de_minimis")
    assert project.started_on is None and project.grant is None and project.service_record is None
    assert AuditEntry.objects.filter(action="pilot.create", target_id=str(project.pk)).count() == 1
    entry = Activity.objects.get(organisation=company, kind=Activity.Kind.PILOT)
    assert entry.verb == "pilot_opened" and entry.target_id == project.pk


def test_a_public_body_is_a_customer_too(advisor: User, make_project: MakeProject, technologies: Any) -> None:
    commune = an_organisation("Commune de Mertert", "public_body")
    assert make_project(organisation=commune).organisation == commune


@pytest.mark.parametrize("who", ["company_member", "partner_member", "outsider"])
def test_only_staff_open_a_project(who: str, request: pytest.FixtureRequest, company: Organisation) -> None:
    errors = refused(
        actions.project_create, actor=request.getfixturevalue(who), organisation=company, data=project_data()
    )
    assert list(errors) == ["actor"]
    assert not Project.objects.exists()


def test_a_provider_is_no_beneficiary(advisor: User, institute: Organisation, technologies: Any) -> None:
    errors = refused(actions.project_create, actor=advisor, organisation=institute, data=project_data())
    assert list(errors) == ["organisation"] and "companies and public bodies" in errors["organisation"][0]
    assert not Project.objects.exists()


def test_a_merged_company_is_refused(advisor: User, company: Organisation, other_company: Organisation) -> None:
    Organisation.objects.filter(pk=other_company.pk).update(merged_into=company)
    other_company.refresh_from_db()
    errors = refused(actions.project_create, actor=advisor, organisation=other_company, data=project_data())
    assert "organisation" in errors and "merged" in errors["organisation"][0]


def test_an_unknown_technology_is_named(advisor: User, company: Organisation) -> None:
    errors = refused(
        actions.project_create,
        actor=advisor,
        organisation=company,
        data=project_data(technologies=[HPC, "Quantum toasters"]),
    )
    assert list(errors) == ["technologies"] and "Quantum toasters" in errors["technologies"][0]
    assert not Project.objects.exists()


def test_a_project_without_technology_is_refused(advisor: User, company: Organisation) -> None:
    errors = refused(actions.project_create, actor=advisor, organisation=company, data=project_data(technologies=[]))
    assert list(errors) == ["technologies"]


def test_every_bad_field_of_a_project_is_named_at_once(advisor: User, company: Organisation) -> None:
    today = timezone.localdate()
    errors = refused(
        actions.project_create,
        actor=advisor,
        organisation=company,
        data=project_data(
            kind="hackathon",
            title="  ",
            scope="",
            objectives="x" * 5001,
            starts_on=today.isoformat(),
            ends_on=(today - timedelta(days=1)).isoformat(),
            aid_amount="abc",
        ),
    )
    assert set(errors) == {"kind", "title", "scope", "objectives", "ends_on", "aid_amount"}
    assert "end before it starts" in errors["ends_on"][0]
    assert not Project.objects.exists()


def test_aid_needs_its_basis(advisor: User, company: Organisation, technologies: Any) -> None:
    errors = refused(actions.project_create, actor=advisor, organisation=company, data=project_data(aid_basis="none"))
    assert list(errors) == ["aid_basis"]
    no_aid = actions.project_create(
        actor=advisor, organisation=company, data=project_data(aid_amount="0", aid_basis="")
    )
    assert (no_aid.aid_amount, no_aid.aid_basis) == (Decimal("0.00"), "none")


def test_staff_change_the_fields_given_and_no_others(advisor: User, project: Project) -> None:
    before = Project.objects.get(pk=project.pk)
    actions.project_update(
        actor=advisor, project=project, data={"title": "Predictive maintenance, phase 1", "technologies": [AI]}
    )
    after = Project.objects.get(pk=project.pk)
    assert after.title == "Predictive maintenance, phase 1"
    assert [t.name for t in after.technologies.all()] == [AI]
    assert (after.scope, after.starts_on, after.aid_amount) == (before.scope, before.starts_on, before.aid_amount)
    assert AuditEntry.objects.filter(action="pilot.update", target_id=str(project.pk)).count() == 1


def test_a_change_is_checked_against_what_is_kept(advisor: User, project: Project) -> None:
    earlier = (project.starts_on - timedelta(days=1)).isoformat()
    errors = refused(actions.project_update, actor=advisor, project=project, data={"ends_on": earlier})
    assert list(errors) == ["ends_on"]
    errors = refused(actions.project_update, actor=advisor, project=project, data={"aid_basis": "none"})
    assert list(errors) == ["aid_basis"]
    project.refresh_from_db()
    assert project.aid_basis == "de_minimis"


def test_only_staff_change_a_project(company_member: User, partner_member: User, project: Project) -> None:
    for who in (company_member, partner_member):
        errors = refused(actions.project_update, actor=who, project=project, data={"title": "Mine now"})
        assert list(errors) == ["actor"]
    project.refresh_from_db()
    assert project.title == "Predictive maintenance on the press line"


def test_a_stopped_project_is_no_longer_changed(advisor: User, project: Project) -> None:
    actions.project_stop(actor=advisor, project=project, reason="The company was sold.")
    errors = refused(actions.project_update, actor=advisor, project=project, data={"title": "Again"})
    assert list(errors) == ["status"] and "stopped" in errors["status"][0]


def test_a_need_or_action_of_another_company_is_refused(
    advisor: User, project: Project, other_company: Organisation
) -> None:
    from moselle.journeys import actions as journeys

    case = journeys.case_open(actor=advisor, organisation=other_company, title="Other plan", owner=advisor)
    need = journeys.need_create(actor=advisor, case=case, data={"title": "Ovens", "gap": 30})
    errors = refused(actions.project_update, actor=advisor, project=project, data={"need": need.pk, "action": 999})
    assert set(errors) == {"need", "action"}


# --- Partners -----------------------------------------------------------------------------------------------------


def test_staff_add_a_partner_with_its_role_and_budget(advisor: User, project: Project, institute: Organisation) -> None:
    partner = _partner(advisor, project, institute, contribution="HPC time and data science")
    partner.refresh_from_db()
    assert (partner.organisation, partner.role, partner.budget) == (institute, "performs", INSTITUTE_BUDGET)
    assert partner.contribution == "HPC time and data science"
    changed = actions.partner_save(actor=advisor, project=project, partner=partner, data={"budget": "15000.50"})
    assert Partner.objects.get(pk=changed.pk).budget == Decimal("15000.50")
    assert Partner.objects.get(pk=changed.pk).role == "performs"
    assert actions.budget_of(project) == Decimal("15000.50")


def test_the_company_is_not_its_own_partner(advisor: User, project: Project, company: Organisation) -> None:
    errors = refused(
        actions.partner_save, actor=advisor, project=project, data={"organisation": company.pk, "role": "performs"}
    )
    assert list(errors) == ["organisation"] and "beneficiary" in errors["organisation"][0]
    assert not project.partners.exists()


def test_a_partner_is_added_once(advisor: User, project: Project, institute: Organisation) -> None:
    _partner(advisor, project, institute)
    errors = refused(
        actions.partner_save, actor=advisor, project=project, data={"organisation": institute.pk, "role": "advises"}
    )
    assert list(errors) == ["organisation"] and institute.name in errors["organisation"][0]
    assert project.partners.count() == 1


def test_a_bad_partner_names_every_field(advisor: User, project: Project) -> None:
    errors = refused(
        actions.partner_save,
        actor=advisor,
        project=project,
        data={"organisation": "999999", "role": "sponsor", "budget": "-5"},
    )
    assert set(errors) == {"organisation", "role", "budget"}
    assert not project.partners.exists()


def test_only_staff_add_partners(partner_member: User, project: Project, institute: Organisation) -> None:
    errors = refused(
        actions.partner_save,
        actor=partner_member,
        project=project,
        data={"organisation": institute.pk, "role": "performs"},
    )
    assert list(errors) == ["actor"]
    assert not project.partners.exists()


def test_a_partner_who_owes_a_milestone_is_not_removed(
    advisor: User, project: Project, institute: Organisation, university: Organisation
) -> None:
    owing = _partner(advisor, project, institute)
    free = _partner(advisor, project, university, role="advises")
    _milestone(advisor, project, institute)
    assert list(refused(actions.partner_remove, actor=advisor, partner=owing)) == ["partner"]
    actions.partner_remove(actor=advisor, partner=free)
    assert list(project.partners.values_list("organisation_id", flat=True)) == [institute.pk]


def test_partners_and_their_budgets_are_fixed_once_the_pilot_started(
    advisor: User, project: Project, move_to: MoveTo, university: Organisation, other_company: Organisation
) -> None:
    move_to(project, Stage.EXECUTION)
    adviser = project.partners.get(organisation=university)
    errors = refused(actions.partner_save, actor=advisor, project=project, partner=adviser, data={"budget": "2500"})
    assert list(errors) == ["budget"]
    errors = refused(
        actions.partner_save,
        actor=advisor,
        project=project,
        data={"organisation": other_company.pk, "role": "other", "budget": "100"},
    )
    assert sorted(errors) == ["budget", "organisation"]
    assert list(refused(actions.partner_remove, actor=advisor, partner=adviser)) == ["partner"]
    # What they bring can still be described, the budget given again unchanged.
    actions.partner_save(
        actor=advisor, project=project, partner=adviser, data={"contribution": "Reviews the model", "budget": "2000"}
    )
    adviser.refresh_from_db()
    assert (adviser.contribution, adviser.budget) == ("Reviews the model", Decimal("2000.00"))


# --- Success criteria -------------------------------------------------------------------------------------------


def test_criteria_are_agreed_in_scoping_and_feasibility(advisor: User, project: Project, move_to: MoveTo) -> None:
    first = actions.criterion_save(actor=advisor, project=project, data={"text": "Fewer stops", "target": "-20 %"})
    move_to(project, Stage.FEASIBILITY)
    actions.criterion_save(actor=advisor, project=project, data={"text": "Operators trust it"})
    actions.criterion_save(actor=advisor, project=project, criterion=first, data={"target": "-25 %"})
    assert list(project.criteria.values_list("text", "target")) == [
        ("Fewer stops", "-25 %"),
        ("Operators trust it", ""),
    ]


def test_criteria_are_no_longer_changed_once_the_work_started(advisor: User, project: Project, move_to: MoveTo) -> None:
    move_to(project, Stage.EXECUTION)
    criterion = project.criteria.get()
    errors = refused(actions.criterion_save, actor=advisor, project=project, data={"text": "An easier target"})
    assert list(errors) == ["text"] and "before the work started" in errors["text"][0]
    errors = refused(
        actions.criterion_save, actor=advisor, project=project, criterion=criterion, data={"target": "1 out of 10"}
    )
    assert list(errors) == ["text"]
    assert list(refused(actions.criterion_remove, actor=advisor, criterion=criterion)) == ["text"]
    criterion.refresh_from_db()
    assert (project.criteria.count(), criterion.target) == (1, "8 out of 10")


def test_a_criterion_needs_its_text_and_staff(advisor: User, company_member: User, project: Project) -> None:
    assert list(refused(actions.criterion_save, actor=advisor, project=project, data={"text": " "})) == ["text"]
    errors = refused(actions.criterion_save, actor=company_member, project=project, data={"text": "Ours"})
    assert list(errors) == ["actor"]
    assert not Criterion.objects.exists()


def test_a_project_has_at_most_twenty_criteria(advisor: User, project: Project) -> None:
    for n in range(checks.MAX_CRITERIA):
        actions.criterion_save(actor=advisor, project=project, data={"text": f"Criterion {n}"})
    errors = refused(actions.criterion_save, actor=advisor, project=project, data={"text": "One more"})
    assert list(errors) == ["text"] and "20" in errors["text"][0]
    assert project.criteria.count() == checks.MAX_CRITERIA


# --- Milestones -------------------------------------------------------------------------------------------------


def test_a_milestone_is_owed_by_the_company_or_a_partner(
    advisor: User, project: Project, company: Organisation, institute: Organisation, other_company: Organisation
) -> None:
    _partner(advisor, project, institute)
    by_partner = _milestone(advisor, project, institute, kind="deliverable")
    by_company = _milestone(advisor, project, company, title="Two years of sensor data exported")
    assert (by_partner.owner, by_partner.kind) == (institute, "deliverable")
    assert (by_company.owner, by_company.kind) == (company, "milestone")
    errors = refused(
        actions.milestone_save,
        actor=advisor,
        project=project,
        data={"title": "Someone else's", "due_on": "2030-01-01", "owner": other_company.pk},
    )
    assert list(errors) == ["owner"]
    assert project.milestones.count() == 2


def test_a_bad_milestone_names_every_field(advisor: User, company_member: User, project: Project) -> None:
    errors = refused(
        actions.milestone_save,
        actor=advisor,
        project=project,
        data={"title": "", "kind": "party", "due_on": "next week", "owner": ""},
    )
    assert set(errors) == {"title", "kind", "due_on", "owner"}
    errors = refused(
        actions.milestone_save,
        actor=company_member,
        project=project,
        data={"title": "Ours", "due_on": "2030-01-01", "owner": project.organisation_id},
    )
    assert list(errors) == ["actor"]
    assert not project.milestones.exists()


@pytest.mark.parametrize("who", ["advisor", "partner_member"])
def test_the_owners_member_and_staff_mark_a_milestone_done(
    who: str, request: pytest.FixtureRequest, advisor: User, project: Project, institute: Organisation
) -> None:
    _partner(advisor, project, institute)
    milestone = _milestone(advisor, project, institute)
    yesterday = timezone.localdate() - timedelta(days=1)
    actions.milestone_done(actor=request.getfixturevalue(who), milestone=milestone, done_on=yesterday.isoformat())
    milestone.refresh_from_db()
    assert milestone.done_on == yesterday
    assert AuditEntry.objects.filter(action="pilot.milestone_done", target_id=str(milestone.pk)).exists()


def test_done_today_unless_told(advisor: User, partner_member: User, project: Project, institute: Organisation) -> None:
    _partner(advisor, project, institute)
    milestone = _milestone(advisor, project, institute)
    actions.milestone_done(actor=partner_member, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()


@pytest.mark.parametrize("who", ["company_member", "university_member", "outsider"])
def test_nobody_else_marks_a_milestone_done(
    who: str,
    request: pytest.FixtureRequest,
    advisor: User,
    project: Project,
    institute: Organisation,
    university: Organisation,
) -> None:
    _partner(advisor, project, institute)
    _partner(advisor, project, university, role="advises")
    milestone = _milestone(advisor, project, institute)
    errors = refused(actions.milestone_done, actor=request.getfixturevalue(who), milestone=milestone)
    assert list(errors) == ["actor"]
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_milestone_owed_by_the_company_is_marked_by_its_members(
    advisor: User, company_member: User, project: Project, company: Organisation
) -> None:
    milestone = _milestone(advisor, project, company)
    actions.milestone_done(actor=company_member, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()


def test_a_milestone_is_not_done_in_the_future(advisor: User, project: Project, company: Organisation) -> None:
    milestone = _milestone(advisor, project, company)
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = refused(actions.milestone_done, actor=advisor, milestone=milestone, done_on=tomorrow)
    assert list(errors) == ["done_on"] and "future" in errors["done_on"][0]
    assert list(refused(actions.milestone_done, actor=advisor, milestone=milestone, done_on="someday")) == ["done_on"]
    milestone.refresh_from_db()
    assert milestone.done_on is None
