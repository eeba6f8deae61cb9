"""Forms of the request for help, the cases, the board, the timeline and the tasks. They carry what the
person typed; the actions check it and the views put their refusals on these fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from moselle.accounts.models import HUB_ROLES, Membership, User
from moselle.core.models_taxonomy import NaceRevision, Technology
from moselle.journeys.models import Activity, Case, IntakeRequest, Stage
from moselle.organisations.countries import KNOWN_CODES
from moselle.organisations.forms import SIZE_CLASS_LABELS
from moselle.organisations.models import EdihCategory, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def hub_staff() -> QuerySet[User]:
    """The people an advisor may hand a case or a task to: the hub's active staff."""
    from moselle.accounts.access import hub_organisation_id

    hub_id = hub_organisation_id()
    if hub_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=hub_id,
            memberships__role__in=HUB_ROLES,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def companies() -> QuerySet[Organisation]:
    """Organisations a case can be opened for: live, and not one of the catalogue's hubs."""
    return (
        Organisation.objects.filter(merged_into__isnull=True, is_historical=False)
        .exclude(source=Organisation.Source.EDIH_CATALOGUE)
        .order_by("name", "id")
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class LooseChoices(forms.Field):
    """A select or tick boxes whose value the action checks: a bad value gets the action's one message
    naming the field, not a second one from the form."""

    def __init__(self, *, choices: Any = (), multiple: bool = False, **kwargs: Any) -> None:
        widget = forms.CheckboxSelectMultiple(choices=choices) if multiple else forms.Select(choices=choices)
        super().__init__(widget=widget, required=False, **kwargs)


def country_choices() -> list[tuple[str, str]]:
    """The countries of Europe by their name in the reader's language."""
    from django.utils.translation import get_language

    from moselle.matching.understanding import country_name

    language = (get_language() or "en")[:2]
    named = [(code, country_name(code, language)) for code in KNOWN_CODES]
    return [("", "—"), *sorted(named, key=lambda pair: pair[1].casefold())]


class RequestHelpForm(forms.Form):
    """What a person asks the hub; every check is the action's (``intake_submit``), one message per field."""

    name = forms.CharField(label=_("Your name"), required=False)
    email = forms.CharField(label=_("Your e-mail"), required=False, widget=forms.EmailInput)
    phone = forms.CharField(label=_("Phone (optional)"), required=False)
    role = forms.CharField(label=_("Your role in the organisation (optional)"), required=False)
    organisation_name = forms.CharField(label=_("Organisation"), required=False)
    country = LooseChoices(label=_("Country"), initial="LU")
    message = forms.CharField(
        label=_("What do you need?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your own words, in English, French or German."),
    )
    categories = LooseChoices(
        label=_("Which of the hub's services interest you? (optional)"), choices=EdihCategory.choices, multiple=True
    )
    heard_from = LooseChoices(
        label=_("How did you hear of the hub? (optional)"), choices=[("", "—"), *IntakeRequest.HeardFrom.choices]
    )
    privacy_notice = forms.BooleanField(
        label=_("I have read how the hub uses what I send: to answer this request and follow it up."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = country_choices()


class CaseCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("What it is about"), max_length=200, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Services asked for"), choices=EdihCategory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    owner = StaffChoiceField(
        label=_("Advisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("none yet: put it in the triage queue"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = companies()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = hub_staff()  # type: ignore[attr-defined]


class TriageForm(forms.Form):
    """Triage: the advisor and the organisation of the registry. The choices are read once for a whole
    queue (``choices``), so that the queue's queries do not grow with its length."""

    owner = forms.TypedChoiceField(label=_("Advisor"), coerce=int, required=False)
    organisation = forms.TypedChoiceField(label=_("Organisation in the registry"), coerce=int, required=False)
    register = forms.BooleanField(label=_("Register the organisation from the request"), required=False)

    def __init__(self, *args: Any, choices: TriageChoices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = choices or triage_choices()
        self.fields["owner"].choices = [("", "—"), *chosen.owners]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [("", _("none chosen")), *chosen.organisations]  # type: ignore[attr-defined]

    def clean_owner(self) -> User | None:
        value = self.cleaned_data.get("owner")
        return hub_staff().filter(pk=value).first() if value else None

    def clean_organisation(self) -> Organisation | None:
        value = self.cleaned_data.get("organisation")
        return companies().filter(pk=value).first() if value else None


@dataclass(frozen=True)
class TriageChoices:
    owners: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    by_name: dict[tuple[str, str], int]  # (name folded, country) -> the organisation of that name

    def organisation_named(self, name: str, country: str) -> int | None:
        """The registry's organisation a request names exactly, to propose it at triage."""
        return self.by_name.get((name.strip().casefold(), country))


def triage_choices() -> TriageChoices:
    organisations = list(companies().only("pk", "name", "country"))
    return TriageChoices(
        owners=[(user.pk, user.display_name) for user in hub_staff()],
        organisations=[(o.pk, f"{o.name} ({o.country})") for o in organisations],
        by_name={(o.name.casefold(), o.country): o.pk for o in reversed(organisations)},
    )


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason (needed to move back)"), max_length=500, required=False, widget=forms.TextInput()
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is it closed?"), choices=[("", "—"), *Case.CloseReason.choices])
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class NextStepForm(forms.Form):
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_step_due = forms.DateField(label=_("Due"), required=False, widget=DATE)
    owner = StaffChoiceField(label=_("Advisor"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = hub_staff()  # type: ignore[attr-defined]


class BoardFilterForm(forms.Form):
    owner = StaffChoiceField(label=_("Advisor"), queryset=User.objects.none(), required=False, empty_label=_("all"))
    sector = forms.ChoiceField(label=_("Sector (NACE section)"), choices=(), required=False)
    size = forms.ChoiceField(label=_("Size"), choices=[("", _("any size")), *SIZE_CLASS_LABELS.items()], required=False)
    technology = forms.ModelChoiceField(
        label=_("Technology"), queryset=Technology.objects.none(), required=False, empty_label=_("any technology")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = hub_staff()  # type: ignore[attr-defined]
        self.fields["technology"].queryset = Technology.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["sector"].choices = [("", _("any sector")), *nace_sections()]  # type: ignore[attr-defined]


def nace_sections() -> list[tuple[str, str]]:
    """The NACE sections, by letter, with their titles in the reader's language."""
    from moselle.core.models_taxonomy import NaceCode

    sections = NaceCode.objects.filter(level=1, revision=NaceRevision.REV_2).order_by("code")
    return [(section.code, str(section)) for section in sections]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[
            (Activity.Kind.MEETING, Activity.Kind.MEETING.label),
            (Activity.Kind.CALL, Activity.Kind.CALL.label),
            (Activity.Kind.EMAIL, Activity.Kind.EMAIL.label),
            (Activity.Kind.NOTE, Activity.Kind.NOTE.label),
        ],
    )
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    at = forms.DateField(label=_("When (optional, today by default)"), required=False, widget=DATE)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    assignee = StaffChoiceField(label=_("For"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = hub_staff()  # type: ignore[attr-defined]
