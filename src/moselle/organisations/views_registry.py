"""Pages that change the registry: an organisation's profile, figures, holdings and contacts; the
duplicates and the merge; and the plain directory of Europe's hubs.

Each page reads through ``organisations.access`` (404 when not allowed) and writes through an
action; an action's refusal is put on the field it names and the page answers 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts.forms import apply_errors
from moselle.core.models import AuditEntry
from moselle.organisations import actions, merging
from moselle.organisations.access import (
    get_contact_for_user,
    get_financial_year_for_user,
    get_organisation_for_edit,
    get_organisation_for_user,
    get_ownership_for_user,
    ownership_owner_choices,
    require_registry_steward,
)
from moselle.organisations.forms import (
    ContactForm,
    DismissForm,
    FinancialYearForm,
    MergeForm,
    OrganisationForm,
    OwnershipForm,
)
from moselle.organisations.models import (
    DuplicateDismissal,
    Organisation,
    OrganisationMerge,
    Ownership,
)


def _back_to(organisation: Organisation, section: str) -> HttpResponse:
    return redirect(reverse("organisation_detail", args=[organisation.pk]) + f"#{section}")


def _status(form: Any) -> int:
    return 400 if form.errors else 200


# --- the profile ------------------------------------------------------------------------------------


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Hub staff register an organisation by hand (anyone else signs up or joins)."""
    require_registry_steward(request.user)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.organisation_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                country=form.cleaned_data["country"],
                details=form.action_data(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The organisation was registered."))
            return redirect("organisation_detail", organisation_id=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None}, status=_status(form))


@login_required
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for_edit(request.user, organisation_id)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                actions.organisation_update(actor=request.user, organisation=organisation, data=form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The organisation was saved."))
                return redirect("organisation_detail", organisation_id=organisation.pk)
        organisation.refresh_from_db()  # the heading shows the saved name, not the refused one
    else:
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation))
    return render(
        request, "organisations/form.html", {"form": form, "organisation": organisation}, status=_status(form)
    )


# --- figures, holdings, contacts ------------------------------------------------------------------------


def _record_page(
    request: HttpRequest, *, form: Any, organisation: Organisation, title: str, submit: str, section: str
) -> HttpResponse:
    """The page of one small form about an organisation (a year, a holding, a contact)."""
    return render(
        request,
        "organisations/record_form.html",
        {"form": form, "organisation": organisation, "title": title, "submit": submit, "section": section},
        status=_status(form),
    )


