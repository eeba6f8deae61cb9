"""The hub staff's event pages: the events in every status, the event form, an event's registrations with
search, approval and attendance, and its publication or cancellation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from moselle.accounts.forms import apply_errors
from moselle.core.ids import row_id
from moselle.events import access, actions
from moselle.events.forms import ERROR_FIELDS, EventForm, event_data, initial_for
from moselle.events.models import Event, Registration
from moselle.organisations.models import Organisation

R = Registration.Status


@login_required
def staff_event_list(request: HttpRequest) -> HttpResponse:
    access.require_event_staff(request.user)
    events = Event.objects.annotate(
        first_day=Min("sessions__day"),
        confirmed=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status__in=(R.WAITING, R.OFFERED))),
        pending=Count("registrations", filter=Q(registrations__status=R.PENDING)),
    ).order_by("-first_day", "-id")
    return render(request, "events/staff_list.html", {"events": events})


def _save(request: HttpRequest, event: Event | None) -> HttpResponse:
    initial = initial_for(event) if event else {}
    form = EventForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        try:
            data = event_data(form)
            if event is None:
                event = actions.event_create(actor=request.user, data=data)
            else:
                event = actions.event_update(actor=request.user, event=event, data=data)
        except ValidationError as error:
            form = EventForm(request.POST)
            apply_errors(form, error, ERROR_FIELDS)
            status = 400
        else:
            messages.success(request, _("Event saved."))
            return redirect("staff_event_detail", event_id=event.pk)
    return render(request, "events/staff_form.html", {"form": form, "event": event}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_event_create(request: HttpRequest) -> HttpResponse:
    access.require_event_staff(request.user)
    return _save(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def staff_event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    return _save(request, access.get_event_for_staff(request.user, event_id))


@login_required
def staff_event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event's registrations: searched by name, e-mail or organisation, filtered by status; the waiting
    list in its order."""
    event = access.get_event_for_staff(request.user, event_id)
    query = request.GET.get("q", "").strip()[:100]
    chosen = request.GET.get("status", "")
    registrations = event.registrations.select_related("organisation").order_by("created_at", "id")
    if query:
        registrations = registrations.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(organisation_name__icontains=query)
        )
    if chosen in R.values:
        registrations = registrations.filter(status=chosen)
    context: dict[str, Any] = {
        "event": event,
        "sessions": list(event.sessions.all()),
        "registrations": list(registrations),
        "waiting": list(event.registrations.filter(status__in=(R.WAITING, R.OFFERED)).order_by("waiting_since", "id")),
        "query": query,
        "chosen": chosen,
        "statuses": R.choices,
        "attended": event.registrations.filter(attended_at__isnull=False).count(),
        "unmatched": actions.unmatched(event),
    }
    return render(request, "events/staff_detail.html", context)


def _act(request: HttpRequest, work: Any, event_id: int) -> HttpResponse:
    """Do ``work``, say how it went, and go back to the event's page."""
    try:
        work()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("staff_event_detail", event_id=event_id)


@login_required
@require_POST
def staff_event_publish(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.get_event_for_staff(request.user, event_id)
    return _act(request, lambda: actions.event_publish(actor=request.user, event=event), event.pk)


@login_required
@require_POST
def staff_event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.get_event_for_staff(request.user, event_id)
    return _act(request, lambda: actions.event_cancel(actor=request.user, event=event), event.pk)


@login_required
@require_POST
def staff_registration_approve(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access.get_registration_for_staff(request.user, registration_id)
    return _act(
        request,
        lambda: actions.approve(actor=request.user, registration=registration),
        registration.event_id,
    )


@login_required
@require_POST
def staff_registration_decline(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access.get_registration_for_staff(request.user, registration_id)
    return _act(
        request,
        lambda: actions.decline(actor=request.user, registration=registration),
        registration.event_id,
    )


@login_required
@require_POST
def staff_registration_attendance(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access.get_registration_for_staff(request.user, registration_id)
    attended = request.POST.get("attended") == "yes"
    return _act(
        request,
        lambda: actions.mark_attendance(actor=request.user, registration=registration, attended=attended),
        registration.event_id,
    )


@login_required
@require_POST
def staff_registration_match(request: HttpRequest, registration_id: int) -> HttpResponse:
    """Match a registration to an organisation of the registry (its id), or register its name as a prospect."""
    registration = access.get_registration_for_staff(request.user, registration_id)
    prospect = request.POST.get("prospect") == "yes"
    wanted = str(request.POST.get("organisation", "")).strip()
    organisation = None
    if not prospect:
        found = row_id(wanted)
        organisation = Organisation.objects.filter(pk=found, merged_into__isnull=True).first() if found else None
        if organisation is None:
            messages.error(request, _("No organisation of the registry has this number."))
            return redirect("staff_event_detail", event_id=registration.event_id)
    return _act(
        request,
        lambda: actions.registration_match(
            actor=request.user, registration=registration, organisation=organisation, prospect=prospect
        ),
        registration.event_id,
    )
