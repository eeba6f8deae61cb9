"""A company's applications to the funding programmes, and the one table of investments triggered.

An application goes planned → submitted → granted or rejected, or is withdrawn (``MOVES``). Granting it
creates its one investment (a public grant, or a loan or equity when the programme gives that) in the same
transaction; changing the amount granted or the day of the decision changes that investment; a move away from
granted (the decision was recorded by mistake, or the company gave the grant up) deletes it, so no figure keeps
a grant that is not one. The hub's staff record the other investments (a company's own funds, a loan, equity…,
from a pilot, a service or by hand), each optionally linked to a service record of the same customer: the KPIs
and the Commission's services export read this one table, so nothing is counted twice.

Each action names every bad field at once and writes nothing then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.core import audit
from moselle.core.ids import row_id
from moselle.funding.models import Application, Call, Investment, Programme
from moselle.journeys.actions.checks import Checked, check_text, user_of
from moselle.journeys.models import RoadmapAction
from moselle.organisations.models import Organisation
from moselle.reporting.actions import a_date, money
from moselle.reporting.models import ServiceRecord

TOP = 2**31 - 1
S = Application.Status

# Where an application may go from each status. Back to submitted from a decision, or from granted to
# rejected and back, corrects a decision recorded by mistake; granted to withdrawn is a grant given up.
MOVES: dict[str, tuple[str, ...]] = {
    S.PLANNED: (S.SUBMITTED, S.WITHDRAWN),
    S.SUBMITTED: (S.GRANTED, S.REJECTED, S.WITHDRAWN),
    S.GRANTED: (S.SUBMITTED, S.REJECTED, S.WITHDRAWN),
    S.REJECTED: (S.SUBMITTED, S.GRANTED),
    S.WITHDRAWN: (),
}
# The statuses an application may be recorded in at once (one decided before the platform was used, say).
CREATED_AS = (S.PLANNED, S.SUBMITTED, S.GRANTED, S.REJECTED)
DECIDED = (S.GRANTED, S.REJECTED)
SENT = (S.SUBMITTED, S.GRANTED, S.REJECTED)
EVIDENCE_LIMIT = 500

# The kind of investment a granted application triggers, by the programme's instrument; a grant otherwise.
KIND_OF_INSTRUMENT: dict[str, str] = {
    Programme.Instrument.LOAN: Investment.Kind.LOAN,
    Programme.Instrument.EQUITY: Investment.Kind.EQUITY,
}
RECORDED_BY_HAND = (Investment.Source.MANUAL, Investment.Source.PILOT, Investment.Source.SERVICE)


def _today() -> date:
    return timezone.localdate()


def may_apply(actor: Any, organisation: Organisation) -> bool:
    """The company's own members (not observers) and the hub's staff keep its applications."""
    return is_hub_staff(actor) or organisation.pk in member_organisation_ids(actor)


def _refuse_members_deciding(actor: Any, data: Mapping[str, Any], before: str | None, after: str) -> None:
    """A decision (granted or rejected, its date and amount) becomes an investment in the hub's figures for
    the Commission: the hub's staff record it, from the decision letter the company shows them."""
    if is_hub_staff(actor):
        return
    deciding = after in DECIDED and after != before
    undoing = before in DECIDED and after != before
    if deciding or undoing or any(data.get(name) not in (None, "") for name in ("decided_on", "amount_granted")):
        raise ValidationError(
            {"status": _("The hub's staff record a decision on an application: send them the decision letter.")}
        )


def _pk(value: Any) -> int | None:
    return row_id(value)


def _active_programme(value: Any) -> Programme:
    found = None
    if isinstance(value, Programme):
        found = value
    elif isinstance(value, str) and value.strip() and not value.strip().isdecimal():
        found = Programme.objects.filter(code=value.strip()).first()
    elif value not in (None, ""):
        pk = _pk(value)
        found = Programme.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({"programme": _("Choose a programme of the list.")})
    if not found.active:
        raise ValidationError({"programme": _("This programme is no longer open to applications.")})
    return found


def _call_of(value: Any, programme: Programme | None) -> Call | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Call) else _pk(value)
    found = Call.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({"call": _("Choose a call of the list.")})
    if programme is not None and found.programme_id != programme.pk:
        raise ValidationError({"call": _("This call belongs to another programme.")})
    return found


def _action_of(value: Any, organisation: Organisation) -> RoadmapAction | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, RoadmapAction) else _pk(value)
    found = RoadmapAction.objects.filter(pk=pk, roadmap__organisation_id=organisation.pk).first() if pk else None
    if found is None:
        raise ValidationError({"action": _("Choose an action of this company's roadmap.")})
    return found


