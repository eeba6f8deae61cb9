"""Personal data: declared, exportable, erasable, and gone everywhere after erasure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from moselle.accounts import actions
from moselle.accounts.models import Consent, Membership, Role, User
from moselle.assessments import actions as assessment_actions
from moselle.core import privacy
from moselle.core.models import AuditEntry, EmailLog
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import Organisation


def test_it_has_an_exporter_and_eraser_for_every_model_with_personal_fields() -> None:
    models = privacy.models_with_personal_fields()
    assert User in models and EmailLog in models
    uncovered = sorted(m._meta.label for m in models if m not in privacy.covered_models())
    assert not uncovered, f"personal fields without an exporter and an eraser: {uncovered}"


def test_it_fails_for_a_model_with_personal_fields_and_no_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above is real: take the accounts handler away and it reports the models."""
    handlers = dict(privacy._registry)
    handlers.pop("accounts")
    monkeypatch.setattr(privacy, "_registry", handlers)
    uncovered = {m for m in privacy.models_with_personal_fields() if m not in privacy.covered_models()}
    assert User in uncovered


def test_declared_personal_fields_exist_on_their_models() -> None:
    for model in privacy.models_with_personal_fields():
        names = {f.name for f in model._meta.get_fields()}
        missing = set(model.PERSONAL_FIELDS) - names  # type: ignore[attr-defined]
        assert not missing, (model, missing)


def _text_columns() -> list[tuple[str, str]]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                found.append((table, column.name))
    return found


