"""The roadmap: drafted from the prioritised needs, edited, agreed by the company."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.accounts.models import User
from moselle.assessments import scoring
from moselle.core import audit
from moselle.journeys import drafting
from moselle.journeys.actions.cases import case_reach
from moselle.journeys.actions.checks import (
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    Checked,
    categories_of,
    check_choice,
    check_text,
    future_date,
    technologies_named,
)
from moselle.journeys.actions.needs import prioritised
from moselle.journeys.actions.timeline import activity_record
from moselle.journeys.models import (
    Activity,
    Case,
    Need,
    Roadmap,
    RoadmapAction,
    RoadmapVersion,
    Stage,
)

# --- The roadmap -----------------------------------------------------------------------------------------


def roadmap_draft(*, actor: Any, case: Case) -> Roadmap:
    """Draft the roadmap from the case's prioritised needs: one action per need with a gap, on three
    horizons, due at the end of its horizon, carrying the need's technologies. Drafting again replaces the
    actions that are still only planned; actions under way or done stay. Drafting moves the case to Engage:
    a roadmap is one-to-one work."""
    if case.organisation is None or case.status != Case.Status.OPEN:
        raise ValidationError({"case": _("Only an open case, triaged, gets a roadmap.")})
    needs = prioritised(case.needs.prefetch_related("technologies"))
    if not needs:
        raise ValidationError({"case": _("The case has no open need yet: draft them from the assessment or add one.")})
    today = timezone.localdate()
    with transaction.atomic():
        roadmap, _created = Roadmap.objects.get_or_create(
            case=case, defaults={"organisation": case.organisation, "drafted_at": timezone.now()}
        )
        kept_needs = set(roadmap.actions.exclude(status=RoadmapAction.Status.PLANNED).values_list("need_id", flat=True))
        roadmap.actions.filter(status=RoadmapAction.Status.PLANNED).delete()
        plan = drafting.horizons([drafting.PlannedNeed(n.pk, n.urgency) for n in needs if n.pk not in kept_needs])
        position = roadmap.actions.count()
        for need in needs:
            if need.pk in kept_needs:
                continue
            horizon = plan[need.pk]
            position += 1
            action = RoadmapAction.objects.create(
                roadmap=roadmap,
                need=need,
                title=_action_title(need),
                description=need.description,
                horizon=horizon,
                owner_kind=RoadmapAction.Owner.COMPANY,
                due_on=drafting.due_on(horizon, today),
                category=need.category,
                position=position,
            )
            action.technologies.set(need.technologies.all())
        roadmap.drafted_at = timezone.now()
        roadmap.changed_since_agreement = True
        roadmap.save(update_fields=["drafted_at", "changed_since_agreement", "updated_at"])
        audit.record(
            actor=actor,
            action="roadmap.draft",
            target=roadmap,
            after={"actions": list(roadmap.actions.values_list("pk", flat=True))},
            organisation_id=case.organisation_id,
        )
        activity_record(
            organisation=case.organisation,
            kind=Activity.Kind.ROADMAP,
            verb="roadmap_drafted",
            target=roadmap,
            actor=actor,
            case=case,
        )
        case_reach(actor=actor, case=case, stage=Stage.ENGAGE)
    return roadmap


def _action_title(need: Need) -> str:
    if need.source == Need.Source.ASSESSMENT and need.target_score is not None:
        band = scoring.BANDS[scoring.band(need.target_score)]
        return (_("%(dimension)s: reach %(band)s") % {"dimension": need.title, "band": band})[:TITLE_LIMIT]
    return need.title[:TITLE_LIMIT]


def action_save(
    *, actor: Any, roadmap: Roadmap, data: Mapping[str, Any], action: RoadmapAction | None = None
) -> RoadmapAction:
    """Add an action to a roadmap or change one; the roadmap then waits for the company's agreement again.
    A new action's due date cannot be in the past."""
    creating = action is None
    checked = Checked(data, every=creating)
    take = checked.take
    take("title", lambda v: check_text(v, "title", TITLE_LIMIT, required=True, missing=_("Say what is to be done.")))
    take("description", lambda v: check_text(v, "description", MESSAGE_LIMIT))
    take("category", lambda v: (categories_of([v], "category") or [""])[0] if v else "")
    take("horizon", lambda v: check_choice(v, RoadmapAction.horizon.field.choices, "horizon", _("Choose a horizon.")))
    take(
        "owner_kind",
        lambda v: check_choice(
            v or RoadmapAction.Owner.COMPANY, RoadmapAction.Owner.choices, "owner_kind", _("Choose who acts.")
        ),
    )
    take(
        "status",
        lambda v: check_choice(
            v or RoadmapAction.Status.PLANNED, RoadmapAction.Status.choices, "status", _("Choose a status.")
        ),
    )
    current = action.due_on if action is not None else None
    # An action keeps a due date already passed; a new or moved date must be today or later.
    take(
        "due_on",
        lambda v: (
            current if current and v in (current, current.isoformat()) else future_date(v, "due_on", required=True)
        ),
    )
    if data.get("owner") not in (None, ""):
        owner = data.get("owner")
        if not isinstance(owner, User) or not (
            is_hub_staff(owner) or roadmap.organisation_id in member_organisation_ids(owner)
        ):
            checked.add("owner", _("Choose someone of the hub or of the company."))
        else:
            checked.values["owner"] = owner
    elif "owner" in data:
        checked.values["owner"] = None
    if "technologies" in data:
        take("technologies", lambda v: technologies_named(v or []))
    checked.done()
    technologies = checked.values.pop("technologies", None)
    with transaction.atomic():
        if action is None:
            action = RoadmapAction(roadmap=roadmap, position=roadmap.actions.count() + 1)
            before = {}
        else:
            before = audit.snapshot(action)
        for name, value in checked.values.items():
            setattr(action, name, value)
        action.save()
        if technologies is not None:
            action.technologies.set(technologies)
        Roadmap.objects.filter(pk=roadmap.pk).update(changed_since_agreement=True, updated_at=timezone.now())
        roadmap.changed_since_agreement = True
        audit.record(
            actor=actor,
            action="roadmap.action_add" if creating else "roadmap.action_change",
            target=action,
            before=before,
            organisation_id=roadmap.organisation_id,
        )
        activity_record(
            organisation=roadmap.organisation,
            kind=Activity.Kind.ROADMAP,
            verb="action_added" if creating else "action_changed",
            summary=action.title,
            target=action,
            actor=actor,
            case=roadmap.case,
        )
    return action


