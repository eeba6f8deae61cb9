"""Grade the held-out matching needs from the hubs' own declarations in the EDIH catalogue export.

Usage (from the repository root)::

    .venv/bin/python benchmarks/make_heldout_grades.py            # check the dev set if present, then write
    .venv/bin/python benchmarks/make_heldout_grades.py --check    # compare only, write nothing

The method is the one of the shared matching evaluation (its README, beside ``matching-dev.jsonl``):

- corpus: the hubs of the catalogue export that have both a description and at least one declared label;
- a need carries, for grading only, ``labels`` (``dimension:label`` in the official vocabulary) and,
  optionally, ``countries``;
- a hub's grade for a need is the LOWEST level (1-5) it declares among the need's labels; a hub that does
  not declare every one of the labels is not relevant; the grade is kept when it is 3 or more, and only
  for hubs in ``countries`` when the need gives them.

No judgement of the text enters the grades: ``relevant`` is recomputed here from ``labels`` and
``countries`` and written back, everything else in the file is kept as it is. The catalogue is read with
the project's own parser (``moselle.organisations.catalogue.parse_edih_export``), which reads each
"Label - level" cell with the regex of the export's PROVENANCE.md and keeps the lower level when a hub
repeats a label.

Before writing, the script recomputes the 20 needs of the shared dev set and compares them with the
``relevant`` published there. That file lives outside the repository (``../shared/eval/`` by default,
``--dev PATH`` otherwise); when it is absent the check is skipped with a message. Nothing else outside the
repository is read.
"""

from __future__ import annotations

import argparse
import atexit
import csv
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "benchmarks" / "data" / "matching-heldout.jsonl"
EXPORT = ROOT / "src" / "moselle" / "organisations" / "data" / "edih-catalogue" / "export-edihs_2025-05-05_redacted.xls"
VOCABULARY = ROOT / "src" / "moselle" / "core" / "data" / "taxonomy" / "edih_vocabularies.csv"
DEV = ROOT.parent / "shared" / "eval" / "matching-dev.jsonl"  # optional, for the reproduction check only

MIN_GRADE = 3  # a hub is relevant when its lowest declared level for the need's labels is at least this
MIN_RELEVANT = 3  # a held-out need must have at least this many relevant hubs
KEYS = ("id", "lang", "text", "labels", "countries", "relevant")  # the order of the dev set's fields
LANGS = ("en", "fr", "de")

sys.path.insert(0, str(ROOT / "src"))

Need = dict[str, Any]  # one line of a needs file


@dataclass(frozen=True)
class Hub:
    ref: str
    country: str  # ISO 3166 code
    levels: dict[tuple[str, str], int]  # (dimension, label) -> declared level


