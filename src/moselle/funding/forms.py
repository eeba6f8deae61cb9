"""The funding pages' forms: flat fields the pages render, and what ``funding.actions`` and
``funding.searches`` read from them. The actions check every field; ``errors_on`` puts their errors next to
the field they name (``rules[1].fact`` next to the rules)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import LANGUAGE_CODES
from moselle.funding.models import Call, Programme

LANGUAGE_NAMES = {"en": _("English"), "fr": _("French"), "de": _("German")}
ANSWERS = [("", _("not declared")), ("yes", _("yes")), ("no", _("no"))]
HISTORY = [("", _("not declared")), ("none", _("no grant of it in these years")), ("granted", _("a grant on"))]
DECLARED = ("business_permit", "not_in_difficulty", "aid_eligible_activity", "de_minimis_complete")
DECLARED_LABELS = {
    "business_permit": _("The company holds a business permit"),
    "not_in_difficulty": _("The company is not an undertaking in difficulty"),
    "aid_eligible_activity": _("The company works in an activity not excluded from state aid"),
    "de_minimis_complete": _("All the de minimis aid the company received in the last three years is declared"),
}


def _value(form: forms.Form, name: str) -> str:
    return str(form.data.get(name, "")).strip()


def _texts(form: forms.Form, prefix: str) -> dict[str, str]:
    return {code: _value(form, f"{prefix}_{code}") for code in LANGUAGE_CODES if _value(form, f"{prefix}_{code}")}


def _technology_choices() -> list[tuple[str, str]]:
    from moselle.core.models import Technology

    return [(name, name) for name in Technology.objects.order_by("name").values_list("name", flat=True)]


def _translated_fields(form: forms.Form, prefix: str, label: Any, *, long: bool = False, limit: int = 200) -> None:
    for code in LANGUAGE_CODES:
        form.fields[f"{prefix}_{code}"] = forms.CharField(
            label=label % {"language": LANGUAGE_NAMES[code]},
            required=False,
            max_length=None if long else limit,
            widget=forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput(),
        )


def errors_on(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put an action's errors on the fields they name; a rule's error (``rules[1].fact``) on the rules, with
    its place in the message."""
    detail: dict[str, list[str]] = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for field, messages in detail.items():
        place = ""
        if field.startswith("rules["):
            place, field = f"{field}: ", "rules"
        field = (aliases or {}).get(field, field)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, place + message)


