"""Checks of the identifiers and codes an organisation carries, each naming the field it refuses.

VAT numbers and national numbers are checked offline with python-stdnum (format and check digit);
whether a number is really registered needs the national registers and VIES, which the platform
does not call.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret
from stdnum.util import get_cc_module

from moselle.organisations.countries import KNOWN_CODES

# Luxembourg's Registre de commerce et des sociétés: a section letter and up to six digits (B123456).
_LU_RCS = re.compile(r"^[A-Z]\s?\d{1,6}$")
# German commercial registers: the register (HRA, HRB, GnR, PR, VR), the number, an optional suffix.
_DE_REGISTER = re.compile(r"^(HRA|HRB|GNR|PR|VR)\s?\d{1,6}\s?[A-Z]{0,2}$")
_GENERIC_REGISTER = re.compile(r"^[0-9A-Z][0-9A-Z ./-]{0,38}[0-9A-Z]$|^[0-9A-Z]$")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
# NUTS uses EL for Greece and the Commission's own codes where ISO differs.
_NUTS_PREFIX = {"GR": "EL"}
# Countries whose VAT numbers the EU check knows (VIES); the others are checked with their own rules.
_EU_VAT_COUNTRIES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) - {"XI"}
_VAT_MAX_LENGTH = 20  # Organisation.vat
_WEBSITE_MAX_LENGTH = 300  # Organisation.website
# Only the calendar form: date.fromisoformat would also take 20190301 and week dates (2019-W09-5).
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EARLIEST_FOUNDING = date(1800, 1, 1)
LANGUAGE_CODES = frozenset(
    {
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fi",
        "fr",
        "ga",
        "hr",
        "hu",
        "it",
        "lb",
        "lt",
        "lv",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
        "sv",
        "is",
        "no",
        "sq",
        "sr",
        "mk",
        "tr",
        "uk",
        "bs",
        "me",
    }
)


def clean_country(value: str, field: str = "country") -> str:
    code = value.strip().upper()
    if code not in KNOWN_CODES:
        raise ValidationError({field: _("Use a two-letter ISO country code of Europe, e.g. LU.")})
    return code


def clean_register_id(value: str, country: str, field: str = "register_id") -> str:
    """The national register number in its usual written form; the format is checked per country."""
    text = " ".join(value.strip().upper().split())
    if not text:
        return ""
    if country == "LU":
        if not _LU_RCS.match(text):
            raise ValidationError({field: _("A Luxembourg RCS number is a letter and up to six digits, e.g. B123456.")})
        return text.replace(" ", "")
    if country == "FR":
        digits = text.replace(" ", "")
        if not (siren.is_valid(digits) or siret.is_valid(digits)):
            raise ValidationError({field: _("A French SIREN has 9 digits (SIRET 14) with a valid check digit.")})
        return digits
    if country == "BE":
        try:
            return str(be_vat.compact(be_vat.validate(text)))
        except StdnumError:
            raise ValidationError({field: _("A Belgian enterprise number has 10 digits with a valid check.")}) from None
    if country == "DE":
        if not _DE_REGISTER.match(text):
            raise ValidationError({field: _("A German register number reads like HRB 12345.")})
        return text
    if not _GENERIC_REGISTER.match(text):
        raise ValidationError({field: _("Use letters, digits, spaces, dots, slashes or dashes (at most 40).")})
    return text


def clean_vat(value: str, country: str, field: str = "vat") -> str:
    """The VAT number in compact form with its country prefix, checked offline (format and check digit)."""
    text = value.strip().upper().replace(" ", "").replace(".", "").replace("-", "")
    if not text:
        return ""
    prefix = _NUTS_PREFIX.get(country, country)
    if text[:2].isascii() and text[:2].isdigit():
        text = prefix + text
    # Northern Ireland traders carry an XI number in the EU system; only a UK organisation may hold one.
    if country not in _EU_VAT_COUNTRIES and not (country == "GB" and text.startswith("XI")):
        return _clean_national_vat(text, country, field)
    try:
        number = str(eu_vat.validate(text))
    except StdnumError:
        raise ValidationError(
            {field: _("This is not a valid EU VAT number (check the country prefix and the digits).")}
        ) from None
    allowed = {prefix, "XI"} if country == "GB" else {prefix}
    if number[:2] not in allowed:
        raise ValidationError({field: _("The VAT number's country prefix does not match the organisation's country.")})
    return number


def _clean_national_vat(text: str, country: str, field: str) -> str:
    """A VAT number of a European country outside the EU VAT area, checked with that country's rules."""
    if text[:2].isalpha() and text[:2] != country and text[:2] in _EU_VAT_COUNTRIES | {"EL", "XI"}:
        raise ValidationError({field: _("The VAT number's country prefix does not match the organisation's country.")})
    module = get_cc_module(country.lower(), "vat")
    if module is None:
        raise ValidationError({field: _("Moselle cannot check VAT numbers of this country; leave the field empty.")})
    try:
        number = str(module.compact(module.validate(text)))
    except StdnumError:
        raise ValidationError(
            {field: _("This is not a valid VAT number of the organisation's country (check the digits).")}
        ) from None
    if not number.startswith(country):
        number = country + number
    if len(number) > _VAT_MAX_LENGTH:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": _VAT_MAX_LENGTH}})
    return number


