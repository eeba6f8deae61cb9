from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.matching.models import Outcome


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ("kind", "item_id", "decision", "organisation", "recorded_by", "recorded_at")
    list_filter = ("kind", "decision")
