"""Every write to the registry and the hub profile goes through these functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.core import audit, files, privacy
from moselle.core.i18n import validate_translated_text
from moselle.core.models import StoredFile
from moselle.core.models_taxonomy import NaceCode, NaceRevision, Technology
from moselle.organisations import hubseed, normalise, sizeclass, validation
from moselle.organisations.models import (
    Contact,
    EdihCategory,
    FinancialYear,
    HubProfile,
    HubService,
    HubTarget,
    Level,
    Organisation,
    OrganisationKind,
    OrganisationTechnology,
    Ownership,
)

_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,30}$")
_EMAIL_MAX_LENGTH = 254  # Contact.email


def clean_organisation_name(name: str, field: str = "organisation_name") -> str:
    """The name without invisible characters or extra spaces; refused if nothing readable is left."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs"})
    cleaned = " ".join(visible.split())[:200]
    if not any(ch.isalnum() for ch in cleaned):
        raise ValidationError({field: _("Give the organisation's name in letters or digits.")})
    return cleaned


PROFILE_FIELDS = (
    "name",
    "trade_name",
    "country",
    "region",
    "street",
    "postcode",
    "locality",
    "address",
    "website",
    "working_languages",
    "description",
    "register_id",
    "vat",
    "founded_on",
    "pic",
    "ec_customer_id",
    "ec_dma_id",
)
# Kinds that change what an organisation counts as for everyone (the directory, public control in the
# SME test, the consortium): set by hub staff only.
STAFF_KINDS = frozenset({Organisation.Kind.HUB, Organisation.Kind.PUBLIC_BODY, Organisation.Kind.CONSORTIUM_PARTNER})
RELATION_FIELDS = ("kinds", "primary_nace", "nace_codes", "technologies_offered", "technologies_of_interest")
_TEXT_LIMITS = {"trade_name": 200, "street": 200, "postcode": 20, "locality": 100, "address": 300}
_ID_LIMITS = {"ec_customer_id": 40, "ec_dma_id": 40}


def _text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def find_nace(code: str, revision: str = NaceRevision.REV_2_1, field: str = "nace_codes") -> NaceCode:
    """A NACE code written as in the classification (25.62, C25.62, C or 25) in the given revision."""
    text = code.strip().upper().replace(" ", "")
    if len(text) > 1 and text[0].isalpha() and text[1].isdigit():
        text = text[1:]
    found = NaceCode.objects.filter(revision=revision, code=text).first()
    if found is None:
        raise ValidationError(
            {
                field: _("Unknown NACE code “%(code)s” (revision %(revision)s).")
                % {"code": code.strip()[:20], "revision": revision}
            }
        )
    return found


def find_technology(name: Any, field: str) -> Technology:
    """A technology by its catalogue name (case and accents ignored) or its id."""
    if isinstance(name, Technology):
        return name
    text = str(name).strip()
    found = None
    if text.isascii() and text.isdigit() and len(text) <= 9:
        found = Technology.objects.filter(pk=int(text)).first()
    if found is None:
        key = normalise.fold(text)
        found = next((t for t in Technology.objects.all() if normalise.fold(t.name) == key), None)
    if found is None:
        raise ValidationError({field: _("Unknown technology “%(name)s”.") % {"name": text[:60]}})
    return found


