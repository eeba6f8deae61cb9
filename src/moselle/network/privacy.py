"""The network app's exporter and eraser. It holds a person's data in one place: the envelopes of referrals
abroad — the address of the other hub's contact a referral was e-mailed to, and a message's payload, which
carries what a company consented to share (its contact person among it). Corridors and collaborations name
hubs, not people."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from moselle.core import privacy
from moselle.network.models import Envelope


def _envelopes(person: privacy.Person) -> Any:
    if not person.email:
        return Envelope.objects.none()
    return Envelope.objects.annotate(text=Cast("payload", TextField())).filter(
        Q(email__iexact=person.email) | Q(text__icontains=person.email)
    )


def export(person: privacy.Person) -> dict[str, Any]:
    found = [
        {
            "hub": envelope.hub.name,
            "referral": envelope.referral_id,
            "transport": envelope.transport,
            "sent_to_you": envelope.email.lower() == person.email.lower(),
            "created_at": envelope.created_at.isoformat(),
        }
        for envelope in _envelopes(person).select_related("hub").order_by("id")
    ]
    return {"referrals_abroad": found} if found else {}


def erase(person: privacy.Person) -> int:
    """Forget the person here, and ask the paired hubs that received them in a referral to do the same."""
    from moselle.network.federation.messages import ask_to_erase, peers_holding

    peers = peers_holding(person.email) if person.email else []
    count = 0
    for envelope in _envelopes(person).order_by("id"):
        if envelope.email.lower() == person.email.lower():
            envelope.email = ""
        if person.email.lower() in str(envelope.payload).lower():
            # The referral's number stays: later answers and withdrawals still find their referral.
            number = envelope.payload.get("referral") if envelope.type == "referral" else None
            envelope.payload = {"referral": number} if number is not None else {}
        envelope.save(update_fields=["email", "payload"])
        count += 1
    ask_to_erase(peers, person.email)  # after the loop, which would otherwise empty these requests too
    return count


privacy.register(app_label="network", models=(Envelope,), exporter=export, eraser=erase)
