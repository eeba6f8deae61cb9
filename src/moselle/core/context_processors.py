from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    from moselle.accounts.access import is_hub_admin, is_hub_staff

    user = getattr(request, "user", None)
    return {
        "moselle_demo": settings.MOSELLE_DEMO,
        "nav_is_staff": bool(user and is_hub_staff(user)),
        "nav_is_admin": bool(user and is_hub_admin(user)),
    }
