"""What the skills app adds to the events' own work for a course's session (registered in ``apps.ready``):

- an enrolment the hub confirms in an aided course (its own, or one it approves, seated or on the waiting list)
  commits the aid: a de minimis grant per participant, checked against the company's headroom (an enrolment
  beyond it is refused with the reason), and released when the enrolment is cancelled, declined or lapses, or
  when the session is over and it never had a seat (``release_unused_grants``, run by ``tick``);
- unmarking a day or the attendance of someone whose completion is recorded is refused;
- the service record an attendance proposes carries the course's price and the aid granted for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff
from moselle.events import follow_up
from moselle.events.models import Event, Registration
from moselle.organisations.models import Organisation
from moselle.reporting.models import AidBasis, Grant
from moselle.skills.models import CourseSession

R = Registration.Status
COMMITTED = (R.CONFIRMED, R.WAITING, R.OFFERED)
ENDED = (R.CANCELLED, R.DECLINED, R.LAPSED)


def grant_ref(registration: Registration) -> str:
    return f"enrolment-{registration.pk}"


def _session_of(event: Event) -> CourseSession | None:
    return CourseSession.objects.select_related("course__offer").filter(event=event).first()


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

            with translation.override(settings.LANGUAGE_CODE):
                reason = _("The enrolment ended: %(status)s.") % {"status": registration.get_status_display()}
            grant_release(grant=existing, reason=reason)
        return
    if registration.status not in COMMITTED or before not in ("", R.PENDING) or existing is not None:
        return
    if not is_hub_staff(actor) or not follow_up.is_customer(registration.organisation_id):
        return
    from moselle.reporting.actions import grant_record

    assert registration.organisation is not None
    try:
        grant_record(
            actor=actor,
            organisation=registration.organisation,
            amount=session.course.aid_per_participant,
            description=_written_once(session),
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


def _written_once(session: CourseSession) -> str:
    """The aided service, in the hub's own language: a grant's notice is written once."""
    from moselle.skills.actions import in_hub_language

    with translation.override(settings.LANGUAGE_CODE):
        return _("Training: %(course)s") % {"course": in_hub_language(session.course.offer.title)}


def release_unused_grants() -> int:
    """Grants of enrolments still waiting for a seat, or offered one, once their session is over: the aid was
    committed when the hub approved the enrolment, and the service was never given (run by ``tick``)."""
    from moselle.reporting.actions import grant_release

    today = timezone.localdate()
    released = 0
    waiting = (
        Registration.objects.filter(status__in=(R.WAITING, R.OFFERED), event__course_session__isnull=False)
        .annotate(last_day=Max("event__sessions__day"))
        .filter(last_day__lt=today)
    )
    refs = {grant_ref(r): r for r in waiting}
    for grant in Grant.objects.filter(
        source=Grant.Source.ENROLMENT, source_ref__in=list(refs), status=Grant.Status.GRANTED
    ).order_by("pk"):
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The session is over and the enrolment never had a seat.")
        grant_release(grant=grant, reason=reason)
        released += 1
    return released


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
        Grant.objects.filter(
            organisation=organisation, source=Grant.Source.ENROLMENT, source_ref__in=refs, status=Grant.Status.GRANTED
        ).order_by("pk")
    )
    price = session.course.price_per_participant * attendees
    aid = min(sum((g.amount for g in grants), Decimal("0")), price)
    return {
        "price": price,
        "aid": aid,
        "aid_basis": AidBasis.DE_MINIMIS if aid else AidBasis.NONE,
        "grant": grants[0] if grants else None,
    }


def keep_completion(registration: Registration) -> None:
    """A participant whose completion is recorded attended every day: unmarking a day would contradict it."""
    from moselle.skills.models import Completion

    if Completion.objects.filter(registration=registration).exists():
        raise ValidationError(
            {"session": _("This participant's completion of the course is recorded: the days attended stay marked.")}
        )


def connect() -> None:
    if keep_completion not in follow_up.UNMARK_GUARDS:
        follow_up.UNMARK_GUARDS.append(keep_completion)
    if on_status not in follow_up.STATUS_HOOKS:
        follow_up.STATUS_HOOKS.append(on_status)
    if record_details not in follow_up.RECORD_DETAILS:
        follow_up.RECORD_DETAILS.append(record_details)


__all__ = ["connect", "grant_ref", "keep_completion", "on_status", "record_details", "release_unused_grants"]
