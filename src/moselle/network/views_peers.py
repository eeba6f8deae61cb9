"""The hub manager's pages of the federation: this instance's key and its fingerprint, the invitations, pairing
with another instance, and each peer (confirm its fingerprint, revoke it, the messages exchanged)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from moselle.accounts.access import require_hub_admin
from moselle.accounts.forms import apply_errors
from moselle.network.access import get_peer_for_user, visible_peers
from moselle.network.federation import keys, pairing, signing
from moselle.network.models import Envelope, PairingInvitation


class PairForm(forms.Form):
    base_url = forms.CharField(
        label=gettext_lazy("The other platform's address"),
        max_length=300,
        help_text=gettext_lazy("e.g. https://moselle.example.eu"),
    )
    token = forms.CharField(label=gettext_lazy("Invitation token"), max_length=200)


class ConfirmForm(forms.Form):
    fingerprint = forms.CharField(
        label=gettext_lazy("The fingerprint its manager reads out to you"),
        max_length=100,
        help_text=gettext_lazy("Sixteen groups of four characters; spaces do not matter."),
    )


def _page(request: HttpRequest, pair_form: PairForm, token: str = "", status: int = 200) -> HttpResponse:
    key = keys.current_key()
    return render(
        request,
        "network/peers.html",
        {
            "peers": visible_peers(request.user),
            "key": key,
            "fingerprint": signing.fingerprint(key.public_key),
            "invitations": PairingInvitation.objects.order_by("-created_at")[:10],
            "pair_form": pair_form,
            "token": token,
        },
        status=status,
    )


@login_required
def peer_list(request: HttpRequest) -> HttpResponse:
    require_hub_admin(request.user)
    return _page(request, PairForm())


@login_required
@require_POST
def invitation_new(request: HttpRequest) -> HttpResponse:
    require_hub_admin(request.user)
    _invitation, token = pairing.invitation_create(actor=request.user)
    messages.success(request, _("Give this token to the other hub's manager; it works once."))
    return _page(request, PairForm(), token=token)


@login_required
@require_POST
def peer_pair(request: HttpRequest) -> HttpResponse:
    require_hub_admin(request.user)
    form = PairForm(request.POST)
    if form.is_valid():
        try:
            peer = pairing.pair_with(
                actor=request.user, base_url=form.cleaned_data["base_url"], token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Paired. Now confirm the fingerprint with the other hub's manager."))
            return redirect("peer_detail", peer.pk)
    return _page(request, form, status=400)


@login_required
@require_POST
def key_rotate(request: HttpRequest) -> HttpResponse:
    require_hub_admin(request.user)
    keys.rotate_key(actor=request.user)
    messages.success(request, _("A new key signs from now on; the paired hubs are told."))
    return redirect("peer_list")


def _detail(request: HttpRequest, peer_id: int, form: ConfirmForm, status: int = 200) -> HttpResponse:
    peer = get_peer_for_user(request.user, peer_id)
    peer_keys = list(peer.keys.order_by("-added_at", "-id"))
    return render(
        request,
        "network/peer.html",
        {
            "peer": peer,
            "keys": [(key, signing.fingerprint(key.public_key)) for key in peer_keys],
            "envelopes": Envelope.objects.filter(peer=peer).order_by("-created_at", "-id")[:50],
            "offers": peer.offers.count(),
            "form": form,
        },
        status=status,
    )


@login_required
def peer_detail(request: HttpRequest, peer_id: int) -> HttpResponse:
    return _detail(request, peer_id, ConfirmForm())


@login_required
@require_POST
def peer_confirm(request: HttpRequest, peer_id: int) -> HttpResponse:
    peer = get_peer_for_user(request.user, peer_id)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            pairing.peer_confirm(actor=request.user, peer=peer, fingerprint=form.cleaned_data["fingerprint"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The pairing is active: messages now flow both ways once both confirm."))
            return redirect("peer_detail", peer.pk)
    return _detail(request, peer_id, form, status=400)


@login_required
@require_POST
def peer_revoke(request: HttpRequest, peer_id: int) -> HttpResponse:
    peer = get_peer_for_user(request.user, peer_id)
    try:
        pairing.peer_revoke(actor=request.user, peer=peer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The pairing is revoked: nothing more is taken from or sent to this hub."))
    return redirect("peer_detail", peer.pk)
