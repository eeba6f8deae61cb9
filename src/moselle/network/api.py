"""API of the European network: corridors and collaborations (the hub's staff), referrals abroad and their
transport (the hub's staff), and the federation's peers (the hub manager). The hub directory is at ``/hubs``
(organisations). Writes go through ``network.actions`` and ``network.referrals``, which name every bad field
(422)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts.access import require_hub_staff
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits
from moselle.journeys.access import get_referral_for_user
from moselle.journeys.actions.referrals import is_other_hub
from moselle.network import actions, referrals
from moselle.network.access import get_corridor_for_user, get_peer_for_user, visible_collaborations, visible_corridors
from moselle.network.federation import signing
from moselle.network.models import Collaboration, Corridor, Envelope, Peer

router = Router(tags=["network"])

CollaborationKind = Literal["joint_event", "exchange", "referral", "other"]


class HubRefOut(Schema):
    id: int
    name: str
    country: str


class CorridorOut(Schema):
    id: int
    title: str
    scope: str
    partners: list[HubRefOut]
    started_on: date
    ended_on: date | None


class CorridorIn(Schema):
    title: str = Field(max_length=200)
    scope: str = Field("", max_length=5000)
    partners: list[int] = Field(description="Ids of hubs of the directory (not this hub itself).", max_length=100)
    started_on: date
    ended_on: date | None = None


class CollaborationOut(Schema):
    id: int
    kind: CollaborationKind
    title: str
    description: str
    happened_on: date
    corridor: int | None
    hubs: list[HubRefOut]
    referral: int | None


class CollaborationIn(Schema):
    kind: CollaborationKind
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    happened_on: date = Field(description="The day it happened; not in the future.")
    corridor: int | None = Field(None, description="Under this corridor; its partners when hubs is empty.")
    hubs: list[int] = Field(default_factory=list, max_length=100)


class EnvelopeOut(Schema):
    id: int
    transport: Literal["federation", "email"]
    direction: Literal["out", "in"]
    type: str
    status: str = Field(description="queued, delivered, acknowledged; received, processed; failed")
    attempts: int
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    acknowledged_at: datetime | None


class SendByEmailIn(Schema):
    email: str = Field(max_length=254, description="The receiving hub's contact, who gets the link to answer.")
    language: Literal["en", "fr", "de"] = "en"


class PeerOut(Schema):
    id: int
    hub: HubRefOut
    base_url: str
    status: Literal["pending", "active", "revoked"]
    confirmed_at: datetime | None
    revoked_at: datetime | None
    fingerprints: list[str] = Field(description="Of the peer's keys not revoked, newest first.")


def _hub(organisation: Any) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name, "country": organisation.country}


def _corridor(corridor: Corridor) -> dict[str, Any]:
    return {
        "id": corridor.pk,
        "title": corridor.title,
        "scope": corridor.scope,
        "partners": [_hub(hub) for hub in corridor.partners.order_by("name", "id")],
        "started_on": corridor.started_on,
        "ended_on": corridor.ended_on,
    }


def _collaboration(collaboration: Collaboration) -> dict[str, Any]:
    return {
        "id": collaboration.pk,
        "kind": collaboration.kind,
        "title": collaboration.title,
        "description": collaboration.description,
        "happened_on": collaboration.happened_on,
        "corridor": collaboration.corridor_id,
        "hubs": [_hub(hub) for hub in collaboration.hubs.order_by("name", "id")],
        "referral": collaboration.referral_id,
    }


def _peer(peer: Peer) -> dict[str, Any]:
    return {
        "id": peer.pk,
        "hub": _hub(peer.hub),
        "base_url": peer.base_url,
        "status": peer.status,
        "confirmed_at": peer.confirmed_at,
        "revoked_at": peer.revoked_at,
        "fingerprints": [
            signing.fingerprint(key.public_key)
            for key in peer.keys.filter(revoked_at__isnull=True).order_by("-added_at", "-id")
        ],
    }


@router.get("/network/corridors", response={200: Page[CorridorOut], **ERRORS}, summary="The hub's corridors")
def corridor_list(request: HttpRequest, params: Query[PageParams]) -> Any:
    limit, offset = page_limits(params)
    corridors = visible_corridors(request.user).order_by("-started_on", "id")
    return {"count": corridors.count(), "items": [_corridor(c) for c in corridors[offset : offset + limit]]}


@router.post("/network/corridors", response={201: CorridorOut, **WRITE_ERRORS}, summary="Start a corridor")
def corridor_create(request: HttpRequest, payload: CorridorIn) -> Any:
    visible_corridors(request.user)
    corridor = actions.corridor_save(actor=request.user, **payload.dict())
    return Status(201, _corridor(corridor))


@router.get("/network/corridors/{corridor_id}", response={200: CorridorOut, **ERRORS}, summary="One corridor")
def corridor_detail(request: HttpRequest, corridor_id: int) -> Any:
    return _corridor(get_corridor_for_user(request.user, corridor_id))


@router.get(
    "/network/collaborations",
    response={200: Page[CollaborationOut], **ERRORS},
    summary="Collaborations with other hubs, latest first",
)
def collaboration_list(request: HttpRequest, params: Query[PageParams]) -> Any:
    limit, offset = page_limits(params)
    rows = visible_collaborations(request.user).order_by("-happened_on", "-id")
    return {"count": rows.count(), "items": [_collaboration(c) for c in rows[offset : offset + limit]]}


@router.post(
    "/network/collaborations",
    response={201: CollaborationOut, **WRITE_ERRORS},
    summary="Record a collaboration with other hubs",
)
def collaboration_create(request: HttpRequest, payload: CollaborationIn) -> Any:
    visible_collaborations(request.user)
    data = payload.dict()
    corridor_id = data.pop("corridor")
    corridor = get_corridor_for_user(request.user, corridor_id) if corridor_id is not None else None
    collaboration = actions.collaboration_record(actor=request.user, corridor=corridor, **data)
    return Status(201, _collaboration(collaboration))


def _abroad(request: HttpRequest, referral_id: int) -> Any:
    require_hub_staff(request.user)
    if not 1 <= referral_id <= 2**31 - 1:
        raise Http404
    referral = get_referral_for_user(request.user, referral_id)
    if not is_other_hub(referral.recipient) and not Envelope.objects.filter(referral=referral).exists():
        raise Http404
    return referral


@router.get(
    "/network/referrals/{referral_id}/messages",
    response={200: list[EnvelopeOut], **ERRORS},
    summary="How a referral to or from another hub travelled: its messages and their transport states",
)
def referral_messages(request: HttpRequest, referral_id: int) -> Any:
    referral = _abroad(request, referral_id)
    return list(Envelope.objects.filter(referral=referral).order_by("created_at", "id"))


@router.post(
    "/network/referrals/{referral_id}/email",
    response={201: EnvelopeOut, **WRITE_ERRORS},
    summary="Send a referral to a hub without Moselle: an e-mail to its contact with a link to answer",
)
def referral_email(request: HttpRequest, referral_id: int, payload: SendByEmailIn) -> Any:
    referral = _abroad(request, referral_id)
    envelope = referrals.referral_send_by_email(
        actor=request.user, referral=referral, email=payload.email, language=payload.language
    )
    return Status(201, envelope)


@router.get("/network/peers", response={200: list[PeerOut], **ERRORS}, summary="The paired instances (hub manager)")
def peer_list(request: HttpRequest) -> Any:
    from moselle.network.access import visible_peers

    return [_peer(peer) for peer in visible_peers(request.user).order_by("id")]


@router.get("/network/peers/{peer_id}", response={200: PeerOut, **ERRORS}, summary="One paired instance")
def peer_detail(request: HttpRequest, peer_id: int) -> Any:
    return _peer(get_peer_for_user(request.user, peer_id))
