"""The survey after an event: one e-mail to each person who attended, with a signed link to a short form
(satisfaction from 1 to 5, comments and the event's free questions), answered once; and what the hub's
staff read of it, with the people who have not answered yet.

``send_surveys`` runs with ``tick``: an event's survey goes ``MOSELLE_EVENT_SURVEY_AFTER_HOURS`` after its
last session ends, and up to 30 days after, so that attendance marked late still gets its survey at the next
tick. Each registration is surveyed once: ``survey_sent_at`` is set in the transaction that writes the
e-mail, under a lock on the registration's row, so two ticks never send it twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.core import audit, mail
from moselle.core.i18n import pick
from moselle.events.actions import SURVEY, absolute_url, last_end, link_registration, standing_token
from moselle.events.models import Event, Registration, SurveyQuestion, SurveyResponse

COMMENTS_LIMIT = 2000
ANSWER_LIMIT = 1000
SURVEY_WINDOW = timedelta(days=30)  # an event ended longer ago than this gets no survey any more
SCALE = (1, 2, 3, 4, 5)

# --- Sending ------------------------------------------------------------------------------------------------


def survey_url(registration: Registration) -> str:
    """The registrant's link to the survey: signed, stored nowhere, answered once."""
    return absolute_url(reverse("event_survey", args=[standing_token(SURVEY, registration)]))


def _unsurveyed() -> Any:
    """Registrations that attended, still hold their data and have not been sent the survey."""
    return Registration.objects.filter(attended_at__isnull=False, purged_at__isnull=True, survey_sent_at__isnull=True)


def send_surveys() -> int:
    """Send the survey to those who attended the events that ended long enough ago (run by ``tick``; safe to
    run twice). Returns the number of e-mails sent."""
    now = timezone.now()
    latest_end = now - timedelta(hours=settings.MOSELLE_EVENT_SURVEY_AFTER_HOURS)
    waiting = _unsurveyed().filter(event__status=Event.Status.PUBLISHED, event__sends_survey=True)
    event_ids = set(waiting.values_list("event_id", flat=True))
    if not event_ids:
        return 0
    # A session's day is local to its event: a day's margin either side, the exact moment checked below.
    events = (
        Event.objects.filter(
            pk__in=event_ids,
            sessions__day__gte=(now - SURVEY_WINDOW - timedelta(days=1)).date(),
            sessions__day__lte=(latest_end + timedelta(days=1)).date(),
        )
        .distinct()
        .prefetch_related("sessions")
        .order_by("pk")
    )
    sent = 0
    for event in events:
        sessions = list(event.sessions.all())
        if not now - SURVEY_WINDOW <= last_end(event, sessions) <= latest_end:
            continue
        with transaction.atomic():
            for registration in _unsurveyed().filter(event=event).select_for_update().order_by("pk"):
                registration.survey_sent_at = timezone.now()
                registration.save(update_fields=["survey_sent_at", "updated_at"])
                mail.send_templated(
                    to=registration.email,
                    template="events/email/survey",
                    context={
                        "event": event,
                        "title": pick(event.title, registration.language),
                        "registration": registration,
                        "survey_url": survey_url(registration),
                    },
                    language=registration.language,
                )
                sent += 1
    return sent


# --- Answering ----------------------------------------------------------------------------------------------


def answered(registration: Registration) -> bool:
    return SurveyResponse.objects.filter(registration_id=registration.pk).exists()


def refusal(registration: Registration) -> str | None:
    """Why this registration may not answer the survey (its data removed, already answered, not attended),
    or None when it may."""
    if registration.purged_at is not None:
        return _("This registration's data has been removed; the survey is closed.")
    if answered(registration):
        return _("You have already answered this survey. Thank you!")
    if registration.attended_at is None:
        return _("The survey is for those who attended the event.")
    return None


def _satisfaction_of(value: Any) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({"satisfaction": _("Say how satisfied you are, from 1 to 5.")})
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if text not in {str(n) for n in SCALE}:
        raise ValidationError({"satisfaction": _("Give a whole number from 1 to 5.")})
    return int(text)


