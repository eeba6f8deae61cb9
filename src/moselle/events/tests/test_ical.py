"""The iCalendar files of ``moselle.events.ical``, parsed back with icalendar and read field by field.

Built from unsaved instances, so no test needs the database. The clock-change tests check both the wall-clock
time written for the session and the UTC instant that a client deriving it from our own VTIMEZONE gets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from moselle.events import ical
from moselle.events.models import Event, Registration, Session

LINK = "https://meet.example.org/x"
VENUE = "Technoport, Esch-sur-Alzette"
ORGANISER = {"organiser_email": "events@hub.example.lu", "organiser_name": "Luxembourg DIH"}


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = "https://hub.example.lu"


def webinar(**more: Any) -> Event:
    fields: dict[str, Any] = {
        "pk": 7,
        "kind": "webinar",
        "title": {"en": "AI for managers", "fr": "L'IA pour les dirigeants"},
        "description": {"en": "What AI can do for a small firm.", "fr": "Ce que l'IA peut faire pour une PME."},
        "time_zone": "Europe/Luxembourg",
        "venue": VENUE,
        "online_link": LINK,
        "sequence": 2,
        "status": Event.Status.PUBLISHED,
        **more,
    }
    return Event(**fields)


def session(event: Event, day: date, pk: int = 3, starts: int = 10, ends: int = 12, **more: Any) -> Session:
    return Session(pk=pk, event=event, day=day, starts=time(starts), ends=time(ends), **more)


def registration(event: Event) -> Registration:
    return Registration(pk=5, event=event, name="Ana Lopes", email="ana@example.org")


def invite(event: Event, sessions: Iterable[Session], language: str = "en") -> bytes:
    return ical.invitation(event, registration(event), list(sessions), language=language, **ORGANISER)


def cancel(event: Event, sessions: Iterable[Session], sequence: int = 3) -> bytes:
    return ical.cancellation(event, registration(event), list(sessions), language="en", sequence=sequence, **ORGANISER)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def only_event(data: bytes) -> VEvent:
    events = parse(data).events
    assert len(events) == 1
    return events[0]


def unfolded(data: bytes) -> bytes:
    """The raw text with folded lines joined again, so that a link cut at 75 octets is still found."""
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


def vtimezone_of(data: bytes, tzid: str) -> Timezone:
    matching = [zone for zone in parse(data).timezones if zone.tz_name == tzid]
    assert len(matching) == 1
    return matching[0]


def test_it_builds_the_uid_from_the_event_the_session_and_the_site_host() -> None:
    event = webinar()

    assert ical.uid(event, session(event, date(2026, 6, 15))) == "moselle-event-7-session-3@hub.example.lu"


def test_it_falls_back_to_an_invalid_host_without_a_site_url(settings: Any) -> None:
    settings.SITE_URL = ""
    event = webinar()

    assert ical.uid(event, session(event, date(2026, 6, 15))) == "moselle-event-7-session-3@moselle.invalid"


def test_it_names_the_content_type_with_its_method() -> None:
    assert ical.MIME_TYPE == "text/calendar"
    assert ical.content_type("REQUEST") == 'text/calendar; charset="utf-8"; method=REQUEST'
    assert ical.content_type("cancel") == 'text/calendar; charset="utf-8"; method=CANCEL'


def test_the_invitation_is_a_version_2_request_with_a_prodid() -> None:
    event = webinar()
    calendar = parse(invite(event, [session(event, date(2026, 6, 15))]))

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == ical.PRODID


def test_the_invitation_has_one_vevent_per_session_with_distinct_stable_uids() -> None:
    event = webinar()
    sessions = [session(event, date(2026, 6, 15)), session(event, date(2026, 6, 22), pk=4)]

    first = [component["UID"] for component in parse(invite(event, sessions)).events]
    second = [component["UID"] for component in parse(invite(event, sessions)).events]

    assert first == ["moselle-event-7-session-3@hub.example.lu", "moselle-event-7-session-4@hub.example.lu"]
    assert second == first


def test_the_cancellation_carries_the_uids_of_the_invitation() -> None:
    event = webinar()
    sessions = [session(event, date(2026, 6, 15)), session(event, date(2026, 6, 22), pk=4)]

    invited = [component["UID"] for component in parse(invite(event, sessions)).events]
    cancelled = [component["UID"] for component in parse(cancel(event, sessions)).events]

    assert cancelled == invited


def test_the_dtstamp_is_now_in_utc() -> None:
    event = webinar()
    before = datetime.now(UTC).replace(microsecond=0)

    data = invite(event, [session(event, date(2026, 6, 15))])

    stamp = only_event(data).decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= datetime.now(UTC)
    assert b"DTSTAMP:" in data
    assert unfolded(data).split(b"DTSTAMP:")[1].split(b"\r\n")[0].endswith(b"Z")


def test_the_session_is_written_in_local_time_with_the_events_tzid() -> None:
    event = webinar()

    data = invite(event, [session(event, date(2026, 6, 15))])

    component = only_event(data)
    assert component["DTSTART"].params["TZID"] == "Europe/Luxembourg"
    assert component["DTEND"].params["TZID"] == "Europe/Luxembourg"
    assert component.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 6, 15, 10)
    assert component.decoded("DTEND").replace(tzinfo=None) == datetime(2026, 6, 15, 12)
    assert b"DTSTART;TZID=Europe/Luxembourg:20260615T100000\r\n" in data
    assert b"DTEND;TZID=Europe/Luxembourg:20260615T120000\r\n" in data


def test_the_invitation_carries_the_events_sequence() -> None:
    event = webinar(sequence=4)

    assert only_event(invite(event, [session(event, date(2026, 6, 15))]))["SEQUENCE"] == 4


def test_the_summary_is_the_title_in_the_language_with_the_session_title() -> None:
    event = webinar()
    plain = session(event, date(2026, 6, 15))
    titled = session(event, date(2026, 6, 22), pk=4, title={"en": "Part two", "fr": "Deuxième partie"})

    english = [str(component["SUMMARY"]) for component in parse(invite(event, [plain, titled])).events]
    french = [str(component["SUMMARY"]) for component in parse(invite(event, [plain, titled], "fr")).events]

    assert english == ["AI for managers", "AI for managers — Part two"]
    assert french == ["L'IA pour les dirigeants", "L'IA pour les dirigeants — Deuxième partie"]


def test_the_invitation_gives_the_venue_as_location_and_the_link_as_url_and_in_the_description() -> None:
    event = webinar()

    component = only_event(invite(event, [session(event, date(2026, 6, 15))], "fr"))

    assert component["LOCATION"] == VENUE
    assert component["URL"] == LINK
    assert component["DESCRIPTION"] == f"Ce que l'IA peut faire pour une PME.\n\n{LINK}"
    assert component["STATUS"] == "CONFIRMED"


def test_the_invitation_to_an_online_only_event_gives_the_link_as_location() -> None:
    event = webinar(venue="")

    component = only_event(invite(event, [session(event, date(2026, 6, 15))]))

    assert component["LOCATION"] == LINK
    assert component["URL"] == LINK


def test_the_invitation_to_an_event_on_site_has_no_url() -> None:
    event = webinar(online_link="")

    component = only_event(invite(event, [session(event, date(2026, 6, 15))]))

    assert component["LOCATION"] == VENUE
    assert "URL" not in component
    assert component["DESCRIPTION"] == "What AI can do for a small firm."


def test_the_invitation_names_the_organiser_and_the_attendee() -> None:
    event = webinar()

    component = only_event(invite(event, [session(event, date(2026, 6, 15))]))

    organiser = component["ORGANIZER"]
    assert organiser == "mailto:events@hub.example.lu"
    assert organiser.params["CN"] == "Luxembourg DIH"
    attendee = component["ATTENDEE"]
    assert attendee == "mailto:ana@example.org"
    assert dict(attendee.params) == {
        "CN": "Ana Lopes",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "ACCEPTED",
        "RSVP": "FALSE",
    }


def test_the_cancellation_is_a_cancel_with_the_given_sequence_and_the_same_people() -> None:
    event = webinar()

    data = cancel(event, [session(event, date(2026, 6, 15))], sequence=5)

    assert parse(data)["METHOD"] == "CANCEL"
    component = only_event(data)
    assert component["STATUS"] == "CANCELLED"
    assert component["SEQUENCE"] == 5
    assert component["ORGANIZER"] == "mailto:events@hub.example.lu"
    assert component["ORGANIZER"].params["CN"] == "Luxembourg DIH"
    assert component["ATTENDEE"] == "mailto:ana@example.org"
    assert component["ATTENDEE"].params["CN"] == "Ana Lopes"
    assert component["DTSTART"].params["TZID"] == "Europe/Luxembourg"
    assert len(vtimezone_of(data, "Europe/Luxembourg").subcomponents) > 0


def test_the_cancellation_never_carries_the_online_link() -> None:
    event = webinar(venue="")

    data = cancel(event, [session(event, date(2026, 6, 15))])

    assert LINK.encode() not in unfolded(data)
    assert "LOCATION" not in only_event(data)


def test_there_is_one_vtimezone_per_tzid() -> None:
    luxembourg = webinar()
    new_york = webinar(pk=8, time_zone="America/New_York")
    sessions = [session(luxembourg, date(2026, 3, 29)), session(luxembourg, date(2026, 10, 25), pk=4)]

    invited = parse(invite(luxembourg, sessions))
    invited_in_new_york = parse(invite(new_york, [session(new_york, date(2026, 6, 15), pk=9)]))
    both = parse(
        ical.feed(
            [(luxembourg, sessions), (new_york, [session(new_york, date(2026, 6, 15), pk=9)])], name="T", language="en"
        )
    )

    assert [zone.tz_name for zone in invited.timezones] == ["Europe/Luxembourg"]
    assert [zone.tz_name for zone in invited_in_new_york.timezones] == ["America/New_York"]
    assert invited_in_new_york.events[0]["DTSTART"].params["TZID"] == "America/New_York"
    assert sorted(zone.tz_name for zone in both.timezones) == ["America/New_York", "Europe/Luxembourg"]
    assert both.get_missing_tzids() == set()


def test_the_feed_is_published_under_the_series_name_without_people() -> None:
    event = webinar()

    data = ical.feed([(event, [session(event, date(2026, 6, 15))])], name="L-DIH Talks", language="fr")

    calendar = parse(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "L-DIH Talks"
    component = only_event(data)
    assert component["UID"] == "moselle-event-7-session-3@hub.example.lu"
    assert component["SUMMARY"] == "L'IA pour les dirigeants"
    assert component["LOCATION"] == VENUE
    assert component["STATUS"] == "CONFIRMED"
    assert component["SEQUENCE"] == 2
    assert "ORGANIZER" not in component
    assert "ATTENDEE" not in component
    assert b"mailto:" not in data


def test_the_feed_never_carries_the_online_link() -> None:
    pasted = {"en": f"Join us at {LINK} on the day.", "fr": f"Rejoignez-nous sur {LINK}."}
    on_site = webinar(description=pasted)
    online_only = webinar(pk=8, venue="", title={"en": f"Online: {LINK}"})

    data = ical.feed(
        [
            (on_site, [session(on_site, date(2026, 6, 15))]),
            (online_only, [session(online_only, date(2026, 6, 16), pk=4)]),
        ],
        name="L-DIH Talks",
        language="en",
    )

    assert LINK.encode() not in data
    assert LINK.encode() not in unfolded(data)
    assert b"meet.example.org" not in unfolded(data)
    first, second = parse(data).events
    assert "URL" not in first
    assert "URL" not in second
    assert first["LOCATION"] == VENUE
    assert first["DESCRIPTION"] == "Join us at  on the day."
    assert "LOCATION" not in second


def test_a_cancelled_event_stays_in_the_feed_as_cancelled() -> None:
    published = webinar()
    cancelled = webinar(pk=8, status=Event.Status.CANCELLED, sequence=3)

    data = ical.feed(
        [
            (published, [session(published, date(2026, 6, 15))]),
            (cancelled, [session(cancelled, date(2026, 6, 16), pk=4)]),
        ],
        name="L-DIH Talks",
        language="en",
    )

    statuses = {str(component["UID"]): (component["STATUS"], component["SEQUENCE"]) for component in parse(data).events}
    assert statuses == {
        "moselle-event-7-session-3@hub.example.lu": ("CONFIRMED", 2),
        "moselle-event-8-session-4@hub.example.lu": ("CANCELLED", 3),
    }


def test_a_session_on_the_spring_clock_change_keeps_its_local_time_and_is_at_8_utc() -> None:
    event = webinar()

    data = invite(event, [session(event, date(2026, 3, 29))])

    component = only_event(data)
    assert b"DTSTART;TZID=Europe/Luxembourg:20260329T100000\r\n" in data
    assert b"DTEND;TZID=Europe/Luxembourg:20260329T120000\r\n" in data
    assert component.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 29, 8, tzinfo=UTC)
    assert component.decoded("DTEND").astimezone(UTC) == datetime(2026, 3, 29, 10, tzinfo=UTC)
    own_zone = vtimezone_of(data, "Europe/Luxembourg").to_tz(lookup_tzid=False)
    assert datetime(2026, 3, 29, 10, tzinfo=own_zone).astimezone(UTC) == datetime(2026, 3, 29, 8, tzinfo=UTC)


def test_a_session_on_the_autumn_clock_change_is_at_9_utc() -> None:
    event = webinar()

    data = invite(event, [session(event, date(2026, 10, 25))])

    component = only_event(data)
    assert b"DTSTART;TZID=Europe/Luxembourg:20261025T100000\r\n" in data
    assert component.decoded("DTSTART").astimezone(UTC) == datetime(2026, 10, 25, 9, tzinfo=UTC)
    own_zone = vtimezone_of(data, "Europe/Luxembourg").to_tz(lookup_tzid=False)
    assert datetime(2026, 10, 25, 10, tzinfo=own_zone).astimezone(UTC) == datetime(2026, 10, 25, 9, tzinfo=UTC)


def test_the_vtimezone_has_standard_and_daylight_with_the_onsets_of_rfc_5545() -> None:
    event = webinar()

    data = invite(event, [session(event, date(2026, 3, 29)), session(event, date(2026, 10, 25), pk=4)])

    zone = vtimezone_of(data, "Europe/Luxembourg")
    daylight = [(sub.DTSTART, sub.TZOFFSETFROM, sub.TZOFFSETTO, sub["TZNAME"]) for sub in zone.daylight]
    standard = [(sub.DTSTART, sub.TZOFFSETFROM, sub.TZOFFSETTO, sub["TZNAME"]) for sub in zone.standard]
    hour = timedelta(hours=1)
    assert daylight == [(datetime(2026, 3, 29, 2), hour, 2 * hour, "CEST")]
    assert standard == [
        (datetime(2026, 1, 1), hour, hour, "CET"),
        (datetime(2026, 10, 25, 3), 2 * hour, hour, "CET"),
    ]
    transitions, _observances = zone.get_transitions()
    assert datetime(2026, 3, 29, 1) in transitions
    assert datetime(2026, 10, 25, 1) in transitions


def test_the_vtimezone_resolves_every_instant_around_the_clock_changes_as_zoneinfo_does() -> None:
    event = webinar()
    data = invite(event, [session(event, date(2026, 3, 29)), session(event, date(2026, 10, 25), pk=4)])
    own_zone = vtimezone_of(data, "Europe/Luxembourg").to_tz(lookup_tzid=False)
    luxembourg = ZoneInfo("Europe/Luxembourg")

    for start in (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 10, 24, 23, tzinfo=UTC)):
        for quarter in range(16):
            instant = start + timedelta(minutes=15 * quarter)
            assert instant.astimezone(own_zone).utcoffset() == instant.astimezone(luxembourg).utcoffset(), instant


def test_the_new_york_vtimezone_changes_at_2_local_time() -> None:
    event = webinar(time_zone="America/New_York")

    data = invite(event, [session(event, date(2026, 3, 8)), session(event, date(2026, 11, 1), pk=4)])

    zone = vtimezone_of(data, "America/New_York")
    assert [(sub.DTSTART, sub["TZNAME"]) for sub in zone.daylight] == [(datetime(2026, 3, 8, 2), "EDT")]
    assert [sub.DTSTART for sub in zone.standard] == [datetime(2026, 1, 1), datetime(2026, 11, 1, 2)]
    starts = [component.decoded("DTSTART").astimezone(UTC) for component in parse(data).events]
    assert starts == [datetime(2026, 3, 8, 14, tzinfo=UTC), datetime(2026, 11, 1, 15, tzinfo=UTC)]
