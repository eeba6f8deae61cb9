"""The reporting dashboard at scale: 100,000 organisations and 1,000,000 service records in PostgreSQL.

Usage (from the repository root)::

    .venv/bin/python benchmarks/reporting_dashboard.py               # the issue's volumes
    .venv/bin/python benchmarks/reporting_dashboard.py --scale 0.05  # a twentieth of every table, for a quick look
    .venv/bin/python benchmarks/reporting_dashboard.py --explain     # and the plans of the slowest queries

A database of its own is created on the PostgreSQL server of ``MOSELLE_BENCH_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``, the server's maintenance database), migrated, seeded with
the hub (``hub_seed``) and the taxonomy, then loaded with COPY (psycopg's ``cursor.copy``): organisations of the
Greater Region and beyond (countries, NUTS regions, size classes, a NACE primary sector, 1 % demo ones) and
their kinds, 50 partners, cases and their stage moves, submitted T0 and T1 assessments with their results,
referrals (most done and rated), grants, and service records over three years (2023-2025) in the four EDIH
categories, most of them counted, some proposed or rejected. The work runs in a child process pointed at that
database (``DATABASE_URL``), so that the parent drops the database whatever happens to the child; ``make
bench`` (run.py) calls ``measure()``; with no PostgreSQL to reach, it says so and skips.

Printed, never asserted: the load time per table and in all (FAIL above 5 minutes), then, after VACUUM
ANALYZE, the dashboard of 2024 as its page reads it (``reporting.dashboard``: the figures, the services per
month, the partner list), with the production cache (the database's cache table): the first read, which computes
the figures; five warm runs, read from the cache under the figures' version, and their median (FAIL above 1 s);
their query count; the read after a committed change to one record, which computes them again. Then one
computation (``queries.dashboard``) taken apart: its query count and where the time goes (each part's wall time,
the time its queries took in the database, the rows they send back); the observers' view (suppressed on every
read) and the suppression alone; the dashboard narrowed to one partner and one category, computed and then
warm. The machine's load average is printed beside the times: other work on it slows every figure down.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

SERVER = os.environ.get("MOSELLE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SEED = 11  # any fixed seed gives the same rows on every machine

ORGANISATIONS = 100_000
RECORDS = 1_000_000
CASES = 30_000
PAIRS = 5_000  # organisations with a submitted T0 and T1
GRANTS = 50_000
REFERRALS = 5_000
PARTNERS = 50
DEMO_SHARE = 0.01

FIRST_DAY, LAST_DAY = date(2023, 1, 1), date(2025, 12, 31)
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))  # the year the dashboard is read for
WARM_RUNS = 5
LOAD_BUDGET_S = 300.0
DASHBOARD_BUDGET_S = 1.0
EXPLAIN_OVER_MS = 50.0  # --explain shows the plans of the queries slower than this

Row = tuple[object, ...]
CENT, HUNDRED = Decimal("0.01"), Decimal(100)
T = TypeVar("T")

# --- Where organisations are: country (weight), its NUTS 2 regions with a town in each -------------------------

PLACES: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {
    "LU": (45, (("LU00", "Luxembourg"), ("LU00", "Esch-sur-Alzette"), ("LU00", "Differdange"), ("LU00", "Ettelbruck"))),
    "FR": (
        18,
        (("FRF3", "Metz"), ("FRF3", "Thionville"), ("FRF3", "Nancy"), ("FRF1", "Strasbourg"), ("FR10", "Paris")),
    ),
    "DE": (14, (("DEC0", "Saarbrücken"), ("DEB2", "Trier"), ("DEB3", "Mainz"), ("DE71", "Frankfurt am Main"))),
    "BE": (13, (("BE34", "Arlon"), ("BE33", "Liège"), ("BE10", "Bruxelles"), ("BE21", "Antwerpen"))),
    "NL": (4, (("NL42", "Maastricht"), ("NL32", "Amsterdam"))),
    "IT": (2, (("ITC4", "Milano"),)),
    "ES": (1, (("ES30", "Madrid"),)),
    "PL": (1, (("PL91", "Warszawa"),)),
    "AT": (1, (("AT13", "Wien"),)),
    "PT": (1, (("PT17", "Lisboa"),)),
}
NO_REGION_SHARE = 0.15  # organisations whose NUTS region is not known: the country stands in
SIZE_CLASSES = {"micro": 45, "small": 25, "medium": 12, "small_midcap": 4, "large": 4, "unknown": 5, "": 5}
NAME_WORDS = (
    "Atelier", "Moselle", "Nord", "Sud", "Digital", "Precision", "Alzette", "Sûre", "Minett", "Ardennes", "Saar",
    "Lorraine", "Data", "Cloud", "Robotics", "Métal", "Bois", "Logistique", "Transports", "Boulangerie", "Pharma",
    "Agri", "Solaire", "Textile", "Print", "Médical", "Conseil", "Bau", "Technik",
)  # fmt: skip
LEGAL_FORMS = {"LU": "S.à r.l.", "FR": "SAS", "DE": "GmbH", "BE": "SRL", "NL": "B.V."}
PARTNER_KINDS = ("technology_provider", "trainer", "consultant", "test_facility", "research_organisation")

# --- What the hub delivers ---------------------------------------------------------------------------------

CATEGORIES = {
    "ecosystem_and_networking": 40,
    "skills_and_training": 30,
    "test_before_invest": 20,
    "support_to_find_investments": 10,
}
DESCRIPTIONS = {
    "ecosystem_and_networking": ("Digital breakfast", "Matchmaking day", "Cross-border study visit", "AI meetup"),
    "skills_and_training": ("Cybersecurity basics", "Data literacy course", "Low-code workshop", "AI for managers"),
    "test_before_invest": ("Computer vision pilot", "Digital twin test", "Cloud migration proof of concept"),
    "support_to_find_investments": ("Funding check", "Investor readiness coaching", "Grant application support"),
}
# Status of a record: mostly counted (ongoing, finalised, invoiced), some proposed by a partner or rejected.
STATUSES = {"proposed": 10, "rejected": 4, "ongoing": 16, "finalised": 40, "invoiced": 30}


# --- Orchestration: a database of its own, dropped whatever happens ------------------------------------------


def _server_url(database: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def _maintenance(statement: Any) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True, connect_timeout=5) as server:
        server.execute(statement)


def measure(*, scale: float = 1.0, explain: bool = False) -> None:
    """Create the benchmark's database, run the benchmark in a child process against it, drop it."""
    import psycopg
    from psycopg import sql

    name = f"moselle_bench_reporting_{os.getpid()}"
    try:
        _maintenance(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        print(f"reporting dashboard: skipped, no PostgreSQL at {SERVER} ({str(error).strip()})")
        return
    scratch = tempfile.mkdtemp(prefix="moselle-reporting-bench-")
    env = os.environ | {
        "DATABASE_URL": _server_url(name),
        "DJANGO_SETTINGS_MODULE": "moselle.settings",
        "MOSELLE_VAR_DIR": scratch,
        "MOSELLE_DEMO": "0",  # demo organisations are left out of the figures, as on a real instance
        "MOSELLE_TASK_BACKEND": "immediate",
        "MOSELLE_TESTING": "1",
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--in-database", name, "--scale", str(scale)]
    if explain:
        command.append("--explain")
    sys.stdout.flush()
    try:
        finished = subprocess.run(command, env=env, check=False)  # noqa: S603  our own script, our own arguments
        if finished.returncode:
            print(f"reporting dashboard: FAIL, the benchmark stopped with exit status {finished.returncode}")
    finally:
        _maintenance(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        shutil.rmtree(scratch, ignore_errors=True)


# --- The rows ---------------------------------------------------------------------------------------------


@dataclass
class World:
    """What the tables loaded so far hold that the next ones point at."""

    rng: random.Random
    scale: float
    moments: dict[date, datetime]  # 9:00 in the hub's time zone, for every day a row may be dated
    nace: list[int] = field(default_factory=list)  # primary sectors to draw from (NACE classes and divisions)
    organisations: list[int] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)  # companies and public bodies, partners left out
    public_bodies: set[int] = field(default_factory=set)
    services: dict[str, list[int]] = field(default_factory=dict)  # hub services by EDIH category
    regulations: dict[str, int] = field(default_factory=dict)
    cases: list[int] = field(default_factory=list)
    grants: list[tuple[int, int, Decimal, date, str]] = field(default_factory=list)  # id, beneficiary, aid, day, basis
    delivered: list[tuple[int, int, int, date]] = field(default_factory=list)  # referral, company, partner, day done

    def count(self, full: int) -> int:
        return max(1, round(full * self.scale))

    def day(self, start: date = FIRST_DAY, end: date = LAST_DAY) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def at(self, day: date) -> datetime:
        return self.moments[day] + timedelta(minutes=self.rng.randrange(8 * 60))

    def customer(self) -> int:
        """A customer, the regulars far more often than the rest (a square law: the first tenth get a third)."""
        return self.customers[int(len(self.customers) * self.rng.random() ** 2)]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    (chosen,) = rng.choices(list(weights), weights=list(weights.values()))
    return chosen


def _next_ids(model: Any) -> Iterator[int]:
    """Ids after the highest one in the table (the hub's seed wrote some rows already). Read before the COPY
    that writes them starts: the connection serves nothing else while a COPY runs."""
    from django.db.models import Max

    return itertools.count((model.objects.aggregate(top=Max("id"))["top"] or 0) + 1)


def _organisations(world: World, ids: Iterator[int]) -> Iterator[Row]:
    from moselle.organisations.models import search_key

    rng = world.rng
    countries = {country: weight for country, (weight, _places) in PLACES.items()}
    total = world.count(ORGANISATIONS)
    for number in range(total):
        pk = next(ids)
        world.organisations.append(pk)
        partner = number < PARTNERS
        country = _pick(rng, countries)
        region, locality = rng.choice(PLACES[country][1])
        if rng.random() < NO_REGION_SHARE:
            region = ""
        words = rng.sample(NAME_WORDS, 2)
        if partner:
            name = f"{words[0]} {words[1]} Competence Centre {number + 1}"
            demo = number >= PARTNERS - 2  # two demo partners: their deliveries never count
            world.partners.append(pk)
        else:
            name = f"{words[0]} {words[1]} {pk} {LEGAL_FORMS.get(country, '')}".strip()
            demo = rng.random() < DEMO_SHARE
            world.customers.append(pk)
        public = not partner and rng.random() < 0.03
        if public:
            name = f"Commune de {locality} {pk}"
            world.public_bodies.add(pk)
        trade = " ".join(words) if rng.random() < 0.3 else ""
        size = "" if public else _pick(rng, SIZE_CLASSES)
        nace = rng.choice(world.nace) if rng.random() < 0.9 else None
        created = world.at(world.day(date(2022, 1, 1), LAST_DAY))
        yield (
            pk, name, trade, country, region, f"{rng.randint(1, 120)} rue du Parc", str(rng.randint(1000, 9999)),
            locality, "", f"https://org{pk}.example" if rng.random() < 0.6 else "", '["en"]', "",
            f"B{100000 + pk}" if country == "LU" else "", f"{country}{10_000_000 + pk}" if rng.random() < 0.7 else "",
            "", "", "", nace, size, "import" if rng.random() < 0.4 else "manual", "", "", "", True, False, demo,
            created, created, search_key(name, trade, locality),
        )  # fmt: skip


ORGANISATION_COLUMNS = (
    "id", "name", "trade_name", "country", "region", "street", "postcode", "locality", "address", "website",
    "working_languages", "description", "register_id", "vat", "pic", "ec_customer_id", "ec_dma_id",
    "primary_nace_id", "size_class", "source", "catalogue_ref", "catalogue_kind", "catalogue_title",
    "catalogue_listed", "is_historical", "is_demo", "created_at", "updated_at", "search_text",
)  # fmt: skip


def _kinds(world: World, ids: Iterator[int]) -> Iterator[Row]:
    for number, pk in enumerate(world.partners):
        yield next(ids), pk, "consortium_partner"
        yield next(ids), pk, PARTNER_KINDS[number % len(PARTNER_KINDS)]
    for pk in world.customers:
        if pk in world.public_bodies:
            yield next(ids), pk, "public_body"
        else:
            yield next(ids), pk, "company"
            if world.rng.random() < 0.02:  # a company that also trains others
                yield next(ids), pk, "trainer"


def _cases_and_moves(world: World) -> tuple[list[Row], list[Row]]:
    """Cases opened over the three years; half are inspired later, a third of those engaged, a few fall back."""
    from moselle.journeys.models import Case, StageMove

    rng = world.rng
    case_ids, move_ids = _next_ids(Case), _next_ids(StageMove)
    cases: list[Row] = []
    moves: list[Row] = []
    for _ in range(world.count(CASES)):
        pk = next(case_ids)
        world.cases.append(pk)
        triage = rng.random() < 0.02  # a request nobody has taken yet: no organisation
        organisation = None if triage else world.customer()
        opened = world.at(world.day(FIRST_DAY, date(2025, 9, 30)))
        steps = [("", "inform", opened)]
        if not triage and rng.random() < 0.5:
            steps.append(("inform", "inspire", steps[-1][2] + timedelta(days=rng.randint(1, 90))))
            if rng.random() < 0.35:
                steps.append(("inspire", "engage", steps[-1][2] + timedelta(days=rng.randint(1, 120))))
                if rng.random() < 0.05:
                    steps.append(("engage", "inspire", steps[-1][2] + timedelta(days=rng.randint(1, 60))))
        for from_stage, to_stage, at in steps:
            moves.append((next(move_ids), pk, from_stage, to_stage, "", at))
        closed = not triage and rng.random() < 0.4
        last = steps[-1][2]
        status = "triage" if triage else "closed" if closed else "open"
        categories = json.dumps([_pick(rng, CATEGORIES)])
        cases.append(
            (
                pk, organisation, f"Digitalisation project {pk}", status, steps[-1][1], last,
                rng.choice(["request", "advisor", "event"]), categories, "", "completed" if closed else "",
                "", last + timedelta(days=30) if closed else None, opened, last,
            )
        )  # fmt: skip
    return cases, moves


CASE_COLUMNS = (
    "id", "organisation_id", "title", "status", "stage", "stage_changed_at", "origin", "categories", "next_step",
    "close_reason", "close_note", "closed_at", "created_at", "updated_at",
)  # fmt: skip
KIND_COLUMNS = ("id", "organisation_id", "kind")
MOVE_COLUMNS = ("id", "case_id", "from_stage", "to_stage", "reason", "at")


def _assessments_and_results(world: World) -> tuple[list[Row], list[Row]]:
    """Submitted T0 and T1 of one organisation each, the T1 a few months to a year and a half later; a few are
    re-scored under a second rule, a few T0 were taken with an older questionnaire (not comparable)."""
    from moselle.assessments import questionnaires, scoring
    from moselle.assessments.models import Assessment, Result

    rng = world.rng
    versions = {kind: questionnaires.current(kind) for kind in ("sme", "pso")}
    assessment_ids, result_ids = _next_ids(Assessment), _next_ids(Result)
    assessments: list[Row] = []
    results: list[Row] = []
    for organisation in rng.sample(world.customers, min(world.count(PAIRS), len(world.customers))):
        kind = "pso" if organisation in world.public_bodies else "sme"
        questionnaire = versions[kind]
        keys = [dimension.key for dimension in questionnaire.dimensions]
        rules = ["A/exclude", "B/exclude"] if rng.random() < 0.05 else ["A/exclude"]
        before = {key: Decimal(rng.randint(1000, 7000)) / 100 for key in keys}
        taken = world.day(FIRST_DAY, date(2024, 12, 31))
        later = min(LAST_DAY, taken + timedelta(days=rng.randint(90, 540)))
        after = {key: value + Decimal(rng.randint(0, 1500)) / 100 for key, value in before.items()}
        for stage, day, scores in (("T0", taken, before), ("T1", later, after)):
            version = "2024.1" if stage == "T0" and rng.random() < 0.02 else questionnaire.version
            submitted = world.at(day)
            pk = next(assessment_ids)
            taken_on = None if stage == "T1" and rng.random() < 0.05 else day
            assessments.append(
                (pk, organisation, kind, version, stage, "submitted", "advisor", "{}", "{}", submitted, submitted,
                 submitted, taken_on)
            )  # fmt: skip
            for position, rule in enumerate(rules):  # a re-scoring moves every score by two points
                dimensions = {key: min(HUNDRED, value + 2 * position).quantize(CENT) for key, value in scores.items()}
                overall = (sum(dimensions.values(), Decimal(0)) / len(dimensions)).quantize(CENT)
                results.append(
                    (next(result_ids), pk, organisation, kind, version, stage, rule,
                     json.dumps({key: str(value) for key, value in dimensions.items()}), overall,
                     scoring.band(overall), submitted + timedelta(days=position * 30))
                )  # fmt: skip
    return assessments, results


ASSESSMENT_COLUMNS = (
    "id", "organisation_id", "questionnaire_type", "questionnaire_version", "stage", "status", "mode", "customer",
    "answers", "created_at", "updated_at", "submitted_at", "taken_on",
)  # fmt: skip
RESULT_COLUMNS = (
    "id", "assessment_id", "organisation_id", "questionnaire_type", "questionnaire_version", "stage", "rule",
    "dimensions", "overall", "band", "created_at",
)  # fmt: skip


def _referrals(world: World, ids: Iterator[int]) -> Iterator[Row]:
    """Companies referred to a partner: most done and rated by the company; half of the done ones led to a
    service record (which then carries the rating, or not)."""
    rng = world.rng
    statuses = {"done": 60, "in_progress": 20, "accepted": 10, "declined": 10}
    for _ in range(world.count(REFERRALS)):
        pk = next(ids)
        company, partner = world.customer(), rng.choice(world.partners[:-2])
        proposed = world.at(world.day(FIRST_DAY, date(2025, 10, 31)))
        status = _pick(rng, statuses)
        changed = proposed + timedelta(days=rng.randint(5, 60))
        rated = status == "done" and rng.random() < 0.7
        if status == "done" and rng.random() < 0.5:
            world.delivered.append((pk, company, partner, min(LAST_DAY, changed.date())))
        yield (
            pk, company, partner, status, "Please help with a first pilot", "[]",
            "No capacity this quarter" if status == "declined" else "", "Pilot delivered" if status == "done" else "",
            rng.choices((2, 3, 4, 5), weights=(1, 3, 8, 6))[0] if rated else None, "{}", proposed, changed,
        )  # fmt: skip


REFERRAL_COLUMNS = (
    "id", "organisation_id", "recipient_id", "status", "note", "shared", "decline_reason", "outcome", "satisfaction",
    "service_record_draft", "created_at", "updated_at",
)  # fmt: skip


def _grants(world: World, ids: Iterator[int]) -> Iterator[Row]:
    """De minimis aid under the regulation in force on the day (GBER for a tenth); 3 % cancelled."""
    rng = world.rng
    for number in range(world.count(GRANTS)):
        pk = next(ids)
        organisation = world.customer()
        amount = Decimal(rng.randrange(500, 20_000, 50))
        day = world.day()
        basis = "gber" if rng.random() < 0.1 else "de_minimis"
        regulation = None
        if basis == "de_minimis":
            regulation = world.regulations["2023/2831" if day.year >= 2024 else "1407/2013"]
        world.grants.append((pk, organisation, amount, day, basis))
        cancelled = rng.random() < 0.03
        yield (
            pk, organisation, f"LDIH-{day.year}-{number + 1:06d}", amount, day, basis, regulation,
            "28" if basis == "gber" else "", "Test before invest support", rng.choice(["manual", "referral", "pilot"]),
            "", json.dumps([organisation]), Decimal(rng.randrange(0, 100_000, 100)),
            "cancelled" if cancelled else "granted", "Withdrawn by the company" if cancelled else "",
            world.at(day),
        )  # fmt: skip


GRANT_COLUMNS = (
    "id", "organisation_id", "number", "amount", "granted_on", "basis", "regulation_id", "gber_article",
    "description", "source", "source_ref", "undertaking", "counted_before", "status", "cancel_reason", "recorded_at",
)  # fmt: skip


def _service_records(world: World, ids: Iterator[int]) -> Iterator[Row]:
    """Records over the three years; one in twenty carries a grant (its beneficiary, its aid, from its day), and
    the record after it a referral done, if any is left (its company, its partner, from its day)."""
    rng = world.rng
    total = world.count(RECORDS)
    every = max(1, total // max(1, len(world.grants)))
    category_names, category_weights = list(CATEGORIES), list(CATEGORIES.values())
    status_names, status_weights = list(STATUSES), list(STATUSES.values())
    partner_weights = [1 / (rank + 1) for rank in range(len(world.partners))]
    zero = Decimal("0.00")
    for number in range(total):
        pk = next(ids)
        grant_id: int | None = None
        referral: int | None = None
        partner: int | None = None
        (category,) = rng.choices(category_names, weights=category_weights)
        aid, basis = zero, "none"
        if number % every == 0 and number // every < len(world.grants):
            grant_id, customer, aid, granted_on, basis = world.grants[number // every]
            category = "test_before_invest"
            started = min(LAST_DAY, granted_on + timedelta(days=rng.randint(0, 30)))
        elif number % every == 1 and number // every < len(world.delivered):
            referral, customer, partner, started = world.delivered[number // every]
        else:
            customer, started = world.customer(), world.day()
            if rng.random() < 0.4:
                (partner,) = rng.choices(world.partners, weights=partner_weights)
        if grant_id is not None:
            price = aid + Decimal(rng.randrange(0, 10_000, 50))
        else:
            event = category == "ecosystem_and_networking" and rng.random() < 0.6
            price = zero if event else Decimal(rng.randrange(200, 30_000, 50))
            if price and rng.random() < 0.25:
                aid, basis = (price / 2).quantize(CENT), "de_minimis" if rng.random() < 0.85 else "gber"
        services = world.services[category]
        hub_service = rng.choice(services) if services and rng.random() < 0.8 else None
        ended = None if rng.random() < 0.15 else started + timedelta(days=rng.randint(0, 120))
        (status,) = rng.choices(status_names, weights=status_weights)
        invoiced = zero if status != "invoiced" else price - aid
        attendees = rng.randint(5, 80) if category == "ecosystem_and_networking" else 1
        satisfaction = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 6, 14, 12))[0] if rng.random() < 0.35 else None
        case = rng.choice(world.cases) if world.cases and rng.random() < 0.03 else None
        created = world.moments[started]
        yield (
            pk, customer, category, hub_service, rng.choice(DESCRIPTIONS[category]), partner, started, ended,
            attendees, price, invoiced, aid, basis, "", grant_id, status,
            "Not delivered by the hub" if status == "rejected" else "", satisfaction,
            "referral" if referral else "import" if rng.random() < 0.2 else "manual", case, referral, "", created,
            created,
        )  # fmt: skip


RECORD_COLUMNS = (
    "id", "customer_id", "category", "hub_service_id", "description", "partner_id", "started_on", "ended_on",
    "attendees", "price", "invoiced", "aid", "aid_basis", "aid_info", "grant_id", "status", "reject_reason",
    "satisfaction", "source", "case_id", "referral_id", "source_ref", "created_at", "updated_at",
)  # fmt: skip


# --- Loading ----------------------------------------------------------------------------------------------


def _check_columns(model: Any, columns: Sequence[str]) -> None:
    """Every column that may not be NULL and has no default in the database must be written."""
    from django.db.models import NOT_PROVIDED

    required = {
        f.column
        for f in model._meta.concrete_fields
        if not f.null and getattr(f, "db_default", NOT_PROVIDED) is NOT_PROVIDED
    }
    missing = required - set(columns)
    if missing:
        raise SystemExit(f"{model._meta.db_table}: the benchmark writes no {', '.join(sorted(missing))}")


def copy(model: Any, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """COPY the rows into the model's table (psycopg's ``cursor.copy``); the number of rows."""
    from django.db import connection
    from psycopg import sql

    _check_columns(model, columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row(row)
            count += 1
    with connection.cursor() as cursor:  # the identity goes on after the ids written by hand
        cursor.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {}))").format(
                sql.Identifier(model._meta.db_table)
            ),
            [model._meta.db_table],
        )
    return count


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = work()
    return value, time.perf_counter() - start


def prepare(scale: float) -> World:
    """Migrate, seed the hub and the taxonomy, load every table with COPY; print the times."""
    from django.core.management import call_command
    from django.utils import timezone

    from moselle.assessments.models import Assessment, Result
    from moselle.core.models import NaceCode
    from moselle.core.taxonomy import seed_taxonomy
    from moselle.journeys.models import Case, Referral, StageMove
    from moselle.organisations.actions import hub_seed
    from moselle.organisations.models import HubService, Organisation, OrganisationKind
    from moselle.reporting.models import Grant, Regulation, ServiceRecord

    with open(os.devnull, "w") as quiet:
        _none, migrated = _timed(lambda: call_command("migrate", verbosity=0, stdout=quiet))
    _done, seeded = _timed(lambda: (hub_seed(), seed_taxonomy()))
    print(f"  migrate {migrated:.1f} s, hub and taxonomy seeded {seeded:.1f} s")

    days = (date(2022, 1, 1) + timedelta(days=n) for n in range((LAST_DAY - date(2022, 1, 1)).days + 1))
    moments = {day: timezone.make_aware(datetime.combine(day, clock(9))) for day in days}
    world = World(rng=random.Random(SEED), scale=scale, moments=moments)  # noqa: S311  benchmark data
    world.nace = list(NaceCode.objects.filter(level__in=(2, 4)).values_list("id", flat=True))
    for service in HubService.objects.all():
        world.services.setdefault(service.category, []).append(service.pk)
    for category in CATEGORIES:
        world.services.setdefault(category, [])
    world.regulations = dict(Regulation.objects.values_list("code", "id"))

    ids = _next_ids
    made: dict[str, list[Row]] = {}  # rows of two tables made together, the second copied after the first

    def cases() -> int:
        made["cases"], made["moves"] = _cases_and_moves(world)
        return copy(Case, CASE_COLUMNS, made["cases"])

    def assessments() -> int:
        made["assessments"], made["results"] = _assessments_and_results(world)
        return copy(Assessment, ASSESSMENT_COLUMNS, made["assessments"])

    steps: list[tuple[str, Callable[[], int]]] = [
        ("organisations", lambda: copy(Organisation, ORGANISATION_COLUMNS, _organisations(world, ids(Organisation)))),
        ("organisation kinds", lambda: copy(OrganisationKind, KIND_COLUMNS, _kinds(world, ids(OrganisationKind)))),
        ("cases", cases),
        ("stage moves", lambda: copy(StageMove, MOVE_COLUMNS, made["moves"])),
        ("assessments (T0 and T1)", assessments),
        ("results", lambda: copy(Result, RESULT_COLUMNS, made["results"])),
        ("referrals", lambda: copy(Referral, REFERRAL_COLUMNS, _referrals(world, ids(Referral)))),
        ("grants", lambda: copy(Grant, GRANT_COLUMNS, _grants(world, ids(Grant)))),
        ("service records", lambda: copy(ServiceRecord, RECORD_COLUMNS, _service_records(world, ids(ServiceRecord)))),
    ]
    total = 0.0
    for name, step in steps:
        rows, elapsed = _timed(step)
        total += elapsed
        print(f"  {name:<26} {rows:>10,} rows {elapsed:7.1f} s {rows / elapsed:>10,.0f} rows/s  (made and copied)")
    verdict = "ok" if total <= LOAD_BUDGET_S else "FAIL"
    print(f"  {'load in all':<26} {'':>15} {total:7.1f} s   budget {LOAD_BUDGET_S:.0f} s: {verdict}")
    return world


# --- Measuring the dashboard ----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 0.01 else f"{seconds * 1000:,.0f} ms"


def _runs(work: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        _value, elapsed = _timed(work)
        times.append(elapsed)
    return times


def _line(label: str, times: Sequence[float]) -> str:
    each = ", ".join(f"{t * 1000:,.0f}" for t in times)
    return f"  {label:<34} median {_ms(statistics.median(times)):>9}   (runs: {each} ms)"


def _sql_seconds(captured: Any) -> float:
    return sum(float(query["time"]) for query in captured.captured_queries)


# The production cache: the database's cache table (the test settings would give a per-process memory cache).
DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "moselle_cache"}}


