"""The account events allauth handles itself (log-in, password, e-mail, two-factor) go into the
audit log too. allauth only tells of them by signals; these receivers write nothing but the entry."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from moselle.core import audit

EVENTS = {
    account_signals.user_logged_in: "account.log_in",
    account_signals.password_changed: "account.password_change",
    account_signals.password_set: "account.password_set",
    account_signals.password_reset: "account.password_reset",
    account_signals.email_confirmed: "account.email_confirm",
    account_signals.email_changed: "account.email_change",
    mfa_signals.authenticator_added: "account.mfa_add",
    mfa_signals.authenticator_removed: "account.mfa_remove",
}


def _recorder(action: str) -> Any:
    def record(sender: Any, **kwargs: Any) -> None:
        user = kwargs.get("user")
        if user is None and kwargs.get("email_address") is not None:
            user = kwargs["email_address"].user
        if user is None:
            return
        audit.record(actor=user, action=action, target=user, before={}, after={})

    return record


for _signal, _action in EVENTS.items():
    # weak=False: the receivers are made here and referenced nowhere else.
    _signal.connect(_recorder(_action), weak=False, dispatch_uid=f"moselle-audit-{_action}")
