"""Each role's home, the hub's own settings, the audit log and the language switch."""

from __future__ import annotations

import re
from typing import Any

from django.core.management import call_command
from django.test import Client

from moselle.accounts.demo import DEMO_PEOPLE
from moselle.accounts.models import Role
from moselle.core.models import AuditEntry
from moselle.organisations.models import HubProfile, HubService, HubTarget, Organisation


def test_each_role_has_its_own_home(personas: Any, client_for: Any) -> None:
    assert b"Register your organisation" in Client().get("/").content
    assert b"Hub dashboard" in client_for(personas.hub_admin).get("/").content
    assert b"Hub dashboard" in client_for(personas.hub_advisor).get("/").content
    assert b"Figures" in client_for(personas.a["observer"]).get("/").content
    company_home = client_for(personas.a["company_member"]).get("/")
    assert b"Alpha Manufacturing" in company_home.content and b"Beta Logistics" not in company_home.content
    assert b"Waiting for approval" in client_for(personas.pending_a).get("/").content


def test_the_staff_home_lists_pending_requests_with_a_bounded_number_of_queries(
    personas: Any, client_for: Any, make_user: Any, org_a: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        make_user(Role.COMPANY_MEMBER, org_a, status="pending")
    client = client_for(personas.hub_advisor)
    with django_assert_max_num_queries(14):
        response = client.get("/")
    assert len(response.context["pending"]) == 6


def test_observers_see_no_small_counts(personas: Any, client_for: Any) -> None:

    assert Organisation.objects.count() == 4
    small = client_for(personas.a["observer"]).get("/")
    assert small.context["organisation_count"] is None and b"&lt; 5" in small.content
    Organisation.objects.create(name="Gamma")
    Organisation.objects.create(name="Delta")
    large = client_for(personas.a["observer"]).get("/")
    assert large.context["organisation_count"] == 6


def test_seed_is_idempotent(hub: HubProfile, settings: Any) -> None:
    # The shipped catalogues are larger than a small upload limit; the limit is for uploads, not for them.
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    with open("/dev/null", "w") as quiet:
        call_command("seed", stdout=quiet)
        call_command("seed", stdout=quiet)
    assert HubProfile.objects.count() == 1
    assert Organisation.objects.exclude(catalogue_ref="").count() > 100
    assert HubService.objects.count() == 6
    assert HubTarget.objects.get(indicator="smes_engaged").value == 72
    categories = set(HubService.objects.values_list("category", flat=True))
    assert categories == {
        "test_before_invest",
        "skills_and_training",
        "support_to_find_investments",
        "ecosystem_and_networking",
    }


def test_demo_is_idempotent_and_flagged(hub: HubProfile) -> None:
    from moselle.accounts.models import User

    with open("/dev/null", "w") as quiet:
        call_command("demo", stdout=quiet)
        count = User.objects.count()
        call_command("demo", stdout=quiet)
    assert User.objects.count() == count == len(DEMO_PEOPLE)
    assert not User.objects.filter(is_demo=False).exists()


def test_the_hub_manager_edits_a_service_and_it_is_audited(personas: Any, client_for: Any) -> None:
    service = HubService.objects.get(code="awareness")
    client = client_for(personas.hub_admin)
    response = client.post(
        f"/hub/services/{service.pk}/",
        {
            "name_en": "Awareness events",
            "name_fr": "Événements",
            "name_de": "",
            "category": "ecosystem_and_networking",
            "active": "on",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == {"en": "Awareness events", "fr": "Événements"}
    entry = AuditEntry.objects.get(action="hub_service.update")
    assert entry.changes["name"][1] == {"en": "Awareness events", "fr": "Événements"}
    log = client.get("/hub/audit/", {"action": "hub_service"})
    assert b"hub_service.update" in log.content
    shown = log.content.decode().replace("&quot;", '"')
    assert '<code>name</code>: {"de": "Sensibilisierung", "en": "Awareness raising"' in shown
    assert '→ {"en": "Awareness events", "fr": "Événements"}' in shown


def test_a_service_needs_a_name_and_a_known_category(personas: Any, client_for: Any) -> None:
    service = HubService.objects.get(code="funding")
    client = client_for(personas.hub_admin)
    nameless = client.post(f"/hub/services/{service.pk}/", {"category": "ecosystem_and_networking"})
    assert nameless.status_code == 400 and "at least one language" in nameless.context["form"].errors["name_en"][0]
    unknown = client.post(f"/hub/services/{service.pk}/", {"name_en": "x", "category": "space_travel"})
    assert unknown.status_code == 400 and "category" in unknown.context["form"].errors
    service.refresh_from_db()
    assert service.name["en"] == "Support to find funding"


def test_the_language_switch_changes_the_interface_language(personas: Any, client_for: Any) -> None:
    client = client_for(personas.a["company_member"])
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert b'<html lang="de">' in page.content


def test_the_health_check_answers(db: Any) -> None:
    assert Client().get("/health/").json() == {"status": "ok"}


def test_a_person_sees_the_platform_in_their_profile_language(make_user: Any, org_a: Any, client_for: Any) -> None:
    user = make_user(Role.COMPANY_MEMBER, org_a, language="fr")
    client = client_for(user)
    assert b'<html lang="fr">' in client.get("/").content
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert b'<html lang="de">' in client.get("/").content


def test_a_field_error_is_tied_to_its_field_for_screen_readers(personas: Any, client_for: Any) -> None:
    response = client_for(personas.hub_admin).post("/hub/tokens/", {"name": "x", "user_email": "nope", "role": "x"})
    html = response.content.decode()
    described = re.search(r'name="user_email"[^>]*aria-describedby="([^"]+)"', html)
    assert described and "id_user_email_error" in described.group(1).split() and 'aria-invalid="true"' in html
    assert 'id="id_user_email_error"' in html


def test_a_missing_page_uses_the_sites_own_template_in_the_persons_language(
    make_user: Any, org_a: Any, client_for: Any
) -> None:
    user = make_user(Role.COMPANY_MEMBER, org_a, language="de")
    response = client_for(user).get("/organisations/999999/")
    assert response.status_code == 404
    assert b'<html lang="de">' in response.content and b"main-navigation" not in response.content
    assert response.templates[0].name == "404.html"


def test_pending_requests_can_be_decided_from_the_people_page(personas: Any, client_for: Any) -> None:
    page = client_for(personas.hub_advisor).get("/hub/people/").content.decode()
    from moselle.accounts.models import Membership

    pending = Membership.objects.get(user=personas.pending_a)
    assert f"/memberships/{pending.pk}/approve/" in page and f"/memberships/{pending.pk}/decline/" in page


def test_observers_are_not_offered_an_organisation_list(personas: Any, client_for: Any) -> None:
    assert b'href="/organisations/"' not in client_for(personas.a["observer"]).get("/").content
    assert b'href="/organisations/"' in client_for(personas.a["company_member"]).get("/").content
