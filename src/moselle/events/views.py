"""The public side of events: the list of what is coming, an event's page with its registration form, and a
series' iCalendar feed. Registering needs no account; the online link never appears on these pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from moselle.core.i18n import pick
from moselle.events import access, actions, ical, queries
from moselle.events.models import Event, Question, Series


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Published events whose last session is today or later, soonest first."""
    today = timezone.localdate()
    events = list(
        queries.with_seats(Event.objects.filter(status=Event.Status.PUBLISHED, sessions__day__gte=today).distinct())
        .order_by("first_day", "id")
        .select_related("series")
    )
    rows = [(event, queries.seats_left(event)) for event in events]
    return render(request, "events/list.html", {"rows": rows})


def _public_event(event_id: int) -> Event:
    event: Event | None = (
        queries.with_seats(Event.objects.filter(pk=event_id, status__in=access.PUBLIC)).select_related("series").first()
    )
    if event is None:
        raise Http404
    return event


@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """An event and its registration form; a registration's outcome (confirmed, waiting, awaiting approval)
    is said on the same page."""
    event = _public_event(event_id)
    sessions = list(event.sessions.all())
    questions = list(event.questions.all())
    closing = actions.closes_at(event, sessions)
    context: dict[str, Any] = {
        "event": event,
        "sessions": [(s, s.start_at(event.zone), s.end_at(event.zone)) for s in sessions],
        "questions": questions,
        "seats_left": queries.seats_left(event),
        "open": event.status == Event.Status.PUBLISHED and (closing is None or timezone.now() < closing),
        "closes_at": closing,
        "values": {"language": (get_language() or "en")[:2]},
        "errors": {},
        "question_rows": _question_rows(questions, {}, {}),
    }
    if request.method == "POST":
        data: dict[str, Any] = {key: request.POST.get(key, "") for key in ("name", "email", "organisation_name")}
        data.update(
            language=request.POST.get("language") or context["values"]["language"],
            accept_terms=request.POST.get("accept_terms") == "on",
            future_events=request.POST.get("future_events") == "on",
            answers={str(q.pk): request.POST.get(f"answer-{q.pk}", "") for q in questions},
        )
        try:
            registration = actions.register(event_id=event.pk, data=data, user=request.user)
        except ValidationError as error:
            context.update(values=data, errors=error.message_dict)
            context["question_rows"] = _question_rows(questions, data, error.message_dict)
            return render(request, "events/detail.html", context, status=400)
        context["registration"] = registration
    return render(request, "events/detail.html", context)


def _question_rows(questions: list[Question], values: dict[str, Any], errors: dict[str, Any]) -> list[Any]:
    answers = values.get("answers") or {}
    return [(q, answers.get(str(q.pk), ""), errors.get(f"answers.{q.pk}", [])) for q in questions]


@require_GET
def series_feed(request: HttpRequest, series_id: int) -> HttpResponse:
    """The series' public calendar: its published and cancelled events, never an online link."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        raise Http404
    events = Event.objects.filter(series=series, status__in=access.PUBLIC).prefetch_related("sessions").order_by("id")
    text = ical.feed(
        [(event, list(event.sessions.all())) for event in events],
        name=pick(series.title),
        language=get_language() or "en",
    )
    response = HttpResponse(text, content_type=ical.content_type("PUBLISH"))
    response["Content-Disposition"] = f'inline; filename="series-{series.pk}.ics"'
    return response
