"""Every route of Moselle. Each one must also appear in the permission matrix test."""

from django.contrib import admin
from django.urls import include, path, re_path

from moselle.accounts import views as accounts
from moselle.api import api
from moselle.core import views as core
from moselle.organisations import views as organisations

urlpatterns = [
    path("", core.home, name="home"),
    path("health/", core.health, name="health"),
    path("privacy/", core.privacy_notice, name="privacy_notice"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("me/", accounts.my_account, name="my_account"),
    path("me/data/", accounts.my_data, name="my_data"),
    path("me/data.json", accounts.my_data_json, name="my_data_json"),
    path("me/consents/", accounts.my_consents, name="my_consents"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("memberships/<int:membership_id>/approve/", accounts.membership_approve, name="membership_approve"),
    path("memberships/<int:membership_id>/decline/", accounts.membership_decline, name="membership_decline"),
    path("memberships/<int:membership_id>/remove/", accounts.membership_remove, name="membership_remove"),
    path("join/", organisations.organisation_join, name="organisation_join"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/<int:organisation_id>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:organisation_id>/invite/", organisations.organisation_invite, name="organisation_invite"),
    path("organisations/<int:organisation_id>/files/", organisations.organisation_upload, name="organisation_upload"),
    path("files/<int:file_id>/", core.file_download, name="file_download"),
    path("hub/people/", accounts.hub_people, name="hub_people"),
    path("hub/privacy/", accounts.hub_privacy, name="hub_privacy"),
    path("hub/tokens/", accounts.hub_tokens, name="hub_tokens"),
    path("hub/tokens/<int:token_id>/revoke/", accounts.hub_token_revoke, name="hub_token_revoke"),
    path("hub/audit/", core.audit_log, name="audit_log"),
    path("hub/settings/", organisations.hub_settings, name="hub_settings"),
    path("hub/services/<int:service_id>/", organisations.hub_service_edit, name="hub_service_edit"),
    path("api/v1/", api.urls),
    re_path(r"^api/", core.api_not_found, name="api_not_found"),
    path("admin/", admin.site.urls),
]
