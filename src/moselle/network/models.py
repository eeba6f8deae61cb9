"""The European network: the hub's corridors with other hubs and what they did together, and the federation
with other Moselle instances (this instance's keys, its peers and their keys, pairing invitations, and the
envelopes that carry messages out and in).

The hubs themselves are the registry's organisations of kind hub; a referral abroad is a journey referral
whose recipient is a hub. ``network`` keeps only what the transport between hubs needs.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Corridor(models.Model):
    """A formal collaboration of the hub with one or more other hubs (e.g. the Greater Region declaration):
    its partners, scope, start and end, and its documents (the signed agreement)."""

    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True, help_text=_("What the hubs do together."))
    partners = models.ManyToManyField(
        "organisations.Organisation", related_name="corridors", verbose_name=_("partner hubs")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    documents = models.ManyToManyField("core.StoredFile", blank=True, related_name="+", verbose_name=_("documents"))
    is_demo = models.BooleanField(_("is demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-started_on", "title", "id"]
        verbose_name = _("corridor")
        verbose_name_plural = _("corridors")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="corridor_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Collaboration(models.Model):
    """One thing done with other hubs: a joint event, an exchange (a visit, a shared practice, a staff
    exchange), a referral sent or received, or something else; under a corridor or on its own."""

    class Kind(models.TextChoices):
        JOINT_EVENT = "joint_event", _("joint event")
        EXCHANGE = "exchange", _("exchange of practice or staff")
        REFERRAL = "referral", _("referral")
        OTHER = "other", _("other collaboration")

    corridor = models.ForeignKey(
        Corridor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborations",
        verbose_name=_("corridor"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    happened_on = models.DateField(_("date"))
    hubs = models.ManyToManyField("organisations.Organisation", related_name="collaborations", verbose_name=_("hubs"))
    event = models.ForeignKey(
        "events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("event")
    )
    referral = models.OneToOneField(
        "journeys.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaboration",
        verbose_name=_("referral"),
    )
    is_demo = models.BooleanField(_("is demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")

    def __str__(self) -> str:
        return self.title


# --- federation -------------------------------------------------------------------------------------------


class InstanceKey(models.Model):
    """One of this instance's Ed25519 key pairs. Exactly one is current; a rotated key stays valid for
    verification by peers until it is retired; the private key never leaves the instance."""

    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    public_key = models.CharField(_("public key"), max_length=64)
    private_pem = models.TextField(_("private key"))
    current = models.BooleanField(_("current"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("private_pem",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("instance key")
        verbose_name_plural = _("instance keys")
        constraints = [
            models.UniqueConstraint(fields=["current"], condition=Q(current=True), name="one_current_instance_key")
        ]

    def __str__(self) -> str:
        return self.key_id


class Peer(models.Model):
    """Another Moselle instance this one federates with, for one hub of the registry. Messages flow only
    once both sides confirmed each other's key fingerprint (``confirmed_at``), and never after revocation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the fingerprint to be confirmed")
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")

    hub = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="peers", verbose_name=_("hub")
    )
    base_url = models.CharField(_("address"), max_length=300, help_text=_("e.g. https://moselle.example.eu"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    confirmed_at = models.DateTimeField(_("fingerprint confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    profile = models.JSONField(_("public profile"), default=dict, blank=True)
    catalogue_sent = models.PositiveBigIntegerField(
        _("catalogue version sent"), default=0, help_text=_("The catalogue version last sent to this peer.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["hub__name", "id"]
        verbose_name = _("federation peer")
        verbose_name_plural = _("federation peers")
        constraints = [
            models.UniqueConstraint(fields=["hub"], condition=~Q(status="revoked"), name="one_live_peer_per_hub")
        ]

    def __str__(self) -> str:
        return self.base_url


class PeerKey(models.Model):
    """A public key a peer signs with; revoked keys are refused."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="keys", verbose_name=_("peer"))
    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    public_key = models.CharField(_("public key"), max_length=64)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("peer key")
        verbose_name_plural = _("peer keys")

    def __str__(self) -> str:
        return self.key_id


class PairingInvitation(models.Model):
    """A single-use, expiring token one hub's admin gives another's to pair their instances. Only its hash
    is kept."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    peer = models.ForeignKey(
        Peer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("peer")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("token_hash",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pairing invitation")
        verbose_name_plural = _("pairing invitations")

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class Envelope(models.Model):
    """One message to or from another hub. Outgoing: queued, delivered (the peer took it, or the hub without
    Moselle opened the link it was e-mailed), acknowledged (the peer acted on it, or the hub answered);
    retried with exponential backoff until delivered. Incoming: kept once per message id, so a message sent
    twice is acted on once."""

    class Transport(models.TextChoices):
        FEDERATION = "federation", _("Moselle federation")
        EMAIL = "email", _("e-mail with a link")

    class Direction(models.TextChoices):
        OUT = "out", _("outgoing")
        IN = "in", _("incoming")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        DELIVERED = "delivered", _("delivered")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        FAILED = "failed", _("failed")

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4)
    hub = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("hub")
    )
    transport = models.CharField(_("transport"), max_length=10, choices=Transport.choices)
    peer = models.ForeignKey(
        Peer, on_delete=models.CASCADE, null=True, blank=True, related_name="envelopes", verbose_name=_("peer")
    )
    email = models.EmailField(_("sent to"), blank=True, help_text=_("The hub's contact, for a hub without Moselle."))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    type = models.CharField(_("type"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    referral = models.ForeignKey(
        "journeys.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="envelopes",
        verbose_name=_("referral"),
    )
    signed_with = models.CharField(
        _("signed with"), max_length=64, blank=True, help_text=_("The key id to sign with; empty: the current key.")
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    # The payload of a referral carries what the company consented to share; it is emptied once acknowledged.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("payload", "email")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("federation message")
        verbose_name_plural = _("federation messages")
        constraints = [
            models.UniqueConstraint(fields=["peer", "direction", "message_id"], name="envelope_once_per_peer")
        ]
        indexes = [models.Index(fields=["direction", "status", "next_attempt_at"], name="envelope_due")]

    def __str__(self) -> str:
        return f"{self.direction} {self.type} {self.message_id}"


class RemoteOffer(models.Model):
    """A published offer of a paired hub's catalogue, as its instance last sent it; shown in this hub's
    matching with its origin. Replaced whole at every catalogue the peer sends."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="offers", verbose_name=_("peer"))
    remote_id = models.PositiveBigIntegerField(_("id at the peer"))
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    technologies = models.JSONField(_("technologies"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    countries = models.JSONField(_("countries served"), default=list)
    url = models.CharField(_("address at the peer"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["peer", "remote_id"]
        verbose_name = _("offer of a paired hub")
        verbose_name_plural = _("offers of paired hubs")
        constraints = [models.UniqueConstraint(fields=["peer", "remote_id"], name="remote_offer_once")]

    def __str__(self) -> str:
        return str(self.title.get("en") or next(iter(self.title.values()), "")) if self.title else str(self.remote_id)


class SeenNonce(models.Model):
    """A signature nonce already accepted from a key: the same nonce again is a replay. Kept for twice the
    clock-skew allowance (older messages are refused as stale anyway)."""

    key_id = models.CharField(_("key id"), max_length=64)
    nonce = models.CharField(_("nonce"), max_length=100)
    seen_at = models.DateTimeField(_("seen at"))

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("seen nonce")
        verbose_name_plural = _("seen nonces")
        constraints = [models.UniqueConstraint(fields=["key_id", "nonce"], name="nonce_once_per_key")]

    def __str__(self) -> str:
        return self.nonce
