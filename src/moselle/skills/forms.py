"""The skills pages' forms. They only shape what a person typed; ``skills.actions`` checks it and names every
bad field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moselle.skills.models import Course, Level, Role

LEVELS = [(str(number), label) for number, label in Level.choices]
COURSE_LEVELS = LEVELS[1:]
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
PERSON = re.compile(r"^\s*(?P<name>[^<>;,]+?)\s*[<(,;]\s*(?P<email>[^<>()\s,;]+)\s*[>)]?\s*$")
DAY = re.compile(
    r"^\s*(?P<day>\d{4}-\d{2}-\d{2})\s+(?P<starts>\d{1,2}:\d{2})\s*[-\u2013]\s*(?P<ends>\d{1,2}:\d{2})\s*$"
)


class CourseForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=COURSE_LEVELS)
    duration_hours = forms.CharField(label=_("Duration (hours)"), max_length=10)
    format = forms.ChoiceField(label=_("Format"), choices=Course.Format.choices)
    language = forms.ChoiceField(label=_("Language of teaching"), choices=LANGUAGES)
    price_per_participant = forms.CharField(label=_("Price per participant (EUR)"), max_length=20, required=False)
    aid_per_participant = forms.CharField(
        label=_("Aid per participant (EUR)"),
        max_length=20,
        required=False,
        help_text=_("The part of the price paid by national or regional public aid, granted as de minimis aid"),
    )
    aid_scheme = forms.CharField(
        label=_("Aid scheme"), max_length=200, required=False, help_text=_("e.g. eligible for national training aid")
    )
    skills = forms.CharField(
        label=_("Skills taught"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the ESCO label (e.g. cyber security) or the ESCO URI"),
        max_length=6000,
    )
    prerequisites = forms.CharField(label=_("Prerequisites"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    has_assessment = forms.BooleanField(label=_("Ends with an assessment"), required=False)

    def data_for_action(self, language: str) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["skills"] = [line for line in data["skills"].splitlines() if line.strip()]
        text = data.pop("prerequisites").strip()
        data["prerequisites"] = {language: text} if text else {}
        return data


class SessionForm(forms.Form):
    days = forms.CharField(
        label=_("Days"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One day per line: date, start and end, e.g. 2027-03-15 09:00-17:00"),
        max_length=3000,
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100000, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def clean_days(self) -> list[dict[str, str]]:
        found = []
        for number, line in enumerate(self.cleaned_data["days"].splitlines(), 1):
            if not line.strip():
                continue
            match = DAY.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Line %(n)d: write the date, start and end, e.g. 2027-03-15 09:00-17:00.") % {"n": number}
                )
            found.append(match.groupdict())
        if not found:
            raise forms.ValidationError(_("Give at least one day."))
        return found

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["sessions"] = data.pop("days")
        return data


class EnrolForm(forms.Form):
    organisation = forms.IntegerField(label=_("Organisation (registry number)"), min_value=1, widget=forms.HiddenInput)
    people = forms.CharField(
        label=_("People to enrol"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name and e-mail address, e.g. Anna Weber <anna@example.lu>"),
        max_length=10000,
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["organisation"] = forms.TypedChoiceField(label=_("Organisation"), choices=choices, coerce=int)

    def clean_people(self) -> list[dict[str, str]]:
        people = []
        for number, line in enumerate(self.cleaned_data["people"].splitlines(), 1):
            if not line.strip():
                continue
            match = PERSON.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Line %(n)d: write the name and the e-mail address, e.g. Anna Weber <anna@example.lu>.")
                    % {"n": number}
                )
            people.append({"name": match["name"].strip(), "email": match["email"].strip()})
        if not people:
            raise forms.ValidationError(_("Name at least one person to enrol, with an e-mail address."))
        return people


class CompletionForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Assessment"),
        choices=[("", _("no assessment")), ("yes", _("passed")), ("no", _("not passed"))],
        required=False,
    )


class RowForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    skill = forms.CharField(
        label=_("Skill"), max_length=300, help_text=_("The ESCO label (e.g. data analytics) or the ESCO URI")
    )
    current = forms.ChoiceField(label=_("Current level"), choices=LEVELS)
    needed = forms.ChoiceField(label=_("Needed level"), choices=LEVELS)


class LevelsForm(forms.Form):
    current = forms.ChoiceField(label=_("Current level"), choices=LEVELS)
    needed = forms.ChoiceField(label=_("Needed level"), choices=LEVELS)
