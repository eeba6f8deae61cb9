"""The shared vocabularies a hub describes companies, services and skills with.

Loaded from the data files in ``core/data/taxonomy/`` by ``core.taxonomy.seed_taxonomy`` and never
edited in the platform. The four EDIH service categories are ``organisations.models.EdihCategory``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField, pick

__all__ = ["CatalogueSector", "CatalogueService", "NaceCode", "Skill", "SkillGroup", "Technology"]


class CatalogueLabel(models.Model):
    """A label of the European Commission's EDIH catalogue; ``name`` is the catalogue's own English text."""

    name = models.CharField(verbose_name=_("catalogue label"), max_length=100, unique=True)
    label = TranslatedTextField(verbose_name=_("label"))
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.label) or self.name


class Technology(CatalogueLabel):
    """One of the 34 technologies of the EDIH catalogue (e.g. "Digital twins")."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta(CatalogueLabel.Meta):
        verbose_name = _("catalogue technology")
        verbose_name_plural = _("catalogue technologies")


class CatalogueService(CatalogueLabel):
    """One of the 15 services of the EDIH catalogue (e.g. "Prototyping"), not a service this hub offers."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta(CatalogueLabel.Meta):
        verbose_name = _("catalogue service")
        verbose_name_plural = _("catalogue services")


class CatalogueSector(CatalogueLabel):
    """One of the 42 sectors of the EDIH catalogue (e.g. "Smart City"); companies use NACE codes instead."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta(CatalogueLabel.Meta):
        verbose_name = _("catalogue sector")
        verbose_name_plural = _("catalogue sectors")


class NaceRevision(models.TextChoices):
    """The two NACE revisions in use: Rev. 2 on existing records, Rev. 2.1 in statistics from 2025."""

    REV_2 = "2", _("NACE revision 2")
    REV_2_1 = "2.1", _("NACE revision 2.1")


def nace_codes_in_section(section: str) -> models.QuerySet[NaceCode]:
    """The section and every code under it (divisions, groups, classes), of either revision."""
    q = models.Q
    return NaceCode.objects.filter(
        q(level=1, code=section)
        | q(parent__level=1, parent__code=section)
        | q(parent__parent__level=1, parent__parent__code=section)
        | q(parent__parent__parent__level=1, parent__parent__parent__code=section)
    )


class NaceCode(models.Model):
    """A NACE section, division, group or class (levels 1 to 4) of one revision, under its parent."""

    revision = models.CharField(verbose_name=_("revision"), max_length=3, choices=NaceRevision.choices)
    code = models.CharField(verbose_name=_("code"), max_length=5)
    level = models.PositiveSmallIntegerField(verbose_name=_("level"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    title = TranslatedTextField(verbose_name=_("title"))
    includes = models.TextField(verbose_name=_("this item includes"), blank=True)
    also_includes = models.TextField(verbose_name=_("this item also includes"), blank=True)
    rulings = models.TextField(verbose_name=_("rulings"), blank=True)
    excludes = models.TextField(verbose_name=_("this item excludes"), blank=True)
    position = models.PositiveIntegerField(verbose_name=_("position"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("NACE code")
        verbose_name_plural = _("NACE codes")
        ordering = ["revision", "position"]
        constraints = [models.UniqueConstraint(fields=["revision", "code"], name="nace_code_unique_per_revision")]

    def __str__(self) -> str:
        return f"{self.code} {pick(self.title)}"


class SkillGroup(models.Model):
    """A concept of the ESCO skills hierarchy (levels 0 to 3, codes like "S5.6.1"), under its parent."""

    uri = models.URLField(verbose_name=_("ESCO URI"), max_length=200, unique=True)
    code = models.CharField(verbose_name=_("code"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(verbose_name=_("level"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    label = models.CharField(verbose_name=_("label"), max_length=300)
    position = models.PositiveIntegerField(verbose_name=_("position"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Skill(models.Model):
    """An ESCO skill or knowledge concept of the digital skills collection, the DigComp collection, or both."""

    uri = models.URLField(verbose_name=_("ESCO URI"), max_length=200, unique=True)
    label = models.CharField(verbose_name=_("label"), max_length=300)
    skill_type = models.CharField(verbose_name=_("skill type"), max_length=30, blank=True)
    description = models.TextField(verbose_name=_("description"), blank=True)
    in_digital_collection = models.BooleanField(verbose_name=_("in the ESCO digital skills collection"), default=False)
    in_digcomp = models.BooleanField(verbose_name=_("in the DigComp collection"), default=False)
    group = models.ForeignKey(
        SkillGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="skills",
        verbose_name=_("skill group"),
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return self.label
