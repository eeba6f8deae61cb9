"""Text in English, French and German, with a fallback when a language is missing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("en", "fr", "de")


def pick(value: dict[str, str] | None, language: str | None = None) -> str:
    """Return the text in ``language``, else English, else French, else German, else ''."""
    if not value:
        return ""
    wanted = (language or get_language() or "en")[:2]
    for code in (wanted, *LANGUAGE_CODES):
        text = value.get(code)
        if text:
            return text
    return ""


def validate_translated_text(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Enter the text as a mapping of language codes to text."))
    unknown = sorted(set(value) - set(LANGUAGE_CODES))
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s. Use en, fr or de."), params={"codes": ", ".join(unknown)}
        )
    if any(not isinstance(text, str) for text in value.values()):
        raise ValidationError(_("Each translation must be text."))
    if not any(text.strip() for text in value.values()):
        raise ValidationError(_("Give the text in at least one language."))


def translated_text(value: Any, field: str, limit: int, missing: str) -> dict[str, str]:
    """Text per language from ``value`` (a mapping of language codes), each line trimmed, at most ``limit``
    characters per language; ``missing`` when no language has any (with ``missing`` empty, the text is
    optional and blank texts give an empty mapping)."""
    if not isinstance(value, Mapping):
        raise ValidationError({field: _('Give the text per language, e.g. {"en": …, "fr": …, "de": …}.')})
    unknown = sorted(str(code) for code in value if code not in LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            {field: _("Unknown language code(s): %(codes)s. Use en, fr or de.") % {"codes": ", ".join(unknown)[:60]}}
        )
    cleaned: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        text = value.get(code)
        if text is None:
            continue
        if not isinstance(text, str):
            raise ValidationError({field: _("Each translation must be text.")})
        text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
        if len(text) > limit:
            raise ValidationError({field: _("At most %(limit)d characters per language.") % {"limit": limit}})
        if text:
            cleaned[code] = text
    if not cleaned and missing:
        raise ValidationError({field: missing})
    return cleaned


class TranslatedTextField(models.JSONField):
    """A JSON mapping ``{"en": ..., "fr": ..., "de": ...}``; read it with :func:`pick`."""

    default_validators = [validate_translated_text]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)
