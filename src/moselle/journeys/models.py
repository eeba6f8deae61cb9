"""A company's way through the hub: the case that follows one engagement through the funnel, the needs it
has, the roadmap that answers them, the referrals to those who deliver, and the timeline and tasks that
keep the advisor's work in one place.

Every write goes through ``journeys.actions``. Personal data lives only where a person wrote to the hub
(``IntakeRequest``); the timeline stores references to other rows, never a copy of what they hold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moselle.organisations.models import EdihCategory

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Stage(models.TextChoices):
    """The Commission's funnel: a company hears of the hub, is inspired in a group, engages one to one."""

    INFORM = "inform", _("Inform")
    INSPIRE = "inspire", _("Inspire")
    ENGAGE = "engage", _("Engage")


STAGE_ORDER = {Stage.INFORM: 0, Stage.INSPIRE: 1, Stage.ENGAGE: 2}


class Case(models.Model):
    """One engagement of the hub with an organisation, from the first contact to its close.

    A case opened by a request waits in triage (``status`` triage) until an advisor takes it, linking it
    to the organisation in the registry, or closes it with a reason."""

    class Status(models.TextChoices):
        TRIAGE = "triage", _("awaiting triage")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Origin(models.TextChoices):
        REQUEST = "request", _("request for help on the website")
        ADVISOR = "advisor", _("entered by an advisor")
        EVENT = "event", _("attended an event")
        API = "api", _("API")
        HUB = "hub", _("referred by another hub")

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", _("support delivered")
        DUPLICATE = "duplicate", _("duplicate of another case")
        OUT_OF_SCOPE = "out_of_scope", _("outside the hub's services")
        NOT_ELIGIBLE = "not_eligible", _("not eligible")
        NO_RESPONSE = "no_response", _("no response")
        WITHDRAWN = "withdrawn", _("withdrawn by the organisation")
        SPAM = "spam", _("not a genuine request")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("what it is about"), max_length=200)
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("advisor")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TRIAGE)
    stage = models.CharField(_("funnel stage"), max_length=10, choices=Stage.choices, default=Stage.INFORM)
    stage_changed_at = models.DateTimeField(_("in this stage since"))
    origin = models.CharField(_("opened through"), max_length=10, choices=Origin.choices)
    categories = models.JSONField(_("services asked for"), default=list, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    close_reason = models.CharField(_("closed because"), max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(_("note on closing"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "stage"], name="case_status_stage")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class IntakeRequest(models.Model):
    """What a person wrote when asking the hub for help: who asks, for which organisation, what for, how
    they found the hub. Held on the hub's legitimate interest in answering a request it was sent."""

    class HeardFrom(models.TextChoices):
        EVENT = "event", _("an event")
        SEARCH = "search", _("a web search")
        COLLEAGUE = "colleague", _("a colleague or another company")
        PARTNER = "partner", _("a partner of the hub")
        CHAMBER = "chamber", _("a chamber or federation")
        PRESS = "press", _("the press or social media")
        OTHER = "other", _("elsewhere")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="request", verbose_name=_("case"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role in the organisation"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    message = models.TextField(_("what you need"))
    heard_from = models.CharField(_("how you heard of us"), max_length=12, choices=HeardFrom.choices, blank=True)
    language = models.CharField(_("language"), max_length=2)
    legal_basis = models.CharField(_("legal basis"), max_length=30, default="legitimate_interest")
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("account")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("name", "email", "phone", "role")

    class Meta:
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")

    def __str__(self) -> str:
        return f"request {self.pk} ({self.organisation_name})"


class StageMove(models.Model):
    """A case's move from one funnel stage to another: the history the funnel figures are read from."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="moves", verbose_name=_("case"))
    from_stage = models.CharField(_("from"), max_length=10, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=10, choices=Stage.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage or '-'} > {self.to_stage}"

    @property
    def is_backwards(self) -> bool:
        return bool(self.from_stage) and STAGE_ORDER[Stage(self.to_stage)] < STAGE_ORDER[Stage(self.from_stage)]


class Need(models.Model):
    """Something the organisation needs, drafted from an assessment's gap in one dimension or written by the
    advisor or the company, with what the priority is computed from.

    Priority = importance * gap * urgency / effort; the advisor may set another with a stated reason."""

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("drafted from the assessment")
        ADVISOR = "advisor", _("written by the advisor")
        COMPANY = "company", _("written by the company")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MET = "met", _("met")
        DROPPED = "dropped", _("dropped")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="needs", verbose_name=_("organisation")
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs", verbose_name=_("case")
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    title = models.CharField(_("need"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    result = models.ForeignKey(
        "assessments.Result",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment result"),
    )
    dimension = models.CharField(_("maturity dimension"), max_length=4, blank=True)
    current_score = models.DecimalField(_("current score"), max_digits=5, decimal_places=2, null=True, blank=True)
    target_score = models.DecimalField(_("target score"), max_digits=5, decimal_places=2, null=True, blank=True)
    gap = models.DecimalField(
        _("gap (points)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How far the organisation is from where it wants to be, 0-100"),
    )
    missing = models.JSONField(_("what is missing"), default=list, blank=True)
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies")
    )
    category = models.CharField(_("EDIH category"), max_length=40, choices=EdihCategory.choices, blank=True)
    importance = models.PositiveSmallIntegerField(_("importance to the company (1-5)"), default=3, validators=SCALE)
    urgency = models.PositiveSmallIntegerField(_("urgency (1-5)"), default=3, validators=SCALE)
    effort = models.PositiveSmallIntegerField(_("effort (1-5)"), default=3, validators=SCALE)
    priority = models.DecimalField(_("priority"), max_digits=9, decimal_places=4, default=0)
    priority_override = models.DecimalField(
        _("priority set by the advisor"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    override_reason = models.CharField(_("reason for the priority set"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=models.Q(gap__gte=0, gap__lte=100), name="need_gap_range"),
            models.CheckConstraint(
                condition=models.Q(importance__gte=1, importance__lte=5)
                & models.Q(urgency__gte=1, urgency__lte=5)
                & models.Q(effort__gte=1, effort__lte=5),
                name="need_scales_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language: a need drafted from a dimension is named by the dimension."""
        if self.source == self.Source.ASSESSMENT and self.dimension and self.result is not None:
            from moselle.journeys.drafting import dimension_title

            result = self.result
            return (
                dimension_title(result.questionnaire_type, result.questionnaire_version, self.dimension) or self.title
            )
        return self.title

    @property
    def missing_texts(self) -> list[str]:
        """What is missing, in plain words in the reader's language."""
        if not self.missing:
            return []
        if self.result is None:
            return [str(line.get("text", "")) for line in self.missing]
        from moselle.journeys.drafting import missing_texts

        return missing_texts(self.result.questionnaire_type, self.result.questionnaire_version, self.missing)

    @property
    def ranking(self) -> Decimal:
        """The priority the list is ordered by: the advisor's when set."""
        return self.priority_override if self.priority_override is not None else self.priority


class Horizon(models.TextChoices):
    NOW = "0-3", _("0-3 months")
    NEXT = "3-12", _("3-12 months")
    LATER = "12-24", _("12-24 months")


HORIZON_MONTHS = {Horizon.NOW: 3, Horizon.NEXT: 12, Horizon.LATER: 24}


class Roadmap(models.Model):
    """The organisation's working roadmap for a case: actions the advisor edits until the company agrees.
    Each agreement keeps a copy (``RoadmapVersion``); editing afterwards starts the next version."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="roadmaps", verbose_name=_("organisation")
    )
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="roadmap", verbose_name=_("case"))
    drafted_at = models.DateTimeField(_("drafted at"))
    changed_since_agreement = models.BooleanField(_("changed since the last agreement"), default=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")

    def __str__(self) -> str:
        return f"roadmap {self.pk} (case {self.case_id})"


class RoadmapAction(models.Model):
    """One step of a roadmap: what is done, by whom, by when, towards which need."""

    class Owner(models.TextChoices):
        COMPANY = "company", _("the company")
        HUB = "hub", _("the hub")
        PROVIDER = "provider", _("a provider")
        PARTNER = "partner", _("a partner of the hub")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="actions", verbose_name=_("roadmap"))
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("need")
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    horizon = models.CharField(_("horizon"), max_length=5, choices=Horizon.choices)
    owner_kind = models.CharField(_("who acts"), max_length=10, choices=Owner.choices, default=Owner.COMPANY)
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    technologies = models.ManyToManyField(
        "core.Technology", blank=True, related_name="+", verbose_name=_("technologies")
    )
    category = models.CharField(_("EDIH category"), max_length=40, choices=EdihCategory.choices, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["roadmap", "position", "id"]
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")

    def __str__(self) -> str:
        return self.title


class RoadmapVersion(models.Model):
    """A roadmap as the company agreed it: the actions as they stood, who agreed and when."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="versions", verbose_name=_("roadmap"))
    number = models.PositiveIntegerField(_("version"))
    actions = models.JSONField(_("actions as agreed"), default=list)
    agreed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agreed by")
    )
    agreed_at = models.DateTimeField(_("agreed at"))

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["roadmap", "-number"]
        verbose_name = _("agreed roadmap")
        verbose_name_plural = _("agreed roadmaps")
        constraints = [models.UniqueConstraint(fields=["roadmap", "number"], name="roadmap_version_unique")]

    def __str__(self) -> str:
        return f"roadmap {self.roadmap_id} v{self.number}"


class Referral(models.Model):
    """The hub's introduction of a company to a provider, a partner or a hub abroad, for one need, action
    or search result. The recipient sees only what the company agreed to share with it (``shared``), and
    only once that consent is recorded."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Share(models.TextChoices):
        PROFILE = "profile", _("the organisation's profile")
        CONTACT = "contact", _("the contact person")
        NEED = "need", _("the need referred")
        ASSESSMENT = "assessment", _("the maturity results")
        ROADMAP = "roadmap", _("the roadmap")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("company")
    )
    recipient = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("referred to"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("case")
    )
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("need")
    )
    action = models.ForeignKey(
        RoadmapAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("roadmap action"),
    )
    offer = models.ForeignKey(
        "catalogue.Offer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("offer"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    note = models.TextField(_("what is asked"), blank=True)
    shared = models.JSONField(_("what the company shares"), default=list)
    consent = models.ForeignKey(
        "accounts.Consent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent to share"),
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("company's satisfaction (1-5)"), null=True, blank=True, validators=SCALE
    )
    service_record_draft = models.JSONField(_("proposed service record"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="referral_satisfaction_range",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class ReferralMove(models.Model):
    """A referral's change of status, with who made it and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="moves", verbose_name=_("referral"))
    from_status = models.CharField(_("from"), max_length=12, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Referral.Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '-'} > {self.to_status}"


# What a timeline entry says happened, by code; ``%(detail)s`` is the entry's ``summary`` (a stage, a title,
# an organisation's name, never a person's data). An app that adds entries adds its codes here.
VERBS = {
    "requested": _("asked the hub for help"),
    "opened": _("case opened"),
    "triaged": _("case taken on by an advisor"),
    "closed": _("case closed"),
    "moved": _("case moved to %(detail)s"),
    "needs_drafted": _("needs drafted from the assessment"),
    "need_added": _("need added: %(detail)s"),
    "roadmap_drafted": _("roadmap drafted"),
    "action_added": _("roadmap action added: %(detail)s"),
    "action_changed": _("roadmap action changed: %(detail)s"),
    "roadmap_agreed": _("roadmap agreed, version %(detail)s"),
    "referral_proposed": _("referral proposed to %(detail)s"),
    "consent_given": _("consent given to share the file with %(detail)s"),
    "consent_withdrawn": _("consent to share the file with %(detail)s withdrawn"),
    "referral_accepted": _("referral accepted by %(detail)s"),
    "referral_declined": _("referral declined by %(detail)s"),
    "referral_in_progress": _("work started by %(detail)s"),
    "referral_done": _("referral completed by %(detail)s"),
    "referral_withdrawn": _("referral to %(detail)s withdrawn"),
    "referral_rated": _("referral rated %(detail)s out of 5"),
    "assessment_submitted": _("maturity assessment %(detail)s submitted"),
    "event_attended": _("attended the event %(detail)s"),
    "course_enrolled": _("enrolled in the course %(detail)s"),
    "course_completed": _("completed the course %(detail)s"),
    "training_recorded": _("training recorded as a service delivered: %(detail)s"),
    "pilot_opened": _("test-before-invest project opened: %(detail)s"),
    "pilot_gate": _("project passed a stage gate: %(detail)s"),
    "pilot_started": _("proof of concept or pilot started: %(detail)s"),
    "pilot_stopped": _("test-before-invest project stopped: %(detail)s"),
    "pilot_decided": _("go/no-go decided: %(detail)s"),
    "pilot_signed_off": _("project outcome signed off by the company: %(detail)s"),
    "logged": "%(detail)s",  # the advisor's own words
}


class Activity(models.Model):
    """One entry of an organisation's timeline. It names what happened and points at the row it concerns
    (``target_type``, ``target_id``); it never copies personal data."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        CALL = "call", _("call")
        EMAIL = "email", pgettext_lazy("an e-mail sent or received", "e-mail")
        NOTE = "note", _("note")
        EVENT = "event", _("event attended")
        ASSESSMENT = "assessment", _("assessment")
        CASE = "case", _("case")
        NEED = "need", _("need")
        ROADMAP = "roadmap", _("roadmap")
        REFERRAL = "referral", _("referral")
        TRAINING = "training", _("training")
        PILOT = "pilot", _("test before invest")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    verb = models.CharField(_("what happened"), max_length=60)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    target_type = models.CharField(_("concerns"), max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(_("concerns id"), null=True, blank=True)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["organisation", "-at"], name="activity_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} {self.verb}"

    def text(self) -> str:
        """What happened, in the reader's language."""
        detail = self.summary
        if self.verb == "moved" and detail in Stage.values:
            detail = str(Stage(detail).label)
        return str(VERBS.get(self.verb, self.verb)) % {"detail": detail}


class Task(models.Model):
    """Something an advisor has to do by a date, perhaps for a case; a reminder goes out when it is due."""

    class Status(models.TextChoices):
        OPEN = "open", _("to do")
        DONE = "done", _("done")

    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="journey_tasks", verbose_name=_("for")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("organisation"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("case")
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "status", "due_on"], name="task_for_assignee")]

    def __str__(self) -> str:
        return self.title
