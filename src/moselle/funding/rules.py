"""Eligibility rules as data, and their evaluation for one company.

A programme's rules are a list of small mappings, each naming one ``fact`` and its parameters; the
vocabulary is closed and documented in docs/funding.md:

``{"fact": "size_class", "in": ["micro", "small", "medium"]}``  the class under the EU SME definition
``{"fact": "country", "in": ["LU"]}``                          ISO 3166 codes
``{"fact": "region", "in": ["LU00", "DEC"]}``                  NUTS codes; a code covers the regions under it
``{"fact": "nace", "include": [...], "exclude": ["01", "03"]}`` NACE codes; a code covers those under it
``{"fact": "age", "min_years": 1, "max_years": 8}``            full years since the company was founded
``{"fact": "business_permit"}``, ``{"fact": "not_in_difficulty"}``, ``{"fact": "aid_eligible_activity"}``
                                                               the company's own declarations
``{"fact": "cool_down", "years": 2}``                          no grant of this programme in the last years
``{"fact": "de_minimis_headroom", "min_eur": 5000}``           room under the de minimis ceiling
``{"fact": "approved_provider"}``                              the project uses a provider the programme approved

Each rule gives **met**, **not met** or **unknown** (a fact is missing: the result names it and who can
supply it), or — for the approved provider when none is chosen yet — a **condition** the project must
fulfil. A programme is *not eligible* when one rule is not met, *unknown* when one is unknown, *eligible*
otherwise: a missing fact never gives "eligible".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moselle.funding.facts import Facts
from moselle.funding.models import Programme
from moselle.organisations.countries import CODES

MET, NOT_MET, UNKNOWN, CONDITION = "met", "not_met", "unknown", "condition"
ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"
COMPANY, STAFF = "company", "staff"
WHO = {COMPANY: gettext_lazy("the company"), STAFF: gettext_lazy("the hub's staff")}

SIZE_CLASSES = ("micro", "small", "medium", "small_midcap", "large")
DECLARATIONS = ("business_permit", "not_in_difficulty", "aid_eligible_activity")
MAX_RULES = 30
NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
COUNTRY_CODES = frozenset(CODES.values())


@dataclass(frozen=True)
class Missing:
    """A fact a rule needs and the platform does not have, and who can supply it."""

    fact: str
    text: str
    who: str

    @property
    def who_label(self) -> str:
        return str(WHO[self.who])


@dataclass(frozen=True)
class RuleResult:
    fact: str
    outcome: str
    reason: str
    used: Mapping[str, Any] = field(default_factory=dict)
    missing: tuple[Missing, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    programme: Programme
    outcome: str
    results: tuple[RuleResult, ...]

    @property
    def missing(self) -> list[Missing]:
        return [item for result in self.results for item in result.missing]

    @property
    def blocking(self) -> list[RuleResult]:
        return [result for result in self.results if result.outcome == NOT_MET]

    @property
    def conditions(self) -> list[RuleResult]:
        return [result for result in self.results if result.outcome == CONDITION]


# --- Checking rules written as data ---------------------------------------------------------------------


def _codes(
    value: Any, where: str, check: Callable[[str], bool], message: str, normal: Callable[[str], str] = str.strip
) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise ValidationError({where: _("Give a non-empty list of codes.")})
    cleaned = [normal(item) for item in value]
    bad = [item for item in cleaned if not check(item)]
    if bad:
        raise ValidationError({where: message % {"codes": ", ".join(bad[:5])[:80]}})
    return cleaned


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({where: _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}})
    return int(value)


def _nace_exists(codes: Sequence[str]) -> set[str]:
    from moselle.core.models import NaceCode

    return set(NaceCode.objects.filter(code__in=list(codes)).values_list("code", flat=True))


def _check_one(rule: Any, where: str) -> dict[str, Any]:
    if not isinstance(rule, Mapping):
        raise ValidationError({where: _('Give each rule as a mapping with its "fact".')})
    fact = rule.get("fact")
    if fact not in VOCABULARY:
        raise ValidationError(
            {
                f"{where}.fact": _("Unknown fact “%(fact)s”; use one of: %(facts)s.")
                % {"fact": str(fact)[:40], "facts": ", ".join(VOCABULARY)}
            }
        )
    allowed = VOCABULARY[fact]
    extra = sorted(str(key) for key in rule if key != "fact" and key not in allowed)
    if extra:
        raise ValidationError(
            {
                f"{where}.{extra[0][:30]}": _("“%(fact)s” takes no “%(key)s”; it takes: %(keys)s.")
                % {"fact": fact, "key": extra[0][:30], "keys": ", ".join(allowed) or "-"}
            }
        )
    cleaned: dict[str, Any] = {"fact": fact}
    if fact == "size_class":
        cleaned["in"] = _codes(
            rule.get("in"),
            f"{where}.in",
            lambda code: code in SIZE_CLASSES,
            _("Unknown size class: %(codes)s. Use micro, small, medium, small_midcap or large."),
            lambda code: code.strip().lower(),
        )
    elif fact == "country":
        cleaned["in"] = _codes(
            rule.get("in"),
            f"{where}.in",
            lambda code: code in COUNTRY_CODES,
            _("Unknown country code: %(codes)s."),
            lambda code: code.strip().upper(),
        )
    elif fact == "region":
        cleaned["in"] = _codes(
            rule.get("in"),
            f"{where}.in",
            lambda code: bool(NUTS.match(code)),
            _("Not a NUTS code: %(codes)s."),
            lambda code: code.strip().upper(),
        )
    elif fact == "nace":
        if not rule.get("include") and not rule.get("exclude"):
            raise ValidationError({f"{where}.include": _("Give the NACE codes to include, to exclude, or both.")})
        for key in ("include", "exclude"):
            if rule.get(key):
                given = _codes(rule.get(key), f"{where}.{key}", lambda code: bool(code), "%(codes)s")
                unknown = sorted(set(given) - _nace_exists(given))
                if unknown:
                    raise ValidationError(
                        {f"{where}.{key}": _("Unknown NACE code: %(codes)s.") % {"codes": ", ".join(unknown[:5])}}
                    )
                cleaned[key] = given
    elif fact == "age":
        if "min_years" not in rule and "max_years" not in rule:
            raise ValidationError({f"{where}.min_years": _("Give the least age, the greatest, or both.")})
        for key in ("min_years", "max_years"):
            if key in rule:
                cleaned[key] = _whole(rule[key], f"{where}.{key}", 0, 200)
        if cleaned.get("min_years", 0) > cleaned.get("max_years", 200):
            raise ValidationError({f"{where}.max_years": _("The greatest age is below the least.")})
    elif fact == "cool_down":
        cleaned["years"] = _whole(rule.get("years"), f"{where}.years", 1, 20)
    elif fact == "de_minimis_headroom" and "min_eur" in rule:
        try:
            amount = Decimal(str(rule["min_eur"]))
        except InvalidOperation:
            amount = Decimal(-1)
        if isinstance(rule["min_eur"], bool) or not amount.is_finite() or not 0 <= amount <= 10**9:
            raise ValidationError({f"{where}.min_eur": _("Give an amount in euros, 0 or more.")})
        cleaned["min_eur"] = str(amount)
    return cleaned


def check_rules(value: Any) -> list[dict[str, Any]]:
    """Rules as stored, every bad one named (``rules[2].fact``…); raises ``ValidationError``."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"rules": _("Give the rules as a list.")})
    if len(value) > MAX_RULES:
        raise ValidationError({"rules": _("At most %(limit)d rules.") % {"limit": MAX_RULES}})
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, rule in enumerate(value):
        try:
            cleaned.append(_check_one(rule, f"rules[{index}]"))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Evaluating them --------------------------------------------------------------------------------------


