"""Referrals abroad: a journey referral whose recipient is another hub travels in an envelope.

To a hub paired with this instance, the envelope goes through the federation (``network.federation``). To a
hub without Moselle, the hub's staff send its contact an e-mail with a signed link: the page behind it shows
what the company agreed to share (as the printable dossier does) and lets the hub answer — accept, decline,
start, complete — which moves the referral here like any recipient's answer. The envelope keeps the transport
states: queued (the e-mail is sent), delivered (the hub opened its link), acknowledged (the hub answered).

The referral itself, its consent and its states are the journey's; a referral sent abroad is also recorded
once as a collaboration with that hub (a KPI).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.core import audit, links, mail
from moselle.journeys.actions.checks import check_email
from moselle.journeys.actions.referrals import OPEN, HubAbroad, consent_given, is_other_hub, referral_move
from moselle.journeys.models import Referral
from moselle.network.models import Collaboration, Envelope, Peer

LINK_PURPOSE = "referral-abroad"
LINK_DAYS = 180  # the hub answers over weeks: accepted, started, done
LANGUAGES = ("en", "fr", "de")


def envelopes_of(referral: Referral) -> list[Envelope]:
    return list(Envelope.objects.filter(referral=referral).order_by("created_at", "id"))


def record_collaboration(referral: Referral, actor: Any, other_hub: Any = None) -> None:
    """A referral sent to or received from another hub is one collaboration with it, counted on the day it was
    first sent or received."""
    if Collaboration.objects.filter(referral=referral).exists():
        return
    hub = other_hub or referral.recipient
    try:
        with transaction.atomic():
            collaboration = _collaboration_for(referral, hub, actor)
    except IntegrityError:  # recorded by a request running at the same time
        return
    collaboration.hubs.set([hub])


def _collaboration_for(referral: Referral, hub: Any, actor: Any) -> Collaboration:
    return Collaboration.objects.create(
        kind=Collaboration.Kind.REFERRAL,
        title=_("Referral %(number)d with %(hub)s") % {"number": referral.pk, "hub": hub.name},
        happened_on=timezone.localdate(),
        referral=referral,
        is_demo=referral.organisation.is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def referral_send_by_email(*, actor: Any, referral: Referral, email: Any, language: str = "en") -> Envelope:
    """Send a hub without Moselle the referral: an e-mail to its contact with a signed link to answer."""
    if not is_hub_staff(actor):
        raise ValidationError({"referral": _("Only the hub's staff send a referral abroad.")})
    errors: dict[str, list[str]] = {}
    if not is_other_hub(referral.recipient):
        errors["referral"] = [_("This referral is not to another hub.")]
    elif not consent_given(referral):
        errors["referral"] = [_("The company has not consented to share its file with this hub.")]
    elif referral.status not in OPEN:
        errors["referral"] = [_("This referral is over; there is nothing to send.")]
    elif Peer.objects.filter(hub=referral.recipient, status=Peer.Status.ACTIVE).exists():
        errors["referral"] = [_("This hub's platform is paired with this one: the referral travels to it there.")]
    try:
        address = check_email(email)
    except ValidationError as error:
        errors.update({k: list(v) for k, v in error.message_dict.items()})
        address = ""
    if language not in LANGUAGES:
        errors["language"] = [_("Choose English, French or German.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        issued = links.issue(purpose=LINK_PURPOSE, payload={"referral": referral.pk}, email=address, days=LINK_DAYS)
        envelope = Envelope.objects.create(
            hub=referral.recipient,
            transport=Envelope.Transport.EMAIL,
            email=address,
            direction=Envelope.Direction.OUT,
            type="referral",
            status=Envelope.Status.QUEUED,
            referral=referral,
            payload={"link": issued.link.pk, "language": language},
        )
        mail.send_templated(
            to=address,
            template="network/email/referral_abroad",
            context={
                "hub": referral.recipient.name,
                "from_hub": _own_hub_name(),
                "referral": referral.pk,
                "note": referral.note,
                "url": settings.SITE_URL.rstrip("/") + reverse("referral_answer", args=[issued.token]),
                "days": LINK_DAYS,
            },
            language=language,
        )
        record_collaboration(referral, actor)
        audit.record(
            actor=actor,
            action="referral.send_abroad",
            target=referral,
            after={"envelope": envelope.pk, "email": f"network.envelope:{envelope.pk}:email"},
            organisation_id=referral.organisation_id,
        )
    return envelope


def _own_hub_name() -> str:
    from moselle.organisations.access import own_hub

    mine = own_hub()
    return mine.edih_name if mine is not None else "Moselle"


def referral_for_link(token: str) -> tuple[Referral, Envelope]:
    """The referral a hub's link opens, while the company's consent stands; ``links.LinkError`` otherwise.
    The first opening marks the envelope delivered."""
    link = links.peek(purpose=LINK_PURPOSE, token=token)
    envelope = Envelope.objects.filter(payload__link=link.pk, transport=Envelope.Transport.EMAIL).first()
    referral = (
        Referral.objects.select_related("organisation", "recipient", "consent", "need", "action")
        .filter(pk=link.payload.get("referral"))
        .first()
    )
    if (
        referral is None
        or envelope is None
        or not consent_given(referral)
        or referral.status in (Referral.Status.WITHDRAWN, Referral.Status.DECLINED)
    ):
        raise links.LinkError(
            _("This referral is no longer shared with you: it was declined, or the company withdrew it or its consent.")
        )
    if envelope.status == Envelope.Status.QUEUED:
        Envelope.objects.filter(pk=envelope.pk, status=Envelope.Status.QUEUED).update(
            status=Envelope.Status.DELIVERED, delivered_at=timezone.now()
        )
        envelope.refresh_from_db()
    return referral, envelope


def referral_answer(*, token: str, status: str, note: str = "") -> Referral:
    """The hub abroad answers through its link: the referral moves as if its own staff had moved it here."""
    referral, envelope = referral_for_link(token)
    with transaction.atomic():
        referral_move(
            actor=HubAbroad(organisation_id=referral.recipient_id), referral=referral, status=status, note=note
        )
        Envelope.objects.filter(pk=envelope.pk).exclude(status=Envelope.Status.ACKNOWLEDGED).update(
            status=Envelope.Status.ACKNOWLEDGED, acknowledged_at=timezone.now()
        )
    referral.refresh_from_db()
    return referral


def on_referral_change(referral: Referral, change: str, actor: Any) -> None:
    """Told by the journey after a referral changed (inside its transaction). A referral to a hub without
    Moselle whose consent is withdrawn, or that the company withdraws, is announced to the hub's contact, and
    the link stops opening it (it checks the consent on every opening)."""
    if not is_other_hub(referral.recipient):
        return
    if change in ("consent_withdrawn", Referral.Status.WITHDRAWN):
        sent = Envelope.objects.filter(referral=referral, transport=Envelope.Transport.EMAIL).exclude(email="")
        told: set[str] = set()
        for envelope in sent.order_by("id"):
            if envelope.email in told:
                continue
            told.add(envelope.email)
            mail.send_templated(
                to=envelope.email,
                template="network/email/referral_withdrawn",
                context={"hub": referral.recipient.name, "referral": referral.pk},
                language=str(envelope.payload.get("language") or "en"),
            )