def clean_pic(value: str, field: str = "pic") -> str:
    text = value.strip()
    if not text:
        return ""
    if not (len(text) == 9 and text.isascii() and text.isdigit()):
        raise ValidationError({field: _("A PIC has exactly 9 digits.")})
    return text


def clean_region(value: str, country: str, field: str = "region") -> str:
    code = value.strip().upper()
    if not code:
        return ""
    if not _NUTS.match(code):
        raise ValidationError(
            {field: _("A NUTS code is the country code and up to three letters or digits, e.g. LU00.")}
        )
    if code[:2] != _NUTS_PREFIX.get(country, country):
        raise ValidationError({field: _("The NUTS region is not in the organisation's country.")})
    return code


def clean_website(value: str, field: str = "website") -> str:
    text = value.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    if len(text) > _WEBSITE_MAX_LENGTH:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": _WEBSITE_MAX_LENGTH}})
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValidationError({field: _("Give the website as a web address, e.g. https://example.lu.")}) from None
    return text


def clean_founded_on(value: object, field: str = "founded_on") -> date | None:
    """The day the organisation was founded: a date, or the text YYYY-MM-DD; empty means not known.

    A date in the future or before 1800 is refused: it is a typing error, not a company's age."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({field: _("This day does not exist; give the date as YYYY-MM-DD.")}) from None
    else:
        raise ValidationError({field: _("Give the founding date as YYYY-MM-DD, e.g. 2019-03-01.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("The founding date cannot be in the future.")})
    if day < _EARLIEST_FOUNDING:
        raise ValidationError({field: _("The founding date cannot be before 1800.")})
    return day


def clean_languages(values: object, field: str = "working_languages") -> list[str]:
    if isinstance(values, str):
        items: list[object] = list(values.replace(";", ",").split(","))
    elif isinstance(values, (list, tuple, set, frozenset)):
        items = list(values)
    else:
        raise ValidationError({field: _("Give the languages as a list of two-letter codes, e.g. fr, de.")})
    codes: list[str] = []
    for item in items:
        code = str(item).strip().lower()
        if not code:
            continue
        if code not in LANGUAGE_CODES:
            raise ValidationError(
                {field: _("Unknown language code “%(code)s”; use two letters, e.g. fr.") % {"code": code}}
            )
        if code not in codes:
            codes.append(code)
    return codes


def parse_amount(value: object, field: str, *, required: bool = False, places: int = 2) -> Decimal | None:
    """A non-negative number from a form, file or API; spaces and a comma as decimal mark are accepted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: _("This figure is required.")})
        return None
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if "," in text and "." not in text:
        # "3,5" is a decimal comma; "1,234" could be a thousand or a decimal: refused rather than guessed.
        whole, _sep, decimals = text.rpartition(",")
        if text.count(",") > 1 or len(decimals) == 3:
            raise ValidationError({field: _("Write the number without thousands separators, e.g. 1234 or 1234.5.")})
        text = f"{whole}.{decimals}"
    elif "," in text:
        raise ValidationError({field: _("Write the number without thousands separators, e.g. 1234 or 1234.5.")})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: _("Give a number, e.g. 1250000.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Give a number, e.g. 1250000.")})
    if number < 0:
        raise ValidationError({field: _("A figure cannot be negative.")})
    if number >= Decimal(10) ** 13:
        raise ValidationError({field: _("This figure is too large.")})
    if number != number.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN"):
        message = ngettext("Give at most %(places)d decimal place.", "Give at most %(places)d decimal places.", places)
        raise ValidationError({field: message % {"places": places}})
    rounded = number.quantize(Decimal(1).scaleb(-places))
    if rounded >= Decimal(10) ** 13:
        raise ValidationError({field: _("This figure is too large.")})
    return rounded
