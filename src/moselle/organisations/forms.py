"""Forms of the registry's pages. They only shape the input: the actions check it and name the field
and the reason, and the views put those errors on the fields (``accounts.forms.apply_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from moselle.core import privacy
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import NaceCode, NaceRevision, Technology
from moselle.organisations.countries import KNOWN_CODES
from moselle.organisations.imports import ORGANISATION_COLUMNS
from moselle.organisations.models import EdihCategory, FinancialYear, ImportRun, Organisation, Ownership

# The size classes the SME test gives (``sme.SIZE_CLASSES``), as a person reads them.
SIZE_CLASS_LABELS: dict[str, Promise] = {
    "micro": _("micro enterprise"),
    "small": _("small enterprise"),
    "medium": _("medium-sized enterprise"),
    "small_midcap": _("small mid-cap"),
    "large": _("large enterprise"),
    "unknown": _("unknown"),
}
COUNTRY_CHOICES = [("", _("any country")), *((code, code) for code in sorted(KNOWN_CODES))]
ENCODING_CHOICES = [
    ("auto", _("recognise it")),
    ("utf-8", "UTF-8"),
    ("windows-1252", "Windows-1252"),
    ("iso-8859-1", "ISO-8859-1"),
    ("utf-16", "UTF-16"),
]
DELIMITER_CHOICES = [
    ("auto", _("recognise it")),
    (",", _("comma (,)")),
    (";", _("semicolon (;)")),
    ("tab", _("tab")),
    ("|", _("vertical bar (|)")),
]


def size_class_label(value: str) -> str:
    return str(SIZE_CLASS_LABELS.get(value or "unknown", value))


def technology_choices() -> list[tuple[str, str]]:
    return [(str(t.pk), pick(t.label) or t.name) for t in Technology.objects.order_by("position", "id")]


def nace_section_choices() -> list[tuple[str, Any]]:
    sections = NaceCode.objects.filter(revision=NaceRevision.REV_2_1, level=1).order_by("position", "code")
    return [("", _("any sector")), *((s.code, f"{s.code}: {pick(s.title)}") for s in sections)]


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


class OrganisationFilterForm(forms.Form):
    """The list's search and filters; a value that is not one of the choices is refused on its field."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200, help_text=_("Name, VAT or register id"))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sector = forms.ChoiceField(label=_("Sector (NACE section)"), required=False)
    technology = forms.ChoiceField(label=_("Technology (on offer or of interest)"), required=False)
    size_class = forms.ChoiceField(label=_("Size class"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=COUNTRY_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("any kind")), *Organisation.Kind.choices]  # type: ignore[attr-defined]
        self.fields["sector"].choices = nace_section_choices()  # type: ignore[attr-defined]
        self.fields["technology"].choices = [  # type: ignore[attr-defined]
            ("", _("any technology")),
            *technology_choices(),
        ]
        self.fields["size_class"].choices = [  # type: ignore[attr-defined]
            ("", _("any size class")),
            *SIZE_CLASS_LABELS.items(),
        ]


