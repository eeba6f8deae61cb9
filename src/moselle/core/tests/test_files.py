"""Uploads are checked by content, kept outside the web root, and served through access helpers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from moselle.accounts.models import Role
from moselle.core import files
from moselle.core.models import StoredFile

PDF = b"%PDF-1.7\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("logo.png", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("figures.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("list.csv", "name;city\nÉcole;Esch\n".encode(), "text/csv"),
        ("evil.pdf", b"MZ\x90\x00 windows executable", None),
        ("renamed.csv", b"\x00\x01binary", None),
        ("archive.zip", b"PK\x03\x04 not really", None),
    ],
)
def test_it_recognises_files_by_their_bytes(name: str, content: bytes, expected: str | None) -> None:
    assert files.sniff(content, name) == expected


def test_it_refuses_an_oversized_file(settings: Any) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as raised:
        files.check_upload(SimpleUploadedFile("big.pdf", PDF + b"x" * 2000), field="attachment")
    assert "larger than the limit of 1.0\xa0KB" in raised.value.message_dict["attachment"][0]


def test_it_refuses_a_wrong_type_and_an_empty_file() -> None:
    with pytest.raises(ValidationError) as raised:
        files.check_upload(SimpleUploadedFile("script.pdf", b"#!/bin/sh\nrm -rf /\n"))
    assert "not accepted" in raised.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as raised:
        files.check_upload(SimpleUploadedFile("empty.pdf", b""))
    assert "empty" in raised.value.message_dict["file"][0]


def test_an_upload_is_stored_outside_the_web_root_and_served_to_members_only(
    make_user: Any, org_a: Any, org_b: Any, client_for: Any, settings: Any
) -> None:
    member = make_user(Role.COMPANY_MEMBER, org_a)
    outsider = make_user(Role.COMPANY_MEMBER, org_b)
    response = client_for(member).post(
        f"/organisations/{org_a.pk}/files/", {"file": SimpleUploadedFile("../../etc/plan.pdf", PDF)}
    )
    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.original_name == "plan.pdf" and stored.content_type == "application/pdf"
    path = files.absolute_path(stored)
    assert path.read_bytes() == PDF
    assert Path(settings.MEDIA_ROOT) in path.parents
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    download = client_for(member).get(f"/files/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client_for(outsider).get(f"/files/{stored.pk}/").status_code == 404


def test_a_refused_upload_shows_the_field_and_stores_nothing(
    make_user: Any, org_a: Any, client_for: Any, settings: Any
) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    member = make_user(Role.COMPANY_MEMBER, org_a)
    client = client_for(member)
    too_big = client.post(f"/organisations/{org_a.pk}/files/", {"file": SimpleUploadedFile("a.pdf", PDF * 200)})
    assert too_big.status_code == 400 and "limit" in too_big.context["upload_form"].errors["file"][0]
    wrong = client.post(f"/organisations/{org_a.pk}/files/", {"file": SimpleUploadedFile("a.exe", b"MZ\x90")})
    assert wrong.status_code == 400 and "not accepted" in wrong.context["upload_form"].errors["file"][0]
    assert not StoredFile.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_long_name_is_shortened_but_keeps_its_extension() -> None:
    checked = files.check_upload(SimpleUploadedFile("x" * 300 + ".pdf", PDF))
    assert len(checked.name) == 200 and checked.name.endswith(".pdf")
