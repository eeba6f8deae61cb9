"""The hub directory: every signed-in person lists the hubs of Europe, narrowed by country, catalogue status
and the labels they declare at a level, ranked by a need written in words; one hub's page with its labels and
levels (and, for the hub's staff, its corridors); the map of hubs per country and of the Greater Region."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moselle.accounts.models import Role
from moselle.network.models import Corridor
from moselle.network.tests.conftest import Labels, make_hub
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DIRECTORY = "/hubs/"


def listed(client: Client, **params: Any) -> list[str]:
    """The names the directory lists for these filters, in its order."""
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200, response.context["form"].errors if response.context else response
    return [hub.name for hub in response.context["hubs"]]


# --- The list and its filters --------------------------------------------------------------------------------


def test_it_lists_every_hub_of_the_registry_and_no_other_organisation(
    member_client: Client, hubs: dict[str, Organisation], org_a: Organisation
) -> None:
    names = listed(member_client)
    # By country, then name: BE, CH, DE, FR, LU (the instance's own hub), RS.
    assert names == [
        "Cyber Hub Wallonia",
        "Swiss Hub",
        "EDIH Saarland",
        "EDIH Grand Est",
        "Luxembourg Digital Innovation Hub",
        "Digital Serbia Hub",
    ]
    assert org_a.name not in names


def test_it_leaves_out_merged_and_historical_hubs(member_client: Client, hubs: dict[str, Organisation]) -> None:
    Organisation.objects.filter(pk=hubs["swiss"].pk).update(is_historical=True)
    Organisation.objects.filter(pk=hubs["serbia"].pk).update(merged_into=hubs["saar"])
    names = listed(member_client)
    assert "Swiss Hub" not in names and "Digital Serbia Hub" not in names
    assert member_client.get(reverse("directory_hub", args=[hubs["swiss"].pk])).status_code == 404


def test_it_narrows_the_list_by_country_and_by_catalogue_status(
    member_client: Client, hubs: dict[str, Organisation]
) -> None:
    assert listed(member_client, country="DE") == ["EDIH Saarland"]
    assert listed(member_client, country="RS") == ["Digital Serbia Hub"]
    assert listed(member_client, country="PT") == []
    assert listed(member_client, status="Seal of Excellence") == ["EDIH Grand Est"]
    assert listed(member_client, status="DIH") == ["Swiss Hub", "Digital Serbia Hub"]
    assert listed(member_client, status="DIH", country="CH") == ["Swiss Hub"]


def test_it_keeps_a_hub_declaring_a_technology_at_the_level_asked_and_drops_it_above(
    member_client: Client, hubs: dict[str, Organisation], labels: Labels
) -> None:
    cyber = labels.cyber.pk
    # Saarland declares Cybersecurity without a level, Wallonia at level 3.
    assert listed(member_client, technology=cyber) == ["Cyber Hub Wallonia", "EDIH Saarland"]
    assert listed(member_client, technology=cyber, min_level=1) == ["Cyber Hub Wallonia"]
    assert listed(member_client, technology=cyber, min_level=3) == ["Cyber Hub Wallonia"]
    assert listed(member_client, technology=cyber, min_level=4) == []


def test_a_technology_of_interest_is_not_one_on_offer(
    member_client: Client, hubs: dict[str, Organisation], labels: Labels
) -> None:
    # Wallonia is interested in Robotics at level 5; only Saarland offers it (level 3).
    assert listed(member_client, technology=labels.robotics.pk) == ["EDIH Saarland"]
    assert listed(member_client, technology=labels.robotics.pk, min_level=5) == []


def test_it_narrows_the_list_by_service_and_by_sector_at_a_level(
    member_client: Client, hubs: dict[str, Organisation], labels: Labels
) -> None:
    service = labels.prototyping.pk
    assert listed(member_client, service=service) == ["Cyber Hub Wallonia", "EDIH Saarland"]
    assert listed(member_client, service=service, min_level=2) == ["EDIH Saarland"]
    assert listed(member_client, service=service, min_level=3) == []
    sector = labels.manufacturing.pk
    assert listed(member_client, sector=sector) == ["EDIH Saarland", "EDIH Grand Est"]
    assert listed(member_client, sector=sector, min_level=4) == ["EDIH Saarland"]
    assert listed(member_client, sector=sector, min_level=5) == []
    # Every filter at once: Saarland is the one German hub with both at level 2 or more.
    assert listed(member_client, service=service, sector=sector, country="DE", min_level=2) == ["EDIH Saarland"]


def test_it_counts_the_labels_each_hub_declares_on_offer(member_client: Client, hubs: dict[str, Organisation]) -> None:
    response = member_client.get(DIRECTORY)
    counts = {hub.name: hub.label_count for hub in response.context["hubs"]}
    # Saarland: Robotics, Cybersecurity, Prototyping, Manufacturing. Wallonia: Cybersecurity, Prototyping (its
    # Robotics is of interest only). Grand Est: Manufacturing.
    assert counts["EDIH Saarland"] == 4
    assert counts["Cyber Hub Wallonia"] == 2
    assert counts["EDIH Grand Est"] == 1
    assert counts["Swiss Hub"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"technology": "999999"}, "technology"),
        ({"technology": "cyber"}, "technology"),
        ({"service": "999999"}, "service"),
        ({"sector": "-1"}, "sector"),
        ({"min_level": "9"}, "min_level"),
        ({"status": "Famous"}, "status"),
        ({"country": "XX"}, "country"),
    ],
)
def test_an_unknown_filter_is_refused_with_its_field_named(
    member_client: Client, hubs: dict[str, Organisation], params: dict[str, str], field: str
) -> None:
    response = member_client.get(DIRECTORY, params)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {field}
    assert 'role="search"' in response.content.decode()


def test_a_need_ranks_the_hub_that_speaks_of_it_first(
    member_client: Client, hubs: dict[str, Organisation], labels: Labels
) -> None:
    auditors = make_hub("Audit Hub Lorraine", "FR", description="Quality audits and ISO certification for factories.")
    response = member_client.get(DIRECTORY, {"need": "cybersecurity audit"})
    assert response.status_code == 200
    ranked = [card.id for card in response.context["ranked"]]
    # Wallonia (Cybersecurity at level 3, "cybersecurity audits" in its description) and Saarland (Cybersecurity
    # declared without a level) speak of it; Lorraine only of audits, so it comes after both, if at all.
    assert {hubs["cyber"].pk, hubs["saar"].pk} <= set(ranked)
    if auditors.pk in ranked:
        assert ranked.index(auditors.pk) > max(ranked.index(hubs["cyber"].pk), ranked.index(hubs["saar"].pk))
    assert hubs["swiss"].pk not in ranked and hubs["serbia"].pk not in ranked  # nothing of the need
    html = response.content.decode()
    assert "The best hubs for this need" in html and "Cyber Hub Wallonia" in html
    # The filters narrow the ranking too: Wallonia is Belgian.
    narrowed = member_client.get(DIRECTORY, {"need": "cybersecurity audit", "country": "DE"})
    assert hubs["cyber"].pk not in [card.id for card in narrowed.context["ranked"]]
    assert [hub.name for hub in narrowed.context["hubs"]] == ["EDIH Saarland"]


def test_a_need_finds_the_hubs_of_the_country_asked_even_behind_many_better_ones_elsewhere(
    member_client: Client, labels: Labels, hub: Any
) -> None:
    # Fifty-five French hubs speak of cybersecurity more than the one German hub does: a need narrowed to
    # Germany still finds the German one (the engine's fifty best of all Europe hold none).
    for n in range(55):
        make_hub(f"Cyber Hub France {n}", "FR", description="Cybersecurity for SMEs.", technologies={labels.cyber: 5})
    german = make_hub("Cyber Hub Saar", "DE", technologies={labels.cyber: 1})
    response = member_client.get(DIRECTORY, {"need": "cybersecurity", "country": "DE"})
    assert [hub.name for hub in response.context["hubs"]] == ["Cyber Hub Saar"]
    assert [card.id for card in response.context["ranked"]] == [german.pk]


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, hubs: dict[str, Organisation]) -> None:
    for path in (DIRECTORY, "/hubs/map/", reverse("directory_hub", args=[hubs["saar"].pk])):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("account_login")), path


# --- One hub ----------------------------------------------------------------------------------------------------


def test_a_hub_page_shows_its_labels_with_their_levels(member_client: Client, hubs: dict[str, Organisation]) -> None:
    response = member_client.get(reverse("directory_hub", args=[hubs["saar"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>Robotics</td><td>3</td>" in html
    assert "<td>Cybersecurity</td><td>—</td>" in html
    assert "<td>Prototyping</td><td>2</td>" in html
    assert "<td>Manufacturing</td><td>4</td>" in html
    wallonia = member_client.get(reverse("directory_hub", args=[hubs["cyber"].pk])).content.decode()
    assert "<td>Cybersecurity</td><td>3</td>" in wallonia
    assert "Robotics" not in wallonia  # of interest, not on offer


def test_a_page_of_an_organisation_that_is_no_hub_is_not_found(
    member_client: Client, hubs: dict[str, Organisation], org_a: Organisation
) -> None:
    assert member_client.get(reverse("directory_hub", args=[org_a.pk])).status_code == 404
    assert member_client.get(reverse("directory_hub", args=[2_000_000_000])).status_code == 404


def test_staff_see_the_corridors_with_a_hub_and_a_company_member_does_not(
    staff_client: Client, member_client: Client, hubs: dict[str, Organisation]
) -> None:
    corridor = Corridor.objects.create(title="Saar-Lor-Lux declaration", started_on=date(2024, 3, 1))
    corridor.partners.set([hubs["saar"]])
    path = reverse("directory_hub", args=[hubs["saar"].pk])
    seen = staff_client.get(path).content.decode()
    assert "Corridors with this hub" in seen and "Saar-Lor-Lux declaration" in seen
    assert reverse("corridor_detail", args=[corridor.pk]) in seen
    assert f"{reverse('corridor_new')}?partner={hubs['saar'].pk}" in seen
    hidden = member_client.get(path)
    assert hidden.status_code == 200
    html = hidden.content.decode()
    assert "Corridors with this hub" not in html and "Saar-Lor-Lux declaration" not in html
    assert reverse("corridor_new") not in html
    # A corridor with another hub is not one with this hub.
    wallonia = staff_client.get(reverse("directory_hub", args=[hubs["cyber"].pk])).content.decode()
    assert "Saar-Lor-Lux declaration" not in wallonia and "No corridor with this hub yet." in wallonia


# --- The map ----------------------------------------------------------------------------------------------------


def test_the_map_counts_the_hubs_per_country_and_names_the_greater_region_hubs(
    member_client: Client, hubs: dict[str, Organisation]
) -> None:
    make_hub("Hub Rheinland-Pfalz", "DE")
    response = member_client.get("/hubs/map/")
    assert response.status_code == 200
    assert response.context["counts"] == [("BE", 1), ("CH", 1), ("DE", 2), ("FR", 1), ("LU", 1), ("RS", 1)]
    assert response.context["total"] == 7
    html = response.content.decode()
    assert '<td><a href="/hubs/?country=DE">DE</a></td><td>2</td>' in html
    assert '<td><a href="/hubs/?country=RS">RS</a></td><td>1</td>' in html
    for name in ("L-DIH", "WalHub", "EDIH Grand Est", "EDIH Saarland", "EDIH BIR-MZ-KL"):
        assert name in html, name
    # The Greater Region hubs the registry holds link to their page.
    assert reverse("directory_hub", args=[hubs["saar"].pk]) in html
    assert reverse("directory_hub", args=[hubs["grand_est"].pk]) in html


# --- Query counts -----------------------------------------------------------------------------------------------


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DIRECTORY)
    assert response.status_code == 200
    return len(captured)


def test_the_list_is_read_in_the_same_number_of_queries_for_3_hubs_as_for_30(
    labels: Labels, make_user: Any, org_a: Organisation, client_for: Any
) -> None:
    client = client_for(make_user(Role.COMPANY_MEMBER, org_a))
    for n in range(2):  # with the own hub: 3
        make_hub(f"Hub {n}", "DE", technologies={labels.cyber: 3}, services={labels.prototyping: 2})
    client.get(DIRECTORY)  # the session and the other caches, once
    few = _queries(client)
    for n in range(2, 29):
        make_hub(f"Hub {n}", "FR", technologies={labels.robotics: 2}, sectors={labels.manufacturing: 1})
    many = _queries(client)
    assert Organisation.objects.filter(kind_rows__kind="hub").count() == 30
    assert many == few
