"""Reads that the skills pages, API and exports share: a company's gaps ranked with the courses that meet
them and the roadmap action they fit, a course's upcoming sessions, and a session's participants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils import timezone

from moselle.catalogue.models import Offer
from moselle.core.models_taxonomy import Skill
from moselle.events.models import Event, Registration
from moselle.events.queries import free_seats
from moselle.journeys.models import RoadmapAction
from moselle.organisations.models import Organisation
from moselle.skills.models import Course, CourseSession, Role, RoleSkill, SkillsProfile
from moselle.skills.proposal import rules

ROLE_ORDER = {role: number for number, role in enumerate(Role.values)}
COURSES_PER_GAP = 3


@dataclass(frozen=True)
class CourseMatch:
    offer: Offer
    reason: str  # "teaches" (the course names the skill) or "matches" (the matching engine found it)
    reasons: tuple[str, ...]
    next_session: CourseSession | None


@dataclass
class Gap:
    row: RoleSkill
    courses: list[CourseMatch] = field(default_factory=list)
    action: RoadmapAction | None = None

    @property
    def size(self) -> int:
        return self.row.gap


def rows_of(organisation: Organisation) -> list[RoleSkill]:
    profile = SkillsProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        return []
    rows = list(profile.rows.select_related("skill"))
    return sorted(rows, key=lambda r: (ROLE_ORDER.get(r.role, 99), r.skill.label, r.pk))


def ranked(rows: list[RoleSkill]) -> list[RoleSkill]:
    """The gaps, largest first; then the higher level needed, the role's order and the skill's name."""
    gaps = [r for r in rows if r.needed > r.current]
    return sorted(
        gaps, key=lambda r: (-(r.needed - r.current), -r.needed, ROLE_ORDER.get(r.role, 99), r.skill.label, r.pk)
    )


def upcoming_sessions(offers: list[int] | None = None, *, within_days: int | None = None) -> QuerySet[CourseSession]:
    """Published sessions whose first day is today or later (within ``within_days`` if given)."""
    today = timezone.localdate()
    sessions = CourseSession.objects.filter(event__status=Event.Status.PUBLISHED).annotate(
        first_day=Min("event__sessions__day")
    )
    sessions = sessions.filter(first_day__gte=today)
    if within_days is not None:
        sessions = sessions.filter(first_day__lte=today + timedelta(days=within_days))
    if offers is not None:
        sessions = sessions.filter(course__offer_id__in=offers)
    return sessions.select_related("event", "course__offer").order_by("first_day", "pk")


def _next_sessions(offer_ids: list[int]) -> dict[int, CourseSession]:
    found: dict[int, CourseSession] = {}
    for session in upcoming_sessions(offer_ids):
        found.setdefault(session.course.offer_id, session)
    return found


def _published_trainings() -> QuerySet[Offer]:
    offers = Offer.objects.filter(status=Offer.Status.PUBLISHED, kind=Offer.Kind.TRAINING)
    return offers if settings.MOSELLE_DEMO else offers.filter(is_demo=False)


def courses_for_skills(
    skills: list[Skill], *, language: str = "", limit: int = COURSES_PER_GAP
) -> dict[int, list[CourseMatch]]:
    """For each skill, the published courses that meet it: those that name it first (the ones with a session
    to come before the others), then what the matching engine finds among the training offers for the skill's
    name. A few queries for all the skills together; the engine's index is brought up to date once."""
    from moselle.matching import engine

    if not skills:
        return {}
    trainings = _published_trainings()
    teaching: dict[int, list[Offer]] = {skill.pk: [] for skill in skills}
    for link in (
        Course.skills.through.objects.filter(skill__in=skills, course__offer__in=trainings)
        .select_related("course__offer__provider")
        .order_by("course__offer_id")
    ):
        teaching[link.skill_id].append(link.course.offer)
    found: dict[int, list[int]] = {}
    reasons: dict[tuple[int, int], tuple[str, ...]] = {}
    for number, skill in enumerate(skills):
        answer = engine.search(
            engine.Need(text=skill.label, kinds=("offer",), language=language), limit=40, refresh=number == 0
        )
        offers = [r for r in answer.results if r.item.kind == "offer"]
        found[skill.pk] = [r.item.id for r in offers if r.item.subtitle == Offer.Kind.TRAINING]
        reasons.update({(skill.pk, r.item.id): tuple(reason.text() for reason in r.reasons) for r in offers})
    every = {pk for ids in found.values() for pk in ids}
    extra = {o.pk: o for o in trainings.filter(pk__in=every).select_related("provider")}
    sessions = _next_sessions(sorted(every | {o.pk for offers in teaching.values() for o in offers}))
    answer_for: dict[int, list[CourseMatch]] = {}
    for skill in skills:
        named = sorted(teaching[skill.pk], key=lambda o: (o.pk not in sessions, o.pk))
        matches = [CourseMatch(o, "teaches", reasons.get((skill.pk, o.pk), ()), sessions.get(o.pk)) for o in named]
        for pk in found[skill.pk]:
            if len(matches) >= limit:
                break
            if pk in extra and all(m.offer.pk != pk for m in matches):
                matches.append(CourseMatch(extra[pk], "matches", reasons.get((skill.pk, pk), ()), sessions.get(pk)))
        answer_for[skill.pk] = matches[:limit]
    return answer_for


