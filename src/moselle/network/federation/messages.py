"""What travels between paired instances, and what each side does with it. Nothing else leaves an instance.

| type | sent when | the receiver |
|---|---|---|
| ``hub_profile`` | a peer is activated, and when the hub's profile or catalogue changes | keeps it on the peer |
| ``offers`` | the same: the published offers, whole | replaces the peer's offers (shown in matching) |
| ``referral`` | the company consents to share its file with a paired hub | opens a case and a referral to itself |
| ``referral_status`` | the receiving hub moves that referral | moves the original the same way |
| ``referral_withdrawn`` | the company withdraws the referral or its consent | withdraws it and forgets the file |
| ``erasure`` | a person is erased at the sender | erases that person's data received |
| ``key_rotated`` | the sender rotated its key (signed with the old one) | trusts the new key |
| ``ack`` | the receiver acted on any other message | marks the sent message acknowledged |
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from moselle.network.federation import outbox
from moselle.network.models import Envelope, Peer, PeerKey, RemoteOffer

log = logging.getLogger("moselle.federation")
PROFILE_KEYS = ("name", "catalogue_ref", "country", "website", "description")


def _plain(value: Any) -> Any:
    """JSON-ready copy of a shared file's parts (dataclasses, dates, decimals)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- what this instance sends -------------------------------------------------------------------------------


def own_profile() -> dict[str, Any]:
    from moselle.organisations.access import own_hub

    hub = own_hub()
    if hub is None:
        return {}
    organisation = hub.organisation
    return {
        "name": hub.edih_name or organisation.name,
        "catalogue_ref": organisation.catalogue_ref,
        "country": organisation.country,
        "website": organisation.website,
        "description": organisation.description[:2000],
        "base_url": settings.SITE_URL,
    }


def published_offers() -> list[dict[str, Any]]:
    from moselle.catalogue.models import Offer

    offers = Offer.objects.filter(status=Offer.Status.PUBLISHED).select_related("provider")
    if not settings.MOSELLE_DEMO:
        offers = offers.filter(is_demo=False)
    return [
        {
            "id": offer.pk,
            "kind": offer.kind,
            "title": dict(offer.title or {}),
            "description": {lang: str(text)[:4000] for lang, text in dict(offer.description or {}).items()},
            "provider": offer.provider.display_name,
            "technologies": sorted(offer.technologies.values_list("name", flat=True)),
            "languages": list(offer.languages or []),
            "countries": list(offer.countries or []),
            "url": f"{settings.SITE_URL}/catalogue/{offer.pk}/",
        }
        for offer in offers.prefetch_related("technologies").order_by("id")[:2000]
    ]


def share_catalogue(peer: Peer) -> None:
    """Queue this hub's profile and published offers to ``peer``."""
    from moselle.catalogue.models import CatalogueVersion

    number = CatalogueVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    outbox.queue(peer, "hub_profile", own_profile())
    outbox.queue(peer, "offers", {"offers": published_offers()})
    Peer.objects.filter(pk=peer.pk).update(catalogue_sent=number)


def share_changed_catalogues() -> int:
    """Send the catalogue again to every active peer that has an older one (run by ``tick``)."""
    from moselle.catalogue.models import CatalogueVersion

    number = CatalogueVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    sent = 0
    for peer in Peer.objects.filter(status=Peer.Status.ACTIVE).exclude(catalogue_sent=number).order_by("id"):
        with transaction.atomic():
            share_catalogue(peer)
        sent += 1
    return sent


def live_peer(organisation_id: int) -> Peer | None:
    return Peer.objects.filter(hub_id=organisation_id, status=Peer.Status.ACTIVE).first()


def received_referral(referral_id: int) -> Envelope | None:
    """The message a referral here came in with, from a peer."""
    return (
        Envelope.objects.select_related("peer")
        .filter(referral_id=referral_id, direction=Envelope.Direction.IN, type="referral")
        .first()
    )


