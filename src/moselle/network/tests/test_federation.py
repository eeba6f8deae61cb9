"""The federation inside one instance: the inbox's refusals and its once-only taking of a message, pairing by
invitation, confirming a fingerprint, the outbox's backoff, and what a received referral and its answers do.
Two real instances talking to each other are in ``tests/federation``."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Consent
from moselle.journeys import actions as journeys
from moselle.journeys.models import Case, Referral
from moselle.network.federation import keys, messages, outbox, pairing, signing
from moselle.network.models import Envelope, PairingInvitation, Peer, PeerKey, SeenNonce
from moselle.organisations.models import Organisation

INBOX = "/federation/inbox/"
PAIR = "/federation/pair/"


@pytest.fixture
def peer_key() -> tuple[str, str]:
    return signing.generate_key()


@pytest.fixture
def peer(hubs: dict[str, Organisation], peer_key: tuple[str, str]) -> Peer:
    """EDIH Saarland's instance, paired and confirmed here."""
    found = Peer.objects.create(hub=hubs["saar"], base_url="https://saar.example.eu", status=Peer.Status.ACTIVE)
    PeerKey.objects.create(peer=found, key_id="saar-1", public_key=peer_key[1])
    return found


def _message(kind: str = "hub_profile", payload: dict[str, Any] | None = None, **extra: Any) -> bytes:
    body = {"id": str(uuid.uuid4()), "type": kind, "from": "https://saar.example.eu", "payload": payload or {}}
    return outbox.encode({**body, **extra})


