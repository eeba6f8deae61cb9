"""API of the registry: organisations, their size class, contacts, financial years and ownership; and
the hub's own profile. Duplicates, imports and the hub directory are in ``api_registry``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from moselle.core.api_taxonomy import LangParams
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import NaceCode, nace_codes_in_section
from moselle.organisations import actions, sizeclass, sme, validation
from moselle.organisations.access import (
    get_contact_for_user,
    get_organisation_for_edit,
    get_organisation_for_user,
    get_ownership_for_user,
    listed_organisations,
    own_hub,
    ownership_owner_choices,
    require_registry_steward,
)
from moselle.organisations.models import Contact, FinancialYear, Organisation, Ownership, search_key

router = Router(tags=["organisations"])

KINDS = list(Organisation.Kind.values)
SIZE_CLASSES = list(sme.SIZE_CLASSES)


# --- Organisations ----------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    """An organisation as the registry list shows it."""

    id: int
    name: str = Field(description="The legal name.")
    trade_name: str
    country: str = Field(description="ISO 3166 country code.")
    locality: str
    website: str
    kinds: list[str] = Field(description="What the organisation is (company, technology_provider, hub, ...).")
    size_class: str = Field(description="EU SME size class worked out from figures and ownership; empty if never.")
    primary_nace: str | None = Field(description="The code of the primary NACE sector.")
    merged_into_id: int | None = Field(description="The organisation this one was merged into, if it was.")

    @staticmethod
    def resolve_primary_nace(obj: Organisation) -> str | None:
        return obj.primary_nace.code if obj.primary_nace else None


class NaceRefOut(Schema):
    revision: str
    code: str
    title: str


class TechnologyRefOut(Schema):
    name: str = Field(description="The catalogue's name of the technology.")
    label: str = Field(description="Its label in the requested language.")
    role: Literal["offer", "interest"] = Field(description="offer: on offer; interest: of interest.")
    level: int | None = Field(description="The level declared (1 to 5), for hubs and providers.")


class OrganisationDetailOut(Schema):
    """An organisation's full profile."""

    id: int
    name: str = Field(description="The legal name, as registered.")
    trade_name: str
    country: str = Field(description="ISO 3166 country code.")
    region: str = Field(description="NUTS code, e.g. LU00.")
    street: str
    postcode: str
    locality: str
    address: str = Field(description="The address as the source wrote it.")
    website: str
    working_languages: list[str] = Field(description="Two-letter language codes.")
    description: str
    register_id: str = Field(description="The national register number, e.g. a Luxembourg RCS number B123456.")
    vat: str = Field(description="The VAT number with its country prefix.")
    founded_on: date | None = Field(description="The day the organisation was founded; null if not known.")
    pic: str = Field(description="The Participant Identification Code (9 digits).")
    ec_customer_id: str
    ec_dma_id: str
    kinds: list[str]
    primary_nace: NaceRefOut | None
    nace_codes: list[NaceRefOut]
    technologies: list[TechnologyRefOut]
    size_class: str = Field(description="EU SME size class; see /organisations/{id}/size-class for the reasoning.")
    source: str
    catalogue_ref: str = Field(description="The row of the European catalogue it came from, e.g. edih-203.")
    catalogue_kind: str
    catalogue_title: str
    catalogue_listed: bool
    is_historical: bool
    is_demo: bool
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime


def _nace_ref(code: NaceCode, lang: str) -> dict[str, Any]:
    return {"revision": code.revision, "code": code.code, "title": pick(code.title, lang)}


def organisation_out(organisation: Organisation, lang: str = "en") -> dict[str, Any]:
    """The full profile as the API gives it."""
    related = {"primary_nace", "nace_codes", "technologies"}
    data: dict[str, Any] = {
        name: getattr(organisation, name) for name in OrganisationDetailOut.model_fields if name not in related
    }
    data["primary_nace"] = _nace_ref(organisation.primary_nace, lang) if organisation.primary_nace else None
    data["nace_codes"] = [_nace_ref(code, lang) for code in organisation.nace_codes.order_by("revision", "position")]
    data["technologies"] = [
        {
            "name": row.technology.name,
            "label": pick(row.technology.label, lang) or row.technology.name,
            "role": row.role,
            "level": row.level,
        }
        for row in organisation.technology_rows.select_related("technology").order_by(
            "role", "technology__position", "technology_id"
        )
    ]
    return data


