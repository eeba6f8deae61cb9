"""The funding app's exporter and eraser. The only personal data it holds is a person's saved searches
(their name and criteria); programmes, declarations, applications and investments are the company's and
name nobody (who declared is a link to the account, removed with it)."""

from __future__ import annotations

from typing import Any

from moselle.core import privacy
from moselle.funding.models import SavedSearch


def _searches(person: privacy.Person) -> Any:
    return SavedSearch.objects.filter(owner_id=person.user_id) if person.user_id else SavedSearch.objects.none()


def export(person: privacy.Person) -> dict[str, Any]:
    found = [
        {"name": search.name, "criteria": search.criteria, "created_at": search.created_at.isoformat()}
        for search in _searches(person).order_by("id")
    ]
    return {"saved_funding_searches": found} if found else {}


def erase(person: privacy.Person) -> int:
    deleted, _ = _searches(person).delete()
    return int(deleted)


privacy.register(app_label="funding", models=(SavedSearch,), exporter=export, eraser=erase)
