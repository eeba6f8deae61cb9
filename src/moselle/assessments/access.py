"""Who may see, fill in and read the results of which assessment."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_admin, require_hub_staff
from moselle.assessments.models import Assessment, Result
from moselle.organisations.access import get_organisation_for_user
from moselle.organisations.models import Organisation


def visible_assessments(user: Any) -> QuerySet[Assessment]:
    """Hub staff see every assessment; members see their own organisations' (observers none)."""
    if is_hub_staff(user):
        return Assessment.objects.all()
    return Assessment.objects.filter(organisation_id__in=member_organisation_ids(user))


def get_assessment_for_user(user: Any, assessment_id: int) -> Assessment:
    assessment = visible_assessments(user).select_related("organisation").filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    return assessment


def can_fill(user: Any, organisation: Organisation) -> bool:
    """Hub staff fill in with or for any organisation; its members fill in their own."""
    if organisation.merged_into_id or organisation.is_historical:
        return False
    return is_hub_staff(user) or organisation.pk in member_organisation_ids(user)


def get_organisation_to_assess(user: Any, organisation_id: int) -> Organisation:
    organisation = get_organisation_for_user(user, organisation_id)
    if not can_fill(user, organisation):
        raise Http404
    return organisation


def get_assessment_to_fill(user: Any, assessment_id: int) -> Assessment:
    assessment = get_assessment_for_user(user, assessment_id)
    if not can_fill(user, assessment.organisation):
        raise Http404
    return assessment


def visible_results(user: Any) -> QuerySet[Result]:
    if is_hub_staff(user):
        return Result.objects.all()
    return Result.objects.filter(organisation_id__in=member_organisation_ids(user))


def get_result_for_user(user: Any, result_id: int) -> Result:
    result = visible_results(user).select_related("assessment", "organisation").filter(pk=result_id).first()
    if result is None:
        raise Http404
    return result


def require_assessment_staff(user: Any) -> None:
    """The list of all assessments, exports, imports and re-scoring are for hub staff."""
    require_hub_staff(user)


def require_interpretation_editor(user: Any) -> None:
    """The hub's interpretation texts are the hub manager's words."""
    require_hub_admin(user)
