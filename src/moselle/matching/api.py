"""API of the matching engine: the "Find help" search with its reasons as data, and the outcomes an advisor
records (a company accepted or declined a proposed item)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts.access import require_hub_staff
from moselle.core.apicommon import ERRORS, WRITE_ERRORS
from moselle.matching import actions, engine
from moselle.matching.reasons import label_name
from moselle.organisations.access import get_organisation_for_user

router = Router(tags=["matching"])


class NeedQuery(Schema):
    text: str = Field("", description="The need in the company's words, in English, French or German.")
    technologies: list[str] = Field(
        default_factory=list, description="Catalogue technologies (ids or the catalogue's names) the need is about."
    )
    sectors: list[str] = Field(default_factory=list, description="Catalogue sectors (ids or names).")
    country: str = Field("", description="ISO 3166 code: only what serves this country and admits its companies.")
    near: str = Field(
        "", description="ISO 3166 code of the company's country: what serves it comes first (a preference)."
    )
    language: str = Field("", description="Two-letter code: only what works in this language.")
    budget: str = Field("", description="EUR: only what is free, subsidised or has a lowest price within it.")
    kinds: list[str] = Field(default_factory=list, description="Kinds to search (offer, provider, hub…); all if empty.")
    sme: str = Field("", description="true when the company is an SME, false when it is not; empty when unknown.")
    limit: int = Field(10, ge=1, le=engine.RESULT_LIMIT, description="Results per kind.")


class MatchReasonOut(Schema):
    code: Literal["label", "words", "place", "serves", "near", "eligible", "language", "sme", "price", "budget"] = (
        Field(
            description="label: a catalogue label it declares (params: dimension, label, level 1-5 or null when "
            "covered without a level, because: the need's words that pointed to it, chosen); words: words of the "
            "need its text uses; place: it serves a place the need named (named, countries); serves / eligible: "
            "the country asked for; near: it serves the company's country; language; sme (for SMEs only, and the "
            "company is one); price (kind: free, subsidised); budget (from, budget)."
        )
    )
    params: dict[str, Any]
    text: str = Field(description="The reason in words, in the caller's language.")


class MatchResultOut(Schema):
    kind: str
    id: int
    title: dict[str, str]
    url: str = Field(description="The item's own page.")
    provider: str
    country: str
    languages: list[str]
    score: float
    reasons: list[MatchReasonOut]


class MatchUnderstoodOut(Schema):
    dimension: str
    label: str = Field(description="The catalogue's own English name.")
    name: str = Field(description="The label in the caller's language.")
    words: list[str] = Field(description="Words of the need that pointed to it (empty when chosen as a facet).")


class MatchPlaceOut(Schema):
    named: str
    countries: list[str]


class MatchGroupOut(Schema):
    kind: str
    results: list[MatchResultOut]


class MatchAnswerOut(Schema):
    message: str = Field(description="Set when nothing could be searched or nothing matched: what to do.")
    understood: list[MatchUnderstoodOut]
    places: list[MatchPlaceOut]
    results: list[MatchResultOut] = Field(description="Every kind together, best first.")
    groups: list[MatchGroupOut] = Field(description="The results of each kind.")


def _result(result: engine.Result) -> dict[str, Any]:
    item = result.item
    return {
        "kind": item.kind,
        "id": item.id,
        "title": dict(item.title),
        "url": item.url,
        "provider": item.provider,
        "country": item.country,
        "languages": sorted(item.languages),
        "score": round(result.score, 6),
        "reasons": [reason.as_dict() for reason in result.reasons],
    }


@router.get(
    "/match",
    response={200: MatchAnswerOut, **ERRORS},
    summary="Find help: the offers, providers and hubs that meet a need, each with its reasons",
)
def match(request: HttpRequest, need: Query[NeedQuery]) -> Any:
    cleaned = engine.clean_need(need.dict())
    answer = engine.search(cleaned, user=request.user, limit=need.limit)
    understood = []
    for key, words in answer.understood.items():
        dimension, label = key.split(":", 1)
        understood.append(
            {"dimension": dimension, "label": label, "name": label_name(dimension, label), "words": words}
        )
    return {
        "message": answer.message,
        "understood": understood,
        "places": [{"named": named, "countries": sorted(codes)} for named, codes in answer.places],
        "results": [_result(r) for r in answer.results],
        "groups": [
            {"kind": kind, "results": [_result(r) for r in results]} for kind, results in answer.by_kind.items()
        ],
    }


class OutcomeIn(Schema):
    kind: str = Field(description="The kind of the item proposed: offer, provider, hub…")
    item_id: int
    decision: Literal["accepted", "declined"]
    organisation_id: int | None = Field(None, description="The company that decided.")
    need_text: str = ""
    reason: str = ""

    model_config = {"extra": "forbid"}


class OutcomeOut(Schema):
    id: int
    kind: str
    item_id: int
    decision: str
    organisation_id: int | None


@router.post(
    "/match/outcomes",
    response={201: OutcomeOut, **WRITE_ERRORS},
    summary="Record that a company accepted or declined a proposed item (hub staff)",
)
def outcome_create(request: HttpRequest, payload: OutcomeIn) -> Any:
    require_hub_staff(request.user)
    organisation = None
    if payload.organisation_id is not None:
        organisation = get_organisation_for_user(request.user, payload.organisation_id)
    outcome = actions.record_outcome(
        actor=request.user,
        kind=payload.kind,
        item_id=payload.item_id,
        decision=payload.decision,
        organisation=organisation,
        need_text=payload.need_text,
        reason=payload.reason,
    )
    return Status(
        201,
        {
            "id": outcome.pk,
            "kind": outcome.kind,
            "item_id": outcome.item_id,
            "decision": outcome.decision,
            "organisation_id": outcome.organisation_id,
        },
    )
