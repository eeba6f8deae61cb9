"""What every instance starts with: the hub's interpretation texts, from ``data/interpretations.json``.

Only missing texts are added, so a text the hub has rewritten is never overwritten by a later seed."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from moselle.assessments.models import Interpretation

DATA = Path(__file__).resolve().parent / "data" / "interpretations.json"


def seed_interpretations() -> int:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        existing = set(Interpretation.objects.values_list("questionnaire_type", "dimension", "band"))
        for kind, scores in raw.items():
            for score, bands in scores.items():
                dimension = "" if score == "overall" else score
                for band, text in bands.items():
                    if (kind, dimension, band) in existing:
                        continue
                    Interpretation.objects.create(questionnaire_type=kind, dimension=dimension, band=band, text=text)
                    created += 1
    return created
