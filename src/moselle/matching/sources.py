"""The engine's own sources: the catalogue's published offers, the providers and the hubs of Europe.

Offers follow the catalogue's version number: each offer carries the number of its last change, so an index
reads exactly the offers changed since the number it holds. Providers and hubs are organisations; their
version is the registry's count and latest change (together with the catalogue's for providers, whose
published offers say what they do and make them public). A hub that changed is read again on its own; the
providers, a few hundred rows, are read again together.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from moselle.matching.registry import PUBLIC, SIGNED_IN, STAFF, Changes, Item

# An offer's EDIH service category says which catalogue service it is.
CATEGORY_SERVICES = {
    "test_before_invest": "service:Field trial",
    "skills_and_training": "service:Vocational training",
    "support_to_find_investments": "service:Finance",
    "ecosystem_and_networking": "service:Ecosystem building",
}
PROVIDER_KINDS = (
    "technology_provider",
    "consultant",
    "trainer",
    "test_facility",
    "research_organisation",
    "consortium_partner",
)
# A row changed this long before the latest change an index saw is read again, for a transaction that
# committed after a later one had.
SETTLING = timedelta(minutes=1)


def _offer_item(offer: Any) -> Item:
    provider = offer.provider
    labels: dict[str, int | None] = {f"technology:{t.name}": None for t in offer.technologies.all()}
    labels.update({f"sector:{s.name}": None for s in offer.sectors.all()})
    service = CATEGORY_SERVICES.get(offer.category)
    if service:
        labels[service] = None
    return Item(
        kind="offer",
        id=offer.pk,
        title=dict(offer.title),
        url=reverse("offer_detail", args=[offer.pk]),
        text=" ".join([*offer.description.values(), provider.name, provider.trade_name]),
        labels=labels,
        country=provider.country,
        serves=frozenset(offer.countries or [provider.country]),
        languages=frozenset(offer.languages),
        smes_only=offer.smes_only,
        eligible=frozenset(offer.eligible_countries),
        price_kind=offer.price_kind,
        price_min=float(offer.price_min) if offer.price_min is not None else None,
        audience=PUBLIC,
        provider=str(provider),
        subtitle=offer.kind,
    )


def _offers() -> Any:
    from moselle.catalogue.models import Offer

    return Offer.objects.select_related("provider").prefetch_related("technologies", "sectors").order_by("id")


class OfferSource:
    kind = "offer"
    label = _("offer")
    plural = _("offers")

    def version(self) -> Hashable:
        from moselle.catalogue.queries import catalogue_version

        return catalogue_version()

    def load(self) -> tuple[list[Item], Hashable]:
        from moselle.catalogue.models import Offer

        version = self.version()
        return [_offer_item(offer) for offer in _offers().filter(status=Offer.Status.PUBLISHED)], version

    def changed_since(self, version: Hashable) -> Changes | None:
        from moselle.catalogue.models import Offer

        if not isinstance(version, int):
            return None
        current = self.version()
        items, gone = [], []
        for offer in _offers().filter(version__gt=version):
            if offer.status == Offer.Status.PUBLISHED:
                items.append(_offer_item(offer))
            else:
                gone.append(offer.pk)
        return Changes(items=items, gone=gone, version=current)


def _registry_version() -> tuple[int, datetime | None]:
    from moselle.organisations.models import Organisation

    found = Organisation.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return int(found["count"]), found["latest"]


def _declared(organisation: Any) -> dict[str, int | None]:
    labels: dict[str, int | None] = {}
    for row in organisation.technology_rows.all():
        if row.role == "offer":
            labels[f"technology:{row.technology.name}"] = row.level
    for row in organisation.service_rows.all():
        labels[f"service:{row.service.name}"] = row.level
    for row in organisation.sector_rows.all():
        labels[f"sector:{row.sector.name}"] = row.level
    return labels


def _organisations() -> Any:
    from moselle.organisations.models import Organisation

    return (
        Organisation.objects.filter(merged_into__isnull=True, is_historical=False)
        .prefetch_related("technology_rows__technology", "service_rows__service", "sector_rows__sector", "kind_rows")
        .order_by("id")
    )


def _hub_item(organisation: Any) -> Item:
    return Item(
        kind="hub",
        id=organisation.pk,
        title={"en": organisation.catalogue_title or str(organisation)},
        url=reverse("directory_hub", args=[organisation.pk]),
        text=" ".join([organisation.description, organisation.name, organisation.trade_name]),
        labels=_declared(organisation),
        country=organisation.country,
        serves=frozenset([organisation.country]),
        languages=frozenset(organisation.working_languages or []),
        audience=SIGNED_IN,
        subtitle=organisation.catalogue_kind,
    )


class HubSource:
    """The hubs of Europe (the European catalogue's and any the hub registers): signed-in people see them,
    as in the hub directory."""

    kind = "hub"
    label = _("hub")
    plural = _("hubs")

    def version(self) -> Hashable:
        return _registry_version()

    def _hubs(self) -> Any:
        return _organisations().filter(kind_rows__kind="hub").distinct()

    def load(self) -> tuple[list[Item], Hashable]:
        version = self.version()
        return [_hub_item(o) for o in self._hubs()], version

    def changed_since(self, version: Hashable) -> Changes | None:
        from moselle.organisations.models import Organisation

        current = _registry_version()
        if not isinstance(version, tuple) or version[0] != current[0] or version[1] is None:
            return None  # an organisation was added or removed: read the hubs again
        since = version[1] - SETTLING
        changed = Organisation.objects.filter(updated_at__gte=since).values_list("pk", flat=True)
        ids = set(changed)
        items = [_hub_item(o) for o in self._hubs().filter(pk__in=ids)]
        gone = sorted(ids - {item.id for item in items})
        return Changes(items=items, gone=gone, version=current)


class ProviderSource:
    """Organisations that provide: public when they have a published offer (the catalogue shows them),
    otherwise seen by hub staff only."""

    kind = "provider"
    label = _("provider")
    plural = _("providers")

    def version(self) -> Hashable:
        from moselle.catalogue.queries import catalogue_version

        return (*_registry_version(), catalogue_version())

    def load(self) -> tuple[list[Item], Hashable]:
        from moselle.catalogue.models import Offer

        version = self.version()
        published = Offer.objects.filter(status=Offer.Status.PUBLISHED).prefetch_related("technologies", "sectors")
        providers = (
            _organisations()
            .filter(Q(kind_rows__kind__in=PROVIDER_KINDS) | Q(offers__status=Offer.Status.PUBLISHED))
            .exclude(kind_rows__kind="hub")
            .distinct()
            .prefetch_related(Prefetch("offers", queryset=published, to_attr="published_offers"))
        )
        return [self._item(o, o.published_offers) for o in providers], version

    def _item(self, organisation: Any, offers: Iterable[Any]) -> Item:
        offers = list(offers)
        labels: dict[str, int | None] = {}
        for offer in offers:
            for technology in offer.technologies.all():
                labels[f"technology:{technology.name}"] = None
            for sector in offer.sectors.all():
                labels[f"sector:{sector.name}"] = None
        labels.update(_declared(organisation))
        serves = {organisation.country}
        languages = set(organisation.working_languages or [])
        titles = []
        for offer in offers:
            serves.update(offer.countries)
            languages.update(offer.languages)
            titles.extend(offer.title.values())
        if offers:
            url = reverse("catalogue_list") + f"?provider={organisation.pk}"
        else:
            url = reverse("organisation_detail", args=[organisation.pk])
        return Item(
            kind="provider",
            id=organisation.pk,
            title={"en": str(organisation)},
            url=url,
            text=" ".join([organisation.description, organisation.name, organisation.trade_name, *titles]),
            labels=labels,
            country=organisation.country,
            serves=frozenset(serves),
            languages=frozenset(languages),
            audience=PUBLIC if offers else STAFF,
            subtitle=",".join(organisation.kinds),  # codes: the page says them in the reader's language
        )

    def changed_since(self, version: Hashable) -> Changes | None:
        return None
