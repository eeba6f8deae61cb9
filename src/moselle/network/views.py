"""The hub directory: every signed-in person browses and searches the hubs of Europe, by need or by what they
declare, sees one hub's labels and levels, and the map of hubs per country and of the Greater Region."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moselle.accounts.access import is_hub_staff
from moselle.matching import engine
from moselle.matching.views import card_for
from moselle.network import geo
from moselle.network.access import get_remote_offer_for_user
from moselle.network.forms import DirectoryFilterForm
from moselle.network.models import Corridor
from moselle.network.queries import filter_hubs, hubs_by_need, hubs_per_country
from moselle.organisations.access import directory_hubs, get_hub_for_user, own_hub, visible_organisations
from moselle.organisations.models import (
    Organisation,
    OrganisationSector,
    OrganisationService,
    OrganisationTechnology,
)

PER_PAGE = 50


def _label_count(model: type[Any], **filters: Any) -> Coalesce:
    rows = (
        model._default_manager.filter(organisation=OuterRef("pk"), **filters)
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows), 0)


@login_required
def hub_directory(request: HttpRequest) -> HttpResponse:
    """The hubs of Europe: ranked by the need written in words when there is one, else by country and name;
    narrowed by country, catalogue status and a technology, service or sector declared at a level."""
    form = DirectoryFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = form.filters()
    hubs = filter_hubs(directory_hubs(request.user), filters)
    need = form.cleaned_data.get("need", "").strip() if valid and form.is_bound else ""
    ranked: list[Any] = []
    if need:
        allowed = set(hubs.values_list("pk", flat=True))
        asked = urlencode({"text": need, "kinds": "hub"})
        found = hubs_by_need(request.user, need, country=filters.country, limit=engine.RESULT_LIMIT)
        ranked = [card_for(result, asked) for result in found if result.item.id in allowed]
    hubs = hubs.annotate(
        label_count=_label_count(OrganisationTechnology, role=OrganisationTechnology.Role.OFFER)
        + _label_count(OrganisationService)
        + _label_count(OrganisationSector)
    ).order_by("country", "name", "id")
    page = Paginator(hubs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/directory.html",
        {
            "form": form,
            "need": need,
            "ranked": ranked,
            "page": page,
            "hubs": page.object_list,
            "query": query.urlencode(),
        },
        status=200 if valid else 400,
    )


@login_required
def directory_hub(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """One hub: its catalogue facts, the technologies, services and sectors it declares with their levels,
    and, for the hub's staff, the corridors it is part of."""
    hub = get_hub_for_user(request.user, organisation_id)
    staff = is_hub_staff(request.user)
    return render(
        request,
        "network/hub.html",
        {
            "hub": hub,
            "technologies": hub.technology_rows.filter(role=OrganisationTechnology.Role.OFFER)
            .select_related("technology")
            .order_by("technology__position"),
            "services": hub.service_rows.select_related("service").order_by("service__position"),
            "sectors": hub.sector_rows.select_related("sector").order_by("sector__position"),
            "in_registry": visible_organisations(request.user).filter(pk=hub.pk).exists(),
            "corridors": Corridor.objects.filter(partners=hub).order_by("-started_on", "id") if staff else [],
            "staff": staff,
        },
    )


def _greater_region_points() -> list[geo.HubPoint]:
    """The Greater Region hubs of the coordinates file, linked to their page when the registry has them."""
    rows = geo.greater_region_hubs()
    refs = [row["catalogue_ref"] for row in rows if row["catalogue_ref"]]
    names = [row["name"] for row in rows if not row["catalogue_ref"]]
    found = Organisation.objects.filter(
        Q(catalogue_ref__in=refs) | Q(name__in=names) | Q(trade_name__in=names),
        kind_rows__kind=Organisation.Kind.HUB,
        merged_into__isnull=True,
    ).distinct()
    by_ref = {o.catalogue_ref: o for o in found if o.catalogue_ref}
    by_name = {name: o for o in found for name in (o.name, o.trade_name) if name}
    mine = own_hub()
    points = []
    for row in rows:
        hub = by_ref.get(row["catalogue_ref"]) if row["catalogue_ref"] else by_name.get(row["name"])
        points.append(
            geo.HubPoint(
                name=row["name"],
                lon=row["lon"],
                lat=row["lat"],
                href=reverse("directory_hub", args=[hub.pk]) if hub is not None else "",
                highlight=hub is not None and mine is not None and hub.pk == mine.organisation_id,
            )
        )
    return points


@login_required
def network_map(request: HttpRequest) -> HttpResponse:
    """Hubs per country on a map of Europe (with the same figures as a table), and the Greater Region."""
    counts = hubs_per_country(request.user)
    base = reverse("hub_directory")
    europe = geo.europe_map(
        counts,
        links={code: f"{base}?country={code}" for code in counts},
        title=_("Hubs per country"),
        legend=_("Hubs"),
        label=lambda code, name, count: (
            ngettext("%(country)s: %(count)d hub", "%(country)s: %(count)d hubs", count)
            % {"country": name, "count": count}
        ),
        no_hub=_("no hub"),
    )
    region = geo.greater_region_map(
        _greater_region_points(),
        title=_("The hubs of the Greater Region"),
        attribution=_("© EuroGeographics for the administrative boundaries"),
    )
    return render(
        request,
        "network/map.html",
        {
            "europe": mark_safe(europe),  # noqa: S308  (built by geo.py, every text in it escaped)
            "region": mark_safe(region),  # noqa: S308
            "counts": sorted(counts.items()),
            "total": sum(counts.values()),
        },
    )


@login_required
def remote_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    """An offer of a paired hub's catalogue, as its platform sent it, with where it comes from."""
    offer = get_remote_offer_for_user(request.user, offer_id)
    return render(request, "network/remote_offer.html", {"offer": offer})
