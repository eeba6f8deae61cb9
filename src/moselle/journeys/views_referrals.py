"""Pages of referrals: the inbox, proposing a referral, and a referral's page with what each side may do.

Every read goes through ``journeys.access`` (404 when not allowed) and every write through the referral
actions; an action's refusal is put on the field it names and the page answers 400, nothing changed. The
recipient of a referral sees it only once the company consented, and then only the parts of the file the
company shares (``journeys.sharing``), the note, the status and the history: never who at the company did
what, nor anything else of the company's file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.accounts.forms import apply_errors
from moselle.accounts.models import Consent
from moselle.catalogue.access import get_offer_for_user
from moselle.catalogue.models import Offer
from moselle.journeys import actions
from moselle.journeys.access import (
    get_action_for_user,
    get_case_for_user,
    get_need_for_user,
    get_referral_for_user,
    received_referrals,
    side_of,
    visible_referrals,
)
from moselle.journeys.actions.referrals import MOVES, RECIPIENT_KINDS, consent_given, is_other_hub, transfer_warning
from moselle.journeys.forms_referrals import (
    CONSENT_ERROR_ALIASES,
    MOVE_ERROR_ALIASES,
    ConsentForm,
    InboxFilterForm,
    MoveForm,
    RateForm,
    ReferralProposeForm,
)
from moselle.journeys.models import Case, Need, Referral, RoadmapAction
from moselle.journeys.sharing import shared_file
from moselle.organisations.access import get_organisation_for_user
from moselle.organisations.models import EdihCategory, Organisation

PAGE_SIZE = 50
S = Referral.Status
ACTIVE = (S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS)
# What the recipient (or hub staff on its behalf) may do next, by status.
RECIPIENT_STEPS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (S.ACCEPTED, S.DECLINED),
    S.ACCEPTED: (S.IN_PROGRESS, S.DONE),
    S.IN_PROGRESS: (S.DONE,),
}


def _number(request: HttpRequest, name: str) -> int | None:
    """An id given in the address (``?need=12``); none when absent, 404 when it is no id."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not value.isdecimal() or len(value) > 12:
        raise Http404
    return int(value)


# --- Inbox ------------------------------------------------------------------------------------------------


@login_required
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """Hub staff see every referral; a company's members its referrals; a provider's or partner's members
    the referrals made to their organisations that the company consented to. Newest first."""
    form = InboxFilterForm(request.GET or None)
    status = ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
    staff = is_hub_staff(request.user)
    own = set() if staff else member_organisation_ids(request.user)
    if staff:
        referrals = visible_referrals(request.user)
    else:
        referrals = visible_referrals(request.user).filter(organisation_id__in=own) | received_referrals(request.user)
    if status:
        referrals = referrals.filter(status=status)
    referrals = referrals.select_related("organisation", "recipient").order_by("-created_at", "-id")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_inbox_row(referral, staff=staff, own=own) for referral in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "staff": staff,
        "may_ask": [] if staff else _organisations_that_may_ask(own),
    }
    return render(request, "journeys/referrals/inbox.html", context, status=400 if form.errors else 200)


def _inbox_row(referral: Referral, *, staff: bool, own: set[int]) -> dict[str, Any]:
    side = "hub" if staff else ("company" if referral.organisation_id in own else "recipient")
    # A recipient learns the company's name only when the company shares its profile.
    named = side != "recipient" or Referral.Share.PROFILE in (referral.shared or [])
    return {"referral": referral, "side": side, "company": referral.organisation.display_name if named else None}


def _organisations_that_may_ask(own: set[int]) -> list[Organisation]:
    """The member's organisations that may ask the hub to be referred: the live ones that are not only a
    provider or a partner."""
    found = Organisation.objects.filter(pk__in=own, merged_into__isnull=True, is_historical=False)
    found = found.prefetch_related("kind_rows").order_by("name", "id")
    delivering = set(RECIPIENT_KINDS)
    return [o for o in found if Organisation.Kind.COMPANY in o.kinds or not set(o.kinds) & delivering]


# --- Proposing ---------------------------------------------------------------------------------------------


