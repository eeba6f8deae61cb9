"""Who may see and act on which case, need, roadmap, referral, activity and task.

Hub staff work on every case. A company's members see their own organisation's cases, needs, roadmap and
referrals, and agree the roadmap. A provider or partner sees a referral made to it only once the company
has consented to share its file with it, and then only what the consent covers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_staff
from moselle.journeys.models import Activity, Case, Need, Referral, Roadmap, RoadmapAction, Task
from moselle.organisations.models import Organisation


def visible_cases(user: Any) -> QuerySet[Case]:
    if is_hub_staff(user):
        return Case.objects.all()
    return Case.objects.filter(organisation_id__in=member_organisation_ids(user)).exclude(status=Case.Status.TRIAGE)


def get_case_for_user(user: Any, case_id: int) -> Case:
    case = visible_cases(user).select_related("organisation", "owner").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def get_case_to_manage(user: Any, case_id: int) -> Case:
    """Triage, stage moves, needs and roadmap drafts are the hub staff's work."""
    require_hub_staff(user)
    return get_case_for_user(user, case_id)


def visible_needs(user: Any) -> QuerySet[Need]:
    if is_hub_staff(user):
        return Need.objects.all()
    return Need.objects.filter(organisation_id__in=member_organisation_ids(user))


def get_need_for_user(user: Any, need_id: int) -> Need:
    need = visible_needs(user).select_related("organisation", "case").filter(pk=need_id).first()
    if need is None:
        raise Http404
    return need


def get_roadmap_for_user(user: Any, roadmap_id: int) -> Roadmap:
    roadmap = (
        Roadmap.objects.select_related("organisation", "case")
        .filter(pk=roadmap_id, case__in=visible_cases(user))
        .first()
    )
    if roadmap is None:
        raise Http404
    return roadmap


def get_action_for_user(user: Any, action_id: int) -> RoadmapAction:
    action = (
        RoadmapAction.objects.select_related("roadmap", "roadmap__organisation", "need")
        .filter(pk=action_id, roadmap__case__in=visible_cases(user))
        .first()
    )
    if action is None:
        raise Http404
    return action


def can_agree_roadmap(user: Any, roadmap: Roadmap) -> bool:
    """A roadmap is the company's commitment: only its own members agree it."""
    return roadmap.organisation_id in member_organisation_ids(user)


def visible_referrals(user: Any) -> QuerySet[Referral]:
    """Hub staff see every referral; the company its own; a recipient those made to it that the company
    consented to share."""
    if is_hub_staff(user):
        return Referral.objects.all()
    organisations = member_organisation_ids(user)
    return Referral.objects.filter(
        Q(organisation_id__in=organisations) | Q(recipient_id__in=organisations, consent__given=True)
    )


def get_referral_for_user(user: Any, referral_id: int) -> Referral:
    referral = (
        visible_referrals(user)
        .select_related("organisation", "recipient", "need", "action", "offer", "consent")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def side_of(user: Any, referral: Referral) -> str:
    """How ``user`` stands to a referral they may see: "hub", "company" or "recipient"."""
    if is_hub_staff(user):
        return "hub"
    if referral.organisation_id in member_organisation_ids(user):
        return "company"
    return "recipient"


def received_referrals(user: Any) -> QuerySet[Referral]:
    """A provider's or partner's inbox: what was referred to its organisations, consented to."""
    return Referral.objects.filter(recipient_id__in=member_organisation_ids(user), consent__given=True)


def timeline_for_user(user: Any, organisation_id: int) -> QuerySet[Activity]:
    """An organisation's timeline is the hub's working record: hub staff read it."""
    require_hub_staff(user)
    return Activity.objects.filter(organisation_id=organisation_id)


def visible_tasks(user: Any) -> QuerySet[Task]:
    require_hub_staff(user)
    return Task.objects.all()


def get_task_for_user(user: Any, task_id: int) -> Task:
    task = visible_tasks(user).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def nameable_recipients(user: Any) -> QuerySet[Organisation]:
    """Whom ``user`` may name as a referral's recipient. Hub staff name any organisation (the action then says
    why one that does not deliver cannot receive it); anyone else names the hub's providers and partners, the
    hubs of the directory (public to every signed-in person) or their own organisations, so that a refusal
    never reveals another organisation's name."""
    if is_hub_staff(user):
        return Organisation.objects.all()
    from moselle.journeys.actions.referrals import RECIPIENT_KINDS

    delivering = Organisation.objects.filter(
        kind_rows__kind__in=[*RECIPIENT_KINDS, Organisation.Kind.HUB], merged_into__isnull=True, is_historical=False
    )
    return Organisation.objects.filter(Q(pk__in=delivering.values("pk")) | Q(pk__in=member_organisation_ids(user)))
