"""Who sees and changes what of courses, enrolments and skills.

Courses are public where their offer is; their details are changed by those who change the offer. Sessions
and enrolments are the hub's work, a company enrols its own people. A company's skills picture is the
company's and the hub's: its members and the hub's staff, nobody else. The market's gaps are aggregated and
suppressed; the hub's staff and observers read them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, is_observer, member_organisation_ids, require_hub_staff
from moselle.catalogue.access import get_offer_for_edit, visible_offers
from moselle.catalogue.models import Offer
from moselle.core.ids import TOP, row_id
from moselle.events.models import Event, Registration
from moselle.organisations.models import Organisation
from moselle.skills.models import CourseSession, RoleSkill


def visible_courses(user: Any) -> QuerySet[Offer]:
    return visible_offers(user).filter(kind=Offer.Kind.TRAINING)


def get_course_offer_for_user(user: Any, offer_id: int) -> Offer:
    found = (
        visible_courses(user).select_related("provider").filter(pk=offer_id).first() if 1 <= offer_id <= TOP else None
    )
    if found is None:
        raise Http404
    return found


def get_course_offer_for_edit(user: Any, offer_id: int) -> Offer:
    if not 1 <= offer_id <= TOP:
        raise Http404
    offer = get_offer_for_edit(user, offer_id)
    if offer.kind != Offer.Kind.TRAINING:
        raise Http404
    return offer


def visible_sessions(user: Any) -> QuerySet[CourseSession]:
    sessions = CourseSession.objects.select_related("course__offer", "event")
    if is_hub_staff(user):
        return sessions
    return sessions.filter(event__status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED)).filter(
        course__offer__in=visible_courses(user)
    )


def get_session_for_user(user: Any, session_id: int) -> CourseSession:
    found = visible_sessions(user).filter(pk=session_id).first() if 1 <= session_id <= TOP else None
    if found is None:
        raise Http404
    return found


def get_session_for_staff(user: Any, session_id: int) -> CourseSession:
    require_hub_staff(user)
    return get_session_for_user(user, session_id)


def get_enrolment_for_staff(user: Any, registration_id: int) -> Registration:
    require_hub_staff(user)
    found = (
        Registration.objects.select_related("event", "organisation")
        .filter(pk=registration_id, event__course_session__isnull=False)
        .first()
        if 1 <= registration_id <= TOP
        else None
    )
    if found is None:
        raise Http404
    return found


def can_see_skills(user: Any, organisation_id: int) -> bool:
    return is_hub_staff(user) or organisation_id in member_organisation_ids(user)


def organisation_to_enrol(user: Any, value: Any) -> Organisation | None:
    """The organisation a request names (an id, as text or a number) whose people ``user`` may enrol: any of
    the registry for the hub's staff, their own for an organisation's members; None for any other."""
    pk = row_id(value)
    if pk is None or not can_see_skills(user, pk):
        return None
    return Organisation.objects.filter(pk=pk, merged_into__isnull=True).first()


def get_company_for_skills(user: Any, organisation_id: int) -> Organisation:
    """A company whose skills picture the user may read and change: its members and the hub's staff."""
    if not 1 <= organisation_id <= TOP or not can_see_skills(user, organisation_id):
        raise Http404
    found = Organisation.objects.filter(pk=organisation_id, merged_into__isnull=True).first()
    if found is None:
        raise Http404
    return found


def get_role_skill_for_user(user: Any, row_id: int) -> RoleSkill:
    found = (
        RoleSkill.objects.select_related("profile__organisation", "skill").filter(pk=row_id).first()
        if 1 <= row_id <= TOP
        else None
    )
    if found is None or not can_see_skills(user, found.profile.organisation_id):
        raise Http404
    return found


def require_market_reader(user: Any) -> None:
    """The market's gaps: the hub's staff and observers."""
    if not (is_hub_staff(user) or is_observer(user)):
        raise Http404


__all__ = [
    "can_see_skills",
    "get_company_for_skills",
    "get_course_offer_for_edit",
    "get_course_offer_for_user",
    "get_enrolment_for_staff",
    "get_role_skill_for_user",
    "get_session_for_staff",
    "get_session_for_user",
    "require_market_reader",
    "visible_courses",
    "visible_sessions",
]
