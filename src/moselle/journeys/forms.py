"""Forms of the needs and roadmap pages. They shape the input; the actions check it and name the field, and
the views put those errors on the fields (``accounts.forms.apply_errors``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from moselle.accounts.access import hub_organisation_id
from moselle.accounts.models import HUB_ROLES, Membership, Role, User
from moselle.assessments import scoring
from moselle.catalogue.forms import by_name
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import Technology
from moselle.journeys import drafting
from moselle.journeys.models import Horizon, Need, Roadmap, RoadmapAction
from moselle.organisations.models import EdihCategory

SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
# An action's error on a field the form names otherwise.
NEED_ERROR_ALIASES = {"override_reason": "reason"}


def technology_name_choices() -> list[tuple[str, str]]:
    """The catalogue's technologies by their catalogue name (what the actions take), shown translated."""
    return by_name([(t.name, pick(t.label) or t.name) for t in Technology.objects.order_by("position", "id")])


def band_choices() -> list[tuple[str, str]]:
    return [(band, str(scoring.BANDS[band])) for band in drafting.BAND_FLOORS]


def _scale(label: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCALE_CHOICES, coerce=int, initial="3")


class NeedForm(forms.Form):
    """A need in the advisor's or the company's words. Which fields a person gets depends on who they are
    and on the need (``need_fields``)."""

    title = forms.CharField(label=_("Need"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    gap = forms.CharField(
        label=_("Gap (points)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("How far from where you want to be, 0-100"),
    )
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    category = forms.ChoiceField(label=_("EDIH category"), required=False)
    importance = _scale(_("Importance to the company (1-5)"))
    urgency = _scale(_("Urgency (1-5)"))
    effort = _scale(_("Effort (1-5)"))
    status = forms.ChoiceField(label=_("Status"), choices=Need.Status.choices, required=False)

    def __init__(self, *args: Any, fields: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "technologies" in self.fields:
            self.fields["technologies"].choices = technology_name_choices()  # type: ignore[attr-defined]
        if "category" in self.fields:
            self.fields["category"].choices = [("", _("none")), *EdihCategory.choices]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(need: Need) -> dict[str, Any]:
        return {
            "title": need.title,
            "description": need.description,
            "gap": f"{need.gap:.2f}",
            "technologies": [t.name for t in need.technologies.all()],
            "category": need.category,
            "importance": str(need.importance),
            "urgency": str(need.urgency),
            "effort": str(need.effort),
            "status": need.status,
        }

    def action_data(self) -> dict[str, Any]:
        """What ``need_create`` and ``need_update`` take: the fields the form has, the status aside."""
        return {name: value for name, value in self.cleaned_data.items() if name != "status"}


# Which fields each person gets. A company member writes a need in its own words with the gap it sees and
# its importance, and afterwards changes only the importance; the rest is the advisor's estimate.
COMPANY_CREATES = ("title", "description", "gap", "importance")
COMPANY_CHANGES = ("importance",)
STAFF_CREATES = ("title", "description", "gap", "technologies", "category", "importance", "urgency", "effort")
DRAFTED_CHANGES = ("technologies", "importance", "urgency", "effort", "status")  # title and gap come from the DMA


def need_fields(*, staff: bool, need: Need | None = None) -> tuple[str, ...]:
    if need is None:
        return STAFF_CREATES if staff else COMPANY_CREATES
    if not staff:
        return COMPANY_CHANGES
    if need.source == Need.Source.ASSESSMENT:
        return DRAFTED_CHANGES
    return (*STAFF_CREATES, "status")


class PriorityForm(forms.Form):
    """The advisor's own priority for a need, with the reason; an empty priority goes back to the computed one."""

    priority = forms.CharField(
        label=_("Priority set by hand"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Leave empty to go back to the computed priority."),
    )
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)

    @staticmethod
    def initial_for(need: Need) -> dict[str, Any]:
        override = need.priority_override
        return {"priority": "" if override is None else f"{override.normalize():f}", "reason": need.override_reason}


class NeedsDraftForm(forms.Form):
    """The band the company aims at in each dimension of its latest assessment (by default the next band up)."""

    def __init__(self, *args: Any, scores: Iterable[tuple[str, str, Decimal]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = band_choices()
        for key, title, score in scores:
            current = scoring.band(score)
            # Not required: a dimension left out aims at the next band up, as the action has it.
            self.fields[f"target_{key}"] = forms.ChoiceField(
                label=title,
                choices=choices,
                required=False,
                initial=drafting.default_target(score),
                help_text=_("Now %(score)s (%(band)s)") % {"score": f"{score:.2f}", "band": scoring.BANDS[current]},
            )

    def targets(self) -> dict[str, str]:
        return {
            name.removeprefix("target_"): str(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("target_") and value
        }


def owner_candidates(roadmap: Roadmap) -> QuerySet[User]:
    """Who may own an action: the hub's staff and the company's members (observers aside), as ``action_save``
    accepts them."""
    hub_id = hub_organisation_id()
    chosen = Membership.objects.filter(status=Membership.Status.ACTIVE).filter(
        (Q(organisation_id=roadmap.organisation_id) & ~Q(role=Role.OBSERVER))
        | Q(organisation_id=hub_id, role__in=HUB_ROLES)
    )
    return User.objects.filter(pk__in=chosen.values("user_id"), is_active=True).order_by("full_name", "email")


class OwnerChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ActionForm(forms.Form):
    """One step of a roadmap."""

    title = forms.CharField(label=_("Action"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)
    owner_kind = forms.ChoiceField(
        label=_("Who acts"), choices=RoadmapAction.Owner.choices, initial=RoadmapAction.Owner.COMPANY
    )
    owner = OwnerChoiceField(
        label=_("Person in charge"), queryset=User.objects.none(), required=False, empty_label=_("nobody named yet")
    )
    due_on = forms.DateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("YYYY-MM-DD; a new action cannot be due in the past."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=RoadmapAction.Status.choices, initial=RoadmapAction.Status.PLANNED
    )
    technologies = forms.MultipleChoiceField(
        label=_("Technologies"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, roadmap: Roadmap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates(roadmap)  # type: ignore[attr-defined]
        self.fields["technologies"].choices = technology_name_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(action: RoadmapAction) -> dict[str, Any]:
        return {
            "title": action.title,
            "description": action.description,
            "horizon": action.horizon,
            "owner_kind": action.owner_kind,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "status": action.status,
            "technologies": [t.name for t in action.technologies.all()],
        }

    def action_data(self) -> dict[str, Any]:
        """What ``action_save`` takes: the due date as ISO text (or empty, for the action to name)."""
        data = dict(self.cleaned_data)
        due = data.get("due_on")
        data["due_on"] = due.isoformat() if due else ""
        return data
