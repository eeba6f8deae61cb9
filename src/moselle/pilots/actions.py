"""Every write of the pilots app: projects with their partners, criteria and milestones, stage gates, the
go/no-go and the company's sign-off, documents; the facilities' and bookings' writes are in
``pilots.bookings`` and answer here too, so that callers have one module of actions.

Each action checks every field first and names every bad one at once, then writes in one transaction with its
audit entry; nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.core import audit, files
from moselle.events.follow_up import is_customer
from moselle.funding.models import Application
from moselle.journeys.actions.checks import Checked, check_choice, check_text, technologies_named, user_of
from moselle.journeys.models import Need, RoadmapAction
from moselle.organisations.models import EdihCategory, Organisation
from moselle.pilots.bookings import (
    availability_text,
    book,
    booking_cancel,
    facility_save,
    may_book,
    periods,
    usage_record,
)
from moselle.pilots.checks import (
    LATEST,
    MAX_CRITERIA,
    REASON_LIMIT,
    TEXT_LIMIT,
    TITLE_LIMIT,
    fresh,
    in_hub_language,
    pk_of,
    require_open,
    require_staff,
    timeline,
)
from moselle.pilots.models import (
    STAGES,
    Booking,
    Criterion,
    Document,
    Gate,
    Milestone,
    Partner,
    Project,
    Stage,
)
from moselle.reporting.actions import a_date, money
from moselle.reporting.models import AidBasis, Grant

P = Project.Status
Row = TypeVar("Row", Partner, Criterion, Milestone)


# --- Projects ------------------------------------------------------------------------------------------------


def _need_of(value: Any, organisation: Organisation) -> Need | None:
    if value in (None, ""):
        return None
    pk = pk_of(value)
    found = Need.objects.filter(pk=pk, organisation=organisation).first() if pk else None
    if found is None:
        raise ValidationError({"need": _("Choose one of the company's needs.")})
    return found


def _action_of(value: Any, organisation: Organisation, field: str = "action") -> RoadmapAction | None:
    if value in (None, ""):
        return None
    pk = pk_of(value)
    found = RoadmapAction.objects.filter(pk=pk, roadmap__organisation=organisation).first() if pk else None
    if found is None:
        raise ValidationError({field: _("Choose an action of the company's roadmap.")})
    return found


def _checked_project(data: Mapping[str, Any], organisation: Organisation, project: Project | None) -> Checked:
    creating = project is None
    checked = Checked(data, every=creating)
    take = checked.take
    take("kind", lambda v: check_choice(v, Project.Kind.choices, "kind", _("Choose proof of concept or pilot.")))
    take("title", lambda v: check_text(v, "title", TITLE_LIMIT, required=True, missing=_("Give the project a title.")))
    take("technologies", lambda v: _technologies(v))
    take("need", lambda v: _need_of(v, organisation))
    take("action", lambda v: _action_of(v, organisation))
    take(
        "scope", lambda v: check_text(v, "scope", TEXT_LIMIT, required=True, missing=_("Say what the project covers."))
    )
    take(
        "objectives",
        lambda v: check_text(v, "objectives", TEXT_LIMIT, required=True, missing=_("Say what the project is to show.")),
    )
    take("starts_on", lambda v: a_date(v, "starts_on", latest=LATEST))
    take("ends_on", lambda v: a_date(v, "ends_on", latest=LATEST))
    take("aid_amount", lambda v: money(v, "aid_amount"))
    take(
        "aid_basis",
        lambda v: check_choice(v or AidBasis.NONE, AidBasis.choices, "aid_basis", _("Choose the state-aid basis.")),
    )
    current = (
        {name: getattr(project, name) for name in ("starts_on", "ends_on", "aid_amount", "aid_basis")}
        if project
        else {}
    )
    merged = {**current, **{k: v for k, v in checked.values.items() if v is not None}}
    if merged.get("starts_on") and merged.get("ends_on") and merged["ends_on"] < merged["starts_on"]:
        checked.add("ends_on", _("The project cannot end before it starts."))
    aid = merged.get("aid_amount") or Decimal("0")
    if aid > 0 and merged.get("aid_basis") == AidBasis.NONE:
        checked.add(
            "aid_basis", _("Aid of national or regional public nature needs its basis: de minimis or the GBER.")
        )
    changed_aid = project is not None and (
        merged["aid_amount"] != project.aid_amount or merged["aid_basis"] != project.aid_basis
    )
    if changed_aid and project is not None and project.started_on is not None:
        checked.add("aid_amount", _("The aid was settled when the pilot started; it is no longer changed here."))
    return checked


def _technologies(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = [v for v in value.replace(";", "\n").splitlines()]
    found = technologies_named(value or [])
    if not found:
        raise ValidationError({"technologies": _("Name the technology area, e.g. High performance computing.")})
    return found


def project_create(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Project:
    """Open a proof of concept or a pilot for a company (the hub's staff), in scoping."""
    require_staff(actor)
    checked = _checked_project(data, organisation, None)
    if organisation.merged_into_id is not None:
        checked.add("organisation", _("This organisation was merged into another; open the project there."))
    elif not is_customer(organisation):
        checked.add("organisation", _("Projects are run for companies and public bodies."))
    checked.done()
    values = dict(checked.values)
    technologies = values.pop("technologies")
    with transaction.atomic():
        project = Project.objects.create(
            organisation=organisation, advisor=user_of(actor), created_by=user_of(actor), **values
        )
        project.technologies.set(technologies)
        audit.record(actor=actor, action="pilot.create", target=project, organisation_id=organisation.pk)
        timeline(project, "pilot_opened", actor)
    return project


def project_update(*, actor: Any, project: Project, data: Mapping[str, Any]) -> Project:
    """Change the fields given, while the project is in progress; the aid only until the pilot starts."""
    require_staff(actor)
    with transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=project.pk)
        require_open(project)
        checked = _checked_project(data, project.organisation, project)
        checked.done()
        values = {k: v for k, v in checked.values.items()}
        before = audit.snapshot(project)
        technologies = values.pop("technologies", None)
        for name, value in values.items():
            setattr(project, name, value)
        project.save()
        if technologies is not None:
            project.technologies.set(technologies)
        audit.record(
            actor=actor, action="pilot.update", target=project, before=before, organisation_id=project.organisation_id
        )
    return project


