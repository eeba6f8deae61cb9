from __future__ import annotations

from django import template

from moselle.core.i18n import pick

register = template.Library()


@register.filter
def tr(value: dict[str, str] | None) -> str:
    """Show a translated text field in the current language, with fallback."""
    return pick(value)
