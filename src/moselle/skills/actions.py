"""Every write of the skills app: a course's details, its sessions, enrolments by the hub, completions, and a
company's skills picture (proposed, then adjusted). Each action checks every field first and names every bad
one at once, then writes in one transaction with its audit entry; nothing is half-written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.catalogue.access import can_edit_offer
from moselle.catalogue.models import Offer
from moselle.core import audit
from moselle.core.i18n import LANGUAGE_CODES, pick, translated_text
from moselle.core.models_taxonomy import Skill
from moselle.events import actions as events
from moselle.events.follow_up import is_customer
from moselle.events.models import Event, Registration, Session
from moselle.events.queries import free_seats
from moselle.journeys.actions import activity_record
from moselle.journeys.actions.checks import check_text, user_of
from moselle.journeys.models import Activity
from moselle.organisations.models import Organisation
from moselle.organisations.validation import parse_amount
from moselle.skills.models import Completion, Course, CourseSession, Level, Role, RoleSkill, SkillsProfile

R = Registration.Status
MAX_SKILLS = 30
MAX_PEOPLE = 50
MAX_HOURS = Decimal("2000")
MAX_AMOUNT = Decimal("9999999999.99")  # what a price or aid column holds: 12 digits, 2 after the point
ESCO_SKILL = "http://data.europa.eu/esco/skill/"


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: list(value) for key, value in error.message_dict.items()}


def _require_staff(actor: Any) -> None:
    if not is_hub_staff(actor):
        raise ValidationError({"actor": _("Only the hub's staff do this.")})


def in_hub_language(value: Mapping[str, str]) -> str:
    """A title in the hub's own language: timeline entries and records are written once."""
    with translation.override(settings.LANGUAGE_CODE):
        return pick(dict(value))[:200]


# --- Skills named in input -----------------------------------------------------------------------------------


def skills_named(values: Any, field: str = "skills") -> list[Skill]:
    """ESCO skills named by their URI (or its last part) or their English label; an unknown one is named."""
    if isinstance(values, str):
        values = [line for line in values.replace(";", "\n").splitlines()]
    if not isinstance(values, (list, tuple)):
        raise ValidationError({field: _("Give the skills as a list of ESCO URIs or labels.")})
    wanted = [str(v).strip() for v in values if str(v).strip()]
    if len(wanted) > MAX_SKILLS:
        raise ValidationError({field: _("At most %(limit)d skills.") % {"limit": MAX_SKILLS}})
    uris = {w if w.startswith("http") else ESCO_SKILL + w for w in wanted}
    by_uri = {s.uri: s for s in Skill.objects.filter(uri__in=uris)}
    labels = [w for w in wanted if not w.startswith("http")]
    by_label: dict[str, Skill] = {}
    folded = {w.casefold() for w in labels}
    for named in Skill.objects.annotate(folded=Lower("label")).filter(folded__in=folded).order_by("id"):
        by_label.setdefault(named.label.casefold(), named)
    found: list[Skill] = []
    unknown: list[str] = []
    for w in wanted:
        skill = by_uri.get(w) or by_uri.get(ESCO_SKILL + w) or by_label.get(w.casefold())
        if skill is None:
            unknown.append(w[:80])
        elif skill not in found:
            found.append(skill)
    if unknown:
        raise ValidationError(
            {
                field: _("Not a skill of ESCO's digital skills or DigComp: %(names)s.")
                % {"names": "; ".join(unknown[:5])}
            }
        )
    return found


# --- Courses ---------------------------------------------------------------------------------------------------


def _level_of(value: Any, field: str, *, lowest: int = 0) -> int:
    if isinstance(value, bool):
        value = None
    text = str(value).strip().lower() if value is not None else ""
    names = {str(label).lower(): number for number, label in Level.choices}
    names.update({member.name.lower(): member.value for member in Level})
    if text.isdecimal() and lowest <= int(text) <= 4:
        return int(text)
    if text in names and names[text] >= lowest:
        return names[text]
    if lowest == 1:
        raise ValidationError({field: _("Choose a level: awareness, basic, intermediate or advanced.")})
    raise ValidationError({field: _("Choose a level from 0 (none) to 4 (advanced).")})


