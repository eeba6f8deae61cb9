"""Template filters of the skills pages: why a row was proposed, in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moselle.skills.models import Level, Role

register = template.Library()

DIMENSIONS = {
    "d1": gettext_lazy("digital business strategy"),
    "d2": gettext_lazy("digital readiness"),
    "d3": gettext_lazy("human-centric digitalisation"),
    "d4": gettext_lazy("data governance"),
    "d5": gettext_lazy("automation and artificial intelligence"),
    "d6": gettext_lazy("green digitalisation"),
}


@register.filter
def level_name(value: Any) -> str:
    try:
        return str(Level(int(value)).label)
    except (TypeError, ValueError):
        return ""


@register.filter
def role_name(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else str(value)


@register.filter
def basis_text(basis: Any) -> str:
    """Why a row was proposed: the role its sector has or the roadmap's technology, and what set the current
    level (the assessment's dimension score, or no assessment)."""
    if not isinstance(basis, dict) or not basis:
        return ""
    parts = []
    if basis.get("technology"):
        parts.append(_("asked by the roadmap's technology %(name)s") % {"name": basis["technology"]})
    elif basis.get("role"):
        parts.append(_("a skill this role needs"))
    dimension = DIMENSIONS.get(str(basis.get("dimension", "")))
    if basis.get("score") is not None and dimension:
        parts.append(
            _("current level from the %(dimension)s score %(score)s")
            % {"dimension": dimension, "score": basis["score"]}
        )
    elif dimension:
        parts.append(_("no assessment: current level set to none"))
    return "; ".join(parts)


@register.filter
def present_on(registration: Any, day: Any) -> bool:
    """Whether the registrant was marked present on that day (the presences are prefetched)."""
    return any(p.session_id == day.pk for p in registration.presences.all())


@register.filter
def skills_visible_to(organisation: Any, user: Any) -> bool:
    """Whether the user may open the organisation's skills page (its members and the hub's staff)."""
    from moselle.skills.access import can_see_skills

    return can_see_skills(user, organisation.pk)


@register.filter
def breakdown_key(key: str) -> str:
    """A key of the market's breakdown as a person reads it."""
    from moselle.skills.market import key_label

    return key_label(key)
