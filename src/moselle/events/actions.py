"""Every write of the events app: events and their sessions, registrations, the waiting list and its offers,
cancellations by signed link, approval, check-in and reminders.

Seats are taken under a lock on the event's row (``select_for_update`` on PostgreSQL; on SQLite the
immediate transaction mode makes every writing transaction wait for the database's write lock from its
start), so registrations racing for the last seat never overbook. A seat is held by a confirmed registration
and by an open offer to the waiting list; a freed seat goes at once to the next person waiting, who has the
event's ``offer_hours`` to take it up by a signed link before it passes on (``expire_offers``, run by ``tick``).

Confirmed registrants get an iCalendar invitation (METHOD:REQUEST); a cancellation, of the event or of one
registration, sends METHOD:CANCEL with a higher SEQUENCE. People waiting get no invitation until confirmed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moselle.accounts.access import is_hub_staff
from moselle.accounts.actions import consent_record
from moselle.accounts.models import Consent
from moselle.core import audit, links, mail
from moselle.core.i18n import LANGUAGE_CODES, pick, translated_text
from moselle.events import follow_up, ical
from moselle.events.models import Event, Presence, Question, Registration, Series, Session, SurveyQuestion
from moselle.journeys.actions.checks import check_text, technologies_named, user_of
from moselle.organisations.access import own_hub
from moselle.organisations.models import Organisation
from moselle.organisations.normalise import fold, name_key

R = Registration.Status
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 5000
ANSWER_LIMIT = 1000
MAX_SESSIONS = 50
MAX_QUESTIONS = 20
MAX_CAPACITY = 100_000
CANCEL, ACCEPT = "events.cancel", "events.accept"  # single-use links (core.links)
# Links that keep working for the registration's life, signed but stored nowhere: the registrant's ticket
# (its QR code, later its certificate), the check-in the QR code opens (staff only, idempotent) and the
# survey after the event (answered once).
TICKET, CHECK_IN, SURVEY = "events.ticket", "events.check_in", "events.survey"
STANDING = (TICKET, CHECK_IN, SURVEY)

# --- Checks ------------------------------------------------------------------------------------------------


def time_zone_of(value: Any) -> str:
    name = str(value or "").strip()
    try:
        if not name or ("/" not in name and name != "UTC"):
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {"time_zone": _("Unknown time zone %(name)s; give one such as Europe/Luxembourg.") % {"name": name[:60]}}
        ) from None
    return name


def capacity_of(value: Any) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdecimal() or not 1 <= int(text) <= MAX_CAPACITY:
        raise ValidationError({"capacity": _("Give a whole number of seats from 1 to 100000, or none for no limit.")})
    return int(text)


def _a_day(value: Any, field: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("Give a date as YYYY-MM-DD.")}) from None


def _a_time(value: Any, field: str) -> time:
    """A local clock time; one with an offset is refused (a session's times are the event's zone's)."""
    try:
        found = value if isinstance(value, time) else time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("Give a time as HH:MM.")}) from None
    if found.tzinfo is not None:
        raise ValidationError({field: _("Give a time as HH:MM.")})
    return found


def sessions_of(values: Any) -> list[dict[str, Any]]:
    """The event's sessions: each a date with its local start and end, and an optional title."""
    if not isinstance(values, list) or not values:
        raise ValidationError({"sessions": _("Give at least one session: a date, a start and an end.")})
    if len(values) > MAX_SESSIONS:
        raise ValidationError({"sessions": _("At most %(limit)d sessions.") % {"limit": MAX_SESSIONS}})
    found = []
    for item in values:
        if not isinstance(item, Mapping):
            raise ValidationError({"sessions": _("Give each session as a date, a start and an end.")})
        day = _a_day(item.get("day"), "sessions")
        starts, ends = _a_time(item.get("starts"), "sessions"), _a_time(item.get("ends"), "sessions")
        if ends <= starts:
            raise ValidationError({"sessions": _("A session ends after it starts (%(day)s).") % {"day": day}})
        title = item.get("title") or {}
        found.append(
            {
                "day": day,
                "starts": starts,
                "ends": ends,
                "title": translated_text(title, "sessions", TITLE_LIMIT, "") if title else {},
            }
        )
    return sorted(found, key=lambda s: (s["day"], s["starts"]))


def _questions_of(values: Any) -> list[dict[str, Any]]:
    if values in (None, ""):
        return []
    if not isinstance(values, list) or len(values) > MAX_QUESTIONS:
        raise ValidationError({"questions": _("Give at most %(limit)d questions.") % {"limit": MAX_QUESTIONS}})
    found = []
    for item in values:
        if not isinstance(item, Mapping):
            raise ValidationError({"questions": _("Give each question as its text and whether it is required.")})
        found.append(
            {
                "label": translated_text(item.get("label"), "questions", TITLE_LIMIT, _("Give the question's text.")),
                "required": bool(item.get("required")),
            }
        )
    return found


def _survey_questions_of(values: Any) -> list[dict[str, Any]]:
    if values in (None, ""):
        return []
    if not isinstance(values, list) or len(values) > MAX_QUESTIONS:
        raise ValidationError(
            {"survey_questions": _("Give at most %(limit)d survey questions.") % {"limit": MAX_QUESTIONS}}
        )
    return [
        {"label": translated_text(item, "survey_questions", TITLE_LIMIT, _("Give the question's text."))}
        for item in values
    ]


