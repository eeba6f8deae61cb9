"""Pages of a roadmap: the actions on three horizons with what the matching engine suggests for each, the
advisor's forms to change them, the company's agreement and the versions it agreed, and a printable copy.

Every read goes through ``journeys.access`` (404 when not allowed) and every write through an action; an
action's refusal is put on the field it names (or shown on the page) and the page answers 400."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.accounts.models import User
from moselle.core.models_taxonomy import Technology
from moselle.core.printing import render_document
from moselle.journeys import actions, queries
from moselle.journeys.access import can_agree_roadmap, get_action_for_user, get_case_to_manage, get_roadmap_for_user
from moselle.journeys.forms import ActionForm
from moselle.journeys.models import Horizon, Roadmap, RoadmapAction, RoadmapVersion
from moselle.journeys.views_needs import needs_page
from moselle.matching import engine as matching_engine
from moselle.matching.engine import Result
from moselle.matching.views import Card, card_for

# Actions finished or given up need no more help: the engine is asked only for the others.
SUGGESTED_FOR = (RoadmapAction.Status.PLANNED, RoadmapAction.Status.IN_PROGRESS)
OWNER_KINDS = dict(RoadmapAction.Owner.choices)
STATUSES = dict(RoadmapAction.Status.choices)


@dataclass(frozen=True)
class Suggestion:
    """A result of the matching engine for an action, and the address that refers the company to it."""

    card: Card
    refer_url: str


@dataclass(frozen=True)
class ActionRow:
    """An action as the pages show it, from the working roadmap or from an agreed version's copy."""

    title: str
    description: str
    horizon: str
    owner_kind: str
    owner: str
    due_on: date | None
    status: str
    status_code: str
    technologies: list[str]
    id: int | None = None  # the working roadmap's action; none for a version's copy
    need: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass(frozen=True)
class HorizonGroup:
    code: str
    name: str
    rows: list[ActionRow]


def by_horizon(rows: Iterable[ActionRow]) -> list[HorizonGroup]:
    """The three horizons in order, each with its actions (an empty horizon is shown empty)."""
    listed = list(rows)
    return [
        HorizonGroup(code=str(code), name=str(name), rows=[row for row in listed if row.horizon == code])
        for code, name in Horizon.choices
    ]


def _refer_url(roadmap: Roadmap, action: RoadmapAction, result: Result) -> str:
    query: dict[str, Any] = {"organisation": roadmap.organisation_id, "action": action.pk}
    if action.need_id is not None:
        query["need"] = action.need_id
    if result.item.kind == "offer":
        query["offer"] = result.item.id
    else:
        query["recipient"] = result.item.id
    return f"{reverse('referral_create')}?{urlencode(query)}"


def _suggestions(
    roadmap: Roadmap, action: RoadmapAction, technologies: Sequence[Technology], user: Any
) -> list[Suggestion]:
    if action.status not in SUGGESTED_FOR:
        return []
    found = queries.action_suggestions(action, user=user, refresh=False)
    # "Why this matches" opens the result for the action's own words and technologies.
    query = urlencode(
        [
            ("text", action.title),
            *(("technologies", t.name) for t in technologies),
            *(("kinds", k) for k in queries.SUGGESTION_KINDS),
        ]
    )
    return [Suggestion(card=card_for(result, query), refer_url=_refer_url(roadmap, action, result)) for result in found]


def working_rows(roadmap: Roadmap, user: Any, *, suggest: bool) -> list[ActionRow]:
    """The roadmap's actions as they stand, in their order; with the engine's suggestions when ``suggest``
    (the engine's index brought up to date once for the page, not once per action)."""
    rows = []
    if suggest:
        matching_engine.engine().refresh()
    for action in queries.roadmap_actions(roadmap.case):
        technologies = list(action.technologies.all())
        rows.append(
            ActionRow(
                id=action.pk,
                title=action.title,
                description=action.description,
                horizon=action.horizon,
                owner_kind=str(OWNER_KINDS.get(action.owner_kind, action.owner_kind)),
                owner=action.owner.display_name if action.owner else "",
                due_on=action.due_on,
                status=str(STATUSES.get(action.status, action.status)),
                status_code=action.status,
                technologies=[str(t) for t in technologies],
                need=action.need.shown_title if action.need else "",
                suggestions=_suggestions(roadmap, action, technologies, user) if suggest else [],
            )
        )
    return rows


def version_rows(version: RoadmapVersion) -> list[ActionRow]:
    """The actions of an agreed version as the company agreed them: the copy kept with the version, the
    people and technologies it names read once for the whole version."""
    copies = [copy for copy in version.actions if isinstance(copy, dict)]
    owner_ids = {copy["owner"] for copy in copies if copy.get("owner")}
    owners = {user.pk: user.display_name for user in User.objects.filter(pk__in=owner_ids)} if owner_ids else {}
    names = {name for copy in copies for name in copy.get("technologies", [])}
    labels = {t.name: str(t) for t in Technology.objects.filter(name__in=names)} if names else {}
    rows = []
    for copy in copies:
        try:
            due = date.fromisoformat(str(copy.get("due_on", "")))
        except ValueError:
            due = None
        rows.append(
            ActionRow(
                title=str(copy.get("title", "")),
                description=str(copy.get("description", "")),
                horizon=str(copy.get("horizon", "")),
                owner_kind=str(OWNER_KINDS.get(copy.get("owner_kind", ""), copy.get("owner_kind", ""))),
                owner=owners.get(copy.get("owner") or 0, ""),
                due_on=due,
                status=str(STATUSES.get(copy.get("status", ""), copy.get("status", ""))),
                status_code=str(copy.get("status", "")),
                technologies=[labels.get(name, name) for name in copy.get("technologies", [])],
            )
        )
    return rows


