"""The permission matrix: every page and every API operation, walked with every persona.

Adding a route without an entry here fails ``test_it_covers_every_route``. For routes that take
an object, the object is created for organisation A: A's members get through, and the member of
organisation B with the same role gets a 404, on the page and in the API.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from moselle.accounts import actions
from moselle.accounts.models import Membership, Role
from moselle.api import api
from moselle.assessments import actions as assessment_actions
from moselle.catalogue.tests.factories import make_offer, offer_data
from moselle.core import files
from moselle.core.models import EmailLog
from moselle.journeys import actions as journey_actions
from moselle.journeys.models import Case
from moselle.organisations import actions as org_actions
from moselle.organisations import imports
from moselle.organisations.models import HubService
from moselle.reporting import actions as reporting_actions

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Persona names. "a:<role>" is the member of organisation A with that role (an organisation admin
# unless an observer), "b:<role>" the same in organisation B.
ANON, PEER, BAD_PEER = "anonymous", "peer", "unsigned-peer"
ADMIN, ADVISOR, PENDING, PLAIN = "hub-admin", "hub-advisor", "pending", "a:plain-member"
A = {role: f"a:{role}" for role in ("company_member", "provider_member", "partner_member", "observer")}
B = {role: f"b:{role}" for role in ("company_member", "provider_member", "partner_member", "observer")}
PERSONAS = [ANON, PEER, BAD_PEER, ADMIN, ADVISOR, PENDING, PLAIN, *A.values(), *B.values()]
# A's members who see A's objects: its three organisation admins and a member who is not an admin.
A_MEMBERS = [A["company_member"], A["provider_member"], A["partner_member"], PLAIN]
EVERYONE_LOGGED_IN = [ADMIN, ADVISOR, PENDING, PLAIN, *A.values(), *B.values()]


@dataclass
class World:
    personas: Any
    hub: Any
    org_a: Any
    org_b: Any
    make_user: Callable[..., Any]

    def user(self, persona: str) -> Any:
        if persona == ADMIN:
            return self.personas.hub_admin
        if persona == ADVISOR:
            return self.personas.hub_advisor
        if persona == PENDING:
            return self.personas.pending_a
        if persona == PLAIN:
            return self.personas.plain_a
        side, role = persona.split(":")
        return (self.personas.a if side == "a" else self.personas.b)[role]

    def client(self, persona: str) -> Client:
        if persona == PEER:
            return Client(headers={"Authorization": f"Bearer {self.personas.peer_key}"})
        if persona == BAD_PEER:
            return Client(headers={"Authorization": "Bearer msl_forged-or-unsigned"})
        client = Client()
        if persona != ANON:
            client.force_login(self.user(persona))
        return client


_serial = itertools.count()


# Object factories: each call creates a fresh object belonging to organisation A.
def pending_membership_in_a(w: World) -> dict[str, Any]:
    newcomer = w.make_user()
    membership = actions.membership_create(
        actor=None, user=newcomer, organisation=w.org_a, role=Role.COMPANY_MEMBER, status=Membership.Status.PENDING
    )
    return {"membership_id": membership.pk}


def active_membership_in_a(w: World) -> dict[str, Any]:
    colleague = w.make_user(Role.COMPANY_MEMBER, w.org_a)
    return {"membership_id": Membership.objects.get(user=colleague).pk}


def user_in_a(w: World) -> dict[str, Any]:
    colleague = w.make_user(Role.PROVIDER_MEMBER, w.org_a)
    return {"user_id": colleague.pk}


def org_a(w: World) -> dict[str, Any]:
    return {"organisation_id": w.org_a.pk}


def file_in_a(w: World) -> dict[str, Any]:
    checked = files.check_upload(SimpleUploadedFile("plan.pdf", PDF))
    stored = files.store(checked=checked, organisation_id=w.org_a.pk, uploaded_by_id=None)
    return {"file_id": stored.pk}


def token(w: World) -> dict[str, Any]:
    issued = actions.api_token_create(actor=None, name="machine", user=w.personas.hub_admin, role=Role.HUB_ADMIN)
    return {"token_id": issued.token.pk}


def service(w: World) -> dict[str, Any]:
    return {"service_id": HubService.objects.first().pk}  # type: ignore[union-attr]


def invitation_token(w: World) -> dict[str, Any]:
    """A real invitation; the token is read from the e-mail that carries it."""
    email = f"invitee{next(_serial)}@example.org"
    actions.invitation_create(actor=w.personas.hub_admin, organisation=w.org_a, email=email, role=Role.COMPANY_MEMBER)
    body = EmailLog.objects.filter(recipient=email).get().body
    match = re.search(r"/invitations/([^/\s]+)/", body)
    assert match, body
    return {"token": match.group(1)}


def no_object(w: World) -> dict[str, Any]:
    return {}


def _registered(name: str, **details: Any) -> Any:
    return org_actions.organisation_create(actor=None, name=f"{name} {next(_serial)}", details=details)


def contact_in_a(w: World) -> dict[str, Any]:
    contact = org_actions.contact_create(actor=None, organisation=w.org_a, data={"name": "Anna Muller"})
    return {"contact_id": contact.pk}


def financial_year_in_a(w: World) -> dict[str, Any]:
    org_actions.financial_year_set(actor=None, organisation=w.org_a, year=2023, staff="12")
    return {"organisation_id": w.org_a.pk, "year": 2023}


def holding_in_a(w: World) -> dict[str, Any]:
    """A fresh holder with 1 % of A's capital (fifteen personas stay well under 100 %)."""
    row = org_actions.ownership_set(actor=None, owner=_registered("Holder"), owned=w.org_a, kind="capital", percent="1")
    return {"ownership_id": row.pk}


def import_run(w: World) -> dict[str, Any]:
    run = imports.import_check(
        actor=None, kind="organisations", filename="orgs.csv", data=f"name\nGamma {next(_serial)} SARL\n".encode()
    )
    return {"import_id": run.pk}


def hub_in_directory(w: World) -> dict[str, Any]:
    return {"organisation_id": _registered("Hub", kinds=["hub"]).pk}


def a_corridor(w: World) -> dict[str, Any]:
    from moselle.network.actions import corridor_save

    hub = _registered("Hub", kinds=["hub"])
    corridor = corridor_save(
        actor=w.personas.hub_admin, title="Greater Region", partners=[hub.pk], started_on="2024-01-01"
    )
    return {"corridor_id": corridor.pk}


def _referral_abroad(w: World) -> Any:
    hub = _registered("Hub", kinds=["hub"], country="FR")
    referral = journey_actions.referral_propose(actor=_advisor(w), organisation=w.org_a, recipient=hub)
    journey_actions.referral_consent(actor=w.personas.plain_a, referral=referral, shared=["profile", "need"])
    return referral


def referral_abroad_in_a(w: World) -> dict[str, Any]:
    return {"referral_id": _referral_abroad(w).pk}


def referral_answer_token(w: World) -> dict[str, Any]:
    """A real link, read from the e-mail that carries it to the hub abroad."""
    from moselle.network.referrals import referral_send_by_email

    email = f"hub{next(_serial)}@example.org"
    referral_send_by_email(actor=w.personas.hub_admin, referral=_referral_abroad(w), email=email)
    body = EmailLog.objects.filter(recipient=email).get().body
    match = re.search(r"/network/r/([^/\s]+)/", body)
    assert match, body
    return {"token": match.group(1)}


def a_peer(w: World) -> dict[str, Any]:
    from moselle.network.models import Peer, PeerKey

    peer = Peer.objects.create(hub=_registered("Hub", kinds=["hub"]), base_url="https://peer.example.eu")
    PeerKey.objects.create(peer=peer, key_id=f"peer-key-{next(_serial)}", public_key="A" * 43)
    return {"peer_id": peer.pk}


def a_remote_offer(w: World) -> dict[str, Any]:
    from moselle.network.models import Peer, RemoteOffer

    peer = Peer.objects.create(
        hub=_registered("Hub", kinds=["hub"]), base_url="https://peer.example.eu", status=Peer.Status.ACTIVE
    )
    offer = RemoteOffer.objects.create(peer=peer, remote_id=next(_serial), title={"en": "Cyber audit"})
    return {"offer_id": offer.pk}


def new_corridor(w: World) -> dict[str, Any]:
    return {"title": "Corridor", "partners": [_registered("Hub", kinds=["hub"]).pk], "started_on": "2024-01-01"}


def new_collaboration(w: World) -> dict[str, Any]:
    hub = _registered("Hub", kinds=["hub"])
    return {"kind": "exchange", "title": "Visit", "happened_on": "2024-03-01", "hubs": [hub.pk]}


def pair(first: str, second: str) -> Callable[[World], dict[str, Any]]:
    """Two fresh organisations named in the body, for the duplicate decisions."""
    return lambda w: {first: _registered("Twin").pk, second: _registered("Twin").pk}


def financial_year_row_in_a(w: World) -> dict[str, Any]:
    """A's figures for 2022, by the row's id (the pages delete a year by its row)."""
    row = org_actions.financial_year_set(actor=None, organisation=w.org_a, year=2022, staff="7")
    return {"row_id": row.pk}


year_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "year": "2021",
    "staff": "9",
    "turnover": "1 200 000",
    "source": "accounts",
}
contact_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "name": "Clara Hoffmann",
    "preferred_language": "de",
    "legal_basis": "legitimate_interest",
}
mapping_data: Callable[[World], dict[str, Any]] = lambda w: {"column_0": "name"}  # noqa: E731


def draft_in_a(w: World) -> dict[str, Any]:
    """A's T0 being filled in (the open draft is the same one each time)."""
    draft = assessment_actions.assessment_start(actor=None, organisation=w.org_a, stage="T0")
    return {"assessment_id": draft.pk}


def complete_draft_in_a(w: World) -> dict[str, Any]:
    """A's T0 with every answer given, ready to submit; A's earlier assessments are cleared first."""
    from moselle.assessments.models import Assessment
    from moselle.assessments.tests.test_flow import full_answers, required_customer

    Assessment.objects.filter(organisation=w.org_a).delete()
    draft = assessment_actions.assessment_start(actor=None, organisation=w.org_a, stage="T0")
    assessment_actions.assessment_save(
        actor=None, assessment=draft, answers=full_answers(), customer=required_customer(draft)
    )
    return {"assessment_id": draft.pk}


