"""The pilots pages' forms. They only shape what a person typed; ``pilots.actions`` checks it and names every bad
field, and the views put those errors on the fields (``accounts.forms.apply_errors``).

Several forms share the project page: each has its own ``auto_id`` so that the ids of their inputs never clash,
while the names stay those the actions read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import pick
from moselle.journeys.forms import technology_name_choices
from moselle.pilots.models import Facility, Milestone, Partner, Project
from moselle.reporting.models import AidBasis

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = forms.TextInput(attrs={"inputmode": "decimal"})
WHOLE = forms.TextInput(attrs={"inputmode": "numeric"})
WEEKDAY_CHOICES = [(str(number), WEEKDAYS[number]) for number in range(7)]
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]


def _choices(field: forms.Field, options: list[tuple[Any, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = options


class ProjectForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Company"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Project.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    technologies = forms.MultipleChoiceField(
        label=_("Technology area"), widget=forms.SelectMultiple(attrs={"size": 6}), required=False
    )
    need = forms.ChoiceField(label=_("The company's need"), required=False)
    action = forms.ChoiceField(label=_("Action of the company's roadmap"), required=False)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)
    objectives = forms.CharField(
        label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    starts_on = forms.CharField(label=_("Planned start"), widget=DATE, max_length=10, required=False)
    ends_on = forms.CharField(label=_("Planned end"), widget=DATE, max_length=10, required=False)
    aid_amount = forms.CharField(
        label=_("Aid of national or regional public nature (EUR)"),
        widget=MONEY,
        max_length=20,
        required=False,
        help_text=_("Granted when the proof of concept or pilot starts, checked against the de minimis headroom."),
    )
    aid_basis = forms.ChoiceField(label=_("State-aid basis"), choices=AidBasis.choices, initial=AidBasis.NONE)

    def __init__(
        self,
        *args: Any,
        companies: Sequence[Any],
        needs: Sequence[Any] = (),
        actions: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["organisation"], [("", "—"), *((o.pk, o.name) for o in companies)])
        _choices(self.fields["technologies"], technology_name_choices())
        _choices(self.fields["need"], [("", _("none")), *((n.pk, n.title) for n in needs)])
        _choices(self.fields["action"], [("", _("none")), *((a.pk, a.title) for a in actions)])

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class PartnerForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Partner"), coerce=int)
    role = forms.ChoiceField(label=_("Role"), choices=Partner.Role.choices)
    contribution = forms.CharField(label=_("What it brings"), max_length=300, required=False)
    budget = forms.CharField(label=_("Budget (EUR)"), widget=MONEY, max_length=20, required=False)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "partner_%s")
        super().__init__(*args, **kwargs)
        _choices(self.fields["organisation"], [("", "—"), *((o.pk, o.name) for o in organisations)])


class CriterionForm(forms.Form):
    text = forms.CharField(label=_("Success criterion"), max_length=300, required=False)
    target = forms.CharField(label=_("Target"), max_length=200, required=False, help_text=_("e.g. below 2 % defects"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "criterion_%s")
        super().__init__(*args, **kwargs)


class ResultForm(forms.Form):
    result = forms.CharField(label=_("Result"), max_length=500, required=False)
    met = forms.ChoiceField(
        label=_("Met"), choices=[("", "—"), ("yes", _("met")), ("no", _("not met"))], required=False
    )

    def __init__(self, *args: Any, criterion_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"result{criterion_id}_%s")
        super().__init__(*args, **kwargs)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Milestone.Kind.choices, required=False)
    title = forms.CharField(label=_("Milestone or deliverable"), max_length=200, required=False)
    due_on = forms.CharField(label=_("Due"), widget=DATE, max_length=10, required=False)
    owner = forms.TypedChoiceField(label=_("Owed by"), coerce=int)

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "milestone_%s")
        super().__init__(*args, **kwargs)
        _choices(self.fields["owner"], [(o.pk, o.name) for o in owners])


class GateForm(forms.Form):
    to_stage = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)
    reason = forms.CharField(label=_("Why the project passes the gate"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "gate_%s")
        super().__init__(*args, **kwargs)


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Why the project stops"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "stop_%s")
        super().__init__(*args, **kwargs)


class BookingForm(forms.Form):
    facility = forms.TypedChoiceField(label=_("Facility"), coerce=int)
    starts_on = forms.CharField(label=_("From"), widget=DATE, max_length=10, required=False)
    ends_on = forms.CharField(
        label=_("To"), widget=DATE, max_length=10, required=False, help_text=_("Empty for one period only")
    )
    units = forms.CharField(label=_("Units per period"), widget=WHOLE, max_length=9, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, facilities: list[Facility], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "book_%s")
        super().__init__(*args, **kwargs)
        _choices(
            self.fields["facility"],
            [
                ("", "—"),
                *(
                    (
                        f.pk,
                        f"{pick(f.offer.title)} ({f.offer.provider.name}; {f.get_unit_display()} "
                        f"{f.get_period_display()})",
                    )
                    for f in facilities
                ),
            ],
        )


class UsageForm(forms.Form):
    used = forms.CharField(label=_("Units used"), widget=WHOLE, max_length=9, required=False)

    def __init__(self, *args: Any, booking_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"usage{booking_id}_%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Project.Decision.choices, widget=forms.RadioSelect, required=False
    )
    decision_reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    lessons = forms.CharField(
        label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    next_steps = forms.CharField(
        label=_("What follows"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    next_action_title = forms.CharField(
        label=_("New action on the company's roadmap"),
        max_length=200,
        required=False,
        help_text=_("Added to the company's latest roadmap, due in three months"),
    )
    investment_amount = forms.CharField(
        label=_("Investment triggered (EUR)"), widget=MONEY, max_length=20, required=False
    )
    investment_kind = forms.ChoiceField(label=_("Type of investment"), required=False)
    application = forms.ChoiceField(label=_("Funding application that follows"), required=False)

    def __init__(self, *args: Any, applications: list[Any], **kwargs: Any) -> None:
        from moselle.funding.models import Investment

        kwargs.setdefault("auto_id", "decision_%s")
        super().__init__(*args, **kwargs)
        _choices(self.fields["investment_kind"], [("", "—"), *Investment.Kind.choices])
        _choices(
            self.fields["application"],
            [
                ("", _("none")),
                *((a.pk, f"{pick(a.programme.name)} ({a.get_status_display()})") for a in applications),
            ],
        )


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("Your remark"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "signoff_%s")
        super().__init__(*args, **kwargs)


class DocumentForm(forms.Form):
    # Not required here: the action names a missing file, with the other problems of the upload.
    file = forms.FileField(label=_("File"), required=False, help_text=_("PDF, PNG, JPEG, CSV, XLSX or DOCX"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)


class FacilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of facility"), choices=Facility.Kind.choices)
    unit = forms.ChoiceField(label=_("Unit of use"), choices=Facility.Unit.choices)
    capacity = forms.CharField(label=_("Capacity (units per period)"), widget=WHOLE, max_length=9, required=False)
    period = forms.ChoiceField(label=_("Capacity period"), choices=Facility.Period.choices)
    access_conditions = forms.CharField(
        label=_("Access conditions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=_("In the language of this page; the other languages' texts are kept"),
    )
    available_from = forms.CharField(label=_("Available from"), widget=DATE, max_length=10, required=False)
    available_until = forms.CharField(
        label=_("Available until"), widget=DATE, max_length=10, required=False, help_text=_("Empty when open-ended")
    )
    open_weekdays = forms.MultipleChoiceField(
        label=_("Open on"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("For a facility booked per day"),
    )
    price_per_unit = forms.CharField(label=_("Price per unit (EUR)"), widget=MONEY, max_length=20, required=False)

    def data_for_action(self, language: str, existing: dict[str, str]) -> dict[str, Any]:
        """What ``facility_save`` takes: the access conditions in this page's language merged into the others'."""
        data = dict(self.cleaned_data)
        text = data.pop("access_conditions").strip()
        conditions = {code: value for code, value in (existing or {}).items() if code != language}
        if text:
            conditions[language] = text
        data["access_conditions"] = conditions
        days = [int(day) for day in data["open_weekdays"]]
        # A facility booked per week or month is not closed on any weekday: no choice there means the default.
        data["open_weekdays"] = days if days or data.get("period") == Facility.Period.DAY else None
        return data


class CalendarForm(forms.Form):
    """The calendar's choice of view and day (a bad value falls back rather than being refused)."""

    view = forms.ChoiceField(label=_("View"), choices=[("month", _("month")), ("week", _("week"))])
    date = forms.CharField(label=_("Day"), widget=DATE, max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "calendar_%s")
        super().__init__(*args, **kwargs)
