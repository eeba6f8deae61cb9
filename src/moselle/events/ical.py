"""iCalendar files for the hub's events: the invitation and the cancellation sent to one attendee, and the
public feed of a series.

A session is written in its event's own time zone (``DTSTART;TZID=Europe/Luxembourg:20260329T100000``), not
in UTC, so that it keeps its local clock time on a clock-change day and in every client. Each zone used gets
exactly one VTIMEZONE, built here from zoneinfo: RFC 5545 (3.6.5) wants the onset of an observance written in
the offset in force before it, and icalendar's own builder writes the spring onset one hour late.

The online link reaches only a confirmed attendee, through the invitation; neither a cancellation nor the
public feed ever carries it. These functions read the instances they are given and never query the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress
from icalendar import Event as VEvent

from moselle.core.i18n import pick
from moselle.events.models import Event, Registration, Session

MIME_TYPE = "text/calendar"
PRODID = "-//Moselle//Events//EN"
FALLBACK_HOST = "moselle.invalid"

Observance = tuple[timedelta, timedelta, str]


def content_type(method: str) -> str:
    """The Content-Type of a calendar sent with ``method``, e.g. as an e-mail part."""
    return f'{MIME_TYPE}; charset="utf-8"; method={method.upper()}'


def uid(event: Event, session: Session) -> str:
    """The UID of one session: the same in every invitation, cancellation and feed, so clients update it."""
    return f"moselle-event-{event.pk}-session-{session.pk}@{_host()}"


def invitation(
    event: Event,
    registration: Registration,
    sessions: Iterable[Session],
    *,
    organiser_email: str,
    organiser_name: str,
    language: str,
) -> bytes:
    """A METHOD:REQUEST calendar for one confirmed attendee: every session, with the online link."""
    calendar = _calendar("REQUEST")
    for session in sessions:
        component = _vevent(
            event, session, language=language, sequence=event.sequence, status="CONFIRMED", link=event.online_link
        )
        _add_people(component, registration, organiser_email=organiser_email, organiser_name=organiser_name)
        calendar.add_component(component)
    return _finish(calendar)


def cancellation(
    event: Event,
    registration: Registration,
    sessions: Iterable[Session],
    *,
    organiser_email: str,
    organiser_name: str,
    language: str,
    sequence: int,
) -> bytes:
    """A METHOD:CANCEL calendar removing every session from one person's calendar, for a cancelled event or
    a cancelled registration; ``sequence`` must be higher than the invitation's. No online link."""
    calendar = _calendar("CANCEL")
    for session in sessions:
        component = _vevent(event, session, language=language, sequence=sequence, status="CANCELLED", link="")
        _add_people(component, registration, organiser_email=organiser_email, organiser_name=organiser_name)
        calendar.add_component(component)
    return _finish(calendar)


def feed(events_with_sessions: Iterable[tuple[Event, Iterable[Session]]], *, name: str, language: str) -> bytes:
    """The public METHOD:PUBLISH feed of a series, from the published or cancelled events given: no people
    and never the online link."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for event, sessions in events_with_sessions:
        status = "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"
        for session in sessions:
            component = _vevent(event, session, language=language, sequence=event.sequence, status=status, link="")
            calendar.add_component(component)
    return _finish(calendar)


def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``tzid`` from local midnight on ``first`` to local midnight on ``last``: the
    observance in force at the start, then one STANDARD or DAYLIGHT per change of offset."""
    zone = ZoneInfo(tzid)
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    stop = datetime.combine(last, time(), tzinfo=zone).astimezone(UTC)
    component = Timezone()
    component.add("tzid", tzid)
    observance = _observance(start, zone)
    component.add_component(_observance_component(start, observance, observance[0]))
    for onset in _onsets(zone, start, stop):
        offset_before = observance[0]
        observance = _observance(onset, zone)
        component.add_component(_observance_component(onset, observance, offset_before))
    return component


