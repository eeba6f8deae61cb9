"""The registry of organisations (grown by the registry issue) and the instance's own hub."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField


class Organisation(models.Model):
    """A company, provider, partner, public body or hub that the platform knows."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="LU", help_text=_("ISO 3166 code"))
    is_demo = models.BooleanField(
        verbose_name=_("is demo"), default=False, help_text=_("Generated demo data, never exported.")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class HubProfile(models.Model):
    """Which organisation this instance is, and how it reports: one row per instance."""

    class StateAidBasis(models.TextChoices):
        DE_MINIMIS = "de_minimis", _("de minimis (Regulation (EU) 2023/2831)")
        GBER = "gber", _("General Block Exemption Regulation, Art. 28")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="hub_profile", verbose_name=_("organisation")
    )
    edih_name = models.CharField(_("EDIH name"), max_length=200)
    country = models.CharField(_("EDIH country"), max_length=2)
    state_aid_basis = models.CharField(
        _("state-aid basis"), max_length=20, choices=StateAidBasis.choices, default=StateAidBasis.DE_MINIMIS
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("hub profile")

    def __str__(self) -> str:
        return self.edih_name


class EdihCategory(models.TextChoices):
    """The four service categories the European Commission reports EDIH services under."""

    TEST_BEFORE_INVEST = "test_before_invest", _("Test before invest")
    SKILLS_AND_TRAINING = "skills_and_training", _("Skills and training")
    SUPPORT_TO_FIND_INVESTMENTS = "support_to_find_investments", _("Support to find investments")
    ECOSYSTEM_AND_NETWORKING = "ecosystem_and_networking", _("Innovation ecosystem and networking")


class HubService(models.Model):
    """One of the hub's own services, mapped to an EDIH category."""

    hub = models.ForeignKey(HubProfile, on_delete=models.CASCADE, related_name="services", verbose_name=_("hub"))
    code = models.SlugField(verbose_name=_("code"), max_length=40)
    name = TranslatedTextField(_("name"))
    category = models.CharField(_("EDIH category"), max_length=40, choices=EdihCategory.choices)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    active = models.BooleanField(verbose_name=_("active"), default=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["hub", "code"], name="hub_service_code_unique")]

    def __str__(self) -> str:
        return self.code


class HubTarget(models.Model):
    """A target the hub committed to, such as the number of SMEs engaged over three years."""

    hub = models.ForeignKey(HubProfile, on_delete=models.CASCADE, related_name="targets", verbose_name=_("hub"))
    indicator = models.SlugField(verbose_name=_("indicator"), max_length=60)
    label = TranslatedTextField(_("label"))
    value = models.PositiveIntegerField(_("target"))
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "indicator", "period_start"], name="hub_target_unique"),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="hub_target_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"
