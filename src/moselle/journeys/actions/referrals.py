"""Referrals: the hub introduces a company to a provider or a partner for a need, a roadmap action or a
search result. The company's consent to share its file with that recipient, scoped to what is shared, comes
first; only then does the recipient see the referral and act on it: accept or decline (with a reason), start,
complete with an outcome. The company rates what was delivered; "done" proposes a service record for the
hub to confirm. Accepted and declined referrals are fed to the matching engine as signals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.accounts.actions import consent_record
from moselle.accounts.models import Consent, Membership, Role, User
from moselle.catalogue.models import Offer
from moselle.core import audit, mail
from moselle.journeys.actions.checks import NOTE_LIMIT, check_email, check_text, user_of
from moselle.journeys.actions.timeline import activity_record
from moselle.journeys.models import Activity, Case, Need, Referral, ReferralMove, RoadmapAction
from moselle.organisations.models import Organisation

# Who may receive a referral: the organisations that deliver, and other hubs (``is_other_hub``), which the
# network app reaches through their Moselle instance or by e-mail.
RECIPIENT_KINDS = (
    Organisation.Kind.TECHNOLOGY_PROVIDER,
    Organisation.Kind.CONSULTANT,
    Organisation.Kind.TRAINER,
    Organisation.Kind.TEST_FACILITY,
    Organisation.Kind.CONSORTIUM_PARTNER,
    Organisation.Kind.RESEARCH_ORGANISATION,
)
OUTCOME_LIMIT = 3000
S = Referral.Status
OPEN = (S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS)  # a referral still under way
# Which status each move comes from, and who makes it.
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    S.ACCEPTED: ((S.PROPOSED,), "recipient"),
    S.DECLINED: ((S.PROPOSED,), "recipient"),
    S.IN_PROGRESS: ((S.ACCEPTED,), "recipient"),
    S.DONE: ((S.ACCEPTED, S.IN_PROGRESS), "recipient"),
    S.WITHDRAWN: ((S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS), "company"),
}


@dataclass(frozen=True)
class HubAbroad:
    """The receiving hub acting on a referral from outside this instance: through its own Moselle instance or
    the signed link it was sent. It acts only as the recipient of referrals made to it."""

    organisation_id: int
    is_authenticated: bool = False
    # The hub that sent a referral here, acting for the company there (it withdraws the referral).
    acts_for_company: bool = False


# Called with the referral after a change the other hub should hear of, inside the transaction: the first
# consent (``"shared"``), a withdrawn consent (``"consent_withdrawn"``), a move (the new status). The network
# app registers its transport here.
REFERRAL_HOOKS: list[Callable[[Referral, str, Any], None]] = []


def is_other_hub(organisation: Organisation) -> bool:
    """A hub of the registry that is not this instance's own hub."""
    from moselle.organisations.access import own_hub

    if Organisation.Kind.HUB not in set(organisation.kinds):
        return False
    mine = own_hub()
    return mine is None or mine.organisation_id != organisation.pk


def _tell_hooks(referral: Referral, change: str, actor: Any) -> None:
    for hook in REFERRAL_HOOKS:
        hook(referral, change, actor)


