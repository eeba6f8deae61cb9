"""Pages of the registry: organisations, their members and files, and the hub's own settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts import access as account_access
from moselle.accounts import actions as account_actions
from moselle.accounts.access import is_hub_staff
from moselle.accounts.forms import InvitationForm, JoinForm, apply_errors
from moselle.accounts.models import Invitation, Membership, User
from moselle.core.models_taxonomy import nace_codes_in_section
from moselle.organisations import actions, sizeclass
from moselle.organisations.access import (
    can_edit_organisation,
    get_hub_service_for_user,
    get_organisation_for_user,
    listed_organisations,
    own_hub,
    visible_organisations,
)
from moselle.organisations.forms import HubServiceForm, OrganisationFilterForm, UploadForm
from moselle.organisations.merging import duplicate_candidates
from moselle.organisations.models import Organisation, OrganisationKind, OrganisationTechnology, Ownership, search_key


def filter_organisations(organisations: QuerySet[Organisation], values: dict[str, Any]) -> QuerySet[Organisation]:
    """The list narrowed by the filters given (each value already checked by the form)."""
    query = str(values.get("q") or "").strip()
    if query:
        compact = query.upper().replace(" ", "").replace(".", "").replace("-", "")
        organisations = organisations.filter(
            Q(search_text__contains=search_key(query))
            | Q(vat__icontains=compact or query)
            | Q(register_id__icontains=query)
        )
    if values.get("kind"):
        organisations = organisations.filter(
            pk__in=OrganisationKind.objects.filter(kind=values["kind"]).values("organisation_id")
        )
    elif not query:
        # The European catalogue's hubs have their own directory; the list shows the hub's own
        # registry unless hubs are asked for (or searched by name).
        organisations = organisations.exclude(source=Organisation.Source.EDIH_CATALOGUE)
    section = values.get("sector")
    if section:
        # The section is the level-1 ancestor of the primary sector, whatever the level of its code.
        organisations = organisations.filter(primary_nace__in=nace_codes_in_section(section).values("pk"))
    if values.get("technology"):
        organisations = organisations.filter(
            pk__in=OrganisationTechnology.objects.filter(technology_id=values["technology"]).values("organisation_id")
        )
    size = values.get("size_class")
    if size:
        organisations = organisations.filter(size_class__in=["", "unknown"] if size == "unknown" else [size])
    if values.get("country"):
        organisations = organisations.filter(country=values["country"])
    return organisations


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The registry: search, filters and 50 organisations a page; a bad filter is named and ignored."""
    form = OrganisationFilterForm(request.GET or None)
    values: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        values = form.cleaned_data
    organisations = (
        filter_organisations(listed_organisations(request.user), values)
        .select_related("primary_nace")
        .prefetch_related("kind_rows")
        .order_by("name", "id")
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "organisations": page.object_list,
        "query": query.urlencode(),
        "may_create": is_hub_staff(request.user),
    }
    if getattr(request, "htmx", False):
        # htmx swaps only successful answers: the partial names a bad filter itself.
        return render(request, "organisations/partials/list_results.html", context)
    return render(request, "organisations/list.html", context, status=400 if form.errors else 200)


def _size_class(organisation: Organisation) -> tuple[Any, str]:
    """The SME assessment of an enterprise, or why there is none (a public body is not an enterprise)."""
    if organisation.merged_into_id:
        return None, _("This organisation was merged; its size class is worked out on the one it was merged into.")
    if Organisation.Kind.PUBLIC_BODY in organisation.kinds:
        return None, _("A public body is not an enterprise: the SME definition does not apply to it.")
    return sizeclass.assess_organisation(organisation), ""


def _detail_context(request: HttpRequest, organisation_id: int) -> dict[str, object]:
    user = request.user
    organisation = get_organisation_for_user(user, organisation_id)
    may_manage = account_access.can_manage_members(user, organisation.pk)
    staff = is_hub_staff(user)
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
    owners = list(Ownership.objects.filter(owned=organisation).select_related("owner"))
    holdings = list(Ownership.objects.filter(owner=organisation).select_related("owned"))
    others = {row.owner_id for row in owners} | {row.owned_id for row in holdings}
    if organisation.merged_into_id:
        others.add(organisation.merged_into_id)
    merged_from = list(Organisation.objects.filter(merged_into=organisation)) if staff else []
    technologies = list(organisation.technology_rows.select_related("technology").order_by("technology__position"))
    assessment, no_assessment = _size_class(organisation)
    return {
        "organisation": organisation,
        "may_manage": may_manage,
        "may_edit": can_edit_organisation(user, organisation),
        "is_staff": staff,
        "members": [m for m in memberships if m.status == Membership.Status.ACTIVE],
        "pending": [m for m in memberships if m.status == Membership.Status.PENDING] if may_manage else [],
        "invitations": invitations,
        "files": organisation.files.filter(pilot_document__isnull=True),
        "invite_form": InvitationForm(organisation_id=organisation.pk),
        "upload_form": UploadForm(),
        "merged_into": organisation.merged_into,
        "merged_from": merged_from,
        "visible_ids": set(visible_organisations(user).filter(pk__in=others).values_list("pk", flat=True)),
        "primary_nace": organisation.primary_nace,
        "nace_codes": organisation.nace_codes.order_by("revision", "position"),
        "offered": [row for row in technologies if row.role == OrganisationTechnology.Role.OFFER],
        "of_interest": [row for row in technologies if row.role == OrganisationTechnology.Role.INTEREST],
        "services": organisation.service_rows.select_related("service").order_by("service__position"),
        "sectors": organisation.sector_rows.select_related("sector").order_by("sector__position"),
        "years": organisation.financial_years.order_by("-year"),
        "owners": owners,
        "holdings": holdings,
        "contacts": organisation.contacts.all(),
        "assessment": assessment,
        "no_assessment": no_assessment,
        "duplicates": duplicate_candidates(focus=organisation.pk) if staff and not organisation.merged_into_id else [],
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
