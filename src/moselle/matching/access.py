"""Who sees which results: everyone sees what is public (published offers and their providers); signed-in
people also see the hubs of Europe, as the hub directory shows them; hub staff see every indexed item."""

from __future__ import annotations

from typing import Any

from moselle.accounts.access import is_hub_staff
from moselle.matching.registry import PUBLIC, SIGNED_IN, STAFF


def audiences_for(user: Any) -> tuple[str, ...]:
    if user is not None and is_hub_staff(user):
        return (PUBLIC, SIGNED_IN, STAFF)
    if getattr(user, "is_authenticated", False):
        return (PUBLIC, SIGNED_IN)
    return (PUBLIC,)
