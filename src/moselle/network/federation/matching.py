"""The offers of paired hubs in the matching engine: an item of kind ``remote_offer`` for signed-in people,
with its texts in the languages the peer sent, its technologies as labels, and its origin (the peer's hub)
as the provider line; its page here says where it comes from and links to it at the peer. The version is the
rows' count and latest change, so a catalogue received in any process is seen at the next search everywhere."""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from moselle.matching.registry import SIGNED_IN, Changes, Item
from moselle.network.models import Peer, RemoteOffer


def remote_offer_item(offer: RemoteOffer) -> Item:
    return Item(
        kind="remote_offer",
        id=offer.pk,
        title={lang: text for lang, text in offer.title.items() if text},
        url=f"/network/offers/{offer.pk}/",
        text=" ".join([*offer.description.values(), offer.provider]),
        labels={f"technology:{name}": None for name in offer.technologies},
        serves=frozenset(offer.countries),
        languages=frozenset(offer.languages),
        audience=SIGNED_IN,
        provider=f"{offer.provider} · {offer.peer.hub.name}" if offer.provider else offer.peer.hub.name,
        subtitle=offer.kind,
    )


class RemoteOfferSource:
    kind = "remote_offer"
    signed_in_only = True
    label = _("offer of a paired hub")
    plural = _("offers of paired hubs")

    def version(self) -> Hashable:
        found = RemoteOffer.objects.aggregate(n=Count("id"), last=Max("received_at"))
        peers = tuple(Peer.objects.filter(status=Peer.Status.ACTIVE).order_by("id").values_list("id", flat=True))
        return (found["n"], found["last"], peers)

    def load(self) -> tuple[list[Item], Hashable]:
        version = self.version()
        rows = RemoteOffer.objects.filter(peer__status=Peer.Status.ACTIVE).select_related("peer__hub").order_by("id")
        return [remote_offer_item(offer) for offer in rows], version

    def changed_since(self, version: Hashable) -> Changes | None:
        return None  # read again whole: a peer's catalogue comes whole

    def subtitle(self, code: str) -> str:
        from moselle.catalogue.models import Offer

        return str(dict(Offer.Kind.choices).get(code, code))