def submitted_in_a(w: World) -> dict[str, Any]:
    from moselle.assessments.models import Assessment

    done = Assessment.objects.filter(organisation=w.org_a, status="submitted").first()
    if done is None:
        kwargs = complete_draft_in_a(w)
        done = Assessment.objects.get(pk=kwargs["assessment_id"])
        assessment_actions.assessment_submit(actor=None, assessment=done)
    return {"assessment_id": done.pk}


def org_a_unassessed(w: World) -> dict[str, Any]:
    from moselle.assessments.models import Assessment

    Assessment.objects.filter(organisation=w.org_a).delete()
    return {"organisation_id": w.org_a.pk}


def hub_result(w: World) -> dict[str, Any]:
    """A hub of the directory as a result of "Find help": the engine shows hubs to signed-in people."""
    return {"kind": "hub", "item_id": _registered("Hub", kinds=["hub"]).pk}


def draft_offer_in_a(w: World) -> dict[str, Any]:
    return {"offer_id": make_offer(w.org_a).pk}


def submitted_offer_in_a(w: World) -> dict[str, Any]:
    return {"offer_id": make_offer(w.org_a, "submitted").pk}


# The company's journey: each factory makes a fresh case (or what hangs on one) of organisation A.
def _advisor(w: World) -> Any:
    return w.personas.hub_advisor


def case_in_a(w: World) -> dict[str, Any]:
    case = journey_actions.case_open(actor=None, organisation=w.org_a, title="Digital plan", owner=_advisor(w))
    return {"case_id": case.pk}


def case_in_triage_for_a(w: World) -> dict[str, Any]:
    return {"case_id": journey_actions.case_open(actor=None, organisation=w.org_a, title="Met at a fair").pk}


def assessed_case_in_a(w: World) -> dict[str, Any]:
    submitted_in_a(w)
    return case_in_a(w)


def _need(w: World) -> Any:
    case = Case.objects.get(pk=case_in_a(w)["case_id"])
    return journey_actions.need_create(actor=_advisor(w), case=case, data={"title": "Cloud accounting", "gap": "30"})


def need_in_a(w: World) -> dict[str, Any]:
    return {"need_id": _need(w).pk}


def case_with_a_need_in_a(w: World) -> dict[str, Any]:
    return {"case_id": _need(w).case_id}


def _roadmap(w: World) -> Any:
    need = _need(w)
    return journey_actions.roadmap_draft(actor=_advisor(w), case=need.case)


def roadmap_in_a(w: World) -> dict[str, Any]:
    return {"roadmap_id": _roadmap(w).pk}


def roadmap_action_in_a(w: World) -> dict[str, Any]:
    return {"action_id": _roadmap(w).actions.get().pk}


def _referral(w: World, *, done: bool = False) -> Any:
    provider = _registered("Provider", kinds=["technology_provider"])
    referral = journey_actions.referral_propose(actor=_advisor(w), organisation=w.org_a, recipient=provider)
    journey_actions.referral_consent(actor=w.personas.plain_a, referral=referral, shared=["profile", "need"])
    if done:
        journey_actions.referral_move(actor=_advisor(w), referral=referral, status="accepted")
        journey_actions.referral_move(actor=_advisor(w), referral=referral, status="done", note="Delivered")
    return referral


def referral_in_a(w: World) -> dict[str, Any]:
    return {"referral_id": _referral(w).pk}


def done_referral_in_a(w: World) -> dict[str, Any]:
    return {"referral_id": _referral(w, done=True).pk}


def task_for_the_advisor(w: World) -> dict[str, Any]:
    task = journey_actions.task_create(
        actor=None, title="Call back", assignee=_advisor(w), due_on=timezone.localdate() + timedelta(days=3)
    )
    return {"task_id": task.pk}


def _record(w: World, status: str = "finalised") -> Any:
    day = timezone.localdate() - timedelta(days=5)
    if status == "proposed":
        return reporting_actions.record_propose(
            actor=None,
            source="event",
            customer=w.org_a,
            category="skills_and_training",
            description="x",
            started_on=day,
        )
    data = {"customer": w.org_a.pk, "category": "skills_and_training", "description": "Course", "started_on": day}
    return reporting_actions.record_create(actor=w.personas.hub_advisor, data=data)


def record_in_a(w: World) -> dict[str, Any]:
    return {"record_id": _record(w).pk}


def proposed_record_in_a(w: World) -> dict[str, Any]:
    return {"record_id": _record(w, "proposed").pk}


def declaration_in_a(w: World) -> dict[str, Any]:
    data = {"amount": "100", "granted_on": "2025-02-01", "granting_body": "Commune", "regulation": "2023/2831"}
    declared = reporting_actions.declaration_add(actor=w.personas.hub_advisor, organisation=w.org_a, data=data)
    return {"declaration_id": declared.pk}


def grant_in_a(w: World) -> dict[str, Any]:
    grant, _warning = reporting_actions.grant_record(
        actor=w.personas.hub_admin, organisation=w.org_a, amount="10", description="Workshop"
    )
    return {"grant_id": grant.pk}


def _registration_link(w: World, kind: str, *, waiting: bool = False) -> dict[str, Any]:
    """A registration for a published event (on its waiting list when ``waiting``), and the token of the
    ``kind`` of link e-mailed to the registrant."""
    from moselle.events import actions as event_actions
    from moselle.events.models import Registration
    from moselle.events.tests.conftest import event_data, link_in, person

    event = event_actions.event_create(actor=w.personas.hub_admin, data=event_data(capacity=1))
    event = event_actions.event_publish(actor=w.personas.hub_admin, event=event)
    n = next(_serial)
    if waiting:
        event_actions.register(event_id=event.pk, data=person(n, email=f"first{n}@example.org"))
    event_actions.register(event_id=event.pk, data=person(n))
    if waiting:
        event_actions.cancel_by_link(token=link_in(f"first{n}@example.org", "cancel"))  # the seat is offered
    if kind == "check-in":  # what the ticket's QR code encodes
        registration = Registration.objects.get(email=f"guest{n}@example.org")
        return {"token": event_actions.standing_token(event_actions.CHECK_IN, registration)}
    return {"token": link_in(f"guest{n}@example.org", kind)}


def cancel_token(w: World) -> dict[str, Any]:
    return _registration_link(w, "cancel")


def accept_token(w: World) -> dict[str, Any]:
    return _registration_link(w, "accept", waiting=True)


def ticket_token(w: World) -> dict[str, Any]:
    return _registration_link(w, "ticket")


def published_event(w: World) -> dict[str, Any]:
    from moselle.events import actions as event_actions
    from moselle.events.tests.conftest import event_data

    event = event_actions.event_create(actor=w.personas.hub_admin, data=event_data())
    return {"event_id": event_actions.event_publish(actor=w.personas.hub_admin, event=event).pk}


def a_programme(w: World) -> dict[str, Any]:
    from moselle.funding import actions as funding_actions

    programme = funding_actions.programme_create(
        actor=w.personas.hub_admin,
        data={
            "code": f"matrix-{next(_serial)}",
            "name": {"en": "Matrix programme"},
            "operator": "Ministry",
            "scope": "national",
            "instrument": "grant",
            "rate_pct": "50",
            "rules": [{"fact": "country", "in": ["LU"]}],
        },
    )
    return {"programme_id": programme.pk}


def a_call(w: World) -> dict[str, Any]:
    """A call of a fresh programme, to follow in a saved search."""
    from moselle.funding import actions as funding_actions
    from moselle.funding.models import Programme

    programme = Programme.objects.get(pk=a_programme(w)["programme_id"])
    closes = (timezone.localdate() + timedelta(days=20)).isoformat()
    call = funding_actions.call_create(
        actor=w.personas.hub_admin, programme=programme, data={"title": {"en": "Matrix round"}, "closes_on": closes}
    )
    return {"call": call.pk}


def search_of_plain_a(w: World) -> dict[str, Any]:
    """A saved search is its owner's alone (personal data): here A's plain member's."""
    from moselle.funding import searches

    search = searches.search_create(actor=w.personas.plain_a, data={"name": f"Matrix search {next(_serial)}"})
    return {"search_id": search.pk}


def application_in_a(w: World) -> dict[str, Any]:
    from moselle.funding import applications as funding_applications

    application = funding_applications.application_create(
        actor=w.personas.hub_admin,
        organisation=w.org_a,
        data={"programme": a_programme(w)["programme_id"], "amount_requested": "10000"},
    )
    return {"application_id": application.pk}


new_application: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "programme": a_programme(w)["programme_id"],
    "amount_requested": "5000",
}


new_programme: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "code": f"matrix-new-{next(_serial)}",
    "name": {"en": "New programme"},
    "operator": "Ministry",
    "scope": "eu",
    "instrument": "grant",
}


def pending_registration(w: World) -> dict[str, Any]:
    from moselle.events import actions as event_actions
    from moselle.events.tests.conftest import event_data, person

    event = event_actions.event_create(actor=w.personas.hub_admin, data=event_data(needs_approval=True))
    event = event_actions.event_publish(actor=w.personas.hub_admin, event=event)
    return {"registration_id": event_actions.register(event_id=event.pk, data=person(next(_serial))).pk}


def confirmed_registration(w: World) -> dict[str, Any]:
    from moselle.events import actions as event_actions
    from moselle.events.tests.conftest import person

    event_id = published_event(w)["event_id"]
    return {"registration_id": event_actions.register(event_id=event_id, data=person(next(_serial))).pk}


def survey_token(w: World) -> dict[str, Any]:
    """The survey link of a registration that attended: its GET shows the form (and changes nothing)."""
    from moselle.events import actions as event_actions
    from moselle.events.models import Registration

    registration = Registration.objects.get(pk=confirmed_registration(w)["registration_id"])
    event_actions.mark_attendance(actor=w.personas.hub_admin, registration=registration, attended=True)
    return {"token": event_actions.standing_token(event_actions.SURVEY, registration)}


def draft_event(w: World) -> dict[str, Any]:
    from moselle.events import actions as event_actions
    from moselle.events.tests.conftest import event_data

    return {"event_id": event_actions.event_create(actor=w.personas.hub_admin, data=event_data()).pk}


def event_form_data(w: World) -> dict[str, Any]:
    from moselle.events.tests.test_staff_pages import _form

    return _form()


def new_event(w: World) -> dict[str, Any]:
    from moselle.events.tests.conftest import event_data

    return event_data()


