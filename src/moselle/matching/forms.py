"""The "Find help" form. It shapes the need and shows the choices; the engine checks it
(``engine.clean_need``) and names each bad field, and the view puts those errors on the fields, so that a
bookmarked or typed address is judged by the same rules as the API's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from moselle.catalogue.forms import by_name, language_name, sector_choices
from moselle.matching import engine, registry, understanding
from moselle.organisations.countries import KNOWN_CODES
from moselle.organisations.forms import technology_choices

INTERFACE_LANGUAGES = ("en", "fr", "de")
SME_CHOICES = [("", _("not said")), ("yes", _("yes")), ("no", _("no"))]
# Kinds the engine shows to signed-in people only (``matching/access.py``: the hubs of Europe, as the hub
# directory shows them); an anonymous visitor is not offered them. Another app's source says so with
# ``signed_in_only = True`` (the funding programmes).
SIGNED_IN_KINDS = frozenset({"hub"})


def signed_in_kinds() -> frozenset[str]:
    return SIGNED_IN_KINDS | {s.kind for s in registry.sources() if getattr(s, "signed_in_only", False)}


class _AnyValue:
    """A choice field that takes any value: an unknown one is named by the engine, in its own words."""

    def valid_value(self, value: Any) -> bool:
        return True


class _Choice(_AnyValue, forms.ChoiceField):
    pass


class _Choices(_AnyValue, forms.MultipleChoiceField):
    pass


def country_choices() -> list[tuple[str, str]]:
    language = (get_language() or "en")[:2]
    named = by_name([(code, understanding.country_name(code, language)) for code in KNOWN_CODES])
    return [("", str(_("any country"))), *named]


def kind_choices(signed_in: bool = True) -> list[tuple[str, str]]:
    """One box per registered kind; the kinds for signed-in people only when the person is signed in."""
    return [
        (kind, capfirst(str(engine.kind_label(kind, plural=True))))
        for kind in registry.kinds()
        if signed_in or kind not in signed_in_kinds()
    ]


class FindForm(forms.Form):
    """A need: the text, and the facets that narrow or steer the search."""

    text = forms.CharField(
        label=_("What do you need?"),
        required=False,
        help_text=_("In your own words, in English, French or German, e.g. “protect our computers against phishing”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    technologies = _Choices(label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    sectors = _Choices(label=_("Sectors"), required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    country = _Choice(label=_("Your country"), required=False)
    language = _Choice(label=_("Language of the help"), required=False)
    budget = forms.CharField(
        label=_("Budget (euros)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("The most you can spend; empty for any price."),
    )
    kinds = _Choices(label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple)
    sme = _Choice(
        label=_("Is your company an SME?"),
        required=False,
        choices=SME_CHOICES,
        help_text=_("Some offers are for small and medium-sized enterprises only."),
    )

    def __init__(self, *args: Any, signed_in: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technologies"].choices = by_name(technology_choices())  # type: ignore[attr-defined]
        self.fields["sectors"].choices = sector_choices()  # type: ignore[attr-defined]
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("any language")),
            *by_name([(code, language_name(code)) for code in INTERFACE_LANGUAGES]),
        ]
        self.fields["kinds"].choices = kind_choices(signed_in)  # type: ignore[attr-defined]

    def need_data(self) -> dict[str, Any]:
        """The form's values as ``engine.clean_need`` takes them."""
        data = dict(self.cleaned_data)
        data["text"] = data.get("text") or ""
        return data
