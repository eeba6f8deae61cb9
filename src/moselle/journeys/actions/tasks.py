"""Advisors' tasks: something to do by a date, perhaps for a case; a reminder goes out when it is due."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.core import audit, mail
from moselle.journeys.actions.checks import TITLE_LIMIT, Checked, check_staff, check_text, future_date, user_of
from moselle.journeys.models import Case, Task
from moselle.organisations.models import Organisation


def task_create(
    *,
    actor: Any,
    title: str,
    assignee: Any,
    due_on: Any,
    case: Case | None = None,
    organisation: Organisation | None = None,
) -> Task:
    """A task for a member of the hub's staff, due today or later."""
    checked = Checked({"title": title, "assignee": assignee, "due_on": due_on})
    checked.take(
        "title", lambda v: check_text(v, "title", TITLE_LIMIT, required=True, missing=_("Say what is to be done."))
    )
    checked.take("assignee", lambda v: check_staff(v, "assignee"))
    checked.take("due_on", lambda v: future_date(v, "due_on", required=True))
    if case is not None and organisation is not None and case.organisation_id != organisation.pk:
        checked.add("case", _("This case is another organisation's."))
    checked.done()
    with transaction.atomic():
        task = Task.objects.create(
            title=checked.values["title"],
            assignee=checked.values["assignee"],
            due_on=checked.values["due_on"],
            case=case,
            organisation=organisation or (case.organisation if case is not None else None),
            created_by=user_of(actor),
        )
        audit.record(actor=actor, action="task.create", target=task, organisation_id=task.organisation_id)
    return task


def task_done(*, actor: Any, task: Task, done: bool = True) -> Task:
    with transaction.atomic():
        before = audit.snapshot(task)
        task.status = Task.Status.DONE if done else Task.Status.OPEN
        task.done_at = timezone.now() if done else None
        task.save(update_fields=["status", "done_at"])
        audit.record(actor=actor, action="task.done" if done else "task.reopen", target=task, before=before)
    return task


def tasks_remind(*, today: Any = None) -> int:
    """E-mail each open task's assignee on the day it is due (or at the first tick after): once per task,
    however often the tick runs, and only one of two ticks running at once sends it."""
    today = today or timezone.localdate()
    sent = 0
    due = Task.objects.filter(status=Task.Status.OPEN, due_on__lte=today, reminded_on__isnull=True)
    for task_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task_id, status=Task.Status.OPEN, reminded_on__isnull=True).update(
                reminded_on=today
            )
            if not claimed:
                continue
            task = Task.objects.select_related("assignee", "organisation").get(pk=task_id)
            mail.send_templated(
                to=task.assignee.email,
                template="journeys/email/task_due",
                context={
                    "title": task.title,
                    "due_on": task.due_on,
                    "overdue": task.due_on < today,
                    "organisation": task.organisation.name if task.organisation else "",
                },
                language=task.assignee.language,
                user_id=task.assignee_id,
            )
            sent += 1
    return sent
