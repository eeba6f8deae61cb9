"""Signed, expiring, single-use links."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.core.models import SignedLink


class LinkError(Exception):
    """The link cannot be used; ``str(error)`` says why in the user's language."""


@dataclass(frozen=True)
class IssuedLink:
    link: SignedLink
    token: str


def issue(*, purpose: str, payload: dict[str, Any], email: str = "", days: int | None = None) -> IssuedLink:
    """Create a link for ``purpose``. Only the returned token opens it."""
    nonce = secrets.token_hex(16)
    lifetime = timedelta(days=days or settings.MOSELLE_SIGNED_LINK_DAYS)
    link = SignedLink.objects.create(
        purpose=purpose, nonce=nonce, payload=payload, email=email, expires_at=timezone.now() + lifetime
    )
    token = signing.dumps({"n": nonce}, salt=f"moselle.link.{purpose}", compress=True)
    return IssuedLink(link=link, token=token)


def peek(*, purpose: str, token: str) -> SignedLink:
    """The link behind ``token`` if it is genuine, unexpired and unused; otherwise :class:`LinkError`."""
    try:
        data = signing.loads(token, salt=f"moselle.link.{purpose}")
    except signing.BadSignature:
        raise LinkError(_("This link is not valid. Check that you copied all of it.")) from None
    nonce = data.get("n") if isinstance(data, dict) else None
    link = SignedLink.objects.filter(purpose=purpose, nonce=nonce).first()
    if link is None:
        raise LinkError(_("This link is not valid. Check that you copied all of it."))
    if link.used_at is not None:
        raise LinkError(_("This link has already been used."))
    if link.expires_at <= timezone.now():
        raise LinkError(_("This link has expired. Ask for a new one."))
    return link


def consume(*, purpose: str, token: str) -> SignedLink:
    """Mark the link used, exactly once, even when two requests race for it."""
    link = peek(purpose=purpose, token=token)
    with transaction.atomic():
        claimed = SignedLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not claimed:
        raise LinkError(_("This link has already been used."))
    link.refresh_from_db()
    return link


def purge_expired(*, older_than_days: int = 30) -> int:
    """Delete links that expired long ago (run by ``tick``); safe to run twice."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _counts = SignedLink.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
