"""Access to the shared records of the core: stored files and the audit log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_admin
from moselle.core.models import AuditEntry, StoredFile
from moselle.organisations.access import visible_organisations


def files_for_user(user: Any) -> QuerySet[StoredFile]:
    """An organisation's files, for those who see the organisation; a test-before-invest project's documents are
    served only through ``pilots.access``, to the project's people."""
    return StoredFile.objects.filter(organisation__in=visible_organisations(user), pilot_document__isnull=True)


def get_file_for_user(user: Any, file_id: int) -> StoredFile:
    stored = files_for_user(user).filter(pk=file_id).first()
    if stored is None:
        raise Http404
    return stored


def audit_entries_for_user(user: Any) -> QuerySet[AuditEntry]:
    """Only the hub manager reads the audit log."""
    if not is_hub_admin(user):
        raise Http404
    return AuditEntry.objects.select_related("actor")
