"""Support to find funding: the programmes a company can apply to and their calls, the eligibility rules
of each programme kept as data (``rules``), what a company declares about itself for them, its
applications, and the one table of investments triggered that the KPIs and the Commission's export read.

How sure the hub is of a programme's figures is part of the programme (``confidence``): figures marked
unverified are shown as such, never as fact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField, pick

NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class Programme(models.Model):
    class Scope(models.TextChoices):
        EU = "eu", _("European Union")
        NATIONAL = "national", _("national")
        REGIONAL = "regional", _("regional")
        CROSS_BORDER = "cross_border", _("cross-border")

    class Instrument(models.TextChoices):
        GRANT = "grant", _("grant")
        FIXED_GRANT = "fixed_grant", _("fixed grant")
        SUBSIDISED_SERVICE = "subsidised_service", _("subsidised service")
        LOAN = "loan", _("loan")
        EQUITY = "equity", _("equity")
        BLENDED = "blended", _("grant and equity")

    class Confidence(models.TextChoices):
        HIGH = "high", _("verified")
        MEDIUM = "medium", _("partly verified")
        UNVERIFIED = "unverified", _("unverified")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = TranslatedTextField(_("name"))
    description = TranslatedTextField(_("description"), blank=True)
    operator = models.CharField(_("operator"), max_length=200)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    rate_pct = models.DecimalField(
        _("funding rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("The highest share of eligible costs covered; empty when the programme sets none"),
    )
    rate_note = models.CharField(_("about the rate"), max_length=300, blank=True)
    amount_fixed = models.DecimalField(
        _("fixed amount (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    amount_min = models.DecimalField(
        _("smallest project (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    amount_max = models.DecimalField(
        _("largest support (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    conditions = models.TextField(_("conditions as published"), blank=True)
    source_url = models.CharField(_("source"), max_length=500, blank=True)
    confidence = models.CharField(
        _("how sure the figures are"), max_length=12, choices=Confidence.choices, default=Confidence.UNVERIFIED
    )
    confidence_note = models.CharField(_("about the figures"), max_length=300, blank=True)
    rules = models.JSONField(
        _("eligibility rules"), default=list, blank=True, help_text=_("In the rules vocabulary (docs/funding.md)")
    )
    approved_providers = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+", verbose_name=_("approved providers")
    )
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["code"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_pct__isnull=True) | Q(rate_pct__gte=0, rate_pct__lte=100), name="programme_rate_0_100"
            )
        ]

    def __str__(self) -> str:
        return pick(self.name) or self.code

    @property
    def verified(self) -> bool:
        return self.confidence != self.Confidence.UNVERIFIED


class Call(models.Model):
    """A programme's call for applications, open between two dates (or all year: no dates)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="calls", verbose_name=_("programme")
    )
    title = TranslatedTextField(_("title"))
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True, help_text=_("Empty: open all year"))
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["closes_on", "id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="call_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return pick(self.title) or f"call {self.pk}"


class Declaration(models.Model):
    """What a company declares about itself for the programmes' rules: that it holds a business permit, is
    not an undertaking in difficulty, works in an activity state aid may support, and which programmes'
    grants it has had (or that it has had none of one). The latest declaration of a kind counts."""

    class Kind(models.TextChoices):
        BUSINESS_PERMIT = "business_permit", _("holds a business permit")
        NOT_IN_DIFFICULTY = "not_in_difficulty", _("is not an undertaking in difficulty")
        AID_ELIGIBLE_ACTIVITY = "aid_eligible_activity", _("works in an activity not excluded from state aid")
        DE_MINIMIS_COMPLETE = (
            "de_minimis_complete",
            _("has declared all the de minimis aid it received in the last three years"),
        )
        PROGRAMME_HISTORY = "programme_history", _("grants of a programme received")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="funding_declarations",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    holds = models.BooleanField(_("holds"), help_text=_("For the history: whether it received a grant"))
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    last_granted_on = models.DateField(_("last granted on"), null=True, blank=True)
    declared_on = models.DateField(_("declared on"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-declared_on", "-id"]
        verbose_name = _("funding declaration")
        verbose_name_plural = _("funding declarations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="programme_history", programme__isnull=False)
                | (~Q(kind="programme_history") & Q(programme__isnull=True)),
                name="declaration_history_names_a_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.organisation_id})"


class Application(models.Model):
    """A company's application to a programme (and call), from draft to decision."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        SUBMITTED = "submitted", _("submitted")
        GRANTED = "granted", _("granted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme"))
    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("call")
    )
    action = models.ForeignKey(
        "journeys.RoadmapAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("roadmap action"),
    )
    amount_requested = models.DecimalField(
        _("amount requested (EUR)"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    amount_granted = models.DecimalField(
        _("amount granted (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")

    def __str__(self) -> str:
        return f"application {self.pk} ({self.status})"


class Investment(models.Model):
    """An investment the hub's support triggered: the one table the KPIs and the services export read."""

    class Kind(models.TextChoices):
        PUBLIC_GRANT = "public_grant", _("public grant")
        LOAN = "loan", _("loan")
        EQUITY = "equity", _("equity")
        OWN_FUNDS = "own_funds", _("own funds")

    class Source(models.TextChoices):
        APPLICATION = "application", _("an application granted")
        PILOT = "pilot", _("a pilot")
        SERVICE = "service", _("a service")
        MANUAL = "manual", _("entered by hand")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="investments",
        verbose_name=_("organisation"),
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    made_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="investment",
        verbose_name=_("application"),
    )
    service_record = models.ForeignKey(
        "reporting.ServiceRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="investments",
        verbose_name=_("service record"),
    )
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-made_on", "-id"]
        verbose_name = _("investment triggered")
        verbose_name_plural = _("investments triggered")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="investment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} EUR ({self.kind})"


class SavedSearch(models.Model):
    """A search for funding a person keeps; a digest tells them when a new call matches it or a saved call
    is about to close."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_searches", verbose_name=_("owner")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the organisation"),
    )
    name = models.CharField(_("name"), max_length=120)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    saved_calls = models.ManyToManyField(Call, blank=True, related_name="+", verbose_name=_("calls followed"))
    notified_calls = models.JSONField(_("calls already announced"), default=list, blank=True)
    last_sent_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("name", "criteria")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved funding search")
        verbose_name_plural = _("saved funding searches")

    def __str__(self) -> str:
        return self.name