def _write(actor: Any, row: Row, values: Mapping[str, Any], action: str, project: Project) -> Row:
    """Save a project's partner, criterion or milestone with the values checked, and audit it."""
    before = audit.snapshot(row) if row.pk else None
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    audit.record(actor=actor, action=action, target=row, before=before, organisation_id=project.organisation_id)
    return row


# --- Partners, criteria, milestones ----------------------------------------------------------------------------


@transaction.atomic
def partner_save(*, actor: Any, project: Project, data: Mapping[str, Any], partner: Partner | None = None) -> Partner:
    """Add a partner (an organisation of the registry, not the company itself) with its role and budget, or
    change one's role, contribution or budget. The budget is fixed once the pilot has started."""
    require_staff(actor)
    if partner is not None and partner.project_id != project.pk:
        raise ValidationError({"partner": _("This partner belongs to another project.")})
    project = fresh(project.pk)
    require_open(project)
    checked = Checked(data, every=partner is None)
    if partner is None:
        checked.take("organisation", lambda v: _partner_organisation(v, project))
    checked.take("role", lambda v: check_choice(v, Partner.Role.choices, "role", _("Choose the partner's role.")))
    checked.take("contribution", lambda v: check_text(v, "contribution", 300))
    checked.take("budget", lambda v: money(v, "budget"))
    if project.started_on is not None and (partner is None or checked.values.get("role", partner.role) != partner.role):
        checked.add("organisation" if partner is None else "role", _("The partners were fixed when the pilot started."))
    given = checked.values.get("budget")
    budget_changed = given is not None and (given != partner.budget if partner is not None else given > 0)
    if budget_changed and project.started_on is not None:
        checked.add("budget", _("The budget was fixed when the pilot started."))
    checked.done()
    return _write(actor, partner or Partner(project=project), checked.values, "pilot.partner", project)


def _partner_organisation(value: Any, project: Project) -> Organisation:
    pk = pk_of(value)
    found = Organisation.objects.filter(pk=pk, merged_into__isnull=True).first() if pk else None
    if found is None:
        raise ValidationError({"organisation": _("Choose an organisation of the registry.")})
    if found.pk == project.organisation_id:
        raise ValidationError({"organisation": _("The company is the project's beneficiary, not a partner.")})
    if Partner.objects.filter(project=project, organisation=found).exists():
        raise ValidationError(
            {"organisation": _("%(name)s is a partner of this project already.") % {"name": found.name}}
        )
    return found


