"""The assessment pages, through the test client: filling in step by step, the results, the report."""

from __future__ import annotations

import re
from typing import Any

import pytest

from moselle.assessments import actions, questionnaires
from moselle.assessments.models import Assessment, Interpretation, Result
from moselle.assessments.seeding import seed_interpretations
from moselle.assessments.tests.test_flow import full_answers, submitted

pytestmark = pytest.mark.django_db


def _step_post(questionnaire: questionnaires.Questionnaire, step: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The form fields a browser sends for one dimension's step."""
    data: dict[str, Any] = {"step": step, "version": questionnaire.version}
    dimension = questionnaire.dimension(step)
    assert dimension is not None
    for question in dimension.questions:
        answer = answers[question.key]
        if question.kind == "checklist":
            data[question.key] = answer
        else:
            for item, value in answer.items():
                data[f"{question.key}.{item}"] = value
    return data


def test_a_company_member_fills_in_resumes_and_submits(personas: Any, client_for: Any, org_a: Any) -> None:
    seed_interpretations()
    member = personas.a["company_member"]
    client = client_for(member)
    started = client.post(f"/organisations/{org_a.pk}/assessments/", {"stage": "T0", "mode": "self"})
    assessment = Assessment.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/assessments/{assessment.pk}/"
    assert assessment.started_by == member and assessment.mode == "self"
    page = client.get(f"/assessments/{assessment.pk}/")
    assert page.status_code == 200 and b"Step 1 of 8" in page.content
    questionnaire = actions.questionnaire_of(assessment)
    customer = {"step": "customer", "go": "d1"}
    for spec in questionnaire.module1:
        if spec.required:
            value = spec.choices[0].key if spec.choices else "Alpha Manufacturing"
            customer[f"customer.{spec.key}"] = value
    assert client.post(f"/assessments/{assessment.pk}/", customer).status_code == 302
    answers = full_answers()
    for dimension in questionnaire.dimensions:
        saved = client.post(
            f"/assessments/{assessment.pk}/", _step_post(questionnaire, dimension.key, answers), HTTP_HX_REQUEST="true"
        )
        assert saved.status_code == 200 and b"Saved at" in saved.content
    assessment.refresh_from_db()
    assert assessment.answers == {k: v for k, v in answers.items()}
    review = client.get(f"/assessments/{assessment.pk}/?step=review")
    assert b"Every required answer is given" in review.content
    done = client.post(f"/assessments/{assessment.pk}/submit/")
    assert done.status_code == 302 and done["Location"] == f"/assessments/{assessment.pk}/results/"
    page = client.get(done["Location"])
    result = Result.objects.get()
    assert page.status_code == 200
    assert b'<svg class="radar"' in page.content and str(result.overall).encode() in page.content
    assert result.get_band_display().encode() in page.content
    report = client.get(f"/assessments/{assessment.pk}/report/")
    assert report.status_code == 200 and b"page-break" in report.content


def test_a_refused_answer_names_the_row_and_keeps_nothing(personas: Any, client_for: Any, org_a: Any) -> None:
    client = client_for(personas.a["company_member"])
    assessment = actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    data = {"step": "d2", "version": assessment.questionnaire_version, "q4.cad_cam": "9"}
    refused = client.post(f"/assessments/{assessment.pk}/", data, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and b"Give a grade from 0 to 5" in refused.content
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_submitting_too_early_lists_what_is_missing(personas: Any, client_for: Any, org_a: Any) -> None:
    client = client_for(personas.hub_advisor)
    assessment = actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    refused = client.post(f"/assessments/{assessment.pk}/submit/")
    assert refused.status_code == 400
    assert len(re.findall(rb'<ul class="missing">.*?</ul>', refused.content, re.S)) == 1
    assert len(re.findall(rb'href="[^"]*\?step=d[1-6]"', refused.content)) >= 11
    assert Assessment.objects.get().status == "draft"


def test_someone_else_s_assessment_is_a_404(personas: Any, client_for: Any, org_a: Any) -> None:
    result = submitted(org_a)
    outsider = client_for(personas.b["company_member"])
    for url in (
        f"/assessments/{result.assessment_id}/",
        f"/assessments/{result.assessment_id}/results/",
        f"/assessments/{result.assessment_id}/report/",
        f"/organisations/{org_a.pk}/assessments/",
    ):
        assert outsider.get(url).status_code == 404, url


def test_staff_list_filters_by_stage_and_band(personas: Any, client_for: Any, org_a: Any, org_b: Any) -> None:
    low = submitted(org_a, level=0.05)
    high = submitted(org_b, level=0.95, seed=3)
    client = client_for(personas.hub_advisor)
    everything = client.get("/assessments/")
    assert everything.status_code == 200 and b"Alpha Manufacturing" in everything.content
    only_low = client.get("/assessments/", {"band": low.band})
    assert b"Alpha Manufacturing" in only_low.content and (
        low.band == high.band or b"Beta Logistics" not in only_low.content
    )
    assert client.get("/assessments/", {"stage": "T1"}).context["page"].paginator.count == 0
    assert client.get("/assessments/", {"since": "2030-01-01", "until": "2020-01-01"}).status_code == 400
    assert client_for(personas.a["company_member"]).get("/assessments/").status_code == 404


def test_the_hub_manager_rewrites_a_band_text(personas: Any, client_for: Any) -> None:
    seed_interpretations()
    manager = client_for(personas.hub_admin)
    saved = manager.post(
        "/assessments/interpretations/",
        {
            "questionnaire": "sme",
            "dimension": "",
            "band": "basic",
            "basic-en": "Start here.",
            "basic-fr": "",
            "basic-de": "",
        },
    )
    assert saved.status_code == 302
    assert Interpretation.objects.get(questionnaire_type="sme", dimension="", band="basic").text == {
        "en": "Start here."
    }
    # A later seed does not overwrite the hub's words.
    assert seed_interpretations() == 0
    advisor = client_for(personas.hub_advisor)
    assert advisor.get("/assessments/interpretations/").status_code == 200
    refused = advisor.post("/assessments/interpretations/", {"questionnaire": "sme", "band": "basic", "basic-en": "x"})
    assert refused.status_code in (403, 404)


def test_the_staff_list_asks_the_same_number_of_queries_for_more_rows(
    personas: Any, client_for: Any, org_a: Any, org_b: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted(org_a)
    client = client_for(personas.hub_advisor)
    client.get("/assessments/")
    with CaptureQueriesContext(connection) as one:
        client.get("/assessments/")
    submitted(org_b, seed=2)
    from moselle.organisations.models import Organisation

    for n in range(3):
        submitted(Organisation.objects.create(name=f"Gamma {n}", country="LU"), seed=3 + n)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/assessments/").context["page"].paginator.count == 5
    assert len(five.captured_queries) == len(one.captured_queries)
