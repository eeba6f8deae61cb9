"""API of the shared vocabularies: catalogue labels, NACE, ESCO skills and DigComp, for every caller."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from moselle.core.apicommon import ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import (
    CatalogueSector,
    CatalogueService,
    NaceCode,
    Skill,
    Technology,
)

router = Router(tags=["taxonomy"])

Lang = Literal["en", "fr", "de"]
LANG_DESCRIPTION = "The language of the labels: en, fr or de (English where a translation is missing)."


class LangParams(Schema):
    lang: Lang = Field("en", description=LANG_DESCRIPTION)

    model_config = {"extra": "forbid"}


class LabelOut(Schema):
    id: int
    name: str = Field(description="The catalogue's own English text, as the European catalogue writes it.")
    label: str = Field(description="The label in the requested language.")


def _labels(model: Any, lang: str) -> list[dict[str, Any]]:
    return [{"id": row.pk, "name": row.name, "label": pick(row.label, lang) or row.name} for row in model.objects.all()]


@router.get(
    "/taxonomy/technologies",
    response={200: list[LabelOut], **ERRORS},
    summary="The 34 technologies of the EDIH catalogue",
)
def technology_list(request: HttpRequest, params: Query[LangParams]) -> Any:
    return _labels(Technology, params.lang)


@router.get(
    "/taxonomy/catalogue-services",
    response={200: list[LabelOut], **ERRORS},
    summary="The 15 services of the EDIH catalogue",
)
def catalogue_service_list(request: HttpRequest, params: Query[LangParams]) -> Any:
    return _labels(CatalogueService, params.lang)


@router.get(
    "/taxonomy/catalogue-sectors",
    response={200: list[LabelOut], **ERRORS},
    summary="The 42 sectors of the EDIH catalogue",
)
def catalogue_sector_list(request: HttpRequest, params: Query[LangParams]) -> Any:
    return _labels(CatalogueSector, params.lang)


class NaceOut(Schema):
    revision: str = Field(description='The NACE revision, "2" or "2.1".')
    code: str = Field(description='The code as the classification writes it: "C", "25", "25.6", "25.62".')
    level: int = Field(description="1 section, 2 division, 3 group, 4 class.")
    parent: str | None = Field(description="The code of the level above; null for a section.")
    title: str = Field(description="The title in the requested language (English where no translation exists).")
    includes: str
    also_includes: str
    excludes: str


class NaceFilter(Schema):
    revision: Literal["2", "2.1"] = Field("2.1", description="The NACE revision: 2 or 2.1.")
    parent: str = Field("", max_length=5, description='Only the codes directly under this one, e.g. "C" or "25".')
    level: int | None = Field(None, ge=1, le=4, description="Only the codes of this level (1 to 4).")
    q: str = Field("", max_length=100, description="Search the codes (by their start) and the titles.")
    lang: Lang = Field("en", description=LANG_DESCRIPTION)


@router.get("/taxonomy/nace", response={200: Page[NaceOut], **ERRORS}, summary="NACE codes of a revision, searchable")
def nace_list(request: HttpRequest, params: Query[PageParams], filters: Query[NaceFilter]) -> Any:
    codes = NaceCode.objects.filter(revision=filters.revision).select_related("parent")
    if filters.parent:
        parent = NaceCode.objects.filter(revision=filters.revision, code=filters.parent.strip().upper()).first()
        if parent is None:
            raise ValidationError(
                {
                    "parent": _("Unknown NACE code “%(code)s” (revision %(revision)s).")
                    % {"code": filters.parent.strip(), "revision": filters.revision}
                }
            )
        codes = codes.filter(parent=parent)
    if filters.level is not None:
        codes = codes.filter(level=filters.level)
    query = filters.q.strip()
    if query:
        code = query.upper().replace(" ", "")
        if len(code) > 1 and code[0].isalpha() and code[1].isdigit():
            code = code[1:]  # "C25.62" is written with its section letter
        wanted = Q(code__istartswith=code) | Q(title__en__icontains=query)
        if filters.lang != "en":
            wanted |= Q(**{f"title__{filters.lang}__icontains": query})
        codes = codes.filter(wanted)
    limit, offset = page_limits(params)
    page = paginate(codes.order_by("position", "id"), limit=limit, offset=offset)
    page["items"] = [_nace_out(code, filters.lang) for code in page["items"]]
    return page


def _nace_out(code: NaceCode, lang: str) -> dict[str, Any]:
    return {
        "revision": code.revision,
        "code": code.code,
        "level": code.level,
        "parent": code.parent.code if code.parent else None,
        "title": pick(code.title, lang),
        "includes": code.includes,
        "also_includes": code.also_includes,
        "excludes": code.excludes,
    }


class SkillOut(Schema):
    id: int
    uri: str = Field(description="The ESCO concept URI.")
    label: str = Field(description="The ESCO preferred label (English).")
    skill_type: str
    description: str
    in_digital_collection: bool = Field(description="Part of the ESCO digital skills collection.")
    in_digcomp: bool = Field(description="Part of the ESCO DigComp collection.")
    group: str | None = Field(description="The code of the ESCO skill group it sits under, e.g. S5.6.1.")

    @staticmethod
    def resolve_group(obj: Skill) -> str | None:
        return obj.group.code if obj.group else None


class SkillFilter(Schema):
    q: str = Field("", max_length=100, description="Search the labels.")
    digcomp: bool | None = Field(None, description="Only DigComp skills (true) or only the others (false).")


@router.get("/taxonomy/skills", response={200: Page[SkillOut], **ERRORS}, summary="ESCO digital skills, searchable")
def skill_list(request: HttpRequest, params: Query[PageParams], filters: Query[SkillFilter]) -> Any:
    skills = Skill.objects.select_related("group").order_by("label", "id")
    if filters.q.strip():
        skills = skills.filter(label__icontains=filters.q.strip())
    if filters.digcomp is not None:
        skills = skills.filter(in_digcomp=filters.digcomp)
    limit, offset = page_limits(params)
    return paginate(skills, limit=limit, offset=offset)


@router.get("/taxonomy/digcomp", response={200: list[SkillOut], **ERRORS}, summary="The ESCO DigComp skills")
def digcomp_list(request: HttpRequest) -> Any:
    return list(Skill.objects.filter(in_digcomp=True).select_related("group").order_by("label", "id"))


__all__ = ["LANG_DESCRIPTION", "Lang", "LangParams", "router"]
