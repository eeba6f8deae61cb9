"""Forms of the accounts pages. Each refuses bad input with the field and the reason."""

from __future__ import annotations

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

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationError(_("Use the two-letter ISO country code, e.g. LU."))
        return country

    def join_or_register(self, user: User) -> None:
        name = " ".join(str(self.cleaned_data["organisation_name"]).split())
        existing = Organisation.objects.filter(name__iexact=name).first()
        if existing:
            actions.membership_request(actor=user, organisation=existing, role=self.cleaned_data["role"])
        else:
            actions.organisation_register(
                actor=user, name=name, country=self.cleaned_data["country"], role=self.cleaned_data["role"]
            )


class SignupForm(OrganisationChoiceMixin):
    """allauth's sign-up, extended with the person's name, language and organisation."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    field_order = ["email", "full_name", "language", "password1", "password2", "organisation_name", "country", "role"]

    def signup(self, request: HttpRequest, user: User) -> None:
        with transaction.atomic():
            actions.user_update_profile(
                actor=user, user=user, full_name=self.cleaned_data["full_name"], language=self.cleaned_data["language"]
            )
            self.join_or_register(user)


class JoinForm(OrganisationChoiceMixin):
    """A logged-in user asks to join another organisation or registers a new one."""


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given = forms.TypedChoiceField(
        label=_("Your choice"),
        choices=[("1", _("I agree")), ("0", _("I do not agree"))],
        coerce=lambda value: value == "1",
    )


class PersonLookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person"))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    user_email = forms.EmailField(label=_("E-mail of the user the token acts for"))
    role = forms.ChoiceField(label=_("Role"), choices=ApiToken.ROLE_CHOICES)

    def clean_user_email(self) -> User:
        email = self.cleaned_data["user_email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user has this e-mail address."))
        return user


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's ``ValidationError`` on the form fields it names."""
    detail: dict[str, list[str]] = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for field, messages in detail.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