def dashboard_figures(world: World, *, explain: bool) -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)  # what migrate creates outside the test settings
        _dashboard_figures(world, explain=explain)


def _dashboard_figures(world: World, *, explain: bool) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from moselle.reporting import dashboard, freshness, queries
    from moselle.reporting.kpis import NO_FILTERS, Filters, Period
    from moselle.reporting.models import ServiceRecord
    from moselle.reporting.suppression import suppress_dashboard
    from moselle.reporting.views_dashboard import _partners

    period = Period(*PERIOD)
    filters = Filters(partner_id=world.partners[0], category="test_before_invest")

    def page(chosen: Filters = NO_FILTERS, *, observer: bool = False) -> object:
        """What the dashboard page reads: its figures, the services per month and the partner list."""
        return (
            dashboard.board(period, chosen, observer=observer),
            dashboard.monthly(period, chosen, observer=observer),
            _partners(),
        )

    cache.clear()
    print(
        f"dashboard of {period}: what the page reads (board, monthly, partners), kept under the figures' version"
        + _machine()
    )
    _board, first = _timed(page)
    warm = _runs(page, WARM_RUNS)
    median = statistics.median(warm)
    verdict = "ok" if median <= DASHBOARD_BUDGET_S else "FAIL"
    print(f"  {'computed (first read, cache empty)':<34} {_ms(first):>16}")
    print(_line(f"{WARM_RUNS} warm runs (from the cache)", warm) + f"   budget {DASHBOARD_BUDGET_S:g} s: {verdict}")
    with CaptureQueriesContext(connection) as captured:
        page()
    warm_queries = len(captured.captured_queries)
    print(f"  {'queries of a warm run':<34} {warm_queries:>16}   (for each of the three: the version, the entry)")
    changed = ServiceRecord.objects.order_by("id").values_list("id", flat=True).first()
    before = freshness.version()
    ServiceRecord.objects.filter(pk=changed).update(attendees=F("attendees") + 1)  # committed: autocommit
    _value, recomputed = _timed(page)
    print(
        f"  {'after a change (one record)':<34} {_ms(recomputed):>16}   "
        f"(version {before} -> {freshness.version()}: computed again, then kept)"
    )

    with CaptureQueriesContext(connection) as captured:
        board = queries.dashboard(period)
    print(
        f"  {'queries of a computation':<34} {len(captured.captured_queries):>16}   "
        f"({_ms(_sql_seconds(captured))} of them in the database, cursor execute and fetch)"
    )
    print(
        f"  customers {board.customers.total:,}, services {board.services.total:,}, "
        f"funnel {board.funnel.informed:,}/{board.funnel.inspired:,}/{board.funnel.engaged:,}, "
        f"maturity pairs {board.maturity.organisations:,}, grants {board.aid.grants:,}"
    )

    parts: list[tuple[str, Callable[[], object]]] = [
        ("funnel", lambda: queries.funnel(period)),
        ("customers", lambda: queries.customers(period, NO_FILTERS)),
        ("services", lambda: queries.services(period, NO_FILTERS)),
        ("aid", lambda: queries.aid(period, NO_FILTERS)),
        ("satisfaction", lambda: queries.satisfaction(period, NO_FILTERS)),
        ("maturity", lambda: queries.maturity(period)),
        ("targets", lambda: queries.targets()),
        ("per month", lambda: dashboard._monthly_counts(period, NO_FILTERS)),
    ]
    print("  a computation, where the time goes (each part once: wall time, of which in the database; rows read back)")
    slow: list[tuple[float, str, str]] = []
    for name, part in parts:
        with CaptureQueriesContext(connection) as captured:
            _value, elapsed = _timed(part)
        in_database = _sql_seconds(captured)
        rows = _rows_returned(captured.captured_queries)
        print(
            f"    {name:<14} {_ms(elapsed):>9}  database {_ms(in_database):>9}  python {_ms(elapsed - in_database):>9}"
            f"  {len(captured.captured_queries)} queries, {rows} rows"
        )
        slow += [(float(q["time"]), name, q["sql"]) for q in captured.captured_queries]

    observers = _runs(lambda: page(observer=True), WARM_RUNS)
    print(
        _line("observers (suppressed on read)", observers)
        + f"   x {statistics.median(observers) / median:.2f} the warm dashboard"
    )
    alone = _runs(lambda: suppress_dashboard(board), WARM_RUNS)
    print(f"  {'of which suppression alone':<34} median {_ms(statistics.median(alone)):>9}")
    _value, narrowed_first = _timed(lambda: page(filters))
    narrowed = _runs(lambda: page(filters), WARM_RUNS)
    print(
        f"  {'one partner, test before invest':<34} {_ms(narrowed_first):>16}   computed "
        f"(x {narrowed_first / first:.2f} the whole hub's)  (partner {filters.partner_id})"
    )
    print(_line("  then from the cache", narrowed))
    share = median / DASHBOARD_BUDGET_S
    print(f"  the dashboard's warm median is x {share:.2f} of its {DASHBOARD_BUDGET_S:g} s budget{_machine()}")
    if explain:
        _explain(sorted(slow, reverse=True))


