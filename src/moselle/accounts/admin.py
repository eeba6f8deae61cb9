from django.contrib import admin

from moselle.accounts.models import ApiToken, Consent, Invitation, Membership, User
from moselle.core.admin_base import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "full_name", "language", "is_active", "is_demo", "date_joined")
    search_fields = ("email", "full_name")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "status", "is_org_admin")
    list_filter = ("role", "status")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "role", "created_at", "accepted_at", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "role", "user", "created_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "given", "text_version", "method", "at")
    list_filter = ("purpose", "given", "method")
