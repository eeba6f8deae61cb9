from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.organisations.models import HubProfile, HubService, HubTarget, Organisation


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "country", "is_demo", "created_at")
    search_fields = ("name",)


@admin.register(HubProfile)
class HubProfileAdmin(ReadOnlyAdmin):
    list_display = ("edih_name", "organisation", "country", "state_aid_basis")


@admin.register(HubService)
class HubServiceAdmin(ReadOnlyAdmin):
    list_display = ("code", "category", "active", "position")


@admin.register(HubTarget)
class HubTargetAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "value", "period_start", "period_end")
