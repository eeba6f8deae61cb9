"""Referrals: the hub proposes to introduce a company to a provider or partner; nothing reaches the recipient
until the company consents to share, scoped to the parts it chose; the recipient then accepts or declines
(with a reason), starts and completes (with an outcome) the work, each move recorded and told to the advisor;
accepted and declined referrals are fed to matching; the company rates what was delivered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from moselle.accounts.models import Consent, Role, User
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models import AuditEntry, EmailLog
from moselle.journeys import access, actions
from moselle.journeys.actions.referrals import MOVES, RECIPIENT_KINDS
from moselle.journeys.models import Activity, Case, Need, Referral, ReferralMove
from moselle.matching.models import Outcome
from moselle.organisations.actions import organisation_create
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
S = Referral.Status
RECEIVED = "journeys/email/referral_received"
MOVED = "journeys/email/referral_moved"


# --- Fixtures and helpers ---------------------------------------------------------------------------------


@pytest.fixture
def advisor(make_user: MakeUser) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def company(org_a: Organisation) -> Organisation:
    return org_a


@pytest.fixture
def member_a(make_user: MakeUser, company: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, company)


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
def offer(provider: Organisation) -> Offer:
    return make_offer(provider, status=Offer.Status.PUBLISHED)


def refused(action: Any, **kwargs: Any) -> dict[str, list[str]]:
    """Call ``action``, expecting a refusal; the fields it names."""
    with pytest.raises(ValidationError) as caught:
        action(**kwargs)
    return caught.value.message_dict


def propose(advisor: User, company: Organisation, recipient: Organisation | None, **kwargs: Any) -> Referral:
    return actions.referral_propose(actor=advisor, organisation=company, recipient=recipient, **kwargs)


def consent(member: User, referral: Referral, shared: tuple[str, ...] = ("profile", "need")) -> Referral:
    return actions.referral_consent(actor=member, referral=referral, shared=list(shared))


def reload(referral: Referral) -> Referral:
    return Referral.objects.select_related("consent", "case", "offer", "recipient").get(pk=referral.pk)


def consent_of(referral: Referral) -> Consent:
    recorded = reload(referral).consent
    assert recorded is not None, "no consent recorded"
    return recorded


def need_of(advisor: User, organisation: Organisation) -> Need:
    case = actions.case_open(actor=advisor, organisation=organisation, title="Track the ovens", owner=advisor)
    data = {"title": "Sensors on the ovens", "gap": "10", "importance": 4, "urgency": 3, "effort": 2}
    return actions.need_create(actor=advisor, case=case, data=data)


def consented_referral(
    advisor: User, company: Organisation, provider: Organisation | None, member: User, **kwargs: Any
) -> Referral:
    referral = propose(advisor, company, provider, **kwargs)
    return consent(member, reload(referral))


def emails(template: str, to: str | None = None) -> int:
    rows = EmailLog.objects.filter(template=template)
    return (rows.filter(recipient=to) if to is not None else rows).count()


# --- The rules themselves ---------------------------------------------------------------------------------


def test_it_lets_only_providers_and_partners_receive_referrals() -> None:
    assert Organisation.Kind.COMPANY not in RECIPIENT_KINDS
    assert Organisation.Kind.TECHNOLOGY_PROVIDER in RECIPIENT_KINDS
    assert Organisation.Kind.CONSORTIUM_PARTNER in RECIPIENT_KINDS


def test_it_lets_only_the_recipient_accept_decline_start_and_complete() -> None:
    assert {status for status, (_sources, side) in MOVES.items() if side == "recipient"} == {
        S.ACCEPTED,
        S.DECLINED,
        S.IN_PROGRESS,
        S.DONE,
    }
    assert MOVES[S.WITHDRAWN][1] == "company"


# --- Proposing --------------------------------------------------------------------------------------------


def test_it_refuses_to_refer_to_a_plain_company_and_writes_nothing(advisor: User, company: Organisation) -> None:
    plain = organisation_create(actor=None, name="Gamma Foods", country="LU", details={"kinds": ["company"]})
    assert "recipient" in refused(
        actions.referral_propose, actor=advisor, organisation=company, recipient=plain, note="Help them"
    )
    assert Referral.objects.count() == 0
    assert ReferralMove.objects.count() == 0


def test_it_refuses_to_refer_a_company_to_itself(advisor: User, provider: Organisation) -> None:
    assert "recipient" in refused(actions.referral_propose, actor=advisor, organisation=provider, recipient=provider)
    assert Referral.objects.count() == 0


def test_it_refuses_to_refer_to_an_organisation_merged_into_another(
    advisor: User, company: Organisation, provider: Organisation, other_provider: Organisation
) -> None:
    Organisation.objects.filter(pk=provider.pk).update(merged_into=other_provider)
    merged = Organisation.objects.get(pk=provider.pk)
    assert "recipient" in refused(actions.referral_propose, actor=advisor, organisation=company, recipient=merged)
    assert Referral.objects.count() == 0


def test_it_refuses_to_refer_to_a_historical_organisation(
    advisor: User, company: Organisation, provider: Organisation
) -> None:
    Organisation.objects.filter(pk=provider.pk).update(is_historical=True)
    historical = Organisation.objects.get(pk=provider.pk)
    assert "recipient" in refused(actions.referral_propose, actor=advisor, organisation=company, recipient=historical)
    assert Referral.objects.count() == 0


def test_it_refuses_a_need_of_another_organisation(
    advisor: User, company: Organisation, org_b: Organisation, provider: Organisation
) -> None:
    need = need_of(advisor, org_b)
    errors = refused(actions.referral_propose, actor=advisor, organisation=company, recipient=provider, need=need)
    assert "need" in errors
    assert Referral.objects.count() == 0


def test_it_refuses_an_offer_that_is_not_published(
    advisor: User, company: Organisation, provider: Organisation
) -> None:
    draft = make_offer(provider)
    assert draft.status == Offer.Status.DRAFT
    errors = refused(actions.referral_propose, actor=advisor, organisation=company, recipient=provider, offer=draft)
    assert "offer" in errors
    assert Referral.objects.count() == 0


def test_it_takes_the_offers_provider_as_recipient_when_none_is_given(
    advisor: User, company: Organisation, provider: Organisation, offer: Offer
) -> None:
    referral = propose(advisor, company, None, offer=offer)
    referral = reload(referral)
    assert (referral.recipient_id, referral.offer_id) == (provider.pk, offer.pk)


def test_it_proposes_a_referral_with_one_move_from_nothing_to_proposed(
    advisor: User, company: Organisation, provider: Organisation
) -> None:
    referral = propose(advisor, company, provider, note="Cyber check")
    assert reload(referral).status == S.PROPOSED
    moves = [(m.from_status, m.to_status, m.by) for m in ReferralMove.objects.filter(referral=referral)]
    assert moves == [("", S.PROPOSED, advisor)]


def test_it_audits_the_proposal(advisor: User, company: Organisation, provider: Organisation) -> None:
    referral = propose(advisor, company, provider)
    entry = AuditEntry.objects.get(action="referral.propose")
    assert (entry.target_type, entry.target_id, entry.actor, entry.organisation_id) == (
        "journeys.referral",
        str(referral.pk),
        advisor,
        company.pk,
    )


def test_it_adds_the_proposal_to_the_companys_timeline(
    advisor: User, company: Organisation, provider: Organisation
) -> None:
    referral = propose(advisor, company, provider)
    entry = Activity.objects.get(target_type="journeys.referral", target_id=referral.pk)
    assert (entry.organisation, entry.kind, entry.verb) == (company, Activity.Kind.REFERRAL, "referral_proposed")


# --- Nothing before consent -------------------------------------------------------------------------------


def test_it_hides_a_referral_without_consent_from_the_recipients_list(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User
) -> None:
    referral = propose(advisor, company, provider)
    assert referral not in access.visible_referrals(provider_member)


def test_it_leaves_a_referral_without_consent_out_of_the_recipients_inbox(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User
) -> None:
    referral = propose(advisor, company, provider)
    assert referral not in access.received_referrals(provider_member)


def test_it_does_not_open_a_referral_without_consent_to_the_recipient(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User
) -> None:
    referral = propose(advisor, company, provider)
    with pytest.raises(Http404):
        access.get_referral_for_user(provider_member, referral.pk)


def test_it_sends_the_recipient_nothing_before_consent(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User
) -> None:
    propose(advisor, company, provider)
    assert not EmailLog.objects.filter(recipient=provider_member.email).exists()


# --- Consent ------------------------------------------------------------------------------------------------


def test_it_records_the_companys_consent_to_share_with_the_provider(
    advisor: User, company: Organisation, provider: Organisation, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    recorded = consent_of(referral)
    assert (recorded.purpose, recorded.given, recorded.method, recorded.user, recorded.email) == (
        Consent.Purpose.SHARE_WITH_PROVIDER,
        True,
        Consent.Method.WEB,
        member_a,
        member_a.email,
    )


def test_it_names_the_referral_and_the_parts_shared_in_the_consents_scope(
    advisor: User, company: Organisation, provider: Organisation, member_a: User
) -> None:
    referral = consent(member_a, propose(advisor, company, provider), ("roadmap", "contact"))
    recorded = consent_of(referral)
    assert f"referral {referral.pk}" in recorded.scope
    assert "contact" in recorded.scope and "roadmap" in recorded.scope
    assert "assessment" not in recorded.scope


def test_it_keeps_the_parts_shared_in_the_order_of_the_file(
    advisor: User, company: Organisation, provider: Organisation, member_a: User
) -> None:
    referral = consent(member_a, propose(advisor, company, provider), ("roadmap", "profile", "need"))
    assert reload(referral).shared == ["profile", "need", "roadmap"]


def test_it_tells_each_member_of_the_provider_once_consent_is_given(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, make_user: MakeUser
) -> None:
    colleague = make_user(Role.PROVIDER_MEMBER, provider)
    consented_referral(advisor, company, provider, make_user(Role.COMPANY_MEMBER, company))
    assert emails(RECEIVED, provider_member.email) == 1
    assert emails(RECEIVED, colleague.email) == 1
    assert emails(RECEIVED) == 2


def test_it_does_not_tell_the_provider_again_when_the_consent_changes(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    consent(member_a, reload(referral), ("profile", "assessment"))
    assert reload(referral).shared == ["profile", "assessment"]
    assert emails(RECEIVED, provider_member.email) == 1


def test_it_refuses_an_unknown_part_of_the_file(
    advisor: User, company: Organisation, provider: Organisation, member_a: User
) -> None:
    referral = propose(advisor, company, provider)
    errors = refused(actions.referral_consent, actor=member_a, referral=referral, shared=["profile", "bank_details"])
    assert "shared" in errors
    assert reload(referral).consent_id is None
    assert Consent.objects.count() == 0


def test_it_refuses_a_consent_that_shares_nothing(
    advisor: User, company: Organisation, provider: Organisation, member_a: User
) -> None:
    referral = propose(advisor, company, provider)
    assert "shared" in refused(actions.referral_consent, actor=member_a, referral=referral, shared=[])
    assert Consent.objects.count() == 0


def test_it_refuses_hub_staff_recording_a_consent_on_the_web(
    advisor: User, company: Organisation, provider: Organisation
) -> None:
    referral = propose(advisor, company, provider)
    errors = refused(
        actions.referral_consent,
        actor=advisor,
        referral=referral,
        shared=["profile"],
        method=Consent.Method.WEB,
        email="boss@alpha.example.org",
    )
    assert "method" in errors
    assert Consent.objects.count() == 0


def test_it_lets_hub_staff_record_a_consent_given_on_paper(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User
) -> None:
    referral = propose(advisor, company, provider)
    actions.referral_consent(
        actor=advisor,
        referral=referral,
        shared=["profile"],
        method=Consent.Method.PAPER,
        email="boss@alpha.example.org",
    )
    recorded = consent_of(referral)
    assert (recorded.method, recorded.email, recorded.given, recorded.user) == (
        Consent.Method.PAPER,
        "boss@alpha.example.org",
        True,
        None,
    )
    assert referral in access.received_referrals(provider_member)


def test_it_refuses_a_paper_consent_without_the_persons_email(
    advisor: User, company: Organisation, provider: Organisation
) -> None:
    referral = propose(advisor, company, provider)
    errors = refused(
        actions.referral_consent, actor=advisor, referral=referral, shared=["profile"], method=Consent.Method.PAPER
    )
    assert "email" in errors
    assert Consent.objects.count() == 0


def test_it_refuses_a_consent_to_a_referral_that_is_over(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DECLINED, note="No capacity")
    errors = refused(actions.referral_consent, actor=member_a, referral=reload(referral), shared=["roadmap"])
    assert "referral" in errors
    assert reload(referral).shared == ["profile", "need"]
    assert Consent.objects.count() == 1


def test_it_refuses_a_consent_from_a_member_of_another_organisation(
    advisor: User, company: Organisation, provider: Organisation, make_user: MakeUser, org_b: Organisation
) -> None:
    stranger = make_user(Role.COMPANY_MEMBER, org_b)
    referral = propose(advisor, company, provider)
    assert "referral" in refused(actions.referral_consent, actor=stranger, referral=referral, shared=["profile"])
    assert reload(referral).consent_id is None


def test_it_shows_a_consented_referral_to_the_recipient(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    assert referral in access.visible_referrals(provider_member)
    assert referral in access.received_referrals(provider_member)
    assert access.get_referral_for_user(provider_member, referral.pk) == referral


def test_it_hides_the_referral_from_the_recipient_again_once_consent_is_withdrawn(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_consent(actor=member_a, referral=reload(referral), shared=[], given=False)
    assert referral not in access.visible_referrals(provider_member)
    assert referral not in access.received_referrals(provider_member)
    with pytest.raises(Http404):
        access.get_referral_for_user(provider_member, referral.pk)


# --- Moves --------------------------------------------------------------------------------------------------


def test_it_lets_the_recipient_do_nothing_before_consent(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User
) -> None:
    referral = propose(advisor, company, provider)
    assert "referral" in refused(actions.referral_move, actor=provider_member, referral=referral, status=S.ACCEPTED)
    assert reload(referral).status == S.PROPOSED
    assert ReferralMove.objects.filter(referral=referral).count() == 1


def test_it_refuses_an_acceptance_by_another_provider(
    advisor: User,
    company: Organisation,
    provider: Organisation,
    member_a: User,
    other_provider_member: User,
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    errors = refused(actions.referral_move, actor=other_provider_member, referral=reload(referral), status=S.ACCEPTED)
    assert "referral" in errors
    assert reload(referral).status == S.PROPOSED


def test_it_does_not_let_the_company_accept_for_the_recipient(
    advisor: User, company: Organisation, provider: Organisation, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    assert "referral" in refused(actions.referral_move, actor=member_a, referral=reload(referral), status=S.ACCEPTED)
    assert reload(referral).status == S.PROPOSED


def test_it_refuses_an_offer_of_another_provider(
    advisor: User, company: Organisation, other_provider: Organisation, offer: Offer
) -> None:
    errors = refused(
        actions.referral_propose, actor=advisor, organisation=company, recipient=other_provider, offer=offer
    )
    assert "offer" in errors
    assert Referral.objects.count() == 0


def test_it_tells_the_recipient_when_the_company_withdraws_a_consented_referral(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=member_a, referral=reload(referral), status=S.WITHDRAWN)
    assert reload(referral).status == S.WITHDRAWN
    assert emails(MOVED, provider_member.email) == 1


def test_it_tells_the_company_its_referral_was_declined(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DECLINED, note="No capacity")
    assert emails(MOVED, member_a.email) == 1
    assert "No capacity" in EmailLog.objects.get(template=MOVED, recipient=member_a.email).body


def test_it_lets_the_recipient_accept_a_consented_referral(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    assert reload(referral).status == S.ACCEPTED


def test_it_refuses_to_decline_without_a_reason(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    errors = refused(actions.referral_move, actor=provider_member, referral=reload(referral), status=S.DECLINED)
    assert "note" in errors
    assert reload(referral).status == S.PROPOSED


def test_it_keeps_the_reason_for_declining(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(
        actor=provider_member, referral=reload(referral), status=S.DECLINED, note="  Fully booked until June  "
    )
    referral = reload(referral)
    assert (referral.status, referral.decline_reason) == (S.DECLINED, "Fully booked until June")


def test_it_refuses_to_complete_without_an_outcome(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    errors = refused(actions.referral_move, actor=provider_member, referral=reload(referral), status=S.DONE, note=" ")
    assert "note" in errors
    assert reload(referral).status == S.ACCEPTED


def test_it_moves_a_referral_from_accepted_through_in_progress_to_done(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.IN_PROGRESS)
    actions.referral_move(
        actor=provider_member, referral=reload(referral), status=S.DONE, note="Audit delivered, 12 findings"
    )
    referral = reload(referral)
    assert (referral.status, referral.outcome) == (S.DONE, "Audit delivered, 12 findings")
    moves = [(m.from_status, m.to_status) for m in ReferralMove.objects.filter(referral=referral)]
    assert moves == [
        ("", S.PROPOSED),
        (S.PROPOSED, S.ACCEPTED),
        (S.ACCEPTED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.DONE),
    ]


def test_it_proposes_a_service_record_when_a_referral_is_done(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User, offer: Offer
) -> None:
    referral = consented_referral(advisor, company, None, member_a, offer=offer)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DONE, note="Vision system tried")
    draft = reload(referral).service_record_draft
    assert (draft["status"], draft["referral"], draft["provider"], draft["organisation"]) == (
        "proposed",
        referral.pk,
        provider.pk,
        company.pk,
    )
    assert draft["category"] == offer.category == "test_before_invest"
    from moselle.reporting.models import ServiceRecord

    record = ServiceRecord.objects.get(referral=referral)
    assert (record.status, record.customer_id, record.partner_id, record.category, record.description) == (
        ServiceRecord.Status.PROPOSED,
        company.pk,
        provider.pk,
        "test_before_invest",
        "Vision system tried",
    )


def test_it_does_not_accept_a_referral_that_is_done(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DONE, note="Delivered")
    errors = refused(actions.referral_move, actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    assert "status" in errors
    assert reload(referral).status == S.DONE
    assert ReferralMove.objects.filter(referral=referral).count() == 3


def test_it_records_each_move_with_who_made_it_and_why(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DECLINED, note="No capacity")
    move = ReferralMove.objects.filter(referral=referral).last()
    assert move is not None
    assert (move.from_status, move.to_status, move.by, move.note) == (
        S.PROPOSED,
        S.DECLINED,
        provider_member,
        "No capacity",
    )


def test_it_tells_the_cases_owner_of_each_move(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    case = actions.case_open(actor=advisor, organisation=company, title="Cyber check", owner=advisor)
    referral = consented_referral(advisor, company, provider, member_a, case=case)
    assert reload(referral).case == case
    assert emails(MOVED, advisor.email) == 0
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    assert emails(MOVED, advisor.email) == 1
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.IN_PROGRESS)
    assert emails(MOVED, advisor.email) == 2
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DONE, note="Delivered")
    assert emails(MOVED, advisor.email) == 3


def test_it_tells_no_advisor_when_the_case_has_no_owner(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    case = actions.case_open(actor=advisor, organisation=company, title="Cyber check")
    assert case.owner is None
    referral = consented_referral(advisor, company, provider, member_a, case=case)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    assert emails(MOVED, advisor.email) == 0


def test_it_refuses_a_closed_case(advisor: User, company: Organisation, provider: Organisation) -> None:
    case = actions.case_open(actor=advisor, organisation=company, title="Cyber check", owner=advisor)
    actions.case_close(actor=advisor, case=case, reason=Case.CloseReason.COMPLETED)
    errors = refused(
        actions.referral_propose,
        actor=advisor,
        organisation=company,
        recipient=provider,
        case=Case.objects.get(pk=case.pk),
    )
    assert "case" in errors
    assert Referral.objects.count() == 0


# --- The signal to matching ---------------------------------------------------------------------------------


def test_it_tells_matching_an_offer_referred_was_accepted(
    advisor: User, company: Organisation, provider_member: User, member_a: User, offer: Offer
) -> None:
    referral = consented_referral(advisor, company, None, member_a, offer=offer)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    outcome = Outcome.objects.get()
    assert (outcome.kind, outcome.item_id, outcome.decision, outcome.organisation) == (
        "offer",
        offer.pk,
        "accepted",
        company,
    )


def test_it_tells_matching_an_offer_referred_was_declined_and_why(
    advisor: User, company: Organisation, provider_member: User, member_a: User, offer: Offer
) -> None:
    referral = consented_referral(advisor, company, None, member_a, offer=offer)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DECLINED, note="Out of scope")
    outcome = Outcome.objects.get()
    assert (outcome.kind, outcome.item_id, outcome.decision, outcome.reason) == (
        "offer",
        offer.pk,
        "declined",
        "Out of scope",
    )


# --- Rating -------------------------------------------------------------------------------------------------


def done_referral(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member: User
) -> Referral:
    referral = consented_referral(advisor, company, provider, member)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.DONE, note="Delivered")
    return reload(referral)


def test_it_refuses_a_rating_before_the_referral_is_done(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = consented_referral(advisor, company, provider, member_a)
    actions.referral_move(actor=provider_member, referral=reload(referral), status=S.ACCEPTED)
    errors = refused(actions.referral_rate, actor=member_a, referral=reload(referral), satisfaction=4)
    assert "satisfaction" in errors
    assert reload(referral).satisfaction is None


def test_it_refuses_a_rating_by_hub_staff(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = done_referral(advisor, company, provider, provider_member, member_a)
    assert "satisfaction" in refused(actions.referral_rate, actor=advisor, referral=referral, satisfaction=4)
    assert reload(referral).satisfaction is None


def test_it_refuses_a_rating_by_the_provider(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = done_referral(advisor, company, provider, provider_member, member_a)
    assert "satisfaction" in refused(actions.referral_rate, actor=provider_member, referral=referral, satisfaction=5)
    assert reload(referral).satisfaction is None


@pytest.mark.parametrize("satisfaction", [0, 6, "x", True])
def test_it_refuses_a_rating_outside_one_to_five(
    advisor: User,
    company: Organisation,
    provider: Organisation,
    provider_member: User,
    member_a: User,
    satisfaction: Any,
) -> None:
    referral = done_referral(advisor, company, provider, provider_member, member_a)
    errors = refused(actions.referral_rate, actor=member_a, referral=referral, satisfaction=satisfaction)
    assert "satisfaction" in errors
    assert reload(referral).satisfaction is None


def test_it_stores_the_companys_rating(
    advisor: User, company: Organisation, provider: Organisation, provider_member: User, member_a: User
) -> None:
    referral = done_referral(advisor, company, provider, provider_member, member_a)
    actions.referral_rate(actor=member_a, referral=referral, satisfaction=4)
    assert reload(referral).satisfaction == 4


def test_it_refuses_a_second_open_referral_to_the_same_recipient(
    advisor: Any, company: Organisation, provider: Organisation
) -> None:
    first = actions.referral_propose(actor=advisor, organisation=company, recipient=provider)
    errors = refused(actions.referral_propose, actor=advisor, organisation=company, recipient=provider)
    assert f"for this (number {first.pk})" in errors["recipient"][0]
    assert Referral.objects.count() == 1
    actions.referral_move(actor=advisor, referral=first, status="withdrawn")
    assert actions.referral_propose(actor=advisor, organisation=company, recipient=provider).pk != first.pk
