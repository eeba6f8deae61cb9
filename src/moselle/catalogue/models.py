"""What providers offer: services, trainings, test facilities and expertise, moderated by the hub.

An offer belongs to the organisation that provides it. Its members draft it and ask for publication; hub
staff publish, archive or send it back to draft. Only published offers are public. ``CatalogueVersion``
is one row whose number every catalogue action raises in its own transaction, so that any process
holding an index of the catalogue (the matching engine) sees at its next search that it changed.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField, pick
from moselle.organisations.models import EdihCategory

TRL_MIN, TRL_MAX = 1, 9


class Offer(models.Model):
    """One offer of a provider, in up to three languages, described so that a company can tell whether
    it fits: technologies, sectors, how and where it is delivered, its price, the technology readiness it
    suits, how soon it can start and who may use it.

    ``sectors`` are the 42 sectors of the EDIH catalogue (``core.CatalogueSector``), the vocabulary hubs
    and providers declare; companies carry NACE codes, and matching maps one to the other.
    ``search_text`` and ``filter_keys`` are derived columns the actions keep, so that the list's text
    search and its country and language filters are plain, indexable ``LIKE`` queries on every database.
    """

    class Kind(models.TextChoices):
        SERVICE = "service", _("service")
        TRAINING = "training", _("training")
        TEST_FACILITY = "test_facility", _("test facility")
        EXPERTISE = "expertise", _("expertise")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("awaiting review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class Delivery(models.TextChoices):
        ON_SITE = "on_site", _("on site")
        REMOTE = "remote", _("remote")
        BOTH = "both", _("on site or remote")

    class PriceKind(models.TextChoices):
        FREE = "free", _("free of charge")
        SUBSIDISED = "subsidised", _("subsidised")
        RANGE = "range", _("price range")

    provider = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="offers", verbose_name=_("provider")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = TranslatedTextField(_("title"))
    description = TranslatedTextField(_("description"))
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies")
    )
    sectors = models.ManyToManyField("core.CatalogueSector", blank=True, related_name="+", verbose_name=_("sectors"))
    category = models.CharField(_("EDIH category"), max_length=40, choices=EdihCategory.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.BOTH)
    languages = models.JSONField(_("languages"), default=list, help_text=_("Two-letter language codes"))
    countries = models.JSONField(_("countries served"), default=list, help_text=_("ISO 3166 codes"))
    price_kind = models.CharField(_("price"), max_length=12, choices=PriceKind.choices)
    price_min = models.DecimalField(_("lowest price (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True)
    price_max = models.DecimalField(_("highest price (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True)
    trl_min = models.PositiveSmallIntegerField(_("lowest technology readiness level"), null=True, blank=True)
    trl_max = models.PositiveSmallIntegerField(_("highest technology readiness level"), null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    smes_only = models.BooleanField(_("for SMEs only"), default=False)
    eligible_countries = models.JSONField(
        _("countries whose organisations may use it"), default=list, blank=True, help_text=_("Empty: any country")
    )
    references = models.JSONField(
        _("references and case studies"), default=list, blank=True, help_text=_("A list of {text, url}")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    moderation_note = models.TextField(_("note from the hub"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    is_demo = models.BooleanField(_("is demo"), default=False, help_text=_("Generated demo data, never exported."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    version = models.PositiveBigIntegerField(
        _("catalogue version of the last change"), default=0, db_index=True, editable=False
    )
    filter_keys = models.CharField(_("filter keys"), max_length=1000, blank=True, default="", editable=False)

    # The people who created, submitted, published or archived an offer are accounts, exported and
    # erased with the account; the offer itself describes an organisation's service.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [
            models.Index(fields=["status", "kind"], name="offer_status_kind"),
            models.Index(fields=["provider", "status"], name="offer_provider_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True) | Q(price_min__gte=0), name="offer_price_min_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(price_max__isnull=True) | Q(price_max__gte=0), name="offer_price_max_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(price_min__isnull=True) | Q(price_max__isnull=True) | Q(price_min__lte=F("price_max")),
                name="offer_price_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(trl_min__isnull=True) | Q(trl_min__gte=TRL_MIN, trl_min__lte=TRL_MAX),
                name="offer_trl_min_range",
            ),
            models.CheckConstraint(
                condition=Q(trl_max__isnull=True) | Q(trl_max__gte=TRL_MIN, trl_max__lte=TRL_MAX),
                name="offer_trl_max_range",
            ),
            models.CheckConstraint(
                condition=Q(trl_min__isnull=True) | Q(trl_max__isnull=True) | Q(trl_min__lte=F("trl_max")),
                name="offer_trl_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return pick(self.title) or f"offer {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CatalogueVersion(models.Model):
    """One row (id 1): ``number`` goes up by one in the transaction of every catalogue action.

    A process that indexes the catalogue compares the number with the one it indexed; when it differs it
    reads the offers whose ``version`` (the number of their last change) is above the one it holds.
    Updating the row also serialises concurrent catalogue writes, so two
    changes never share a number."""

    number = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self) -> str:
        return str(self.number)
