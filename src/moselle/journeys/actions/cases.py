"""Intake, triage and the case's way through the funnel."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moselle.accounts.models import CONSENT_TEXT_VERSION, User
from moselle.core import audit, mail
from moselle.journeys.actions.checks import (
    MESSAGE_LIMIT,
    NEXT_STEP_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
    Checked,
    categories_of,
    check_country,
    check_email,
    check_staff,
    check_text,
    future_date,
    user_of,
)
from moselle.journeys.actions.timeline import activity_record
from moselle.journeys.models import (
    STAGE_ORDER,
    Activity,
    Case,
    IntakeRequest,
    Stage,
    StageMove,
)
from moselle.organisations.models import Organisation

# --- Intake and triage -----------------------------------------------------------------------------------


def intake_submit(*, actor: Any, data: Mapping[str, Any], language: str | None = None) -> Case:
    """A request for help from the website: it opens a case at Inform in the triage queue and sends the
    person a receipt. Held on the hub's legitimate interest in answering what it was asked."""
    checked = Checked(data)
    name = checked.take("name", lambda v: check_text(v, "name", 200, required=True, missing=_("Give your name.")))
    email = checked.take("email", check_email)
    phone = checked.take("phone", lambda v: check_text(v, "phone", 40))
    role = checked.take("role", lambda v: check_text(v, "role", 200))
    organisation_name = checked.take(
        "organisation_name",
        lambda v: check_text(
            v, "organisation_name", 200, required=True, missing=_("Give the name of the organisation you ask for.")
        ),
    )
    country = checked.take("country", check_country)
    message = checked.take(
        "message",
        lambda v: check_text(
            v, "message", MESSAGE_LIMIT, required=True, missing=_("Say in a few words what you need.")
        ),
    )
    categories = checked.take("categories", categories_of)
    heard_from = str(data.get("heard_from") or "")
    if heard_from and heard_from not in IntakeRequest.HeardFrom.values:
        checked.add("heard_from", _("Choose one of the answers offered."))
    if not data.get("privacy_notice"):
        checked.add("privacy_notice", _("Confirm that you have read how the hub uses what you send."))
    checked.done()
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            title=_first_line(message),
            origin=Case.Origin.REQUEST,
            categories=categories,
            stage=Stage.INFORM,
            stage_changed_at=now,
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        StageMove.objects.create(case=case, from_stage="", to_stage=Stage.INFORM, at=now, by=case.opened_by)
        request = IntakeRequest.objects.create(
            case=case,
            name=name,
            email=email,
            phone=phone,
            role=role,
            organisation_name=organisation_name,
            country=country,
            message=message,
            heard_from=heard_from,
            language=language,
            notice_version=CONSENT_TEXT_VERSION,
            user=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(actor=actor, action="case.request", target=case)
        mail.send_templated(
            to=email,
            template="journeys/email/request_received",
            context={"name": name, "organisation": organisation_name, "case": case.pk},
            language=language,
            user_id=request.user_id,
        )
    return case


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= 120 else line[:119].rstrip() + "…"


def case_open(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    categories: Iterable[str] = (),
    owner: User | None = None,
    origin: str = Case.Origin.ADVISOR,
) -> Case:
    """An advisor's quick entry: a case at Inform for an organisation of the registry, in the triage queue
    unless the advisor names its owner at once."""
    title = check_text(title, "title", TITLE_LIMIT, required=True, missing=_("Say what the case is about."))
    chosen = categories_of(list(categories))
    if owner is not None:
        check_staff(owner)
    if organisation.merged_into_id or organisation.is_historical:
        raise ValidationError({"organisation": _("This organisation's file is closed; choose the one it became.")})
    if origin not in Case.Origin.values:
        raise ValidationError({"origin": _("Unknown origin.")})
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            organisation=organisation,
            title=title,
            categories=chosen,
            origin=origin,
            owner=owner,
            status=Case.Status.OPEN if owner else Case.Status.TRIAGE,
            stage=Stage.INFORM,
            stage_changed_at=now,
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        StageMove.objects.create(case=case, from_stage="", to_stage=Stage.INFORM, at=now, by=case.opened_by)
        audit.record(actor=actor, action="case.open", target=case, organisation_id=organisation.pk)
        activity_record(
            organisation=organisation, kind=Activity.Kind.CASE, verb="opened", target=case, actor=actor, case=case
        )
    return case


def case_triage(
    *,
    actor: Any,
    case: Case,
    owner: User,
    organisation: Organisation | None = None,
    register: bool = False,
) -> Case:
    """Take a case out of the triage queue: give it an advisor and the organisation of the registry it
    concerns (one found by the advisor, or registered now from the request with ``register``)."""
    if case.status != Case.Status.TRIAGE:
        raise ValidationError({"case": _("This case is not waiting for triage.")})
    check_staff(owner)
    if organisation is None and case.organisation_id is None and not register:
        raise ValidationError(
            {"organisation": _("Choose the organisation this request is for, or register it from the request.")}
        )
    if organisation is not None and (organisation.merged_into_id or organisation.is_historical):
        raise ValidationError({"organisation": _("This organisation's file is closed; choose the one it became.")})
    with transaction.atomic():
        before = audit.snapshot(case)
        if organisation is None and case.organisation_id is None:
            from moselle.organisations.actions import organisation_create

            request = IntakeRequest.objects.get(case=case)
            organisation = organisation_create(
                actor=actor,
                name=request.organisation_name,
                country=request.country,
                details={"kinds": [Organisation.Kind.COMPANY]},
            )
        if organisation is not None:
            case.organisation = organisation
        case.owner = owner
        case.status = Case.Status.OPEN
        case.save(update_fields=["organisation", "owner", "status", "updated_at"])
        audit.record(
            actor=actor, action="case.triage", target=case, before=before, organisation_id=case.organisation_id
        )
        assert case.organisation is not None
        if case.origin == Case.Origin.REQUEST:
            activity_record(
                organisation=case.organisation,
                kind=Activity.Kind.CASE,
                verb="requested",
                target=case,
                case=case,
                at=case.created_at,
            )
        activity_record(
            organisation=case.organisation, kind=Activity.Kind.CASE, verb="triaged", target=case, actor=actor, case=case
        )
        if owner.pk != getattr(actor, "pk", None):
            mail.send_templated(
                to=owner.email,
                template="journeys/email/case_assigned",
                context={"case": case.pk, "title": case.title, "organisation": case.organisation.name},
                language=owner.language,
                user_id=owner.pk,
            )
    return case


def case_close(*, actor: Any, case: Case, reason: str, note: str = "") -> Case:
    if case.status == Case.Status.CLOSED:
        raise ValidationError({"case": _("This case is closed already.")})
    if reason not in Case.CloseReason.values:
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    note = check_text(note, "note", NOTE_LIMIT)
    with transaction.atomic():
        before = audit.snapshot(case)
        case.status = Case.Status.CLOSED
        case.close_reason = reason
        case.close_note = note
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "close_reason", "close_note", "closed_at", "updated_at"])
        audit.record(actor=actor, action="case.close", target=case, before=before, organisation_id=case.organisation_id)
        if case.organisation is not None:
            activity_record(
                organisation=case.organisation,
                kind=Activity.Kind.CASE,
                verb="closed",
                target=case,
                actor=actor,
                case=case,
            )
    return case


