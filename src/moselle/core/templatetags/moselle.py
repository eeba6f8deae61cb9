from __future__ import annotations

import json

from django import template

from moselle.core.i18n import pick

register = template.Library()


@register.filter
def tr(value: dict[str, str] | None) -> str:
    """Show a translated text field in the current language, with fallback."""
    return pick(value)


@register.filter
def label(value: str, kind: str) -> str:
    """The readable, translated label of a stored code: ``{{ m.role|label:"role" }}``."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from moselle.accounts.models import ApiToken, Consent, Membership

    labels: dict[str, dict[str, object]] = {
        "role": dict(ApiToken.ROLE_CHOICES),
        "status": dict(Membership.Status.choices),
        "purpose": dict(Consent.Purpose.choices),
        "method": dict(Consent.Method.choices),
        "language": dict(settings.LANGUAGES),
        "actor_kind": {"user": _("person"), "token": _("API token"), "system": _("system")},
    }
    return str(labels.get(kind, {}).get(value, value))


def _shown(value: object) -> str:
    """One value of an audit change, the same on every database (JSON keys sorted)."""
    if value is None:
        return "—"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


@register.filter
def audit_changes(changes: dict[str, object]) -> list[tuple[str, str, str, bool]]:
    """An audit entry's changes as rows ``(field, before, after, is_personal)`` for display."""
    rows = []
    for field, change in sorted((changes or {}).items()):
        if isinstance(change, dict) and "personal" in change:
            rows.append((field, "", str(change["personal"]), True))
        elif isinstance(change, list) and len(change) == 2:
            before, after = (_shown(value) for value in change)
            rows.append((field, before, after, False))
        else:
            rows.append((field, "", str(change), False))
    return rows
