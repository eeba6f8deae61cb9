"""Pairing two instances, and what a hub manager does with a peer afterwards.

1. Hub A's manager makes an invitation: a single-use token valid ``MOSELLE_FEDERATION_INVITATION_HOURS``
   (only its hash is kept), and gives it with A's address to hub B's manager, by phone or letter.
2. B's manager enters both on B; B sends A a pairing request (``POST <A>/federation/pair/``) with the token,
   B's hub profile and B's public key, signed with that key. A checks the token, finds B's hub in its registry
   (by catalogue row, else by name and country; a hub A does not know is refused), records B as a pending peer
   and answers with its own profile and public key. B records A as a pending peer. Neither key is trusted
   before step 3.
3. Each manager reads the fingerprint of the other's key on their own instance and confirms it matches what
   the other reads out; a peer becomes active on that confirmation. Messages flow only between active peers.
4. A manager may revoke a peer at any time (its messages are refused from then on) and rotate this instance's
   key (``keys.rotate_key``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_admin
from moselle.core import audit
from moselle.network.federation import outbox, signing
from moselle.network.federation.inbox import Refusal, _refuse
from moselle.network.federation.keys import current_key
from moselle.network.models import PairingInvitation, Peer, PeerKey
from moselle.organisations.models import Organisation

PAIR_PATH = "/federation/pair/"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_admin(actor: Any) -> None:
    if not is_hub_admin(actor):
        raise ValidationError({"actor": _("Only the hub manager pairs this platform with other hubs.")})


def invitation_create(*, actor: Any) -> tuple[PairingInvitation, str]:
    """A new invitation and its token, shown once."""
    _require_admin(actor)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        invitation = PairingInvitation.objects.create(
            token_hash=_hash(token),
            expires_at=timezone.now() + timedelta(hours=settings.MOSELLE_FEDERATION_INVITATION_HOURS),
            created_by=actor,
        )
        audit.record(actor=actor, action="federation.invitation_create", target=invitation)
    return invitation, token


def find_hub(profile: dict[str, Any]) -> Organisation | None:
    """The registry's hub a peer says it is: by its catalogue row, else by name and country."""
    hubs = Organisation.objects.filter(kind_rows__kind=Organisation.Kind.HUB, merged_into__isnull=True).distinct()
    ref = str(profile.get("catalogue_ref") or "").strip()
    if ref:
        found = hubs.filter(catalogue_ref=ref).order_by("id").first()
        if found is not None:
            return found
    name = str(profile.get("name") or "").strip()
    country = str(profile.get("country") or "").strip().upper()
    if not name:
        return None
    return hubs.filter(Q(name__iexact=name) | Q(trade_name__iexact=name), country=country).order_by("id").first()


def _record_peer(hub: Organisation, base_url: str, key_id: str, public_key: str) -> Peer:
    signing.fingerprint(public_key)  # a malformed key raises ValueError
    if Peer.objects.filter(hub=hub).exclude(status=Peer.Status.REVOKED).exists():
        raise ValidationError({"peer": _("This hub is already paired: revoke the pairing first to pair again.")})
    known = PeerKey.objects.filter(key_id=key_id[:64]).select_related("peer").first()
    if known is not None and known.peer.status != Peer.Status.REVOKED:
        raise ValidationError({"peer": _("This key is already known here.")})
    peer = Peer.objects.create(hub=hub, base_url=base_url, status=Peer.Status.PENDING)
    if known is not None:  # pairing again after a revocation, with the same key: it is to be confirmed anew
        known.peer, known.public_key, known.revoked_at = peer, public_key, None
        known.save(update_fields=["peer", "public_key", "revoked_at"])
    else:
        PeerKey.objects.create(peer=peer, key_id=key_id[:64], public_key=public_key)
    return peer


def pair_with(*, actor: Any, base_url: Any, token: Any) -> Peer:
    """Pair with the instance at ``base_url`` using the invitation token its manager gave."""
    _require_admin(actor)
    address = outbox.check_address(base_url)
    token = str(token or "").strip()
    if not token or len(token) > 200:
        raise ValidationError({"token": _("Paste the invitation token the other hub's manager gave you.")})
    key = current_key()
    body = outbox.encode({"token": token, "hub": outbox_profile(), "key_id": key.key_id, "public_key": key.public_key})
    try:
        status, answer = outbox.post(address + PAIR_PATH, body, key)
    except (OSError, ValueError) as problem:
        raise ValidationError(
            {"base_url": _("The other platform did not answer: %(error)s") % {"error": problem}}
        ) from None
    try:
        reply = json.loads(answer)
    except ValueError:
        reply = {}
    if status != 200 or not isinstance(reply, dict):
        detail = str(reply.get("detail") if isinstance(reply, dict) else "")[:200]
        raise ValidationError({"token": _("The other platform refused the pairing: %(reason)s") % {"reason": detail}})
    found_profile = reply.get("hub")
    profile: dict[str, Any] = found_profile if isinstance(found_profile, dict) else {}
    hub = find_hub(profile)
    if hub is None:
        raise ValidationError(
            {
                "base_url": _("%(name)s is not a hub of the registry here: register it first.")
                % {"name": profile.get("name")}
            }
        )
    try:
        with transaction.atomic():
            peer = _record_peer(hub, address, str(reply.get("key_id") or ""), str(reply.get("public_key") or ""))
            peer.profile = {k: str(v)[:2000] for k, v in profile.items()}
            peer.save(update_fields=["profile"])
            audit.record(actor=actor, action="federation.pair", target=peer)
    except ValueError:
        raise ValidationError({"base_url": _("The other platform sent a malformed key.")}) from None
    return peer


