"""Every write of a company's journey. Each action runs in one transaction, writes the audit log and adds
what happened to the organisation's timeline; views, the API, the admin and tasks call these and nothing
else. Other apps add to a timeline with ``journeys.actions.activity_record``.

- ``cases``: the request for help, triage, the case's moves through Inform, Inspire and Engage.
- ``needs``: needs drafted from the assessment's gaps or written by hand, and their priority.
- ``roadmaps``: the roadmap drafted from the needs, its actions, the company's agreement.
- ``referrals``: referrals to providers and partners, the company's consent, their moves and rating.
- ``tasks``: the advisors' tasks and their reminders.
- ``timeline``: the organisation's timeline.
"""

from moselle.journeys.actions.cases import (
    case_close,
    case_move,
    case_open,
    case_reach,
    case_triage,
    case_update,
    intake_submit,
)
from moselle.journeys.actions.needs import (
    latest_result,
    need_close,
    need_create,
    need_prioritise,
    need_update,
    needs_draft,
    prioritised,
)
from moselle.journeys.actions.referrals import referral_consent, referral_move, referral_propose, referral_rate
from moselle.journeys.actions.roadmaps import action_delete, action_save, roadmap_agree, roadmap_draft
from moselle.journeys.actions.tasks import task_create, task_done, tasks_remind
from moselle.journeys.actions.timeline import activity_log, activity_record

__all__ = [
    "action_delete",
    "action_save",
    "activity_log",
    "activity_record",
    "case_close",
    "case_move",
    "case_open",
    "case_reach",
    "case_triage",
    "case_update",
    "intake_submit",
    "latest_result",
    "need_close",
    "need_create",
    "need_prioritise",
    "need_update",
    "needs_draft",
    "prioritised",
    "referral_consent",
    "referral_move",
    "referral_propose",
    "referral_rate",
    "roadmap_agree",
    "roadmap_draft",
    "task_create",
    "task_done",
    "tasks_remind",
]
