from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moselle.organisations.models import EdihCategory


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class HubServiceForm(forms.Form):
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200, required=False)
    name_de = forms.CharField(label=_("Name in German"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("EDIH category"), choices=EdihCategory.choices)
    active = forms.BooleanField(label=_("Offered"), required=False)

    def translated_name(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"name_{code}"] for code in ("en", "fr", "de") if self.cleaned_data[f"name_{code}"]
        }