def _machine() -> str:
    """The load the times were taken under: other work on the machine slows every figure down."""
    one, five, _fifteen = os.getloadavg()
    return f"  [{os.cpu_count()} CPUs, load average {one:.1f} (1 min), {five:.1f} (5 min)]"


def _rows_returned(captured: Sequence[dict[str, Any]]) -> str:
    """How many rows the part's queries send back, counted again in the database (outside the timing)."""
    from django.db import connection

    counts = []
    with connection.cursor() as cursor:
        for query in captured:
            cursor.execute(f"SELECT count(*) FROM ({query['sql']}) AS read_back")  # noqa: S608  our own captured SQL
            counts.append(f"{cursor.fetchone()[0]:,}")
    return "+".join(counts)


def _explain(queries: Sequence[tuple[float, str, str]]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the queries slower than ``EXPLAIN_OVER_MS``, slowest first."""
    from django.db import connection

    for seconds, part, text in queries:
        if seconds * 1000 < EXPLAIN_OVER_MS:
            break
        print(f"\n--- {part}: {_ms(seconds)} ---\n{text}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, SETTINGS) {text}")
            print("\n".join(line for (line,) in cursor.fetchall()))


def run_inside(scale: float, *, explain: bool) -> None:
    """The child's work: Django on the benchmark's database (``DATABASE_URL`` set by ``measure``)."""
    import django

    django.setup()
    from django.db import connection

    name = connection.settings_dict["NAME"]
    print(f"reporting dashboard at scale: database {name} (scale {scale:g})")
    world = prepare(scale)
    with connection.cursor() as cursor:
        # VACUUM as well as ANALYZE: it sets the visibility map that autovacuum would set minutes after the load,
        # so that the runs below do not race autovacuum and index-only scans read what a live database has.
        _none, analysed = _timed(lambda: cursor.execute("VACUUM (ANALYZE)"))
    print(f"  VACUUM ANALYZE {analysed:.1f} s")
    dashboard_figures(world, explain=explain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every table's rows (1: the issue's)")
    parser.add_argument(
        "--explain", action="store_true", help=f"EXPLAIN ANALYZE the queries over {EXPLAIN_OVER_MS:g} ms"
    )
    parser.add_argument("--in-database", help=argparse.SUPPRESS)  # the child process, started by measure()
    args = parser.parse_args()
    if args.scale <= 0:
        parser.error("--scale must be above 0")
    if args.in_database:
        run_inside(args.scale, explain=args.explain)
    else:
        measure(scale=args.scale, explain=args.explain)


if __name__ == "__main__":
    main()
