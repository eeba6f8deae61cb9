"""Pages of the catalogue: the public list and an offer's page, the provider's own offers and form, and the
hub's moderation list. Each page reads through ``catalogue.access`` (404 when not allowed) and writes
through an action; an action's refusal is put on the field it names and the page answers 400."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_staff, member_organisation_ids
from moselle.accounts.forms import apply_errors
from moselle.catalogue import actions
from moselle.catalogue.access import (
    can_edit_offer,
    get_offer_for_edit,
    get_offer_for_user,
    get_offer_to_moderate,
    get_provider_for_user,
    published_offers,
    require_catalogue_moderator,
    visible_offers,
)
from moselle.catalogue.forms import (
    ERROR_ALIASES,
    CatalogueFilterForm,
    HubOfferFilterForm,
    ModerationForm,
    OfferForm,
    language_name,
)
from moselle.catalogue.models import Offer
from moselle.catalogue.queries import filter_offers, with_labels
from moselle.organisations.models import Organisation

PAGE_SIZE = 30


def _checked(form: Any) -> dict[str, Any]:
    """The values of a filter form; a bad value is named on its field and left out."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _provider_filter(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """What the page says of a ``?provider=`` filter (a provider's "own page" link): the provider, named
    only when it has a published offer, and the address of the same list for every provider. An unknown
    or unpublished provider, or a value that is no id, shows no offer rather than the whole catalogue."""
    if not request.GET.get("provider", "").strip():
        return {}
    provider_id = values.get("provider")
    offer = (
        published_offers().select_related("provider").filter(provider_id=provider_id).first() if provider_id else None
    )
    everyone = request.GET.copy()
    for name in ("provider", "page"):
        everyone.pop(name, None)
    return {
        "provider": offer.provider if offer else None,
        "provider_unknown": offer is None,
        "every_provider_url": reverse("catalogue_list") + (f"?{everyone.urlencode()}" if everyone else ""),
    }


def catalogue_list(request: HttpRequest) -> HttpResponse:
    """The public catalogue: published offers, searched and filtered, 30 a page; ``?provider=<id>`` keeps
    one provider's offers and names it."""
    form = CatalogueFilterForm(request.GET or None)
    values = _checked(form)
    shown = _provider_filter(request, values)
    offers = published_offers().none() if shown.get("provider_unknown") else published_offers()
    offers = with_labels(filter_offers(offers, values)).order_by("-published_at", "-id")
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "offers": page.object_list, "query": _query(request), **shown}
    if getattr(request, "htmx", False):
        return render(request, "catalogue/partials/list_results.html", context)
    return render(request, "catalogue/list.html", context, status=400 if form.errors else 200)


def _editable_by_provider(offer: Offer) -> bool:
    return offer.status in (Offer.Status.DRAFT, Offer.Status.SUBMITTED)


def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    """An offer as the catalogue shows it; its provider and hub staff also see its status and what to do next."""
    offer = get_offer_for_user(request.user, offer_id)
    staff = is_hub_staff(request.user)
    may_edit = can_edit_offer(request.user, offer) and (staff or _editable_by_provider(offer))
    context = {
        "offer": offer,
        "technologies": list(offer.technologies.order_by("position", "id")),
        "sectors": list(offer.sectors.order_by("position", "id")),
        "languages": [language_name(code) for code in offer.languages],
        "may_see_status": can_edit_offer(request.user, offer),
        "may_edit": may_edit,
        "may_submit": may_edit and offer.status == Offer.Status.DRAFT,
        "moderation": ModerationForm() if staff else None,
    }
    return render(request, "catalogue/detail.html", context)


@login_required
def my_offers(request: HttpRequest) -> HttpResponse:
    """The offers of the organisations the person belongs to, whatever their status, and a way to add one."""
    organisations = list(
        Organisation.objects.filter(
            pk__in=member_organisation_ids(request.user), merged_into__isnull=True, is_historical=False
        ).order_by("name", "id")
    )
    offers = list(
        with_labels(visible_offers(request.user).filter(provider__in=organisations)).order_by(
            "provider__name", "-updated_at", "-id"
        )
    )
    groups = [(o, [offer for offer in offers if offer.provider_id == o.pk]) for o in organisations]
    return render(request, "catalogue/mine.html", {"groups": groups})


def _save(request: HttpRequest, form: OfferForm, write: Any) -> Offer | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        offer: Offer = write(form.action_data())
    except ValidationError as error:
        apply_errors(form, error, ERROR_ALIASES)
        return None
    return offer


@login_required
def offer_create(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """A provider's member (or hub staff) drafts a new offer of the organisation."""
    provider = get_provider_for_user(request.user, organisation_id)
    form = OfferForm(request.POST or None)
    offer = _save(request, form, lambda data: actions.offer_create(actor=request.user, provider=provider, data=data))
    if offer is not None:
        messages.success(request, _("The offer was saved as a draft. Send it to the hub for review when it is ready."))
        return redirect("offer_detail", offer_id=offer.pk)
    context = {"form": form, "provider": provider, "offer": None, "locked": False}
    return render(request, "catalogue/form.html", context, status=400 if form.errors else 200)


@login_required
def offer_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Change an offer: the provider its drafts and offers awaiting review, hub staff any offer."""
    offer = get_offer_for_edit(request.user, offer_id)
    locked = not is_hub_staff(request.user) and not _editable_by_provider(offer)
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(offer))
    if not locked:
        saved = _save(request, form, lambda data: actions.offer_update(actor=request.user, offer=offer, data=data))
        if saved is not None:
            messages.success(request, _("The offer was saved."))
            return redirect("offer_detail", offer_id=saved.pk)
    context = {"form": form, "provider": offer.provider, "offer": offer, "locked": locked}
    status = 400 if form.errors or (locked and request.method == "POST") else 200
    return render(request, "catalogue/form.html", context, status=status)


@login_required
@require_POST
def offer_submit(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The provider sends a draft to the hub for review."""
    offer = get_offer_for_edit(request.user, offer_id)
    try:
        actions.offer_submit(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The offer was sent to the hub for review."))
    return redirect("offer_detail", offer_id=offer.pk)


@login_required
def hub_offer_list(request: HttpRequest) -> HttpResponse:
    """The hub's moderation list: by default the offers awaiting review, oldest request first."""
    require_catalogue_moderator(request.user)
    form = HubOfferFilterForm(request.GET or {"status": Offer.Status.SUBMITTED})
    values = _checked(form)
    offers = with_labels(filter_offers(visible_offers(request.user), values)).order_by(
        "submitted_at", "-updated_at", "id"
    )
    page = Paginator(offers, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "offers": page.object_list, "query": _query(request)}
    return render(request, "catalogue/moderation.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def hub_offer_moderate(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Publish an offer, archive it, or send it back to its provider as a draft with a note."""
    offer = get_offer_to_moderate(request.user, offer_id)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("offer_detail", offer_id=offer.pk)
    try:
        decided = actions.offer_moderate(
            actor=request.user, offer=offer, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The offer is now: %(status)s.") % {"status": decided.get_status_display()})
    return redirect("offer_detail", offer_id=offer.pk)
