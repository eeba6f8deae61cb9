"""What every write of the pilots app checks first: who acts, whether the project is still in progress, and
the numbers, references and texts given."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.core.ids import row_id
from moselle.events.follow_up import is_customer
from moselle.journeys.actions import activity_record
from moselle.journeys.models import Activity
from moselle.pilots.models import Project

P = Project.Status
TITLE_LIMIT = 200
TEXT_LIMIT = 5000
REASON_LIMIT = 500
MAX_UNITS = 10_000_000
MAX_PERIODS = 366
MAX_CRITERIA = 20
LATEST = date(2999, 12, 31)  # bookings end before the calendar's last year, so that every period has an end


def require_staff(actor: Any, field: str = "actor") -> None:
    if not is_hub_staff(actor):
        raise ValidationError({field: _("Only the hub's staff do this.")})


def require_open(project: Project) -> None:
    if project.status != P.ACTIVE:
        raise ValidationError(
            {
                "status": _("This project is %(status)s: it is no longer changed.")
                % {"status": project.get_status_display()}
            }
        )


def fresh(project_id: int) -> Project:
    """The project as it is now, locked until the caller's transaction ends (the caller's copy may predate a
    gate or a stop, and a gate or a stop waits for the change under way). Call inside a transaction."""
    return Project.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=project_id)


def pk_of(value: Any) -> int | None:
    """The id of a row given as itself or as untrusted input (``core.ids.row_id``)."""
    if hasattr(value, "pk") and not isinstance(value, (str, int)):
        return int(value.pk)
    return row_id(value)


def in_hub_language(text: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def timeline(project: Project, verb: str, actor: Any, summary: str = "") -> None:
    if is_customer(project.organisation_id):
        activity_record(
            organisation=project.organisation,
            kind=Activity.Kind.PILOT,
            verb=verb,
            target=project,
            actor=actor,
            summary=(summary or project.title)[:300],
        )


def whole(value: Any, field: str, *, lowest: int = 0, highest: int = MAX_UNITS) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        number: int | None = value
    else:
        text = str(value).strip() if value is not None else ""
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
    if number is None or not lowest <= number <= highest:
        raise ValidationError(
            {field: _("Give a whole number from %(low)d to %(high)d.") % {"low": lowest, "high": highest}}
        )
    return number
