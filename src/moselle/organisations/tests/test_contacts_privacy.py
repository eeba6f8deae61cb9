"""Contact persons: checked field by field, exported and erased with the person, and kept out of the
audit log (which records that a personal field changed, never its value)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.core.models import AuditEntry
from moselle.core.privacy import erase_person, export_person, find_person
from moselle.organisations import actions
from moselle.organisations.models import Contact, Organisation

EMAIL = "anne.weber@acier-wiltz.lu"
PHONE = "+352 26 12 34 56"


@pytest.fixture
def company(db: Any) -> Organisation:
    return actions.organisation_create(actor=None, name="Acier Wiltz")


def written() -> tuple[int, int]:
    return Contact.objects.count(), AuditEntry.objects.count()


def refusal(organisation: Organisation, **data: Any) -> dict[str, list[str]]:
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.contact_create(actor=None, organisation=organisation, data={"name": "Anne Weber", **data})
    assert written() == before
    return caught.value.message_dict


def add(organisation: Organisation, **data: Any) -> Contact:
    return actions.contact_create(actor=None, organisation=organisation, data={"name": "Anne Weber", **data})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "anne.weber@"),
        ("email", "anne weber@acier.lu"),
        ("email", "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "lu"),  # valid in form, too long to keep
        ("phone", "call me"),
        ("phone", "+352 26 12 34 56 ext. 7"),
        ("preferred_language", "it"),
        ("legal_basis", "curiosity"),
        ("name", "1234"),
        ("name", "   "),
        ("shoe_size", "42"),
    ],
)
def test_it_refuses_a_bad_contact_field_by_name(company: Organisation, field: str, value: str) -> None:
    assert list(refusal(company, **{field: value})) == [field]


def test_it_needs_a_name(company: Organisation) -> None:
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.contact_create(actor=None, organisation=company, data={"email": EMAIL})
    assert list(caught.value.message_dict) == ["name"]
    assert written() == before


def test_it_reports_every_bad_contact_field_together(company: Organisation) -> None:
    errors = refusal(company, email="nope", phone="nope", preferred_language="xx", legal_basis="nope")
    assert set(errors) == {"email", "phone", "preferred_language", "legal_basis"}


def test_it_keeps_a_contact_in_a_plain_form(company: Organisation) -> None:
    contact = add(company, email=" Anne.Weber@Acier-Wiltz.LU ", phone=PHONE, role="  managing   director ")
    contact.refresh_from_db()
    assert (contact.email, contact.phone, contact.role) == (EMAIL, PHONE, "managing director")
    assert (contact.preferred_language, contact.legal_basis) == ("en", "legitimate_interest")
    assert add(company, preferred_language="FR", legal_basis="consent").preferred_language == "fr"


def test_it_changes_nothing_when_an_update_is_refused(company: Organisation) -> None:
    contact = add(company, email=EMAIL)
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.contact_update(actor=None, contact=contact, data={"email": "nope", "role": "CEO"})
    assert list(caught.value.message_dict) == ["email"]
    assert written() == before
    contact.refresh_from_db()
    assert (contact.email, contact.role) == (EMAIL, "")


def test_it_exports_the_persons_contact_rows_under_organisations(company: Organisation) -> None:
    add(company, email=EMAIL, phone=PHONE, role="managing director")
    other = actions.organisation_create(actor=None, name="Boulangerie Hoffmann")
    add(other, name="Anne Weber", email="ANNE.WEBER@acier-wiltz.lu")
    add(other, name="Paul Schmit", email="paul.schmit@hoffmann.lu")
    exported = export_person(find_person(" Anne.Weber@acier-wiltz.lu "))
    rows = exported["organisations"]["contacts"]
    assert sorted(row["organisation"] for row in rows) == ["Acier Wiltz", "Boulangerie Hoffmann"]
    first = next(row for row in rows if row["organisation"] == "Acier Wiltz")
    assert (first["email"], first["phone"], first["role"]) == (EMAIL, PHONE, "managing director")
    assert "paul.schmit" not in str(exported)


def test_it_erases_the_person_and_keeps_the_rows(company: Organisation) -> None:
    contact = add(company, email=EMAIL, phone=PHONE, role="managing director")
    other = add(company, name="Paul Schmit", email="paul.schmit@acier-wiltz.lu", phone="+352 26 00 00 01")
    counts = erase_person(find_person(EMAIL))
    assert counts["organisations"] == 1
    contact.refresh_from_db()
    assert "Anne" not in contact.name
    assert (contact.email, contact.phone, contact.role) == ("", "", "")
    assert Contact.objects.filter(organisation=company).count() == 2
    other.refresh_from_db()
    assert (other.name, other.email) == ("Paul Schmit", "paul.schmit@acier-wiltz.lu")
    assert "organisations" not in export_person(find_person(EMAIL))


def test_it_never_copies_a_contacts_email_or_phone_into_the_audit_log(company: Organisation) -> None:
    contact = add(company, email=EMAIL, phone=PHONE, role="managing director")
    pk = contact.pk
    actions.contact_update(
        actor=None, contact=contact, data={"email": "a.weber@acier-wiltz.lu", "phone": "+352 691 000 000"}
    )
    actions.contact_delete(actor=None, contact=contact)
    entries = list(AuditEntry.objects.filter(target_type="organisations.contact").order_by("id"))
    assert [e.action for e in entries] == ["contact.create", "contact.update", "contact.delete"]
    for entry in entries:
        text = str(entry.changes)
        for secret in (EMAIL, "a.weber@", PHONE, "691 000", "Anne Weber", "managing director"):
            assert secret not in text
    assert entries[1].changes["email"] == {"personal": f"organisations.contact:{pk}:email"}
    assert entries[0].organisation_id == company.pk