def _status(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in S.values:
        raise ValidationError({"status": _("Choose planned, submitted, granted, rejected or withdrawn.")})
    return str(value)


def _granted_amount(value: Any) -> Decimal | None:
    return None if value in (None, "") else money(value, "amount_granted")


def _checked_application(
    data: Mapping[str, Any], organisation: Organisation, application: Application | None
) -> dict[str, Any]:
    """The application's values after the change, checked as a whole: the fields given, then the status and
    its dates and amount together."""
    creating = application is None
    checked = Checked(data, every=creating)
    today = _today()
    if creating:
        programme = checked.take("programme", _active_programme)
        checked.take("amount_requested", lambda v: money(v, "amount_requested", required=True))
    else:
        assert application is not None
        programme = application.programme
        if "programme" in data and data["programme"] not in (None, "", programme.pk, programme.code, programme):
            checked.add("programme", _("The programme of an application does not change; make a new one."))
        if "amount_requested" in data:
            checked.take("amount_requested", lambda v: money(v, "amount_requested", required=True))
    if creating or "call" in data:
        # Unknown when the programme itself is refused: the call is then only checked to exist.
        checked.take("call", lambda v: _call_of(v, programme))
    if creating or "action" in data:
        checked.take("action", lambda v: _action_of(v, organisation))
    given_status = checked.take("status", _status) if "status" in data or creating else None
    checked.take("submitted_on", lambda v: a_date(v, "submitted_on", required=False, latest=today))
    checked.take("decided_on", lambda v: a_date(v, "decided_on", required=False, latest=today))
    checked.take("amount_granted", _granted_amount)
    values = checked.values

    before = application.status if application is not None else None
    status = given_status or before or S.PLANNED
    if "status" not in checked.errors:
        if creating and status not in CREATED_AS:
            checked.add("status", _("Record a new application as planned, submitted, granted or rejected."))
        elif before is not None and status != before and status not in MOVES[before]:
            checked.add(
                "status",
                _("An application cannot go from %(before)s to %(after)s.")
                % {"before": S(before).label, "after": S(status).label},
            )
    values["status"] = status
    _dates_and_amount(checked, data, application, status, today)
    checked.done()
    return values


def _dates_and_amount(
    checked: Checked, data: Mapping[str, Any], application: Application | None, status: str, today: date
) -> None:
    """A submission date once sent (today when none is given), a decision date for a decision, an amount for
    a grant; nothing of a decision on an application without one."""
    values, errors = checked.values, checked.errors

    def current(name: str) -> Any:
        if name in data:
            return values.get(name)
        return getattr(application, name) if application is not None else None

    submitted, decided, granted = current("submitted_on"), current("decided_on"), current("amount_granted")
    if "submitted_on" not in errors:
        if status == S.PLANNED and data.get("submitted_on") not in (None, ""):
            checked.add("submitted_on", _("A planned application has not been submitted yet."))
        elif status == S.SUBMITTED and submitted is None:
            submitted = today
    if "decided_on" not in errors:
        if status in DECIDED and decided is None:
            checked.add("decided_on", _("Say on which day the decision was made."))
        elif status not in DECIDED:
            if data.get("decided_on") not in (None, ""):
                checked.add("decided_on", _("Only a granted or rejected application has a decision date."))
            decided = None
        elif submitted is not None and decided < submitted:
            checked.add("decided_on", _("The decision cannot come before the application was submitted."))
    if "amount_granted" not in errors:
        if status == S.GRANTED and granted is None:
            checked.add("amount_granted", _("Give the amount granted, in euros."))
        elif status != S.GRANTED:
            if data.get("amount_granted") not in (None, ""):
                checked.add("amount_granted", _("Only a granted application has an amount granted."))
            granted = None
    values.update(submitted_on=submitted, decided_on=decided, amount_granted=granted)


def _sync_investment(actor: Any, application: Application) -> Investment | None:
    """The one investment of a granted application, as the application says; none for any other status.
    Called inside the action's transaction, with the application's row locked."""
    found = Investment.objects.filter(application=application).first()
    if application.status != S.GRANTED:
        if found is not None:
            audit.record(
                actor=actor,
                action="investment.delete",
                target=found,
                before=audit.snapshot(found),
                after={},
                organisation_id=application.organisation_id,
            )
            found.delete()
        return None
    assert application.amount_granted is not None and application.decided_on is not None
    kind = KIND_OF_INSTRUMENT.get(application.programme.instrument, Investment.Kind.PUBLIC_GRANT)
    if found is None:
        found = Investment.objects.create(
            organisation_id=application.organisation_id,
            amount=application.amount_granted,
            kind=kind,
            made_on=application.decided_on,
            source=Investment.Source.APPLICATION,
            application=application,
            created_by=user_of(actor),
        )
        audit.record(actor=actor, action="investment.create", target=found, organisation_id=application.organisation_id)
        return found
    if (found.amount, found.made_on, found.kind, found.organisation_id) != (
        application.amount_granted,
        application.decided_on,
        kind,
        application.organisation_id,
    ):
        before = audit.snapshot(found)
        found.amount, found.made_on, found.kind = application.amount_granted, application.decided_on, kind
        found.organisation_id = application.organisation_id
        found.save(update_fields=["amount", "made_on", "kind", "organisation"])
        audit.record(
            actor=actor,
            action="investment.update",
            target=found,
            before=before,
            organisation_id=application.organisation_id,
        )
    return found


def _refuse_outsider(actor: Any, organisation: Organisation) -> None:
    if not may_apply(actor, organisation):
        raise ValidationError(
            {"organisation": _("Only the company's members and the hub's staff keep its applications.")}
        )


def application_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Application:
    """A company's application to an active programme (and one of its calls), for an amount, optionally for an
    action of its roadmap. Recorded as granted at once, it creates its investment too."""
    _refuse_outsider(actor, organisation)
    with transaction.atomic():
        values = _checked_application(data, organisation, None)
        _refuse_members_deciding(actor, data, None, values["status"])
        application = Application.objects.create(organisation=organisation, created_by=user_of(actor), **values)
        audit.record(actor=actor, action="application.create", target=application, organisation_id=organisation.pk)
        _sync_investment(actor, application)
    return application


def application_update(*, actor: Any, application: Application, data: Mapping[str, Any]) -> Application:
    """Change the fields given (``call``, ``action``, ``amount_requested``, ``status``, ``submitted_on``,
    ``decided_on``, ``amount_granted``; the programme never changes). A new status must be one ``MOVES``
    allows; the application's investment follows (created, changed or deleted) in the same transaction."""
    _refuse_outsider(actor, application.organisation)
    with transaction.atomic():
        # Locked, so that two grants of the same application at once make one investment, not two.
        locked = Application.objects.select_for_update().select_related("programme", "organisation")
        current = locked.get(pk=application.pk)
        values = _checked_application(data, current.organisation, current)
        _refuse_members_deciding(actor, data, current.status, values["status"])
        before = audit.snapshot(current)
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        audit.record(
            actor=actor,
            action="application.update",
            target=current,
            before=before,
            organisation_id=current.organisation_id,
        )
        _sync_investment(actor, current)
    application.refresh_from_db()
    return application


def application_move(
    *, actor: Any, application: Application, status: str, data: Mapping[str, Any] | None = None
) -> Application:
    """Move an application to ``status``, with what the move needs in ``data``: ``decided_on`` for a decision,
    ``amount_granted`` for a grant, ``submitted_on`` (else today) for a submission."""
    return application_update(actor=actor, application=application, data={**(data or {}), "status": status})


# --- Investments recorded by the hub's staff -------------------------------------------------------------


def _kind(value: Any) -> str:
    if value not in Investment.Kind.values:
        raise ValidationError({"kind": _("Choose public grant, loan, equity or own funds.")})
    return str(value)


def _source(value: Any) -> str:
    if value in (None, ""):
        return str(Investment.Source.MANUAL)
    if value == Investment.Source.APPLICATION:
        raise ValidationError({"source": _("An application's grant is recorded by granting the application.")})
    if value not in RECORDED_BY_HAND:
        raise ValidationError({"source": _("Choose a pilot, a service or entered by hand.")})
    return str(value)


def _service_record_of(value: Any, organisation: Organisation) -> ServiceRecord | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, ServiceRecord) else _pk(value)
    found = ServiceRecord.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({"service_record": _("Choose a service record of the list.")})
    if found.customer_id != organisation.pk:
        raise ValidationError({"service_record": _("This service was delivered to another organisation.")})
    return found


