"""The survey after an event: the form behind the link e-mailed to those who attended, and the staff's page of
its results with the people who have not answered. Opening the link changes nothing (mail scanners open
links); the answer is saved when the form is sent."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from moselle.core.i18n import pick
from moselle.events import access, actions, survey
from moselle.events.models import SurveyQuestion

TEMPLATE = "events/survey.html"


def _scale() -> list[tuple[str, str]]:
    """The satisfaction's choices, the two ends named."""
    named = {1: _("1 (not at all satisfied)"), 5: _("5 (very satisfied)")}
    return [(str(n), named.get(n, str(n))) for n in survey.SCALE]


def _question_rows(questions: list[SurveyQuestion], values: dict[str, Any], errors: dict[str, Any]) -> list[Any]:
    answers = values.get("answers") or {}
    return [(q, answers.get(str(q.pk), ""), errors.get(f"answers.{q.pk}", [])) for q in questions]


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """The survey's form; once sent, a thank-you. A link answered already says so, without the form."""
    try:
        _link, registration = actions.link_registration(actions.SURVEY, token)
    except ValidationError as error:
        return render(request, TEMPLATE, {"error": " ".join(error.messages)}, status=404)
    event = registration.event
    questions = list(event.survey_questions.all())
    context: dict[str, Any] = {
        "registration": registration,
        "event": event,
        "title": pick(event.title),
        "scale": _scale(),
        "values": {},
        "errors": {},
        "question_rows": _question_rows(questions, {}, {}),
    }
    refused = survey.refusal(registration)
    if refused:
        done_before = survey.answered(registration)
        return render(request, TEMPLATE, {**context, "closed": refused}, status=200 if done_before else 403)
    if request.method == "POST":
        data: dict[str, Any] = {
            "satisfaction": request.POST.get("satisfaction", ""),
            "comments": request.POST.get("comments", ""),
            "answers": {str(q.pk): request.POST.get(f"answer-{q.pk}", "") for q in questions},
        }
        try:
            survey.survey_answer(token=token, data=data)
        except ValidationError as error:
            if "survey" in error.message_dict:  # answered in another tab a moment ago
                closed = " ".join(error.message_dict["survey"])
                status = 200 if survey.answered(registration) else 403
                return render(request, TEMPLATE, {**context, "closed": closed}, status=status)
            context.update(values=data, errors=error.message_dict)
            context["question_rows"] = _question_rows(questions, data, error.message_dict)
            return render(request, TEMPLATE, context, status=400)
        context["done"] = True
    return render(request, TEMPLATE, context)


@login_required
@require_GET
def staff_event_survey(request: HttpRequest, event_id: int) -> HttpResponse:
    """The survey's results: the response rate, the satisfaction, the free answers and comments, and who has
    not answered yet (to remind them in person)."""
    event = access.get_event_for_staff(request.user, event_id)
    return render(request, "events/staff_survey.html", {"event": event, "results": survey.results(event)})


__all__ = ["staff_event_survey", "survey_page"]
