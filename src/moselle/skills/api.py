"""API of courses and skills: the courses of the catalogue with their sessions; enrolment by the hub or by a
company for its own people; attendance day by day and completion (the hub's staff); a company's digital skills
picture, its gaps ranked with the courses that meet them; and the market's gaps, aggregated and suppressed.

Every read goes through ``skills.access`` (someone who may not see an object gets 404, as if it did not exist);
every write through ``skills.actions`` or ``events.actions.mark_presence``, which name every bad field (422).
Levels are written as names (none, awareness, basic, intermediate, advanced) and read as names or 0 to 4.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator

from moselle.accounts.access import is_hub_staff, require_hub_staff
from moselle.catalogue.models import Offer
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.ids import TOP
from moselle.core.models_taxonomy import Skill
from moselle.events import actions as events
from moselle.events.models import Registration
from moselle.events.queries import free_seats
from moselle.skills import access, actions, market, queries
from moselle.skills.models import Course, CourseSession, Level, RoleSkill, SkillsProfile

router = Router(tags=["skills"])

TRANSLATED = 'Text per language: {"en": …, "fr": …, "de": …}.'
LevelName = Literal["none", "awareness", "basic", "intermediate", "advanced"]
RoleName = Literal["production_operator", "maintenance_technician", "engineer", "manager", "office_staff"]
CourseFormat = Literal["classroom", "online", "blended"]
Language = Literal["en", "fr", "de"]
EventStatus = Literal["draft", "published", "cancelled"]
RegistrationStatus = Literal["pending", "confirmed", "waiting", "offered", "cancelled", "declined", "lapsed"]
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
LEVEL_NAMES: dict[int, str] = {level.value: level.name.lower() for level in Level}


def _not_a_boolean(value: Any) -> Any:
    # JSON true would otherwise pass for the level 1.
    if isinstance(value, bool):
        raise ValueError("give a level's name or a number from 0 to 4, not true or false")
    return value


LevelIn = Annotated[
    Literal["none", "awareness", "basic", "intermediate", "advanced", 0, 1, 2, 3, 4],
    BeforeValidator(_not_a_boolean),
]


def level_name(value: int) -> str:
    return LEVEL_NAMES[value]


# --- Shared pieces -----------------------------------------------------------------------------------------------


class SkillRefOut(Schema):
    uri: str = Field(description="The ESCO URI of the skill.")
    label: str = Field(description="ESCO's English label.")


class ProviderRefOut(Schema):
    id: int = Field(description="The providing organisation's id in the registry.")
    name: str


def _skill(skill: Skill) -> dict[str, str]:
    return {"uri": skill.uri, "label": skill.label}


# --- Courses -----------------------------------------------------------------------------------------------------


class CourseSessionRefOut(Schema):
    id: int = Field(description="The course session's id (``/course-sessions/{id}``).")
    event: int = Field(description="The event's id (``/events/{id}``): its days, venue and registration.")
    first_day: date | None
    seats_left: int | None = Field(description="Seats not taken; null: no limit.")
    needs_approval: bool = Field(description="A company's enrolments wait for the hub's approval (aided courses).")


class CourseOut(Schema):
    id: int = Field(description="The training offer's id in the catalogue (``/offers/{id}``).")
    status: Literal["draft", "submitted", "published", "archived"] = Field(description="The offer's status.")
    title: dict[str, str] = Field(description=TRANSLATED)
    provider: ProviderRefOut
    level: LevelName = Field(description="The level the course teaches.")
    duration_hours: Decimal = Field(description="Hours of teaching, one decimal place.")
    format: CourseFormat
    language: Language = Field(description="The language of teaching.")
    price_per_participant: Decimal = Field(description="EUR.")
    aid_per_participant: Decimal = Field(
        description="EUR: the part of the price paid by public aid, granted as de minimis aid to the company."
    )
    aid_scheme: str = Field(description="The aid scheme the course is eligible for; empty when not aided.")
    skills: list[SkillRefOut] = Field(description="The ESCO skills the course teaches.")
    prerequisites: dict[str, str] = Field(description=TRANSLATED + " Empty when none.")
    has_assessment: bool = Field(description="A participant completes the course by passing its assessment.")
    sessions: list[CourseSessionRefOut] = Field(
        description="Published sessions whose first day is today or later, soonest first."
    )


def _session_ref(session: CourseSession) -> dict[str, Any]:
    first = getattr(session, "first_day", None)
    return {
        "id": session.pk,
        "event": session.event_id,
        "first_day": first if first is not None else queries.first_day(session),
        "seats_left": free_seats(session.event),
        "needs_approval": session.event.needs_approval,
    }


def course_out(offer: Offer, course: Course, sessions: list[CourseSession]) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "status": offer.status,
        "title": offer.title,
        "provider": {"id": offer.provider_id, "name": offer.provider.name},
        "level": level_name(course.level),
        **queries.course_values(course),
        "skills": [_skill(s) for s in sorted(course.skills.all(), key=lambda s: (s.label, s.pk))],
        "prerequisites": course.prerequisites or {},
        "sessions": [_session_ref(s) for s in sessions],
    }


def _courses_out(offers: list[Offer]) -> list[dict[str, Any]]:
    """The courses of ``offers`` (each with its course loaded), their upcoming sessions in one query."""
    upcoming: dict[int, list[CourseSession]] = {}
    for session in queries.upcoming_sessions([o.pk for o in offers]):
        upcoming.setdefault(session.course.offer_id, []).append(session)
    return [course_out(o, o.course, upcoming.get(o.pk, [])) for o in offers]


def _course_of(offer: Offer) -> Course:
    """The course details of a training offer; a training offer without them is not a course (404)."""
    course = queries.course_of(offer)
    if course is None:
        raise Http404
    return course


def _course(offer: Offer) -> dict[str, Any]:
    course = _course_of(offer)
    offer.course = course
    return _courses_out([offer])[0]


class CourseFilter(Schema):
    level: Literal["", "awareness", "basic", "intermediate", "advanced", "1", "2", "3", "4"] = Field(
        "", description="Only courses teaching this level: a name, or 1 to 4."
    )
    format: Literal["", "classroom", "online", "blended"] = ""
    language: Literal["", "en", "fr", "de"] = Field("", description="Only courses taught in this language.")

    model_config = {"extra": "forbid"}


def _filtered(courses: QuerySet[Offer], filters: CourseFilter) -> QuerySet[Offer]:
    if filters.level:
        names = {name: number for number, name in LEVEL_NAMES.items()}
        wanted = int(filters.level) if filters.level.isdecimal() else names[filters.level]
        courses = courses.filter(course__level=wanted)
    if filters.format:
        courses = courses.filter(course__format=filters.format)
    if filters.language:
        courses = courses.filter(course__language=filters.language)
    return courses


@router.get(
    "/courses",
    response={200: Page[CourseOut], **ERRORS},
    summary="Published courses: training offers with their level, price, aid, skills and sessions to come",
)
def course_list(request: HttpRequest, params: Query[PageParams], filters: Query[CourseFilter]) -> Any:
    courses = access.visible_courses(request.user).filter(status=Offer.Status.PUBLISHED, course__isnull=False)
    courses = _filtered(courses, filters).select_related("provider", "course").prefetch_related("course__skills")
    limit, offset = page_limits(params)
    page = paginate(courses.order_by("id"), limit=limit, offset=offset)
    page["items"] = _courses_out(page["items"])
    return page


@router.get("/courses/{offer_id}", response={200: CourseOut, **ERRORS}, summary="One course")
def course_detail(request: HttpRequest, offer_id: int) -> Any:
    return _course(access.get_course_offer_for_user(request.user, offer_id))


class CourseIn(Schema):
    level: LevelIn = Field(description="The level taught: awareness, basic, intermediate or advanced (or 1 to 4).")
    duration_hours: Decimal = Field(description="Hours of teaching, above 0 and at most 2000, one decimal place.")
    format: CourseFormat
    language: Language = Field(description="The language of teaching.")
    price_per_participant: Decimal = Field(Decimal("0"), description="EUR, not negative.")
    aid_per_participant: Decimal = Field(
        Decimal("0"), description="EUR, not above the price; a course with aid names its aid scheme."
    )
    aid_scheme: str = Field("", max_length=200, description="e.g. eligible for national training aid.")
    skills: list[str] = Field(
        description="The skills taught, at least one and at most 30: ESCO URIs (or their last part) or English "
        "labels of ESCO's digital skills or DigComp.",
        max_length=30,
    )
    prerequisites: dict[str, str] = Field({}, description=TRANSLATED + " Optional; at most 2000 characters each.")
    has_assessment: bool = Field(False, description="A participant completes the course by passing its assessment.")

    model_config = {"extra": "forbid"}


@router.put(
    "/courses/{offer_id}",
    response={200: CourseOut, **WRITE_ERRORS},
    summary="Give a training offer what a course needs, or change it (the provider's members and hub staff)",
)
def course_put(request: HttpRequest, offer_id: int, payload: CourseIn) -> Any:
    offer = access.get_course_offer_for_edit(request.user, offer_id)
    actions.course_save(actor=request.user, offer=offer, data=payload.dict())
    return _course(offer)


# --- Sessions ----------------------------------------------------------------------------------------------------


class CourseDayOut(Schema):
    id: int = Field(description="The day's id (an event's session), for marking presence.")
    day: date
    starts: str = Field(pattern=CLOCK, description="Local clock time, HH:MM, in the event's time zone.")
    ends: str = Field(pattern=CLOCK, description="Local clock time, HH:MM, in the event's time zone.")


class ParticipantOut(Schema):
    id: int = Field(description="The enrolment's (event registration's) id.")
    name: str
    organisation: int | None = Field(description="The registry's organisation the participant came for.")
    status: RegistrationStatus
    days_present: list[int] = Field(description="Ids of the days (``days[].id``) the participant was there.")
    completed: bool = Field(description="A completion of the course is recorded.")


class CourseSessionOut(Schema):
    id: int
    course: int = Field(description="The course's (training offer's) id.")
    event: int = Field(description="The event's id (``/events/{id}``).")
    title: dict[str, str] = Field(description=TRANSLATED)
    status: EventStatus
    venue: str
    online_link: str | None = Field(
        description="Hub staff only; null for everyone else (confirmed participants get it by e-mail)."
    )
    capacity: int | None = Field(description="Seats; null for no limit.")
    seats_left: int | None = Field(description="Seats not taken; null: no limit.")
    needs_approval: bool = Field(description="A company's enrolments wait for the hub's approval.")
    registration_closes_at: datetime | None = Field(description="Null: at the start of the first day.")
    days: list[CourseDayOut]
    participants: list[ParticipantOut] | None = Field(
        description="Hub staff only: those enrolled and not cancelled, declined or lapsed; null for everyone else."
    )


def participant_out(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "name": registration.name,
        "organisation": registration.organisation_id,
        "status": registration.status,
        "days_present": sorted(p.session_id for p in registration.presences.all()),
        "completed": hasattr(registration, "completion"),  # read with the registration where it was joined
    }


def session_out(session: CourseSession, *, staff: bool) -> dict[str, Any]:
    event = session.event
    return {
        "id": session.pk,
        "course": session.course.offer_id,
        "event": event.pk,
        "title": event.title,
        "status": event.status,
        "venue": event.venue,
        "online_link": event.online_link if staff else None,
        "capacity": event.capacity,
        "seats_left": free_seats(event),
        "needs_approval": event.needs_approval,
        "registration_closes_at": event.registration_closes_at,
        "days": [
            {"id": d.pk, "day": d.day, "starts": f"{d.starts:%H:%M}", "ends": f"{d.ends:%H:%M}"}
            for d in event.sessions.all()
        ],
        "participants": [participant_out(r) for r in queries.participants(session)] if staff else None,
    }


class CourseDayIn(Schema):
    day: date
    # Clock times without an offset: a day of a course is dated in the event's own time zone.
    starts: str = Field(pattern=CLOCK, description="Local clock time, HH:MM, in Europe/Luxembourg.")
    ends: str = Field(pattern=CLOCK, description="Local clock time, HH:MM; after the start.")

    model_config = {"extra": "forbid"}


class CourseSessionIn(Schema):
    title: dict[str, str] | None = Field(None, description=TRANSLATED + " Null or empty: the course's title.")
    venue: str = Field("", max_length=300, description="Address, for a session on site; give it, the link, or both.")
    online_link: str = Field("", max_length=500, description="https address; sent only to confirmed participants.")
    capacity: int | None = Field(None, description="Seats, 1 to 100000; null for no limit.")
    sessions: list[CourseDayIn] = Field(description="The days of the session, at least one.")
    registration_closes_at: datetime | None = Field(
        None, description="Null: at the start of the first day. Without an offset, in Europe/Luxembourg."
    )
    publish: bool = Field(False, description="Publish at once: enrolment opens.")

    model_config = {"extra": "forbid"}


@router.post(
    "/courses/{offer_id}/sessions",
    response={201: CourseSessionOut, **WRITE_ERRORS},
    summary="Plan a session of a published course (hub staff): an event of kind training, published if asked",
)
def session_create(request: HttpRequest, offer_id: int, payload: CourseSessionIn) -> Any:
    require_hub_staff(request.user)
    course = _course_of(access.get_course_offer_for_user(request.user, offer_id))
    data = payload.dict()
    if not data["title"]:
        data.pop("title")
    session = actions.session_create(actor=request.user, course=course, data=data)
    return Status(201, session_out(access.get_session_for_user(request.user, session.pk), staff=True))


@router.get(
    "/course-sessions/{session_id}",
    response={200: CourseSessionOut, **ERRORS},
    summary="One session of a course, with its participants for hub staff",
)
def session_detail(request: HttpRequest, session_id: int) -> Any:
    session = access.get_session_for_user(request.user, session_id)
    return session_out(session, staff=is_hub_staff(request.user))


# --- Enrolment, presence and completion ---------------------------------------------------------------------------


class PersonIn(Schema):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, description="Where the confirmation and the online link are sent.")
    language: Language = Field("en", description="The language of the e-mails.")

    model_config = {"extra": "forbid"}


class EnrolIn(Schema):
    organisation: int = Field(
        ge=1, le=TOP, description="The company whose people are enrolled: the caller's own, or any for hub staff."
    )
    people: list[PersonIn] = Field(description="At least one, at most 50; all are enrolled or none.", max_length=50)

    model_config = {"extra": "forbid"}


class EnrolmentOut(Schema):
    id: int = Field(description="The enrolment's (event registration's) id.")
    status: RegistrationStatus = Field(
        description="confirmed, or pending (the hub's approval) for a company's enrolment in an aided course."
    )


@router.post(
    "/course-sessions/{session_id}/enrolments",
    response={201: list[EnrolmentOut], **WRITE_ERRORS},
    summary="Enrol people of a company in a session, all or none: the hub for any company, a company for its own",
)
def enrolment_create(request: HttpRequest, session_id: int, payload: EnrolIn) -> Any:
    session = access.get_session_for_user(request.user, session_id)
    organisation = access.get_company_for_skills(request.user, payload.organisation)
    people = [person.dict() for person in payload.people]
    registrations = actions.enrol(actor=request.user, session=session, organisation=organisation, people=people)
    return Status(201, [{"id": r.pk, "status": r.status} for r in registrations])


class PresenceIn(Schema):
    session: int = Field(ge=1, le=TOP, description="The day's id (``days[].id`` of the course session).")
    present: bool = Field(description="True marks the participant present that day; false unmarks it.")

    model_config = {"extra": "forbid"}


@router.post(
    "/enrolments/{registration_id}/presence",
    response={200: ParticipantOut, **WRITE_ERRORS},
    summary="Mark, or unmark, a participant present on one day of the session (hub staff)",
)
def enrolment_presence(request: HttpRequest, registration_id: int, payload: PresenceIn) -> Any:
    registration = access.get_enrolment_for_staff(request.user, registration_id)
    day = registration.event.sessions.filter(pk=payload.session).first()
    if day is None:
        raise ValidationError({"session": _("This day is not one of the enrolment's session.")})
    marked = events.mark_presence(actor=request.user, registration=registration, session=day, present=payload.present)
    return participant_out(marked)


class CompletionIn(Schema):
    passed: bool | None = Field(
        None, description="Whether the participant passed the assessment; required when the course has one."
    )
    completed_on: date | None = Field(
        None, description="The session's last day or later, not in the future; null: today."
    )

    model_config = {"extra": "forbid"}


class CompletionOut(Schema):
    id: int
    registration: int = Field(description="The enrolment's (event registration's) id.")
    completed_on: date
    passed: bool | None = Field(description="Null when the course has no assessment.")


@router.post(
    "/enrolments/{registration_id}/completion",
    response={201: CompletionOut, **WRITE_ERRORS},
    summary="Record that a participant completed the course: every day attended, and passed if assessed (hub staff)",
)
def enrolment_completion(request: HttpRequest, registration_id: int, payload: CompletionIn) -> Any:
    registration = access.get_enrolment_for_staff(request.user, registration_id)
    completion = actions.completion_record(
        actor=request.user, registration=registration, passed=payload.passed, completed_on=payload.completed_on
    )
    return Status(
        201,
        {
            "id": completion.pk,
            "registration": completion.registration_id,
            "completed_on": completion.completed_on,
            "passed": completion.passed,
        },
    )


# --- A company's skills ------------------------------------------------------------------------------------------


class RoleSkillOut(Schema):
    id: int
    role: RoleName
    skill: SkillRefOut
    current: LevelName = Field(description="The level the role has now.")
    needed: LevelName = Field(description="The level the role needs; not below the current one.")
    gap: int = Field(description="Levels between current and needed, 0 to 4.")
    origin: Literal["proposed", "adjusted", "added"] = Field(
        description="proposed by Moselle, adjusted by the hub or the company, or added by hand."
    )
    basis: dict[str, Any] = Field(
        description="Why it was proposed: the role and sector, or the roadmap's technology; the assessment "
        "dimension and its score that gave the current level."
    )


class GapCourseOut(Schema):
    offer: int = Field(description="The training offer's id (``/courses/{id}`` when it has course details).")
    title: dict[str, str] = Field(description=TRANSLATED)
    reason: Literal["teaches", "matches"] = Field(
        description="teaches: the course names the skill; matches: the matching engine found the offer for it."
    )
    next_session: int | None = Field(description="The next course session's id, if one is planned.")


class SkillGapOut(RoleSkillOut):
    courses: list[GapCourseOut] = Field(description="Published courses that meet the gap, at most three.")
    roadmap_action: int | None = Field(description="The company's open roadmap action the gap serves, if any.")


class SkillsOut(Schema):
    organisation: int
    proposed_at: datetime | None = Field(description="When Moselle last proposed the picture; null: never.")
    proposed_from: dict[str, Any] = Field(
        description="What the proposal read: the NACE section, the assessment and its result, the technologies."
    )
    rows: list[RoleSkillOut] = Field(description="Every role's skills, role by role.")
    gaps: list[SkillGapOut] = Field(
        description="The rows whose needed level is above the current one, the largest gap first."
    )


def role_skill_out(row: RoleSkill) -> dict[str, Any]:
    return {
        "id": row.pk,
        "role": row.role,
        "skill": _skill(row.skill),
        "current": level_name(row.current),
        "needed": level_name(row.needed),
        "gap": row.gap,
        "origin": row.origin,
        "basis": row.basis or {},
    }


def _skills(organisation: Any) -> dict[str, Any]:
    profile = SkillsProfile.objects.filter(organisation=organisation).first()
    return {
        "organisation": organisation.pk,
        "proposed_at": profile.proposed_at if profile else None,
        "proposed_from": (profile.proposed_from or {}) if profile else {},
        "rows": [role_skill_out(row) for row in queries.rows_of(organisation)],
        "gaps": [
            {
                **role_skill_out(gap.row),
                "courses": [
                    {
                        "offer": match.offer.pk,
                        "title": match.offer.title,
                        "reason": match.reason,
                        "next_session": match.next_session.pk if match.next_session else None,
                    }
                    for match in gap.courses
                ],
                "roadmap_action": gap.action.pk if gap.action else None,
            }
            for gap in queries.gaps_of(organisation, language=(get_language() or "en")[:2])
        ],
    }


@router.get(
    "/organisations/{organisation_id}/skills",
    response={200: SkillsOut, **ERRORS},
    summary="A company's digital skills, role by role, and its gaps ranked with the courses that meet them",
)
def skills_detail(request: HttpRequest, organisation_id: int) -> Any:
    return _skills(access.get_company_for_skills(request.user, organisation_id))


@router.post(
    "/organisations/{organisation_id}/skills/propose",
    response={200: SkillsOut, **WRITE_ERRORS},
    summary="Propose the company's skills from its sector, assessment and roadmap; rows changed by hand are kept",
)
def skills_propose(request: HttpRequest, organisation_id: int) -> Any:
    organisation = access.get_company_for_skills(request.user, organisation_id)
    actions.profile_propose(actor=request.user, organisation=organisation)
    return _skills(organisation)


class RoleSkillIn(Schema):
    role: RoleName
    skill: str = Field(
        max_length=300,
        description="An ESCO URI (or its last part) or English label of ESCO's digital skills or DigComp.",
    )
    current: LevelIn = Field(description="The level the role has now: a name, or 0 (none) to 4 (advanced).")
    needed: LevelIn = Field(description="The level the role needs, not below the current one: a name, or 0 to 4.")

    model_config = {"extra": "forbid"}


@router.put(
    "/organisations/{organisation_id}/skills/rows",
    response={200: RoleSkillOut, **WRITE_ERRORS},
    summary="Set the current and needed level of one skill for one role of a company",
)
def role_skill_put(request: HttpRequest, organisation_id: int, payload: RoleSkillIn) -> Any:
    organisation = access.get_company_for_skills(request.user, organisation_id)
    row = actions.role_skill_save(
        actor=request.user,
        organisation=organisation,
        role=payload.role,
        skill=payload.skill,
        data={"current": payload.current, "needed": payload.needed},
    )
    return role_skill_out(row)


@router.delete(
    "/skills/rows/{row_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove one skill of one role from a company's picture",
)
def role_skill_delete(request: HttpRequest, row_id: int) -> Any:
    row = access.get_role_skill_for_user(request.user, row_id)
    actions.role_skill_remove(actor=request.user, row=row)
    return Status(204, None)


# --- The market's gaps -------------------------------------------------------------------------------------------


class MarketFilter(Schema):
    breakdown: Literal["", "sector", "size_class", "region", "quarter"] = Field(
        "",
        description="Break each skill's companies down by NACE section, size class, region or the quarter the gap "
        "was first recorded; empty: no breakdown.",
    )

    model_config = {"extra": "forbid"}


class MarketCellOut(Schema):
    key: str = Field(description="The breakdown's value: a NACE section, size class, region or quarter.")
    companies: int | None = Field(description="Companies with the gap; null when suppressed, never a number under 5.")
    suppressed: bool


class MarketRowOut(Schema):
    skill: SkillRefOut
    companies: int | None = Field(
        description="Companies with a gap in the skill; null when fewer than five (none included), never a number "
        "under five. A skill with fewer than five and no course is not listed."
    )
    suppressed: bool = Field(description="Fewer than five companies have the gap (perhaps none).")
    in_demand: bool = Field(description="Five companies or more have a gap in the skill.")
    not_on_offer: bool = Field(description="In demand, and no published course teaches it.")
    courses: int = Field(description="Published courses that teach the skill.")
    seats: int | None = Field(
        description="Seats of those courses' sessions in the next six months; null when one has no limit."
    )
    sessions: int = Field(description="Those courses' sessions starting in the next six months.")
    cells: list[MarketCellOut] = Field(
        description="The breakdown, one cell per key of the organisations with a skills picture (zero included); "
        "empty without a breakdown."
    )


class MarketOut(Schema):
    horizon: date = Field(description="The last day of the six months whose sessions count as supply.")
    breakdown: Literal["", "sector", "size_class", "region", "quarter"]
    keys: list[str] = Field(description="The breakdown's keys, in order; empty without a breakdown.")
    rows: list[MarketRowOut] = Field(
        description="In demand and not on offer first, then in demand (most companies first), then on offer with "
        "fewer than five companies, by the skill's name."
    )


@router.get(
    "/skills/market",
    response={200: MarketOut, **ERRORS},
    summary="The market's digital skills gaps against the courses on offer, with small counts suppressed",
)
def skills_market(request: HttpRequest, filters: Query[MarketFilter]) -> Any:
    access.require_market_reader(request.user)
    result = market.market(filters.breakdown)
    return {
        "horizon": result.horizon,
        "breakdown": result.breakdown,
        "keys": result.keys,
        "rows": [
            {
                "skill": _skill(row.skill),
                "companies": row.companies,
                "suppressed": row.suppressed,
                "in_demand": row.in_demand,
                "not_on_offer": row.not_on_offer,
                "courses": row.courses,
                "seats": row.seats,
                "sessions": row.sessions,
                "cells": [
                    {"key": cell.key, "companies": cell.companies, "suppressed": cell.suppressed} for cell in row.cells
                ],
            }
            for row in result.rows
        ],
    }
