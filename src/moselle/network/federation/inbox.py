"""The inbox: ``POST /federation/inbox/``, where paired instances deliver their messages.

A message is taken only when every check passes, in this order: not too large, signed by a key of a peer
(not revoked) with a valid signature over this instance's address and the body's digest, created within the
clock-skew allowance, its nonce not seen before from that key, the peer active (both admins confirmed the
fingerprints), the body a JSON object of a known type. A refusal is logged with its reason and changes
nothing. A message taken is kept once per id (the same id again is answered as a duplicate and not acted on
twice) and acted on by the task worker (``messages.process``), which then acknowledges it to the sender.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from moselle.network.federation import signing
from moselle.network.models import Envelope, Peer, PeerKey, SeenNonce

log = logging.getLogger("moselle.federation")


class Refusal(Exception):
    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


def _refuse(request: HttpRequest, refusal: Refusal) -> JsonResponse:
    log.warning(
        "federation: refused a message from %s: %s (%s)",
        request.META.get("REMOTE_ADDR", "?"),
        refusal.code,
        refusal.reason,
    )
    return JsonResponse({"detail": refusal.reason, "code": refusal.code}, status=refusal.status)


def _public_key_for(key_id: str) -> str | None:
    """A key of a peer not revoked; a rotated key stays valid until its grace period ends."""
    live = Q(revoked_at__isnull=True) | Q(revoked_at__gt=timezone.now())
    key = PeerKey.objects.filter(live, key_id=key_id).exclude(peer__status=Peer.Status.REVOKED).first()
    return key.public_key if key is not None else None


def verified_body(request: HttpRequest, path: str) -> tuple[signing.Verified, bytes]:
    """The body of a signed request to ``path`` and its signature's facts, or a ``Refusal``."""
    limit = settings.MOSELLE_FEDERATION_MAX_BODY
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise Refusal(413, "too_large", f"the body is larger than {limit} bytes")
    body = request.body
    url = settings.SITE_URL + path
    try:
        verified = signing.verify(
            method=request.method or "POST",
            url=url,
            headers=request.headers,
            body=body,
            public_key_for=_public_key_for,
            max_skew=timedelta(seconds=settings.MOSELLE_FEDERATION_CLOCK_SKEW_SECONDS),
            max_body=limit,
        )
    except signing.Refused as refused:
        status = 413 if refused.code == "too_large" else 401
        raise Refusal(status, refused.code, refused.reason) from None
    return verified, body


def read_message(body: bytes) -> tuple[uuid.UUID, str, dict[str, Any]]:
    from moselle.network.federation.messages import HANDLERS

    if b"\\u0000" in body or b"\x00" in body:
        raise Refusal(400, "bad_message", "the message holds a NUL character")
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refusal(400, "bad_json", "the body is not JSON") from None
    if not isinstance(message, dict):
        raise Refusal(400, "bad_message", "the message is not a JSON object")
    try:
        message_id = uuid.UUID(str(message.get("id")))
    except ValueError:
        raise Refusal(400, "bad_message", "the message has no valid id") from None
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in HANDLERS:
        raise Refusal(400, "unknown_type", f"unknown message type {str(kind)[:40]!r}")
    payload = message.get("payload")
    if not isinstance(payload, dict):
        raise Refusal(400, "bad_message", "the payload is not a JSON object")
    return message_id, kind, payload


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> JsonResponse:
    try:
        verified, body = verified_body(request, request.get_full_path())
        key = PeerKey.objects.select_related("peer").get(key_id=verified.key_id)
        peer = key.peer
        if peer.status != Peer.Status.ACTIVE:
            raise Refusal(403, "not_active", "this peer's fingerprint is not confirmed here yet, or it is revoked")
        message_id, kind, payload = read_message(body)
    except Refusal as refusal:
        return _refuse(request, refusal)
    try:
        with transaction.atomic():
            SeenNonce.objects.create(key_id=verified.key_id, nonce=verified.nonce, seen_at=timezone.now())
            if Envelope.objects.filter(peer=peer, direction=Envelope.Direction.IN, message_id=message_id).exists():
                transaction.set_rollback(True)
                return JsonResponse({"status": "duplicate", "id": str(message_id)}, status=200)
            envelope = Envelope.objects.create(
                message_id=message_id,
                hub_id=peer.hub_id,
                transport=Envelope.Transport.FEDERATION,
                peer=peer,
                direction=Envelope.Direction.IN,
                type=kind,
                payload=payload,
                status=Envelope.Status.RECEIVED,
                signed_with=verified.key_id,
            )
            from moselle.network.federation.messages import process

            transaction.on_commit(lambda: process.enqueue(envelope.pk))
    except IntegrityError:
        return _refuse(request, Refusal(409, "replay", "this nonce was already used: a replayed message"))
    return JsonResponse({"status": "received", "id": str(message_id)}, status=202)


def forget_old_nonces() -> int:
    """Nonces older than twice the skew allowance can go: a message that old is refused as stale anyway."""
    cutoff = timezone.now() - timedelta(seconds=2 * settings.MOSELLE_FEDERATION_CLOCK_SKEW_SECONDS)
    deleted, _ = SeenNonce.objects.filter(seen_at__lt=cutoff).delete()
    return int(deleted)
