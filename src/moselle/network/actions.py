"""Writes of the network's corridors and collaborations. Each action checks every field first, names every bad
one at once, then writes in one transaction with its audit entry; nothing is half-written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.core import audit, files
from moselle.core.ids import row_id
from moselle.journeys.actions.checks import check_text, user_of
from moselle.network.models import Collaboration, Corridor
from moselle.organisations.access import own_hub
from moselle.organisations.models import Organisation

TITLE_LIMIT = 200
TEXT_LIMIT = 5000


def _day(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("Give a date.")]
        return None
    if isinstance(value, date):
        return value
    try:
        found = parse_date(str(value).strip())
    except ValueError:
        found = None
    if found is None:
        errors[field] = [_("Give a date as YYYY-MM-DD.")]
    return found


def _hubs(
    values: Iterable[Any], errors: dict[str, list[str]], field: str, *, kept: Iterable[int] = ()
) -> list[Organisation]:
    """The other hubs named by id or row: live hubs of the registry, never the instance's own hub. Hubs in
    ``kept`` (a corridor's partners already) stay accepted after they left the catalogue."""
    ids: list[int] = []
    for value in values:
        pk = value.pk if isinstance(value, Organisation) else row_id(value)
        if pk is None:
            errors[field] = [_("Choose hubs of the directory.")]
            return []
        ids.append(pk)
    if not ids:
        errors[field] = [_("Choose at least one other hub.")]
        return []
    live = Q(is_historical=False) | Q(pk__in=list(kept))
    found = {
        o.pk: o
        for o in Organisation.objects.filter(
            live, pk__in=ids, kind_rows__kind=Organisation.Kind.HUB, merged_into__isnull=True
        ).distinct()
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        errors[field] = [_("Not a hub of the directory: %(ids)s.") % {"ids": ", ".join(map(str, missing))[:80]}]
        return []
    mine = own_hub()
    if mine is not None and mine.organisation_id in found:
        errors[field] = [_("A corridor joins this hub to others: leave this hub itself out.")]
        return []
    return [found[pk] for pk in dict.fromkeys(ids)]


def _require_staff(actor: Any) -> None:
    if not is_hub_staff(actor):
        raise ValidationError({"actor": _("Only the hub's staff record the network's work.")})


def corridor_save(
    *,
    actor: Any,
    corridor: Corridor | None = None,
    title: Any,
    scope: Any = "",
    partners: Iterable[Any],
    started_on: Any,
    ended_on: Any = None,
) -> Corridor:
    """Create a corridor, or change one: its title, scope, partner hubs and dates."""
    _require_staff(actor)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for field, value, limit, required in (("title", title, TITLE_LIMIT, True), ("scope", scope, TEXT_LIMIT, False)):
        try:
            clean[field] = check_text(value, field, limit, required=required)
        except ValidationError as error:
            errors.update({k: list(v) for k, v in error.message_dict.items()})
    current = list(corridor.partners.values_list("pk", flat=True)) if corridor is not None else []
    hubs = _hubs(partners, errors, "partners", kept=current)
    start = _day(started_on, "started_on", errors, required=True)
    end = _day(ended_on, "ended_on", errors, required=False)
    if start and end and end < start:
        errors["ended_on"] = [_("A corridor ends after it starts.")]
    if errors:
        raise ValidationError(errors)
    assert start is not None
    with transaction.atomic():
        before = audit.snapshot(corridor) if corridor is not None else None
        if corridor is None:
            corridor = Corridor(created_by=user_of(actor))
        corridor.title, corridor.scope = clean["title"], clean["scope"]
        corridor.started_on, corridor.ended_on = start, end
        corridor.save()
        corridor.partners.set(hubs)
        audit.record(
            actor=actor,
            action="corridor.update" if before is not None else "corridor.create",
            target=corridor,
            before=before,
            after={"partners": [hub.pk for hub in hubs]},
        )
    return corridor


def corridor_add_document(*, actor: Any, corridor: Corridor, upload: UploadedFile) -> Corridor:
    """Attach a document (the signed agreement, minutes) to a corridor; kept with the hub's own files."""
    _require_staff(actor)
    checked = files.check_upload(upload, field="document")
    mine = own_hub()
    if mine is None:
        raise ValidationError({"document": _("Set up the hub first.")})
    with transaction.atomic():
        stored = files.store(checked=checked, organisation_id=mine.organisation_id, uploaded_by_id=actor.pk)
        corridor.documents.add(stored)
        audit.record(actor=actor, action="corridor.add_document", target=corridor, after={"file": stored.pk})
    return corridor


def collaboration_record(
    *,
    actor: Any,
    kind: Any,
    title: Any,
    happened_on: Any,
    hubs: Iterable[Any] = (),
    corridor: Corridor | None = None,
    description: Any = "",
    event_id: int | None = None,
    referral_id: int | None = None,
) -> Collaboration:
    """Record one thing done with other hubs, once it has happened. Under a corridor, the hubs default to the
    corridor's partners."""
    _require_staff(actor)
    errors: dict[str, list[str]] = {}
    if kind not in Collaboration.Kind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Collaboration.Kind.values)}]
    clean: dict[str, Any] = {}
    for field, value, limit, required in (
        ("title", title, TITLE_LIMIT, True),
        ("description", description, TEXT_LIMIT, False),
    ):
        try:
            clean[field] = check_text(value, field, limit, required=required)
        except ValidationError as error:
            errors.update({k: list(v) for k, v in error.message_dict.items()})
    hubs = list(hubs)
    if not hubs and corridor is not None:
        hubs = list(corridor.partners.all())
    chosen = _hubs(hubs, errors, "hubs")
    day = _day(happened_on, "happened_on", errors, required=True)
    if day is not None and day > timezone.localdate():
        errors["happened_on"] = [_("Record a collaboration once it has happened.")]
    if corridor is not None and day is not None and day < corridor.started_on:
        errors["happened_on"] = [_("This is before the corridor started.")]
    if corridor is not None and day is not None and corridor.ended_on and day > corridor.ended_on:
        errors["happened_on"] = [_("This is after the corridor ended.")]
    if errors:
        raise ValidationError(errors)
    assert day is not None
    with transaction.atomic():
        collaboration = Collaboration.objects.create(
            corridor=corridor,
            kind=kind,
            title=clean["title"],
            description=clean["description"],
            happened_on=day,
            event_id=event_id,
            referral_id=referral_id,
            created_by=user_of(actor),
        )
        collaboration.hubs.set(chosen)
        audit.record(
            actor=actor,
            action="collaboration.record",
            target=collaboration,
            after={"hubs": [hub.pk for hub in chosen], "corridor": corridor.pk if corridor else None},
        )
    return collaboration


def collaboration_delete(*, actor: Any, collaboration: Collaboration) -> None:
    """Remove a collaboration recorded by mistake (the audit log keeps what it was)."""
    _require_staff(actor)
    with transaction.atomic():
        before = audit.snapshot(collaboration)
        audit.record(actor=actor, action="collaboration.delete", target=collaboration, before=before)
        collaboration.delete()
