"""What the hub can prove: the services it delivered, the de minimis aid it granted and the aid a company
declared from elsewhere, under the de minimis regulations the ledger counts with."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from moselle.organisations.models import EdihCategory

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class AidBasis(models.TextChoices):
    """Under which rule the national or regional public share of a service is aid."""

    DE_MINIMIS = "de_minimis", _("de minimis")
    GBER = "gber", _("General Block Exemption Regulation")
    NONE = "none", _("no state aid")


class Regulation(models.Model):
    """A de minimis regulation: its ceiling per single undertaking, its window and the sectors it excludes.

    Seeded from ``reporting/data/de_minimis.json``; the ledger counts a grant under the regulation in force on
    the day it was granted.
    """

    code = models.CharField(_("regulation"), max_length=20, unique=True, help_text=_("e.g. 2023/2831"))
    title = models.CharField(_("title"), max_length=200)
    ceiling = models.DecimalField(_("ceiling (EUR)"), max_digits=12, decimal_places=2)
    window_years = models.PositiveSmallIntegerField(_("window (years)"), default=3)
    rolling = models.BooleanField(_("rolling window"), default=True, help_text=_("Otherwise three fiscal years."))
    in_force_from = models.DateField(_("in force from"))
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    excluded_nace = models.JSONField(_("excluded NACE codes"), default=list, blank=True)
    warn_share = models.DecimalField(
        _("warn above this share of the ceiling"), max_digits=4, decimal_places=2, default=Decimal("0.90")
    )
    general = models.BooleanField(_("the hub grants under it"), default=False)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-in_force_from"]
        verbose_name = _("de minimis regulation")
        verbose_name_plural = _("de minimis regulations")

    def __str__(self) -> str:
        return self.code


class Grant(models.Model):
    """Aid the hub committed to give a company, counted from the day the right to it was conferred."""

    class Status(models.TextChoices):
        GRANTED = "granted", _("granted")
        CANCELLED = "cancelled", _("cancelled")

    class Source(models.TextChoices):
        MANUAL = "manual", _("recorded by the hub")
        REFERRAL = "referral", _("referral accepted")
        ENROLMENT = "enrolment", _("enrolment confirmed")
        PILOT = "pilot", _("pilot started")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("beneficiary")
    )
    number = models.CharField(_("notice number"), max_length=20, unique=True)
    amount = models.DecimalField(_("aid (EUR)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("granted on"))
    basis = models.CharField(_("state-aid basis"), max_length=12, choices=AidBasis.choices)
    regulation = models.ForeignKey(
        Regulation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("regulation")
    )
    gber_article = models.CharField(_("GBER article"), max_length=10, blank=True)
    description = models.CharField(_("aided service"), max_length=300)
    source = models.CharField(_("committed through"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    referral = models.ForeignKey(
        "journeys.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(_("source reference"), max_length=40, blank=True)
    undertaking = models.JSONField(_("single undertaking when granted"), default=list)
    counted_before = models.DecimalField(_("aid counted before this grant (EUR)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GRANTED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("aid granted")
        verbose_name_plural = _("aid granted")
        indexes = [models.Index(fields=["organisation", "granted_on"], name="grant_org_date")]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="grant_amount_not_negative")]

    def __str__(self) -> str:
        return self.number


class Declaration(models.Model):
    """De minimis aid a company declares it received from another granting body."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    amount = models.DecimalField(_("aid (EUR)"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("granted on"))
    granting_body = models.CharField(_("granting body"), max_length=200)
    regulation = models.CharField(_("regulation"), max_length=20)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("declared de minimis aid")
        verbose_name_plural = _("declared de minimis aid")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="declaration_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.amount} ({self.regulation})"


class ServiceRecord(models.Model):
    """One service the hub (or a partner for it) delivered to a registered customer."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        REJECTED = "rejected", _("rejected")
        ONGOING = "ongoing", _("ongoing")
        FINALISED = "finalised", _("finalised")
        INVOICED = "invoiced", _("finalised and invoiced")

    class Source(models.TextChoices):
        MANUAL = "manual", _("logged by hand")
        REFERRAL = "referral", _("a referral done")
        EVENT = "event", _("an event attended")
        PILOT = "pilot", _("a pilot")
        IMPORT = "import", _("imported")

    customer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    category = models.CharField(_("EDIH category"), max_length=40, choices=EdihCategory.choices)
    hub_service = models.ForeignKey(
        "organisations.HubService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hub service"),
    )
    description = models.CharField(_("short description"), max_length=500)
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies used")
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivered by"),
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    attendees = models.PositiveIntegerField(_("attendees"), default=1)
    price = models.DecimalField(
        _("service price (EUR)"), default=Decimal("0"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    invoiced = models.DecimalField(
        _("price invoiced to the customer (EUR)"),
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    aid = models.DecimalField(
        _("aid of national or regional public nature (EUR)"),
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    aid_basis = models.CharField(_("state-aid basis"), max_length=12, choices=AidBasis.choices, default=AidBasis.NONE)
    aid_info = models.CharField(_("state-aid details"), max_length=200, blank=True)
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="records", verbose_name=_("grant")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ONGOING)
    reject_reason = models.CharField(_("reason for rejecting"), max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("customer satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    source = models.CharField(_("came from"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    case = models.ForeignKey("journeys.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(
        "journeys.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    COUNTED: ClassVar[tuple[str, ...]] = (Status.ONGOING, Status.FINALISED, Status.INVOICED)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [
            models.Index(fields=["status", "started_on"], name="record_status_start"),
            models.Index(fields=["customer", "started_on"], name="record_customer_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="record_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0) & models.Q(invoiced__gte=0) & models.Q(aid__gte=0),
                name="record_amounts_not_negative",
            ),
            models.CheckConstraint(condition=models.Q(aid__lte=models.F("price")), name="record_aid_within_price"),
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(referral__isnull=False),
                name="record_one_per_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.category} {self.started_on}"


class FiguresVersion(models.Model):
    """One row (id 1): ``number`` goes up with every committed change to a table the figures read, raised by
    the database's own triggers (``freshness``). The dashboard keeps its figures under the number."""

    number = models.PositiveBigIntegerField(_("version"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("figures version")
        verbose_name_plural = _("figures versions")

    def __str__(self) -> str:
        return str(self.number)
