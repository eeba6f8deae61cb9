"""The demo's courses and skills pictures.

Every demo training offer becomes a course (about a third of them aided); about half of the published ones
have one or two sessions in the next six months, some with companies' people enrolled, and a few were held in
the last months, with presences and completions, so that the training figures and the companies' timelines
show something. Most demo companies have a skills picture proposed from their sector, assessment and roadmap,
a few rows adjusted or added by the advisor, first recorded over the last two years, so that the market view
has skills shown and skills suppressed in every breakdown, and skills in demand that no course teaches.

Written through the skills actions by the demo advisor, reproducible from the demo seed, and loaded once.
Dates that the platform never lets anyone write in the past (a session held, the day a gap was first
recorded) are moved there with a plain update, as the events demo does. Participants' addresses are under
the ``.example`` domain, which cannot receive mail.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from moselle.accounts.models import User
from moselle.assessments.results import nace_section
from moselle.catalogue.models import Offer
from moselle.core.i18n import LANGUAGE_CODES
from moselle.events import actions as events
from moselle.events.demo import FIRST_NAMES, LAST_NAMES
from moselle.events.follow_up import source_ref
from moselle.events.models import Event, Registration, Session
from moselle.journeys.demo import ADVISOR
from moselle.journeys.models import Activity
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import Organisation
from moselle.reporting import ledger
from moselle.reporting.models import ServiceRecord
from moselle.skills import actions
from moselle.skills.models import Course, CourseSession, Role, RoleSkill, SkillsProfile
from moselle.skills.proposal import rules

PROFILES = 48  # demo companies with a skills picture (of about sixty)
QUARTER_DAYS = 91
# Skills the proposal asks for that no demo course teaches: "in demand, not on offer".
NOT_ON_OFFER = (
    "solve technical problems",
    "use e-services",
    "interact through digital technologies",
    "digital twin technology",
    "blockchain architecture",
)
# More skills of ESCO's digital collection a course on a technology teaches, besides the proposal's own.
MORE_SKILLS = {
    "Additive manufacturing": ("3D modelling",),
    "Artificial Intelligence & Decision support": ("utilise machine learning", "artificial neural networks"),
    "Big data": (
        "data mining",
        "evaluate data, information and digital content",
        "manage data, information and digital content",
    ),
    "Cloud Services": ("cloud security and compliance", "collaborate through digital technologies"),
    "Communication network": ("ICT network security risks", "analyse network configuration and performance"),
    "Cyber-physical systems": ("automation technology", "Internet of Things", "industrial software"),
    "Cybersecurity": ("cyber attack counter-measures", "protect ICT devices", "apply digital security measures"),
    "High performance computing": ("Monte Carlo simulation",),
    "Internet Services & Applications": ("e-commerce systems", "digital marketing techniques"),
    "Internet of Things": ("sensors", "maintain sensor equipment"),
    "Logistics": ("use methods of logistical data analysis", "data analytics"),
    "Robotics": ("robotic components", "automation technology"),
    "Sensors & Vision Processing Systems": ("sensors", "develop computer vision system"),
    "Simulation engineering and modelling": ("3D modelling", "Monte Carlo simulation"),
}
GENERAL_SKILL = "keep up with digital transformation of industrial processes"
# The demo catalogue's training patterns (catalogue/data/demo/offer_patterns.json), known by their English title.
PATTERNS: dict[str, dict[str, Any]] = {
    "course": {"level": 3, "hours": "14", "days": 2, "hours_of_day": ("09:00", "17:00"), "assessed": True},
    "managers": {
        "level": 1,
        "hours": "3.5",
        "days": 1,
        "hours_of_day": ("09:00", "12:30"),
        "skills": ("identify technological needs",),
    },
    "operators": {"level": 2, "hours": "7", "days": 1, "hours_of_day": ("09:00", "17:00"), "skills": (GENERAL_SKILL,)},
    "strategy": {
        "level": 2,
        "hours": "7",
        "days": 1,
        "hours_of_day": ("09:00", "17:00"),
        "skills": ("identify technological needs", "identify digital competence gaps", GENERAL_SKILL),
    },
    "data_protection": {
        "level": 2,
        "hours": "3.5",
        "days": 1,
        "hours_of_day": ("13:30", "17:00"),
        "skills": ("protect personal data and privacy", "GDPR", "data protection"),
    },
}
FORMATS: dict[str, str] = {
    Offer.Delivery.ON_SITE: "classroom",
    Offer.Delivery.REMOTE: "online",
    Offer.Delivery.BOTH: "blended",
}
AID_SCHEMES = (
    "National training aid (Luxembourg): co-funding of continuing vocational training",
    "National training aid (Luxembourg): digital skills of SMEs",
)
PREREQUISITES = {
    1: {"en": "None.", "fr": "Aucun.", "de": "Keine."},
    2: {
        "en": "Everyday use of a computer.",
        "fr": "Usage courant d'un ordinateur.",
        "de": "Alltäglicher Umgang mit dem Computer.",
    },
    3: {
        "en": "A first experience of the topic at work.",
        "fr": "Une première expérience du sujet au travail.",
        "de": "Erste Erfahrung mit dem Thema im Beruf.",
    },
}
VENUES = (
    "House of Training, Luxembourg-Kirchberg",
    "Technoport, Esch-sur-Alzette",
    "Maison du Savoir, Esch-Belval",
    "Chambre de Commerce, Luxembourg-Kirchberg",
    "Centre de formation, Ettelbruck",
)
ONLINE_LINK = "https://meet.example.org/ldih-training"
PAST_DAYS_AGO = (150, 118, 84, 55, 33, 12)  # when the last day of each held session was
# Rows the advisor added by hand: (skill, role, current, needed, how many companies whose sector has the role).
ADDED = (
    ("cyber security", Role.MANAGER, 1, 3, 12),
    ("principles of artificial intelligence", Role.MANAGER, 0, 2, 9),
    ("data analytics", Role.ENGINEER, 1, 3, 7),
    ("Internet of Things", Role.MAINTENANCE_TECHNICIAN, 0, 2, 6),
    ("digital twin technology", Role.ENGINEER, 0, 2, 3),
    ("computer vision", Role.ENGINEER, 0, 3, 2),
)
# Proposed rows the advisor changed: (skill, role, current, needed, how many companies).
ADJUSTED = (
    ("computer programming", Role.ENGINEER, 2, 2, 4),  # the engineers already programme: no gap
    ("protect ICT devices", Role.PRODUCTION_OPERATOR, 0, 3, 5),  # more than the proposal asked
)


@dataclass
class DemoSkills:
    courses: int = 0
    aided: int = 0
    sessions: int = 0
    held: int = 0
    enrolments: int = 0
    completions: int = 0
    profiles: int = 0
    rows: int = 0
    changed: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo skills: already there."
        return (
            f"Demo skills: {self.courses} courses ({self.aided} aided), {self.sessions} upcoming and {self.held} held "
            f"sessions, {self.enrolments} enrolments, {self.completions} completions; {self.profiles} skills "
            f"profiles with {self.rows} rows ({self.changed} adjusted or added by the advisor)."
        )


def load_demo_skills(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoSkills:
    """Write the demo's courses, sessions and skills pictures once, all or nothing."""
    report = DemoSkills()
    if (
        Course.objects.filter(offer__is_demo=True).exists()
        or SkillsProfile.objects.filter(organisation__is_demo=True).exists()
    ):
        report.skipped = True
        return report
    advisor = User.objects.filter(email=ADVISOR).first()
    if advisor is None:
        raise RuntimeError("Load the demo people before the demo skills.")
    rng = random.Random(f"skills-{seed}")  # noqa: S311  invented demo data, not a secret
    with transaction.atomic():
        courses = _courses(advisor, rng, report)
        companies = _profiles(advisor, rng, report)
        _sessions(advisor, rng, courses, companies, report)
    return report


