"""The staff's event form: flat fields the page renders (texts per language, a few session and question
rows); ``event_data`` turns them into what ``actions.event_create`` and ``event_update`` read, and the
actions check every field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import LANGUAGE_CODES
from moselle.events.models import Event, Series

SESSION_ROWS = 6
QUESTION_ROWS = 3
# Where an action's error on a whole list lands on this form.
ERROR_FIELDS = {
    "title": "title_en",
    "description": "description_en",
    "sessions": "session_0_day",
    "questions": "question_0_en",
    "survey_questions": "survey_question_0_en",
}
LANGUAGE_NAMES = {"en": _("English"), "fr": _("French"), "de": _("German")}


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    series = forms.ChoiceField(label=_("Series"), required=False)
    time_zone = forms.CharField(label=_("Time zone"), initial="Europe/Luxembourg", max_length=64)
    venue = forms.CharField(label=_("Venue"), required=False, max_length=300)
    online_link = forms.CharField(label=_("Online link"), required=False, max_length=500)
    capacity = forms.CharField(label=_("Seats"), required=False, help_text=_("Empty: no limit"))
    registration_closes_at = forms.CharField(
        label=_("Registration closes at"), required=False, help_text=_("YYYY-MM-DD HH:MM; empty: at the start")
    )
    needs_approval = forms.BooleanField(label=_("Registrations need the hub's approval"), required=False)
    offer_hours = forms.CharField(label=_("Hours to take up a freed seat"), initial="48")
    reminder_days = forms.CharField(label=_("Reminders (days before)"), required=False, initial="7 1")
    sends_survey = forms.BooleanField(
        label=_("Send a survey after the event"),
        required=False,
        initial=True,
        help_text=_("Those who attended get one e-mail asking how satisfied they were, and your questions"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series = self.fields["series"]
        assert isinstance(series, forms.ChoiceField)
        series.choices = [("", _("none")), *((s.pk, str(s)) for s in Series.objects.all())]
        for code in LANGUAGE_CODES:
            name = LANGUAGE_NAMES[code]
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name}, required=False, max_length=200
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for i in range(SESSION_ROWS):
            number = {"number": i + 1}
            self.fields[f"session_{i}_day"] = forms.CharField(
                label=_("Session %(number)d: date (YYYY-MM-DD)") % number, required=False
            )
            self.fields[f"session_{i}_starts"] = forms.CharField(label=_("starts (HH:MM)"), required=False)
            self.fields[f"session_{i}_ends"] = forms.CharField(label=_("ends (HH:MM)"), required=False)
        for i in range(QUESTION_ROWS):
            for code in LANGUAGE_CODES:
                self.fields[f"question_{i}_{code}"] = forms.CharField(
                    label=_("Extra question %(number)d (%(language)s)")
                    % {"number": i + 1, "language": LANGUAGE_NAMES[code]},
                    required=False,
                    max_length=200,
                )
            self.fields[f"question_{i}_required"] = forms.BooleanField(label=_("required"), required=False)
        for i in range(QUESTION_ROWS):
            for code in LANGUAGE_CODES:
                self.fields[f"survey_question_{i}_{code}"] = forms.CharField(
                    label=_("Survey question %(number)d (%(language)s)")
                    % {"number": i + 1, "language": LANGUAGE_NAMES[code]},
                    required=False,
                    max_length=200,
                )


def _value(form: EventForm, name: str) -> str:
    return str(form.data.get(name, "")).strip()


def _texts(form: EventForm, prefix: str) -> dict[str, str]:
    """A text in the languages given: ``title_en``, ``title_fr``… as ``{"en": …, "fr": …}``."""
    return {code: _value(form, f"{prefix}_{code}") for code in LANGUAGE_CODES if _value(form, f"{prefix}_{code}")}


def event_data(form: EventForm) -> dict[str, Any]:
    """The form's content as the actions read it."""
    sessions = [
        {
            "day": _value(form, f"session_{i}_day"),
            "starts": _value(form, f"session_{i}_starts"),
            "ends": _value(form, f"session_{i}_ends"),
        }
        for i in range(SESSION_ROWS)
        if any(_value(form, f"session_{i}_{part}") for part in ("day", "starts", "ends"))
    ]
    questions = [
        {"label": _texts(form, f"question_{i}"), "required": form.data.get(f"question_{i}_required") == "on"}
        for i in range(QUESTION_ROWS)
        if _texts(form, f"question_{i}")
    ]
    survey_questions = [
        _texts(form, f"survey_question_{i}") for i in range(QUESTION_ROWS) if _texts(form, f"survey_question_{i}")
    ]
    texts = {field: _texts(form, field) for field in ("title", "description")}
    return {
        "kind": _value(form, "kind"),
        "series": _value(form, "series"),
        "time_zone": _value(form, "time_zone"),
        "venue": _value(form, "venue"),
        "online_link": _value(form, "online_link"),
        "capacity": _value(form, "capacity"),
        "registration_closes_at": _value(form, "registration_closes_at"),
        "needs_approval": form.data.get("needs_approval") == "on",
        "offer_hours": _value(form, "offer_hours"),
        "reminder_days": _value(form, "reminder_days"),
        "sessions": sessions,
        "questions": questions,
        "sends_survey": form.data.get("sends_survey") == "on",
        "survey_questions": survey_questions,
        **texts,
    }


def initial_for(event: Event) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "kind": event.kind,
        "series": event.series_id or "",
        "time_zone": event.time_zone,
        "venue": event.venue,
        "online_link": event.online_link,
        "capacity": event.capacity or "",
        "registration_closes_at": event.registration_closes_at.astimezone(event.zone).strftime("%Y-%m-%d %H:%M")
        if event.registration_closes_at
        else "",
        "needs_approval": event.needs_approval,
        "offer_hours": event.offer_hours,
        "reminder_days": " ".join(str(d) for d in event.reminder_days),
        "sends_survey": event.sends_survey,
    }
    for code in LANGUAGE_CODES:
        initial[f"title_{code}"] = event.title.get(code, "")
        initial[f"description_{code}"] = event.description.get(code, "")
    for i, session in enumerate(event.sessions.all()[:SESSION_ROWS]):
        initial.update(
            {
                f"session_{i}_day": session.day.isoformat(),
                f"session_{i}_starts": session.starts.strftime("%H:%M"),
                f"session_{i}_ends": session.ends.strftime("%H:%M"),
            }
        )
    for i, question in enumerate(event.questions.all()[:QUESTION_ROWS]):
        initial.update({f"question_{i}_{code}": text for code, text in question.label.items()})
        initial[f"question_{i}_required"] = question.required
    for i, survey_question in enumerate(event.survey_questions.all()[:QUESTION_ROWS]):
        initial.update({f"survey_question_{i}_{code}": text for code, text in survey_question.label.items()})
    return initial
