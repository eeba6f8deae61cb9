"""Pages of the core: the home page for each role, health, the privacy notice, the audit log, files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from moselle.accounts import access as account_access
from moselle.accounts.models import Membership, User
from moselle.core import privacy
from moselle.core.access import audit_entries_for_user, get_file_for_user
from moselle.core.files import absolute_path
from moselle.organisations.access import own_hub, visible_organisations
from moselle.organisations.models import Organisation

SMALL_CELL = 5  # figures shown to observers hide counts below this


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/home_public.html", {"hub": own_hub()})
    if account_access.is_hub_staff(user):
        context = {
            "hub": own_hub(),
            "organisation_count": Organisation.objects.count(),
            "user_count": User.objects.filter(is_active=True).count(),
            "pending_count": Membership.objects.filter(status=Membership.Status.PENDING).count(),
            "pending": Membership.objects.filter(status=Membership.Status.PENDING).select_related(
                "user", "organisation"
            )[:20],
        }
        return render(request, "core/home_staff.html", context)
    if account_access.is_observer(user) and not account_access.member_organisation_ids(user):
        total = Organisation.objects.filter(is_demo=False).count()
        return render(
            request,
            "core/home_observer.html",
            {"organisation_count": total if total >= SMALL_CELL else None, "small_cell": SMALL_CELL},
        )
    memberships = Membership.objects.filter(user_id=user.pk).exclude(status=Membership.Status.REMOVED)
    return render(
        request,
        "core/home_member.html",
        {
            "organisations": visible_organisations(user),
            "pending": memberships.filter(status=Membership.Status.PENDING).select_related("organisation"),
        },
    )


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Paths under /api/ that match no operation answer in JSON, like the API itself."""
    return JsonResponse({"detail": "Not found.", "errors": []}, status=404)


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy_notice.html",
        {"processing": privacy.PROCESSING, "bases": privacy.LEGAL_BASES, "hub": own_hub()},
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = audit_entries_for_user(request.user)
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


@login_required
def file_download(request: HttpRequest, file_id: int) -> FileResponse:
    stored = get_file_for_user(request.user, file_id)
    response = FileResponse(
        absolute_path(stored).open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
