"""API of the catalogue: published offers for every caller, with the pages' filters; a provider's drafts,
changes and requests for publication; the hub's moderation; and the catalogue's version number."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.catalogue import actions
from moselle.catalogue.access import (
    can_edit_offer,
    get_offer_for_edit,
    get_offer_for_user,
    get_offer_to_moderate,
    get_provider_for_user,
    visible_offers,
)
from moselle.catalogue.models import CatalogueVersion, Offer
from moselle.catalogue.queries import filter_offers, with_labels
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.models_taxonomy import Technology
from moselle.organisations.countries import KNOWN_CODES
from moselle.organisations.validation import LANGUAGE_CODES

router = Router(tags=["catalogue"])

Kind = Literal["service", "training", "test_facility", "expertise"]
Category = Literal[
    "test_before_invest", "skills_and_training", "support_to_find_investments", "ecosystem_and_networking"
]
Delivery = Literal["on_site", "remote", "both"]
PriceKind = Literal["free", "subsidised", "range"]
OfferStatus = Literal["draft", "submitted", "published", "archived"]
TRANSLATED = 'Text per language: {"en": …, "fr": …, "de": …}; at least one language.'


class LabelRef(Schema):
    id: int
    name: str = Field(description="The EDIH catalogue's own English name.")


class Reference(Schema):
    text: str = Field("", description="A short text: a client, a result, a case study.")
    url: str = Field("", description="A web address, http or https.")

    model_config = {"extra": "forbid"}


class OfferOut(Schema):
    id: int
    provider_id: int
    provider_name: str
    kind: Kind
    status: OfferStatus
    title: dict[str, str] = Field(description=TRANSLATED)
    description: dict[str, str] = Field(description=TRANSLATED)
    technologies: list[LabelRef]
    sectors: list[LabelRef] = Field(description="Sectors of the EDIH catalogue.")
    category: Category = Field(description="The EDIH service category the offer is reported under.")
    delivery: Delivery
    languages: list[str] = Field(description="Two-letter codes of the languages it is delivered in.")
    countries: list[str] = Field(description="ISO 3166 codes of the countries served.")
    price_kind: PriceKind
    price_min: Decimal | None = Field(description="EUR; none for a free offer.")
    price_max: Decimal | None = Field(description="EUR; none when the range is open above.")
    trl_min: int | None = Field(description="Lowest technology readiness level it suits, 1 to 9.")
    trl_max: int | None = Field(description="Highest technology readiness level it suits, 1 to 9.")
    lead_time_days: int | None
    smes_only: bool
    eligible_countries: list[str] = Field(description="Countries whose organisations may use it; empty: any.")
    references: list[Reference]
    moderation_note: str = Field(description="The hub's note to the provider; empty for other callers.")
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    archived_at: datetime | None


def offer_out(offer: Offer, *, show_note: bool) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "provider_id": offer.provider_id,
        "provider_name": str(offer.provider),
        "kind": offer.kind,
        "status": offer.status,
        "title": offer.title,
        "description": offer.description,
        "technologies": [{"id": t.pk, "name": t.name} for t in offer.technologies.all()],
        "sectors": [{"id": s.pk, "name": s.name} for s in offer.sectors.all()],
        "category": offer.category,
        "delivery": offer.delivery,
        "languages": offer.languages,
        "countries": offer.countries,
        "price_kind": offer.price_kind,
        "price_min": offer.price_min,
        "price_max": offer.price_max,
        "trl_min": offer.trl_min,
        "trl_max": offer.trl_max,
        "lead_time_days": offer.lead_time_days,
        "smes_only": offer.smes_only,
        "eligible_countries": offer.eligible_countries,
        "references": offer.references,
        "moderation_note": offer.moderation_note if show_note else "",
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
        "submitted_at": offer.submitted_at,
        "published_at": offer.published_at,
        "archived_at": offer.archived_at,
    }


def _out(request: HttpRequest, offer: Offer) -> dict[str, Any]:
    fresh = with_labels(Offer.objects.filter(pk=offer.pk)).get()
    return offer_out(fresh, show_note=can_edit_offer(request.user, fresh))


class OfferFilter(Schema):
    q: str = Field("", max_length=200, description="Words in the title, description or provider's name.")
    kind: Literal["", "service", "training", "test_facility", "expertise"] = ""
    technology: int | None = Field(None, ge=1, le=2**31 - 1, description="A technology's id (taxonomy).")
    category: Literal[
        "", "test_before_invest", "skills_and_training", "support_to_find_investments", "ecosystem_and_networking"
    ] = ""
    country: str = Field("", max_length=2, description="A country served, ISO 3166 code.")
    language: str = Field("", max_length=2, description="A language it is delivered in, two-letter code.")
    price: Literal["", "free", "subsidised", "free_or_subsidised"] = ""
    status: Literal["", "draft", "submitted", "published", "archived"] = Field(
        "published",
        description="Published by default; the provider's members also see its other offers, hub staff all. "
        "Empty: every offer the caller may see.",
    )
    provider: int | None = Field(None, ge=1, le=2**31 - 1, description="Only this provider's offers.")

    model_config = {"extra": "forbid"}


def _checked_filters(filters: OfferFilter) -> dict[str, Any]:
    values = filters.dict()
    if values["country"] and values["country"].upper() not in KNOWN_CODES:
        raise ValidationError({"country": _("Use a two-letter ISO country code of Europe, e.g. LU.")})
    if values["language"] and values["language"].lower() not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Unknown language code; use two letters, e.g. fr.")})
    if values["technology"] is not None and not Technology.objects.filter(pk=values["technology"]).exists():
        raise ValidationError({"technology": _("Unknown technology.")})
    return values


@router.get(
    "/offers",
    response={200: Page[OfferOut], **ERRORS},
    summary="Offers of the catalogue: published ones by default, with the catalogue page's filters",
)
def offer_list(request: HttpRequest, params: Query[PageParams], filters: Query[OfferFilter]) -> Any:
    values = _checked_filters(filters)
    rows = with_labels(filter_offers(visible_offers(request.user), values)).order_by("id")
    limit, offset = page_limits(params)
    page = paginate(rows, limit=limit, offset=offset)
    staff, own = is_hub_staff(request.user), member_organisation_ids(request.user)
    page["items"] = [offer_out(o, show_note=staff or o.provider_id in own) for o in page["items"]]
    return page


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, summary="One offer")
def offer_detail(request: HttpRequest, offer_id: int) -> Any:
    return _out(request, get_offer_for_user(request.user, offer_id))


class OfferIn(Schema):
    kind: Kind
    title: dict[str, str] = Field(description=TRANSLATED)
    description: dict[str, str] = Field(description=TRANSLATED)
    technologies: list[int | str] = Field([], description="Technology ids or names of the EDIH catalogue.")
    sectors: list[int | str] = Field([], description="Sector ids or names of the EDIH catalogue.")
    category: Category
    delivery: Delivery = "both"
    languages: list[str] = Field(description="At least one two-letter language code.")
    countries: list[str] = Field(description="At least one ISO 3166 country code.")
    price_kind: PriceKind
    price_min: Decimal | None = Field(None, description="EUR, not negative; required for a range.")
    price_max: Decimal | None = Field(None, description="EUR, not below price_min.")
    trl_min: int | None = Field(None, description="1 to 9.")
    trl_max: int | None = Field(None, description="1 to 9, not below trl_min.")
    lead_time_days: int | None = Field(None, description="0 to 3650.")
    smes_only: bool = False
    eligible_countries: list[str] = Field([], description="Empty: organisations of any country.")
    references: list[Reference] = Field([], description="At most 10.")

    model_config = {"extra": "forbid"}


@router.post(
    "/organisations/{organisation_id}/offers",
    response={201: OfferOut, **WRITE_ERRORS},
    summary="Draft a new offer of an organisation (its members, hub staff)",
)
def offer_create(request: HttpRequest, organisation_id: int, payload: OfferIn) -> Any:
    provider = get_provider_for_user(request.user, organisation_id)
    offer = actions.offer_create(actor=request.user, provider=provider, data=payload.dict())
    return Status(201, _out(request, offer))


class OfferPatch(Schema):
    kind: Kind | None = None
    title: dict[str, str] | None = Field(None, description=TRANSLATED)
    description: dict[str, str] | None = Field(None, description=TRANSLATED)
    technologies: list[int | str] | None = None
    sectors: list[int | str] | None = None
    category: Category | None = None
    delivery: Delivery | None = None
    languages: list[str] | None = None
    countries: list[str] | None = None
    price_kind: PriceKind | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    lead_time_days: int | None = None
    smes_only: bool | None = None
    eligible_countries: list[str] | None = None
    references: list[Reference] | None = None

    model_config = {"extra": "forbid"}


@router.patch(
    "/offers/{offer_id}",
    response={200: OfferOut, **WRITE_ERRORS},
    summary="Change an offer: the provider its drafts and offers awaiting review, hub staff any offer",
)
def offer_update(request: HttpRequest, offer_id: int, payload: OfferPatch) -> Any:
    offer = get_offer_for_edit(request.user, offer_id)
    data = payload.dict(exclude_unset=True)
    for name in ("kind", "title", "description", "category", "delivery", "price_kind", "smes_only"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    offer = actions.offer_update(actor=request.user, offer=offer, data=data)
    return _out(request, offer)


@router.post(
    "/offers/{offer_id}/submit",
    response={200: OfferOut, **WRITE_ERRORS},
    summary="Send a draft to the hub for review",
)
def offer_submit(request: HttpRequest, offer_id: int) -> Any:
    offer = get_offer_for_edit(request.user, offer_id)
    return _out(request, actions.offer_submit(actor=request.user, offer=offer))


class ModerationIn(Schema):
    decision: Literal["publish", "archive", "draft"] = Field(
        description="publish; archive; or draft, to send it back to the provider."
    )
    note: str = Field("", max_length=2000, description="A note to the provider, e.g. what to change.")

    model_config = {"extra": "forbid"}


@router.post(
    "/offers/{offer_id}/moderate",
    response={200: OfferOut, **WRITE_ERRORS},
    summary="The hub's decision on an offer (hub staff)",
)
def offer_moderate(request: HttpRequest, offer_id: int, payload: ModerationIn) -> Any:
    offer = get_offer_to_moderate(request.user, offer_id)
    decided = actions.offer_moderate(actor=request.user, offer=offer, decision=payload.decision, note=payload.note)
    return _out(request, decided)


class VersionOut(Schema):
    version: int = Field(description="Goes up by one with every change to the catalogue.")
    changed_at: datetime | None


@router.get(
    "/catalogue/version",
    response={200: VersionOut, **ERRORS},
    summary="The catalogue's version number, to tell whether an index of it is out of date",
)
def catalogue_version(request: HttpRequest) -> Any:
    row = CatalogueVersion.objects.filter(pk=1).first()
    return {"version": row.number if row else 0, "changed_at": row.changed_at if row else None}
