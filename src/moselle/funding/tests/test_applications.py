"""A company's applications: from planned to a decision, the grant creating its one investment (and never a
second, nor a stale one), every bad field named at once, and the API kept to the company's members and staff."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Role
from moselle.core.models import AuditEntry
from moselle.funding.applications import application_create, application_move, application_update
from moselle.funding.models import Application, Call, Investment, Programme
from moselle.journeys.models import Case, Horizon, Roadmap, RoadmapAction
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def programme(code: str = "fit4digital", *, active: bool = True, instrument: str = "grant") -> Programme:
    return Programme.objects.create(
        code=code,
        name={"en": code},
        operator="Luxinnovation",
        scope="national",
        instrument=instrument,
        active=active,
    )


def call(of: Programme) -> Call:
    return Call.objects.create(programme=of, title={"en": "Spring round"})


def roadmap_action(organisation: Organisation) -> RoadmapAction:
    now = timezone.now()
    case = Case.objects.create(organisation=organisation, title="Digitalise", stage_changed_at=now, origin="advisor")
    roadmap = Roadmap.objects.create(organisation=organisation, case=case, drafted_at=now)
    return RoadmapAction.objects.create(roadmap=roadmap, title="ERP", horizon=Horizon.NOW, due_on=TODAY())


def errors(caught: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(caught.value.message_dict)


@pytest.fixture
def member(personas: Any) -> Any:
    return personas.a[Role.COMPANY_MEMBER]


@pytest.fixture
def staff(personas: Any) -> Any:
    return personas.hub_advisor


def test_a_member_applies_submits_and_the_grant_creates_one_investment(
    member: Any, staff: Any, org_a: Organisation
) -> None:
    fit = programme()
    spring = call(fit)
    action = roadmap_action(org_a)
    data = {"programme": fit.pk, "call": spring.pk, "action": action.pk, "amount_requested": "20000"}
    application = application_create(actor=member, organisation=org_a, data=data)
    assert (application.status, application.amount_requested, application.created_by) == (
        "planned",
        Decimal("20000.00"),
        member,
    )
    assert application.submitted_on is None and not Investment.objects.exists()

    application_move(actor=member, application=application, status="submitted")
    assert (application.status, application.submitted_on) == ("submitted", TODAY())

    decided = TODAY()
    decision = {"decided_on": decided.isoformat(), "amount_granted": "15000"}
    with pytest.raises(ValidationError) as caught:  # a decision feeds the Commission's figures: staff record it
        application_move(actor=member, application=application, status="granted", data=decision)
    assert errors(caught) == {"status"} and not Investment.objects.exists()
    application_move(actor=staff, application=application, status="granted", data=decision)
    investment = Investment.objects.get()
    assert (investment.organisation, investment.application, investment.kind, investment.source) == (
        org_a,
        application,
        "public_grant",
        "application",
    )
    assert (investment.amount, investment.made_on) == (Decimal("15000.00"), decided)

    # Granted again (the same decision sent twice), then the amount corrected: still the one investment.
    application_move(
        actor=staff, application=application, status="granted", data={"decided_on": decided, "amount_granted": 15000}
    )
    with pytest.raises(ValidationError):
        application_update(actor=member, application=application, data={"amount_granted": "1"})
    application_update(actor=staff, application=application, data={"amount_granted": "12500.50"})
    assert Investment.objects.count() == 1
    assert Investment.objects.get().pk == investment.pk and Investment.objects.get().amount == Decimal("12500.50")
    actions = list(AuditEntry.objects.filter(target_type__startswith="funding.").values_list("action", flat=True))
    assert sorted(set(actions)) == [
        "application.create",
        "application.update",
        "investment.create",
        "investment.update",
    ]


def test_moving_a_granted_application_away_leaves_no_stale_investment(staff: Any, org_a: Organisation) -> None:
    day = TODAY() - timedelta(days=3)
    application = application_create(
        actor=staff,
        organisation=org_a,
        data={
            "programme": programme().code,
            "amount_requested": "5000",
            "status": "granted",
            "submitted_on": day - timedelta(days=30),
            "decided_on": day,
            "amount_granted": "4000",
        },
    )
    assert Investment.objects.get().amount == Decimal("4000.00")

    application_move(actor=staff, application=application, status="rejected")  # the decision was misread
    assert application.amount_granted is None and application.decided_on == day
    assert not Investment.objects.exists()
    assert AuditEntry.objects.filter(action="investment.delete").count() == 1

    application_move(actor=staff, application=application, status="granted", data={"amount_granted": "4000"})
    assert Investment.objects.get().amount == Decimal("4000.00")
    application_move(actor=staff, application=application, status="submitted")  # no decision yet after all
    assert (application.decided_on, application.amount_granted) == (None, None)
    assert not Investment.objects.exists()

    application_move(
        actor=staff, application=application, status="granted", data={"decided_on": day, "amount_granted": 100}
    )
    application_move(actor=staff, application=application, status="withdrawn")  # the company gave it up
    assert not Investment.objects.exists()
    with pytest.raises(ValidationError) as caught:
        application_move(actor=staff, application=application, status="submitted")
    assert errors(caught) == {"status"}


def test_a_loan_programme_triggers_a_loan(staff: Any, org_a: Organisation) -> None:
    loan = programme("snci-loan", instrument="loan")
    data = {
        "programme": loan.pk,
        "amount_requested": 1,
        "status": "granted",
        "decided_on": TODAY(),
        "amount_granted": 1,
    }
    application_create(actor=staff, organisation=org_a, data=data)
    assert Investment.objects.get().kind == "loan"


def test_every_bad_field_of_a_new_application_is_named_and_nothing_is_written(
    member: Any, org_a: Organisation, org_b: Organisation
) -> None:
    closed = programme("closed", active=False)
    with pytest.raises(ValidationError) as caught:
        application_create(
            actor=member,
            organisation=org_a,
            data={
                "programme": closed.pk,
                "amount_requested": "-1",
                "action": roadmap_action(org_b).pk,
                "status": "granted",
            },
        )
    assert errors(caught) == {"programme", "amount_requested", "action", "decided_on", "amount_granted"}

    fit, other = programme(), programme("other")
    tomorrow = TODAY() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        application_create(
            actor=member,
            organisation=org_a,
            data={"programme": fit.pk, "call": call(other).pk, "amount_requested": "1.001", "submitted_on": tomorrow},
        )
    assert errors(caught) == {"call", "amount_requested", "submitted_on"}
    with pytest.raises(ValidationError) as caught:
        application_create(actor=member, organisation=org_a, data={"status": "withdrawn", "amount_requested": ""})
    assert errors(caught) == {"programme", "amount_requested", "status"}
    with pytest.raises(ValidationError) as caught:
        application_create(
            actor=member,
            organisation=org_a,
            data={"programme": fit.pk, "amount_requested": 10, "decided_on": TODAY(), "amount_granted": 5},
        )
    assert errors(caught) == {"decided_on", "amount_granted"}  # a planned application has no decision
    assert not Application.objects.exists() and not Investment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="application.").exists()


def test_every_bad_change_is_named_and_nothing_is_written(member: Any, org_a: Organisation) -> None:
    application = application_create(
        actor=member, organisation=org_a, data={"programme": programme().pk, "amount_requested": 100}
    )
    with pytest.raises(ValidationError) as caught:
        application_move(actor=member, application=application, status="granted", data={"amount_granted": -5})
    assert errors(caught) == {"status", "decided_on", "amount_granted"}  # planned cannot be granted before it is sent

    sent = TODAY() - timedelta(days=10)
    application_move(actor=member, application=application, status="submitted", data={"submitted_on": sent.isoformat()})
    with pytest.raises(ValidationError) as caught:
        application_update(
            actor=member,
            application=application,
            data={"status": "granted", "decided_on": sent - timedelta(days=1), "amount_granted": "x", "programme": 999},
        )
    assert errors(caught) == {"decided_on", "amount_granted", "programme"}
    with pytest.raises(ValidationError) as caught:
        application_move(
            actor=member,
            application=application,
            status="rejected",
            data={"decided_on": TODAY() + timedelta(days=1), "amount_granted": 10},
        )
    assert errors(caught) == {"decided_on", "amount_granted"}
    with pytest.raises(ValidationError) as caught:
        application_update(actor=member, application=application, data={"status": "unknown", "call": 123456})
    assert errors(caught) == {"status", "call"}
    application.refresh_from_db()
    assert (application.status, application.submitted_on) == ("submitted", sent)
    assert not Investment.objects.exists()


def test_only_the_companys_members_and_staff_keep_its_applications(personas: Any, org_a: Organisation) -> None:
    data = {"programme": programme().pk, "amount_requested": 100}
    for outsider in (personas.b[Role.COMPANY_MEMBER], personas.a[Role.OBSERVER]):
        with pytest.raises(ValidationError) as caught:
            application_create(actor=outsider, organisation=org_a, data=data)
        assert errors(caught) == {"organisation"}
    assert not Application.objects.exists()


# --- The API ---------------------------------------------------------------------------------------------


def api(token_for: Any, user: Any, role: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user, role)}"})


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)("/api/v1" + url, body, content_type="application/json")


def test_the_api_lists_adds_and_moves_a_companys_applications(
    personas: Any, token_for: Any, org_a: Organisation
) -> None:
    fit = programme()
    member = api(token_for, personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)
    created = send(
        member,
        "post",
        f"/funding/organisations/{org_a.pk}/applications",
        {"programme": fit.pk, "call": call(fit).pk, "amount_requested": "20000", "status": "submitted"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["submitted_on"], body["investment"]) == ("submitted", TODAY().isoformat(), None)
    assert body["programme_code"] == "fit4digital" and body["amount_requested"] == "20000.00"

    url = f"/funding/applications/{body['id']}"
    decision = {"status": "granted", "decided_on": TODAY().isoformat(), "amount_granted": 9000}
    by_member = send(member, "patch", url, decision)
    assert by_member.status_code == 422 and [e["field"] for e in by_member.json()["errors"]] == ["status"]
    staff = api(token_for, personas.hub_advisor, Role.HUB_ADVISOR)
    granted = send(staff, "patch", url, decision)
    assert granted.status_code == 200, granted.json()
    assert granted.json()["investment"] == Investment.objects.get().pk
    cleared = send(member, "patch", url, {"call": None})
    assert cleared.status_code == 200 and cleared.json()["call"] is None

    listed = member.get(f"/api/v1/funding/organisations/{org_a.pk}/applications")
    assert [(a["id"], a["status"], a["amount_granted"]) for a in listed.json()] == [(body["id"], "granted", "9000.00")]

    bad = send(member, "patch", url, {"amount_requested": -3, "decided_on": None, "amount_granted": None})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"amount_requested", "decided_on", "amount_granted"}
    refused = send(member, "patch", url, {"status": "planned"})
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["status"]


def test_another_companys_member_gets_404(personas: Any, token_for: Any, org_a: Organisation) -> None:
    application = application_create(
        actor=personas.hub_admin, organisation=org_a, data={"programme": programme().pk, "amount_requested": 1}
    )
    for user, role in ((personas.b[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER), (personas.a[Role.OBSERVER], "observer")):
        outsider = api(token_for, user, role)
        assert outsider.get(f"/api/v1/funding/organisations/{org_a.pk}/applications").status_code == 404
        patched = send(outsider, "patch", f"/funding/applications/{application.pk}", {"amount_requested": 2})
        assert patched.status_code == 404
        created = send(
            outsider,
            "post",
            f"/funding/organisations/{org_a.pk}/applications",
            {"programme": application.programme_id, "amount_requested": 1},
        )
        assert created.status_code == 404
    application.refresh_from_db()
    assert application.amount_requested == Decimal("1.00") and Application.objects.count() == 1
