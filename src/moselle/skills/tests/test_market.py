"""The market's skills gaps (``skills.market``): companies with a gap counted once per skill, every count under
five companies suppressed, a breakdown's cells for every key of the organisations with a skills picture (zero
included), more cells hidden when the hidden ones would hold one to four companies or be one alone, supply in
the next six months, and the rows in demand and not on offer first.

The world (companies of the registry with a gap, by region, size class and sector):

    c0..c4   LU00, micro, NACE 25.62 (C): cyber security, machine learning; c0..c3 data analytics
    c5..c9   BE10, small, c5 NACE 25.62 (C), c6..c9 NACE 62.01 (J): cyber security; c5..c7 data analytics
    c10      FRF1, medium, NACE 62.01 (J): cyber security
    c11      LU00, micro, NACE 62.01 (J): machine learning
    p0       a public body, LU00, no size class, no NACE: machine learning
    robotics: c0, c5, c10, c11.  computer programming: c1, c2, c6 and two demo companies.
    cloud technologies: c0..c7 at the level they need (no gap).
    Never counted: a trainer and a merged company with a machine learning gap.

    cyber security        11 companies: LU00 5, BE10 5, FRF1 1   (FRF1 hidden, BE10 hidden with it)
    machine learning       7 companies: LU00 7, BE10 0, FRF1 0   (the zeros hidden, nobody in them)
    data analytics         7 companies: LU00 4, BE10 3, FRF1 0   (all hidden)
    robotics               4 companies and no published course: not listed
    computer programming   3 companies and no course: not listed (5 on the demo instance: listed)

Supply: the aided course teaches cyber security and identify ICT security risks (sessions of 3 and 5 seats in
the next six months; one of 10 seats seven months ahead, one cancelled, one a draft); another course teaches
data analytics (one session without a seat limit); a draft offer's course teaches robotics.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models_taxonomy import NaceCode
from moselle.events import actions as events
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.skills import actions, market
from moselle.skills.models import Course, RoleSkill, SkillsProfile
from moselle.skills.tests.conftest import a_company, course_data, session_data, skill

pytestmark = pytest.mark.django_db

CYBER, ML, DATA, ROBOTS, CODING = (
    "cyber security",
    "machine learning",
    "data analytics",
    "robotics",
    "computer programming",
)
RISKS, CLOUD = "identify ICT security risks", "cloud technologies"
MARKER = "fewer than 5"


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def gaps(organisation: Organisation, *labels: str, role: str = "engineer", current: int = 0, needed: int = 2) -> None:
    profile, _created = SkillsProfile.objects.get_or_create(organisation=organisation)
    for label in labels:
        RoleSkill.objects.create(profile=profile, role=role, skill=skill(label), current=current, needed=needed)


@dataclass
class World:
    companies: list[Organisation]
    public_body: Organisation
    demo: Organisation
    today: date


@pytest.fixture
def world(advisor: Any, course: Course, provider: Organisation) -> World:
    manufacturing = NaceCode.objects.get(revision="2", code="25.62")
    software = NaceCode.objects.get(revision="2", code="62.01")
    places = [("LU00", "micro", manufacturing)] * 5 + [("BE10", "small", manufacturing)]
    places += [("BE10", "small", software)] * 4 + [("FRF1", "medium", software), ("LU00", "micro", software)]
    companies = [
        a_company(f"Company {n}", region=region, size_class=size, primary_nace=nace)
        for n, (region, size, nace) in enumerate(places)
    ]
    for n, company in enumerate(companies):
        labels = [CYBER] if n <= 10 else []
        labels += [ML] if n <= 4 or n == 11 else []
        labels += [DATA] if n <= 3 or 5 <= n <= 7 else []
        labels += [ROBOTS] if n in (0, 5, 10, 11) else []
        labels += [CODING] if n in (1, 2, 6) else []
        gaps(company, *labels)
        if n <= 7:
            gaps(company, CLOUD, role="manager", current=2, needed=2)
    # Machine learning asked of two roles of c11 still counts c11 once.
    gaps(companies[11], ML, role="office_staff", current=1, needed=3)

    public_body = Organisation.objects.create(name="Ville de Differdange", country="LU", region="LU00")
    OrganisationKind.objects.create(organisation=public_body, kind=Organisation.Kind.PUBLIC_BODY)
    gaps(public_body, ML)
    demo = a_company("Demo Works", region="LU00", size_class="micro", is_demo=True)
    gaps(demo, CODING)
    gaps(a_company("Demo Tools", region="LU00", is_demo=True), CODING)
    trainer = Organisation.objects.create(name="Another trainer", country="LU", region="LU00")
    OrganisationKind.objects.create(organisation=trainer, kind=Organisation.Kind.TRAINER)
    gaps(trainer, ML)
    merged = a_company("Old name of Company 0", region="LU00", merged_into=companies[0])
    gaps(merged, ML)

    # Supply.
    for days, capacity in ((14, 3), (60, 5), (213, 10)):
        actions.session_create(actor=advisor, course=course, data=session_data(days=days, capacity=capacity))
    cancelled = actions.session_create(actor=advisor, course=course, data=session_data(days=30, capacity=7))
    events.event_cancel(actor=advisor, event=cancelled.event)
    actions.session_create(actor=advisor, course=course, data=session_data(days=40, capacity=9, publish=False))
    data_offer = make_offer(
        provider, status=Offer.Status.PUBLISHED, kind=Offer.Kind.TRAINING, category="skills_and_training",
        title={"en": "Data analytics for SMEs"},
    )  # fmt: skip
    data_course = actions.course_save(actor=advisor, offer=data_offer, data=course_data(skills=[DATA]))
    actions.session_create(actor=advisor, course=data_course, data=session_data(days=20, capacity=None))
    robots_offer = make_offer(provider, kind=Offer.Kind.TRAINING, category="skills_and_training")
    actions.course_save(actor=advisor, offer=robots_offer, data=course_data(skills=[ROBOTS]))
    return World(companies=companies, public_body=public_body, demo=demo, today=timezone.localdate())


def by_label(result: market.Market) -> dict[str, market.Row]:
    return {row.skill.label: row for row in result.rows}


def cells_of(row: market.Row) -> dict[str, int | None]:
    return {cell.key: cell.companies for cell in row.cells}


def check_nothing_under_five(result: market.Market) -> None:
    """No figure of one to four companies, anywhere; under a shown total, what the hidden cells hold together
    is none or five and more, and one hidden cell alone holds none; a hidden total hides every cell."""
    for row in result.rows:
        assert row.in_demand == (row.companies is not None), row.skill.label
        assert row.companies is not None or row.courses, f"{row.skill.label}: fewer than five and nothing on offer"
        assert row.companies is None or row.companies >= market.THRESHOLD, row.skill.label
        shown = [cell.companies for cell in row.cells if cell.companies is not None]
        hidden = [cell for cell in row.cells if cell.companies is None]
        assert all(count >= market.THRESHOLD for count in shown), row.skill.label
        if row.companies is None:
            assert not shown, f"{row.skill.label}: a hidden total shows a cell"
        else:
            held = row.companies - sum(shown)
            assert held == 0 or held >= market.THRESHOLD, f"{row.skill.label}: the hidden cells hold {held}"
            assert len(hidden) != 1 or held == 0, f"{row.skill.label}: one hidden cell is the total minus the others"
            assert sum(shown) <= row.companies
            if row.cells and not hidden:
                assert sum(shown) == row.companies
    lines = list(csv.reader(io.StringIO(csv_text(market.csv_rows(result)))))
    header, body = lines[0], lines[1:]
    counted = [2, *range(7, len(header))]  # companies with the gap, then the breakdown's cells
    assert header[2] == "companies with the gap"
    for line in body:
        for index in counted:
            value = line[index]
            assert value in ("", MARKER) or int(value) >= market.THRESHOLD, (header[index], line)


def csv_text(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_the_market_counts_each_company_once_and_suppresses_every_count_under_five(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    result = market.market()
    check_nothing_under_five(result)
    rows = by_label(result)
    assert not hasattr(result, "companies"), "no total of companies beside the rows: it would bound hidden ones"
    assert result.breakdown == "" and result.keys == []
    assert rows[CYBER].companies == 11 and rows[CYBER].in_demand
    assert rows[ML].companies == 7, "c11 once, the public body in, the trainer and the merged company out"
    assert rows[DATA].companies == 7
    assert ROBOTS not in rows, "four companies and only a draft's course: listed, it would tell four from none"
    assert CODING not in rows, "the demo companies are not counted: three, and no course"
    assert CLOUD not in rows, "no gap: neither in demand nor on offer"
    assert all(row.cells == [] for row in result.rows)


def test_the_rows_in_demand_and_not_on_offer_come_first_and_supply_counts_the_next_six_months(
    world: World, settings: Any
) -> None:
    settings.MOSELLE_DEMO = False
    result = market.market()
    assert [row.skill.label for row in result.rows] == [ML, CYBER, DATA, RISKS]
    rows = by_label(result)
    assert [rows[label].not_on_offer for label in (ML, CYBER, DATA, RISKS)] == [True, False, False, False]
    # Cyber security: the aided course, its sessions of 3 and 5 seats (not the one seven months ahead, the
    # cancelled one or the draft).
    assert (rows[CYBER].courses, rows[CYBER].seats, rows[CYBER].sessions) == (1, 8, 2)
    assert (rows[RISKS].courses, rows[RISKS].seats, rows[RISKS].sessions) == (1, 8, 2)
    assert not rows[RISKS].in_demand and rows[RISKS].companies is None and rows[RISKS].suppressed
    # Data analytics: one session without a seat limit makes the seats unlimited.
    assert (rows[DATA].courses, rows[DATA].seats, rows[DATA].sessions) == (1, None, 1)
    assert result.horizon == world.today + timedelta(days=market.HORIZON_DAYS)

    lines = market.csv_rows(result)
    assert [line[0] for line in lines[1:]] == [ML, CYBER, DATA, RISKS]
    risks_line = lines[1 + [line[0] for line in lines[1:]].index(RISKS)]
    assert risks_line[1] == skill(RISKS).uri
    assert risks_line[2:7] == [MARKER, "no", "1", "8", "2"]  # none, told apart from one to four by no one
    data_line = lines[1 + [line[0] for line in lines[1:]].index(DATA)]
    assert data_line[2:7] == ["7", "no", "1", "no limit", "1"]


def test_a_breakdown_hides_a_second_cell_when_only_one_would_be_hidden(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    result = market.market("region")
    check_nothing_under_five(result)
    rows = by_label(result)
    assert result.keys == ["BE10", "FRF1", "LU00"]
    # FRF1 (1) is hidden; BE10 (5) with it, or 11 - 5 would give FRF1's one company.
    assert cells_of(rows[CYBER]) == {"BE10": None, "FRF1": None, "LU00": 5}
    assert cells_of(rows[ML]) == {"BE10": None, "FRF1": None, "LU00": 7}
    assert cells_of(rows[DATA]) == {"BE10": None, "FRF1": None, "LU00": None}
    assert ROBOTS not in rows
    assert cells_of(rows[RISKS]) == {"BE10": None, "FRF1": None, "LU00": None}

    sizes = market.market("size_class")
    check_nothing_under_five(sizes)
    assert sizes.keys == ["medium", "micro", "small", "unknown"]
    # Medium (1) and unknown (0) hidden hold one company; of micro (5) and small (5), the first in order
    # goes with them.
    assert cells_of(by_label(sizes)[CYBER]) == {"medium": None, "micro": None, "small": 5, "unknown": None}
    # Machine learning: micro 6 and one without a size class; 7 - 6 would give the one: all hidden.
    assert cells_of(by_label(sizes)[ML]) == {"medium": None, "micro": None, "small": None, "unknown": None}
    assert by_label(sizes)[ML].companies == 7


def test_the_sector_breakdown_reads_each_companys_nace_section(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    result = market.market("sector")
    check_nothing_under_five(result)
    rows = by_label(result)
    # Cyber security: nobody without a NACE code; that zero alone is hidden and holds no one.
    assert cells_of(rows[CYBER]) == {"C": 6, "J": 5, "unknown": None}
    # Machine learning: C 5, J 1 (c11) and one without a NACE code (the public body): the two hidden hold two
    # companies, so C is hidden with them.
    assert cells_of(rows[ML]) == {"C": None, "J": None, "unknown": None}
    assert result.keys == ["C", "J", "unknown"]


def test_the_quarter_breakdown_counts_a_company_in_the_quarter_of_its_first_gap(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    today, companies = world.today, world.companies
    cyber = RoleSkill.objects.filter(skill=skill(CYBER))
    cyber.filter(profile__organisation__in=companies[5:10]).update(created_at=noon(today - timedelta(days=190)))
    cyber.filter(profile__organisation=companies[10]).update(created_at=noon(today - timedelta(days=3 * 365)))
    # c0's gap for its managers dates from long ago: c0 counts then, not now.
    gaps(companies[0], CYBER, role="manager")
    cyber.filter(profile__organisation=companies[0], role="manager").update(
        created_at=noon(today - timedelta(days=4 * 365))
    )
    result = market.market("quarter")
    check_nothing_under_five(result)
    now, before = quarter(today), quarter(today - timedelta(days=190))
    assert result.keys == [market.EARLIER, *market.recent_quarters(today)]
    assert market.recent_quarters(today)[-1] == now and len(market.recent_quarters(today)) == market.QUARTERS
    # Cyber security: now c1..c4 (4), half a year ago c5..c9 (5), earlier c0 and c10 (2).
    hidden = dict.fromkeys(result.keys)
    assert cells_of(by_label(result)[CYBER]) == {**hidden, before: 5}
    assert by_label(result)[CYBER].companies == 11
    assert cells_of(by_label(result)[ML]) == {**hidden, now: 7}


def test_demo_companies_count_only_on_the_demo_instance(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = True
    result = market.market("region")
    check_nothing_under_five(result)
    rows = by_label(result)
    assert rows[CODING].companies == 5
    assert cells_of(rows[CODING]) == {"BE10": None, "FRF1": None, "LU00": None}
    settings.MOSELLE_DEMO = False
    assert CODING not in by_label(market.market())


def test_a_market_of_fewer_than_five_companies_shows_no_number(advisor: Any, company: Organisation) -> None:
    gaps(company, CYBER, ML)
    result = market.market("region")
    check_nothing_under_five(result)
    assert result.rows == [], "one company's gaps, and no course: nothing is listed"


def test_suppression_never_leaves_a_cell_to_be_recomputed() -> None:
    draw = random.Random(20260101)
    for _attempt in range(2000):
        keys = [f"k{n}" for n in range(draw.randint(1, 6))]
        counts = {key: draw.choice([0, 1, 2, 3, 4, 5, 6, 9, 20]) for key in keys}
        total = sum(counts.values())
        cells = market.suppress(counts, total)
        assert [cell.key for cell in cells] == keys
        shown = {cell.key: cell.companies for cell in cells if cell.companies is not None}
        hidden = [cell.key for cell in cells if cell.companies is None]
        assert all(value == counts[key] and value >= market.THRESHOLD for key, value in shown.items())
        if total < market.THRESHOLD:
            assert not shown  # the total itself is hidden then
            continue
        held = sum(counts[key] for key in hidden)
        assert held == 0 or held >= market.THRESHOLD, counts
        assert len(hidden) != 1 or held == 0, counts
        if any(0 < count < market.THRESHOLD for count in counts.values()):
            assert len(hidden) >= 2
