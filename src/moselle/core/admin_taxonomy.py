"""Read-only admins for the shared vocabularies; they change only through ``core.taxonomy.seed_taxonomy``."""

from __future__ import annotations

from django.contrib import admin

from moselle.core.admin_base import ReadOnlyAdmin
from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, NaceCode, Skill, SkillGroup, Technology


@admin.register(Technology)
class TechnologyAdmin(ReadOnlyAdmin):
    list_display = ("name", "label", "position")
    search_fields = ("name",)


@admin.register(CatalogueService)
class CatalogueServiceAdmin(ReadOnlyAdmin):
    list_display = ("name", "label", "position")
    search_fields = ("name",)


@admin.register(CatalogueSector)
class CatalogueSectorAdmin(ReadOnlyAdmin):
    list_display = ("name", "label", "position")
    search_fields = ("name",)


@admin.register(NaceCode)
class NaceCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "revision", "level", "title")
    list_filter = ("revision", "level")
    search_fields = ("code", "title")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(SkillGroup)
class SkillGroupAdmin(ReadOnlyAdmin):
    list_display = ("code", "label", "level")
    list_filter = ("level",)
    search_fields = ("code", "label")
    raw_id_fields = ("parent",)


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ("label", "skill_type", "in_digital_collection", "in_digcomp", "group")
    list_filter = ("skill_type", "in_digital_collection", "in_digcomp")
    search_fields = ("label", "uri")
    list_select_related = ("group",)
    raw_id_fields = ("group",)