def clean_organisation_data(data: Mapping[str, Any], *, instance: Organisation | None = None) -> dict[str, Any]:
    """Check every field given in ``data`` and return the cleaned values; all errors are raised together.

    Keys not in ``data`` are left alone (an update changes only what it is given). ``technologies_offered``
    is a list of technology names or ids (the levels already held stay), or a mapping
    ``{technology name or id: level 1 to 5 or None}`` that also sets the declared levels."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(PROFILE_FIELDS) - set(RELATION_FIELDS) - {"nace_revision"}
    for name in sorted(unknown):
        errors.setdefault(name, []).append(_("Unknown field."))

    def attempt(name: str, check: Any) -> None:
        try:
            cleaned[name] = check()
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                errors.setdefault(key, []).extend(messages_)

    country = instance.country if instance else "LU"
    if "country" in data:
        attempt("country", lambda: validation.clean_country(_text(data["country"])))
        country = cleaned.get("country", country)
    if "name" in data:
        attempt("name", lambda: clean_organisation_name(_text(data["name"]), field="name"))
    for name, limit in _TEXT_LIMITS.items():
        if name in data:
            value = _text(data[name])
            if len(value) > limit:
                errors.setdefault(name, []).append(_("At most %(limit)d characters.") % {"limit": limit})
            else:
                cleaned[name] = value
    for name, limit in _ID_LIMITS.items():
        if name in data:
            value = _text(data[name])
            if len(value) > limit:
                errors.setdefault(name, []).append(_("At most %(limit)d characters.") % {"limit": limit})
            else:
                cleaned[name] = value
    if "description" in data:
        description = str(data["description"] or "").replace("\x00", "").strip()
        if len(description) > 10000:
            errors.setdefault("description", []).append(_("At most %(limit)d characters.") % {"limit": 10000})
        cleaned["description"] = description
    checks = {
        "region": lambda: validation.clean_region(_text(data["region"]), country),
        "website": lambda: validation.clean_website(_text(data["website"])),
        "working_languages": lambda: validation.clean_languages(data["working_languages"] or []),
        "register_id": lambda: validation.clean_register_id(_text(data["register_id"]), country),
        "vat": lambda: validation.clean_vat(_text(data["vat"]), country),
        "founded_on": lambda: validation.clean_founded_on(data["founded_on"]),
        "pic": lambda: validation.clean_pic(_text(data["pic"])),
    }
    for name, check in checks.items():
        if name in data:
            attempt(name, check)
    if "country" in data and instance is not None:
        # A new country must agree with the identifiers already held.
        for name in ("region", "register_id", "vat"):
            if name not in data and getattr(instance, name):
                attempt(name, lambda name=name: _recheck(name, getattr(instance, name), country))
    listed: dict[str, list[Any]] = {}
    for name, separators in (
        ("kinds", ",;"),
        ("nace_codes", ",;"),
        # Technology names hold commas ("Chemical engineering (plants, products)"): only ";" separates them.
        ("technologies_offered", ";"),
        ("technologies_of_interest", ";"),
    ):
        if name == "technologies_offered" and isinstance(data.get(name), Mapping):
            continue  # {technology: level}, checked below
        if name in data:
            items = _listed(data[name], separators)
            if items is None:
                errors.setdefault(name, []).append(_("Give a list."))
            else:
                listed[name] = items
    if "kinds" in listed:
        kinds = [str(k).strip() for k in listed["kinds"] if str(k).strip()]
        bad = [k for k in kinds if k not in Organisation.Kind.values]
        if bad:
            errors.setdefault("kinds", []).append(
                _("Unknown kind “%(kind)s”; choose among: %(choices)s.")
                % {"kind": bad[0][:40], "choices": ", ".join(Organisation.Kind.values)}
            )
        cleaned["kinds"] = list(dict.fromkeys(kinds))
    revision = str(data.get("nace_revision") or NaceRevision.REV_2_1)
    if revision not in NaceRevision.values:
        errors.setdefault("nace_revision", []).append(_("Use NACE revision 2 or 2.1."))
        revision = NaceRevision.REV_2_1
    if "primary_nace" in data:
        code = _text(data["primary_nace"])
        attempt("primary_nace", lambda: find_nace(code, revision, field="primary_nace") if code else None)
    if "nace_codes" in listed:
        codes = [c for c in listed["nace_codes"] if str(c).strip()]
        attempt("nace_codes", lambda: list(dict.fromkeys(find_nace(str(c), revision) for c in codes)))
    for name in ("technologies_offered", "technologies_of_interest"):
        if name in listed:
            items = [t for t in listed[name] if str(t).strip()]
            attempt(name, lambda items=items, name=name: list(dict.fromkeys(find_technology(t, name) for t in items)))
    offered = data.get("technologies_offered")
    if isinstance(offered, Mapping):
        try:
            levels = _technology_levels(offered)
        except ValidationError as error:
            errors.setdefault("technologies_offered", []).extend(error.messages)
        else:
            cleaned["technologies_offered"] = list(levels)
            cleaned["technology_levels"] = {technology.pk: level for technology, level in levels.items()}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _technology_level(value: Any) -> int | None:
    """A declared level: a whole number from 1 to 5, or None (or empty) for no level; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValueError(value)
    if number not in Level.values:
        raise ValueError(value)
    return number