def _checked_course(offer: Offer, data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def take(field: str, check: Any) -> None:
        try:
            values[field] = check(data.get(field))
        except ValidationError as error:
            errors.update(_errors_of(error))

    def hours(value: Any) -> Decimal:
        number = parse_amount(value, "duration_hours", required=True, places=1)
        if number is None or number <= 0 or number > MAX_HOURS:
            raise ValidationError({"duration_hours": _("Give the duration in hours, above 0 and at most 2000.")})
        return number

    def amount(field: str) -> Any:
        def check(value: Any) -> Decimal:
            number = parse_amount(value, field) or Decimal("0")
            if number > MAX_AMOUNT:
                raise ValidationError({field: _("Give an amount per participant of at most 9999999999.99 EUR.")})
            return number

        return check

    def language(value: Any) -> str:
        text = str(value or "").strip().lower()
        if text not in LANGUAGE_CODES:
            raise ValidationError({"language": _("Choose the language of teaching: en, fr or de.")})
        return text

    def fmt(value: Any) -> str:
        if value not in Course.Format.values:
            raise ValidationError({"format": _("Choose the format: classroom, online or blended.")})
        return str(value)

    take("level", lambda v: _level_of(v, "level", lowest=1))
    take("duration_hours", hours)
    take("format", fmt)
    take("language", language)
    take("price_per_participant", amount("price_per_participant"))
    take("aid_per_participant", amount("aid_per_participant"))
    take("aid_scheme", lambda v: check_text(v, "aid_scheme", 200))
    take("skills", lambda v: skills_named(v or []))
    take("prerequisites", lambda v: translated_text(v, "prerequisites", 2000, "") if v else {})
    values["has_assessment"] = data.get("has_assessment") in (True, "true", "on", "1", 1)
    if "skills" in values and not values["skills"]:
        errors["skills"] = [_("Name at least one skill the course teaches.")]
    price, aid = values.get("price_per_participant"), values.get("aid_per_participant")
    if price is not None and aid is not None and aid > price:
        errors["aid_per_participant"] = [_("The aid per participant cannot be above the price per participant.")]
    if aid and not values.get("aid_scheme"):
        errors["aid_scheme"] = [_("Name the aid scheme the course is eligible for.")]
    if offer.kind != Offer.Kind.TRAINING:
        errors["offer"] = [_("Only an offer of kind training is a course.")]
    if errors:
        raise ValidationError(errors)
    return values


def course_save(*, actor: Any, offer: Offer, data: Mapping[str, Any]) -> Course:
    """Give a training offer what a course needs, or change it: hub staff, and the provider's members while the
    offer is a draft or awaits review (what is published was approved by the hub, its aid above all). A course
    that becomes aided has its sessions to come need the hub's approval from then on."""
    if not can_edit_offer(actor, offer):
        raise ValidationError({"actor": _("Only the hub's staff and the provider's members change this course.")})
    values = _checked_course(offer, data)
    skills = values.pop("skills")
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        approved = offer.status in (Offer.Status.PUBLISHED, Offer.Status.ARCHIVED)
        if approved and not is_hub_staff(actor):
            raise ValidationError(
                {"offer": _("A published or archived course is changed by the hub: ask it to put it back to draft.")}
            )
        course = Course.objects.filter(offer=offer).first()
        before = audit.snapshot(course) if course else None
        was_aided = course is not None and course.is_aided
        if course is None:
            course = Course(offer=offer)
        for field, value in values.items():
            setattr(course, field, value)
        course.updated_by = user_of(actor)
        course.save()
        course.skills.set(skills)
        audit.record(actor=actor, action="course.save", target=course, before=before, organisation_id=offer.provider_id)
        if course.is_aided and not was_aided:
            for session in _sessions_to_come(course).filter(event__needs_approval=False):
                if not is_hub_staff(actor):
                    raise ValidationError(
                        {"aid_per_participant": _("The course has sessions planned: the hub makes it aided.")}
                    )
                events.event_update(actor=actor, event=session.event, data={"needs_approval": True})
    return course


def _sessions_to_come(course: Course) -> Any:
    """The course's sessions, published or drafts, that have not started yet."""
    return (
        CourseSession.objects.filter(course=course)
        .exclude(event__status=Event.Status.CANCELLED)
        .annotate(first_day=Min("event__sessions__day"))
        .filter(first_day__gte=timezone.localdate())
        .select_related("event")
    )


def session_create(*, actor: Any, course: Course, data: Mapping[str, Any]) -> CourseSession:
    """A run of the course: an event of kind training session with the course's title unless another is
    given, published at once if asked. Enrolment in an aided course needs the hub's approval, so that its
    aid is granted (and checked against the company's de minimis headroom) by the hub's staff."""
    _require_staff(actor)
    offer = course.offer
    if offer.status != Offer.Status.PUBLISHED:
        raise ValidationError({"course": _("Publish the course's offer before planning its sessions.")})
    fields = dict(data)
    fields["kind"] = Event.Kind.TRAINING
    fields.setdefault("title", dict(offer.title))
    if not fields.get("title"):
        fields["title"] = dict(offer.title)
    fields.setdefault("description", dict(offer.description))
    if course.is_aided:
        fields["needs_approval"] = True
    fields.setdefault("technologies", [t.name for t in offer.technologies.all()])
    with transaction.atomic():
        event = events.event_create(actor=actor, data=fields)
        if data.get("publish") in (True, "true", "on", "1", 1):
            event = events.event_publish(actor=actor, event=event)
        session = CourseSession.objects.create(course=course, event=event)
        audit.record(actor=actor, action="course.session", target=session, organisation_id=offer.provider_id)
    return session


# --- Enrolment and completion ------------------------------------------------------------------------------------


def _people_of(values: Any) -> list[dict[str, str]]:
    if not isinstance(values, (list, tuple)) or not values:
        raise ValidationError({"people": _("Name at least one person to enrol, with an e-mail address.")})
    if len(values) > MAX_PEOPLE:
        raise ValidationError({"people": _("At most %(limit)d people at a time.") % {"limit": MAX_PEOPLE}})
    people: list[dict[str, str]] = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for number, item in enumerate(values, 1):
        if not isinstance(item, Mapping):
            raise ValidationError({"people": _("Give each person as a name and an e-mail address.")})
        try:
            name = check_text(item.get("name"), "name", 200, required=True, missing=_("Give the person's name."))
            email = events.email_of(item.get("email"))
        except ValidationError as error:
            for message in error.messages:
                errors.setdefault("people", []).append(
                    _("Person %(n)d: %(message)s") % {"n": number, "message": message}
                )
            continue
        if email.casefold() in seen:
            errors.setdefault("people", []).append(
                _("Person %(n)d: this e-mail address is given twice.") % {"n": number}
            )
        seen.add(email.casefold())
        language = str(item.get("language") or "en")[:2]
        people.append({"name": name, "email": email, "language": language if language in LANGUAGE_CODES else "en"})
    if errors:
        raise ValidationError(errors)
    return people


def may_enrol_for(actor: Any, organisation: Organisation) -> bool:
    return is_hub_staff(actor) or organisation.pk in member_organisation_ids(actor)


def enrol(*, actor: Any, session: CourseSession, organisation: Organisation, people: Any) -> list[Registration]:
    """Enrol people of a company in a session of a course, all or none: a session without seats for all of
    them, or past, closed or cancelled, refuses with its reason. Staff's enrolments are confirmed at once
    (and an aided course's aid is granted); a company's own wait for the hub's approval where the session
    needs it."""
    if not may_enrol_for(actor, organisation):
        raise ValidationError({"organisation": _("You may enrol only your own organisation's people.")})
    if organisation.merged_into_id or organisation.is_historical:
        raise ValidationError({"organisation": _("This organisation's file is closed; choose the one it became.")})
    found = _people_of(people)
    event = session.event
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        sessions = list(event.sessions.all())
        if sessions and sessions[0].start_at(event.zone) <= now:
            raise ValidationError({"session": _("This session has already started; choose a later one.")})
        try:
            events.check_open(event, now)
        except ValidationError as error:
            raise ValidationError({"session": error.message_dict.get("event", error.messages)}) from None
        # Someone already enrolled is named by their number, as every other person's problem is.
        enrolled = {
            email.casefold()
            for email in event.registrations.filter(status__in=Registration.ACTIVE).values_list("email", flat=True)
        }
        again = [
            _("Person %(n)d: this e-mail address is already enrolled in this session.") % {"n": number}
            for number, person in enumerate(found, 1)
            if person["email"].casefold() in enrolled
        ]
        if again:
            raise ValidationError({"people": again})
        left = free_seats(event)
        if left is not None and left < len(found):
            if left == 0:
                message = _("This session is full; choose another session.")
            else:
                message = _("Only %(left)d seats are left in this session: enrol at most %(left)d people.") % {
                    "left": left
                }
            raise ValidationError({"people": [message]})
        registrations = []
        for person in found:
            registrations.append(
                events.register(
                    event_id=event.pk,
                    data={
                        "name": person["name"],
                        "email": person["email"],
                        "language": person["language"],
                        "organisation_name": organisation.name,
                    },
                    user=actor,
                    organisation=organisation,
                    on_behalf=True,
                )
            )
        if is_customer(organisation):
            activity_record(
                organisation=organisation,
                kind=Activity.Kind.TRAINING,
                verb="course_enrolled",
                target=session,
                actor=actor,
                summary=in_hub_language(session.course.offer.title),
            )
    return registrations


def attended_every_day(registration: Registration, sessions: Iterable[Session]) -> bool:
    days = {s.pk for s in sessions}
    present = set(registration.presences.values_list("session_id", flat=True))
    return bool(days) and days <= present


def completion_record(
    *, actor: Any, registration: Registration, passed: Any = None, completed_on: Any = None
) -> Completion:
    """Record that a participant completed the course: attended every day of the session and, if the course
    ends with an assessment, passed it. Someone who did not attend, or failed, has not completed. Checked and
    written under the event's lock, so that a day unmarked meanwhile cannot slip through."""
    _require_staff(actor)
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=registration.event_id).first()
        registration = Registration.objects.select_related("organisation").get(pk=registration.pk)
        return _complete(actor, registration, passed, completed_on)