def registrant(w: World) -> dict[str, Any]:
    from moselle.events.tests.conftest import person

    return person(next(_serial))


def a_series(w: World) -> dict[str, Any]:
    from moselle.events.models import Series

    return {"series_id": Series.objects.create(title={"en": "L-DIH Talks"}).pk}


# Courses and skills: a course is a training offer of organisation A with its course details (not aided, so
# that nobody's enrolment waits for approval); its sessions are the hub's; enrolments are A's people.
MATRIX_SKILL = "http://data.europa.eu/esco/skill/matrix-cyber-security"


def _matrix_skill() -> Any:
    """One ESCO skill, without seeding the taxonomy's thousands of rows for each operation."""
    from moselle.core.models_taxonomy import Skill

    skill, _created = Skill.objects.get_or_create(uri=MATRIX_SKILL, defaults={"label": "matrix cyber security"})
    return skill


def course_details(w: World) -> dict[str, Any]:
    _matrix_skill()
    return {"level": "basic", "duration_hours": "7", "format": "online", "language": "en", "skills": [MATRIX_SKILL]}


def training_offer_of_a(w: World) -> dict[str, Any]:
    """A draft training offer of A, without course details yet."""
    return {"offer_id": make_offer(w.org_a, kind="training", category="skills_and_training").pk}


def _course_of_a(w: World) -> Any:
    from moselle.skills import actions as skill_actions

    offer = make_offer(w.org_a, "published", kind="training", category="skills_and_training")
    return skill_actions.course_save(actor=w.personas.hub_admin, offer=offer, data=course_details(w))


def course_of_a(w: World) -> dict[str, Any]:
    return {"offer_id": _course_of_a(w).offer_id}


def course_session_data(w: World) -> dict[str, Any]:
    first = timezone.localdate() + timedelta(days=20)
    return {
        "venue": "Technoport, Esch-sur-Alzette",
        "capacity": 20,
        "sessions": [{"day": first.isoformat(), "starts": "09:00", "ends": "17:00"}],
        "publish": True,
    }


def _course_session(w: World) -> Any:
    from moselle.skills import actions as skill_actions

    return skill_actions.session_create(actor=w.personas.hub_admin, course=_course_of_a(w), data=course_session_data(w))


def course_session_of_a(w: World) -> dict[str, Any]:
    return {"session_id": _course_session(w).pk}


def enrolment_data(w: World) -> dict[str, Any]:
    n = next(_serial)
    return {"organisation": w.org_a.pk, "people": [{"name": f"Trainee {n}", "email": f"trainee{n}@example.org"}]}


def _enrolment(w: World, *, attended: bool = False) -> Any:
    """A confirmed enrolment of A's person in a session whose day has passed (present that day if ``attended``)."""
    from moselle.events import actions as event_actions
    from moselle.skills import actions as skill_actions
    from moselle.skills.tests.conftest import into_the_past

    session = _course_session(w)
    (registration,) = skill_actions.enrol(
        actor=w.personas.hub_admin, session=session, organisation=w.org_a, people=enrolment_data(w)["people"]
    )
    into_the_past(session)
    if attended:
        for day in session.event.sessions.all():
            event_actions.mark_presence(
                actor=w.personas.hub_admin, registration=registration, session=day, present=True
            )
    return registration


def enrolment_of_a(w: World) -> dict[str, Any]:
    return {"registration_id": _enrolment(w).pk}


def attended_enrolment_of_a(w: World) -> dict[str, Any]:
    return {"registration_id": _enrolment(w, attended=True).pk}


def presence_data(w: World) -> dict[str, Any]:
    """The day of the enrolment made just before (``make`` runs before ``data`` for each persona)."""
    from moselle.events.models import Registration

    latest = Registration.objects.filter(event__course_session__isnull=False).latest("pk")
    return {"session": latest.event.sessions.first().pk, "present": True}  # type: ignore[union-attr]


def page_presence_data(w: World) -> dict[str, Any]:
    """The page's form: the day of the enrolment made just before, marked present."""
    return {**presence_data(w), "present": "1"}


def role_skill_data(w: World) -> dict[str, Any]:
    _matrix_skill()
    return {"role": "manager", "skill": MATRIX_SKILL, "current": "basic", "needed": 3}


def role_skill_of_a(w: World) -> dict[str, Any]:
    from moselle.skills import actions as skill_actions

    row = skill_actions.role_skill_save(
        actor=w.personas.hub_admin,
        organisation=w.org_a,
        role="manager",
        skill=_matrix_skill(),
        data={"current": 1, "needed": 3},
    )
    return {"row_id": row.pk}


declaration_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "amount": "250",
    "granted_on": "2025-03-01",
    "granting_body": "Ministry",
    "regulation": "2023/2831",
}
grant_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "amount": "10",
    "description": "Workshop",
    "basis": "de_minimis",
}
PARTNERS = [A["partner_member"], B["partner_member"]]
record_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "customer_id": w.org_a.pk,
    "category": "skills_and_training",
    "description": "Course",
    "started_on": "2026-01-05",
}


def _due() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


request_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "name": "Anne Schmit",
    "email": "anne@example.org",
    "organisation_name": "Boulangerie Schmit",
    "country": "LU",
    "message": "Too much bread thrown away.",
    "privacy_notice": True,
}


# Test before invest: a project of A (a company) opened by the hub; partners, criteria, milestones, bookings and
# documents hang from it. Stages further on are reached with a plain update, the actions' gates being tested in
# the pilots app. A facility of A is a draft test-facility offer with its details (A's and the hub's alone).
def _pilot_of_a(w: World, **changes: Any) -> Any:
    from moselle.core.models_taxonomy import Technology
    from moselle.organisations.models import OrganisationKind
    from moselle.pilots import actions as pilot_actions
    from moselle.pilots.models import Project

    OrganisationKind.objects.get_or_create(organisation=w.org_a, kind="company")
    Technology.objects.get_or_create(name="Matrix computing", defaults={"label": {"en": "Matrix computing"}})
    today = timezone.localdate()
    project = pilot_actions.project_create(
        actor=w.personas.hub_admin,
        organisation=w.org_a,
        data={
            "kind": "poc",
            "title": f"Matrix pilot {next(_serial)}",
            "technologies": ["Matrix computing"],
            "scope": "Scope",
            "objectives": "Objectives",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(),
        },
    )
    if changes:
        Project.objects.filter(pk=project.pk).update(**changes)
        project.refresh_from_db()
    return project


def pilot_of_a(w: World) -> dict[str, Any]:
    return {"project_id": _pilot_of_a(w).pk}


def _criterion_of(w: World, project: Any, **result: Any) -> Any:
    from moselle.pilots import actions as pilot_actions
    from moselle.pilots.models import Criterion

    criterion = pilot_actions.criterion_save(actor=w.personas.hub_admin, project=project, data={"text": "Faster"})
    if result:
        Criterion.objects.filter(pk=criterion.pk).update(**result)
    return criterion


def pilot_with_a_criterion_of_a(w: World) -> dict[str, Any]:
    project = _pilot_of_a(w)
    _criterion_of(w, project)
    return {"project_id": project.pk}


def pilot_criterion_of_a(w: World) -> dict[str, Any]:
    return {"criterion_id": _criterion_of(w, _pilot_of_a(w)).pk}


def pilot_criterion_in_evaluation_of_a(w: World) -> dict[str, Any]:
    project = _pilot_of_a(w)
    criterion = _criterion_of(w, project)
    project.__class__.objects.filter(pk=project.pk).update(stage="evaluation")
    return {"criterion_id": criterion.pk}


def pilot_at_decision_of_a(w: World) -> dict[str, Any]:
    project = _pilot_of_a(w)
    _criterion_of(w, project, result="Twice as fast", met=True)
    project.__class__.objects.filter(pk=project.pk).update(stage="decision")
    return {"project_id": project.pk}


def pilot_decided_of_a(w: World) -> dict[str, Any]:
    return {"project_id": _pilot_of_a(w, stage="decision", status="decided", decision="go").pk}


def _pilot_partner() -> Any:
    return _registered("Matrix Institute", kinds=["research_organisation"])


def pilot_partner_data(w: World) -> dict[str, Any]:
    return {"organisation": _pilot_partner().pk, "role": "performs", "budget": "1000"}


def pilot_partner_of_a(w: World) -> dict[str, Any]:
    from moselle.pilots import actions as pilot_actions

    partner = pilot_actions.partner_save(
        actor=w.personas.hub_admin,
        project=_pilot_of_a(w),
        data={"organisation": _pilot_partner().pk, "role": "advises"},
    )
    return {"partner_id": partner.pk}


def pilot_milestone_of_a(w: World) -> dict[str, Any]:
    """A milestone A owes: A's members mark it done."""
    from moselle.pilots import actions as pilot_actions

    milestone = pilot_actions.milestone_save(
        actor=w.personas.hub_admin,
        project=_pilot_of_a(w),
        data={"title": "Data delivered", "due_on": _due(), "owner": w.org_a.pk},
    )
    return {"milestone_id": milestone.pk}


def _facility(w: World, provider: Any, status: str = "published") -> Any:
    from moselle.pilots import actions as pilot_actions

    offer = make_offer(provider, status, kind="test_facility")
    return pilot_actions.facility_save(
        actor=w.personas.hub_admin,
        offer=offer,
        data={
            "kind": "hpc",
            "unit": "core_hours",
            "capacity": 1000,
            "period": "day",
            "available_from": timezone.localdate().isoformat(),
            "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
        },
    )


def draft_facility_of_a(w: World) -> dict[str, Any]:
    return {"offer_id": _facility(w, w.org_a, "draft").offer_id}


def draft_facility_offer_of_a(w: World) -> dict[str, Any]:
    """A draft test-facility offer of A, without the facility's details yet."""
    return {"offer_id": make_offer(w.org_a, kind="test_facility").pk}


def pilot_booking_data(w: World) -> dict[str, Any]:
    """A published facility of a provider that is neither A nor B, booked for three days from tomorrow."""
    facility = _facility(w, _registered("Matrix HPC", kinds=["test_facility"]))
    day = timezone.localdate() + timedelta(days=1)
    return {"facility": facility.pk, "starts_on": day.isoformat(), "units": "10"}


