"""The de minimis regulations as data (``data/de_minimis.json``), and which one applies on a given day."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "de_minimis.json"


def shipped() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["regulations"]
    return rows


def sync(model: Any) -> int:
    """Create the shipped regulations the table lacks; rows a hub has edited are left as they are."""
    made = 0
    for row in shipped():
        _, created = model.objects.get_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "ceiling": Decimal(row["ceiling"]),
                "window_years": row["window_years"],
                "rolling": row["rolling"],
                "in_force_from": date.fromisoformat(row["in_force_from"]),
                "in_force_until": date.fromisoformat(row["in_force_until"]) if row["in_force_until"] else None,
                "excluded_nace": row["excluded_nace"],
                "warn_share": Decimal(row["warn_share"]),
                "general": row["general"],
            },
        )
        made += created
    return made
