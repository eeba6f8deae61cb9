"""Forms of the European network's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import pick
from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, Technology
from moselle.network.queries import HubFilters
from moselle.organisations.forms import COUNTRY_CHOICES
from moselle.organisations.models import Level, Organisation


class LabelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A catalogue label, shown in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return pick(obj.label, get_language()) or obj.name


class DirectoryFilterForm(forms.Form):
    need = forms.CharField(
        label=_("What is needed"),
        required=False,
        max_length=500,
        help_text=_("In your words, in English, French or German; the best hubs for it come first."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=COUNTRY_CHOICES)
    status = forms.ChoiceField(
        label=_("Catalogue status"),
        required=False,
        choices=[("", _("any status")), *Organisation.CatalogueKind.choices],
    )
    technology = LabelChoiceField(
        label=_("Technology"), required=False, queryset=Technology.objects.all(), empty_label=_("any technology")
    )
    service = LabelChoiceField(
        label=_("Service"), required=False, queryset=CatalogueService.objects.all(), empty_label=_("any service")
    )
    sector = LabelChoiceField(
        label=_("Sector"), required=False, queryset=CatalogueSector.objects.all(), empty_label=_("any sector")
    )
    min_level = forms.TypedChoiceField(
        label=_("Declared level at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("any level")), *Level.choices],
        help_text=_("Applies to the technology, service and sector chosen."),
    )

    def filters(self) -> HubFilters:
        data = self.cleaned_data if self.is_bound and not self.errors else {}
        return HubFilters(
            country=data.get("country") or "",
            status=data.get("status") or "",
            technology=data.get("technology"),
            service=data.get("service"),
            sector=data.get("sector"),
            min_level=data.get("min_level"),
        )


def _hub_choices(kept: list[int] | None = None) -> list[tuple[int, str]]:
    """Live hubs of the directory, and the partners a corridor already has (even after they left it)."""
    from django.db.models import Q

    from moselle.organisations.access import own_hub

    mine = own_hub()
    hubs = Organisation.objects.filter(
        Q(is_historical=False) | Q(pk__in=kept or []), kind_rows__kind=Organisation.Kind.HUB, merged_into__isnull=True
    ).distinct()
    if mine is not None:
        hubs = hubs.exclude(pk=mine.organisation_id)
    return [
        (pk, f"{name} ({country})")
        for pk, name, country in hubs.order_by("name", "id").values_list("pk", "name", "country")
    ]


class CorridorForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scope = forms.CharField(label=_("Scope"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    partners = forms.TypedMultipleChoiceField(
        label=_("Partner hubs"), coerce=int, help_text=_("Hold Ctrl (or Cmd) to choose several.")
    )
    started_on = forms.DateField(label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, kept: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].choices = _hub_choices(kept)  # type: ignore[attr-defined]


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("Document"))


class CollaborationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=200)
    happened_on = forms.DateField(label=_("Date of the collaboration"), widget=forms.DateInput(attrs={"type": "date"}))
    corridor = forms.TypedChoiceField(label=_("Corridor"), required=False, coerce=int, empty_value=None, choices=[])
    hubs = forms.TypedMultipleChoiceField(
        label=_("Hubs"),
        coerce=int,
        required=False,
        help_text=_("Leave empty under a corridor to name all its partners."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from moselle.network.models import Collaboration, Corridor

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Collaboration.Kind.choices  # type: ignore[attr-defined]
        self.fields["corridor"].choices = [  # type: ignore[attr-defined]
            ("", _("none")),
            *Corridor.objects.order_by("-started_on", "id").values_list("pk", "title"),
        ]
        self.fields["hubs"].choices = _hub_choices()  # type: ignore[attr-defined]
