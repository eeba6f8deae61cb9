"""Forms of the reporting pages. They shape the input; the actions check it and name the field, and the views
put those errors on the fields (``accounts.forms.apply_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import pick
from moselle.journeys.forms import technology_name_choices
from moselle.organisations.access import own_hub
from moselle.organisations.models import EdihCategory, HubService, Organisation
from moselle.reporting.models import AidBasis, Regulation, ServiceRecord

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = forms.TextInput(attrs={"inputmode": "decimal"})
EDITABLE_STATUSES = [(s.value, s.label) for s in ServiceRecord.Status if s.value in ServiceRecord.COUNTED]


def hub_service_choices() -> list[tuple[str, str]]:
    hub = own_hub()
    services = HubService.objects.filter(hub=hub, active=True) if hub else HubService.objects.none()
    return [("", "—"), *((s.code, pick(s.name) or s.code) for s in services)]


class ServiceRecordForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, empty_value=None, required=False)
    hub_service = forms.ChoiceField(label=_("The hub's service"), required=False)
    category = forms.ChoiceField(
        label=_("EDIH category"),
        choices=[("", _("from the hub's service")), *EdihCategory.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("Short description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    technologies = forms.MultipleChoiceField(
        label=_("Technologies used"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    partner = forms.TypedChoiceField(label=_("Delivered by"), coerce=int, empty_value=None, required=False)
    started_on = forms.CharField(label=_("Start date"), required=False, widget=DATE)
    ended_on = forms.CharField(label=_("End date"), required=False, widget=DATE, help_text=_("Empty while ongoing"))
    attendees = forms.CharField(label=_("Attendees"), required=False, initial="1", max_length=7)
    price = forms.CharField(label=_("Service price (EUR)"), required=False, widget=MONEY, max_length=20)
    invoiced = forms.CharField(label=_("Invoiced to the customer (EUR)"), required=False, widget=MONEY, max_length=20)
    aid = forms.CharField(
        label=_("Aid of national or regional public nature (EUR)"),
        required=False,
        widget=MONEY,
        max_length=20,
        help_text=_("Only the national or regional public share; the Digital Europe share is not state aid."),
    )
    aid_basis = forms.ChoiceField(label=_("State-aid basis"), choices=AidBasis.choices, initial=AidBasis.NONE)
    aid_info = forms.CharField(label=_("State-aid details"), required=False, max_length=200)
    grant = forms.CharField(
        label=_("Grant"),
        required=False,
        max_length=20,
        help_text=_("The notice number of the de minimis grant recorded when the hub committed, e.g. DM-2026-0001."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=EDITABLE_STATUSES, initial=ServiceRecord.Status.ONGOING)
    satisfaction = forms.ChoiceField(
        label=_("Customer satisfaction"),
        required=False,
        choices=[("", "—"), *((str(n), str(n)) for n in range(1, 6))],
    )

    def __init__(self, *args: Any, customers: list[Organisation], partners: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *((o.pk, o.name) for o in customers)]  # type: ignore[attr-defined]
        self.fields["partner"].choices = [("", _("the hub itself")), *((o.pk, o.name) for o in partners)]  # type: ignore[attr-defined]
        self.fields["hub_service"].choices = hub_service_choices()  # type: ignore[attr-defined]
        self.fields["technologies"].choices = technology_name_choices()  # type: ignore[attr-defined]


class ConfirmForm(ServiceRecordForm):
    """Completing a proposed record: the same fields, the customer fixed by the proposal."""


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is rejected"), max_length=300, required=False)


class GrantForm(forms.Form):
    amount = forms.CharField(label=_("Aid (EUR)"), widget=MONEY, max_length=20, required=False)
    granted_on = forms.CharField(
        label=_("Granted on"),
        widget=DATE,
        required=False,
        help_text=_("The day the hub committed to the service (e.g. the referral accepted), not its delivery."),
    )
    description = forms.CharField(label=_("Aided service"), max_length=300, required=False)
    basis = forms.ChoiceField(
        label=_("State-aid basis"),
        choices=[(AidBasis.DE_MINIMIS, AidBasis.DE_MINIMIS.label), (AidBasis.GBER, AidBasis.GBER.label)],
    )
    gber_article = forms.CharField(label=_("GBER article"), max_length=10, required=False, initial="28")
    referral = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "grant_%s")  # beside the declaration form on the ledger page
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why the grant is cancelled"), max_length=300, required=False)


class DeclarationForm(forms.Form):
    amount = forms.CharField(label=_("Aid (EUR)"), widget=MONEY, max_length=20, required=False)
    granted_on = forms.CharField(label=_("Granted on"), widget=DATE, required=False)
    granting_body = forms.CharField(label=_("Granting body"), max_length=200, required=False)
    regulation = forms.ChoiceField(label=_("Regulation"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "declare_%s")  # beside the grant form on the ledger page
        super().__init__(*args, **kwargs)
        regulations = Regulation.objects.order_by("-general", "-in_force_from")
        self.fields["regulation"].choices = [(r.code, f"{r.code} · {r.title}") for r in regulations]  # type: ignore[attr-defined]