def _reminders_of(value: Any) -> list[int]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).replace(",", " ").split()
    days = []
    for item in items:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdecimal() or not 1 <= int(text) <= 60:
            raise ValidationError({"reminder_days": _("Give days before the event from 1 to 60, such as 7 and 1.")})
        days.append(int(text))
    return sorted(set(days), reverse=True)


def _moment(value: Any, field: str, zone: ZoneInfo) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError({field: _("Give a date and time as YYYY-MM-DD HH:MM.")}) from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=zone)


def _url(value: Any, field: str) -> str:
    text = check_text(value, field, 500)
    if text:
        try:
            URLValidator(schemes=["https", "http"])(text)
        except ValidationError:
            raise ValidationError({field: _("Give a web address starting with https://.")}) from None
    return text


def _series_of(value: Any) -> Series | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    series = Series.objects.filter(pk=int(text)).first() if text.isdecimal() and int(text) < 2**63 else None
    if series is None:
        raise ValidationError({"series": _("Unknown series.")})
    return series


def _checked_event(data: Mapping[str, Any], event: Event | None) -> dict[str, Any]:
    """Every field of an event checked; every bad one named at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def take(field: str, check: Any) -> None:
        try:
            values[field] = check(data.get(field))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)

    fields: dict[str, Any] = {
        "kind": lambda v: _kind_of(v),
        "title": lambda v: translated_text(v, "title", TITLE_LIMIT, _("Give the event's title.")),
        "description": lambda v: translated_text(v, "description", DESCRIPTION_LIMIT, "") if v else {},
        "time_zone": lambda v: time_zone_of(v or "Europe/Luxembourg"),
        "venue": lambda v: check_text(v, "venue", 300),
        "online_link": lambda v: _url(v, "online_link"),
        "capacity": capacity_of,
        "needs_approval": bool,
        "offer_hours": _offer_hours_of,
        "reminder_days": _reminders_of,
        "series": _series_of,
        "sessions": sessions_of,
        "questions": _questions_of,
        "sends_survey": lambda v: True if v is None else bool(v),
        "survey_questions": _survey_questions_of,
        "technologies": lambda v: technologies_named(v or []),
    }
    for field, check in fields.items():
        if event is None or field in data:
            take(field, check)
    zone = ZoneInfo(values.get("time_zone") or (event.time_zone if event else "Europe/Luxembourg"))
    if event is None or "registration_closes_at" in data:
        take("registration_closes_at", lambda v: _moment(v, "registration_closes_at", zone))
    if errors:
        raise ValidationError(errors)
    if event is None and not values["venue"] and not values["online_link"]:
        raise ValidationError({"venue": _("Give the venue, the online link, or both.")})
    return values


def _kind_of(value: Any) -> str:
    if value not in Event.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of event.")})
    return str(value)


def _offer_hours_of(value: Any) -> int:
    if value in (None, ""):
        return 48
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdecimal() or not 1 <= int(text) <= 24 * 14:
        raise ValidationError({"offer_hours": _("Give the hours to take up a freed seat, from 1 to 336.")})
    return int(text)


def _require_staff(actor: Any) -> None:
    if not is_hub_staff(actor):
        raise ValidationError({"event": _("Only the hub's staff manage events.")})


# --- Events -----------------------------------------------------------------------------------------------

PLACE_FIELDS = ("time_zone", "venue", "online_link")


def _store_sessions(event: Event, sessions: list[dict[str, Any]]) -> list[Session]:
    """Store the sessions in order, changing the existing rows in place so that each keeps its id (the UID of
    its calendar entry); return the sessions removed, whose entries the attendees' calendars must drop."""
    existing = list(event.sessions.order_by("day", "starts", "id"))
    for row, values in zip(existing, sessions, strict=False):
        for field, value in values.items():
            setattr(row, field, value)
        row.save()
    Session.objects.bulk_create([Session(event=event, **values) for values in sessions[len(existing) :]])
    removed = existing[len(sessions) :]
    Session.objects.filter(pk__in=[row.pk for row in removed]).delete()
    return removed


def _label_key(label: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(label.items()))


def _store_by_label(rows: list[Any], wanted: list[dict[str, Any]], make: Any) -> None:
    """Store questions in the order given without ever relabelling a row: a question whose text is unchanged
    keeps its row, so the answers keyed by its id stay with it; a new text is a new row; a row no longer
    wanted is deleted (its answers stay stored, under no question shown)."""
    free: dict[tuple[tuple[str, str], ...], list[Any]] = {}
    for row in rows:
        free.setdefault(_label_key(row.label), []).append(row)
    for position, values in enumerate(wanted):
        kept = free.get(_label_key(values["label"]))
        if kept:
            row = kept.pop(0)
            for name, value in values.items():
                setattr(row, name, value)
            row.position = position
            row.save()
        else:
            make(position=position, **values)
    leftover = [row.pk for rows_left in free.values() for row in rows_left]
    if leftover:
        type(rows[0]).objects.filter(pk__in=leftover).delete()


