"""Referrals abroad: the hub staff's page of a referral to another hub (how it travels, the e-mail to a hub
without Moselle), the printable dossier, and the page a hub without Moselle answers on through its link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from moselle.accounts.access import require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.core import links
from moselle.core.printing import render_document
from moselle.journeys.access import get_referral_for_user
from moselle.journeys.actions.referrals import MOVES, consent_given, is_other_hub
from moselle.journeys.models import Referral
from moselle.journeys.sharing import shared_file
from moselle.network import referrals
from moselle.network.federation.messages import received_referral
from moselle.network.models import Peer


class SendByEmailForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("The hub's contact e-mail"),
        help_text=gettext_lazy("The person at the hub who takes referrals; the link works for that hub only."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"),
        choices=[("en", "English"), ("fr", "Français"), ("de", "Deutsch")],
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Your answer"), choices=[])
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why you decline, or what was delivered when the work is done."),
    )

    def __init__(self, *args: object, referral: Referral, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (status, Referral.Status(status).label)
            for status, (sources, side) in MOVES.items()
            if side == "recipient" and referral.status in sources
        ]


def _abroad(request: HttpRequest, referral_id: int, *, received: bool = False) -> Referral:
    """A referral to another hub, or (``received``) one that came from a paired hub."""
    require_hub_staff(request.user)
    referral = get_referral_for_user(request.user, referral_id)
    if not is_other_hub(referral.recipient) and not (received and received_referral(referral.pk) is not None):
        raise Http404
    return referral


def _received_file(payload: dict[str, Any]) -> dict[str, Any]:
    """The file a peer sent, shaped as the shared-file partial reads it: only the parts the company shared."""
    file = payload.get("file")
    if not isinstance(file, dict):
        return {}
    parts = [code for code in payload.get("shared") or [] if code in Referral.Share.values]
    return {**{code: file.get(code) for code in parts if isinstance(file.get(code), dict)}, "parts": parts}


@login_required
@require_http_methods(["GET", "POST"])
def referral_abroad(request: HttpRequest, referral_id: int) -> HttpResponse:
    """How a referral to another hub travels: to a paired instance, or by e-mail with a link to answer."""
    referral = _abroad(request, referral_id, received=True)
    origin = received_referral(referral.pk)
    if origin is not None:
        # Received from a paired hub: the file as that hub sent it, and the messages about it.
        return render(
            request,
            "network/referral_received.html",
            {"referral": referral, "origin": origin, "file": _received_file(origin.payload)},
        )
    form = SendByEmailForm(request.POST or None, initial={"language": "en"})
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_send_by_email(
                actor=request.user,
                referral=referral,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The e-mail with the link is on its way to the hub."))
            return redirect("referral_abroad", referral.pk)
    peer = Peer.objects.filter(hub=referral.recipient, status=Peer.Status.ACTIVE).first()
    return render(
        request,
        "network/referral_abroad.html",
        {
            "referral": referral,
            "envelopes": referrals.envelopes_of(referral),
            "peer": peer,
            "consented": consent_given(referral),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def referral_dossier(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The printable dossier: what the company agreed to share with the hub, nothing else."""
    referral = _abroad(request, referral_id)
    if not consent_given(referral):
        raise Http404
    return render_document(
        request,
        "network/dossier.html",
        {"referral": referral, "file": shared_file(referral)},
        title=_("Referral %(number)d to %(hub)s") % {"number": referral.pk, "hub": referral.recipient.name},
    )


@require_http_methods(["GET", "POST"])
def referral_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page a hub without Moselle opens from its e-mail: what is shared, and its answer."""
    try:
        referral, _envelope = referrals.referral_for_link(token)
    except links.LinkError as error:
        return render(request, "network/answer_closed.html", {"reason": str(error)}, status=404)
    form = AnswerForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_answer(token=token, status=form.cleaned_data["status"], note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect("referral_answer", token)
    return render(
        request,
        "network/answer.html",
        {"referral": referral, "file": shared_file(referral), "form": form if form.fields["status"].choices else None},  # type: ignore[attr-defined]
        status=400 if form.errors else 200,
    )