@transaction.atomic
def partner_remove(*, actor: Any, partner: Partner) -> None:
    require_staff(actor)
    project = fresh(partner.project_id)
    require_open(project)
    if project.started_on is not None:
        raise ValidationError({"partner": _("The partners were fixed when the pilot started.")})
    if Milestone.objects.filter(project=project, owner_id=partner.organisation_id).exists():
        raise ValidationError({"partner": _("This partner owes milestones: give them to someone else first.")})
    with transaction.atomic():
        audit.record(
            actor=actor, action="pilot.partner_remove", target=partner, organisation_id=project.organisation_id
        )
        partner.delete()


@transaction.atomic
def criterion_save(
    *, actor: Any, project: Project, data: Mapping[str, Any], criterion: Criterion | None = None
) -> Criterion:
    """A success criterion, agreed up front: added or changed in scoping and feasibility only."""
    require_staff(actor)
    project = fresh(project.pk)
    require_open(project)
    checked = Checked(data, every=criterion is None)
    checked.take("text", lambda v: check_text(v, "text", 300, required=True, missing=_("Say what success looks like.")))
    checked.take("target", lambda v: check_text(v, "target", 200))
    if project.started_on is not None:
        checked.add("text", _("The success criteria were agreed before the work started; they are no longer changed."))
    if criterion is None and project.criteria.count() >= MAX_CRITERIA:
        checked.add("text", _("At most %(limit)d success criteria.") % {"limit": MAX_CRITERIA})
    checked.done()
    return _write(actor, criterion or Criterion(project=project), checked.values, "pilot.criterion", project)


@transaction.atomic
def criterion_remove(*, actor: Any, criterion: Criterion) -> None:
    require_staff(actor)
    project = fresh(criterion.project_id)
    require_open(project)
    if project.started_on is not None:
        raise ValidationError(
            {"text": _("The success criteria were agreed before the work started; they are no longer changed.")}
        )
    with transaction.atomic():
        audit.record(
            actor=actor, action="pilot.criterion_remove", target=criterion, organisation_id=project.organisation_id
        )
        criterion.delete()


def _met(value: Any) -> bool:
    if value in (True, "true", "True", "1", "yes", "met", 1):
        return True
    if value in (False, "false", "False", "0", "no", "not_met", 0):
        return False
    raise ValidationError({"met": _("Say whether the criterion was met.")})


@transaction.atomic
def criterion_result(*, actor: Any, criterion: Criterion, data: Mapping[str, Any]) -> Criterion:
    """The result measured against a criterion, once the work is done: in evaluation or at the decision."""
    require_staff(actor)
    project = criterion.project = fresh(criterion.project_id)
    require_open(project)
    checked = Checked(data)
    checked.take(
        "result",
        lambda v: check_text(
            v, "result", 500, required=True, missing=_("Say what was measured against this criterion.")
        ),
    )
    checked.take("met", _met)
    if project.stage not in (Stage.EVALUATION, Stage.DECISION):
        checked.add("result", _("Results are recorded once the project is in evaluation."))
    checked.done()
    with transaction.atomic():
        before = audit.snapshot(criterion)
        criterion.result, criterion.met = checked.values["result"], checked.values["met"]
        criterion.save(update_fields=["result", "met"])
        audit.record(
            actor=actor, action="pilot.result", target=criterion, before=before, organisation_id=project.organisation_id
        )
    return criterion


def _owner_of(value: Any, project: Project) -> Organisation:
    pk = pk_of(value)
    allowed = {project.organisation_id, *project.partners.values_list("organisation_id", flat=True)}
    if pk not in allowed:
        raise ValidationError({"owner": _("Choose the company or one of the project's partners.")})
    return Organisation.objects.get(pk=pk)