class OrganisationFilter(Schema):
    q: str = Field("", max_length=200, description="Search the legal and trade names, the VAT and register numbers.")
    kind: str = Field("", description="Only organisations of this kind.", json_schema_extra={"enum": ["", *KINDS]})
    country: str = Field("", max_length=2, description="Only organisations in this country (ISO 3166 code).")
    size_class: str = Field(
        "", description="Only organisations of this size class.", json_schema_extra={"enum": ["", *SIZE_CLASSES]}
    )
    technology: str = Field(
        "", max_length=100, description="Only organisations offering or interested in it (name or id)."
    )
    nace_section: str = Field(
        "", max_length=1, description="Only organisations with a NACE code in this section (a letter, A to V)."
    )


def filter_organisations(organisations: QuerySet[Organisation], filters: OrganisationFilter) -> QuerySet[Organisation]:
    """The list narrowed by the filters given; a value that cannot match is refused naming its filter."""
    joined = False  # filters across a relation may find an organisation twice
    query = " ".join(filters.q.split())
    if query:
        organisations = organisations.filter(
            Q(search_text__contains=search_key(query))
            | Q(vat__iexact=query.replace(" ", ""))
            | Q(register_id__iexact=query)
        )
    if filters.kind:
        if filters.kind not in KINDS:
            raise ValidationError(
                {"kind": _("Unknown kind; choose among: %(choices)s.") % {"choices": ", ".join(KINDS)}}
            )
        organisations = organisations.filter(kind_rows__kind=filters.kind)
        joined = True
    if filters.country:
        organisations = organisations.filter(country=validation.clean_country(filters.country))
    if filters.size_class:
        if filters.size_class not in SIZE_CLASSES:
            raise ValidationError(
                {
                    "size_class": _("Unknown size class; choose among: %(choices)s.")
                    % {"choices": ", ".join(SIZE_CLASSES)}
                }
            )
        organisations = organisations.filter(size_class=filters.size_class)
    if filters.technology.strip():
        technology = actions.find_technology(filters.technology, "technology")
        organisations = organisations.filter(technology_rows__technology=technology)
        joined = True
    if filters.nace_section:
        section = filters.nace_section.upper()
        if not NaceCode.objects.filter(level=1, code=section).exists():
            raise ValidationError({"nace_section": _("Unknown NACE section; use a letter from A to V.")})
        in_section = nace_codes_in_section(section).values("pk")
        organisations = organisations.filter(Q(primary_nace__in=in_section) | Q(nace_codes__in=in_section))
        joined = True
    return organisations.distinct() if joined else organisations


@router.get(
    "/organisations",
    response={200: Page[OrganisationOut], **ERRORS},
    summary="Organisations the caller may see (live ones: not merged away, not historical)",
)
def organisation_list(request: HttpRequest, params: Query[PageParams], filters: Query[OrganisationFilter]) -> Any:
    organisations = filter_organisations(listed_organisations(request.user), filters)
    limit, offset = page_limits(params)
    return paginate(
        organisations.select_related("primary_nace").prefetch_related("kind_rows").order_by("id"),
        limit=limit,
        offset=offset,
    )


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="One organisation's full profile",
)
def organisation_detail(request: HttpRequest, organisation_id: int, params: Query[LangParams]) -> Any:
    return organisation_out(get_organisation_for_user(request.user, organisation_id), params.lang)


