"""The skills pages, walked with the test client: what each shows, what a bad input gets, and that each write
lands through the actions."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from moselle.accounts.models import Role
from moselle.catalogue import actions as catalogue
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.events.models import Registration
from moselle.skills import actions
from moselle.skills.models import Completion, Course, RoleSkill
from moselle.skills.tests.conftest import PEOPLE, into_the_past

pytestmark = pytest.mark.django_db


def test_the_course_list_and_page_show_the_course_and_its_next_session(client: Any, session: Any) -> None:
    page = client.get("/courses/")
    assert page.status_code == 200
    assert "Cybersecurity for SMEs" in page.content.decode()
    assert client.get("/courses/?level=4").content.decode().count("Cybersecurity for SMEs") == 0
    refused = client.get("/courses/?format=telepathy")
    assert refused.status_code == 400 and "format" in refused.content.decode()
    detail = client.get(f"/courses/{session.course.offer_id}/").content.decode()
    assert "cyber security" in detail and "450.00" in detail and "Register" in detail


def test_the_provider_gives_the_course_its_details_and_a_bad_skill_is_named(
    client_for: Any, make_user: Any, advisor: Any, provider: Any
) -> None:
    member = make_user(Role.PROVIDER_MEMBER, organisation=provider)
    client = client_for(member)
    offer = make_offer(provider, kind=Offer.Kind.TRAINING, category="skills_and_training")  # the provider's draft
    form = {
        "level": "2",
        "duration_hours": "7",
        "format": "online",
        "language": "de",
        "price_per_participant": "300",
        "aid_per_participant": "",
        "skills": "data analytics\nknitting with drones",
    }
    refused = client.post(f"/courses/{offer.pk}/edit/", form)
    assert refused.status_code == 200 and "knitting with drones" in refused.content.decode()
    assert not Course.objects.filter(offer=offer).exists()
    form["skills"] = "data analytics"
    assert client.post(f"/courses/{offer.pk}/edit/", form).status_code == 302
    course = Course.objects.get(offer=offer)
    assert (course.level, course.language, [s.label for s in course.skills.all()]) == (2, "de", ["data analytics"])

    # Published by the hub, the course is the hub's to change: the provider's change is refused, and said why.
    catalogue.offer_publish(actor=advisor, offer=offer)
    late = client.post(f"/courses/{offer.pk}/edit/", {**form, "level": "4"})
    assert late.status_code == 200 and "A published or archived course is changed by the hub" in late.content.decode()
    course.refresh_from_db()
    assert course.level == 2


def test_staff_plan_a_session_enrol_people_mark_days_and_record_completions(
    client_for: Any, advisor: Any, company: Any, course: Any
) -> None:
    client = client_for(advisor)
    days = "\n".join(["2099-03-15 09:00-17:00", "2099-03-16 09:00-12:00"])
    bad = client.post(
        f"/courses/{course.offer_id}/sessions/new/", {"days": "next Monday", "capacity": "2", "venue": "Esch"}
    )
    assert bad.status_code == 200 and "Line 1" in bad.content.decode()
    made = client.post(
        f"/courses/{course.offer_id}/sessions/new/", {"days": days, "capacity": "2", "venue": "Esch", "publish": "on"}
    )
    assert made.status_code == 302
    session = course.sessions.get()
    people = "\n".join(f"{p['name']} <{p['email']}>" for p in PEOPLE)
    full = client.post(
        f"/courses/sessions/{session.pk}/enrol/",
        {"organisation": company.pk, "people": people + "\nLea Muller <lea@atelier.lu>"},
    )
    assert full.status_code == 200 and "Only 2 seats are left" in full.content.decode()
    enrolled = client.post(f"/courses/sessions/{session.pk}/enrol/", {"organisation": company.pk, "people": people})
    assert enrolled.status_code == 302
    first, second = Registration.objects.filter(event=session.event).order_by("pk")
    assert first.status == second.status == Registration.Status.CONFIRMED
    into_the_past(session)
    for day in session.event.sessions.all():
        client.post(f"/courses/enrolments/{first.pk}/presence/", {"session": day.pk, "present": "1"})
    page = client.get(f"/courses/sessions/{session.pk}/").content.decode()
    assert page.count("Unmark") == 2
    refused = client.post(f"/courses/enrolments/{second.pk}/complete/", {}, follow=True)
    assert "did not attend every day" in refused.content.decode()
    client.post(f"/courses/enrolments/{first.pk}/complete/", {})
    assert Completion.objects.filter(registration=first).exists()
    assert not Completion.objects.filter(registration=second).exists()


def test_a_company_member_sees_and_adjusts_its_skills_and_a_level_below_is_refused(
    client_for: Any, make_user: Any, company: Any, session: Any
) -> None:
    member = make_user(Role.COMPANY_MEMBER, organisation=company)
    client = client_for(member)
    assert client.post(f"/organisations/{company.pk}/skills/propose/").status_code == 302
    row = RoleSkill.objects.filter(profile__organisation=company, skill__label="solve technical problems").first()
    assert row is not None and row.current == 0
    page = client.get(f"/organisations/{company.pk}/skills/").content.decode()
    assert "Gaps, largest first" in page and "solve technical problems" in page
    answer = client.post(
        f"/skills/rows/{row.pk}/", {f"row{row.pk}-current": "3", f"row{row.pk}-needed": "1"}, follow=True
    )
    assert "below the current one" in answer.content.decode()
    row.refresh_from_db()
    assert (row.current, row.origin) == (0, RoleSkill.Origin.PROPOSED)
    client.post(f"/skills/rows/{row.pk}/", {f"row{row.pk}-current": "1", f"row{row.pk}-needed": "3"})
    row.refresh_from_db()
    assert (row.current, row.needed, row.origin) == (1, 3, RoleSkill.Origin.ADJUSTED)
    added = client.post(
        f"/organisations/{company.pk}/skills/",
        {"add-role": "engineer", "add-skill": "cyber security", "add-current": "1", "add-needed": "4"},
    )
    assert added.status_code == 302
    gaps = client.get(f"/organisations/{company.pk}/skills/").content.decode()
    assert "Cybersecurity for SMEs" in gaps  # the course that teaches the gap's skill
    unknown = client.post(
        f"/organisations/{company.pk}/skills/",
        {"add-role": "engineer", "add-skill": "juggling", "add-current": "0", "add-needed": "2"},
    )
    assert unknown.status_code == 400 and "juggling" in unknown.content.decode()


def test_another_organisation_cannot_open_a_company_s_skills(
    client_for: Any, make_user: Any, company: Any, org_b: Any
) -> None:
    outsider = make_user(Role.COMPANY_MEMBER, organisation=org_b)
    assert client_for(outsider).get(f"/organisations/{company.pk}/skills/").status_code == 404


def test_the_market_page_export_and_brief(client_for: Any, advisor: Any, company: Any, session: Any) -> None:
    actions.profile_propose(actor=advisor, organisation=company)
    client = client_for(advisor)
    page = client.get("/skills/market/")
    assert page.status_code == 200 and "fewer than 5" in page.content.decode()
    assert client.get("/skills/market/?breakdown=colour").status_code == 400
    export = client.get("/skills/market.csv?breakdown=sector")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][2] == "companies with the gap"
    counts = [cell for row in rows[1:] for cell in [row[2], *row[7:]] if cell.isdigit()]
    assert all(int(cell) >= 5 for cell in counts)
    assert "cyber security" in {row[0] for row in rows[1:]}  # on offer, no demand
    brief = client.get("/skills/market/brief/")
    assert brief.status_code == 200 and "In demand, not on offer" in brief.content.decode()


def test_the_company_page_reads_the_same_number_of_queries_whatever_its_gaps(
    client_for: Any, advisor: Any, company: Any, session: Any
) -> None:
    """The courses of every gap are read together: more gaps, more skills, no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(advisor)
    actions.profile_propose(actor=advisor, organisation=company)
    client.get(f"/organisations/{company.pk}/skills/")  # the engine's index built once, as in any process

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/organisations/{company.pk}/skills/").status_code == 200
        return len(captured)

    before = queries()
    for label in ("cyber security", "data analytics", "machine learning", "robotics", "cloud technologies"):
        actions.role_skill_save(
            actor=advisor, organisation=company, role="engineer", skill=label, data={"current": 0, "needed": 3}
        )
    assert queries() == before


def test_the_organisation_a_request_names_for_enrolment_is_one_the_person_may_enrol(
    make_user: Any, advisor: Any, company: Any, org_b: Any
) -> None:
    from moselle.skills.access import organisation_to_enrol

    member = make_user(Role.COMPANY_MEMBER, organisation=company)
    assert organisation_to_enrol(advisor, str(org_b.pk)) == org_b  # the hub's staff: any of the registry
    assert organisation_to_enrol(member, company.pk) == company  # a member: its own
    assert organisation_to_enrol(member, str(org_b.pk)) is None  # not another's
    for value in ("", None, "abc", "99999999999", -1, True):
        assert organisation_to_enrol(advisor, value) is None
    org_b.merged_into = company
    org_b.save(update_fields=["merged_into"])
    assert organisation_to_enrol(advisor, org_b.pk) is None  # merged away


def test_a_member_s_enrol_page_does_not_name_another_organisation(
    client_for: Any, make_user: Any, company: Any, org_b: Any, session: Any
) -> None:
    member = make_user(Role.COMPANY_MEMBER, organisation=company)
    page = client_for(member).get(f"/courses/sessions/{session.pk}/enrol/?organisation={org_b.pk}")
    assert page.status_code == 200
    assert org_b.name not in page.content.decode()