def _tables_holding(needle: str) -> list[str]:
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",
                [f"%{needle.lower()}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


@pytest.fixture
def demo(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    hub_seed()
    with open("/dev/null", "w") as quiet:
        call_command("demo", stdout=quiet)


def _give_the_person_a_history(user: User) -> None:
    manager = User.objects.get(email="manager@demo.moselle.lu")
    organisation = Organisation.objects.get(memberships__user=user)
    actions.user_update_profile(actor=user, user=user, full_name="Paul Hoffmann-Weis", language="de")
    actions.consent_record(actor=user, user=user, email=user.email, purpose="marketing", given=True, method="web")
    actions.consent_record(
        actor=user,
        user=user,
        email=user.email,
        purpose="share_with_provider",
        given=True,
        method="web",
        scope="provider DataWerk",
    )
    other = Organisation.objects.create(name="Other Ltd")
    actions.membership_create(actor=None, user=manager, organisation=other, role=Role.COMPANY_MEMBER, is_org_admin=True)
    actions.invitation_create(actor=manager, organisation=other, email=user.email, role=Role.COMPANY_MEMBER)
    actions.membership_request(actor=user, organisation=other, role=Role.PROVIDER_MEMBER)
    # Module 1 of a maturity assessment names the person as the organisation's contact.
    draft = assessment_actions.assessment_start(actor=user, organisation=organisation, stage="T0")
    assessment_actions.assessment_save(
        actor=user,
        assessment=draft,
        customer={"contact_name": "Paul Hoffmann-Weis", "contact_email": user.email, "contact_phone": "+352 621 1"},
    )
    assert organisation


def test_after_erasing_a_demo_person_their_email_is_in_no_column_of_any_table(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    user = User.objects.get(email="company@demo.moselle.lu")
    with django_capture_on_commit_callbacks(execute=True):
        _give_the_person_a_history(user)
    assert _tables_holding("company@demo.moselle.lu"), "the history should have stored the address somewhere"
    assert EmailLog.objects.filter(recipient=user.email).exists()

    manager = User.objects.get(email="manager@demo.moselle.lu")
    with django_capture_on_commit_callbacks(execute=True):
        counts = actions.person_erase(actor=manager, email="Company@Demo.Moselle.lu")

    assert counts["accounts"] > 0 and counts["core"] > 0
    assert _tables_holding("company@demo.moselle.lu") == []
    assert _tables_holding("Hoffmann") == []
    user.refresh_from_db()
    assert user.is_erased and not user.is_active and not user.has_usable_password()


def test_erasure_keeps_aggregates_consistent(demo: None) -> None:
    user = User.objects.get(email="company@demo.moselle.lu")
    actions.consent_record(actor=user, user=user, email=user.email, purpose="marketing", given=True, method="web")
    users, consents, entries = User.objects.count(), Consent.objects.count(), AuditEntry.objects.count()
    memberships = Membership.objects.count()
    actions.person_erase(actor=None, email=user.email)
    assert User.objects.count() == users
    assert Consent.objects.count() == consents
    assert Membership.objects.count() == memberships
    assert AuditEntry.objects.count() == entries + 1
    assert AuditEntry.objects.filter(action="person.erase", target_id=str(user.pk)).exists()


def test_audit_log_keeps_references_not_values_of_personal_fields(demo: None) -> None:
    user = User.objects.get(email="company@demo.moselle.lu")
    actions.user_update_profile(actor=user, user=user, full_name="Someone Else", language="fr")
    entry = AuditEntry.objects.filter(action="user.update").latest("id")
    assert entry.changes["full_name"] == {"personal": f"accounts.user:{user.pk}:full_name"}
    assert entry.changes["language"] == ["en", "fr"]
    assert "Someone Else" not in json.dumps(entry.changes)


def test_export_gathers_every_app(demo: None) -> None:
    user = User.objects.get(email="company@demo.moselle.lu")
    actions.consent_record(actor=user, user=user, email=user.email, purpose="marketing", given=True, method="web")
    data = privacy.export_person(privacy.find_person("COMPANY@demo.moselle.lu"))
    assert data["accounts"]["account"]["full_name"] == "Paul Hoffmann"
    assert data["accounts"]["memberships"][0]["role"] == "company_member"
    assert data["accounts"]["consents"][0]["purpose"] == "marketing"
    assert "consent.give" in [a["action"] for a in data["core"]["actions"]]
    _give_the_person_a_history(user)
    again = privacy.export_person(privacy.find_person("company@demo.moselle.lu"))
    assert again["assessments"]["assessments"][0]["contact_name"] == "Paul Hoffmann-Weis"


def test_a_person_without_an_account_is_found_and_erased(demo: None) -> None:
    actions.consent_record(actor=None, email="visitor@example.org", purpose="marketing", given=True, method="paper")
    person = privacy.find_person("visitor@example.org")
    assert person.user_id is None
    assert privacy.export_person(person)["accounts"]["consents"][0]["method"] == "paper"
    actions.person_erase(actor=None, email="visitor@example.org")
    assert _tables_holding("visitor@example.org") == []


def test_the_person_reads_and_downloads_their_own_data(demo: None, client_for: Any) -> None:
    user = User.objects.get(email="provider@demo.moselle.lu")
    client = client_for(user)
    page = client.get("/me/data/")
    assert page.status_code == 200
    assert b"Sofia Rossi" in page.content
    assert b"print.css" in page.content
    download = client.get("/me/data.json")
    assert download["Content-Type"].startswith("application/json")
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["accounts"]["account"]["email"] == "provider@demo.moselle.lu"


def test_the_hub_manager_finds_exports_and_erases_a_person(demo: None, client_for: Any) -> None:
    manager = User.objects.get(email="manager@demo.moselle.lu")
    client = client_for(manager)
    assert client.get("/hub/privacy/", {"email": "observer@demo.moselle.lu"}).context["data"] is None  # POST only
    found = client.post("/hub/privacy/", {"email": "observer@demo.moselle.lu", "step": "find"})
    assert b"Jean Klein" in found.content
    exported = client.post("/hub/privacy/", {"email": "observer@demo.moselle.lu", "step": "download"})
    assert json.loads(exported.content)["accounts"]["account"]["full_name"] == "Jean Klein"
    mistyped = client.post(
        "/hub/privacy/",
        {"email": "observer@demo.moselle.lu", "confirm_email": "observer@demo.moselle.com", "step": "erase"},
    )
    assert mistyped.status_code == 400 and "confirm_email" in mistyped.context["erase_form"].errors
    assert User.objects.filter(email="observer@demo.moselle.lu").exists()
    erased = client.post(
        "/hub/privacy/",
        {"email": "observer@demo.moselle.lu", "confirm_email": "Observer@demo.moselle.lu", "step": "erase"},
    )
    assert erased.status_code == 302
    assert not User.objects.filter(email="observer@demo.moselle.lu").exists()


def test_erasure_never_leaves_the_hub_or_an_organisation_without_its_admin(demo: None, client_for: Any) -> None:
    manager = User.objects.get(email="manager@demo.moselle.lu")
    advisor = User.objects.get(email="advisor@demo.moselle.lu")
    with pytest.raises(ValidationError) as raised:
        actions.person_erase(actor=manager, email=manager.email)
    assert "your own account" in raised.value.message_dict["email"][0]
    with pytest.raises(ValidationError) as raised:
        actions.person_erase(actor=advisor, email=manager.email)
    assert "last manager" in raised.value.message_dict["email"][0]
    pending = Membership.objects.get(user__email="pending@demo.moselle.lu")
    actions.membership_approve(actor=manager, membership=pending)  # now company@ has a colleague to leave behind
    with pytest.raises(ValidationError) as raised:
        actions.person_erase(actor=manager, email="company@demo.moselle.lu")
    assert "last admin" in raised.value.message_dict["email"][0]
    page = client_for(manager).post(
        "/hub/privacy/",
        {"email": "company@demo.moselle.lu", "confirm_email": "company@demo.moselle.lu", "step": "erase"},
    )
    assert page.status_code == 400 and "last admin" in str(page.context["erase_form"].errors)
    assert User.objects.filter(email="company@demo.moselle.lu", is_erased=False).exists()


def test_erasing_an_address_without_an_account_is_audited(demo: None) -> None:
    manager = User.objects.get(email="manager@demo.moselle.lu")
    actions.consent_record(actor=None, email="walk-in@example.org", purpose="marketing", given=True, method="paper")
    actions.person_erase(actor=manager, email="walk-in@example.org")
    entry = AuditEntry.objects.get(action="person.erase")
    assert entry.actor == manager and entry.target_type == "person" and entry.changes == {}


def test_a_malformed_email_is_refused_with_the_field(demo: None, client_for: Any) -> None:
    manager = User.objects.get(email="manager@demo.moselle.lu")
    response = client_for(manager).post("/hub/privacy/", {"email": "not-an-address", "step": "find"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    too_long = client_for(manager).post("/hub/privacy/", {"email": "a" * 250 + "@example.org", "step": "find"})
    assert too_long.status_code == 400 and too_long.context["form"].errors["email"]
    with pytest.raises(Exception) as raised:
        actions.person_erase(actor=manager, email="nope")
    assert "email" in raised.value.message_dict  # type: ignore[attr-defined]


def test_consent_latest_record_wins(demo: None, client_for: Any) -> None:
    user = User.objects.get(email="partner@demo.moselle.lu")
    client = client_for(user)
    client.post("/me/consents/", {"purpose": "marketing", "given": "1"})
    assert actions.consent_state(email=user.email)["marketing"] is True
    client.post("/me/consents/", {"purpose": "marketing", "given": "0"})
    assert actions.consent_state(email=user.email)["marketing"] is False
    latest = Consent.objects.filter(email=user.email).first()
    assert latest is not None and latest.method == "web" and latest.text_version
    bad = client.post("/me/consents/", {"purpose": "spam", "given": "1"})
    assert bad.status_code == 400 and "purpose" in bad.context["form"].errors


def test_the_privacy_notice_gives_each_processing_its_legal_basis(db: Any) -> None:
    from django.test import Client
    from django.utils.html import escape

    page = Client().get("/privacy/").content.decode()
    for processing in privacy.PROCESSING:
        assert escape(str(processing.purpose)) in page
        assert processing.basis in privacy.LEGAL_BASES
    assert escape(str(privacy.LEGAL_BASES["consent"])) in page
    assert escape(str(privacy.LEGAL_BASES["legal_obligation"])) in page
    consent_based = {p.consent_purpose for p in privacy.PROCESSING if p.basis == "consent"}
    assert consent_based == set(Consent.Purpose.values)
