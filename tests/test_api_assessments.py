"""The assessments' API: the whole way from start to results, and every bad input refused with its field
named and nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from moselle.accounts.models import Role
from moselle.assessments.models import Assessment, Result
from moselle.assessments.tests.test_flow import full_answers, required_customer, submitted

JSON = "application/json"


@pytest.fixture
def member(personas: Any, token_for: Any) -> Client:
    """Organisation A's company member, by token."""
    key = token_for(personas.a["company_member"], Role.COMPANY_MEMBER)
    return Client(headers={"Authorization": f"Bearer {key}"})


def _fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def _start(client: Client, organisation: Any, stage: str = "T0") -> Any:
    return client.post(f"/api/v1/organisations/{organisation.pk}/assessments", {"stage": stage}, content_type=JSON)


def test_start_answer_submit_and_read(member: Client, org_a: Any) -> None:
    started = _start(member, org_a)
    assert started.status_code == 201
    body = started.json()
    assert body["questionnaire_type"] == "sme" and body["status"] == "draft"
    assert {m["id"] for m in body["missing"]} >= {"q1", "q11"}
    assert _start(member, org_a).status_code == 200  # the open draft, given back
    draft = Assessment.objects.get()
    answers = full_answers()
    saved = member.patch(
        f"/api/v1/assessments/{draft.pk}/answers",
        json.dumps({"version": draft.questionnaire_version, "answers": answers, "customer": required_customer(draft)}),
        content_type=JSON,
    )
    assert saved.status_code == 200 and saved.json()["missing"] == []
    result = member.post(f"/api/v1/assessments/{draft.pk}/submit")
    assert result.status_code == 201
    scored = result.json()
    assert scored["rule"] == "A/exclude" and set(scored["dimensions"]) == {f"d{n}" for n in range(1, 7)}
    assert member.get(f"/api/v1/assessments/{draft.pk}/results").json()[0]["id"] == scored["id"]
    gaps = member.get(f"/api/v1/assessments/{draft.pk}/gaps", {"lang": "fr"}).json()
    assert gaps and all(g["status"] in ("missing", "planned", "partial") for g in gaps)
    assert all(g["dimension"] in {f"d{n}" for n in range(1, 7)} for g in gaps)
    maturity = member.get(f"/api/v1/organisations/{org_a.pk}/maturity").json()
    assert list(maturity["stages"]) == ["T0"] and maturity["progress"] == []


def test_the_questionnaire_in_french(member: Client) -> None:
    body = member.get("/api/v1/questionnaires/sme/current", {"lang": "fr"}).json()
    assert body["version"] == "2025.1" and len(body["dimensions"]) == 6
    english = member.get("/api/v1/questionnaires/sme/2025.1").json()
    assert body["dimensions"][0]["name"] != english["dimensions"][0]["name"]
    assert member.get("/api/v1/questionnaires/sme/1999.1").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"version": "2025.1", "answers": {"q99": []}}, "answers"),
        ({"version": "2025.1", "answers": {"q3": ["not_an_item"]}}, "answers.q3"),
        ({"version": "2025.1", "answers": {"q4": {"cad_cam": 6}}}, "answers.q4.cad_cam"),
        ({"version": "2025.1", "answers": {"q4": {"cad_cam": -1}}}, "answers.q4.cad_cam"),
        ({"version": "2025.1", "answers": {"q11": {"env_in_strategy": "maybe"}}}, "answers.q11.env_in_strategy"),
        ({"version": "2025.1", "answers": {"q7": ["not_collected_digitally", "data_policy"]}}, "answers.q7"),
        ({"version": "2019.1", "answers": {"q3": []}}, "version"),
        ({"version": "2025.1", "customer": {"founded": "²⁰⁰⁴"}}, "customer"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_kept(member: Client, org_a: Any, payload: Any, field: str) -> None:
    draft = Assessment.objects.get(pk=_start(member, org_a).json()["id"])
    before = (dict(draft.answers), dict(draft.customer))
    refused = member.patch(f"/api/v1/assessments/{draft.pk}/answers", json.dumps(payload), content_type=JSON)
    assert refused.status_code == 422
    assert field in _fields(refused) or any(f.startswith(field) for f in _fields(refused)), refused.json()
    draft.refresh_from_db()
    assert (draft.answers, draft.customer) == before


def test_stage_rules_are_422s_naming_the_stage(member: Client, org_a: Any) -> None:
    assert _fields(_start(member, org_a, "T1")) == ["stage"]
    submitted(org_a)
    second = _start(member, org_a, "T0")
    assert second.status_code == 422 and _fields(second) == ["stage"]
    assert "already has a submitted T0" in second.json()["detail"]
    assert _fields(_start(member, org_a, "T2")) == ["stage"]
    assert Assessment.objects.count() == 1


def test_a_submitted_assessment_cannot_change(member: Client, org_a: Any) -> None:
    result = submitted(org_a)
    changed = member.patch(
        f"/api/v1/assessments/{result.assessment_id}/answers",
        json.dumps({"version": "2025.1", "answers": {"q3": []}}),
        content_type=JSON,
    )
    assert changed.status_code == 422 and _fields(changed) == ["status"]
    again = member.post(f"/api/v1/assessments/{result.assessment_id}/submit")
    assert again.status_code == 422 and Result.objects.count() == 1


def test_an_incomplete_draft_cannot_be_submitted(member: Client, org_a: Any) -> None:
    draft = _start(member, org_a).json()
    refused = member.post(f"/api/v1/assessments/{draft['id']}/submit")
    assert refused.status_code == 422 and _fields(refused)[0] == "answers"
    assert len(refused.json()["errors"]) >= 11
    assert not Result.objects.exists()


def test_only_hub_staff_rescore(member: Client, org_a: Any, personas: Any, token_for: Any) -> None:
    result = submitted(org_a)
    url = f"/api/v1/assessments/{result.assessment_id}/rescore"
    assert member.post(url, {"dual": "B", "negative": "exclude"}, content_type=JSON).status_code == 404
    staff = Client(headers={"Authorization": f"Bearer {token_for(personas.hub_advisor, Role.HUB_ADVISOR)}"})
    again = staff.post(url, {"dual": "B", "negative": "exclude"}, content_type=JSON)
    assert again.status_code == 201 and again.json()["rescored_from"] == result.pk
    assert staff.post(url, {"dual": "E", "negative": "exclude"}, content_type=JSON).status_code == 422


def test_an_advisor_imports_dma_results_through_the_api_as_on_the_pages(
    personas: Any, token_for: Any, org_a: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from moselle.assessments import exports

    advisor = Client(headers={"Authorization": f"Bearer {token_for(personas.hub_advisor, Role.HUB_ADVISOR)}"})
    row = ",".join(["Gamma SARL", "", "T0", "35.00", "10", "20", "30", "40", "50", "60", "L-DIH"])
    data = (",".join(exports.headers("sme")) + "\n" + row + "\n").encode()
    upload = advisor.post("/api/v1/imports", {"file": SimpleUploadedFile("dma.csv", data), "kind": "dma_results"})
    assert upload.status_code == 201, upload.json()
    assert upload.json()["report"]["problems"] == []
    committed = advisor.post(f"/api/v1/imports/{upload.json()['id']}/commit")
    assert committed.status_code == 200
    assert Result.objects.get().overall == 35
    catalogue = advisor.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("e.csv", b"name\nX\n"), "kind": "edih_catalogue"}
    )
    assert catalogue.status_code == 404  # the European catalogues stay the hub manager's