class OrganisationPatch(Schema):
    """Profile fields to change; the fields not given stay as they are. Lists replace what was held."""

    name: str | None = Field(None, max_length=200, description="The legal name.")
    trade_name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, max_length=2, description="ISO 3166 code, e.g. LU.")
    region: str | None = Field(None, max_length=5, description="NUTS code in the country, e.g. LU00.")
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=20)
    locality: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    website: str | None = Field(None, max_length=300)
    working_languages: list[str] | None = Field(None, max_length=40, description="Two-letter codes, e.g. fr.")
    description: str | None = Field(None, max_length=10000)
    register_id: str | None = Field(None, max_length=40, description="National register number, checked per country.")
    vat: str | None = Field(None, max_length=30, description="EU VAT number, checked offline (format, check digit).")
    founded_on: str | None = Field(
        None,
        max_length=20,
        description='The day it was founded, "YYYY-MM-DD": not in the future, not before 1800; null or "" clears it.',
        json_schema_extra={"format": "date"},
    )
    pic: str | None = Field(None, max_length=20, description="Participant Identification Code: 9 digits.")
    ec_customer_id: str | None = Field(None, max_length=40)
    ec_dma_id: str | None = Field(None, max_length=40)
    kinds: list[str] | None = Field(
        None,
        max_length=20,
        description="What the organisation is; several kinds may hold at once.",
        json_schema_extra={"items": {"type": "string", "enum": [*KINDS]}},
    )
    primary_nace: str | None = Field(None, max_length=10, description='A NACE code, e.g. "25.62"; empty clears it.')
    nace_codes: list[str] | None = Field(None, max_length=50, description="NACE codes of the revision given.")
    nace_revision: Literal["2", "2.1"] | None = Field(
        None, description="The revision of the NACE codes (2.1 if not given)."
    )
    technologies_offered: list[str] | None = Field(None, max_length=40, description="Technology names or ids.")
    technologies_of_interest: list[str] | None = Field(None, max_length=40, description="Technology names or ids.")

    model_config = {"extra": "forbid"}


class OrganisationIn(OrganisationPatch):
    """A new organisation: its legal name and country, and any other profile field."""

    name: str = Field(max_length=200, description="The legal name.")
    country: str = Field("LU", max_length=2, description="ISO 3166 code, e.g. LU.")


@router.post(
    "/organisations",
    response={201: OrganisationDetailOut, **WRITE_ERRORS},
    summary="Register an organisation (hub staff)",
)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Any:
    require_registry_steward(request.user)
    details = payload.dict(exclude_unset=True)
    name, country = details.pop("name"), details.pop("country", "LU")
    organisation = actions.organisation_create(actor=request.user, name=name, country=country, details=details)
    return Status(201, organisation_out(organisation))


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetailOut, **WRITE_ERRORS},
    summary="Change some fields of an organisation's profile",
)
def organisation_update(request: HttpRequest, organisation_id: int, payload: OrganisationPatch) -> Any:
    organisation = get_organisation_for_edit(request.user, organisation_id)
    organisation = actions.organisation_update(
        actor=request.user, organisation=organisation, data=payload.dict(exclude_unset=True)
    )
    return organisation_out(organisation)


# --- The size class ---------------------------------------------------------------------------------------


class YearFiguresOut(Schema):
    year: int
    staff: Decimal | None = Field(description="Annual work units, partners and linked enterprises added.")
    turnover: Decimal | None = Field(description="EUR, partners and linked enterprises added.")
    balance_sheet: Decimal | None = Field(description="EUR, partners and linked enterprises added.")
    estimated: bool
    size_class: str = Field(description="The class this year's figures give on their own.")
    possible_classes: list[str] = Field(description="The classes the missing data leave open.")


class RelationOut(Schema):
    party: int = Field(description="The id of the enterprise whose figures are added.")
    name: str
    kind: str = Field(description="linked, partner, linked_to_partner or partner_of_linked.")
    share: Decimal = Field(description="The percentage of its figures added.")
    via: int | None


class MissingOut(Schema):
    party: int
    name: str
    year: int
    item: str = Field(description="figures, staff, turnover or balance_sheet.")
    text: str


