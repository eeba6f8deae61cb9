"""Every write to the catalogue goes through these functions: creating and changing an offer, asking for its
publication, and the hub's moderation. Each runs in one transaction, writes the audit log and raises the
catalogue's version number (``CatalogueVersion``) in that same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.catalogue.models import TRL_MAX, TRL_MIN, CatalogueVersion, Offer
from moselle.core import audit
from moselle.core.i18n import translated_text
from moselle.core.models_taxonomy import CatalogueSector, Technology
from moselle.organisations import normalise, validation
from moselle.organisations.actions import find_technology
from moselle.organisations.models import EdihCategory, Organisation, search_key

OFFER_FIELDS = (
    "kind",
    "title",
    "description",
    "technologies",
    "sectors",
    "category",
    "delivery",
    "languages",
    "countries",
    "price_kind",
    "price_min",
    "price_max",
    "trl_min",
    "trl_max",
    "lead_time_days",
    "smes_only",
    "eligible_countries",
    "references",
)
REQUIRED = ("kind", "title", "description", "category", "price_kind", "languages", "countries")
RELATIONS = ("technologies", "sectors")
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 5000
REFERENCE_LIMIT = 10
REFERENCE_TEXT_LIMIT = 300
LEAD_TIME_LIMIT = 3650
NOTE_LIMIT = 2000
DECISIONS = ("publish", "archive", "draft")

_AUDITED = [
    "provider_id",
    "kind",
    "title",
    "description",
    "category",
    "delivery",
    "languages",
    "countries",
    "price_kind",
    "price_min",
    "price_max",
    "trl_min",
    "trl_max",
    "lead_time_days",
    "smes_only",
    "eligible_countries",
    "references",
    "status",
    "moderation_note",
]


# --- The version counter ------------------------------------------------------------------------------------


def bump_version(*offers: Offer) -> int:
    """Raise the catalogue's version by one, inside the caller's transaction, stamp ``offers`` with it (an
    index reads the offers stamped above the number it holds), and return the new number."""
    now = timezone.now()
    if not CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        CatalogueVersion.objects.get_or_create(pk=1)
        CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now)
    number = CatalogueVersion.objects.get(pk=1).number
    if offers:
        Offer.objects.filter(pk__in=[offer.pk for offer in offers]).update(version=number)
        for offer in offers:
            offer.version = number
    return number


# --- Checking the input -------------------------------------------------------------------------------------


def _choice(value: Any, choices: list[str], field: str) -> str:
    text = str(value or "").strip()
    if text not in choices:
        raise ValidationError({field: _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}})
    return text


def _whole_number(value: Any, field: str, low: int, high: int, message: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: message})
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 6):
            raise ValidationError({field: message})
        number = int(text)
    if not low <= number <= high:
        raise ValidationError({field: message})
    return number


def _codes(value: Any, field: str) -> list[str]:
    """ISO country codes from a list or a text separated by commas."""
    if isinstance(value, str):
        items: list[Any] = value.replace(";", ",").split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValidationError({field: _("Give the countries as two-letter ISO codes, e.g. LU, FR, DE.")})
    codes: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        code = validation.clean_country(text[:10], field=field)
        if code not in codes:
            codes.append(code)
    return codes


def _find_sector(value: Any, field: str) -> CatalogueSector:
    """A sector of the EDIH catalogue by its name (case and accents ignored) or its id."""
    if isinstance(value, CatalogueSector):
        return value
    text = str(value).strip()
    found = None
    if text.isascii() and text.isdigit() and len(text) <= 9:
        found = CatalogueSector.objects.filter(pk=int(text)).first()
    if found is None:
        key = normalise.fold(text)
        found = next((s for s in CatalogueSector.objects.all() if normalise.fold(s.name) == key), None)
    if found is None:
        raise ValidationError({field: _("Unknown sector “%(name)s”.") % {"name": text[:60]}})
    return found


def _labels(value: Any, field: str, find: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError({field: _("Give a list of names or ids.")})
    found: list[Any] = []
    for item in value:
        if isinstance(item, (dict, list)):
            raise ValidationError({field: _("Give a list of names or ids.")})
        label = find(item, field)
        if label not in found:
            found.append(label)
    return found


def _reference(item: Any, field: str) -> dict[str, str]:
    if isinstance(item, str):
        words = item.split()
        url = words[-1] if words and words[-1].lower().startswith(("http://", "https://")) else ""
        text = " ".join(words[:-1] if url else words)
    elif isinstance(item, Mapping) and set(item) <= {"text", "url"}:
        text = " ".join(str(item.get("text") or "").split())
        url = str(item.get("url") or "").strip()
    else:
        raise ValidationError({field: _("Give each reference as a text, a web address, or both.")})
    if len(text) > REFERENCE_TEXT_LIMIT:
        raise ValidationError(
            {field: _("At most %(limit)d characters per reference.") % {"limit": REFERENCE_TEXT_LIMIT}}
        )
    if url:
        url = validation.clean_website(url, field=field)
    if not (text or url):
        raise ValidationError({field: _("Give each reference as a text, a web address, or both.")})
    return {"text": text, "url": url}


def _references(value: Any, field: str) -> list[dict[str, str]]:
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, (list, tuple)):
        raise ValidationError({field: _("Give the references as a list.")})
    if len(value) > REFERENCE_LIMIT:
        raise ValidationError({field: _("At most %(limit)d references.") % {"limit": REFERENCE_LIMIT}})
    return [_reference(item, field) for item in value]


def _boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError({field: _("Give true or false.")})
    return value


def clean_offer_data(data: Mapping[str, Any], *, instance: Offer | None = None) -> dict[str, Any]:
    """Check every field given and return the cleaned values; every error is raised at once, on its field.

    On a new offer (``instance`` None) the fields of ``REQUIRED`` must be given. Keys not in ``data`` are
    left as they are. The rules that join two fields (price range, readiness range) are checked on the
    values the offer will have afterwards."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in sorted(set(data) - set(OFFER_FIELDS)):
        errors.setdefault(str(name)[:60], []).append(_("Unknown field."))
    if instance is None:
        for name in REQUIRED:
            if name not in data:
                errors.setdefault(name, []).append(_("This field is required."))

    def attempt(name: str, check: Any) -> None:
        try:
            cleaned[name] = check(data[name])
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)

    trl = _("Give a technology readiness level from %(low)d to %(high)d.") % {"low": TRL_MIN, "high": TRL_MAX}
    checks: dict[str, Any] = {
        "kind": lambda v: _choice(v, Offer.Kind.values, "kind"),
        "title": lambda v: translated_text(
            v, "title", TITLE_LIMIT, _("Give the title in at least one language: English, French or German.")
        ),
        "description": lambda v: translated_text(
            v,
            "description",
            DESCRIPTION_LIMIT,
            _("Give the description in at least one language: English, French or German."),
        ),
        "technologies": lambda v: _labels(v, "technologies", find_technology),
        "sectors": lambda v: _labels(v, "sectors", _find_sector),
        "category": lambda v: _choice(v, EdihCategory.values, "category"),
        "delivery": lambda v: _choice(v, Offer.Delivery.values, "delivery"),
        "languages": lambda v: validation.clean_languages(v if v is not None else [], field="languages"),
        "countries": lambda v: _codes(v if v is not None else [], "countries"),
        "price_kind": lambda v: _choice(v, Offer.PriceKind.values, "price_kind"),
        "price_min": lambda v: validation.parse_amount(v, "price_min"),
        "price_max": lambda v: validation.parse_amount(v, "price_max"),
        "trl_min": lambda v: _whole_number(v, "trl_min", TRL_MIN, TRL_MAX, trl),
        "trl_max": lambda v: _whole_number(v, "trl_max", TRL_MIN, TRL_MAX, trl),
        "lead_time_days": lambda v: _whole_number(
            v,
            "lead_time_days",
            0,
            LEAD_TIME_LIMIT,
            _("Give the lead time as a number of days from 0 to %(limit)d.") % {"limit": LEAD_TIME_LIMIT},
        ),
        "smes_only": lambda v: _boolean(v, "smes_only"),
        "eligible_countries": lambda v: _codes(v if v is not None else [], "eligible_countries"),
        "references": lambda v: _references(v if v is not None else [], "references"),
    }
    for name, check in checks.items():
        if name in data:
            attempt(name, check)
    for name in ("languages", "countries"):
        if name in cleaned and not cleaned[name]:
            errors.setdefault(name, []).append(_("Give at least one."))

    def after(name: str) -> Any:
        return cleaned[name] if name in cleaned else getattr(instance, name, None)

    if not errors:
        if after("price_kind") == Offer.PriceKind.FREE:
            # A free offer has no amounts; the ones left over from an earlier price are dropped.
            cleaned["price_min"] = cleaned["price_max"] = None
        elif after("price_kind") == Offer.PriceKind.RANGE and after("price_min") is None:
            errors["price_min"] = [_("Give at least the lowest price of the range.")]
        low, high = after("price_min"), after("price_max")
        if low is not None and high is not None and low > high:
            errors.setdefault("price_max", []).append(_("The highest price cannot be below the lowest price."))
        low, high = after("trl_min"), after("trl_max")
        if low is not None and high is not None and low > high:
            errors.setdefault("trl_max", []).append(
                _("The highest readiness level cannot be below the lowest readiness level.")
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Writing ------------------------------------------------------------------------------------------------


def _snapshot(offer: Offer) -> audit.Snapshot:
    values = audit.snapshot(offer, fields=_AUDITED)
    if offer.pk:
        values["technologies"] = sorted(offer.technologies.values_list("pk", flat=True))
        values["sectors"] = sorted(offer.sectors.values_list("pk", flat=True))
    return values


def _derive(offer: Offer, provider: Organisation) -> None:
    texts = [*offer.title.values(), *offer.description.values(), provider.name, provider.trade_name]
    offer.search_text = search_key(*texts)
    keys = [f"c:{code}" for code in offer.countries] + [f"l:{code}" for code in offer.languages]
    offer.filter_keys = f" {' '.join(keys)} " if keys else ""


def offers_moved_to(provider: Organisation) -> None:
    """After a merge moved offers to ``provider``: their search text names it, and searches see the change."""
    offers = list(Offer.objects.filter(provider=provider))
    for offer in offers:
        _derive(offer, provider)
    Offer.objects.bulk_update(offers, ["search_text", "filter_keys"])
    if offers:
        bump_version(*offers)


def _apply(offer: Offer, cleaned: dict[str, Any], provider: Organisation) -> None:
    for name, value in cleaned.items():
        if name not in RELATIONS:
            setattr(offer, name, value)
    _derive(offer, provider)
    offer.save()
    technologies: list[Technology] | None = cleaned.get("technologies")
    if technologies is not None:
        offer.technologies.set(technologies)
    sectors: list[CatalogueSector] | None = cleaned.get("sectors")
    if sectors is not None:
        offer.sectors.set(sectors)


def _check_provider(provider: Organisation) -> None:
    if provider.merged_into_id or provider.is_historical:
        raise ValidationError({"provider": _("This organisation was merged or is historical: it offers nothing.")})


def _who(actor: Any) -> Any:
    """The account to record as having done something (a token's machine account counts too)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def offer_create(*, actor: Any, provider: Organisation, data: Mapping[str, Any], is_demo: bool = False) -> Offer:
    """A new draft offer of ``provider``; its members then ask the hub to publish it."""
    _check_provider(provider)
    cleaned = clean_offer_data(data)
    cleaned.setdefault("delivery", Offer.Delivery.BOTH)
    with transaction.atomic():
        offer = Offer(provider=provider, created_by=_who(actor), is_demo=is_demo)
        _apply(offer, cleaned, provider)
        audit.record(
            actor=actor, action="offer.create", target=offer, after=_snapshot(offer), organisation_id=provider.pk
        )
        bump_version(offer)
    return offer


def _lock(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("provider").get(pk=offer.pk)


def offer_update(*, actor: Any, offer: Offer, data: Mapping[str, Any]) -> Offer:
    """Change an offer. The provider changes its drafts and the offers awaiting review; what is published or
    archived was approved by the hub, so only hub staff change it (or send it back to draft first)."""
    with transaction.atomic():
        locked = _lock(offer)
        approved = locked.status in (Offer.Status.PUBLISHED, Offer.Status.ARCHIVED)
        if approved and actor is not None and not is_hub_staff(actor):
            raise ValidationError(
                {"status": _("A published or archived offer is changed by the hub: ask it to put it back to draft.")}
            )
        cleaned = clean_offer_data(data, instance=locked)
        before = _snapshot(locked)
        _apply(locked, cleaned, locked.provider)
        audit.record(
            actor=actor,
            action="offer.update",
            target=locked,
            before=before,
            after=_snapshot(locked),
            organisation_id=locked.provider_id,
        )
        bump_version(locked)
    return locked


def _transition(
    *, actor: Any, offer: Offer, action: str, allowed_from: tuple[str, ...], to: str, message: str, note: str | None
) -> Offer:
    if note is not None and len(note) > NOTE_LIMIT:
        raise ValidationError({"note": _("At most %(limit)d characters.") % {"limit": NOTE_LIMIT}})
    with transaction.atomic():
        locked = _lock(offer)
        if locked.status not in allowed_from:
            raise ValidationError({"status": message})
        if to == Offer.Status.PUBLISHED:
            _check_provider(locked.provider)
        before = _snapshot(locked)
        now, who = timezone.now(), _who(actor)
        locked.status = to
        if to == Offer.Status.SUBMITTED:
            locked.submitted_by, locked.submitted_at = who, now
        elif to == Offer.Status.PUBLISHED:
            locked.published_by, locked.published_at = who, now
        elif to == Offer.Status.ARCHIVED:
            locked.archived_by, locked.archived_at = who, now
        if note is not None:
            locked.moderation_note = note.strip()
        locked.save()
        audit.record(
            actor=actor,
            action=action,
            target=locked,
            before=before,
            after=_snapshot(locked),
            organisation_id=locked.provider_id,
        )
        bump_version(locked)
    return locked


def offer_submit(*, actor: Any, offer: Offer) -> Offer:
    """The provider asks the hub to publish a draft."""
    return _transition(
        actor=actor,
        offer=offer,
        action="offer.submit",
        allowed_from=(Offer.Status.DRAFT,),
        to=Offer.Status.SUBMITTED,
        message=_("Only a draft can be sent to the hub for review."),
        note=None,
    )


def offer_publish(*, actor: Any, offer: Offer, note: str = "") -> Offer:
    """Hub staff publish an offer: everyone sees it in the catalogue."""
    return _transition(
        actor=actor,
        offer=offer,
        action="offer.publish",
        allowed_from=(Offer.Status.DRAFT, Offer.Status.SUBMITTED, Offer.Status.ARCHIVED),
        to=Offer.Status.PUBLISHED,
        message=_("This offer is already published."),
        note=note,
    )


def offer_archive(*, actor: Any, offer: Offer, note: str = "") -> Offer:
    """Hub staff take an offer out of the catalogue; it is kept, and can be published again."""
    return _transition(
        actor=actor,
        offer=offer,
        action="offer.archive",
        allowed_from=(Offer.Status.DRAFT, Offer.Status.SUBMITTED, Offer.Status.PUBLISHED),
        to=Offer.Status.ARCHIVED,
        message=_("This offer is already archived."),
        note=note,
    )


def offer_return_to_draft(*, actor: Any, offer: Offer, note: str = "") -> Offer:
    """Hub staff send an offer back to its provider as a draft, with a note saying what to change."""
    return _transition(
        actor=actor,
        offer=offer,
        action="offer.return_to_draft",
        allowed_from=(Offer.Status.SUBMITTED, Offer.Status.PUBLISHED, Offer.Status.ARCHIVED),
        to=Offer.Status.DRAFT,
        message=_("This offer is already a draft."),
        note=note,
    )


def offer_moderate(*, actor: Any, offer: Offer, decision: str, note: str = "") -> Offer:
    """The hub's decision on an offer: ``publish``, ``archive`` or ``draft`` (back to the provider)."""
    if decision == "publish":
        return offer_publish(actor=actor, offer=offer, note=note)
    if decision == "archive":
        return offer_archive(actor=actor, offer=offer, note=note)
    if decision == "draft":
        return offer_return_to_draft(actor=actor, offer=offer, note=note)
    raise ValidationError({"decision": _("Choose one of: %(choices)s.") % {"choices": ", ".join(DECISIONS)}})
