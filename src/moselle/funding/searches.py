"""Saved searches for funding and their daily digest.

A person (a company's member, a hub advisor) keeps a search: its name and its criteria — for which
organisation, the scope, the instrument, technologies, words matched against a programme's name and
description, and "eligible only" (the organisation's eligibility, worked out by the rules) — and the calls they
follow. ``send_digests`` (a ``tick`` job) e-mails the owner at most once a day when a call of a matching
programme is new since the last digest, or a followed or matching call closes within ``CLOSING_WITHIN``; each
call is announced once as new and once as closing, recorded in ``notified_calls``, so nothing is sent twice.

The name and the criteria are personal data (``SavedSearch.PERSONAL_FIELDS``); funding/privacy.py exports and
erases them with the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.core import audit, mail
from moselle.core.ids import row_id
from moselle.funding import access, queries
from moselle.funding import rules as rulebook
from moselle.funding.facts import Facts
from moselle.funding.models import Call, Programme, SavedSearch
from moselle.journeys.actions.checks import Checked, check_text, technologies_named

CLOSING_WITHIN = timedelta(days=7)
DIGEST_EVERY = timedelta(days=1)
MAX_FOLLOWED = 50
NEW, CLOSING = "new", "closing"
TEMPLATE = "funding/email/digest"


# --- Criteria ------------------------------------------------------------------------------------------------


def _choice(choices: Any, field: str, message: str) -> Any:
    def check(value: Any) -> str:
        text = str(value or "").strip()
        if text and text not in choices.values:
            raise ValidationError({field: message})
        return text

    return check


def _organisation_id(actor: Any) -> Any:
    def check(value: Any) -> int | None:
        if value in (None, ""):
            return None
        wanted = row_id(value)
        found = None
        if wanted is not None:
            found = access.funding_organisations(actor).filter(pk=wanted).values_list("pk", flat=True).first()
        if found is None:
            raise ValidationError({"organisation": _("Choose one of your organisations.")})
        return int(found)

    return check


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("on", "yes", "true", "1")


def _calls(actor: Any) -> Any:
    def check(value: Any) -> list[Call]:
        if value in (None, ""):
            return []
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        ids = {row_id(item) for item in items}
        if len(items) > MAX_FOLLOWED or None in ids:
            raise ValidationError({"calls": _("Choose the calls to follow from the list.")})
        found = list(access.visible_calls(actor).filter(pk__in=ids))
        if len(found) != len(ids):
            raise ValidationError({"calls": _("Choose the calls to follow from the list.")})
        return found

    return check


def check_criteria(actor: Any, data: Mapping[str, Any], checked: Checked | None = None) -> dict[str, Any]:
    """The criteria as stored: ``organisation`` (an id or None), ``scope``, ``instrument``, ``technologies``
    (names), ``text`` and ``eligible_only``; every bad one named."""
    own = checked is None
    checked = checked or Checked(data)
    organisation = checked.take("organisation", _organisation_id(actor))
    checked.take("scope", _choice(Programme.Scope, "scope", _("Choose EU, national, regional or cross-border.")))
    checked.take("instrument", _choice(Programme.Instrument, "instrument", _("Choose the kind of support.")))
    checked.take("technologies", lambda v: sorted(t.name for t in technologies_named(v or [])))
    checked.take("text", lambda v: check_text(v, "text", 200))
    eligible_only = checked.take("eligible_only", _flag)
    if eligible_only and organisation is None and "organisation" not in checked.errors:
        checked.add("eligible_only", _("Choose the organisation whose eligibility counts."))
    if own:
        checked.done()
    return {key: checked.values.get(key) for key in CRITERIA if key in checked.values}


CRITERIA = ("organisation", "scope", "instrument", "technologies", "text", "eligible_only")


def search_create(*, actor: Any, data: Mapping[str, Any]) -> SavedSearch:
    """A search the actor keeps, with the calls they follow; every bad field named, nothing written then."""
    if not getattr(actor, "is_authenticated", False):
        raise ValidationError({"name": _("Sign in to save a search.")})
    checked = Checked(data)
    checked.take("name", lambda v: check_text(v, "name", 120, required=True, missing=_("Give the search a name.")))
    criteria = check_criteria(actor, data, checked)
    checked.take("calls", _calls(actor))
    checked.done()
    with transaction.atomic():
        search = SavedSearch.objects.create(
            owner=actor,
            organisation_id=criteria.get("organisation"),
            name=checked.values["name"],
            criteria=criteria,
        )
        search.saved_calls.set(checked.values["calls"])
        audit.record(actor=actor, action="funding_search.create", target=search)
    return search


def search_delete(*, actor: Any, search: SavedSearch) -> None:
    if search.owner_id != getattr(actor, "pk", None):
        raise ValidationError({"search": _("Only its owner deletes a saved search.")})
    with transaction.atomic():
        audit.record(actor=actor, action="funding_search.delete", target=search)
        search.delete()


def search_follow(*, actor: Any, search: SavedSearch, call: Call, follow: bool) -> SavedSearch:
    """Follow a call in the search (a reminder before it closes), or stop following it."""
    if search.owner_id != getattr(actor, "pk", None):
        raise ValidationError({"search": _("Only its owner changes a saved search.")})
    with transaction.atomic():
        if follow:
            if search.saved_calls.count() >= MAX_FOLLOWED:
                raise ValidationError(
                    {"call": _("A search follows at most %(limit)d calls.") % {"limit": MAX_FOLLOWED}}
                )
            search.saved_calls.add(call)
        else:
            search.saved_calls.remove(call)
        audit.record(
            actor=actor, action="funding_search.follow" if follow else "funding_search.unfollow", target=search
        )
    return search


# --- Matching --------------------------------------------------------------------------------------------------


def _words(programme: Programme) -> str:
    texts = [*(programme.name or {}).values(), *(programme.description or {}).values(), programme.code]
    return " ".join(texts).casefold()


def _technologies(programme: Programme) -> set[str]:
    names = {t.name.casefold() for t in programme.technologies.all()}
    for call in programme.calls.all():
        names.update(t.name.casefold() for t in call.technologies.all())
    return names


def matches(criteria: Mapping[str, Any], programme: Programme, facts: Facts | None = None) -> bool:
    """Whether the programme meets every criterion; "eligible only" needs the organisation's ``facts``."""
    if criteria.get("scope") and programme.scope != criteria["scope"]:
        return False
    if criteria.get("instrument") and programme.instrument != criteria["instrument"]:
        return False
    wanted = {name.casefold() for name in criteria.get("technologies") or []}
    if wanted and not wanted & _technologies(programme):
        return False
    text = str(criteria.get("text") or "").strip().casefold()
    if text and not all(word in _words(programme) for word in text.split()):
        return False
    if criteria.get("eligible_only"):
        return facts is not None and rulebook.evaluate(programme, facts).outcome == rulebook.ELIGIBLE
    return True


