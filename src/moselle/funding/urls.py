from django.urls import path

from moselle.funding import views

urlpatterns = [
    path("funding/", views.funding_home, name="funding_home"),
    path("funding/organisations/<int:organisation_id>/", views.funding_organisation, name="funding_organisation"),
    path(
        "funding/organisations/<int:organisation_id>/declarations/",
        views.funding_declare,
        name="funding_declare",
    ),
    path(
        "funding/organisations/<int:organisation_id>/applications/",
        views.application_create,
        name="funding_application_create",
    ),
    path("funding/applications/<int:application_id>/", views.application_update, name="funding_application_update"),
    path(
        "funding/organisations/<int:organisation_id>/investments/",
        views.investment_create,
        name="funding_investment_create",
    ),
    path("funding/programmes/", views.programme_list, name="funding_programme_list"),
    path("funding/programmes/new/", views.programme_create, name="funding_programme_create"),
    path("funding/programmes/<int:programme_id>/", views.programme_detail, name="funding_programme_detail"),
    path("funding/programmes/<int:programme_id>/edit/", views.programme_edit, name="funding_programme_edit"),
    path("funding/programmes/<int:programme_id>/calls/new/", views.call_create, name="funding_call_create"),
    path("funding/searches/", views.search_list, name="funding_search_list"),
    path("funding/searches/new/", views.search_create, name="funding_search_create"),
    path("funding/searches/<int:search_id>/delete/", views.search_delete, name="funding_search_delete"),
    path("funding/searches/<int:search_id>/follow/", views.search_follow, name="funding_search_follow"),
]
