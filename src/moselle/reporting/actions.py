"""Every write of reporting: service records, their confirmation from other apps' proposals, the hub's
de minimis grants with their notices, and the aid a company declares from elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.core import audit
from moselle.journeys.actions.checks import Checked, check_text, technologies_named, user_of
from moselle.organisations.access import own_hub
from moselle.organisations.models import EdihCategory, HubService, Organisation
from moselle.reporting import ledger as ledgers
from moselle.reporting.access import partner_organisation_ids
from moselle.reporting.models import AidBasis, Declaration, Grant, Regulation, ServiceRecord

MONEY_LIMIT = Decimal("9999999999.99")
DESCRIPTION_LIMIT = 500
EARLIEST = date(1990, 1, 1)
S = ServiceRecord.Status

# --- Checks ----------------------------------------------------------------------------------------------


def money(value: Any, field: str, *, required: bool = False) -> Decimal:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Give an amount in euros.")})
        return Decimal("0")
    if isinstance(value, bool):
        raise ValidationError({field: _("Give an amount in euros, such as 1250.00.")})
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        raise ValidationError({field: _("Give an amount in euros, such as 1250.00.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Give an amount in euros, such as 1250.00.")})
    if amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    if amount > MONEY_LIMIT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Give euros with at most two decimals and below ten billion.")})
    return amount.quantize(Decimal("0.01"))


def a_date(value: Any, field: str, *, required: bool = True, latest: date | None = None) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Give a date.")})
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({field: _("Give a date as YYYY-MM-DD.")}) from None
    if not isinstance(value, date):
        raise ValidationError({field: _("Give a date as YYYY-MM-DD.")})
    if value < EARLIEST:
        raise ValidationError({field: _("Give a date from 1990 on.")})
    if latest is not None and value > latest:
        raise ValidationError({field: _("This date is in the future.")})
    return value


def category_of(value: Any) -> str:
    text = str(value or "").strip()
    if text not in EdihCategory.values:
        raise ValidationError({"category": _("Choose one of the four EDIH service categories.")})
    return text


def customer_of(value: Any, field: str = "customer") -> Organisation:
    organisation = _organisation(value)
    if organisation is None:
        raise ValidationError(
            {field: _("The customer must be an organisation registered with the hub; register it first.")}
        )
    return organisation


def _organisation(value: Any) -> Organisation | None:
    if isinstance(value, Organisation):
        return value if value.merged_into_id is None else None
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return Organisation.objects.filter(pk=pk, merged_into__isnull=True).select_related("primary_nace").first()


def hub_service_of(value: Any) -> HubService | None:
    if value in (None, ""):
        return None
    hub = own_hub()
    found = None
    if hub is not None:
        service = value if isinstance(value, HubService) else None
        if service is None:
            text = str(value).strip()
            by_id = HubService.objects.filter(hub=hub, pk=int(text)) if text.isdecimal() else None
            service = (by_id if by_id is not None else HubService.objects.filter(hub=hub, code=text)).first()
        found = service if service is not None and service.hub_id == hub.pk else None
    if found is None:
        raise ValidationError({"hub_service": _("Unknown service of this hub.")})
    return found


def satisfaction_of(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or str(value).strip() not in {"1", "2", "3", "4", "5"}:
        raise ValidationError({"satisfaction": _("Give a whole number from 1 to 5.")})
    return int(str(value).strip())


def attendees_of(value: Any) -> int:
    if value in (None, ""):
        return 1
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdecimal() or not 0 <= int(text) <= 100000:
        raise ValidationError({"attendees": _("Give a whole number of attendees from 0 to 100000.")})
    return int(text)


def choice(value: Any, field: str, choices: Any, default: str) -> str:
    text = str(value or default).strip()
    if text not in choices.values:
        raise ValidationError({field: _("Unknown value: %(value)s.") % {"value": text[:40]}})
    return text


# --- Service records -------------------------------------------------------------------------------------

RECORD_FIELDS = (
    "customer",
    "category",
    "hub_service",
    "description",
    "technologies",
    "partner",
    "started_on",
    "ended_on",
    "attendees",
    "price",
    "invoiced",
    "aid",
    "aid_basis",
    "aid_info",
    "status",
    "satisfaction",
    "grant",
)


def _check_record(actor: Any, data: Mapping[str, Any], record: ServiceRecord | None) -> dict[str, Any]:
    """Every field of a service record checked at once; on an update only the fields given are read."""
    current = _record_values(record) if record else {}
    merged = {**current, **{k: v for k, v in data.items() if k in RECORD_FIELDS}}
    checked = Checked(merged)
    today = timezone.localdate()
    customer = checked.take("customer", customer_of)
    if customer is not None and record is None and not _may_serve(actor, customer):
        checked.add("customer", _("You log services for the companies referred to your organisation."))
    service = checked.take("hub_service", hub_service_of)
    if merged.get("category") in (None, "") and service is not None:
        merged["category"] = service.category
    checked.take("category", category_of)
    checked.take(
        "description",
        lambda v: check_text(
            v, "description", DESCRIPTION_LIMIT, required=True, missing=_("Say in a sentence what was delivered.")
        ),
    )
    checked.take("technologies", lambda v: technologies_named(v if isinstance(v, list | tuple) else []))
    checked.take("partner", lambda v: _partner_of(actor, v))
    started = checked.take("started_on", lambda v: a_date(v, "started_on"))
    ended = checked.take("ended_on", lambda v: a_date(v, "ended_on", required=False))
    checked.take("attendees", attendees_of)
    price = checked.take("price", lambda v: money(v, "price"))
    invoiced = checked.take("invoiced", lambda v: money(v, "invoiced"))
    aid = checked.take("aid", lambda v: money(v, "aid"))
    basis = checked.take("aid_basis", lambda v: choice(v, "aid_basis", AidBasis, AidBasis.NONE))
    checked.take("aid_info", lambda v: check_text(v, "aid_info", 200))
    status = checked.take("status", lambda v: choice(v, "status", S, S.ONGOING))
    checked.take("satisfaction", satisfaction_of)
    checked.take("grant", lambda v: _grant_of(v, merged.get("customer")))
    if started and ended and ended < started:
        checked.add("ended_on", _("The service cannot end before it started."))
    if started and started > today and status in (S.FINALISED, S.INVOICED):
        checked.add("status", _("A service that has not started cannot be finalised."))
    if price is not None and invoiced is not None and invoiced > price:
        checked.add("invoiced", _("More was invoiced than the service's price."))
    if price is not None and aid is not None and aid > price:
        checked.add("aid", _("The aid cannot be more than the service's price."))
    if aid and basis == AidBasis.NONE:
        checked.add("aid_basis", _("Aid was given: say under which basis (de minimis or the GBER)."))
    if status in (S.PROPOSED, S.REJECTED) and (record is None or record.status != status):
        checked.add("status", _("Proposals and rejections come from their own steps, not from an edit."))
    checked.done()
    return checked.values


def _may_serve(actor: Any, customer: Organisation) -> bool:
    from moselle.reporting.access import loggable_customers

    return is_hub_staff(actor) or loggable_customers(actor).filter(pk=customer.pk).exists()


def _partner_of(actor: Any, value: Any) -> Organisation | None:
    partners = partner_organisation_ids(actor)
    if value in (None, ""):
        if is_hub_staff(actor) or not partners:
            return None
        if len(partners) == 1:
            return Organisation.objects.get(pk=next(iter(partners)))
        raise ValidationError({"partner": _("Say which of your organisations delivered the service.")})
    organisation = _organisation(value)
    if organisation is None:
        raise ValidationError({"partner": _("Unknown organisation.")})
    if not is_hub_staff(actor) and organisation.pk not in partners:
        raise ValidationError({"partner": _("You log the services your own organisation delivered.")})
    return organisation


def _grant_of(value: Any, customer: Any) -> Grant | None:
    if value in (None, ""):
        return None
    grant = value if isinstance(value, Grant) else None
    if grant is None:
        text = str(value).strip()
        grant = (Grant.objects.filter(pk=int(text)) if text.isdecimal() else Grant.objects.filter(number=text)).first()
    organisation = _organisation(customer)
    if (
        grant is None
        or organisation is None
        or grant.organisation_id not in ledgers.single_undertaking(organisation.pk)
    ):
        raise ValidationError({"grant": _("Unknown grant for this customer.")})
    return grant


def _record_values(record: ServiceRecord) -> dict[str, Any]:
    return {
        "customer": record.customer,
        "category": record.category,
        "hub_service": record.hub_service,
        "description": record.description,
        "technologies": [t.name for t in record.technologies.all()],
        "partner": record.partner,
        "started_on": record.started_on,
        "ended_on": record.ended_on,
        "attendees": record.attendees,
        "price": record.price,
        "invoiced": record.invoiced,
        "aid": record.aid,
        "aid_basis": record.aid_basis,
        "aid_info": record.aid_info,
        "status": record.status,
        "satisfaction": record.satisfaction,
        "grant": record.grant,
    }


def _apply(record: ServiceRecord, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "technologies":
            setattr(record, name, value)


def record_create(
    *, actor: Any, data: Mapping[str, Any], source: str = ServiceRecord.Source.MANUAL, source_ref: str = ""
) -> ServiceRecord:
    """Log a service delivered: hub staff for any partner, a partner's member for their own organisation.

    ``source_ref`` says where the record came from (an imported row's key), so the same row is not logged twice."""
    if not is_hub_staff(actor) and not partner_organisation_ids(actor):
        raise ValidationError({"customer": _("Only the hub and its partners log services.")})
    values = _check_record(actor, data, None)
    with transaction.atomic():
        record = ServiceRecord(created_by=user_of(actor), source=source, source_ref=source_ref[:60])
        _apply(record, values)
        record.save()
        record.technologies.set(values.get("technologies") or [])
        audit.record(actor=actor, action="service_record.create", target=record, organisation_id=record.customer_id)
    return record


def record_update(*, actor: Any, record: ServiceRecord, data: Mapping[str, Any]) -> ServiceRecord:
    if record.status == S.REJECTED:
        raise ValidationError({"status": _("A rejected record is kept as it was; log a new one.")})
    if record.status == S.PROPOSED:
        raise ValidationError({"status": _("A proposed record is confirmed or rejected by the hub's staff.")})
    values = _check_record(actor, data, record)
    with transaction.atomic():
        before = audit.snapshot(record)
        _apply(record, values)
        record.save()
        if "technologies" in data:
            record.technologies.set(values.get("technologies") or [])
        audit.record(
            actor=actor,
            action="service_record.update",
            target=record,
            before=before,
            organisation_id=record.customer_id,
        )
    return record


def record_propose(
    *,
    actor: Any,
    source: str,
    customer: Organisation,
    category: str,
    description: str,
    started_on: date,
    ended_on: date | None = None,
    partner: Organisation | None = None,
    case_id: int | None = None,
    referral_id: int | None = None,
    source_ref: str = "",
    attendees: int = 1,
    price: Decimal | None = None,
    aid: Decimal | None = None,
    aid_basis: str = AidBasis.NONE,
    grant: Grant | None = None,
) -> ServiceRecord | None:
    """A draft another app proposes (a referral done, a workshop attended with its attendee count), for staff
    to confirm or reject.

    Proposing twice for the same referral gives the first draft back.
    """
    if referral_id is not None:
        existing = ServiceRecord.objects.filter(referral_id=referral_id).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            customer=customer,
            category=category if category in EdihCategory.values else EdihCategory.ECOSYSTEM_AND_NETWORKING,
            description=description[:DESCRIPTION_LIMIT] or _("Service delivered"),
            partner=partner,
            started_on=started_on,
            ended_on=max(ended_on or started_on, started_on),
            status=S.PROPOSED,
            source=source,
            case_id=case_id,
            referral_id=referral_id,
            source_ref=source_ref[:60],
            attendees=max(1, attendees),
            price=price or Decimal("0"),
            aid=aid or Decimal("0"),
            aid_basis=aid_basis if aid else AidBasis.NONE,
            grant=grant,
            created_by=user_of(actor),
        )
        audit.record(actor=actor, action="service_record.propose", target=record, organisation_id=customer.pk)
    return record


