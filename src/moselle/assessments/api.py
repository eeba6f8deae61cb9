"""API of the maturity assessments: the questionnaires, starting, answering and submitting an assessment,
its results and progress, and the gaps the journey turns into needs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from moselle.assessments import actions, presentation, questionnaires, results, scoring
from moselle.assessments import answers as answer_rules
from moselle.assessments.access import (
    get_assessment_for_user,
    get_assessment_to_fill,
    get_organisation_to_assess,
    require_assessment_staff,
    visible_assessments,
)
from moselle.assessments.models import Assessment, Result
from moselle.core.api_taxonomy import LangParams
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.i18n import pick
from moselle.organisations.access import get_organisation_for_user

router = Router(tags=["assessments"])

QuestionnaireKind = Literal["sme", "pso"]


# --- Questionnaires -----------------------------------------------------------------------------------------


class ItemOut(Schema):
    id: str = Field(description="The item's key within its question.")
    label: str
    negative: bool = Field(description="True for the SME item 'data is not collected digitally'.")


class QuestionOut(Schema):
    id: str
    kind: str = Field(description="checklist, dual (invested/planned), scale (0-5) or npy (no/partially/yes).")
    text: str
    items: list[ItemOut]


class DimensionOut(Schema):
    id: str
    name: str
    export_column: str = Field(description="The column of the official DMA tool's results export.")
    questions: list[QuestionOut]


class CustomerFieldOut(Schema):
    id: str
    kind: str
    required: bool
    label: str
    choices: list[str]
    max_choices: int


class QuestionnaireOut(Schema):
    type: QuestionnaireKind
    version: str
    title: str
    customer_fields: list[CustomerFieldOut]
    dimensions: list[DimensionOut]


def questionnaire_out(questionnaire: questionnaires.Questionnaire, lang: str) -> dict[str, Any]:
    return {
        "type": questionnaire.type,
        "version": questionnaire.version,
        "title": pick(questionnaire.title, lang),
        "customer_fields": [
            {
                "id": f.key,
                "kind": f.kind,
                "required": f.required,
                "label": pick(f.label, lang),
                "choices": [c.key for c in f.choices],
                "max_choices": f.max_choices,
            }
            for f in questionnaire.module1
        ],
        "dimensions": [
            {
                "id": d.key,
                "name": pick(d.title, lang),
                "export_column": d.export_column,
                "questions": [
                    {
                        "id": q.key,
                        "kind": q.kind,
                        "text": pick(q.text, lang),
                        "items": [{"id": i.key, "label": pick(i.label, lang), "negative": i.negative} for i in q.items],
                    }
                    for q in d.questions
                ],
            }
            for d in questionnaire.dimensions
        ],
    }


@router.get(
    "/questionnaires/{kind}/{version}",
    response={200: QuestionnaireOut, **ERRORS},
    summary="One version of a questionnaire, with its items, in the language asked",
)
def questionnaire_detail(request: HttpRequest, kind: QuestionnaireKind, version: str, params: Query[LangParams]) -> Any:
    found = questionnaires.get(kind, version) if version != "current" else questionnaires.current(kind)
    if found is None:
        raise Http404
    return questionnaire_out(found, params.lang)


# --- Assessments ------------------------------------------------------------------------------------------


class AssessmentMissingOut(Schema):
    step: str = Field(description="'customer' or the dimension.")
    id: str = Field(description="The field or question not answered yet.")
    label: str


class AssessmentOut(Schema):
    id: int
    organisation_id: int
    questionnaire_type: QuestionnaireKind
    questionnaire_version: str
    stage: str
    status: str
    mode: str
    customer: dict[str, Any] = Field(description="Module 1: field id to value (a list for several choices).")
    answers: dict[str, Any] = Field(
        description="Question id to answer: checklist a list of item ids; dual {item: ['invested', 'planned']}; "
        "scale {item: 0-5}; npy {item: 'no' | 'partially' | 'yes'}."
    )
    missing: list[AssessmentMissingOut] = Field(description="What must be answered before it can be submitted.")
    started_at: datetime
    submitted_at: datetime | None
    taken_on: date | None


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    questionnaire = questionnaires.get(assessment.questionnaire_type, assessment.questionnaire_version)
    missing = (
        answer_rules.missing(questionnaire, assessment.customer, assessment.answers)
        if questionnaire is not None and not assessment.is_submitted
        else []
    )
    return {
        "id": assessment.pk,
        "organisation_id": assessment.organisation_id,
        "questionnaire_type": assessment.questionnaire_type,
        "questionnaire_version": assessment.questionnaire_version,
        "stage": assessment.stage,
        "status": assessment.status,
        "mode": assessment.mode,
        "customer": assessment.customer,
        "answers": assessment.answers,
        "missing": [{"step": m.step, "id": m.key, "label": m.label} for m in missing],
        "started_at": assessment.created_at,
        "submitted_at": assessment.submitted_at,
        "taken_on": assessment.taken_on,
    }


class AssessmentFilter(Schema):
    stage: Literal["", "T0", "T1", "T2"] = Field("", description="Only this stage.")
    status: Literal["", "draft", "submitted"] = Field("", description="Only drafts or only submitted ones.")


@router.get(
    "/assessments",
    response={200: Page[AssessmentOut], **ERRORS},
    summary="Assessments the caller may see (hub staff: all; members: their organisations')",
)
def assessment_list(request: HttpRequest, params: Query[PageParams], filters: Query[AssessmentFilter]) -> Any:
    rows = visible_assessments(request.user)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.status:
        rows = rows.filter(status=filters.status)
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("id"), limit=limit, offset=offset)
    page["items"] = [assessment_out(a) for a in page["items"]]
    return page


class AssessmentStart(Schema):
    stage: Literal["T0", "T1", "T2"]
    mode: Literal["self", "advisor"] = Field("self", description="Filled in by the organisation, or with an advisor.")
    questionnaire_type: QuestionnaireKind | None = Field(
        None, description="Enterprise or public sector; by default public bodies take 'pso', others 'sme'."
    )

    model_config = {"extra": "forbid"}


@router.post(
    "/organisations/{organisation_id}/assessments",
    response={201: AssessmentOut, 200: AssessmentOut, **WRITE_ERRORS},
    summary="Start an assessment at a stage (an open draft of that stage is returned as it is, with 200)",
)
def assessment_start(request: HttpRequest, organisation_id: int, payload: AssessmentStart) -> Any:
    organisation = get_organisation_to_assess(request.user, organisation_id)
    existing = organisation.assessments.filter(stage=payload.stage, status=Assessment.Status.DRAFT).exists()
    assessment = actions.assessment_start(
        actor=request.user,
        organisation=organisation,
        stage=payload.stage,
        mode=payload.mode,
        questionnaire_type=payload.questionnaire_type,
    )
    return Status(200 if existing else 201, assessment_out(assessment))


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS}, summary="One assessment")
def assessment_detail(request: HttpRequest, assessment_id: int) -> Any:
    return assessment_out(get_assessment_for_user(request.user, assessment_id))


class AnswersIn(Schema):
    version: str = Field(max_length=20, description="The questionnaire version the answers are for.")
    answers: dict[str, Any] | None = Field(None, description="Question id to answer; each replaces the earlier one.")
    customer: dict[str, Any] | None = Field(None, description="Module 1 fields to change.")

    model_config = {"extra": "forbid"}


@router.patch(
    "/assessments/{assessment_id}/answers",
    response={200: AssessmentOut, **WRITE_ERRORS},
    summary="Keep answers of a draft (a submitted assessment cannot change)",
)
def assessment_answer(request: HttpRequest, assessment_id: int, payload: AnswersIn) -> Any:
    assessment = get_assessment_to_fill(request.user, assessment_id)
    assessment = actions.assessment_save(
        actor=request.user,
        assessment=assessment,
        answers=payload.answers,
        customer=payload.customer,
        version=payload.version,
    )
    return assessment_out(assessment)


class ResultOut(Schema):
    id: int
    assessment_id: int
    stage: str
    questionnaire_type: QuestionnaireKind
    questionnaire_version: str
    rule: str = Field(description="Invested/planned rule and negative-item rule (e.g. A/exclude), or 'official'.")
    rule_label: str
    dimensions: dict[str, Decimal] = Field(description="d1 to d6, 0-100.")
    overall: Decimal
    band: str
    rescored_from: int | None
    scored_at: datetime


def result_out(result: Result) -> dict[str, Any]:
    return {
        "id": result.pk,
        "assessment_id": result.assessment_id,
        "stage": result.stage,
        "questionnaire_type": result.questionnaire_type,
        "questionnaire_version": result.questionnaire_version,
        "rule": result.rule,
        "rule_label": presentation.rule_label(result.rule),
        "dimensions": result.dimension_scores(),
        "overall": result.overall,
        "band": result.band,
        "rescored_from": result.rescored_from_id,
        "scored_at": result.created_at,
    }


@router.post(
    "/assessments/{assessment_id}/submit",
    response={201: ResultOut, **WRITE_ERRORS},
    summary="Submit a complete draft: it is scored under the platform's rule and cannot change afterwards",
)
def assessment_submit(request: HttpRequest, assessment_id: int) -> Any:
    assessment = get_assessment_to_fill(request.user, assessment_id)
    return Status(201, result_out(actions.assessment_submit(actor=request.user, assessment=assessment)))


@router.get(
    "/assessments/{assessment_id}/results",
    response={200: list[ResultOut], **ERRORS},
    summary="An assessment's results: the first, and any re-scoring under another rule",
)
def assessment_results(request: HttpRequest, assessment_id: int) -> Any:
    assessment = get_assessment_for_user(request.user, assessment_id)
    return [result_out(r) for r in assessment.results.order_by("created_at", "id")]


class RescoreIn(Schema):
    dual: Literal["A", "B", "C", "D"]
    negative: Literal["exclude", "penalty", "count"]

    model_config = {"extra": "forbid"}


@router.post(
    "/assessments/{assessment_id}/rescore",
    response={201: ResultOut, **WRITE_ERRORS},
    summary="Score a submitted assessment again under another rule (hub staff): a new, labelled result",
)
def assessment_rescore(request: HttpRequest, assessment_id: int, payload: RescoreIn) -> Any:
    require_assessment_staff(request.user)
    assessment = get_assessment_for_user(request.user, assessment_id)
    first = assessment.results.order_by("created_at", "id").first()
    if first is None:
        raise ValidationError({"assessment": _("Only a submitted assessment has results to score again.")})
    rule = scoring.ScoringRule(dual=payload.dual, negative=payload.negative)
    return Status(201, result_out(actions.result_rescore(actor=request.user, result=first, rule=rule)))


class GapOut(Schema):
    dimension: str
    question: str
    item: str
    status: str = Field(description="missing, planned (invested not yet) or partial.")
    label: str = Field(description="The item, in the language asked.")
    text: str = Field(description="The gap in plain words.")


@router.get(
    "/assessments/{assessment_id}/gaps",
    response={200: list[GapOut], **ERRORS},
    summary="What is not in place yet, item by item, for the roadmap",
)
def assessment_gaps(request: HttpRequest, assessment_id: int, params: Query[LangParams]) -> Any:
    from django.utils import translation

    assessment = get_assessment_for_user(request.user, assessment_id)
    questionnaire = questionnaires.get(assessment.questionnaire_type, assessment.questionnaire_version)
    if questionnaire is None:
        return []
    with translation.override(params.lang):
        lines = presentation.gap_lines(questionnaire, assessment.answers)
    return [
        {"dimension": key, "question": g.question, "item": g.item, "status": g.status, "label": g.label, "text": g.text}
        for key, gaps in lines.items()
        for g in gaps
    ]


class ProgressOut(Schema):
    start: str
    end: str
    dimensions: dict[str, Decimal] = Field(description="Percentage points, d1 to d6.")
    overall: Decimal


class MaturityOut(Schema):
    questionnaire_type: QuestionnaireKind
    rule: str
    stages: dict[str, ResultOut] = Field(description="Per stage, the result under the platform's rule if any.")
    progress: list[ProgressOut] = Field(description="Only between results of the same questionnaire, version, rule.")


@router.get(
    "/organisations/{organisation_id}/maturity",
    response={200: MaturityOut, **ERRORS},
    summary="An organisation's results by stage and its progress",
)
def organisation_maturity(
    request: HttpRequest, organisation_id: int, questionnaire_type: QuestionnaireKind = "sme"
) -> Any:
    organisation = get_organisation_for_user(request.user, organisation_id)
    rule = actions.current_rule().code
    by_stage = results.stage_results(organisation, questionnaire_type, rule)
    return {
        "questionnaire_type": questionnaire_type,
        "rule": rule,
        "stages": {stage: result_out(r) for stage, r in by_stage.items()},
        "progress": [
            {"start": p.start, "end": p.end, "dimensions": p.dimensions, "overall": p.overall}
            for p in results.progress(by_stage)
        ],
    }
