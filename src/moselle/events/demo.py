"""The demo's events: the "L-DIH Talks" webinar series, a workshop nearly full, a tour stop of the Digital
Tour bus, a training course that is full with people waiting, and a workshop held three weeks ago whose
attendance brought the demo companies onto the timeline, into the funnel and into proposed service records;
each written through the actions (their e-mails go to the console in the demo). Registrants use example.org
addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from moselle.accounts.models import User
from moselle.events import actions
from moselle.events.models import Event, Registration, Series, Session
from moselle.journeys.demo import ADVISOR
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import Organisation

SERIES_TITLE = {"en": "L-DIH Talks", "fr": "Les conférences du L-DIH", "de": "L-DIH Talks: Vorträge"}
FIRST_NAMES = ("Ana", "Tom", "Lea", "Marc", "Sophie", "Luca", "Claire", "Jean", "Mia", "Paul", "Nora", "Yves")
LAST_NAMES = ("Lopes", "Muller", "Schmit", "Weber", "Hoffmann", "Rossi", "Thill", "Kieffer", "Wagner", "Reuter")
COMPANIES = ("Atelier Moselle", "Brasserie Nationale", "Précision Mosellane", "Boulangerie Reuter", "Logistique Sud")


@dataclass
class DemoEvents:
    events: int = 0
    registrations: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo events: already there."
        return f"Demo events: {self.events} events, {self.registrations} registrations."


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _plan(series: Series) -> list[dict[str, Any]]:
    talk = {
        "kind": "talk",
        "series": series.pk,
        "time_zone": "Europe/Luxembourg",
        "online_link": "https://meet.example.org/ldih-talks",
        "reminder_days": [7, 1],
    }
    return [
        {
            **talk,
            "title": {
                "en": "AI for small firms: where to start",
                "fr": "L'IA pour les petites entreprises : par où commencer",
                "de": "KI für kleine Unternehmen: wo anfangen",
            },
            "sessions": [{"day": _day(12), "starts": "12:00", "ends": "13:00"}],
        },
        {
            **talk,
            "title": {
                "en": "Cybersecurity basics for managers",
                "fr": "Les bases de la cybersécurité pour les dirigeants",
                "de": "Cybersicherheit: Grundlagen für Führungskräfte",
            },
            "sessions": [{"day": _day(40), "starts": "12:00", "ends": "13:00"}],
        },
        {
            "kind": "workshop",
            "title": {
                "en": "Digital twin workshop",
                "fr": "Atelier jumeau numérique",
                "de": "Workshop Digitaler Zwilling",
            },
            "description": {"en": "A day with the LIST's engineers on a digital twin of your line."},
            "venue": "Technoport, Esch-sur-Alzette",
            "capacity": 12,
            "needs_approval": False,
            "questions": [{"label": {"en": "Which production line would you like to model?"}, "required": False}],
            "sessions": [{"day": _day(20), "starts": "09:00", "ends": "17:00"}],
            "fill": 11,
        },
        {
            "kind": "tour_stop",
            "title": {
                "en": "Digital Tour: Ettelbruck",
                "fr": "Digital Tour : Ettelbruck",
                "de": "Digital Tour: Ettelbruck",
            },
            "venue": "Place de la Libération, Ettelbruck",
            "capacity": 40,
            "sessions": [{"day": _day(30), "starts": "10:00", "ends": "16:00"}],
            "fill": 8,
        },
        {
            "kind": "training",
            "title": {
                "en": "Data literacy course",
                "fr": "Formation à la culture des données",
                "de": "Datenkompetenz-Kurs",
            },
            "venue": "House of Training, Luxembourg",
            "capacity": 15,
            "sessions": [
                {"day": _day(5), "starts": "09:00", "ends": "12:30"},
                {"day": _day(6), "starts": "09:00", "ends": "12:30"},
            ],
            "fill": 15,
            "waiting": 3,
        },
    ]


def load_demo_events(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoEvents:
    """Write the demo's events and registrations once, all or nothing."""
    report = DemoEvents()
    if Series.objects.filter(title__en=SERIES_TITLE["en"]).exists():
        report.skipped = True
        return report
    advisor = User.objects.filter(email=ADVISOR).first()
    if advisor is None:
        raise RuntimeError("Load the demo people before the demo events.")
    rng = random.Random(seed)  # noqa: S311  invented demo data, not a secret
    with transaction.atomic():
        series = Series.objects.create(title=SERIES_TITLE)
        for plan in _plan(series):
            fill, waiting = plan.pop("fill", rng.randrange(3, 9)), plan.pop("waiting", 0)
            event = actions.event_create(actor=advisor, data=plan)
            event = actions.event_publish(actor=advisor, event=event)
            Event.objects.filter(pk=event.pk).update(is_demo=True)
            for n in range(fill + waiting):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                actions.register(
                    event_id=event.pk,
                    data={
                        "name": f"{first} {last}",
                        "email": f"{first}.{last}.{event.pk}.{n}@example.org".lower(),
                        "organisation_name": rng.choice(COMPANIES),
                        "language": rng.choice(("en", "fr", "de")),
                        "accept_terms": True,
                        "future_events": rng.random() < 0.4,
                    },
                )
                report.registrations += 1
            report.events += 1
        report.registrations += _held_workshop(advisor, rng)
        report.events += 1
        assert Registration.objects.filter(event__series=series).exists()
    return report


def _held_workshop(advisor: User, rng: random.Random) -> int:
    """A workshop three weeks ago: the featured company sent two people, three other demo companies one
    each, two more came from firms the registry does not know, and two who registered did not come."""
    event = actions.event_create(
        actor=advisor,
        data={
            "kind": "workshop",
            "title": {
                "en": "Cybersecurity hands-on workshop",
                "fr": "Atelier pratique de cybersécurité",
                "de": "Praxis-Workshop Cybersicherheit",
            },
            "venue": "Technoport, Esch-sur-Alzette",
            "capacity": 20,
            "sessions": [{"day": _day(2), "starts": "09:00", "ends": "13:00"}],
            "survey_questions": [{"en": "Which topic should the next workshop cover?"}],
        },
    )
    event = actions.event_publish(actor=advisor, event=event)
    Event.objects.filter(pk=event.pk).update(is_demo=True)
    others = (
        Organisation.objects.filter(is_demo=True, kind_rows__kind=Organisation.Kind.COMPANY)
        .exclude(name__in=(registry_demo.FEATURED_COMPANY, registry_demo.FEATURED_NEWCOMER))
        .order_by("name")
        .values_list("name", flat=True)[:3]
    )
    names = [registry_demo.FEATURED_COMPANY] * 2 + list(others) + ["Garage Thill", *COMPANIES[:2], COMPANIES[-1]]
    registrations = []
    for n, organisation_name in enumerate(names):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        registrations.append(
            actions.register(
                event_id=event.pk,
                data={
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}.{event.pk}.{n}@example.org".lower(),
                    "organisation_name": organisation_name,
                    "language": rng.choice(("en", "fr", "de")),
                    "accept_terms": True,
                },
            )
        )
    Session.objects.filter(event=event).update(day=timezone.localdate() - timedelta(days=21))
    for registration in registrations[:-2]:
        actions.mark_attendance(actor=advisor, registration=registration, attended=True)
    return len(registrations)
