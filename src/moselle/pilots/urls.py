from django.urls import path

from moselle.pilots import views

urlpatterns = [
    path("pilots/", views.project_board, name="pilot_board"),
    path("pilots/new/", views.project_create, name="pilot_create"),
    path("pilots/<int:project_id>/", views.project_detail, name="pilot_detail"),
    path("pilots/<int:project_id>/edit/", views.project_edit, name="pilot_edit"),
    path("pilots/<int:project_id>/partners/", views.partner_add, name="pilot_partner_add"),
    path("pilots/partners/<int:partner_id>/remove/", views.partner_remove, name="pilot_partner_remove"),
    path("pilots/<int:project_id>/criteria/", views.criterion_add, name="pilot_criterion_add"),
    path("pilots/criteria/<int:criterion_id>/remove/", views.criterion_remove, name="pilot_criterion_remove"),
    path("pilots/criteria/<int:criterion_id>/result/", views.criterion_result, name="pilot_criterion_result"),
    path("pilots/<int:project_id>/milestones/", views.milestone_add, name="pilot_milestone_add"),
    path("pilots/milestones/<int:milestone_id>/done/", views.milestone_done, name="pilot_milestone_done"),
    path("pilots/<int:project_id>/gate/", views.gate_pass, name="pilot_gate"),
    path("pilots/<int:project_id>/stop/", views.project_stop, name="pilot_stop"),
    path("pilots/<int:project_id>/bookings/", views.booking_add, name="pilot_book"),
    path("pilots/bookings/<int:booking_id>/cancel/", views.booking_cancel, name="pilot_booking_cancel"),
    path("pilots/bookings/<int:booking_id>/usage/", views.usage_record, name="pilot_usage"),
    path("pilots/<int:project_id>/decision/", views.decision_record, name="pilot_decision"),
    path("pilots/<int:project_id>/sign-off/", views.sign_off, name="pilot_sign_off"),
    path("pilots/<int:project_id>/documents/", views.document_add, name="pilot_document_add"),
    path("pilots/documents/<int:document_id>/", views.document_download, name="pilot_document"),
    path("pilots/documents/<int:document_id>/remove/", views.document_remove, name="pilot_document_remove"),
    path("organisations/<int:organisation_id>/pilots/", views.company_pilots, name="company_pilots"),
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/<int:offer_id>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:offer_id>/calendar/", views.facility_calendar, name="facility_calendar"),
    path("facilities/<int:offer_id>/edit/", views.facility_edit, name="facility_edit"),
]