@login_required
def referral_create(request: HttpRequest) -> HttpResponse:
    """Propose to refer an organisation (``?organisation=``) to a provider or partner (``?recipient=``
    preselects one), for a need, a roadmap action or an offer. Hub staff propose for any company; a member
    proposes for its own organisation and, on the same form, may consent to share parts of its file with
    the recipient."""
    organisation_id = _number(request, "organisation")
    if organisation_id is None:
        raise Http404
    organisation = get_organisation_for_user(request.user, organisation_id)
    if organisation.merged_into_id or organisation.is_historical:
        raise Http404
    about = _about(request)
    offer: Offer | None = about["offer"]
    member = organisation.pk in member_organisation_ids(request.user)
    # ``?recipient=`` (a suggestion's "refer" link) only preselects a choice of the list.
    suggested = _number(request, "recipient")
    form = ReferralProposeForm(
        request.POST if request.method == "POST" else None,
        initial={"recipient": suggested} if suggested is not None else None,
        user=request.user,
        organisation=organisation,
        fixed_recipient=offer.provider if offer is not None else None,
        ask_consent=member,
        abroad=request.GET.get("abroad") == "1",
    )
    if form.is_bound and form.is_valid():
        referral = _propose(request, form, organisation, about, member=member)
        if referral is not None:
            return redirect("referral_detail", referral_id=referral.pk)
    context = {"form": form, "organisation": organisation, "member": member, **about}
    return render(request, "journeys/referrals/create.html", context, status=400 if form.errors else 200)


def _about(request: HttpRequest) -> dict[str, Any]:
    """What the referral is for, each read through its access helper: 404 when the user may not see it."""
    case_id, need_id = _number(request, "case"), _number(request, "need")
    action_id, offer_id = _number(request, "action"), _number(request, "offer")
    case: Case | None = get_case_for_user(request.user, case_id) if case_id is not None else None
    need: Need | None = get_need_for_user(request.user, need_id) if need_id is not None else None
    action: RoadmapAction | None = get_action_for_user(request.user, action_id) if action_id is not None else None
    offer: Offer | None = get_offer_for_user(request.user, offer_id) if offer_id is not None else None
    return {"case": case, "need": need, "action": action, "offer": offer}


def _propose(
    request: HttpRequest,
    form: ReferralProposeForm,
    organisation: Organisation,
    about: dict[str, Any],
    *,
    member: bool,
) -> Referral | None:
    shared = list(form.cleaned_data.get("shared") or []) if member else []
    try:
        # The consent belongs with the proposal: both are written, or neither.
        with transaction.atomic():
            referral = actions.referral_propose(
                actor=request.user,
                organisation=organisation,
                recipient=form.cleaned_data.get("recipient"),
                note=form.cleaned_data.get("note", ""),
                **about,
            )
            if shared:
                actions.referral_consent(actor=request.user, referral=referral, shared=shared)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    if shared:
        messages.success(
            request,
            _("The referral to %(recipient)s was proposed, and the parts of your file you chose are shared with it.")
            % {"recipient": referral.recipient.display_name},
        )
    elif member:
        messages.success(
            request,
            _(
                "The referral to %(recipient)s was proposed. It sees nothing until you consent to share parts "
                "of your file: do it on this page."
            )
            % {"recipient": referral.recipient.display_name},
        )
    else:
        messages.success(
            request,
            _(
                "The referral to %(recipient)s was proposed. The recipient sees it once the company consents "
                "to share its file."
            )
            % {"recipient": referral.recipient.display_name},
        )
    return referral


# --- A referral's page ---------------------------------------------------------------------------------------


def received_from_hub(referral: Referral) -> bool:
    """The referral came from a paired hub through the federation (the network app keeps its message)."""
    from moselle.network.federation.messages import received_referral

    return received_referral(referral.pk) is not None


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    return _detail(request, referral)


