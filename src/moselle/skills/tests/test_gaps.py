"""A company's skills picture: proposed from its sector, its assessment (the SME worked example of spec/dma.md
§7: D1 50.00, D2 38.57, D3 46.43, D4 53.57, D5 16.00, D6 35.00) and the technologies of its roadmap and needs,
then adjusted by hand; the gaps ranked, the courses that meet them and the roadmap action they fit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import Role as AccountRole
from moselle.assessments import actions as assessment_actions
from moselle.assessments.tests.test_flow import required_customer
from moselle.assessments.tests.test_scoring import sme_example
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models import AuditEntry
from moselle.core.models_taxonomy import NaceCode
from moselle.journeys import actions as journeys
from moselle.journeys.models import Need, RoadmapAction
from moselle.organisations.models import Organisation
from moselle.skills import actions, queries
from moselle.skills.models import Course, RoleSkill, SkillsProfile
from moselle.skills.proposal import level_of
from moselle.skills.tests.conftest import course_data, refused, session_data, skill

pytestmark = pytest.mark.django_db

KEEP_UP = "keep up with digital transformation of industrial processes"
MANAGE_DATA = "manage data, information and digital content"
PRIVACY = "protect personal data and privacy"

# Section C (manufacturing), every role, needed level by the rules; (role, skill) -> needed.
NEEDED = {
    ("production_operator", "interact through digital technologies"): 2,
    ("production_operator", "solve technical problems"): 2,
    ("production_operator", "protect ICT devices"): 2,
    ("maintenance_technician", "solve technical problems"): 3,
    ("maintenance_technician", "protect ICT devices"): 3,
    ("maintenance_technician", KEEP_UP): 2,
    ("engineer", MANAGE_DATA): 3,
    ("engineer", KEEP_UP): 3,
    ("engineer", "computer programming"): 2,
    ("manager", "identify technological needs"): 3,
    ("manager", "identify digital competence gaps"): 3,
    ("manager", "evaluate data, information and digital content"): 3,
    ("manager", PRIVACY): 3,
    ("office_staff", "collaborate through digital technologies"): 3,
    ("office_staff", MANAGE_DATA): 2,
    ("office_staff", PRIVACY): 3,
    ("office_staff", "use e-services"): 3,
}
# The worked example's levels: D1 50.00 basic, D2 38.57 awareness, D3 46.43 basic, D4 53.57 basic, D5 16.00 none.
ASSESSED = {
    ("production_operator", "interact through digital technologies"): (2, 2),  # d3
    ("production_operator", "solve technical problems"): (2, 2),  # d3
    ("production_operator", "protect ICT devices"): (2, 2),  # d4
    ("maintenance_technician", "solve technical problems"): (2, 3),  # d3
    ("maintenance_technician", "protect ICT devices"): (2, 3),  # d4
    ("maintenance_technician", KEEP_UP): (0, 2),  # d5
    ("engineer", MANAGE_DATA): (2, 3),  # d4
    ("engineer", KEEP_UP): (0, 3),  # d5
    ("engineer", "computer programming"): (0, 2),  # d5
    ("manager", "identify technological needs"): (2, 3),  # d1
    ("manager", "identify digital competence gaps"): (2, 3),  # d3
    ("manager", "evaluate data, information and digital content"): (2, 3),  # d4
    ("manager", PRIVACY): (2, 3),  # d4
    ("office_staff", "collaborate through digital technologies"): (2, 3),  # d3
    ("office_staff", MANAGE_DATA): (2, 2),  # d4
    ("office_staff", PRIVACY): (2, 3),  # d4
    ("office_staff", "use e-services"): (1, 3),  # d2
}


def picture(organisation: Organisation) -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.role, r.skill.label): (r.current, r.needed) for r in queries.rows_of(organisation)}


def origins(organisation: Organisation) -> dict[tuple[str, str], str]:
    return {(r.role, r.skill.label): r.origin for r in queries.rows_of(organisation)}


def assess(organisation: Organisation) -> Any:
    assessment = assessment_actions.assessment_start(actor=None, organisation=organisation, stage="T0")
    assessment_actions.assessment_save(
        actor=None, assessment=assessment, answers=sme_example(), customer=required_customer(assessment)
    )
    return assessment_actions.assessment_submit(actor=None, assessment=assessment)


def need_with(advisor: Any, organisation: Organisation, *technologies: str) -> Need:
    case = journeys.case_open(actor=advisor, organisation=organisation, title="Digital skills", owner=advisor)
    return journeys.need_create(
        actor=advisor,
        case=case,
        data={"title": "Secure the shop floor", "gap": "20", "importance": 4, "urgency": 3, "effort": 2,
              "technologies": list(technologies)},
    )  # fmt: skip


def test_the_levels_follow_the_dimension_scores() -> None:
    assert [level_of(Decimal(s)) for s in ("0", "19.99", "20", "39.99", "40", "59.99", "60", "79.99", "80", "100")] == [
        0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip
    assert level_of(None) == 0


def test_a_manufacturer_without_assessment_gets_every_role_of_its_sector_at_level_none(
    advisor: Any, company: Organisation
) -> None:
    profile = actions.profile_propose(actor=advisor, organisation=company)
    assert profile.organisation == company and profile.proposed_at is not None
    assert profile.proposed_from == {"sector": "C", "result": None, "assessment": None, "technologies": []}
    assert picture(company) == {key: (0, needed) for key, needed in NEEDED.items()}
    assert set(origins(company).values()) == {RoleSkill.Origin.PROPOSED}
    row = RoleSkill.objects.get(profile=profile, role="engineer", skill__label=KEEP_UP)
    assert row.basis == {"role": "engineer", "sector": "C", "dimension": "d5", "score": None}
    assert AuditEntry.objects.filter(action="skills.propose", target_id=str(profile.pk)).count() == 1


def test_the_assessment_gives_the_current_levels_and_the_roadmap_adds_the_skills_of_its_technologies(
    advisor: Any, company: Organisation
) -> None:
    result = assess(company)
    scores = result.dimension_scores()
    assert {k: scores[k] for k in ("d1", "d2", "d3", "d4", "d5")} == {
        "d1": Decimal("50.00"), "d2": Decimal("38.57"), "d3": Decimal("46.43"), "d4": Decimal("53.57"),
        "d5": Decimal("16.00"),
    }  # fmt: skip
    profile = actions.profile_propose(actor=advisor, organisation=company)
    assert profile.proposed_from["result"] == result.pk
    assert picture(company) == ASSESSED
    row = RoleSkill.objects.get(profile=profile, role="office_staff", skill__label="use e-services")
    assert row.basis["dimension"] == "d2" and row.basis["score"] == "38.57"

    need_with(advisor, company, "Cybersecurity")
    actions.profile_propose(actor=advisor, organisation=company)
    cyber = {key: levels for key, levels in picture(company).items() if key[1] == "cyber security"}
    # Cybersecurity asks cyber security of engineers (3), managers, technicians and office staff (2); the
    # company's data dimension (basic) is its current level. Production operators are not asked.
    assert cyber == {
        ("engineer", "cyber security"): (2, 3),
        ("manager", "cyber security"): (2, 2),
        ("maintenance_technician", "cyber security"): (2, 2),
        ("office_staff", "cyber security"): (2, 2),
    }
    risks = {key: levels for key, levels in picture(company).items() if key[1] == "identify ICT security risks"}
    assert risks == {
        ("engineer", "identify ICT security risks"): (2, 3),
        ("manager", "identify ICT security risks"): (2, 3),
    }
    assert len(picture(company)) == len(ASSESSED) + 6
    row = RoleSkill.objects.get(profile=profile, role="engineer", skill__label="cyber security")
    assert row.basis["technology"] == "Cybersecurity"
    profile.refresh_from_db()
    assert profile.proposed_from["technologies"] == ["Cybersecurity"]


def test_a_technology_asking_more_of_a_role_raises_the_needed_level(advisor: Any, company: Organisation) -> None:
    need_with(advisor, company, "High performance computing")
    actions.profile_propose(actor=advisor, organisation=company)
    # The engineer's computer programming: basic (2) for the role, intermediate (3) for high performance computing.
    assert picture(company)[("engineer", "computer programming")] == (0, 3)
    assert picture(company)[("engineer", "computer simulation")] == (0, 3)


def test_a_dropped_need_or_action_proposes_nothing(advisor: Any, company: Organisation) -> None:
    robots = need_with(advisor, company, "Robotics")
    journeys.need_close(actor=advisor, need=robots, status=Need.Status.DROPPED)
    things = need_with(advisor, company, "Internet of Things")
    roadmap = journeys.roadmap_draft(actor=advisor, case=things.case)
    actions.profile_propose(actor=advisor, organisation=company)
    labels = {label for _role, label in picture(company)}
    assert "robotics" not in labels and "maintain robotic equipment" not in labels
    assert "Internet of Things" in labels
    action = roadmap.actions.get(need=things)
    journeys.action_save(actor=advisor, roadmap=roadmap, action=action, data={"status": "dropped"})
    actions.profile_propose(actor=advisor, organisation=company)
    assert "Internet of Things" in {label for _role, label in picture(company)}, "the need is still open"
    journeys.need_close(actor=advisor, need=things, status=Need.Status.DROPPED)
    actions.profile_propose(actor=advisor, organisation=company)
    assert "Internet of Things" not in {label for _role, label in picture(company)}


def test_proposing_again_keeps_what_was_adjusted_or_added_and_replaces_what_was_proposed(
    advisor: Any, company_member: Any, company: Organisation
) -> None:
    actions.profile_propose(actor=advisor, organisation=company)
    adjusted = actions.role_skill_save(
        actor=company_member,
        organisation=company,
        role="manager",
        skill="identify technological needs",
        data={"current": "awareness", "needed": "4"},
    )
    assert adjusted.origin == RoleSkill.Origin.ADJUSTED
    added = actions.role_skill_save(
        actor=advisor,
        organisation=company,
        role="production_operator",
        skill=skill("machine learning"),
        data={"current": 0, "needed": 1},
    )
    assert added.origin == RoleSkill.Origin.ADDED
    # Saving a proposed row with the levels it has changes nothing of its origin.
    same = actions.role_skill_save(
        actor=advisor, organisation=company, role="engineer", skill=KEEP_UP, data={"current": 0, "needed": 3}
    )
    assert same.origin == RoleSkill.Origin.PROPOSED

    assess(company)
    actions.profile_propose(actor=advisor, organisation=company)
    now = picture(company)
    assert now[("manager", "identify technological needs")] == (1, 4)
    assert now[("production_operator", "machine learning")] == (0, 1)
    assert {k: v for k, v in now.items() if k in ASSESSED and k != ("manager", "identify technological needs")} == {
        k: v for k, v in ASSESSED.items() if k != ("manager", "identify technological needs")
    }
    assert RoleSkill.objects.get(pk=adjusted.pk).origin == RoleSkill.Origin.ADJUSTED
    assert RoleSkill.objects.get(pk=added.pk).origin == RoleSkill.Origin.ADDED

    # Now an IT consultancy (section J): the proposed rows of roles it has not go, the rows added stay.
    Organisation.objects.filter(pk=company.pk).update(primary_nace=NaceCode.objects.get(revision="2", code="62.01"))
    company.refresh_from_db()
    actions.profile_propose(actor=advisor, organisation=company)
    roles = {(role, origin) for (role, _label), origin in origins(company).items()}
    assert {role for role, _origin in roles} == {"engineer", "manager", "office_staff", "production_operator"}
    assert ("production_operator", RoleSkill.Origin.PROPOSED) not in roles
    assert ("maintenance_technician", RoleSkill.Origin.PROPOSED) not in roles
    assert picture(company)[("production_operator", "machine learning")] == (0, 1)


def test_a_row_with_its_needed_level_below_the_current_one_is_refused_and_nothing_is_written(
    advisor: Any, company: Organisation
) -> None:
    audits = AuditEntry.objects.count()
    errors = refused(
        actions.role_skill_save,
        actor=advisor,
        organisation=company,
        role="engineer",
        skill="machine learning",
        data={"current": "intermediate", "needed": "basic"},
    )
    assert set(errors) == {"needed"} and "below the current" in errors["needed"][0]
    errors = refused(
        actions.role_skill_save,
        actor=advisor,
        organisation=company,
        role="astronaut",
        skill="zero-gravity welding",
        data={"current": "expert", "needed": 7},
    )
    assert set(errors) == {"role", "skill", "current", "needed"}
    assert "zero-gravity welding" in errors["skill"][0]
    assert set(
        refused(
            actions.role_skill_save,
            actor=advisor,
            organisation=company,
            role="engineer",
            skill="",
            data={"current": 0, "needed": 1},
        )
    ) == {"skill"}
    assert not SkillsProfile.objects.exists()
    assert not RoleSkill.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_only_staff_and_the_companys_members_see_to_its_skills(
    make_user: Any, advisor: Any, company: Organisation, outsider: Any, provider_member: Any
) -> None:
    observer = make_user(AccountRole.OBSERVER, company)
    for stranger in (outsider, provider_member, observer, None):
        assert set(refused(actions.profile_propose, actor=stranger, organisation=company)) == {"actor"}
        errors = refused(
            actions.role_skill_save,
            actor=stranger,
            organisation=company,
            role="engineer",
            skill="machine learning",
            data={"current": 0, "needed": 2},
        )
        assert set(errors) == {"actor"}
    assert not SkillsProfile.objects.exists()
    row = actions.role_skill_save(
        actor=advisor, organisation=company, role="engineer", skill="machine learning", data={"current": 0, "needed": 2}
    )
    assert set(refused(actions.role_skill_remove, actor=outsider, row=row)) == {"actor"}
    actions.role_skill_remove(actor=advisor, row=row)
    assert not RoleSkill.objects.exists()


# --- Reads ------------------------------------------------------------------------------------------------------


def test_gaps_are_ranked_largest_first_then_the_higher_level_the_role_and_the_skill(
    advisor: Any, company: Organisation
) -> None:
    assess(company)
    actions.profile_propose(actor=advisor, organisation=company)
    ranked = [(r.role, r.skill.label) for r in queries.ranked(queries.rows_of(company))]
    assert ranked == [
        ("engineer", KEEP_UP),  # 0 -> 3
        ("office_staff", "use e-services"),  # 1 -> 3
        ("maintenance_technician", KEEP_UP),  # 0 -> 2, technicians before engineers
        ("engineer", "computer programming"),  # 0 -> 2
        ("maintenance_technician", "protect ICT devices"),  # the rest: 2 -> 3
        ("maintenance_technician", "solve technical problems"),
        ("engineer", MANAGE_DATA),
        ("manager", "evaluate data, information and digital content"),
        ("manager", "identify digital competence gaps"),
        ("manager", "identify technological needs"),
        ("manager", PRIVACY),
        ("office_staff", "collaborate through digital technologies"),
        ("office_staff", PRIVACY),
    ]
    gaps = queries.gaps_of(company, with_courses=False)
    assert [(g.row.role, g.row.skill.label) for g in gaps] == ranked
    assert gaps[0].size == 3 and gaps[-1].size == 1
    assert all(g.courses == [] for g in gaps)


def test_the_courses_for_a_skill_are_those_teaching_it_then_those_the_matching_engine_finds(
    advisor: Any, provider: Organisation, course: Course
) -> None:
    second_offer = make_offer(
        provider,
        status=Offer.Status.PUBLISHED,
        kind=Offer.Kind.TRAINING,
        category="skills_and_training",
        title={"en": "Cyber security in the workshop"},
    )
    second = actions.course_save(actor=advisor, offer=second_offer, data=course_data(skills=["cyber security"]))
    upcoming = actions.session_create(actor=advisor, course=second, data=session_data(days=20))
    draft_offer = make_offer(provider, kind=Offer.Kind.TRAINING, category="skills_and_training", title={"en": "Draft"})
    actions.course_save(actor=advisor, offer=draft_offer, data=course_data(skills=["cyber security"]))
    found = make_offer(
        provider,
        status=Offer.Status.PUBLISHED,
        kind=Offer.Kind.TRAINING,
        category="skills_and_training",
        title={"en": "Cyber security awareness for office staff"},
        description={"en": "Cyber security basics: passwords, phishing, backups and cyber security habits."},
    )
    service = make_offer(
        provider,
        status=Offer.Status.PUBLISHED,
        title={"en": "Cyber security audit"},
        description={"en": "A cyber security audit of your network."},
    )

    matches = queries.courses_for(skill("cyber security"), limit=10)
    by_offer = {m.offer.pk: m for m in matches}
    assert [m.offer.pk for m in matches][:2] == [second_offer.pk, course.offer_id], "a session to come first"
    assert by_offer[second_offer.pk].reason == "teaches" and by_offer[second_offer.pk].next_session == upcoming
    assert by_offer[course.offer_id].reason == "teaches" and by_offer[course.offer_id].next_session is None
    assert by_offer[found.pk].reason == "matches"
    assert by_offer[found.pk].reasons, "the engine says why"
    assert draft_offer.pk not in by_offer and service.pk not in by_offer
    assert [m.reason for m in matches] == ["teaches", "teaches"] + ["matches"] * (len(matches) - 2)
    assert len(queries.courses_for(skill("cyber security"), limit=2)) == 2


def test_a_gap_fits_the_open_roadmap_action_of_a_technology_that_asks_for_its_skill(
    advisor: Any, company: Organisation
) -> None:
    need = need_with(advisor, company, "Cybersecurity")
    roadmap = journeys.roadmap_draft(actor=advisor, case=need.case)
    (drafted,) = roadmap.actions.all()
    other = journeys.action_save(
        actor=advisor,
        roadmap=roadmap,
        data={"title": "Robots on line 2", "horizon": "0-3", "technologies": ["Robotics"],
              "due_on": (timezone.localdate() + timedelta(days=30)).isoformat()},
    )  # fmt: skip
    actions.profile_propose(actor=advisor, organisation=company)
    rows = {(r.role, r.skill.label): r for r in queries.rows_of(company)}
    actions_list = list(RoadmapAction.objects.filter(roadmap=roadmap).order_by("pk"))
    assert queries.fitting_action(rows[("engineer", "cyber security")], actions_list) == drafted
    assert queries.fitting_action(rows[("manager", "identify ICT security risks")], actions_list) == drafted
    assert queries.fitting_action(rows[("engineer", KEEP_UP)], actions_list) is None
    assert queries.fitting_action(rows[("engineer", "cyber security")], [other]) is None

    gaps = {(g.row.role, g.row.skill.label): g for g in queries.gaps_of(company, with_courses=False)}
    assert gaps[("engineer", "cyber security")].action == drafted
    journeys.action_save(actor=advisor, roadmap=roadmap, action=drafted, data={"status": "done"})
    gaps = {(g.row.role, g.row.skill.label): g for g in queries.gaps_of(company, with_courses=False)}
    assert gaps[("engineer", "cyber security")].action is None, "a done action is no longer open"
