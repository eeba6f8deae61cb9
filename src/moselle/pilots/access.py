"""Who sees and changes what of facilities and test-before-invest projects.

A facility is public where its offer is; its details are changed by those who change the offer, and its
calendar shows everyone the units free, and the projects behind the bookings only to those who see them. A
project is the hub's, the company's and its partners' business: the hub's staff, the company's members and
the partners' members see it, its documents included; nobody else learns it exists (404). The hub's staff
run it; the company signs its outcome off.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.catalogue.access import get_offer_for_edit, visible_offers
from moselle.catalogue.models import Offer
from moselle.core.ids import TOP
from moselle.organisations.models import Organisation
from moselle.pilots.models import Booking, Criterion, Document, Facility, Milestone, Partner, Project


def visible_facilities(user: Any) -> QuerySet[Facility]:
    return Facility.objects.select_related("offer__provider").filter(
        offer__in=visible_offers(user).filter(kind=Offer.Kind.TEST_FACILITY)
    )


def get_facility_offer_for_user(user: Any, offer_id: int) -> Offer:
    found = (
        visible_offers(user).select_related("provider").filter(pk=offer_id, kind=Offer.Kind.TEST_FACILITY).first()
        if 1 <= offer_id <= TOP
        else None
    )
    if found is None:
        raise Http404
    return found


def get_facility_offer_for_edit(user: Any, offer_id: int) -> Offer:
    if not 1 <= offer_id <= TOP:
        raise Http404
    offer = get_offer_for_edit(user, offer_id)
    if offer.kind != Offer.Kind.TEST_FACILITY:
        raise Http404
    return offer


def get_facility_for_user(user: Any, offer_id: int) -> Facility:
    """The facility of a visible test-facility offer (404 while the offer has no facility details)."""
    offer = get_facility_offer_for_user(user, offer_id)
    found = Facility.objects.select_related("offer__provider").filter(offer=offer).first()
    if found is None:
        raise Http404
    return found


def visible_projects(user: Any) -> QuerySet[Project]:
    projects = Project.objects.select_related("organisation")
    if is_hub_staff(user):
        return projects
    own = member_organisation_ids(user)
    if not own:
        return projects.none()
    partnered = Partner.objects.filter(organisation_id__in=own).values("project_id")
    return projects.filter(Q(organisation_id__in=own) | Q(pk__in=partnered))


def can_see_project(user: Any, project: Project) -> bool:
    return visible_projects(user).filter(pk=project.pk).exists()


def get_project_for_user(user: Any, project_id: int) -> Project:
    found = visible_projects(user).filter(pk=project_id).first() if 1 <= project_id <= TOP else None
    if found is None:
        raise Http404
    return found


def get_project_for_staff(user: Any, project_id: int) -> Project:
    if not is_hub_staff(user):
        raise Http404
    return get_project_for_user(user, project_id)


def get_partner_for_staff(user: Any, partner_id: int) -> Partner:
    if not is_hub_staff(user) or not 1 <= partner_id <= TOP:
        raise Http404
    found = Partner.objects.select_related("project", "organisation").filter(pk=partner_id).first()
    if found is None:
        raise Http404
    return found


def get_criterion_for_staff(user: Any, criterion_id: int) -> Criterion:
    if not is_hub_staff(user) or not 1 <= criterion_id <= TOP:
        raise Http404
    found = Criterion.objects.select_related("project").filter(pk=criterion_id).first()
    if found is None:
        raise Http404
    return found


def get_milestone_for_user(user: Any, milestone_id: int) -> Milestone:
    """A milestone of a project the user sees (the action says who may mark it done)."""
    found = (
        Milestone.objects.select_related("project", "owner")
        .filter(pk=milestone_id, project__in=visible_projects(user))
        .first()
        if 1 <= milestone_id <= TOP
        else None
    )
    if found is None:
        raise Http404
    return found


def get_booking_for_user(user: Any, booking_id: int) -> Booking:
    """A booking of a project the user sees, or of a facility the user's organisation owns."""
    if not 1 <= booking_id <= TOP:
        raise Http404
    own = member_organisation_ids(user)
    bookings = Booking.objects.select_related("facility__offer", "project")
    if not is_hub_staff(user):
        bookings = bookings.filter(Q(project__in=visible_projects(user)) | Q(facility__offer__provider_id__in=own))
    found = bookings.filter(pk=booking_id).first()
    if found is None:
        raise Http404
    return found


def get_document_for_user(user: Any, document_id: int) -> Document:
    """A project's document: only for those who see the project."""
    found = (
        Document.objects.select_related("file", "project")
        .filter(pk=document_id, project__in=visible_projects(user))
        .first()
        if 1 <= document_id <= TOP
        else None
    )
    if found is None:
        raise Http404
    return found


def get_company_for_pilots(user: Any, organisation_id: int) -> Organisation:
    """A company whose projects the user may list: its members and the hub's staff."""
    if not 1 <= organisation_id <= TOP:
        raise Http404
    if not is_hub_staff(user) and organisation_id not in member_organisation_ids(user):
        raise Http404
    found = Organisation.objects.filter(pk=organisation_id).first()
    if found is None:
        raise Http404
    return found


def require_board_reader(user: Any) -> None:
    """The project board: anyone signed in sees the projects they take part in; the hub sees all."""
    if not getattr(user, "is_authenticated", False):
        raise Http404


__all__ = [
    "can_see_project",
    "get_booking_for_user",
    "get_company_for_pilots",
    "get_criterion_for_staff",
    "get_document_for_user",
    "get_facility_for_user",
    "get_facility_offer_for_edit",
    "get_facility_offer_for_user",
    "get_milestone_for_user",
    "get_partner_for_staff",
    "get_project_for_staff",
    "get_project_for_user",
    "require_board_reader",
    "visible_facilities",
    "visible_projects",
]
