"""The programmes of the funding facts file (data/programmes.json, read from data/programmes.csv; see
data/PROVENANCE.md), written once: a programme the hub's staff have since changed is left as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from moselle.funding import actions
from moselle.funding.models import Programme

DATA = Path(__file__).resolve().parent / "data" / "programmes.json"


def planned() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["programmes"]
    return found


def seed_programmes() -> int:
    """Add the programmes not there yet, with their calls; returns how many were added."""
    added = 0
    with transaction.atomic():
        known = set(Programme.objects.values_list("code", flat=True))
        for plan in planned():
            if plan["code"] in known:
                continue
            data = dict(plan)
            calls = data.pop("calls", [])
            programme = actions.programme_create(actor=None, data=data, system=True)
            for call in calls:
                actions.call_create(actor=None, programme=programme, data=call, system=True)
            added += 1
    return added


__all__ = ["planned", "seed_programmes"]
