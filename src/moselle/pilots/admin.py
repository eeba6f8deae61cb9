from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.pilots.models import Booking, Criterion, Document, Facility, Gate, Milestone, Partner, Project


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ("offer", "kind", "unit", "capacity", "period", "available_from", "available_until")
    list_filter = ("kind", "unit", "period")
    search_fields = ("offer__search_text", "offer__provider__name")


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "kind", "stage", "status", "started_on", "decision", "is_demo")
    list_filter = ("kind", "stage", "status", "decision", "aid_basis", "is_demo")
    search_fields = ("title", "organisation__name")


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ("project", "organisation", "role", "budget")
    list_filter = ("role",)


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("project", "text", "target", "met")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("project", "title", "kind", "due_on", "owner", "done_on")
    list_filter = ("kind",)


@admin.register(Gate)
class GateAdmin(ReadOnlyAdmin):
    list_display = ("project", "from_stage", "to_stage", "passed", "decided_by", "decided_at")
    list_filter = ("passed", "to_stage")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("facility", "project", "period_start", "units", "used", "status")
    list_filter = ("status",)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("project", "title", "file")
