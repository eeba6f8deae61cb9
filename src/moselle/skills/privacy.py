"""The skills app's exporter and eraser. It stores no personal data of its own: a completion points at the
event registration of the person who completed (name and e-mail are the registration's, erased with it by the
events app), and a company's skills picture describes roles, not people. A person's export lists the courses
they completed; erasing the registration leaves the completion as a figure without anyone behind it."""

from __future__ import annotations

from typing import Any

from moselle.core import privacy
from moselle.core.i18n import pick
from moselle.skills.models import Completion


def export(person: privacy.Person) -> dict[str, Any]:
    if not person.email:
        return {}
    found = [
        {
            "course": pick(completion.session.course.offer.title),
            "session": completion.session.event_id,
            "completed_on": completion.completed_on.isoformat(),
            "passed": completion.passed,
        }
        for completion in Completion.objects.filter(registration__email__iexact=person.email)
        .select_related("session__course__offer")
        .order_by("id")
    ]
    return {"course_completions": found} if found else {}


def erase(person: privacy.Person) -> int:
    return 0  # nothing personal here; the registration's data goes with the events app's eraser


privacy.register(app_label="skills", models=(Completion,), exporter=export, eraser=erase)
