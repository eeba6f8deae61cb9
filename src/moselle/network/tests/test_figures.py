"""The network's KPIs worked out by hand over the first half of 2025 (both days included):

Corridors (partner: Saarland, DE, unless said)   running in H1?
    C1  2024-03-01 → open                         yes (started before, open-ended)
    C2  2024-01-01 → 2024-12-31                   no  (ended the day before H1)
    C3  2023-01-01 → 2025-01-01                   yes (ended on H1's first day)
    C4  2025-06-30 → open                         yes (started on H1's last day)
    C5  2025-07-01 → open                         no  (started the day after H1)
    C6  2025-02-01 → 2025-03-01                   yes (inside H1)
    C7  2024-01-01 → open, demo                   only on the demo instance
    C8  2024-01-01 → open, its partner in LU      no  (not cross-border: this hub is in LU too)
    → 4 (5 on the demo instance); over the target's 2023-2025, C1 to C6: 6 of 15.

Collaborations                                   recorded in H1?  hubs
    K1  2025-01-01  Saarland, Wallonia             yes
    K2  2025-06-30  Saarland                       yes (Saarland again: counted once)
    K3  2024-12-31  Serbia                         no
    K4  2025-07-01  Swiss                          no
    K5  2025-03-15  Grand Est, demo                only on the demo instance
    K6  2025-04-01  Wallonia                       yes
    → 3 collaborations with 2 hubs (4 with 3 hubs on the demo instance).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moselle.network import figures
from moselle.network.models import Collaboration, Corridor
from moselle.organisations.models import HubProfile, HubTarget, Organisation
from moselle.reporting import kpis, queries
from moselle.reporting.kpis import Filters, Period

pytestmark = pytest.mark.django_db

H1 = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))
NO_FILTERS = Filters()


def corridor(
    title: str, start: str, end: str | None = None, *, demo: bool = False, partners: tuple[Organisation, ...] = ()
) -> Corridor:
    made = Corridor.objects.create(
        title=title,
        started_on=date.fromisoformat(start),
        ended_on=date.fromisoformat(end) if end else None,
        is_demo=demo,
    )
    made.partners.set(partners or Organisation.objects.filter(name="EDIH Saarland"))
    return made


def collaboration(title: str, day: str, *hubs: Organisation, demo: bool = False) -> Collaboration:
    made = Collaboration.objects.create(
        kind=Collaboration.Kind.JOINT_EVENT, title=title, happened_on=date.fromisoformat(day), is_demo=demo
    )
    made.hubs.set(hubs)
    return made


@pytest.fixture
def network(hubs: dict[str, Organisation]) -> dict[str, Any]:
    saar, cyber = hubs["saar"], hubs["cyber"]
    home = Organisation.objects.create(name="Another Luxembourg hub", country="LU")
    return {
        "corridors": [
            corridor("C1", "2024-03-01"),
            corridor("C2", "2024-01-01", "2024-12-31"),
            corridor("C3", "2023-01-01", "2025-01-01"),
            corridor("C4", "2025-06-30"),
            corridor("C5", "2025-07-01"),
            corridor("C6", "2025-02-01", "2025-03-01"),
            corridor("C7", "2024-01-01", demo=True),
            corridor("C8", "2024-01-01", partners=(home,)),
        ],
        "collaborations": [
            collaboration("K1", "2025-01-01", saar, cyber),
            collaboration("K2", "2025-06-30", saar),
            collaboration("K3", "2024-12-31", hubs["serbia"]),
            collaboration("K4", "2025-07-01", hubs["swiss"]),
            collaboration("K5", "2025-03-15", hubs["grand_est"], demo=True),
            collaboration("K6", "2025-04-01", cyber),
        ],
    }


def test_a_corridor_runs_in_a_period_it_overlaps_by_a_day_or_more(network: dict[str, Any]) -> None:
    assert sorted(c.title for c in figures.running(H1)) == ["C1", "C3", "C4", "C6"]
    assert figures.corridors(H1, NO_FILTERS) == 4


def test_a_collaboration_counts_on_the_first_and_the_last_day_of_the_period(network: dict[str, Any]) -> None:
    assert sorted(c.title for c in figures.recorded(H1)) == ["K1", "K2", "K6"]
    assert figures.collaborations(H1, NO_FILTERS) == 3


def test_a_hub_in_two_collaborations_counts_once(network: dict[str, Any]) -> None:
    # Saarland (K1, K2) and Wallonia (K1, K6).
    assert figures.collaborating_hubs(H1, NO_FILTERS) == 2
    one_day = Period(start=date(2025, 1, 1), end=date(2025, 1, 1))
    assert (figures.collaborations(one_day, NO_FILTERS), figures.collaborating_hubs(one_day, NO_FILTERS)) == (1, 2)


def test_a_collaboration_without_hubs_adds_no_hub(network: dict[str, Any]) -> None:
    collaboration("K8", "2025-05-05")
    assert figures.collaborations(H1, NO_FILTERS) == 4
    assert figures.collaborating_hubs(H1, NO_FILTERS) == 2


def test_demo_rows_count_only_on_the_demo_instance(network: dict[str, Any], settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    assert (figures.corridors(H1, NO_FILTERS), figures.collaborations(H1, NO_FILTERS)) == (4, 3)
    assert figures.collaborating_hubs(H1, NO_FILTERS) == 2
    settings.MOSELLE_DEMO = True
    assert figures.corridors(H1, NO_FILTERS) == 5
    assert figures.collaborations(H1, NO_FILTERS) == 4
    assert figures.collaborating_hubs(H1, NO_FILTERS) == 3


def test_an_empty_period_counts_nothing(network: dict[str, Any]) -> None:
    before = Period(start=date(2020, 1, 1), end=date(2022, 12, 31))
    assert figures.corridors(before, NO_FILTERS) == 0
    assert figures.collaborations(before, NO_FILTERS) == 0
    assert figures.collaborating_hubs(before, NO_FILTERS) == 0


def test_the_figures_are_kpi_sources_of_the_reporting(network: dict[str, Any]) -> None:
    for code, value, unit in (
        ("cross_border_corridors", 4, "corridors"),
        ("collaborations", 3, "collaborations"),
        ("collaborating_hubs", 2, "hubs"),
    ):
        source = kpis.source(code)
        assert source is not None, code
        assert (source.compute(H1, NO_FILTERS), source.unit, source.suppressible) == (value, unit, False)
    computed = {value.code: value.value for value in kpis.compute_all(H1, NO_FILTERS)}
    assert (computed["cross_border_corridors"], computed["collaborations"], computed["collaborating_hubs"]) == (4, 3, 2)
    # The partner and category filters are about services to companies: these figures ignore them.
    narrowed = Filters(partner_id=network["collaborations"][0].pk, category="test_before_invest")
    assert kpis.source("collaborations").compute(H1, narrowed) == 3  # type: ignore[union-attr]


def test_the_corridors_measure_the_hubs_target(hub: HubProfile, network: dict[str, Any]) -> None:
    found = {(t.indicator, t.period.start, t.period.end): t for t in queries.targets()}
    # The seeded target: 15 corridors over 2023-2025; C1 to C6 run in it (C7 is a demo): 6 / 15 = 0.4000.
    target = found[("cross_border_corridors", date(2023, 1, 1), date(2025, 12, 31))]
    assert (target.kpi, target.value, target.target) == ("cross_border_corridors", 6, 15)
    assert target.share == Decimal("0.4000")
    HubTarget.objects.create(
        hub=hub,
        indicator="cross_border_corridors",
        label={"en": "First half"},
        value=2,
        period_start=H1.start,
        period_end=H1.end,
    )
    half = next(t for t in queries.targets() if t.indicator == "cross_border_corridors" and t.period == H1)
    assert (half.value, half.share) == (4, Decimal("2.0000"))
    board = queries.dashboard(H1)
    assert any(t.indicator == "cross_border_corridors" and t.value == 6 for t in board.targets)


def test_the_corridor_list_shows_this_years_figures(staff_client: Client, hubs: dict[str, Organisation]) -> None:
    today = timezone.localdate()
    corridor("Running", today.replace(month=1, day=1).isoformat())
    corridor("Ended last year", date(today.year - 2, 1, 1).isoformat(), date(today.year - 1, 12, 31).isoformat())
    collaboration("This year", today.isoformat(), hubs["saar"])
    collaboration("Last year", date(today.year - 1, 6, 1).isoformat(), hubs["saar"])
    response = staff_client.get(reverse("corridor_list"))
    assert response.status_code == 200
    assert (response.context["running"], response.context["recorded"]) == (1, 1)
    html = response.content.decode()
    assert f"1 corridor running in {today.year}" in html
    assert f"1 collaboration with other hubs in {today.year}" in html
