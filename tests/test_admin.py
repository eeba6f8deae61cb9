"""The Django admin shows every domain model and writes none, unless its writes go through actions."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from moselle.accounts.models import Role


def _moselle_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("moselle.")]


def test_every_model_is_registered() -> None:
    missing = sorted(m._meta.label for m in _moselle_models() if m not in admin.site._registry)
    assert not missing, f"models without an admin: {missing}"


def test_every_admin_is_read_only_unless_it_saves_through_actions(make_user: Any) -> None:
    superuser = make_user(Role.HUB_ADMIN)
    superuser.is_superuser = superuser.is_staff = True
    request = RequestFactory().get("/admin/")
    request.user = superuser
    writable = []
    for model in _moselle_models():
        model_admin = admin.site._registry[model]
        if getattr(model_admin, "saves_through_actions", False):
            continue
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        ):
            writable.append(model._meta.label)
    assert not writable, f"admins that write domain models outside actions: {writable}"


def test_every_changelist_opens_for_a_superuser(make_user: Any, client_for: Any, personas: Any) -> None:
    superuser = make_user(Role.HUB_ADMIN)
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client = client_for(superuser)
    for model in _moselle_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_the_admin_is_closed_to_everyone_else(personas: Any, client_for: Any) -> None:
    for user in [personas.hub_advisor, personas.a["company_member"], personas.a["observer"]]:
        response = client_for(user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