def _complete(actor: Any, registration: Registration, passed: Any, completed_on: Any) -> Completion:
    session = (
        CourseSession.objects.select_related("course__offer", "event").filter(event_id=registration.event_id).first()
    )
    if session is None:
        raise ValidationError({"registration": _("This registration is not for a course's session.")})
    course = session.course
    errors: dict[str, list[str]] = {}
    sessions = list(session.event.sessions.all())
    if registration.status != R.CONFIRMED:
        errors["registration"] = [_("Only a confirmed participant completes a course.")]
    elif not attended_every_day(registration, sessions):
        errors["registration"] = [_("This participant did not attend every day of the session: not completed.")]
    outcome: bool | None = None
    if course.has_assessment:
        if passed in (True, "true", "on", "1", 1, "yes"):
            outcome = True
        elif passed in (False, "false", "0", 0, "no"):
            errors["passed"] = [_("A participant who did not pass the assessment has not completed the course.")]
        else:
            errors["passed"] = [_("Say whether the participant passed the course's assessment.")]
    day: date | None = timezone.localdate()
    if completed_on not in (None, ""):
        from django.utils.dateparse import parse_date

        try:
            if isinstance(completed_on, datetime):  # a moment is taken as its day in the hub's time zone
                day = timezone.localdate(completed_on) if timezone.is_aware(completed_on) else completed_on.date()
            elif isinstance(completed_on, date):
                day = completed_on
            else:
                day = parse_date(str(completed_on).strip())
        except ValueError:
            day = None
        if day is None:
            errors["completed_on"] = [_("Give a date as YYYY-MM-DD.")]
        elif day > timezone.localdate():
            errors["completed_on"] = [_("A completion cannot be in the future.")]
        elif sessions and day < sessions[-1].day:
            errors["completed_on"] = [_("A course is completed on its last day or later.")]
    if errors:
        raise ValidationError(errors)
    assert day is not None
    with transaction.atomic():
        existing = Completion.objects.filter(registration=registration).first()
        if existing is not None:
            return existing
        completion = Completion.objects.create(
            registration=registration,
            session=session,
            organisation=registration.organisation,
            passed=outcome,
            completed_on=day,
            recorded_by=user_of(actor),
        )
        audit.record(
            actor=actor, action="course.completion", target=completion, organisation_id=registration.organisation_id
        )
        organisation = registration.organisation
        if is_customer(organisation):
            assert organisation is not None
            title = in_hub_language(course.offer.title)
            activity_record(
                organisation=organisation,
                kind=Activity.Kind.TRAINING,
                verb="course_completed",
                target=completion,
                actor=actor,
                summary=title,
            )
            _training_on_timeline(actor, session, organisation, title)
    return completion


