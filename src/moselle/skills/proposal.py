"""Propose a company's digital skills picture from what the hub knows of it.

Three things are read: the company's NACE section gives its roles (a manufacturer has production operators and
maintenance technicians, a consultancy has not); its latest submitted assessment gives the current level of each
skill through the score of the dimension the skill belongs to (the human-centric and data dimensions above all);
the technologies of its roadmap and needs add the skills they ask of each role. The rules are data
(``data/proposal.json``), so a hub can change them without touching code. The advisor or the company then
adjusts what is proposed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from moselle.assessments.models import Assessment, Result
from moselle.assessments.results import nace_section
from moselle.core.models_taxonomy import Skill
from moselle.journeys.models import Need, RoadmapAction
from moselle.organisations.models import Organisation

RULES = Path(__file__).parent / "data" / "proposal.json"
# A dimension's score (0-100) gives a level: below 20 none, below 40 awareness, below 60 basic, below 80
# intermediate, else advanced.
STEPS = (Decimal(20), Decimal(40), Decimal(60), Decimal(80))


@cache
def rules() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(RULES.read_text(encoding="utf-8"))
    return found


def level_of(score: Decimal | None) -> int:
    if score is None:
        return 0
    return sum(1 for step in STEPS if score >= step)


@dataclass(frozen=True)
class Row:
    role: str
    skill: Skill
    current: int
    needed: int
    basis: dict[str, Any]


@dataclass
class Drafted:
    rows: list[Row] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)


def latest_result(organisation: Organisation) -> Result | None:
    """The result of the organisation's latest submitted assessment (its first rule's)."""
    return (
        Result.objects.filter(organisation=organisation, assessment__status=Assessment.Status.SUBMITTED)
        .order_by("-assessment__submitted_at", "-assessment_id", "id")
        .first()
    )


def roadmap_technologies(organisation: Organisation) -> list[str]:
    """The technologies of the organisation's roadmap actions and needs, in the order first named; a dropped
    action or need asks for nothing."""
    names: list[str] = []
    actions = RoadmapAction.objects.filter(roadmap__organisation=organisation).exclude(
        status=RoadmapAction.Status.DROPPED
    )
    for query in (
        actions.values_list("technologies__name", flat=True).order_by("pk", "technologies__position"),
        Need.objects.filter(organisation=organisation)
        .exclude(status=Need.Status.DROPPED)
        .values_list("technologies__name", flat=True)
        .order_by("pk"),
    ):
        for name in query:
            if name and name not in names:
                names.append(name)
    return names


def propose(organisation: Organisation) -> Drafted:
    data = rules()
    section = nace_section(organisation)
    roles = data["roles_by_section"].get(section) or data["roles_by_section"][""]
    result = latest_result(organisation)
    scores = result.dimension_scores() if result else {}
    technologies = roadmap_technologies(organisation)
    wanted = {entry["skill"] for role in roles for entry in data["role_skills"].get(role, [])}
    for name in technologies:
        wanted.update(entry["skill"] for entry in data["technology_skills"].get(name, []))
    skills = {s.label: s for s in Skill.objects.filter(label__in=wanted).order_by("id")}
    drafted = Drafted(
        source={
            "sector": section,
            "result": result.pk if result else None,
            "assessment": result.assessment_id if result else None,
            "technologies": technologies,
        }
    )
    rows: dict[tuple[str, int], Row] = {}

    def add(role: str, label: str, needed: int, dimension: str, reason: dict[str, Any]) -> None:
        skill = skills.get(label)
        if skill is None:
            return
        score = scores.get(dimension)
        current = level_of(score)
        basis = {**reason, "dimension": dimension, "score": str(score) if score is not None else None}
        key = (role, skill.pk)
        known = rows.get(key)
        if known is not None and known.needed >= max(needed, current):
            return
        rows[key] = Row(role=role, skill=skill, current=current, needed=max(needed, current), basis=basis)

    for role in roles:
        for entry in data["role_skills"].get(role, []):
            add(role, entry["skill"], entry["needed"], entry["dimension"], {"role": role, "sector": section})
    for name in technologies:
        for entry in data["technology_skills"].get(name, []):
            for role, needed in entry["roles"].items():
                if role in roles:
                    add(role, entry["skill"], needed, entry["dimension"], {"technology": name})
    drafted.rows = sorted(rows.values(), key=lambda r: (r.role, r.skill.label, r.skill.pk))
    return drafted


__all__ = ["Drafted", "Row", "latest_result", "level_of", "propose", "roadmap_technologies", "rules"]
