"""What an attendance does in the hub's work, without anyone keying it again: the organisation's timeline
says it attended, its case reaches Inform (Inspire for a workshop, where a group works on its own case),
and a workshop or training attended by a customer proposes a service record per organisation with its
attendee count, for the hub's staff to confirm.

Only a registration matched to an organisation of the registry counts; a name typed at registration stays
a name until staff match it. Everything here runs inside the attendance's transaction, under the event's
row lock, so two check-ins of the same organisation propose one record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from moselle.core.i18n import pick
from moselle.events.models import Event, Registration
from moselle.journeys.actions import activity_record, case_open, case_reach
from moselle.journeys.models import Activity, Case, Stage
from moselle.organisations.models import EdihCategory, Organisation, OrganisationKind

# The stage an attendance brings a case to: a workshop works on the organisation's own questions.
STAGE_FOR = {Event.Kind.WORKSHOP: Stage.INSPIRE}
# The kinds whose attendance is a service delivered to the organisation, and the category it counts under.
RECORDED_KINDS = {
    Event.Kind.WORKSHOP: EdihCategory.ECOSYSTEM_AND_NETWORKING,
    Event.Kind.TRAINING: EdihCategory.SKILLS_AND_TRAINING,
}
# Customers of the hub: companies and public bodies (providers and hubs attend as peers).
CUSTOMER_KINDS = (Organisation.Kind.COMPANY, Organisation.Kind.PUBLIC_BODY)
EVENT_TARGET = Event._meta.label_lower


# Other apps follow a registration's status (a course's aid is granted when staff confirm an enrolment) and add
# to the service record an attendance proposes (a course's price and aid): each registers a function here from
# its ``AppConfig.ready``. Both run inside the events' transaction, under the event's row lock.
StatusHook = Callable[..., None]
STATUS_HOOKS: list[StatusHook] = []
RECORD_DETAILS: list[Callable[[Event, Organisation, int], dict[str, Any]]] = []
# Raise a ValidationError to refuse unmarking a registrant's day or attendance (a course's completion rests on it).
UNMARK_GUARDS: list[Callable[[Registration], None]] = []


def may_unmark(registration: Registration) -> None:
    for guard in UNMARK_GUARDS:
        guard(registration)


def status_changed(*, actor: Any, event: Event, registration: Registration, before: str) -> None:
    """A registration's status changed from ``before`` ("" when it was just created)."""
    for hook in STATUS_HOOKS:
        hook(actor=actor, event=event, registration=registration, before=before)


def category_of(event: Event) -> str:
    """The EDIH category an event counts under, on the dashboard's filter too."""
    return RECORDED_KINDS.get(Event.Kind(event.kind), EdihCategory.ECOSYSTEM_AND_NETWORKING)


def source_ref(event: Event) -> str:
    return f"event-{event.pk}"


def _title(event: Event) -> str:
    """The event's title in the hub's own language: timeline entries and records are written once."""
    with translation.override(settings.LANGUAGE_CODE):
        return pick(event.title)[:200]


def attendance_changed(*, actor: Any, event: Event, registration: Registration) -> None:
    """Bring the hub's records in line with the registration's attendance (marked or unmarked)."""
    organisation = registration.organisation
    if organisation is None or organisation.merged_into_id or organisation.is_historical:
        return
    attendees = Registration.objects.filter(event=event, organisation=organisation, attended_at__isnull=False).count()
    if registration.attended_at is not None:
        case = _on_the_way(actor, event, registration, organisation)
    else:
        case = None
        if attendees == 0:
            Activity.objects.filter(
                organisation=organisation, verb="event_attended", target_type=EVENT_TARGET, target_id=event.pk
            ).delete()
    if event.kind in RECORDED_KINDS and is_customer(organisation):
        _service_record(actor, event, organisation, attendees, case)


def _on_the_way(actor: Any, event: Event, registration: Registration, organisation: Organisation) -> Case:
    """The timeline entry (once per event and organisation) and the case brought to its stage."""
    title = _title(event)
    seen = Activity.objects.filter(
        organisation=organisation, verb="event_attended", target_type=EVENT_TARGET, target_id=event.pk
    ).exists()
    case = Case.objects.filter(organisation=organisation).exclude(status=Case.Status.CLOSED).order_by("-pk").first()
    if case is None:
        with translation.override(settings.LANGUAGE_CODE):
            case = case_open(
                actor=actor,
                organisation=organisation,
                title=_("Attended %(event)s") % {"event": title},
                origin=Case.Origin.EVENT,
            )
    if not seen:
        activity_record(
            organisation=organisation,
            kind=Activity.Kind.EVENT,
            verb="event_attended",
            target=event,
            actor=actor,
            case=case,
            summary=title,
            at=registration.attended_at,
        )
    case_reach(actor=actor, case=case, stage=STAGE_FOR.get(Event.Kind(event.kind), Stage.INFORM))
    return case


def is_customer(organisation: Organisation | int | None) -> bool:
    """A customer of the hub: a company or a public body (an organisation or its id)."""
    if organisation is None:
        return False
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return OrganisationKind.objects.filter(organisation_id=pk, kind__in=CUSTOMER_KINDS).exists()


def _service_record(actor: Any, event: Event, organisation: Organisation, attendees: int, case: Case | None) -> None:
    """One proposed record per organisation and event, its attendee count kept up to date while it is only
    proposed; withdrawn when no one of the organisation attended after all. A record staff have confirmed
    or rejected is theirs: it is left as it is."""
    from moselle.core import audit
    from moselle.reporting.actions import record_propose
    from moselle.reporting.models import ServiceRecord

    existing = (
        ServiceRecord.objects.filter(
            source=ServiceRecord.Source.EVENT, source_ref=source_ref(event), customer=organisation
        )
        .order_by("pk")
        .first()
    )
    if existing is None:
        if attendees == 0:
            return
        days = list(event.sessions.values_list("day", flat=True))
        partners = list(event.partners.all()[:2])
        details: dict[str, Any] = {}
        for supply in RECORD_DETAILS:
            details.update(supply(event, organisation, attendees))
        record_propose(
            **details,
            actor=actor,
            source=ServiceRecord.Source.EVENT,
            customer=organisation,
            category=category_of(event),
            description=_title(event),
            started_on=min(days),
            ended_on=max(days),
            partner=partners[0] if len(partners) == 1 else None,
            case_id=case.pk if case else None,
            source_ref=source_ref(event),
            attendees=attendees,
        )
    elif existing.status == ServiceRecord.Status.PROPOSED:
        if attendees == 0:
            audit.record(
                actor=actor, action="service_record.withdraw", target=existing, organisation_id=organisation.pk
            )
            existing.delete()
        elif existing.attendees != attendees:
            existing.attendees = attendees
            changed = ["attendees", "updated_at"]
            for supply in RECORD_DETAILS:
                for field, value in supply(event, organisation, attendees).items():
                    setattr(existing, field, value)
                    changed.append(field)
            existing.save(update_fields=changed)


__all__ = [
    "RECORD_DETAILS",
    "STATUS_HOOKS",
    "UNMARK_GUARDS",
    "attendance_changed",
    "category_of",
    "is_customer",
    "may_unmark",
    "source_ref",
    "status_changed",
]
