"""Forms of the referral pages. They shape the input and leave the checking to the actions, which name the
field; the views put those errors on the fields (``accounts.forms.apply_errors``). A field whose message
must come from the action (a reason to decline, a rating) is therefore not required here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from moselle.journeys.access import nameable_recipients
from moselle.journeys.actions.referrals import RECIPIENT_KINDS
from moselle.journeys.models import Referral
from moselle.organisations.models import Organisation

NOTE_ROWS = 3

# An action's error on a field the form keeps hidden is shown above the form.
MOVE_ERROR_ALIASES = {"status": "", "referral": ""}
CONSENT_ERROR_ALIASES = {"referral": "", "method": ""}

SHARE_HELP = _(
    "Only the parts you tick are shown to the organisation you are referred to, and only to it. Nothing is "
    "shown before you agree; you can change what you share or withdraw your consent at any time, and the "
    "organisation then no longer sees your file."
)


def recipients() -> QuerySet[Organisation]:
    """Who may receive a referral: live providers and partners of the hub."""
    return (
        Organisation.objects.filter(kind_rows__kind__in=RECIPIENT_KINDS, merged_into__isnull=True, is_historical=False)
        .distinct()
        .prefetch_related("kind_rows")
        .order_by("name", "id")
    )


def other_hubs() -> QuerySet[Organisation]:
    """The live hubs of the directory but this instance's own."""
    from moselle.organisations.access import own_hub

    mine = own_hub()
    hubs = Organisation.objects.filter(
        kind_rows__kind=Organisation.Kind.HUB, merged_into__isnull=True, is_historical=False
    ).distinct()
    hubs = hubs.exclude(pk=mine.organisation_id) if mine is not None else hubs
    return hubs.order_by("country", "name", "id")


def recipient_label(organisation: Organisation) -> str:
    kinds = ", ".join(organisation.kind_labels())
    return f"{organisation.display_name} ({kinds})" if kinds else organisation.display_name


def share_field(label: Any, *, initial: list[str] | None = None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=Referral.Share.choices,
        required=False,
        initial=initial or [],
        widget=forms.CheckboxSelectMultiple,
        help_text=SHARE_HELP,
    )


class ReferralProposeForm(forms.Form):
    """Whom to refer the company to, and what is asked. A member of the company also answers the consent
    question on the same form; hub staff record the company's consent on the referral's page."""

    recipient = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("A provider or a partner of the hub."),
    )
    note = forms.CharField(
        label=_("What is asked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": NOTE_ROWS}),
        help_text=_("What the company needs from this organisation; the recipient reads it."),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        organisation: Organisation,
        fixed_recipient: Organisation | None = None,
        ask_consent: bool = False,
        abroad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        if fixed_recipient is not None:
            # The provider of the offer: shown, not chosen.
            field.queryset = Organisation.objects.filter(pk=fixed_recipient.pk)
            field.initial = fixed_recipient.pk
            field.disabled = True
            field.choices = [(fixed_recipient.pk, fixed_recipient.display_name)]
        else:
            # The list offers providers and partners; what is accepted is wider, so that the action says
            # why another organisation cannot receive a referral. A member of the company may name only
            # organisations it could see anyway: the message never reveals another's name.
            field.queryset = nameable_recipients(user)
            choices = [(o.pk, recipient_label(o)) for o in recipients().exclude(pk=organisation.pk)]
            if abroad:  # the other hubs of the directory, by country, instead of the hub's providers
                choices = [(o.pk, f"{o.display_name} ({o.country})") for o in other_hubs()]
                field.label, field.help_text = _("Refer to the hub"), _("Another hub of the directory.")
            # A hub abroad is preselected from its directory page; the list stays the hub's own providers'.
            hub_id = (self.initial or {}).get("recipient")
            hub = (
                Organisation.objects.filter(pk=hub_id, kind_rows__kind=Organisation.Kind.HUB).first()
                if isinstance(hub_id, int)
                else None
            )
            if hub is not None and hub.pk not in {pk for pk, _label in choices}:
                choices.insert(0, (hub.pk, recipient_label(hub)))
            field.choices = [("", _("Choose a provider or partner")), *choices]
        if ask_consent:
            self.fields["shared"] = share_field(_("Share these parts of your organisation's file with it"))


class ConsentForm(forms.Form):
    """The company's consent to share parts of its file with the recipient, or its withdrawal.
    Hub staff record a consent given on a signed paper form, naming the person who signed."""

    shared = share_field(_("Parts of the file to share"))
    # "0" withdraws the consent; anything else gives it.
    given = forms.ChoiceField(
        choices=[("1", _("give")), ("0", _("withdraw"))], required=False, initial="1", widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, on_paper: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if on_paper:
            self.fields["email"] = forms.CharField(
                label=_("E-mail of the person who signed the form"),
                max_length=254,
                required=False,
                widget=forms.EmailInput,
            )
            self.order_fields(["email", "shared", "given"])
            self.fields["shared"].help_text = _("The parts of the file the signed form allows the hub to share.")


# How each move is asked for on the page: the button, and what the note is called.
MOVE_LABELS: dict[str, tuple[Any, Any, bool]] = {
    Referral.Status.ACCEPTED: (_("Accept the referral"), _("Note to the company and the hub (optional)"), False),
    Referral.Status.DECLINED: (_("Decline the referral"), _("Why you decline"), True),
    Referral.Status.IN_PROGRESS: (_("Start the work"), _("Note (optional)"), False),
    Referral.Status.DONE: (_("Mark as done"), _("Outcome: what was delivered"), True),
    Referral.Status.WITHDRAWN: (_("Withdraw the referral"), _("Why (optional)"), False),
}


class MoveForm(forms.Form):
    """One step of a referral: the status it moves to (fixed by the button) and the note that goes with it."""

    status = forms.CharField(max_length=20, widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": NOTE_ROWS}))

    def __init__(self, *args: Any, status: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{status}_%s")
        kwargs.setdefault("initial", {"status": status})
        super().__init__(*args, **kwargs)
        self.step = status
        button, note_label, required = MOVE_LABELS.get(status, (status, _("Note"), False))
        self.button = button
        self.fields["note"].label = note_label
        if required:
            self.fields["note"].widget.attrs["required"] = True


SATISFACTION_CHOICES = [
    ("1", _("1 - not at all satisfied")),
    ("2", _("2 - not very satisfied")),
    ("3", _("3 - satisfied")),
    ("4", _("4 - very satisfied")),
    ("5", _("5 - delighted")),
]


class RateForm(forms.Form):
    satisfaction = forms.CharField(
        label=_("How satisfied are you with what was delivered?"),
        required=False,
        widget=forms.RadioSelect(choices=SATISFACTION_CHOICES),
    )


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any status")), *Referral.Status.choices]
    )
