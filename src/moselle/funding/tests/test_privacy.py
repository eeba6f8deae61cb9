"""A person's saved funding searches are exported and erased with them."""

from __future__ import annotations

from typing import Any

from moselle.accounts.models import Role
from moselle.core import privacy
from moselle.funding.models import SavedSearch


def test_saved_searches_are_exported_and_erased(make_user: Any) -> None:
    owner = make_user(Role.HUB_ADVISOR, email="ana@example.org")
    other = make_user(Role.HUB_ADVISOR, email="tom@example.org")
    SavedSearch.objects.create(owner=owner, name="Cyber grants for Ana's clients", criteria={"text": "cyber"})
    SavedSearch.objects.create(owner=other, name="Tom's", criteria={})
    person = privacy.find_person("ana@example.org")
    exported = privacy.export_person(person)["funding"]["saved_funding_searches"]
    assert [(s["name"], s["criteria"]) for s in exported] == [("Cyber grants for Ana's clients", {"text": "cyber"})]
    privacy.erase_person(person)
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Tom's"]
