"""Forms of the accounts pages. Each refuses bad input with the field and the reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moselle.accounts import actions
from moselle.accounts.models import ApiToken, Consent, Role, User
from moselle.organisations.models import Organisation

SELF_SERVICE_CHOICES = [(role.value, role.label) for role in actions.SELF_SERVICE_ROLES]


class OrganisationChoiceMixin(forms.Form):
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("If your organisation is already registered, its admin or the hub approves your request."),
    )
    country = forms.CharField(label=_("Country code"), max_length=2, initial="LU")
    role = forms.ChoiceField(label=_("You are"), choices=SELF_SERVICE_CHOICES)

    def clean_organisation_name(self) -> str:
        from moselle.organisations.actions import clean_organisation_name

        try:
            return clean_organisation_name(str(self.cleaned_data["organisation_name"]))
        except ValidationError as error:
            raise ValidationError(error.message_dict["organisation_name"]) from None

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationError(_("Use the two-letter ISO country code, e.g. LU."))
        return country

    def join_or_register(self, user: User) -> None:
        actions.organisation_join_or_register(
            actor=user,
            name=self.cleaned_data["organisation_name"],
            country=self.cleaned_data["country"],
            role=self.cleaned_data["role"],
        )


class SignupForm(OrganisationChoiceMixin):
    """allauth's sign-up, extended with the person's name, language and organisation."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    field_order = ["email", "full_name", "language", "password1", "password2", "organisation_name", "country", "role"]

    def signup(self, request: HttpRequest, user: User) -> None:
        """Keep the organisation asked for until the address is verified (see ``signup_complete``)."""
        with transaction.atomic():
            actions.user_update_profile(
                actor=user, user=user, full_name=self.cleaned_data["full_name"], language=self.cleaned_data["language"]
            )
            actions.signup_request_record(
                actor=user,
                user=user,
                organisation_name=self.cleaned_data["organisation_name"],
                country=self.cleaned_data["country"],
                role=self.cleaned_data["role"],
            )


class JoinForm(OrganisationChoiceMixin):
    """A logged-in user asks to join another organisation or registers a new one."""


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, organisation_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from moselle.accounts.access import hub_organisation_id

        if organisation_id is not None and organisation_id == hub_organisation_id():
            allowed = [Role.HUB_ADMIN, Role.HUB_ADVISOR, Role.OBSERVER]
        else:
            allowed = [Role.COMPANY_MEMBER, Role.PROVIDER_MEMBER, Role.PARTNER_MEMBER, Role.OBSERVER]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in allowed]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given = forms.TypedChoiceField(
        label=_("Your choice"),
        choices=[("1", _("I agree")), ("0", _("I do not agree"))],
        coerce=lambda value: value == "1",
    )


class PersonLookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person"), max_length=254)


class ErasureForm(forms.Form):
    """Erasure cannot be undone: the address is typed a second time."""

    email = forms.EmailField(max_length=254, widget=forms.HiddenInput)
    confirm_email = forms.EmailField(label=_("Type the e-mail address again to confirm"), max_length=254)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        email, confirm = cleaned.get("email"), cleaned.get("confirm_email")
        if email and confirm and str(email).lower() != str(confirm).lower():
            self.add_error("confirm_email", _("The two addresses differ."))
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=ApiToken.ROLE_CHOICES)
    user_email = forms.EmailField(
        label=_("E-mail of the user the token acts for"),
        max_length=254,
        required=False,
        help_text=_("For every role but federation peer."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Peer hub"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("For a federation peer: the hub whose machine uses the token."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("role") == ApiToken.PEER:
            if not cleaned.get("organisation"):
                self.add_error("organisation", _("Name the hub this federation peer is."))
            return cleaned
        email = cleaned.get("user_email")
        if not email:
            if "user_email" not in self.errors:
                self.add_error("user_email", _("Give the e-mail of the user the token acts for."))
            return cleaned
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            self.add_error("user_email", _("No active user has this e-mail address."))
        cleaned["user"] = user
        return cleaned


def apply_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put an action's ``ValidationError`` on the form fields it names (``aliases`` maps an action's
    field to the form field that carries it)."""
    detail: dict[str, list[str]] = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for field, messages in detail.items():
        field = (aliases or {}).get(field, field)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