def _technology_levels(value: Mapping[Any, Any]) -> dict[Technology, int | None]:
    """``{technology name or id: level 1 to 5 or None}`` checked: every unknown technology and bad level named."""
    messages: list[str] = []
    levels: dict[Technology, int | None] = {}
    for key, raw in value.items():
        if not str(key).strip():
            continue
        try:
            technology = find_technology(key, "technologies_offered")
        except ValidationError as error:
            messages.extend(error.messages)
            continue
        try:
            level = _technology_level(raw)
        except ValueError:
            messages.append(
                _("The level of “%(name)s” must be a whole number from 1 to 5, or empty; “%(level)s” is not.")
                % {"name": technology.name, "level": str(raw)[:20]}
            )
            continue
        if technology in levels and levels[technology] != level:
            messages.append(_("“%(name)s” is given twice with different levels.") % {"name": technology.name})
            continue
        levels[technology] = level
    if messages:
        raise ValidationError({"technologies_offered": messages})
    return levels


def _listed(value: Any, separators: str) -> list[Any] | None:
    """Items given as a list, or as text split at any of ``separators``; None for anything else."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value
        for separator in separators[1:]:
            text = text.replace(separator, separators[0])
        return list(text.split(separators[0]))
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return None


def _recheck(name: str, value: str, country: str) -> str:
    if name == "region":
        return validation.clean_region(value, country)
    if name == "register_id":
        return validation.clean_register_id(value, country)
    return validation.clean_vat(value, country)


def _relations_snapshot(organisation: Organisation) -> dict[str, Any]:
    rows = list(organisation.technology_rows.select_related("technology"))
    return {
        "kinds": sorted(organisation.kind_rows.values_list("kind", flat=True)),
        "nace_codes": sorted(organisation.nace_codes.values_list("code", flat=True)),
        "technologies": sorted(f"{row.technology.name}:{row.role}" for row in rows),
        "technology_levels": dict(
            sorted(
                (row.technology.name, row.level)
                for row in rows
                if row.role == OrganisationTechnology.Role.OFFER and row.level is not None
            )
        ),
    }


def _apply(organisation: Organisation, cleaned: dict[str, Any]) -> None:
    for name in PROFILE_FIELDS:
        if name in cleaned:
            setattr(organisation, name, cleaned[name])
    if "primary_nace" in cleaned:
        organisation.primary_nace = cleaned["primary_nace"]
    organisation.save()
    if "kinds" in cleaned:
        OrganisationKind.objects.filter(organisation=organisation).exclude(kind__in=cleaned["kinds"]).delete()
        held = set(OrganisationKind.objects.filter(organisation=organisation).values_list("kind", flat=True))
        OrganisationKind.objects.bulk_create(
            [OrganisationKind(organisation=organisation, kind=k) for k in cleaned["kinds"] if k not in held]
        )
    if "nace_codes" in cleaned:
        organisation.nace_codes.set(cleaned["nace_codes"])
    for name, role in (
        ("technologies_offered", OrganisationTechnology.Role.OFFER),
        ("technologies_of_interest", OrganisationTechnology.Role.INTEREST),
    ):
        if name in cleaned:
            wanted = {t.pk for t in cleaned[name]}
            # Levels only when the technologies came as {technology: level}; a plain list keeps the held ones.
            levels: dict[int, int | None] | None = (
                cleaned.get("technology_levels") if role == OrganisationTechnology.Role.OFFER else None
            )
            rows = OrganisationTechnology.objects.filter(organisation=organisation, role=role)
            rows.exclude(technology_id__in=wanted).delete()
            kept = list(rows)
            if levels is not None:
                changed = [row for row in kept if row.level != levels.get(row.technology_id)]
                for row in changed:
                    row.level = levels.get(row.technology_id)
                OrganisationTechnology.objects.bulk_update(changed, ["level"])
            held_ids = {row.technology_id for row in kept}
            OrganisationTechnology.objects.bulk_create(
                [
                    OrganisationTechnology(
                        organisation=organisation,
                        technology_id=pk,
                        role=role,
                        level=levels.get(pk) if levels is not None else None,
                    )
                    for pk in sorted(wanted - held_ids)
                ]
            )


def organisation_create(
    *,
    actor: Any,
    name: str,
    country: str = "LU",
    is_demo: bool = False,
    source: str = Organisation.Source.MANUAL,
    details: Mapping[str, Any] | None = None,
) -> Organisation:
    """Register an organisation: its name and country, and any other profile field in ``details``."""
    data = {"name": name, "country": country, **(details or {})}
    cleaned = clean_organisation_data(data)
    with transaction.atomic():
        organisation = Organisation(is_demo=is_demo, source=source)
        _apply(organisation, cleaned)
        audit.record(
            actor=actor,
            action="organisation.create",
            target=organisation,
            after={**audit.snapshot(organisation), **_relations_snapshot(organisation)},
            organisation_id=organisation.pk,
        )
    return organisation


def organisation_update(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Organisation:
    """Change the fields given in ``data``; the others stay as they are."""
    if organisation.merged_into_id:
        raise ValidationError({"organisation": _("This organisation was merged into another; edit that one.")})
    cleaned = clean_organisation_data(data, instance=organisation)
    if "kinds" in cleaned and not is_hub_staff(actor):
        held = set(organisation.kind_rows.values_list("kind", flat=True))
        if (held ^ set(cleaned["kinds"])) & STAFF_KINDS:
            raise ValidationError(
                {"kinds": _("Only the hub staff records that an organisation is a hub, a public body or a partner.")}
            )
    with transaction.atomic():
        before = {**audit.snapshot(organisation), **_relations_snapshot(organisation)}
        _apply(organisation, cleaned)
        if "kinds" in cleaned:  # a public body among the holders changes its holdings' class
            sizeclass.refresh([organisation.pk])
        audit.record(
            actor=actor,
            action="organisation.update",
            target=organisation,
            before=before,
            after={**audit.snapshot(organisation), **_relations_snapshot(organisation)},
            organisation_id=organisation.pk,
        )
    return organisation


def check_financial_year(
    *,
    year: Any,
    staff: Any,
    turnover: Any = None,
    balance_sheet: Any = None,
    source: str = FinancialYear.FigureSource.DECLARATION,
    estimated: bool = False,
) -> dict[str, Any]:
    """The year and figures cleaned, or every reason they are refused, each under its field."""
    errors: dict[str, list[str]] = {}
    year_number = 0
    try:
        year_number = int(str(year).strip())
    except ValueError:
        errors["year"] = [_("Give the financial year as four digits, e.g. 2024.")]
    else:  # year 0 is refused too: it is no year, not a missing one
        if not 1900 <= year_number <= timezone.localdate().year:
            errors["year"] = [_("A financial year cannot be in the future or before 1900.")]
    values: dict[str, Decimal | None] = {}
    for name, value, required in (
        ("staff", staff, True),
        ("turnover", turnover, False),
        ("balance_sheet", balance_sheet, False),
    ):
        try:
            values[name] = validation.parse_amount(value, name, required=required)
        except ValidationError as error:
            errors.update(error.message_dict)
    staff_value = values.get("staff")
    if staff_value is not None and staff_value >= Decimal(10) ** 7:
        errors["staff"] = [_("This figure is too large.")]
    if source not in FinancialYear.FigureSource.values:
        errors["source"] = [_("Choose where the figures come from.")]
    elif source == FinancialYear.FigureSource.ACCOUNTS:
        if estimated:
            errors["estimated"] = [_("Figures from approved accounts are not an estimate.")]
        if year_number == timezone.localdate().year:
            errors["source"] = [_("The accounts of the current year are not approved yet; give an estimate.")]
    if errors:
        raise ValidationError(errors)
    return {"year": year_number, **values}


def financial_year_set(
    *,
    actor: Any,
    organisation: Organisation,
    year: Any,
    staff: Any,
    turnover: Any = None,
    balance_sheet: Any = None,
    source: str = FinancialYear.FigureSource.DECLARATION,
    estimated: bool = False,
) -> FinancialYear:
    """Record (or correct) one financial year's staff, turnover and balance-sheet total."""
    values = check_financial_year(
        year=year, staff=staff, turnover=turnover, balance_sheet=balance_sheet, source=source, estimated=estimated
    )
    year_number = values["year"]
    with transaction.atomic():
        # One writer per organisation at a time: two people entering the same new year at once would
        # otherwise both try to create its row.
        _lock_live(organisation.pk, "organisation")
        row = FinancialYear.objects.filter(organisation=organisation, year=year_number).first()
        before = audit.snapshot(row)
        if row is None:
            row = FinancialYear(organisation=organisation, year=year_number)
        row.staff = values["staff"]
        row.turnover = values["turnover"]
        row.balance_sheet = values["balance_sheet"]
        row.source = source
        row.estimated = bool(estimated) or source == FinancialYear.FigureSource.ESTIMATE
        row.save()
        sizeclass.refresh([organisation.pk])
        audit.record(
            actor=actor,
            action="financial_year.set",
            target=row,
            before=before,
            organisation_id=organisation.pk,
        )
    return row