def _detail(
    request: HttpRequest, referral: Referral, *, slot: str = "", bound: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    """The page as ``request.user``'s side sees it. ``bound`` is a form sent back with its errors, shown in
    place of the empty form of ``slot``; a form the page does not offer shows its errors at the top."""
    side = side_of(request.user, referral)
    consented = consent_given(referral)
    slots = _forms_for(side, referral, consented)
    alerts: list[str] = []
    if bound is not None:
        if slot in slots:
            slots[slot] = bound
            # The page does not show a hidden field's errors beside it: they go above.
            alerts = [str(message) for field in bound.hidden_fields() for message in field.errors]
        else:
            alerts = [str(message) for errors in bound.errors.values() for message in errors]
    moves = list(referral.moves.select_related("by").order_by("at", "id"))
    full = side != "recipient"
    context = {
        "referral": referral,
        "side": side,
        "full": full,
        "consented": consented,
        "moves": moves,
        "file": shared_file(referral) if consented else None,
        "shared_labels": [str(Referral.Share(code).label) for code in referral.shared if code in Referral.Share.values]
        if consented
        else [],
        "company_named": full or (consented and Referral.Share.PROFILE in referral.shared),
        "service_record": _service_record(referral) if full else None,
        "alerts": alerts,
        "consent_form": slots.get("consent"),
        "withdraw_consent_form": slots.get("withdraw_consent"),
        "paper_form": slots.get("paper_consent"),
        "rate_form": slots.get("rate"),
        "move_forms": [form for name, form in slots.items() if name.startswith("move:")],
        "to_hub": is_other_hub(referral.recipient) or received_from_hub(referral),
        "transfer_warning": is_other_hub(referral.recipient) and transfer_warning(referral.recipient),
    }
    return render(request, "journeys/referrals/detail.html", context, status=status)


def _forms_for(side: str, referral: Referral, consented: bool) -> dict[str, forms.Form]:
    """The forms each side is offered in the referral's state, keyed by the slot they fill on the page."""
    found: dict[str, forms.Form] = {}
    active = referral.status in ACTIVE
    steps: tuple[str, ...] = ()
    if side == "company":
        if active:
            found["consent"] = ConsentForm(initial={"shared": referral.shared if consented else []})
            if consented:
                found["withdraw_consent"] = ConsentForm(initial={"given": "0"})
            steps = (S.WITHDRAWN,)
        if referral.status == S.DONE:
            initial = {"satisfaction": str(referral.satisfaction) if referral.satisfaction else ""}
            found["rate"] = RateForm(initial=initial)
    elif side == "recipient":
        steps = RECIPIENT_STEPS.get(referral.status, ())
    else:
        if active:
            found["paper_consent"] = ConsentForm(
                on_paper=True, initial={"shared": referral.shared if consented else []}
            )
        steps = (RECIPIENT_STEPS.get(referral.status, ()) if consented else ()) + ((S.WITHDRAWN,) if active else ())
    for step in steps:
        found[f"move:{step}"] = MoveForm(status=step)
    return found


def _service_record(referral: Referral) -> dict[str, Any] | None:
    draft = referral.service_record_draft or {}
    if not draft:
        return None
    category = str(draft.get("category") or "")
    return {
        "status": draft.get("status", ""),
        "category": str(EdihCategory(category).label) if category in EdihCategory.values else category,
        "delivered_on": draft.get("delivered_on", ""),
        "description": draft.get("description", ""),
    }


# --- What is done on a referral's page ---------------------------------------------------------------------


@login_required
@require_POST
def referral_consent(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The company gives, changes or withdraws its consent to share; hub staff record one given on paper."""
    referral = get_referral_for_user(request.user, referral_id)
    on_paper = side_of(request.user, referral) == "hub"
    form = ConsentForm(request.POST, on_paper=on_paper)
    withdrawing = request.POST.get("given") == "0"
    slot = "paper_consent" if on_paper else ("withdraw_consent" if withdrawing else "consent")
    if form.is_valid():
        given = form.cleaned_data["given"] != "0"
        try:
            actions.referral_consent(
                actor=request.user,
                referral=referral,
                shared=form.cleaned_data["shared"],
                given=given,
                email=form.cleaned_data.get("email", ""),
                method=Consent.Method.PAPER if on_paper else Consent.Method.WEB,
            )
        except ValidationError as error:
            apply_errors(form, error, CONSENT_ERROR_ALIASES)
        else:
            if given:
                messages.success(
                    request, _("The consent to share was recorded: the recipient now sees what it covers.")
                )
            else:
                messages.success(request, _("The consent was withdrawn: the recipient no longer sees the referral."))
            return redirect("referral_detail", referral_id=referral.pk)
    return _refused(request, referral_id, slot, form)


@login_required
@require_POST
def referral_move(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Accept, decline (with a reason), start, complete (with the outcome) or withdraw a referral."""
    referral = get_referral_for_user(request.user, referral_id)
    wanted = str(request.POST.get("status", ""))
    step = wanted if wanted in MOVES else "other"
    form = MoveForm(request.POST, status=step)
    if form.is_valid():
        try:
            moved = actions.referral_move(
                actor=request.user,
                referral=referral,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error, MOVE_ERROR_ALIASES)
        else:
            messages.success(request, _("The referral is now: %(status)s.") % {"status": moved.get_status_display()})
            return redirect("referral_detail", referral_id=referral.pk)
    return _refused(request, referral_id, f"move:{step}", form)


@login_required
@require_POST
def referral_rate(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The company says how satisfied it is with what was delivered, 1 to 5."""
    referral = get_referral_for_user(request.user, referral_id)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            actions.referral_rate(actor=request.user, referral=referral, satisfaction=form.cleaned_data["satisfaction"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect("referral_detail", referral_id=referral.pk)
    return _refused(request, referral_id, "rate", form)


def _refused(request: HttpRequest, referral_id: int, slot: str, form: forms.Form) -> HttpResponse:
    # Read again: the page shows the referral as it stands, not as the refused attempt left the object.
    referral = get_referral_for_user(request.user, referral_id)
    return _detail(request, referral, slot=slot, bound=form, status=400)