def investment_record(
    *, actor: Any, organisation: Organisation, data: Mapping[str, Any], system: bool = False
) -> Investment:
    """An investment the hub's support triggered, recorded by the hub's staff (or a pilot, ``system``): its
    amount, type, date, where it comes from and the evidence, optionally the service that triggered it (one
    delivered to the same organisation). An application's grant is not recorded here: granting it does."""
    if not system and not is_hub_staff(actor):
        raise ValidationError({"organisation": _("Only the hub's staff record investments.")})
    checked = Checked(data)
    checked.take("amount", lambda v: money(v, "amount", required=True))
    checked.take("kind", _kind)
    checked.take("made_on", lambda v: a_date(v, "made_on", latest=_today()))
    checked.take("source", _source)
    checked.take("service_record", lambda v: _service_record_of(v, organisation))
    checked.take("evidence", lambda v: check_text(v, "evidence", EVIDENCE_LIMIT))
    if organisation.merged_into_id is not None:
        checked.add("organisation", _("This organisation was merged into another; record it there."))
    checked.done()
    with transaction.atomic():
        investment = Investment.objects.create(organisation=organisation, created_by=user_of(actor), **checked.values)
        audit.record(actor=actor, action="investment.create", target=investment, organisation_id=organisation.pk)
    return investment


__all__ = [
    "CREATED_AS",
    "MOVES",
    "application_create",
    "application_move",
    "application_update",
    "investment_record",
    "may_apply",
]
