"""A person's export lists the projects they took part in and how; erasing the person changes nothing here, and
the projects outlive the accounts that worked on them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import User
from moselle.core import privacy
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Document, Gate, Project, Stage
from moselle.pilots.tests.conftest import MoveTo, decide, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(
    advisor: User,
    company_member: User,
    partner_member: User,
    project: Project,
    move_to: MoveTo,
    facility: Any,
) -> Project:
    """A pilot through every gate: the Institute's member booked HPC time and uploaded the results; the company's
    member signed it off."""
    move_to(project, Stage.EXECUTION)
    (booking,) = actions.book(
        actor=partner_member, project=project, facility=facility, data={"units": 100, "starts_on": timezone.localdate()}
    )
    actions.usage_record(actor=partner_member, booking=booking, used=80)
    actions.document_add(actor=partner_member, project=project, upload=upload(), title="Results")
    move_to(project, Stage.DECISION)
    decide(advisor, project)
    actions.sign_off(actor=company_member, project=project)
    return project


def _exported(user: User) -> list[dict[str, Any]]:
    exported: list[dict[str, Any]] = (
        privacy.export_person(privacy.find_person(user.email)).get("pilots", {}).get("pilot_projects", [])
    )
    return exported


def test_the_export_lists_each_persons_projects_and_roles(
    completed: Project, advisor: User, company_member: User, partner_member: User, make_project: Any
) -> None:
    other = make_project(title="A second pilot")
    assert _exported(advisor) == [
        {
            "project": completed.pk,
            "title": completed.title,
            "roles": ["advisor", "created_by", "decided_by", "gate_decided_by"],
        },
        {"project": other.pk, "title": "A second pilot", "roles": ["advisor", "created_by"]},
    ]
    assert _exported(company_member) == [
        {"project": completed.pk, "title": completed.title, "roles": ["signed_off_by"]}
    ]
    assert _exported(partner_member) == [
        {
            "project": completed.pk,
            "title": completed.title,
            "roles": ["booked_or_recorded_usage", "uploaded_a_document"],
        }
    ]


def test_someone_who_took_no_part_has_nothing_exported(completed: Project, outsider: User) -> None:
    assert "pilots" not in privacy.export_person(privacy.find_person(outsider.email))
    assert "pilots" not in privacy.export_person(privacy.Person(email="nobody@example.org", user_id=None))


def test_erasing_a_person_leaves_the_projects_intact(
    completed: Project, advisor: User, company_member: User, partner_member: User, company: Organisation
) -> None:
    for person in (advisor, company_member, partner_member):
        counts = privacy.erase_person(privacy.find_person(person.email))
        assert counts["pilots"] == 0
    project = Project.objects.get(pk=completed.pk)
    assert (project.title, project.organisation, project.stage, project.status, project.decision) == (
        completed.title,
        company,
        Stage.DECISION,
        Project.Status.COMPLETED,
        "go",
    )
    assert project.grant is not None and project.service_record is not None
    assert Gate.objects.filter(project=project).count() == 4
    assert Booking.objects.get(project=project).used == 80
    assert Document.objects.filter(project=project).count() == 1
    # The erased accounts remain as anonymous rows: the references point at no one identifiable.
    erased = User.objects.get(pk=company_member.pk)
    assert erased.is_erased and erased.full_name == "" and company_member.email not in erased.email
    assert project.signed_off_by_id == company_member.pk


def test_deleting_an_account_leaves_its_projects_with_no_one_behind_the_references(
    completed: Project, advisor: User, company_member: User
) -> None:
    User.objects.filter(pk__in=[advisor.pk, company_member.pk]).delete()
    project = Project.objects.get(pk=completed.pk)
    assert (project.advisor, project.created_by, project.decided_by, project.signed_off_by) == (None, None, None, None)
    assert project.status == Project.Status.COMPLETED and project.decision == "go"
    assert set(Gate.objects.filter(project=project).values_list("decided_by", flat=True)) == {None}
