"""allauth hooks: its e-mails go through Moselle's logged, on-commit, per-language mail."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from moselle.accounts.models import User
from moselle.core import mail


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's messages greet from "the site": make that the hub, whatever host the request came by.
        from moselle.organisations.access import own_hub

        hub = own_hub()
        context = {
            **context,
            "current_site": SimpleNamespace(
                name=hub.edih_name if hub else "Moselle", domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        user = User.objects.filter(email__iexact=email).first()
        language = user.language if user else (translation.get_language() or "en")
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        mail.send_rendered(
            to=email,
            subject=str(message.subject),
            body=str(message.body),
            template=template_prefix,
            language=language,
            user_id=user.pk if user else None,
        )

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        """Verifying the address is what lets the organisation named at sign-up be joined or registered."""
        confirmed = bool(super().confirm_email(request, email_address))
        if confirmed:
            from moselle.accounts import actions

            actions.signup_complete(user=email_address.user)
        return confirmed

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True
