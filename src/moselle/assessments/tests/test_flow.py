"""The way through an assessment: start from the registry, answer, submit, read the results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.assessments import actions, questionnaires, results
from moselle.assessments.demo import answers_at
from moselle.assessments.models import Assessment, Result
from moselle.organisations import actions as registry
from moselle.organisations.models import Contact, Organisation

pytestmark = pytest.mark.django_db


def full_answers(kind: str = "sme", level: float = 0.5, seed: int = 1) -> dict[str, Any]:
    import random

    return answers_at(questionnaires.current(kind), level, random.Random(seed))


def required_customer(assessment: Assessment) -> dict[str, Any]:
    questionnaire = actions.questionnaire_of(assessment)
    found: dict[str, Any] = {}
    for spec in questionnaire.module1:
        if spec.required and not assessment.customer.get(spec.key):
            found[spec.key] = (
                [spec.choices[0].key]
                if spec.kind == "multichoice"
                else (spec.choices[0].key if spec.choices else "Something")
            )
    return found


def submitted(organisation: Organisation, stage: str = "T0", level: float = 0.5, seed: int = 1) -> Result:
    assessment = actions.assessment_start(actor=None, organisation=organisation, stage=stage)
    assessment = actions.assessment_save(
        actor=None,
        assessment=assessment,
        answers=full_answers(assessment.questionnaire_type, level, seed),
        customer=required_customer(assessment),
    )
    return actions.assessment_submit(actor=None, assessment=assessment)


def test_it_starts_with_module_1_filled_from_the_registry(org_a: Organisation) -> None:
    org_a.vat, org_a.website, org_a.locality = "LU26375245", "alpha.lu", "Esch-sur-Alzette"
    org_a.save()
    Contact.objects.create(organisation=org_a, name="Anne Muller", email="anne@alpha.lu", role="CEO")
    registry.financial_year_set(
        actor=None,
        organisation=org_a,
        year=2024,
        staff=Decimal("12"),
        turnover=None,
        balance_sheet=None,
        estimated=False,
        source="declaration",
    )
    assessment = actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    assert assessment.questionnaire_type == "sme" and assessment.status == "draft"
    assert assessment.customer["name"] == "Alpha Manufacturing"
    assert assessment.customer["staff_size"] == "small"
    assert assessment.customer.get("contact_email") == "anne@alpha.lu"
    # An open draft is given back rather than a second one.
    assert actions.assessment_start(actor=None, organisation=org_a, stage="T0").pk == assessment.pk


def test_a_public_body_takes_the_public_sector_questionnaire(org_a: Organisation, personas: Any) -> None:
    registry.organisation_update(actor=personas.hub_advisor, organisation=org_a, data={"kinds": ["public_body"]})
    assert actions.assessment_start(actor=None, organisation=org_a, stage="T0").questionnaire_type == "pso"


def test_it_cannot_be_submitted_while_an_answer_is_missing(org_a: Organisation) -> None:
    assessment = actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    answers = full_answers()
    del answers["q4"]
    actions.assessment_save(actor=None, assessment=assessment, answers=answers, customer=required_customer(assessment))
    with pytest.raises(ValidationError) as refused:
        actions.assessment_submit(actor=None, assessment=assessment)
    assert list(refused.value.message_dict) == ["answers"] and len(refused.value.message_dict["answers"]) == 1
    assert not Result.objects.exists() and Assessment.objects.get().status == "draft"


def test_submitting_scores_under_the_platform_rule_and_freezes_the_assessment(org_a: Organisation) -> None:
    result = submitted(org_a)
    assert result.rule == "A/exclude" and result.stage == "T0"
    assert Decimal(0) <= result.overall <= Decimal(100)
    assessment = result.assessment
    with pytest.raises(ValidationError) as refused:
        actions.assessment_save(actor=None, assessment=assessment, answers={"q3": []})
    assert "status" in refused.value.message_dict
    assessment.refresh_from_db()
    assert assessment.answers["q3"] == full_answers()["q3"]


def test_stages_follow_each_other(org_a: Organisation) -> None:
    with pytest.raises(ValidationError, match="T0"):
        actions.assessment_start(actor=None, organisation=org_a, stage="T1")
    submitted(org_a)
    with pytest.raises(ValidationError, match="already has a submitted T0"):
        actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    with pytest.raises(ValidationError, match="T1"):
        actions.assessment_start(actor=None, organisation=org_a, stage="T2")
    with pytest.raises(ValidationError, match="same one"):
        actions.assessment_start(actor=None, organisation=org_a, stage="T1", questionnaire_type="pso")
    assert submitted(org_a, "T1", level=0.7).stage == "T1"
    assert Assessment.objects.filter(status="submitted").count() == 2


def test_answers_for_another_version_change_nothing(org_a: Organisation) -> None:
    assessment = actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    with pytest.raises(ValidationError) as refused:
        actions.assessment_save(actor=None, assessment=assessment, answers={"q3": []}, version="2019.1")
    assert list(refused.value.message_dict) == ["version"]
    assessment.refresh_from_db()
    assert assessment.answers == {}


def test_rescoring_makes_a_new_labelled_result_and_keeps_the_first(org_a: Organisation) -> None:
    first = submitted(org_a)
    again = actions.result_rescore(actor=None, result=first, rule=actions.scoring.ScoringRule(dual="D"))
    assert again.pk != first.pk and again.rescored_from_id == first.pk and again.rule == "D/exclude"
    first.refresh_from_db()
    assert first.rule == "A/exclude"
    assert actions.result_rescore(actor=None, result=first, rule=actions.scoring.ScoringRule(dual="D")).pk == again.pk


def test_a_change_of_rule_rescores_the_earlier_stage_before_progress_is_measured(
    org_a: Organisation, settings: Any
) -> None:
    t0 = submitted(org_a, level=0.3)
    settings.MOSELLE_DMA_DUAL_RULE = "B"
    t1 = submitted(org_a, "T1", level=0.7, seed=2)
    assert t1.rule == "B/exclude"
    rescored = Result.objects.get(assessment=t0.assessment, rule="B/exclude")
    assert rescored.rescored_from_id == t0.pk
    by_stage = results.stage_results(org_a, "sme", "B/exclude")
    assert by_stage["T0"].pk == rescored.pk
    [change] = results.progress(by_stage)
    assert (change.start, change.end) == ("T0", "T1")
    assert change.overall == t1.overall - rescored.overall


def test_the_peer_average_needs_five_comparable_organisations(org_a: Organisation) -> None:
    from moselle.core.models_taxonomy import NaceCode
    from moselle.core.taxonomy import seed_taxonomy

    seed_taxonomy()
    code = NaceCode.objects.filter(revision="2.1", level=4, code__startswith="25").first()
    assert code is not None
    peers = []
    for n in range(6):
        organisation = Organisation.objects.create(
            name=f"Peer {n}", country="LU", primary_nace=code, size_class="small"
        )
        peers.append(submitted(organisation, level=0.2 + n / 10, seed=n))
    Organisation.objects.filter(pk=org_a.pk).update(primary_nace=code, size_class="small")
    org_a.refresh_from_db()
    mine = submitted(org_a)
    average = results.peer_average(mine)
    assert average is not None and average.count == 6 and average.section == "C"
    expected = sum((r.overall for r in peers), Decimal(0)) / 6
    assert abs(average.overall - expected) <= Decimal("0.005")
    Organisation.objects.filter(pk=peers[0].organisation_id).update(size_class="medium")
    Organisation.objects.filter(pk=peers[1].organisation_id).update(size_class="medium")
    mine.organisation.refresh_from_db()
    assert results.peer_average(mine) is None


def test_an_assessment_keyed_in_later_keeps_its_day_but_never_a_future_one(org_a: Organisation) -> None:
    import datetime as dt

    from django.utils import timezone

    assessment = actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    assessment = actions.assessment_save(
        actor=None, assessment=assessment, answers=full_answers(), customer=required_customer(assessment)
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        actions.assessment_submit(actor=None, assessment=assessment, taken_on=tomorrow)
    assert list(refused.value.message_dict) == ["taken_on"] and not Result.objects.exists()
    actions.assessment_submit(actor=None, assessment=assessment, taken_on=dt.date(2026, 3, 2))
    assessment.refresh_from_db()
    assert assessment.taken_on == dt.date(2026, 3, 2) and assessment.status == "submitted"
