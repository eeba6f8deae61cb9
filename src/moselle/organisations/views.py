"""Pages of the registry: organisations, their members and files, and the hub's own settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts import access as account_access
from moselle.accounts import actions as account_actions
from moselle.accounts.forms import InvitationForm, JoinForm, apply_errors
from moselle.accounts.models import Invitation, Membership, User
from moselle.organisations import actions
from moselle.organisations.access import (
    get_hub_service_for_user,
    get_organisation_for_user,
    own_hub,
    visible_organisations,
)
from moselle.organisations.forms import HubServiceForm, UploadForm


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        organisations = organisations.filter(name__icontains=query)
    return render(request, "organisations/list.html", {"organisations": organisations[:200], "q": query})


def _detail_context(request: HttpRequest, organisation_id: int) -> dict[str, object]:
    organisation = get_organisation_for_user(request.user, organisation_id)
    may_manage = account_access.can_manage_members(request.user, organisation.pk)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .exclude(status=Membership.Status.REMOVED)
        .select_related("user")
    )
    invitations = (
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
        if may_manage
        else Invitation.objects.none()
    )
    return {
        "organisation": organisation,
        "may_manage": may_manage,
        "members": [m for m in memberships if m.status == Membership.Status.ACTIVE],
        "pending": [m for m in memberships if m.status == Membership.Status.PENDING] if may_manage else [],
        "invitations": invitations,
        "files": organisation.files.all(),
        "invite_form": InvitationForm(organisation_id=organisation.pk),
        "upload_form": UploadForm(),
    }


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return render(request, "organisations/detail.html", _detail_context(request, organisation_id))


@login_required
@require_POST
def organisation_invite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    context = _detail_context(request, organisation_id)
    organisation = context["organisation"]
    if not context["may_manage"]:
        raise Http404
    form = InvitationForm(request.POST, organisation_id=organisation_id)
    if form.is_valid():
        try:
            account_actions.invitation_create(
                actor=request.user,
                organisation=organisation,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect("organisation_detail", organisation_id=organisation_id)
    context["invite_form"] = form
    return render(request, "organisations/detail.html", context, status=400)


@login_required
@require_POST
def organisation_upload(request: HttpRequest, organisation_id: int) -> HttpResponse:
    context = _detail_context(request, organisation_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.organisation_file_upload(
                actor=request.user,
                organisation=context["organisation"],  # type: ignore[arg-type]
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The file was uploaded."))
            return redirect("organisation_detail", organisation_id=organisation_id)
    context["upload_form"] = form
    return render(request, "organisations/detail.html", context, status=400)


@login_required
def organisation_join(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.join_or_register(user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your request was recorded."))
            return redirect("home")
    return render(request, "organisations/join.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def hub_settings(request: HttpRequest) -> HttpResponse:
    account_access.require_hub_staff(request.user)
    hub = own_hub()
    return render(
        request,
        "organisations/hub_settings.html",
        {
            "hub": hub,
            "services": hub.services.all() if hub else [],
            "targets": hub.targets.all() if hub else [],
            "may_edit": account_access.is_hub_admin(request.user),
        },
    )


@login_required
def hub_service_edit(request: HttpRequest, service_id: int) -> HttpResponse | HttpResponseRedirect:
    service = get_hub_service_for_user(request.user, service_id)
    if request.method == "POST":
        form = HubServiceForm(request.POST)
        if form.is_valid():
            try:
                actions.hub_service_update(
                    actor=request.user,
                    service=service,
                    name=form.translated_name(),
                    category=form.cleaned_data["category"],
                    active=form.cleaned_data["active"],
                )
            except ValidationError as error:
                apply_errors(form, error, aliases={"name": "name_en"})
            else:
                messages.success(request, _("The service was saved."))
                return redirect("hub_settings")
    else:
        form = HubServiceForm(
            initial={
                "name_en": service.name.get("en", ""),
                "name_fr": service.name.get("fr", ""),
                "name_de": service.name.get("de", ""),
                "category": service.category,
                "active": service.active,
            }
        )
    return render(
        request,
        "organisations/hub_service_edit.html",
        {"form": form, "service": service},
        status=400 if form.errors else 200,
    )