def _post(
    body: bytes,
    key: tuple[str, str],
    *,
    key_id: str = "saar-1",
    path: str = INBOX,
    created: Any = None,
    alter: Any = None,
) -> Any:
    headers = signing.sign(
        method="POST", url=settings.SITE_URL + path, body=body, key_id=key_id, private_pem=key[0], created=created
    )
    if alter is not None:
        body, headers = alter(body, dict(headers))
    return Client().post(
        path,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_it_takes_a_signed_message_once_and_acknowledges_it(
    peer: Peer, peer_key: tuple[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    body = _message("hub_profile", {"name": "EDIH Saarland", "country": "DE"})
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(body, peer_key)
    assert response.status_code == 202, response.content
    received = Envelope.objects.get(direction=Envelope.Direction.IN)
    assert received.status == Envelope.Status.PROCESSED and received.type == "hub_profile"
    peer.refresh_from_db()
    assert peer.profile["name"] == "EDIH Saarland"
    ack = Envelope.objects.get(direction=Envelope.Direction.OUT, type="ack")
    assert ack.payload["id"] == str(received.message_id) and ack.peer == peer
    # The same message again (a retry: new nonce, same id) is answered as a duplicate and not acted on twice.
    again = _post(body, peer_key)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert Envelope.objects.filter(direction=Envelope.Direction.IN).count() == 1


def _unchanged(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Envelope.objects.filter(direction=Envelope.Direction.IN).exists()


def test_it_refuses_a_replayed_message(peer: Peer, peer_key: tuple[str, str]) -> None:
    body = _message()
    headers = signing.sign(
        method="POST", url=settings.SITE_URL + INBOX, body=body, key_id="saar-1", private_pem=peer_key[0]
    )
    extra = {k: v for k, v in headers.items() if k != "Content-Type"}
    first = Client().post(INBOX, data=body, content_type="application/json", headers=extra)
    assert first.status_code == 202
    replay = Client().post(INBOX, data=body, content_type="application/json", headers=extra)
    assert replay.status_code == 409 and replay.json()["code"] == "replay"
    assert Envelope.objects.filter(direction=Envelope.Direction.IN).count() == 1


@pytest.mark.parametrize(
    ("alter", "status", "code"),
    [
        (lambda body, headers: (body.replace(b"hub_profile", b"hub_profilf"), headers), 401, "digest_mismatch"),
        (
            lambda body, headers: (
                body,
                {**headers, "Signature": headers["Signature"].replace("moselle=:", "moselle=:A")},
            ),
            401,
            "bad_signature",
        ),
        (lambda body, headers: (body, {k: v for k, v in headers.items() if k != "Signature"}), 401, "no_signature"),
    ],
    ids=["altered body", "tampered signature", "no signature"],
)
def test_it_refuses_a_message_altered_on_the_way(
    peer: Peer, peer_key: tuple[str, str], alter: Any, status: int, code: str, caplog: Any
) -> None:
    with caplog.at_level("WARNING", logger="moselle.federation"):
        response = _post(_message(), peer_key, alter=alter)
    _unchanged(response, status, code)
    assert "refused" in caplog.text and code in caplog.text
    assert not SeenNonce.objects.exists()


def test_it_refuses_a_stale_message_an_unknown_key_and_an_unknown_type(peer: Peer, peer_key: tuple[str, str]) -> None:
    stale = timezone.now() - timedelta(seconds=settings.MOSELLE_FEDERATION_CLOCK_SKEW_SECONDS + 60)
    _unchanged(_post(_message(), peer_key, created=stale), 401, "stale")
    _unchanged(_post(_message(), signing.generate_key(), key_id="someone-else"), 401, "unknown_key")
    _unchanged(_post(_message(), signing.generate_key()), 401, "bad_signature")  # another key under saar-1's id
    _unchanged(_post(_message("do_something_else"), peer_key), 400, "unknown_type")
    _unchanged(_post(b"[1, 2]", peer_key), 400, "bad_message")


def test_it_refuses_an_oversized_message(peer: Peer, peer_key: tuple[str, str], settings: Any) -> None:
    settings.MOSELLE_FEDERATION_MAX_BODY = 10_000
    _unchanged(_post(_message("offers", {"offers": [], "padding": "x" * 20_000}), peer_key), 413, "too_large")


def test_a_pending_or_revoked_peer_cannot_send(peer: Peer, peer_key: tuple[str, str], personas: Any) -> None:
    Peer.objects.filter(pk=peer.pk).update(status=Peer.Status.PENDING)
    _unchanged(_post(_message(), peer_key), 403, "not_active")
    Peer.objects.filter(pk=peer.pk).update(status=Peer.Status.ACTIVE)
    pairing.peer_revoke(actor=personas.hub_admin, peer=peer)
    _unchanged(_post(_message(), peer_key), 401, "unknown_key")
    assert PeerKey.objects.get(key_id="saar-1").revoked_at is not None


# --- pairing ---------------------------------------------------------------------------------------------------


def _pair_body(token: str, key: tuple[str, str], **hub: Any) -> bytes:
    profile = {
        "name": "EDIH Saarland",
        "catalogue_ref": "edih-183",
        "country": "DE",
        "base_url": "https://saar.example.eu",
    }
    return outbox.encode({"token": token, "hub": {**profile, **hub}, "key_id": "saar-key", "public_key": key[1]})


def test_an_invitation_pairs_once_and_leaves_the_peer_pending(
    hubs: dict[str, Organisation], personas: Any, own: Organisation
) -> None:
    invitation, token = pairing.invitation_create(actor=personas.hub_admin)
    assert invitation.token_hash != token and len(token) >= 30
    key = signing.generate_key()
    response = _post(_pair_body(token, key), key, key_id="saar-key", path=PAIR)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["hub"]["name"] and answer["hub"]["catalogue_ref"] == own.catalogue_ref
    assert answer["public_key"] == keys.current_key().public_key
    peer = Peer.objects.get(hub=hubs["saar"])
    assert peer.status == Peer.Status.PENDING and peer.base_url == "https://saar.example.eu"
    assert PairingInvitation.objects.get().used_at is not None
    again = _post(_pair_body(token, key), key, key_id="saar-key", path=PAIR)
    assert again.status_code == 403 and again.json()["code"] == "used_token"
    assert Peer.objects.count() == 1


def test_pairing_refuses_an_expired_or_unknown_token_and_an_unknown_hub(
    hubs: dict[str, Organisation], personas: Any
) -> None:
    key = signing.generate_key()
    invitation, token = pairing.invitation_create(actor=personas.hub_admin)
    unknown = _post(
        _pair_body(token, key, name="Nowhere Hub", catalogue_ref="edih-999"), key, key_id="saar-key", path=PAIR
    )
    assert unknown.status_code == 403 and unknown.json()["code"] == "unknown_hub"
    wrong = _post(_pair_body("not-the-token", key), key, key_id="saar-key", path=PAIR)
    assert wrong.status_code == 403 and wrong.json()["code"] == "bad_token"
    PairingInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = _post(_pair_body(token, key), key, key_id="saar-key", path=PAIR)
    assert expired.status_code == 403 and expired.json()["code"] == "expired_token"
    signed_by_another = _post(_pair_body(token, key), signing.generate_key(), key_id="saar-key", path=PAIR)
    assert signed_by_another.status_code == 401
    assert not Peer.objects.exists()


def test_plain_http_is_refused_unless_the_setting_allows_it(settings: Any) -> None:
    settings.MOSELLE_FEDERATION_ALLOW_HTTP = False
    with pytest.raises(ValidationError) as refused:
        outbox.check_address("http://peer.example.eu")
    assert "base_url" in refused.value.message_dict
    assert outbox.check_address("https://peer.example.eu/") == "https://peer.example.eu"
    settings.MOSELLE_FEDERATION_ALLOW_HTTP = True
    assert outbox.check_address("http://127.0.0.1:8001") == "http://127.0.0.1:8001"


def test_confirming_the_right_fingerprint_activates_the_peer_and_sends_the_catalogue(
    peer: Peer, peer_key: tuple[str, str], personas: Any
) -> None:
    Peer.objects.filter(pk=peer.pk).update(status=Peer.Status.PENDING)
    peer.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        pairing.peer_confirm(actor=personas.hub_admin, peer=peer, fingerprint="0000 " * 16)
    assert "fingerprint" in refused.value.message_dict
    assert Peer.objects.get(pk=peer.pk).status == Peer.Status.PENDING
    spoken = signing.fingerprint(peer_key[1]).lower().replace(" ", "")
    pairing.peer_confirm(actor=personas.hub_admin, peer=peer, fingerprint=spoken)
    assert Peer.objects.get(pk=peer.pk).status == Peer.Status.ACTIVE
    sent = set(Envelope.objects.filter(peer=peer, direction=Envelope.Direction.OUT).values_list("type", flat=True))
    assert sent == {"hub_profile", "offers"}


def test_an_undelivered_message_is_retried_later_and_later(peer: Peer, settings: Any) -> None:
    settings.MOSELLE_FEDERATION_RETRY_BASE_SECONDS = 30
    settings.MOSELLE_FEDERATION_TIMEOUT_SECONDS = 1
    Peer.objects.filter(pk=peer.pk).update(base_url="https://127.0.0.1:9")  # nothing listens there
    peer.refresh_from_db()
    envelope = Envelope.objects.create(
        hub=peer.hub,
        transport="federation",
        peer=peer,
        direction="out",
        type="hub_profile",
        status="queued",
        next_attempt_at=timezone.now(),
    )
    assert outbox.deliver.call(envelope.pk) == "retry"
    envelope.refresh_from_db()
    first = envelope.next_attempt_at - timezone.now()
    assert envelope.attempts == 1 and envelope.status == "queued" and envelope.last_error
    assert timedelta(seconds=25) < first <= timedelta(seconds=30)
    assert outbox.deliver.call(envelope.pk) == "skipped"  # not due yet
    Envelope.objects.filter(pk=envelope.pk).update(next_attempt_at=timezone.now())
    outbox.deliver.call(envelope.pk)
    envelope.refresh_from_db()
    assert envelope.attempts == 2
    assert timedelta(seconds=55) < envelope.next_attempt_at - timezone.now() <= timedelta(seconds=60)


# --- a referral received ----------------------------------------------------------------------------------------


def _referral_message(number: int = 41) -> dict[str, Any]:
    return {
        "referral": number,
        "note": "A vision system to check welds.",
        "shared": ["profile", "contact", "need"],
        "file": {
            "profile": {"name": "Soudure Moderne SARL", "country": "DE", "website": "https://soudure.example"},
            "contact": {"name": "Eva Schmitt", "email": "eva@soudure.example"},
            "need": {"title": "Automatic inspection of welds", "description": "Camera and AI on the line."},
        },
    }


def _receive(peer: Peer, kind: str, payload: dict[str, Any], capture: Any) -> Envelope:
    envelope = Envelope.objects.create(
        hub=peer.hub, transport="federation", peer=peer, direction="in", type=kind, payload=payload, status="received"
    )
    with capture(execute=True):
        messages.process.call(envelope.pk)
    envelope.refresh_from_db()
    return envelope


def test_a_referral_received_opens_a_case_and_a_referral_whose_answers_travel_back(
    peer: Peer, personas: Any, own: Organisation, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    received = _receive(peer, "referral", _referral_message(), django_capture_on_commit_callbacks)
    assert received.status == Envelope.Status.PROCESSED, received.last_error
    referral = Referral.objects.select_related("case", "consent", "organisation").get(pk=received.referral_id)
    assert referral.recipient == own
    assert referral.organisation.name == "Soudure Moderne SARL" and referral.organisation.country == "DE"
    assert referral.case.origin == Case.Origin.HUB and referral.case.organisation == referral.organisation
    assert (
        referral.consent.purpose == Consent.Purpose.SHARE_WITH_HUB and referral.consent.email == "eva@soudure.example"
    )
    assert referral.shared == ["profile", "contact", "need"]
    assert referral.collaboration.hubs.get() == peer.hub  # received from another hub: a collaboration
    page = client_for(personas.hub_advisor).get(f"/network/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "Camera and AI on the line." in page.content.decode()  # the file as the peer sent it
    journeys.referral_move(actor=personas.hub_advisor, referral=referral, status="accepted")
    back = Envelope.objects.filter(peer=peer, direction="out", type="referral_status").get()
    assert back.payload == {"referral": 41, "status": "accepted", "note": ""}
    # Withdrawn at the sending hub: withdrawn here, the consent recorded as withdrawn, the file forgotten.
    withdrawn = _receive(peer, "referral_withdrawn", {"referral": 41}, django_capture_on_commit_callbacks)
    assert withdrawn.status == Envelope.Status.PROCESSED, withdrawn.last_error
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN and referral.consent.given is False
    assert Envelope.objects.get(pk=received.pk).payload == {"referral": 41}


def test_an_answer_to_a_referral_sent_moves_it_here(
    peer: Peer, personas: Any, org_a: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    company = org_a
    referral = journeys.referral_propose(actor=personas.hub_advisor, organisation=company, recipient=peer.hub)
    member = personas.a["company_member"]
    journeys.referral_consent(actor=member, referral=referral, shared=["profile", "need"])
    sent = Envelope.objects.get(peer=peer, direction="out", type="referral")
    assert sent.payload["referral"] == referral.pk and sent.payload["file"]["profile"]["name"] == company.display_name
    assert "contact" not in sent.payload["shared"] and sent.payload["file"]["contact"] is None
    answer = _receive(
        peer,
        "referral_status",
        {"referral": referral.pk, "status": "accepted", "note": ""},
        django_capture_on_commit_callbacks,
    )
    assert answer.status == Envelope.Status.PROCESSED, answer.last_error
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    # The move came from the other hub: nothing is sent back to it about it.
    assert not Envelope.objects.filter(peer=peer, direction="out", type="referral_status").exists()
    # An answer about a referral never sent to this peer is refused, and the sender is told.
    stray = _receive(
        peer, "referral_status", {"referral": 999999, "status": "done"}, django_capture_on_commit_callbacks
    )
    assert stray.status == Envelope.Status.FAILED and "no referral" in stray.last_error
    acks = Envelope.objects.filter(peer=peer, direction="out", type="ack")
    assert {a.payload["id"]: bool(a.payload["error"]) for a in acks} == {
        str(answer.message_id): False,
        str(stray.message_id): True,
    }


def test_an_ack_marks_the_message_acknowledged(peer: Peer, django_capture_on_commit_callbacks: Any) -> None:
    sent = Envelope.objects.create(
        hub=peer.hub, transport="federation", peer=peer, direction="out", type="hub_profile", status="delivered"
    )
    _receive(peer, "ack", {"id": str(sent.message_id), "error": ""}, django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    assert sent.status == Envelope.Status.ACKNOWLEDGED and sent.acknowledged_at is not None
    assert not Envelope.objects.filter(direction="out", type="ack").exists()  # an ack is not acknowledged


def test_offers_received_replace_the_peers_catalogue(peer: Peer, django_capture_on_commit_callbacks: Any) -> None:
    first = {
        "offers": [{"id": 1, "title": {"en": "Weld inspection"}, "kind": "service"}, {"id": 2, "title": {"en": "HPC"}}]
    }
    _receive(peer, "offers", first, django_capture_on_commit_callbacks)
    assert sorted(peer.offers.values_list("remote_id", flat=True)) == [1, 2]
    second = {"offers": [{"id": 2, "title": {"en": "HPC hours"}, "url": "javascript:alert(1)"}]}
    _receive(peer, "offers", second, django_capture_on_commit_callbacks)
    offers = list(peer.offers.all())
    assert [(o.remote_id, o.title["en"], o.url) for o in offers] == [(2, "HPC hours", "")]


def test_a_rotated_key_is_announced_signed_with_the_old_one(peer: Peer, personas: Any) -> None:
    old = keys.current_key()
    new = keys.rotate_key(actor=personas.hub_admin)
    assert new.key_id != old.key_id and new.current
    old.refresh_from_db()
    assert not old.current and old.retired_at is not None
    note = Envelope.objects.get(peer=peer, type="key_rotated")
    assert note.signed_with == old.key_id and note.payload == {"key_id": new.key_id, "public_key": new.public_key}
    assert json.loads(outbox.encode(note.payload))["public_key"] == new.public_key


def test_a_paired_hub_gets_its_referrals_through_the_federation_not_by_email(
    peer: Peer, personas: Any, org_a: Organisation
) -> None:
    from moselle.network.referrals import referral_send_by_email

    referral = journeys.referral_propose(actor=personas.hub_advisor, organisation=org_a, recipient=peer.hub)
    journeys.referral_consent(actor=personas.a["company_member"], referral=referral, shared=["profile"])
    with pytest.raises(ValidationError) as refused:
        referral_send_by_email(actor=personas.hub_advisor, referral=referral, email="contact@saar.example")
    assert "paired" in refused.value.message_dict["referral"][0]
    assert not Envelope.objects.filter(transport="email").exists()


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("offers", {"offers": [{"id": "9" * 40, "technologies": 5, "title": "x"}, {"id": {}}, "x"]}),
        ("offers", {"offers": "all of them"}),
        ("referral", {"referral": 7, "shared": 5, "file": "x"}),
        ("referral", {"referral": 7, "shared": ["profile"], "file": {"profile": "x", "need": []}}),
        ("referral_status", {"referral": {}, "status": 5}),
        ("referral_status", {"referral": 10**30, "status": "done"}),
        ("referral_withdrawn", {"referral": [1]}),
        ("erasure", {"email": ["a@b.c"]}),
        ("key_rotated", {"key_id": 5, "public_key": None}),
        ("hub_profile", {"name": {"x": 1}}),
        ("ack", {"id": 12}),
    ],
)
def test_a_malformed_message_fails_with_its_reason_and_stops_nothing(
    peer: Peer, kind: str, payload: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    envelope = _receive(peer, kind, payload, django_capture_on_commit_callbacks)
    assert envelope.status in (Envelope.Status.FAILED, Envelope.Status.PROCESSED)
    if envelope.status == Envelope.Status.FAILED:
        assert envelope.last_error
        if kind != "ack":
            ack = Envelope.objects.get(direction="out", type="ack")
            assert ack.payload == {"id": str(envelope.message_id), "error": envelope.last_error}
    assert not Referral.objects.exists()


def test_an_erasure_request_forgets_only_what_came_from_that_peer(
    peer: Peer, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from moselle.accounts.actions import consent_record

    received = _receive(peer, "referral", _referral_message(), django_capture_on_commit_callbacks)
    bystander = consent_record(
        actor=None, email="eva@soudure.example", purpose="marketing", given=True, method="web", scope="newsletter"
    )
    _receive(peer, "erasure", {"email": "eva@soudure.example"}, django_capture_on_commit_callbacks)
    referral = Referral.objects.select_related("consent").get(pk=received.referral_id)
    assert referral.consent.email.endswith("@erased.invalid")
    assert Envelope.objects.get(pk=received.pk).payload == {"referral": 41}
    bystander.refresh_from_db()
    assert bystander.email == "eva@soudure.example"  # not the peer's to erase


def test_a_new_key_is_taken_only_from_the_newest_key_which_is_then_retired(
    peer: Peer, peer_key: tuple[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    _private, new_public = signing.generate_key()
    forged = Envelope.objects.create(
        hub=peer.hub,
        transport="federation",
        peer=peer,
        direction="in",
        type="key_rotated",
        status="received",
        payload={"key_id": "saar-2", "public_key": new_public},
        signed_with="someone-else",
    )
    with django_capture_on_commit_callbacks(execute=True):
        messages.process.call(forged.pk)
    forged.refresh_from_db()
    assert forged.status == Envelope.Status.FAILED and not PeerKey.objects.filter(key_id="saar-2").exists()
    genuine = Envelope.objects.create(
        hub=peer.hub,
        transport="federation",
        peer=peer,
        direction="in",
        type="key_rotated",
        status="received",
        payload={"key_id": "saar-2", "public_key": new_public},
        signed_with="saar-1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        messages.process.call(genuine.pk)
    old = PeerKey.objects.get(key_id="saar-1")
    assert PeerKey.objects.get(key_id="saar-2").peer == peer
    assert old.revoked_at is not None and old.revoked_at > timezone.now()  # still valid for messages in flight
    assert _post(_message(), peer_key).status_code == 202
    PeerKey.objects.filter(pk=old.pk).update(revoked_at=timezone.now() - timedelta(seconds=1))
    assert _post(_message(), peer_key).status_code == 401


def test_a_message_the_peer_will_never_take_fails_and_the_next_one_goes(peer: Peer, monkeypatch: Any) -> None:
    answers = iter([(413, b'{"code": "too_large"}'), (202, b"{}")])
    monkeypatch.setattr(outbox, "post", lambda url, body, key: next(answers))
    first = outbox.queue(peer, "offers", {"offers": []})
    second = outbox.queue(peer, "hub_profile", {})
    assert outbox.deliver.call(second.pk) == "skipped"  # the older one goes first
    assert outbox.deliver.call(first.pk) == "failed"
    first.refresh_from_db()
    assert first.status == Envelope.Status.FAILED and first.last_error.startswith("HTTP 413")
    second.refresh_from_db()
    assert second.status == Envelope.Status.DELIVERED  # sent at once after the one that failed


def test_referrals_consented_before_the_pairing_is_confirmed_leave_on_confirmation(
    peer: Peer, peer_key: tuple[str, str], personas: Any, org_a: Organisation
) -> None:
    Peer.objects.filter(pk=peer.pk).update(status=Peer.Status.PENDING)
    referral = journeys.referral_propose(actor=personas.hub_advisor, organisation=org_a, recipient=peer.hub)
    journeys.referral_consent(actor=personas.a["company_member"], referral=referral, shared=["profile"])
    assert not Envelope.objects.filter(type="referral").exists()
    peer.refresh_from_db()
    pairing.peer_confirm(actor=personas.hub_admin, peer=peer, fingerprint=signing.fingerprint(peer_key[1]))
    sent = Envelope.objects.get(type="referral", direction="out")
    assert sent.referral == referral and sent.peer == peer
    assert referral.collaboration.hubs.get() == peer.hub  # a referral abroad counts as a collaboration


def test_a_fingerprint_with_more_characters_is_not_the_fingerprint(
    peer: Peer, peer_key: tuple[str, str], personas: Any
) -> None:
    Peer.objects.filter(pk=peer.pk).update(status=Peer.Status.PENDING)
    peer.refresh_from_db()
    with pytest.raises(ValidationError):
        pairing.peer_confirm(actor=personas.hub_admin, peer=peer, fingerprint=signing.fingerprint(peer_key[1]) + "00")
    assert Peer.objects.get(pk=peer.pk).status == Peer.Status.PENDING


def test_a_revoked_peer_can_pair_again_with_the_same_key(
    hubs: dict[str, Organisation], personas: Any, peer: Peer, peer_key: tuple[str, str]
) -> None:
    pairing.peer_revoke(actor=personas.hub_admin, peer=peer)
    _invitation, token = pairing.invitation_create(actor=personas.hub_admin)
    body = outbox.encode(
        {
            "token": token,
            "hub": {
                "name": "EDIH Saarland",
                "catalogue_ref": "edih-183",
                "country": "DE",
                "base_url": "https://saar.example.eu",
            },
            "key_id": "saar-1",
            "public_key": peer_key[1],
        }
    )
    response = _post(body, peer_key, path=PAIR)
    assert response.status_code == 200, response.content
    again = Peer.objects.exclude(pk=peer.pk).get()
    assert again.status == Peer.Status.PENDING and PeerKey.objects.get(key_id="saar-1").peer == again


def test_nothing_is_sent_to_a_revoked_peer(peer: Peer, personas: Any, org_a: Organisation, monkeypatch: Any) -> None:
    sent: list[str] = []
    monkeypatch.setattr(outbox, "post", lambda url, body, key: sent.append(url) or (202, b"{}"))
    queued = outbox.queue(peer, "hub_profile", {})
    pairing.peer_revoke(actor=personas.hub_admin, peer=peer)
    assert outbox.deliver.call(queued.pk) == "failed"
    queued.refresh_from_db()
    assert queued.status == Envelope.Status.FAILED and queued.last_error == "peer revoked" and sent == []
    # A referral consented now has no live peer to travel to: nothing is queued for the revoked one.
    referral = journeys.referral_propose(actor=personas.hub_advisor, organisation=org_a, recipient=peer.hub)
    journeys.referral_consent(actor=personas.a["company_member"], referral=referral, shared=["profile"])
    assert not Envelope.objects.filter(type="referral").exists()