# --- Courses -----------------------------------------------------------------------------------------------


def pattern_of(offer: Offer) -> str:
    """Which of the demo catalogue's training patterns the offer was made from (its level, length, days)."""
    title = str(offer.title.get("en", ""))
    if title.endswith("two-day course for your team"):
        return "course"
    if title.endswith("for managers: half-day introduction"):
        return "managers"
    if title.startswith("Digital strategy workshop"):
        return "strategy"
    if title.startswith("Data protection"):
        return "data_protection"
    return "operators"


def skills_taught(offer: Offer, pattern: str) -> list[str]:
    """The proposal's skills for the offer's technologies, a few more of the digital collection, and those of
    its kind of course; never one of ``NOT_ON_OFFER``."""
    by_technology = rules()["technology_skills"]
    labels: list[str] = []
    for technology in offer.technologies.all():
        labels += [entry["skill"] for entry in by_technology.get(technology.name, [])]
        labels += MORE_SKILLS.get(technology.name, ())
    labels += PATTERNS[pattern].get("skills", ())
    found = [label for label in dict.fromkeys(labels) if label not in NOT_ON_OFFER]
    return found or [GENERAL_SKILL]


def _price(offer: Offer) -> Decimal:
    return offer.price_max or offer.price_min or Decimal("0")


