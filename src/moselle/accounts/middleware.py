"""Hub staff must set up TOTP before they use the platform, when the hub requires it."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/health/", "/privacy/")


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
            if request.path.startswith("/api/"):
                # The browser session of staff without TOTP opens no API either (tokens never pass here:
                # the session middleware has no user for them).
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication before using the platform."), "errors": []},
                    status=401,
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A logged-in person sees the platform in the language of their profile, unless they switched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and getattr(user, "language", None) in {code for code, _label in settings.LANGUAGES}
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
