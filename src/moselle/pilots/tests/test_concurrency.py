"""Bookings racing for the last units of a facility: run in threads, each with its own database connection, on
SQLite and on PostgreSQL. The facility's row lock (the immediate transaction on SQLite) makes them queue: exactly
one takes the units, the others are told how many are left."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Sum
from django.utils import timezone

from moselle.accounts.models import User
from moselle.pilots import actions
from moselle.pilots.models import Booking, Facility, Project
from moselle.pilots.tests.conftest import next_month

RACERS = 6


@pytest.mark.django_db(transaction=True)
def test_bookings_racing_for_the_last_units_never_overbook(
    advisor: User, facility: Facility, make_project: Callable[..., Project]
) -> None:
    month = next_month(timezone.localdate())
    projects = [make_project(title=f"Pilot {n}") for n in range(RACERS + 1)]
    actions.book(actor=advisor, project=projects[0], facility=facility, data={"units": 900, "starts_on": month})
    start = threading.Barrier(RACERS)
    outcomes: list[object] = []

    def race(project: Project) -> None:
        try:
            start.wait()
            outcomes.append(
                actions.book(actor=advisor, project=project, facility=facility, data={"units": 100, "starts_on": month})
            )
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(project,)) for project in projects[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [outcome for outcome in outcomes if isinstance(outcome, list)]
    lost = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert (len(won), len(lost)) == (1, RACERS - 1), outcomes
    for error in lost:
        assert list(error.message_dict) == ["units"]
        assert "Only 0 core-hours left" in error.message_dict["units"][0]
    booked = Booking.objects.filter(facility=facility, period_start=month, status=Booking.Status.BOOKED)
    assert booked.aggregate(total=Sum("units"))["total"] == 1000
    assert booked.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_capacity_lowered_while_bookings_race_is_never_exceeded(
    advisor: User, facility: Facility, make_project: Callable[..., Project]
) -> None:
    """The change of capacity takes the facility's row lock as a booking does: whichever comes second sees the
    first, so the units booked never exceed the capacity the facility ends with."""
    from moselle.pilots.tests.conftest import facility_data

    month = next_month(timezone.localdate())
    projects = [make_project(title=f"Pilot {n}") for n in range(RACERS)]
    actions.book(actor=advisor, project=projects[0], facility=facility, data={"units": 400, "starts_on": month})
    start = threading.Barrier(RACERS)
    outcomes: list[object] = []

    def lower() -> None:
        try:
            start.wait()
            actions.facility_save(actor=advisor, offer=facility.offer, data=facility_data(capacity=500))
            outcomes.append("lowered")
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    def book(project: Project) -> None:
        try:
            start.wait()
            actions.book(actor=advisor, project=project, facility=facility, data={"units": 300, "starts_on": month})
            outcomes.append("booked")
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lower)] + [
        threading.Thread(target=book, args=(project,)) for project in projects[1:]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(o, (str, ValidationError)) for o in outcomes), outcomes
    facility.refresh_from_db()
    booked = Booking.objects.filter(facility=facility, period_start=month, status=Booking.Status.BOOKED)
    total = booked.aggregate(total=Sum("units"))["total"]
    assert total <= facility.capacity, (total, facility.capacity, outcomes)
    assert outcomes.count("booked") == (total - 400) // 300
