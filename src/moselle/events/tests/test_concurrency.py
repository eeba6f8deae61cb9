"""Registrations racing for the last seat: run in threads, each with its own database connection, on SQLite
and on PostgreSQL. The lock on the event's row makes them queue; without it two would take the seat."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from moselle.events import actions
from moselle.events.models import Event, Registration
from moselle.events.tests.conftest import person

RACERS = 6


@pytest.mark.django_db(transaction=True)
def test_registrations_racing_for_the_last_seat_never_overbook(make_event: Callable[..., Event]) -> None:
    event = make_event(capacity=2)
    actions.register(event_id=event.pk, data=person(0))  # one seat left
    start = threading.Barrier(RACERS)
    outcomes: list[object] = []

    def race(n: int) -> None:
        try:
            start.wait()
            outcomes.append(actions.register(event_id=event.pk, data=person(n)).status)
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(1, RACERS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [Registration.Status.CONFIRMED] + [Registration.Status.WAITING] * (RACERS - 1)
    assert sorted(map(str, outcomes)) == sorted(expected)
    assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == 2
