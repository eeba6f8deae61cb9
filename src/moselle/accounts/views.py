"""Pages about people: one's own account and data, consent, invitations, memberships, hub tools."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from moselle.accounts import access, actions
from moselle.accounts.forms import (
    ConsentForm,
    ErasureForm,
    PersonLookupForm,
    ProfileForm,
    TokenForm,
    apply_errors,
)
from moselle.accounts.models import ApiToken, Consent, Membership, User
from moselle.core import links, privacy
from moselle.core.printing import render_document


def _user(request: HttpRequest) -> User:
    """The logged-in user; views that call this are behind ``login_required``."""
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                actions.user_update_profile(
                    actor=user,
                    user=user,
                    full_name=form.cleaned_data["full_name"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                translation.activate(user.language)
                response = redirect("my_account")
                response.set_cookie("django_language", user.language, samesite="Lax")
                messages.success(request, _("Your profile was saved."))
                return response
    else:
        form = ProfileForm(initial={"full_name": user.full_name, "language": user.language})
    memberships = (
        Membership.objects.filter(user=user).select_related("organisation").exclude(status=Membership.Status.REMOVED)
    )
    return render(
        request,
        "accounts/my_account.html",
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The person's own data, readable and printable (GDPR Art. 15)."""
    person = privacy.find_person(_user(request).email)
    data = privacy.export_person(person)
    return render_document(request, "accounts/my_data.html", {"data": data}, title=_("Your personal data"))


@login_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    """The same data as a machine-readable file (GDPR Art. 20)."""
    person = privacy.find_person(_user(request).email)
    body = json.dumps(privacy.export_person(person), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="moselle-data-{timezone.now():%Y%m%d}.json"'
    return response


@login_required
def my_consents(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.consent_record(
            actor=user,
            user=user,
            email=user.email,
            purpose=form.cleaned_data["purpose"],
            given=form.cleaned_data["given"],
            method=Consent.Method.WEB,
        )
        messages.success(request, _("Your choice was recorded."))
        return redirect("my_consents")
    state = actions.consent_state(email=user.email)
    rows = [(purpose, label, state[purpose]) for purpose, label in Consent.Purpose.choices]
    history = Consent.objects.filter(email__iexact=user.email)[:50]
    return render(
        request,
        "accounts/my_consents.html",
        {"form": form, "rows": rows, "history": history},
        status=400 if form.errors else 200,
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = actions.invitation_for_token(token)
    except links.LinkError as error:
        return render(request, "accounts/invitation.html", {"error": str(error)}, status=410)
    if not request.user.is_authenticated:
        login = reverse("account_login")
        return render(
            request, "accounts/invitation.html", {"invitation": invitation, "login_url": f"{login}?next={request.path}"}
        )
    error_message = None
    if request.method == "POST":
        user = request.user
        assert isinstance(user, User)
        try:
            actions.invitation_accept(actor=user, token=token)
        except ValidationError as error:
            error_message = " ".join(error.messages)
        except links.LinkError as error:
            return render(request, "accounts/invitation.html", {"error": str(error)}, status=410)
        else:
            messages.success(
                request, _("You joined %(organisation)s.") % {"organisation": invitation.organisation.name}
            )
            return redirect("organisation_detail", organisation_id=invitation.organisation_id)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form_error": error_message})


def _back(request: HttpRequest, membership: Membership) -> HttpResponseRedirect:
    return redirect("organisation_detail", organisation_id=membership.organisation_id)


@login_required
@require_POST
def membership_approve(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_membership_for_user(request.user, membership_id, manage=True)
    try:
        actions.membership_approve(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership was approved."))
    return _back(request, membership)


@login_required
@require_POST
def membership_decline(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_membership_for_user(request.user, membership_id, manage=True)
    try:
        actions.membership_decline(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request was declined."))
    return _back(request, membership)


@login_required
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_membership_for_user(request.user, membership_id, manage=True)
    try:
        actions.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The member was removed."))
    return _back(request, membership)


@login_required
def hub_people(request: HttpRequest) -> HttpResponse:
    access.require_hub_staff(request.user)
    query = request.GET.get("q", "").strip()
    users = access.visible_users(request.user)
    if query:
        users = users.filter(email__icontains=query) | users.filter(full_name__icontains=query)
    page = Paginator(users.order_by("email"), 50).get_page(request.GET.get("page"))
    pending = Membership.objects.filter(status=Membership.Status.PENDING).select_related("user", "organisation")
    return render(request, "accounts/hub_people.html", {"page": page, "pending": pending, "q": query})


@login_required
def hub_privacy(request: HttpRequest) -> HttpResponse:
    """The hub manager finds a person by e-mail, with or without an account, to export or erase.

    Everything goes by POST, so that no address lands in a server log or the browser's history;
    erasure asks for the address to be typed a second time.
    """
    access.require_hub_admin(request.user)
    form = PersonLookupForm(request.POST or None)
    erase_form = ErasureForm()
    data = None
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        step = request.POST.get("step", "find")
        if step == "erase":
            erase_form = ErasureForm(request.POST)
            if erase_form.is_valid():
                try:
                    counts = actions.person_erase(actor=request.user, email=email)
                except ValidationError as error:
                    apply_errors(erase_form, error)
                else:
                    rows = sum(counts.values())
                    messages.success(
                        request,
                        ngettext(
                            "The person was erased (%(rows)s record changed).",
                            "The person was erased (%(rows)s records changed).",
                            rows,
                        )
                        % {"rows": rows},
                    )
                    return redirect("hub_privacy")
            status = 400
        data = privacy.export_person(privacy.find_person(email))
        if not erase_form.is_bound:
            erase_form = ErasureForm(initial={"email": email})
        if step == "download":
            response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
            response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/hub_privacy.html",
        {
            "form": form,
            "erase_form": erase_form,
            "data": data,
            "data_json": json.dumps(data, indent=2, ensure_ascii=False) if data else "",
        },
        status=status,
    )


@login_required
def hub_tokens(request: HttpRequest) -> HttpResponse:
    access.require_hub_admin(request.user)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        organisation = form.cleaned_data.get("organisation") if role == ApiToken.PEER else None
        try:
            with transaction.atomic():
                if organisation is not None:
                    user = actions.peer_account_for(actor=request.user, organisation=organisation)
                else:
                    user = form.cleaned_data["user"]
                issued = actions.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"], user=user, role=role, organisation=organisation
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            new_key = issued.key
            form = TokenForm()
    tokens = ApiToken.objects.select_related("user")
    return render(
        request,
        "accounts/hub_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def hub_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    access.require_hub_admin(request.user)
    token = access.get_token_for_user(request.user, token_id)
    try:
        actions.api_token_revoke(actor=request.user, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token was revoked."))
    return redirect("hub_tokens")
