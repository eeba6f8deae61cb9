"""Forms of the catalogue's pages. They shape the input; the actions check it and name the field, and the
views put those errors on the fields (``accounts.forms.apply_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from moselle.catalogue.models import Offer
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import CatalogueSector
from moselle.organisations.forms import COUNTRY_CHOICES, technology_choices
from moselle.organisations.models import EdihCategory
from moselle.organisations.normalise import fold
from moselle.organisations.validation import LANGUAGE_CODES

# An action's error on a translated text goes on the English field of the form.
ERROR_ALIASES = {"title": "title_en", "description": "description_en"}


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_choices() -> list[tuple[str, str]]:
    return by_name([(code, language_name(code)) for code in LANGUAGE_CODES])


def by_name(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Choices in the order of their names as the reader reads them: case and accents folded, so that
    "Électronique" comes before "Finance" and "Österreich" before "Polen"."""
    return sorted(choices, key=lambda pair: (fold(str(pair[1])), str(pair[1]), pair[0]))


def sector_choices() -> list[tuple[str, str]]:
    """The catalogue's sectors, named and sorted in the active language."""
    return by_name([(str(s.pk), pick(s.label) or s.name) for s in CatalogueSector.objects.order_by("position", "id")])


def _lines(values: list[dict[str, str]]) -> str:
    return "\n".join(" ".join(part for part in (row.get("text", ""), row.get("url", "")) if part) for row in values)


class OfferForm(forms.Form):
    """An offer in three languages; the numbers are text so that the action reads "1 250,50" as a person means it."""

    kind = forms.ChoiceField(label=_("Kind of offer"), choices=Offer.Kind.choices)
    category = forms.ChoiceField(label=_("EDIH category"), choices=EdihCategory.choices)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    title_de = forms.CharField(label=_("Title in German"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    description_fr = forms.CharField(
        label=_("Description in French"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    description_de = forms.CharField(
        label=_("Description in German"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Offer.Delivery.choices, initial=Offer.Delivery.BOTH)
    languages = forms.CharField(
        label=_("Languages"),
        max_length=200,
        initial="en, fr, de",
        help_text=_("Language codes separated by commas, e.g. fr, de"),
    )
    countries = forms.CharField(
        label=_("Countries served"),
        max_length=300,
        initial="LU",
        help_text=_("Two-letter ISO codes separated by commas, e.g. LU, FR, DE"),
    )
    price_kind = forms.ChoiceField(label=_("Price"), choices=Offer.PriceKind.choices)
    price_min = forms.CharField(label=_("Lowest price (EUR)"), max_length=30, required=False)
    price_max = forms.CharField(label=_("Highest price (EUR)"), max_length=30, required=False)
    trl_min = forms.CharField(
        label=_("Lowest technology readiness level"), max_length=5, required=False, help_text=_("From 1 to 9")
    )
    trl_max = forms.CharField(
        label=_("Highest technology readiness level"), max_length=5, required=False, help_text=_("From 1 to 9")
    )
    lead_time_days = forms.CharField(
        label=_("Lead time (days)"), max_length=6, required=False, help_text=_("How soon it can start")
    )
    smes_only = forms.BooleanField(label=_("For SMEs only"), required=False)
    eligible_countries = forms.CharField(
        label=_("Open to organisations of"),
        max_length=300,
        required=False,
        help_text=_("Two-letter ISO codes separated by commas; empty for any country"),
    )
    references = forms.CharField(
        label=_("References and case studies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: a short text, a web address, or both"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technologies"].choices = technology_choices()  # type: ignore[attr-defined]
        self.fields["sectors"].choices = sector_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(offer: Offer) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(offer, name) for name in ("kind", "category", "delivery", "price_kind", "smes_only")
        }
        for code in ("en", "fr", "de"):
            initial[f"title_{code}"] = offer.title.get(code, "")
            initial[f"description_{code}"] = offer.description.get(code, "")
        for name in ("price_min", "price_max", "trl_min", "trl_max", "lead_time_days"):
            value = getattr(offer, name)
            initial[name] = "" if value is None else str(value)
        initial["languages"] = ", ".join(offer.languages)
        initial["countries"] = ", ".join(offer.countries)
        initial["eligible_countries"] = ", ".join(offer.eligible_countries)
        initial["technologies"] = [str(pk) for pk in offer.technologies.values_list("pk", flat=True)]
        initial["sectors"] = [str(pk) for pk in offer.sectors.values_list("pk", flat=True)]
        initial["references"] = _lines(offer.references)
        return initial

    def action_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["title"] = {code: data.pop(f"title_{code}") for code in ("en", "fr", "de")}
        data["description"] = {code: data.pop(f"description_{code}") for code in ("en", "fr", "de")}
        return data


PRICE_FILTERS = [
    ("", _("any price")),
    ("free", _("free of charge")),
    ("subsidised", _("subsidised")),
    ("free_or_subsidised", _("free or subsidised")),
]


class CatalogueFilterForm(forms.Form):
    """The public list's search and filters; a value that is not one of the choices is refused on its field."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind of offer"), required=False)
    technology = forms.ChoiceField(label=_("Technology"), required=False)
    category = forms.ChoiceField(label=_("EDIH category"), required=False)
    country = forms.ChoiceField(label=_("Country served"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    price = forms.ChoiceField(label=_("Price"), required=False, choices=PRICE_FILTERS)
    # Set by a provider's "own page" link (``?provider=<id>``); the page names the provider and offers to clear it.
    provider = forms.IntegerField(
        label=_("Provider"), required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("any kind")), *Offer.Kind.choices]  # type: ignore[attr-defined]
        self.fields["technology"].choices = [  # type: ignore[attr-defined]
            ("", _("any technology")),
            *by_name(technology_choices()),
        ]
        self.fields["category"].choices = [("", _("any category")), *EdihCategory.choices]  # type: ignore[attr-defined]
        self.fields["country"].choices = COUNTRY_CHOICES  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", _("any language")), *language_choices()]  # type: ignore[attr-defined]


class HubOfferFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("any status")), *Offer.Status.choices]  # type: ignore[attr-defined]


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("draft", _("Send back to draft")), ("archive", _("Archive"))],
    )
    note = forms.CharField(
        label=_("Note to the provider"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what to change when you send an offer back."),
    )