def _training_on_timeline(actor: Any, session: CourseSession, organisation: Organisation, title: str) -> None:
    """Once per session and company: the service record the attendance proposed is on its timeline."""
    from moselle.events.follow_up import source_ref
    from moselle.reporting.models import ServiceRecord

    record = (
        ServiceRecord.objects.filter(source_ref=source_ref(session.event), customer=organisation)
        .exclude(status=ServiceRecord.Status.REJECTED)
        .order_by("pk")
        .first()
    )
    if record is None:
        return
    if Activity.objects.filter(
        organisation=organisation,
        verb="training_recorded",
        target_type=ServiceRecord._meta.label_lower,
        target_id=record.pk,
    ).exists():
        return
    activity_record(
        organisation=organisation,
        kind=Activity.Kind.TRAINING,
        verb="training_recorded",
        target=record,
        actor=actor,
        summary=title,
    )


# --- A company's skills ------------------------------------------------------------------------------------------


def _may_change_profile(actor: Any, organisation: Organisation) -> None:
    if not (is_hub_staff(actor) or organisation.pk in member_organisation_ids(actor)):
        raise ValidationError({"actor": _("Only the hub's staff and the company's members change its skills.")})


def _profile_for(actor: Any, organisation: Organisation) -> SkillsProfile:
    """The company's profile, locked until the transaction ends: changes of one company's skills queue here."""
    found, _created = SkillsProfile.objects.get_or_create(organisation=organisation)
    profile = SkillsProfile.objects.select_for_update().get(pk=found.pk)
    profile.updated_by = user_of(actor)
    profile.save(update_fields=["updated_by", "updated_at"])
    return profile


