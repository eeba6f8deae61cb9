"""Advisors' tasks: created for hub staff, due today or later; a reminder goes out once, on the day a task
is due or at the first tick after, never for a task done or not yet due; the tick command runs it."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core import due_work
from moselle.core.models import AuditEntry, EmailLog
from moselle.journeys import actions
from moselle.journeys.models import Task
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
DUE = "journeys/email/task_due"


@pytest.fixture
def advisor(make_user: MakeUser) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def colleague(make_user: MakeUser) -> User:
    return make_user(Role.HUB_ADVISOR)


def refused_task(**kwargs: Any) -> dict[str, list[str]]:
    """Create a task expecting a refusal; the fields it names. Checks nothing was written."""
    before = (Task.objects.count(), AuditEntry.objects.count(), EmailLog.objects.count())
    with pytest.raises(ValidationError) as caught:
        actions.task_create(**kwargs)
    assert (Task.objects.count(), AuditEntry.objects.count(), EmailLog.objects.count()) == before, "half-written"
    return caught.value.message_dict


def task_due(advisor: User, assignee: User, days: int = 0, title: str = "Call the bakery back") -> Task:
    return actions.task_create(
        actor=advisor, title=title, assignee=assignee, due_on=timezone.localdate() + timedelta(days=days)
    )


def reminders(to: str | None = None) -> int:
    rows = EmailLog.objects.filter(template=DUE)
    return (rows.filter(recipient=to) if to is not None else rows).count()


# --- Creating a task ----------------------------------------------------------------------------------------


def test_it_creates_a_task_for_a_colleague_due_today(advisor: User, colleague: User, org_a: Organisation) -> None:
    today = timezone.localdate()
    task = actions.task_create(
        actor=advisor, title="  Send the offer  ", assignee=colleague, due_on=today.isoformat(), organisation=org_a
    )
    task.refresh_from_db()
    assert (task.title, task.assignee, task.due_on, task.status) == (
        "Send the offer",
        colleague,
        today,
        Task.Status.OPEN,
    )
    assert (task.organisation, task.created_by, task.reminded_on) == (org_a, advisor, None)
    assert AuditEntry.objects.filter(action="task.create", target_id=str(task.pk)).count() == 1


def test_it_refuses_a_task_due_in_the_past(advisor: User) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    assert "due_on" in refused_task(actor=advisor, title="Call back", assignee=advisor, due_on=yesterday)


def test_it_refuses_an_assignee_who_is_not_hub_staff(advisor: User, make_user: MakeUser, org_a: Organisation) -> None:
    member = make_user(Role.COMPANY_MEMBER, org_a)
    errors = refused_task(actor=advisor, title="Call back", assignee=member, due_on=timezone.localdate())
    assert "assignee" in errors


def test_it_refuses_a_task_without_title(advisor: User) -> None:
    assert "title" in refused_task(actor=advisor, title="   ", assignee=advisor, due_on=timezone.localdate())


def test_it_reports_every_error_of_a_task_at_once(advisor: User, make_user: MakeUser, org_a: Organisation) -> None:
    member = make_user(Role.COMPANY_MEMBER, org_a)
    errors = refused_task(actor=advisor, title="", assignee=member, due_on=timezone.localdate() - timedelta(days=3))
    assert set(errors) >= {"title", "assignee", "due_on"}


# --- Reminders ----------------------------------------------------------------------------------------------


def test_it_reminds_the_assignee_of_a_task_due_today(advisor: User, colleague: User) -> None:
    task = task_due(advisor, colleague)
    assert actions.tasks_remind() == 1
    assert reminders(colleague.email) == 1
    assert reminders() == 1
    assert EmailLog.objects.get(template=DUE).subject == "Due today: Call the bakery back"
    task.refresh_from_db()
    assert task.reminded_on == timezone.localdate()


def test_it_reminds_the_assignee_of_an_overdue_task(advisor: User, colleague: User) -> None:
    task = task_due(advisor, colleague)
    later = timezone.localdate() + timedelta(days=4)
    assert actions.tasks_remind(today=later) == 1
    assert reminders(colleague.email) == 1
    assert EmailLog.objects.get(template=DUE).subject == "Overdue: Call the bakery back"
    task.refresh_from_db()
    assert task.reminded_on == later


def test_it_reminds_of_a_task_whose_due_date_has_passed(advisor: User, colleague: User) -> None:
    task = task_due(advisor, colleague)
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    assert actions.tasks_remind() == 1
    assert reminders(colleague.email) == 1
    task.refresh_from_db()
    assert task.reminded_on == timezone.localdate()


def test_it_reminds_only_once_however_often_it_runs(advisor: User, colleague: User) -> None:
    task_due(advisor, colleague)
    actions.tasks_remind()
    assert actions.tasks_remind() == 0
    assert actions.tasks_remind(today=timezone.localdate() + timedelta(days=1)) == 0
    assert reminders(colleague.email) == 1


def test_it_does_not_remind_of_a_task_done(advisor: User, colleague: User) -> None:
    task = task_due(advisor, colleague)
    actions.task_done(actor=colleague, task=task)
    assert actions.tasks_remind() == 0
    assert reminders() == 0
    task.refresh_from_db()
    assert (task.status, task.reminded_on) == (Task.Status.DONE, None)


def test_it_does_not_remind_of_a_task_due_tomorrow(advisor: User, colleague: User) -> None:
    task = task_due(advisor, colleague, days=1)
    assert actions.tasks_remind() == 0
    assert reminders() == 0
    task.refresh_from_db()
    assert task.reminded_on is None


def test_it_reminds_each_assignee_of_their_own_task(advisor: User, colleague: User) -> None:
    task_due(advisor, colleague, title="Send the offer")
    task_due(advisor, advisor, title="Book the room")
    assert actions.tasks_remind() == 2
    assert (reminders(colleague.email), reminders(advisor.email)) == (1, 1)


# --- The tick -----------------------------------------------------------------------------------------------


def test_it_registers_the_task_reminders_as_due_work() -> None:
    assert "task reminders" in dict(due_work.jobs())


def test_it_sends_the_reminders_due_when_the_tick_runs(advisor: User, colleague: User) -> None:
    task = task_due(advisor, colleague)
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert reminders(colleague.email) == 1
    task.refresh_from_db()
    assert task.reminded_on == timezone.localdate()
    assert "task reminders: 1" in out.getvalue()


def test_it_names_the_task_reminders_in_the_ticks_output(db: Any) -> None:
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "task reminders: 0" in out.getvalue()
    assert reminders() == 0
