from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.events.models import (
    Event,
    Presence,
    Question,
    Registration,
    Series,
    Session,
    SurveyQuestion,
    SurveyResponse,
)


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin):
    list_display = ("id", "__str__")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "__str__", "kind", "status", "capacity", "sequence")
    list_filter = ("kind", "status")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("event", "day", "starts", "ends")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("event", "__str__", "required")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("id", "event", "status", "organisation", "attended_at")
    list_filter = ("status",)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ("registration", "satisfaction", "answered_at")


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(ReadOnlyAdmin):
    list_display = ("event", "__str__", "position")


@admin.register(Presence)
class PresenceAdmin(ReadOnlyAdmin):
    list_display = ("registration", "session", "marked_at")
