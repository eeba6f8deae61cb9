"""The "Find help" pages: a need in, the offers, providers and hubs that meet it out, grouped by kind, each
with the facts that make it a match; and one result explained for that need.

The need travels in the address (a GET form), so a search can be bookmarked, shared and opened again.
The engine checks it (``engine.clean_need``) and names each bad field; the page puts the message on the
field and answers 400. What a person may see is the engine's business (``matching/access.py``): a result
they may not see is a 404, like an unknown kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.accounts.forms import apply_errors
from moselle.catalogue.forms import language_name
from moselle.catalogue.models import Offer
from moselle.core.i18n import pick
from moselle.matching import engine, reasons, registry, text, understanding
from moselle.matching.engine import Answer, Need, Result
from moselle.matching.forms import FindForm, signed_in_kinds
from moselle.matching.registry import Item
from moselle.organisations.models import Organisation
from moselle.organisations.sme import SME_CLASSES

RESULTS_PER_KIND = 10  # of each kind, until the person asks for more of one (up to engine.RESULT_LIMIT)


# --- What a page shows of a result -------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One result as a person reads it, in the active language."""

    kind: str
    kind_name: str  # "Offer"
    id: int
    title: str
    subtitle: str
    provider: str
    reasons: list[str]
    url: str  # this result's page, for the same need
    page: str  # the item's own page


@dataclass(frozen=True)
class Group:
    kind: str
    name: str  # "Offers"
    cards: list[Card]
    capped: bool  # more of the kind were found than the page shows
    more_url: str = ""  # the same search for this kind only, with more of them

    @property
    def more(self) -> str:
        """The words of the link to ``more_url``: "Show up to 50 offers"."""
        return _("Show up to %(count)d %(kinds)s") % {
            "count": engine.RESULT_LIMIT,
            "kinds": engine.kind_label(self.kind, plural=True),
        }

    @property
    def heading(self) -> str:
        """The group's name and count, "Offers (3)", or "Offers: the 10 best matches" when more were found
        than the page shows: the count is then the page's cap, not what was found."""
        if self.capped:
            return _("%(kinds)s: the %(count)d best matches") % {"kinds": self.name, "count": len(self.cards)}
        return f"{self.name} ({len(self.cards)})"


def subtitle_of(item: Item) -> str:
    """The short fact under a result's title: an offer's kind, a hub's catalogue status, a provider's kinds, or
    what another app's source says of its code (its ``subtitle(code)``)."""
    if item.kind == "offer":
        return str(dict(Offer.Kind.choices).get(item.subtitle, item.subtitle))
    if item.kind == "hub":
        return str(dict(Organisation.CatalogueKind.choices).get(item.subtitle, item.subtitle))
    if item.kind == "provider":
        kinds = dict(Organisation.Kind.choices)
        return ", ".join(str(kinds.get(code, code)) for code in item.subtitle.split(",") if code)
    source = registry.source(item.kind)  # another app's kind says its own codes (a programme's instrument)
    words = getattr(source, "subtitle", None)
    return str(words(item.subtitle)) if callable(words) else str(item.subtitle)


def result_url(kind: str, item_id: int, query: str) -> str:
    url = reverse("find_result", args=[kind, item_id])
    return f"{url}?{query}" if query else url


def card_for(result: Result, query: str) -> Card:
    item = result.item
    return Card(
        kind=item.kind,
        kind_name=capfirst(str(engine.kind_label(item.kind))),
        id=item.id,
        title=pick(dict(item.title)) or f"{item.kind} {item.id}",
        subtitle=subtitle_of(item),
        provider=item.provider,
        reasons=[reason.text() for reason in result.reasons],
        url=result_url(item.kind, item.id, query),
        page=item.url,
    )


def more_url(query: str, kind: str) -> str:
    """The same need, this kind only, as many as the engine gives."""
    data = QueryDict(query, mutable=True)
    data.setlist("kinds", [kind])
    data["limit"] = str(engine.RESULT_LIMIT)
    return f"{reverse('find_help')}?{data.urlencode()}"


