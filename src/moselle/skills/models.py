"""Courses, who completed them, and the digital skills a company has and needs, role by role.

A course is a catalogue offer of kind training with what a course needs besides (``Course``); its dated runs
are events of kind training session (``CourseSession`` joins one to its course), so that enrolment, seats,
the waiting list, reminders, attendance and certificates are the events' own. A company's skills picture
(``SkillsProfile``) holds, for each of its roles, the current and needed level of the digital skills that
matter to it; a gap is a row whose needed level is above the current one.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField


class Level(models.IntegerChoices):
    """One scale for what a course teaches and what a role has or needs."""

    NONE = 0, _("none")
    AWARENESS = 1, _("awareness")
    BASIC = 2, _("basic")
    INTERMEDIATE = 3, _("intermediate")
    ADVANCED = 4, _("advanced")


class Role(models.TextChoices):
    PRODUCTION_OPERATOR = "production_operator", _("production operators")
    MAINTENANCE_TECHNICIAN = "maintenance_technician", _("maintenance technicians")
    ENGINEER = "engineer", _("engineers")
    MANAGER = "manager", _("managers")
    OFFICE_STAFF = "office_staff", _("office staff")


class Course(models.Model):
    """What a training offer needs to be a course: its level, length, format and language, its price and aid
    per participant, the skills it teaches and what a participant should know before."""

    class Format(models.TextChoices):
        CLASSROOM = "classroom", _("classroom")
        ONLINE = "online", _("online")
        BLENDED = "blended", _("blended")

    offer = models.OneToOneField(
        "catalogue.Offer", on_delete=models.CASCADE, related_name="course", verbose_name=_("offer")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices[1:])
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=6, decimal_places=1)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    language = models.CharField(_("language of teaching"), max_length=2)
    price_per_participant = models.DecimalField(
        _("price per participant (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    aid_per_participant = models.DecimalField(
        _("aid per participant (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("The part of the price paid by national or regional public aid, granted as de minimis aid"),
    )
    aid_scheme = models.CharField(
        _("aid scheme"), max_length=200, blank=True, help_text=_("e.g. eligible for national training aid")
    )
    skills = models.ManyToManyField("core.Skill", related_name="+", verbose_name=_("skills taught"))
    prerequisites = TranslatedTextField(_("prerequisites"), blank=True)
    has_assessment = models.BooleanField(
        _("ends with an assessment"), default=False, help_text=_("A participant completes the course by passing it")
    )
    updated_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["offer_id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="course_level_range"),
            models.CheckConstraint(condition=Q(duration_hours__gt=0), name="course_duration_positive"),
            models.CheckConstraint(condition=Q(price_per_participant__gte=0), name="course_price_not_negative"),
            models.CheckConstraint(
                condition=Q(aid_per_participant__gte=0, aid_per_participant__lte=F("price_per_participant")),
                name="course_aid_within_price",
            ),
        ]

    def __str__(self) -> str:
        return str(self.offer)

    @property
    def is_aided(self) -> bool:
        return self.aid_per_participant > 0


class CourseSession(models.Model):
    """One run of a course: an event of kind training session, with its own dates and seats."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    event = models.OneToOneField(
        "events.Event", on_delete=models.PROTECT, related_name="course_session", verbose_name=_("event")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["event_id"]
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")

    def __str__(self) -> str:
        return str(self.event)


class Completion(models.Model):
    """A participant completed a course: attended every day of its session and, where the course ends with
    an assessment, passed it. The person is the registration's; nothing personal is copied here."""

    registration = models.OneToOneField(
        "events.Registration", on_delete=models.CASCADE, related_name="completion", verbose_name=_("enrolment")
    )
    session = models.ForeignKey(
        CourseSession, on_delete=models.PROTECT, related_name="completions", verbose_name=_("course session")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    passed = models.BooleanField(_("passed the assessment"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")

    def __str__(self) -> str:
        return f"completion {self.pk}"


class SkillsProfile(models.Model):
    """A company's digital skills, role by role: proposed from its sector, its assessment and its roadmap, then
    adjusted by the advisor or the company."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="skills_profile",
        verbose_name=_("organisation"),
    )
    proposed_from = models.JSONField(
        _("proposed from"), default=dict, blank=True, help_text=_("The sector, assessment result and roadmap read")
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("skills profile")
        verbose_name_plural = _("skills profiles")

    def __str__(self) -> str:
        return f"skills of {self.organisation_id}"


class RoleSkill(models.Model):
    """The current and needed level of one skill for one role of a company, and why it was proposed."""

    class Origin(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ADJUSTED = "adjusted", _("adjusted")
        ADDED = "added", _("added by hand")

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="rows", verbose_name=_("profile"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    skill = models.ForeignKey("core.Skill", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill"))
    current = models.PositiveSmallIntegerField(_("current level"), choices=Level.choices)
    needed = models.PositiveSmallIntegerField(_("needed level"), choices=Level.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.PROPOSED)
    basis = models.JSONField(_("why proposed"), default=dict, blank=True)
    created_at = models.DateTimeField(_("first recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["role", "skill__label", "id"]
        verbose_name = _("skill of a role")
        verbose_name_plural = _("skills of roles")
        constraints = [
            models.UniqueConstraint(fields=["profile", "role", "skill"], name="roleskill_once_per_role"),
            models.CheckConstraint(condition=Q(current__lte=4, needed__lte=4), name="roleskill_level_range"),
            models.CheckConstraint(condition=Q(needed__gte=F("current")), name="roleskill_needed_not_below"),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.skill_id} {self.current}->{self.needed}"

    @property
    def gap(self) -> int:
        return self.needed - self.current
