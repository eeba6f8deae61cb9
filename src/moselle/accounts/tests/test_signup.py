"""Sign-up with e-mail verification, log-in, and the staff MFA rule, through allauth's real views."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail as outbox
from django.test import Client

from moselle.accounts.models import Membership, Role, User
from moselle.core.models import EmailLog
from moselle.organisations.models import Organisation

SIGNUP = {
    "email": "founder@example.org",
    "full_name": "Claire Founder",
    "language": "fr",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
    "organisation_name": "Nouvelle Usine",
    "country": "lu",
    "role": Role.COMPANY_MEMBER,
}


def _sign_up(client: Client, capture: Any, **changes: str) -> Any:
    with capture(execute=True):
        return client.post("/accounts/signup/", {**SIGNUP, **changes})


def _verify_from_email(client: Client) -> None:
    body = str(outbox.outbox[-1].body)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", body)
    assert link, body
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302


def test_a_company_signs_up_verifies_and_becomes_admin_of_its_new_organisation(
    hub: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="founder@example.org")
    assert user.full_name == "Claire Founder" and user.language == "fr"
    # until the address is verified, the organisation is only remembered
    assert not Membership.objects.filter(user=user).exists()
    assert not Organisation.objects.filter(name="Nouvelle Usine").exists()
    # the verification e-mail went out, logged and in the person's language
    assert outbox.outbox[-1].to == ["founder@example.org"]
    assert EmailLog.objects.get(recipient="founder@example.org").language == "fr"
    assert "L-DIH" in str(outbox.outbox[-1].body)  # allauth's greeting names the hub
    with django_capture_on_commit_callbacks(execute=True):
        _verify_from_email(client)
    membership = Membership.objects.get(user=user)
    assert membership.organisation.name == "Nouvelle Usine" and membership.organisation.country == "LU"
    assert membership.is_org_admin and membership.status == Membership.Status.ACTIVE
    client.logout()
    logged_in = client.post("/accounts/login/", {"login": "founder@example.org", "password": SIGNUP["password1"]})
    assert logged_in.status_code == 302
    assert client.get("/").context["user"] == user


def test_signing_up_for_an_existing_organisation_leaves_the_membership_pending(
    hub: Any, org_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    _sign_up(client, django_capture_on_commit_callbacks, organisation_name="alpha  manufacturing\u200b")
    with django_capture_on_commit_callbacks(execute=True):
        _verify_from_email(client)
    membership = Membership.objects.get(user__email="founder@example.org")
    assert membership.organisation == org_a
    assert membership.status == Membership.Status.PENDING and not membership.is_org_admin


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"country": "Luxembourg"}, "country"),
        ({"role": "hub_admin"}, "role"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"full_name": ""}, "full_name"),
        ({"organisation_name": "\u200b\u200b"}, "organisation_name"),
    ],
)
def test_bad_sign_up_input_names_the_field_and_writes_nothing(
    hub: Any, django_capture_on_commit_callbacks: Any, changes: dict[str, str], field: str
) -> None:
    response = _sign_up(Client(), django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_an_unverified_user_cannot_log_in(hub: Any, django_capture_on_commit_callbacks: Any) -> None:
    _sign_up(Client(), django_capture_on_commit_callbacks)
    client = Client()
    response = client.post("/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_hub_staff_must_set_up_totp_when_required(settings: Any, make_user: Any, org_a: Any, client_for: Any) -> None:
    settings.MOSELLE_REQUIRE_STAFF_MFA = True
    advisor = make_user(Role.HUB_ADVISOR)
    response = client_for(advisor).get("/hub/people/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    company = make_user(Role.COMPANY_MEMBER, org_a)
    assert client_for(company).get("/").status_code == 200
    Authenticator.objects.create(user=advisor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client_for(advisor).get("/hub/people/").status_code == 200


def test_the_staff_mfa_rule_can_be_switched_off(settings: Any, make_user: Any, client_for: Any) -> None:
    settings.MOSELLE_REQUIRE_STAFF_MFA = False
    advisor = make_user(Role.HUB_ADVISOR)
    assert client_for(advisor).get("/hub/people/").status_code == 200


def test_staff_without_totp_cannot_use_the_api_through_their_session(
    settings: Any, make_user: Any, client_for: Any, token_for: Any
) -> None:
    settings.MOSELLE_REQUIRE_STAFF_MFA = True
    manager = make_user(Role.HUB_ADMIN)
    response = client_for(manager).get("/api/v1/audit")
    assert response.status_code == 401 and "two-factor" in response.json()["detail"]
    key = token_for(manager, Role.HUB_ADMIN)
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/audit").status_code == 200


def test_log_ins_and_password_changes_are_audited(make_user: Any, org_a: Any) -> None:
    from moselle.core.models import AuditEntry

    user = make_user(Role.COMPANY_MEMBER, org_a)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": user.email, "password": "correct-horse-battery"}).status_code == 302
    )
    changed = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct-horse-battery",
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    assert changed.status_code == 302
    actions = list(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert "account.log_in" in actions and "account.password_change" in actions
    assert not any("correct-horse" in str(e.changes) for e in AuditEntry.objects.all())