def _courses(advisor: User, rng: random.Random, report: DemoSkills) -> list[Course]:
    offers = list(
        Offer.objects.filter(is_demo=True, kind=Offer.Kind.TRAINING).prefetch_related("technologies").order_by("id")
    )
    priced = [offer for offer in offers if _price(offer) >= 100]
    aided = {offer.pk for offer in rng.sample(priced, k=min(len(priced), round(len(offers) / 3)))}
    courses = []
    for offer in offers:
        pattern = pattern_of(offer)
        spec = PATTERNS[pattern]
        languages = [code for code in offer.languages or [] if code in LANGUAGE_CODES] or ["en"]
        price = _price(offer)
        data: dict[str, Any] = {
            "level": spec["level"],
            "duration_hours": spec["hours"],
            "format": FORMATS.get(offer.delivery, "classroom"),
            "language": rng.choice(languages),
            "price_per_participant": str(price),
            "skills": skills_taught(offer, pattern),
            "prerequisites": PREREQUISITES[spec["level"]] if spec["level"] > 1 else {},
            "has_assessment": spec.get("assessed", False) and rng.random() < 0.6,
        }
        if offer.pk in aided:
            data["aid_per_participant"] = str((price / 2).quantize(Decimal("1")))
            data["aid_scheme"] = rng.choice(AID_SCHEMES)
            report.aided += 1
        courses.append(actions.course_save(actor=advisor, offer=offer, data=data))
        report.courses += 1
    return courses


# --- Skills pictures ----------------------------------------------------------------------------------------


def _companies() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            is_demo=True, kind_rows__kind=Organisation.Kind.COMPANY, merged_into__isnull=True, is_historical=False
        )
        .exclude(name=registry_demo.FEATURED_NEWCOMER)  # the walk-through starts from scratch
        .select_related("primary_nace")
        .distinct()
        .order_by("name", "id")
    )


def _first_recorded(rng: random.Random, today: date) -> list[date]:
    """When each company's picture was first recorded: more of them lately, as the hub took up the skills work,
    so that recent quarters show and older ones are suppressed."""
    weights = (9, 9, 8, 8, 6, 4, 2, 2)  # this quarter, the one before, ...
    days = []
    for quarter, weight in enumerate(weights):
        for _ in range(weight):
            days.append(today - timedelta(days=quarter * QUARTER_DAYS + rng.randrange(QUARTER_DAYS)))
    rng.shuffle(days)
    return days


def _profiles(advisor: User, rng: random.Random, report: DemoSkills) -> list[Organisation]:
    """Propose the chosen companies' pictures, each first recorded on its own day; then the advisor's changes."""
    everyone = _companies()
    featured = [c for c in everyone if c.name == registry_demo.FEATURED_COMPANY]
    others = [c for c in everyone if c not in featured]
    chosen = featured + rng.sample(others, k=min(len(others), PROFILES - len(featured)))
    today = timezone.localdate()
    recorded = dict(zip((c.pk for c in chosen), _first_recorded(rng, today), strict=False))
    for company in chosen:
        actions.profile_propose(actor=advisor, organisation=company)
        day = recorded.get(company.pk, today)
        RoleSkill.objects.filter(profile__organisation=company).update(created_at=_moment(day, time(10)))
    _add_rows(advisor, rng, chosen, recorded)
    _adjust_rows(advisor, rng, chosen)
    rows = RoleSkill.objects.filter(profile__organisation__in=chosen)
    report.profiles = len(chosen)
    report.rows = rows.count()
    report.changed = rows.exclude(origin=RoleSkill.Origin.PROPOSED).count()
    return chosen


def _add_rows(advisor: User, rng: random.Random, chosen: list[Organisation], recorded: dict[int, date]) -> None:
    """Rows the advisor added later, on a visit: first recorded some months after the proposal."""
    today = timezone.localdate()
    by_section = rules()["roles_by_section"]
    roles = {c.pk: set(by_section.get(nace_section(c)) or by_section[""]) for c in chosen}
    for label, role, current, needed, count in ADDED:
        having = [c for c in chosen if role in roles[c.pk]]
        for company in rng.sample(having, k=min(count, len(having))):
            row = actions.role_skill_save(
                actor=advisor, organisation=company, role=role, skill=label, data={"current": current, "needed": needed}
            )
            if row.origin == RoleSkill.Origin.ADDED:
                later = min(today, recorded.get(company.pk, today) + timedelta(days=rng.randint(20, 200)))
                RoleSkill.objects.filter(pk=row.pk).update(created_at=_moment(later, time(15)))


