"""Referrals to a hub abroad: the hub's staff propose one, the company consents to share with that hub (the
consent names a transfer outside the EEA where there is one), staff e-mail the hub's contact a signed link; the
hub reads what is shared and answers on that page, which moves the referral here; the company's withdrawal
closes the link and is told to the hub. The printable dossier is the staff's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from moselle.accounts.models import Consent, Role, User
from moselle.core.models import AuditEntry, EmailLog
from moselle.journeys import actions as journeys
from moselle.journeys.models import Referral, ReferralMove
from moselle.network import referrals
from moselle.network.models import Collaboration, Envelope
from moselle.network.tests.conftest import make_hub
from moselle.organisations.actions import organisation_create
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

S = Referral.Status
CONTACT = "referrals@edih-saarland.example"
SENT = "network/email/referral_abroad"
WITHDRAWN = "network/email/referral_withdrawn"
WARNING = "Transfer outside the European Economic Area"


def propose(staff: User, company: Organisation, hub: Organisation, note: str = "A penetration test.") -> Referral:
    return journeys.referral_propose(actor=staff, organisation=company, recipient=hub, note=note)


def consent(member: User, referral: Referral, shared: tuple[str, ...] = ("profile", "contact")) -> Referral:
    return journeys.referral_consent(actor=member, referral=reload(referral), shared=list(shared))


def reload(referral: Referral) -> Referral:
    return Referral.objects.select_related("consent", "recipient", "organisation").get(pk=referral.pk)


def send(client: Client, referral: Referral, email: str = CONTACT, language: str = "en") -> Any:
    return client.post(reverse("referral_abroad", args=[referral.pk]), {"email": email, "language": language})


def link_of(log: EmailLog) -> str:
    """The path of the signed link an e-mail carries."""
    found = re.search(re.escape(settings.SITE_URL) + r"(/network/r/[^/\s]+/)", log.body)
    assert found is not None, log.body
    return found.group(1)


def written() -> tuple[int, int, int]:
    return Envelope.objects.count(), EmailLog.objects.filter(template=SENT).count(), Collaboration.objects.count()


@pytest.fixture
def company(org_a: Organisation) -> Organisation:
    return org_a


@pytest.fixture
def proposed(staff: User, company: Organisation, hubs: dict[str, Organisation]) -> Referral:
    return propose(staff, company, hubs["saar"])


@pytest.fixture
def consented(member: User, proposed: Referral) -> Referral:
    return consent(member, proposed)


@pytest.fixture
def sent(staff_client: Client, consented: Referral) -> tuple[Referral, str]:
    """The referral e-mailed to Saarland's contact; the link's path."""
    response = send(staff_client, consented)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return consented, link_of(EmailLog.objects.get(template=SENT))


# --- Proposing and consenting -----------------------------------------------------------------------------------


def test_the_company_consents_on_its_page_to_share_with_the_hub_abroad(
    proposed: Referral, member_client: Client
) -> None:
    response = member_client.post(
        reverse("referral_consent", args=[proposed.pk]), {"shared": ["profile", "contact"], "given": "1"}
    )
    assert response.status_code == 302
    recorded = reload(proposed).consent
    assert recorded is not None and recorded.given
    assert recorded.purpose == Consent.Purpose.SHARE_WITH_HUB
    assert not recorded.scope.startswith("transfer")
    assert "EDIH Saarland" in recorded.scope
    assert reload(proposed).shared == ["profile", "contact"]


@pytest.mark.parametrize("country", ["RS", "TR"])
def test_a_hub_outside_the_eea_without_adequacy_names_the_transfer_to_the_company(
    staff: User, member: User, member_client: Client, company: Organisation, hubs: dict[str, Organisation], country: str
) -> None:
    hub = hubs["serbia"] if country == "RS" else make_hub("Istanbul Digital Hub", "TR")
    referral = propose(staff, company, hub)
    before = member_client.get(reverse("referral_detail", args=[referral.pk]))
    assert before.status_code == 200 and WARNING in before.content.decode()
    consent(member, referral)
    recorded = reload(referral).consent
    assert recorded is not None and recorded.purpose == Consent.Purpose.SHARE_WITH_HUB
    assert recorded.scope.startswith("transfer outside the EEA")
    assert f"({country}, no adequacy decision)" in recorded.scope
    after = member_client.get(reverse("referral_detail", args=[referral.pk]))
    assert WARNING in after.content.decode()


@pytest.mark.parametrize("country", ["DE", "CH", "NO", "GB"])
def test_a_hub_in_the_eea_or_an_adequate_country_needs_no_transfer_warning(
    staff: User, member: User, member_client: Client, company: Organisation, hubs: dict[str, Organisation], country: str
) -> None:
    known = {"DE": hubs["saar"], "CH": hubs["swiss"]}
    hub = known.get(country) or make_hub(f"Hub {country}", country)
    referral = propose(staff, company, hub)
    assert WARNING not in member_client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    consent(member, referral)
    recorded = reload(referral).consent
    assert recorded is not None and recorded.purpose == Consent.Purpose.SHARE_WITH_HUB
    assert not recorded.scope.startswith("transfer")
    assert WARNING not in member_client.get(reverse("referral_detail", args=[referral.pk])).content.decode()


def test_the_instance_own_hub_cannot_receive_a_referral(staff: User, company: Organisation, own: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        propose(staff, company, own)
    assert set(caught.value.message_dict) == {"recipient"}
    assert not Referral.objects.exists()


def test_a_referral_to_a_provider_has_no_page_abroad(
    staff: User, staff_client: Client, company: Organisation, hubs: dict[str, Organisation]
) -> None:
    provider = organisation_create(
        actor=None, name="Secure Lux", country="LU", details={"kinds": ["technology_provider"]}
    )
    referral = propose(staff, company, provider)
    assert staff_client.get(reverse("referral_abroad", args=[referral.pk])).status_code == 404
    assert staff_client.get(reverse("referral_dossier", args=[referral.pk])).status_code == 404
    with pytest.raises(ValidationError) as caught:
        referrals.referral_send_by_email(actor=staff, referral=referral, email=CONTACT)
    assert set(caught.value.message_dict) == {"referral"}


# --- Sending it by e-mail ---------------------------------------------------------------------------------------


def test_staff_send_the_hub_an_email_with_a_link_and_it_is_one_collaboration(
    staff_client: Client, consented: Referral, hubs: dict[str, Organisation]
) -> None:
    page = staff_client.get(reverse("referral_abroad", args=[consented.pk]))
    assert page.status_code == 200 and "Send it by e-mail" in page.content.decode()
    response = send(staff_client, consented)
    assert response.status_code == 302 and response.url == reverse("referral_abroad", args=[consented.pk])
    envelope = Envelope.objects.get()
    assert (envelope.transport, envelope.status, envelope.direction) == ("email", "queued", "out")
    assert (envelope.hub, envelope.email, envelope.referral_id) == (hubs["saar"], CONTACT, consented.pk)
    log = EmailLog.objects.get(template=SENT)
    assert log.recipient == CONTACT and log.language == "en"
    assert "EDIH Saarland" in log.body and "A penetration test." in log.body
    path = link_of(log)
    assert path.startswith("/network/r/")
    collaboration = Collaboration.objects.get()
    assert collaboration.kind == Collaboration.Kind.REFERRAL and collaboration.referral_id == consented.pk
    assert list(collaboration.hubs.all()) == [hubs["saar"]]
    assert AuditEntry.objects.filter(action="referral.send_abroad", target_id=str(consented.pk)).count() == 1
    # The staff's page lists what was sent.
    assert CONTACT in staff_client.get(reverse("referral_abroad", args=[consented.pk])).content.decode()


def test_sending_it_twice_makes_two_links_but_one_collaboration(staff_client: Client, consented: Referral) -> None:
    assert send(staff_client, consented).status_code == 302
    assert send(staff_client, consented, email="other@edih-saarland.example", language="de").status_code == 302
    assert Envelope.objects.count() == 2
    logs = list(EmailLog.objects.filter(template=SENT).order_by("id"))
    assert [log.recipient for log in logs] == [CONTACT, "other@edih-saarland.example"]
    assert logs[1].language == "de"
    assert link_of(logs[0]) != link_of(logs[1])
    assert Collaboration.objects.count() == 1


def test_a_referral_of_a_demo_company_is_a_demo_collaboration(
    staff_client: Client, consented: Referral, company: Organisation
) -> None:
    Organisation.objects.filter(pk=company.pk).update(is_demo=True)
    assert send(staff_client, consented).status_code == 302
    assert Collaboration.objects.get().is_demo


def test_nothing_is_sent_before_the_company_consents(staff: User, staff_client: Client, proposed: Referral) -> None:
    page = staff_client.get(reverse("referral_abroad", args=[proposed.pk]))
    assert page.status_code == 200 and "Send it by e-mail" not in page.content.decode()
    response = send(staff_client, proposed)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    with pytest.raises(ValidationError) as caught:
        referrals.referral_send_by_email(actor=staff, referral=reload(proposed), email=CONTACT)
    assert set(caught.value.message_dict) == {"referral"}
    assert written() == (0, 0, 0)


@pytest.mark.parametrize("email", ["not an address", "", "a@b", "x" * 250 + "@example.org"])
def test_a_bad_address_is_refused_with_the_field_named(staff_client: Client, consented: Referral, email: str) -> None:
    response = send(staff_client, consented, email=email)
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert written() == (0, 0, 0)


def test_a_bad_language_is_refused_by_the_action(staff: User, consented: Referral) -> None:
    with pytest.raises(ValidationError) as caught:
        referrals.referral_send_by_email(actor=staff, referral=reload(consented), email="nope", language="xx")
    assert set(caught.value.message_dict) == {"email", "language"}
    assert written() == (0, 0, 0)


def test_only_the_hub_staff_see_a_referral_abroad_and_send_it(
    consented: Referral, personas: Any, make_user: Any, client_for: Any, member: User
) -> None:
    outsiders = (
        member,  # the company's own member
        personas.plain_a,
        personas.b[Role.COMPANY_MEMBER],
        personas.a[Role.OBSERVER],
        make_user(),  # signed in, in no organisation
    )
    for person in outsiders:
        client = client_for(person)
        assert client.get(reverse("referral_abroad", args=[consented.pk])).status_code == 404
        assert send(client, consented).status_code == 404
        assert client.get(reverse("referral_dossier", args=[consented.pk])).status_code == 404
    with pytest.raises(ValidationError):
        referrals.referral_send_by_email(actor=member, referral=reload(consented), email=CONTACT)
    assert written() == (0, 0, 0)


# --- The hub's link ---------------------------------------------------------------------------------------------


def test_the_link_shows_what_is_shared_and_marks_the_envelope_delivered(
    client: Client, sent: tuple[Referral, str], member: User
) -> None:
    _referral, path = sent
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Manufacturing" in html  # the profile is shared
    assert member.email in html  # so is the contact person
    assert "A penetration test." in html
    assert 'name="status"' in html
    envelope = Envelope.objects.get()
    assert envelope.status == "delivered" and envelope.delivered_at is not None
    delivered_at = envelope.delivered_at
    client.get(path)
    envelope.refresh_from_db()
    assert envelope.delivered_at == delivered_at  # the first opening only


def test_the_link_shows_only_the_parts_shared(
    client: Client, staff_client: Client, member: User, proposed: Referral
) -> None:
    consent(member, proposed, shared=("contact",))
    assert send(staff_client, proposed).status_code == 302
    log = EmailLog.objects.get(template=SENT)
    assert "Alpha Manufacturing" not in log.body
    html = client.get(link_of(log)).content.decode()
    assert member.email in html
    assert "Alpha Manufacturing" not in html  # the profile, with the name, is not shared


def test_the_hub_accepts_through_its_link(client: Client, sent: tuple[Referral, str]) -> None:
    referral, path = sent
    client.get(path)
    response = client.post(path, {"status": "accepted", "note": "We take it on."})
    assert response.status_code == 302 and response.url == path
    assert reload(referral).status == S.ACCEPTED
    envelope = Envelope.objects.get()
    assert envelope.status == "acknowledged" and envelope.acknowledged_at is not None
    move = ReferralMove.objects.get(referral=referral, to_status=S.ACCEPTED)
    assert (move.from_status, move.by, move.note) == (S.PROPOSED, None, "We take it on.")
    # The link still opens, for the next steps.
    assert 'value="in_progress"' in client.get(path).content.decode()


def test_the_hub_starts_and_completes_the_work_through_its_link(client: Client, sent: tuple[Referral, str]) -> None:
    referral, path = sent
    assert client.post(path, {"status": "accepted"}).status_code == 302
    assert client.post(path, {"status": "in_progress"}).status_code == 302
    assert client.post(path, {"status": "done", "note": "Penetration test done, report sent."}).status_code == 302
    done = reload(referral)
    assert done.status == S.DONE and done.outcome == "Penetration test done, report sent."
    steps = ReferralMove.objects.filter(referral=referral).order_by("at", "id").values_list("to_status", flat=True)
    assert list(steps) == [S.PROPOSED, S.ACCEPTED, S.IN_PROGRESS, S.DONE]
    assert "There is nothing left to answer" in client.get(path).content.decode()


def test_a_decline_without_a_reason_is_refused_and_changes_nothing(client: Client, sent: tuple[Referral, str]) -> None:
    referral, path = sent
    moves = ReferralMove.objects.count()
    response = client.post(path, {"status": "declined", "note": ""})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    assert reload(referral).status == S.PROPOSED
    assert ReferralMove.objects.count() == moves
    assert Envelope.objects.get().status != "acknowledged"
    declined = client.post(path, {"status": "declined", "note": "Not our field."})
    assert declined.status_code == 302
    assert reload(referral).status == S.DECLINED and reload(referral).decline_reason == "Not our field."


def test_a_step_the_referral_cannot_take_is_refused(client: Client, sent: tuple[Referral, str]) -> None:
    referral, path = sent
    for status in ("done", "withdrawn", "in_progress", "nonsense"):
        response = client.post(path, {"status": status, "note": "x"})
        assert response.status_code == 400, status
        assert "status" in response.context["form"].errors
    assert reload(referral).status == S.PROPOSED


def test_a_tampered_link_opens_nothing(client: Client, sent: tuple[Referral, str]) -> None:
    referral, path = sent
    token = path.split("/")[-2]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (f"/network/r/{tampered}/", "/network/r/nonsense/"):
        response = client.get(bad)
        assert response.status_code == 404
        assert "This referral cannot be opened" in response.content.decode()
        assert client.post(bad, {"status": "accepted"}).status_code == 404
    assert reload(referral).status == S.PROPOSED
    assert Envelope.objects.get().status == "queued"


def test_a_withdrawn_consent_closes_the_link_and_is_told_to_the_hub(
    client: Client, sent: tuple[Referral, str], member: User
) -> None:
    referral, path = sent
    journeys.referral_consent(actor=member, referral=reload(referral), shared=[], given=False)
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "no longer shared" in html and "Alpha Manufacturing" not in html
    assert client.post(path, {"status": "accepted"}).status_code == 404
    assert reload(referral).status == S.PROPOSED
    told = EmailLog.objects.get(template=WITHDRAWN)
    assert told.recipient == CONTACT
    assert f"referral {referral.pk}" in told.body


def test_a_referral_the_company_withdraws_is_told_to_each_address_once(
    staff_client: Client, sent: tuple[Referral, str], member: User
) -> None:
    referral, _path = sent
    send(staff_client, referral)  # the same contact again
    send(staff_client, referral, email="other@edih-saarland.example", language="fr")
    journeys.referral_move(actor=member, referral=reload(referral), status=S.WITHDRAWN)
    told = list(EmailLog.objects.filter(template=WITHDRAWN).order_by("id"))
    assert [(log.recipient, log.language) for log in told] == [(CONTACT, "en"), ("other@edih-saarland.example", "fr")]


# --- The dossier ------------------------------------------------------------------------------------------------


def test_the_dossier_is_the_staffs_and_shows_what_is_shared(
    staff_client: Client, member_client: Client, consented: Referral, member: User
) -> None:
    response = staff_client.get(reverse("referral_dossier", args=[consented.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Manufacturing" in html and member.email in html and "EDIH Saarland" in html
    assert member_client.get(reverse("referral_dossier", args=[consented.pk])).status_code == 404


def test_the_dossier_leaves_out_the_company_name_when_the_profile_is_not_shared(
    staff_client: Client, proposed: Referral, member: User
) -> None:
    consent(member, proposed, shared=("contact",))
    html = staff_client.get(reverse("referral_dossier", args=[proposed.pk])).content.decode()
    assert member.email in html
    assert "Alpha Manufacturing" not in html


def test_there_is_no_dossier_before_the_company_consents(staff_client: Client, proposed: Referral) -> None:
    assert staff_client.get(reverse("referral_dossier", args=[proposed.pk])).status_code == 404


def test_a_referral_the_company_withdrew_no_longer_opens_on_the_link(
    client: Client, sent: tuple[Referral, str], member: User
) -> None:
    # The e-mail to the hub says "The link we sent no longer opens it": the referral is over, its file no
    # longer shared, although the consent record itself was not withdrawn.
    referral, path = sent
    journeys.referral_move(actor=member, referral=reload(referral), status=S.WITHDRAWN)
    assert "no longer opens it" in EmailLog.objects.get(template=WITHDRAWN).body
    response = client.get(path)
    assert response.status_code == 404
    assert "Alpha Manufacturing" not in response.content.decode()
