"""Every write of the funding app: programmes and their rules, calls, a company's declarations; and the
estimate of the support a programme gives for a cost. Each action names every bad field at once and
writes nothing then."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.core import audit
from moselle.core.i18n import translated_text
from moselle.funding import rules as rulebook
from moselle.funding.models import Call, Declaration, Programme
from moselle.journeys.actions.checks import Checked, check_text, technologies_named, user_of
from moselle.organisations.models import Organisation
from moselle.reporting.actions import a_date, money

RATE_LIMIT = Decimal(100)
MAX_PROVIDERS = 500


def _require_staff(actor: Any, system: bool, field: str = "programme") -> None:
    if not system and not is_hub_staff(actor):
        raise ValidationError({field: _("Only the hub's staff edit the funding programmes.")})


def _rate(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError({"rate_pct": _("Give the rate as a percentage from 0 to 100.")})
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except ArithmeticError:
        raise ValidationError({"rate_pct": _("Give the rate as a percentage from 0 to 100.")}) from None
    if not rate.is_finite() or not 0 <= rate <= RATE_LIMIT:
        raise ValidationError(
            {"rate_pct": _("A rate is a percentage from 0 to 100; %(rate)s is not.") % {"rate": value}}
        )
    if rate != rate.quantize(Decimal("0.01")):
        raise ValidationError({"rate_pct": _("Give the rate with at most two decimals.")})
    return rate


def _amount(field: str) -> Any:
    return lambda value: None if value in (None, "") else money(value, field)


def _choice(choices: Any, field: str, message: str) -> Any:
    def check(value: Any) -> str:
        if value not in choices.values:
            raise ValidationError({field: message})
        return str(value)

    return check


def _code(value: Any) -> str:
    text = str(value or "").strip()
    code = slugify(text)[:60]
    if not code or code != text:
        raise ValidationError(
            {"code": _("Give a short code of small letters, digits and dashes, e.g. lu-fit4digital.")}
        )
    return code


def _providers(value: Any) -> list[Organisation]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_PROVIDERS:
        raise ValidationError({"approved_providers": _("Give the providers as a list of registry ids.")})
    from moselle.core.ids import row_id

    ids = [row_id(item) for item in value]
    if None in ids:
        raise ValidationError({"approved_providers": _("Give the providers as a list of registry ids.")})
    found = list(Organisation.objects.filter(pk__in=ids, merged_into__isnull=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"approved_providers": _("Some of these providers are not in the registry.")})
    return found


def _checked_programme(data: Mapping[str, Any], programme: Programme | None) -> dict[str, Any]:
    checked = Checked(data, every=programme is None)
    if programme is None:
        checked.take("code", _code)
    checked.take("name", lambda v: translated_text(v, "name", 200, _("Give the programme's name.")))
    checked.take("description", lambda v: translated_text(v, "description", 5000, "") if v else {})
    checked.take(
        "operator", lambda v: check_text(v, "operator", 200, required=True, missing=_("Say who runs the programme."))
    )
    checked.take("scope", _choice(Programme.Scope, "scope", _("Choose EU, national, regional or cross-border.")))
    checked.take("instrument", _choice(Programme.Instrument, "instrument", _("Choose the kind of support.")))
    checked.take("rate_pct", _rate)
    checked.take("rate_note", lambda v: check_text(v, "rate_note", 300))
    for name in ("amount_fixed", "amount_min", "amount_max"):
        checked.take(name, _amount(name))
    checked.take("conditions", lambda v: check_text(v, "conditions", 5000))
    checked.take("source_url", lambda v: check_text(v, "source_url", 500))
    checked.take(
        "confidence",
        lambda v: (
            Programme.Confidence.UNVERIFIED
            if v in (None, "")
            else _choice(Programme.Confidence, "confidence", _("Choose high, medium or unverified."))(v)
        ),
    )
    checked.take("confidence_note", lambda v: check_text(v, "confidence_note", 300))
    checked.take("rules", rulebook.check_rules)
    checked.take("approved_providers", _providers)
    checked.take("technologies", lambda v: technologies_named(v or []))
    checked.take("active", lambda v: True if v is None else bool(v))
    values = checked.values
    if programme is None and "code" in values and Programme.objects.filter(code=values["code"]).exists():
        checked.add("code", _("A programme with this code exists already."))
    low = values.get("amount_min", programme.amount_min if programme else None)
    high = values.get("amount_max", programme.amount_max if programme else None)
    if low is not None and high is not None and low > high and "amount_fixed" not in values:
        checked.add("amount_max", _("The largest support is below the smallest project."))
    checked.done()
    return values


def programme_create(*, actor: Any, data: Mapping[str, Any], system: bool = False) -> Programme:
    """A programme with its rules; the rules are checked against the vocabulary (``rules.check_rules``)."""
    _require_staff(actor, system)
    values = _checked_programme(data, None)
    providers, technologies = values.pop("approved_providers"), values.pop("technologies")
    with transaction.atomic():
        programme = Programme.objects.create(**values)
        programme.approved_providers.set(providers)
        programme.technologies.set(technologies)
        audit.record(actor=actor, action="programme.create", target=programme)
    return programme


def programme_update(*, actor: Any, programme: Programme, data: Mapping[str, Any]) -> Programme:
    _require_staff(actor, False)
    values = _checked_programme(data, programme)
    providers, technologies = values.pop("approved_providers", None), values.pop("technologies", None)
    with transaction.atomic():
        before = audit.snapshot(programme)
        for name, value in values.items():
            setattr(programme, name, value)
        programme.save()
        if providers is not None:
            programme.approved_providers.set(providers)
        if technologies is not None:
            programme.technologies.set(technologies)
        audit.record(actor=actor, action="programme.update", target=programme, before=before)
    return programme


def _topics(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > 20 or not all(isinstance(item, str) for item in value):
        raise ValidationError({"topics": _("Give at most 20 topics as a list of words.")})
    return [item.strip()[:100] for item in value if item.strip()]


def call_create(*, actor: Any, programme: Programme, data: Mapping[str, Any], system: bool = False) -> Call:
    """A call of the programme; a call closes on or after the day it opens."""
    _require_staff(actor, system, "call")
    checked = Checked(data)
    checked.take("title", lambda v: translated_text(v, "title", 200, _("Give the call's title.")))
    opens = checked.take("opens_on", lambda v: a_date(v, "opens_on", required=False))
    closes = checked.take("closes_on", lambda v: a_date(v, "closes_on", required=False))
    checked.take("budget", _amount("budget"))
    checked.take("topics", _topics)
    checked.take("technologies", lambda v: technologies_named(v or []))
    if opens and closes and closes < opens:
        checked.add("closes_on", _("The call closes before it opens."))
    checked.done()
    values = checked.values
    technologies = values.pop("technologies")
    with transaction.atomic():
        call = Call.objects.create(programme=programme, **values)
        call.technologies.set(technologies)
        audit.record(actor=actor, action="call.create", target=call)
    return call


def may_declare(actor: Any, organisation: Organisation) -> bool:
    """The company's own members declare for it; the hub's staff record what the company told them."""
    return is_hub_staff(actor) or organisation.pk in member_organisation_ids(actor)


def declaration_record(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Declaration:
    """What the company declares: a business permit, not in difficulty, an activity state aid may support,
    or the grants of one programme it had (``holds`` false: none in the years the programme looks at)."""
    if not may_declare(actor, organisation):
        raise ValidationError({"organisation": _("Only the company's members and the hub's staff declare for it.")})
    checked = Checked(data)
    kind = checked.take("kind", _choice(Declaration.Kind, "kind", _("Choose what is declared.")))
    holds = checked.take("holds", _holds)
    programme = None
    if kind == Declaration.Kind.PROGRAMME_HISTORY:
        programme = checked.take("programme", _programme_of)
        last = checked.take("last_granted_on", lambda v: a_date(v, "last_granted_on", required=False, latest=_today()))
        if holds and last is None and "last_granted_on" not in checked.errors:
            checked.add("last_granted_on", _("Say when the last grant of this programme was received."))
    elif data.get("programme") not in (None, ""):
        checked.add("programme", _("Only the history of grants names a programme."))
    checked.done()
    with transaction.atomic():
        declaration = Declaration.objects.create(
            organisation=organisation,
            kind=kind,
            holds=holds,
            programme=programme,
            last_granted_on=checked.values.get("last_granted_on") if holds else None,
            declared_on=_today(),
            declared_by=user_of(actor),
        )
        audit.record(actor=actor, action="funding.declare", target=declaration, organisation_id=organisation.pk)
    return declaration


def _today() -> date:
    return timezone.localdate()


def _holds(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError({"holds": _("Say yes or no.")})
    return value


def _programme_of(value: Any) -> Programme:
    found = None
    if isinstance(value, Programme):
        found = value
    elif isinstance(value, str) and value.strip():
        found = Programme.objects.filter(code=value.strip()).first()
    elif isinstance(value, int) and not isinstance(value, bool):
        found = Programme.objects.filter(pk=value).first() if 1 <= value <= 2**31 - 1 else None
    if found is None:
        raise ValidationError({"programme": _("Choose a programme of the list.")})
    return found


# --- Estimated support -----------------------------------------------------------------------------------


def _percent(rate: Decimal) -> str:
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Estimate:
    """The support a programme would give for an eligible cost, and what the figure assumes."""

    amount: Decimal | None
    assumptions: tuple[str, ...]
    verified: bool


def estimate(programme: Programme, cost: Any) -> Estimate:
    """Rate times eligible cost, plus the fixed amount, capped by the maximum; None when the programme's figures
    cannot give one (no rate and no fixed amount)."""
    eligible = money(cost, "cost", required=True)
    assumptions: list[str] = []
    if not programme.verified:
        assumptions.append(_("The programme's figures are unverified: check them with its operator first."))
    elif programme.confidence == Programme.Confidence.MEDIUM:
        assumptions.append(
            _("The programme's figures are only partly verified: %(note)s") % {"note": programme.confidence_note or "-"}
        )
    if programme.amount_min is not None and eligible < programme.amount_min:
        assumptions.append(
            _("The programme takes projects from %(min)s EUR; this one is smaller.") % {"min": programme.amount_min}
        )
    if programme.rate_pct is None and programme.amount_fixed is None:
        assumptions.append(_("The programme publishes no rate or fixed amount to estimate from."))
        return Estimate(None, tuple(assumptions), programme.verified)
    amount = Decimal(0)
    if programme.amount_fixed is not None:
        amount += programme.amount_fixed
        assumptions.append(_("A fixed %(amount)s EUR.") % {"amount": programme.amount_fixed})
    if programme.rate_pct is not None:
        share = (eligible * programme.rate_pct / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        amount += share
        note = f" ({programme.rate_note})" if programme.rate_note else ""
        assumptions.append(
            _("%(rate)s %% of %(cost)s EUR of eligible costs: %(share)s EUR%(note)s.")
            % {"rate": _percent(programme.rate_pct), "cost": eligible, "share": share, "note": note}
        )
    if programme.amount_max is not None and amount > programme.amount_max:
        amount = programme.amount_max
        assumptions.append(_("Capped at the programme's maximum of %(max)s EUR.") % {"max": programme.amount_max})
    return Estimate(amount.quantize(Decimal("0.01")), tuple(assumptions), programme.verified)


__all__ = [
    "Estimate",
    "call_create",
    "declaration_record",
    "estimate",
    "may_declare",
    "programme_create",
    "programme_update",
]