def on_referral_change(referral: Any, change: str, actor: Any) -> None:
    """Told by the journey after a referral changed: what a paired hub should hear of it travels."""
    from moselle.journeys.actions.referrals import HubAbroad
    from moselle.journeys.sharing import shared_file

    if isinstance(actor, HubAbroad):
        return  # the change came from the other hub: nothing to send back
    peer = live_peer(referral.recipient_id)
    if peer is not None:
        if change == "shared":
            outbox.queue(
                peer,
                "referral",
                {
                    "referral": referral.pk,
                    "note": referral.note,
                    "shared": list(referral.shared),
                    "file": _plain(shared_file(referral)),
                    "consented_at": referral.consent.at.isoformat() if referral.consent else "",
                },
                referral_id=referral.pk,
            )
        elif change in ("consent_withdrawn", "withdrawn"):
            outbox.queue(peer, "referral_withdrawn", {"referral": referral.pk}, referral_id=referral.pk)
        return
    origin = received_referral(referral.pk)
    if origin is not None and origin.peer is not None and change in ("accepted", "declined", "in_progress", "done"):
        last = referral.moves.order_by("-at", "-id").first()
        outbox.queue(
            origin.peer,
            "referral_status",
            {"referral": origin.payload.get("referral"), "status": change, "note": last.note if last else ""},
            referral_id=referral.pk,
        )


def peers_holding(email: str) -> list[Peer]:
    """The active peers this instance sent the person's data to in a referral: the person consented to it (the
    referral's consent names them) or is in what was sent. Read before this instance forgets the person."""
    sent = Envelope.objects.filter(
        direction=Envelope.Direction.OUT, type="referral", transport=Envelope.Transport.FEDERATION
    ).select_related("peer", "referral__consent")
    found: dict[int, Peer] = {}
    for envelope in sent:
        peer = envelope.peer
        if peer is None or peer.pk in found or peer.status != Peer.Status.ACTIVE:
            continue
        consent = envelope.referral.consent if envelope.referral is not None else None
        if (consent is not None and consent.email.lower() == email.lower()) or email.lower() in str(
            envelope.payload
        ).lower():
            found[peer.pk] = peer
    return list(found.values())


def ask_to_erase(peers: list[Peer], email: str) -> None:
    for peer in peers:
        outbox.queue(peer, "erasure", {"email": email})


# --- what this instance does with what it receives -----------------------------------------------------------


def _hub_profile(peer: Peer, envelope: Envelope) -> None:
    peer.profile = {key: str(envelope.payload.get(key) or "")[:2000] for key in (*PROFILE_KEYS, "base_url")}
    peer.save(update_fields=["profile"])


def _offers(peer: Peer, envelope: Envelope) -> None:
    rows = envelope.payload.get("offers")
    if not isinstance(rows, list):
        raise ValidationError({"offers": "not a list"})
    kept: list[int] = []
    for row in rows[:2000]:
        if not isinstance(row, dict) or not str(row.get("id", "")).isdecimal():
            continue
        remote_id = int(row["id"])
        kept.append(remote_id)

        def texts(value: Any, limit: int) -> dict[str, str]:
            if not isinstance(value, dict):
                return {}
            return {str(k)[:2]: str(v)[:limit] for k, v in value.items() if str(k)[:2] in ("en", "fr", "de")}

        RemoteOffer.objects.update_or_create(
            peer=peer,
            remote_id=remote_id,
            defaults={
                "kind": str(row.get("kind") or "")[:20],
                "title": texts(row.get("title"), 300),
                "description": texts(row.get("description"), 4000),
                "provider": str(row.get("provider") or "")[:200],
                "technologies": [str(t)[:100] for t in (row.get("technologies") or [])][:40],
                "languages": [str(t)[:2] for t in (row.get("languages") or [])][:10],
                "countries": [str(t)[:2] for t in (row.get("countries") or [])][:60],
                "url": str(row.get("url") or "")[:500] if str(row.get("url") or "").startswith("http") else "",
            },
        )
    RemoteOffer.objects.filter(peer=peer).exclude(remote_id__in=kept).delete()


def _referral(peer: Peer, envelope: Envelope) -> None:
    from moselle.network.federation.received import open_received_referral

    envelope.referral = open_received_referral(peer, envelope.payload)
    envelope.save(update_fields=["referral"])


def _referral_status(peer: Peer, envelope: Envelope) -> None:
    from moselle.journeys.actions.referrals import HubAbroad, referral_move
    from moselle.journeys.models import Referral

    sent = (
        Envelope.objects.filter(
            peer=peer, direction=Envelope.Direction.OUT, type="referral", referral_id=envelope.payload.get("referral")
        )
        .select_related("referral")
        .first()
    )
    if sent is None or sent.referral is None:
        raise ValidationError({"referral": "no referral was sent to this peer under that number"})
    status = str(envelope.payload.get("status") or "")
    referral: Referral = sent.referral
    if referral.status == status:
        return
    referral_move(
        actor=HubAbroad(organisation_id=peer.hub_id),
        referral=referral,
        status=status,
        note=str(envelope.payload.get("note") or "")[:3000],
    )


