"""The pages of the request for help, the triage queue, the cases, the pipeline board, the timeline and the
advisor's tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moselle.accounts.models import Role
from moselle.journeys import actions
from moselle.journeys.models import Activity, Case, IntakeRequest, Stage, StageMove, Task
from moselle.organisations.models import Organisation

REQUEST = {
    "name": "Anne Schmit",
    "email": "anne@boulangerie.example",
    "organisation_name": "Boulangerie Schmit",
    "country": "LU",
    "message": "We throw away too much bread every evening.",
    "categories": ["test_before_invest"],
    "heard_from": "event",
    "privacy_notice": "on",
}


@pytest.fixture
def advisor(personas: Any) -> Any:
    return personas.hub_advisor


def open_case(organisation: Organisation, advisor: Any, title: str = "Digital plan") -> Case:
    return actions.case_open(actor=advisor, organisation=organisation, title=title, owner=advisor)


def test_it_takes_a_request_for_help_from_anyone(client: Any, hub: Any) -> None:
    assert client.get("/help/").status_code == 200
    response = client.post("/help/", REQUEST)
    assert response.status_code == 302 and response["Location"] == "/help/sent/"
    case = Case.objects.get()
    assert (case.status, case.stage, case.origin) == ("triage", "inform", "request")
    assert IntakeRequest.objects.get(case=case).email == "anne@boulangerie.example"


def test_it_names_each_field_a_request_lacks(client: Any, hub: Any) -> None:
    response = client.post("/help/", {"country": "XX", "categories": ["nonsense"]})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"name", "email", "organisation_name", "message", "privacy_notice", "country", "categories"} <= set(errors)
    assert "Unknown country: XX." in errors["country"]
    assert not Case.objects.exists()


def test_the_triage_queue_is_for_hub_staff(client_for: Any, personas: Any, client: Any) -> None:
    client.post("/help/", REQUEST)
    staff_page = client_for(personas.hub_advisor).get("/cases/triage/")
    assert staff_page.status_code == 200
    assert b"Boulangerie Schmit" in staff_page.content and b"anne@boulangerie.example" in staff_page.content
    assert client_for(personas.a["company_member"]).get("/cases/triage/").status_code == 404


def test_triage_gives_the_case_an_advisor_and_registers_the_organisation(
    client_for: Any, personas: Any, client: Any
) -> None:
    client.post("/help/", REQUEST)
    case = Case.objects.get()
    response = client_for(personas.hub_advisor).post(
        f"/cases/{case.pk}/triage/",
        {"prefix": f"t{case.pk}", f"t{case.pk}-owner": personas.hub_advisor.pk, f"t{case.pk}-register": "on"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "open" and case.owner == personas.hub_advisor
    assert case.organisation is not None and case.organisation.name == "Boulangerie Schmit"


def test_triage_without_an_organisation_says_what_is_missing(client_for: Any, personas: Any, client: Any) -> None:
    client.post("/help/", REQUEST)
    case = Case.objects.get()
    response = client_for(personas.hub_advisor).post(f"/cases/{case.pk}/triage/", {"owner": personas.hub_advisor.pk})
    assert response.status_code == 400
    assert "Choose the organisation this request is for" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "triage"


def test_a_company_member_sees_its_own_cases_and_not_another_s(
    client_for: Any, personas: Any, org_a: Organisation, org_b: Organisation, advisor: Any
) -> None:
    own = open_case(org_a, advisor)
    other = open_case(org_b, advisor)
    member = client_for(personas.a["company_member"])
    page = member.get(f"/cases/{own.pk}/")
    assert page.status_code == 200 and b"Digital plan" in page.content
    assert b"Close the case" not in page.content  # the advisor's forms are not the company's
    assert member.get(f"/cases/{other.pk}/").status_code == 404
    assert member.get("/cases/board/").status_code == 404
    listed = member.get("/cases/")
    assert listed.status_code == 200 and f"/cases/{own.pk}/".encode() in listed.content
    assert f"/cases/{other.pk}/".encode() not in listed.content


def test_a_case_in_triage_is_not_shown_to_the_company(client_for: Any, personas: Any, org_a: Organisation) -> None:
    case = actions.case_open(actor=personas.hub_advisor, organisation=org_a, title="Waiting")
    assert case.status == "triage"
    assert client_for(personas.a["company_member"]).get(f"/cases/{case.pk}/").status_code == 404


def test_the_board_moves_a_case_forward_by_button(
    client_for: Any, personas: Any, org_a: Organisation, advisor: Any
) -> None:
    case = open_case(org_a, advisor)
    response = client_for(advisor).post(f"/cases/{case.pk}/move/", {"stage": "inspire", "from": "board"})
    assert response.status_code == 302 and response["Location"].startswith("/cases/board/")
    case.refresh_from_db()
    assert case.stage == Stage.INSPIRE
    assert StageMove.objects.filter(case=case, to_stage="inspire").count() == 1


def test_the_board_refuses_a_move_back_without_a_reason(
    client_for: Any, personas: Any, org_a: Organisation, advisor: Any
) -> None:
    case = open_case(org_a, advisor)
    actions.case_move(actor=advisor, case=case, stage="engage")
    response = client_for(advisor).post(
        f"/cases/{case.pk}/move/", {"stage": "inform", "from": "board"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "Say why the case moves back to an earlier stage." in response.content.decode()
    assert b'id="board"' in response.content and b"<html" not in response.content  # the board's fragment
    case.refresh_from_db()
    assert case.stage == Stage.ENGAGE


def test_a_move_back_with_a_reason_is_kept_in_the_history(
    client_for: Any, personas: Any, org_a: Organisation, advisor: Any
) -> None:
    case = open_case(org_a, advisor)
    actions.case_move(actor=advisor, case=case, stage="engage")
    response = client_for(advisor).post(f"/cases/{case.pk}/move/", {"stage": "inspire", "reason": "Roadmap paused"})
    assert response.status_code == 302
    page = client_for(advisor).get(f"/cases/{case.pk}/").content.decode()
    assert "Roadmap paused" in page


def test_the_board_filters_by_advisor(
    client_for: Any, personas: Any, org_a: Organisation, org_b: Organisation, make_user: Any
) -> None:
    mine = open_case(org_a, personas.hub_advisor, title="Mine")
    other_advisor = make_user(Role.HUB_ADVISOR)
    theirs = open_case(org_b, other_advisor, title="Theirs")
    page = client_for(personas.hub_advisor).get(f"/cases/board/?owner={personas.hub_advisor.pk}").content.decode()
    assert f"/cases/{mine.pk}/move/" in page and f"/cases/{theirs.pk}/move/" not in page


def _board_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/board/").status_code == 200
    return len(queries)


def test_the_board_keeps_a_fixed_number_of_queries(client_for: Any, personas: Any, advisor: Any) -> None:
    client = client_for(advisor)
    for number in range(2):
        open_case(Organisation.objects.create(name=f"Firm {number}", country="LU"), advisor)
    few = _board_queries(client)
    for number in range(2, 9):
        case = open_case(Organisation.objects.create(name=f"Firm {number}", country="LU"), advisor)
        actions.need_create(actor=advisor, case=case, data={"title": "Cloud", "gap": 20})
    assert _board_queries(client) == few


def test_the_case_list_keeps_a_fixed_number_of_queries(client_for: Any, advisor: Any) -> None:
    client = client_for(advisor)
    open_case(Organisation.objects.create(name="Firm 0", country="LU"), advisor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/?all=1").status_code == 200
        return len(queries)

    few = count()
    for number in range(1, 8):
        open_case(Organisation.objects.create(name=f"Firm {number}", country="LU"), advisor)
    assert count() == few


def test_an_advisor_logs_a_call_on_the_timeline(client_for: Any, org_a: Organisation, advisor: Any) -> None:
    client = client_for(advisor)
    response = client.post(f"/organisations/{org_a.pk}/timeline/", {"kind": "call", "summary": "Talked about ERP"})
    assert response.status_code == 302
    entry = Activity.objects.get(organisation=org_a, kind="call")
    assert entry.summary == "Talked about ERP" and entry.actor == advisor
    assert "Talked about ERP" in client.get(f"/organisations/{org_a.pk}/timeline/").content.decode()


def test_the_timeline_refuses_a_date_to_come(client_for: Any, org_a: Organisation, advisor: Any) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(advisor).post(
        f"/organisations/{org_a.pk}/timeline/", {"kind": "meeting", "summary": "Kick-off", "at": tomorrow}
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not Activity.objects.filter(kind="meeting").exists()


def test_the_timeline_is_the_hub_s(client_for: Any, personas: Any, org_a: Organisation) -> None:
    assert client_for(personas.a["company_member"]).get(f"/organisations/{org_a.pk}/timeline/").status_code == 404


def test_an_advisor_adds_a_task_to_a_case_and_marks_it_done(client_for: Any, org_a: Organisation, advisor: Any) -> None:
    case = open_case(org_a, advisor)
    client = client_for(advisor)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post("/tasks/", {"title": "Call back", "due_on": due, "assignee": advisor.pk, "case": case.pk})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    task = Task.objects.get()
    assert task.case == case and task.organisation == org_a
    assert "Call back" in client.get("/tasks/").content.decode()
    assert client.post(f"/tasks/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_a_task_due_in_the_past_is_refused(client_for: Any, advisor: Any) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(advisor).post("/tasks/", {"title": "Late", "due_on": yesterday, "assignee": advisor.pk})
    assert response.status_code == 400
    assert "This date is in the past" in response.content.decode()
    assert not Task.objects.exists()


def test_the_quick_entry_opens_a_case_in_triage(client_for: Any, org_a: Organisation, advisor: Any) -> None:
    response = client_for(advisor).post("/cases/new/", {"organisation": org_a.pk, "title": "Met at a fair"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.status == "triage" and case.organisation == org_a


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_triage_queue_keeps_a_fixed_number_of_queries(client_for: Any, advisor: Any) -> None:
    client = client_for(advisor)
    actions.intake_submit(actor=None, data={**REQUEST, "privacy_notice": True})
    few = _count(client, "/cases/triage/")
    for number in range(6):
        actions.intake_submit(
            actor=None, data={**REQUEST, "organisation_name": f"Firm {number}", "privacy_notice": True}
        )
        actions.case_open(
            actor=advisor, organisation=Organisation.objects.create(name=f"Co {number}", country="LU"), title="t"
        )
    assert _count(client, "/cases/triage/") == few


def test_my_tasks_keep_a_fixed_number_of_queries(client_for: Any, org_a: Organisation, advisor: Any) -> None:
    client = client_for(advisor)
    due = timezone.localdate() + timedelta(days=2)
    case = open_case(org_a, advisor)
    actions.task_create(actor=advisor, title="First", assignee=advisor, due_on=due, case=case)
    few = _count(client, "/tasks/")
    for number in range(6):
        other = open_case(Organisation.objects.create(name=f"Firm {number}", country="LU"), advisor)
        actions.task_create(actor=advisor, title=f"Task {number}", assignee=advisor, due_on=due, case=other)
        done = actions.task_create(actor=advisor, title=f"Done {number}", assignee=advisor, due_on=due)
        actions.task_done(actor=advisor, task=done)
    assert _count(client, "/tasks/") == few