def _booking_of_a(w: World, days_ahead: int) -> Any:
    """A booking of A's project at A's own published facility (A's members may cancel or record its use)."""
    from moselle.pilots import actions as pilot_actions

    day = (timezone.localdate() + timedelta(days=days_ahead)).isoformat()
    (booking,) = pilot_actions.book(
        actor=w.personas.hub_admin,
        project=_pilot_of_a(w),
        facility=_facility(w, w.org_a),
        data={"starts_on": day, "units": 5},
    )
    return booking


def pilot_booking_to_come_of_a(w: World) -> dict[str, Any]:
    return {"booking_id": _booking_of_a(w, 2).pk}


def pilot_booking_today_of_a(w: World) -> dict[str, Any]:
    return {"booking_id": _booking_of_a(w, 0).pk}


def pilot_document_of_a(w: World) -> dict[str, Any]:
    """A document of A's project, uploaded by the hub (only the hub removes it)."""
    from moselle.pilots import actions as pilot_actions

    document = pilot_actions.document_add(
        actor=w.personas.hub_admin, project=_pilot_of_a(w), upload=SimpleUploadedFile("scope.pdf", PDF), title=""
    )
    return {"document_id": document.pk}


def pilot_with_a_as_partner(w: World) -> dict[str, Any]:
    """Another company's project, A doing the work on A's own published facility: A's members book for it."""
    from moselle.core.models_taxonomy import Technology
    from moselle.pilots import actions as pilot_actions

    _facility(w, w.org_a)
    Technology.objects.get_or_create(name="Matrix computing", defaults={"label": {"en": "Matrix computing"}})
    today = timezone.localdate()
    project = pilot_actions.project_create(
        actor=w.personas.hub_admin,
        organisation=_registered("Client", kinds=["company"]),
        data={
            "kind": "pilot",
            "title": f"Matrix pilot {next(_serial)}",
            "technologies": ["Matrix computing"],
            "scope": "Scope",
            "objectives": "Objectives",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(),
        },
    )
    pilot_actions.partner_save(
        actor=w.personas.hub_admin, project=project, data={"organisation": w.org_a.pk, "role": "performs"}
    )
    return {"project_id": project.pk}


def pilot_booking_at_a_data(w: World) -> dict[str, Any]:
    """Ten units of the facility of A made just before (``make`` runs before ``data`` for each persona), from
    today, as the API takes them: the facility by its offer's id."""
    from moselle.pilots.models import Facility

    facility = Facility.objects.filter(offer__provider=w.org_a).latest("pk")
    return {"facility": facility.offer_id, "starts_on": timezone.localdate().isoformat(), "units": 10}


def new_pilot_data(w: World) -> dict[str, Any]:
    """A new proof of concept for A, as ``POST /pilots`` takes it (A made a company, as ``_pilot_of_a`` does)."""
    from moselle.core.models_taxonomy import Technology
    from moselle.organisations.models import OrganisationKind

    OrganisationKind.objects.get_or_create(organisation=w.org_a, kind="company")
    Technology.objects.get_or_create(name="Matrix computing", defaults={"label": {"en": "Matrix computing"}})
    today = timezone.localdate()
    return {
        "organisation": w.org_a.pk,
        "kind": "poc",
        "title": f"Matrix pilot {next(_serial)}",
        "technologies": ["Matrix computing"],
        "scope": "Scope",
        "objectives": "Objectives",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
    }


pilot_result_data: Callable[[World], dict[str, Any]] = lambda w: {"result": "Twice as fast", "met": True}  # noqa: E731


@dataclass
class Entry:
    """Expected status per persona; anyone not listed gets ``default``."""

    allowed: dict[str, int]
    default: int
    method: str = "get"
    make: Callable[[World], dict[str, Any]] = no_object
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    anonymous: int | None = None  # pages: 302 to the log-in; API: 401

    def expected(self, persona: str, *, is_api: bool) -> int:
        if persona in self.allowed:
            return self.allowed[persona]
        if persona in (ANON, BAD_PEER) or (persona == PEER and not is_api):
            if self.anonymous is not None:
                return self.anonymous
            return 401 if is_api else 302
        return self.default


def ok(personas: list[str], status: int = 200) -> dict[str, int]:
    return dict.fromkeys(personas, status)


STAFF = [ADMIN, ADVISOR]
ORG_A_ADMINS = [*STAFF, A["company_member"], A["provider_member"], A["partner_member"]]

invite_data: Callable[[World], dict[str, Any]] = lambda w: {  # noqa: E731
    "email": f"new{next(_serial)}@example.org",
    "role": Role.COMPANY_MEMBER,
}
upload_data: Callable[[World], dict[str, Any]] = lambda w: {"file": SimpleUploadedFile("plan.pdf", PDF)}  # noqa: E731

