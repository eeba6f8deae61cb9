"""The EU size class of an enterprise: Commission Recommendation 2003/361/EC, Annex Title I, Articles 2-6.

Pure: it takes the enterprises and investors, their holdings and their yearly figures as plain data and
returns the class with the steps a person can follow. It reads no model; the organisations adapter
builds the input. The ceilings are data (data/size_definitions.json, one entry per definition), and
docs/sme-size-class.md lists every rule and edge decision with its article.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, reduce
from importlib.resources import files
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

INVESTOR_TYPES = (
    "public_investment_corporation",
    "venture_capital",
    "business_angel",
    "university",
    "research_centre",
    "institutional_investor",
    "small_local_authority",
)
SME_CLASSES = ("micro", "small", "medium")
SIZE_CLASSES = (*SME_CLASSES, "small_midcap", "large", "unknown")
HOLDING_KINDS = ("capital", "votes")
# Article 3(2)(a): business angels stay outside a partnership while their total investment in the
# same enterprise is below this amount.
BUSINESS_ANGEL_LIMIT = Decimal("1250000")
PARTNER_THRESHOLD = Decimal(25)  # Article 3(2), "25 % or more"
PUBLIC_CONTROL_THRESHOLD = Decimal(25)  # Article 3(4), "25 % or more"
MAJORITY = Decimal(50)  # Article 3(3)(a), a majority of the voting rights: more than this
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)

_CLASS_LABELS: dict[str, Promise] = {
    "micro": gettext_lazy("micro enterprise"),
    "small": gettext_lazy("small enterprise"),
    "medium": gettext_lazy("medium-sized enterprise"),
    "small_midcap": gettext_lazy("small mid-cap"),
    "large": gettext_lazy("large enterprise"),
    "unknown": gettext_lazy("unknown"),
}
_INVESTOR_LABELS: dict[str, Promise] = {
    "public_investment_corporation": gettext_lazy("a public investment corporation"),
    "venture_capital": gettext_lazy("a venture-capital company"),
    "business_angel": gettext_lazy("a business angel"),
    "university": gettext_lazy("a university"),
    "research_centre": gettext_lazy("a non-profit research centre"),
    "institutional_investor": gettext_lazy("an institutional investor"),
    "small_local_authority": gettext_lazy("a small autonomous local authority"),
}


# --- Input -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One financial year of one enterprise, from its approved accounts (Article 4(1))."""

    year: int
    staff: Decimal | None  # annual work units (Article 5)
    turnover: Decimal | None  # EUR, excluding VAT and other indirect taxes
    balance_sheet: Decimal | None  # EUR, balance-sheet total
    estimated: bool = False  # good-faith estimate of a new enterprise without approved accounts (Article 4(3))


@dataclass(frozen=True)
class Party:
    """An enterprise or an investor in the ownership graph.

    Public bodies and natural persons are not enterprises: they add no figures and link nobody
    (see docs/sme-size-class.md); a public body's holdings count for Article 3(4).
    """

    id: int
    name: str
    is_public_body: bool = False
    figures: Mapping[int, Figures] = field(default_factory=dict)  # by year
    is_natural_person: bool = False


@dataclass(frozen=True)
class Holding:
    """`owner` holds `percent` of the capital or of the voting rights of `owned`."""

    owner: int
    owned: int
    kind: str  # "capital" or "votes"
    percent: Decimal  # 0 < percent <= 100
    investor_type: str = ""  # "" for an ordinary investor, else one of INVESTOR_TYPES (Article 3(2))
    invested_eur: Decimal | None = None  # a business angel's investment in `owned`
    dominant_influence: bool = False  # a contract or clause gives `owner` a dominant influence (Article 3(3)(c))


