"""Who sees what of the network. The directory is every signed-in person's (``organisations.access``);
corridors and collaborations are the hub's work, its staff's; peers and keys are the hub manager's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import require_hub_admin, require_hub_staff
from moselle.core.ids import TOP
from moselle.network.models import Collaboration, Corridor, Peer, RemoteOffer


def visible_corridors(user: Any) -> QuerySet[Corridor]:
    require_hub_staff(user)
    return Corridor.objects.all()


def get_corridor_for_user(user: Any, corridor_id: int) -> Corridor:
    found = visible_corridors(user).filter(pk=corridor_id).first() if 1 <= corridor_id <= TOP else None
    if found is None:
        raise Http404
    return found


def visible_collaborations(user: Any) -> QuerySet[Collaboration]:
    require_hub_staff(user)
    return Collaboration.objects.all()


def visible_peers(user: Any) -> QuerySet[Peer]:
    require_hub_admin(user)
    return Peer.objects.select_related("hub")


def get_peer_for_user(user: Any, peer_id: int) -> Peer:
    found = visible_peers(user).filter(pk=peer_id).first() if 1 <= peer_id <= TOP else None
    if found is None:
        raise Http404
    return found


def get_remote_offer_for_user(user: Any, offer_id: int) -> RemoteOffer:
    """A paired hub's offer: every signed-in person, as long as the pairing stands."""
    if not getattr(user, "is_authenticated", False) or not 1 <= offer_id <= TOP:
        raise Http404
    found = RemoteOffer.objects.select_related("peer__hub").filter(pk=offer_id, peer__status=Peer.Status.ACTIVE).first()
    if found is None:
        raise Http404
    return found
