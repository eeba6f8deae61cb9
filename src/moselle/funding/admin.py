from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.funding.models import Application, Call, Declaration, Investment, Programme, SavedSearch


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("code", "__str__", "scope", "instrument", "rate_pct", "confidence", "active")
    list_filter = ("scope", "confidence", "active")


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("programme", "__str__", "opens_on", "closes_on")


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind", "holds", "programme", "declared_on")
    list_filter = ("kind",)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "programme", "status", "amount_requested", "amount_granted")
    list_filter = ("status",)


@admin.register(Investment)
class InvestmentAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "amount", "kind", "made_on", "source")
    list_filter = ("kind", "source")


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ("owner", "created_at")