def criteria_in_words(criteria: Mapping[str, Any]) -> list[str]:
    """The criteria as the pages show them."""
    from moselle.organisations.models import Organisation

    words = []
    if criteria.get("organisation"):
        organisation = Organisation.objects.filter(pk=criteria["organisation"]).first()
        words.append(_("for %(name)s") % {"name": organisation.name if organisation else "-"})
    if criteria.get("scope"):
        words.append(str(Programme.Scope(criteria["scope"]).label))
    if criteria.get("instrument"):
        words.append(str(Programme.Instrument(criteria["instrument"]).label))
    if criteria.get("technologies"):
        words.append(", ".join(criteria["technologies"]))
    if criteria.get("text"):
        words.append(_("“%(text)s”") % {"text": criteria["text"]})
    if criteria.get("eligible_only"):
        words.append(_("eligible only"))
    return words or [_("every programme")]


# --- The digest ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One call in a digest, and the address of its programme's page."""

    call: Call
    programme: Programme
    url: str


def _sent(search: SavedSearch) -> set[tuple[int, str]]:
    found = set()
    for entry in search.notified_calls or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("call"), int):
            found.add((entry["call"], str(entry.get("as", NEW))))
        elif isinstance(entry, int):  # a bare id: announced as new
            found.add((entry, NEW))
    return found


def _owner_may_see(search: SavedSearch) -> bool:
    if search.organisation_id is None:
        return True
    return access.funding_organisations(search.owner).filter(pk=search.organisation_id).exists()


