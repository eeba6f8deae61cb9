"""Attendance in the hub's work: the organisation's timeline, its case in the funnel, proposed service
records for workshops and trainings, the events' figures in the KPIs and on the dashboard (against a
hand-computed fixture), and the purge of attendees' data after the retention delay."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core.models import AuditEntry, EmailLog, SignedLink
from moselle.events import actions, figures
from moselle.events.models import Event, Registration
from moselle.events.tests.conftest import event_data, person
from moselle.journeys import actions as journeys
from moselle.journeys.models import Activity, Case, Stage, StageMove
from moselle.organisations.models import EdihCategory, Organisation, OrganisationKind
from moselle.reporting import dashboard, freshness
from moselle.reporting.kpis import Filters, Period
from moselle.reporting.models import ServiceRecord

R = Registration.Status


def registered(name: str, *kinds: str) -> Organisation:
    organisation = Organisation.objects.create(name=name, country="LU")
    for kind in kinds:
        OrganisationKind.objects.create(organisation=organisation, kind=kind)
    return organisation


@pytest.fixture
def make(advisor: User) -> Callable[..., Event]:
    def make_event(kind: str = "workshop", capacity: int | None = None, **more: Any) -> Event:
        event = actions.event_create(actor=advisor, data=event_data(kind=kind, capacity=capacity, **more))
        return actions.event_publish(actor=advisor, event=event)

    return make_event


def attend(advisor: User, event: Event, n: int, organisation_name: str, *, attended: bool = True) -> Registration:
    registration = actions.register(event_id=event.pk, data=person(n, organisation_name=organisation_name))
    assert registration.status == R.CONFIRMED
    return actions.mark_attendance(actor=advisor, registration=registration, attended=attended)


def entries(organisation: Organisation) -> list[str]:
    return list(
        Activity.objects.filter(organisation=organisation, kind=Activity.Kind.EVENT).values_list("verb", flat=True)
    )


def proposals(organisation: Organisation) -> list[tuple[str, int, str]]:
    return list(
        ServiceRecord.objects.filter(customer=organisation, source=ServiceRecord.Source.EVENT).values_list(
            "status", "attendees", "category"
        )
    )


def test_a_workshop_attended_is_on_the_timeline_inspires_the_case_and_proposes_one_record(
    advisor: User, make: Callable[..., Event]
) -> None:
    company = registered("Atelier Moselle SARL", "company")
    partner = registered("LIST", "research_organisation")
    event = make("workshop")
    event.partners.set([partner])
    first = attend(advisor, event, 1, "Atelier Moselle")  # the legal form aside, the registry's name
    second = attend(advisor, event, 2, "atelier moselle sarl")
    assert first.organisation == company and second.organisation == company
    assert entries(company) == ["event_attended"]  # once for the organisation, not per person
    case = Case.objects.get(organisation=company)
    assert (case.origin, case.status, case.stage) == (Case.Origin.EVENT, Case.Status.TRIAGE, Stage.INSPIRE)
    assert [m.to_stage for m in StageMove.objects.filter(case=case).order_by("at", "id")] == [
        Stage.INFORM,
        Stage.INSPIRE,
    ]
    record = ServiceRecord.objects.get(customer=company)
    assert (record.status, record.attendees, record.category, record.partner) == (
        ServiceRecord.Status.PROPOSED,
        2,
        EdihCategory.ECOSYSTEM_AND_NETWORKING,
        partner,
    )
    assert (record.source_ref, record.case_id, record.started_on) == (
        f"event-{event.pk}",
        case.pk,
        event.sessions.get().day,
    )
    assert record.description == "AI for managers"

    actions.mark_attendance(actor=advisor, registration=second, attended=False)
    assert proposals(company) == [("proposed", 1, EdihCategory.ECOSYSTEM_AND_NETWORKING)]
    actions.mark_attendance(actor=advisor, registration=first, attended=False)
    assert proposals(company) == [] and entries(company) == []  # a check-in by mistake undone
    assert Case.objects.get(pk=case.pk).stage == Stage.INSPIRE  # the funnel keeps the move; staff move it back
    assert AuditEntry.objects.filter(action="service_record.withdraw").count() == 1


def test_a_webinar_brings_an_open_case_to_inform_only_and_never_back(advisor: User, make: Callable[..., Event]) -> None:
    company = registered("Beta Logistics", "company")
    engaged = journeys.case_open(actor=advisor, organisation=company, title="Roadmap", owner=advisor)
    journeys.case_move(actor=advisor, case=engaged, stage=Stage.ENGAGE)
    attend(advisor, make("webinar"), 1, "Beta Logistics")
    assert Case.objects.filter(organisation=company).count() == 1  # its case, not a new one
    assert Case.objects.get(pk=engaged.pk).stage == Stage.ENGAGE
    assert entries(company) == ["event_attended"]
    assert proposals(company) == []  # a webinar informs; it is not a service delivered


def test_a_training_proposes_skills_for_a_customer_and_nothing_for_a_provider(
    advisor: User, make: Callable[..., Event]
) -> None:
    company = registered("Gamma Foods", "company")
    provider = registered("Delta Consulting", "consultant")
    event = make("training")
    attend(advisor, event, 1, "Gamma Foods")
    attend(advisor, event, 2, "Delta Consulting")
    assert proposals(company) == [("proposed", 1, EdihCategory.SKILLS_AND_TRAINING)]
    assert proposals(provider) == []
    assert Case.objects.get(organisation=provider).stage == Stage.INFORM  # a provider is still informed


def test_a_record_staff_confirmed_is_theirs_and_an_unmatched_name_counts_nowhere(
    advisor: User, make: Callable[..., Event]
) -> None:
    company = registered("Epsilon Print", "company")
    event = make("workshop")
    first = attend(advisor, event, 1, "Epsilon Print")
    record = ServiceRecord.objects.get(customer=company)
    ServiceRecord.objects.filter(pk=record.pk).update(status=ServiceRecord.Status.ONGOING)
    attend(advisor, event, 2, "Epsilon Print")
    actions.mark_attendance(actor=advisor, registration=first, attended=False)
    assert proposals(company) == [("ongoing", 1, EdihCategory.ECOSYSTEM_AND_NETWORKING)]
    stranger = attend(advisor, event, 3, "A firm nobody registered")
    assert stranger.organisation is None and stranger.attended_at is not None
    assert ServiceRecord.objects.count() == 1 and Case.objects.count() == 1


def test_marking_twice_changes_nothing(advisor: User, make: Callable[..., Event]) -> None:
    registered("Zeta Tools", "company")
    registration = attend(advisor, make("workshop"), 1, "Zeta Tools")
    at = registration.attended_at
    again = actions.mark_attendance(actor=advisor, registration=registration, attended=True)
    assert again.attended_at == at
    assert AuditEntry.objects.filter(action="registration.attendance").count() == 1
    assert ServiceRecord.objects.get().attendees == 1


# --- The figures --------------------------------------------------------------------------------------------


@pytest.fixture
def fixture(advisor: User, make: Callable[..., Event]) -> dict[str, Any]:
    """By hand: in the period, a workshop with three present (two of Alpha, one unmatched) and one no-show,
    a webinar with one of Beta present, partnered by LIST; outside it or not counted: a training next
    quarter with Alpha present, a cancelled event, a draft, and a demo event with a demo company present."""
    alpha, beta = registered("Alpha", "company"), registered("Beta", "company")
    demo = Organisation.objects.create(name="Demo Co", country="LU", is_demo=True)
    partner = registered("LIST", "research_organisation")
    day = timezone.localdate() - timedelta(days=40)  # registered while they were to come, held since
    workshop, webinar, later = make("workshop"), make("webinar", capacity=10), make("training")
    webinar.partners.set([partner])
    for n, name in ((1, "Alpha"), (2, "Alpha"), (3, "Someone unregistered")):
        attend(advisor, workshop, n, name)
    attend(advisor, workshop, 4, "Beta", attended=False)
    attend(advisor, webinar, 5, "Beta")
    attend(advisor, later, 6, "Alpha")
    later.sessions.update(day=day + timedelta(days=35))  # five days ago: after the period
    cancelled = make("talk")
    attend(advisor, cancelled, 7, "Beta")
    actions.event_cancel(actor=advisor, event=cancelled)
    actions.event_create(actor=advisor, data=event_data(kind="webinar"))  # a draft
    shown = make("tour_stop")
    Event.objects.filter(pk=shown.pk).update(is_demo=True)
    registration = actions.register(event_id=shown.pk, data=person(8, organisation_name="Demo Co"))
    actions.mark_attendance(actor=advisor, registration=registration, attended=True)
    assert Registration.objects.get(pk=registration.pk).organisation == demo
    assert Registration.objects.get(email="guest1@example.org").organisation == alpha
    assert Registration.objects.get(email="guest5@example.org").organisation == beta
    held = (workshop, webinar, cancelled, shown)
    from moselle.events.models import Session

    Session.objects.filter(event__in=held).update(day=day)
    return {
        "period": Period(start=day - timedelta(days=30), end=day + timedelta(days=30)),
        "partner": partner,
        "make": make,
    }


def make_event_to_come(fixture: dict[str, Any]) -> Event:
    return fixture["make"]("webinar")


def test_the_events_figures_match_the_hand_computed_fixture(fixture: dict[str, Any]) -> None:
    period = fixture["period"]
    everything = Filters()
    assert figures.events_held(period, everything) == 2
    assert figures.attendees(period, everything) == 4
    assert figures.organisations(period, everything) == 2
    by_partner = Filters(partner_id=fixture["partner"].pk)
    assert (figures.events_held(period, by_partner), figures.attendees(period, by_partner)) == (1, 1)
    skills = Filters(category=EdihCategory.SKILLS_AND_TRAINING)
    assert (figures.events_held(period, skills), figures.attendees(period, skills)) == (0, 0)
    networking = Filters(category=EdihCategory.ECOSYSTEM_AND_NETWORKING)
    assert figures.attendees(period, networking) == 4
    next_quarter = Period(start=period.end + timedelta(days=1), end=period.end + timedelta(days=120))
    assert (figures.events_held(next_quarter, everything), figures.organisations(next_quarter, everything)) == (1, 1)
    to_come = make_event_to_come(fixture)
    assert figures.events_held(next_quarter, everything) == 1  # an event to come is not held yet
    assert to_come.sessions.get().day > timezone.localdate()


def _kpi_values(client: Client, period: Period) -> dict[str, Any]:
    answer = client.get(f"/api/v1/kpis?start={period.start}&end={period.end}").json()
    return {value["code"]: value["value"] for value in answer["values"]}


def _csv_value(data: bytes, key: str) -> str:
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if row[:2] == ["more", key]:
            return row[3]
    raise AssertionError(f"no row more/{key}")


def test_the_events_figures_are_on_the_dashboard_its_csv_and_the_kpis(fixture: dict[str, Any], personas: Any) -> None:
    period = fixture["period"]
    query = f"start={period.start}&end={period.end}"
    staff = Client()
    staff.force_login(personas.hub_admin)
    page = staff.get(f"/dashboard/?{query}").content.decode()
    assert 'data-kpi="events_held">2<' in page and 'data-kpi="event_attendees">4<' in page
    assert 'data-kpi="event_organisations">2<' in page
    assert _csv_value(staff.get(f"/dashboard.csv?{query}").content, "event_attendees") == "4"
    values = _kpi_values(staff, period)
    assert (values["events_held"], values["event_attendees"], values["event_organisations"]) == (2, 4, 2)
    observer = Client()
    observer.force_login(personas.a[Role.OBSERVER])
    hidden = observer.get(f"/dashboard/?{query}").content.decode()
    assert 'data-kpi="event_organisations">—<' in hidden  # two organisations: too few to show an observer
    assert 'data-kpi="event_attendees">4<' in hidden  # people, not organisations
    assert _kpi_values(observer, period)["event_organisations"] is None


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the version rises at the commit
def test_the_dashboard_follows_an_attendance(fixture: dict[str, Any], advisor: User) -> None:
    period = fixture["period"]
    before = {v.code: v.value for v in dashboard.more_figures(period, Filters(), observer=False)}
    version = freshness.version()
    no_show = Registration.objects.get(email="guest4@example.org")
    actions.mark_attendance(actor=advisor, registration=no_show, attended=True)
    assert freshness.version() > version
    after = {v.code: v.value for v in dashboard.more_figures(period, Filters(), observer=False)}
    assert (before["event_attendees"], after["event_attendees"]) == (4, 5)
    assert (before["event_organisations"], after["event_organisations"]) == (2, 2)  # Beta was counted already


def test_the_core_codes_are_reportings_own() -> None:
    from moselle.reporting.queries import core_sources

    assert set(dashboard.CORE_CODES) == {source.code for source in core_sources()}


# --- Retention ----------------------------------------------------------------------------------------------


@override_settings(MOSELLE_EVENT_RETENTION_DAYS=30)
def test_attendees_data_is_purged_after_the_retention_delay_and_the_figures_stay(
    advisor: User, make: Callable[..., Event]
) -> None:
    registered("Alpha", "company")
    old, recent = make("workshop"), make("workshop")
    present = attend(advisor, old, 1, "Alpha")
    absent = attend(advisor, old, 2, "Alpha", attended=False)
    kept = attend(advisor, recent, 3, "Alpha")
    today = timezone.localdate()
    old.sessions.update(day=today - timedelta(days=31))
    recent.sessions.update(day=today - timedelta(days=29))
    period = Period(start=today - timedelta(days=40), end=today)
    before = (figures.attendees(period, Filters()), figures.organisations(period, Filters()))
    with open("/dev/null", "w") as quiet:
        call_command("tick", stdout=quiet)
    for registration in (present, absent):
        purged = Registration.objects.get(pk=registration.pk)
        assert (purged.name, purged.answers, purged.purged_at is not None) == ("", {}, True)
        assert purged.email.endswith("@invalid") and purged.status == R.CONFIRMED
    assert Registration.objects.get(pk=present.pk).attended_at is not None
    assert Registration.objects.get(pk=kept.pk).name == "Guest 3"  # a day short of the delay
    assert (figures.attendees(period, Filters()), figures.organisations(period, Filters())) == before == (2, 1)
    assert actions.purge_after_retention() == 0  # nothing twice
    for address in ("guest1@example.org", "guest2@example.org"):  # their e-mails' log and links are gone too
        assert not EmailLog.objects.filter(recipient=address).exists()
        assert not SignedLink.objects.filter(email=address).exists()
    assert EmailLog.objects.filter(recipient="guest3@example.org").exists()  # a day short of the delay
    assert Registration.objects.get(pk=present.pk).organisation_name == ""


def test_retention_counts_from_the_end_of_the_last_session(advisor: User, make: Callable[..., Event]) -> None:
    event = make("workshop")
    registration = actions.register(event_id=event.pk, data=person(1))
    today = timezone.localdate()
    event.sessions.update(day=today - timedelta(days=365))
    with override_settings(MOSELLE_EVENT_RETENTION_DAYS=366):
        assert actions.purge_after_retention() == 0
    with override_settings(MOSELLE_EVENT_RETENTION_DAYS=364):
        assert actions.purge_after_retention() == 1
    assert Registration.objects.get(pk=registration.pk).purged_at is not None


# --- Matching a registration to the registry ----------------------------------------------------------------


def test_staff_match_an_unknown_name_or_register_it_as_a_prospect(
    advisor: User, make: Callable[..., Event], client_for: Any
) -> None:
    event = make("workshop")
    stranger = attend(advisor, event, 1, "Brasserie du Coin")
    other = attend(advisor, event, 2, "Garage Thill")
    assert stranger.organisation is None and actions.unmatched(event) == [stranger, other]
    page = client_for(advisor).get(reverse("staff_event_detail", args=[event.pk])).content.decode()
    assert "Organisations to match" in page and "Brasserie du Coin" in page

    known = registered("Brasserie du Coin S.à r.l.", "company")
    client_for(advisor).post(reverse("staff_registration_match", args=[stranger.pk]), {"organisation": str(known.pk)})
    assert Registration.objects.get(pk=stranger.pk).organisation == known
    assert entries(known) == ["event_attended"] and proposals(known) == [("proposed", 1, "ecosystem_and_networking")]

    client_for(advisor).post(reverse("staff_registration_match", args=[other.pk]), {"prospect": "yes"})
    prospect = Registration.objects.get(pk=other.pk).organisation
    assert prospect is not None and prospect.name == "Garage Thill" and prospect.kinds == ["company"]
    assert Case.objects.get(organisation=prospect).origin == Case.Origin.EVENT
    assert actions.unmatched(event) == []

    # matched to the wrong one first: the first organisation's records follow the correction
    actions.registration_match(actor=advisor, registration=other, organisation=known)
    assert proposals(known) == [("proposed", 2, "ecosystem_and_networking")] and proposals(prospect) == []


def test_a_bad_match_is_refused_and_changes_nothing(advisor: User, make: Callable[..., Event], client_for: Any) -> None:
    event = make("webinar")
    registration = attend(advisor, event, 1, "Nobody Known")
    organisations = Organisation.objects.count()
    response = client_for(advisor).post(
        reverse("staff_registration_match", args=[registration.pk]), {"organisation": "9" * 4400}, follow=True
    )
    assert "No organisation of the registry has this number." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        actions.registration_match(actor=advisor, registration=registration)
    assert list(refused.value.message_dict) == ["organisation"]
    nameless = actions.register(event_id=event.pk, data=person(2, organisation_name=""))
    with pytest.raises(ValidationError):
        actions.registration_match(actor=advisor, registration=nameless, prospect=True)
    assert Registration.objects.filter(organisation__isnull=False).count() == 0
    assert Organisation.objects.count() == organisations