def outbox_profile() -> dict[str, Any]:
    from moselle.network.federation.messages import own_profile

    return own_profile()


@csrf_exempt
@require_POST
def pair_request(request: HttpRequest) -> JsonResponse:
    """``POST /federation/pair/``: another instance pairs with this one, with a token this hub's manager gave.
    The request is signed with the key it brings; the answer carries this instance's profile and key."""
    body = request.body[: settings.MOSELLE_FEDERATION_MAX_BODY + 1]
    try:
        if len(body) > settings.MOSELLE_FEDERATION_MAX_BODY:
            raise Refusal(413, "too_large", "the body is too large")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Refusal(400, "bad_json", "the body is not JSON") from None
        if not isinstance(data, dict):
            raise Refusal(400, "bad_message", "the body is not a JSON object")
        public_key, key_id = str(data.get("public_key") or ""), str(data.get("key_id") or "")
        try:
            signing.verify(
                method="POST",
                url=settings.SITE_URL + request.get_full_path(),
                headers=request.headers,
                body=body,
                public_key_for=lambda asked: public_key if asked == key_id and key_id else None,
                max_skew=timedelta(seconds=settings.MOSELLE_FEDERATION_CLOCK_SKEW_SECONDS),
                max_body=settings.MOSELLE_FEDERATION_MAX_BODY,
            )
        except signing.Refused as refused:
            raise Refusal(401, refused.code, refused.reason) from None
        except ValueError:
            raise Refusal(400, "bad_key", "the key brought is malformed") from None
        token = str(data.get("token") or "")
        with transaction.atomic():
            invitation = (
                PairingInvitation.objects.select_for_update().filter(token_hash=_hash(token)).first() if token else None
            )
            if invitation is None:
                raise Refusal(403, "bad_token", "unknown invitation token")
            if invitation.used_at is not None:
                raise Refusal(403, "used_token", "this invitation token was already used")
            if invitation.expires_at <= timezone.now():
                raise Refusal(403, "expired_token", "this invitation token has expired")
            sent_profile = data.get("hub")
            profile: dict[str, Any] = sent_profile if isinstance(sent_profile, dict) else {}
            hub = find_hub(profile)
            if hub is None:
                raise Refusal(403, "unknown_hub", "this hub is not in the registry here; its manager must register it")
            base_url = str(profile.get("base_url") or "")
            try:
                base_url = outbox.check_address(base_url)
                peer = _record_peer(hub, base_url, key_id, public_key)
            except (ValidationError, ValueError) as problem:
                raise Refusal(409, "cannot_pair", str(problem)[:200]) from None
            peer.profile = {k: str(v)[:2000] for k, v in profile.items()}
            peer.save(update_fields=["profile"])
            invitation.used_at, invitation.peer = timezone.now(), peer
            invitation.save(update_fields=["used_at", "peer"])
            audit.record(actor=None, action="federation.paired_by_invitation", target=peer)
    except Refusal as refusal:
        return _refuse(request, refusal)
    key = current_key()
    reply = outbox.encode({"hub": outbox_profile(), "key_id": key.key_id, "public_key": key.public_key})
    return JsonResponse(json.loads(reply), status=200)


def peer_confirm(*, actor: Any, peer: Peer, fingerprint: Any) -> Peer:
    """The manager confirms the peer's key fingerprint as its manager read it out; the peer becomes active and
    is sent this hub's profile and offers."""
    _require_admin(actor)
    if peer.status != Peer.Status.PENDING:
        raise ValidationError({"peer": _("Only a pairing waiting for confirmation can be confirmed.")})
    key = peer.keys.filter(revoked_at__isnull=True).order_by("-added_at", "-id").first()
    expected = signing.fingerprint(key.public_key) if key else ""
    digits = str(fingerprint or "").upper().replace(" ", "")
    given = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    if not key or len(digits) != 64 or given != expected:
        raise ValidationError(
            {
                "fingerprint": _(
                    "This is not the fingerprint of the key this peer sent: do not confirm; call its manager."
                )
            }
        )
    from moselle.network.federation.messages import send_waiting_referrals, share_catalogue

    with transaction.atomic():
        peer.status, peer.confirmed_at, peer.confirmed_by = Peer.Status.ACTIVE, timezone.now(), actor
        peer.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        audit.record(actor=actor, action="federation.peer_confirm", target=peer)
        share_catalogue(peer)
        send_waiting_referrals(peer)
    return peer


def peer_revoke(*, actor: Any, peer: Peer) -> Peer:
    """End the pairing: the peer's keys are refused from now on and nothing more is sent to it."""
    _require_admin(actor)
    if peer.status == Peer.Status.REVOKED:
        raise ValidationError({"peer": _("This pairing is already revoked.")})
    with transaction.atomic():
        now = timezone.now()
        peer.status, peer.revoked_at = Peer.Status.REVOKED, now
        peer.save(update_fields=["status", "revoked_at"])
        peer.keys.filter(revoked_at__isnull=True).update(revoked_at=now)
        audit.record(actor=actor, action="federation.peer_revoke", target=peer)
    return peer
