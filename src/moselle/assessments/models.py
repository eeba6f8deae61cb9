"""Open DMA assessments: who was assessed, at which stage, with which answers, and the results they gave."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField


class QuestionnaireType(models.TextChoices):
    SME = "sme", _("Enterprise (SME or small mid-cap)")
    PSO = "pso", _("Public sector organisation")


class Stage(models.TextChoices):
    T0 = "T0", _("T0, before the hub's support")
    T1 = "T1", _("T1, after the support")
    T2 = "T2", _("T2, follow-up")


class Band(models.TextChoices):
    BASIC = "basic", _("Basic")
    AVERAGE = "average", _("Average")
    MODERATELY_ADVANCED = "moderately_advanced", _("Moderately advanced")
    ADVANCED = "advanced", _("Advanced")


class Assessment(models.Model):
    """One organisation's Open DMA at one stage: a draft while it is filled in, immutable once submitted.

    An assessment imported from the official DMA tool's export has no answers, only its result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being filled in")
        SUBMITTED = "submitted", _("submitted")

    class Mode(models.TextChoices):
        SELF = "self", _("filled in by the organisation")
        ADVISOR = "advisor", _("filled in with an advisor")
        IMPORTED = "imported", _("imported from the official DMA tool")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    questionnaire_type = models.CharField(_("questionnaire"), max_length=3, choices=QuestionnaireType.choices)
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=20)
    stage = models.CharField(_("stage"), max_length=2, choices=Stage.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    mode = models.CharField(_("filled in"), max_length=10, choices=Mode.choices, default=Mode.SELF)
    customer = models.JSONField(_("customer data (Module 1)"), default=dict, blank=True)
    answers = models.JSONField(_("answers (Module 2)"), default=dict, blank=True)
    started_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    taken_on = models.DateField(_("date of the assessment"), null=True, blank=True)

    # The contact person's name, role, e-mail and phone live in ``customer``.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("customer",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "stage"],
                condition=models.Q(status="submitted"),
                name="assessment_one_submitted_per_stage",
            ),
            models.UniqueConstraint(
                fields=["organisation", "stage"],
                condition=models.Q(status="draft"),
                name="assessment_one_draft_per_stage",
            ),
        ]
        indexes = [models.Index(fields=["status", "stage"], name="assessment_status_stage")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.stage} {self.questionnaire_type}-{self.questionnaire_version}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Result(models.Model):
    """The scores an assessment gave under one scoring rule; never changed once written.

    Scoring the same answers under another rule makes a new result that says where it came from."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="results", verbose_name=_("assessment")
    )
    # Repeated from the assessment so that comparisons and filters are one query.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    questionnaire_type = models.CharField(_("questionnaire"), max_length=3, choices=QuestionnaireType.choices)
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=20)
    stage = models.CharField(_("stage"), max_length=2, choices=Stage.choices)
    rule = models.CharField(
        _("scoring rule"), max_length=20, help_text=_("invested/planned rule and negative-item rule, e.g. A/exclude")
    )
    dimensions = models.JSONField(_("dimension scores"), default=dict, help_text=_("0-100, two decimals, as text"))
    overall = models.DecimalField(_("overall score"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=20, choices=Band.choices)
    rescored_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescorings",
        verbose_name=_("re-scored from"),
    )
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "rule"], name="result_one_per_rule"),
            models.CheckConstraint(condition=models.Q(overall__gte=0, overall__lte=100), name="result_overall_range"),
        ]
        indexes = [
            models.Index(fields=["questionnaire_type", "questionnaire_version", "rule"], name="result_comparable")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.rule} {self.overall}"

    def dimension_scores(self) -> dict[str, Decimal]:
        return {key: Decimal(value) for key, value in self.dimensions.items()}

    @property
    def is_imported(self) -> bool:
        return self.rule == IMPORTED_RULE


# The rule of a result read from the official tool's export: its scoring method is not published.
IMPORTED_RULE = "official"


class Interpretation(models.Model):
    """The hub's own words for a band, overall or for one dimension, in three languages."""

    questionnaire_type = models.CharField(_("questionnaire"), max_length=3, choices=QuestionnaireType.choices)
    dimension = models.CharField(_("dimension"), max_length=4, blank=True, help_text=_("empty for the overall score"))
    band = models.CharField(_("band"), max_length=20, choices=Band.choices)
    text = TranslatedTextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("interpretation")
        verbose_name_plural = _("interpretations")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire_type", "dimension", "band"], name="interpretation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_type} {self.dimension or 'overall'} {self.band}"
