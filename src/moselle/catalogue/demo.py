"""The demo catalogue: about 150 offers of the demo providers and partners, in English, French and German.

Made from the demo seed and the invented patterns in ``data/demo/offer_patterns.json`` (see PROVENANCE.md
there), filled with each organisation's name and the technologies it declares. Written through the
catalogue's actions (validated, audited, versioned) and added only where missing: an offer is known by
its provider and its English title, so running it again adds nothing. Most offers are published; a few
wait for review, are drafts or archived, so that the moderation list and the provider's page show each
state. The demo provider (``FEATURED_PROVIDER``) always has one draft and one offer awaiting review.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

from django.db import transaction

from moselle.catalogue import actions
from moselle.catalogue.models import Offer
from moselle.core.i18n import LANGUAGE_CODES, pick
from moselle.core.models_taxonomy import CatalogueSector, Technology
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import Organisation, OrganisationTechnology

TARGET = 150
OFFERING_KINDS = (*sorted(registry_demo.PROVIDER_KINDS), Organisation.Kind.CONSORTIUM_PARTNER)
NEIGHBOURS = ("FR", "DE", "BE")  # the Greater Region around Luxembourg
# What an organisation that declares no technology talks about in the demo (partners such as the chamber).
GENERAL_TECHNOLOGIES = (
    "Artificial Intelligence & Decision support",
    "Cybersecurity",
    "Internet of Things",
    "Sensors & Vision Processing Systems",
)
# Statuses of the generated offers, by weight: most are in the public catalogue.
STATUS_WEIGHTS = (
    (Offer.Status.PUBLISHED, 85),
    (Offer.Status.SUBMITTED, 7),
    (Offer.Status.DRAFT, 5),
    (Offer.Status.ARCHIVED, 3),
)


@cache
def patterns() -> dict[str, Any]:
    text = files("moselle.catalogue").joinpath("data/demo/offer_patterns.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@dataclass
class DemoCatalogue:
    created: int = 0
    skipped: int = 0

    def line(self) -> str:
        return f"Demo catalogue: {self.created} offers added, {self.skipped} already there."


def offering_organisations() -> list[Organisation]:
    """The demo providers and partners that offer something, in a fixed order."""
    return list(
        Organisation.objects.filter(
            is_demo=True, kind_rows__kind__in=OFFERING_KINDS, merged_into__isnull=True, is_historical=False
        )
        .prefetch_related("kind_rows")
        .distinct()
        .order_by("name", "id")
    )


def _technologies(organisation: Organisation, fallback: list[Technology], rng: random.Random) -> list[Technology]:
    declared = [
        row.technology
        for row in OrganisationTechnology.objects.filter(
            organisation=organisation, role=OrganisationTechnology.Role.OFFER
        )
        .select_related("technology")
        .order_by("technology__position", "technology_id")
    ]
    return declared or rng.sample(fallback, k=min(2, len(fallback)))


def _fill(template: dict[str, str], provider: str, technology: Technology | None) -> dict[str, str]:
    filled = {}
    for code in LANGUAGE_CODES:
        tech = (pick(technology.label, code) or technology.name) if technology else ""
        filled[code] = template[code].replace("{provider}", provider).replace("{tech}", tech)
    return filled


def _candidates(organisation: Organisation, fallback: list[Technology], rng: random.Random) -> list[tuple[Any, ...]]:
    kinds = set(organisation.kinds)
    technologies = _technologies(organisation, fallback, rng)
    found: list[tuple[Any, ...]] = []
    for pattern in patterns()["patterns"]:
        if not kinds & set(pattern["kinds"]):
            continue
        if pattern["tech"]:
            found.extend((pattern, technology) for technology in technologies)
        else:
            found.append((pattern, None))
    rng.shuffle(found)
    return found


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    step = 50 if high <= 2000 else 500
    return Decimal(rng.randrange(low, high + 1, step) if high > low else low)


def _data(
    organisation: Organisation, pattern: dict[str, Any], technology: Technology | None, rng: random.Random
) -> dict[str, Any]:
    provider = str(organisation)
    languages = [code for code in organisation.working_languages or [] if code in ("en", "fr", "de", "lb")]
    countries = ["LU", *sorted(rng.sample(NEIGHBOURS, k=rng.randint(0, 3)))]
    price_kind, low, high = pattern["price"]
    data: dict[str, Any] = {
        "kind": pattern["kind"],
        "category": pattern["category"],
        "title": _fill(pattern["title"], provider, technology),
        "description": _fill(pattern["description"], provider, technology),
        "technologies": [technology] if technology else [],
        "sectors": sorted(rng.sample(_sectors(), k=rng.randint(1, 2)), key=lambda s: s.pk),
        "delivery": pattern["delivery"],
        "languages": languages or ["en", "fr"],
        "countries": countries,
        "price_kind": price_kind,
        "lead_time_days": rng.randint(*pattern["days"]),
        "smes_only": rng.random() < 0.3,
        "eligible_countries": countries if rng.random() < 0.2 else [],
    }
    if low is not None and price_kind != Offer.PriceKind.FREE:
        first = _amount(rng, low, high)
        last = _amount(rng, low, high)
        data["price_min"], data["price_max"] = min(first, last), max(first, last)
    if pattern["trl"]:
        low_trl = rng.randint(pattern["trl"][0], pattern["trl"][0] + 1)
        data["trl_min"], data["trl_max"] = low_trl, max(low_trl, rng.randint(pattern["trl"][1] - 1, pattern["trl"][1]))
    if rng.random() < 0.4:
        text = rng.choice(patterns()["references"])
        website = organisation.website.rstrip("/")
        data["references"] = [{"text": text, "url": f"{website}/cases" if website else ""}]
    return data


@cache
def _sector_names() -> tuple[str, ...]:
    return tuple(patterns()["sectors"])


def _sectors() -> list[CatalogueSector]:
    return list(CatalogueSector.objects.filter(name__in=_sector_names()).order_by("position", "id"))


def _plan(seed: int) -> list[tuple[Organisation, dict[str, Any], str]]:
    """Which offers, in which status: the same seed and registry give the same list."""
    rng = random.Random(f"catalogue-{seed}")  # noqa: S311  demo data, not a secret
    fallback = list(Technology.objects.filter(name__in=GENERAL_TECHNOLOGIES).order_by("position", "id"))
    organisations = offering_organisations()
    queues = {o.pk: _candidates(o, fallback, rng) for o in organisations}
    chosen: list[tuple[Organisation, Any, Any]] = []
    while len(chosen) < TARGET and any(queues.values()):
        for organisation in organisations:  # one offer each in turn, so that everyone offers something
            queue = queues[organisation.pk]
            if queue and len(chosen) < TARGET:
                chosen.append((organisation, *queue.pop()))
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    planned: list[tuple[Organisation, dict[str, Any], str]] = []
    featured_states = [Offer.Status.DRAFT, Offer.Status.SUBMITTED]
    for organisation, pattern, technology in chosen:
        status = rng.choice(statuses)
        if organisation.name == registry_demo.FEATURED_PROVIDER and featured_states:
            status = featured_states.pop(0)
        planned.append((organisation, _data(organisation, pattern, technology, rng), status))
    return planned


def _move_to(offer: Offer, status: str) -> None:
    if status == Offer.Status.DRAFT:
        return
    if status in (Offer.Status.SUBMITTED, Offer.Status.PUBLISHED, Offer.Status.ARCHIVED):
        offer = actions.offer_submit(actor=None, offer=offer)
    if status in (Offer.Status.PUBLISHED, Offer.Status.ARCHIVED):
        offer = actions.offer_publish(actor=None, offer=offer)
    if status == Offer.Status.ARCHIVED:
        actions.offer_archive(actor=None, offer=offer, note="Replaced by a newer offer.")


def load_demo_catalogue(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoCatalogue:
    """Add the demo offers that are missing, all or nothing."""
    report = DemoCatalogue()
    with transaction.atomic():
        existing = {
            (provider_id, str((title or {}).get("en", "")))
            for provider_id, title in Offer.objects.filter(is_demo=True).values_list("provider_id", "title")
        }
        for organisation, data, status in _plan(seed):
            if (organisation.pk, data["title"]["en"]) in existing:
                report.skipped += 1
                continue
            offer = actions.offer_create(actor=None, provider=organisation, data=data, is_demo=True)
            _move_to(offer, status)
            existing.add((organisation.pk, data["title"]["en"]))
            report.created += 1
    return report
