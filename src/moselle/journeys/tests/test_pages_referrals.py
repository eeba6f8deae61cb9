"""The referral pages: the inbox, proposing a referral, a referral's page as each side sees it, and the
consent, move and rating forms. A recipient sees nothing before the company consents, and then only the
parts shared; every refusal of an action is shown on its field with status 400 and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moselle.accounts.models import Consent, Role, User
from moselle.assessments.tests.test_flow import submitted
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.journeys import actions
from moselle.journeys.models import Need, Referral, ReferralMove
from moselle.journeys.sharing import shared_file
from moselle.organisations.actions import organisation_create
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
ClientFor = Callable[[User | None], Client]
S = Referral.Status


# --- Fixtures and helpers ---------------------------------------------------------------------------------


@pytest.fixture
def advisor(make_user: MakeUser) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def company(org_a: Organisation) -> Organisation:
    return org_a


@pytest.fixture
def member_a(make_user: MakeUser, company: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, company, email="anne@alpha.example.org")


@pytest.fixture
def provider(db: Any) -> Organisation:
    return organisation_create(actor=None, name="Secure Lux", country="LU", details={"kinds": ["technology_provider"]})


@pytest.fixture
def provider_member(make_user: MakeUser, provider: Organisation) -> User:
    return make_user(Role.PROVIDER_MEMBER, provider)


@pytest.fixture
def other_provider(db: Any) -> Organisation:
    return organisation_create(
        actor=None, name="Vision Works", country="LU", details={"kinds": ["technology_provider"]}
    )


@pytest.fixture
def other_provider_member(make_user: MakeUser, other_provider: Organisation) -> User:
    return make_user(Role.PROVIDER_MEMBER, other_provider)


@pytest.fixture
def need(advisor: User, company: Organisation) -> Need:
    case = actions.case_open(actor=advisor, organisation=company, title="Track the ovens", owner=advisor)
    data = {
        "title": "Sensors on the ovens",
        "description": "Know when an oven drifts.",
        "gap": "10",
        "importance": 4,
        "urgency": 3,
        "effort": 2,
    }
    return actions.need_create(actor=advisor, case=case, data=data)


def reload(referral: Referral) -> Referral:
    return Referral.objects.select_related("organisation", "consent", "need", "action").get(pk=referral.pk)


def propose(advisor: User, company: Organisation, recipient: Organisation, need: Need | None = None) -> Referral:
    return actions.referral_propose(
        actor=advisor, organisation=company, recipient=recipient, need=need, note="Please call them about sensors."
    )


def consented(
    advisor: User,
    company: Organisation,
    recipient: Organisation,
    member: User,
    need: Need | None = None,
    shared: tuple[str, ...] = ("profile", "need"),
) -> Referral:
    referral = propose(advisor, company, recipient, need)
    actions.referral_consent(actor=member, referral=reload(referral), shared=list(shared))
    return reload(referral)


def another_need(advisor: User, company: Organisation) -> Need:
    """A need of its own for each referral: the same introduction twice while one is open is refused."""
    case = actions.case_open(actor=advisor, organisation=company, title="Sensors", owner=advisor)
    return actions.need_create(actor=advisor, case=case, data={"title": "Sensors on the line", "gap": "20"})


def detail(referral: Referral) -> str:
    return reverse("referral_detail", args=[referral.pk])


def page(response: Any) -> str:
    return str(response.content.decode())


def shows(response: Any, text: str) -> bool:
    return escape(text) in page(response)


# --- Who may open what -------------------------------------------------------------------------------------


def test_it_keeps_a_provider_without_a_referral_out_of_the_company_file(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider_member: User,
    other_provider: Organisation,
    other_provider_member: User,
) -> None:
    referral = consented(advisor, company, other_provider, member_a)
    client = client_for(provider_member)

    assert client.get(reverse("organisation_detail", args=[company.pk])).status_code == 404
    assert client.get(detail(referral)).status_code == 404
    # The provider it was made to opens it: the 404 above is about who asks.
    assert client_for(other_provider_member).get(detail(referral)).status_code == 200


def test_it_hides_a_referral_from_its_recipient_until_the_company_consents(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
    need: Need,
) -> None:
    referral = propose(advisor, company, provider, need)
    client = client_for(provider_member)

    assert client.get(detail(referral)).status_code == 404
    assert detail(referral) not in page(client.get(reverse("referral_inbox")))

    answer = client_for(member_a).post(
        reverse("referral_consent", args=[referral.pk]), {"given": "1", "shared": ["profile", "need"]}
    )
    assert answer.status_code == 302

    assert detail(referral) in page(client.get(reverse("referral_inbox")))
    response = client.get(detail(referral))
    assert response.status_code == 200
    assert shows(response, "Sensors on the ovens")
    assert shows(response, "Please call them about sensors.")
    assert shows(response, company.name)


def test_it_shows_the_recipient_the_parts_shared_and_none_other(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
    need: Need,
) -> None:
    result = submitted(company)
    dimensions = list(result.dimension_scores().items())
    referral = consented(advisor, company, provider, member_a, need, shared=("profile", "need"))

    response = client_for(provider_member).get(detail(referral))

    assert response.status_code == 200
    assert shows(response, "Sensors on the ovens")
    assert not shows(response, str(result.overall))
    assert not shows(response, "Scores from 0 to 100 by dimension")
    assert not any(f">{score}<" in page(response) for _key, score in dimensions)
    assert not shows(response, member_a.email)
    assert not shows(response, member_a.full_name)


def test_it_shows_the_recipient_the_scores_and_the_contact_once_shared(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
    need: Need,
) -> None:
    result = submitted(company)
    referral = consented(advisor, company, provider, member_a, need, shared=("assessment", "contact"))

    response = client_for(provider_member).get(detail(referral))

    assert shows(response, str(result.overall))
    assert all(f">{score}<" in page(response) for score in result.dimension_scores().values())
    assert shows(response, member_a.email)
    # Neither the need nor the company's name was shared this time.
    assert not shows(response, "Sensors on the ovens")
    assert not shows(response, company.name)


def test_it_never_shows_the_recipient_who_at_the_company_did_what(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
) -> None:
    referral = consented(advisor, company, provider, member_a, shared=("need",))
    # The company reads who proposed the referral and who consented...
    as_company = client_for(member_a).get(detail(referral))
    assert shows(as_company, advisor.full_name)
    assert shows(as_company, member_a.email)

    response = client_for(provider_member).get(detail(referral))

    # ...the recipient, who was shared neither the profile nor the contact, reads neither.
    assert response.status_code == 200
    assert not shows(response, advisor.full_name)
    assert not shows(response, member_a.full_name)
    assert not shows(response, member_a.email)


def test_it_takes_the_referral_back_from_the_recipient_when_the_company_withdraws_its_consent(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
) -> None:
    referral = consented(advisor, company, provider, member_a)
    assert client_for(provider_member).get(detail(referral)).status_code == 200

    answer = client_for(member_a).post(reverse("referral_consent", args=[referral.pk]), {"given": "0"})

    assert answer.status_code == 302
    assert client_for(provider_member).get(detail(referral)).status_code == 404
    assert detail(referral) not in page(client_for(provider_member).get(reverse("referral_inbox")))


# --- Refusals ----------------------------------------------------------------------------------------------


def test_it_refuses_an_acceptance_before_the_company_consents(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    provider: Organisation,
    provider_member: User,
) -> None:
    referral = propose(advisor, company, provider)
    move = reverse("referral_move", args=[referral.pk])

    assert client_for(provider_member).post(move, {"status": S.ACCEPTED}).status_code == 404
    response = client_for(advisor).post(move, {"status": S.ACCEPTED})

    assert response.status_code == 400
    assert shows(response, "The company has not consented to share its file with you: nothing can be done yet.")
    assert reload(referral).status == S.PROPOSED
    assert list(ReferralMove.objects.filter(referral=referral).values_list("to_status", flat=True)) == [S.PROPOSED]


def test_it_refuses_to_decline_without_a_reason(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
) -> None:
    referral = consented(advisor, company, provider, member_a)

    response = client_for(provider_member).post(
        reverse("referral_move", args=[referral.pk]), {"status": S.DECLINED, "note": "  "}
    )

    assert response.status_code == 400
    assert shows(response, "Say why the referral is declined.")
    decline_form = next(form for form in response.context["move_forms"] if form.step == S.DECLINED)
    assert decline_form.errors["note"] == ["Say why the referral is declined."]
    assert reload(referral).status == S.PROPOSED
    assert not ReferralMove.objects.filter(referral=referral, to_status=S.DECLINED).exists()


def test_it_refuses_a_referral_to_an_organisation_that_is_neither_provider_nor_partner(
    client_for: ClientFor, advisor: User, company: Organisation, org_b: Organisation
) -> None:
    url = f"{reverse('referral_create')}?organisation={company.pk}"

    response = client_for(advisor).post(url, {"recipient": org_b.pk, "note": "Help them"})

    assert response.status_code == 400
    message = "Beta Logistics is neither a provider, a partner of the hub nor another hub: only they receive referrals."
    assert response.context["form"].errors["recipient"] == [message]
    assert shows(response, message)
    assert Referral.objects.count() == 0


def test_it_refuses_to_rate_a_referral_that_is_not_done(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
) -> None:
    referral = consented(advisor, company, provider, member_a)

    response = client_for(member_a).post(reverse("referral_rate", args=[referral.pk]), {"satisfaction": "4"})

    assert response.status_code == 400
    assert shows(response, "Rate a referral once it is done.")
    assert reload(referral).satisfaction is None


def test_it_shows_the_referral_pages_to_no_one_outside(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
    personas: Any,
) -> None:
    referral = consented(advisor, company, provider, member_a)
    outsider = personas.b[Role.COMPANY_MEMBER]

    assert client_for(outsider).get(detail(referral)).status_code == 404
    assert (
        client_for(outsider).post(reverse("referral_rate", args=[referral.pk]), {"satisfaction": "5"}).status_code
        == 404
    )
    # A provider may not start a referral for a company it does not belong to.
    url = f"{reverse('referral_create')}?organisation={company.pk}"
    assert client_for(provider_member).get(url).status_code == 404
    assert client_for(None).get(detail(referral)).status_code == 302
    assert client_for(member_a).get(url).status_code == 200


# --- The whole way ------------------------------------------------------------------------------------------


def test_it_takes_a_referral_from_proposal_to_rating(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
    need: Need,
) -> None:
    hub, member, recipient = client_for(advisor), client_for(member_a), client_for(provider_member)
    create = f"{reverse('referral_create')}?organisation={company.pk}&need={need.pk}"
    assert hub.get(create).status_code == 200

    answer = hub.post(create, {"recipient": provider.pk, "note": "Sensors for six ovens."})
    referral = Referral.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == detail(referral)
    assert (referral.organisation_id, referral.recipient_id, referral.need_id) == (company.pk, provider.pk, need.pk)

    steps = [
        (member, "referral_consent", {"given": "1", "shared": ["profile", "contact", "need"]}),
        (recipient, "referral_move", {"status": S.ACCEPTED, "note": ""}),
        (recipient, "referral_move", {"status": S.IN_PROGRESS, "note": "Visit booked."}),
        (recipient, "referral_move", {"status": S.DONE, "note": "Six sensors installed and a dashboard."}),
        (member, "referral_rate", {"satisfaction": "4"}),
    ]
    for client, name, data in steps:
        answer = client.post(reverse(name, args=[referral.pk]), data)
        assert answer.status_code == 302, (name, data, answer.content[:2000])

    referral = reload(referral)
    assert referral.status == S.DONE
    assert referral.satisfaction == 4
    assert referral.outcome == "Six sensors installed and a dashboard."
    assert referral.service_record_draft["status"] == "proposed"
    moves = list(ReferralMove.objects.filter(referral=referral).values_list("to_status", flat=True))
    assert moves == [S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS, S.DONE]

    response = member.get(detail(referral))
    assert response.status_code == 200
    for step in ("proposed → accepted", "accepted → in progress", "in progress → done"):
        assert shows(response, step), step
    assert shows(response, "Visit booked.")
    assert shows(response, "4 out of 5")
    assert shows(response, "proposed, for the hub to confirm")
    # The recipient reads the history, not who at the company made each step.
    as_recipient = recipient.get(detail(referral))
    assert shows(as_recipient, "in progress → done")
    assert not shows(as_recipient, "4 out of 5")
    assert not shows(as_recipient, "proposed, for the hub to confirm")


def test_it_records_the_consent_with_the_proposal_when_a_member_asks(
    client_for: ClientFor,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
) -> None:
    url = f"{reverse('referral_create')}?organisation={company.pk}"
    form = client_for(member_a).get(url)
    assert "shared" in form.context["form"].fields

    answer = client_for(member_a).post(
        url, {"recipient": provider.pk, "note": "We need sensors.", "shared": ["profile"]}
    )

    referral = reload(Referral.objects.get())
    assert answer.status_code == 302
    assert referral.consent is not None and referral.consent.given
    assert referral.shared == ["profile"]
    assert client_for(provider_member).get(detail(referral)).status_code == 200


def test_it_preselects_the_recipient_a_suggestion_names(
    client_for: ClientFor, advisor: User, company: Organisation, provider: Organisation, other_provider: Organisation
) -> None:
    url = f"{reverse('referral_create')}?organisation={company.pk}&recipient={other_provider.pk}"

    response = client_for(advisor).get(url)

    assert response.status_code == 200
    assert f'<option value="{other_provider.pk}" selected>' in page(response)
    assert f'<option value="{provider.pk}" selected>' not in page(response)


def test_it_asks_hub_staff_no_consent_when_they_propose(
    client_for: ClientFor, advisor: User, company: Organisation, provider: Organisation
) -> None:
    url = f"{reverse('referral_create')}?organisation={company.pk}"
    assert "shared" not in client_for(advisor).get(url).context["form"].fields

    client_for(advisor).post(url, {"recipient": provider.pk, "shared": ["profile"]})

    assert reload(Referral.objects.get()).consent is None


def test_it_fixes_the_recipient_to_the_provider_of_the_offer(
    client_for: ClientFor, advisor: User, company: Organisation, provider: Organisation, other_provider: Organisation
) -> None:
    offer = make_offer(provider, status=Offer.Status.PUBLISHED)
    url = f"{reverse('referral_create')}?organisation={company.pk}&offer={offer.pk}"

    answer = client_for(advisor).post(url, {"recipient": other_provider.pk})

    assert answer.status_code == 302
    referral = Referral.objects.get()
    assert (referral.recipient_id, referral.offer_id) == (provider.pk, offer.pk)


def test_it_records_a_consent_given_on_paper(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    provider: Organisation,
    provider_member: User,
) -> None:
    referral = propose(advisor, company, provider)

    answer = client_for(advisor).post(
        reverse("referral_consent", args=[referral.pk]),
        {"given": "1", "email": "boss@alpha.example.org", "shared": ["contact"]},
    )

    assert answer.status_code == 302
    consent = reload(referral).consent
    assert consent is not None
    assert (consent.method, consent.email, consent.given) == (Consent.Method.PAPER, "boss@alpha.example.org", True)
    assert shows(client_for(provider_member).get(detail(referral)), "boss@alpha.example.org")


def test_it_wants_the_email_of_the_person_who_signed_the_paper_form(
    client_for: ClientFor, advisor: User, company: Organisation, provider: Organisation
) -> None:
    referral = propose(advisor, company, provider)

    response = client_for(advisor).post(reverse("referral_consent", args=[referral.pk]), {"shared": ["contact"]})

    assert response.status_code == 400
    assert response.context["paper_form"].errors["email"]
    assert reload(referral).consent is None


# --- The shared file ------------------------------------------------------------------------------------------


def test_it_reads_nothing_of_a_part_that_is_not_shared(
    advisor: User, company: Organisation, member_a: User, provider: Organisation, need: Need
) -> None:
    submitted(company)
    referral = consented(advisor, company, provider, member_a, need, shared=("need",))

    with CaptureQueriesContext(connection) as queries:
        file = shared_file(referral)

    assert len(queries) == 0
    assert file.parts == ("need",)
    assert file.need is not None and file.need.title == "Sensors on the ovens"
    assert (file.profile, file.contact, file.assessment, file.roadmap) == (None, None, None, None)


def test_it_shares_nothing_without_a_consent_given(
    advisor: User, company: Organisation, member_a: User, provider: Organisation
) -> None:
    referral = consented(advisor, company, provider, member_a, shared=("profile",))
    assert shared_file(referral).profile is not None
    actions.referral_consent(actor=member_a, referral=referral, shared=[], given=False)

    file = shared_file(reload(referral))

    assert file.parts == ()
    assert file.profile is None


def test_it_shares_the_profile_and_the_latest_agreed_roadmap(
    advisor: User, company: Organisation, member_a: User, provider: Organisation, need: Need
) -> None:
    company.website = "https://alpha.example.org"
    company.save()
    roadmap = actions.roadmap_draft(actor=advisor, case=need.case)
    actions.roadmap_agree(actor=member_a, roadmap=roadmap)
    referral = consented(advisor, company, provider, member_a, need, shared=("profile", "roadmap"))

    file = shared_file(referral)

    assert file.profile is not None
    assert (file.profile.name, file.profile.country, file.profile.website) == (
        "Alpha Manufacturing",
        "LU",
        "https://alpha.example.org",
    )
    assert file.roadmap is not None and file.roadmap.version == 1
    assert [step.title for step in file.roadmap.actions] == list(roadmap.actions.values_list("title", flat=True))


# --- The inbox ------------------------------------------------------------------------------------------------


def test_it_lists_the_newest_first_and_filters_by_status(
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
) -> None:
    first = consented(advisor, company, provider, member_a, need=another_need(advisor, company))
    second = consented(advisor, company, provider, member_a, need=another_need(advisor, company))
    actions.referral_move(actor=provider_member, referral=second, status=S.ACCEPTED)

    rows = client_for(provider_member).get(reverse("referral_inbox")).context["rows"]
    accepted = client_for(member_a).get(reverse("referral_inbox"), {"status": S.ACCEPTED}).context["rows"]

    assert [row["referral"].pk for row in rows] == [second.pk, first.pk]
    assert [row["referral"].pk for row in accepted] == [second.pk]
    assert client_for(member_a).get(reverse("referral_inbox"), {"status": "lost"}).status_code == 400


@pytest.mark.parametrize("who", ["hub", "recipient", "company"])
def test_it_lists_the_inbox_in_a_fixed_number_of_queries(
    who: str,
    client_for: ClientFor,
    advisor: User,
    company: Organisation,
    member_a: User,
    provider: Organisation,
    provider_member: User,
) -> None:
    client = client_for({"hub": advisor, "recipient": provider_member, "company": member_a}[who])
    url = reverse("referral_inbox")

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["rows"])

    for _n in range(2):
        consented(advisor, company, provider, member_a, need=another_need(advisor, company))
    client.get(url)  # the first request of a session warms what any page reads once
    with_two, listed = count()
    assert listed == 2
    for _n in range(4):
        consented(advisor, company, provider, member_a, need=another_need(advisor, company))
    with_six, listed = count()

    assert listed == 6
    assert with_six == with_two
