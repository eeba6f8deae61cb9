"""Every write to assessments, results and interpretation texts goes through these functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.assessments import answers as answer_rules
from moselle.assessments import prefill, questionnaires, scoring
from moselle.assessments.models import Assessment, Interpretation, Result, Stage
from moselle.core import audit
from moselle.core.i18n import validate_translated_text
from moselle.organisations.models import Organisation

# What an earlier stage must be before the next one may start.
PREVIOUS_STAGE = {Stage.T1: Stage.T0, Stage.T2: Stage.T1}
_AUDITED = ["organisation_id", "questionnaire_type", "questionnaire_version", "stage", "status", "mode"]


def current_rule() -> scoring.ScoringRule:
    return scoring.ScoringRule(dual=settings.MOSELLE_DMA_DUAL_RULE, negative=settings.MOSELLE_DMA_NEGATIVE_RULE)


def questionnaire_type_for(organisation: Organisation) -> str:
    """Public bodies take the public-sector questionnaire, everyone else the enterprise one."""
    return questionnaires.PSO if Organisation.Kind.PUBLIC_BODY in organisation.kinds else questionnaires.SME


def questionnaire_of(assessment: Assessment) -> questionnaires.Questionnaire:
    found = questionnaires.get(assessment.questionnaire_type, assessment.questionnaire_version)
    if found is None:
        raise ValidationError(
            {"questionnaire_version": _("This version of the questionnaire is not installed on this platform.")}
        )
    return found


def _submitted(organisation: Organisation, stage: str) -> Assessment | None:
    return organisation.assessments.filter(stage=stage, status=Assessment.Status.SUBMITTED).first()


def check_stage(organisation: Organisation, stage: str, questionnaire_type: str) -> None:
    """One submitted assessment per stage; T1 needs a T0 and T2 a T1, of the same questionnaire."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose T0, T1 or T2.")})
    if _submitted(organisation, stage) is not None:
        raise ValidationError(
            {
                "stage": _("%(name)s already has a submitted %(stage)s assessment.")
                % {"name": organisation.name, "stage": stage}
            }
        )
    previous = PREVIOUS_STAGE.get(Stage(stage))
    if previous is not None:
        before = _submitted(organisation, previous)
        if before is None:
            raise ValidationError(
                {
                    "stage": _("A %(stage)s assessment needs a submitted %(previous)s first.")
                    % {"stage": stage, "previous": previous}
                }
            )
        if before.questionnaire_type != questionnaire_type:
            raise ValidationError(
                {
                    "stage": _(
                        "The %(previous)s assessment used the other questionnaire; %(stage)s must use the same one."
                    )
                    % {"stage": stage, "previous": previous}
                }
            )


def assessment_start(
    *,
    actor: Any,
    organisation: Organisation,
    stage: str,
    mode: str = Assessment.Mode.SELF,
    questionnaire_type: str | None = None,
) -> Assessment:
    """Open a draft for a stage, Module 1 filled in from the registry; an open draft is returned as it is."""
    if mode not in (Assessment.Mode.SELF, Assessment.Mode.ADVISOR):
        raise ValidationError({"mode": _("Choose whether the organisation fills it in alone or with an advisor.")})
    kind = questionnaire_type or questionnaire_type_for(organisation)
    if kind not in questionnaires.TYPES:
        raise ValidationError({"questionnaire_type": _("Choose the enterprise or the public-sector questionnaire.")})
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        draft = organisation.assessments.filter(stage=stage, status=Assessment.Status.DRAFT).first()
        if draft is not None:
            return draft
        if organisation.merged_into_id or organisation.is_historical:
            raise ValidationError({"organisation": _("This organisation was merged or is historical.")})
        check_stage(organisation, stage, kind)
        questionnaire = questionnaires.current(kind)
        assessment = Assessment.objects.create(
            organisation=organisation,
            questionnaire_type=kind,
            questionnaire_version=questionnaire.version,
            stage=stage,
            mode=mode,
            customer=prefill.customer_data(questionnaire, organisation),
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="assessment.start",
            target=assessment,
            after=audit.snapshot(assessment, fields=_AUDITED),
            organisation_id=organisation.pk,
        )
    return assessment


def _check_version(assessment: Assessment, version: str | None) -> None:
    if version is not None and version != assessment.questionnaire_version:
        raise ValidationError(
            {
                "version": _("These answers are for version %(given)s; this assessment uses version %(version)s.")
                % {"given": str(version)[:20], "version": assessment.questionnaire_version}
            }
        )


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_submitted:
        raise ValidationError({"status": _("A submitted assessment cannot be changed.")})
    return locked


def assessment_save(
    *,
    actor: Any,
    assessment: Assessment,
    answers: Any = None,
    customer: Any = None,
    version: str | None = None,
    mode: str | None = None,
) -> Assessment:
    """Keep some answers or customer data of a draft; each question given replaces its earlier answer."""
    questionnaire = questionnaire_of(assessment)
    _check_version(assessment, version)
    cleaned_answers = answer_rules.clean_answers(questionnaire, answers) if answers is not None else {}
    cleaned_customer = answer_rules.clean_customer(questionnaire, customer) if customer is not None else {}
    if mode is not None and mode not in (Assessment.Mode.SELF, Assessment.Mode.ADVISOR):
        raise ValidationError({"mode": _("Choose whether the organisation fills it in alone or with an advisor.")})
    with transaction.atomic():
        locked = _lock_draft(assessment)
        locked.answers = {**locked.answers, **cleaned_answers}
        locked.customer = {**locked.customer, **cleaned_customer}
        if mode is not None:
            locked.mode = mode
        locked.save(update_fields=["answers", "customer", "mode", "updated_at"])
    return locked