def _adjust_rows(advisor: User, rng: random.Random, chosen: list[Organisation]) -> None:
    """Proposed rows the advisor changed after talking to the company: they become "adjusted"."""
    for label, role, current, needed, count in ADJUSTED:
        proposed = list(
            RoleSkill.objects.filter(
                profile__organisation__in=chosen, role=role, skill__label=label, origin=RoleSkill.Origin.PROPOSED
            )
            .filter(current__lte=current, needed__gte=current)
            .select_related("profile__organisation", "skill")
            .order_by("profile__organisation__name", "id")
        )
        for row in rng.sample(proposed, k=min(count, len(proposed))):
            actions.role_skill_save(
                actor=advisor,
                organisation=row.profile.organisation,
                role=role,
                skill=row.skill,
                data={"current": current, "needed": max(needed, current)},
            )


def _moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


# --- Sessions, enrolments and completions ---------------------------------------------------------------------


def _weekday(day: date, step: int = 1) -> date:
    """The first Tuesday to Thursday from ``day`` on (or back, ``step=-1``): courses are held on weekdays and
    two-day courses never span a weekend."""
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=step)
    return day


def _session_data(course: Course, first: date, rng: random.Random) -> dict[str, Any]:
    spec = PATTERNS[pattern_of(course.offer)]
    starts, ends = spec["hours_of_day"]
    data: dict[str, Any] = {
        "capacity": rng.randint(8, 20),
        "sessions": [
            {"day": (first + timedelta(days=n)).isoformat(), "starts": starts, "ends": ends}
            for n in range(spec["days"])
        ],
        "publish": True,
    }
    if course.format != Course.Format.ONLINE:
        data["venue"] = rng.choice(VENUES)
    if course.format != Course.Format.CLASSROOM:
        data["online_link"] = ONLINE_LINK
    return data


def _people(company: Organisation) -> list[dict[str, str]]:
    """Six invented people of the company, the same on every run."""
    rng = random.Random(f"people-{company.name}")  # noqa: S311  invented demo data, not a secret
    domain = f"{slugify(company.name)[:40].strip('-')}.example"
    people: dict[str, dict[str, str]] = {}
    while len(people) < 6:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}@{domain}".lower()
        people.setdefault(
            email, {"name": f"{first} {last}", "email": email, "language": rng.choice(("en", "fr", "de"))}
        )
    return list(people.values())


def _may_take_aid(company: Organisation, amount: Decimal) -> bool:
    """Aid only where de minimis allows it with room to spare: not a group near its ceiling."""
    current = ledger.ledger(company, timezone.localdate())
    return current.regulation is not None and not current.excluded and not current.near_ceiling(amount)


def _takers(
    course: Course, companies: list[Organisation], gaps: dict[int, set[int]], rng: random.Random
) -> list[Organisation]:
    """The companies that send people: those with a gap in a skill the course teaches first."""
    taught = set(course.skills.values_list("pk", flat=True))
    matching = [c for c in companies if gaps.get(c.pk, set()) & taught]
    rest = [c for c in companies if c not in matching]
    rng.shuffle(matching)
    rng.shuffle(rest)
    return matching + rest


def _enrol(
    advisor: User,
    session: CourseSession,
    takers: list[Organisation],
    rng: random.Random,
    *,
    wanted: int,
    most: int,
    capacity: int,
) -> list[Registration]:
    """Up to ``wanted`` companies send one to ``most`` people each, as long as seats remain."""
    course = session.course
    enrolled: list[Registration] = []
    for company in takers:
        if wanted == 0:
            break
        people = rng.sample(_people(company), k=rng.randint(1, most))[: capacity - len(enrolled)]
        if not people:
            break
        if course.is_aided and not _may_take_aid(company, course.aid_per_participant * len(people)):
            continue
        enrolled += actions.enrol(actor=advisor, session=session, organisation=company, people=people)
        wanted -= 1
    return enrolled


