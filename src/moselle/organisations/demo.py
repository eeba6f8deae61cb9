"""The demo registry: L-DIH, its real partners, and invented companies and providers made from a seed.

``demo_plan(seed)`` is pure: from the seed and the word lists in ``data/demo/`` (see PROVENANCE.md
there) it gives the same organisations, figures, holdings and contacts every time. ``load_demo_registry``
writes the plan through the registry's actions, so every row is validated, audited and flagged
``is_demo``. It matches organisations on their legal name and adds only what is missing: running it
again adds nothing, and what a person changed in a demo row stays as they left it.

The real partners carry public facts only (name, kinds, locality, website, one line of description);
everything else, figures and people included, is invented, and the contacts' names and addresses say so.
"""

from __future__ import annotations

import csv
import io
import json
import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.lu import tva

from moselle.organisations import actions, normalise
from moselle.organisations.models import FinancialYear, Organisation, OrganisationTechnology, Ownership

DEFAULT_SEED = 2019  # the year L-DIH was launched
COUNTRY = "LU"
REGION = "LU00"  # Luxembourg is one NUTS region at every level
# Register and VAT numbers come from a block above the numbers allocated so far: right in format and
# check digits, so they pass the registry's checks, but no real company's.
NUMBER_BLOCK = range(900000, 1000000)
PROVIDER_KINDS = frozenset({"technology_provider", "consultant", "trainer", "test_facility"})

# The organisations of the demo people (accounts/demo.py): fixed names, so that a person's log-in
# always lands in the same place whatever the seed.
FEATURED_COMPANY = "Précision Mosellane SARL (démo)"
# A second company, left without an assessment or a case by the demo: the company's way through the hub can
# be tried on it from the first request.
FEATURED_NEWCOMER = "Boulangerie Reuter (démo)"
FEATURED_PROVIDER = "DataWerk Analytics (demo)"
FEATURED_PARTNER = "Institut de recherche (démo)"
FEATURED_OBSERVER = "Ministère de l'Économie (démo)"
# The two investors of the ownership cases, also in featured.json.
VENTURE_CAPITAL = "Capital Moselle Ventures (demo)"
PUBLIC_HOLDER = "Syndicat intercommunal de développement économique (démo)"

INVENTED = "Invented for the demo data; any likeness to a real company is unintended."


# --- The plan --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedYear:
    """One financial year of figures, as ``financial_year_set`` takes them."""

    year: int
    staff: Decimal
    turnover: Decimal
    balance_sheet: Decimal
    source: str = FinancialYear.FigureSource.ACCOUNTS
    estimated: bool = False


@dataclass(frozen=True)
class PlannedContact:
    name: str
    role: str
    email: str
    preferred_language: str
    legal_basis: str


@dataclass(frozen=True)
class PlannedOrganisation:
    """An organisation of the demo: its profile, sectors, technologies, figures and contacts."""

    name: str
    group: str  # "partner", "company", "provider" or "other"
    kinds: tuple[str, ...]
    profile: Mapping[str, Any]  # profile fields that need no taxonomy (organisation_create's details)
    primary_nace: str = ""
    nace_codes: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    offers: tuple[tuple[str, int | None], ...] = ()  # technology name and declared level (1 to 5)
    years: tuple[PlannedYear, ...] = ()
    contacts: tuple[PlannedContact, ...] = ()

    def base_details(self) -> dict[str, Any]:
        """What can be written without the taxonomy loaded (the demo people's organisations need this)."""
        return {**self.profile, "kinds": list(self.kinds)}

    def taxonomy_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        if self.primary_nace:
            details["primary_nace"] = self.primary_nace
            details["nace_codes"] = list(self.nace_codes or (self.primary_nace,))
        if self.interests:
            details["technologies_of_interest"] = list(self.interests)
        if self.offers:  # {technology: declared level or None}: the action stores and audits the levels
            details["technologies_offered"] = dict(self.offers)
        return details


@dataclass(frozen=True)
class PlannedHolding:
    owner: str
    owned: str
    percent: Decimal
    investor_type: str = ""
    kind: str = Ownership.HoldingKind.CAPITAL


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    years: tuple[int, ...]
    organisations: tuple[PlannedOrganisation, ...]
    holdings: tuple[PlannedHolding, ...]


