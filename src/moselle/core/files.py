"""File uploads: checked by content, stored outside the web root, read back only through access helpers."""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.core.models import StoredFile

# What the hub accepts, recognised by the first bytes rather than by the name a browser sends.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content: bytes
    content_type: str


def sniff(content: bytes, name: str) -> str | None:
    """The MIME type the bytes really are, among the allowed ones, or None."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return None
    if name.lower().endswith((".csv", ".txt")) and b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv"
    return None


def _short_name(name: str, limit: int = 200) -> str:
    """Shorten a long file name from the middle of its stem, keeping its extension."""
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix[:20]
    return name[: limit - len(suffix)] + suffix


def check_upload(upload: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """Refuse an empty, oversized or unrecognised file with a message naming the field and the reason."""
    limit = settings.MOSELLE_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > limit:
        raise ValidationError(
            {field: _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    content = upload.read()
    name = _short_name(Path(upload.name or "upload").name)
    content_type = sniff(content, name)
    if content_type is None:
        allowed = ", ".join(sorted(ALLOWED_TYPES.values()))
        raise ValidationError(
            {field: _("This type of file is not accepted. Accepted types: %(types)s.") % {"types": allowed}}
        )
    return CheckedUpload(name=name, content=content, content_type=content_type)


def store(*, checked: CheckedUpload, organisation_id: int, uploaded_by_id: int | None) -> StoredFile:
    """Write the bytes under MEDIA_ROOT and record them. Call inside the action's transaction."""
    now = timezone.now()
    key = uuid.uuid4()
    relative = f"{now:%Y/%m}/{key.hex}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(checked.content)
    return StoredFile.objects.create(
        key=key,
        organisation_id=organisation_id,
        uploaded_by_id=uploaded_by_id,
        created_at=now,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        path=relative,
    )


def absolute_path(stored: StoredFile) -> Path:
    return Path(settings.MEDIA_ROOT) / stored.path