def courses_for(skill: Skill, *, language: str = "", limit: int = COURSES_PER_GAP) -> list[CourseMatch]:
    return courses_for_skills([skill], language=language, limit=limit)[skill.pk]


def _skill_technologies() -> dict[str, set[str]]:
    """The technologies whose roadmap actions a skill serves (from the proposal's rules)."""
    found: dict[str, set[str]] = {}
    for technology, entries in rules()["technology_skills"].items():
        for entry in entries:
            found.setdefault(entry["skill"], set()).add(technology)
    return found


def fitting_action(row: RoleSkill, actions: list[RoadmapAction]) -> RoadmapAction | None:
    """The company's open roadmap action the gap serves: one of a technology that asks for the skill."""
    wanted = _skill_technologies().get(row.skill.label, set())
    if not wanted:
        return None
    for action in actions:
        if {t.name for t in action.technologies.all()} & wanted:
            return action
    return None


def gaps_of(
    organisation: Organisation, *, rows: list[RoleSkill] | None = None, language: str = "", with_courses: bool = True
) -> list[Gap]:
    """The company's gaps ranked, each with its courses and the roadmap action it serves (``rows``: the
    company's rows when already read)."""
    rows = ranked(rows if rows is not None else rows_of(organisation))
    actions = list(
        RoadmapAction.objects.filter(roadmap__organisation=organisation)
        .exclude(status__in=(RoadmapAction.Status.DONE, RoadmapAction.Status.DROPPED))
        .prefetch_related("technologies")
        .order_by("pk")
    )
    skills = list({row.skill_id: row.skill for row in rows}.values())
    courses = courses_for_skills(skills, language=language) if with_courses else {}
    return [Gap(row=row, courses=courses.get(row.skill_id, []), action=fitting_action(row, actions)) for row in rows]


def participants(session: CourseSession) -> list[Registration]:
    return list(
        Registration.objects.filter(event=session.event)
        .exclude(status__in=(Registration.Status.CANCELLED, Registration.Status.DECLINED, Registration.Status.LAPSED))
        .select_related("organisation", "completion")
        .prefetch_related("presences")
        .order_by("organisation_name", "name", "pk")
    )


def session_facts(session: CourseSession) -> dict[str, Any]:
    days = list(session.event.sessions.all())
    return {
        "days": days,
        "first_day": days[0].day if days else None,
        "seats_left": free_seats(session.event),
        "past": bool(days) and days[0].day < timezone.localdate(),
    }


# What a course's page, form and API show as they are stored.
COURSE_FIELDS = (
    "duration_hours",
    "format",
    "language",
    "price_per_participant",
    "aid_per_participant",
    "aid_scheme",
    "has_assessment",
)


def course_values(course: Course) -> dict[str, Any]:
    return {name: getattr(course, name) for name in COURSE_FIELDS}


def course_of(offer: Offer) -> Course | None:
    return Course.objects.filter(offer=offer).prefetch_related("skills").first()


def first_day(session: CourseSession) -> date | None:
    day = session.event.sessions.order_by("day").values_list("day", flat=True).first()
    return day


__all__ = [
    "COURSE_FIELDS",
    "CourseMatch",
    "Gap",
    "course_of",
    "course_values",
    "courses_for",
    "courses_for_skills",
    "first_day",
    "fitting_action",
    "gaps_of",
    "participants",
    "ranked",
    "rows_of",
    "session_facts",
    "upcoming_sessions",
]