PAGES: dict[str, Entry] = {
    "funding_home": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "funding_organisation": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "funding_declare": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", org_a, lambda w: {"business_permit": "yes"}),
    "funding_application_create": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", org_a, new_application),
    "funding_application_update": Entry(
        ok([*STAFF, *A_MEMBERS], 302), 404, "post", application_in_a, lambda w: {"status": "submitted"}
    ),
    "funding_investment_create": Entry(
        ok(STAFF, 302),
        404,
        "post",
        org_a,
        lambda w: {"amount": "1000", "kind": "own_funds", "made_on": "2025-01-15", "source": "manual"},
    ),
    "funding_programme_list": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "funding_programme_detail": Entry(ok(EVERYONE_LOGGED_IN), 404, make=a_programme),
    "funding_programme_create": Entry(ok(STAFF), 404),
    "funding_programme_edit": Entry(ok(STAFF), 404, make=a_programme),
    "funding_call_create": Entry(ok(STAFF), 404, make=a_programme),
    "funding_search_list": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "funding_search_create": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "funding_search_delete": Entry(ok([PLAIN], 302), 404, "post", search_of_plain_a),
    "funding_search_follow": Entry(ok([PLAIN], 302), 404, "post", search_of_plain_a, a_call),
    "home": Entry(ok(PERSONAS), 200, anonymous=200),
    "health": Entry(ok(PERSONAS), 200, anonymous=200),
    "privacy_notice": Entry(ok(PERSONAS), 200, anonymous=200),
    "my_account": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "my_data": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "my_data_json": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "my_consents": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "organisation_join": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "organisation_list": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "invitation_accept": Entry(ok(PERSONAS), 200, make=invitation_token, anonymous=200),
    "membership_approve": Entry(ok(ORG_A_ADMINS, 302), 404, "post", pending_membership_in_a),
    "membership_decline": Entry(ok(ORG_A_ADMINS, 302), 404, "post", pending_membership_in_a),
    "membership_remove": Entry(ok(ORG_A_ADMINS, 302), 404, "post", active_membership_in_a),
    "organisation_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "organisation_invite": Entry(ok(ORG_A_ADMINS, 302), 404, "post", org_a, invite_data),
    "organisation_upload": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", org_a, upload_data),
    "file_download": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=file_in_a),
    "hub_people": Entry(ok(STAFF), 404),
    "hub_settings": Entry(ok(STAFF), 404),
    "hub_privacy": Entry(ok([ADMIN]), 404),
    "hub_tokens": Entry(ok([ADMIN]), 404),
    "hub_token_revoke": Entry(ok([ADMIN], 302), 404, "post", token),
    "audit_log": Entry(ok([ADMIN]), 404),
    "hub_service_edit": Entry(ok([ADMIN]), 404, make=service),
    # The registry's pages: hub staff register; A's admins (and hub staff) edit A, its figures,
    # holders and contacts; duplicates and imports are hub staff's work.
    "organisation_create": Entry(ok(STAFF), 404),
    "organisation_edit": Entry(ok(ORG_A_ADMINS), 404, make=org_a),
    "financial_year_add": Entry(ok(ORG_A_ADMINS, 302), 404, "post", org_a, year_data),
    "financial_year_delete": Entry(ok(ORG_A_ADMINS, 302), 404, "post", financial_year_row_in_a),
    # The holder must be one the person sees, which A's admins cannot name here: the page itself.
    "ownership_add": Entry(ok(ORG_A_ADMINS), 404, make=org_a),
    "ownership_delete": Entry(ok(ORG_A_ADMINS, 302), 404, "post", holding_in_a),
    "contact_add": Entry(ok(ORG_A_ADMINS, 302), 404, "post", org_a, contact_data),
    "contact_edit": Entry(ok(ORG_A_ADMINS), 404, make=contact_in_a),
    "contact_delete": Entry(ok(ORG_A_ADMINS, 302), 404, "post", contact_in_a),
    "hub_duplicates": Entry(ok(STAFF), 404),
    "hub_duplicate_dismiss": Entry(ok(STAFF, 302), 404, "post", data=pair("first", "second")),
    "hub_duplicate_merge": Entry(ok(STAFF), 404, make=pair("first_id", "second_id")),
    "hub_imports": Entry(ok(STAFF), 404),
    "hub_import_run": Entry(ok(STAFF), 404, make=import_run),
    "hub_import_recheck": Entry(ok(STAFF, 302), 404, "post", import_run, mapping_data),
    "hub_import_commit": Entry(ok(STAFF, 302), 404, "post", import_run),
    # The directory of Europe's hubs: public facts, for everyone logged in.
    "hub_directory": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "directory_hub": Entry(ok(EVERYONE_LOGGED_IN), 404, make=hub_in_directory),
    "network_map": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "corridor_list": Entry(ok(STAFF), 404),
    "corridor_new": Entry(ok(STAFF), 404),
    "corridor_detail": Entry(ok(STAFF), 404, make=a_corridor),
    "corridor_edit": Entry(ok(STAFF), 404, make=a_corridor),
    "corridor_document": Entry(
        ok(STAFF, 302), 404, "post", a_corridor, lambda w: {"document": SimpleUploadedFile("deal.pdf", PDF)}
    ),
    "collaboration_new": Entry(ok(STAFF), 404),
    "referral_abroad": Entry(ok(STAFF), 404, make=referral_abroad_in_a),
    "referral_dossier": Entry(ok(STAFF), 404, make=referral_abroad_in_a),
    "referral_answer": Entry(ok(PERSONAS), 200, make=referral_answer_token, anonymous=200),
    "remote_offer": Entry(ok(EVERYONE_LOGGED_IN), 404, make=a_remote_offer),
    "peer_list": Entry(ok([ADMIN]), 404),
    "peer_invitation_new": Entry(ok([ADMIN]), 404, "post"),
    "peer_pair": Entry(ok([ADMIN], 400), 404, "post", data=lambda w: {"base_url": "http://insecure.example.eu"}),
    "peer_key_rotate": Entry(ok([ADMIN], 302), 404, "post"),
    "peer_detail": Entry(ok([ADMIN]), 404, make=a_peer),
    "peer_confirm": Entry(ok([ADMIN], 400), 404, "post", a_peer, lambda w: {"fingerprint": "0000"}),
    "peer_revoke": Entry(ok([ADMIN], 302), 404, "post", a_peer),
    # Machines only: a request without a valid signature is refused, whoever sends it.
    "federation_inbox": Entry({}, 401, "post", anonymous=401),
    "federation_pair": Entry({}, 400, "post", anonymous=400),
    "api_not_found": Entry({}, 404, anonymous=404),
    # Maturity assessments: A's members fill in and read A's; hub staff all of them; observers none.
    "organisation_assessments": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "assessment_fill": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_in_a),
    "assessment_submit": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", complete_draft_in_a),
    "assessment_discard": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", draft_in_a),
    "assessment_results": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=submitted_in_a),
    "assessment_report": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=submitted_in_a),
    "assessment_list": Entry(ok(STAFF), 404),
    "assessment_export": Entry(ok(STAFF), 404),
    "interpretation_list": Entry(ok(STAFF), 404),
    # The catalogue: published offers for everyone, anonymous visitors included; A's members draft,
    # change and submit A's offers (a draft is theirs and hub staff's alone); hub staff moderate.
    "catalogue_list": Entry(ok(PERSONAS), 200, anonymous=200),
    "my_offers": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "offer_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_offer_in_a, anonymous=404),
    "offer_create": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "offer_edit": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_offer_in_a),
    "offer_submit": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", draft_offer_in_a),
    "hub_offer_list": Entry(ok(STAFF), 404),
    "hub_offer_moderate": Entry(ok(STAFF, 302), 404, "post", submitted_offer_in_a, lambda w: {"decision": "publish"}),
    # Find help: everyone searches (each sees what the engine shows them); a hub as a result is for
    # signed-in people, a 404 for anonymous visitors.
    "find_help": Entry(ok(PERSONAS), 200, anonymous=200),
    "find_result": Entry(ok(EVERYONE_LOGGED_IN), 404, make=hub_result, anonymous=404),
    # The company's journey. Anyone asks for help; hub staff triage, move, draft and plan; A's members see
    # A's cases, needs and roadmap, agree the roadmap, consent to share and rate; the timeline and the tasks
    # are the hub's. A referral's recipient (no persona here) sees it once the company consented.
    "request_help": Entry(ok(PERSONAS), 200, anonymous=200),
    "request_help_sent": Entry(ok(PERSONAS), 200, anonymous=200),
    "case_list": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "case_create": Entry(ok(STAFF), 404),
    "triage_queue": Entry(ok(STAFF), 404),
    "pipeline_board": Entry(ok(STAFF), 404),
    "case_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=case_in_a),
    "case_triage": Entry(
        ok(STAFF, 302), 404, "post", case_in_triage_for_a, lambda w: {"owner": w.personas.hub_advisor.pk}
    ),
    "case_move": Entry(ok(STAFF, 302), 404, "post", case_in_a, lambda w: {"stage": "inspire"}),
    "case_close": Entry(ok(STAFF, 302), 404, "post", case_in_a, lambda w: {"reason": "completed"}),
    "case_update": Entry(ok(STAFF, 302), 404, "post", case_in_a, lambda w: {"next_step": "Call back"}),
    "case_needs": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=case_in_a),
    "needs_draft": Entry(ok(STAFF, 302), 404, "post", assessed_case_in_a),
    "needs_chart": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=case_in_a),
    "need_edit": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=need_in_a),
    "need_prioritise": Entry(
        ok(STAFF, 302), 404, "post", need_in_a, lambda w: {"priority": "10", "reason": "The board's wish"}
    ),
    "roadmap_draft": Entry(ok(STAFF, 302), 404, "post", case_with_a_need_in_a),
    "roadmap_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=roadmap_in_a),
    "roadmap_print": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=roadmap_in_a),
    # Only the company agrees its roadmap: hub staff are refused by the action (400), others see nothing.
    "roadmap_agree": Entry({**ok(A_MEMBERS, 302), **ok(STAFF, 400)}, 404, "post", roadmap_in_a),
    "roadmap_action_create": Entry(
        ok(STAFF, 302),
        404,
        "post",
        roadmap_in_a,
        lambda w: {
            "title": "Train the team",
            "horizon": "0-3",
            "owner_kind": "company",
            "status": "planned",
            "due_on": _due(),
        },
    ),
    "roadmap_action_edit": Entry(ok(STAFF), 404, make=roadmap_action_in_a),
    "roadmap_action_delete": Entry(ok(STAFF, 302), 404, "post", roadmap_action_in_a),
    "referral_inbox": Entry(ok(EVERYONE_LOGGED_IN), 404),
    # Without ?organisation= there is nobody to refer.
    "referral_create": Entry({}, 404),
    "referral_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=referral_in_a),
    "referral_consent": Entry(
        ok([*STAFF, *A_MEMBERS], 302),
        404,
        "post",
        referral_in_a,
        lambda w: {"shared": ["profile", "need"], "given": "1", "email": "paper@example.org"},
    ),
    "referral_move": Entry(
        ok([*STAFF, *A_MEMBERS], 302), 404, "post", referral_in_a, lambda w: {"status": "withdrawn"}
    ),
    "referral_rate": Entry(
        {**ok(A_MEMBERS, 302), **ok(STAFF, 400)}, 404, "post", done_referral_in_a, lambda w: {"satisfaction": "4"}
    ),
    "organisation_timeline": Entry(ok(STAFF), 404, make=org_a),
    "my_tasks": Entry(ok(STAFF), 404),
    "task_done": Entry(ok(STAFF, 302), 404, "post", task_for_the_advisor),
    "service_list": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "service_create": Entry(ok([*STAFF, *PARTNERS]), 403),
    "service_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=record_in_a),
    "commission_services": Entry(ok([ADMIN]), 404),
    "dashboard": Entry(ok([*STAFF, A["observer"], B["observer"]]), 403),
    "dashboard_csv": Entry(ok([*STAFF, A["observer"], B["observer"]]), 403),
    "service_reject": Entry(ok(STAFF, 302), 404, "post", proposed_record_in_a, lambda w: {"reason": "Twice"}),
    "ledger_page": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "declaration_add": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", org_a, declaration_data),
    "declaration_delete": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", declaration_in_a),
    "grant_add": Entry(ok(STAFF, 302), 404, "post", org_a, grant_data),
    "grant_notice": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=grant_in_a),
    "grant_cancel": Entry(ok(STAFF, 302), 404, "post", grant_in_a, lambda w: {"reason": "Withdrawn"}),
    "event_list": Entry(ok(PERSONAS), 200, anonymous=200),
    "staff_event_list": Entry(ok(STAFF), 404),
    "staff_event_create": Entry(ok(STAFF, 302), 404, "post", data=event_form_data),
    "staff_event_detail": Entry(ok(STAFF), 404, make=published_event),
    "staff_event_edit": Entry(ok(STAFF), 404, make=published_event),
    "staff_event_publish": Entry(ok(STAFF, 302), 404, "post", draft_event),
    "staff_event_cancel": Entry(ok(STAFF, 302), 404, "post", published_event),
    "staff_event_survey": Entry(ok(STAFF), 404, make=published_event),
    "staff_registration_approve": Entry(ok(STAFF, 302), 404, "post", pending_registration),
    "staff_registration_decline": Entry(ok(STAFF, 302), 404, "post", pending_registration),
    "staff_registration_attendance": Entry(
        ok(STAFF, 302), 404, "post", confirmed_registration, lambda w: {"attended": "yes"}
    ),
    "staff_registration_match": Entry(
        ok(STAFF, 302), 404, "post", confirmed_registration, lambda w: {"prospect": "yes"}
    ),
    "event_detail": Entry(ok(PERSONAS), 200, make=published_event, anonymous=200),
    "series_feed": Entry(ok(PERSONAS), 200, make=a_series, anonymous=200),
    "event_cancel_link": Entry(ok(PERSONAS), 200, make=cancel_token, anonymous=200),
    "event_accept_link": Entry(ok(PERSONAS), 200, make=accept_token, anonymous=200),
    "event_check_in": Entry(ok(STAFF), 404, make=lambda w: _registration_link(w, "check-in")),
    "event_ticket": Entry(ok(PERSONAS), 200, make=ticket_token, anonymous=200),
    # Nobody has attended yet: the certificate is refused to everyone alike.
    "event_certificate": Entry(ok(PERSONAS, 403), 403, make=ticket_token, anonymous=403),
    # The survey's link is the attendee's: anyone holding it sees the form.
    "event_survey": Entry(ok(PERSONAS), 200, make=survey_token, anonymous=200),
    # Courses are public; their details are changed by A's members (the provider) and hub staff; sessions,
    # days attended and completions are the hub's; people enrol their own organisation's people (hub staff
    # anyone's); a company's skills are its members' and the hub's; the market's gaps staff's and observers'.
    "course_list": Entry(ok(PERSONAS), 200, anonymous=200),
    "course_detail": Entry(ok(PERSONAS), 200, make=course_of_a, anonymous=200),
    "course_edit": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=training_offer_of_a),
    "course_session_new": Entry(ok(STAFF), 404, make=course_of_a),
    "course_session": Entry(ok(STAFF), 404, make=course_session_of_a),
    "course_enrol": Entry(
        ok([*STAFF, *A_MEMBERS, B["company_member"], B["provider_member"], B["partner_member"]]),
        403,
        make=course_session_of_a,
    ),
    "enrolment_presence": Entry(ok(STAFF, 302), 404, "post", enrolment_of_a, lambda w: page_presence_data(w)),
    "enrolment_complete": Entry(ok(STAFF, 302), 404, "post", attended_enrolment_of_a),
    "company_skills": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "company_skills_propose": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", org_a),
    "role_skill_change": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", role_skill_of_a, lambda w: {"remove": "1"}),
    "skills_market": Entry(ok([*STAFF, A["observer"], B["observer"]]), 404),
    "skills_market_csv": Entry(ok([*STAFF, A["observer"], B["observer"]]), 404),
    "skills_market_brief": Entry(ok([*STAFF, A["observer"], B["observer"]]), 404),
    # Test before invest: everyone signed in has a board (of the projects their organisation takes part in); A's
    # project is A's members' and the hub's, run by the hub; A's members add documents, mark the milestones A owes
    # and sign the outcome off (the hub cannot: 400); A's facility is A's own (a draft: A's and the hub's).
    "pilot_board": Entry(ok(EVERYONE_LOGGED_IN), 404),
    "pilot_create": Entry(ok(STAFF), 404),
    "pilot_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=pilot_of_a),
    "pilot_edit": Entry(ok(STAFF), 404, make=pilot_of_a),
    "pilot_partner_add": Entry(ok(STAFF, 302), 404, "post", pilot_of_a, pilot_partner_data),
    "pilot_partner_remove": Entry(ok(STAFF, 302), 404, "post", pilot_partner_of_a),
    "pilot_criterion_add": Entry(ok(STAFF, 302), 404, "post", pilot_of_a, lambda w: {"text": "Twice as fast"}),
    "pilot_criterion_remove": Entry(ok(STAFF, 302), 404, "post", pilot_criterion_of_a),
    "pilot_criterion_result": Entry(
        ok(STAFF, 302), 404, "post", pilot_criterion_in_evaluation_of_a, lambda w: {"result": "Done", "met": "yes"}
    ),
    "pilot_milestone_add": Entry(
        ok(STAFF, 302),
        404,
        "post",
        pilot_of_a,
        lambda w: {"kind": "deliverable", "title": "Report", "due_on": _due(), "owner": w.org_a.pk},
    ),
    "pilot_milestone_done": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", pilot_milestone_of_a),
    "pilot_gate": Entry(
        ok(STAFF, 302),
        404,
        "post",
        pilot_with_a_criterion_of_a,
        lambda w: {"to_stage": "feasibility", "reason": "Criteria agreed"},
    ),
    "pilot_stop": Entry(ok(STAFF, 302), 404, "post", pilot_of_a, lambda w: {"reason": "No longer needed"}),
    "pilot_book": Entry(ok(STAFF, 302), 404, "post", pilot_of_a, pilot_booking_data),
    "pilot_booking_cancel": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", pilot_booking_to_come_of_a),
    "pilot_usage": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", pilot_booking_today_of_a, lambda w: {"used": "4"}),
    "pilot_decision": Entry(
        ok(STAFF, 302), 404, "post", pilot_at_decision_of_a, lambda w: {"decision": "go", "decision_reason": "Works"}
    ),
    "pilot_sign_off": Entry({**ok(A_MEMBERS, 302), **ok(STAFF, 400)}, 404, "post", pilot_decided_of_a),
    "pilot_document_add": Entry(ok([*STAFF, *A_MEMBERS], 302), 404, "post", pilot_of_a, upload_data),
    "pilot_document": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=pilot_document_of_a),
    "pilot_document_remove": Entry(ok(STAFF, 302), 404, "post", pilot_document_of_a),
    "company_pilots": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    "facility_list": Entry(ok(PERSONAS), 200, anonymous=200),
    "facility_detail": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_facility_of_a, anonymous=404),
    "facility_calendar": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_facility_of_a, anonymous=404),
    "facility_edit": Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_facility_offer_of_a),
}