def groups_of(answer: Answer, query: str, limit: int = RESULTS_PER_KIND) -> list[Group]:
    """The results of each kind, at most ``limit`` of them. The answer holds one more of a kind when there
    are more (``find_help`` asks for one more than it shows), except at the engine's own limit, where the
    page says "the 50 best" without knowing whether there are more."""
    groups = []
    for kind, results in answer.by_kind.items():
        if not results:
            continue
        capped = len(results) > limit or len(results) >= engine.RESULT_LIMIT
        groups.append(
            Group(
                kind=kind,
                name=capfirst(str(engine.kind_label(kind, plural=True))),
                cards=[card_for(result, query) for result in results[:limit]],
                capped=capped,
                more_url=more_url(query, kind) if capped and limit < engine.RESULT_LIMIT else "",
            )
        )
    return groups


def shown_per_kind(data: QueryDict) -> int:
    """How many of each kind the page shows: ten, or up to the engine's limit after "show more"; a value
    that is no number is the default (it is no part of the need, so no error)."""
    try:
        asked = int(data.get("limit") or RESULTS_PER_KIND)
    except ValueError:
        return RESULTS_PER_KIND
    return max(RESULTS_PER_KIND, min(asked, engine.RESULT_LIMIT))


def _countries(codes: Iterable[str]) -> str:
    language = (get_language() or "en")[:2]
    return ", ".join(sorted(understanding.country_name(code, language) for code in codes))


def understood_of(answer: Answer) -> list[tuple[str, list[str]]]:
    """What the text was read as: each catalogue label with the words that pointed to it (but for words
    that only repeat its name: "Cybersecurity", not "Cybersecurity (cybersecurity)"), then each place
    named, in the language's quotation marks, with the countries it covers."""
    language = (get_language() or "en")[:2]
    shown = []
    for label, words in answer.understood.items():
        if words:  # a label chosen in the form, not read in the text, is shown by the form itself
            dimension, name = label.split(":", 1)
            label_name = reasons.label_name(dimension, name)
            same = {text.fold(label_name), text.fold(name)}
            shown.append((label_name, [word for word in words if text.fold(word) not in same]))
    for name, codes in answer.places:
        shown.append((reasons._quoted([name], language), [_countries(codes)]))
    return shown


def _price(item: Item) -> str:
    if item.price_kind == "free":
        return _("free of charge")
    if item.price_kind == "subsidised":
        return _("subsidised")
    if item.price_min is not None:
        return _("from %(price)s €") % {"price": number_format(item.price_min, 0, force_grouping=True)}
    return _("not stated")


def facts_of(item: Item) -> list[tuple[str, str]]:
    """The facts of a result the need is checked against, as term and value."""
    facts = [(_("Kind"), capfirst(str(engine.kind_label(item.kind))))]
    if item.subtitle:
        facts.append((_("Described as"), subtitle_of(item)))
    if item.provider:
        facts.append((_("Provider"), item.provider))
    if item.country:
        facts.append((_("Based in"), _countries([item.country])))
    facts.append((_("Serves"), _countries(item.serves) or _("any country")))
    languages = sorted(language_name(code) for code in item.languages)
    facts.append((_("Languages"), ", ".join(languages) or _("not stated")))
    if item.kind == "offer" or item.price_kind:
        facts.append((_("Price"), _price(item)))
    who = _("SMEs only") if item.smes_only else _("any organisation")
    if item.eligible:
        who = _("%(who)s, from %(countries)s") % {"who": who, "countries": _countries(item.eligible)}
    facts.append((_("Who may use it"), who))
    return facts


# --- Reading the need --------------------------------------------------------------------------------------


def company_is_sme(user: Any) -> str:
    """``"yes"`` when a company the person belongs to is an SME, ``"no"`` when every such company's size
    class is known and none is, ``""`` otherwise (hub staff, providers, no figures yet)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    classes = list(
        Organisation.objects.filter(
            pk__in=member_organisation_ids(user), kind_rows__kind=Organisation.Kind.COMPANY, merged_into__isnull=True
        ).values_list("size_class", flat=True)
    )
    if any(size_class in SME_CLASSES for size_class in classes):
        return "yes"
    if classes and all(size_class not in ("", "unknown") for size_class in classes):
        return "no"
    return ""


def company_country(user: Any) -> str:
    """The country of the companies the person belongs to, when they all are in one; "" otherwise. What
    serves it comes first among equals (a preference, not a condition)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    countries = set(
        Organisation.objects.filter(
            pk__in=member_organisation_ids(user), kind_rows__kind=Organisation.Kind.COMPANY, merged_into__isnull=True
        ).values_list("country", flat=True)
    )
    return countries.pop() if len(countries) == 1 else ""


