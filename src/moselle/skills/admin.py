from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.skills.models import Completion, Course, CourseSession, RoleSkill, SkillsProfile


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("offer", "level", "format", "language", "duration_hours", "aid_per_participant")
    list_filter = ("level", "format", "language")


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyAdmin):
    list_display = ("course", "event", "created_at")


@admin.register(Completion)
class CompletionAdmin(ReadOnlyAdmin):
    list_display = ("session", "organisation", "completed_on", "passed")


@admin.register(SkillsProfile)
class SkillsProfileAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "proposed_at", "updated_at")


@admin.register(RoleSkill)
class RoleSkillAdmin(ReadOnlyAdmin):
    list_display = ("profile", "role", "skill", "current", "needed", "origin")
    list_filter = ("role", "origin")