def profile_propose(*, actor: Any, organisation: Organisation) -> SkillsProfile:
    """Propose the company's roles, skills and levels from its sector, its latest assessment and its roadmap.
    Rows already adjusted or added by hand are kept as they are; proposed rows are proposed again."""
    from moselle.skills import proposal

    _may_change_profile(actor, organisation)
    drafted = proposal.propose(organisation)
    with transaction.atomic():
        profile = _profile_for(actor, organisation)
        kept = {(r.role, r.skill_id) for r in profile.rows.exclude(origin=RoleSkill.Origin.PROPOSED)}
        stale = profile.rows.filter(origin=RoleSkill.Origin.PROPOSED)
        existing = {(r.role, r.skill_id): r for r in stale}
        wanted = set()
        for row in drafted.rows:
            key = (row.role, row.skill.pk)
            if key in kept:
                continue
            wanted.add(key)
            current = existing.get(key)
            if current is None:
                RoleSkill.objects.create(
                    profile=profile,
                    role=row.role,
                    skill=row.skill,
                    current=row.current,
                    needed=row.needed,
                    basis=row.basis,
                )
            elif (current.current, current.needed, current.basis) != (row.current, row.needed, row.basis):
                current.current, current.needed, current.basis = row.current, row.needed, row.basis
                current.save(update_fields=["current", "needed", "basis", "updated_at"])
        for key, stale_row in existing.items():
            if key not in wanted:
                stale_row.delete()
        profile.proposed_from, profile.proposed_at = drafted.source, timezone.now()
        profile.save(update_fields=["proposed_from", "proposed_at", "updated_at"])
        audit.record(actor=actor, action="skills.propose", target=profile, organisation_id=organisation.pk)
    return profile


