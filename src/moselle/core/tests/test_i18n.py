from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from moselle.core.i18n import pick, validate_translated_text


def test_it_picks_the_language_then_falls_back() -> None:
    text = {"en": "Skills", "fr": "Compétences"}
    assert pick(text, "fr") == "Compétences"
    assert pick(text, "de") == "Skills"
    assert pick({"de": "Nur Deutsch"}, "fr") == "Nur Deutsch"
    assert pick({}, "en") == "" and pick(None) == ""
    with translation.override("fr"):
        assert pick(text) == "Compétences"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("plain", "mapping"),
        ({"it": "Ciao"}, "Unknown language code"),
        ({"en": 3}, "must be text"),
        ({"en": " ", "fr": ""}, "at least one language"),
    ],
)
def test_it_refuses_bad_translated_text(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_translated_text(value)
