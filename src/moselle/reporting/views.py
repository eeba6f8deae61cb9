"""Pages of reporting: the service records (logged, proposed, confirmed), an organisation's de minimis ledger
with its declarations and grants, and a grant's written notice. Reads go through ``reporting.access`` (404 when
not allowed), writes through ``reporting.actions``; an action's refusal is put on the field it names and the
page answers 400."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_staff, require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.core.i18n import pick
from moselle.core.printing import render_document
from moselle.journeys.access import get_referral_for_user
from moselle.journeys.models import Referral
from moselle.organisations.access import own_hub
from moselle.organisations.models import EdihCategory
from moselle.reporting import access, actions
from moselle.reporting import ledger as ledgers
from moselle.reporting.forms import CancelForm, DeclarationForm, GrantForm, RejectForm, ServiceRecordForm
from moselle.reporting.models import ServiceRecord

PAGE_SIZE = 50
S = ServiceRecord.Status


def _record_form(request: HttpRequest, data: Any = None, **kwargs: Any) -> ServiceRecordForm:
    return ServiceRecordForm(
        data,
        customers=list(access.loggable_customers(request.user).only("pk", "name")),
        partners=list(access.delivering_partners(request.user).only("pk", "name")),
        **kwargs,
    )


def _data(form: ServiceRecordForm) -> dict[str, Any]:
    """What the form carries, as the action reads it (the action checks every field)."""
    form.is_valid()
    raw = {name: form.data.get(name, "") for name in form.fields if name != "technologies"}
    raw["technologies"] = form.data.getlist("technologies") if hasattr(form.data, "getlist") else []
    return raw


# --- Service records ---------------------------------------------------------------------------------------


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    """The services the person may see: staff all (the proposals to confirm first), a partner's members those
    their organisation delivered, a company's members those it received."""
    records = access.visible_records(request.user).select_related("customer", "partner", "hub_service")
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    if status in S.values:
        records = records.filter(status=status)
    if category in EdihCategory.values:
        records = records.filter(category=category)
    page = Paginator(records.order_by("-started_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    staff = is_hub_staff(request.user)
    proposed = access.visible_records(request.user).filter(status=S.PROPOSED).count() if staff else 0
    context = {
        "page": page,
        "status": status,
        "category": category,
        "statuses": S.choices,
        "categories": EdihCategory.choices,
        "proposed": proposed,
        "can_log": access.can_log_services(request.user),
        "can_export": settings.MOSELLE_COMMISSION_LAYOUTS and access.can_export_for_commission(request.user),
    }
    return render(request, "reporting/services.html", context)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    if not access.can_log_services(request.user):
        raise PermissionDenied
    initial = {"customer": request.GET.get("customer", ""), "started_on": timezone.localdate().isoformat()}
    form = _record_form(request, request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        try:
            record = actions.record_create(actor=request.user, data=_data(form))
        except ValidationError as error:
            form = _record_form(request, request.POST)
            apply_errors(form, error)
            status = 400
        else:
            messages.success(request, _("Service logged."))
            return redirect("service_detail", record_id=record.pk)
    return render(request, "reporting/service_form.html", {"form": form, "record": None}, status=status)


def _initial(record: ServiceRecord) -> dict[str, Any]:
    return {
        "customer": record.customer_id,
        "hub_service": record.hub_service.code if record.hub_service else "",
        "category": record.category,
        "description": record.description,
        "technologies": [t.name for t in record.technologies.all()],
        "partner": record.partner_id,
        "started_on": record.started_on.isoformat(),
        "ended_on": record.ended_on.isoformat() if record.ended_on else "",
        "attendees": record.attendees,
        "price": record.price,
        "invoiced": record.invoiced,
        "aid": record.aid,
        "aid_basis": record.aid_basis,
        "aid_info": record.aid_info,
        "grant": record.grant.number if record.grant else "",
        "status": record.status if record.status in ServiceRecord.COUNTED else S.FINALISED,
        "satisfaction": record.satisfaction or "",
    }


@login_required
def service_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """A record; whoever may change it edits it here, and staff confirm or reject a proposed one."""
    record = access.get_record_for_user(request.user, record_id)
    can_change = is_hub_staff(request.user) or record.partner_id in access.partner_organisation_ids(request.user)
    editable = can_change and record.status != S.REJECTED
    if record.status == S.PROPOSED and not is_hub_staff(request.user):
        editable = False
    form = _record_form(request, initial=_initial(record)) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        form = _record_form(request, request.POST)
        try:
            if record.status == S.PROPOSED:
                actions.record_confirm(actor=request.user, record=record, data=_data(form))
            else:
                actions.record_update(actor=request.user, record=record, data=_data(form))
        except ValidationError as error:
            record.refresh_from_db()
            apply_errors(form, error)
            status = 400
        else:
            messages.success(request, _("Service record saved."))
            return redirect("service_detail", record_id=record.pk)
    context = {
        "record": record,
        "form": form,
        "reject_form": RejectForm() if record.status == S.PROPOSED and is_hub_staff(request.user) else None,
    }
    return render(request, "reporting/service_detail.html", context, status=status)


@login_required
@require_POST
def service_reject(request: HttpRequest, record_id: int) -> HttpResponse:
    require_hub_staff(request.user)
    record = access.get_record_for_user(request.user, record_id)
    form = RejectForm(request.POST)
    form.is_valid()
    try:
        actions.record_reject(actor=request.user, record=record, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        apply_errors(form, error, {"status": "reason"})
        context = {"record": record, "form": None, "reject_form": form}
        return render(request, "reporting/service_detail.html", context, status=400)
    messages.success(request, _("Proposed record rejected."))
    return redirect(f"{reverse('service_list')}?status={S.PROPOSED}")


# --- The de minimis ledger ---------------------------------------------------------------------------------


def _ledger_context(request: HttpRequest, organisation: Any) -> dict[str, Any]:
    today = timezone.localdate()
    current = ledgers.ledger(organisation, today)
    staff = is_hub_staff(request.user)
    member_ids = [m.pk for m in current.members]
    return {
        "organisation": organisation,
        "ledger": current,
        "share": (current.total / current.ceiling * 100) if current.ceiling else None,
        "grants": access.visible_grants(request.user)
        .filter(organisation_id__in=member_ids)
        .select_related("organisation", "regulation"),
        "declarations": access.visible_declarations(request.user)
        .filter(organisation_id__in=member_ids)
        .select_related("organisation"),
        "staff": staff,
        "hub": own_hub(),
    }


@login_required
def ledger_page(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The single undertaking's de minimis aid over the window: declared, granted, headroom; the company
    declares its aid from elsewhere here, the hub's staff record a grant."""
    organisation = access.get_ledger_organisation(request.user, organisation_id)
    referral = _referral(request, organisation.pk)
    grant_initial: dict[str, Any] = {"referral": referral.pk if referral else None}
    if referral is not None:
        accepted = referral.moves.filter(to_status=Referral.Status.ACCEPTED).order_by("at").first()
        grant_initial["granted_on"] = timezone.localdate(accepted.at).isoformat() if accepted else ""
        grant_initial["description"] = (pick(referral.offer.title) if referral.offer else "") or referral.note[:300]
    context = _ledger_context(request, organisation)
    context["declaration_form"] = DeclarationForm()
    context["grant_form"] = GrantForm(initial=grant_initial) if context["staff"] else None
    context["referral"] = referral
    return render(request, "reporting/ledger.html", context)


def _referral(request: HttpRequest, organisation_id: int) -> Referral | None:
    value = request.GET.get("referral") or request.POST.get("referral")
    if not value or not is_hub_staff(request.user):
        return None
    if not str(value).isdecimal():
        raise Http404
    referral = get_referral_for_user(request.user, int(value))
    if referral.organisation_id != organisation_id:
        raise Http404
    return referral


@login_required
@require_POST
def declaration_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.get_ledger_organisation(request.user, organisation_id)
    form = DeclarationForm(request.POST)
    form.is_valid()
    data = {name: request.POST.get(name, "") for name in ("amount", "granted_on", "granting_body", "regulation")}
    try:
        actions.declaration_add(actor=request.user, organisation=organisation, data=data)
    except ValidationError as error:
        apply_errors(form, error)
        context = _ledger_context(request, organisation)
        staff = context["staff"]
        context.update(declaration_form=form, grant_form=GrantForm() if staff else None, referral=None)
        return render(request, "reporting/ledger.html", context, status=400)
    messages.success(request, _("Aid declared."))
    return redirect("ledger_page", organisation_id=organisation.pk)


@login_required
@require_POST
def declaration_delete(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = access.get_declaration_for_user(request.user, declaration_id)
    organisation_id = declaration.organisation_id
    actions.declaration_remove(actor=request.user, declaration=declaration)
    messages.success(request, _("Declaration removed."))
    return redirect("ledger_page", organisation_id=organisation_id)


@login_required
@require_POST
def grant_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    require_hub_staff(request.user)
    organisation = access.get_ledger_organisation(request.user, organisation_id)
    referral = _referral(request, organisation.pk)
    form = GrantForm(request.POST)
    form.is_valid()
    try:
        grant, warning = actions.grant_record(
            actor=request.user,
            organisation=organisation,
            amount=request.POST.get("amount", ""),
            granted_on=request.POST.get("granted_on", ""),
            description=request.POST.get("description", ""),
            basis=request.POST.get("basis", ""),
            gber_article=request.POST.get("gber_article", ""),
            source="referral" if referral else "manual",
            referral_id=referral.pk if referral else None,
        )
    except ValidationError as error:
        apply_errors(form, error, {"organisation": "amount"})
        context = _ledger_context(request, organisation)
        context.update(declaration_form=DeclarationForm(), grant_form=form, referral=referral, refused=True)
        return render(request, "reporting/ledger.html", context, status=400)
    if warning:
        messages.warning(request, warning)
    messages.success(request, _("Aid granted: notice %(number)s.") % {"number": grant.number})
    return redirect("grant_notice", grant_id=grant.pk)


@login_required
def grant_notice(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The written notice the de minimis regulation requires: the amount and its de minimis character."""
    grant = access.get_grant_for_user(request.user, grant_id)
    context = {"grant": grant, "cancel_form": CancelForm() if is_hub_staff(request.user) else None}
    return _notice(request, grant, context)


def _notice(request: HttpRequest, grant: Any, context: dict[str, Any], status: int = 200) -> HttpResponse:
    title = _("Notice of aid %(number)s") % {"number": grant.number}
    response = render_document(request, "reporting/grant_notice.html", context, title=title)
    response.status_code = status
    return response


@login_required
@require_POST
def grant_cancel(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = access.get_grant_to_manage(request.user, grant_id)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        actions.grant_cancel(actor=request.user, grant=grant, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        apply_errors(form, error, {"status": "reason"})
        return _notice(request, grant, {"grant": grant, "cancel_form": form}, status=400)
    messages.success(request, _("Grant cancelled: the aid no longer counts."))
    return redirect("ledger_page", organisation_id=grant.organisation_id)
