"""Score a file of needs against the imported European catalogue: nDCG@10 of the engine (given the text
alone) and of a BM25 baseline, and whether the engine meets its target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moselle.matching import evaluation

TOLERANCE = 0.02
TARGET = 0.80  # nDCG@10 the engine must reach, and
TARGET_RATIO = 3.0  # how many times the BM25 baseline


class Command(BaseCommand):
    help = "Print nDCG@10 of the matching engine and of a BM25 baseline on a file of needs (JSON lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--baseline",
            type=float,
            default=None,
            help=f"The BM25 score this file is known to give (the dev set: 0.23); more than {TOLERANCE} away, "
            "the baseline is reported broken.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        needs = evaluation.load_needs(path)
        hubs = evaluation.catalogue_hubs()
        if not hubs:
            raise CommandError("The European catalogue is not imported: run `manage.py seed` first.")
        baseline = evaluation.evaluate(needs, evaluation.bm25_ranker(hubs))
        engine = evaluation.evaluate(needs, evaluation.engine_ranker(hubs))
        self.stdout.write(f"{path.name}: {len(needs)} needs, {len(hubs)} hubs")
        self.stdout.write(f"  engine         nDCG@10 {engine:.3f}  ({engine / baseline:.1f} x BM25)")
        self.stdout.write(f"  BM25 baseline  nDCG@10 {baseline:.3f}")
        met = engine >= TARGET and engine >= TARGET_RATIO * baseline
        self.stdout.write(
            f"  target nDCG@10 >= {TARGET:.2f} and >= {TARGET_RATIO:g} x BM25: {'met' if met else 'missed'}"
        )
        expected = options["baseline"]
        if expected is not None and abs(baseline - expected) > TOLERANCE:
            self.stdout.write(f"  the BM25 baseline is broken: {baseline:.3f}, expected {expected:.2f} +- {TOLERANCE}")
