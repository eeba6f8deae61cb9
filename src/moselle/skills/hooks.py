"""What the skills app adds to the events' own work for a course's session (registered in ``apps.ready``):

- an enrolment the hub confirms in an aided course commits the aid: a de minimis grant per participant,
  checked against the company's headroom (an enrolment beyond it is refused with the reason), and released
  when the enrolment is cancelled, declined or lapses;
- the service record an attendance proposes carries the course's price and the aid granted for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.events import follow_up
from moselle.events.models import Event, Registration
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.reporting.models import AidBasis, Grant
from moselle.skills.models import CourseSession

R = Registration.Status
CUSTOMER_KINDS = (Organisation.Kind.COMPANY, Organisation.Kind.PUBLIC_BODY)
COMMITTED = (R.CONFIRMED, R.WAITING, R.OFFERED)
ENDED = (R.CANCELLED, R.DECLINED, R.LAPSED)


def grant_ref(registration: Registration) -> str:
    return f"enrolment-{registration.pk}"


def _session_of(event: Event) -> CourseSession | None:
    return CourseSession.objects.select_related("course__offer").filter(event=event).first()


def _is_customer(organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return OrganisationKind.objects.filter(organisation_id=organisation_id, kind__in=CUSTOMER_KINDS).exists()


def on_status(*, actor: Any, event: Event, registration: Registration, before: str) -> None:
    if event.kind != Event.Kind.TRAINING:
        return
    session = _session_of(event)
    if session is None or not session.course.is_aided:
        return
    existing = Grant.objects.filter(
        source=Grant.Source.ENROLMENT, source_ref=grant_ref(registration), status=Grant.Status.GRANTED
    ).first()
    if registration.status in ENDED:
        if existing is not None:
            from moselle.reporting.actions import grant_release

            grant_release(
                grant=existing,
                reason=_("The enrolment ended: %(status)s.") % {"status": registration.get_status_display()},
            )
        return
    if registration.status not in COMMITTED or before not in ("", R.PENDING) or existing is not None:
        return
    if not is_hub_staff(actor) or not _is_customer(registration.organisation_id):
        return
    from moselle.reporting.actions import grant_record
    from moselle.skills.actions import in_hub_language

    assert registration.organisation is not None
    try:
        grant_record(
            actor=actor,
            organisation=registration.organisation,
            amount=session.course.aid_per_participant,
            description=_("Training: %(course)s") % {"course": in_hub_language(session.course.offer.title)},
            basis=AidBasis.DE_MINIMIS,
            source=Grant.Source.ENROLMENT,
            source_ref=grant_ref(registration),
        )
    except ValidationError as error:
        raise ValidationError(
            {
                "aid": [
                    _("The course's aid cannot be granted to %(name)s: %(reason)s")
                    % {"name": registration.organisation.name, "reason": " ".join(error.messages)}
                ]
            }
        ) from None


def record_details(event: Event, organisation: Organisation, attendees: int) -> dict[str, Any]:
    """The price and aid of a course's service record for one company: the price per participant times the
    participants who came, and the aid granted for the enrolments of those who came (the service is theirs;
    a record's aid is never above its price, even where the course was made cheaper after the aid was
    granted)."""
    if event.kind != Event.Kind.TRAINING:
        return {}
    session = _session_of(event)
    if session is None:
        return {}
    came = Registration.objects.filter(event=event, organisation=organisation, attended_at__isnull=False)
    refs = [grant_ref(r) for r in came]
    grants = list(
        Grant.objects.filter(source=Grant.Source.ENROLMENT, source_ref__in=refs, status=Grant.Status.GRANTED).order_by(
            "pk"
        )
    )
    price = session.course.price_per_participant * attendees
    aid = min(sum((g.amount for g in grants), Decimal("0")), price)
    return {
        "price": price,
        "aid": aid,
        "aid_basis": AidBasis.DE_MINIMIS if aid else AidBasis.NONE,
        "grant": grants[0] if grants else None,
    }


def connect() -> None:
    if on_status not in follow_up.STATUS_HOOKS:
        follow_up.STATUS_HOOKS.append(on_status)
    if record_details not in follow_up.RECORD_DETAILS:
        follow_up.RECORD_DETAILS.append(record_details)


__all__ = ["connect", "grant_ref", "on_status", "record_details"]
