from django.urls import path

from moselle.network import views, views_corridors, views_peers, views_referrals
from moselle.network.federation import inbox, pairing

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
    path("network/offers/<int:offer_id>/", views.remote_offer, name="remote_offer"),
    path("network/peers/", views_peers.peer_list, name="peer_list"),
    path("network/peers/invitations/", views_peers.invitation_new, name="peer_invitation_new"),
    path("network/peers/pair/", views_peers.peer_pair, name="peer_pair"),
    path("network/peers/key/", views_peers.key_rotate, name="peer_key_rotate"),
    path("network/peers/<int:peer_id>/", views_peers.peer_detail, name="peer_detail"),
    path("network/peers/<int:peer_id>/confirm/", views_peers.peer_confirm, name="peer_confirm"),
    path("network/peers/<int:peer_id>/revoke/", views_peers.peer_revoke, name="peer_revoke"),
    path("federation/inbox/", inbox.inbox, name="federation_inbox"),
    path("federation/pair/", pairing.pair_request, name="federation_pair"),
]
