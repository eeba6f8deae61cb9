"""The funding pages: a company's funding (every active programme evaluated for it, with the reasons and its
declarations), the programmes and their calls, a programme with its rules in words and an estimate, the hub
staff's programme and call forms, and a person's saved searches. Every read goes through ``funding.access``,
every write through ``funding.actions`` or ``funding.searches``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moselle.accounts.access import is_hub_staff
from moselle.core.i18n import pick
from moselle.core.ids import row_id
from moselle.funding import access, actions, applications, matching, queries, searches
from moselle.funding import rules as rulebook
from moselle.funding.facts import Facts
from moselle.funding.forms import (
    ERROR_FIELDS,
    ApplicationForm,
    CallForm,
    DeclarationForm,
    EstimateForm,
    InvestmentForm,
    ProgrammeForm,
    SearchForm,
    call_data,
    declaration_initial,
    declarations_wanted,
    errors_on,
    programme_data,
    programme_initial,
    search_data,
)
from moselle.funding.models import Call, Investment, Programme
from moselle.organisations.models import Organisation

NEED_LIMIT = 500  # the words of a need, as the matching pages take them
GROUPS = (
    (rulebook.ELIGIBLE, "eligible"),
    (rulebook.UNKNOWN, "unknown"),
    (rulebook.NOT_ELIGIBLE, "not-eligible"),
)


def _id(value: str) -> int:
    found = row_id(value)
    if found is None:
        raise Http404
    return found


def _calls(programme: Programme) -> list[dict[str, Any]]:
    today = queries.today()
    return [
        {
            "call": call,
            "open": queries.is_open(call, today),
            "closing_soon": queries.closing_soon(call, today),
            "closed": call.closes_on is not None and call.closes_on < today,
        }
        for call in programme.calls.all()
    ]


def _active_programmes(user: Any) -> list[Programme]:
    return list(queries.with_details(access.visible_programmes(user).filter(active=True)))


def _cool_downs(programmes: list[Programme]) -> list[tuple[Programme, int]]:
    found = []
    for programme in programmes:
        years = next((rule["years"] for rule in programme.rules if rule.get("fact") == "cool_down"), None)
        if years is not None:
            found.append((programme, int(years)))
    return found


def _followable(programmes: list[Programme]) -> list[Call]:
    """The calls worth a reminder: not closed yet, with a closing date."""
    today = queries.today()
    return [
        call for p in programmes for call in p.calls.all() if call.closes_on is not None and call.closes_on >= today
    ]


def _funding_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    declaration_form: DeclarationForm | None = None,
    application_form: ApplicationForm | None = None,
    investment_form: InvestmentForm | None = None,
    choices: list[Organisation] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The company's funding: every active programme evaluated for it, grouped, with the reasons."""
    programmes = _active_programmes(request.user)
    facts = Facts(organisation)
    evaluations = rulebook.evaluate_all(programmes, facts)
    cool_downs = _cool_downs(programmes)
    if declaration_form is None:
        declaration_form = DeclarationForm(initial=declaration_initial(facts, cool_downs), cool_downs=cool_downs)
    groups = []
    for outcome, anchor in GROUPS:
        rows = [{"evaluation": e, "calls": _calls(e.programme)} for e in evaluations if e.outcome == outcome]
        groups.append({"outcome": outcome, "anchor": anchor, "rows": rows})
    search_form = SearchForm(
        initial={"organisation": organisation.pk, "name": _("Funding for %(name)s") % {"name": organisation.name}},
        organisations=[organisation],
        calls=_followable(programmes),
    )
    need = str(request.GET.get("need") or "").strip()[:NEED_LIMIT]
    staff = is_hub_staff(request.user)
    context = {
        "organisation": organisation,
        "applications": list(
            access.visible_applications(request.user)
            .filter(organisation=organisation)
            .select_related("programme", "call")
            .order_by("-created_at", "-id")
        ),
        "investments": list(Investment.objects.filter(organisation=organisation).order_by("-made_on", "-id")),
        "application_form": application_form
        or ApplicationForm(programmes=programmes, staff=staff, initial={"status": "planned"}),
        "investment_form": (investment_form or InvestmentForm()) if staff else None,
        "decisions": [("granted", _("granted")), ("rejected", _("rejected"))],
        "need": need,
        "found": matching.find(organisation, need) if need else None,
        "size_label": facts.size_label(),
        "groups": groups,
        "declaration_form": declaration_form,
        "search_form": search_form,
        "choices": choices or [],
        "is_staff": is_hub_staff(request.user),
    }
    return render(request, "funding/organisation.html", context, status=status)


