"""``{{ words|quoted }}``: words in the quotation marks of the active language (“…”, «\u00a0…\u00a0», „…“).

``{% suggested_for need_text %}``: the few results that best meet a need, with their reasons and a way to
see them all on the "Find help" page, for the pages that hold needs (a company's needs, roadmap actions)::

    {% load matching %}
    {% suggested_for need.text limit=3 sme=company_is_sme country=company.country %}

The search is the person's own (the request's user): they see only what they may see. An empty need
renders nothing; a need the engine refuses renders nothing either, since the page around it is not a form
where the person could mend it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from moselle.matching import engine, reasons
from moselle.matching.views import card_for

register = template.Library()

SUGGESTED_LIMIT = 3


@register.filter
def quoted(value: Any) -> str:
    """The text in the quotation marks of the page's language; the page escapes it as any other text."""
    return reasons._quoted([str(value)], (get_language() or "en")[:2])


def _yes_no(value: bool | str | None) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value or "")


@register.inclusion_tag("matching/partials/suggested.html", takes_context=True)
def suggested_for(
    context: template.Context,
    need_text: Any,
    limit: int = SUGGESTED_LIMIT,
    kinds: str = "",
    sme: bool | str | None = None,
    country: str = "",
) -> dict[str, Any]:
    """The top ``limit`` results across kinds for ``need_text`` (``kinds`` a comma-separated list to keep
    only some; ``sme`` and ``country`` the company's, when the page knows them)."""
    text = " ".join(str(need_text or "").split())[: engine.TEXT_LIMIT]
    if not text:
        return {"cards": [], "answer": None}
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    data = {"text": text, "kinds": kinds, "sme": _yes_no(sme), "country": country}
    try:
        need = engine.clean_need(data)
    except ValidationError:
        return {"cards": [], "answer": None}
    answer = engine.search(need, user=user, limit=max(1, int(limit)))
    query = urlencode([(name, value) for name, value in data.items() if value])
    return {
        "cards": [card_for(result, query) for result in answer.results[: max(1, int(limit))]],
        "answer": answer,
        "see_all": f"{reverse('find_help')}?{query}",
    }