@transaction.atomic
def milestone_save(
    *, actor: Any, project: Project, data: Mapping[str, Any], milestone: Milestone | None = None
) -> Milestone:
    """A milestone or deliverable with its due date and the organisation that owes it (the company or a partner)."""
    require_staff(actor)
    project = fresh(project.pk)
    require_open(project)
    checked = Checked(data, every=milestone is None)
    checked.take(
        "kind",
        lambda v: check_choice(
            v or Milestone.Kind.MILESTONE, Milestone.Kind.choices, "kind", _("Choose milestone or deliverable.")
        ),
    )
    checked.take("title", lambda v: check_text(v, "title", TITLE_LIMIT, required=True, missing=_("Say what is due.")))
    checked.take("due_on", lambda v: a_date(v, "due_on"))
    checked.take("owner", lambda v: _owner_of(v, project))
    if milestone is None and project.stage == Stage.DECISION:
        checked.add("title", _("The work is over at the go/no-go: no milestone is added any more."))
    checked.done()
    return _write(actor, milestone or Milestone(project=project), checked.values, "pilot.milestone", project)


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone, done_on: Any = None) -> Milestone:
    """Mark a milestone done (the hub's staff or the owner's members), on a day not in the future."""
    project = milestone.project = fresh(milestone.project_id)
    if not (is_hub_staff(actor) or milestone.owner_id in member_organisation_ids(actor)):
        raise ValidationError({"actor": _("Only the hub's staff and the milestone's owner mark it done.")})
    require_open(project)
    if milestone.done_on is not None:
        raise ValidationError({"done_on": _("This milestone is done already.")})
    today = timezone.localdate()
    day = a_date(done_on or today, "done_on", latest=today)
    with transaction.atomic():
        before = audit.snapshot(milestone)
        milestone.done_on = day
        milestone.save(update_fields=["done_on"])
        audit.record(
            actor=actor,
            action="pilot.milestone_done",
            target=milestone,
            before=before,
            organisation_id=project.organisation_id,
        )
    return milestone


# --- Stage gates -------------------------------------------------------------------------------------------------


def _entry_refusals(project: Project, to_stage: str) -> list[str]:
    """What a project lacks to pass into ``to_stage``."""
    missing = []
    if to_stage == Stage.FEASIBILITY and not project.criteria.exists():
        missing.append(_("agree at least one success criterion"))
    if to_stage == Stage.EXECUTION:
        if not project.criteria.exists():
            missing.append(_("agree at least one success criterion"))
        if not project.partners.filter(role=Partner.Role.PERFORMS).exists():
            missing.append(_("name the partner who does the work"))
        if not project.milestones.exists():
            missing.append(_("plan at least one milestone"))
    if to_stage == Stage.DECISION:
        pending = project.milestones.filter(done_on__isnull=True).count()
        if pending:
            missing.append(_("mark the milestones done (%(count)d open)") % {"count": pending})
    return missing


def gate_pass(*, actor: Any, project: Project, to_stage: Any, reason: Any) -> Gate:
    """Pass the project's next stage gate, saying why (the hub's staff). Skipping a gate is refused. Passing into
    the proof of concept or pilot starts it: the aid is granted (a de minimis grant checked against the
    company's headroom, or a GBER grant) and the service record opened, pointing at the grant."""
    require_staff(actor)
    text = check_text(reason, "reason", REASON_LIMIT, required=True, missing=_("Say why the project passes the gate."))
    with transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=project.pk)
        require_open(project)
        wanted = str(to_stage or "")
        if wanted not in STAGES:
            raise ValidationError({"to_stage": _("Choose a stage of the project.")})
        expected = project.next_stage
        if expected is None:
            raise ValidationError({"to_stage": _("The project is at its go/no-go decision: record the decision.")})
        if wanted != expected:
            raise ValidationError(
                {
                    "to_stage": _("The next gate leads from %(current)s to %(next)s; no gate is skipped.")
                    % {"current": Stage(project.stage).label, "next": Stage(expected).label}
                }
            )
        missing = _entry_refusals(project, wanted)
        if missing:
            raise ValidationError(
                {
                    "to_stage": _("Before %(stage)s: %(missing)s.")
                    % {"stage": Stage(wanted).label, "missing": "; ".join(missing)}
                }
            )
        gate = Gate.objects.create(
            project=project,
            from_stage=project.stage,
            to_stage=wanted,
            reason=text,
            decided_by=user_of(actor),
            decided_at=timezone.now(),
        )
        before = audit.snapshot(project)
        project.stage = wanted
        if wanted == Stage.EXECUTION:
            _start(actor, project)
        project.save()
        audit.record(
            actor=actor, action="pilot.gate", target=project, before=before, organisation_id=project.organisation_id
        )
        timeline(
            project,
            "pilot_started" if wanted == Stage.EXECUTION else "pilot_gate",
            actor,
            _gate_summary(project, wanted),
        )
    return gate


