"""Every route of Moselle. Each one must also appear in the permission matrix test."""

from django.contrib import admin
from django.urls import include, path, re_path

from moselle.accounts import views as accounts
from moselle.api import api
from moselle.assessments import views as assessments
from moselle.assessments import views_exports as assessment_exports
from moselle.catalogue import views as catalogue
from moselle.core import views as core
from moselle.matching import views as matching
from moselle.organisations import views as organisations
from moselle.organisations import views_imports as imports
from moselle.organisations import views_registry as registry

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
    path("organisations/new/", registry.organisation_create, name="organisation_create"),
    path("organisations/<int:organisation_id>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:organisation_id>/edit/", registry.organisation_edit, name="organisation_edit"),
    path("organisations/<int:organisation_id>/invite/", organisations.organisation_invite, name="organisation_invite"),
    path("organisations/<int:organisation_id>/files/", organisations.organisation_upload, name="organisation_upload"),
    path("organisations/<int:organisation_id>/years/", registry.financial_year_add, name="financial_year_add"),
    path("organisations/years/<int:row_id>/delete/", registry.financial_year_delete, name="financial_year_delete"),
    path("organisations/<int:organisation_id>/holders/", registry.ownership_add, name="ownership_add"),
    path("organisations/holdings/<int:ownership_id>/delete/", registry.ownership_delete, name="ownership_delete"),
    path("organisations/<int:organisation_id>/contacts/", registry.contact_add, name="contact_add"),
    path("organisations/contacts/<int:contact_id>/", registry.contact_edit, name="contact_edit"),
    path("organisations/contacts/<int:contact_id>/delete/", registry.contact_delete, name="contact_delete"),
    path(
        "organisations/<int:organisation_id>/assessments/",
        assessments.organisation_assessments,
        name="organisation_assessments",
    ),
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("assessments/export/", assessment_exports.dma_export, name="assessment_export"),
    path("assessments/interpretations/", assessments.interpretation_list, name="interpretation_list"),
    path("assessments/<int:assessment_id>/", assessments.assessment_fill, name="assessment_fill"),
    path("assessments/<int:assessment_id>/submit/", assessments.assessment_submit, name="assessment_submit"),
    path("assessments/<int:assessment_id>/discard/", assessments.assessment_discard, name="assessment_discard"),
    path("assessments/<int:assessment_id>/results/", assessments.assessment_results, name="assessment_results"),
    path("assessments/<int:assessment_id>/report/", assessments.assessment_report, name="assessment_report"),
    path("catalogue/", catalogue.catalogue_list, name="catalogue_list"),
    path("catalogue/mine/", catalogue.my_offers, name="my_offers"),
    path("catalogue/<int:offer_id>/", catalogue.offer_detail, name="offer_detail"),
    path("catalogue/<int:offer_id>/edit/", catalogue.offer_edit, name="offer_edit"),
    path("catalogue/<int:offer_id>/submit/", catalogue.offer_submit, name="offer_submit"),
    path("organisations/<int:organisation_id>/offers/new/", catalogue.offer_create, name="offer_create"),
    path("find/", matching.find_help, name="find_help"),
    path("find/<slug:kind>/<int:item_id>/", matching.find_result, name="find_result"),
    path("hubs/", registry.hub_directory, name="hub_directory"),
    path("hubs/<int:organisation_id>/", registry.directory_hub, name="directory_hub"),
    path("files/<int:file_id>/", core.file_download, name="file_download"),
    path("hub/people/", accounts.hub_people, name="hub_people"),
    path("hub/privacy/", accounts.hub_privacy, name="hub_privacy"),
    path("hub/tokens/", accounts.hub_tokens, name="hub_tokens"),
    path("hub/tokens/<int:token_id>/revoke/", accounts.hub_token_revoke, name="hub_token_revoke"),
    path("hub/audit/", core.audit_log, name="audit_log"),
    path("hub/settings/", organisations.hub_settings, name="hub_settings"),
    path("hub/services/<int:service_id>/", organisations.hub_service_edit, name="hub_service_edit"),
    path("hub/catalogue/", catalogue.hub_offer_list, name="hub_offer_list"),
    path("hub/catalogue/<int:offer_id>/moderate/", catalogue.hub_offer_moderate, name="hub_offer_moderate"),
    path("hub/duplicates/", registry.duplicate_list, name="hub_duplicates"),
    path("hub/duplicates/dismiss/", registry.duplicate_dismiss, name="hub_duplicate_dismiss"),
    path("hub/duplicates/<int:first_id>/<int:second_id>/merge/", registry.duplicate_merge, name="hub_duplicate_merge"),
    path("hub/imports/", imports.import_list, name="hub_imports"),
    path("hub/imports/<int:import_id>/", imports.import_run, name="hub_import_run"),
    path("hub/imports/<int:import_id>/recheck/", imports.import_run_recheck, name="hub_import_recheck"),
    path("hub/imports/<int:import_id>/commit/", imports.import_run_commit, name="hub_import_commit"),
    path("api/v1/", api.urls),
    re_path(r"^api/", core.api_not_found, name="api_not_found"),
    path("admin/", admin.site.urls),
]
