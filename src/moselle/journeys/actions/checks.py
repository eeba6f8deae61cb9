"""Checks shared by the journeys' actions: each raises a ``ValidationError`` naming the field."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.accounts.models import User
from moselle.core.models_taxonomy import Technology
from moselle.organisations.countries import code_for
from moselle.organisations.models import EdihCategory

TITLE_LIMIT = 200
MESSAGE_LIMIT = 5000
NOTE_LIMIT = 500
NEXT_STEP_LIMIT = 300

# --- Checking the input ----------------------------------------------------------------------------------


def check_text(value: Any, field: str, limit: int, *, required: bool = False, missing: str = "") -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: missing or _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def check_scale(value: Any, field: str) -> int:
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= 5:
        raise ValidationError({field: _("Give a whole number from 1 to 5.")})
    return number


def future_date(value: Any, field: str, *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Give a date.")})
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({field: _("Give a date as YYYY-MM-DD.")}) from None
    if not isinstance(value, date):
        raise ValidationError({field: _("Give a date as YYYY-MM-DD.")})
    if value < timezone.localdate():
        raise ValidationError({field: _("This date is in the past; give today or a later one.")})
    return value


def categories_of(values: Any, field: str = "categories") -> list[str]:
    chosen = [str(v) for v in (values or [])]
    unknown = sorted(set(chosen) - set(EdihCategory.values))
    if unknown:
        raise ValidationError({field: _("Unknown service category: %(codes)s.") % {"codes": ", ".join(unknown)[:80]}})
    return [value for value in EdihCategory.values if value in chosen]


def technologies_named(names: Iterable[Any], field: str = "technologies") -> list[Technology]:
    wanted = [str(name).strip() for name in names or [] if str(name).strip()]
    found = {t.name.casefold(): t for t in Technology.objects.filter(name__in=wanted)}
    if len(found) < len({name.casefold() for name in wanted}):
        lowered = {t.name.casefold(): t for t in Technology.objects.all()}
        unknown = [name for name in wanted if name.casefold() not in lowered]
        if unknown:
            raise ValidationError({field: _("Unknown technology: %(names)s.") % {"names": ", ".join(unknown)[:120]}})
        found = {name.casefold(): lowered[name.casefold()] for name in wanted}
    return list({t.pk: t for t in found.values()}.values())


def check_staff(user: Any, field: str = "owner") -> User:
    if not isinstance(user, User) or not is_hub_staff(user):
        raise ValidationError({field: _("Choose a member of the hub's staff.")})
    return user


def check_email(value: Any) -> str:
    text = check_text(value, "email", 254, required=True, missing=_("Give an e-mail address we can answer to."))
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError({"email": _("This is not an e-mail address.")}) from None
    return text


def check_country(value: Any) -> str:
    text = check_text(value, "country", 60, required=True, missing=_("Give the organisation's country."))
    code = code_for(text)
    if not code:
        raise ValidationError({"country": _("Unknown country: %(value)s.") % {"value": text[:60]}})
    return code


def user_of(actor: Any) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def check_gap(value: Any) -> Decimal:
    if value in (None, ""):
        raise ValidationError(
            {"gap": _("Set the gap: how far, from 0 to 100, the company is from where it wants to be.")}
        )
    try:
        gap = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"gap": _("Give a number from 0 to 100.")}) from None
    if not gap.is_finite() or not Decimal(0) <= gap <= Decimal(100):
        raise ValidationError({"gap": _("Give a number from 0 to 100.")})
    return gap.quantize(Decimal("0.01"))


def check_choice(value: Any, choices: Any, field: str, message: str) -> str:
    if value not in [code for code, _label in choices]:
        raise ValidationError({field: message})
    return str(value)


class Checked:
    """The checks of one action's input, all run before anything is written, so that every bad field is
    named at once. ``take`` reads ``data[name]`` through ``check`` (only the names given, unless ``every``)."""

    def __init__(self, data: Mapping[str, Any] | None = None, *, every: bool = True) -> None:
        self.data: Mapping[str, Any] = data or {}
        self.every = every
        self.values: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}

    def take(self, name: str, check: Callable[[Any], Any]) -> Any:
        if name not in self.data and not self.every:
            return None
        try:
            self.values[name] = check(self.data.get(name))
        except ValidationError as error:
            self.absorb(error)
            return None
        return self.values[name]

    def absorb(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.errors.setdefault(field, []).extend(messages)

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
