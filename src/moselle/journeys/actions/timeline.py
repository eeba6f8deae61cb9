"""The organisation's timeline: what other apps and the advisor add to it."""

from datetime import UTC
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.core import audit
from moselle.journeys.models import (
    VERBS,
    Activity,
    Case,
)
from moselle.organisations.models import Organisation

EARLIEST_YEAR = 1990  # a hub's record starts long after this

# --- The timeline ----------------------------------------------------------------------------------------


def activity_record(
    *,
    organisation: Organisation,
    kind: str,
    verb: str,
    target: models.Model | None = None,
    actor: Any = None,
    case: Case | None = None,
    summary: str = "",
    at: Any = None,
) -> Activity:
    """Add an entry to ``organisation``'s timeline. Other apps call this for what they did with it (an event
    attended, an assessment submitted); the entry points at ``target`` and copies none of its personal data,
    so ``summary`` must not carry any either. ``verb`` is one of ``models.VERBS``, which says it in the
    reader's language."""
    if kind not in Activity.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of activity: %(kind)s.") % {"kind": str(kind)[:30]}})
    if verb not in VERBS:
        raise ValidationError({"verb": _("Unknown timeline entry: %(verb)s.") % {"verb": str(verb)[:30]}})
    return Activity.objects.create(
        organisation=organisation,
        case=case,
        kind=kind,
        verb=verb[:60],
        summary=summary.strip()[:300],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def activity_log(
    *, actor: Any, organisation: Organisation, kind: str, summary: str, case: Case | None = None, at: Any = None
) -> Activity:
    """An advisor logs a meeting, a call, an e-mail or a note on the organisation's timeline."""
    if kind not in (Activity.Kind.MEETING, Activity.Kind.CALL, Activity.Kind.EMAIL, Activity.Kind.NOTE):
        raise ValidationError({"kind": _("Log a meeting, a call, an e-mail or a note.")})
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say in a few words what was discussed.")})
    if len(summary) > 300:
        raise ValidationError({"summary": _("At most %(limit)d characters.") % {"limit": 300}})
    if at is not None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        at = at.astimezone(UTC)  # any offset the database can store
        if at.year < EARLIEST_YEAR:
            raise ValidationError({"at": _("Give a date from %(year)d on.") % {"year": EARLIEST_YEAR}})
    if at is not None and at > timezone.now():
        raise ValidationError({"at": _("Log what has happened: the date cannot be in the future.")})
    if case is not None and case.organisation_id != organisation.pk:
        raise ValidationError({"case": _("This case is another organisation's.")})
    with transaction.atomic():
        entry = activity_record(
            organisation=organisation, kind=kind, verb="logged", actor=actor, case=case, summary=summary, at=at
        )
        audit.record(actor=actor, action="activity.log", target=entry, organisation_id=organisation.pk)
    return entry
