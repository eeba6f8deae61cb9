"""API of events: the events coming up and registration for every caller; drafting, changing, publishing and
cancelling events, and the registrations with their approval and attendance, for the hub's staff.

Every write goes through ``events.actions``, which names every bad field (a 422 through the API's handler). The
online link reaches the hub's staff only: everyone else learns it from the confirmation e-mail. A registrant is
told their registration's id and status, never anyone else's data.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts.access import is_hub_staff
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.events import access, actions, queries
from moselle.events.models import Event, Registration, Session

router = Router(tags=["events"])

Kind = Literal["webinar", "workshop", "talk", "tour_stop", "training"]
EventStatus = Literal["draft", "published", "cancelled"]
RegistrationStatus = Literal["pending", "confirmed", "waiting", "offered", "cancelled", "declined", "lapsed"]
TOP = 2**31 - 1
TRANSLATED = 'Text per language: {"en": …, "fr": …, "de": …}; at least one language.'
# What everyone sees of an event: a draft is the staff's alone.


# --- Events ------------------------------------------------------------------------------------------------


class EventSessionOut(Schema):
    day: date
    starts: time = Field(description="Local clock time in the event's time zone.")
    ends: time = Field(description="Local clock time in the event's time zone.")
    title: dict[str, str] = Field(description=TRANSLATED + " Empty when the session has no title of its own.")
    start: datetime = Field(description="The start as a moment, with the event's UTC offset on that day.")
    end: datetime


class EventQuestionOut(Schema):
    id: int
    label: dict[str, str] = Field(description=TRANSLATED)
    required: bool


class SurveyQuestionOut(Schema):
    id: int
    label: dict[str, str] = Field(description=TRANSLATED)


class EventOut(Schema):
    id: int
    kind: Kind
    title: dict[str, str] = Field(description=TRANSLATED)
    description: dict[str, str] = Field(description=TRANSLATED)
    time_zone: str = Field(description="IANA name, e.g. Europe/Luxembourg; the sessions' clock times are in it.")
    venue: str
    online_link: str | None = Field(
        description="Hub staff only; null for everyone else (confirmed attendees get it by e-mail)."
    )
    capacity: int | None = Field(description="Seats; null for no limit.")
    seats_left: int | None = Field(description="Seats not taken by a confirmation or an open offer; null: no limit.")
    status: EventStatus
    sequence: int = Field(description="Raised on every change of time or place, and on cancellation.")
    series_id: int | None
    needs_approval: bool = Field(description="Registrations wait for the hub's approval.")
    registration_closes_at: datetime | None = Field(
        description="When registration closes; null: at the start of the first session."
    )
    sessions: list[EventSessionOut]
    questions: list[EventQuestionOut]
    sends_survey: bool = Field(description="Those who attended get a survey by e-mail after the event.")
    survey_questions: list[SurveyQuestionOut]


def _with_details(events: QuerySet[Event]) -> QuerySet[Event]:
    """Events with their seats taken counted, their sessions and questions in one query each."""
    return (
        queries.with_seats(events)
        .annotate(
            first_starts=Subquery(
                Session.objects.filter(event=OuterRef("pk")).order_by("day", "starts", "id").values("starts")[:1]
            ),
        )
        .prefetch_related("questions", "survey_questions")
    )


def event_out(event: Event, *, staff: bool) -> dict[str, Any]:
    zone = event.zone
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "time_zone": event.time_zone,
        "venue": event.venue,
        "online_link": event.online_link if staff else None,
        "capacity": event.capacity,
        "seats_left": queries.seats_left(event),
        "status": event.status,
        "sequence": event.sequence,
        "series_id": event.series_id,
        "needs_approval": event.needs_approval,
        "registration_closes_at": event.registration_closes_at,
        "sessions": [
            {
                "day": s.day,
                "starts": s.starts,
                "ends": s.ends,
                "title": s.title,
                "start": s.start_at(zone),
                "end": s.end_at(zone),
            }
            for s in event.sessions.all()
        ],
        "questions": [{"id": q.pk, "label": q.label, "required": q.required} for q in event.questions.all()],
        "sends_survey": event.sends_survey,
        "survey_questions": [{"id": q.pk, "label": q.label} for q in event.survey_questions.all()],
    }


def _event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    """The event as the caller may see it, with its seats, sessions and questions; 404 when not theirs."""
    found = (
        _with_details(access.visible_events(request.user).filter(pk=event_id)).first() if 1 <= event_id <= TOP else None
    )
    if found is None:
        raise Http404
    return event_out(found, staff=is_hub_staff(request.user))


class EventFilter(Schema):
    status: Literal["draft", "published", "cancelled", "all"] = Field(
        "published", description="Hub staff only: another status, or all; everyone else sees published events."
    )

    model_config = {"extra": "forbid"}


@router.get(
    "/events",
    response={200: Page[EventOut], **ERRORS},
    summary="Events whose last session is today or later, soonest first",
)
def event_list(request: HttpRequest, params: Query[PageParams], filters: Query[EventFilter]) -> Any:
    staff = is_hub_staff(request.user)
    upcoming = Session.objects.filter(day__gte=timezone.localdate()).values("event_id")
    rows = access.visible_events(request.user).filter(pk__in=upcoming)
    if not staff:
        rows = rows.filter(status=Event.Status.PUBLISHED)  # whatever they ask for
    elif filters.status != "all":
        rows = rows.filter(status=filters.status)
    limit, offset = page_limits(params)
    page = paginate(_with_details(rows).order_by("first_day", "first_starts", "id"), limit=limit, offset=offset)
    page["items"] = [event_out(event, staff=staff) for event in page["items"]]
    return page


@router.get("/events/{event_id}", response={200: EventOut, **ERRORS}, summary="One event")
def event_get(request: HttpRequest, event_id: int) -> Any:
    return _event(request, event_id)


class EventSessionIn(Schema):
    day: date
    starts: time = Field(description="Local clock time, HH:MM, in the event's time zone.")
    ends: time = Field(description="Local clock time, HH:MM; after the start.")
    title: dict[str, str] = Field({}, description=TRANSLATED + " Optional.")

    model_config = {"extra": "forbid"}


class EventQuestionIn(Schema):
    label: dict[str, str] = Field(description=TRANSLATED)
    required: bool = False

    model_config = {"extra": "forbid"}


class EventIn(Schema):
    kind: Kind
    title: dict[str, str] = Field(description=TRANSLATED)
    description: dict[str, str] = Field({}, description=TRANSLATED)
    series_id: int | None = Field(None, ge=1, le=TOP)
    time_zone: str = Field("Europe/Luxembourg", description="IANA name, e.g. Europe/Luxembourg.")
    venue: str = Field("", description="Address, for an event on site; give it, the online link, or both.")
    online_link: str = Field("", description="https address; sent only to confirmed attendees.")
    capacity: int | None = Field(None, description="Seats, 1 to 100000; null for no limit.")
    registration_closes_at: datetime | None = Field(
        None, description="Null: at the start of the first session. Without an offset, in the event's time zone."
    )
    needs_approval: bool = False
    offer_hours: int = Field(48, description="Hours a freed seat is held for the next person waiting, 1 to 336.")
    reminder_days: list[int] = Field([], description="Days before the first session to remind, 1 to 60 each.")
    technologies: list[str] = Field([], description="EDIH technology names.")
    sessions: list[EventSessionIn] = Field(description="At least one.")
    questions: list[EventQuestionIn] = Field([], description="Extra questions of the registration form, at most 20.")
    sends_survey: bool = Field(True, description="Those who attended get a survey by e-mail after the event.")
    survey_questions: list[dict[str, str]] = Field(
        [], description="Free questions of the survey (besides satisfaction 1-5), each " + TRANSLATED
    )

    model_config = {"extra": "forbid"}


class EventPatch(Schema):
    kind: Kind | None = None
    title: dict[str, str] | None = Field(None, description=TRANSLATED)
    description: dict[str, str] | None = Field(None, description=TRANSLATED)
    series_id: int | None = Field(None, ge=1, le=TOP, description="Null: no series.")
    time_zone: str | None = None
    venue: str | None = None
    online_link: str | None = None
    capacity: int | None = Field(None, description="Null: no limit. Not below the seats taken.")
    registration_closes_at: datetime | None = Field(None, description="Null: at the start of the first session.")
    needs_approval: bool | None = None
    offer_hours: int | None = None
    reminder_days: list[int] | None = None
    technologies: list[str] | None = None
    sessions: list[EventSessionIn] | None = Field(None, description="Replaces every session.")
    questions: list[EventQuestionIn] | None = Field(None, description="Replaces every question.")
    sends_survey: bool | None = None
    survey_questions: list[dict[str, str]] | None = Field(None, description="Replaces every survey question.")

    model_config = {"extra": "forbid"}


RENAMED = {"series_id": "series"}


# On a change, null clears these; for any other field it means "leave as it is".
CLEARABLE = {"series_id", "capacity", "registration_closes_at"}


def _data(payload: Schema, *, only_set: bool) -> dict[str, Any]:
    given = payload.dict(exclude_unset=only_set)
    if only_set:
        given = {name: value for name, value in given.items() if value is not None or name in CLEARABLE}
    return {RENAMED.get(name, name): value for name, value in given.items()}


@router.post("/events", response={201: EventOut, **WRITE_ERRORS}, summary="Draft an event (hub staff)")
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    access.require_event_staff(request.user)
    event = actions.event_create(actor=request.user, data=_data(payload, only_set=False))
    return Status(201, _event(request, event.pk))


@router.patch(
    "/events/{event_id}",
    response={200: EventOut, **WRITE_ERRORS},
    summary="Change an event (hub staff): a change of time or place sends the confirmed an updated invitation",
)
def event_update(request: HttpRequest, event_id: int, payload: EventPatch) -> Any:
    event = access.get_event_for_staff(request.user, event_id)
    actions.event_update(actor=request.user, event=event, data=_data(payload, only_set=True))
    return _event(request, event.pk)


@router.post(
    "/events/{event_id}/publish",
    response={200: EventOut, **WRITE_ERRORS},
    summary="Publish a draft event (hub staff): registration opens",
)
def event_publish(request: HttpRequest, event_id: int) -> Any:
    event = access.get_event_for_staff(request.user, event_id)
    actions.event_publish(actor=request.user, event=event)
    return _event(request, event.pk)


@router.post(
    "/events/{event_id}/cancel",
    response={200: EventOut, **WRITE_ERRORS},
    summary="Cancel an event (hub staff): everyone registered is told",
)
def event_cancel(request: HttpRequest, event_id: int) -> Any:
    event = access.get_event_for_staff(request.user, event_id)
    actions.event_cancel(actor=request.user, event=event)
    return _event(request, event.pk)


# --- Registrations -----------------------------------------------------------------------------------------


class EventRegistrationIn(Schema):
    name: str
    email: str
    organisation_name: str = ""
    language: str = Field("en", description="en, fr or de: the language of the e-mails.")
    accept_terms: bool = Field(False, description="Must be true to register.")
    future_events: bool = Field(False, description="Agrees to hear about the hub's future events.")
    answers: dict[str, str] = Field({}, description="Answers by question id.")

    model_config = {"extra": "forbid"}


class EventRegisteredOut(Schema):
    id: int
    status: RegistrationStatus = Field(description="confirmed, waiting (for a seat) or pending (the hub's approval).")


@router.post(
    "/events/{event_id}/registrations",
    response={201: EventRegisteredOut, **WRITE_ERRORS},
    summary="Register someone for a published event: confirmed while seats remain, else on the waiting list",
)
def registration_create(request: HttpRequest, event_id: int, payload: EventRegistrationIn) -> Any:
    event = access.get_event_for_user(request.user, event_id)
    registration = actions.register(event_id=event.pk, data=payload.dict(), user=request.user)
    return Status(201, {"id": registration.pk, "status": registration.status})


class EventRegistrationOut(Schema):
    id: int
    event_id: int
    name: str
    email: str
    organisation_name: str
    organisation_id: int | None = Field(description="The registry's organisation matched by name, if any.")
    language: str
    answers: dict[str, str] = Field(description="Answers by question id.")
    status: RegistrationStatus
    registered_at: datetime
    waiting_since: datetime | None
    offer_expires_at: datetime | None
    attended_at: datetime | None
    future_events: bool = Field(description="Agreed to hear about future events.")
    purged: bool = Field(description="The personal data were removed (erasure, retention).")


def registration_out(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "event_id": registration.event_id,
        "name": registration.name,
        "email": registration.email,
        "organisation_name": registration.organisation_name,
        "organisation_id": registration.organisation_id,
        "language": registration.language,
        "answers": registration.answers,
        "status": registration.status,
        "registered_at": registration.created_at,
        "waiting_since": registration.waiting_since,
        "offer_expires_at": registration.offer_expires_at,
        "attended_at": registration.attended_at,
        "future_events": registration.future_events_consent_at is not None,
        "purged": registration.purged_at is not None,
    }


class EventRegistrationFilter(Schema):
    status: RegistrationStatus | Literal[""] = ""
    q: str = Field("", max_length=200, description="Words in the name, e-mail address or organisation.")

    model_config = {"extra": "forbid"}


@router.get(
    "/events/{event_id}/registrations",
    response={200: Page[EventRegistrationOut], **ERRORS},
    summary="An event's registrations, in the order they came (hub staff)",
)
def registration_list(
    request: HttpRequest, event_id: int, params: Query[PageParams], filters: Query[EventRegistrationFilter]
) -> Any:
    event = access.get_event_for_staff(request.user, event_id)
    rows = event.registrations.all()
    if filters.status:
        rows = rows.filter(status=filters.status)
    words = filters.q.strip()
    if words:
        rows = rows.filter(Q(name__icontains=words) | Q(email__icontains=words) | Q(organisation_name__icontains=words))
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("created_at", "id"), limit=limit, offset=offset)
    page["items"] = [registration_out(registration) for registration in page["items"]]
    return page


@router.post(
    "/registrations/{registration_id}/approve",
    response={200: EventRegistrationOut, **WRITE_ERRORS},
    summary="Approve a registration awaiting approval (hub staff): confirmed while seats remain, else waiting",
)
def registration_approve(request: HttpRequest, registration_id: int) -> Any:
    registration = access.get_registration_for_staff(request.user, registration_id)
    return registration_out(actions.approve(actor=request.user, registration=registration))


@router.post(
    "/registrations/{registration_id}/decline",
    response={200: EventRegistrationOut, **WRITE_ERRORS},
    summary="Decline a registration awaiting approval (hub staff)",
)
def registration_decline(request: HttpRequest, registration_id: int) -> Any:
    registration = access.get_registration_for_staff(request.user, registration_id)
    return registration_out(actions.decline(actor=request.user, registration=registration))


class EventAttendanceIn(Schema):
    attended: bool

    model_config = {"extra": "forbid"}


@router.post(
    "/registrations/{registration_id}/attendance",
    response={200: EventRegistrationOut, **WRITE_ERRORS},
    summary="Mark, or unmark, a confirmed registrant as present (hub staff)",
)
def registration_attendance(request: HttpRequest, registration_id: int, payload: EventAttendanceIn) -> Any:
    registration = access.get_registration_for_staff(request.user, registration_id)
    marked = actions.mark_attendance(actor=request.user, registration=registration, attended=payload.attended)
    return registration_out(marked)
