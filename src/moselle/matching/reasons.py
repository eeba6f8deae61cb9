"""Reasons in words: each ``engine.Reason`` said in English, French or German."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from moselle.core.i18n import pick
from moselle.matching import understanding
from moselle.matching.text import fold

_LABELS: dict[tuple[str, str], dict[str, str]] = {}


def label_name(dimension: str, name: str, language: str | None = None) -> str:
    """A catalogue label in the reader's language (the catalogue's English name when not translated)."""
    if not _LABELS:
        from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, Technology

        for model, key in ((Technology, "technology"), (CatalogueService, "service"), (CatalogueSector, "sector")):
            for row_name, label in model.objects.values_list("name", "label"):
                _LABELS[(key, row_name)] = label or {}
    return pick(_LABELS.get((dimension, name)), language) or name


def forget_labels() -> None:
    _LABELS.clear()


def _quoted(words: list[str], language: str = "en") -> str:
    """Words in the quotation marks of the language: “…” in English and German print, « … » in French."""
    if language == "fr":
        return ", ".join(f"«\u00a0{word}\u00a0»" for word in words)
    if language == "de":
        return ", ".join(f"„{word}“" for word in words)
    return ", ".join(f"“{word}”" for word in words)


def _language_name(code: str) -> str:
    names = {
        "en": pgettext("language in a sentence", "English"),
        "fr": pgettext("language in a sentence", "French"),
        "de": pgettext("language in a sentence", "German"),
    }
    return str(names.get(code, code))


def render(reason: Any, language: str | None = None) -> str:
    if language:
        with translation.override(language):
            return _render(reason, language)
    return _render(reason, translation.get_language() or "en")


def _render(reason: Any, language: str) -> str:
    lang = language[:2]
    p = reason.params
    if reason.code == "label":
        name = label_name(p["dimension"], p["label"], lang)
        if p["level"] is None:
            said = _("covers %(label)s") % {"label": name}
        else:
            said = _("declares %(label)s at level %(level)d of 5") % {"label": name, "level": p["level"]}
        if p.get("chosen"):
            return _("%(fact)s, as you chose") % {"fact": said}
        if p.get("because"):
            return _("%(fact)s (you wrote %(words)s)") % {"fact": said, "words": _quoted(p["because"], lang)}
        return said
    if reason.code == "words":
        return ngettext(
            "its description uses your word %(words)s", "its description uses your words %(words)s", len(p["words"])
        ) % {"words": _quoted(p["words"], lang)}
    if reason.code == "place":
        countries = ", ".join(sorted((understanding.country_name(code, lang) for code in p["countries"]), key=fold))
        # Items say which countries they serve, not which regions: a region named is read as its countries.
        return _("serves %(countries)s, where the place you named lies (%(named)s)") % {
            "countries": countries,
            "named": _quoted([p["named"]], lang),
        }
    if reason.code == "serves":
        return _("serves %(country)s") % {"country": understanding.country_name(p["country"], lang)}
    if reason.code == "near":
        return _("serves %(country)s, your country") % {"country": understanding.country_name(p["country"], lang)}
    if reason.code == "eligible":
        return _("open to organisations from %(country)s") % {"country": understanding.country_name(p["country"], lang)}
    if reason.code == "language":
        return _("works in %(language)s") % {"language": _language_name(p["language"])}
    if reason.code == "sme":
        return _("SMEs only: you qualify")
    if reason.code == "price":
        return _("free of charge") if p["kind"] == "free" else _("subsidised")
    if reason.code == "budget":
        return _("from %(price)s €, within your budget of %(budget)s €") % {
            "price": number_format(p["from"], 0, force_grouping=True),
            "budget": number_format(p["budget"], 0, force_grouping=True),
        }
    return str(reason.code)