def _chosen_version(request: HttpRequest, versions: list[RoadmapVersion]) -> RoadmapVersion | None:
    asked = request.GET.get("version", "").strip()
    if not asked:
        return None
    chosen = next((v for v in versions if asked.isdecimal() and v.number == int(asked)), None)
    if chosen is None:
        raise Http404
    return chosen


def _roadmap_page(
    request: HttpRequest,
    roadmap: Roadmap,
    *,
    action_form: ActionForm | None = None,
    agree_errors: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    staff = is_hub_staff(request.user)
    versions = list(roadmap.versions.select_related("agreed_by").order_by("-number"))
    shown = _chosen_version(request, versions)
    rows = working_rows(roadmap, request.user, suggest=shown is None)
    latest = versions[0] if versions else None
    may_agree = (
        not staff
        and bool(rows)
        and (roadmap.changed_since_agreement or latest is None)
        and can_agree_roadmap(request.user, roadmap)
    )
    context = {
        "roadmap": roadmap,
        "case": roadmap.case,
        "organisation": roadmap.organisation,
        "staff": staff,
        "horizons": by_horizon(version_rows(shown) if shown else rows),
        "action_count": len(rows),
        "versions": versions,
        "latest": latest,
        "shown_version": shown,
        "changed": roadmap.changed_since_agreement or latest is None,
        "may_agree": may_agree,
        "agree_errors": list(agree_errors),
        "action_form": (action_form or ActionForm(roadmap=roadmap, initial={"horizon": Horizon.NOW}))
        if staff
        else None,
        # Hub staff refer the company; its members ask for a referral themselves (and consent on the way).
        "refer": staff or roadmap.organisation_id in member_organisation_ids(request.user),
    }
    return render(request, "journeys/roadmaps/detail.html", context, status=status)


@login_required
@require_POST
def roadmap_draft(request: HttpRequest, case_id: int) -> HttpResponse:
    """The advisor drafts (or drafts again) the roadmap from the case's prioritised needs."""
    case = get_case_to_manage(request.user, case_id)
    try:
        roadmap = actions.roadmap_draft(actor=request.user, case=case)
    except ValidationError as error:
        return needs_page(request, case, roadmap_errors=error.messages, status=400)
    messages.success(request, _("The roadmap was drafted from the needs. Edit it, then ask the company to agree it."))
    return redirect("roadmap_detail", roadmap_id=roadmap.pk)


@login_required
@require_GET
def roadmap_detail(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    """The roadmap by horizon; ``?version=N`` shows the actions as the company agreed them in version N."""
    return _roadmap_page(request, get_roadmap_for_user(request.user, roadmap_id))


@login_required
@require_GET
def roadmap_print(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    """The roadmap on paper: the organisation, the case, the actions by horizon and the last agreement."""
    roadmap = get_roadmap_for_user(request.user, roadmap_id)
    latest = roadmap.versions.select_related("agreed_by").order_by("-number").first()
    context = {
        "roadmap": roadmap,
        "case": roadmap.case,
        "organisation": roadmap.organisation,
        "horizons": by_horizon(working_rows(roadmap, request.user, suggest=False)),
        "latest": latest,
        "changed": roadmap.changed_since_agreement or latest is None,
    }
    title = _("Roadmap of %(organisation)s") % {"organisation": roadmap.organisation.name}
    return render_document(request, "journeys/roadmaps/print.html", context, title=title)


@login_required
@require_POST
def roadmap_agree(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    """A member of the company agrees the roadmap as it stands; the hub cannot do it for the company."""
    roadmap = get_roadmap_for_user(request.user, roadmap_id)
    try:
        version = actions.roadmap_agree(actor=request.user, roadmap=roadmap)
    except ValidationError as error:
        return _roadmap_page(request, roadmap, agree_errors=error.messages, status=400)
    messages.success(
        request, _("You agreed the roadmap: it is kept as version %(number)d.") % {"number": version.number}
    )
    return redirect("roadmap_detail", roadmap_id=roadmap.pk)


@login_required
@require_POST
def action_create(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    """The advisor adds an action to the roadmap."""
    require_hub_staff(request.user)
    roadmap = get_roadmap_for_user(request.user, roadmap_id)
    form = ActionForm(request.POST, roadmap=roadmap)
    if form.is_valid():
        try:
            action = actions.action_save(actor=request.user, roadmap=roadmap, data=form.action_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The action “%(title)s” was added.") % {"title": action.title})
            return redirect(f"{reverse('roadmap_detail', args=[roadmap.pk])}#action-{action.pk}")
    return _roadmap_page(request, roadmap, action_form=form, status=400)


@login_required
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    """The advisor changes an action; the roadmap then waits for the company's agreement again."""
    require_hub_staff(request.user)
    action = get_action_for_user(request.user, action_id)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        roadmap=action.roadmap,
        initial=ActionForm.initial_for(action),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.action_save(actor=request.user, roadmap=action.roadmap, action=action, data=form.action_data())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The action “%(title)s” was saved.") % {"title": action.title})
                return redirect(f"{reverse('roadmap_detail', args=[action.roadmap_id])}#action-{action.pk}")
        action.refresh_from_db()
    context = {"action": action, "roadmap": action.roadmap, "form": form}
    return render(request, "journeys/roadmaps/action_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def action_delete(request: HttpRequest, action_id: int) -> HttpResponse:
    """The advisor takes an action off the roadmap."""
    require_hub_staff(request.user)
    action = get_action_for_user(request.user, action_id)
    roadmap_id, title = action.roadmap_id, action.title
    actions.action_delete(actor=request.user, action=action)
    messages.success(request, _("The action “%(title)s” was taken off the roadmap.") % {"title": title})
    return redirect("roadmap_detail", roadmap_id=roadmap_id)