def referral_propose(
    *,
    actor: Any,
    organisation: Organisation,
    recipient: Organisation | None = None,
    case: Case | None = None,
    need: Need | None = None,
    action: RoadmapAction | None = None,
    offer: Offer | None = None,
    note: str = "",
) -> Referral:
    """Propose to refer ``organisation`` to ``recipient`` (or to the provider of ``offer``), for a need, a
    roadmap action or an offer. Nothing reaches the recipient until the company consents to share."""
    errors: dict[str, list[str]] = {}
    if offer is not None:
        if offer.status != Offer.Status.PUBLISHED:
            errors["offer"] = [_("This offer is not published.")]
        elif recipient is None:
            recipient = offer.provider
        elif recipient.pk != offer.provider_id:
            errors["offer"] = [_("This offer is another provider's.")]
    if recipient is None:
        errors.setdefault("recipient", []).append(_("Choose the provider or partner to refer the company to."))
    elif recipient.pk == organisation.pk:
        errors.setdefault("recipient", []).append(_("A company cannot be referred to itself."))
    elif recipient.merged_into_id or recipient.is_historical:
        errors.setdefault("recipient", []).append(_("This organisation's file is closed; choose the one it became."))
    elif not set(recipient.kinds) & set(RECIPIENT_KINDS) and not is_other_hub(recipient):
        errors.setdefault("recipient", []).append(
            _("%(name)s is neither a provider, a partner of the hub nor another hub: only they receive referrals.")
            % {"name": recipient.name}
        )
    if recipient is not None and "recipient" not in errors:
        # The same introduction twice, while the first is under way, is a slip, not a second need.
        open_one = (
            Referral.objects.filter(organisation=organisation, recipient=recipient, status__in=OPEN)
            .filter(need=need, action=action, offer=offer)
            .order_by("id")
            .first()
        )
        if open_one is not None:
            errors["recipient"] = [
                _(
                    "%(company)s already has an open referral to %(recipient)s for this (number %(number)d): "
                    "follow it up there."
                )
                % {"company": organisation.name, "recipient": recipient.name, "number": open_one.pk}
            ]
    for name, row in (("case", case), ("need", need)):
        if row is not None and row.organisation_id != organisation.pk:
            errors.setdefault(name, []).append(_("This belongs to another organisation."))
    if action is not None and action.roadmap.organisation_id != organisation.pk:
        errors.setdefault("action", []).append(_("This belongs to another organisation."))
    if case is not None and case.status == Case.Status.CLOSED:
        errors.setdefault("case", []).append(_("This case is closed."))
    try:
        note = check_text(note, "note", OUTCOME_LIMIT)
    except ValidationError as error:
        errors.update({k: list(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    assert recipient is not None
    if case is None:
        case = (need.case if need is not None else None) or (action.roadmap.case if action is not None else None)
    if need is None and action is not None:
        need = action.need
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation=organisation,
            recipient=recipient,
            case=case,
            need=need,
            action=action,
            offer=offer,
            note=note,
            proposed_by=user_of(actor),
        )
        _move(referral, "", S.PROPOSED, actor)
        audit.record(actor=actor, action="referral.propose", target=referral, organisation_id=organisation.pk)
        activity_record(
            organisation=organisation,
            kind=Activity.Kind.REFERRAL,
            verb="referral_proposed",
            target=referral,
            actor=actor,
            case=case,
            summary=recipient.name,
        )
    return referral


def referral_consent(
    *,
    actor: Any,
    referral: Referral,
    shared: Iterable[str],
    given: bool = True,
    email: str = "",
    method: str = Consent.Method.WEB,
) -> Referral:
    """The company consents to share what ``shared`` lists with the recipient (or withdraws its consent).
    A member of the company gives it on the web; hub staff record one given on paper, naming the person
    (``email``). Once given, the recipient is told and sees the referral and what is shared, nothing else."""
    chosen = [code for code in Referral.Share.values if code in set(shared)]
    unknown = sorted(set(shared) - set(Referral.Share.values))
    if unknown:
        raise ValidationError(
            {"shared": _("Unknown part of the file: %(parts)s.") % {"parts": ", ".join(unknown)[:80]}}
        )
    if given and not chosen:
        raise ValidationError({"shared": _("Choose at least one part of the file to share.")})
    if referral.status not in (S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS):
        raise ValidationError({"referral": _("This referral is over; there is nothing left to consent to.")})
    member = isinstance(actor, User) and referral.organisation_id in member_organisation_ids(actor)
    if member:
        person_email, person = actor.email, actor
    elif is_hub_staff(actor):
        if method not in (Consent.Method.PAPER,):
            raise ValidationError({"method": _("Hub staff record a consent the company gave on a signed form.")})
        person_email, person = check_email(email), None
    else:
        raise ValidationError({"referral": _("Only the company, or the hub for it, consents to share its file.")})
    to_hub = is_other_hub(referral.recipient)
    # The parts shared must fit in the record's 200 characters: a long name is shortened, never the parts.
    scope = f"referral {referral.pk} to {referral.recipient.name[:60]}: {', '.join(chosen)}"
    if to_hub and transfer_warning(referral.recipient):
        scope = f"transfer outside the EEA ({referral.recipient.country}, no adequacy decision); {scope}"
    with transaction.atomic():
        consent = consent_record(
            actor=actor,
            email=person_email,
            purpose=Consent.Purpose.SHARE_WITH_HUB if to_hub else Consent.Purpose.SHARE_WITH_PROVIDER,
            given=given,
            method=method if not member else Consent.Method.WEB,
            scope=scope[:200],
            user=person,
        )
        first = referral.consent_id is None or not (referral.consent and referral.consent.given)
        referral.consent = consent
        if given:
            referral.shared = chosen
        referral.save(update_fields=["consent", "shared", "updated_at"])
        audit.record(
            actor=actor,
            action="referral.consent" if given else "referral.consent_withdraw",
            target=referral,
            after={"shared": chosen if given else [], "consent": consent.pk},
            organisation_id=referral.organisation_id,
        )
        activity_record(
            organisation=referral.organisation,
            kind=Activity.Kind.REFERRAL,
            verb="consent_given" if given else "consent_withdrawn",
            target=referral,
            actor=actor,
            case=referral.case,
            summary=referral.recipient.name,
        )
        if given and first:
            _tell_members(
                referral.recipient,
                (Role.PROVIDER_MEMBER, Role.PARTNER_MEMBER),
                "journeys/email/referral_received",
                {"company": _name_for_recipient(referral), "referral": referral.pk},
            )
        if given and first:
            _tell_hooks(referral, "shared", actor)
        elif not given:
            _tell_hooks(referral, "consent_withdrawn", actor)
    return referral


def transfer_warning(recipient: Organisation) -> bool:
    """Sharing with this organisation sends the file outside the EEA to a country without an adequacy decision:
    the consent text names the transfer and its risks."""
    from moselle.core.transfers import needs_transfer_warning

    return needs_transfer_warning(recipient.country)


def consent_given(referral: Referral) -> bool:
    return referral.consent is not None and referral.consent.given


def _check_side(actor: Any, referral: Referral, side: str) -> None:
    members = member_organisation_ids(actor) if isinstance(actor, User) else set()
    if isinstance(actor, HubAbroad):
        if side == "company" and actor.acts_for_company:
            return
        if side != "recipient" or actor.organisation_id != referral.recipient_id:
            raise ValidationError({"referral": _("Only the organisation the company was referred to can do this.")})
        if not consent_given(referral):
            raise ValidationError(
                {"referral": _("The company has not consented to share its file with you: nothing can be done yet.")}
            )
        return
    if side == "recipient":
        if not consent_given(referral):
            raise ValidationError(
                {"referral": _("The company has not consented to share its file with you: nothing can be done yet.")}
            )
        if referral.recipient_id not in members and not is_hub_staff(actor):
            raise ValidationError({"referral": _("Only the organisation the company was referred to can do this.")})
    elif referral.organisation_id not in members and not is_hub_staff(actor):
        raise ValidationError({"referral": _("Only the company or the hub can do this.")})


def referral_move(*, actor: Any, referral: Referral, status: str, note: str = "") -> Referral:
    """Move a referral: accept, decline (with a reason), start, complete (with the outcome) or withdraw it."""
    if status not in MOVES:
        raise ValidationError({"status": _("Unknown step for a referral.")})
    sources, side = MOVES[status]
    if referral.status not in sources:
        raise ValidationError(
            {
                "status": _("A referral %(current)s cannot become %(next)s.")
                % {"current": referral.get_status_display(), "next": S(status).label}
            }
        )
    _check_side(actor, referral, side)
    note = check_text(note, "note", OUTCOME_LIMIT if status == S.DONE else NOTE_LIMIT)
    if status == S.DECLINED and not note:
        raise ValidationError({"note": _("Say why the referral is declined.")})
    if status == S.DONE and not note:
        raise ValidationError({"note": _("Say what was delivered: the outcome.")})
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != referral.status:
            raise ValidationError({"status": _("Someone changed this referral meanwhile; reload the page.")})
        before = audit.snapshot(referral)
        previous = referral.status
        referral.status = status
        fields = ["status", "updated_at"]
        if status == S.DECLINED:
            referral.decline_reason = note
            fields.append("decline_reason")
        if status == S.DONE:
            referral.outcome = note
            referral.service_record_draft = _service_record_draft(referral)
            fields += ["outcome", "service_record_draft"]
        referral.save(update_fields=fields)
        _move(referral, previous, status, actor, note)
        audit.record(
            actor=actor,
            action=f"referral.{status}",
            target=referral,
            before=before,
            organisation_id=referral.organisation_id,
        )
        activity_record(
            organisation=referral.organisation,
            kind=Activity.Kind.REFERRAL,
            verb=f"referral_{status}",
            target=referral,
            actor=actor,
            case=referral.case,
            summary=referral.recipient.name,
        )
        if status in (S.ACCEPTED, S.DECLINED):
            _signal(actor, referral, "accepted" if status == S.ACCEPTED else "declined", note)
        _tell_after_move(referral, status)
        if status == S.DONE:
            _propose_service_record(actor, referral)
        _tell_hooks(referral, status, actor)
    return referral


def referral_rate(*, actor: Any, referral: Referral, satisfaction: Any) -> Referral:
    """The company says how satisfied it is with what was delivered, 1 to 5."""
    if referral.status != S.DONE:
        raise ValidationError({"satisfaction": _("Rate a referral once it is done.")})
    if not isinstance(actor, User) or referral.organisation_id not in member_organisation_ids(actor):
        raise ValidationError({"satisfaction": _("Only the company rates what it received.")})
    if isinstance(satisfaction, bool) or str(satisfaction).strip() not in {"1", "2", "3", "4", "5"}:
        raise ValidationError({"satisfaction": _("Give a whole number from 1 to 5.")})
    with transaction.atomic():
        before = audit.snapshot(referral)
        referral.satisfaction = int(str(satisfaction).strip())
        referral.save(update_fields=["satisfaction", "updated_at"])
        audit.record(
            actor=actor,
            action="referral.rate",
            target=referral,
            before=before,
            organisation_id=referral.organisation_id,
        )
        activity_record(
            organisation=referral.organisation,
            kind=Activity.Kind.REFERRAL,
            verb="referral_rated",
            summary=str(referral.satisfaction),
            target=referral,
            actor=actor,
            case=referral.case,
        )
    return referral


def _move(referral: Referral, previous: str, status: str, actor: Any, note: str = "") -> None:
    ReferralMove.objects.create(
        referral=referral, from_status=previous, to_status=status, note=note[:500], at=timezone.now(), by=user_of(actor)
    )


def _service_record_draft(referral: Referral) -> dict[str, Any]:
    """What the hub will confirm as a service record once the reporting records exist."""
    category = (
        (referral.offer.category if referral.offer else "")
        or (referral.action.category if referral.action else "")
        or (referral.need.category if referral.need else "")
    )
    return {
        "status": "proposed",
        "organisation": referral.organisation_id,
        "provider": referral.recipient_id,
        "category": category,
        "delivered_on": timezone.localdate().isoformat(),
        "description": referral.outcome[:300],
        "referral": referral.pk,
    }


def _propose_service_record(actor: Any, referral: Referral) -> None:
    """A done referral is a service delivered: reporting gets a draft record for the hub's staff to confirm."""
    from moselle.reporting.actions import record_propose

    accepted = referral.moves.filter(to_status=S.ACCEPTED).order_by("at").values_list("at", flat=True).first()
    today = timezone.localdate()
    record_propose(
        actor=actor,
        source="referral",
        customer=referral.organisation,
        category=str(referral.service_record_draft.get("category") or ""),
        description=referral.outcome,
        started_on=timezone.localdate(accepted) if accepted else today,
        ended_on=today,
        partner=referral.recipient,
        case_id=referral.case_id,
        referral_id=referral.pk,
    )


def _signal(actor: Any, referral: Referral, decision: str, reason: str) -> None:
    """Feed the decision to matching as an outcome for what was proposed: the offer, else the provider. An
    item the engine does not hold (a provider with nothing published) gives no signal."""
    from moselle.matching.actions import record_outcome

    kind, item_id = ("offer", referral.offer_id) if referral.offer_id else ("provider", referral.recipient_id)
    if kind == "provider" and is_other_hub(referral.recipient):
        kind = "hub"
    text = referral.need.title if referral.need else (referral.action.title if referral.action else "")
    try:
        with transaction.atomic():
            record_outcome(
                actor=actor,
                kind=kind,
                item_id=item_id,
                decision=decision,
                organisation=referral.organisation,
                need_text=text,
                reason=reason[:300],
            )
    except ValidationError:
        pass


def _tell_members(organisation: Organisation, roles: Iterable[str], template: str, context: dict[str, Any]) -> None:
    people = User.objects.filter(
        memberships__organisation=organisation,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role__in=list(roles),
        is_active=True,
    ).distinct()
    for person in people:
        mail.send_templated(
            to=person.email, template=template, context=context, language=person.language, user_id=person.pk
        )


def _tell_after_move(referral: Referral, status: str) -> None:
    context = {
        "company": referral.organisation.name,
        "recipient": referral.recipient.name,
        "referral": referral.pk,
        "status": S(status).label,
        "reason": referral.decline_reason,
    }
    advisor = referral.case.owner if referral.case is not None else None
    if advisor is not None and advisor.is_active:
        mail.send_templated(
            to=advisor.email,
            template="journeys/email/referral_moved",
            context=context,
            language=advisor.language,
            user_id=advisor.pk,
        )
    if status in (S.ACCEPTED, S.DECLINED, S.DONE):
        _tell_members(referral.organisation, (Role.COMPANY_MEMBER,), "journeys/email/referral_moved", context)
    if status == S.WITHDRAWN and consent_given(referral):
        recipients = (Role.PROVIDER_MEMBER, Role.PARTNER_MEMBER)
        context = {**context, "company": _name_for_recipient(referral)}
        _tell_members(referral.recipient, recipients, "journeys/email/referral_moved", context)


def _name_for_recipient(referral: Referral) -> str:
    """The company's name is part of its profile: the recipient reads it only when the profile is shared."""
    return referral.organisation.name if Referral.Share.PROFILE in referral.shared else ""