class SizeClassOut(Schema):
    """The EU SME size class of an organisation (Recommendation 2003/361/EC) and how it was reached."""

    organisation_id: int
    applies: bool = Field(description="False for a public body: the SME definition does not apply to it.")
    year: int = Field(description="The reference year the class is worked out for.")
    definition: str = Field(description="The SME definition applied.")
    midcap: str = Field(description="The small mid-cap definition applied.")
    size_class: str = Field(
        description="micro, small, medium, small_midcap, large or unknown; empty if it does not apply."
    )
    is_sme: bool
    steps: list[str] = Field(description="The reasoning, step by step, as a person reads it.")
    figures: list[YearFiguresOut] = Field(description="The aggregated figures of each year walked, latest first.")
    linked: list[RelationOut] = Field(description="Linked enterprises, whose figures are added in full.")
    partners: list[RelationOut] = Field(
        description="Partner enterprises and those reached through them, added pro rata."
    )
    missing: list[MissingOut] = Field(description="Data the assessment needs and does not have.")
    public_control: bool = Field(description="Public bodies hold 25 % or more of the capital or votes.")
    public_share: Decimal = Field(description="Percent of capital or votes held by public bodies.")
    status_year: int | None = Field(description="The latest year with figures used.")


@router.get(
    "/organisations/{organisation_id}/size-class",
    response={200: SizeClassOut, **ERRORS},
    summary="An organisation's EU SME size class, step by step",
)
def organisation_size_class(request: HttpRequest, organisation_id: int) -> Any:
    organisation = get_organisation_for_user(request.user, organisation_id)
    result = sizeclass.assess_organisation(organisation)
    if result is None:
        return {
            "organisation_id": organisation.pk,
            "applies": False,
            "year": sizeclass.reference_year(),
            "definition": "",
            "midcap": "",
            "size_class": "",
            "is_sme": False,
            "steps": [_("A public body: the SME definition (Recommendation 2003/361/EC) does not apply to it.")],
            "figures": [],
            "linked": [],
            "partners": [],
            "missing": [],
            "public_control": False,
            "public_share": Decimal(0),
            "status_year": None,
        }
    return {
        "organisation_id": organisation.pk,
        "applies": True,
        "year": result.year,
        "definition": result.definition,
        "midcap": result.midcap,
        "size_class": result.size_class,
        "is_sme": result.is_sme,
        "steps": [str(step) for step in result.steps],
        "figures": [result.figures[year] for year in sorted(result.figures, reverse=True)],
        "linked": list(result.linked),
        "partners": list(result.partners),
        "missing": list(result.missing),
        "public_control": result.public_control,
        "public_share": result.public_share,
        "status_year": result.status_year,
    }


# --- Contacts ---------------------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    organisation_id: int
    name: str
    role: str
    email: str
    phone: str
    preferred_language: str
    legal_basis: str
    created_at: datetime


class ContactPatch(Schema):
    """Fields of a contact to change; the others stay as they are."""

    name: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=200, description="e.g. managing director")
    email: str | None = Field(None, max_length=254, json_schema_extra={"format": "email"})
    phone: str | None = Field(None, max_length=40, description="Digits, spaces and an optional leading +.")
    preferred_language: Literal["en", "fr", "de"] | None = None
    legal_basis: Literal["contract", "legal_obligation", "legitimate_interest", "consent"] | None = Field(
        None, description="Why the hub may keep this person's data (GDPR Art. 6(1))."
    )

    model_config = {"extra": "forbid"}


class ContactIn(ContactPatch):
    name: str = Field(max_length=200)


def _given(payload: Schema) -> dict[str, Any]:
    """The fields the caller sent; an explicit null is read as empty text."""
    return {name: "" if value is None else value for name, value in payload.dict(exclude_unset=True).items()}


@router.get(
    "/organisations/{organisation_id}/contacts",
    response={200: list[ContactOut], **ERRORS},
    summary="The people the hub deals with at an organisation",
)
def contact_list(request: HttpRequest, organisation_id: int) -> Any:
    organisation = get_organisation_for_user(request.user, organisation_id)
    return list(Contact.objects.filter(organisation=organisation).order_by("name", "id")[:500])


