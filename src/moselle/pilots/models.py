"""Test before invest: the facilities where a company tries a technology before it invests, and the proofs of
concept and pilots the hub runs with its partners.

A facility is a catalogue offer of kind test facility with what a facility needs besides (``Facility``): the
unit of use, the capacity per period, when it is available. Its calendar is made of ``Booking`` rows, one per
period a project booked units in; the sum of the units booked in a period never exceeds the capacity, checked
under the facility's row lock. A ``Project`` goes through stage gates (``Gate``, one row per step, with who
decided and why) from scoping to the go/no-go decision, with its partners, success criteria agreed up front,
milestones, budget by partner, bookings, aid and documents; the company signs its outcome off.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField
from moselle.reporting.models import AidBasis


class Facility(models.Model):
    """A test facility: who owns it (the offer's provider), what one unit of use is, how many units it offers
    per period, and when it can be booked."""

    class Kind(models.TextChoices):
        HPC = "hpc", _("HPC system")
        AI_LAB = "ai_lab", _("AI lab")
        CYBER_RANGE = "cyber_range", _("cyber range")
        PILOT_LINE = "pilot_line", _("pilot production line")
        TESTBED_5G = "testbed_5g", _("5G test bed")
        OTHER = "other", _("other facility")

    class Unit(models.TextChoices):
        CORE_HOURS = "core_hours", _("core-hours")
        GPU_HOURS = "gpu_hours", _("GPU-hours")
        LAB_DAYS = "lab_days", _("lab days")
        LINE_SHIFTS = "line_shifts", _("line shifts")
        TESTBED_DAYS = "testbed_days", _("test bed days")

    class Period(models.TextChoices):
        DAY = "day", _("per day")
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")

    offer = models.OneToOneField(
        "catalogue.Offer", on_delete=models.CASCADE, related_name="facility", verbose_name=_("offer")
    )
    kind = models.CharField(_("kind of facility"), max_length=12, choices=Kind.choices)
    unit = models.CharField(_("unit of use"), max_length=12, choices=Unit.choices)
    capacity = models.PositiveIntegerField(_("capacity (units per period)"))
    period = models.CharField(_("capacity period"), max_length=5, choices=Period.choices)
    access_conditions = TranslatedTextField(_("access conditions"), blank=True)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    open_weekdays = models.JSONField(
        _("open on"), default=list, help_text=_("Weekdays a daily facility can be booked on, Monday 0 to Sunday 6")
    )
    price_per_unit = models.DecimalField(_("price per unit (EUR)"), max_digits=12, decimal_places=2, default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("test facility")
        verbose_name_plural = _("test facilities")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="facility_capacity_positive"),
            models.CheckConstraint(condition=Q(price_per_unit__gte=0), name="facility_price_not_negative"),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True) | Q(available_until__gte=F("available_from")),
                name="facility_available_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return str(self.offer)

    def period_of(self, day: date) -> date:
        """The first day of the period ``day`` falls in."""
        if self.period == self.Period.WEEK:
            return day - timedelta(days=day.weekday())
        if self.period == self.Period.MONTH:
            return day.replace(day=1)
        return day

    def period_end(self, start: date) -> date:
        if self.period == self.Period.WEEK:
            return start + timedelta(days=6)
        if self.period == self.Period.MONTH:
            following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            return following - timedelta(days=1)
        return start


class Stage(models.TextChoices):
    """The stage gates every project passes in this order; ``DECISION`` is where the go/no-go is taken."""

    SCOPING = "scoping", _("scoping")
    FEASIBILITY = "feasibility", _("feasibility")
    EXECUTION = "execution", _("proof of concept or pilot")
    EVALUATION = "evaluation", _("evaluation")
    DECISION = "decision", _("go/no-go decision")


STAGES: tuple[str, ...] = tuple(Stage.values)


class Project(models.Model):
    """A proof of concept or a pilot for a company, answering one of its needs or roadmap actions."""

    class Kind(models.TextChoices):
        POC = "poc", _("proof of concept")
        PILOT = "pilot", _("pilot")

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        STOPPED = "stopped", _("stopped")
        DECIDED = "decided", _("decided, awaiting the company's sign-off")
        COMPLETED = "completed", _("completed")

    class Decision(models.TextChoices):
        GO = "go", _("go")
        NO_GO = "no_go", _("no go")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="pilots", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    technologies = models.ManyToManyField("core.Technology", related_name="+", verbose_name=_("technology area"))
    need = models.ForeignKey(
        "journeys.Need", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("need")
    )
    action = models.ForeignKey(
        "journeys.RoadmapAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("roadmap action"),
    )
    scope = models.TextField(_("scope"))
    objectives = models.TextField(_("objectives"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.SCOPING)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advisor"),
    )
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    aid_amount = models.DecimalField(
        _("aid of national or regional public nature (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    aid_basis = models.CharField(_("state-aid basis"), max_length=12, choices=AidBasis.choices, default=AidBasis.NONE)
    grant = models.ForeignKey(
        "reporting.Grant", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grant")
    )
    service_record = models.ForeignKey(
        "reporting.ServiceRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service record"),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=5, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("why"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    next_steps = models.TextField(_("what follows"), blank=True)
    next_action = models.ForeignKey(
        "journeys.RoadmapAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("roadmap action that follows"),
    )
    investment = models.ForeignKey(
        "funding.Investment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investment triggered"),
    )
    application = models.ForeignKey(
        "funding.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funding application that follows"),
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    sign_off_note = models.CharField(_("the company's remark"), max_length=500, blank=True)
    stopped_reason = models.CharField(_("stopped because"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("is demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    # The advisor, deciders and signatory are accounts, exported and erased with the account.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("test-before-invest project")
        verbose_name_plural = _("test-before-invest projects")
        indexes = [models.Index(fields=["stage", "status"], name="pilot_stage_status")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="pilot_end_after_start"),
            models.CheckConstraint(condition=Q(aid_amount__gte=0), name="pilot_aid_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def next_stage(self) -> str | None:
        at = STAGES.index(self.stage)
        return STAGES[at + 1] if at + 1 < len(STAGES) else None


class Partner(models.Model):
    """An organisation working on a project, its role and its share of the budget."""

    class Role(models.TextChoices):
        PERFORMS = "performs", _("does the work")
        ADVISES = "advises", _("advises")
        FACILITY = "facility", _("provides the facility")
        OTHER = "other", _("other role")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("project"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    contribution = models.CharField(_("what it brings"), max_length=300, blank=True)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2, default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="pilot_partner_once"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="pilot_partner_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class Criterion(models.Model):
    """A success criterion agreed before the work starts, and the result measured against it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("project"))
    text = models.CharField(_("success criterion"), max_length=300)
    target = models.CharField(_("target"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=500, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("success criterion")
        verbose_name_plural = _("success criteria")

    def __str__(self) -> str:
        return self.text

    @property
    def has_result(self) -> bool:
        return self.met is not None and bool(self.result)


class Milestone(models.Model):
    """A milestone or deliverable with its due date, the organisation that owes it, and when it was done."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("milestone")
        DELIVERABLE = "deliverable", _("deliverable")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MILESTONE)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["project", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class Gate(models.Model):
    """One stage gate passed (or the project stopped at it): from which stage to which, who decided and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gates", verbose_name=_("project"))
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices, blank=True)
    passed = models.BooleanField(_("passed"), default=True)
    reason = models.CharField(_("why"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["project", "decided_at", "id"]
        verbose_name = _("stage gate")
        verbose_name_plural = _("stage gates")

    def __str__(self) -> str:
        return f"{self.from_stage} > {self.to_stage or '-'}"


class Booking(models.Model):
    """Units of a facility a project holds in one period (the day, the week from Monday, the month), and the
    units it used."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("facility")
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("project"))
    period_start = models.DateField(_("period"))
    units = models.PositiveIntegerField(_("units booked"))
    used = models.PositiveIntegerField(_("units used"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    usage_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["facility", "period_start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["facility", "period_start", "status"], name="booking_calendar")]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="booking_units_positive"),
            models.CheckConstraint(
                condition=Q(used__isnull=True) | Q(used__lte=F("units")), name="booking_used_within_booked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.period_start} {self.units}"


class Document(models.Model):
    """A file of a project (a scope, a report, a dataset description), stored outside the web root and served
    only to those who see the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project"))
    file = models.OneToOneField(
        "core.StoredFile", on_delete=models.CASCADE, related_name="pilot_document", verbose_name=_("file")
    )
    title = models.CharField(_("title"), max_length=200)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["project", "-id"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def __str__(self) -> str:
        return self.title
