"""The network's API: corridors and collaborations written by the hub's staff with every bad field named,
nothing written on a refusal; a referral abroad sent by e-mail and its messages; the peers for the manager."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moselle.journeys import actions as journeys
from moselle.network.federation import signing
from moselle.network.models import Collaboration, Corridor, Envelope, Peer, PeerKey
from moselle.organisations.models import Organisation

API = "/api/v1"


def _fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_staff_start_a_corridor_and_bad_fields_are_named(
    staff_client: Client, hubs: dict[str, Organisation], own: Organisation
) -> None:
    good = {"title": "Greater Region", "partners": [hubs["saar"].pk, hubs["grand_est"].pk], "started_on": "2023-06-01"}
    created = staff_client.post(f"{API}/network/corridors", good, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [p["name"] for p in created.json()["partners"]] == ["EDIH Grand Est", "EDIH Saarland"]
    bad = {"title": " ", "partners": [own.pk], "started_on": "2023-06-01", "ended_on": "2023-01-01"}
    refused = staff_client.post(f"{API}/network/corridors", bad, content_type="application/json")
    assert refused.status_code == 422 and _fields(refused) == {"title", "partners", "ended_on"}
    assert Corridor.objects.count() == 1
    listed = staff_client.get(f"{API}/network/corridors").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Greater Region"


def test_a_collaboration_under_a_corridor_takes_its_partners_and_a_future_one_is_refused(
    staff_client: Client, hubs: dict[str, Organisation]
) -> None:
    corridor = staff_client.post(
        f"{API}/network/corridors",
        {"title": "C", "partners": [hubs["saar"].pk], "started_on": "2023-06-01"},
        content_type="application/json",
    ).json()
    made = staff_client.post(
        f"{API}/network/collaborations",
        {"kind": "joint_event", "title": "Matchmaking", "happened_on": "2024-05-02", "corridor": corridor["id"]},
        content_type="application/json",
    )
    assert made.status_code == 201 and [h["name"] for h in made.json()["hubs"]] == ["EDIH Saarland"]
    future = staff_client.post(
        f"{API}/network/collaborations",
        {"kind": "exchange", "title": "Visit", "happened_on": "2999-01-01", "hubs": [hubs["cyber"].pk]},
        content_type="application/json",
    )
    assert future.status_code == 422 and _fields(future) == {"happened_on"}
    assert Collaboration.objects.count() == 1


def test_a_referral_abroad_is_sent_by_email_once_the_company_consents(
    staff: Any, staff_client: Client, member: Any, org_a: Organisation, hubs: dict[str, Organisation]
) -> None:
    referral = journeys.referral_propose(actor=staff, organisation=org_a, recipient=hubs["cyber"])
    url = f"{API}/network/referrals/{referral.pk}/email"
    early = staff_client.post(url, {"email": "contact@cyberhub.example"}, content_type="application/json")
    assert early.status_code == 422 and _fields(early) == {"referral"}
    journeys.referral_consent(actor=member, referral=referral, shared=["profile"])
    bad = staff_client.post(url, {"email": "not an address"}, content_type="application/json")
    assert bad.status_code == 422 and _fields(bad) == {"email"}
    sent = staff_client.post(
        url, {"email": "contact@cyberhub.example", "language": "fr"}, content_type="application/json"
    )
    assert sent.status_code == 201 and sent.json()["status"] == "queued" and sent.json()["transport"] == "email"
    listed = staff_client.get(f"{API}/network/referrals/{referral.pk}/messages").json()
    assert [m["id"] for m in listed] == [Envelope.objects.get().pk]


def test_the_manager_reads_the_peers_with_their_fingerprints(
    client_for: Any, personas: Any, hubs: dict[str, Organisation], staff_client: Client
) -> None:
    _private, public = signing.generate_key()
    peer = Peer.objects.create(hub=hubs["saar"], base_url="https://saar.example.eu")
    PeerKey.objects.create(peer=peer, key_id="saar-1", public_key=public)
    found = client_for(personas.hub_admin).get(f"{API}/network/peers").json()
    assert found == [
        {
            "id": peer.pk,
            "hub": {"id": hubs["saar"].pk, "name": "EDIH Saarland", "country": "DE"},
            "base_url": "https://saar.example.eu",
            "status": "pending",
            "confirmed_at": None,
            "revoked_at": None,
            "fingerprints": [signing.fingerprint(public)],
        }
    ]
    assert staff_client.get(f"{API}/network/peers").status_code == 404  # an advisor is not the manager


def test_a_collaboration_after_its_corridor_ended_is_refused(staff: Any, hubs: dict[str, Organisation]) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from moselle.network import actions

    ended = actions.corridor_save(
        actor=staff, title="Ended", partners=[hubs["saar"].pk], started_on="2023-01-01", ended_on="2023-12-31"
    )
    with pytest.raises(ValidationError) as refused:
        actions.collaboration_record(
            actor=staff, kind="exchange", title="Too late", happened_on="2024-02-01", corridor=ended
        )
    assert refused.value.message_dict == {"happened_on": ["This is after the corridor ended."]}
    assert not Collaboration.objects.exists()


def test_staff_refer_a_company_to_another_hub_from_its_case(
    staff_client: Client, org_a: Organisation, hubs: dict[str, Organisation], own: Organisation
) -> None:
    from django.urls import reverse

    from moselle.journeys.models import Referral

    url = f"{reverse('referral_create')}?organisation={org_a.pk}&abroad=1"
    page = staff_client.get(url)
    assert page.status_code == 200
    offered = {value for value, _label in page.context["form"].fields["recipient"].choices if value}
    assert hubs["serbia"].pk in offered and own.pk not in offered
    sent = staff_client.post(url, {"recipient": hubs["serbia"].pk, "note": "Export to Serbia"})
    assert sent.status_code == 302
    assert Referral.objects.get().recipient == hubs["serbia"]


def test_a_declined_referral_no_longer_opens_on_the_hubs_link(
    staff: Any, member: Any, org_a: Organisation, hubs: dict[str, Organisation]
) -> None:
    import re

    import pytest

    from moselle.core import links
    from moselle.core.models import EmailLog
    from moselle.network import referrals

    referral = journeys.referral_propose(actor=staff, organisation=org_a, recipient=hubs["cyber"])
    journeys.referral_consent(actor=member, referral=referral, shared=["profile"])
    referrals.referral_send_by_email(actor=staff, referral=referral, email="contact@cyberhub.example")
    body = EmailLog.objects.get(recipient="contact@cyberhub.example").body
    token = re.search(r"/network/r/([^/\s]+)/", body).group(1)  # type: ignore[union-attr]
    referrals.referral_answer(token=token, status="declined", note="No capacity this year")
    with pytest.raises(links.LinkError):
        referrals.referral_for_link(token)