def _gate_summary(project: Project, stage: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return f"{project.title} ({Stage(stage).label})"


def budget_of(project: Project) -> Decimal:
    total = project.partners.aggregate(total=Sum("budget"))["total"] or Decimal("0")
    return Decimal(total).quantize(Decimal("0.01"))


def _start(actor: Any, project: Project) -> None:
    """The pilot starts today: its aid granted, its service record opened."""
    from moselle.reporting.actions import grant_record, record_start

    today = timezone.localdate()
    project.started_on = today
    price = budget_of(project)
    if project.aid_amount > price:
        raise ValidationError(
            {
                "aid_amount": _(
                    "The aid (%(aid)s EUR) is above the project's budget (%(price)s EUR, the partners' budgets)."
                )
                % {"aid": project.aid_amount, "price": price}
            }
        )
    grant: Grant | None = None
    if project.aid_amount > 0:
        with translation.override(settings.LANGUAGE_CODE):
            description = _("Test before invest: %(title)s") % {"title": project.title}
        try:
            grant, _warning = grant_record(
                actor=actor,
                organisation=project.organisation,
                amount=project.aid_amount,
                description=description[:300],
                basis=project.aid_basis,
                source=Grant.Source.PILOT,
                source_ref=f"pilot-{project.pk}",
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    "aid_amount": _("The project's aid cannot be granted to %(name)s: %(reason)s")
                    % {"name": project.organisation.name, "reason": " ".join(error.messages)}
                }
            ) from None
        project.grant = grant
    performer = project.partners.filter(role=Partner.Role.PERFORMS).order_by("id").first()
    with translation.override(settings.LANGUAGE_CODE):
        description = _("%(kind)s: %(title)s") % {"kind": project.get_kind_display(), "title": project.title}
    project.service_record = record_start(
        actor=actor,
        source="pilot",
        customer=project.organisation,
        category=EdihCategory.TEST_BEFORE_INVEST,
        description=description,
        started_on=today,
        partner=performer.organisation if performer else None,
        source_ref=f"pilot-{project.pk}",
        price=price,
        aid=project.aid_amount,
        aid_basis=project.aid_basis,
        grant=grant,
        technologies=list(project.technologies.all()),
    )


def project_stop(*, actor: Any, project: Project, reason: Any) -> Project:
    """Stop a project at its current gate, saying why: its bookings to come are cancelled, its service record (if
    the pilot started) closed today. Aid granted stays on the ledger: the hub cancels it there if it was never
    used."""
    from moselle.reporting.actions import record_finish

    require_staff(actor)
    text = check_text(reason, "reason", REASON_LIMIT, required=True, missing=_("Say why the project stops."))
    with transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=project.pk)
        require_open(project)
        before = audit.snapshot(project)
        Gate.objects.create(
            project=project,
            from_stage=project.stage,
            to_stage="",
            passed=False,
            reason=text,
            decided_by=user_of(actor),
            decided_at=timezone.now(),
        )
        today = timezone.localdate()
        project.status, project.stopped_reason = P.STOPPED, text
        project.save()
        _cancel_to_come(project, today)
        if project.service_record is not None:
            record_finish(actor=actor, record=project.service_record, ended_on=today)
        audit.record(
            actor=actor, action="pilot.stop", target=project, before=before, organisation_id=project.organisation_id
        )
        timeline(project, "pilot_stopped", actor)
    return project


def _cancel_to_come(project: Project, today: date) -> None:
    for booking in Booking.objects.filter(project=project, status=Booking.Status.BOOKED, period_start__gt=today):
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])


# --- Decision and sign-off ------------------------------------------------------------------------------------------