def _checked_levels(data: Mapping[str, Any]) -> tuple[int, int]:
    errors: dict[str, list[str]] = {}
    current = needed = 0
    try:
        current = _level_of(data.get("current"), "current")
    except ValidationError as error:
        errors.update(_errors_of(error))
    try:
        needed = _level_of(data.get("needed"), "needed")
    except ValidationError as error:
        errors.update(_errors_of(error))
    if not errors and needed < current:
        errors["needed"] = [
            _("The needed level is below the current one: that is no gap. Set it to the current level or above.")
        ]
    if errors:
        raise ValidationError(errors)
    return current, needed


def role_skill_save(
    *, actor: Any, organisation: Organisation, role: Any, skill: Any, data: Mapping[str, Any]
) -> RoleSkill:
    """Set the current and needed level of one skill for one role: a proposed row becomes adjusted, a new
    one is added by hand."""
    _may_change_profile(actor, organisation)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("Choose one of the roles.")]
    found: list[Skill] = []
    try:
        found = [skill] if isinstance(skill, Skill) else skills_named([skill], "skill")
    except ValidationError as error:
        errors.update(_errors_of(error))
    try:
        current, needed = _checked_levels(data)
    except ValidationError as error:
        errors.update(_errors_of(error))
    if not found and "skill" not in errors:
        errors["skill"] = [_("Name a skill of ESCO's digital skills or DigComp.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile = _profile_for(actor, organisation)
        row = RoleSkill.objects.filter(profile=profile, role=role, skill=found[0]).first()
        before = audit.snapshot(row, ["current", "needed", "origin"]) if row else None
        if row is None:
            row = RoleSkill(profile=profile, role=role, skill=found[0], origin=RoleSkill.Origin.ADDED)
        elif row.origin == RoleSkill.Origin.PROPOSED and (row.current, row.needed) != (current, needed):
            row.origin = RoleSkill.Origin.ADJUSTED
        row.current, row.needed = current, needed
        row.save()
        audit.record(actor=actor, action="skills.row", target=row, before=before, organisation_id=organisation.pk)
    return row


def role_skill_remove(*, actor: Any, row: RoleSkill) -> None:
    organisation = row.profile.organisation
    _may_change_profile(actor, organisation)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="skills.row_remove",
            target=row,
            before=audit.snapshot(row),
            organisation_id=organisation.pk,
        )
        row.delete()


__all__ = [
    "completion_record",
    "course_save",
    "enrol",
    "profile_propose",
    "role_skill_remove",
    "role_skill_save",
    "session_create",
    "skills_named",
]
