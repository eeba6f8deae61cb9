from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.core.models import AuditEntry, EmailLog, SignedLink, StoredFile


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "actor_kind", "action", "target_type", "target_id")
    list_filter = ("action", "actor_kind")


@admin.register(EmailLog)
class EmailLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "template", "language", "status", "attempts")
    list_filter = ("status", "template")


@admin.register(SignedLink)
class SignedLinkAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "created_at", "expires_at", "used_at")
    exclude = ("nonce",)


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "organisation", "content_type", "size", "created_at")


from moselle.core import admin_taxonomy  # noqa: E402,F401