def financial_year_delete(*, actor: Any, row: FinancialYear) -> None:
    with transaction.atomic():
        before = audit.snapshot(row)
        organisation_id = row.organisation_id
        audit.record(
            actor=actor,
            action="financial_year.delete",
            target=row,
            before=before,
            after={},
            organisation_id=organisation_id,
        )
        row.delete()
        sizeclass.refresh([organisation_id])


def _lock_live(organisation_id: int, field: str) -> None:
    """Lock the organisation's row for the rest of the transaction; refuse one merged into another,
    whose records would no longer count anywhere."""
    row = Organisation.objects.select_for_update().filter(pk=organisation_id).only("merged_into_id").first()
    if row is None or row.merged_into_id:
        raise ValidationError({field: _("This organisation was merged into another; edit that one.")})


def _owns_transitively(start: int, target: int) -> bool:
    """Whether ``start`` holds ``target``, directly or through other organisations."""
    seen = {start}
    frontier = [start]
    while frontier:
        owned = list(Ownership.objects.filter(owner_id__in=frontier).values_list("owned_id", flat=True))
        if target in owned:
            return True
        frontier = [pk for pk in owned if pk not in seen]
        seen.update(frontier)
    return False


def ownership_set(
    *,
    actor: Any,
    owner: Organisation,
    owned: Organisation,
    kind: str,
    percent: Any,
    investor_type: str = "",
    invested_eur: Any = None,
    dominant_influence: bool = False,
) -> Ownership:
    """Record that ``owner`` holds ``percent`` of ``owned``'s capital or votes (replacing what was held)."""
    errors: dict[str, list[str]] = {}
    if owner.pk == owned.pk:
        errors["owner"] = [_("An organisation cannot hold itself.")]
    if kind not in Ownership.HoldingKind.values:
        errors["kind"] = [_("Choose capital or voting rights.")]
    if investor_type not in Ownership.InvestorType.values:
        errors["investor_type"] = [_("Choose one of the investor types.")]
    share: Decimal | None = None
    try:
        share = validation.parse_amount(percent, "percent", required=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    if share is not None and not Decimal(0) < share <= Decimal(100):
        errors["percent"] = [_("A holding is more than 0 % and at most 100 %.")]
    amount = None
    try:
        amount = validation.parse_amount(invested_eur, "invested_eur")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert share is not None
    with transaction.atomic():
        # Lock every organisation the two are linked with by holdings, always in the same order: two
        # holdings added at once can then neither pass 100 % together nor close a cycle together (a
        # cycle closed by two new holdings runs through organisations already linked to both).
        group = sizeclass.component([owner.pk, owned.pk])
        locked = {
            o.pk: o
            for o in Organisation.objects.select_for_update()
            .filter(pk__in=group)
            .order_by("pk")
            .only("pk", "merged_into_id")
        }
        for field, party in (("owner", owner), ("owned", owned)):
            if party.pk not in locked or locked[party.pk].merged_into_id:
                raise ValidationError({field: _("This organisation was merged into another; edit that one.")})
        others = Ownership.objects.filter(owned=owned, kind=kind).exclude(owner=owner).aggregate(total=Sum("percent"))[
            "total"
        ] or Decimal(0)
        if others + share > 100:
            raise ValidationError(
                {
                    "percent": _("The holdings in %(name)s would total %(total)s %%, over 100 %%.")
                    % {"name": owned.name, "total": others + share}
                }
            )
        if _owns_transitively(owned.pk, owner.pk):
            raise ValidationError(
                {
                    "owner": _("%(owned)s already holds %(owner)s (directly or through others): that would be a cycle.")
                    % {"owned": owned.name, "owner": owner.name}
                }
            )
        row = Ownership.objects.filter(owner=owner, owned=owned, kind=kind).first()
        before = audit.snapshot(row)
        if row is None:
            row = Ownership(owner=owner, owned=owned, kind=kind)
        row.percent = share
        row.investor_type = investor_type
        row.invested_eur = amount
        row.dominant_influence = bool(dominant_influence)
        row.save()
        # Who the holder is (its investor type, what it invested) is one fact for its capital and its
        # votes: the holding of the other kind, if any, says the same.
        Ownership.objects.filter(owner=owner, owned=owned).exclude(pk=row.pk).update(
            investor_type=investor_type, invested_eur=amount
        )
        sizeclass.refresh([owned.pk])
        audit.record(actor=actor, action="ownership.set", target=row, before=before, organisation_id=owned.pk)
    return row


def ownership_delete(*, actor: Any, row: Ownership) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="ownership.delete",
            target=row,
            before=audit.snapshot(row),
            after={},
            organisation_id=row.owned_id,
        )
        owner_id, owned_id = row.owner_id, row.owned_id
        row.delete()
        # Both sides are worked out again: they may no longer be in the same group.
        sizeclass.refresh([owner_id])
        sizeclass.refresh([owned_id])


