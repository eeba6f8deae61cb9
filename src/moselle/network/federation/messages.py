"""What travels between paired instances, and what each side does with it. Nothing else leaves an instance.

| type | sent when | the receiver |
|---|---|---|
| ``hub_profile`` | a peer is activated, and when the catalogue changes | keeps it on the peer |
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
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from moselle.core import audit
from moselle.core.ids import row_id
from moselle.journeys.models import Referral
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


def send_waiting_referrals(peer: Peer) -> int:
    """The open referrals to the peer's hub that the company consented to before the pairing became active:
    they leave now."""
    from moselle.journeys.actions.referrals import OPEN, consent_given
    from moselle.journeys.models import Referral as JourneyReferral

    sent = Envelope.objects.filter(peer=peer, direction=Envelope.Direction.OUT, type="referral").values("referral")
    waiting = (
        JourneyReferral.objects.filter(recipient_id=peer.hub_id, status__in=OPEN, consent__given=True)
        .exclude(pk__in=sent)
        .select_related("consent")
        .order_by("id")
    )
    count = 0
    for referral in waiting:
        if consent_given(referral):
            on_referral_change(referral, "shared", None)
            count += 1
    return count


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
            from moselle.network.referrals import record_collaboration

            record_collaboration(referral, actor)
        elif change in ("consent_withdrawn", "withdrawn"):
            outbox.queue(peer, "referral_withdrawn", {"referral": referral.pk}, referral_id=referral.pk)
        return
    origin = received_referral(referral.pk)
    if origin is not None and origin.peer is not None and change in ("accepted", "declined", "in_progress", "done"):
        notes = {"done": referral.outcome, "declined": referral.decline_reason}
        outbox.queue(
            origin.peer,
            "referral_status",
            {"referral": origin.payload.get("referral"), "status": change, "note": notes.get(change, "")},
            referral_id=referral.pk,
        )


def peers_holding(email: str) -> list[Peer]:
    """The active peers this instance sent the person to in a referral: the company shared its contact person
    and the person is that contact. Read before this instance forgets the person."""
    sent = Envelope.objects.filter(
        direction=Envelope.Direction.OUT, type="referral", transport=Envelope.Transport.FEDERATION
    ).select_related("peer", "referral__consent")
    found: dict[int, Peer] = {}
    for envelope in sent:
        peer, referral = envelope.peer, envelope.referral
        if peer is None or peer.pk in found or peer.status != Peer.Status.ACTIVE or referral is None:
            continue
        consent = referral.consent
        if "contact" in referral.shared and consent is not None and consent.email.lower() == email.lower():
            found[peer.pk] = peer
    return list(found.values())


def ask_to_erase(peers: list[Peer], email: str) -> None:
    for peer in peers:
        outbox.queue(peer, "erasure", {"email": email})


# --- what this instance does with what it receives -----------------------------------------------------------
# A peer's payload is read defensively: every value is checked for its type and size before use.


def _text(value: Any, limit: int) -> str:
    return value.replace("\x00", "")[:limit] if isinstance(value, str) else ""


def _texts(value: Any, limit: int) -> dict[str, str]:
    """Text per language, for the three languages of the platform only."""
    if not isinstance(value, dict):
        return {}
    return {lang: _text(value.get(lang), limit) for lang in ("en", "fr", "de") if _text(value.get(lang), limit)}


def _words(value: Any, limit: int, count: int) -> list[str]:
    return [_text(item, limit) for item in value if _text(item, limit)][:count] if isinstance(value, list) else []


def _number(value: Any, field: str) -> int:
    found = row_id(value) if isinstance(value, int | str) else None
    if found is None:
        raise ValidationError({field: "not a referral number"})
    return found


def _hub_profile(peer: Peer, envelope: Envelope) -> None:
    peer.profile = {key: str(envelope.payload.get(key) or "")[:2000] for key in (*PROFILE_KEYS, "base_url")}
    peer.save(update_fields=["profile"])


def _offers(peer: Peer, envelope: Envelope) -> None:
    rows = envelope.payload.get("offers")
    if not isinstance(rows, list):
        raise ValidationError({"offers": "not a list"})
    kept: list[int] = []
    for row in rows[:2000]:
        remote_id = row_id(row.get("id")) if isinstance(row, dict) and isinstance(row.get("id"), int | str) else None
        if remote_id is None or not isinstance(row, dict):
            continue
        kept.append(remote_id)
        url = _text(row.get("url"), 500)
        RemoteOffer.objects.update_or_create(
            peer=peer,
            remote_id=remote_id,
            defaults={
                "kind": _text(row.get("kind"), 20),
                "title": _texts(row.get("title"), 300),
                "description": _texts(row.get("description"), 4000),
                "provider": _text(row.get("provider"), 200),
                "technologies": _words(row.get("technologies"), 100, 40),
                "languages": _words(row.get("languages"), 2, 10),
                "countries": _words(row.get("countries"), 2, 60),
                # Only a link into the peer's own platform: a message cannot send readers elsewhere.
                "url": url if url.startswith(peer.base_url.rstrip("/") + "/") else "",
            },
        )
    RemoteOffer.objects.filter(peer=peer).exclude(remote_id__in=kept).delete()


def _referral(peer: Peer, envelope: Envelope) -> None:
    from moselle.network.federation.received import open_received_referral

    envelope.referral = open_received_referral(peer, envelope.payload)
    envelope.save(update_fields=["referral"])


def _referral_status(peer: Peer, envelope: Envelope) -> None:
    from moselle.journeys.actions.referrals import HubAbroad, referral_move

    sent = (
        Envelope.objects.filter(
            peer=peer,
            direction=Envelope.Direction.OUT,
            type="referral",
            referral_id=_number(envelope.payload.get("referral"), "referral"),
        )
        .select_related("referral")
        .first()
    )
    if sent is None or sent.referral is None:
        raise ValidationError({"referral": "no referral was sent to this peer under that number"})
    status = _text(envelope.payload.get("status"), 20)
    referral: Referral = sent.referral
    if referral.status == status:
        return
    referral_move(
        actor=HubAbroad(organisation_id=peer.hub_id),
        referral=referral,
        status=status,
        note=_text(envelope.payload.get("note"), 3000),
    )


def _referral_withdrawn(peer: Peer, envelope: Envelope) -> None:
    from moselle.network.federation.received import withdraw_received_referral

    number = _number(envelope.payload.get("referral"), "referral")
    received = Envelope.objects.filter(
        peer=peer, direction=Envelope.Direction.IN, type="referral", payload__referral=number
    ).first()
    if received is None or received.referral_id is None:
        raise ValidationError({"referral": "no referral came from this peer under that number"})
    withdraw_received_referral(peer, received)


def _erasure(peer: Peer, envelope: Envelope) -> None:
    """Forget a person the peer sent here: in what came from that peer only (its messages, the consents
    recorded for its referrals). Anyone else of that address on this instance is left alone; the hub's manager
    erases them on request. The answer is the same whether or not the address is known here."""
    from moselle.accounts.models import Consent

    email = _text(envelope.payload.get("email"), 254).strip()
    if "@" not in email:
        raise ValidationError({"email": "no address to erase"})
    from_peer = Envelope.objects.filter(peer=peer, direction=Envelope.Direction.IN).exclude(pk=envelope.pk)
    for received in from_peer:
        if email.lower() in str(received.payload).lower():
            number = received.payload.get("referral") if received.type == "referral" else None
            received.payload = {"referral": number} if number is not None else {}
            received.save(update_fields=["payload"])
    referral_ids = from_peer.filter(type="referral", referral__isnull=False).values("referral")
    consents = Consent.objects.filter(email__iexact=email).filter(
        Q(pk__in=Referral.objects.filter(pk__in=referral_ids).values("consent"))
        | Q(scope__startswith=f"given at {peer.hub.name}")
    )
    for consent in consents:
        consent.email = f"erased-{consent.pk}@erased.invalid"
        consent.save(update_fields=["email"])
    envelope.payload = {}
    envelope.save(update_fields=["payload"])
    audit.record(actor=None, action="federation.erasure", target=peer, actor_kind="peer")


KEY_GRACE = timedelta(hours=1)  # messages signed with the old key still in flight


def _key_rotated(peer: Peer, envelope: Envelope) -> None:
    """The peer's new key, announced with its newest key, which is retired after a grace period: a key
    stolen earlier cannot announce keys of its own, and stops working."""
    from moselle.network.federation import signing

    newest = peer.keys.filter(revoked_at__isnull=True).order_by("-added_at", "-id").first()
    if newest is None or newest.key_id != envelope.signed_with:
        raise ValidationError({"key_id": "a new key is announced with the peer's newest key only"})
    key_id = _text(envelope.payload.get("key_id"), 64)
    public_key = _text(envelope.payload.get("public_key"), 64)
    signing.fingerprint(public_key)  # refuses a malformed key
    if not key_id or PeerKey.objects.filter(key_id=key_id).exists():
        raise ValidationError({"key_id": "missing, or already known here"})
    PeerKey.objects.create(peer=peer, key_id=key_id, public_key=public_key)
    PeerKey.objects.filter(pk=newest.pk).update(revoked_at=timezone.now() + KEY_GRACE)
    audit.record(actor=None, action="federation.peer_key_rotated", target=peer, actor_kind="peer")


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
        except Exception as problem:  # a peer's message, however malformed, must not stop the worker or tick
            error = (str(problem) or type(problem).__name__)[:300]
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
