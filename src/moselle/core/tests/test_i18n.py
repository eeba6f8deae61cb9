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


def test_it_writes_english_dates_day_first_on_a_24_hour_clock() -> None:
    import datetime

    from django.utils import formats, translation

    moment = datetime.datetime(2026, 11, 5, 22, 31)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "05/11/2026 22:31"
        assert formats.date_format(moment, "DATE_FORMAT") == "5 November 2026"
