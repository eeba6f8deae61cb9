"""Every write to the registry and the hub profile goes through these functions."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from moselle.core import audit, files
from moselle.core.i18n import validate_translated_text
from moselle.core.models import StoredFile
from moselle.organisations import hubseed
from moselle.organisations.models import EdihCategory, HubProfile, HubService, HubTarget, Organisation


def clean_organisation_name(name: str, field: str = "organisation_name") -> str:
    """The name without invisible characters or extra spaces; refused if nothing readable is left."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs"})
    cleaned = " ".join(visible.split())[:200]
    if not any(ch.isalnum() for ch in cleaned):
        raise ValidationError({field: _("Give the organisation's name in letters or digits.")})
    return cleaned


def organisation_create(*, actor: Any, name: str, country: str = "LU", is_demo: bool = False) -> Organisation:
    """Register an organisation by name."""
    name = clean_organisation_name(name, field="name")
    if len(country) != 2 or not country.isalpha():
        raise ValidationError({"country": _("Use the two-letter ISO country code, e.g. LU.")})
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, country=country.upper(), is_demo=is_demo)
        audit.record(actor=actor, action="organisation.create", target=organisation, organisation_id=organisation.pk)
    return organisation


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
            organisation = organisation_create(actor=actor, name=hubseed.HUB_ORGANISATION, country=hubseed.HUB_COUNTRY)
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
