"""Template filters of the pilots pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

register = template.Library()


@register.filter
def pilots_visible_to(organisation: Any, user: Any) -> bool:
    """Whether the user may open the organisation's test-before-invest projects (its members and the hub's
    staff)."""
    from moselle.pilots.access import get_company_for_pilots

    try:
        get_company_for_pilots(user, organisation.pk)
    except Http404:
        return False
    return True