@login_required
def financial_year_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Record a year of figures, or correct one: the same year is replaced."""
    organisation = get_organisation_for_edit(request.user, organisation_id)
    if request.method == "POST":
        form = FinancialYearForm(request.POST)
        if form.is_valid():
            try:
                actions.financial_year_set(actor=request.user, organisation=organisation, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The figures were saved."))
                return _back_to(organisation, "figures")
    else:
        asked = str(request.GET.get("year", ""))
        row = (
            organisation.financial_years.filter(year=int(asked)).first()
            if asked.isascii() and asked.isdigit() and len(asked) == 4
            else None
        )
        initial = (
            {
                "year": row.year,
                "staff": row.staff,
                "turnover": row.turnover if row.turnover is not None else "",
                "balance_sheet": row.balance_sheet if row.balance_sheet is not None else "",
                "source": row.source,
                "estimated": row.estimated,
            }
            if row
            else {}
        )
        form = FinancialYearForm(initial=initial)
    return _record_page(
        request,
        form=form,
        organisation=organisation,
        title=_("Figures of a financial year"),
        submit=_("Save the figures"),
        section="figures",
    )


@login_required
@require_POST
def financial_year_delete(request: HttpRequest, row_id: int) -> HttpResponse:
    row = get_financial_year_for_user(request.user, row_id, manage=True)
    organisation = row.organisation
    actions.financial_year_delete(actor=request.user, row=row)
    messages.success(request, _("The figures for %(year)s were deleted.") % {"year": row.year})
    return _back_to(organisation, "figures")


@login_required
def ownership_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Record who holds part of this organisation (a holding of the same holder and kind is replaced)."""
    organisation = get_organisation_for_edit(request.user, organisation_id)
    owners = ownership_owner_choices(request.user).exclude(pk=organisation.pk).order_by("name", "id")
    form = OwnershipForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.ownership_set(actor=request.user, owned=organisation, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The holding was saved."))
            return _back_to(organisation, "ownership")
    return _record_page(
        request,
        form=form,
        organisation=organisation,
        title=_("A holding in this organisation"),
        submit=_("Save the holding"),
        section="ownership",
    )


@login_required
@require_POST
def ownership_delete(request: HttpRequest, ownership_id: int) -> HttpResponse:
    row = get_ownership_for_user(request.user, ownership_id, manage=True)
    organisation = row.owned
    actions.ownership_delete(actor=request.user, row=row)
    messages.success(request, _("The holding was deleted."))
    return _back_to(organisation, "ownership")


@login_required
def contact_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for_edit(request.user, organisation_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_create(actor=request.user, organisation=organisation, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact was added."))
            return _back_to(organisation, "contacts")
    return _record_page(
        request,
        form=form,
        organisation=organisation,
        title=_("New contact"),
        submit=_("Add the contact"),
        section="contacts",
    )


@login_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, contact_id, manage=True)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                actions.contact_update(actor=request.user, contact=contact, data=form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The contact was saved."))
                return _back_to(contact.organisation, "contacts")
    else:
        fields = ("name", "role", "email", "phone", "preferred_language", "legal_basis")
        form = ContactForm(initial={name: getattr(contact, name) for name in fields})
    return _record_page(
        request,
        form=form,
        organisation=contact.organisation,
        title=_("Contact"),
        submit=_("Save the contact"),
        section="contacts",
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, contact_id, manage=True)
    organisation = contact.organisation
    actions.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("The contact was deleted."))
    return _back_to(organisation, "contacts")


# --- duplicates and the merge ---------------------------------------------------------------------------


def _duplicates_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    candidates = merging.duplicate_candidates()
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/duplicates.html",
        {
            "page": page,
            "candidates": page.object_list,
            "decisive_count": sum(1 for c in candidates if c.decisive),
            "total": len(candidates),
            "error": error,
        },
        status=status,
    )


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Pairs that may be the same organisation, decisive evidence first; a person decides."""
    require_registry_steward(request.user)
    return _duplicates_page(request)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest) -> HttpResponse:
    """Record that a pair is not the same organisation; it is not proposed again."""
    require_registry_steward(request.user)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _duplicates_page(request, error=_("Choose the two organisations from the list."), status=400)
    first = get_organisation_for_user(request.user, form.cleaned_data["first"])
    second = get_organisation_for_user(request.user, form.cleaned_data["second"])
    try:
        merging.duplicate_dismiss(
            actor=request.user, first=first, second=second, reason=form.cleaned_data["reason"] or ""
        )
    except ValidationError as error:
        return _duplicates_page(request, error=" ".join(error.messages), status=400)
    messages.success(
        request, _("%(first)s and %(second)s are recorded as different.") % {"first": first, "second": second}
    )
    target = str(request.POST.get("next", ""))
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("hub_duplicates")


# Relations a merge does not move (the history stays with the organisation it happened to).
_NOT_MOVED = {
    (AuditEntry, "organisation"),
    (OrganisationMerge, "kept"),
    (OrganisationMerge, "merged"),
    (DuplicateDismissal, "first"),
    (DuplicateDismissal, "second"),
}


def _what_moves(pair: tuple[Organisation, Organisation]) -> list[tuple[str, int, int]]:
    """Per kind of record that points to an organisation: how many each of the two has."""
    rows: list[tuple[str, int, int]] = []
    for relation in Organisation._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or relation.one_to_one or not isinstance(model, type):
            continue
        fk = relation.field.name
        if (model, fk) in _NOT_MOVED:
            continue
        if model is Ownership:
            label = _("holdings in other organisations") if fk == "owner" else _("holders of part of it")
        elif model is Organisation:
            label = _("organisations merged into it earlier")
        else:
            label = str(model._meta.verbose_name_plural)
        manager: models.Manager[Any] = model._default_manager
        counts = [manager.filter(**{fk: o}).count() for o in pair]
        if any(counts):
            rows.append((label, counts[0], counts[1]))
    nace = [o.nace_codes.count() for o in pair]
    if any(nace):
        rows.append((_("NACE sectors"), nace[0], nace[1]))
    return rows


@login_required
def duplicate_merge(request: HttpRequest, first_id: int, second_id: int) -> HttpResponse:
    """Both organisations side by side, what will move, the choice of the one kept, and the merge."""
    require_registry_steward(request.user)
    first = get_organisation_for_user(request.user, first_id)
    second = get_organisation_for_user(request.user, second_id)
    if first.pk == second.pk:
        raise Http404
    pair = (first, second)
    kept_default = second if hasattr(second, "hub_profile") else first
    form = MergeForm(request.POST or None, pair=pair, initial={"kept": kept_default.pk})
    if request.method == "POST" and form.is_valid():
        kept, merged = (first, second) if form.cleaned_data["kept"] == first.pk else (second, first)
        try:
            merging.organisation_merge(actor=request.user, kept=kept, merged=merged)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(merged)s was merged into %(kept)s.") % {"merged": merged.name, "kept": kept.name}
            )
            return redirect("organisation_detail", organisation_id=kept.pk)
    evidence = next(iter(merging.duplicate_candidates(pair)), None)
    return render(
        request,
        "organisations/merge.html",
        {
            "form": form,
            "first": first,
            "second": second,
            "evidence": evidence,
            "already_merged": bool(first.merged_into_id or second.merged_into_id),
            "moves": _what_moves(pair),
        },
        status=_status(form),
    )
