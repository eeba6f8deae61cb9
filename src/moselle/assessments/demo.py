"""Demo assessments: T0 and T1 for the featured company and its peers, so the comparison panel and the
progress show; a few more T0s and one draft left half-way. Reproducible from the demo seed, written
through the actions, and added only where missing."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from moselle.assessments import actions, questionnaires, results
from moselle.assessments.models import Assessment, Stage
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import Organisation

PEERS = 7  # the featured company's comparable organisations that get a T0 and a T1 (five are needed)
MORE_T0 = 8


@dataclass
class DemoAssessments:
    submitted: int = 0
    drafts: int = 0
    skipped: int = 0
    comparable: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"Demo assessments: {self.submitted} submitted, {self.drafts} draft(s), {self.skipped} already there; "
            f"{len(self.comparable)} comparable companies with T0 and T1."
        )


def answers_at(questionnaire: questionnaires.Questionnaire, level: float, rng: random.Random) -> dict[str, Any]:
    """A believable answer set around ``level`` (0 to 1) of maturity."""

    def chance(bias: float = 0.0) -> bool:
        return rng.random() < max(0.0, min(1.0, level + bias))

    found: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        if question.kind == questionnaires.CHECKLIST:
            found[question.key] = [item.key for item in question.positive_items if chance()]
        elif question.kind == questionnaires.DUAL:
            rows: dict[str, list[str]] = {}
            for item in question.items:
                ticks = [
                    c for c, bias in ((questionnaires.INVESTED, 0.0), (questionnaires.PLANNED, 0.15)) if chance(bias)
                ]
                if ticks:
                    rows[item.key] = ticks
            found[question.key] = rows
        elif question.kind == questionnaires.SCALE:
            found[question.key] = {
                item.key: max(0, min(5, round(5 * level + rng.uniform(-1.6, 1.2)))) for item in question.items
            }
        else:
            found[question.key] = {
                item.key: "yes" if chance(-0.1) else "partially" if chance(0.1) else "no" for item in question.items
            }
    return found


def _better(answers: dict[str, Any], questionnaire: questionnaires.Questionnaire, rng: random.Random) -> dict[str, Any]:
    """The same organisation after the hub's support: some items added, nothing taken away."""
    improved: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        answer = answers[question.key]
        if question.kind == questionnaires.CHECKLIST:
            improved[question.key] = [i.key for i in question.positive_items if i.key in answer or rng.random() < 0.3]
        elif question.kind == questionnaires.DUAL:
            rows = {k: list(v) for k, v in answer.items()}
            for item in question.items:
                ticks = rows.get(item.key, [])
                if questionnaires.PLANNED in ticks and questionnaires.INVESTED not in ticks and rng.random() < 0.5:
                    rows[item.key] = [questionnaires.INVESTED, *ticks]
            improved[question.key] = rows
        elif question.kind == questionnaires.SCALE:
            improved[question.key] = {k: min(5, v + (1 if rng.random() < 0.45 else 0)) for k, v in answer.items()}
        else:
            step = {"no": "partially", "partially": "yes", "yes": "yes"}
            improved[question.key] = {k: step[v] if rng.random() < 0.35 else v for k, v in answer.items()}
    return improved


def _take(
    organisation: Organisation, stage: str, answers: dict[str, Any], taken_on: dt.date, report: DemoAssessments
) -> None:
    if organisation.assessments.filter(stage=stage, status=Assessment.Status.SUBMITTED).exists():
        report.skipped += 1
        return
    assessment = actions.assessment_start(
        actor=None, organisation=organisation, stage=stage, mode=Assessment.Mode.ADVISOR
    )
    questionnaire = actions.questionnaire_of(assessment)
    customer = dict(assessment.customer)
    for spec in questionnaire.module1:
        if spec.required and not customer.get(spec.key) and spec.choices:
            customer[spec.key] = [spec.choices[0].key] if spec.kind == "multichoice" else spec.choices[0].key
    assessment = actions.assessment_save(actor=None, assessment=assessment, answers=answers, customer=customer)
    actions.assessment_submit(actor=None, assessment=assessment, taken_on=taken_on)
    report.submitted += 1


def _groups(companies: list[Organisation]) -> dict[tuple[str, str], list[Organisation]]:
    grouped: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
    for company in companies:
        section = results.nace_section(company)
        if section and company.size_class:
            grouped[(section, company.size_class)].append(company)
    return grouped


def load_demo_assessments(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoAssessments:
    rng = random.Random(f"assessments-{seed}")  # noqa: S311  demo data, not a secret
    report = DemoAssessments()
    today = timezone.localdate()
    companies = list(
        Organisation.objects.filter(is_demo=True, kind_rows__kind=Organisation.Kind.COMPANY, merged_into__isnull=True)
        .exclude(kind_rows__kind=Organisation.Kind.PUBLIC_BODY)
        .exclude(name=registry_demo.FEATURED_NEWCOMER)  # left to start from scratch
        .select_related("primary_nace__parent__parent__parent")
        .order_by("name")
        .distinct()
    )
    if not companies:
        return report
    featured = next((c for c in companies if c.name == registry_demo.FEATURED_COMPANY), companies[0])
    grouped = _groups(companies)
    key = (results.nace_section(featured), featured.size_class)
    group = grouped.get(key, [featured])
    if len(group) < 6:  # the featured company's own group is too small: take the largest group instead
        group = max(grouped.values(), key=len, default=[featured])
    peers = [featured, *[c for c in group if c.pk != featured.pk][:PEERS]] if featured in group else group[: PEERS + 1]
    sme = questionnaires.current(questionnaires.SME)
    with transaction.atomic():
        for company in peers:
            level = rng.uniform(0.15, 0.55)
            start = today - dt.timedelta(days=rng.randint(200, 420))
            first = answers_at(sme, level, rng)
            _take(company, Stage.T0, first, start, report)
            _take(company, Stage.T1, _better(first, sme, rng), start + dt.timedelta(days=rng.randint(120, 180)), report)
            report.comparable.append(company.name)
        others = [c for c in companies if c not in peers]
        rng.shuffle(others)
        for company in others[:MORE_T0]:
            _take(
                company,
                Stage.T0,
                answers_at(sme, rng.uniform(0.1, 0.8), rng),
                today - dt.timedelta(days=rng.randint(10, 300)),
                report,
            )
        if len(others) > MORE_T0:
            waiting = others[MORE_T0]
            if not waiting.assessments.exists():
                draft = actions.assessment_start(actor=None, organisation=waiting, stage=Stage.T0)
                partial = answers_at(sme, 0.4, rng)
                actions.assessment_save(
                    actor=None, assessment=draft, answers={k: partial[k] for k in ("q1", "q2", "q3")}
                )
                report.drafts += 1
    return report
