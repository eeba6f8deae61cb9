"""The skills pages: courses (public) with their sessions, the hub's page of a session (enrolments, days
attended, completions), a company's digital skills and gaps, and the market's gaps with their export and the
brief for training providers. Reads go through ``skills.access``, writes through ``skills.actions``."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.catalogue.access import can_edit_offer
from moselle.catalogue.models import Offer
from moselle.core.ids import row_id
from moselle.core.printing import render_document
from moselle.events import actions as events
from moselle.events.models import Session
from moselle.organisations.models import Organisation
from moselle.skills import access, actions, market, queries
from moselle.skills.forms import CompletionForm, CourseForm, EnrolForm, LevelsForm, RowForm, SessionForm
from moselle.skills.models import Course, CourseSession, Level, Role

FILTERS = {
    "level": [str(n) for n, _label in Level.choices[1:]],
    "format": Course.Format.values,
    "language": ["en", "fr", "de"],
}


def _language() -> str:
    return (get_language() or "en")[:2]


# --- Courses ---------------------------------------------------------------------------------------------------


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    """The published courses with their next session; narrowed by level, format and language."""
    chosen: dict[str, str] = {}
    problems = []
    for name, allowed in FILTERS.items():
        value = request.GET.get(name, "").strip()
        if value and value not in allowed:
            problems.append(_("%(field)s: choose one of the values offered.") % {"field": name})
        elif value:
            chosen[name] = value
    offers = (
        access.visible_courses(request.user)
        .filter(status=Offer.Status.PUBLISHED, **{f"course__{k}": v for k, v in chosen.items()})
        .select_related("provider", "course")
        .prefetch_related("course__skills")
        .order_by("id")
    )
    upcoming: dict[int, CourseSession] = {}
    for session in queries.upcoming_sessions([o.pk for o in offers]):
        upcoming.setdefault(session.course.offer_id, session)
    context = {
        "courses": [(offer, getattr(offer, "course", None), upcoming.get(offer.pk)) for offer in offers],
        "chosen": chosen,
        "problems": problems,
        "levels": Level.choices[1:],
        "formats": Course.Format.choices,
    }
    return render(request, "skills/courses.html", context, status=400 if problems else 200)


@require_GET
def course_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access.get_course_offer_for_user(request.user, offer_id)
    course = queries.course_of(offer)
    sessions = [(s, queries.session_facts(s)) for s in queries.upcoming_sessions([offer.pk])] if course else []
    context = {
        "offer": offer,
        "course": course,
        "sessions": sessions,
        "can_edit": can_edit_offer(request.user, offer),
        "is_staff": is_hub_staff(request.user),
        "can_enrol": bool(member_organisation_ids(request.user)) or is_hub_staff(request.user),
    }
    return render(request, "skills/course.html", context)


@login_required
def course_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access.get_course_offer_for_edit(request.user, offer_id)
    course = queries.course_of(offer)
    if request.method == "POST":
        form = CourseForm(request.POST)
        if form.is_valid():
            try:
                actions.course_save(actor=request.user, offer=offer, data=form.data_for_action(_language()))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The course is saved."))
                return redirect("course_detail", offer.pk)
    elif course is not None:
        form = CourseForm(
            initial={
                **queries.course_values(course),
                "level": str(course.level),
                "skills": "\n".join(s.label for s in course.skills.all()),
                "prerequisites": course.prerequisites.get(_language(), ""),
            }
        )
    else:
        form = CourseForm(initial={"language": offer.languages[0] if offer.languages else "en"})
    return render(request, "skills/course_form.html", {"form": form, "offer": offer, "course": course})


@login_required
def session_new(request: HttpRequest, offer_id: int) -> HttpResponse:
    require_hub_staff(request.user)
    offer = access.get_course_offer_for_user(request.user, offer_id)
    course = queries.course_of(offer)
    if course is None:
        messages.error(request, _("Give the course its details before planning a session."))
        return redirect("course_detail", offer.pk)
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                session = actions.session_create(actor=request.user, course=course, data=form.data_for_action())
            except ValidationError as error:
                apply_errors(form, error, {"sessions": "days"})
            else:
                messages.success(request, _("The session is planned."))
                return redirect("course_session", session.pk)
    else:
        form = SessionForm()
    return render(request, "skills/session_form.html", {"form": form, "offer": offer, "course": course})


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The hub's page of a session: its days, who is enrolled, who was there each day, who completed."""
    session = access.get_session_for_staff(request.user, session_id)
    facts = queries.session_facts(session)
    organisation = access.organisation_to_enrol(request.user, request.GET.get("organisation"))
    context = {
        "session": session,
        "facts": facts,
        "participants": queries.participants(session),
        "enrol_form": EnrolForm(initial={"organisation": organisation.pk if organisation else None}),
        "enrol_for": organisation,
        "completion_form": CompletionForm(),
        "today": timezone.localdate(),
    }
    return render(request, "skills/session.html", context)


@login_required
def session_enrol(request: HttpRequest, session_id: int) -> HttpResponse:
    """Enrol people: the hub's staff for any company, a company's members for their own."""
    session = access.get_session_for_user(request.user, session_id)
    staff = is_hub_staff(request.user)
    own = list(Organisation.objects.filter(pk__in=member_organisation_ids(request.user)).order_by("name"))
    if not staff and not own:
        return render(request, "403.html", status=403)
    choices = None if staff else [(o.pk, o.name) for o in own]
    if request.method == "POST":
        form = EnrolForm(request.POST, choices=choices)
        if form.is_valid():
            organisation = access.organisation_to_enrol(request.user, form.cleaned_data["organisation"])
            try:
                if organisation is None:
                    raise ValidationError({"organisation": _("Choose an organisation of the registry.")})
                done = actions.enrol(
                    actor=request.user, session=session, organisation=organisation, people=form.cleaned_data["people"]
                )
            except ValidationError as error:
                apply_errors(form, error, {"aid": "people", "session": "people"})
            else:
                messages.success(request, _("%(count)d people enrolled.") % {"count": len(done)})
                return redirect(
                    "course_session" if staff else "course_detail", session.pk if staff else session.course.offer_id
                )
    else:
        organisation = access.organisation_to_enrol(request.user, request.GET.get("organisation"))
        form = EnrolForm(initial={"organisation": organisation.pk if organisation else None}, choices=choices)
    return render(
        request,
        "skills/enrol.html",
        {"form": form, "session": session, "facts": queries.session_facts(session), "staff": staff},
    )


