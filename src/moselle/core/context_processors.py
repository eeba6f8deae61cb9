from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    from moselle.accounts.access import is_hub_admin, is_hub_staff, is_observer, member_organisation_ids

    user = getattr(request, "user", None)
    staff = bool(user and is_hub_staff(user))
    return {
        # Observers see figures only: no organisation list to offer them.
        "nav_has_organisations": staff or bool(user and member_organisation_ids(user)),
        "moselle_demo": settings.MOSELLE_DEMO,
        "nav_is_staff": bool(user and is_hub_staff(user)),
        "nav_is_admin": bool(user and is_hub_admin(user)),
        "nav_is_observer": bool(user and not staff and is_observer(user)),
    }
