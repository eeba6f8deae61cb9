"""The outbox: messages to paired instances, each an envelope queued in the transaction that made it, sent by
the task worker once committed, and retried with exponential backoff until the peer's inbox takes it
(delivered). The peer acknowledges a message once it acted on it (``ack``), which marks it acknowledged.

A message is a JSON object ``{"id", "type", "from", "payload"}`` POSTed to ``<peer>/federation/inbox/`` and
signed (``signing.sign``) with this instance's current key, or the key the envelope names (a key rotation is
announced with the retiring key). Plain http is refused unless ``MOSELLE_FEDERATION_ALLOW_HTTP`` is set.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from moselle.network.federation import signing
from moselle.network.models import Envelope, InstanceKey, Peer

log = logging.getLogger("moselle.federation")

INBOX_PATH = "/federation/inbox/"
# Answers that mean the peer will never take the message as it is; anything else is tried again.
PERMANENT = frozenset({400, 404, 405, 410, 413, 415, 422})
MAX_DELAY = timedelta(hours=6)


def check_address(url: str, field: str = "base_url") -> str:
    """A peer's base address: https (http only where the setting allows it), a host, no path beyond '/'."""
    text = str(url or "").strip().rstrip("/")
    parts = urlsplit(text)
    allowed = ("https", "http") if settings.MOSELLE_FEDERATION_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise ValidationError({field: _("A peer is reached over HTTPS: give an address starting with https://.")})
    bad = parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password
    if not parts.hostname or bad:
        raise ValidationError({field: _("Give the peer's address only, e.g. https://moselle.example.eu.")})
    if len(text) > 300:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": 300}})
    return text


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True).encode()


def queue(
    peer: Peer, type: str, payload: dict[str, Any], *, referral_id: int | None = None, sign_with: str = ""
) -> Envelope:
    """Queue a message to ``peer``; it leaves once the transaction commits. Call inside the transaction."""
    envelope = Envelope.objects.create(
        hub_id=peer.hub_id,
        transport=Envelope.Transport.FEDERATION,
        peer=peer,
        direction=Envelope.Direction.OUT,
        type=type,
        payload=payload,
        status=Envelope.Status.QUEUED,
        referral_id=referral_id,
        signed_with=sign_with,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: deliver.enqueue(envelope.pk))
    return envelope


def announce(type: str, payload: dict[str, Any], *, sign_with: InstanceKey | None = None) -> list[Envelope]:
    """Queue the same message to every active peer."""
    return [
        queue(peer, type, payload, sign_with=sign_with.key_id if sign_with else "")
        for peer in Peer.objects.filter(status=Peer.Status.ACTIVE).order_by("id")
    ]


def _key_for(envelope: Envelope) -> InstanceKey:
    from moselle.network.federation.keys import current_key

    if envelope.signed_with:
        found = InstanceKey.objects.filter(key_id=envelope.signed_with).first()
        if found is not None:
            return found
    return current_key()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A peer answers itself: a redirect is its answer (a 3xx), never followed elsewhere with our signature."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, key: InstanceKey) -> tuple[int, bytes]:
    """POST a signed JSON body; the status and body of the answer (0 when no answer came)."""
    headers = signing.sign(method="POST", url=url, body=body, key_id=key.key_id, private_pem=key.private_pem)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked)
    try:
        with _OPENER.open(request, timeout=settings.MOSELLE_FEDERATION_TIMEOUT_SECONDS) as answer:
            return int(answer.status), answer.read(65536)
    except urllib.error.HTTPError as error:
        return int(error.code), error.read(65536)


def _backoff(attempts: int) -> timedelta:
    delay = timedelta(seconds=settings.MOSELLE_FEDERATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_DELAY)


