"""Writing the audit log. Every action in every app's ``actions.py`` calls :func:`record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from moselle.core.models import AuditEntry

Snapshot = dict[str, Any]


def personal_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    """Fields whose values the audit log never copies: personal data and secrets (``SECRET_FIELDS``)."""
    return tuple(getattr(model, "PERSONAL_FIELDS", ())) + tuple(getattr(model, "SECRET_FIELDS", ()))


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> Snapshot:
    """The current values of ``instance``'s concrete fields (or ``fields``), ready for :func:`record`."""
    if instance is None:
        return {}
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def diff(instance: models.Model, before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """Changed fields as ``{field: [before, after]}``; personal values become a reference."""
    personal = personal_fields(instance)
    label = instance._meta.label_lower
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        field = name[:-3] if name.endswith("_id") else name
        if field in personal or name in personal:
            changes[name] = {"personal": f"{label}:{instance.pk}:{field}"}  # a reference, not the value
        else:
            changes[name] = [old, new]
    return changes


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    organisation_id: int | None = None,
    actor_kind: str | None = None,
) -> AuditEntry:
    """Add one entry to the audit log. Call it inside the action's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    kind = actor_kind or ("token" if getattr(actor, "token_role", None) else ("user" if user else "system"))
    if target is None:  # e.g. erasing a person who had no account: nothing left to point at
        changes: dict[str, Any] = {}
        target_type, target_id = "person", ""
    else:
        changes = diff(target, before or {}, after if after is not None else snapshot(target))
        target_type, target_id = target._meta.label_lower, str(target.pk)
    return AuditEntry.objects.create(
        actor=user,
        actor_kind=kind,
        action=action,
        target_type=target_type,
        target_id=target_id,
        organisation_id=organisation_id,
        changes=changes,
    )