def _digest_for(search: SavedSearch, programmes: list[Programme], today: date) -> tuple[list[Item], list[Item]]:
    """The calls to announce from one search: those new since its last digest, and those closing soon."""
    since: datetime = search.last_sent_at or search.created_at
    sent = _sent(search)
    soon = today + CLOSING_WITHIN
    new_calls, closing = [], []
    for programme in programmes:
        for call in programme.calls.all():
            still_open = call.closes_on is None or call.closes_on >= today
            if call.created_at > since and still_open and (call.pk, NEW) not in sent:
                new_calls.append((programme, call))
            ends_soon = queries.is_open(call, today) and call.closes_on is not None and call.closes_on <= soon
            if ends_soon and (call.pk, CLOSING) not in sent:
                closing.append((programme, call))
    if not new_calls and not closing:
        return [], []
    if not _owner_may_see(search):  # no longer a member of the organisation: its eligibility is not theirs
        return [], []
    followed = set(search.saved_calls.values_list("pk", flat=True))
    facts = Facts(search.organisation, today=today) if search.organisation is not None else None
    verdicts: dict[int, bool] = {}

    def wanted(programme: Programme) -> bool:
        if programme.pk not in verdicts:
            verdicts[programme.pk] = matches(search.criteria or {}, programme, facts)
        return verdicts[programme.pk]

    def item(programme: Programme, call: Call) -> Item:
        return Item(call=call, programme=programme, url=reverse("funding_programme_detail", args=[programme.pk]))

    fresh = [item(p, c) for p, c in new_calls if wanted(p)]
    ending = [item(p, c) for p, c in closing if c.pk in followed or wanted(p)]
    return fresh, ending


@dataclass(frozen=True)
class Section:
    """One saved search's news in a digest."""

    name: str
    new_calls: list[Item]
    closing: list[Item]


def _sent_within(owner_id: int, now: datetime) -> bool:
    return SavedSearch.objects.filter(owner_id=owner_id, last_sent_at__gt=now - DIGEST_EVERY).exists()


def send_digests() -> int:
    """E-mail each owner whose searches have news one digest, at most once a day (run by ``tick``); returns
    how many were sent.

    Safe to run twice: the owner's searches are locked, checked again and marked in the same transaction as
    the e-mail, which leaves only once that transaction commits."""
    now = timezone.now()
    today = timezone.localdate()
    recent = SavedSearch.objects.filter(last_sent_at__gt=now - DIGEST_EVERY).values("owner_id")
    owners = sorted(
        set(
            SavedSearch.objects.filter(owner__is_active=True)
            .exclude(owner_id__in=recent)
            .values_list("owner_id", flat=True)
        )
    )
    if not owners:
        return 0
    # Active programmes only: a digest announces what a company can still apply to.
    programmes = list(
        queries.with_details(Programme.objects.filter(active=True)).prefetch_related(
            "technologies", "calls__technologies"
        )
    )
    sent = 0
    for owner_id in owners:
        with transaction.atomic():
            searches = list(
                SavedSearch.objects.select_for_update(of=("self",))
                .filter(owner_id=owner_id)
                .select_related("owner", "organisation")
                .order_by("created_at", "id")
            )
            if not searches or _sent_within(owner_id, now) or not searches[0].owner.email:
                continue
            sections, shown = [], set()
            for search in searches:
                fresh, ending = _digest_for(search, programmes, today)
                if not fresh and not ending:
                    continue
                _record(search, fresh, ending, now, today)
                fresh = [i for i in fresh if (i.call.pk, NEW) not in shown]
                ending = [i for i in ending if (i.call.pk, CLOSING) not in shown]
                shown.update({(i.call.pk, NEW) for i in fresh} | {(i.call.pk, CLOSING) for i in ending})
                if fresh or ending:
                    sections.append(Section(name=search.name, new_calls=fresh, closing=ending))
            if not sections:
                continue
            owner = searches[0].owner
            mail.send_templated(
                to=owner.email,
                template=TEMPLATE,
                context={
                    "name": owner.full_name or owner.email,
                    "sections": sections,
                    "searches_url": reverse("funding_search_list"),
                },
                language=owner.language,
                user_id=owner.pk,
            )
            sent += 1
    return sent


def _record(search: SavedSearch, fresh: Iterable[Item], ending: Iterable[Item], now: datetime, today: date) -> None:
    entries = list(search.notified_calls or [])
    entries += [{"call": item.call.pk, "as": NEW, "on": today.isoformat()} for item in fresh]
    entries += [{"call": item.call.pk, "as": CLOSING, "on": today.isoformat()} for item in ending]
    search.notified_calls = entries
    search.last_sent_at = now
    search.save(update_fields=["notified_calls", "last_sent_at"])


__all__ = [
    "CLOSING_WITHIN",
    "check_criteria",
    "criteria_in_words",
    "matches",
    "search_create",
    "search_delete",
    "search_follow",
    "send_digests",
]