def _text_of(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Give the answer as text.")})
    text = value.strip()
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def _checked_answer(questions: list[SurveyQuestion], data: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of an answer checked; every bad one named at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"answers": {}}

    def take(field: str, check: Any, value: Any) -> Any:
        try:
            return check(value)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        return None

    values["satisfaction"] = take("satisfaction", _satisfaction_of, data.get("satisfaction"))
    values["comments"] = take("comments", lambda v: _text_of(v, "comments", COMMENTS_LIMIT), data.get("comments"))
    answers = data.get("answers") or {}
    if not isinstance(answers, Mapping):
        errors["answers"] = [_("Give the answers by question.")]
        answers = {}
    known = {str(question.pk) for question in questions}
    for key, answer in answers.items():
        field = f"answers.{str(key)[:20]}"
        if str(key) not in known:
            errors[field] = [_("This is not one of the survey's questions.")]
            continue
        text = take(field, lambda v, f=field: _text_of(v, f, ANSWER_LIMIT), answer)
        if text:
            values["answers"][str(key)] = text
    if errors:
        raise ValidationError(errors)
    return values


def survey_answer(*, token: str, data: Mapping[str, Any]) -> SurveyResponse:
    """Someone who attended answers the survey by their link, once: satisfaction from 1 to 5 (required),
    comments and the free questions (optional)."""
    _link, registration = link_registration(SURVEY, token)
    refused = refusal(registration)
    if refused:
        raise ValidationError({"survey": refused})
    values = _checked_answer(list(registration.event.survey_questions.all()), data)
    try:
        with transaction.atomic():
            registration = Registration.objects.select_for_update().get(pk=registration.pk)
            refused = refusal(registration)
            if refused:
                raise ValidationError({"survey": refused})
            response = SurveyResponse.objects.create(registration=registration, **values)
            audit.record(actor=None, action="registration.survey", target=response, actor_kind="system")
    except IntegrityError:  # the same link answered at the same moment in another request
        raise ValidationError({"survey": _("You have already answered this survey. Thank you!")}) from None
    return response


# --- Results ------------------------------------------------------------------------------------------------


@dataclass
class SurveyResults:
    """What the hub's staff read of an event's survey."""

    surveyed: int
    answered: int
    response_rate: Decimal | None  # per cent, one decimal; None when nobody was surveyed
    mean_satisfaction: Decimal | None  # one decimal; None when nobody answered
    distribution: list[tuple[int, int]]  # (rating, how many gave it), 1 to 5
    answers: list[tuple[SurveyQuestion, list[str]]]  # each free question with its answers, in order
    comments: list[str]
    non_responders: list[Registration]  # surveyed, not answered, data still held


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def results(event: Event) -> SurveyResults:
    """The event's survey in four queries, whatever the number of answers."""
    surveyed = event.registrations.filter(survey_sent_at__isnull=False).count()
    responses = list(
        SurveyResponse.objects.filter(registration__event=event)
        .order_by("answered_at", "pk")
        .values_list("satisfaction", "comments", "answers")
    )
    questions = list(event.survey_questions.all())
    non_responders = list(
        event.registrations.filter(survey_sent_at__isnull=False, survey__isnull=True, purged_at__isnull=True)
        .select_related("organisation")
        .order_by("name", "pk")
    )
    ratings = [satisfaction for satisfaction, _comments, _answers in responses]
    answered = len(responses)
    return SurveyResults(
        surveyed=surveyed,
        answered=answered,
        response_rate=_one_decimal(Decimal(100 * answered) / surveyed) if surveyed else None,
        mean_satisfaction=_one_decimal(Decimal(sum(ratings)) / answered) if answered else None,
        distribution=[(rating, ratings.count(rating)) for rating in SCALE],
        answers=[
            (
                question,
                [given[str(question.pk)] for _s, _c, given in responses if given and given.get(str(question.pk))],
            )
            for question in questions
        ],
        comments=[comments for _s, comments, _a in responses if comments],
        non_responders=non_responders,
    )


__all__ = ["SurveyResults", "answered", "refusal", "results", "send_surveys", "survey_answer", "survey_url"]
