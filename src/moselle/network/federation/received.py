"""A referral received from a paired hub: the company becomes an organisation of the registry (found by name
and country, or registered as a prospect from its shared profile; a company that shared no profile is
registered under the referral's number), a case opens "referred by another hub", and a journey referral to
this hub records it with the company's consent as the sender recorded it. The hub's staff accept or decline it
like any referral; its moves travel back (``messages.on_referral_change``). The file as received stays in the
message, for the staff's page of the referral; nothing of it is copied elsewhere except the profile."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.accounts.actions import consent_record
from moselle.accounts.models import Consent
from moselle.core import audit
from moselle.journeys.actions import case_open
from moselle.journeys.actions.referrals import HubAbroad, S, referral_move
from moselle.journeys.actions.timeline import activity_record
from moselle.journeys.models import Activity, Case, Referral, ReferralMove
from moselle.network.models import Envelope, Peer
from moselle.organisations import actions as registry_actions
from moselle.organisations.access import own_hub
from moselle.organisations.models import Organisation


def _placeholder_email(peer: Peer, number: Any) -> str:
    return f"referral-{str(number)[:12]}-hub-{peer.hub_id}@peers.moselle.invalid"


def _company(peer: Peer, payload: dict[str, Any]) -> Organisation:
    profile = (payload.get("file") or {}).get("profile") or {}
    name = str(profile.get("name") or "").strip()[:200]
    country = str(profile.get("country") or "").strip().upper()[:2] or peer.hub.country
    if name:
        # The same company may already be known here; a hub (this one among them) never stands for one.
        found = (
            Organisation.objects.filter(
                name__iexact=name, country=country, merged_into__isnull=True, is_historical=False
            )
            .exclude(kind_rows__kind=Organisation.Kind.HUB)
            .first()
        )
        if found is not None:
            return found
    else:
        name = f"Company referred by {peer.hub.name} ({payload.get('referral')})"[:200]
    website = str(profile.get("website") or "")[:300]
    return registry_actions.organisation_create(
        actor=None,
        name=name,
        country=country,
        details={"kinds": ["company"], "website": website} if website else {"kinds": ["company"]},
    )


def open_received_referral(peer: Peer, payload: dict[str, Any]) -> Referral:
    """Open the case and the referral of a ``referral`` message. Call inside the message's transaction."""
    mine = own_hub()
    if mine is None:
        raise ValidationError({"hub": "this instance has no hub set up"})
    shared = [code for code in payload.get("shared") or [] if code in Referral.Share.values]
    if not shared:
        raise ValidationError({"shared": "nothing shared"})
    file = payload.get("file") or {}
    company = _company(peer, payload)
    need = file.get("need") or {}
    title = str(need.get("title") or payload.get("note") or "").strip()[:150] or "Referral"
    actor = HubAbroad(organisation_id=peer.hub_id)
    case = case_open(actor=actor, organisation=company, title=f"{peer.hub.name}: {title}"[:200], origin=Case.Origin.HUB)
    contact = file.get("contact") or {}
    consent = consent_record(
        actor=actor,
        email=str(contact.get("email") or "") or _placeholder_email(peer, payload.get("referral")),
        purpose=Consent.Purpose.SHARE_WITH_HUB,
        given=True,
        method=Consent.Method.IMPORT,
        scope=f"given at {peer.hub.name} for referral {payload.get('referral')}: {', '.join(shared)}"[:200],
    )
    referral = Referral.objects.create(
        organisation=company,
        recipient=mine.organisation,
        case=case,
        note=str(payload.get("note") or "")[:3000],
        shared=shared,
        consent=consent,
    )
    ReferralMove.objects.create(referral=referral, from_status="", to_status=S.PROPOSED, at=timezone.now())
    audit.record(actor=actor, action="referral.received", target=referral, organisation_id=company.pk)
    activity_record(
        organisation=company,
        kind=Activity.Kind.REFERRAL,
        verb="referral_proposed",
        target=referral,
        actor=actor,
        case=case,
        summary=mine.organisation.name,
    )
    from moselle.network.referrals import record_collaboration

    record_collaboration(referral, actor, other_hub=peer.hub)
    return referral


def withdraw_received_referral(peer: Peer, received: Envelope) -> None:
    """The company withdrew the referral, or its consent, at the sending hub: the referral is withdrawn here and
    its consent recorded as withdrawn, so nothing of the file is shown any more; the received file is dropped."""
    assert received.referral_id is not None
    referral = Referral.objects.select_related("consent").get(pk=received.referral_id)
    actor = HubAbroad(organisation_id=peer.hub_id, acts_for_company=True)
    if referral.status in (S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS):
        referral_move(actor=actor, referral=referral, status=S.WITHDRAWN, note="withdrawn at the sending hub")
    if referral.consent is not None and referral.consent.given:
        referral.consent = consent_record(
            actor=actor,
            email=referral.consent.email,
            purpose=Consent.Purpose.SHARE_WITH_HUB,
            given=False,
            method=Consent.Method.IMPORT,
            scope=referral.consent.scope,
        )
        referral.save(update_fields=["consent", "updated_at"])
    received.payload = {"referral": received.payload.get("referral")}
    received.save(update_fields=["payload"])
