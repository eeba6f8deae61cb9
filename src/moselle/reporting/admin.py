from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.reporting.models import Declaration, FiguresVersion, Grant, Regulation, ServiceRecord


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "customer", "category", "partner", "started_on", "ended_on", "price", "aid", "status")
    list_filter = ("status", "category", "aid_basis", "source")
    search_fields = ("customer__name", "description")


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ("number", "organisation", "amount", "granted_on", "basis", "regulation", "status")
    list_filter = ("status", "basis", "source")
    search_fields = ("number", "organisation__name")


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "amount", "granted_on", "granting_body", "regulation")
    search_fields = ("organisation__name", "granting_body")


@admin.register(Regulation)
class RegulationAdmin(ReadOnlyAdmin):
    list_display = ("code", "ceiling", "window_years", "rolling", "in_force_from", "in_force_until", "general")


@admin.register(FiguresVersion)
class FiguresVersionAdmin(ReadOnlyAdmin):
    list_display = ("id", "number")