# Routes owned and tested by the libraries that provide them, or with no access rule of their own.
NOT_PAGES = {"set_language", "api-v1", "admin", "allauth"}

AUTHENTICATED = [PEER, *EVERYONE_LOGGED_IN]
USERS_NOT_PEERS = EVERYONE_LOGGED_IN

API: dict[tuple[str, str], Entry] = {
    ("get", "/me"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/users"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/users/{user_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=user_in_a),
    ("get", "/memberships"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/memberships/{membership_id}"): Entry(ok(ORG_A_ADMINS), 404, make=pending_membership_in_a),
    ("post", "/memberships/{membership_id}/approve"): Entry(ok(ORG_A_ADMINS), 404, "post", pending_membership_in_a),
    ("post", "/memberships/{membership_id}/decline"): Entry(ok(ORG_A_ADMINS), 404, "post", pending_membership_in_a),
    ("delete", "/memberships/{membership_id}"): Entry(ok(ORG_A_ADMINS), 404, "delete", active_membership_in_a),
    ("post", "/organisations/{organisation_id}/invitations"): Entry(
        ok(ORG_A_ADMINS, 201), 404, "post", org_a, invite_data
    ),
    ("get", "/consents"): Entry(ok(USERS_NOT_PEERS), 404),
    ("post", "/consents"): Entry(
        ok(USERS_NOT_PEERS, 201), 404, "post", data=lambda w: {"purpose": "marketing", "given": True}
    ),
    ("get", "/audit"): Entry(ok([ADMIN]), 404),
    ("get", "/federation/hello"): Entry(ok([PEER]), 404),
    ("get", "/organisations"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/organisations/{organisation_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("get", "/hub"): Entry(ok(AUTHENTICATED), 404),
    # The registry.
    ("post", "/organisations"): Entry(ok(STAFF, 201), 404, "post", data=lambda w: {"name": f"Newco {next(_serial)}"}),
    ("patch", "/organisations/{organisation_id}"): Entry(
        ok(ORG_A_ADMINS), 404, "patch", org_a, lambda w: {"trade_name": "Alpha"}
    ),
    ("get", "/organisations/{organisation_id}/size-class"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("get", "/organisations/{organisation_id}/contacts"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("post", "/organisations/{organisation_id}/contacts"): Entry(
        ok(ORG_A_ADMINS, 201), 404, "post", org_a, lambda w: {"name": "Bruno Weber", "email": "bruno@example.org"}
    ),
    ("patch", "/contacts/{contact_id}"): Entry(ok(ORG_A_ADMINS), 404, "patch", contact_in_a, lambda w: {"role": "CEO"}),
    ("delete", "/contacts/{contact_id}"): Entry(ok(ORG_A_ADMINS), 404, "delete", contact_in_a),
    ("get", "/organisations/{organisation_id}/financial-years"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("put", "/organisations/{organisation_id}/financial-years/{year}"): Entry(
        ok(ORG_A_ADMINS), 404, "put", financial_year_in_a, lambda w: {"staff": "12.5", "turnover": "1800000"}
    ),
    ("delete", "/organisations/{organisation_id}/financial-years/{year}"): Entry(
        ok(ORG_A_ADMINS), 404, "delete", financial_year_in_a
    ),
    ("get", "/organisations/{organisation_id}/ownership"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    # A's admins may record holdings in A but name only holders they see: this one they do not (422, not 404).
    ("post", "/organisations/{organisation_id}/ownership"): Entry(
        {**ok(STAFF), **ok([A["company_member"], A["provider_member"], A["partner_member"]], 422)},
        404,
        "post",
        org_a,
        lambda w: {"owner": _registered("Investor").pk, "percent": "1"},
    ),
    ("delete", "/ownership/{ownership_id}"): Entry(ok(ORG_A_ADMINS), 404, "delete", holding_in_a),
    ("get", "/duplicates"): Entry(ok(STAFF), 404),
    ("post", "/duplicates/dismiss"): Entry(ok(STAFF), 404, "post", data=pair("first", "second")),
    ("post", "/duplicates/merge"): Entry(ok(STAFF), 404, "post", data=pair("kept", "merged")),
    ("post", "/imports"): Entry(
        ok(STAFF, 201),
        404,
        "post",
        data=lambda w: {"file": SimpleUploadedFile("orgs.csv", b"name\nDelta SA\n"), "kind": "organisations"},
    ),
    ("get", "/imports"): Entry(ok(STAFF), 404),
    ("get", "/imports/{import_id}"): Entry(ok(STAFF), 404, make=import_run),
    ("post", "/imports/{import_id}/check"): Entry(ok(STAFF), 404, "post", import_run),
    ("post", "/imports/{import_id}/commit"): Entry(ok(STAFF), 404, "post", import_run),
    # The hub directory and the taxonomy: public facts, for every authenticated caller.
    ("get", "/hubs"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/hubs/{organisation_id}"): Entry(ok(AUTHENTICATED), 404, make=hub_in_directory),
    ("get", "/taxonomy/technologies"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/taxonomy/catalogue-services"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/taxonomy/catalogue-sectors"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/taxonomy/nace"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/taxonomy/skills"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/taxonomy/digcomp"): Entry(ok(AUTHENTICATED), 404),
    # Maturity assessments.
    ("get", "/questionnaires/{kind}/{version}"): Entry(
        ok(AUTHENTICATED), 404, make=lambda w: {"kind": "sme", "version": "2025.1"}
    ),
    ("get", "/assessments"): Entry(ok(AUTHENTICATED), 404),
    ("post", "/organisations/{organisation_id}/assessments"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", org_a_unassessed, lambda w: {"stage": "T0"}
    ),
    ("get", "/assessments/{assessment_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_in_a),
    ("patch", "/assessments/{assessment_id}/answers"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "patch", draft_in_a, lambda w: {"version": "2025.1", "answers": {"q3": []}}
    ),
    ("post", "/assessments/{assessment_id}/submit"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", complete_draft_in_a
    ),
    ("get", "/assessments/{assessment_id}/results"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=submitted_in_a),
    ("post", "/assessments/{assessment_id}/rescore"): Entry(
        ok(STAFF, 201), 404, "post", submitted_in_a, lambda w: {"dual": "B", "negative": "exclude"}
    ),
    ("get", "/assessments/{assessment_id}/gaps"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=submitted_in_a),
    ("get", "/organisations/{organisation_id}/maturity"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    # The catalogue.
    ("get", "/offers"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/offers/{offer_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_offer_in_a),
    ("post", "/organisations/{organisation_id}/offers"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", org_a, lambda w: offer_data()
    ),
    ("patch", "/offers/{offer_id}"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "patch", draft_offer_in_a, lambda w: {"lead_time_days": 10}
    ),
    ("post", "/offers/{offer_id}/submit"): Entry(ok([*STAFF, *A_MEMBERS]), 404, "post", draft_offer_in_a),
    ("post", "/offers/{offer_id}/moderate"): Entry(
        ok(STAFF), 404, "post", submitted_offer_in_a, lambda w: {"decision": "publish"}
    ),
    ("get", "/catalogue/version"): Entry(ok(AUTHENTICATED), 404),
    # Matching: every authenticated caller searches (and sees what the engine shows them); hub staff record
    # what a company decided about a proposed item.
    ("get", "/match"): Entry(ok(AUTHENTICATED), 404),
    ("post", "/match/outcomes"): Entry(
        ok(STAFF, 201),
        404,
        "post",
        data=lambda w: {"kind": "hub", "item_id": _registered("Hub", kinds=["hub"]).pk, "decision": "declined"},
    ),
    # The company's journey, under the pages' rules.
    ("post", "/requests"): Entry(ok(AUTHENTICATED, 201), 404, "post", data=request_data),
    ("get", "/cases"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/cases/{case_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=case_in_a),
    ("post", "/cases"): Entry(
        ok(STAFF, 201), 404, "post", data=lambda w: {"organisation_id": w.org_a.pk, "title": "Quick entry"}
    ),
    ("post", "/cases/{case_id}/triage"): Entry(
        ok(STAFF), 404, "post", case_in_triage_for_a, lambda w: {"owner_id": w.personas.hub_advisor.pk}
    ),
    ("post", "/cases/{case_id}/move"): Entry(ok(STAFF), 404, "post", case_in_a, lambda w: {"stage": "inspire"}),
    ("post", "/cases/{case_id}/close"): Entry(ok(STAFF), 404, "post", case_in_a, lambda w: {"reason": "completed"}),
    ("get", "/cases/{case_id}/needs"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=case_in_a),
    ("post", "/cases/{case_id}/needs/draft"): Entry(ok(STAFF), 404, "post", assessed_case_in_a),
    ("post", "/cases/{case_id}/needs"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", case_in_a, lambda w: {"title": "Shop", "gap": "40", "importance": 4}
    ),
    ("patch", "/needs/{need_id}"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "patch", need_in_a, lambda w: {"importance": 4}
    ),
    ("post", "/needs/{need_id}/priority"): Entry(
        ok(STAFF), 404, "post", need_in_a, lambda w: {"priority": "10", "reason": "The board's wish"}
    ),
    ("post", "/cases/{case_id}/roadmap"): Entry(ok(STAFF), 404, "post", case_with_a_need_in_a),
    ("get", "/roadmaps/{roadmap_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=roadmap_in_a),
    ("post", "/roadmaps/{roadmap_id}/agree"): Entry({**ok(A_MEMBERS), **ok(STAFF, 422)}, 404, "post", roadmap_in_a),
    ("post", "/roadmaps/{roadmap_id}/actions"): Entry(
        ok(STAFF, 201), 404, "post", roadmap_in_a, lambda w: {"title": "Train", "horizon": "0-3", "due_on": _due()}
    ),
    ("patch", "/roadmap-actions/{action_id}"): Entry(
        ok(STAFF), 404, "patch", roadmap_action_in_a, lambda w: {"status": "in_progress"}
    ),
    ("get", "/referrals"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/referrals/{referral_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=referral_in_a),
    ("post", "/referrals"): Entry(
        ok([*STAFF, *A_MEMBERS], 201),
        404,
        "post",
        data=lambda w: {
            "organisation_id": w.org_a.pk,
            "recipient_id": _registered("Provider", kinds=["technology_provider"]).pk,
        },
    ),
    # The company consents on the web; hub staff record a consent given on paper (method and e-mail).
    ("post", "/referrals/{referral_id}/consent"): Entry(
        {**ok(A_MEMBERS), **ok(STAFF, 422)}, 404, "post", referral_in_a, lambda w: {"shared": ["profile"]}
    ),
    ("post", "/referrals/{referral_id}/move"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "post", referral_in_a, lambda w: {"status": "withdrawn"}
    ),
    ("post", "/referrals/{referral_id}/rate"): Entry(
        {**ok(A_MEMBERS), **ok(STAFF, 422)}, 404, "post", done_referral_in_a, lambda w: {"satisfaction": 4}
    ),
    ("get", "/organisations/{organisation_id}/activities"): Entry(ok(STAFF), 404, make=org_a),
    ("post", "/organisations/{organisation_id}/activities"): Entry(
        ok(STAFF, 201), 404, "post", org_a, lambda w: {"kind": "call", "summary": "Talked about ERP"}
    ),
    ("get", "/tasks"): Entry(ok(STAFF), 404),
    ("post", "/tasks"): Entry(ok(STAFF, 201), 404, "post", data=lambda w: {"title": "Call back", "due_on": _due()}),
    ("post", "/tasks/{task_id}/done"): Entry(ok(STAFF), 404, "post", task_for_the_advisor),
    ("get", "/services"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/services/{record_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=record_in_a),
    ("post", "/services"): Entry({**ok(STAFF, 201), **ok(PARTNERS, 422)}, 403, "post", data=record_data),
    ("patch", "/services/{record_id}"): Entry(ok(STAFF), 404, "patch", record_in_a, lambda w: {"attendees": 3}),
    ("post", "/services/{record_id}/confirm"): Entry(ok(STAFF), 404, "post", proposed_record_in_a),
    ("post", "/services/{record_id}/reject"): Entry(
        ok(STAFF), 404, "post", proposed_record_in_a, lambda w: {"reason": "Twice"}
    ),
    ("get", "/organisations/{organisation_id}/aid"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("post", "/organisations/{organisation_id}/aid/declarations"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", org_a, declaration_data
    ),
    ("delete", "/aid/declarations/{declaration_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, "delete", declaration_in_a),
    ("post", "/organisations/{organisation_id}/aid/grants"): Entry(ok(STAFF, 201), 404, "post", org_a, grant_data),
    ("get", "/aid/grants"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/kpis"): Entry(ok([*STAFF, A["observer"], B["observer"]]), 404),
    ("get", "/aid/grants/{grant_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=grant_in_a),
    ("post", "/aid/grants/{grant_id}/cancel"): Entry(
        ok(STAFF), 404, "post", grant_in_a, lambda w: {"reason": "Withdrawn"}
    ),
    # Events: every caller reads the published events and registers someone (a draft is a 404 but for hub
    # staff); drafting, changing, publishing, cancelling, the registrations, approval and attendance are hub
    # staff's. The API asks a token or a session of every caller, as everywhere.
    ("get", "/network/corridors"): Entry(ok(STAFF), 404),
    ("post", "/network/corridors"): Entry(ok(STAFF, 201), 404, "post", data=new_corridor),
    ("get", "/network/corridors/{corridor_id}"): Entry(ok(STAFF), 404, make=a_corridor),
    ("get", "/network/collaborations"): Entry(ok(STAFF), 404),
    ("post", "/network/collaborations"): Entry(ok(STAFF, 201), 404, "post", data=new_collaboration),
    ("get", "/network/referrals/{referral_id}/messages"): Entry(ok(STAFF), 404, make=referral_abroad_in_a),
    ("post", "/network/referrals/{referral_id}/email"): Entry(
        ok(STAFF, 201), 404, "post", referral_abroad_in_a, lambda w: {"email": "hub@example.org"}
    ),
    ("get", "/network/peers"): Entry(ok([ADMIN]), 404),
    ("get", "/network/peers/{peer_id}"): Entry(ok([ADMIN]), 404, make=a_peer),
    ("get", "/funding/programmes"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/funding/programmes/{programme_id}"): Entry(ok(AUTHENTICATED), 404, make=a_programme),
    ("post", "/funding/programmes"): Entry(ok(STAFF, 201), 404, "post", data=new_programme),
    ("patch", "/funding/programmes/{programme_id}"): Entry(
        ok(STAFF), 404, "patch", a_programme, lambda w: {"amount_max": 9000}
    ),
    ("post", "/funding/programmes/{programme_id}/calls"): Entry(
        ok(STAFF, 201), 404, "post", a_programme, lambda w: {"title": {"en": "Spring round"}}
    ),
    ("get", "/funding/programmes/{programme_id}/estimate"): Entry(
        ok(AUTHENTICATED), 404, make=a_programme, data=lambda w: {"cost": "20000"}
    ),
    ("get", "/funding/organisations/{organisation_id}/eligibility"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("get", "/funding/organisations/{organisation_id}/applications"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("post", "/funding/organisations/{organisation_id}/applications"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", org_a, new_application
    ),
    ("patch", "/funding/applications/{application_id}"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "patch", application_in_a, lambda w: {"amount_requested": "12000"}
    ),
    ("get", "/funding/organisations/{organisation_id}/investments"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("post", "/funding/organisations/{organisation_id}/investments"): Entry(
        ok(STAFF, 201), 404, "post", org_a, lambda w: {"amount": "1000", "kind": "own_funds", "made_on": "2025-01-15"}
    ),
    ("get", "/funding/organisations/{organisation_id}/find"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, make=org_a, data=lambda w: {"text": "cybersecurity"}
    ),
    ("post", "/funding/organisations/{organisation_id}/declarations"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", org_a, lambda w: {"kind": "business_permit", "holds": True}
    ),
    ("get", "/events"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/events/{event_id}"): Entry(ok(AUTHENTICATED), 404, make=published_event),
    ("post", "/events"): Entry(ok(STAFF, 201), 404, "post", data=new_event),
    ("patch", "/events/{event_id}"): Entry(ok(STAFF), 404, "patch", published_event, lambda w: {"capacity": 5}),
    ("post", "/events/{event_id}/publish"): Entry(ok(STAFF), 404, "post", draft_event),
    ("post", "/events/{event_id}/cancel"): Entry(ok(STAFF), 404, "post", published_event),
    ("post", "/events/{event_id}/registrations"): Entry(
        ok(AUTHENTICATED, 201), 404, "post", published_event, registrant
    ),
    ("get", "/events/{event_id}/registrations"): Entry(ok(STAFF), 404, make=published_event),
    ("post", "/registrations/{registration_id}/approve"): Entry(ok(STAFF), 404, "post", pending_registration),
    ("post", "/registrations/{registration_id}/decline"): Entry(ok(STAFF), 404, "post", pending_registration),
    ("post", "/registrations/{registration_id}/attendance"): Entry(
        ok(STAFF), 404, "post", confirmed_registration, lambda w: {"attended": True}
    ),
    # Courses and skills: everyone reads the published courses and their sessions (participants for hub staff
    # only); A's members and hub staff change A's course and enrol A's people; sessions, presence and completion
    # are hub staff's; A's skills picture is A's members' and hub staff's; the market is for staff and observers.
    ("get", "/courses"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/courses/{offer_id}"): Entry(ok(AUTHENTICATED), 404, make=course_of_a),
    ("put", "/courses/{offer_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, "put", training_offer_of_a, course_details),
    ("post", "/courses/{offer_id}/sessions"): Entry(ok(STAFF, 201), 404, "post", course_of_a, course_session_data),
    ("get", "/course-sessions/{session_id}"): Entry(ok(AUTHENTICATED), 404, make=course_session_of_a),
    ("post", "/course-sessions/{session_id}/enrolments"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", course_session_of_a, enrolment_data
    ),
    ("post", "/enrolments/{registration_id}/presence"): Entry(ok(STAFF), 404, "post", enrolment_of_a, presence_data),
    ("post", "/enrolments/{registration_id}/completion"): Entry(ok(STAFF, 201), 404, "post", attended_enrolment_of_a),
    ("get", "/organisations/{organisation_id}/skills"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=org_a),
    ("post", "/organisations/{organisation_id}/skills/propose"): Entry(ok([*STAFF, *A_MEMBERS]), 404, "post", org_a),
    ("put", "/organisations/{organisation_id}/skills/rows"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "put", org_a, role_skill_data
    ),
    ("delete", "/skills/rows/{row_id}"): Entry(ok([*STAFF, *A_MEMBERS], 204), 404, "delete", role_skill_of_a),
    ("get", "/skills/market"): Entry(ok([*STAFF, A["observer"], B["observer"]]), 404),
    # Test before invest. Facilities are catalogue offers: A's draft facility is seen and changed by A's members and
    # hub staff. Projects are the hub's to run; A's members see A's (documents too), mark what A owes done, upload
    # and sign off (the hub cannot sign off for the company: 422 on actor). As the facility's owner, A's members
    # book for a project they do the work on, cancel and record the use.
    ("get", "/facilities"): Entry(ok(AUTHENTICATED), 404),
    ("get", "/facilities/{offer_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_facility_of_a),
    ("put", "/facilities/{offer_id}"): Entry(
        ok([*STAFF, *A_MEMBERS]),
        404,
        "put",
        draft_facility_offer_of_a,
        lambda w: {"kind": "hpc", "unit": "core_hours", "capacity": 1000, "period": "month"},
    ),
    ("get", "/facilities/{offer_id}/calendar"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=draft_facility_of_a),
    ("get", "/pilots"): Entry(ok(AUTHENTICATED), 404),
    ("post", "/pilots"): Entry(ok(STAFF, 201), 404, "post", data=new_pilot_data),
    ("get", "/pilots/{project_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=pilot_of_a),
    ("patch", "/pilots/{project_id}"): Entry(
        ok(STAFF), 404, "patch", pilot_of_a, lambda w: {"title": "Vision on the press line"}
    ),
    ("post", "/pilots/{project_id}/partners"): Entry(ok(STAFF, 201), 404, "post", pilot_of_a, pilot_partner_data),
    ("delete", "/pilots/partners/{partner_id}"): Entry(ok(STAFF, 204), 404, "delete", pilot_partner_of_a),
    ("post", "/pilots/{project_id}/criteria"): Entry(
        ok(STAFF, 201), 404, "post", pilot_of_a, lambda w: {"text": "Twice as fast", "target": "2x"}
    ),
    ("put", "/pilots/criteria/{criterion_id}/result"): Entry(
        ok(STAFF), 404, "put", pilot_criterion_in_evaluation_of_a, pilot_result_data
    ),
    ("post", "/pilots/{project_id}/milestones"): Entry(
        ok(STAFF, 201),
        404,
        "post",
        pilot_of_a,
        lambda w: {"title": "Data shared", "due_on": _due(), "owner": w.org_a.pk},
    ),
    ("post", "/pilots/milestones/{milestone_id}/done"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "post", pilot_milestone_of_a
    ),
    ("post", "/pilots/{project_id}/gates"): Entry(
        ok(STAFF, 201),
        404,
        "post",
        pilot_with_a_criterion_of_a,
        lambda w: {"to_stage": "feasibility", "reason": "Scoped"},
    ),
    ("post", "/pilots/{project_id}/stop"): Entry(
        ok(STAFF), 404, "post", pilot_of_a, lambda w: {"reason": "No longer needed"}
    ),
    ("post", "/pilots/{project_id}/decision"): Entry(
        ok(STAFF), 404, "post", pilot_at_decision_of_a, lambda w: {"decision": "go", "decision_reason": "It works."}
    ),
    ("post", "/pilots/{project_id}/sign-off"): Entry(
        {**ok(A_MEMBERS), **ok(STAFF, 422)}, 404, "post", pilot_decided_of_a
    ),
    ("post", "/pilots/{project_id}/bookings"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", pilot_with_a_as_partner, pilot_booking_at_a_data
    ),
    ("post", "/pilots/bookings/{booking_id}/cancel"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "post", pilot_booking_to_come_of_a
    ),
    ("put", "/pilots/bookings/{booking_id}/usage"): Entry(
        ok([*STAFF, *A_MEMBERS]), 404, "put", pilot_booking_today_of_a, lambda w: {"used": 4}
    ),
    ("get", "/pilots/{project_id}/documents"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=pilot_of_a),
    ("post", "/pilots/{project_id}/documents"): Entry(
        ok([*STAFF, *A_MEMBERS], 201), 404, "post", pilot_of_a, upload_data
    ),
    ("get", "/pilots/documents/{document_id}"): Entry(ok([*STAFF, *A_MEMBERS]), 404, make=pilot_document_of_a),
}

# Operations whose success is the file itself, not JSON; their errors are JSON like every other's.
BINARY = {("get", "/pilots/documents/{document_id}")}


def page_routes() -> dict[str, str]:
    """Every named route reachable from the root URLconf, as ``name -> pattern``, apps collapsed."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                top = pattern.namespace or namespace
                if prefix == "" and str(pattern.pattern) in ("accounts/",):
                    found["allauth"] = "accounts/"
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), top)
            elif isinstance(pattern, URLPattern):
                name = namespace if namespace in ("admin", "api-v1") else pattern.name
                found[name or f"<unnamed {prefix}{pattern.pattern}>"] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", None)
    return found


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method, path.removeprefix("/api/v1")) for path, operations in schema["paths"].items() for method in operations
    }


def test_it_covers_every_route() -> None:
    missing = sorted(set(page_routes()) - set(PAGES) - NOT_PAGES)
    assert not missing, f"pages without a permission-matrix entry: {missing}"
    stale = sorted(set(PAGES) - set(page_routes()))
    assert not stale, f"matrix entries for pages that no longer exist: {stale}"


def test_it_covers_every_api_operation() -> None:
    operations = api_operations()
    missing = sorted(operations - set(API))
    assert not missing, f"API operations without a permission-matrix entry: {missing}"
    assert not sorted(set(API) - operations)


@pytest.fixture
def world(personas: Any, hub: Any, org_a: Any, org_b: Any, make_user: Any) -> World:
    return World(personas, hub, org_a, org_b, make_user)


def _call(client: Client, method: str, url: str, data: dict[str, Any], *, is_api: bool) -> Any:
    if method == "get":
        return client.get(url, data)  # a query, for the few operations that need one
    if is_api and not any(hasattr(value, "read") for value in data.values()):
        return getattr(client, method)(url, data=data, content_type="application/json")
    return client.post(url, data=data)  # a page's form, or an API upload (multipart)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(world: World, name: str) -> None:
    from django.urls import reverse

    entry = PAGES[name]
    failures = []
    for persona in PERSONAS:
        kwargs = entry.make(world)
        url = reverse(name, kwargs=kwargs)
        response = _call(world.client(persona), entry.method, url, entry.data(world), is_api=False)
        expected = entry.expected(persona, is_api=False)
        if response.status_code != expected:
            failures.append(f"{persona}: {response.status_code} (expected {expected})")
        elif expected == 302 and persona in (ANON, BAD_PEER, PEER) and entry.anonymous is None:
            assert "/accounts/login/" in response["Location"], (persona, response["Location"])
    assert not failures, f"{name}: " + "; ".join(failures)


@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_access(world: World, method: str, path: str) -> None:
    entry = API[(method, path)]
    failures = []
    for persona in PERSONAS:
        kwargs = entry.make(world)
        url = "/api/v1" + path.format(**kwargs)
        response = _call(world.client(persona), method, url, entry.data(world), is_api=True)
        expected = entry.expected(persona, is_api=True)
        if response.status_code != expected:
            failures.append(f"{persona}: {response.status_code} (expected {expected}) {response.content[:120]!r}")
        if (method, path) in BINARY and response.status_code == 200:
            assert response["X-Content-Type-Options"] == "nosniff", persona
            assert response["Content-Disposition"].startswith("attachment"), persona
        else:
            assert response["Content-Type"].startswith("application/json"), (persona, response["Content-Type"])
    assert not failures, f"{method.upper()} {path}: " + "; ".join(failures)


def test_b_member_of_the_same_role_gets_404_for_every_object_of_a(world: World) -> None:
    """The rule spelled out: for each role, A's member sees A's object, B's member gets 404."""
    from django.urls import reverse

    # A hub of the directory is public to everyone logged in: no organisation's object.
    # Events, series and the registrants' links are public too, not an organisation's; so are published courses
    # and their sessions (where each person enrols their own organisation's people).
    shared = (
        no_object,
        invitation_token,
        hub_in_directory,
        hub_result,
        published_event,
        a_series,
        cancel_token,
        accept_token,
        ticket_token,
        survey_token,
        a_programme,
        search_of_plain_a,
        a_corridor,
        referral_answer_token,
        a_peer,
        a_remote_offer,
        course_of_a,
        course_session_of_a,
    )
    object_pages = {name: e for name, e in PAGES.items() if e.make not in shared}
    checked = 0
    for name, entry in object_pages.items():
        for role in ("company_member", "provider_member", "partner_member"):
            kwargs = entry.make(world)
            url = reverse(name, kwargs=kwargs)
            a_status = _call(world.client(A[role]), entry.method, url, entry.data(world), is_api=False).status_code
            kwargs = entry.make(world)
            url = reverse(name, kwargs=kwargs)
            b_status = _call(world.client(B[role]), entry.method, url, entry.data(world), is_api=False).status_code
            if name.startswith("hub_") or not set(entry.allowed) & set(A_MEMBERS):
                assert a_status == b_status == 404, (name, role, a_status, b_status)
            else:
                assert a_status in (200, 302), (name, role, a_status)
                assert b_status == 404, (name, role, b_status)
            checked += 1
    assert checked >= 3 * 6