def _referral_withdrawn(peer: Peer, envelope: Envelope) -> None:
    from moselle.network.federation.received import withdraw_received_referral

    received = Envelope.objects.filter(
        peer=peer, direction=Envelope.Direction.IN, type="referral", payload__referral=envelope.payload.get("referral")
    ).first()
    if received is None or received.referral_id is None:
        raise ValidationError({"referral": "no referral came from this peer under that number"})
    withdraw_received_referral(peer, received)


def _erasure(peer: Peer, envelope: Envelope) -> None:
    from moselle.core import privacy

    email = str(envelope.payload.get("email") or "").strip()
    if not email or "@" not in email:
        raise ValidationError({"email": "no address to erase"})
    person = privacy.find_person(email)
    if person.user_id is not None:
        raise ValidationError({"email": "this person has an account here: the hub's manager decides"})
    privacy.erase_person(person)


def _key_rotated(peer: Peer, envelope: Envelope) -> None:
    from moselle.network.federation import signing

    key_id = str(envelope.payload.get("key_id") or "")[:64]
    public_key = str(envelope.payload.get("public_key") or "")
    signing.fingerprint(public_key)  # refuses a malformed key
    if not key_id:
        raise ValidationError({"key_id": "missing"})
    PeerKey.objects.get_or_create(peer=peer, key_id=key_id, defaults={"public_key": public_key})


def _ack(peer: Peer, envelope: Envelope) -> None:
    """The peer acted on a message (or says why it could not: the message is then marked failed). A referral
    acknowledged keeps only its number: the file it carried is the peer's to keep now, not this outbox's."""
    try:
        message_id = uuid.UUID(str(envelope.payload.get("id") or ""))
    except ValueError:
        raise ValidationError({"id": "not a message id"}) from None
    sent = Envelope.objects.filter(peer=peer, direction=Envelope.Direction.OUT, message_id=message_id).first()
    if sent is None:
        raise ValidationError({"id": "no such message was sent to this peer"})
    error = str(envelope.payload.get("error") or "")[:300]
    sent.acknowledged_at = timezone.now()
    sent.status = Envelope.Status.FAILED if error else Envelope.Status.ACKNOWLEDGED
    sent.last_error = f"the peer could not act on it: {error}"[:300] if error else ""
    if sent.type == "referral" and not error:
        sent.payload = {"referral": sent.payload.get("referral")}
    sent.save(update_fields=["acknowledged_at", "status", "last_error", "payload"])


HANDLERS = {
    "hub_profile": _hub_profile,
    "offers": _offers,
    "referral": _referral,
    "referral_status": _referral_status,
    "referral_withdrawn": _referral_withdrawn,
    "erasure": _erasure,
    "key_rotated": _key_rotated,
    "ack": _ack,
}


@task()
def process(envelope_id: int) -> str:
    """Act on one message received, once, in one transaction with marking it processed and queueing its
    acknowledgement (an ``ack`` is not acknowledged): a worker that dies half-way leaves it received, for the
    next ``tick``. A message that cannot be acted on is marked failed with the reason, and the sender is told."""
    with transaction.atomic():
        claimed = Envelope.objects.filter(
            pk=envelope_id, direction=Envelope.Direction.IN, status=Envelope.Status.RECEIVED
        ).update(status=Envelope.Status.PROCESSED)
        if not claimed:
            return "skipped"
        envelope = Envelope.objects.select_related("peer").get(pk=envelope_id)
        peer = envelope.peer
        assert peer is not None
        error = ""
        try:
            with transaction.atomic():
                HANDLERS[envelope.type](peer, envelope)
        except (ValidationError, ValueError, KeyError) as problem:
            error = str(problem)[:300]
            log.warning("federation: message %s from %s not acted on: %s", envelope.message_id, peer.base_url, error)
            Envelope.objects.filter(pk=envelope_id).update(status=Envelope.Status.FAILED, last_error=error)
        if envelope.type != "ack" and peer.status == Peer.Status.ACTIVE:
            outbox.queue(peer, "ack", {"id": str(envelope.message_id), "error": error})
    return "failed" if error else "processed"


def process_left_over() -> int:
    """Act on the messages received more than a minute ago and still waiting (run by ``tick``)."""
    cutoff = timezone.now() - timedelta(minutes=1)
    waiting = Envelope.objects.filter(
        direction=Envelope.Direction.IN, status=Envelope.Status.RECEIVED, created_at__lt=cutoff
    ).order_by("id")
    done = 0
    for pk in list(waiting.values_list("pk", flat=True)[:200]):
        process.call(pk)
        done += 1
    return done
