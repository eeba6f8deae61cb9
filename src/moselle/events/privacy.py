"""The events app's exporter and eraser. A registration is found by its e-mail address; erasing it removes
the name, the address, the answers and the survey's comments, and cancels it if it is still active (its seat
passes on). What it counted for (a registration, an attendance, a rating) stays in the figures."""

from __future__ import annotations

from typing import Any

from moselle.core import privacy
from moselle.core.i18n import pick
from moselle.events import actions
from moselle.events.models import Registration, SurveyResponse


def _registrations(person: privacy.Person) -> Any:
    return Registration.objects.filter(email__iexact=person.email, purged_at__isnull=True).select_related("event")


def export(person: privacy.Person) -> dict[str, Any]:
    found = []
    for registration in _registrations(person).order_by("id"):
        survey = SurveyResponse.objects.filter(registration=registration).first()
        found.append(
            {
                "event": pick(registration.event.title),
                "name": registration.name,
                "email": registration.email,
                "organisation": registration.organisation_name,
                "language": registration.language,
                "answers": registration.answers,
                "status": registration.status,
                "registered_at": registration.created_at.isoformat(),
                "terms_accepted_at": registration.terms_accepted_at.isoformat()
                if registration.terms_accepted_at
                else None,
                "enrolled_by_their_organisation": registration.enrolled_by_id is not None,
                "attended_at": registration.attended_at.isoformat() if registration.attended_at else None,
                "survey": {"satisfaction": survey.satisfaction, "comments": survey.comments, "answers": survey.answers}
                if survey
                else None,
            }
        )
    return {"event_registrations": found} if found else {}


def erase(person: privacy.Person) -> int:
    return actions.purge(list(_registrations(person)))


privacy.register(app_label="events", models=(Registration, SurveyResponse), exporter=export, eraser=erase)