def load_corpus() -> list[Hub]:
    """The hubs of the project's catalogue copy that have both a description and declared labels."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moselle.settings")
    if "MOSELLE_VAR_DIR" not in os.environ:  # settings may create folders there: keep them out of var/
        scratch = tempfile.mkdtemp(prefix="moselle-grades-")
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        os.environ["MOSELLE_VAR_DIR"] = scratch
    import django

    django.setup()
    from moselle.core.tabular import read_table
    from moselle.organisations.catalogue import parse_edih_export

    parsed = parse_edih_export(read_table(EXPORT.read_bytes(), filename=EXPORT.name, check_size=False))
    if parsed.problems:
        raise SystemExit(f"The catalogue export has {len(parsed.problems)} problems; first: {parsed.problems[0]}")
    corpus = [
        Hub(
            ref=hub.ref,
            country=hub.country,
            levels={(label.dimension, label.label): label.level for label in hub.labels},
        )
        for hub in parsed.hubs
        if hub.description.strip() and hub.labels
    ]
    print(
        f"catalogue: {len(parsed.hubs)} hubs, corpus {len(corpus)} with a description and labels; "
        f"{len(parsed.conflicts)} labels repeated with different levels (the lower one kept)"
    )
    return corpus


def load_vocabulary() -> set[tuple[str, str]]:
    with VOCABULARY.open(encoding="utf-8", newline="") as source:
        return {(row["dimension"], row["label"]) for row in csv.DictReader(source)}


def country_codes(values: Iterable[str]) -> set[str]:
    """ISO codes from ``countries``: codes ("FR") as the held-out set writes them, names ("France") as the dev
    set does."""
    from moselle.organisations.countries import KNOWN_CODES, code_for

    codes = set()
    for value in values:
        code = value if value in KNOWN_CODES else code_for(value)
        if not code:
            raise SystemExit(f"Unknown country {value!r}")
        codes.add(code)
    return codes


def parse_labels(need: Need, vocabulary: set[tuple[str, str]] | None) -> list[tuple[str, str]]:
    keys = []
    for entry in need["labels"]:
        dimension, _, label = entry.partition(":")
        if vocabulary is not None and (dimension, label) not in vocabulary:
            raise SystemExit(f"{need['id']}: {entry!r} is not in the official vocabulary")
        keys.append((dimension, label))
    if not 1 <= len(keys) <= 3:
        raise SystemExit(f"{need['id']}: {len(keys)} labels; a need has 1 to 3")
    return keys


def grade(need: Need, corpus: list[Hub], vocabulary: set[tuple[str, str]] | None = None) -> dict[str, int]:
    """hub ref -> grade, sorted by ref, per the method in the module docstring."""
    keys = parse_labels(need, vocabulary)
    countries = country_codes(need.get("countries") or [])
    relevant = {}
    for hub in corpus:
        if countries and hub.country not in countries:
            continue
        if not all(key in hub.levels for key in keys):
            continue
        level = min(hub.levels[key] for key in keys)
        if level >= MIN_GRADE:
            relevant[hub.ref] = level
    return dict(sorted(relevant.items()))


def read_jsonl(path: Path) -> list[Need]:
    with path.open(encoding="utf-8") as source:
        return [json.loads(line) for line in source if line.strip()]


def check_dev(corpus: list[Hub], path: Path) -> bool | None:
    """Recompute the shared dev set and compare; None when the file is absent."""
    if not path.is_file():
        print(f"dev-set check skipped: {path} is absent")
        return None
    needs = read_jsonl(path)
    same = 0
    for need in needs:
        ours = grade(need, corpus)
        theirs = need["relevant"]
        if ours == theirs:
            same += 1
            continue
        differ = sorted(ref for ref in set(ours) | set(theirs) if ours.get(ref) != theirs.get(ref))
        print(
            f"  {need['id']} differs on {len(differ)} hubs: "
            + ", ".join(f"{ref} ours={ours.get(ref)} dev={theirs.get(ref)}" for ref in differ[:10])
        )
    print(f"dev-set check: {same}/{len(needs)} needs reproduced exactly ({path})")
    return same == len(needs)


def ordered(need: Need) -> Need:
    out = {key: need[key] for key in KEYS if key in need}
    out.update({key: value for key, value in need.items() if key not in out})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--dev", type=Path, default=DEV, help="the shared dev set, for the reproduction check")
    parser.add_argument("--check", action="store_true", help="compare the file's relevant with a recomputation")
    args = parser.parse_args()

    corpus = load_corpus()
    vocabulary = load_vocabulary()
    dev_ok = check_dev(corpus, args.dev)

    needs = read_jsonl(args.heldout)
    ids = [need["id"] for need in needs]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate ids in the held-out set")
    short, stale = [], []
    for need in needs:
        if need.get("lang") not in LANGS or not need.get("text", "").strip():
            raise SystemExit(f"{need['id']}: lang must be one of {LANGS} and text non-empty")
        relevant = grade(need, corpus, vocabulary)
        if need.get("relevant") != relevant:
            stale.append(need["id"])
        need["relevant"] = relevant
        if len(relevant) < MIN_RELEVANT:
            short.append(f"{need['id']} ({len(relevant)})")

    counts = [len(need["relevant"]) for need in needs]
    per_lang = {lang: sum(need["lang"] == lang for need in needs) for lang in LANGS}
    placed = sum(bool(need.get("countries")) for need in needs)
    print(
        f"held-out: {len(needs)} needs ({', '.join(f'{lang} {n}' for lang, n in per_lang.items())}), "
        f"{placed} with countries; relevant hubs per need min {min(counts)}, "
        f"median {statistics.median(counts):g}, max {max(counts)}"
    )
    for need, count in zip(needs, counts, strict=True):
        print(
            f"  {need['id']} {need['lang']} {count:4d}  {' + '.join(need['labels'])}"
            + (f"  [{', '.join(need['countries'])}]" if need.get("countries") else "")
        )
    if short:
        print(f"needs with fewer than {MIN_RELEVANT} relevant hubs (rewrite them): {', '.join(short)}")

    if args.check:
        print("check: " + ("relevant is up to date" if not stale else f"relevant differs for {', '.join(stale)}"))
        return 1 if stale or short or dev_ok is False else 0
    with args.heldout.open("w", encoding="utf-8") as target:
        for need in needs:
            target.write(json.dumps(ordered(need), ensure_ascii=False) + "\n")
    print(f"wrote {args.heldout.relative_to(ROOT) if args.heldout.is_relative_to(ROOT) else args.heldout}")
    return 1 if short or dev_ok is False else 0


if __name__ == "__main__":
    sys.exit(main())
