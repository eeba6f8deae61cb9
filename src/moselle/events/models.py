"""The hub's events: webinars, workshops, talks of a series, tour stops and training sessions; who registered,
who waits for a seat, who came, and what they thought of it.

An event's sessions are dated in the event's own time zone (a date and local clock times), so that a session
on a clock-change day keeps its local time. Registration needs no account. Seats are taken by confirmed
registrations and by open offers to the waiting list; ``actions`` takes them under a lock on the event's row so
that two registrations never take the last seat twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from moselle.core.i18n import TranslatedTextField, pick


class Series(models.Model):
    """Events that belong together (e.g. the "L-DIH Talks"); each series has a public iCalendar feed."""

    title = TranslatedTextField(_("title"))
    description = TranslatedTextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["id"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return pick(self.title) or f"series {self.pk}"


class Event(models.Model):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("webinar")
        WORKSHOP = "workshop", _("workshop")
        TALK = "talk", _("talk in a series")
        TOUR_STOP = "tour_stop", _("tour stop")
        TRAINING = "training", _("training session")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("series")
    )
    title = TranslatedTextField(_("title"))
    description = TranslatedTextField(_("description"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Luxembourg")
    venue = models.CharField(_("venue"), max_length=300, blank=True, help_text=_("Address, for an event on site"))
    online_link = models.URLField(
        _("online link"), max_length=500, blank=True, help_text=_("Shown only to confirmed attendees")
    )
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True, help_text=_("Empty: no limit"))
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    needs_approval = models.BooleanField(_("registrations need the hub's approval"), default=False)
    offer_hours = models.PositiveIntegerField(
        _("hours to take up a freed seat"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    reminder_days = models.JSONField(
        _("reminders (days before)"), default=list, blank=True, help_text=_("e.g. 7 and 1")
    )
    sends_survey = models.BooleanField(
        _("survey after the event"), default=True, help_text=_("Those who attended get one e-mail with a link")
    )
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="partnered_events", verbose_name=_("partners")
    )
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies")
    )
    sectors = models.ManyToManyField("core.CatalogueSector", blank=True, related_name="+", verbose_name=_("sectors"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Raised on every change of time or place, and on cancellation")
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    is_demo = models.BooleanField(_("is demo"), default=False, help_text=_("Generated demo data, never exported."))

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="event_capacity_1")
        ]

    def __str__(self) -> str:
        return pick(self.title) or f"event {self.pk}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Session(models.Model):
    """One dated part of an event, in the event's time zone (a date and local clock times)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    day = models.DateField(_("date"))
    starts = models.TimeField(_("starts at"))
    ends = models.TimeField(_("ends at"))
    title = TranslatedTextField(_("title"), blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["day", "starts", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="session_ends_after")]

    def __str__(self) -> str:
        return f"{self.day} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def start_at(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.day, self.starts, tzinfo=zone)

    def end_at(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.day, self.ends, tzinfo=zone)


class Question(models.Model):
    """An extra question of an event's registration form."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event"))
    label = TranslatedTextField(_("question"))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return pick(self.label)


class SurveyQuestion(models.Model):
    """A free question of the survey after an event, asked besides the satisfaction from 1 to 5."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_questions", verbose_name=_("event"))
    label = TranslatedTextField(_("question"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return pick(self.label)


class Registration(models.Model):
    """One person registered for an event, with or without an account. Held on the contract of taking part:
    the terms the person accepted, or, for someone enrolled by their organisation (``enrolled_by``), the
    organisation's contract with the hub; hearing about future events is a separate consent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        OFFERED = "offered", _("offered a freed seat")
        CANCELLED = "cancelled", _("cancelled")
        DECLINED = "declined", _("declined by the hub")
        LAPSED = "lapsed", _("offer lapsed")

    HOLDS_A_SEAT: ClassVar[tuple[str, ...]] = (Status.CONFIRMED, Status.OFFERED)
    ACTIVE: ClassVar[tuple[str, ...]] = (Status.PENDING, Status.CONFIRMED, Status.WAITING, Status.OFFERED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("organisation in the registry"),
    )
    language = models.CharField(_("language"), max_length=2, default="en")
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    terms_accepted_at = models.DateTimeField(
        _("terms accepted at"), null=True, blank=True, help_text=_("Empty when enrolled by their organisation")
    )
    enrolled_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
        help_text=_("Who enrolled the person for their organisation (the hub, or the organisation's member)"),
    )
    future_events_consent_at = models.DateTimeField(_("agreed to hear about future events at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    reminded = models.JSONField(_("reminders sent (days before)"), default=list, blank=True)
    survey_sent_at = models.DateTimeField(_("survey sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("name", "email", "answers")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=("pending", "confirmed", "waiting", "offered")),
                name="registration_once_per_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"registration {self.pk} ({self.status})"


class Presence(models.Model):
    """A registrant was there on one day (session) of an event: what a course with several days counts to
    tell whether someone attended all of it."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="presences", verbose_name=_("registration")
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presences", verbose_name=_("session"))
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    marked_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("marked by")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["session_id", "registration_id"]
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [models.UniqueConstraint(fields=["registration", "session"], name="presence_once_per_session")]

    def __str__(self) -> str:
        return f"presence {self.registration_id}@{self.session_id}"


class SurveyResponse(models.Model):
    """An attendee's answer to the survey after the event: satisfaction 1-5 and free text."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="survey", verbose_name=_("registration")
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True, help_text=_("Free answers by question id"))
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("comments", "answers")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5), name="survey_satisfaction_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"survey {self.pk}"