def _clean_contact(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "name" in data:
        name = _text(data["name"])
        if not any(ch.isalpha() for ch in name):
            errors["name"] = [_("Give the person's name.")]
        elif len(name) > 200:
            errors["name"] = [_("At most %(limit)d characters.") % {"limit": 200}]
        cleaned["name"] = name
    if "role" in data:
        cleaned["role"] = _text(data["role"])[:200]
    if "email" in data:
        email = _text(data["email"]).lower()
        if len(email) > _EMAIL_MAX_LENGTH:
            errors["email"] = [_("At most %(limit)d characters.") % {"limit": _EMAIL_MAX_LENGTH}]
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = [_("Give a valid e-mail address.")]
        cleaned["email"] = email
    if "phone" in data:
        phone = _text(data["phone"])
        if phone and not _PHONE.match(phone):
            errors["phone"] = [_("Give the phone number with digits, spaces and an optional leading +.")]
        cleaned["phone"] = phone
    if "preferred_language" in data:
        language = _text(data["preferred_language"]).lower() or "en"
        if language not in {code for code, _name in settings.LANGUAGES}:
            errors["preferred_language"] = [_("Choose English, French or German.")]
        cleaned["preferred_language"] = language
    if "legal_basis" in data:
        basis = _text(data["legal_basis"]) or "legitimate_interest"
        if basis not in privacy.LEGAL_BASES:
            errors["legal_basis"] = [_("Choose one of the legal bases.")]
        cleaned["legal_basis"] = basis
    unknown = set(data) - {"name", "role", "email", "phone", "preferred_language", "legal_basis"}
    for name in sorted(unknown):
        errors[name] = [_("Unknown field.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def contact_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Contact:
    """Add a person the hub deals with at the organisation."""
    if "name" not in data:
        raise ValidationError({"name": _("Give the person's name.")})
    cleaned = _clean_contact(data)
    with transaction.atomic():
        _lock_live(organisation.pk, "organisation")
        contact = Contact.objects.create(organisation=organisation, **cleaned)
        audit.record(actor=actor, action="contact.create", target=contact, organisation_id=organisation.pk)
    return contact


def contact_update(*, actor: Any, contact: Contact, data: Mapping[str, Any]) -> Contact:
    cleaned = _clean_contact(data)
    with transaction.atomic():
        before = audit.snapshot(contact)
        for name, value in cleaned.items():
            setattr(contact, name, value)
        contact.save()
        audit.record(
            actor=actor, action="contact.update", target=contact, before=before, organisation_id=contact.organisation_id
        )
    return contact


def contact_delete(*, actor: Any, contact: Contact) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="contact.delete",
            target=contact,
            before=audit.snapshot(contact),
            after={},
            organisation_id=contact.organisation_id,
        )
        contact.delete()


def hub_service_update(
    *, actor: Any, service: HubService, name: dict[str, str], category: str, active: bool
) -> HubService:
    """Rename a hub service, move it to another EDIH category or switch it off."""
    if category not in EdihCategory.values:
        raise ValidationError({"category": _("Choose one of the four EDIH service categories.")})
    try:
        validate_translated_text(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from None
    with transaction.atomic():
        before = audit.snapshot(service)
        service.name = {code: text.strip() for code, text in name.items()}
        service.category = category
        service.active = active
        service.save()
        audit.record(
            actor=actor,
            action="hub_service.update",
            target=service,
            before=before,
            organisation_id=service.hub.organisation_id,
        )
    return service


def organisation_file_upload(*, actor: Any, organisation: Organisation, upload: UploadedFile) -> StoredFile:
    """Keep a file for the organisation after checking it by content (size and type)."""
    checked = files.check_upload(upload)
    with transaction.atomic():
        stored = files.store(checked=checked, organisation_id=organisation.pk, uploaded_by_id=actor.pk)
        audit.record(actor=actor, action="file.upload", target=stored, organisation_id=organisation.pk)
    return stored


def hub_seed(*, actor: Any = None) -> tuple[HubProfile, int]:
    """Give a fresh instance its own hub (L-DIH), its six services and its targets; adds only what
    is missing, so running it again changes nothing and keeps the hub manager's edits."""
    with transaction.atomic():
        hub = HubProfile.objects.select_related("organisation").first()
        if hub is None:
            organisation = organisation_create(
                actor=actor, name=hubseed.HUB_ORGANISATION, country=hubseed.HUB_COUNTRY, details=hubseed.HUB_DETAILS
            )
            organisation.catalogue_ref = hubseed.HUB_CATALOGUE_REF
            organisation.catalogue_kind = Organisation.CatalogueKind.EDIH
            organisation.save(update_fields=["catalogue_ref", "catalogue_kind"])
            hub = HubProfile.objects.create(
                organisation=organisation, edih_name=hubseed.HUB_EDIH_NAME, country=hubseed.HUB_COUNTRY
            )
            audit.record(actor=actor, action="hub.seed", target=hub, organisation_id=organisation.pk)
        created = 0
        for position, (code, category, name) in enumerate(hubseed.SERVICES):
            service, made = HubService.objects.get_or_create(
                hub=hub, code=code, defaults={"name": name, "category": category, "position": position}
            )
            if made:
                audit.record(
                    actor=actor, action="hub_service.seed", target=service, organisation_id=hub.organisation_id
                )
            created += made
        start, end = hubseed.TARGET_PERIOD
        for indicator, value, label in hubseed.TARGETS:
            target, made = HubTarget.objects.get_or_create(
                hub=hub,
                indicator=indicator,
                period_start=start,
                defaults={"value": value, "label": label, "period_end": end},
            )
            if made:
                audit.record(actor=actor, action="hub_target.seed", target=target, organisation_id=hub.organisation_id)
            created += made
    return hub, created