class OrganisationForm(forms.Form):
    """The profile of an organisation, its kinds, sectors and technologies."""

    name = forms.CharField(label=_("Legal name"), max_length=200)
    trade_name = forms.CharField(label=_("Trade name"), max_length=200, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), required=False, choices=Organisation.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    country = forms.CharField(
        label=_("Country"), max_length=2, initial="LU", help_text=_("Two-letter ISO code, e.g. LU")
    )
    region = forms.CharField(label=_("Region (NUTS)"), max_length=5, required=False, help_text=_("e.g. LU00"))
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    locality = forms.CharField(label=_("Locality"), max_length=100, required=False)
    address = forms.CharField(label=_("Address as given"), max_length=300, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False)
    working_languages = forms.CharField(
        label=_("Working languages"), required=False, help_text=_("Language codes separated by commas, e.g. fr, de")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    register_id = forms.CharField(
        label=_("National register id"), max_length=40, required=False, help_text=_("e.g. the RCS number B123456")
    )
    vat = forms.CharField(label=_("VAT number"), max_length=20, required=False, help_text=_("e.g. LU12345613"))
    # Text, as the other fields: the action reads the date and names what is wrong with it.
    founded_on = forms.CharField(
        label=_("Founded on"),
        max_length=10,
        required=False,
        help_text=_("The date of incorporation, e.g. 2019-03-01"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pic = forms.CharField(
        label=_("PIC"), max_length=9, required=False, help_text=_("Participant Identification Code, 9 digits")
    )
    ec_customer_id = forms.CharField(label=_("Commission customer id"), max_length=40, required=False)
    ec_dma_id = forms.CharField(label=_("Commission DMA id"), max_length=40, required=False)
    nace_revision = forms.ChoiceField(label=_("NACE revision"), choices=NaceRevision.choices, initial="2.1")
    primary_nace = forms.CharField(
        label=_("Primary sector (NACE code)"), max_length=10, required=False, help_text=_("e.g. 25.62")
    )
    nace_codes = forms.CharField(
        label=_("Other NACE codes"),
        max_length=500,
        required=False,
        help_text=_("Codes separated by commas, e.g. 25.62, 28.99"),
    )
    technologies_offered = forms.MultipleChoiceField(
        label=_("Technologies on offer"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    technologies_of_interest = forms.MultipleChoiceField(
        label=_("Technologies of interest"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = technology_choices()
        self.fields["technologies_offered"].choices = choices  # type: ignore[attr-defined]
        self.fields["technologies_of_interest"].choices = choices  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        """The form's values for an organisation as it is."""
        from moselle.organisations.actions import PROFILE_FIELDS

        initial: dict[str, Any] = {name: getattr(organisation, name) for name in PROFILE_FIELDS}
        initial["working_languages"] = ", ".join(organisation.working_languages or [])
        initial["kinds"] = organisation.kinds
        codes = list(organisation.nace_codes.order_by("code"))
        primary = organisation.primary_nace
        initial["primary_nace"] = primary.code if primary else ""
        initial["nace_codes"] = ", ".join(c.code for c in codes)
        initial["nace_revision"] = (primary or (codes[0] if codes else None) or NaceCode(revision="2.1")).revision
        rows = list(organisation.technology_rows.all())
        initial["technologies_offered"] = [str(r.technology_id) for r in rows if r.role == "offer"]
        initial["technologies_of_interest"] = [str(r.technology_id) for r in rows if r.role == "interest"]
        return initial

    def action_data(self) -> dict[str, Any]:
        """What the organisation actions take: every field of the form."""
        data = dict(self.cleaned_data)
        data.pop("name", None)
        data.pop("country", None)
        return data


class FinancialYearForm(forms.Form):
    """One year of figures; numbers are text so that "1 234,5" is read as the actions read it."""

    year = forms.CharField(
        label=_("Financial year"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    staff = forms.CharField(
        label=_("Staff (annual work units)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    turnover = forms.CharField(
        label=_("Turnover (EUR)"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    balance_sheet = forms.CharField(
        label=_("Balance-sheet total (EUR)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=FinancialYear.FigureSource.choices, initial=FinancialYear.FigureSource.DECLARATION
    )
    estimated = forms.BooleanField(label=_("Estimated (a new company without approved accounts)"), required=False)


class OwnershipForm(forms.Form):
    """A holding in the organisation: who holds it, how much and as what kind of investor."""

    owner = forms.ModelChoiceField(label=_("Held by"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Held as"), choices=Ownership.HoldingKind.choices)
    percent = forms.CharField(
        label=_("Percentage"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    investor_type = forms.ChoiceField(label=_("Investor type"), choices=Ownership.InvestorType.choices, required=False)
    invested_eur = forms.CharField(
        label=_("Amount invested (EUR)"),
        max_length=30,
        required=False,
        help_text=_("For business angels: the exemption holds below EUR 1.25 m."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    dominant_influence = forms.BooleanField(
        label=_("A contract or clause gives the holder dominant influence"), required=False
    )

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = owners  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: f"{o.display_name} ({o.country})"  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = _("Choose a holder from the list.")


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False, help_text=_("e.g. managing director"))
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES, initial="en")
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=list(privacy.LEGAL_BASES.items()), initial="legitimate_interest"
    )


class DismissForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why they are different (optional)"), max_length=300, required=False)


class MergeForm(forms.Form):
    kept = forms.TypedChoiceField(label=_("Keep"), coerce=int, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("I have checked that these are the same organisation; merge them."),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )

    def __init__(self, *args: Any, pair: tuple[Organisation, Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kept"].choices = [  # type: ignore[attr-defined]
            (o.pk, f"{o.display_name} (#{o.pk})") for o in pair
        ]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"))
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    encoding = forms.ChoiceField(label=_("Encoding (CSV)"), choices=ENCODING_CHOICES, initial="auto")
    delimiter = forms.ChoiceField(label=_("Delimiter (CSV)"), choices=DELIMITER_CHOICES, initial="auto")

    def __init__(self, *args: Any, catalogues: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = ImportRun.Kind.ORGANISATIONS
        kinds = ImportRun.Kind.choices if catalogues else [(organisations.value, organisations.label)]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def options(self) -> dict[str, str]:
        return {"encoding": self.cleaned_data["encoding"], "delimiter": self.cleaned_data["delimiter"]}


class ColumnMappingForm(forms.Form):
    """One choice per column of the file: which registry field it fills, or none."""

    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        choices = [("", _("— not imported —")), *((k, str(v)) for k, v in ORGANISATION_COLUMNS.items())]
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=(mapping or {}).get(header, "")
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"column_{index}")
        }