@login_required
@require_GET
def funding_home(request: HttpRequest) -> HttpResponse:
    """``/funding/``: a member's own organisation (chosen with ``?organisation=`` among several); the hub's
    staff find an organisation here; someone with none is pointed to the programmes."""
    chosen = request.GET.get("organisation", "")
    own = list(access.member_funding_organisations(request.user))
    if chosen:
        organisation = access.get_organisation_for_funding(request.user, _id(chosen))
        return _funding_page(request, organisation, choices=own if len(own) > 1 else None)
    if is_hub_staff(request.user):
        query = request.GET.get("q", "").strip()[:100]
        found = (
            list(access.funding_organisations(request.user).filter(name__icontains=query).order_by("name")[:20])
            if query
            else []
        )
        return render(request, "funding/staff_home.html", {"query": query, "found": found})
    if not own:
        return render(request, "funding/no_organisation.html")
    organisation = access.get_organisation_for_funding(request.user, own[0].pk)
    return _funding_page(request, organisation, choices=own if len(own) > 1 else None)


@login_required
@require_GET
def funding_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """One organisation's funding: its members', and any organisation's for the hub's staff."""
    return _funding_page(request, access.get_organisation_for_funding(request.user, organisation_id))


@login_required
@require_POST
def funding_declare(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Record what the company declares; every answer or none (a bad one is named next to its field)."""
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    cool_downs = _cool_downs(_active_programmes(request.user))
    form = DeclarationForm(request.POST, cool_downs=cool_downs)
    wanted = declarations_wanted(form)
    if not wanted:
        form.add_error(None, _("Answer at least one question."))
        return _funding_page(request, organisation, declaration_form=form, status=400)
    failed = False
    with transaction.atomic():
        for data, fields in wanted:
            try:
                actions.declaration_record(actor=request.user, organisation=organisation, data=data)
            except ValidationError as error:
                errors_on(form, error, fields)
                failed = True
        if failed:
            transaction.set_rollback(True)
    if failed:
        return _funding_page(request, organisation, declaration_form=form, status=400)
    messages.success(request, _("Your declarations were recorded; the programmes are evaluated again below."))
    return redirect("funding_organisation", organisation_id=organisation.pk)


# --- Applications and investments ----------------------------------------------------------------------------


def _page_errors(request: HttpRequest, error: ValidationError) -> None:
    """An action's errors as messages naming their fields, for the small forms of one application."""
    names = {"status": _("Status"), "decided_on": _("Decided on"), "amount_granted": _("Amount granted")}
    for field, texts in error.message_dict.items():
        for text in texts:
            messages.error(request, f"{names.get(field, field)}: {text}")


@login_required
@require_POST
def application_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """A company's new application (its members and the hub's staff); a bad field is named next to it."""
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    programmes = _active_programmes(request.user)
    form = ApplicationForm(request.POST, programmes=programmes, staff=is_hub_staff(request.user))
    data = {name: str(request.POST.get(name, "")).strip() for name in form.fields}
    try:
        applications.application_create(actor=request.user, organisation=organisation, data=data)
    except ValidationError as error:
        errors_on(form, error)
        return _funding_page(request, organisation, application_form=form, status=400)
    messages.success(request, _("The application was recorded."))
    return redirect(reverse("funding_organisation", args=[organisation.pk]) + "#applications")


@login_required
@require_POST
def application_update(request: HttpRequest, application_id: int) -> HttpResponse:
    """Move an application: its members submit or withdraw it; the hub's staff record the decision."""
    application = access.get_application_for_user(request.user, application_id)
    data = {
        name: str(request.POST[name]).strip()
        for name in ("status", "decided_on", "amount_granted", "submitted_on")
        if name in request.POST
    }
    try:
        applications.application_update(actor=request.user, application=application, data=data)
    except ValidationError as error:
        _page_errors(request, error)
    else:
        messages.success(request, _("The application was updated."))
    return redirect(reverse("funding_organisation", args=[application.organisation_id]) + "#applications")


@login_required
@require_POST
def investment_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """An investment the hub's support triggered (the hub's staff); a bad field is named next to it."""
    organisation = access.get_organisation_to_record_investment(request.user, organisation_id)
    form = InvestmentForm(request.POST)
    data: dict[str, Any] = {name: str(request.POST.get(name, "")).strip() for name in form.fields}
    if not data["service_record"]:
        data["service_record"] = None
    try:
        applications.investment_record(actor=request.user, organisation=organisation, data=data)
    except ValidationError as error:
        errors_on(form, error)
        return _funding_page(request, organisation, investment_form=form, status=400)
    messages.success(request, _("The investment was recorded."))
    return redirect(reverse("funding_organisation", args=[organisation.pk]) + "#investments")


# --- The programmes ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = list(queries.with_details(access.visible_programmes(request.user)))
    rows = [{"programme": p, "calls": _calls(p)} for p in programmes]
    return render(request, "funding/programme_list.html", {"rows": rows, "is_staff": is_hub_staff(request.user)})


def _links(source: str) -> list[str]:
    """The source's web addresses (several are separated by ';'); only http(s) ones become links."""
    return [part.strip() for part in source.split(";") if part.strip().startswith(("https://", "http://"))]


def _join(codes: Any) -> str:
    return ", ".join(str(code) for code in codes)


def rule_in_words(rule: dict[str, Any], programme: Programme) -> str:
    """One rule as a sentence, without any company."""
    from moselle.organisations.sme import size_class_label

    fact = rule.get("fact")
    if fact == "size_class":
        return _("Size class under the EU SME definition: %(classes)s.") % {
            "classes": ", ".join(size_class_label(code) for code in rule["in"])
        }
    if fact == "country":
        return _("Established in: %(countries)s.") % {"countries": _join(rule["in"])}
    if fact == "region":
        return _("Seat in the region (NUTS): %(regions)s.") % {"regions": _join(rule["in"])}
    if fact == "nace":
        parts = []
        if rule.get("include"):
            parts.append(_("Main activity (NACE) among: %(codes)s.") % {"codes": _join(rule["include"])})
        if rule.get("exclude"):
            parts.append(_("Main activity (NACE) not among: %(codes)s.") % {"codes": _join(rule["exclude"])})
        return " ".join(parts)
    if fact == "age":
        parts = []
        if "min_years" in rule:
            parts.append(_("Founded at least %(years)d full years ago.") % {"years": rule["min_years"]})
        if "max_years" in rule:
            parts.append(_("Founded at most %(years)d full years ago.") % {"years": rule["max_years"]})
        return " ".join(parts)
    if fact in rulebook.DECLARATION_TEXT:
        return _("The company declares that it %(what)s.") % {"what": rulebook.DECLARATION_TEXT[fact]}
    if fact == "cool_down":
        return _("No grant of this programme in the last %(years)d years.") % {"years": rule["years"]}
    if fact == "de_minimis_headroom":
        if "min_eur" in rule:
            return _("Room under the de minimis ceiling for at least %(amount)s EUR.") % {"amount": rule["min_eur"]}
        return _("Room under the de minimis ceiling for the support asked for.")
    if fact == "approved_provider":
        names = [provider.name for provider in programme.approved_providers.all()[:10]]
        return _("The project uses a provider the programme approved: %(names)s.") % {
            "names": ", ".join(names) or _("none listed yet")
        }
    return str(fact)


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme: its figures and how sure they are, its conditions and rules in words, its calls, its source,
    and the support it would give for an eligible cost (``?cost=``)."""
    found = access.get_programme_for_user(request.user, programme_id)
    programme = queries.with_details(Programme.objects.filter(pk=found.pk)).get()
    form = EstimateForm(request.GET if "cost" in request.GET else None)
    estimate, status = None, 200
    if "cost" in request.GET:
        try:
            estimate = actions.estimate(programme, request.GET.get("cost", ""))
        except ValidationError as error:
            errors_on(form, error)
            status = 400
    context = {
        "programme": programme,
        "calls": _calls(programme),
        "rules": [rule_in_words(rule, programme) for rule in programme.rules],
        "links": _links(programme.source_url),
        "form": form,
        "estimate": estimate,
        "is_staff": is_hub_staff(request.user),
    }
    return render(request, "funding/programme_detail.html", context, status=status)


def _save_programme(request: HttpRequest, programme: Programme | None) -> HttpResponse:
    editing = programme is not None
    initial = programme_initial(programme) if programme is not None else {"active": True}
    form = ProgrammeForm(request.POST if request.method == "POST" else None, initial=initial, editing=editing)
    status = 200
    if request.method == "POST":
        try:
            data = programme_data(form)
            if programme is None:
                programme = actions.programme_create(actor=request.user, data=data)
            else:
                programme = actions.programme_update(actor=request.user, programme=programme, data=data)
        except ValidationError as error:
            form = ProgrammeForm(request.POST, editing=editing)
            errors_on(form, error, ERROR_FIELDS)
            status = 400
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("funding_programme_detail", programme_id=programme.pk)
    return render(request, "funding/programme_form.html", {"form": form, "programme": programme}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    access.require_funding_staff(request.user)
    return _save_programme(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _save_programme(request, access.get_programme_to_edit(request.user, programme_id))


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access.get_programme_to_edit(request.user, programme_id)
    form = CallForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            actions.call_create(actor=request.user, programme=programme, data=call_data(form))
        except ValidationError as error:
            form = CallForm(request.POST)
            errors_on(form, error, ERROR_FIELDS)
            status = 400
        else:
            messages.success(request, _("The call was added."))
            return redirect("funding_programme_detail", programme_id=programme.pk)
    return render(request, "funding/call_form.html", {"form": form, "programme": programme}, status=status)


# --- Saved searches ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def search_list(request: HttpRequest) -> HttpResponse:
    """The person's saved searches, the calls each follows, and the calls they could follow."""
    mine = list(access.saved_searches(request.user).prefetch_related("saved_calls__programme"))
    followable = _followable(_active_programmes(request.user))
    rows = []
    for search in mine:
        followed = list(search.saved_calls.all())
        ids = {call.pk for call in followed}
        rows.append(
            {
                "search": search,
                "criteria": searches.criteria_in_words(search.criteria or {}),
                "followed": followed,
                "more": [call for call in followable if call.pk not in ids],
            }
        )
    return render(request, "funding/search_list.html", {"rows": rows})


def _search_organisations(request: HttpRequest, chosen: str) -> list[Organisation]:
    own = list(access.member_funding_organisations(request.user))
    wanted = row_id(chosen)
    if wanted is not None and wanted not in {o.pk for o in own}:
        extra = access.funding_organisations(request.user).filter(pk=wanted).first()
        if extra is not None:
            own.insert(0, extra)
    return own


@login_required
@require_http_methods(["GET", "POST"])
def search_create(request: HttpRequest) -> HttpResponse:
    """Save a search (from the funding page, or here with ``?organisation=``)."""
    source = request.POST if request.method == "POST" else request.GET
    chosen = str(source.get("organisation", "")).strip()
    organisations = _search_organisations(request, chosen)
    programmes = _active_programmes(request.user)
    form = SearchForm(
        request.POST if request.method == "POST" else None,
        initial={"organisation": chosen} if chosen else {},
        organisations=organisations,
        calls=_followable(programmes),
    )
    status = 200
    if request.method == "POST":
        try:
            searches.search_create(actor=request.user, data=search_data(form))
        except ValidationError as error:
            errors_on(form, error)
            status = 400
        else:
            messages.success(request, _("The search was saved. We e-mail you when a new call matches it."))
            return redirect("funding_search_list")
    return render(request, "funding/search_form.html", {"form": form}, status=status)


@login_required
@require_POST
def search_delete(request: HttpRequest, search_id: int) -> HttpResponse:
    search = access.get_search_for_user(request.user, search_id)
    searches.search_delete(actor=request.user, search=search)
    messages.success(request, _("The search was deleted."))
    return redirect("funding_search_list")


@login_required
@require_POST
def search_follow(request: HttpRequest, search_id: int) -> HttpResponse:
    """Follow a call in a saved search, or stop following it (``follow=no``)."""
    search = access.get_search_for_user(request.user, search_id)
    call = access.get_call_for_user(request.user, _id(str(request.POST.get("call", ""))))
    follow = request.POST.get("follow", "yes") != "no"
    try:
        searches.search_follow(actor=request.user, search=search, call=call, follow=follow)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("You follow %(call)s.") if follow else _("You no longer follow %(call)s.")
        messages.success(request, text % {"call": pick(call.title)})
    return redirect(reverse("funding_search_list") + f"#search-{search.pk}")
