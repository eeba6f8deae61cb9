"""This instance's Ed25519 keys: one current key signs; a rotated key is retired and no longer signs, and
peers learn the new one in a signed ``key_rotated`` message. The private key never leaves the instance."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moselle.core import audit
from moselle.network.federation import signing
from moselle.network.models import InstanceKey


def _new(current: bool = True) -> InstanceKey:
    private_pem, public_key = signing.generate_key()
    return InstanceKey.objects.create(
        key_id=f"moselle-{secrets.token_hex(8)}", public_key=public_key, private_pem=private_pem, current=current
    )


def current_key() -> InstanceKey:
    """The key this instance signs with, made on first use (by whichever of two first callers wins)."""
    found = InstanceKey.objects.filter(current=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _new()
    except IntegrityError:  # another process made it meanwhile: one current key only
        return InstanceKey.objects.get(current=True)


def rotate_key(*, actor: Any) -> InstanceKey:
    """Retire the current key and make a new one; paired peers are told the new key, signed with the old."""
    from moselle.network.federation import outbox

    with transaction.atomic():
        old = current_key()
        InstanceKey.objects.filter(pk=old.pk).update(current=False, retired_at=timezone.now())
        new = _new()
        audit.record(actor=actor, action="federation.key_rotate", target=new, after={"retired": old.key_id})
        outbox.announce("key_rotated", {"key_id": new.key_id, "public_key": new.public_key}, sign_with=old)
    return new
