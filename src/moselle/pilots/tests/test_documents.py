"""A project's documents: checked by their bytes (size and type), stored outside the web root with their SHA-256,
added by the project's people only, removed by the hub's staff or who uploaded them, the stored bytes with them.

The uploads go to a temporary MEDIA_ROOT (the shared ``_uploads_in_tmp`` fixture), so nothing is left behind."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from moselle.accounts.models import User
from moselle.core import files
from moselle.core.models import AuditEntry, StoredFile
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Document, Project
from moselle.pilots.tests.conftest import PDF, refused, upload

pytestmark = pytest.mark.django_db


def _stored_bytes() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def partnered(advisor: User, project: Project, institute: Organisation) -> Project:
    actions.partner_save(actor=advisor, project=project, data={"organisation": institute.pk, "role": "performs"})
    return project


def test_a_document_is_stored_outside_the_web_root_with_its_hash(
    company_member: User, project: Project, company: Organisation
) -> None:
    document = actions.document_add(actor=company_member, project=project, upload=upload(), title=" Scope of work ")
    document.refresh_from_db()
    stored = document.file
    assert document.project == project and document.title == "Scope of work"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (stored.content_type, stored.size, stored.original_name) == ("application/pdf", len(PDF), "scope.pdf")
    assert (stored.organisation, stored.uploaded_by) == (company, company_member)
    path = files.absolute_path(stored)
    assert path.read_bytes() == PDF
    assert Path(settings.MEDIA_ROOT) in path.parents
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    assert AuditEntry.objects.filter(action="pilot.document", target_id=str(document.pk)).count() == 1


def test_a_document_without_a_title_takes_the_files_name(advisor: User, project: Project) -> None:
    document = actions.document_add(actor=advisor, project=project, upload=upload("Results table.csv", b"a;b\n1;2\n"))
    assert (document.title, document.file.content_type) == ("Results table.csv", "text/csv")


@pytest.mark.parametrize("who", ["advisor", "company_member", "partner_member"])
def test_the_projects_people_add_documents(who: str, request: pytest.FixtureRequest, partnered: Project) -> None:
    actor = request.getfixturevalue(who)
    document = actions.document_add(actor=actor, project=partnered, upload=upload(), title="Plan")
    assert document.file.uploaded_by == actor
    assert len(_stored_bytes()) == 1


@pytest.mark.parametrize("who", ["outsider", "university_member"])
def test_nobody_else_adds_a_document(who: str, request: pytest.FixtureRequest, partnered: Project) -> None:
    errors = refused(
        actions.document_add, actor=request.getfixturevalue(who), project=partnered, upload=upload(), title="Mine"
    )
    assert list(errors) == ["actor"]
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert _stored_bytes() == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_written(company_member: User, project: Project) -> None:
    with override_settings(MOSELLE_UPLOAD_MAX_BYTES=len(PDF) - 1):
        errors = refused(actions.document_add, actor=company_member, project=project, upload=upload(), title="Plan")
    assert list(errors) == ["file"] and "larger than the limit" in errors["file"][0]
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert _stored_bytes() == []
    with override_settings(MOSELLE_UPLOAD_MAX_BYTES=len(PDF)):
        actions.document_add(actor=company_member, project=project, upload=upload(), title="Plan")
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("report.pdf", b"MZ\x90\x00 a program renamed"),
        ("noise.bin", bytes(range(256)) * 4),
        ("data.csv", b"\x00\x01\x02 not text"),
        ("archive.zip", b"PK\x03\x04 not a real archive"),
    ],
)
def test_a_forbidden_type_is_refused_and_nothing_is_written(
    company_member: User, project: Project, name: str, content: bytes
) -> None:
    errors = refused(actions.document_add, actor=company_member, project=project, upload=upload(name, content))
    assert list(errors) == ["file"] and "not accepted" in errors["file"][0]
    assert not StoredFile.objects.exists()
    assert _stored_bytes() == []


def test_a_missing_file_and_a_long_title_are_both_named(company_member: User, project: Project) -> None:
    errors = refused(actions.document_add, actor=company_member, project=project, upload=None, title="t" * 201)
    assert set(errors) == {"file", "title"}
    errors = refused(actions.document_add, actor=company_member, project=project, upload=upload(content=b""))
    assert list(errors) == ["file"] and "empty" in errors["file"][0]


def test_staff_remove_a_document_and_its_bytes(
    advisor: User, company_member: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    document = actions.document_add(actor=company_member, project=project, upload=upload(), title="Plan")
    path, pk = files.absolute_path(document.file), document.pk
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.document_remove(actor=advisor, document=document)
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(action="pilot.document_remove", target_id=str(pk)).count() == 1


def test_who_uploaded_it_removes_it(
    partner_member: User, partnered: Project, django_capture_on_commit_callbacks: Any
) -> None:
    document = actions.document_add(actor=partner_member, project=partnered, upload=upload(), title="Plan")
    path = files.absolute_path(document.file)
    with django_capture_on_commit_callbacks(execute=True):
        actions.document_remove(actor=partner_member, document=document)
    assert not Document.objects.exists() and not path.exists()


@pytest.mark.parametrize("who", ["company_member", "outsider"])
def test_nobody_else_removes_a_document(
    who: str, request: pytest.FixtureRequest, partner_member: User, partnered: Project
) -> None:
    document = actions.document_add(actor=partner_member, project=partnered, upload=upload(), title="Plan")
    path = files.absolute_path(document.file)
    errors = refused(actions.document_remove, actor=request.getfixturevalue(who), document=document)
    assert list(errors) == ["actor"]
    assert Document.objects.filter(pk=document.pk).exists() and StoredFile.objects.exists()
    assert path.read_bytes() == PDF
