"""The evaluation's parts: folding, BM25, nDCG@10 and the corpus read from the imported catalogue."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from moselle.matching import bm25, evaluation, text, understanding


def test_it_folds_accents_case_and_sharp_s() -> None:
    assert text.words("Données, Übersicht & STRAẞE!") == ["donnees", "ubersicht", "strasse"]


def test_bm25_prefers_the_document_with_the_rarer_word() -> None:
    index = bm25.BM25([["robot", "welding"], ["robot", "farm"], ["farm", "cows"]])
    assert index.score(["welding"], 0) > index.score(["welding"], 1) == 0
    assert index.score(["robot", "welding"], 0) > index.score(["robot", "welding"], 1) > 0


def test_ndcg_is_one_for_the_ideal_order_and_less_otherwise() -> None:
    relevant = {"a": 5, "b": 3}
    assert evaluation.ndcg_at(["a", "b", "c"], relevant) == 1.0
    swapped = evaluation.ndcg_at(["b", "a"], relevant)
    ideal = 31 + 7 / math.log2(3)
    assert swapped == pytest.approx((7 + 31 / math.log2(3)) / ideal)
    assert evaluation.ndcg_at(["c"], relevant) == 0.0
    assert evaluation.ndcg_at(["a"], {}) == 0.0


def test_it_reads_labels_and_places_in_three_languages() -> None:
    reading = understanding.read("Cybersecurity for a bakery in Luxembourg")
    assert "technology:Cybersecurity" in reading.labels
    french = understanding.read("Cybersecurity pour une boulangerie au Luxembourg")
    assert "technology:Cybersecurity" in french.labels


def _hub(ref: str, country: str, description: str, **labels: int) -> Any:
    from moselle.core.models_taxonomy import Technology
    from moselle.organisations.models import Organisation, OrganisationTechnology

    hub = Organisation.objects.create(name=ref, country=country, description=description, catalogue_ref=ref)
    for name, level in labels.items():
        technology, _new = Technology.objects.get_or_create(
            name=name.replace("_", " "), defaults={"label": {"en": name}}
        )
        OrganisationTechnology.objects.create(organisation=hub, technology=technology, role="offer", level=level)
    return hub


@pytest.mark.django_db
def test_the_command_scores_a_file_against_the_imported_hubs(tmp_path: Path) -> None:
    _hub("edih-1", "LU", "We help with robots and welding cells.", Robotics=5)
    _hub("edih-2", "FR", "Cybersécurité pour les PME.", Cybersecurity=4)
    _hub("edih-3", "DE", "", Robotics=5)  # no description: outside the corpus
    needs = tmp_path / "needs.jsonl"
    needs.write_text(
        json.dumps({"id": "n1", "lang": "en", "text": "A welding robot", "relevant": {"edih-1": 5}}) + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("matching_eval", str(needs), stdout=out)
    printed = out.getvalue()
    assert "1 needs, 2 hubs" in printed
    assert "BM25 baseline  nDCG@10 1.000" in printed and "engine         nDCG@10 1.000" in printed
    assert "broken" not in printed
    # 1.000, but not three times a baseline that is 1.000 too: the target is missed.
    assert "target nDCG@10 >= 0.80 and >= 3 x BM25: missed" in printed
    out = io.StringIO()
    call_command("matching_eval", str(needs), "--baseline", "0.23", stdout=out)
    assert "the BM25 baseline is broken: 1.000, expected 0.23" in out.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("matching_eval", str(tmp_path / "missing.jsonl"))
