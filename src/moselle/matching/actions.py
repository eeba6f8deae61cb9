"""Writing what matching records: a company's decision on a proposed item."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from moselle.core import audit
from moselle.matching import registry
from moselle.matching.engine import TEXT_LIMIT
from moselle.matching.models import Outcome

REASON_LIMIT = 300


def record_outcome(
    *,
    actor: Any,
    kind: str,
    item_id: int,
    decision: str,
    organisation: Any = None,
    need_text: str = "",
    reason: str = "",
) -> Outcome:
    """Record that a company accepted or declined a proposed item: one the engine proposes now (a published
    offer, a live hub…). Outcomes already recorded stay when the item later goes (an archived offer)."""
    errors: dict[str, list[str]] = {}
    if kind not in registry.kinds():
        errors["kind"] = [_("Unknown kind: %(kind)s.") % {"kind": str(kind)[:30]}]
    if not isinstance(item_id, int) or item_id <= 0:
        errors["item_id"] = [_("Give the item's id, a whole number above zero.")]
    if decision not in Outcome.Decision.values:
        errors["decision"] = [_("Say accepted or declined.")]
    if len(need_text or "") > TEXT_LIMIT:
        errors["need_text"] = [_("At most %(limit)d characters.") % {"limit": TEXT_LIMIT}]
    if len(reason or "") > REASON_LIMIT:
        errors["reason"] = [_("At most %(limit)d characters.") % {"limit": REASON_LIMIT}]
    if not errors:
        from moselle.matching.engine import engine

        current = engine()
        current.refresh()
        if current.index.get((kind, item_id)) is None:
            errors["item_id"] = [_("No %(kind)s %(id)d is proposed by the engine.") % {"kind": kind, "id": item_id}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        outcome = Outcome.objects.create(
            organisation=organisation,
            kind=kind,
            item_id=item_id,
            decision=decision,
            need_text=(need_text or "").strip(),
            reason=(reason or "").strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="matching.outcome",
            target=outcome,
            after={"kind": kind, "item_id": item_id, "decision": decision},
            organisation_id=organisation.pk if organisation is not None else None,
        )
    return outcome
