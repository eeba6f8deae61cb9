"""``{% journey_summary %}``: on a member's home, their organisations' roadmaps (agreed or waiting for their
agreement, with the next actions), their open cases, and the referrals waiting for an answer from them."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from moselle.journeys.access import received_referrals, visible_cases
from moselle.journeys.models import Case, Referral, Roadmap, RoadmapAction

register = template.Library()

NEXT_ACTIONS = 3


@register.inclusion_tag("journeys/partials/summary.html", takes_context=True)
def journey_summary(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roadmaps": [], "cases": [], "waiting": []}
    cases = visible_cases(user).filter(status=Case.Status.OPEN).select_related("organisation")
    open_actions = RoadmapAction.objects.exclude(status__in=("done", "dropped")).order_by("due_on", "position", "id")
    roadmaps = list(
        Roadmap.objects.filter(case__in=cases)
        .select_related("organisation", "case")
        .prefetch_related(Prefetch("actions", queryset=open_actions, to_attr="open_actions"), "versions")
        .order_by("organisation__name", "id")
    )
    for roadmap in roadmaps:
        roadmap.next_actions = roadmap.open_actions[:NEXT_ACTIONS]  # type: ignore[attr-defined]
        versions = list(roadmap.versions.all())
        roadmap.last_version = versions[0] if versions else None  # type: ignore[attr-defined]
    waiting = list(
        received_referrals(user)
        .filter(status=Referral.Status.PROPOSED)
        .select_related("organisation", "recipient")
        .order_by("-created_at")[:10]
    )
    return {"roadmaps": roadmaps, "cases": list(cases.order_by("-updated_at")[:10]), "waiting": waiting}


@register.inclusion_tag("journeys/partials/staff_summary.html", takes_context=True)
def staff_summary(context: template.Context) -> dict[str, Any]:
    """On the hub's dashboard: the funnel of open cases, the triage queue, and the advisor's due tasks."""
    from django.db.models import Count
    from django.utils import timezone

    from moselle.journeys.access import visible_tasks
    from moselle.journeys.models import Stage, Task

    request = context.get("request")
    user = getattr(request, "user", None)
    cases = visible_cases(user)
    by_stage = dict(
        cases.filter(status=Case.Status.OPEN)
        .values_list("stage")
        .annotate(count=Count("id"))
        .values_list("stage", "count")
    )
    today = timezone.localdate()
    return {
        "funnel": [(stage.label, by_stage.get(stage.value, 0)) for stage in Stage],
        "triage": cases.filter(status=Case.Status.TRIAGE).count(),
        "mine": cases.filter(status=Case.Status.OPEN, owner_id=user.pk).count() if user else 0,
        "due": list(
            visible_tasks(user)
            .filter(assignee_id=user.pk, status=Task.Status.OPEN, due_on__lte=today)
            .select_related("case", "organisation")
            .order_by("due_on", "id")[:10]
        )
        if user
        else [],
    }
