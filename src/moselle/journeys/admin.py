from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.journeys.models import (
    Activity,
    Case,
    IntakeRequest,
    Need,
    Referral,
    ReferralMove,
    Roadmap,
    RoadmapAction,
    RoadmapVersion,
    StageMove,
    Task,
)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "organisation", "owner", "status", "stage", "created_at")
    list_filter = ("status", "stage", "origin")
    search_fields = ("title", "organisation__name")


@admin.register(IntakeRequest)
class IntakeRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "organisation_name", "country", "heard_from")
    list_filter = ("country", "heard_from")


@admin.register(StageMove)
class StageMoveAdmin(ReadOnlyAdmin):
    list_display = ("case", "from_stage", "to_stage", "at", "by")
    list_filter = ("to_stage",)


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "organisation", "source", "status", "gap", "priority", "priority_override")
    list_filter = ("source", "status", "dimension")


@admin.register(Roadmap)
class RoadmapAdmin(ReadOnlyAdmin):
    list_display = ("id", "organisation", "case", "drafted_at", "changed_since_agreement")


@admin.register(RoadmapAction)
class RoadmapActionAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "roadmap", "horizon", "owner_kind", "due_on", "status")
    list_filter = ("horizon", "status", "owner_kind")


@admin.register(RoadmapVersion)
class RoadmapVersionAdmin(ReadOnlyAdmin):
    list_display = ("roadmap", "number", "agreed_by", "agreed_at")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("id", "organisation", "recipient", "status", "satisfaction", "created_at")
    list_filter = ("status",)


@admin.register(ReferralMove)
class ReferralMoveAdmin(ReadOnlyAdmin):
    list_display = ("referral", "from_status", "to_status", "at", "by")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind", "verb", "target_type", "target_id", "at", "actor")
    list_filter = ("kind",)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "assignee", "organisation", "due_on", "status")
    list_filter = ("status",)
