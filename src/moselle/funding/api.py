"""API of funding: the programmes with their calls and rules, a company's eligibility rule by rule, its
declarations, and the support a programme would give for a cost.

Programmes and calls are written by the hub's staff; their rules are data in the documented vocabulary
(docs/funding.md), checked on every write, so a new programme needs no code. Every write goes through
``funding.actions``, which names every bad field (422).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from moselle.core.apicommon import ERRORS, WRITE_ERRORS
from moselle.funding import access, actions, queries
from moselle.funding import rules as rulebook
from moselle.funding.facts import Facts
from moselle.funding.models import Call, Declaration, Programme

router = Router(tags=["funding"])

TOP = 2**31 - 1
TRANSLATED = 'Text per language: {"en": …, "fr": …, "de": …}; at least one language.'
Scope = Literal["eu", "national", "regional", "cross_border"]
Instrument = Literal["grant", "fixed_grant", "subsidised_service", "loan", "equity", "blended"]
Confidence = Literal["high", "medium", "unverified"]
RULES = (
    "Eligibility rules, each a mapping with its fact: size_class {in}, country {in}, region {in}, nace {include, "
    "exclude}, age {min_years, max_years}, business_permit, not_in_difficulty, aid_eligible_activity, "
    "cool_down {years}, de_minimis_headroom {min_eur}, approved_provider. See docs/funding.md."
)


class CallOut(Schema):
    id: int
    title: dict[str, str] = Field(description=TRANSLATED)
    opens_on: date | None
    closes_on: date | None = Field(description="Null: open all year.")
    budget: Decimal | None
    topics: list[str]
    open: bool = Field(description="Open today.")
    closing_soon: bool = Field(description="Open today and closing within the next 30 days.")


class ProgrammeOut(Schema):
    id: int
    code: str
    name: dict[str, str] = Field(description=TRANSLATED)
    description: dict[str, str] = Field(description=TRANSLATED)
    operator: str
    scope: Scope
    instrument: Instrument
    rate_pct: Decimal | None = Field(description="The highest share of eligible costs covered, in percent.")
    rate_note: str
    amount_fixed: Decimal | None
    amount_min: Decimal | None
    amount_max: Decimal | None
    conditions: str
    source_url: str
    confidence: Confidence = Field(description="How sure the figures are; unverified figures are not facts.")
    confidence_note: str
    rules: list[dict[str, Any]] = Field(description=RULES)
    approved_providers: list[int]
    active: bool
    calls: list[CallOut]


def _call_out(call: Call, today: date) -> dict[str, Any]:
    return {
        "id": call.pk,
        "title": call.title,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "budget": call.budget,
        "topics": call.topics,
        "open": queries.is_open(call, today),
        "closing_soon": queries.closing_soon(call, today),
    }


def programme_out(programme: Programme) -> dict[str, Any]:
    today = queries.today()
    return {
        "id": programme.pk,
        "code": programme.code,
        "name": programme.name,
        "description": programme.description,
        "operator": programme.operator,
        "scope": programme.scope,
        "instrument": programme.instrument,
        "rate_pct": programme.rate_pct,
        "rate_note": programme.rate_note,
        "amount_fixed": programme.amount_fixed,
        "amount_min": programme.amount_min,
        "amount_max": programme.amount_max,
        "conditions": programme.conditions,
        "source_url": programme.source_url,
        "confidence": programme.confidence,
        "confidence_note": programme.confidence_note,
        "rules": programme.rules,
        "approved_providers": [provider.pk for provider in programme.approved_providers.all()],
        "active": programme.active,
        "calls": [_call_out(call, today) for call in programme.calls.all()],
    }


def _programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    found = queries.with_details(access.visible_programmes(request.user).filter(pk=programme_id)).first()
    assert found is not None  # the caller checked it with the access helpers
    return programme_out(found)


@router.get("/funding/programmes", response={200: list[ProgrammeOut], **ERRORS}, summary="The funding programmes")
def programme_list(request: HttpRequest) -> Any:
    return [programme_out(p) for p in queries.with_details(access.visible_programmes(request.user))]


@router.get("/funding/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS}, summary="A programme")
def programme_detail(request: HttpRequest, programme_id: int) -> Any:
    programme = access.get_programme_for_user(request.user, programme_id)
    return _programme(request, programme.pk)


class ProgrammeIn(Schema):
    code: str = Field(description="Small letters, digits and dashes, e.g. lu-fit4digital; never changes.")
    name: dict[str, str] = Field(description=TRANSLATED)
    description: dict[str, str] = Field({}, description=TRANSLATED)
    operator: str
    scope: Scope
    instrument: Instrument
    rate_pct: Decimal | None = Field(None, description="0 to 100.")
    rate_note: str = ""
    amount_fixed: Decimal | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    conditions: str = ""
    source_url: str = ""
    confidence: Confidence = "unverified"
    confidence_note: str = ""
    rules: list[dict[str, Any]] = Field([], description=RULES)
    approved_providers: list[int] = Field([], description="Registry ids of the providers the programme approved.")
    technologies: list[str] = Field([], description="EDIH technology names.")
    active: bool = True

    model_config = {"extra": "forbid"}


class ProgrammePatch(Schema):
    name: dict[str, str] | None = Field(None, description=TRANSLATED)
    description: dict[str, str] | None = Field(None, description=TRANSLATED)
    operator: str | None = None
    scope: Scope | None = None
    instrument: Instrument | None = None
    rate_pct: Decimal | None = Field(None, description="0 to 100; null clears it.")
    rate_note: str | None = None
    amount_fixed: Decimal | None = Field(None, description="Null clears it.")
    amount_min: Decimal | None = Field(None, description="Null clears it.")
    amount_max: Decimal | None = Field(None, description="Null clears it.")
    conditions: str | None = None
    source_url: str | None = None
    confidence: Confidence | None = None
    confidence_note: str | None = None
    rules: list[dict[str, Any]] | None = Field(None, description="Replaces every rule. " + RULES)
    approved_providers: list[int] | None = None
    technologies: list[str] | None = None
    active: bool | None = None

    model_config = {"extra": "forbid"}


CLEARABLE = {"rate_pct", "amount_fixed", "amount_min", "amount_max"}


@router.post("/funding/programmes", response={201: ProgrammeOut, **WRITE_ERRORS}, summary="Add a programme (hub staff)")
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Any:
    access.require_funding_staff(request.user)
    programme = actions.programme_create(actor=request.user, data=payload.dict())
    return Status(201, _programme(request, programme.pk))


@router.patch(
    "/funding/programmes/{programme_id}",
    response={200: ProgrammeOut, **WRITE_ERRORS},
    summary="Change a programme (hub staff)",
)
def programme_update(request: HttpRequest, programme_id: int, payload: ProgrammePatch) -> Any:
    programme = access.get_programme_to_edit(request.user, programme_id)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in CLEARABLE}
    actions.programme_update(actor=request.user, programme=programme, data=given)
    return _programme(request, programme.pk)


class CallIn(Schema):
    title: dict[str, str] = Field(description=TRANSLATED)
    opens_on: date | None = None
    closes_on: date | None = Field(None, description="Null: open all year. Not before opens_on.")
    budget: Decimal | None = None
    topics: list[str] = []
    technologies: list[str] = Field([], description="EDIH technology names.")

    model_config = {"extra": "forbid"}


@router.post(
    "/funding/programmes/{programme_id}/calls",
    response={201: CallOut, **WRITE_ERRORS},
    summary="Add a call to a programme (hub staff)",
)
def call_create(request: HttpRequest, programme_id: int, payload: CallIn) -> Any:
    programme = access.get_programme_to_edit(request.user, programme_id)
    call = actions.call_create(actor=request.user, programme=programme, data=payload.dict())
    return Status(201, _call_out(call, queries.today()))


# --- A company's eligibility ---------------------------------------------------------------------------------


class FundingMissingOut(Schema):
    fact: str
    text: str
    who: Literal["company", "staff"] = Field(description="Who can supply it: the company or the hub's staff.")


class RuleOut(Schema):
    fact: str
    outcome: Literal["met", "not_met", "unknown", "condition"]
    reason: str
    used: dict[str, Any] = Field(description="The facts the rule read.")
    missing: list[FundingMissingOut]


class EvaluationOut(Schema):
    programme_id: int
    code: str
    outcome: Literal["eligible", "not_eligible", "unknown"]
    rules: list[RuleOut]
    confidence: Confidence


class EligibilityQuery(Schema):
    programme: int | None = Field(None, ge=1, le=TOP, description="One programme; all active ones when absent.")
    provider: int | None = Field(None, ge=1, le=TOP, description="The provider the project would use.")
    amount: Decimal | None = Field(None, ge=0, le=10**10, description="The support asked for, in euros.")


def evaluation_out(evaluation: rulebook.Evaluation) -> dict[str, Any]:
    return {
        "programme_id": evaluation.programme.pk,
        "code": evaluation.programme.code,
        "outcome": evaluation.outcome,
        "confidence": evaluation.programme.confidence,
        "rules": [
            {
                "fact": result.fact,
                "outcome": result.outcome,
                "reason": result.reason,
                "used": dict(result.used),
                "missing": [{"fact": m.fact, "text": m.text, "who": m.who} for m in result.missing],
            }
            for result in evaluation.results
        ],
    }


@router.get(
    "/funding/organisations/{organisation_id}/eligibility",
    response={200: list[EvaluationOut], **ERRORS},
    summary="A company's eligibility for the programmes, rule by rule (its members and hub staff)",
)
def eligibility(request: HttpRequest, organisation_id: int, query: Query[EligibilityQuery]) -> Any:
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    programmes = access.visible_programmes(request.user).filter(active=True)
    if query.programme is not None:
        programmes = access.visible_programmes(request.user).filter(pk=query.programme)
    provider = queries.provider(request.user, query.provider)
    facts = Facts(organisation, amount=query.amount, provider=provider)
    return [evaluation_out(e) for e in rulebook.evaluate_all(list(queries.with_details(programmes)), facts)]


class FundingDeclarationIn(Schema):
    kind: Literal[
        "business_permit", "not_in_difficulty", "aid_eligible_activity", "de_minimis_complete", "programme_history"
    ] = Field(description="de_minimis_complete: all the de minimis aid received in the last three years is declared.")
    holds: bool = Field(description="Whether it is so; for the history, whether a grant was received.")
    programme: int | None = Field(None, ge=1, le=TOP, description="For the history: the programme's id.")
    last_granted_on: date | None = Field(None, description="For the history, when a grant was received: its date.")

    model_config = {"extra": "forbid"}


class FundingDeclarationOut(Schema):
    id: int
    kind: str
    holds: bool
    programme: int | None
    last_granted_on: date | None
    declared_on: date


@router.post(
    "/funding/organisations/{organisation_id}/declarations",
    response={201: FundingDeclarationOut, **WRITE_ERRORS},
    summary="Record what a company declares for the programmes' rules (its members and hub staff)",
)
def declaration_create(request: HttpRequest, organisation_id: int, payload: FundingDeclarationIn) -> Any:
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    declaration: Declaration = actions.declaration_record(
        actor=request.user, organisation=organisation, data=payload.dict()
    )
    return Status(
        201,
        {
            "id": declaration.pk,
            "kind": declaration.kind,
            "holds": declaration.holds,
            "programme": declaration.programme_id,
            "last_granted_on": declaration.last_granted_on,
            "declared_on": declaration.declared_on,
        },
    )


class EstimateQuery(Schema):
    cost: Decimal = Field(ge=0, le=10**10, description="The eligible cost, in euros.")


class EstimateOut(Schema):
    amount: Decimal | None = Field(description="Null when the programme's figures give no estimate.")
    assumptions: list[str]
    verified: bool = Field(description="False: the programme's figures are unverified.")


@router.get(
    "/funding/programmes/{programme_id}/estimate",
    response={200: EstimateOut, **ERRORS},
    summary="The support a programme would give for an eligible cost, with its assumptions",
)
def estimate(request: HttpRequest, programme_id: int, query: Query[EstimateQuery]) -> Any:
    programme = access.get_programme_for_user(request.user, programme_id)
    found = actions.estimate(programme, query.cost)
    return {"amount": found.amount, "assumptions": list(found.assumptions), "verified": found.verified}


class FindQuery(Schema):
    text: str = Field(min_length=1, max_length=2000, description="The need in the company's words.")
    limit: int = Field(10, ge=1, le=50)


class FoundOut(Schema):
    evaluation: EvaluationOut
    score: float = Field(description="The matching engine's fit to the need; 0 when the text shares nothing.")
    fit: list[str] = Field(description="Why it fits the need, in words.")


@router.get(
    "/funding/organisations/{organisation_id}/find",
    response={200: list[FoundOut], **ERRORS},
    summary="The programmes a company is or may be eligible for that fit a need (its members and hub staff)",
)
def find(request: HttpRequest, organisation_id: int, query: Query[FindQuery]) -> Any:
    from moselle.funding import matching

    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    found = matching.find(organisation, query.text, limit=query.limit)
    return [{"evaluation": evaluation_out(f.evaluation), "score": f.score, "fit": list(f.reasons)} for f in found]
