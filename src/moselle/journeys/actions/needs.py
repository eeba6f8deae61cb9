"""Needs: drafted from the assessment's gaps or written by hand, and their priority."""

import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.assessments.models import Assessment, Result
from moselle.core import audit
from moselle.core.models_taxonomy import Technology
from moselle.journeys import drafting
from moselle.journeys.actions.checks import (
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    Checked,
    categories_of,
    check_gap,
    check_scale,
    check_text,
    technologies_named,
    user_of,
)
from moselle.journeys.actions.timeline import activity_record
from moselle.journeys.models import (
    Activity,
    Case,
    Need,
)
from moselle.organisations.models import Organisation

# --- Needs ----------------------------------------------------------------------------------------------


def latest_result(organisation: Organisation) -> Result | None:
    """The result of the organisation's latest submitted assessment (its first result, the one scored on
    submission)."""
    assessment = (
        Assessment.objects.filter(organisation=organisation, status=Assessment.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if assessment is None:
        return None
    return Result.objects.filter(assessment=assessment).order_by("created_at", "id").first()


def needs_draft(*, actor: Any, case: Case, targets: Mapping[str, str] | None = None) -> list[Need]:
    """Draft the case's needs from the latest assessment's gaps: one per dimension below its target band
    (``targets`` maps a dimension to a band; by default the next band up). Drafting again follows a new
    assessment or new targets: a dimension's need keeps the importance, urgency and effort the advisor set,
    and one whose gap closed is dropped."""
    if case.organisation is None:
        raise ValidationError({"case": _("Triage the case first: it has no organisation yet.")})
    result = latest_result(case.organisation)
    if result is None:
        raise ValidationError({"case": _("The organisation has no submitted assessment yet: run one first.")})
    wanted = dict(targets or {})
    unknown = sorted(set(wanted.values()) - set(drafting.BAND_FLOORS))
    if unknown:
        raise ValidationError({"targets": _("Unknown band: %(bands)s.") % {"bands": ", ".join(unknown)[:60]}})
    assessment = result.assessment
    drafted = drafting.dimension_needs(
        questionnaire_type=result.questionnaire_type,
        questionnaire_version=result.questionnaire_version,
        scores=result.dimension_scores(),
        answers=None if assessment.mode == Assessment.Mode.IMPORTED else assessment.answers,
        targets=wanted,
    )
    with transaction.atomic():
        held = {
            need.dimension: need
            for need in Need.objects.filter(case=case, source=Need.Source.ASSESSMENT).exclude(status=Need.Status.MET)
        }
        kept: list[Need] = []
        for draft in drafted:
            need = held.pop(draft.dimension, None) or Need(
                organisation=case.organisation, case=case, source=Need.Source.ASSESSMENT, created_by=user_of(actor)
            )
            need.status = Need.Status.OPEN
            need.title = draft.title
            need.description = draft.description
            need.result = result
            need.dimension = draft.dimension
            need.current_score = draft.score
            need.target_score = draft.target
            need.gap = draft.gap
            need.missing = draft.missing
            need.category = draft.category
            need.priority = drafting.priority(
                importance=need.importance, gap=need.gap, urgency=need.urgency, effort=need.effort
            )
            need.save()
            need.technologies.set(Technology.objects.filter(name__in=draft.technologies))
            kept.append(need)
        for need in held.values():  # the gap closed, or the target came down to the current band
            if need.status != Need.Status.DROPPED:
                need.status = Need.Status.DROPPED
                need.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="needs.draft",
            target=case,
            after={"result": result.pk, "targets": wanted, "needs": [n.pk for n in kept]},
            organisation_id=case.organisation_id,
        )
        activity_record(
            organisation=case.organisation,
            kind=Activity.Kind.NEED,
            verb="needs_drafted",
            target=result,
            actor=actor,
            case=case,
        )
    return kept


def need_create(*, actor: Any, case: Case, data: Mapping[str, Any]) -> Need:
    """A need in the advisor's or the company's own words; one without a dimension gets the gap the
    advisor sets (0-100)."""
    if case.organisation is None:
        raise ValidationError({"case": _("Triage the case first: it has no organisation yet.")})
    source = Need.Source.ADVISOR if is_hub_staff(actor) else Need.Source.COMPANY
    need = Need(organisation=case.organisation, case=case, source=source, created_by=user_of(actor))
    return _need_save(actor=actor, need=need, data=data, creating=True)


def need_update(*, actor: Any, need: Need, data: Mapping[str, Any]) -> Need:
    """Change what is given in ``data``; the priority follows."""
    return _need_save(actor=actor, need=need, data=data, creating=False)


def _need_save(*, actor: Any, need: Need, data: Mapping[str, Any], creating: bool) -> Need:
    checked = Checked(data, every=creating)
    take = checked.take
    if not is_hub_staff(actor):
        # The company says how much a need matters to it, and words the needs it wrote itself; the rest is
        # the advisor's estimate.
        allowed = {"importance"} | ({"title", "description", "gap"} if need.source == Need.Source.COMPANY else set())
        beyond = sorted(name for name in data if name not in allowed)
        if beyond:
            raise ValidationError({beyond[0]: _("The hub's advisor sets this; the company sets the importance.")})
    if need.source != Need.Source.ASSESSMENT:
        take("title", lambda v: check_text(v, "title", TITLE_LIMIT, required=True, missing=_("Say what is needed.")))
        take("description", lambda v: check_text(v, "description", MESSAGE_LIMIT))
        take("gap", lambda v: check_gap(v))
        take("category", lambda v: (categories_of([v], "category") or [""])[0] if v else "")
    for name in ("importance", "urgency", "effort"):
        take(name, functools.partial(_estimate, field=name, creating=creating))
    if "technologies" in data:
        take("technologies", lambda v: technologies_named(v or []))
    checked.done()
    technologies = checked.values.pop("technologies", None)
    with transaction.atomic():
        before = {} if creating else audit.snapshot(need)
        for name, value in checked.values.items():
            setattr(need, name, value)
        need.priority = drafting.priority(
            importance=need.importance, gap=need.gap, urgency=need.urgency, effort=need.effort
        )
        need.save()
        if technologies is not None:
            need.technologies.set(technologies)
        audit.record(
            actor=actor,
            action="need.create" if creating else "need.update",
            target=need,
            before=before,
            organisation_id=need.organisation_id,
        )
        if creating:
            activity_record(
                organisation=need.organisation,
                kind=Activity.Kind.NEED,
                verb="need_added",
                summary=need.title,
                target=need,
                actor=actor,
                case=need.case,
            )
    return need


def need_prioritise(*, actor: Any, need: Need, priority: Any, reason: str) -> Need:
    """The advisor sets a need's priority by hand, saying why; an empty priority goes back to the computed
    one."""
    if priority in (None, ""):
        value = None
        reason = ""
    else:
        try:
            value = Decimal(str(priority).strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError({"priority": _("Give a number.")}) from None
        if not value.is_finite() or value < 0 or value >= Decimal("100000"):
            raise ValidationError({"priority": _("Give a number from 0 to 99999.")})
        reason = check_text(
            reason, "override_reason", 300, required=True, missing=_("Say why this priority is set by hand.")
        )
    with transaction.atomic():
        before = audit.snapshot(need)
        need.priority_override = value.quantize(drafting.PRIORITY_PLACES) if value is not None else None
        need.override_reason = reason
        need.save(update_fields=["priority_override", "override_reason", "updated_at"])
        audit.record(
            actor=actor, action="need.prioritise", target=need, before=before, organisation_id=need.organisation_id
        )
    return need


def need_close(*, actor: Any, need: Need, status: str) -> Need:
    if status not in (Need.Status.MET, Need.Status.DROPPED, Need.Status.OPEN):
        raise ValidationError({"status": _("Choose open, met or dropped.")})
    with transaction.atomic():
        before = audit.snapshot(need)
        need.status = status
        need.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action="need.status", target=need, before=before, organisation_id=need.organisation_id
        )
    return need


def prioritised(needs: Iterable[Need]) -> list[Need]:
    """Open needs, highest priority first (the advisor's where set), then the larger gap, then the older."""
    return sorted(
        (need for need in needs if need.status == Need.Status.OPEN),
        key=lambda need: (-need.ranking, -need.gap, need.pk),
    )


def _estimate(value: Any, *, field: str, creating: bool) -> int:
    """Importance, urgency or effort: 3 when a new need leaves it out, else a whole number from 1 to 5."""
    return 3 if value in (None, "") and creating else check_scale(value, field)
