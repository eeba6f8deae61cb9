from django.contrib import admin

from moselle.catalogue.models import CatalogueVersion, Offer
from moselle.core.admin_base import ReadOnlyAdmin


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "provider", "kind", "category", "status", "price_kind", "is_demo", "updated_at")
    list_filter = ("status", "kind", "category", "price_kind", "is_demo")
    search_fields = ("search_text", "provider__name")


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyAdmin):
    list_display = ("number", "changed_at")
