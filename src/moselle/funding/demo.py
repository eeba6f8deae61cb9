"""Demo funding: the featured company has declared its facts and is eligible for Fit 4 Digital, had a Fit 4
Innovation diagnosis granted last year, and keeps a saved search; a few other demo companies applied (one
granted, one waiting, one rejected), and the hub recorded the own funds and loans its services triggered, so
that the dashboard and the services export show investment triggered.

Everything goes through the funding actions, from the demo seed, in one transaction; when the featured
company has an application the demo is already there. The newcomer bakery is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from moselle.accounts.models import User
from moselle.funding import actions, applications, searches
from moselle.funding.models import Application, Programme
from moselle.journeys.demo import ADVISOR
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import Organisation
from moselle.reporting.models import ServiceRecord

COMPANY_LOGIN = "company@demo.moselle.lu"


@dataclass
class DemoFunding:
    applications: int = 0
    investments: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo funding: already there."
        return f"Demo funding: {self.applications} applications, {self.investments} investments triggered."


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def load_demo_funding() -> DemoFunding:
    report = DemoFunding()
    featured = Organisation.objects.filter(name=registry_demo.FEATURED_COMPANY).first()
    advisor = User.objects.filter(email=ADVISOR).first()
    programmes = {p.code: p for p in Programme.objects.all()}
    if featured is None or advisor is None or "lu-fit4digital" not in programmes:
        return report
    if Application.objects.filter(organisation=featured).exists():
        report.skipped = True
        return report
    with transaction.atomic():
        _featured(advisor, featured, programmes, report)
        others = list(
            Organisation.objects.filter(is_demo=True, kind_rows__kind=Organisation.Kind.COMPANY)
            .exclude(name__in=(registry_demo.FEATURED_COMPANY, registry_demo.FEATURED_NEWCOMER))
            .order_by("name")[:3]
        )
        plans = [("eu-eic-accelerator", "rejected"), ("lu-sme-innovation-aid", "granted"), ("lu-cid", "submitted")]
        for organisation, (code, status) in zip(others, plans, strict=False):
            _apply(advisor, organisation, programmes[code], status, report)
        for record, kind, share in _services_with_investment():
            applications.investment_record(
                actor=advisor,
                organisation=record.customer,
                data={
                    "amount": str((record.price or 10000) * share),
                    "kind": kind,
                    "made_on": record.ended_on or record.started_on,
                    "source": "service",
                    "service_record": record.pk,
                    "evidence": "Invented for the demo: the company's own figure after the proof of concept.",
                },
            )
            report.investments += 1
    return report


def _featured(advisor: User, company: Organisation, programmes: dict[str, Programme], report: DemoFunding) -> None:
    for kind in ("business_permit", "not_in_difficulty", "aid_eligible_activity", "de_minimis_complete"):
        actions.declaration_record(actor=advisor, organisation=company, data={"kind": kind, "holds": True})
    actions.declaration_record(
        actor=advisor,
        organisation=company,
        data={"kind": "programme_history", "holds": False, "programme": programmes["lu-fit4digital"]},
    )
    _apply(advisor, company, programmes["lu-fit4innovation"], "granted", report, amount="7500")
    owner = User.objects.filter(email=COMPANY_LOGIN).first()
    if owner is not None:
        searches.search_create(
            actor=owner,
            data={"name": "Digital and cybersecurity grants", "organisation": company.pk, "text": "digital"},
        )


def _apply(
    advisor: User, company: Organisation, programme: Programme, status: str, report: DemoFunding, amount: str = "20000"
) -> None:
    data: dict[str, Any] = {"programme": programme.pk, "amount_requested": amount, "status": "submitted"}
    data["submitted_on"] = _ago(300)
    application = applications.application_create(actor=advisor, organisation=company, data=data)
    if status in ("granted", "rejected"):
        decision: dict[str, Any] = {"status": status, "decided_on": _ago(240)}
        if status == "granted":
            decision["amount_granted"] = amount
        applications.application_update(actor=advisor, application=application, data=decision)
    report.applications += 1
    report.investments += status == "granted"


def _services_with_investment() -> list[tuple[ServiceRecord, str, int]]:
    """Two finalised proofs of concept whose customers then invested: own funds and a bank loan."""
    found = list(
        ServiceRecord.objects.filter(
            customer__is_demo=True,
            category="test_before_invest",
            status__in=(ServiceRecord.Status.FINALISED, ServiceRecord.Status.INVOICED),
        ).order_by("started_on", "pk")[:2]
    )
    return [
        (record, kind, share) for record, (kind, share) in zip(found, (("own_funds", 3), ("loan", 5)), strict=False)
    ]


__all__ = ["DemoFunding", "load_demo_funding"]