def _query(data: QueryDict) -> str:
    kept = data.copy()
    kept.pop("page", None)
    return kept.urlencode()


def read_need(request: HttpRequest) -> tuple[FindForm, Need | None, str]:
    """The form, the need it holds (None when there is none or it is refused, the errors then on the form),
    and the query that carries it. A search that does not say whether the company is an SME takes the
    answer from the person's company, and the company's country as a preference."""
    data = request.GET.copy()
    signed_in = bool(getattr(request.user, "is_authenticated", False))
    if data and "sme" not in data and (company := company_is_sme(request.user)):
        data["sme"] = company
    if not data:
        return FindForm(initial={"sme": company_is_sme(request.user)}, signed_in=signed_in), None, ""
    form = FindForm(data, signed_in=signed_in)
    if not form.is_valid():
        return form, None, _query(data)
    try:
        need = engine.clean_need(form.need_data())
    except ValidationError as error:
        apply_errors(form, error)
        return form, None, _query(data)
    if not need.near and (home := company_country(request.user)):
        need = dataclasses.replace(need, near=home)
    return form, need, _query(data)


# --- The pages ---------------------------------------------------------------------------------------------


def find_help(request: HttpRequest) -> HttpResponse:
    """Search everything the person may see for a need, results grouped by kind with their reasons."""
    form, need, query = read_need(request)
    shown = shown_per_kind(request.GET)
    # One more than is shown, so that a group can say whether there were more.
    answer = engine.search(need, user=request.user, limit=shown + 1) if need is not None else None
    return _find_page(request, form, answer, query, shown)


def _find_page(
    request: HttpRequest, form: FindForm, answer: Answer | None, query: str, shown: int = RESULTS_PER_KIND
) -> HttpResponse:
    facets = [name for name in form.fields if name not in ("text", "sme")]
    signed_in = bool(getattr(request.user, "is_authenticated", False))
    context = {
        "form": form,
        "answer": answer,
        # Only kinds shown to signed-in people were asked for: say so rather than "nothing matches".
        "signed_in_kinds_only": bool(
            answer and not signed_in and answer.need.kinds and set(answer.need.kinds) <= signed_in_kinds()
        ),
        "groups": groups_of(answer, query, shown) if answer else [],
        "understood": understood_of(answer) if answer else [],
        # The conditions stay folded away unless one is set or refused.
        "facets_open": any(form[name].value() for name in facets) or any(n != "text" for n in form.errors),
    }
    return render(request, "matching/find.html", context, status=400 if form.errors else 200)


def find_result(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    """One result for the need in the address: why it matches, its facts, and the way to its own page."""
    if kind not in registry.kinds():
        raise Http404
    form, need, query = read_need(request)
    if form.errors:
        return _find_page(request, form, None, query)
    result = engine.explain(need or Need(), kind, item_id, user=request.user)
    if result is None:
        raise Http404
    context = {
        "card": card_for(result, query),
        "facts": facts_of(result.item),
        "need": need,
        "back": reverse("find_help") + (f"?{query}" if query else ""),
        "referrals": referral_links(request.user, result.item),
    }
    return render(request, "matching/result.html", context)


REFERABLE = {"offer": "offer", "provider": "recipient", "hub": "recipient"}  # what a referral names, by kind


def referral_links(user: Any, item: Any) -> list[tuple[str, str]]:
    """For a member of a company: the way to ask the hub to refer it to this offer or provider, one link per
    company the person belongs to. Hub staff refer from a case or a roadmap, where the company is known."""
    parameter = REFERABLE.get(item.kind)
    if parameter is None or not getattr(user, "is_authenticated", False) or is_hub_staff(user):
        return []
    companies = (
        Organisation.objects.filter(pk__in=member_organisation_ids(user), kind_rows__kind=Organisation.Kind.COMPANY)
        .distinct()
        .order_by("name", "id")
    )
    url = reverse("referral_create")
    return [
        (str(company), f"{url}?{urlencode({'organisation': company.pk, parameter: item.id})}") for company in companies
    ]