def _sessions(
    advisor: User, rng: random.Random, courses: list[Course], companies: list[Organisation], report: DemoSkills
) -> None:
    today = timezone.localdate()
    gaps: dict[int, set[int]] = defaultdict(set)
    for organisation_id, skill_id in RoleSkill.objects.filter(
        profile__organisation__in=companies, needed__gt=F("current")
    ).values_list("profile__organisation_id", "skill_id"):
        gaps[organisation_id].add(skill_id)
    published = [c for c in courses if c.offer.status == Offer.Status.PUBLISHED]
    planned = rng.sample(published, k=min(len(published), round(len(courses) / 2)))
    for course in sorted(planned, key=lambda c: c.pk):
        first = _weekday(today + timedelta(days=rng.randint(10, 120)))
        runs = [first] if rng.random() < 0.6 else [first, _weekday(first + timedelta(days=rng.randint(35, 50)))]
        for day in runs:
            data = _session_data(course, day, rng)
            session = actions.session_create(actor=advisor, course=course, data=data)
            Event.objects.filter(pk=session.event_id).update(is_demo=True)
            report.sessions += 1
            if rng.random() < 0.3:  # the others have no one enrolled yet
                takers = _takers(course, companies, gaps, rng)
                enrolled = _enrol(advisor, session, takers, rng, wanted=1, most=2, capacity=data["capacity"])
                report.enrolments += len(enrolled)
    # Held sessions: courses without aid, whose enrolments were confirmed before the days came.
    unaided = [c for c in published if not c.is_aided]
    for days_ago, course in zip(
        PAST_DAYS_AGO, rng.sample(unaided, k=min(len(unaided), len(PAST_DAYS_AGO))), strict=False
    ):
        _held(advisor, rng, course, companies, gaps, _weekday(today - timedelta(days=days_ago), step=-1), report)


def _held(
    advisor: User,
    rng: random.Random,
    course: Course,
    companies: list[Organisation],
    gaps: dict[int, set[int]],
    last: date,
    report: DemoSkills,
) -> None:
    """A session held, its last day on ``last``: most came every day and completed; a few missed a day or all;
    where the course ends with an assessment, a few did not pass (and have not completed)."""
    data = _session_data(course, _weekday(timezone.localdate() + timedelta(days=14)), rng)
    data["capacity"] = max(data["capacity"], 12)
    session = actions.session_create(actor=advisor, course=course, data=data)
    event = session.event
    Event.objects.filter(pk=event.pk).update(is_demo=True)
    takers = _takers(course, companies, gaps, rng)
    if report.held == 0:  # the featured company's people were at the first one
        takers.sort(key=lambda c: c.name != registry_demo.FEATURED_COMPANY)
    enrolled = _enrol(advisor, session, takers, rng, wanted=rng.randint(2, 3), most=3, capacity=data["capacity"])
    days = list(event.sessions.order_by("day", "starts"))
    for offset, day in enumerate(reversed(days)):
        Session.objects.filter(pk=day.pk).update(day=last - timedelta(days=offset))
    days = list(event.sessions.order_by("day", "starts"))
    for registration in enrolled:
        featured = registration.organisation_name == registry_demo.FEATURED_COMPANY  # its walk-through shows it
        chance = 0.0 if featured else rng.random()
        present = days if chance < 0.8 else days[:1] if chance < 0.9 and len(days) > 1 else []
        for day in present:
            events.mark_presence(actor=advisor, registration=registration, session=day, present=True)
        if present != days or (course.has_assessment and not featured and rng.random() < 0.15):
            continue  # did not come every day, or failed the assessment
        actions.completion_record(
            actor=advisor, registration=registration, passed=True if course.has_assessment else None, completed_on=last
        )
        report.completions += 1
    _dated(session, days[0].start_at(event.zone), last, enrolled_days_before=rng.randint(15, 30))
    report.held += 1
    report.enrolments += len(enrolled)


def _dated(session: CourseSession, first: datetime, last: date, *, enrolled_days_before: int) -> None:
    """The enrolments, attendances and completions of a held session on the timeline when they happened, not
    when the demo wrote them."""
    event = session.event
    enrolled_at = first - timedelta(days=enrolled_days_before)
    Registration.objects.filter(event=event).update(created_at=enrolled_at)
    Registration.objects.filter(event=event, attended_at__isnull=False).update(attended_at=first)
    timeline = Activity.objects.filter(kind=Activity.Kind.TRAINING)
    timeline.filter(verb="course_enrolled", target_type="skills.coursesession", target_id=session.pk).update(
        at=enrolled_at
    )
    completions = list(session.completions.values_list("pk", flat=True))
    timeline.filter(verb="course_completed", target_type="skills.completion", target_id__in=completions).update(
        at=_moment(last, time(17))
    )
    records = list(ServiceRecord.objects.filter(source_ref=source_ref(event)).values_list("pk", flat=True))
    timeline.filter(verb="training_recorded", target_type="reporting.servicerecord", target_id__in=records).update(
        at=_moment(last, time(17, 5))
    )
    Activity.objects.filter(verb="event_attended", target_type="events.event", target_id=event.pk).update(at=first)


__all__ = ["NOT_ON_OFFER", "DemoSkills", "load_demo_skills", "pattern_of", "skills_taught"]