# --- Word lists ------------------------------------------------------------------------------------


def _read(name: str) -> str:
    return (files("moselle.organisations") / "data" / "demo" / name).read_text(encoding="utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(name))))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


@dataclass(frozen=True)
class Locality:
    name: str
    weight: int
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    nace: str
    weight: int
    label: str
    words: tuple[str, ...]
    technologies: tuple[str, ...]


@dataclass(frozen=True)
class ProviderProfile:
    profile: str
    count: int
    kinds: tuple[str, ...]
    nace: tuple[str, ...]
    words: tuple[str, ...]
    technologies: tuple[str, ...]


@dataclass(frozen=True)
class Words:
    stems: tuple[str, ...]
    first_names: tuple[str, ...]
    fake_surnames: tuple[str, ...]
    company_roles: tuple[str, ...]
    provider_roles: tuple[str, ...]
    working_languages: tuple[tuple[str, ...], ...]
    localities: tuple[Locality, ...]
    activities: tuple[Activity, ...]
    providers: tuple[ProviderProfile, ...]
    partners: tuple[dict[str, str], ...]
    reserved: tuple[str, ...]  # name keys of real companies a demo name must not contain


@cache
def words() -> Words:
    """The word lists of ``data/demo/``, read once."""
    raw = json.loads(_read("words.json"))
    reserved = tuple(
        normalise.name_key(line)
        for line in _read("reserved_names.txt").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return Words(
        stems=tuple(raw["stems"]),
        first_names=tuple(raw["first_names"]),
        fake_surnames=tuple(raw["fake_surnames"]),
        company_roles=tuple(raw["company_roles"]),
        provider_roles=tuple(raw["provider_roles"]),
        working_languages=tuple(tuple(mix) for mix in raw["working_languages"]),
        localities=tuple(
            Locality(row["locality"], int(row["weight"]), tuple(row["postcodes"].split()))
            for row in _rows("localities.csv")
        ),
        activities=tuple(
            Activity(
                row["nace"],
                int(row["weight"]),
                row["label"],
                _split(row["words"]),
                _split(row["technologies_of_interest"]),
            )
            for row in _rows("company_activities.csv")
        ),
        providers=tuple(
            ProviderProfile(
                row["profile"],
                int(row["count"]),
                _split(row["kinds"]),
                _split(row["nace"]),
                _split(row["words"]),
                _split(row["technologies_offered"]),
            )
            for row in _rows("provider_profiles.csv")
        ),
        partners=tuple(_rows("partners.csv")),
        reserved=reserved,
    )


def uses_a_real_name(name: str) -> bool:
    """Whether ``name`` contains, as whole words, the name of a well-known real company."""
    key = f" {normalise.name_key(name)} "
    return any(f" {reserved} " in key for reserved in words().reserved)


def lu_vat(base: int) -> str:
    """A Luxembourg VAT number from six digits: the last two digits are the first six modulo 89."""
    digits = f"{base:06d}"
    return f"LU{digits}{tva.calc_check_digits(digits)}"


def _slug(text: str) -> str:
    return normalise.name_key(text).replace(" ", "-")


# --- Figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    """Where a class's figures are drawn: staff in AWU, turnover per AWU, and the ceilings kept to."""

    staff: tuple[float, float]
    productivity: tuple[int, int]
    turnover_cap: int | None
    balance_cap: int | None


# Inside the ceilings of hub-facts §3 with a margin, so that a year's drift does not cross them; the
# mid-cap and large bands are clear of both small mid-cap definitions (500 and 750 staff).
BANDS = {
    "micro": _Band((1.5, 9.5), (90_000, 190_000), 1_950_000, 1_950_000),
    "small": _Band((11.0, 48.0), (110_000, 200_000), 9_800_000, 9_800_000),
    "medium": _Band((55.0, 240.0), (140_000, 220_000), 48_000_000, 42_000_000),
    "small_midcap": _Band((260.0, 470.0), (180_000, 260_000), None, None),
    "large": _Band((760.0, 900.0), (200_000, 300_000), None, None),
}


def _clamp(value: float, low: float, high: float | None) -> float:
    return max(low, value if high is None else min(value, high))


def _figures(
    rng: random.Random,
    size: str,
    years: Sequence[int],
    *,
    staff: tuple[float, float] | None = None,
    estimated_last: bool = False,
) -> tuple[PlannedYear, ...]:
    """Figures for ``years`` (oldest first) that stay in ``size``'s band, growing a little each year."""
    band = BANDS[size]
    low, high = staff or band.staff
    last_staff = rng.uniform(low, high)
    productivity = rng.uniform(*band.productivity)
    balance_ratio = rng.uniform(0.45, 0.9)
    growth = rng.uniform(-0.02, 0.08)
    declared = rng.random() < 0.2  # some small companies give their figures themselves
    planned: list[PlannedYear] = []
    for back, year in enumerate(reversed(years)):
        people = _clamp(last_staff * (1 + growth) ** -back * rng.uniform(0.98, 1.02), low, high)
        people = round(people, 1)
        turnover = _clamp(people * productivity * rng.uniform(0.95, 1.05), 50_000, band.turnover_cap)
        balance = _clamp(turnover * balance_ratio * rng.uniform(0.95, 1.05), 30_000, band.balance_cap)
        last = back == 0
        source = FinancialYear.FigureSource.ACCOUNTS
        if last and estimated_last:
            source = FinancialYear.FigureSource.ESTIMATE
        elif declared and size in ("micro", "small"):
            source = FinancialYear.FigureSource.DECLARATION
        planned.append(
            PlannedYear(
                year=year,
                staff=Decimal(str(people)),
                turnover=Decimal(int(round(turnover, -3))),
                balance_sheet=Decimal(int(round(balance, -3))),
                source=source,
                estimated=last and estimated_last,
            )
        )
    return tuple(reversed(planned))


def _fixed_years(years: Sequence[int], rows: Sequence[tuple[str, int, int]]) -> tuple[PlannedYear, ...]:
    return tuple(
        PlannedYear(year=year, staff=Decimal(staff), turnover=Decimal(turnover), balance_sheet=Decimal(balance))
        for year, (staff, turnover, balance) in zip(years, rows, strict=True)
    )


# --- Building the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """One company to invent: its size band and, for the ownership cases, what it must be."""

    size: str
    nace: str = ""
    staff: tuple[float, float] | None = None
    young: bool = False
    tag: str = ""
    word: str = ""


# The ownership cases of the SME definition (hub-facts §3), then the rest of a believable mix.
_SPECIAL_SLOTS = (
    _Slot("medium", "28.99", staff=(90, 140), tag="group_parent", word="Industries"),
    _Slot("small", "25.53", staff=(15, 35), tag="group_member_1"),
    _Slot("small", "33.20", staff=(15, 35), tag="group_member_2"),
    _Slot("small", staff=(35, 45), tag="partner_holder"),
    _Slot("micro", staff=(4, 8), tag="partner_held"),
    _Slot("micro", "26.51", young=True, tag="venture_backed"),
    _Slot("medium", "52.10", staff=(55, 90), tag="public_held"),
    _Slot("small_midcap"),
    _Slot("small_midcap"),
    _Slot("large", "22.21"),
    _Slot("micro", young=True),
    _Slot("micro", young=True),
    _Slot("small", staff=(10, 16), young=True),
)
_ORDINARY_SLOTS = (("micro", 17), ("small", 18), ("medium", 11))
_LEGAL_FORMS = {
    "micro": (("S.à r.l.", 6), ("S.à r.l.-S", 3), ("S.A.", 1)),
    "small": (("S.à r.l.", 7), ("S.A.", 3)),
    "medium": (("S.A.", 7), ("S.à r.l.", 3)),
    "small_midcap": (("S.A.", 1),),
    "large": (("S.A.", 1),),
}


class _Draw:
    """The seeded choices, in one place so that the plan depends on the seed alone."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not a secret
        self.words = words()
        self.stems = [s for s in self.words.stems if not uses_a_real_name(s)]
        self.rng.shuffle(self.stems)
        self.numbers = self.rng.sample(NUMBER_BLOCK, 200)
        self.used_names: set[str] = set()

    def stem(self) -> str:
        return self.stems.pop()

    def number(self) -> int:
        return self.numbers.pop()

    def weighted(self, items: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([item for item, _w in items], weights=[w for _i, w in items])[0]

    def locality(self) -> tuple[str, str]:
        localities = self.words.localities
        place = self.rng.choices(localities, weights=[loc.weight for loc in localities])[0]
        return place.name, f"L-{self.rng.choice(place.postcodes)}"

    def languages(self) -> list[str]:
        return list(self.rng.choice(self.words.working_languages))

    def contacts(self, slug: str, languages: Sequence[str], roles: Sequence[str], count: int) -> list[PlannedContact]:
        spoken = [code for code in languages if code in ("en", "fr", "de")] or ["en"]
        people: list[PlannedContact] = []
        taken: set[str] = set()
        for position in range(count):
            while True:
                first = self.rng.choice(self.words.first_names)
                last = self.rng.choice(self.words.fake_surnames)
                if f"{first} {last}" not in taken:
                    break
            taken.add(f"{first} {last}")
            role = roles[0] if position == 0 else self.rng.choice(roles[1:])
            people.append(
                PlannedContact(
                    name=f"{first} {last}",
                    role=role,
                    email=f"{_slug(first)}.{_slug(last)}@{slug}.example",
                    preferred_language=self.rng.choice(spoken),
                    legal_basis="consent" if self.rng.random() < 0.25 else "legitimate_interest",
                )
            )
        return people


def _identity(number: int) -> dict[str, str]:
    """A register number of the Luxembourg RCS and the VAT number that goes with it, from six digits."""
    return {"register_id": f"B{number}", "vat": lu_vat(number)}


def _company(draw: _Draw, slot: _Slot, years: Sequence[int], stem: str = "") -> PlannedOrganisation:
    activities = draw.words.activities
    if slot.nace:
        activity = next(a for a in activities if a.nace == slot.nace)
    else:
        activity = draw.rng.choices(activities, weights=[a.weight for a in activities])[0]
    while True:
        stem = stem or draw.stem()
        word = slot.word or draw.rng.choice(activity.words)
        trade_name = f"{stem} {word}"
        name = f"{trade_name} {draw.weighted(_LEGAL_FORMS[slot.size])}"
        if name not in draw.used_names and not uses_a_real_name(name):
            break
        stem = ""
    draw.used_names.add(name)
    locality, postcode = draw.locality()
    languages = draw.languages()
    slug = _slug(trade_name)
    founded = years[-1] - draw.rng.randint(0, 1) if slot.young else None
    with_figures = [y for y in years if founded is None or y >= founded]
    figures = _figures(draw.rng, slot.size, with_figures, staff=slot.staff, estimated_last=slot.young)
    description = f"{activity.label}. {INVENTED}"
    if founded is not None:
        description = (
            f"{activity.label}, founded in {founded}; the figures of {with_figures[-1]} are a good-faith "
            f"estimate. {INVENTED}"
        )
    profile: dict[str, Any] = {
        "region": REGION,
        "postcode": postcode,
        "locality": locality,
        "working_languages": languages,
        "description": description,
        **_identity(draw.number()),
    }
    if draw.rng.random() < 0.5:
        profile["trade_name"] = trade_name
    if draw.rng.random() < 0.8:
        profile["website"] = f"https://www.{slug}.example"
    interests = draw.rng.sample(activity.technologies, k=min(len(activity.technologies), draw.rng.randint(1, 3)))
    count = 1 if slot.size == "micro" else draw.rng.randint(1, 2)
    roles = ("managing director", *draw.words.company_roles)
    return PlannedOrganisation(
        name=name,
        group="company",
        kinds=(Organisation.Kind.COMPANY,),
        profile=profile,
        primary_nace=activity.nace,
        nace_codes=(activity.nace,),
        interests=tuple(interests),
        years=figures,
        contacts=tuple(draw.contacts(slug, languages, roles, count)),
    )


def _provider(draw: _Draw, profile_: ProviderProfile, years: Sequence[int]) -> PlannedOrganisation:
    while True:
        stem = draw.stem()
        trade_name = f"{stem} {draw.rng.choice(profile_.words)}"
        size = draw.weighted((("micro", 9), ("small", 9), ("medium", 2)))
        name = f"{trade_name} {draw.weighted(_LEGAL_FORMS[size])}"
        if name not in draw.used_names and not uses_a_real_name(name):
            break
    draw.used_names.add(name)
    locality, postcode = draw.locality()
    languages = draw.languages()
    if "en" not in languages:
        languages.append("en")
    slug = _slug(trade_name)
    offered = draw.rng.sample(profile_.technologies, k=draw.rng.randint(2, min(4, len(profile_.technologies))))
    levels = [draw.rng.choice((1, 2, 3, 3, 4, 4, 5)) for _ in offered]
    kinds = ", ".join(kind.replace("_", " ") for kind in profile_.kinds)
    profile: dict[str, Any] = {
        "trade_name": trade_name,
        "region": REGION,
        "postcode": postcode,
        "locality": locality,
        "working_languages": languages,
        "website": f"https://www.{slug}.example",
        "description": f"{kinds.capitalize()} for manufacturing and logistics companies. {INVENTED}",
        **_identity(draw.number()),
    }
    roles = ("director", *draw.words.provider_roles)
    return PlannedOrganisation(
        name=name,
        group="provider",
        kinds=profile_.kinds,
        profile=profile,
        primary_nace=profile_.nace[0],
        nace_codes=profile_.nace,
        offers=tuple(zip(offered, levels, strict=True)),
        years=_figures(draw.rng, size, years),
        contacts=tuple(draw.contacts(slug, languages, roles, draw.rng.randint(1, 2))),
    )


def _partners() -> list[PlannedOrganisation]:
    """The L-DIH partners with the public facts of partners.csv, nothing more."""
    planned = []
    for row in words().partners:
        profile: dict[str, Any] = {"website": row["website"], "description": row["description"]}
        if row["trade_name"]:
            profile["trade_name"] = row["trade_name"]
        if row["locality"]:
            profile.update(locality=row["locality"], region=REGION)
        planned.append(
            PlannedOrganisation(
                name=row["name"],
                group="partner",
                kinds=_split(row["kinds"]),
                profile=profile,
                offers=tuple((name, None) for name in _split(row["technologies_offered"])),
            )
        )
    return planned


def featured(years: Sequence[int]) -> list[PlannedOrganisation]:
    """The organisations of the demo people and the two investors (featured.json): fixed, whatever the seed."""
    planned = []
    for raw in json.loads(_read("featured.json"))["organisations"]:
        profile: dict[str, Any] = {"region": REGION, **raw["profile"]}
        if "number" in raw:
            profile.update(_identity(raw["number"]))
        if raw["group"] in ("company", "provider"):
            profile["description"] = f"{profile['description']} {INVENTED}"
        codes = tuple(raw.get("nace_codes", ()))
        planned.append(
            PlannedOrganisation(
                name=raw["name"],
                group=raw["group"],
                kinds=tuple(raw["kinds"]),
                profile=profile,
                primary_nace=codes[0] if codes else "",
                nace_codes=codes,
                interests=tuple(raw.get("interests", ())),
                offers=tuple((name, level) for name, level in raw.get("offers", ())),
                years=_fixed_years(years[-3:], raw.get("figures", ())) if raw.get("figures") else (),
                contacts=tuple(PlannedContact(*contact) for contact in raw.get("contacts", ())),
            )
        )
    return planned


def figure_years(last_year: int | None = None) -> tuple[int, ...]:
    """The last three complete financial years, oldest first."""
    last = last_year or timezone.localdate().year - 1
    return (last - 2, last - 1, last)


def demo_plan(seed: int = DEFAULT_SEED, *, last_year: int | None = None) -> DemoPlan:
    """The whole demo for ``seed``: the same seed gives exactly the same organisations and figures.

    The figures are for the last three complete financial years, so they move on with the calendar."""
    years = figure_years(last_year)
    draw = _Draw(seed)
    fixed = featured(years)
    draw.used_names.update(o.name for o in fixed)
    taken = {o.profile.get("register_id") for o in fixed}
    draw.numbers = [n for n in draw.numbers if f"B{n}" not in taken]
    slots = list(_SPECIAL_SLOTS)
    ordinary = [_Slot(size) for size, count in _ORDINARY_SLOTS for _ in range(count)]
    draw.rng.shuffle(ordinary)
    companies: dict[str, PlannedOrganisation] = {}
    group_stem = draw.stem()
    for slot in slots:
        stem = group_stem if slot.tag.startswith("group_") else ""
        companies[slot.tag or f"special-{len(companies)}"] = _company(draw, slot, years, stem)
    generated = [*companies.values(), *(_company(draw, slot, years) for slot in ordinary)]
    providers = [_provider(draw, p, years) for p in draw.words.providers for _ in range(p.count)]
    holdings = (
        # A parent and two subsidiaries it controls: linked enterprises, figures added in full.
        PlannedHolding(companies["group_parent"].name, companies["group_member_1"].name, Decimal(75)),
        PlannedHolding(companies["group_parent"].name, companies["group_member_2"].name, Decimal(100)),
        # 30 % between two companies: partner enterprises, figures added pro rata.
        PlannedHolding(companies["partner_holder"].name, companies["partner_held"].name, Decimal(30)),
        # A venture-capital company at 35 % does not make a partnership (Article 3(2)).
        PlannedHolding(
            VENTURE_CAPITAL,
            companies["venture_backed"].name,
            Decimal(35),
            investor_type=Ownership.InvestorType.VENTURE_CAPITAL,
        ),
        # A public body at 25 % or more: not an SME, whatever the figures (Article 3(4)).
        PlannedHolding(PUBLIC_HOLDER, companies["public_held"].name, Decimal(30)),
    )
    organisations = (*_partners(), *fixed, *generated, *providers)
    return DemoPlan(seed=seed, years=years, organisations=organisations, holdings=holdings)


# --- Loading ---------------------------------------------------------------------------------------


@dataclass
class DemoReport:
    """What a load wrote, and what the demo holds afterwards."""

    seed: int
    created: Counter[str] = field(default_factory=Counter)
    completed: int = 0  # existing demo organisations given what they lacked
    skipped: list[str] = field(default_factory=list)  # same name, but not demo rows: left alone
    groups: dict[str, int] = field(default_factory=dict)
    size_classes: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        made = self.created
        lines = [
            f"Demo registry (seed {self.seed}): {made['organisations']} organisations, "
            f"{made['financial_years']} financial years, {made['holdings']} ownership links and "
            f"{made['contacts']} contacts created; {self.completed} existing demo organisations completed.",
            "Demo organisations: " + ", ".join(f"{count} {name}" for name, count in self.groups.items()) + ".",
        ]
        for group, classes in self.size_classes.items():
            shown = ", ".join(f"{count} {name}" for name, count in classes.items())
            lines.append(f"Size classes of the {group}: {shown}.")
        if self.skipped:
            lines.append("Left alone (same name, but not demo data or merged): " + "; ".join(self.skipped) + ".")
        lines.append(f"Demo registry loaded in {self.seconds:.1f} s.")
        return lines


def featured_organisation(name: str, *, actor: Any = None) -> Organisation:
    """A demo person's organisation: found by its name, or created with the profile the demo gives it.

    Created without the taxonomy-dependent parts (sectors, technologies) and without figures, so that
    it works before the taxonomy is loaded; ``load_demo_registry`` adds the rest later."""
    found = Organisation.objects.filter(name=name, is_historical=False).order_by("pk").first()
    if found is not None:
        while found.merged_into is not None:
            found = found.merged_into
        return found
    spec = next((o for o in featured(figure_years()) if o.name == name), None)
    details = spec.base_details() if spec is not None else {}
    return actions.organisation_create(actor=actor, name=name, country=COUNTRY, is_demo=True, details=details)


def _completed_levels(
    organisation: Organisation, offers: Sequence[tuple[str, int | None]]
) -> dict[int, int | None] | None:
    """The technologies on offer with the planned level where none is recorded yet; None if nothing to add.

    Every technology held stays (the mapping replaces the offer), and a level already recorded is kept."""
    planned = {name: level for name, level in offers if level}
    rows = organisation.technology_rows.filter(role=OrganisationTechnology.Role.OFFER).select_related("technology")
    held = {row.technology_id: (row.technology.name, row.level) for row in rows}
    levels = {pk: level if level is not None else planned.get(name) for pk, (name, level) in held.items()}
    return levels if levels != {pk: level for pk, (_name, level) in held.items()} else None


def _ensure(spec: PlannedOrganisation, report: DemoReport, actor: Any) -> Organisation | None:
    """The organisation of ``spec``, created or completed; None when a row of that name is not demo data."""
    found = Organisation.objects.filter(name=spec.name, country=COUNTRY, is_historical=False).order_by("pk").first()
    if found is not None and (not found.is_demo or found.merged_into_id):
        report.skipped.append(spec.name)
        return None
    written = False
    if found is None:
        organisation = actions.organisation_create(
            actor=actor,
            name=spec.name,
            country=COUNTRY,
            is_demo=True,
            details={**spec.base_details(), **spec.taxonomy_details()},
        )
        report.created["organisations"] += 1
    else:
        organisation = found
        missing: dict[str, Any] = {}
        roles = set(organisation.technology_rows.values_list("role", flat=True))
        wanted = spec.taxonomy_details()
        if spec.primary_nace and organisation.primary_nace_id is None:
            missing.update(primary_nace=wanted["primary_nace"], nace_codes=wanted["nace_codes"])
        if spec.interests and OrganisationTechnology.Role.INTEREST not in roles:
            missing["technologies_of_interest"] = wanted["technologies_of_interest"]
        if spec.offers and OrganisationTechnology.Role.OFFER not in roles:
            missing["technologies_offered"] = wanted["technologies_offered"]
        elif spec.offers:
            levels = _completed_levels(organisation, spec.offers)
            if levels is not None:
                missing["technologies_offered"] = levels
        if missing:
            actions.organisation_update(actor=actor, organisation=organisation, data=missing)
            written = True
    held = set(organisation.financial_years.values_list("year", flat=True))
    for planned in spec.years:
        if planned.year in held:
            continue
        actions.financial_year_set(
            actor=actor,
            organisation=organisation,
            year=planned.year,
            staff=planned.staff,
            turnover=planned.turnover,
            balance_sheet=planned.balance_sheet,
            source=planned.source,
            estimated=planned.estimated,
        )
        report.created["financial_years"] += 1
        written = True
    if spec.contacts and not organisation.contacts.exists():
        for contact in spec.contacts:
            actions.contact_create(actor=actor, organisation=organisation, data=asdict(contact))
        report.created["contacts"] += len(spec.contacts)
        written = True
    if found is not None and written:
        report.completed += 1
    return organisation


def load_demo_registry(*, seed: int = DEFAULT_SEED, actor: Any = None) -> DemoReport:
    """Write the demo of ``seed`` through the registry's actions, all or nothing; add only what is missing."""
    started = time.perf_counter()
    plan = demo_plan(seed)
    report = DemoReport(seed=seed)
    with transaction.atomic():
        actions.hub_seed(actor=actor)  # L-DIH, edih-203: this instance's hub
        loaded: dict[str, Organisation] = {}
        for spec in plan.organisations:
            organisation = _ensure(spec, report, actor)
            if organisation is not None:
                loaded[spec.name] = organisation
        for holding in plan.holdings:
            owner, owned = loaded.get(holding.owner), loaded.get(holding.owned)
            if owner is None or owned is None:
                continue
            if Ownership.objects.filter(owner=owner, owned=owned, kind=holding.kind).exists():
                continue
            actions.ownership_set(
                actor=actor,
                owner=owner,
                owned=owned,
                kind=holding.kind,
                percent=holding.percent,
                investor_type=holding.investor_type,
            )
            report.created["holdings"] += 1
    report.groups, report.size_classes = _summary(plan)
    report.seconds = time.perf_counter() - started
    return report


def _summary(plan: DemoPlan) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """How many demo organisations of each group the database holds, and the size classes they came out in."""
    rows = Organisation.objects.filter(name__in=[o.name for o in plan.organisations], is_demo=True).prefetch_related(
        "kind_rows"
    )
    groups: Counter[str] = Counter()
    classes: dict[str, Counter[str]] = {"companies": Counter(), "providers": Counter()}
    order = ("micro", "small", "medium", "small_midcap", "large", "unknown", "")
    for organisation in rows:
        kinds = set(organisation.kinds)
        if Organisation.Kind.CONSORTIUM_PARTNER in kinds:
            group = "partners"
        elif Organisation.Kind.COMPANY in kinds:
            group = "companies"
        elif kinds & PROVIDER_KINDS:
            group = "providers"
        else:
            group = "others"
        groups[group] += 1
        if group in classes:
            classes[group][organisation.size_class or "unknown"] += 1
    shown = {group: {name: counter[name] for name in order if counter[name]} for group, counter in classes.items()}
    names = ("partners", "companies", "providers", "others")
    return {name: groups[name] for name in names if groups[name]}, shown
