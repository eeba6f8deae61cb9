"""The hub staff's pages of corridors and collaborations: the list with this year's figures, a corridor with
its partners, documents and collaborations, the forms to start or change one and to record a collaboration.
Reads go through ``network.access``, writes through ``network.actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts.forms import apply_errors
from moselle.core.ids import row_id
from moselle.network import actions, figures
from moselle.network.access import get_corridor_for_user, visible_collaborations, visible_corridors
from moselle.network.forms import CollaborationForm, CorridorForm, DocumentForm
from moselle.network.models import Corridor
from moselle.reporting.kpis import Period


@login_required
def corridor_list(request: HttpRequest) -> HttpResponse:
    """Every corridor, running or ended, the collaborations of the last months and this year's figures."""
    corridors = visible_corridors(request.user).prefetch_related("partners")
    today = timezone.localdate()
    year = Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    return render(
        request,
        "network/corridors.html",
        {
            "corridors": corridors,
            "collaborations": visible_collaborations(request.user)
            .select_related("corridor")
            .prefetch_related("hubs")[:50],
            "year": year,
            "running": figures.running(year).count(),
            "recorded": figures.recorded(year).count(),
            "today": today,
        },
    )


def _corridor_form(request: HttpRequest, corridor: Corridor | None) -> HttpResponse:
    kept = list(corridor.partners.values_list("pk", flat=True)) if corridor is not None else []
    if request.method == "POST":
        form = CorridorForm(request.POST, kept=kept)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = actions.corridor_save(
                    actor=request.user,
                    corridor=corridor,
                    title=data["title"],
                    scope=data["scope"],
                    partners=data["partners"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The corridor is saved."))
                return redirect("corridor_detail", saved.pk)
    elif corridor is not None:
        form = CorridorForm(
            kept=kept,
            initial={
                "title": corridor.title,
                "scope": corridor.scope,
                "partners": [hub.pk for hub in corridor.partners.all()],
                "started_on": corridor.started_on,
                "ended_on": corridor.ended_on,
            },
        )
    else:
        partner = row_id(request.GET.get("partner", ""))
        form = CorridorForm(initial={"partners": [partner] if partner else [], "started_on": timezone.localdate()})
    return render(
        request,
        "network/corridor_form.html",
        {"form": form, "corridor": corridor},
        status=400 if form.errors else 200,
    )


@login_required
def corridor_new(request: HttpRequest) -> HttpResponse:
    visible_corridors(request.user)
    return _corridor_form(request, None)


@login_required
def corridor_edit(request: HttpRequest, corridor_id: int) -> HttpResponse:
    return _corridor_form(request, get_corridor_for_user(request.user, corridor_id))


def _corridor_page(request: HttpRequest, corridor: Corridor, form: DocumentForm, status: int = 200) -> HttpResponse:
    """A corridor with its partners, documents and collaborations, and the form to attach a document."""
    return render(
        request,
        "network/corridor.html",
        {
            "corridor": corridor,
            "partners": corridor.partners.order_by("name", "id"),
            "documents": corridor.documents.order_by("-created_at", "-id"),
            "collaborations": corridor.collaborations.prefetch_related("hubs"),
            "document_form": form,
        },
        status=status,
    )


@login_required
def corridor_detail(request: HttpRequest, corridor_id: int) -> HttpResponse:
    return _corridor_page(request, get_corridor_for_user(request.user, corridor_id), DocumentForm())


@login_required
@require_POST
def corridor_document(request: HttpRequest, corridor_id: int) -> HttpResponse:
    corridor = get_corridor_for_user(request.user, corridor_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.corridor_add_document(actor=request.user, corridor=corridor, upload=form.cleaned_data["document"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("corridor_detail", corridor.pk)
    return _corridor_page(request, corridor, form, status=400)


@login_required
def collaboration_new(request: HttpRequest) -> HttpResponse:
    """Record a joint event, an exchange or another collaboration with other hubs."""
    visible_collaborations(request.user)
    if request.method == "POST":
        form = CollaborationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            corridor: Any = None
            if data["corridor"]:
                corridor = get_corridor_for_user(request.user, data["corridor"])
            try:
                actions.collaboration_record(
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    happened_on=data["happened_on"],
                    hubs=data["hubs"],
                    corridor=corridor,
                    description=data["description"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The collaboration is recorded."))
                return redirect("corridor_detail", corridor.pk) if corridor else redirect("corridor_list")
    else:
        corridor_id = row_id(request.GET.get("corridor", ""))
        form = CollaborationForm(initial={"corridor": corridor_id, "happened_on": timezone.localdate()})
    return render(request, "network/collaboration_form.html", {"form": form}, status=400 if form.errors else 200)
