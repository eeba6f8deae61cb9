"""API of a company's applications to the funding programmes and of the investments its support triggered.

The company's members and the hub's staff list, add and change its applications; a granted application
creates its one investment (``funding.applications``). They list its investments too; only the hub's staff
record one by hand. Every write goes through ``funding.applications``, which names every bad field (422).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from moselle.core.apicommon import ERRORS, WRITE_ERRORS
from moselle.funding import access, applications
from moselle.funding.models import Application, Investment

router = Router(tags=["funding"])

TOP = 2**31 - 1
ApplicationStatus = Literal["planned", "submitted", "granted", "rejected", "withdrawn"]
InvestmentKind = Literal["public_grant", "loan", "equity", "own_funds"]
InvestmentSource = Literal["application", "pilot", "service", "manual"]
MOVES = (
    "planned → submitted or withdrawn; submitted → granted, rejected or withdrawn; granted → submitted or rejected "
    "(a decision corrected) or withdrawn (given up); rejected → submitted or granted (corrected)."
)


class FundingApplicationOut(Schema):
    id: int
    organisation: int
    programme: int
    programme_code: str
    call: int | None
    action: int | None = Field(description="The roadmap action the application funds.")
    amount_requested: Decimal
    status: ApplicationStatus
    submitted_on: date | None
    amount_granted: Decimal | None
    decided_on: date | None
    investment: int | None = Field(description="The investment a granted application created.")
    created_at: datetime


class FundingInvestmentOut(Schema):
    id: int
    organisation: int
    amount: Decimal
    kind: InvestmentKind
    made_on: date
    source: InvestmentSource
    application: int | None
    service_record: int | None
    evidence: str
    created_at: datetime


def application_out(application: Application) -> dict[str, Any]:
    investment = getattr(application, "investment", None)
    return {
        "id": application.pk,
        "organisation": application.organisation_id,
        "programme": application.programme_id,
        "programme_code": application.programme.code,
        "call": application.call_id,
        "action": application.action_id,
        "amount_requested": application.amount_requested,
        "status": application.status,
        "submitted_on": application.submitted_on,
        "amount_granted": application.amount_granted,
        "decided_on": application.decided_on,
        "investment": investment.pk if investment is not None else None,
        "created_at": application.created_at,
    }


def investment_out(investment: Investment) -> dict[str, Any]:
    return {
        "id": investment.pk,
        "organisation": investment.organisation_id,
        "amount": investment.amount,
        "kind": investment.kind,
        "made_on": investment.made_on,
        "source": investment.source,
        "application": investment.application_id,
        "service_record": investment.service_record_id,
        "evidence": investment.evidence,
        "created_at": investment.created_at,
    }


def _application(application_id: int) -> dict[str, Any]:
    found = Application.objects.select_related("programme", "investment").get(pk=application_id)
    return application_out(found)


@router.get(
    "/funding/organisations/{organisation_id}/applications",
    response={200: list[FundingApplicationOut], **ERRORS},
    summary="A company's applications to the funding programmes (its members and hub staff)",
)
def application_list(request: HttpRequest, organisation_id: int) -> Any:
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    found = Application.objects.filter(organisation=organisation).select_related("programme", "investment")
    return [application_out(application) for application in found.order_by("-created_at", "-id")]


class FundingApplicationIn(Schema):
    programme: int = Field(ge=1, le=TOP, description="An active programme's id.")
    call: int | None = Field(None, ge=1, le=TOP, description="A call of that programme.")
    action: int | None = Field(None, ge=1, le=TOP, description="An action of the company's roadmap.")
    amount_requested: Decimal = Field(description="In euros, not negative.")
    status: Literal["planned", "submitted", "granted", "rejected"] = "planned"
    submitted_on: date | None = Field(None, description="Not in the future; today when submitted without one.")
    decided_on: date | None = Field(None, description="For a decision: its day, not in the future.")
    amount_granted: Decimal | None = Field(None, description="For a grant: the amount, in euros.")

    model_config = {"extra": "forbid"}


@router.post(
    "/funding/organisations/{organisation_id}/applications",
    response={201: FundingApplicationOut, **WRITE_ERRORS},
    summary="Add a company's application (its members and hub staff); granted, it creates its investment",
)
def application_create(request: HttpRequest, organisation_id: int, payload: FundingApplicationIn) -> Any:
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    application = applications.application_create(actor=request.user, organisation=organisation, data=payload.dict())
    return Status(201, _application(application.pk))


class FundingApplicationPatch(Schema):
    call: int | None = Field(None, ge=1, le=TOP, description="Null clears it.")
    action: int | None = Field(None, ge=1, le=TOP, description="Null clears it.")
    amount_requested: Decimal | None = None
    status: ApplicationStatus | None = Field(None, description=MOVES)
    submitted_on: date | None = None
    decided_on: date | None = Field(None, description="Needed for a decision.")
    amount_granted: Decimal | None = Field(None, description="Needed for a grant; changing it changes its investment.")

    model_config = {"extra": "forbid"}


CLEARABLE = {"call", "action", "submitted_on", "decided_on", "amount_granted"}


@router.patch(
    "/funding/applications/{application_id}",
    response={200: FundingApplicationOut, **WRITE_ERRORS},
    summary="Change or move an application (the company's members and hub staff)",
)
def application_update(request: HttpRequest, application_id: int, payload: FundingApplicationPatch) -> Any:
    application = access.get_application_for_user(request.user, application_id)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in CLEARABLE}
    applications.application_update(actor=request.user, application=application, data=given)
    return _application(application.pk)


@router.get(
    "/funding/organisations/{organisation_id}/investments",
    response={200: list[FundingInvestmentOut], **ERRORS},
    summary="The investments a company's support triggered (its members and hub staff)",
)
def investment_list(request: HttpRequest, organisation_id: int) -> Any:
    organisation = access.get_organisation_for_funding(request.user, organisation_id)
    found = Investment.objects.filter(organisation=organisation).order_by("-made_on", "-id")
    return [investment_out(investment) for investment in found]


class FundingInvestmentIn(Schema):
    amount: Decimal = Field(description="In euros, not negative.")
    kind: InvestmentKind
    made_on: date = Field(description="Not in the future.")
    source: Literal["pilot", "service", "manual"] = Field(
        "manual", description="An application's grant is recorded by granting the application."
    )
    service_record: int | None = Field(None, ge=1, le=TOP, description="A service delivered to this organisation.")
    evidence: str = Field("", description="What shows it: a contract, a notice, a statement.")

    model_config = {"extra": "forbid"}


@router.post(
    "/funding/organisations/{organisation_id}/investments",
    response={201: FundingInvestmentOut, **WRITE_ERRORS},
    summary="Record an investment triggered (hub staff)",
)
def investment_create(request: HttpRequest, organisation_id: int, payload: FundingInvestmentIn) -> Any:
    organisation = access.get_organisation_to_record_investment(request.user, organisation_id)
    investment = applications.investment_record(actor=request.user, organisation=organisation, data=payload.dict())
    return Status(201, investment_out(investment))