def _size_class(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    wanted = rule["in"]
    assessment = facts.size
    if assessment is None:
        return RuleResult(
            "size_class",
            NOT_MET,
            _("A public body: the SME definition does not apply to it."),
            {"size_class": "public_body"},
        )
    used: dict[str, Any] = {
        "size_class": assessment.size_class,
        "year": assessment.status_year,
        "linked": [relation.name for relation in assessment.linked],
        "partners": [relation.name for relation in assessment.partners],
    }
    if assessment.size_class == "unknown":
        missing = tuple(Missing("size_class", item.text, COMPANY) for item in assessment.missing[:6]) or (
            Missing("size_class", _("The staff headcount and turnover or balance sheet."), COMPANY),
        )
        return RuleResult("size_class", UNKNOWN, _("The size class cannot be worked out yet."), used, missing)
    label = facts.size_label()
    counted = used["linked"] + used["partners"]
    reason = (
        _("Size class %(class)s under the EU SME definition, counting %(others)s.")
        % {"class": label, "others": ", ".join(counted[:4])}
        if counted
        else _("Size class %(class)s under the EU SME definition.") % {"class": label}
    )
    return RuleResult("size_class", MET if assessment.size_class in wanted else NOT_MET, reason, used)


def _country(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    country = facts.organisation.country
    outcome = MET if country in rule["in"] else NOT_MET
    return RuleResult(
        "country",
        outcome,
        _("Established in %(country)s; the programme takes %(countries)s.")
        % {"country": country, "countries": ", ".join(rule["in"][:8])},
        {"country": country},
    )


def _region(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    region = facts.organisation.region
    if not region:
        return RuleResult(
            "region",
            UNKNOWN,
            _("The region (NUTS) is not in the registry."),
            {},
            (Missing("region", _("The region (NUTS code) of the company's seat."), STAFF),),
        )
    outcome = MET if any(region.startswith(code) for code in rule["in"]) else NOT_MET
    return RuleResult(
        "region",
        outcome,
        _("Region %(region)s; the programme takes %(regions)s.")
        % {"region": region, "regions": ", ".join(rule["in"][:8])},
        {"region": region},
    )


def _nace(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    codes = facts.nace_path
    if not codes:
        return RuleResult(
            "nace",
            UNKNOWN,
            _("The company's main activity (NACE) is not in the registry."),
            {},
            (Missing("nace", _("The main activity (NACE code)."), STAFF),),
        )
    used = {"nace": codes[-1]}
    excluded = [code for code in rule.get("exclude", []) if code in codes]
    if excluded:
        return RuleResult(
            "nace",
            NOT_MET,
            _("Activity %(code)s is excluded (%(excluded)s).") % {"code": codes[-1], "excluded": excluded[0]},
            used,
        )
    included = rule.get("include")
    if included and not any(code in codes for code in included):
        return RuleResult(
            "nace",
            NOT_MET,
            _("Activity %(code)s is not among those the programme supports.") % {"code": codes[-1]},
            used,
        )
    return RuleResult("nace", MET, _("Activity %(code)s qualifies.") % {"code": codes[-1]}, used)


def _age(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    founded = facts.founded_on
    if founded is None:
        return RuleResult(
            "age",
            UNKNOWN,
            _("The date the company was founded is not in the registry."),
            {},
            (Missing("founded_on", _("The date the company was founded."), COMPANY),),
        )
    years = facts.today.year - founded.year - ((facts.today.month, facts.today.day) < (founded.month, founded.day))
    low, high = rule.get("min_years", 0), rule.get("max_years", 200)
    outcome = MET if low <= years <= high else NOT_MET
    return RuleResult(
        "age",
        outcome,
        _("Founded on %(date)s: %(years)d full years old.") % {"date": founded.isoformat(), "years": years},
        {"founded_on": founded.isoformat(), "years": years},
    )


DECLARATION_TEXT = {
    "business_permit": gettext_lazy("holds a business permit"),
    "not_in_difficulty": gettext_lazy("is not an undertaking in difficulty"),
    "aid_eligible_activity": gettext_lazy("works in an activity not excluded from state aid"),
}


def _declared(fact: str) -> Callable[[Mapping[str, Any], Facts], RuleResult]:
    def evaluate(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
        declaration = facts.declaration(fact)
        text = DECLARATION_TEXT[fact]
        if declaration is None:
            return RuleResult(
                fact,
                UNKNOWN,
                _("Not declared: the company %(what)s?") % {"what": text},
                {},
                (Missing(fact, _("A declaration that the company %(what)s.") % {"what": text}, COMPANY),),
            )
        used = {"declared_on": declaration.declared_on.isoformat(), "holds": declaration.holds}
        if declaration.holds:
            return RuleResult(
                fact, MET, _("Declared on %(date)s: %(what)s.") % {"date": declaration.declared_on, "what": text}, used
            )
        return RuleResult(
            fact,
            NOT_MET,
            _("Declared on %(date)s: the company does not meet this (%(what)s).")
            % {"date": declaration.declared_on, "what": text},
            used,
        )

    return evaluate


def _cool_down(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    years = rule["years"]
    since = facts.years_ago(years)
    recorded = facts.granted_since(since)
    if recorded is not None:
        return RuleResult(
            "cool_down",
            NOT_MET,
            _("A grant of this programme was recorded on %(date)s, within the last %(years)d years.")
            % {"date": recorded.isoformat(), "years": years},
            {"granted_on": recorded.isoformat(), "source": "recorded"},
        )
    history = facts.history()
    if history is not None and history.holds and history.last_granted_on and history.last_granted_on >= since:
        return RuleResult(
            "cool_down",
            NOT_MET,
            _("The company declared a grant of this programme on %(date)s, within the last %(years)d years.")
            % {"date": history.last_granted_on.isoformat(), "years": years},
            {"granted_on": history.last_granted_on.isoformat(), "source": "declared"},
        )
    if history is not None:
        return RuleResult(
            "cool_down",
            MET,
            _("The company declared on %(date)s no grant of this programme in the last %(years)d years.")
            % {"date": history.declared_on.isoformat(), "years": years},
            {"declared_on": history.declared_on.isoformat()},
        )
    return RuleResult(
        "cool_down",
        UNKNOWN,
        _("No grant of this programme on record, but the records alone cannot prove there was none."),
        {},
        (
            Missing(
                "programme_history",
                _("A declaration of the grants of this programme in the last %(years)d years.") % {"years": years},
                COMPANY,
            ),
        ),
    )


def _de_minimis(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    """Room under the de minimis ceiling for the support needed. The ledger counts what the company declared
    and what the hub granted; it is complete only when the company has declared that it declared all its de
    minimis aid (the records alone cannot prove there was no other), so until then the rule is unknown."""
    needed = Decimal(rule["min_eur"]) if "min_eur" in rule else facts.amount
    ledger = facts.ledger
    if ledger.regulation is None:
        return RuleResult(
            "de_minimis_headroom",
            UNKNOWN,
            _("No de minimis regulation is set for today."),
            {},
            (Missing("regulation", _("The de minimis regulation in force."), STAFF),),
        )
    if ledger.excluded:
        return RuleResult(
            "de_minimis_headroom",
            NOT_MET,
            _("Activity %(code)s is outside the de minimis regulation.") % {"code": ledger.excluded},
            {"nace": ledger.excluded},
        )
    missing = []
    if needed is None:
        missing.append(Missing("amount", _("The amount of support asked for (or the project's cost)."), COMPANY))
    complete = facts.declaration("de_minimis_complete")
    if complete is None or not complete.holds:
        missing.append(
            Missing(
                "de_minimis_complete",
                _("A declaration that all the de minimis aid received in the last three years is recorded."),
                COMPANY,
            )
        )
    headroom = ledger.headroom or Decimal(0)
    used = {"headroom": str(headroom), "counted": str(ledger.total)}
    if missing:
        return RuleResult(
            "de_minimis_headroom",
            UNKNOWN,
            _("De minimis room on record: %(headroom)s EUR; it cannot be relied on yet.") % {"headroom": headroom},
            used,
            tuple(missing),
        )
    assert needed is not None
    used["needed"] = str(needed)
    outcome = MET if needed <= headroom else NOT_MET
    return RuleResult(
        "de_minimis_headroom",
        outcome,
        _("De minimis room left: %(headroom)s EUR for %(needed)s EUR needed (aid declared and granted on record).")
        % {"headroom": headroom, "needed": needed},
        used,
    )


def _approved_provider(rule: Mapping[str, Any], facts: Facts) -> RuleResult:
    approved = facts.approved_providers
    names = [provider.name for provider in approved[:5]]
    if facts.provider is None:
        return RuleResult(
            "approved_provider",
            CONDITION,
            _("The project must use a provider the programme approved: %(names)s.")
            % {"names": ", ".join(names) or _("none listed yet")},
            {"approved": names},
        )
    chosen = facts.provider
    if not approved:
        return RuleResult(
            "approved_provider",
            UNKNOWN,
            _("The programme's approved providers are not listed yet."),
            {"provider": chosen.name, "approved": []},
            (Missing("approved_providers", _("The list of the providers the programme approved."), STAFF),),
        )
    outcome = MET if any(provider.pk == chosen.pk for provider in approved) else NOT_MET
    reason = (
        _("%(name)s is an approved provider.") if outcome == MET else _("%(name)s is not an approved provider.")
    ) % {"name": chosen.name}
    return RuleResult("approved_provider", outcome, reason, {"provider": chosen.name, "approved": names})


Evaluator = Callable[[Mapping[str, Any], Facts], RuleResult]

# The vocabulary: each fact, the parameters it takes, and how it is evaluated.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "size_class": ("in",),
    "country": ("in",),
    "region": ("in",),
    "nace": ("include", "exclude"),
    "age": ("min_years", "max_years"),
    "business_permit": (),
    "not_in_difficulty": (),
    "aid_eligible_activity": (),
    "cool_down": ("years",),
    "de_minimis_headroom": ("min_eur",),
    "approved_provider": (),
}
EVALUATORS: dict[str, Evaluator] = {
    "size_class": _size_class,
    "country": _country,
    "region": _region,
    "nace": _nace,
    "age": _age,
    "business_permit": _declared("business_permit"),
    "not_in_difficulty": _declared("not_in_difficulty"),
    "aid_eligible_activity": _declared("aid_eligible_activity"),
    "cool_down": _cool_down,
    "de_minimis_headroom": _de_minimis,
    "approved_provider": _approved_provider,
}


def evaluate(programme: Programme, facts: Facts) -> Evaluation:
    """The company's eligibility for the programme, rule by rule."""
    results = tuple(EVALUATORS[rule["fact"]](rule, facts.for_programme(programme)) for rule in programme.rules)
    outcomes = {result.outcome for result in results}
    outcome = NOT_ELIGIBLE if NOT_MET in outcomes else UNKNOWN if UNKNOWN in outcomes else ELIGIBLE
    return Evaluation(programme=programme, outcome=outcome, results=results)


def evaluate_all(programmes: Sequence[Programme], facts: Facts) -> list[Evaluation]:
    """Every programme for one company: eligible first, then unknown, then not eligible."""
    order = {ELIGIBLE: 0, UNKNOWN: 1, NOT_ELIGIBLE: 2}
    found = [evaluate(programme, facts) for programme in programmes]
    return sorted(found, key=lambda e: (order[e.outcome], e.programme.code))


__all__ = [
    "CONDITION",
    "ELIGIBLE",
    "MET",
    "NOT_ELIGIBLE",
    "NOT_MET",
    "UNKNOWN",
    "VOCABULARY",
    "Evaluation",
    "Missing",
    "RuleResult",
    "check_rules",
    "evaluate",
    "evaluate_all",
]