def action_delete(*, actor: Any, action: RoadmapAction) -> None:
    roadmap = action.roadmap
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="roadmap.action_delete",
            target=action,
            after={},
            organisation_id=roadmap.organisation_id,
        )
        action.delete()
        Roadmap.objects.filter(pk=roadmap.pk).update(changed_since_agreement=True, updated_at=timezone.now())


def roadmap_agree(*, actor: Any, roadmap: Roadmap) -> RoadmapVersion:
    """The company agrees its roadmap as it stands: a member of the company (not the hub) does it, and a
    copy of the actions is kept with who agreed and when."""
    if not isinstance(actor, User) or roadmap.organisation_id not in member_organisation_ids(actor):
        raise ValidationError(
            {
                "roadmap": _("Only a member of %(organisation)s can agree its roadmap.")
                % {"organisation": roadmap.organisation.name}
            }
        )
    actions = list(roadmap.actions.prefetch_related("technologies").order_by("position", "id"))
    if not actions:
        raise ValidationError({"roadmap": _("The roadmap has no action to agree.")})
    if not roadmap.changed_since_agreement and roadmap.versions.exists():
        raise ValidationError({"roadmap": _("This roadmap is agreed already, as it stands.")})
    with transaction.atomic():
        locked = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
        number = (locked.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1
        version = RoadmapVersion.objects.create(
            roadmap=roadmap,
            number=number,
            actions=[
                {
                    "id": action.pk,
                    "title": action.title,
                    "description": action.description,
                    "horizon": action.horizon,
                    "owner_kind": action.owner_kind,
                    "owner": action.owner_id,
                    "due_on": action.due_on.isoformat(),
                    "status": action.status,
                    "technologies": sorted(t.name for t in action.technologies.all()),
                    "need": action.need_id,
                }
                for action in actions
            ],
            agreed_by=actor,
            agreed_at=timezone.now(),
        )
        Roadmap.objects.filter(pk=roadmap.pk).update(changed_since_agreement=False)
        roadmap.changed_since_agreement = False
        audit.record(actor=actor, action="roadmap.agree", target=version, organisation_id=roadmap.organisation_id)
        activity_record(
            organisation=roadmap.organisation,
            kind=Activity.Kind.ROADMAP,
            verb="roadmap_agreed",
            summary=str(number),
            target=version,
            actor=actor,
            case=roadmap.case,
        )
    return version
