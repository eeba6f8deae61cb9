"""The pages behind the links in the registrants' e-mails: cancel (or leave the waiting list), take up a
freed seat, and the check-in a staff member confirms from the registration's QR code. A link only shows what
it will do; the change happens when the button is pressed (mail scanners open links, they do not post)."""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from moselle.core.i18n import pick
from moselle.events import access, actions
from moselle.events.models import Registration
from moselle.organisations.access import own_hub


def _page(request: HttpRequest, purpose: str, token: str, act: Any, template: str) -> HttpResponse:
    try:
        _link, registration = actions.link_registration(purpose, token)
    except ValidationError as error:
        return render(request, template, {"error": " ".join(error.messages)}, status=410)
    context: dict[str, Any] = {"registration": registration, "title": pick(registration.event.title)}
    if request.method == "POST":
        try:
            context["done"] = act()
        except ValidationError as error:
            return render(request, template, {**context, "error": " ".join(error.messages)}, status=409)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def cancel_link(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, actions.CANCEL, token, lambda: actions.cancel_by_link(token=token), "events/link_cancel.html")


@require_http_methods(["GET", "POST"])
def accept_link(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, actions.ACCEPT, token, lambda: actions.accept_offer(token=token), "events/link_accept.html")


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    access.require_event_staff(request.user)
    return _page(
        request,
        actions.CHECK_IN,
        token,
        lambda: actions.check_in_by_link(actor=request.user, token=token),
        "events/link_check_in.html",
    )


def _qr_svg(text: str) -> str:
    """The QR code of ``text`` as inline SVG (no image request, no outside service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@require_GET
def ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's ticket: the event, the registration's state and, while confirmed, the QR code staff
    scan at the door; once attended, the way to the certificate."""
    try:
        _link, registration = actions.link_registration(actions.TICKET, token)
    except ValidationError as error:
        return render(request, "events/ticket.html", {"error": " ".join(error.messages)}, status=410)
    event = registration.event
    context: dict[str, Any] = {
        "registration": registration,
        "event": event,
        "title": pick(event.title),
        "sessions": [(s.start_at(event.zone), s.end_at(event.zone)) for s in event.sessions.all()],
        "token": token,
    }
    if registration.status == Registration.Status.CONFIRMED and registration.attended_at is None:
        context["qr"] = mark_safe(_qr_svg(actions.check_in_url(registration)))  # noqa: S308  our own SVG
    return render(request, "events/ticket.html", context)


@require_GET
def certificate(request: HttpRequest, token: str) -> HttpResponse:
    """A printable certificate of attendance, for those who attended only."""
    try:
        _link, registration = actions.link_registration(actions.TICKET, token)
    except ValidationError as error:
        return render(request, "events/ticket.html", {"error": " ".join(error.messages)}, status=410)
    if registration.attended_at is None or registration.purged_at is not None:
        message = _("A certificate of attendance is given to those who attended the event.")
        return render(request, "events/ticket.html", {"error": message}, status=403)
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "title": pick(event.title),
        "sessions": [(s.start_at(event.zone), s.end_at(event.zone)) for s in event.sessions.all()],
        "document_title": _("Certificate of attendance"),
        "hub": own_hub(),
        "issued_at": timezone.now(),
    }
    return render(request, "events/certificate.html", context)


__all__ = ["accept_link", "cancel_link", "certificate", "check_in", "ticket"]
