from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.organisations.models import (
    Contact,
    DuplicateDismissal,
    FinancialYear,
    HubProfile,
    HubService,
    HubTarget,
    ImportRun,
    LegacyLink,
    Organisation,
    OrganisationKind,
    OrganisationMerge,
    OrganisationSector,
    OrganisationService,
    OrganisationTechnology,
    Ownership,
)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "trade_name", "country", "source", "catalogue_ref", "is_demo", "created_at")
    list_filter = ("source", "country", "is_historical", "is_demo")
    search_fields = ("name", "trade_name", "vat", "register_id", "catalogue_ref")


@admin.register(HubProfile)
class HubProfileAdmin(ReadOnlyAdmin):
    list_display = ("edih_name", "organisation", "country", "state_aid_basis")


@admin.register(HubService)
class HubServiceAdmin(ReadOnlyAdmin):
    list_display = ("code", "category", "active", "position")


@admin.register(HubTarget)
class HubTargetAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "value", "period_start", "period_end")


@admin.register(OrganisationKind)
class OrganisationKindAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind")
    list_filter = ("kind",)


@admin.register(OrganisationTechnology)
class OrganisationTechnologyAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "technology", "role", "level")


@admin.register(OrganisationService)
class OrganisationServiceAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "service", "level")


@admin.register(OrganisationSector)
class OrganisationSectorAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "sector", "level")


@admin.register(FinancialYear)
class FinancialYearAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "staff", "turnover", "balance_sheet", "source", "estimated")


@admin.register(Ownership)
class OwnershipAdmin(ReadOnlyAdmin):
    list_display = ("owner", "owned", "kind", "percent", "investor_type")


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "role", "preferred_language")


@admin.register(OrganisationMerge)
class OrganisationMergeAdmin(ReadOnlyAdmin):
    list_display = ("kept", "merged", "merged_by", "merged_at")


@admin.register(DuplicateDismissal)
class DuplicateDismissalAdmin(ReadOnlyAdmin):
    list_display = ("first", "second", "decided_by", "decided_at")


@admin.register(LegacyLink)
class LegacyLinkAdmin(ReadOnlyAdmin):
    list_display = ("legacy", "hub", "score", "likely", "status")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("kind", "filename", "status", "created_by", "created_at")
    exclude = ("content",)