@router.post(
    "/organisations/{organisation_id}/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    summary="Add a contact person to an organisation",
)
def contact_create(request: HttpRequest, organisation_id: int, payload: ContactIn) -> Any:
    organisation = get_organisation_for_edit(request.user, organisation_id)
    contact = actions.contact_create(actor=request.user, organisation=organisation, data=_given(payload))
    return Status(201, contact)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS}, summary="Change a contact")
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    contact = get_contact_for_user(request.user, contact_id, manage=True)
    return actions.contact_update(actor=request.user, contact=contact, data=_given(payload))


class DeletedOut(Schema):
    id: int = Field(description="The id of the record deleted.")
    deleted: bool = True


@router.delete("/contacts/{contact_id}", response={200: DeletedOut, **WRITE_ERRORS}, summary="Delete a contact")
def contact_delete(request: HttpRequest, contact_id: int) -> Any:
    contact = get_contact_for_user(request.user, contact_id, manage=True)
    pk = contact.pk
    actions.contact_delete(actor=request.user, contact=contact)
    return {"id": pk, "deleted": True}


# --- Financial years --------------------------------------------------------------------------------------

FIGURE_SOURCES = list(FinancialYear.FigureSource.values)


class FinancialYearOut(Schema):
    id: int
    organisation_id: int
    year: int
    staff: Decimal = Field(description="Staff in annual work units (AWU), as a decimal string.")
    turnover: Decimal | None = Field(description="Turnover in EUR, as a decimal string.")
    balance_sheet: Decimal | None = Field(description="Balance-sheet total in EUR, as a decimal string.")
    source: str = Field(description="Where the figures come from.", json_schema_extra={"enum": [*FIGURE_SOURCES]})
    estimated: bool = Field(description="A good-faith estimate (a new company without approved accounts).")


class FinancialYearIn(Schema):
    """One year's figures; they replace what was recorded for that year."""

    staff: Decimal = Field(description='Staff in annual work units (AWU); give it as a string, e.g. "12.5".')
    turnover: Decimal | None = Field(None, description='Turnover in EUR excluding VAT, e.g. "1250000.00".')
    balance_sheet: Decimal | None = Field(None, description="Balance-sheet total in EUR.")
    source: Literal["accounts", "declaration", "register", "estimate", "import"] = Field(
        "declaration", description="Where the figures come from."
    )
    estimated: bool = Field(False, description="A good-faith estimate (a new company without approved accounts).")

    model_config = {"extra": "forbid"}


@router.get(
    "/organisations/{organisation_id}/financial-years",
    response={200: list[FinancialYearOut], **ERRORS},
    summary="An organisation's figures, latest year first",
)
def financial_year_list(request: HttpRequest, organisation_id: int) -> Any:
    organisation = get_organisation_for_user(request.user, organisation_id)
    return list(organisation.financial_years.order_by("-year"))


@router.put(
    "/organisations/{organisation_id}/financial-years/{year}",
    response={200: FinancialYearOut, **WRITE_ERRORS},
    summary="Record or correct one financial year's figures",
)
def financial_year_put(request: HttpRequest, organisation_id: int, year: int, payload: FinancialYearIn) -> Any:
    organisation = get_organisation_for_edit(request.user, organisation_id)
    return actions.financial_year_set(
        actor=request.user,
        organisation=organisation,
        year=year,
        staff=payload.staff,
        turnover=payload.turnover,
        balance_sheet=payload.balance_sheet,
        source=payload.source,
        estimated=payload.estimated,
    )


@router.delete(
    "/organisations/{organisation_id}/financial-years/{year}",
    response={200: DeletedOut, **WRITE_ERRORS},
    summary="Delete one financial year's figures",
)
def financial_year_delete(request: HttpRequest, organisation_id: int, year: int) -> Any:
    organisation = get_organisation_for_edit(request.user, organisation_id)
    row = organisation.financial_years.filter(year=year).first()
    if row is None:
        raise Http404
    pk = row.pk
    actions.financial_year_delete(actor=request.user, row=row)
    return {"id": pk, "deleted": True}


# --- Ownership --------------------------------------------------------------------------------------------

INVESTOR_TYPES = list(Ownership.InvestorType.values)


