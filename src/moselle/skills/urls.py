from django.urls import path

from moselle.skills import views

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/<int:offer_id>/", views.course_detail, name="course_detail"),
    path("courses/<int:offer_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:offer_id>/sessions/new/", views.session_new, name="course_session_new"),
    path("courses/sessions/<int:session_id>/", views.session_detail, name="course_session"),
    path("courses/sessions/<int:session_id>/enrol/", views.session_enrol, name="course_enrol"),
    path("courses/enrolments/<int:registration_id>/presence/", views.enrolment_presence, name="enrolment_presence"),
    path("courses/enrolments/<int:registration_id>/complete/", views.enrolment_complete, name="enrolment_complete"),
    path("organisations/<int:organisation_id>/skills/", views.company_skills, name="company_skills"),
    path(
        "organisations/<int:organisation_id>/skills/propose/",
        views.company_skills_propose,
        name="company_skills_propose",
    ),
    path("skills/rows/<int:row_id>/", views.role_skill_change, name="role_skill_change"),
    path("skills/market/", views.market_view, name="skills_market"),
    path("skills/market.csv", views.market_csv, name="skills_market_csv"),
    path("skills/market/brief/", views.market_brief, name="skills_market_brief"),
]