def _host() -> str:
    site_url: str = getattr(settings, "SITE_URL", "") or ""
    return urlsplit(site_url).hostname or FALLBACK_HOST


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _vevent(event: Event, session: Session, *, language: str, sequence: int, status: str, link: str) -> VEvent:
    """One session as a VEVENT; ``link`` is the online link to give (empty: none). Without it, the event's own
    link is also taken out of its title and description, where an organiser may have pasted it."""
    component = VEvent()
    component.add("uid", uid(event, session))
    component.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    component.add("dtstart", session.start_at(event.zone))
    component.add("dtend", session.end_at(event.zone))
    component.add("sequence", sequence)
    summary = _summary(event, session, language)
    component.add("summary", summary if link else _without_link(summary, event))
    description = _description(event, language, link)
    if description:
        component.add("description", description)
    location = event.venue or link
    if location:
        component.add("location", location)
    if link:
        component.add("url", link)
    component.add("status", status)
    return component


def _summary(event: Event, session: Session, language: str) -> str:
    title = pick(event.title, language)
    session_title = pick(session.title, language)
    return f"{title} — {session_title}" if session_title else title


def _description(event: Event, language: str, link: str) -> str:
    text = pick(event.description, language)
    if not link:
        return _without_link(text, event)
    return text if link in text else "\n\n".join(part for part in (text, link) if part)


def _without_link(text: str, event: Event) -> str:
    return text.replace(event.online_link, "").strip() if event.online_link else text


def _add_people(component: VEvent, registration: Registration, *, organiser_email: str, organiser_name: str) -> None:
    component.add("organizer", vCalAddress(f"mailto:{organiser_email}", params={"CN": organiser_name}))
    attendee = vCalAddress(
        f"mailto:{registration.email}",
        params={"CN": registration.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"},
    )
    component.add("attendee", attendee)


def _finish(calendar: Calendar) -> bytes:
    """The calendar with one VTIMEZONE per zone its events use, placed before the events, serialised."""
    days: dict[str, list[date]] = {}
    for component in calendar.events:
        start = component.start
        if isinstance(start, datetime) and isinstance(start.tzinfo, ZoneInfo):
            days.setdefault(start.tzinfo.key, []).append(start.date())
    for position, (tzid, dates) in enumerate(sorted(days.items())):
        first = date(min(dates).year, 1, 1)
        last = date(max(dates).year + 1, 1, 1)
        calendar.subcomponents.insert(position, vtimezone(tzid, first, last))
    return cast(bytes, calendar.to_ical())


def _observance(moment: datetime, zone: ZoneInfo) -> Observance:
    local = moment.astimezone(zone)
    return (local.utcoffset() or timedelta(), local.dst() or timedelta(), local.tzname() or "")


def _onsets(zone: ZoneInfo, start: datetime, stop: datetime) -> list[datetime]:
    """The UTC instants between ``start`` and ``stop`` at which a new observance of ``zone`` begins."""
    onsets: list[datetime] = []
    before = start
    while before < stop:
        after = min(before + timedelta(days=1), stop)
        if _observance(after, zone) != _observance(before, zone):
            onsets.append(_onset(zone, before, after))
        before = after
    return onsets


def _onset(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second of the observance in force at ``after``, found by halving the span from ``before``."""
    low, high = int(before.timestamp()), int(after.timestamp())
    old = _observance(before, zone)
    while high - low > 1:
        middle = (low + high) // 2
        if _observance(datetime.fromtimestamp(middle, UTC), zone) == old:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def _observance_component(
    onset: datetime, observance: Observance, offset_before: timedelta
) -> TimezoneStandard | TimezoneDaylight:
    """One STANDARD or DAYLIGHT, its DTSTART being the onset's local time in the offset in force before it."""
    offset, dst, name = observance
    component = TimezoneDaylight() if dst else TimezoneStandard()
    component.add("dtstart", (onset + offset_before).replace(tzinfo=None))
    component.add("tzoffsetfrom", offset_before)
    component.add("tzoffsetto", offset)
    if name:
        component.add("tzname", name)
    return component