@login_required
@require_POST
def enrolment_presence(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access.get_enrolment_for_staff(request.user, registration_id)
    day = Session.objects.filter(pk=row_id(request.POST.get("session")) or 0, event_id=registration.event_id).first()
    try:
        if day is None:
            raise ValidationError({"session": _("Choose a day of this session.")})
        events.mark_presence(
            actor=request.user, registration=registration, session=day, present=request.POST.get("present") == "1"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("course_session", registration.event.course_session.pk)


@login_required
@require_POST
def enrolment_complete(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access.get_enrolment_for_staff(request.user, registration_id)
    form = CompletionForm(request.POST)
    form.is_valid()
    passed = {"yes": True, "no": False}.get(form.cleaned_data.get("passed") or "")
    try:
        actions.completion_record(actor=request.user, registration=registration, passed=passed)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The completion is recorded."))
    return redirect("course_session", registration.event.course_session.pk)


# --- A company's skills ----------------------------------------------------------------------------------------


@login_required
def company_skills(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The company's roles and skills, with their current and needed levels, and its gaps ranked with the
    courses that meet them. A POST adds or changes one row."""
    organisation = access.get_company_for_skills(request.user, organisation_id)
    form = RowForm(prefix="add")
    if request.method == "POST":
        form = RowForm(request.POST, prefix="add")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.role_skill_save(
                    actor=request.user, organisation=organisation, role=data["role"], skill=data["skill"], data=data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The skill is saved."))
                return redirect("company_skills", organisation.pk)
    rows = queries.rows_of(organisation)
    gaps = queries.gaps_of(organisation, rows=rows, language=_language())
    context = {
        "organisation": organisation,
        "rows": [
            (row, LevelsForm(prefix=f"row{row.pk}", initial={"current": row.current, "needed": row.needed}))
            for row in rows
        ],
        "gaps": gaps,
        "form": form,
        "roles": Role.choices,
        "profile": getattr(organisation, "skills_profile", None),
        "is_staff": is_hub_staff(request.user),
    }
    return render(request, "skills/company.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def company_skills_propose(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.get_company_for_skills(request.user, organisation_id)
    profile = actions.profile_propose(actor=request.user, organisation=organisation)
    if profile.proposed_from.get("result"):
        messages.success(request, _("The skills are proposed from the company's sector, assessment and roadmap."))
    else:
        messages.warning(
            request,
            _(
                "The skills are proposed from the company's sector and roadmap; without an assessment, "
                "the current levels are set to none."
            ),
        )
    return redirect("company_skills", organisation.pk)


@login_required
@require_POST
def role_skill_change(request: HttpRequest, row_id: int) -> HttpResponse:
    row = access.get_role_skill_for_user(request.user, row_id)
    organisation = row.profile.organisation
    if request.POST.get("remove") == "1":
        actions.role_skill_remove(actor=request.user, row=row)
        messages.success(request, _("The skill is removed."))
        return redirect("company_skills", organisation.pk)
    form = LevelsForm(request.POST, prefix=f"row{row.pk}")
    try:
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        actions.role_skill_save(
            actor=request.user, organisation=organisation, role=row.role, skill=row.skill, data=form.cleaned_data
        )
    except ValidationError as error:
        label = row.skill.label
        for message in error.messages:
            messages.error(request, f"{label}: {message}")
    else:
        messages.success(request, _("The levels are saved."))
    return redirect("company_skills", organisation.pk)


# --- The market's gaps -----------------------------------------------------------------------------------------


def _breakdown(request: HttpRequest) -> tuple[str, str]:
    chosen = request.GET.get("breakdown", "").strip()
    if chosen and chosen not in market.BREAKDOWNS:
        return "", _("breakdown: choose sector, size class, region or quarter.")
    return chosen, ""


@login_required
@require_GET
def market_view(request: HttpRequest) -> HttpResponse:
    access.require_market_reader(request.user)
    chosen, problem = _breakdown(request)
    result = market.market(chosen)
    context = {"market": result, "breakdowns": market.BREAKDOWNS, "chosen": chosen, "problem": problem}
    return render(request, "skills/market.html", context, status=400 if problem else 200)


@login_required
@require_GET
def market_csv(request: HttpRequest) -> HttpResponse:
    access.require_market_reader(request.user)
    chosen, problem = _breakdown(request)
    if problem:
        return render(request, "skills/market.html", {"problem": problem, "breakdowns": market.BREAKDOWNS}, status=400)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(market.csv_rows(market.market(chosen)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"skills-gaps-{chosen or 'skills'}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def market_brief(request: HttpRequest) -> HttpResponse:
    """The printable brief a hub gives training providers: what companies need and nobody teaches yet."""
    access.require_market_reader(request.user)
    result = market.market("sector")
    context = {
        "market": result,
        "missing": [row for row in result.rows if row.not_on_offer],
        "short": [row for row in result.rows if row.in_demand and not row.not_on_offer],
    }
    return render_document(
        request, "skills/brief.html", context, title=_("Digital skills gaps: a brief for training providers")
    )