def decision_record(*, actor: Any, project: Project, data: Mapping[str, Any]) -> Project:
    """The go/no-go, with why, once every success criterion has its result; lessons learned and what follows: a
    new action on the company's roadmap, an investment triggered (funding's table), a funding application of the
    company. The work is over: the project's bookings of periods to come are cancelled. The company then signs it
    off."""
    from moselle.funding.applications import investment_record
    from moselle.journeys.actions import action_save

    require_staff(actor)
    checked = Checked(data)
    checked.take(
        "decision",
        lambda v: check_choice(v, Project.Decision.choices, "decision", _("Choose go or no go.")),
    )
    checked.take(
        "decision_reason",
        lambda v: check_text(v, "decision_reason", TEXT_LIMIT, required=True, missing=_("Say why.")),
    )
    checked.take("lessons", lambda v: check_text(v, "lessons", TEXT_LIMIT))
    checked.take("next_steps", lambda v: check_text(v, "next_steps", TEXT_LIMIT))
    checked.take("application", lambda v: _application_of(v, project))
    checked.take("next_action_title", lambda v: check_text(v, "next_action_title", TITLE_LIMIT))
    checked.take("investment_amount", lambda v: money(v, "investment_amount"))
    checked.take(
        "investment_kind",
        lambda v: (
            check_choice(v, _investment_kinds(), "investment_kind", _("Choose the type of investment."))
            if v not in (None, "")
            else ""
        ),
    )
    values = checked.values
    if values.get("investment_amount") and not values.get("investment_kind"):
        checked.add("investment_kind", _("Choose the type of investment."))
    if values.get("next_action_title") and not project.organisation.roadmaps.exists():
        checked.add("next_action_title", _("The company has no roadmap yet to add the action to."))
    checked.done()
    with transaction.atomic():
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("organisation", "service_record")
            .get(pk=project.pk)
        )
        require_open(project)
        if project.stage != Stage.DECISION:
            raise ValidationError({"decision": _("The go/no-go is taken at the last gate: pass the evaluation first.")})
        lacking = [c.text for c in project.criteria.order_by("id") if not c.has_result]
        if lacking:
            raise ValidationError(
                {
                    "criteria": _("Record the result against every success criterion first: %(names)s.")
                    % {"names": "; ".join(lacking)[:300]}
                }
            )
        before = audit.snapshot(project)
        today = timezone.localdate()
        project.decision = values["decision"]
        project.decision_reason = values["decision_reason"]
        project.lessons = values.get("lessons", "")
        project.next_steps = values.get("next_steps", "")
        project.application = values.get("application")
        project.decided_by, project.decided_on = user_of(actor), today
        project.status = P.DECIDED
        if values.get("next_action_title"):
            roadmap = project.organisation.roadmaps.order_by("-drafted_at", "-id").first()
            assert roadmap is not None  # checked above
            project.next_action = action_save(
                actor=actor,
                roadmap=roadmap,
                data={
                    "title": values["next_action_title"],
                    "horizon": "0-3",
                    "category": EdihCategory.TEST_BEFORE_INVEST,
                    "due_on": (today + timedelta(days=90)).isoformat(),
                },
            )
        if values.get("investment_amount"):
            project.investment = investment_record(
                actor=actor,
                organisation=project.organisation,
                data={
                    "amount": values["investment_amount"],
                    "kind": values["investment_kind"],
                    "made_on": today,
                    "source": "pilot",
                    "service_record": project.service_record,
                    "evidence": project.title,
                },
                system=True,
            )
        project.save()
        _cancel_to_come(project, today)
        audit.record(
            actor=actor, action="pilot.decide", target=project, before=before, organisation_id=project.organisation_id
        )
        timeline(project, "pilot_decided", actor, f"{project.title}: {in_hub_language(project.get_decision_display())}")
    return project


def _investment_kinds() -> list[tuple[str, Any]]:
    from moselle.funding.models import Investment

    return list(Investment.Kind.choices)


def _application_of(value: Any, project: Project) -> Application | None:
    if value in (None, ""):
        return None
    pk = pk_of(value)
    found = Application.objects.filter(pk=pk, organisation_id=project.organisation_id).first() if pk else None
    if found is None:
        raise ValidationError({"application": _("Choose one of the company's funding applications.")})
    return found


def has_members(organisation_id: int) -> bool:
    from moselle.accounts.models import Membership

    return Membership.objects.filter(organisation_id=organisation_id, status=Membership.Status.ACTIVE).exists()