# --- Output ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """An enterprise whose figures are added to the subject's, and at which percentage.

    kind: "linked" (100 %), "partner" (a partner of the subject), "linked_to_partner" (linked to a
    partner, added at that partner's share) or "partner_of_linked" (a partner of a linked enterprise).
    """

    party: int
    name: str
    kind: str
    share: Decimal  # percent of its figures added
    via: int | None = None  # the partner or linked enterprise it is reached through


@dataclass(frozen=True)
class YearFigures:
    """The aggregated figures of one year and the class they give on their own."""

    year: int
    staff: Decimal | None  # None when a contributor's figure is missing
    turnover: Decimal | None
    balance_sheet: Decimal | None
    estimated: bool  # at least one contributor's figures are a good-faith estimate
    size_class: str  # this year alone, "unknown" when the data do not decide it
    possible_classes: tuple[str, ...]  # the classes the missing data leave open


@dataclass(frozen=True)
class Missing:
    """One piece of data the assessment needs and does not have."""

    party: int
    name: str
    year: int
    item: str  # "figures", "staff", "turnover" or "balance_sheet"
    text: str


@dataclass(frozen=True)
class Assessment:
    """The size class of one enterprise in one year, with the reasoning behind it."""

    subject: int
    year: int
    definition: str
    midcap: str
    size_class: str
    steps: tuple[str, ...]
    figures: Mapping[int, YearFigures]  # aggregated, by year walked
    linked: tuple[Relation, ...]
    partners: tuple[Relation, ...]  # everything added pro rata
    missing: tuple[Missing, ...]
    public_control: bool
    public_share: Decimal  # percent of capital or votes held by public bodies, the higher kind
    status_year: int | None  # the latest year with figures used, None when there is none

    @property
    def is_sme(self) -> bool:
        return self.size_class in SME_CLASSES

    @property
    def autonomous(self) -> bool:
        return not self.linked and not self.partners


# --- Thresholds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ceiling:
    """One class's ceilings: staff below `staff_below` and at least one of the given money ceilings met."""

    size_class: str
    staff_below: Decimal
    turnover_max: Decimal | None
    balance_sheet_max: Decimal | None


@dataclass(frozen=True)
class SizeDefinitions:
    sme: Mapping[str, tuple[Ceiling, ...]]  # smallest class first
    midcap: Mapping[str, Ceiling]
    titles: Mapping[str, str]


def _ceiling(raw: Mapping[str, Any]) -> Ceiling:
    def money(key: str) -> Decimal | None:
        value = raw[key]
        return None if value is None else Decimal(str(value))

    return Ceiling(
        size_class=str(raw["size_class"]),
        staff_below=Decimal(str(raw["staff_below"])),
        turnover_max=money("turnover_max"),
        balance_sheet_max=money("balance_sheet_max"),
    )


@cache
def size_definitions() -> SizeDefinitions:
    """The ceilings of every definition, read once from data/size_definitions.json."""
    text = (files("moselle.organisations") / "data" / "size_definitions.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    sme = {key: tuple(_ceiling(c) for c in value["classes"]) for key, value in raw["sme"].items()}
    midcap = {key: _ceiling(value) for key, value in raw["midcap"].items()}
    titles = {key: str(value["title"]) for part in ("sme", "midcap") for key, value in raw[part].items()}
    return SizeDefinitions(sme=sme, midcap=midcap, titles=titles)


# --- Small helpers ---------------------------------------------------------------------------------


def _number(value: Decimal, places: int = 4) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    rounded = rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded.normalize()
    return f"{rounded:,f}"


def _percent(value: Decimal) -> str:
    return f"{_number(value)} %"


def _euro(value: Decimal) -> str:
    return f"€{_number(value, 2)}"


def _label(size_class: str) -> str:
    return str(_CLASS_LABELS[size_class])


def size_class_label(size_class: str) -> str:
    """The size class in the active language, e.g. "small enterprise"."""
    return _label(size_class)


def _kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


@dataclass
class _Amount:
    """A sum that may lack some parts: `lower` is what is known, a floor since figures are not negative."""

    lower: Decimal = _ZERO
    complete: bool = True

    @property
    def value(self) -> Decimal | None:
        return self.lower if self.complete else None

    def below(self, cap: Decimal) -> bool | None:
        if self.lower >= cap:
            return False
        return True if self.complete else None

    def within(self, cap: Decimal) -> bool | None:
        if self.lower > cap:
            return False
        return True if self.complete else None

    def text(self, money: bool) -> str:
        shown = _euro(self.lower) if money else _number(self.lower)
        if self.complete:
            return shown
        if self.lower == _ZERO:
            return _("unknown")
        return _("at least %(amount)s") % {"amount": shown}


@dataclass
class _Year:
    staff: _Amount
    turnover: _Amount
    balance_sheet: _Amount


def _meets(ceiling: Ceiling, year: _Year) -> bool | None:
    money: list[bool | None] = []
    if ceiling.turnover_max is not None:
        money.append(year.turnover.within(ceiling.turnover_max))
    if ceiling.balance_sheet_max is not None:
        money.append(year.balance_sheet.within(ceiling.balance_sheet_max))
    money_ok = reduce(_kleene_or, money) if money else True
    return _kleene_and(year.staff.below(ceiling.staff_below), money_ok)


def _why_met(ceiling: Ceiling, year: _Year) -> str:
    staff = _("staff %(staff)s is under %(cap)s") % {
        "staff": year.staff.text(money=False),
        "cap": _number(ceiling.staff_below),
    }
    if ceiling.turnover_max is not None and year.turnover.within(ceiling.turnover_max):
        money = _("turnover %(amount)s is within %(cap)s") % {
            "amount": year.turnover.text(money=True),
            "cap": _euro(ceiling.turnover_max),
        }
    elif ceiling.balance_sheet_max is not None and year.balance_sheet.within(ceiling.balance_sheet_max):
        money = _("balance-sheet total %(amount)s is within %(cap)s") % {
            "amount": year.balance_sheet.text(money=True),
            "cap": _euro(ceiling.balance_sheet_max),
        }
    else:
        return staff
    return _("%(staff)s and %(money)s") % {"staff": staff, "money": money}


def _why_crossed(ceiling: Ceiling, year: _Year) -> str:
    if year.staff.below(ceiling.staff_below) is False:
        return _("staff %(staff)s is not under %(cap)s") % {
            "staff": year.staff.text(money=False),
            "cap": _number(ceiling.staff_below),
        }
    parts = []
    if ceiling.turnover_max is not None:
        parts.append(
            _("turnover %(amount)s is over %(cap)s")
            % {"amount": year.turnover.text(money=True), "cap": _euro(ceiling.turnover_max)}
        )
    if ceiling.balance_sheet_max is not None:
        parts.append(
            _("balance-sheet total %(amount)s is over %(cap)s")
            % {"amount": year.balance_sheet.text(money=True), "cap": _euro(ceiling.balance_sheet_max)}
        )
    return "; ".join(parts)


def _possible_classes(ladder: Sequence[Ceiling], year: _Year) -> tuple[str, ...]:
    """The classes the year's figures allow: one when they decide it, more when data are missing."""
    possible: list[str] = []
    for ceiling in ladder:
        verdict = _meets(ceiling, year)
        if verdict is True:
            return (*possible, ceiling.size_class)
        if verdict is None:
            possible.append(ceiling.size_class)
    return (*possible, "large")


def _next_status(state: tuple[str, bool], raw: str) -> tuple[str, bool]:
    """Article 4(2): the status moves only after two consecutive years off it. State: (status, off last year)."""
    status, off = state
    if raw == status:
        return status, False
    if off:
        return raw, False
    return status, True


# --- The ownership graph ---------------------------------------------------------------------------


@dataclass
class _Pair:
    """Everything one party holds in another."""

    capital: Decimal | None = None
    votes: Decimal | None = None
    dominant: bool = False
    investor_type: str = ""
    invested_eur: Decimal | None = None
    exempt: bool = False  # an Article 3(2) investor that does not make a partnership

    @property
    def voting(self) -> Decimal:
        """The voting rights; the capital stands for them when no votes are recorded."""
        if self.votes is not None:
            return self.votes
        return self.capital if self.capital is not None else _ZERO

    @property
    def controls(self) -> bool:
        return self.dominant or self.voting > MAJORITY

    @property
    def share(self) -> Decimal:
        return max(self.capital or _ZERO, self.votes or _ZERO)


@dataclass(frozen=True)
class _Tie:
    """A partnership between a base enterprise and another one (Article 3(2))."""

    share: Decimal
    upstream: bool  # the other enterprise holds the share in the base
    kind: str
    joint: bool  # reached only together with linked enterprises


class _Ownership:
    """The holdings read once: pairs, exempt investors, control and the groups of linked enterprises."""

    def __init__(self, parties: Mapping[int, Party], holdings: Sequence[Holding]) -> None:
        self.parties = parties
        self.pairs: dict[tuple[int, int], _Pair] = {}
        self.owned_by: dict[int, list[int]] = defaultdict(list)
        self.owners_of: dict[int, list[int]] = defaultdict(list)
        self.notes: dict[tuple[int, int], str] = {}  # why a declared exempt investor is not exempt
        seen: set[tuple[int, int, str]] = set()
        for holding in holdings:
            self._check(holding, seen)
            key = (holding.owner, holding.owned)
            pair = self.pairs.get(key)
            if pair is None:
                pair = self.pairs[key] = _Pair(investor_type=holding.investor_type)
                self.owned_by[holding.owner].append(holding.owned)
                self.owners_of[holding.owned].append(holding.owner)
            elif pair.investor_type != holding.investor_type:
                raise ValueError(f"holdings of {holding.owner} in {holding.owned} disagree on the investor type")
            if holding.kind == "capital":
                pair.capital = holding.percent
            else:
                pair.votes = holding.percent
            pair.dominant = pair.dominant or holding.dominant_influence
            if holding.invested_eur is not None:
                if pair.invested_eur is not None and pair.invested_eur != holding.invested_eur:
                    raise ValueError(f"holdings of {holding.owner} in {holding.owned} disagree on the amount invested")
                pair.invested_eur = holding.invested_eur
        self._mark_exempt()
        self.controlled = {pid: self.controlled_by(frozenset({pid})) for pid in parties if self.is_enterprise(pid)}
        self.group_of = self._groups()

    def _check(self, holding: Holding, seen: set[tuple[int, int, str]]) -> None:
        where = f"holding of {holding.owner} in {holding.owned}"
        if holding.owner not in self.parties or holding.owned not in self.parties:
            raise ValueError(f"{where}: both parties must be given")
        if holding.owner == holding.owned:
            raise ValueError(f"{where}: an enterprise cannot hold itself")
        if holding.kind not in HOLDING_KINDS:
            raise ValueError(f"{where}: kind must be one of {HOLDING_KINDS}")
        if not _ZERO < holding.percent <= _HUNDRED:
            raise ValueError(f"{where}: percent must be above 0 and at most 100")
        if holding.investor_type and holding.investor_type not in INVESTOR_TYPES:
            raise ValueError(f"{where}: unknown investor type {holding.investor_type!r}")
        if (holding.owner, holding.owned, holding.kind) in seen:
            raise ValueError(f"{where}: {holding.kind} is given twice")
        seen.add((holding.owner, holding.owned, holding.kind))

    def name(self, pid: int) -> str:
        return self.parties[pid].name

    def is_enterprise(self, pid: int) -> bool:
        party = self.parties[pid]
        return not (party.is_public_body or party.is_natural_person)

    def _mark_exempt(self) -> None:
        """Article 3(2) second subparagraph; business angels only under the limit in total per enterprise."""
        for owned, owners in self.owners_of.items():
            angels = [o for o in owners if self.pairs[(o, owned)].investor_type == "business_angel"]
            known = [o for o in angels if self.pairs[(o, owned)].invested_eur is not None]
            total = sum((self.pairs[(o, owned)].invested_eur or _ZERO for o in known), _ZERO)
            for owner in owners:
                pair = self.pairs[(owner, owned)]
                if not pair.investor_type or pair.controls:
                    continue
                if pair.investor_type != "business_angel":
                    pair.exempt = True
                elif owner not in known:
                    self.notes[(owner, owned)] = _(
                        "%(investor)s is recorded as a business angel in %(owned)s, but no amount invested is "
                        "given, so it counts as an ordinary investor (Article 3(2)(a))."
                    ) % {"investor": self.name(owner), "owned": self.name(owned)}
                elif total >= BUSINESS_ANGEL_LIMIT:
                    self.notes[(owner, owned)] = _(
                        "Business angels have invested %(total)s in %(owned)s in total, not less than %(limit)s, "
                        "so %(investor)s counts as an ordinary investor (Article 3(2)(a))."
                    ) % {
                        "total": _euro(total),
                        "owned": self.name(owned),
                        "limit": _euro(BUSINESS_ANGEL_LIMIT),
                        "investor": self.name(owner),
                    }
                else:
                    pair.exempt = True

    def controlled_by(self, holders: frozenset[int]) -> frozenset[int]:
        """The enterprises the holders control, alone or together, directly or through enterprises they control.

        The votes of a controlled enterprise count in full for its controller (Article 3(3), last
        subparagraphs): a parent with 30 % and a subsidiary with 30 % hold a majority together.
        """
        controlled: set[int] = set()
        while True:
            group = holders | controlled
            votes: dict[int, Decimal] = defaultdict(Decimal)
            new: set[int] = set()
            for owner in group:
                for owned in self.owned_by.get(owner, ()):
                    if owned in group or not self.is_enterprise(owned):
                        continue
                    pair = self.pairs[(owner, owned)]
                    votes[owned] += pair.voting
                    if pair.dominant:
                        new.add(owned)
            new |= {owned for owned, total in votes.items() if total > MAJORITY}
            if not new:
                return frozenset(controlled)
            controlled |= new

    def _groups(self) -> dict[int, frozenset[int]]:
        parent = {pid: pid for pid in self.controlled}

        def root(pid: int) -> int:
            while parent[pid] != pid:
                parent[pid] = parent[parent[pid]]
                pid = parent[pid]
            return pid

        for controller, controlled in self.controlled.items():
            for pid in controlled:
                parent[root(pid)] = root(controller)
        members: dict[int, set[int]] = defaultdict(set)
        for pid in parent:
            members[root(pid)].add(pid)
        return {pid: frozenset(members[root(pid)]) for pid in parent}

    def control_reason(self, owner: int, owned: int) -> str:
        names = {"owner": self.name(owner), "owned": self.name(owned)}
        pair = self.pairs.get((owner, owned))
        if pair is not None and pair.dominant:
            return _("%(owner)s has a dominant influence over %(owned)s by contract or clause") % names
        if pair is not None and pair.votes is not None and pair.votes > MAJORITY:
            return _("%(owner)s holds %(percent)s of the voting rights of %(owned)s") % {
                **names,
                "percent": _percent(pair.votes),
            }
        if pair is not None and pair.votes is None and pair.voting > MAJORITY:
            return _("%(owner)s holds %(percent)s of the capital of %(owned)s and no voting rights are recorded") % {
                **names,
                "percent": _percent(pair.voting),
            }
        group = {owner} | self.controlled[owner]
        total = sum((self.pairs[(h, owned)].voting for h in group if (h, owned) in self.pairs), _ZERO)
        if total > MAJORITY:
            return _("%(owner)s controls %(owned)s with the enterprises it controls (%(percent)s of the votes)") % {
                **names,
                "percent": _percent(total),
            }
        return _("%(owner)s controls %(owned)s through the enterprises it controls") % names

    def joint(self, holders: Iterable[int], owned: int) -> tuple[Decimal, str, int]:
        """What the holders hold together in `owned`, leaving out exempt investors: (percent, kind, holders)."""
        capital = votes = _ZERO
        count = 0
        for holder in holders:
            pair = self.pairs.get((holder, owned))
            if pair is None or pair.exempt:
                continue
            count += 1
            capital += pair.capital or _ZERO
            votes += pair.votes or _ZERO
        return (votes, "votes", count) if votes > capital else (capital, "capital", count)

    def tie(self, base: int, base_group: frozenset[int], other: int) -> _Tie | None:
        """The partnership of `base` with `other`, held solely or jointly with linked enterprises (Article 3(2))."""
        if not self.is_enterprise(other) or other in base_group:
            return None
        best: _Tie | None = None
        up = self.pairs.get((other, base))
        if up is not None and not up.exempt:
            share, kind, count = self.joint(self.group_of[other], base)
            best = _Tie(share, True, kind, count > 1)
        down = self.pairs.get((base, other))
        if down is not None and not down.exempt:
            share, kind, count = self.joint(base_group, other)
            if best is None or share > best.share:  # cross-holdings: the greater percentage (Article 6(2))
                best = _Tie(share, False, kind, count > 1)
        return best if best is not None and best.share >= PARTNER_THRESHOLD else None

    def neighbours(self, pid: int) -> list[int]:
        return sorted({*self.owned_by.get(pid, ()), *self.owners_of.get(pid, ())})

    def tie_text(self, base: int, other: int, tie: _Tie) -> str:
        # Whole sentences per kind: "of the capital" and "of the voting rights" take different articles
        # in French and German, so the kind is never a placeholder after an article.
        holder, held = (other, base) if tie.upstream else (base, other)
        values = {"holder": self.name(holder), "held": self.name(held), "percent": _percent(tie.share)}
        if tie.kind == "votes":
            if tie.joint:
                text = _("%(holder)s holds, with its linked enterprises, %(percent)s of the voting rights of %(held)s")
            else:
                text = _("%(holder)s holds %(percent)s of the voting rights of %(held)s")
        elif tie.joint:
            text = _("%(holder)s holds, with its linked enterprises, %(percent)s of the capital of %(held)s")
        else:
            text = _("%(holder)s holds %(percent)s of the capital of %(held)s")
        return text % values


# --- The assessment --------------------------------------------------------------------------------


@dataclass
class _Counted:
    share: Decimal
    kind: str
    via: int | None


class _Assessor:
    """One assessment: who is counted, at which share, then the years and the two-year rule."""

    def __init__(
        self, subject: int, parties: Mapping[int, Party], holdings: Sequence[Holding], ladder: list[Ceiling]
    ) -> None:
        self.subject = subject
        self.parties = parties
        self.ladder = ladder
        self.own = _Ownership(parties, holdings)
        self.group = self.own.group_of[subject]
        self.steps: list[str] = []
        self.counted: dict[int, _Counted] = {subject: _Counted(_HUNDRED, "self", None)}
        self.partner_groups: dict[int, frozenset[int]] = {}  # a member of a partner group -> the group
        self.subject_partners: set[int] = set()  # the members that are partners of the subject themselves

    def name(self, pid: int) -> str:
        return self.parties[pid].name

    # Who is linked, who is a partner.

    def explain_linked(self) -> None:
        """Article 3(3): every enterprise in the subject's group, each with the control that links it."""
        own, reached = self.own, {self.subject}
        # Direct control first, so each enterprise is explained by the plainest link there is.
        for direct_only in (True, False):
            queue = sorted(reached)
            while queue:
                current = queue.pop(0)
                for other in sorted(self.group - reached):
                    if current in own.controlled[other]:
                        edge = (other, current)
                    elif other in own.controlled[current]:
                        edge = (current, other)
                    else:
                        continue
                    pair = own.pairs.get(edge)
                    if direct_only and (pair is None or not pair.controls):
                        continue
                    reached.add(other)
                    queue.append(other)
                    self.counted[other] = _Counted(_HUNDRED, "linked", None if current == self.subject else current)
                    values = {
                        "name": self.name(other),
                        "subject": self.name(self.subject),
                        "via": self.name(current),
                        "reason": own.control_reason(*edge),
                    }
                    if current == self.subject:
                        text = _("%(name)s is linked to %(subject)s: %(reason)s (Article 3(3)).")
                    else:
                        text = _(
                            "%(name)s is linked to %(subject)s through %(via)s: %(reason)s (Article 3(3), "
                            "links through other enterprises count too)."
                        )
                    self.steps.append(text % values + " " + _("Its figures are added in full (Article 6(2))."))

    def explain_exempt(self) -> None:
        """Article 3(2): exempt investors around the subject's group, and declared ones that do not qualify."""
        edges = [(owner, member) for member in sorted(self.group) for owner in self.own.owners_of.get(member, [])]
        edges += [(member, owned) for member in sorted(self.group) for owned in self.own.owned_by.get(member, [])]
        for owner, member in edges:
            pair = self.own.pairs[(owner, member)]
            if (owner in self.group and member in self.group) or pair.share < PARTNER_THRESHOLD:
                continue
            if pair.exempt:
                self.steps.append(
                    _(
                        "%(investor)s holds %(percent)s of %(owned)s as %(type)s and is not linked to it, so "
                        "this holding does not make a partnership (Article 3(2))."
                    )
                    % {
                        "investor": self.name(owner),
                        "percent": _percent(pair.share),
                        "owned": self.name(member),
                        "type": str(_INVESTOR_LABELS[pair.investor_type]),
                    }
                )
            elif (owner, member) in self.own.notes:
                self.steps.append(self.own.notes[(owner, member)])
            elif self.parties[owner].is_natural_person and not pair.controls:
                self.steps.append(
                    _(
                        "%(person)s holds %(percent)s of %(owned)s but is a natural person, not an enterprise: "
                        "no partnership follows."
                    )
                    % {"person": self.name(owner), "percent": _percent(pair.share), "owned": self.name(member)}
                )

    def count(self, pid: int, share: Decimal, kind: str, via: int | None) -> None:
        """Never count an enterprise twice: reached again, it keeps the higher share."""
        known = self.counted.get(pid)
        if known is None:
            self.counted[pid] = _Counted(share, kind, via)
            return
        if known.kind in ("self", "linked") or known.share >= share:
            if known.kind not in ("self", "linked"):
                self.steps.append(
                    _("%(name)s is reached more than once; it is counted once, at %(percent)s.")
                    % {"name": self.name(pid), "percent": _percent(known.share)}
                )
            return
        self.counted[pid] = _Counted(share, kind, via)
        self.steps.append(
            _("%(name)s is reached more than once; it is counted once, at %(percent)s.")
            % {"name": self.name(pid), "percent": _percent(share)}
        )

    def explain_partners(self) -> None:
        """Article 6(2)-(3): the subject's partners with their linked enterprises, then the partners of linked ones."""
        own, subject = self.own, self.subject
        by_group: dict[frozenset[int], list[tuple[int, _Tie]]] = defaultdict(list)
        for other in own.neighbours(subject):
            tie = own.tie(subject, self.group, other)
            if tie is not None:
                by_group[own.group_of[other]].append((other, tie))
        for partner_group, ties in sorted(by_group.items(), key=lambda item: min(item[0])):
            main, main_tie = max(ties, key=lambda item: (item[1].share, -item[0]))
            for other, tie in ties:
                self.steps.append(
                    _("%(tie)s: %(partner)s is a partner enterprise of %(subject)s (Article 3(2)).")
                    % {
                        "tie": own.tie_text(subject, other, tie),
                        "partner": self.name(other),
                        "subject": self.name(subject),
                    }
                )
            partners = {other for other, _tie in ties}
            self.subject_partners |= partners
            self.steps.append(
                _("The figures of %(partner)s are added at %(percent)s (Article 6(2)).")
                % {"partner": ", ".join(self.name(p) for p in sorted(partners)), "percent": _percent(main_tie.share)}
            )
            for member in sorted(partner_group):
                self.partner_groups[member] = partner_group
                if member in partners:
                    self.count(member, main_tie.share, "partner", None)
                    continue
                self.steps.append(
                    _(
                        "%(name)s is linked to %(partner)s, a partner of %(subject)s: its figures are added to those "
                        "of %(partner)s, at %(percent)s (Article 6(3))."
                    )
                    % {
                        "name": self.name(member),
                        "partner": self.name(main),
                        "subject": self.name(subject),
                        "percent": _percent(main_tie.share),
                    }
                )
                self.count(member, main_tie.share, "linked_to_partner", main)
        for linked in sorted(self.group - {subject}):
            for other in own.neighbours(linked):
                tie = own.tie(linked, self.group, other)
                if tie is None:
                    continue
                self.steps.append(
                    _(
                        "%(tie)s: %(partner)s is a partner of %(linked)s, which is linked to %(subject)s; it is added "
                        "at %(percent)s (Article 6(3))."
                    )
                    % {
                        "tie": own.tie_text(linked, other, tie),
                        "partner": self.name(other),
                        "linked": self.name(linked),
                        "subject": self.name(subject),
                        "percent": _percent(tie.share),
                    }
                )
                self.count(other, tie.share, "partner_of_linked", linked)

    def explain_not_added(self) -> None:
        """Say which enterprises next to a partner Article 6(3) leaves out, so nobody wonders where they went."""
        own, subject, told = self.own, self.subject, set()
        for member, partner_group in sorted(self.partner_groups.items()):
            for other in own.neighbours(member):
                if other in self.counted or other in partner_group or other in told:
                    continue
                if own.tie(member, partner_group, other) is None:
                    continue
                told.add(other)
                if member in self.subject_partners:
                    text = _(
                        "%(other)s is a partner of %(partner)s, which is a partner of %(subject)s; Article 6(3) does "
                        "not add a partner's own partners."
                    )
                else:
                    text = _(
                        "%(other)s is a partner of %(partner)s, which is linked to a partner of %(subject)s; Article "
                        "6(3) does not add it."
                    )
                self.steps.append(
                    text % {"other": self.name(other), "partner": self.name(member), "subject": self.name(subject)}
                )
        for pid, counted in sorted(self.counted.items()):
            if counted.kind != "partner_of_linked" or counted.via is None:
                continue
            for other in sorted(own.group_of[pid] - {pid}):
                if other in self.counted or other in told:
                    continue
                told.add(other)
                self.steps.append(
                    _(
                        "%(other)s is linked to %(partner)s, a partner of %(linked)s; Article 6(3) adds the partners "
                        "of linked enterprises, not their linked enterprises."
                    )
                    % {"other": self.name(other), "partner": self.name(pid), "linked": self.name(counted.via)}
                )

    def explain_links_not_followed(self) -> None:
        """Natural persons and public bodies are not enterprises: enterprises they also control are not linked here."""
        for pid, party in sorted(self.parties.items()):
            if self.own.is_enterprise(pid):
                continue
            controlled = self.own.controlled_by(frozenset({pid}))
            inside = sorted(controlled & self.group)
            if not inside:
                continue
            for other in sorted(controlled - self.group - set(self.counted)):
                values = {"person": party.name, "member": self.name(inside[0]), "other": self.name(other)}
                if party.is_natural_person:
                    text = _(
                        "%(person)s controls %(member)s and also %(other)s. Enterprises linked through a natural "
                        "person count only when they work in the same or adjacent markets (Article 3(3)); this "
                        "assessment cannot tell, so %(other)s is not added."
                    )
                else:
                    text = _(
                        "%(person)s controls %(member)s and also %(other)s; a public body is not an enterprise, so "
                        "%(other)s is not linked through it."
                    )
                self.steps.append(text % values)

    # Public control (Article 3(4)).

    def public_share(self) -> tuple[Decimal, str, list[str]]:
        own = self.own
        bodies = frozenset(pid for pid, party in self.parties.items() if party.is_public_body)
        holders = bodies | own.controlled_by(bodies)
        share, kind, _count = own.joint(holders, self.subject)
        parts = []
        for holder in sorted(holders):
            pair = own.pairs.get((holder, self.subject))
            if pair is None or pair.exempt:
                continue
            percent = (pair.votes if kind == "votes" else pair.capital) or _ZERO
            if percent and holder in bodies:
                parts.append(f"{self.name(holder)} {_percent(percent)}")
            elif percent:
                parts.append(
                    _("%(name)s %(percent)s, controlled by public bodies")
                    % {"name": self.name(holder), "percent": _percent(percent)}
                )
        return share, kind, parts

    # The figures.

    def year_totals(self, year: int) -> tuple[_Year, list[Missing], list[str]]:
        totals = _Year(_Amount(), _Amount(), _Amount())
        missing: list[Missing] = []
        estimated: list[str] = []
        for pid, counted in self.counted.items():
            party = self.parties[pid]
            figures = party.figures.get(year)
            values = {"name": party.name, "year": year}
            if figures is None:
                missing.append(
                    Missing(pid, party.name, year, "figures", _("figures of %(name)s for %(year)s") % values)
                )
                for amount in (totals.staff, totals.turnover, totals.balance_sheet):
                    amount.complete = False
                continue
            if figures.estimated:
                estimated.append(party.name)
            factor = counted.share / _HUNDRED
            items = (
                ("staff", figures.staff, totals.staff, _("staff of %(name)s for %(year)s")),
                ("turnover", figures.turnover, totals.turnover, _("turnover of %(name)s for %(year)s")),
                (
                    "balance_sheet",
                    figures.balance_sheet,
                    totals.balance_sheet,
                    _("balance-sheet total of %(name)s for %(year)s"),
                ),
            )
            for item, value, amount, text in items:
                if value is None:
                    amount.complete = False
                    missing.append(Missing(pid, party.name, year, item, text % values))
                else:
                    amount.lower += value * factor
        return totals, missing, estimated


def _check_input(subject: int, parties: Mapping[int, Party]) -> None:
    if subject not in parties:
        raise ValueError(f"the subject {subject} is not among the parties")
    subject_party = parties[subject]
    if subject_party.is_public_body or subject_party.is_natural_person:
        raise ValueError("the subject must be an enterprise, not a public body or a natural person")
    for pid, party in parties.items():
        if party.id != pid:
            raise ValueError(f"party {party.name!r} is filed under {pid} but has id {party.id}")
        for key, figures in party.figures.items():
            if figures.year != key:
                raise ValueError(f"figures of {party.name!r} filed under {key} are for {figures.year}")
            for value in (figures.staff, figures.turnover, figures.balance_sheet):
                if value is not None and value < _ZERO:
                    raise ValueError(f"figures of {party.name!r} for {key} must not be negative")


def assess(
    subject: int,
    parties: Mapping[int, Party],
    holdings: Sequence[Holding],
    *,
    year: int,
    definition: str = "eu-2003-361",
    midcap: str = "digital-europe-wp",
) -> Assessment:
    """The size class of `subject` in financial year `year`, with the steps that explain it."""
    definitions = size_definitions()
    if definition not in definitions.sme:
        raise ValueError(f"unknown SME definition {definition!r}; known: {sorted(definitions.sme)}")
    if midcap not in definitions.midcap:
        raise ValueError(f"unknown small mid-cap definition {midcap!r}; known: {sorted(definitions.midcap)}")
    _check_input(subject, parties)
    sme_ladder = list(definitions.sme[definition])
    work = _Assessor(subject, parties, holdings, [*sme_ladder, definitions.midcap[midcap]])
    subject_name = parties[subject].name
    steps = work.steps
    steps.append(
        _("Size class of %(name)s for %(year)s, by %(definition)s; small mid-caps by %(midcap)s.")
        % {
            "name": subject_name,
            "year": year,
            "definition": definitions.titles[definition],
            "midcap": definitions.titles[midcap],
        }
    )

    work.explain_linked()
    work.explain_exempt()
    work.explain_partners()
    work.explain_not_added()
    work.explain_links_not_followed()
    if len(work.counted) == 1:
        steps.append(
            _("%(name)s has no partner or linked enterprise: only its own figures count (Article 6(1)).")
            % {"name": subject_name}
        )

    public_share, public_kind, public_parts = work.public_share()
    public_control = public_share >= PUBLIC_CONTROL_THRESHOLD
    if public_share > _ZERO:
        public_values = {
            "percent": _percent(public_share),
            "name": subject_name,
            "holders": ", ".join(public_parts),
            "threshold": _percent(PUBLIC_CONTROL_THRESHOLD),
        }
        if public_control and public_kind == "votes":
            text = _(
                "Public bodies hold %(percent)s of the voting rights of %(name)s, directly or through enterprises "
                "they control (%(holders)s): %(threshold)s or more, so it is not an SME (Article 3(4)). Its class "
                "is set by the small mid-cap definition."
            )
        elif public_control:
            text = _(
                "Public bodies hold %(percent)s of the capital of %(name)s, directly or through enterprises they "
                "control (%(holders)s): %(threshold)s or more, so it is not an SME (Article 3(4)). Its class is "
                "set by the small mid-cap definition."
            )
        elif public_kind == "votes":
            text = _(
                "Public bodies hold %(percent)s of the voting rights of %(name)s (%(holders)s): under "
                "%(threshold)s, so Article 3(4) does not apply."
            )
        else:
            text = _(
                "Public bodies hold %(percent)s of the capital of %(name)s (%(holders)s): under %(threshold)s, "
                "so Article 3(4) does not apply."
            )
        steps.append(text % public_values)
    if public_control:
        work.ladder = [definitions.midcap[midcap]]

    # The years: all with figures of the subject up to `year` (Article 4(1) and 4(2)).
    own_years = sorted(parties[subject].figures)
    later = [y for y in own_years if y > year]
    years = [y for y in own_years if y <= year]
    if later:
        steps.append(
            _("Figures for %(years)s come after %(year)s and are not used.")
            % {"years": ", ".join(str(y) for y in later), "year": year}
        )
    if years and years[-1] != year:
        steps.append(
            _("%(name)s has no figures for %(year)s; the latest year with figures is %(latest)s.")
            % {"name": subject_name, "year": year, "latest": years[-1]}
        )

    figures: dict[int, YearFigures] = {}
    all_missing: list[Missing] = []
    uncertain: list[int] = []
    states: set[tuple[str, bool]] = set()
    for index, current in enumerate(years):
        totals, missing, estimated = work.year_totals(current)
        possible = _possible_classes(work.ladder, totals)
        raw = possible[0] if len(possible) == 1 else "unknown"
        figures[current] = YearFigures(
            year=current,
            staff=totals.staff.value,
            turnover=totals.turnover.value,
            balance_sheet=totals.balance_sheet.value,
            estimated=bool(estimated),
            size_class=raw,
            possible_classes=possible,
        )
        year_values = {
            "year": current,
            "staff": totals.staff.text(money=False),
            "turnover": totals.turnover.text(money=True),
            "balance": totals.balance_sheet.text(money=True),
            "name": subject_name,
        }
        if len(work.counted) > 1:
            text = _(
                "%(year)s: staff %(staff)s, turnover %(turnover)s, balance-sheet total %(balance)s (%(name)s with "
                "its linked and partner enterprises, Article 6)."
            )
        else:
            text = _("%(year)s: staff %(staff)s, turnover %(turnover)s, balance-sheet total %(balance)s.")
        steps.append(text % year_values)
        if estimated:
            steps.append(
                _(
                    "The %(year)s figures of %(names)s are a good-faith estimate (new enterprise without approved "
                    "accounts, Article 4(3)); they are used as given."
                )
                % {"year": current, "names": ", ".join(estimated)}
            )
        if raw == "unknown":
            uncertain.append(current)
            all_missing.extend(missing)
            steps.append(
                _("%(year)s cannot be classified: missing %(missing)s.")
                % {"year": current, "missing": "; ".join(m.text for m in missing)}
            )
        else:
            level = [c.size_class for c in work.ladder].index(raw) if raw != "large" else len(work.ladder)
            if level < len(work.ladder):
                reason = _why_met(work.ladder[level], totals)
            else:
                reason = _why_crossed(work.ladder[-1], totals)
            steps.append(
                _("%(year)s on its own: %(class)s, because %(reason)s.")
                % {"year": current, "class": _label(raw), "reason": reason}
            )
            if 0 < level < len(work.ladder):
                below = work.ladder[level - 1]
                steps.append(
                    _("%(year)s is above the ceilings of the class “%(class)s”: %(reason)s.")
                    % {"year": current, "class": _label(below.size_class), "reason": _why_crossed(below, totals)}
                )
        # Article 4(2), walked with every class the missing data leave open.
        before = states
        if index == 0:
            states = {(c, False) for c in possible}
        else:
            states = {_next_status(state, c) for state in states for c in possible}
        if len(before) == 1 and raw != "unknown":
            (status, off) = next(iter(before))
            walk_values = {"year": current, "previous": years[index - 1], "status": _label(status), "raw": _label(raw)}
            if raw == status and off:
                steps.append(
                    _(
                        "The crossing in %(previous)s lasted one year only and is ignored: in %(year)s the figures "
                        "give the class “%(status)s” again (Article 4(2))."
                    )
                    % walk_values
                )
            elif raw != status and not off:
                steps.append(
                    _(
                        "In %(year)s the figures give the class “%(raw)s” while the status is “%(status)s”; one year "
                        "is not enough to change it (Article 4(2))."
                    )
                    % walk_values
                )
            elif raw != status:
                steps.append(
                    _(
                        "%(previous)s and %(year)s both differ from %(status)s: after two consecutive years the "
                        "status becomes %(raw)s (Article 4(2))."
                    )
                    % walk_values
                )
        elif index == 0 and raw != "unknown" and len(years) > 1:
            steps.append(
                _("%(year)s is the first year with figures: the status starts as %(class)s.")
                % {"year": current, "class": _label(raw)}
            )

    statuses = {status for status, _off in states}
    if not years:
        size_class = "unknown"
        party = parties[subject]
        all_missing.append(
            Missing(
                subject,
                party.name,
                year,
                "figures",
                _("figures of %(name)s for %(year)s or an earlier year") % {"name": party.name, "year": year},
            )
        )
    elif len(statuses) == 1:
        size_class = next(iter(statuses))
        if uncertain:
            steps.append(
                _("Some years could not be classified, but the status in %(year)s is %(class)s whatever they were.")
                % {"year": years[-1], "class": _label(size_class)}
            )
            all_missing = []
    else:
        size_class = "unknown"

    if size_class == "unknown":
        steps.append(
            _("Result for %(year)s: unknown, because data are missing: %(missing)s.")
            % {"year": year, "missing": "; ".join(m.text for m in all_missing)}
        )
    else:
        steps.append(_("Result for %(year)s: %(class)s.") % {"year": year, "class": _label(size_class)})

    linked: list[Relation] = []
    partners: list[Relation] = []
    for pid, counted in sorted(work.counted.items()):
        if counted.kind == "self":
            continue
        relation = Relation(pid, parties[pid].name, counted.kind, counted.share, counted.via)
        (linked if counted.kind == "linked" else partners).append(relation)
    return Assessment(
        subject=subject,
        year=year,
        definition=definition,
        midcap=midcap,
        size_class=size_class,
        steps=tuple(steps),
        figures=figures,
        linked=tuple(linked),
        partners=tuple(partners),
        missing=tuple(all_missing),
        public_control=public_control,
        public_share=public_share,
        status_year=years[-1] if years else None,
    )
