"""Duplicates in the registry: candidates with their evidence, a person's decision, and the merge.

The machine only proposes. The same VAT or national register number is decisive evidence; the
same normalised name in the same country, or the same website host, is a hint. A person merges
one organisation into another: everything that pointed to the merged one moves to the kept one,
and the merged row stays (``merged_into``) with its audit history, so old links still resolve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from moselle.core import audit
from moselle.core.models import AuditEntry
from moselle.organisations import normalise, sizeclass
from moselle.organisations.actions import _owns_transitively
from moselle.organisations.models import (
    DuplicateDismissal,
    FinancialYear,
    LegacyLink,
    Organisation,
    OrganisationKind,
    OrganisationMerge,
    OrganisationSector,
    OrganisationService,
    OrganisationTechnology,
    Ownership,
)


@dataclass
class Candidate:
    """Two organisations that may be the same one, and why."""

    first: Organisation
    second: Organisation
    decisive: bool = False
    evidence: list[str] = field(default_factory=list)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def candidate_pool() -> models.QuerySet[Organisation]:
    """Organisations that can be duplicates: live ones, not historical records, not merged already."""
    return Organisation.objects.filter(merged_into__isnull=True, is_historical=False)


def duplicate_candidates(
    organisations: Iterable[Organisation] | None = None, *, focus: int | None = None
) -> list[Candidate]:
    """Pairs that share a decisive identifier or a hint, minus the pairs a person dismissed.

    With ``focus``, only the pairs that include that organisation."""
    pool = list(
        organisations
        if organisations is not None
        else candidate_pool().only(
            "id", "name", "trade_name", "country", "vat", "register_id", "founded_on", "website", "catalogue_ref"
        )
    )
    groups: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
    for organisation in pool:
        if organisation.vat:
            groups[("vat", organisation.vat)].append(organisation)
        if organisation.register_id:
            groups[("register_id", f"{organisation.country}:{organisation.register_id}")].append(organisation)
        for name in {organisation.name, organisation.trade_name} - {""}:
            folded = normalise.name_key(name)
            if folded:
                groups[("name", f"{organisation.country}:{folded}")].append(organisation)
        host = normalise.website_host(organisation.website)
        if host:
            groups[("host", host)].append(organisation)
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id"))
    found: dict[tuple[int, int], Candidate] = {}
    for (kind, value), members in groups.items():
        unique = {m.pk: m for m in members}
        if len(unique) < 2:
            continue
        ordered = sorted(unique.values(), key=lambda m: m.pk)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                key = _pair(first.pk, second.pk)
                if key in dismissed or (focus is not None and focus not in key):
                    continue
                if first.catalogue_ref.startswith("edih-") and second.catalogue_ref.startswith("edih-"):
                    # Two rows of the European catalogue are two hubs by the Commission's own record
                    # (some are listed twice on purpose, some share a website); not proposed.
                    continue
                candidate = found.setdefault(key, Candidate(first=first, second=second))
                shown = value.split(":", 1)[-1]
                if kind == "vat":
                    candidate.decisive = True
                    candidate.evidence.append(_("same VAT number %(value)s") % {"value": shown})
                elif kind == "register_id":
                    candidate.decisive = True
                    candidate.evidence.append(_("same national register number %(value)s") % {"value": shown})
                elif kind == "name":
                    text = _("same name in the same country (%(value)s)") % {"value": shown}
                    if text not in candidate.evidence:
                        candidate.evidence.append(text)
                else:
                    candidate.evidence.append(_("same website host %(value)s") % {"value": shown})
    return sorted(found.values(), key=lambda c: (not c.decisive, -len(c.evidence), c.first.pk, c.second.pk))


def duplicate_dismiss(*, actor: Any, first: Organisation, second: Organisation, reason: str = "") -> DuplicateDismissal:
    """Record that two organisations are different; the pair is no longer proposed."""
    if first.pk == second.pk:
        raise ValidationError({"second": _("Choose two different organisations.")})
    low, high = _pair(first.pk, second.pk)
    with transaction.atomic():
        row, _made = DuplicateDismissal.objects.get_or_create(
            first_id=low,
            second_id=high,
            defaults={"reason": " ".join(reason.split())[:300], "decided_by": _user(actor)},
        )
        audit.record(actor=actor, action="duplicate.dismiss", target=row, organisation_id=low)
    return row


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) and not getattr(actor, "token_role", None) else None


# Fields whose values are only valid in the organisation's country.
_COUNTRY_BOUND = frozenset({"region", "register_id", "vat"})
# Relations handled one by one because a row of the merged organisation may clash with one of the kept.
# Apps whose rows derive something from the organisation they point to (e.g. an offer's search text and
# the catalogue's version) register here; each is called with the kept organisation, inside the merge's
# transaction, after every relation has moved.
AfterMerge = Any
_after_merge: list[AfterMerge] = []


def register_after_merge(callback: AfterMerge) -> None:
    if callback not in _after_merge:
        _after_merge.append(callback)


_HANDLED = {
    (OrganisationKind, "organisation"),
    (OrganisationTechnology, "organisation"),
    (OrganisationService, "organisation"),
    (OrganisationSector, "organisation"),
    (FinancialYear, "organisation"),
    (Ownership, "owner"),
    (Ownership, "owned"),
    (DuplicateDismissal, "first"),
    (DuplicateDismissal, "second"),
    (LegacyLink, "legacy"),
    (LegacyLink, "hub"),
    (Organisation, "merged_into"),
    (OrganisationMerge, "kept"),
    (OrganisationMerge, "merged"),
    (AuditEntry, "organisation"),  # the history stays with the organisation it happened to
}
# Unique rows: the kept organisation's row wins; the merged one's is recorded in the merge.
_KEYED: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (OrganisationTechnology, "organisation", ("technology_id", "role")),
    (OrganisationService, "organisation", ("service_id",)),
    (OrganisationSector, "organisation", ("sector_id",)),
    (FinancialYear, "organisation", ("year",)),
    (LegacyLink, "hub", ("legacy_id",)),
    (LegacyLink, "legacy", ("hub_id",)),
]


def _move_keyed(
    model: type[models.Model],
    fk: str,
    key: tuple[str, ...],
    kept: Organisation,
    merged: Organisation,
    report: dict[str, Any],
) -> None:
    manager = model._default_manager
    held = {tuple(getattr(row, k) for k in key) for row in manager.filter(**{fk: kept})}
    moved = dropped = 0
    kept_back: list[dict[str, Any]] = []
    for row in manager.filter(**{fk: merged}):
        if tuple(getattr(row, k) for k in key) in held:
            kept_back.append(audit.snapshot(row))
            row.delete()
            dropped += 1
        else:
            setattr(row, fk, kept)
            row.save()
            moved += 1
    name = f"{model._meta.label_lower}.{fk}"
    if moved:
        report["moved"][name] = moved
    if dropped:
        report["dropped"][name] = kept_back


def organisation_merge(*, actor: Any, kept: Organisation, merged: Organisation) -> OrganisationMerge:
    """Merge ``merged`` into ``kept``: everything that pointed to ``merged`` now points to ``kept``.

    The kept organisation's values win; its empty fields take the merged one's. Where both have a
    row that can exist only once (the same financial year, the same technology), the kept row stays
    and the merged row is recorded in the merge."""
    if kept.pk == merged.pk:
        raise ValidationError({"merged": _("Choose two different organisations.")})
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError({"merged": _("One of the two was already merged into another organisation.")})
    if hasattr(merged, "hub_profile"):
        raise ValidationError({"merged": _("This instance's own hub cannot be merged away; merge the other into it.")})
    try:
        return _merge(actor, kept, merged)
    except Exception:
        # Everything was rolled back; the instances the caller holds must not keep the filled fields.
        if not transaction.get_connection().needs_rollback:
            kept.refresh_from_db()
            merged.refresh_from_db()
        raise


def _merge(actor: Any, kept: Organisation, merged: Organisation) -> OrganisationMerge:
    with transaction.atomic():
        locked = list(Organisation.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk"))
        if len(locked) != 2 or any(o.merged_into_id for o in locked):
            raise ValidationError({"merged": _("One of the two was already merged into another organisation.")})
        # Work from the rows as they are now, not as the caller loaded them a while ago.
        kept.refresh_from_db()
        merged.refresh_from_db()
        report: dict[str, Any] = {"moved": {}, "dropped": {}, "filled": []}
        state = {**audit.snapshot(merged), "kinds": sorted(merged.kind_rows.values_list("kind", flat=True))}
        before_kept = audit.snapshot(kept)
        for name in (
            "trade_name",
            "region",
            "street",
            "postcode",
            "locality",
            "address",
            "website",
            "description",
            "register_id",
            "vat",
            "founded_on",
            "pic",
            "ec_customer_id",
            "ec_dma_id",
            "primary_nace_id",
        ):
            if name in _COUNTRY_BOUND and kept.country != merged.country:
                continue  # a French VAT number or NUTS region cannot describe a Luxembourg company
            if not getattr(kept, name) and getattr(merged, name):
                setattr(kept, name, getattr(merged, name))
                report["filled"].append(name)
        if not kept.working_languages and merged.working_languages:
            kept.working_languages = merged.working_languages
            report["filled"].append("working_languages")
        kept.save()
        kinds = set(kept.kind_rows.values_list("kind", flat=True))
        OrganisationKind.objects.bulk_create(
            [OrganisationKind(organisation=kept, kind=k) for k in state["kinds"] if k not in kinds]
        )
        OrganisationKind.objects.filter(organisation=merged).delete()
        kept.nace_codes.add(*merged.nace_codes.all())
        merged.nace_codes.clear()
        for model, fk, key in _KEYED:
            _move_keyed(model, fk, key, kept, merged, report)
        _move_ownership(kept, merged, report)
        DuplicateDismissal.objects.filter(Q(first=merged) | Q(second=merged)).delete()
        Organisation.objects.filter(merged_into=merged).update(merged_into=kept)
        for relation in _pointing_relations():
            related_model = relation.related_model
            fk_name = relation.field.name
            if (related_model, fk_name) in _HANDLED:
                continue
            try:
                with transaction.atomic():
                    moved = related_model._default_manager.filter(**{fk_name: merged}).update(**{fk_name: kept})
            except IntegrityError:
                raise ValidationError(
                    {
                        "merged": _("Both organisations hold the same %(what)s; resolve that first.")
                        % {"what": related_model._meta.verbose_name}
                    }
                ) from None
            if moved:
                report["moved"][f"{related_model._meta.label_lower}.{fk_name}"] = moved
        _move_many_to_many(kept, merged, report)
        merged.merged_into = kept
        merged.save(update_fields=["merged_into", "updated_at"])
        sizeclass.refresh([kept.pk])
        for callback in _after_merge:
            callback(kept)
        merge = OrganisationMerge.objects.create(
            kept=kept, merged=merged, merged_by=_user(actor), moved=report, merged_state=state
        )
        audit.record(actor=actor, action="organisation.merge", target=kept, before=before_kept, organisation_id=kept.pk)
        audit.record(
            actor=actor,
            action="organisation.merged_into",
            target=merged,
            before={"merged_into": None},
            organisation_id=merged.pk,
        )
    return merge


def _pointing_relations() -> list[Any]:
    """Every foreign key from another model to Organisation, including those declared with
    ``related_name="+"`` (invitations, API tokens), which ``_meta.related_objects`` leaves out."""
    relations = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.one_to_many):
            continue
        related_model = relation.related_model
        if not (isinstance(related_model, type) and issubclass(related_model, models.Model)):
            continue
        if related_model._meta.auto_created:
            continue  # the tables behind many-to-many fields are handled with their field
        relations.append(relation)
    return relations


def _move_many_to_many(kept: Organisation, merged: Organisation, report: dict[str, Any]) -> None:
    """Other models' many-to-many links to the merged organisation (a corridor's partner hubs, an event's
    partners) move to the kept one; where a row already links the kept one, the duplicate goes."""
    for model in apps.get_models():
        for link in model._meta.local_many_to_many:
            if link.related_model is not Organisation or model is Organisation:
                continue
            through = link.remote_field.through
            if through is None or not through._meta.auto_created:
                continue
            source, target = link.m2m_column_name(), link.m2m_reverse_name()
            rows = through._default_manager
            holders = set(rows.filter(**{target: kept.pk}).values_list(source, flat=True))
            rows.filter(**{target: merged.pk, f"{source}__in": holders}).delete()
            moved = rows.filter(**{target: merged.pk}).update(**{target: kept.pk})
            if moved:
                report["moved"][f"{model._meta.label_lower}.{link.name}"] = moved


def _move_ownership(kept: Organisation, merged: Organisation, report: dict[str, Any]) -> None:
    """Holdings of and in the merged organisation move to the kept one; a holding between the two
    disappears (an organisation does not hold itself) and totals must stay at most 100 %."""
    between = Ownership.objects.filter(Q(owner=merged, owned=kept) | Q(owner=kept, owned=merged))
    if between.exists():
        report["dropped"]["organisations.ownership.between"] = [audit.snapshot(r) for r in between]
        between.delete()
    for fk, other in (("owner", "owned"), ("owned", "owner")):
        _move_keyed(Ownership, fk, (f"{other}_id", "kind"), kept, merged, report)
    for owner_id in Ownership.objects.filter(owned=kept).values_list("owner_id", flat=True):
        if _owns_transitively(kept.pk, owner_id):
            raise ValidationError(
                {
                    "merged": _(
                        "After the merge %(name)s would hold itself through others; correct the holdings first."
                    )
                    % {"name": kept.name}
                }
            )
    for kind in Ownership.HoldingKind.values:
        total = Ownership.objects.filter(owned=kept, kind=kind).aggregate(total=Sum("percent"))["total"]
        if total is not None and total > 100:
            raise ValidationError(
                {
                    "merged": _(
                        "After the merge the holdings in %(name)s would total %(total)s %%; correct them first."
                    )
                    % {"name": kept.name, "total": total}
                }
            )
