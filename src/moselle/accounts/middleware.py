"""Hub staff must set up TOTP before they use the platform, when the hub requires it."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from moselle.accounts.access import is_hub_staff

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/health/", "/privacy/")


class StaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MOSELLE_REQUIRE_STAFF_MFA
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and is_hub_staff(request.user)
            and not Authenticator.objects.filter(user_id=request.user.pk, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
