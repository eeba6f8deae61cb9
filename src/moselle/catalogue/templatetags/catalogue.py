"""How an offer's price and technology readiness read on a page, in the current language."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from moselle.catalogue.models import Offer

register = template.Library()


def _euros(value: Decimal) -> str:
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _amounts(offer: Offer) -> str:
    low, high = offer.price_min, offer.price_max
    if low is not None and high is not None and low != high:
        return _("EUR %(low)s to %(high)s") % {"low": _euros(low), "high": _euros(high)}
    if low is not None and (high is None or high == low):
        return _("from EUR %(low)s") % {"low": _euros(low)} if high is None else _("EUR %(low)s") % {"low": _euros(low)}
    if high is not None:
        return _("up to EUR %(high)s") % {"high": _euros(high)}
    return ""


@register.filter
def price(offer: Offer) -> str:
    amounts = _amounts(offer)
    if offer.price_kind == Offer.PriceKind.FREE:
        return _("free of charge")
    if offer.price_kind == Offer.PriceKind.SUBSIDISED:
        return _("subsidised: %(amounts)s") % {"amounts": amounts} if amounts else _("subsidised")
    return amounts or "—"


@register.filter
def readiness(offer: Offer) -> str:
    low, high = offer.trl_min, offer.trl_max
    if low is not None and high is not None:
        return (
            _("TRL %(low)d to %(high)d") % {"low": low, "high": high}
            if low != high
            else _("TRL %(low)d") % {"low": low}
        )
    if low is not None:
        return _("from TRL %(low)d") % {"low": low}
    if high is not None:
        return _("up to TRL %(high)d") % {"high": high}
    return "—"
