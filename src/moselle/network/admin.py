from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.network.models import (
    Collaboration,
    Corridor,
    Envelope,
    InstanceKey,
    PairingInvitation,
    Peer,
    PeerKey,
    RemoteOffer,
    SeenNonce,
)


@admin.register(Corridor)
class CorridorAdmin(ReadOnlyAdmin):
    list_display = ("title", "started_on", "ended_on")


@admin.register(Collaboration)
class CollaborationAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "happened_on", "corridor")
    list_filter = ("kind",)


@admin.register(InstanceKey)
class InstanceKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "current", "created_at", "retired_at")
    exclude = ("private_pem",)


@admin.register(Peer)
class PeerAdmin(ReadOnlyAdmin):
    list_display = ("hub", "base_url", "status", "confirmed_at", "revoked_at")
    list_filter = ("status",)


@admin.register(PeerKey)
class PeerKeyAdmin(ReadOnlyAdmin):
    list_display = ("peer", "key_id", "added_at", "revoked_at")


@admin.register(PairingInvitation)
class PairingInvitationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "expires_at", "used_at", "peer")
    exclude = ("token_hash",)


@admin.register(Envelope)
class EnvelopeAdmin(ReadOnlyAdmin):
    list_display = ("message_id", "hub", "transport", "direction", "type", "status", "attempts", "created_at")
    list_filter = ("transport", "direction", "status")
    exclude = ("payload", "email")


@admin.register(SeenNonce)
class SeenNonceAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "nonce", "seen_at")


@admin.register(RemoteOffer)
class RemoteOfferAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "peer", "remote_id", "kind", "received_at")
