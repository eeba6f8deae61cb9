from django.urls import path

from moselle.network import views, views_corridors, views_referrals

urlpatterns = [
    path("hubs/", views.hub_directory, name="hub_directory"),
    path("hubs/map/", views.network_map, name="network_map"),
    path("hubs/<int:organisation_id>/", views.directory_hub, name="directory_hub"),
    path("network/corridors/", views_corridors.corridor_list, name="corridor_list"),
    path("network/corridors/new/", views_corridors.corridor_new, name="corridor_new"),
    path("network/corridors/<int:corridor_id>/", views_corridors.corridor_detail, name="corridor_detail"),
    path("network/corridors/<int:corridor_id>/edit/", views_corridors.corridor_edit, name="corridor_edit"),
    path(
        "network/corridors/<int:corridor_id>/documents/",
        views_corridors.corridor_document,
        name="corridor_document",
    ),
    path("network/collaborations/new/", views_corridors.collaboration_new, name="collaboration_new"),
    path("network/referrals/<int:referral_id>/", views_referrals.referral_abroad, name="referral_abroad"),
    path("network/referrals/<int:referral_id>/dossier/", views_referrals.referral_dossier, name="referral_dossier"),
    path("network/r/<str:token>/", views_referrals.referral_answer, name="referral_answer"),
]