class OwnershipOut(Schema):
    id: int
    owner_id: int
    owner_name: str = Field(alias="owner.name")
    owned_id: int
    owned_name: str = Field(alias="owned.name")
    kind: str = Field(description="capital or votes.")
    percent: Decimal = Field(description="The share held, as a decimal string (more than 0, at most 100).")
    investor_type: str = Field(
        description="Empty for an ordinary shareholder, else an investor type the SME definition names."
    )
    invested_eur: Decimal | None
    dominant_influence: bool


class OwnershipsOut(Schema):
    holders: list[OwnershipOut] = Field(description="Who holds shares of this organisation.")
    holdings: list[OwnershipOut] = Field(description="The shares this organisation holds in others.")


class OwnershipIn(Schema):
    """``owner`` holds ``percent`` of this organisation's capital or votes; replaces the same holding."""

    owner: int = Field(description="The id of the holding organisation.")
    kind: Literal["capital", "votes"] = Field("capital", description="Capital or voting rights.")
    percent: Decimal = Field(description='The share held, e.g. "25.00" (more than 0, at most 100).')
    investor_type: str = Field(
        "", description="Empty for an ordinary shareholder.", json_schema_extra={"enum": [*INVESTOR_TYPES]}
    )
    invested_eur: Decimal | None = Field(None, description="For a business angel: the amount invested in EUR.")
    dominant_influence: bool = Field(False, description="A contract or clause gives the owner dominant influence.")

    model_config = {"extra": "forbid"}


@router.get(
    "/organisations/{organisation_id}/ownership",
    response={200: OwnershipsOut, **ERRORS},
    summary="Who holds an organisation, and what it holds",
)
def ownership_list(request: HttpRequest, organisation_id: int) -> Any:
    organisation = get_organisation_for_user(request.user, organisation_id)
    rows = Ownership.objects.select_related("owner", "owned").order_by("-percent", "id")
    return {"holders": list(rows.filter(owned=organisation)), "holdings": list(rows.filter(owner=organisation))}


@router.post(
    "/organisations/{organisation_id}/ownership",
    response={200: OwnershipOut, **WRITE_ERRORS},
    summary="Record (or replace) a holding in an organisation",
)
def ownership_create(request: HttpRequest, organisation_id: int, payload: OwnershipIn) -> Any:
    owned = get_organisation_for_edit(request.user, organisation_id)
    owner = ownership_owner_choices(request.user).filter(pk=payload.owner).first()
    if owner is None:
        raise ValidationError({"owner": _("No organisation with this id that you can name as a holder.")})
    return actions.ownership_set(
        actor=request.user,
        owner=owner,
        owned=owned,
        kind=payload.kind,
        percent=payload.percent,
        investor_type=payload.investor_type,
        invested_eur=payload.invested_eur,
        dominant_influence=payload.dominant_influence,
    )


@router.delete("/ownership/{ownership_id}", response={200: DeletedOut, **WRITE_ERRORS}, summary="Delete a holding")
def ownership_delete(request: HttpRequest, ownership_id: int) -> Any:
    row = get_ownership_for_user(request.user, ownership_id, manage=True)
    pk = row.pk
    actions.ownership_delete(actor=request.user, row=row)
    return {"id": pk, "deleted": True}


# --- The instance's own hub -------------------------------------------------------------------------------


class HubServiceOut(Schema):
    code: str
    name: str
    category: str


class HubOut(Schema):
    edih_name: str
    country: str
    state_aid_basis: str
    services: list[HubServiceOut]


@router.get("/hub", response={200: HubOut, **ERRORS}, summary="This instance's hub and its services")
def hub_detail(request: HttpRequest, lang: str = "en") -> Any:
    hub = own_hub()
    if hub is None:
        raise Http404
    return {
        "edih_name": hub.edih_name,
        "country": hub.country,
        "state_aid_basis": hub.state_aid_basis,
        "services": [
            {"code": s.code, "name": pick(s.name, lang), "category": s.category}
            for s in hub.services.filter(active=True)
        ],
    }


__all__ = ["organisation_out", "router"]
