"""Template filters of the registry's pages: the readable names of size classes and SME relations."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from moselle.organisations.forms import size_class_label

register = template.Library()


@register.filter
def size_class(value: str | None) -> str:
    """``{{ organisation.size_class|size_class }}``: "small enterprise", or "not worked out yet" when empty."""
    if not value:
        return _("not worked out yet")
    return size_class_label(value)


@register.filter
def relation_kind(value: str) -> str:
    """How an enterprise's figures are added to the subject's, in the SME definition's words."""
    labels = {
        "linked": _("linked enterprise"),
        "partner": _("partner enterprise"),
        "linked_to_partner": _("linked to a partner enterprise"),
        "partner_of_linked": _("partner of a linked enterprise"),
    }
    return labels.get(value, value)


@register.filter
def cell(value: object) -> str:
    """One cell of a report table: lists joined, nothing shown as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def web_link(value: str | None) -> str:
    """The address if it is a web address (http or https) that can be a link; "" otherwise."""
    text = (value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""