def _store_questions(event: Event, questions: list[dict[str, Any]]) -> None:
    _store_by_label(
        list(event.questions.order_by("position", "id")),
        questions,
        lambda **values: Question.objects.create(event=event, **values),
    )


def _store_survey_questions(event: Event, questions: list[dict[str, Any]]) -> None:
    _store_by_label(
        list(event.survey_questions.order_by("position", "id")),
        questions,
        lambda **values: SurveyQuestion.objects.create(event=event, **values),
    )


def event_create(*, actor: Any, data: Mapping[str, Any]) -> Event:
    """A draft event with its sessions; the hub organises it unless an organiser is given."""
    _require_staff(actor)
    values = _checked_event(data, None)
    sessions, questions = values.pop("sessions"), values.pop("questions")
    technologies, survey_questions = values.pop("technologies"), values.pop("survey_questions")
    with transaction.atomic():
        hub = own_hub()
        event = Event.objects.create(**values, organiser=hub.organisation if hub else None, created_by=user_of(actor))
        _store_sessions(event, sessions)
        _store_questions(event, questions)
        _store_survey_questions(event, survey_questions)
        event.technologies.set(technologies)
        audit.record(actor=actor, action="event.create", target=event)
    return event


def _session_rows(event: Event) -> list[tuple[date, time, time]]:
    return [(s.day, s.starts, s.ends) for s in event.sessions.all()]


def event_update(*, actor: Any, event: Event, data: Mapping[str, Any]) -> Event:
    """Change an event. A change of time or place raises its revision and sends the confirmed attendees an
    updated invitation; more seats go to the waiting list, fewer than those taken are refused."""
    _require_staff(actor)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError({"status": _("A cancelled event stays as it was.")})
    values = _checked_event(data, event)
    sessions, questions = values.pop("sessions", None), values.pop("questions", None)
    technologies, survey_questions = values.pop("technologies", None), values.pop("survey_questions", None)
    with transaction.atomic():
        event = _locked(event.pk)
        before = audit.snapshot(event)
        taken = _seats_taken(event)
        capacity = values.get("capacity", event.capacity)
        if capacity is not None and capacity < taken:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(taken)d seat is taken; give at least %(taken)d, or cancel registrations first.",
                        "%(taken)d seats are taken; give at least %(taken)d, or cancel registrations first.",
                        taken,
                    )
                    % {"taken": taken}
                }
            )
        moved = any(field in values and values[field] != getattr(event, field) for field in PLACE_FIELDS)
        removed: list[Session] = []
        if sessions is not None:
            moved = moved or [(s["day"], s["starts"], s["ends"]) for s in sessions] != _session_rows(event)
            removed = _store_sessions(event, sessions)
        for field, value in values.items():
            setattr(event, field, value)
        if moved:
            event.sequence += 1
        event.save()
        if questions is not None:
            _store_questions(event, questions)
        if survey_questions is not None:
            _store_survey_questions(event, survey_questions)
        if technologies is not None:
            event.technologies.set(technologies)
        audit.record(actor=actor, action="event.update", target=event, before=before)
        if moved and event.status == Event.Status.PUBLISHED:
            for registration in event.registrations.filter(status=R.CONFIRMED):
                _send_invitation(event, registration, template="events/email/updated")
                if removed:  # the calendars drop those entries by their UID
                    _send(
                        event,
                        registration,
                        "events/email/sessions_removed",
                        calendar=_cancellation(event, registration, event.sequence, removed),
                    )
        _promote(event)
    return event


def event_publish(*, actor: Any, event: Event) -> Event:
    _require_staff(actor)
    if event.status != Event.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft event is published.")})
    with transaction.atomic():
        event = _locked(event.pk)
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="event.publish", target=event)
    return event


def event_cancel(*, actor: Any, event: Event) -> Event:
    """Cancel the event: everyone registered hears of it, the confirmed with a calendar cancellation."""
    _require_staff(actor)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError({"status": _("This event is already cancelled.")})
    with transaction.atomic():
        event = _locked(event.pk)
        event.status = Event.Status.CANCELLED
        event.sequence += 1
        event.save(update_fields=["status", "sequence", "updated_at"])
        for registration in event.registrations.filter(status__in=Registration.ACTIVE):
            with_calendar, before = registration.status == R.CONFIRMED, registration.status
            registration.status = R.CANCELLED
            registration.offer_expires_at = None
            registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
            follow_up.status_changed(actor=actor, event=event, registration=registration, before=before)
            _send(
                event,
                registration,
                "events/email/event_cancelled",
                calendar=_cancellation(event, registration, event.sequence) if with_calendar else None,
            )
        audit.record(actor=actor, action="event.cancel", target=event)
    return event


# --- Seats --------------------------------------------------------------------------------------------------


def _locked(event_id: int) -> Event:
    """The event's row, locked until the transaction ends: registrations for one event queue here."""
    return Event.objects.select_for_update().get(pk=event_id)


def _seats_taken(event: Event) -> int:
    return event.registrations.filter(status__in=Registration.HOLDS_A_SEAT).count()