@task()
def deliver(envelope_id: int) -> str:
    """Send one queued message if it is due. Claimed by moving its next attempt past the send's timeout, so that
    two workers never send it at once; a worker that dies leaves it to the next tick. Safe to run twice."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.MOSELLE_FEDERATION_TIMEOUT_SECONDS * 3)
    queued = Envelope.objects.filter(direction=Envelope.Direction.OUT, status=Envelope.Status.QUEUED)
    peer_id = queued.filter(pk=envelope_id).values_list("peer_id", flat=True).first()
    # A peer receives its messages in the order they were made: an older one still queued goes first.
    if peer_id is None or queued.filter(peer_id=peer_id, pk__lt=envelope_id).exists():
        return "skipped"
    claimed = queued.filter(pk=envelope_id, next_attempt_at__lte=now).update(next_attempt_at=lease)
    if not claimed:
        return "skipped"
    envelope = Envelope.objects.select_related("peer").get(pk=envelope_id)
    peer = envelope.peer
    if peer is None or peer.status == Peer.Status.REVOKED:
        Envelope.objects.filter(pk=envelope_id).update(status=Envelope.Status.FAILED, last_error="peer revoked")
        return "failed"
    message = {
        "id": str(envelope.message_id),
        "type": envelope.type,
        "from": settings.SITE_URL,
        "payload": envelope.payload,
    }
    error = ""
    try:
        check_address(peer.base_url)
        status, answer = post(peer.base_url + INBOX_PATH, encode(message), _key_for(envelope))
    except (OSError, ValidationError, ValueError) as problem:
        status, answer, error = 0, b"", str(problem)[:250]
    attempts = envelope.attempts + 1
    if 200 <= status < 300:
        # The peer may have acted on it and acknowledged it already: never step back from acknowledged.
        now = timezone.now()
        Envelope.objects.filter(pk=envelope_id, status=Envelope.Status.QUEUED).update(
            status=Envelope.Status.DELIVERED, delivered_at=now, attempts=attempts, last_error=""
        )
        Envelope.objects.filter(pk=envelope_id, delivered_at__isnull=True).update(delivered_at=now, attempts=attempts)
        following = queued.filter(peer_id=peer_id).order_by("id").values_list("pk", flat=True).first()
        if following is not None:
            Envelope.objects.filter(pk=following, next_attempt_at__gt=now).update(next_attempt_at=now)
            deliver.enqueue(following)
        return "delivered"
    error = error or f"HTTP {status}: {answer[:200].decode(errors='replace')}"
    log.warning("federation: message %s to %s not delivered (%s)", envelope.message_id, peer.base_url, error)
    if status in PERMANENT:
        # The peer will never take this message as it is (too large, of a type it does not know): it fails for
        # good, and the messages after it go on.
        Envelope.objects.filter(pk=envelope_id).update(
            status=Envelope.Status.FAILED, attempts=attempts, last_error=error[:300]
        )
        following = queued.filter(peer_id=peer_id).order_by("id").values_list("pk", flat=True).first()
        if following is not None:
            deliver.enqueue(following)
        return "failed"
    Envelope.objects.filter(pk=envelope_id).update(
        attempts=attempts, last_error=error[:300], next_attempt_at=timezone.now() + _backoff(attempts)
    )
    return "retry"


def retry_due() -> int:
    """Send, for each peer, its oldest queued message if its next attempt has come (run by ``tick``); the
    others follow it in order once it is delivered."""
    queued = Envelope.objects.filter(
        direction=Envelope.Direction.OUT, status=Envelope.Status.QUEUED, transport=Envelope.Transport.FEDERATION
    )
    oldest = queued.values("peer_id").annotate(first=Min("id")).values_list("first", flat=True)
    due = queued.filter(pk__in=list(oldest)).filter(
        Q(next_attempt_at__lte=timezone.now()) | Q(next_attempt_at__isnull=True)
    )
    sent = 0
    for pk in list(due.order_by("id").values_list("pk", flat=True)[:200]):
        Envelope.objects.filter(pk=pk, next_attempt_at__isnull=True).update(next_attempt_at=timezone.now())
        deliver.call(pk)
        sent += 1
    return sent
