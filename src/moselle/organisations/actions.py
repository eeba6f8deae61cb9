"""Every write to the registry and the hub profile goes through these functions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from moselle.core import audit, files
from moselle.core.i18n import validate_translated_text
from moselle.core.models import StoredFile
from moselle.organisations.models import EdihCategory, HubService, Organisation


def organisation_create(*, actor: Any, name: str, country: str = "LU", is_demo: bool = False) -> Organisation:
    """Register an organisation by name."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the organisation's name.")})
    if len(country) != 2 or not country.isalpha():
        raise ValidationError({"country": _("Use the two-letter ISO country code, e.g. LU.")})
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name[:200], country=country.upper(), is_demo=is_demo)
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