def case_move(*, actor: Any, case: Case, stage: str, reason: str = "") -> Case:
    """Move a case to another funnel stage. Going back (Engage to Inspire, say) needs a reason: the funnel
    counts moves forward, and a step back must be explained."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose Inform, Inspire or Engage.")})
    if case.status != Case.Status.OPEN:
        raise ValidationError({"stage": _("Only an open case moves through the funnel; triage it first.")})
    if stage == case.stage:
        raise ValidationError({"stage": _("The case is in this stage already.")})
    reason = check_text(reason, "reason", NOTE_LIMIT)
    backwards = STAGE_ORDER[Stage(stage)] < STAGE_ORDER[Stage(case.stage)]
    if backwards and not reason:
        raise ValidationError({"reason": _("Say why the case moves back to an earlier stage.")})
    return _stage_move(actor=actor, case=case, stage=stage, reason=reason)


def _stage_move(*, actor: Any, case: Case, stage: str, reason: str = "") -> Case:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.stage != case.stage:
            raise ValidationError({"stage": _("Someone moved this case meanwhile; reload the page.")})
        before = audit.snapshot(case)
        now = timezone.now()
        StageMove.objects.create(
            case=case, from_stage=case.stage, to_stage=stage, reason=reason, at=now, by=user_of(actor)
        )
        case.stage = stage
        case.stage_changed_at = now
        case.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        audit.record(actor=actor, action="case.move", target=case, before=before, organisation_id=case.organisation_id)
        assert case.organisation is not None
        activity_record(
            organisation=case.organisation,
            kind=Activity.Kind.CASE,
            verb="moved",
            summary=stage,
            target=case,
            actor=actor,
            case=case,
        )
    return case


def case_reach(*, actor: Any, case: Case, stage: str) -> Case | None:
    """Bring a case forward to ``stage`` when it is behind; what the journey's actions call (an event
    attended is Inform, a group workshop Inspire, a one-to-one roadmap Engage). Never moves it back. A case
    still awaiting triage moves too: what happened is recorded for the funnel, whoever takes the case on."""
    if case.status == Case.Status.CLOSED or STAGE_ORDER[Stage(stage)] <= STAGE_ORDER[Stage(case.stage)]:
        return None
    return _stage_move(actor=actor, case=case, stage=stage)


def case_update(
    *, actor: Any, case: Case, next_step: str, next_step_due: Any = None, owner: User | None = None
) -> Case:
    next_step = check_text(next_step, "next_step", NEXT_STEP_LIMIT)
    due = future_date(next_step_due, "next_step_due") if next_step_due != case.next_step_due else case.next_step_due
    if owner is not None:
        check_staff(owner)
    with transaction.atomic():
        before = audit.snapshot(case)
        case.next_step = next_step
        case.next_step_due = due
        if owner is not None:
            case.owner = owner
        case.save(update_fields=["next_step", "next_step_due", "owner", "updated_at"])
        audit.record(
            actor=actor, action="case.update", target=case, before=before, organisation_id=case.organisation_id
        )
    return case
