from django.contrib import admin

from moselle.assessments.models import Assessment, Interpretation, Result
from moselle.core.admin_base import ReadOnlyAdmin


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "stage",
        "questionnaire_type",
        "questionnaire_version",
        "status",
        "mode",
        "taken_on",
    )
    list_filter = ("stage", "status", "questionnaire_type", "mode")
    search_fields = ("organisation__name",)


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "stage", "rule", "overall", "band", "created_at")
    list_filter = ("stage", "rule", "band", "questionnaire_type")


@admin.register(Interpretation)
class InterpretationAdmin(ReadOnlyAdmin):
    list_display = ("questionnaire_type", "dimension", "band", "updated_at")
    list_filter = ("questionnaire_type", "band")