def record_start(
    *,
    actor: Any,
    source: str,
    customer: Organisation,
    category: str,
    description: str,
    started_on: date,
    partner: Organisation | None,
    source_ref: str,
    price: Decimal,
    aid: Decimal,
    aid_basis: str,
    grant: Grant | None,
    technologies: list[Any],
) -> ServiceRecord:
    """A service the hub's staff start for another app (a pilot when it passes into execution): ongoing from
    the start, its price, aid and grant given by that app. Written inside the caller's transaction."""
    if not is_hub_staff(actor):
        raise ValidationError({"status": _("Only the hub's staff start a service.")})
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            customer=customer,
            category=category,
            description=description[:DESCRIPTION_LIMIT] or _("Service delivered"),
            partner=partner,
            started_on=started_on,
            status=S.ONGOING,
            source=source,
            source_ref=source_ref[:60],
            price=price,
            aid=aid,
            aid_basis=aid_basis if aid else AidBasis.NONE,
            grant=grant,
            created_by=user_of(actor),
        )
        record.technologies.set(technologies)
        audit.record(actor=actor, action="service_record.start", target=record, organisation_id=customer.pk)
    return record


def record_finish(*, actor: Any, record: ServiceRecord, ended_on: date) -> ServiceRecord:
    """The service another app started is over (a pilot signed off or stopped): finalised on ``ended_on``. A
    record the hub has already finalised, invoiced or rejected is left as it is."""
    with transaction.atomic():
        record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != S.ONGOING:
            return record
        before = audit.snapshot(record)
        record.status, record.ended_on = S.FINALISED, max(ended_on, record.started_on)
        record.save(update_fields=["status", "ended_on", "updated_at"])
        audit.record(
            actor=actor,
            action="service_record.finish",
            target=record,
            before=before,
            organisation_id=record.customer_id,
        )
    return record


