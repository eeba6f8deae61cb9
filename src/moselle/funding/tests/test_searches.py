"""Saved searches and their digest: a new call of a matching programme is announced once, a followed or
matching call closing within a week once, at most one e-mail a day per person, in their language; nothing
when nothing matches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.core import due_work
from moselle.core.models import EmailLog
from moselle.funding import actions, searches
from moselle.funding.models import Call, Programme, SavedSearch
from moselle.funding.tests.conftest import DECLARED, declare, figures
from moselle.organisations.models import Organisation

TEMPLATE = "funding/email/digest"


def digests() -> list[EmailLog]:
    return list(EmailLog.objects.filter(template=TEMPLATE).order_by("id"))


def new_call(programme: Programme, title: str, *, closes_in: int | None = 60, opens_in: int = 0) -> Call:
    today = timezone.localdate()
    data: dict[str, Any] = {"title": {"en": title, "fr": f"{title} (fr)"}, "opens_on": str(today + timedelta(opens_in))}
    if closes_in is not None:
        data["closes_on"] = str(today + timedelta(closes_in))
    return actions.call_create(actor=None, programme=programme, data=data, system=True)


def save(owner: User, name: str = "Grants", **criteria: Any) -> SavedSearch:
    """A search saved two days ago (so that calls made now are new to it)."""
    search = searches.search_create(actor=owner, data={"name": name, **criteria})
    SavedSearch.objects.filter(pk=search.pk).update(created_at=timezone.now() - timedelta(days=2))
    search.refresh_from_db()
    return search


def a_day_passes() -> None:
    SavedSearch.objects.exclude(last_sent_at=None).update(last_sent_at=timezone.now() - timedelta(hours=25))


@pytest.fixture
def owner(personas: Any) -> User:
    return personas.a[Role.COMPANY_MEMBER]


@pytest.fixture
def company(owner: User) -> Organisation:
    organisation = Organisation.objects.get(pk=owner.memberships.get().organisation_id)
    figures(organisation, "small")
    declare(organisation, *DECLARED)
    return organisation


def test_the_digest_is_a_tick_job() -> None:
    assert ("funding digests", searches.send_digests) in due_work.jobs()


def test_a_new_call_of_a_matching_programme_is_announced_once(owner: User, programmes: dict[str, Programme]) -> None:
    save(owner, instrument="grant", text="innovation")
    new_call(programmes["lu-sme-innovation-aid"], "Spring round")
    new_call(programmes["lu-smepackages-sustainability"], "Packages round")  # a fixed grant: no match
    assert searches.send_digests() == 1
    [mail] = digests()
    assert mail.recipient == owner.email and mail.user_id == owner.pk
    assert "Financial aid for SME innovation: Spring round" in mail.body
    assert "Packages round" not in mail.body
    assert "/funding/programmes/" in mail.body and "/funding/searches/" in mail.body

    assert searches.send_digests() == 0  # the same day: nothing
    a_day_passes()
    assert searches.send_digests() == 0  # the next day: nothing new, nothing sent twice
    assert len(digests()) == 1


def test_calls_older_than_the_search_are_not_new(owner: User, programmes: dict[str, Programme]) -> None:
    new_call(programmes["lu-sme-innovation-aid"], "Old round")
    searches.search_create(actor=owner, data={"name": "Everything"})
    assert searches.send_digests() == 0 and digests() == []


def test_a_followed_call_closing_within_a_week_is_announced_once(owner: User, programmes: dict[str, Programme]) -> None:
    closing = new_call(programmes["lu-fit4innovation"], "Last chance", closes_in=5)
    later = new_call(programmes["lu-fit4innovation"], "Later", closes_in=40)
    unfollowed = new_call(programmes["eu-eic-accelerator"], "Not followed", closes_in=3)
    search = searches.search_create(
        actor=owner, data={"name": "Followed", "text": "nothing matches this", "calls": [closing.pk, later.pk]}
    )
    assert searches.send_digests() == 1
    [mail] = digests()
    assert "Closing within a week:" in mail.body and "Fit 4 Innovation: Last chance" in mail.body
    assert "Later" not in mail.body and unfollowed.title["en"] not in mail.body
    search.refresh_from_db()
    assert {"call": closing.pk, "as": "closing", "on": timezone.localdate().isoformat()} in search.notified_calls
    a_day_passes()
    assert searches.send_digests() == 0


def test_a_call_announced_as_new_is_announced_again_when_it_closes(
    owner: User, programmes: dict[str, Programme]
) -> None:
    save(owner, text="innovation aid")
    call = new_call(programmes["lu-sme-innovation-aid"], "Round", closes_in=30)
    assert searches.send_digests() == 1
    assert "New calls:" in digests()[0].body and "Closing within a week:" not in digests()[0].body
    Call.objects.filter(pk=call.pk).update(closes_on=timezone.localdate() + timedelta(days=6))
    a_day_passes()
    assert searches.send_digests() == 1
    last = digests()[-1].body
    assert "Closing within a week:" in last and "New calls:" not in last


def test_eligible_only_counts_the_organisations_eligibility(
    owner: User, company: Organisation, programmes: dict[str, Programme]
) -> None:
    save(owner, organisation=company.pk, eligible_only=True)
    new_call(programmes["lu-fit4innovation"], "Eligible round")  # small, LU: eligible
    new_call(programmes["lu-fit4digital"], "Unsure round")  # the grants of 2 years not declared: unknown
    new_call(programmes["interreg-greater-region"], "Region round")  # no region in the registry: unknown
    assert searches.send_digests() == 1
    body = digests()[0].body
    assert "Eligible round" in body and "Unsure round" not in body and "Region round" not in body


def test_nothing_is_sent_when_nothing_matches(owner: User, programmes: dict[str, Programme]) -> None:
    save(owner, scope="regional")
    new_call(programmes["lu-fit4innovation"], "National round")
    assert searches.send_digests() == 0 and digests() == []
    assert SavedSearch.objects.get().last_sent_at is None


def test_one_digest_a_day_for_all_of_a_persons_searches(owner: User, programmes: dict[str, Programme]) -> None:
    save(owner, "National", scope="national")
    save(owner, "Innovation", text="innovation")
    new_call(programmes["lu-sme-innovation-aid"], "Shared round")
    new_call(programmes["lu-fit4innovation"], "Fit round")
    assert searches.send_digests() == 1
    [mail] = digests()
    assert "== National ==" in mail.body and mail.body.count("Shared round") == 1  # not listed twice
    new_call(programmes["lu-fit4sustainability"], "Another round")
    assert searches.send_digests() == 0  # the same day: it waits
    a_day_passes()
    assert searches.send_digests() == 1
    assert "Another round" in digests()[-1].body and "Shared round" not in digests()[-1].body


def test_the_digest_is_in_the_owners_language(owner: User, programmes: dict[str, Programme]) -> None:
    owner.language = "fr"
    owner.save(update_fields=["language"])
    save(owner, text="innovation")
    new_call(programmes["lu-sme-innovation-aid"], "Round")
    searches.send_digests()
    [mail] = digests()
    assert mail.language == "fr"
    assert "Aide à l'innovation des PME: Round (fr)" in mail.body


def test_an_inactive_owner_or_a_lost_membership_gets_nothing(
    owner: User, company: Organisation, programmes: dict[str, Programme]
) -> None:
    save(owner, organisation=company.pk, eligible_only=True)
    owner.memberships.update(status="removed")
    new_call(programmes["lu-fit4innovation"], "Eligible round")
    assert searches.send_digests() == 0
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert searches.send_digests() == 0


def test_criteria_are_checked_and_described(owner: User, company: Organisation, org_b: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        searches.search_create(actor=owner, data={"name": "x", "organisation": org_b.pk, "instrument": "gift"})
    assert set(refused.value.message_dict) == {"organisation", "instrument"}
    search = searches.search_create(
        actor=owner, data={"name": "Mine", "organisation": company.pk, "text": "cloud", "eligible_only": True}
    )
    words = searches.criteria_in_words(search.criteria)
    assert words == [f"for {company.name}", "“cloud”", "eligible only"]
    assert searches.criteria_in_words({}) == ["every programme"]