def _has_seat(event: Event) -> bool:
    return event.capacity is None or _seats_taken(event) < event.capacity


def _next_waiting(event: Event) -> Registration | None:
    return event.registrations.filter(status=R.WAITING).order_by("waiting_since", "id").first()


def _promote(event: Event) -> list[Registration]:
    """Offer every free seat to the next person waiting (call with the event locked); once registration has
    closed, a seat freed stays free."""
    offered: list[Registration] = []
    closing = closes_at(event)
    if closing is not None and timezone.now() >= closing:
        return offered
    while _has_seat(event):
        registration = _next_waiting(event)
        if registration is None:
            break
        registration.status = R.OFFERED
        registration.offer_expires_at = timezone.now() + timedelta(hours=event.offer_hours)
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        accept = links.issue(
            purpose=ACCEPT,
            payload={"registration": registration.pk},
            email=registration.email,
            days=math.ceil(event.offer_hours / 24),
        )
        _send(
            event,
            registration,
            "events/email/seat_offered",
            accept_url=absolute_url(reverse("event_accept_link", args=[accept.token])),
            expires_at=timezone.localtime(registration.offer_expires_at, event.zone),
        )
        audit.record(actor=None, action="registration.offer", target=registration, actor_kind="system")
        offered.append(registration)
    return offered


# --- Registration -------------------------------------------------------------------------------------------


def closes_at(event: Event, sessions: Iterable[Session] | None = None) -> datetime | None:
    """When registration closes: the moment set, else the start of the first session."""
    if event.registration_closes_at:
        return event.registration_closes_at
    first = next(iter(sessions if sessions is not None else event.sessions.all()), None)
    return first.start_at(event.zone) if first else None


