from django.urls import path

from moselle.events import views, views_links, views_staff, views_survey

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/series/<int:series_id>.ics", views.series_feed, name="series_feed"),
    path("hub/events/", views_staff.staff_event_list, name="staff_event_list"),
    path("hub/events/new/", views_staff.staff_event_create, name="staff_event_create"),
    path("hub/events/<int:event_id>/", views_staff.staff_event_detail, name="staff_event_detail"),
    path("hub/events/<int:event_id>/edit/", views_staff.staff_event_edit, name="staff_event_edit"),
    path("hub/events/<int:event_id>/publish/", views_staff.staff_event_publish, name="staff_event_publish"),
    path("hub/events/<int:event_id>/cancel/", views_staff.staff_event_cancel, name="staff_event_cancel"),
    path("hub/events/<int:event_id>/survey/", views_survey.staff_event_survey, name="staff_event_survey"),
    path(
        "hub/registrations/<int:registration_id>/approve/",
        views_staff.staff_registration_approve,
        name="staff_registration_approve",
    ),
    path(
        "hub/registrations/<int:registration_id>/decline/",
        views_staff.staff_registration_decline,
        name="staff_registration_decline",
    ),
    path(
        "hub/registrations/<int:registration_id>/organisation/",
        views_staff.staff_registration_match,
        name="staff_registration_match",
    ),
    path(
        "hub/registrations/<int:registration_id>/attendance/",
        views_staff.staff_registration_attendance,
        name="staff_registration_attendance",
    ),
    path("events/r/cancel/<str:token>/", views_links.cancel_link, name="event_cancel_link"),
    path("events/r/accept/<str:token>/", views_links.accept_link, name="event_accept_link"),
    path("events/r/ticket/<str:token>/", views_links.ticket, name="event_ticket"),
    path("events/r/certificate/<str:token>/", views_links.certificate, name="event_certificate"),
    path("events/r/check-in/<str:token>/", views_links.check_in, name="event_check_in"),
    path("events/r/survey/<str:token>/", views_survey.survey_page, name="event_survey"),
]
