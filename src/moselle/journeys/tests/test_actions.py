"""The journey's actions: a request for help opening a case in triage, the advisor's quick entry and triage,
funnel moves (never back without a reason), closing, needs and their priority, the roadmap drafted from them,
its agreement by the company alone, and the timeline that points at rows instead of copying them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core.models import AuditEntry, EmailLog
from moselle.journeys import actions
from moselle.journeys.models import (
    Activity,
    Case,
    IntakeRequest,
    Need,
    Roadmap,
    RoadmapVersion,
    Stage,
    StageMove,
)
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(make_user: Callable[..., User]) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def member_a(make_user: Callable[..., User], org_a: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, org_a)


def refused(action: Any, **kwargs: Any) -> dict[str, list[str]]:
    """Call ``action``, expecting a refusal; the fields it names."""
    with pytest.raises(ValidationError) as caught:
        action(**kwargs)
    return caught.value.message_dict


def request_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Marie Schmit",
        "email": "marie@bakery.example.org",
        "phone": "+352 621 000 000",
        "role": "Owner",
        "organisation_name": "Boulangerie Schmit",
        "country": "Luxembourg",
        "message": "We want to track our ovens.\nAnd cut waste.",
        "categories": ["test_before_invest"],
        "heard_from": "event",
        "privacy_notice": True,
    }
    data.update(changes)
    return data


def _intake_refused(**changes: Any) -> dict[str, list[str]]:
    before = (Case.objects.count(), IntakeRequest.objects.count(), AuditEntry.objects.count(), EmailLog.objects.count())
    with pytest.raises(ValidationError) as caught:
        actions.intake_submit(actor=None, data=request_data(**changes))
    after = (Case.objects.count(), IntakeRequest.objects.count(), AuditEntry.objects.count(), EmailLog.objects.count())
    assert after == before, "half-written"
    return caught.value.message_dict


def open_case(advisor: User, organisation: Organisation, stage: str = Stage.INFORM) -> Case:
    case = actions.case_open(actor=advisor, organisation=organisation, title="Track the ovens", owner=advisor)
    if stage != Stage.INFORM:
        actions.case_move(actor=advisor, case=case, stage=stage)
    return case


def need_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"title": "Sensors on the ovens", "gap": "10", "importance": 4, "urgency": 3, "effort": 2}
    data.update(changes)
    return data


def drafted_roadmap(advisor: User, organisation: Organisation) -> Roadmap:
    case = open_case(advisor, organisation)
    actions.need_create(actor=advisor, case=case, data=need_data())
    return actions.roadmap_draft(actor=advisor, case=case)


def action_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Try a vision system",
        "horizon": "0-3",
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data


# --- Intake ---------------------------------------------------------------------------------------------


def test_it_opens_a_case_in_triage_at_inform_from_a_request(db: Any) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    case.refresh_from_db()
    assert (case.status, case.stage, case.origin) == (Case.Status.TRIAGE, Stage.INFORM, Case.Origin.REQUEST)
    assert case.owner is None and case.organisation is None
    assert case.title == "We want to track our ovens."
    assert case.categories == ["test_before_invest"]


def test_it_records_one_stage_move_from_nothing_to_inform_for_a_request(db: Any) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    assert [(m.from_stage, m.to_stage) for m in StageMove.objects.filter(case=case)] == [("", Stage.INFORM)]


def test_it_keeps_the_persons_details_in_the_intake_request(db: Any) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    request = IntakeRequest.objects.get(case=case)
    assert (request.name, request.email, request.phone, request.role) == (
        "Marie Schmit",
        "marie@bakery.example.org",
        "+352 621 000 000",
        "Owner",
    )
    assert (request.organisation_name, request.country, request.heard_from) == ("Boulangerie Schmit", "LU", "event")
    assert request.message == "We want to track our ovens.\nAnd cut waste."


def test_it_audits_the_request(db: Any) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    entry = AuditEntry.objects.get(action="case.request")
    assert (entry.target_type, entry.target_id) == ("journeys.case", str(case.pk))


def test_it_sends_the_person_a_receipt(db: Any) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    receipt = EmailLog.objects.get(template="journeys/email/request_received")
    assert receipt.recipient == "marie@bakery.example.org"
    assert str(case.pk) in receipt.subject and "Marie Schmit" in receipt.body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"email": "marie-at-bakery"}, "email"),
        ({"country": "Atlantis"}, "country"),
        ({"message": ""}, "message"),
        ({"categories": ["free_lunch"]}, "categories"),
        ({"heard_from": "a dream"}, "heard_from"),
        ({"privacy_notice": False}, "privacy_notice"),
    ],
)
def test_it_refuses_a_bad_request_by_naming_the_field_and_writes_nothing(
    db: Any, changes: dict[str, Any], field: str
) -> None:
    assert field in _intake_refused(**changes)


def test_it_reports_every_error_of_a_request_at_once(db: Any) -> None:
    errors = _intake_refused(
        name="", email="nope", country="Atlantis", message=" ", categories=["x"], heard_from="?", privacy_notice=""
    )
    assert set(errors) >= {"name", "email", "country", "message", "categories", "heard_from", "privacy_notice"}


# --- Quick entry and triage -----------------------------------------------------------------------------


def test_it_puts_a_case_opened_without_owner_in_triage(advisor: User, org_a: Organisation) -> None:
    case = actions.case_open(actor=advisor, organisation=org_a, title="Cyber check")
    assert (case.status, case.owner, case.stage) == (Case.Status.TRIAGE, None, Stage.INFORM)


def test_it_opens_a_case_given_its_owner(advisor: User, org_a: Organisation) -> None:
    case = actions.case_open(actor=advisor, organisation=org_a, title="Cyber check", owner=advisor)
    case.refresh_from_db()
    assert (case.status, case.owner) == (Case.Status.OPEN, advisor)


def test_it_refuses_an_owner_who_is_not_hub_staff(advisor: User, member_a: User, org_a: Organisation) -> None:
    assert "owner" in refused(actions.case_open, actor=advisor, organisation=org_a, title="Cyber check", owner=member_a)
    assert Case.objects.count() == 0


def test_it_refuses_a_case_without_title(advisor: User, org_a: Organisation) -> None:
    assert "title" in refused(actions.case_open, actor=advisor, organisation=org_a, title="   ")


def test_it_triages_a_case_with_an_owner_and_an_organisation(advisor: User, org_a: Organisation) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    actions.case_triage(actor=advisor, case=case, owner=advisor, organisation=org_a)
    case.refresh_from_db()
    assert (case.status, case.owner, case.organisation) == (Case.Status.OPEN, advisor, org_a)


def test_it_registers_the_organisation_of_the_request_when_asked(advisor: User) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    actions.case_triage(actor=advisor, case=case, owner=advisor, register=True)
    case.refresh_from_db()
    assert case.organisation is not None
    assert (case.organisation.name, case.organisation.country) == ("Boulangerie Schmit", "LU")


def test_it_refuses_triage_without_organisation_or_registration(advisor: User) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    assert "organisation" in refused(actions.case_triage, actor=advisor, case=case, owner=advisor)
    case.refresh_from_db()
    assert case.status == Case.Status.TRIAGE


def test_it_refuses_to_triage_a_case_that_is_not_in_triage(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    assert "case" in refused(actions.case_triage, actor=advisor, case=case, owner=advisor, organisation=org_a)


def test_it_tells_the_owner_when_someone_else_triages_to_them(
    advisor: User, make_user: Any, org_a: Organisation
) -> None:
    colleague = make_user(Role.HUB_ADVISOR)
    case = actions.intake_submit(actor=None, data=request_data())
    actions.case_triage(actor=advisor, case=case, owner=colleague, organisation=org_a)
    assert EmailLog.objects.filter(template="journeys/email/case_assigned", recipient=colleague.email).count() == 1


def test_it_sends_no_assignment_mail_to_an_advisor_who_triages_to_themselves(
    advisor: User, org_a: Organisation
) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    actions.case_triage(actor=advisor, case=case, owner=advisor, organisation=org_a)
    assert not EmailLog.objects.filter(template="journeys/email/case_assigned").exists()


# --- The funnel ------------------------------------------------------------------------------------------


def test_it_moves_a_case_forward_without_reason(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    actions.case_move(actor=advisor, case=case, stage=Stage.INSPIRE)
    case.refresh_from_db()
    assert case.stage == Stage.INSPIRE
    move = StageMove.objects.filter(case=case).last()
    assert move is not None and (move.from_stage, move.to_stage, move.by) == (Stage.INFORM, Stage.INSPIRE, advisor)


def test_it_refuses_a_move_back_without_reason_and_moves_nothing(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a, Stage.ENGAGE)
    moves = StageMove.objects.filter(case=case).count()
    assert "reason" in refused(actions.case_move, actor=advisor, case=case, stage=Stage.INFORM)
    case.refresh_from_db()
    assert case.stage == Stage.ENGAGE
    assert StageMove.objects.filter(case=case).count() == moves


def test_it_moves_a_case_back_given_a_reason(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a, Stage.ENGAGE)
    actions.case_move(actor=advisor, case=case, stage=Stage.INSPIRE, reason="They want a workshop first")
    case.refresh_from_db()
    assert case.stage == Stage.INSPIRE
    move = StageMove.objects.filter(case=case).last()
    assert move is not None and move.is_backwards and move.reason == "They want a workshop first"


def test_it_refuses_a_move_to_the_stage_the_case_is_in(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    assert "stage" in refused(actions.case_move, actor=advisor, case=case, stage=Stage.INFORM)
    assert StageMove.objects.filter(case=case).count() == 1


def test_it_does_not_move_a_case_in_triage(advisor: User, org_a: Organisation) -> None:
    case = actions.case_open(actor=advisor, organisation=org_a, title="Cyber check")
    assert "stage" in refused(actions.case_move, actor=advisor, case=case, stage=Stage.INSPIRE)
    case.refresh_from_db()
    assert case.stage == Stage.INFORM


def test_it_never_brings_a_case_back_when_reaching_a_stage(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a, Stage.ENGAGE)
    assert actions.case_reach(actor=advisor, case=case, stage=Stage.INSPIRE) is None
    case.refresh_from_db()
    assert case.stage == Stage.ENGAGE
    assert StageMove.objects.filter(case=case).count() == 2


def test_reaching_a_stage_records_it_for_a_case_in_triage_but_not_for_a_closed_one(
    advisor: User, org_a: Organisation
) -> None:
    waiting = actions.case_open(actor=advisor, organisation=org_a, title="Workshop attended")
    assert actions.case_reach(actor=None, case=waiting, stage=Stage.INSPIRE) is not None
    waiting.refresh_from_db()
    assert (waiting.status, waiting.stage) == (Case.Status.TRIAGE, Stage.INSPIRE)
    assert list(StageMove.objects.filter(case=waiting).values_list("to_stage", flat=True).order_by("at", "id")) == [
        Stage.INFORM,
        Stage.INSPIRE,
    ]
    closed = open_case(advisor, org_a)
    actions.case_close(actor=advisor, case=closed, reason=Case.CloseReason.COMPLETED)
    closed.refresh_from_db()
    assert actions.case_reach(actor=None, case=closed, stage=Stage.ENGAGE) is None
    assert StageMove.objects.filter(case=closed, to_stage=Stage.ENGAGE).count() == 0


# --- Closing and the next step ---------------------------------------------------------------------------


def test_it_refuses_to_close_a_case_for_an_unknown_reason(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    assert "reason" in refused(actions.case_close, actor=advisor, case=case, reason="bored")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_it_does_not_close_a_closed_case_again(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    actions.case_close(actor=advisor, case=case, reason=Case.CloseReason.COMPLETED)
    assert "case" in refused(actions.case_close, actor=advisor, case=case, reason=Case.CloseReason.DUPLICATE)
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (Case.Status.CLOSED, Case.CloseReason.COMPLETED)


def test_it_refuses_a_next_step_due_in_the_past(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    yesterday = timezone.localdate() - timedelta(days=1)
    errors = refused(actions.case_update, actor=advisor, case=case, next_step="Call back", next_step_due=yesterday)
    assert "next_step_due" in errors


def test_it_accepts_a_next_step_due_today(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    today = timezone.localdate()
    actions.case_update(actor=advisor, case=case, next_step="Call back", next_step_due=today.isoformat())
    case.refresh_from_db()
    assert (case.next_step, case.next_step_due) == ("Call back", today)


# --- Needs -----------------------------------------------------------------------------------------------


def test_it_marks_a_need_written_by_the_advisor(advisor: User, org_a: Organisation) -> None:
    need = actions.need_create(actor=advisor, case=open_case(advisor, org_a), data=need_data())
    assert (need.source, need.organisation, need.created_by) == (Need.Source.ADVISOR, org_a, advisor)


def test_it_marks_a_need_written_by_the_company(advisor: User, member_a: User, org_a: Organisation) -> None:
    data = {"title": "An online shop", "gap": "40", "importance": 5}
    need = actions.need_create(actor=member_a, case=open_case(advisor, org_a), data=data)
    assert (need.source, need.created_by) == (Need.Source.COMPANY, member_a)
    assert (need.importance, need.urgency, need.effort) == (5, 3, 3)


def test_it_leaves_urgency_and_effort_to_the_advisor(advisor: User, member_a: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    with pytest.raises(ValidationError) as caught:
        actions.need_create(actor=member_a, case=case, data={"title": "Shop", "gap": "40", "urgency": 5})
    assert "urgency" in caught.value.message_dict
    need = actions.need_create(actor=advisor, case=case, data=need_data())
    with pytest.raises(ValidationError) as caught:
        actions.need_update(actor=member_a, need=need, data={"title": "Renamed by the company"})
    assert "title" in caught.value.message_dict
    actions.need_update(actor=member_a, need=need, data={"importance": 1})
    need.refresh_from_db()
    assert need.importance == 1 and need.title != "Renamed by the company"


def test_it_computes_the_priority_of_a_need(advisor: User, org_a: Organisation) -> None:
    need = actions.need_create(actor=advisor, case=open_case(advisor, org_a), data=need_data())
    need.refresh_from_db()
    assert need.priority == Decimal("60.0000")
    assert str(need.priority) == "60.0000"


def test_it_requires_the_gap_of_a_need_without_dimension(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    data = need_data()
    del data["gap"]
    assert "gap" in refused(actions.need_create, actor=advisor, case=case, data=data)
    assert Need.objects.count() == 0


@pytest.mark.parametrize("gap", [-1, 101, "abc"])
def test_it_refuses_a_gap_outside_0_to_100(advisor: User, org_a: Organisation, gap: Any) -> None:
    case = open_case(advisor, org_a)
    assert "gap" in refused(actions.need_create, actor=advisor, case=case, data=need_data(gap=gap))
    assert Need.objects.count() == 0


@pytest.mark.parametrize("field", ["importance", "urgency", "effort"])
@pytest.mark.parametrize("value", [0, 6, "2.5", True])
def test_it_refuses_a_scale_that_is_not_a_whole_number_from_1_to_5(
    advisor: User, org_a: Organisation, field: str, value: Any
) -> None:
    case = open_case(advisor, org_a)
    assert field in refused(actions.need_create, actor=advisor, case=case, data=need_data(**{field: value}))
    assert Need.objects.count() == 0


def test_it_recomputes_the_priority_when_a_need_changes(advisor: User, org_a: Organisation) -> None:
    need = actions.need_create(actor=advisor, case=open_case(advisor, org_a), data=need_data())
    actions.need_update(actor=advisor, need=need, data={"urgency": "5", "gap": "20"})
    need.refresh_from_db()
    assert need.priority == Decimal("200.0000")  # 4 * 20 * 5 / 2


def test_it_wants_a_reason_for_a_priority_set_by_hand(advisor: User, org_a: Organisation) -> None:
    need = actions.need_create(actor=advisor, case=open_case(advisor, org_a), data=need_data())
    assert "override_reason" in refused(actions.need_prioritise, actor=advisor, need=need, priority="500", reason=" ")
    need.refresh_from_db()
    assert need.priority_override is None


def test_it_ranks_a_need_by_the_priority_set_by_hand(advisor: User, org_a: Organisation) -> None:
    need = actions.need_create(actor=advisor, case=open_case(advisor, org_a), data=need_data())
    actions.need_prioritise(actor=advisor, need=need, priority="500", reason="The bank wants it by June")
    need.refresh_from_db()
    assert need.ranking == Decimal("500") and need.priority == Decimal("60")
    assert need.override_reason == "The bank wants it by June"


def test_it_goes_back_to_the_computed_priority_when_the_one_set_by_hand_is_cleared(
    advisor: User, org_a: Organisation
) -> None:
    need = actions.need_create(actor=advisor, case=open_case(advisor, org_a), data=need_data())
    actions.need_prioritise(actor=advisor, need=need, priority="500", reason="The bank wants it by June")
    actions.need_prioritise(actor=advisor, need=need, priority="", reason="")
    need.refresh_from_db()
    assert (need.priority_override, need.override_reason, need.ranking) == (None, "", Decimal("60"))


# --- The roadmap -----------------------------------------------------------------------------------------


def test_it_drafts_one_action_per_open_need_due_in_the_future(advisor: User, org_a: Organisation) -> None:
    case = open_case(advisor, org_a)
    first = actions.need_create(actor=advisor, case=case, data=need_data())
    second = actions.need_create(actor=advisor, case=case, data=need_data(title="Train the bakers", gap="40"))
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    drafted = list(roadmap.actions.all())
    assert len(drafted) == 2 and {action.need_id for action in drafted} == {first.pk, second.pk}
    assert all(action.due_on > timezone.localdate() for action in drafted)


def test_it_moves_the_case_to_engage_when_drafting_the_roadmap(advisor: User, org_a: Organisation) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    case = Case.objects.get(pk=roadmap.case_id)
    assert case.stage == Stage.ENGAGE
    assert StageMove.objects.filter(case=case).last().to_stage == Stage.ENGAGE  # type: ignore[union-attr]


def test_it_refuses_a_new_action_due_in_the_past(advisor: User, org_a: Organisation) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    count = roadmap.actions.count()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert "due_on" in refused(actions.action_save, actor=advisor, roadmap=roadmap, data=action_data(due_on=yesterday))
    assert roadmap.actions.count() == count


def test_it_refuses_a_new_action_without_a_due_date(advisor: User, org_a: Organisation) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    data = action_data()
    del data["due_on"]
    assert "due_on" in refused(actions.action_save, actor=advisor, roadmap=roadmap, data=data)


def test_it_refuses_an_unknown_horizon(advisor: User, org_a: Organisation) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    errors = refused(actions.action_save, actor=advisor, roadmap=roadmap, data=action_data(horizon="someday"))
    assert "horizon" in errors


def test_it_marks_the_roadmap_changed_after_an_action_is_saved(
    advisor: User, member_a: User, org_a: Organisation
) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    actions.roadmap_agree(actor=member_a, roadmap=roadmap)
    assert Roadmap.objects.get(pk=roadmap.pk).changed_since_agreement is False
    actions.action_save(actor=advisor, roadmap=roadmap, data=action_data())
    assert Roadmap.objects.get(pk=roadmap.pk).changed_since_agreement is True


def test_it_lets_no_hub_advisor_agree_a_companys_roadmap(advisor: User, org_a: Organisation) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    assert "roadmap" in refused(actions.roadmap_agree, actor=advisor, roadmap=roadmap)
    assert RoadmapVersion.objects.count() == 0


def test_it_lets_no_member_of_another_organisation_agree(
    advisor: User, make_user: Any, org_a: Organisation, org_b: Organisation
) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    assert "roadmap" in refused(actions.roadmap_agree, actor=make_user(Role.COMPANY_MEMBER, org_b), roadmap=roadmap)
    assert RoadmapVersion.objects.count() == 0


def test_it_keeps_a_copy_of_the_actions_the_company_agrees(advisor: User, member_a: User, org_a: Organisation) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    version = actions.roadmap_agree(actor=member_a, roadmap=roadmap)
    version.refresh_from_db()
    action = roadmap.actions.get()
    assert (version.number, version.agreed_by) == (1, member_a)
    assert [(a["id"], a["title"], a["due_on"]) for a in version.actions] == [
        (action.pk, action.title, action.due_on.isoformat())
    ]


def test_it_refuses_to_agree_again_a_roadmap_that_has_not_changed(
    advisor: User, member_a: User, org_a: Organisation
) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    actions.roadmap_agree(actor=member_a, roadmap=roadmap)
    assert "roadmap" in refused(actions.roadmap_agree, actor=member_a, roadmap=Roadmap.objects.get(pk=roadmap.pk))
    assert RoadmapVersion.objects.count() == 1


def test_it_agrees_a_changed_roadmap_as_a_new_version_and_keeps_the_old_one(
    advisor: User, member_a: User, org_a: Organisation
) -> None:
    roadmap = drafted_roadmap(advisor, org_a)
    first = actions.roadmap_agree(actor=member_a, roadmap=roadmap)
    agreed = RoadmapVersion.objects.get(pk=first.pk).actions
    action = roadmap.actions.get()
    actions.action_save(actor=advisor, roadmap=roadmap, data={"title": "Fit the sensors"}, action=action)
    second = actions.roadmap_agree(actor=member_a, roadmap=Roadmap.objects.get(pk=roadmap.pk))
    assert second.number == 2 and [a["title"] for a in second.actions] == ["Fit the sensors"]
    assert RoadmapVersion.objects.get(pk=first.pk).actions == agreed
    assert agreed[0]["title"] != "Fit the sensors"


# --- The timeline ----------------------------------------------------------------------------------------


def test_it_points_an_activity_at_its_target_without_copying_personal_data(db: Any, org_a: Organisation) -> None:
    case = actions.intake_submit(actor=None, data=request_data())
    request = IntakeRequest.objects.get(case=case)
    entry = actions.activity_record(organisation=org_a, kind=Activity.Kind.NOTE, verb="requested", target=request)
    entry.refresh_from_db()
    assert (entry.target_type, entry.target_id) == ("journeys.intakerequest", request.pk)
    stored = " ".join(str(getattr(entry, f.attname)) for f in Activity._meta.concrete_fields)
    for personal in ("Marie Schmit", "marie@bakery.example.org", "+352 621 000 000"):
        assert personal not in stored


def test_it_refuses_an_activity_of_an_unknown_kind(db: Any, org_a: Organisation) -> None:
    assert "kind" in refused(actions.activity_record, organisation=org_a, kind="gossip", verb="opened")
    assert "verb" in refused(actions.activity_record, organisation=org_a, kind="note", verb="heard")
    assert Activity.objects.count() == 0


def test_it_says_what_happened_in_the_reader_s_language(db: Any, org_a: Organisation) -> None:
    from django.utils import translation

    entry = actions.activity_record(organisation=org_a, kind=Activity.Kind.CASE, verb="moved", summary="engage")
    assert entry.text() == "case moved to Engage"
    with translation.override("de"):
        assert entry.text() != "case moved to Engage"


def test_it_does_not_log_what_has_not_happened_yet(advisor: User, org_a: Organisation) -> None:
    tomorrow = timezone.now() + timedelta(days=1)
    errors = refused(
        actions.activity_log, actor=advisor, organisation=org_a, kind="call", summary="Talked ovens", at=tomorrow
    )
    assert "at" in errors
    assert Activity.objects.count() == 0


def test_it_does_not_log_an_activity_without_summary(advisor: User, org_a: Organisation) -> None:
    assert "summary" in refused(actions.activity_log, actor=advisor, organisation=org_a, kind="meeting", summary="  ")
    assert Activity.objects.count() == 0