def record_confirm(*, actor: Any, record: ServiceRecord, data: Mapping[str, Any] | None = None) -> ServiceRecord:
    """Staff confirm a proposed record, completing or correcting it on the way (finalised unless told)."""
    if not is_hub_staff(actor):
        raise ValidationError({"status": _("Only the hub's staff confirm proposed records.")})
    if record.status != S.PROPOSED:
        raise ValidationError({"status": _("Only a proposed record is confirmed.")})
    given = dict(data or {})
    given.setdefault("status", S.FINALISED)
    record.status = S.ONGOING  # the check reads the record as confirmable; nothing is saved unless it passes
    try:
        values = _check_record(actor, given, record)
    finally:
        record.status = S.PROPOSED
    with transaction.atomic():
        before = audit.snapshot(record)
        _apply(record, values)
        record.save()
        if "technologies" in given:
            record.technologies.set(values.get("technologies") or [])
        audit.record(
            actor=actor,
            action="service_record.confirm",
            target=record,
            before=before,
            organisation_id=record.customer_id,
        )
    return record


def record_reject(*, actor: Any, record: ServiceRecord, reason: Any) -> ServiceRecord:
    if not is_hub_staff(actor):
        raise ValidationError({"reason": _("Only the hub's staff reject proposed records.")})
    if record.status != S.PROPOSED:
        raise ValidationError({"status": _("Only a proposed record is rejected.")})
    text = check_text(reason, "reason", 300, required=True, missing=_("Say why the record is rejected."))
    with transaction.atomic():
        before = audit.snapshot(record)
        record.status = S.REJECTED
        record.reject_reason = text
        record.save(update_fields=["status", "reject_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="service_record.reject",
            target=record,
            before=before,
            organisation_id=record.customer_id,
        )
    return record


# --- Grants ----------------------------------------------------------------------------------------------


def _next_number(prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    last = Grant.objects.filter(number__startswith=stem).aggregate(m=Max("number"))["m"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{serial:04d}"


def grant_check(organisation: Organisation, amount: Decimal, day: date) -> tuple[ledgers.Ledger, str]:
    """Refuse aid that cannot be de minimis; return the ledger and a warning when it comes near the ceiling."""
    current = ledgers.ledger(organisation, day)
    regulation = current.regulation
    if regulation is None:
        raise ValidationError({"granted_on": _("No de minimis regulation is in force on this date.")})
    if current.excluded:
        raise ValidationError(
            {
                "organisation": _(
                    "%(name)s works in a sector the de minimis regulation %(regulation)s excludes (NACE %(code)s): "
                    "its aid must come under another basis."
                )
                % {"name": organisation.name, "regulation": regulation.code, "code": current.excluded}
            }
        )
    _refuse_above(current, amount)
    for later in _later_windows(current, day):
        _refuse_above(later, amount)
    warning = ""
    if current.near_ceiling(amount):
        warning = _("After this grant the undertaking will have used %(used)s of its %(ceiling)s EUR ceiling.") % {
            "used": current.total + amount,
            "ceiling": regulation.ceiling,
        }
    return current, warning


def _refuse_above(current: ledgers.Ledger, amount: Decimal) -> None:
    if not current.would_exceed(amount):
        return
    raise ValidationError(
        {
            "amount": _(
                "This aid would take the single undertaking to %(total)s EUR, above the %(ceiling)s EUR ceiling of "
                "Regulation %(regulation)s over the window from %(start)s (headroom %(headroom)s EUR). Aid above the "
                "ceiling cannot be de minimis, not even in part: grant less aid, use another basis, or have the "
                "company correct its declaration."
            )
            % {
                "total": current.total + amount,
                "ceiling": current.ceiling,
                "regulation": current.regulation.code if current.regulation else "",
                "start": current.start,
                "headroom": current.headroom,
            }
        }
    )


def _later_windows(current: ledgers.Ledger, day: date) -> list[ledgers.Ledger]:
    """A grant dated in the past also falls into the windows of the grants recorded after it."""
    ids = [m.pk for m in current.members]
    later_days = sorted(
        set(
            Grant.objects.filter(
                organisation_id__in=ids, granted_on__gt=day, status=Grant.Status.GRANTED, basis=AidBasis.DE_MINIMIS
            ).values_list("granted_on", flat=True)
        )
    )
    return [ledgers.ledger(current.organisation, later) for later in later_days]


def grant_record(
    *,
    actor: Any,
    organisation: Organisation,
    amount: Any,
    granted_on: Any = None,
    description: Any = "",
    basis: Any = AidBasis.DE_MINIMIS,
    gber_article: Any = "",
    source: str = Grant.Source.MANUAL,
    referral_id: int | None = None,
    source_ref: str = "",
) -> tuple[Grant, str]:
    """Record aid the hub commits to: checked against the single undertaking's headroom, then numbered for
    its written notice. Returns the grant and a warning when the undertaking comes near its ceiling."""
    if not is_hub_staff(actor):
        raise ValidationError({"amount": _("Only the hub's staff grant aid.")})
    today = timezone.localdate()
    checked = Checked({"amount": amount, "granted_on": granted_on or today, "description": description, "basis": basis})
    value = checked.take("amount", lambda v: money(v, "amount", required=True))
    day = checked.take("granted_on", lambda v: a_date(v, "granted_on", latest=today))
    checked.take(
        "description",
        lambda v: check_text(v, "description", 300, required=True, missing=_("Say which service the aid is for.")),
    )
    chosen = checked.take("basis", lambda v: choice(v, "basis", AidBasis, AidBasis.DE_MINIMIS))
    if chosen == AidBasis.NONE:
        checked.add("basis", _("A grant is aid: choose de minimis or the GBER."))
    if value is not None and value <= 0:
        checked.add("amount", _("Give an amount above zero."))
    checked.done()
    with transaction.atomic():
        # One grant at a time per undertaking: lock its organisations' rows before counting.
        list(Organisation.objects.select_for_update().filter(pk__in=ledgers.single_undertaking(organisation.pk)))
        warning, regulation, counted, members = "", None, Decimal("0"), [organisation.pk]
        if chosen == AidBasis.DE_MINIMIS:
            current, warning = grant_check(organisation, value, day)
            regulation, counted, members = current.regulation, current.total, [m.pk for m in current.members]
        prefix = "DM" if chosen == AidBasis.DE_MINIMIS else "GB"
        grant = Grant.objects.create(
            organisation=organisation,
            number=_next_number(prefix, day.year),
            amount=value,
            granted_on=day,
            basis=chosen,
            regulation=regulation,
            gber_article=check_text(gber_article, "gber_article", 10),
            description=checked.values["description"],
            source=source,
            referral_id=referral_id,
            source_ref=source_ref[:40],
            undertaking=sorted(members),
            counted_before=counted,
            recorded_by=user_of(actor),
        )
        audit.record(actor=actor, action="grant.record", target=grant, organisation_id=organisation.pk)
    return grant, warning


def grant_cancel(*, actor: Any, grant: Grant, reason: Any) -> Grant:
    """The hub withdraws a commitment (the service will not be given): the aid no longer counts."""
    if not is_hub_staff(actor):
        raise ValidationError({"reason": _("Only the hub's staff cancel a grant.")})
    text = check_text(reason, "reason", 300, required=True, missing=_("Say why the grant is cancelled."))
    return _cancel(grant, text, actor=actor, again=_("This grant is already cancelled."))


def grant_release(*, grant: Grant, reason: str) -> Grant:
    """The service a grant was committed for will not be given because the company withdrew (a participant
    cancelled an aided enrolment): the aid no longer counts. Written by the platform, audited as such; a grant
    cancelled already is left as it is."""
    return _cancel(grant, reason[:300], actor=None)


def _cancel(grant: Grant, reason: str, *, actor: Any, again: str = "") -> Grant:
    """Cancel under the grant's row lock; one cancelled already is refused with ``again``, or left as it is."""
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.status == Grant.Status.CANCELLED:
            if again:
                raise ValidationError({"status": again})
            return locked
        grant = locked
        before = audit.snapshot(grant)
        grant.status, grant.cancel_reason = Grant.Status.CANCELLED, reason
        grant.save(update_fields=["status", "cancel_reason"])
        audit.record(
            actor=actor,
            action="grant.cancel",
            target=grant,
            before=before,
            organisation_id=grant.organisation_id,
            actor_kind=None if actor is not None else "system",
        )
    return grant


# --- Declarations ----------------------------------------------------------------------------------------


def _may_declare(actor: Any, organisation: Organisation) -> None:
    if not is_hub_staff(actor) and organisation.pk not in member_organisation_ids(actor):
        raise ValidationError({"organisation": _("Only the company or the hub declares its aid.")})


def declaration_add(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Declaration:
    """The company declares de minimis aid it received from another granting body."""
    _may_declare(actor, organisation)
    today = timezone.localdate()
    known = set(Regulation.objects.values_list("code", flat=True))
    checked = Checked(data)
    checked.take("amount", lambda v: money(v, "amount", required=True))
    checked.take("granted_on", lambda v: a_date(v, "granted_on", latest=today))
    checked.take(
        "granting_body",
        lambda v: check_text(v, "granting_body", 200, required=True, missing=_("Name the body that granted the aid.")),
    )
    regulation = checked.take("regulation", lambda v: check_text(v, "regulation", 20))
    if regulation is not None and regulation not in known:
        checked.add(
            "regulation",
            _("Choose the de minimis regulation the aid was granted under: %(codes)s.")
            % {"codes": ", ".join(sorted(known))},
        )
    checked.done()
    with transaction.atomic():
        declaration = Declaration.objects.create(
            organisation=organisation, declared_by=user_of(actor), **checked.values
        )
        audit.record(actor=actor, action="declaration.add", target=declaration, organisation_id=organisation.pk)
    return declaration


def declaration_remove(*, actor: Any, declaration: Declaration) -> None:
    """Correct a declaration: remove a wrong line (and declare the right one)."""
    _may_declare(actor, declaration.organisation)
    with transaction.atomic():
        before = audit.snapshot(declaration)
        audit.record(
            actor=actor,
            action="declaration.remove",
            target=declaration,
            before=before,
            organisation_id=declaration.organisation_id,
        )
        declaration.delete()
