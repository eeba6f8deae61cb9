"""What the journeys' tests share: the taxonomy, and organisation A assessed with the SME worked example
of spec/dma.md §7 (D1 50.00, D2 38.57, D3 46.43, D4 53.57, D5 16.00, D6 35.00)."""

from __future__ import annotations

from typing import Any

import pytest

from moselle.assessments import actions as assessment_actions
from moselle.assessments.tests.test_flow import required_customer
from moselle.assessments.tests.test_scoring import sme_example
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations.models import Organisation


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


@pytest.fixture
def assessed(org_a: Organisation, taxonomy: None) -> Organisation:
    assessment = assessment_actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    assessment_actions.assessment_save(
        actor=None, assessment=assessment, answers=sme_example(), customer=required_customer(assessment)
    )
    assessment_actions.assessment_submit(actor=None, assessment=assessment)
    return org_a