def assessment_discard(*, actor: Any, assessment: Assessment) -> None:
    """Delete a draft nobody wants to finish."""
    with transaction.atomic():
        locked = _lock_draft(assessment)
        audit.record(
            actor=actor,
            action="assessment.discard",
            target=locked,
            before=audit.snapshot(locked, fields=_AUDITED),
            after={},
            organisation_id=locked.organisation_id,
        )
        locked.delete()


def _store_result(assessment: Assessment, rule: scoring.ScoringRule, *, rescored_from: Result | None = None) -> Result:
    questionnaire = questionnaire_of(assessment)
    scores = scoring.score(questionnaire, assessment.answers, rule)
    dimensions, overall = scores.rounded()
    return Result.objects.create(
        assessment=assessment,
        organisation_id=assessment.organisation_id,
        questionnaire_type=assessment.questionnaire_type,
        questionnaire_version=assessment.questionnaire_version,
        stage=assessment.stage,
        rule=rule.code,
        dimensions={key: str(value) for key, value in dimensions.items()},
        overall=overall,
        band=scoring.band(overall),
        rescored_from=rescored_from,
    )


def assessment_submit(*, actor: Any, assessment: Assessment, taken_on: date | None = None) -> Result:
    """Close the assessment and score it under the platform's rule. Earlier stages of the same organisation
    scored under another rule are re-scored too, as new labelled results, so that progress compares like
    with like. ``taken_on`` is the day of the assessment when it is keyed in later (today by default)."""
    if taken_on is not None and taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("The assessment cannot be dated in the future.")})
    questionnaire = questionnaire_of(assessment)
    rule = current_rule()
    with transaction.atomic():
        locked = _lock_draft(assessment)
        gaps = answer_rules.missing(questionnaire, locked.customer, locked.answers)
        if gaps:
            raise ValidationError({"answers": [_("Not answered yet: %(what)s") % {"what": gap.label} for gap in gaps]})
        check_stage(locked.organisation, locked.stage, locked.questionnaire_type)
        before = audit.snapshot(locked, fields=_AUDITED)
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.taken_on = taken_on or timezone.localdate()
        locked.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "submitted_at", "taken_on", "submitted_by", "updated_at"])
        except IntegrityError:
            raise ValidationError(
                {
                    "stage": _("This organisation already has a submitted %(stage)s assessment.")
                    % {"stage": locked.stage}
                }
            ) from None
        result = _store_result(locked, rule)
        for earlier in Assessment.objects.filter(
            organisation_id=locked.organisation_id,
            status=Assessment.Status.SUBMITTED,
            questionnaire_type=locked.questionnaire_type,
            questionnaire_version=locked.questionnaire_version,
        ).exclude(pk=locked.pk):
            _rescore_if_needed(earlier, rule)
        audit.record(
            actor=actor,
            action="assessment.submit",
            target=locked,
            before=before,
            after=audit.snapshot(locked, fields=_AUDITED),
            organisation_id=locked.organisation_id,
        )
        from moselle.journeys.actions import activity_record

        activity_record(
            organisation=locked.organisation,
            kind="assessment",
            verb="assessment_submitted",
            target=locked,
            actor=actor,
            summary=locked.stage,
        )
    return result


def _rescore_if_needed(assessment: Assessment, rule: scoring.ScoringRule) -> Result | None:
    if assessment.mode == Assessment.Mode.IMPORTED or assessment.results.filter(rule=rule.code).exists():
        return None
    source = assessment.results.order_by("created_at", "id").first()
    return _store_result(assessment, rule, rescored_from=source)


def result_rescore(*, actor: Any, result: Result, rule: scoring.ScoringRule) -> Result:
    """Score a submitted assessment's answers again under another rule: a new result, labelled with its
    origin. The original result stays as it was."""
    assessment = result.assessment
    if assessment.mode == Assessment.Mode.IMPORTED:
        raise ValidationError({"rule": _("An imported result has no answers to score again.")})
    with transaction.atomic():
        existing = assessment.results.filter(rule=rule.code).first()
        if existing is not None:
            return existing
        new = _store_result(assessment, rule, rescored_from=result)
        audit.record(
            actor=actor,
            action="result.rescore",
            target=new,
            after=audit.snapshot(new, fields=["assessment_id", "rule", "overall", "band", "rescored_from_id"]),
            organisation_id=assessment.organisation_id,
        )
    return new


def interpretation_set(*, actor: Any, questionnaire_type: str, dimension: str, band: str, text: Any) -> Interpretation:
    """The hub's words for a band, overall (``dimension`` empty) or for one dimension."""
    if questionnaire_type not in questionnaires.TYPES:
        raise ValidationError({"questionnaire_type": _("Choose the enterprise or the public-sector questionnaire.")})
    if dimension and questionnaires.current(questionnaire_type).dimension(dimension) is None:
        raise ValidationError({"dimension": _("Unknown dimension.")})
    if band not in scoring.BANDS:
        raise ValidationError({"band": _("Unknown band.")})
    try:
        validate_translated_text(text)
    except ValidationError as error:
        raise ValidationError({"text": error.messages}) from None
    cleaned = {code: str(value).strip()[:2000] for code, value in text.items() if str(value).strip()}
    with transaction.atomic():
        row, _created = Interpretation.objects.select_for_update().get_or_create(
            questionnaire_type=questionnaire_type, dimension=dimension, band=band, defaults={"text": cleaned}
        )
        before = audit.snapshot(row, fields=["text"])
        row.text = cleaned
        row.save(update_fields=["text", "updated_at"])
        audit.record(
            actor=actor,
            action="interpretation.set",
            target=row,
            before=before,
            after=audit.snapshot(row, fields=["text"]),
        )
    return row