def _checked_registration(event: Event, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    checks: tuple[tuple[str, Callable[[Any], str]], ...] = (
        ("name", lambda v: check_text(v, "name", 200, required=True, missing=_("Give your name."))),
        ("email", email_of),
        ("organisation_name", lambda v: check_text(v, "organisation_name", 200)),
    )
    for field, check in checks:
        try:
            values[field] = check(data.get(field))
        except ValidationError as error:
            errors.update(error.message_dict)
    language = str(data.get("language") or "en")[:2]
    values["language"] = language if language in LANGUAGE_CODES else "en"
    if data.get("accept_terms") not in (True, "true", "on", "1", 1):
        errors["accept_terms"] = [_("Accept the terms to register.")]
    answers = data.get("answers") or {}
    if not isinstance(answers, Mapping):
        errors["answers"] = [_("Give the answers by question.")]
        answers = {}
    values["answers"] = {}
    for question in event.questions.all():
        answer = answers.get(str(question.pk), "")
        text = "" if answer is None else str(answer).strip()
        field = f"answers.{question.pk}"
        if question.required and not text:
            errors[field] = [_("Answer this question: %(question)s") % {"question": pick(question.label)}]
        elif len(text) > ANSWER_LIMIT:
            errors[field] = [_("At most %(limit)d characters.") % {"limit": ANSWER_LIMIT}]
        elif text:
            values["answers"][str(question.pk)] = text
    values["future_events"] = data.get("future_events") in (True, "true", "on", "1", 1)
    if errors:
        raise ValidationError(errors)
    return values


def email_of(value: Any) -> str:
    text = check_text(value, "email", 254, required=True, missing=_("Give your e-mail address."))
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError({"email": _("Give a valid e-mail address.")}) from None
    return text


def _registry_match(name: str) -> Organisation | None:
    """The registry's organisation of that name (legal forms and accents aside), if exactly one has it."""
    key = name_key(name)
    if not key:
        return None
    first = key.split()[0]
    candidates = Organisation.objects.filter(
        search_text__contains=fold(first), merged_into__isnull=True, is_historical=False
    ).only("pk", "name", "trade_name")[:200]
    found = [o for o in candidates if key in (name_key(o.name), name_key(o.trade_name or ""))]
    return found[0] if len(found) == 1 else None


def register(
    *,
    event_id: int,
    data: Mapping[str, Any],
    user: Any = None,
    organisation: Organisation | None = None,
    on_behalf: bool = False,
) -> Registration:
    """Register someone for a published event, without an account: confirmed while seats remain (or
    awaiting approval where the hub approves), else on the waiting list. The organisation named is matched
    to the registry; one not found is left for the hub's staff to add, never created here. Staff enrolling
    a company's people name the ``organisation`` itself; their enrolment needs no further approval. With
    ``on_behalf`` the person is enrolled by their organisation (or the hub for it): no terms are asked of them,
    the registration is held on the organisation's contract and names who enrolled them."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.status == Event.Status.DRAFT:
        raise ValidationError({"event": _("This event is not open for registration.")})
    if on_behalf and (organisation is None or user_of(user) is None):
        raise ValidationError({"organisation": _("Name the organisation the person is enrolled for.")})
    values = _checked_registration(event, {**data, "accept_terms": True} if on_behalf else data)
    now = timezone.now()
    try:
        with transaction.atomic():
            event = _locked(event.pk)
            check_open(event, now)
            if event.registrations.filter(status__in=Registration.ACTIVE, email__iexact=values["email"]).exists():
                raise ValidationError({"email": _("This e-mail address is already registered for this event.")})
            if event.needs_approval and not (organisation is not None and is_hub_staff(user)):
                status = R.PENDING
            elif _has_seat(event) and _next_waiting(event) is None:
                status = R.CONFIRMED
            else:
                status = R.WAITING
            registration = Registration.objects.create(
                event=event,
                name=values["name"],
                email=values["email"],
                organisation_name=values["organisation_name"],
                organisation=organisation
                or (_registry_match(values["organisation_name"]) if values["organisation_name"] else None),
                language=values["language"],
                answers=values["answers"],
                terms_accepted_at=None if on_behalf else now,
                enrolled_by=user_of(user) if on_behalf else None,
                future_events_consent_at=now if values["future_events"] else None,
                status=status,
                waiting_since=now if status == R.WAITING else None,
            )
            audit.record(actor=user, action="registration.create", target=registration)
            if values["future_events"]:
                consent_record(
                    actor=user,
                    email=values["email"],
                    purpose=Consent.Purpose.MARKETING,
                    given=True,
                    method=Consent.Method.WEB,
                    scope="events",
                )
            follow_up.status_changed(actor=user, event=event, registration=registration, before="")
            _welcome(event, registration)
    except IntegrityError:
        raise ValidationError({"email": _("This e-mail address is already registered for this event.")}) from None
    return registration


def check_open(event: Event, now: datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError({"event": _("This event has been cancelled.")})
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError({"event": _("This event is not open for registration.")})
    closing = closes_at(event)
    if closing is not None and now >= closing:
        raise ValidationError({"event": _("Registration for this event has closed.")})


def _welcome(event: Event, registration: Registration) -> None:
    """The first e-mail: confirmed (with the invitation), waiting, or awaiting approval."""
    if registration.status == R.CONFIRMED:
        _send_invitation(event, registration, template="events/email/confirmed")
    elif registration.status == R.WAITING:
        _send(event, registration, "events/email/waiting")
    else:
        _send(event, registration, "events/email/pending")


def approve(*, actor: Any, registration: Registration) -> Registration:
    """Staff approve a registration: confirmed while seats remain, else on the waiting list."""
    _require_staff(actor)
    with transaction.atomic():
        event = _locked(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != R.PENDING:
            raise ValidationError({"status": _("Only a registration awaiting approval is approved.")})
        if _has_seat(event) and _next_waiting(event) is None:
            registration.status = R.CONFIRMED
        else:
            registration.status, registration.waiting_since = R.WAITING, timezone.now()
        registration.save(update_fields=["status", "waiting_since", "updated_at"])
        audit.record(actor=actor, action="registration.approve", target=registration)
        follow_up.status_changed(actor=actor, event=event, registration=registration, before=R.PENDING)
        _welcome(event, registration)
    return registration


def decline(*, actor: Any, registration: Registration) -> Registration:
    _require_staff(actor)
    with transaction.atomic():
        event = _locked(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != R.PENDING:
            raise ValidationError({"status": _("Only a registration awaiting approval is declined.")})
        registration.status = R.DECLINED
        registration.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="registration.decline", target=registration)
        _send(event, registration, "events/email/declined")
    return registration


def standing_token(purpose: str, registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=f"moselle.{purpose}")


def link_registration(purpose: str, token: str) -> tuple[Any, Registration]:
    """The link behind ``token`` (genuine, and for single-use links unexpired and unused) and its
    registration; a ``ValidationError`` naming the link otherwise."""
    if purpose in STANDING:
        try:
            data = signing.loads(token, salt=f"moselle.{purpose}")
        except signing.BadSignature:
            raise ValidationError({"link": _("This link is not valid. Check that you copied all of it.")}) from None
        found = data.get("r") if isinstance(data, dict) else None
        registration = Registration.objects.filter(pk=found).first() if isinstance(found, int) else None
        if registration is None:
            raise ValidationError({"link": _("This registration no longer exists.")})
        return None, registration
    try:
        link = links.peek(purpose=purpose, token=token)
    except links.LinkError as error:
        raise ValidationError({"link": str(error)}) from None
    registration = Registration.objects.filter(pk=link.payload.get("registration")).first()
    if registration is None:
        raise ValidationError({"link": _("This registration no longer exists.")})
    return link, registration


def _consume(purpose: str, token: str) -> None:
    try:
        links.consume(purpose=purpose, token=token)
    except links.LinkError as error:
        raise ValidationError({"link": str(error)}) from None


def cancel_by_link(*, token: str) -> Registration:
    """The registrant cancels, or leaves the waiting list; a seat freed goes to the next person waiting."""
    _link, registration = link_registration(CANCEL, token)
    with transaction.atomic():
        event = _locked(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status not in Registration.ACTIVE:
            raise ValidationError({"link": _("This registration is no longer active.")})
        _consume(CANCEL, token)
        with_calendar = registration.status == R.CONFIRMED
        registration.status, registration.offer_expires_at = R.CANCELLED, None
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        audit.record(actor=None, action="registration.cancel", target=registration, actor_kind="system")
        follow_up.status_changed(actor=None, event=event, registration=registration, before=R.CONFIRMED)
        _send(
            event,
            registration,
            "events/email/cancelled",
            calendar=_cancellation(event, registration, event.sequence + 1) if with_calendar else None,
        )
        _promote(event)
    return registration


def accept_offer(*, token: str) -> Registration:
    """The person offered a freed seat takes it up before the offer expires."""
    _link, registration = link_registration(ACCEPT, token)
    with transaction.atomic():
        event = _locked(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != R.OFFERED:
            raise ValidationError({"link": _("This offer is no longer open.")})
        if registration.offer_expires_at is None or registration.offer_expires_at <= timezone.now():
            raise ValidationError({"link": _("This offer has expired; the seat has passed to the next person.")})
        if event.status != Event.Status.PUBLISHED:
            raise ValidationError({"link": _("This event has been cancelled.")})
        _consume(ACCEPT, token)
        registration.status, registration.offer_expires_at = R.CONFIRMED, None
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        audit.record(actor=None, action="registration.accept", target=registration, actor_kind="system")
        follow_up.status_changed(actor=None, event=event, registration=registration, before=R.OFFERED)
        _send_invitation(event, registration, template="events/email/confirmed")
    return registration


def expire_offers() -> int:
    """Offers past their time lapse and the seat passes on (run by ``tick``; safe to run twice)."""
    lapsed = 0
    due = Registration.objects.filter(status=R.OFFERED, offer_expires_at__lte=timezone.now())
    for event_id in sorted(set(due.values_list("event_id", flat=True))):
        with transaction.atomic():
            event = _locked(event_id)
            for registration in event.registrations.filter(status=R.OFFERED, offer_expires_at__lte=timezone.now()):
                registration.status = R.LAPSED
                registration.save(update_fields=["status", "updated_at"])
                follow_up.status_changed(actor=None, event=event, registration=registration, before=R.OFFERED)
                audit.record(actor=None, action="registration.lapse", target=registration, actor_kind="system")
                _send(event, registration, "events/email/offer_lapsed")
                lapsed += 1
            _promote(event)
    return lapsed


def send_reminders() -> int:
    """Remind the confirmed attendees the configured days before the first session (run by ``tick``)."""
    now = timezone.now()
    sent = 0
    events = Event.objects.filter(status=Event.Status.PUBLISHED).exclude(reminder_days=[])
    for event in events.prefetch_related("sessions"):
        sessions = list(event.sessions.all())
        if not sessions:
            continue
        start = sessions[0].start_at(event.zone)
        if start <= now:
            continue
        due = [d for d in event.reminder_days if start - timedelta(days=d) <= now]
        if not due:
            continue
        with transaction.atomic():
            for registration in event.registrations.select_for_update().filter(status=R.CONFIRMED):
                missing = [d for d in due if d not in registration.reminded]
                if not missing:
                    continue
                registration.reminded = sorted({*registration.reminded, *due}, reverse=True)
                registration.save(update_fields=["reminded", "updated_at"])
                _send_invitation(event, registration, template="events/email/reminder", sessions=sessions)
                sent += 1
    return sent


# --- Attendance ---------------------------------------------------------------------------------------------


def check_in_by_link(*, actor: Any, token: str) -> Registration:
    """A staff member confirms the attendance the registration's QR code points to."""
    _require_staff(actor)
    _link, registration = link_registration(CHECK_IN, token)
    return mark_attendance(actor=actor, registration=registration, attended=True)


def mark_attendance(*, actor: Any, registration: Registration, attended: bool) -> Registration:
    """Mark or unmark an attendance; the organisation's timeline, case and proposed service record follow
    (``follow_up``). Marking twice changes nothing."""
    _require_staff(actor)
    with transaction.atomic():
        event = _locked(registration.event_id)  # the event first, as every writer here: no deadlock
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != R.CONFIRMED:
            raise ValidationError({"status": _("Only a confirmed registration is checked in.")})
        sessions = list(event.sessions.all())
        if attended:
            # The day checked in, also on a later day of an attendance already marked: today's, or the only one.
            today = timezone.localdate(timezone=event.zone)
            for day in [s for s in sessions if s.day == today] or (sessions if len(sessions) == 1 else []):
                _presence, made = Presence.objects.get_or_create(
                    registration=registration, session=day, defaults={"marked_by": user_of(actor)}
                )
                if made and registration.attended_at is not None:
                    audit.record(
                        actor=actor,
                        action="registration.presence",
                        target=registration,
                        before={"session": day.pk, "present": False},
                    )
        if attended == (registration.attended_at is not None):
            return registration
        if not attended:
            follow_up.may_unmark(registration)
            registration.presences.all().delete()
        _set_attended(actor, event, registration, attended, audit.snapshot(registration, ["attended_at"]))
    return registration


def _set_attended(actor: Any, event: Event, registration: Registration, attended: bool, before: Any) -> None:
    if attended:
        registration.attended_at, registration.checked_in_by = timezone.now(), user_of(actor)
    else:
        registration.attended_at, registration.checked_in_by = None, None
    registration.save(update_fields=["attended_at", "checked_in_by", "updated_at"])
    audit.record(actor=actor, action="registration.attendance", target=registration, before=before)
    follow_up.attendance_changed(actor=actor, event=event, registration=registration)


def mark_presence(*, actor: Any, registration: Registration, session: Session, present: bool) -> Registration:
    """Mark or unmark that a registrant was there on one day of the event. The first day marked marks the
    attendance (and what follows it in the hub's work); unmarking the last day unmarks it."""
    _require_staff(actor)
    if session.event_id != registration.event_id:
        raise ValidationError({"session": _("This day is not one of the registration's event.")})
    with transaction.atomic():
        event = _locked(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != R.CONFIRMED:
            raise ValidationError({"status": _("Only a confirmed registration is checked in.")})
        if present and session.day > timezone.localdate(timezone=event.zone):
            raise ValidationError({"session": _("This day has not come yet.")})
        existing = Presence.objects.filter(registration=registration, session=session)
        if present == existing.exists():
            return registration
        if not present:
            follow_up.may_unmark(registration)
        if present:
            Presence.objects.create(registration=registration, session=session, marked_by=user_of(actor))
        else:
            existing.delete()
        audit.record(
            actor=actor,
            action="registration.presence",
            target=registration,
            before={"session": session.pk, "present": not present},
        )
        any_day = registration.presences.exists()
        if any_day != (registration.attended_at is not None):
            _set_attended(actor, event, registration, any_day, audit.snapshot(registration, ["attended_at"]))
    return registration


def registration_match(
    *, actor: Any, registration: Registration, organisation: Organisation | None = None, prospect: bool = False
) -> Registration:
    """Staff match a registration to an organisation of the registry, or register the name it gave as a new
    prospect (a company), never silently: what its attendance does in the hub's work follows at once."""
    _require_staff(actor)
    if (organisation is None) == (not prospect):
        raise ValidationError({"organisation": _("Choose an organisation of the registry, or register a new one.")})
    if organisation is not None and (organisation.merged_into_id or organisation.is_historical):
        raise ValidationError({"organisation": _("This organisation's file is closed; choose the one it became.")})
    with transaction.atomic():
        event = _locked(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.purged_at is not None:
            raise ValidationError({"organisation": _("This registration's data has been removed.")})
        if prospect:
            from moselle.organisations import actions as registry

            if not registration.organisation_name.strip():
                raise ValidationError({"organisation": _("The registrant gave no organisation's name to register.")})
            hub = own_hub()
            organisation = registry.organisation_create(
                actor=actor,
                name=registration.organisation_name,
                country=hub.country if hub else "LU",
                details={"kinds": [Organisation.Kind.COMPANY]},
            )
        before = audit.snapshot(registration, ["organisation"])
        previous = registration.organisation
        registration.organisation = organisation
        registration.save(update_fields=["organisation", "updated_at"])
        audit.record(actor=actor, action="registration.match", target=registration, before=before)
        if registration.attended_at is not None:
            if previous is not None and previous != organisation:
                _unattend_for(actor, event, registration, previous)
            follow_up.attendance_changed(actor=actor, event=event, registration=registration)
    return registration


def _unattend_for(actor: Any, event: Event, registration: Registration, organisation: Organisation) -> None:
    """The organisation a registration was matched to before: its records follow as if the attendance had
    been unmarked (the registration now counts for another)."""
    shown = Registration(
        pk=registration.pk, event=event, organisation=organisation, attended_at=None, status=registration.status
    )
    follow_up.attendance_changed(actor=actor, event=event, registration=shown)


def unmatched(event: Event) -> list[Registration]:
    """The registrations whose organisation's name matched nothing in the registry: staff match them or
    register them as prospects."""
    return list(
        event.registrations.filter(organisation__isnull=True, purged_at__isnull=True)
        .exclude(organisation_name="")
        .exclude(status__in=(R.CANCELLED, R.DECLINED, R.LAPSED))
        .order_by("organisation_name", "pk")
    )


def purge(registrations: Iterable[Registration]) -> int:
    """Remove the personal data of registrations (erasure, retention): one still active before its event
    ends is cancelled first and its seat passes on; the status, the organisation and the attendance stay for
    the figures."""
    purged = 0
    for registration in registrations:
        with transaction.atomic():
            event = _locked(registration.event_id)
            registration = Registration.objects.get(pk=registration.pk)
            if registration.purged_at is not None:
                continue
            sessions = list(event.sessions.all())
            over = bool(sessions) and last_end(event, sessions) <= timezone.now()
            held_a_seat = registration.status in Registration.HOLDS_A_SEAT and not over
            before = registration.status
            if registration.status in Registration.ACTIVE and not over:
                registration.status, registration.offer_expires_at = R.CANCELLED, None
            address = registration.email
            registration.name, registration.email, registration.answers = "", f"purged-{registration.pk}@invalid", {}
            registration.organisation_name = ""
            registration.purged_at = timezone.now()
            registration.save()
            _forget_mail(registration, address)
            if hasattr(registration, "survey"):
                registration.survey.comments, registration.survey.answers = "", {}
                registration.survey.save(update_fields=["comments", "answers"])
            audit.record(actor=None, action="registration.purge", target=registration, actor_kind="system")
            if registration.status != before:
                follow_up.status_changed(actor=None, event=event, registration=registration, before=before)
            if held_a_seat:
                _promote(event)
            purged += 1
    return purged


def _forget_mail(registration: Registration, address: str) -> None:
    """The e-mails and links a purged registration left behind: its own signed links, and the log of the
    e-mails sent to its address when nothing else is sent there (no account, no other registration kept)."""
    from moselle.core.models import EmailLog, SignedLink

    SignedLink.objects.filter(purpose__in=(CANCEL, ACCEPT), payload__registration=registration.pk).update(
        email="", payload={"erased": True}
    )
    others = Registration.objects.filter(email__iexact=address, purged_at__isnull=True).exclude(pk=registration.pk)
    if not others.exists():
        EmailLog.objects.filter(recipient__iexact=address, user_id__isnull=True).update(
            recipient="erased@erased.invalid", subject="", body=""
        )


def purge_after_retention() -> int:
    """The retention rule, run by ``tick``: the attendees' personal data is purged
    ``MOSELLE_EVENT_RETENTION_DAYS`` after their event's last session ended; what the figures count stays."""
    now = timezone.now()
    kept = timedelta(days=settings.MOSELLE_EVENT_RETENTION_DAYS)
    # A session ends on its day (local time), so an event whose last day is a day short of the delay is not due.
    holding = Registration.objects.filter(event=OuterRef("pk"), purged_at__isnull=True)
    candidates = (
        Event.objects.annotate(last_day=Max("sessions__day"))
        .filter(Exists(holding), last_day__lte=(now - kept).date())
        .prefetch_related("sessions")
    )
    purged = 0
    for event in candidates:
        if last_end(event, list(event.sessions.all())) + kept > now:
            continue
        purged += purge(event.registrations.filter(purged_at__isnull=True).order_by("pk"))
    return purged


# --- E-mail -------------------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _organiser() -> tuple[str, str]:
    hub = own_hub()
    return settings.DEFAULT_FROM_EMAIL, (str(hub.organisation) if hub else "Moselle")


def last_end(event: Event, sessions: list[Session]) -> datetime:
    return sessions[-1].end_at(event.zone) if sessions else timezone.now()


def _links_for(event: Event, registration: Registration, sessions: list[Session]) -> dict[str, str]:
    """The registrant's cancel link (valid until the event ends) and, once confirmed, the check-in link."""
    days = max(1, (last_end(event, sessions) - timezone.now()).days + 2)
    cancel = links.issue(purpose=CANCEL, payload={"registration": registration.pk}, email=registration.email, days=days)
    found = {"cancel_url": absolute_url(reverse("event_cancel_link", args=[cancel.token]))}
    if registration.status == R.CONFIRMED:
        found["ticket_url"] = absolute_url(reverse("event_ticket", args=[standing_token(TICKET, registration)]))
    return found


def check_in_url(registration: Registration) -> str:
    """What the registration's QR code encodes."""
    return absolute_url(reverse("event_check_in", args=[standing_token(CHECK_IN, registration)]))


def _send(
    event: Event, registration: Registration, template: str, *, calendar: mail.Calendar | None = None, **more: Any
) -> None:
    sessions = more.pop("sessions", None) or list(event.sessions.all())
    context = {
        "event": event,
        "title": pick(event.title, registration.language),
        "registration": registration,
        "sessions": [(s.start_at(event.zone), s.end_at(event.zone)) for s in sessions],
        "time_zone": event.time_zone,
        **more,
    }
    if registration.status in (R.CONFIRMED, R.WAITING, R.PENDING, R.OFFERED):
        context.update(_links_for(event, registration, sessions))
    mail.send_templated(
        to=registration.email, template=template, context=context, language=registration.language, calendar=calendar
    )


def _send_invitation(
    event: Event, registration: Registration, *, template: str, sessions: list[Session] | None = None
) -> None:
    sessions = sessions if sessions is not None else list(event.sessions.all())
    organiser_email, organiser_name = _organiser()
    text = ical.invitation(
        event,
        registration,
        sessions,
        organiser_email=organiser_email,
        organiser_name=organiser_name,
        language=registration.language,
    )
    _send(event, registration, template, calendar=mail.Calendar(text, "REQUEST"), sessions=sessions)


def _cancellation(
    event: Event, registration: Registration, sequence: int, sessions: list[Session] | None = None
) -> mail.Calendar:
    """METHOD:CANCEL for the event's sessions, or for the ``sessions`` given (removed from the event)."""
    organiser_email, organiser_name = _organiser()
    text = ical.cancellation(
        event,
        registration,
        sessions if sessions is not None else list(event.sessions.all()),
        organiser_email=organiser_email,
        organiser_name=organiser_name,
        language=registration.language,
        sequence=sequence,
    )
    return mail.Calendar(text, "CANCEL")


__all__ = [
    "accept_offer",
    "approve",
    "cancel_by_link",
    "check_in_by_link",
    "closes_at",
    "decline",
    "event_cancel",
    "event_create",
    "event_publish",
    "event_update",
    "expire_offers",
    "mark_attendance",
    "purge",
    "purge_after_retention",
    "register",
    "registration_match",
    "send_reminders",
    "unmatched",
]