# --- A programme and its calls (hub staff) --------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=60, help_text=_("Small letters, digits and dashes, e.g. lu-fit4digital")
    )
    operator = forms.CharField(label=_("Operator"), max_length=200)
    scope = forms.ChoiceField(label=_("Scope"), choices=Programme.Scope.choices)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Programme.Instrument.choices)
    rate_pct = forms.CharField(label=_("Funding rate (%)"), required=False, help_text=_("0 to 100; empty: none"))
    rate_note = forms.CharField(label=_("About the rate"), required=False, max_length=300)
    amount_fixed = forms.CharField(label=_("Fixed amount (EUR)"), required=False)
    amount_min = forms.CharField(label=_("Smallest project (EUR)"), required=False)
    amount_max = forms.CharField(label=_("Largest support (EUR)"), required=False)
    conditions = forms.CharField(
        label=_("Conditions as published"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source_url = forms.CharField(label=_("Source"), required=False, max_length=500)
    confidence = forms.ChoiceField(label=_("How sure the figures are"), choices=Programme.Confidence.choices)
    confidence_note = forms.CharField(label=_("About the figures"), required=False, max_length=300)
    rules = forms.CharField(
        label=_("Eligibility rules (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            'A list of rules, each naming its fact, e.g. [{"fact": "size_class", "in": ["micro", "small"]}, '
            '{"fact": "country", "in": ["LU"]}]. The facts are listed in docs/funding.md.'
        ),
    )
    approved_providers = forms.CharField(
        label=_("Approved providers"), required=False, help_text=_("Registry ids, separated by commas")
    )
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    active = forms.BooleanField(label=_("Active (shown to companies)"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        _translated_fields(self, "name", _("Name (%(language)s)"))
        _translated_fields(self, "description", _("Description (%(language)s)"), long=True)
        technologies = self.fields["technologies"]
        assert isinstance(technologies, forms.MultipleChoiceField)
        technologies.choices = _technology_choices()
        self.order_fields(["code", "name_en", "name_fr", "name_de", "description_en", "description_fr"])


ERROR_FIELDS = {"name": "name_en", "description": "description_en", "title": "title_en"}


def programme_data(form: ProgrammeForm) -> dict[str, Any]:
    """The form as ``actions.programme_create`` and ``programme_update`` read it; the rules' JSON is read here,
    and refused with its line and column when it is not JSON."""
    text = _value(form, "rules")
    try:
        rules = json.loads(text) if text else []
    except json.JSONDecodeError as error:
        raise ValidationError(
            {
                "rules": _("This is not JSON: %(problem)s (line %(line)d, column %(column)d).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno}
            }
        ) from None
    except RecursionError:
        raise ValidationError({"rules": _("The rules are nested too deeply to be rules.")}) from None
    providers = [item for item in re.split(r"[\s,;]+", _value(form, "approved_providers")) if item]
    data: dict[str, Any] = {
        "name": _texts(form, "name"),
        "description": _texts(form, "description"),
        "operator": _value(form, "operator"),
        "scope": _value(form, "scope"),
        "instrument": _value(form, "instrument"),
        "rate_pct": _value(form, "rate_pct"),
        "rate_note": _value(form, "rate_note"),
        "amount_fixed": _value(form, "amount_fixed"),
        "amount_min": _value(form, "amount_min"),
        "amount_max": _value(form, "amount_max"),
        "conditions": _value(form, "conditions"),
        "source_url": _value(form, "source_url"),
        "confidence": _value(form, "confidence"),
        "confidence_note": _value(form, "confidence_note"),
        "rules": rules,
        "approved_providers": providers,
        "technologies": form.data.getlist("technologies") if hasattr(form.data, "getlist") else [],
        "active": form.data.get("active") == "on",
    }
    if "code" in form.fields:
        data["code"] = _value(form, "code")
    return data


def _amount(value: Any) -> str:
    """A figure as typed: 40, 12.5, 5000 (not 40.00)."""
    if value is None:
        return ""
    written = f"{value:f}"
    return written.rstrip("0").rstrip(".") if "." in written else written


def programme_initial(programme: Programme) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "operator": programme.operator,
        "scope": programme.scope,
        "instrument": programme.instrument,
        "rate_pct": _amount(programme.rate_pct),
        "rate_note": programme.rate_note,
        "amount_fixed": _amount(programme.amount_fixed),
        "amount_min": _amount(programme.amount_min),
        "amount_max": _amount(programme.amount_max),
        "conditions": programme.conditions,
        "source_url": programme.source_url,
        "confidence": programme.confidence,
        "confidence_note": programme.confidence_note,
        "rules": json.dumps(programme.rules, indent=2, ensure_ascii=False),
        "approved_providers": ", ".join(str(p.pk) for p in programme.approved_providers.order_by("pk")),
        "technologies": [t.name for t in programme.technologies.all()],
        "active": programme.active,
    }
    for code in LANGUAGE_CODES:
        initial[f"name_{code}"] = programme.name.get(code, "")
        initial[f"description_{code}"] = (programme.description or {}).get(code, "")
    return initial


class CallForm(forms.Form):
    opens_on = forms.CharField(label=_("Opens on (YYYY-MM-DD)"), required=False, help_text=_("Empty: open now"))
    closes_on = forms.CharField(label=_("Closes on (YYYY-MM-DD)"), required=False, help_text=_("Empty: open all year"))
    budget = forms.CharField(label=_("Budget (EUR)"), required=False)
    topics = forms.CharField(label=_("Topics"), required=False, help_text=_("Separated by commas"))
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translated_fields(self, "title", _("Title (%(language)s)"))
        technologies = self.fields["technologies"]
        assert isinstance(technologies, forms.MultipleChoiceField)
        technologies.choices = _technology_choices()
        self.order_fields(["title_en", "title_fr", "title_de"])


def call_data(form: CallForm) -> dict[str, Any]:
    return {
        "title": _texts(form, "title"),
        "opens_on": _value(form, "opens_on"),
        "closes_on": _value(form, "closes_on"),
        "budget": _value(form, "budget"),
        "topics": [item.strip() for item in _value(form, "topics").split(",") if item.strip()],
        "technologies": form.data.getlist("technologies") if hasattr(form.data, "getlist") else [],
    }


# --- What a company declares -------------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    """The three declarations every company makes, and for each programme with a cool-down its grants in the
    years the programme looks at."""

    def __init__(self, *args: Any, cool_downs: Sequence[tuple[Programme, int]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in DECLARED:
            self.fields[kind] = forms.ChoiceField(
                label=DECLARED_LABELS[kind], choices=ANSWERS, required=False, widget=forms.RadioSelect
            )
        self.cool_downs = list(cool_downs)
        for programme, years in self.cool_downs:
            self.fields[f"history_{programme.pk}"] = forms.ChoiceField(
                label=_("Grants of %(programme)s in the last %(years)d years")
                % {"programme": programme, "years": years},
                choices=HISTORY,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"history_{programme.pk}_on"] = forms.CharField(
                label=_("Date of the last grant of %(programme)s (YYYY-MM-DD)") % {"programme": programme},
                required=False,
            )


def declarations_wanted(form: DeclarationForm) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Each answer given, as ``actions.declaration_record`` reads it, with where its errors go on the form."""
    wanted = []
    for kind in DECLARED:
        answer = _value(form, kind)
        if answer:
            holds: Any = {"yes": True, "no": False}.get(answer, answer)
            wanted.append(({"kind": kind, "holds": holds}, {"holds": kind, "kind": kind}))
    for programme, _years in form.cool_downs:
        field = f"history_{programme.pk}"
        answer = _value(form, field)
        if answer:
            holds = {"granted": True, "none": False}.get(answer, answer)
            data = {
                "kind": "programme_history",
                "holds": holds,
                "programme": programme.pk,
                "last_granted_on": _value(form, f"{field}_on") if holds is True else "",
            }
            wanted.append((data, {"holds": field, "programme": field, "last_granted_on": f"{field}_on"}))
    return wanted


def declaration_initial(facts: Any, cool_downs: list[tuple[Programme, int]]) -> dict[str, Any]:
    """The company's current declarations, so the form shows what counts now."""
    from moselle.funding.models import Declaration

    initial: dict[str, Any] = {}
    for kind in DECLARED:
        found = facts.declaration(kind)
        if found is not None:
            initial[kind] = "yes" if found.holds else "no"
    for programme, _years in cool_downs:
        history: Declaration | None = facts.for_programme(programme).history()
        if history is not None:
            initial[f"history_{programme.pk}"] = "granted" if history.holds else "none"
            if history.last_granted_on:
                initial[f"history_{programme.pk}_on"] = history.last_granted_on.isoformat()
    return initial


# --- The estimate, and saved searches ------------------------------------------------------------------------------


class EstimateForm(forms.Form):
    cost = forms.CharField(label=_("Eligible cost (EUR)"), max_length=30)


class SearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=120)
    organisation = forms.ChoiceField(label=_("For the organisation"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), required=False)
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    text = forms.CharField(label=_("Words in the programme's name or description"), required=False, max_length=200)
    eligible_only = forms.BooleanField(label=_("Only programmes the organisation is eligible for"), required=False)
    calls = forms.MultipleChoiceField(
        label=_("Calls to follow (a reminder a week before they close)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: Any = (), calls: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[Any, Any]]] = {
            "organisation": [("", _("any")), *((o.pk, o.name) for o in organisations)],
            "scope": [("", _("any")), *Programme.Scope.choices],
            "instrument": [("", _("any")), *Programme.Instrument.choices],
            "calls": [(c.pk, _call_label(c)) for c in calls],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        technologies = self.fields["technologies"]
        assert isinstance(technologies, forms.MultipleChoiceField)
        technologies.choices = _technology_choices()
        if not calls:
            del self.fields["calls"]


def _call_label(call: Call) -> str:
    from moselle.core.i18n import pick

    closes = call.closes_on.isoformat() if call.closes_on else str(_("open all year"))
    return f"{pick(call.programme.name)}: {pick(call.title)} ({closes})"


def search_data(form: SearchForm) -> dict[str, Any]:
    listed = form.data.getlist if hasattr(form.data, "getlist") else (lambda name: [])
    return {
        "name": _value(form, "name"),
        "organisation": _value(form, "organisation"),
        "scope": _value(form, "scope"),
        "instrument": _value(form, "instrument"),
        "technologies": listed("technologies"),
        "text": _value(form, "text"),
        "eligible_only": form.data.get("eligible_only") == "on",
        "calls": listed("calls"),
    }


# --- Applications and investments ------------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """A new application of the company; the hub's staff may record one decided already."""

    programme = forms.ChoiceField(label=_("Programme"))
    amount_requested = forms.CharField(label=_("Amount requested (EUR)"))
    status = forms.ChoiceField(label=_("Status"))
    submitted_on = forms.CharField(label=_("Submitted on (YYYY-MM-DD)"), required=False, help_text=_("Empty: today"))

    def __init__(self, *args: Any, programmes: list[Programme], staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        from moselle.core.i18n import pick
        from moselle.funding.models import Application

        programme = self.fields["programme"]
        assert isinstance(programme, forms.ChoiceField)
        programme.choices = [(p.pk, pick(p.name, get_language())) for p in programmes]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        allowed = ("planned", "submitted", "granted", "rejected") if staff else ("planned", "submitted")
        status.choices = [(value, label) for value, label in Application.Status.choices if value in allowed]


class InvestmentForm(forms.Form):
    """An investment the hub's support triggered, recorded by the hub's staff."""

    amount = forms.CharField(label=_("Amount (EUR)"))
    kind = forms.ChoiceField(label=_("Type"))
    made_on = forms.CharField(label=_("Date (YYYY-MM-DD)"))
    source = forms.ChoiceField(label=_("Triggered by"))
    service_record = forms.CharField(
        label=_("Service record number"), required=False, help_text=_("The service that triggered it, if any")
    )
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from moselle.funding.models import Investment

        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = Investment.Kind.choices
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [(v, label) for v, label in Investment.Source.choices if v != Investment.Source.APPLICATION]
