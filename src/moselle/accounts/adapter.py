"""allauth hooks: its e-mails go through Moselle's logged, on-commit, per-language mail."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation

from moselle.accounts.models import User
from moselle.core import mail


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
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

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True