def sign_off(*, actor: Any, project: Project, note: Any = "") -> Project:
    """The company (one of its members) signs the outcome off: the project is completed and its service record
    finalised today. A company with no member on the platform signed it off on paper: the hub's staff record it
    for the company, saying who signed and how."""
    from moselle.reporting.actions import record_finish

    on_behalf = project.organisation_id not in member_organisation_ids(actor)
    if on_behalf and not (is_hub_staff(actor) and not has_members(project.organisation_id)):
        raise ValidationError({"actor": _("Only the company's members sign its project off.")})
    text = check_text(
        note,
        "note",
        500,
        required=on_behalf,
        missing=_("The company has no member on the platform: say who signed the outcome off for it, and how."),
    )
    with transaction.atomic():
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("organisation", "service_record")
            .get(pk=project.pk)
        )
        if project.status != P.DECIDED:
            raise ValidationError({"status": _("The outcome is signed off once the hub has recorded the go/no-go.")})
        before = audit.snapshot(project)
        project.status = P.COMPLETED
        project.signed_off_by, project.signed_off_at, project.sign_off_note = user_of(actor), timezone.now(), text
        project.save()
        if project.service_record is not None:
            record_finish(actor=actor, record=project.service_record, ended_on=timezone.localdate())
        audit.record(
            actor=actor, action="pilot.sign_off", target=project, before=before, organisation_id=project.organisation_id
        )
        timeline(project, "pilot_signed_off", actor)
    return project


# --- Documents -------------------------------------------------------------------------------------------------------


def may_work_on(actor: Any, project: Project) -> bool:
    """The hub's staff, the company's members and the partners' members."""
    if is_hub_staff(actor):
        return True
    own = member_organisation_ids(actor)
    return project.organisation_id in own or project.partners.filter(organisation_id__in=own).exists()


def document_add(*, actor: Any, project: Project, upload: UploadedFile | None, title: Any = "") -> Document:
    """A file for the project: checked by its content (type and size limits), stored outside the web root with
    its SHA-256, served only to those who see the project."""
    if not may_work_on(actor, project):
        raise ValidationError({"actor": _("Only the project's people add documents to it.")})
    checked = Checked({"title": title})
    checked.take("title", lambda v: check_text(v, "title", TITLE_LIMIT))
    upload_checked = None
    if upload is None:
        checked.add("file", _("Choose a file."))
    else:
        try:
            upload_checked = files.check_upload(upload, field="file")
        except ValidationError as error:
            checked.absorb(error)
    checked.done()
    assert upload_checked is not None
    stored = None
    try:
        with transaction.atomic():
            stored = files.store(
                checked=upload_checked,
                organisation_id=project.organisation_id,
                uploaded_by_id=getattr(user_of(actor), "pk", None),
            )
            document = Document.objects.create(
                project=project, file=stored, title=checked.values["title"] or upload_checked.name[:TITLE_LIMIT]
            )
            audit.record(actor=actor, action="pilot.document", target=document, organisation_id=project.organisation_id)
    except BaseException:
        # The row was rolled back: its bytes go too, so that nothing is left half-written on disk.
        if stored is not None:
            files.absolute_path(stored).unlink(missing_ok=True)
        raise
    return document


def document_remove(*, actor: Any, document: Document) -> None:
    """The hub's staff, or who uploaded it, remove a document; the stored bytes go with it."""
    uploader = document.file.uploaded_by_id
    if not (is_hub_staff(actor) or (uploader is not None and uploader == getattr(user_of(actor), "pk", None))):
        raise ValidationError({"actor": _("Only the hub's staff and who uploaded it remove a document.")})
    path = files.absolute_path(document.file)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="pilot.document_remove",
            target=document,
            organisation_id=document.project.organisation_id,
        )
        stored = document.file
        document.delete()
        stored.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


__all__ = [
    "availability_text",
    "book",
    "booking_cancel",
    "budget_of",
    "criterion_remove",
    "criterion_result",
    "criterion_save",
    "decision_record",
    "document_add",
    "document_remove",
    "facility_save",
    "gate_pass",
    "has_members",
    "may_book",
    "may_work_on",
    "milestone_done",
    "milestone_save",
    "partner_remove",
    "partner_save",
    "periods",
    "project_create",
    "project_stop",
    "project_update",
    "sign_off",
    "usage_record",
]
