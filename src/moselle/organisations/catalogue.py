"""The European EDIH catalogue export, read into hubs and their labels without touching the database.

The export is the "Download Data" file of the EDIH catalogue (see ``data/edih-catalogue/PROVENANCE.md``):
one row per hub, its sectors, services and technologies written in one cell per dimension as
"Label - level, Label - level". Reading it is kept apart from importing it, so the counts and the quirks
of a new export can be checked, and shown to the hub, before anything is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from moselle.core.tabular import Problem, Row, Table
from moselle.organisations import normalise
from moselle.organisations.countries import code_for

NAME = "EDIH Name"
TITLE = "EDIH Title"
DESCRIPTION = "Description (indexed field)"
COUNTRY = "Country"
ADDRESS = "Contact Location"
KIND = "EDIH/SoE"
WEBSITE = "Website"
SECTORS = "Formatted sectors"
SERVICES = "Formatted services"
TECHNOLOGIES = "Formatted technologies"
REQUIRED_COLUMNS = (NAME, TITLE, DESCRIPTION, COUNTRY, ADDRESS, KIND, WEBSITE, SECTORS, SERVICES, TECHNOLOGIES)

Dimension = Literal["sector", "service", "technology"]
LABEL_COLUMNS: tuple[tuple[Dimension, str], ...] = (
    ("sector", SECTORS),
    ("service", SERVICES),
    ("technology", TECHNOLOGIES),
)

# "EDIH": funded by the DIGITAL programme; "Seal of Excellence": selected but not funded by it; "DIH": a hub
# listed in the catalogue outside the network.
KINDS = {"edih": "EDIH", "seal of excellence": "Seal of Excellence", "dih": "DIH"}

# The regex of PROVENANCE.md, anchored with \Z rather than $ so a stray final line break is not accepted.
# The lazy label stops at the first " - <digit>" followed by ", " or the end, so labels holding commas
# ("Retail, wholesale or distribution") or " - " ("New technologies for Audio-Visual sector - Media")
# are read whole.
LABEL_PATTERN = re.compile(r"(.+?) - (\d)(?:, |\Z)")
LEVELS = range(1, 6)

# See description_looks_truncated.
TRUNCATION_LENGTH = 1990
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSING = " \t\r\n\u00a0\u200b\"'\u201d\u2019\u00bb)]"


@dataclass(frozen=True)
class Label:
    """One sector, service or technology a hub declares, with the level (1 to 5) it gives itself."""

    dimension: Dimension
    label: str
    level: int


@dataclass(frozen=True)
class CatalogueHub:
    """One row of the export: a hub as the catalogue describes it, with the keys used to match it."""

    ref: str  # "edih-NNN": the row's rank among the data rows, as hub_id in the CSV beside the export
    line: int
    name: str
    title: str
    description: str
    country_name: str
    country: str  # ISO 3166 code, "" when the name is unknown
    address: str
    kind: str  # "EDIH", "Seal of Excellence", "DIH", or "" when the cell says something else
    website: str  # "" when the cell is empty or holds the bare word "Website"
    website_host: str
    name_key: str
    description_truncated: bool
    labels: list[Label]


@dataclass(frozen=True)
class Repeat:
    """A label a hub declares more than once in the same dimension, with every level it gave."""

    ref: str
    name: str
    dimension: Dimension
    label: str
    levels: tuple[int, ...]

    @property
    def conflict(self) -> bool:
        return len(set(self.levels)) > 1

    @property
    def kept_level(self) -> int:
        """The lower level: a hub unsure of its own level is taken at its more modest claim."""
        return min(self.levels)


@dataclass(frozen=True)
class CatalogueParse:
    """Every hub of the export, the repeated labels, and what could not be read."""

    hubs: list[CatalogueHub]
    repeats: list[Repeat]
    conflicts: list[Repeat]  # the repeats whose levels differ
    problems: list[Problem]


def parse_edih_export(table: Table) -> CatalogueParse:
    """Read the EDIH catalogue export; refuse it when a column is missing, report row problems otherwise.

    Every data row gives a hub, even one with problems, so that refs follow the row order.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in table.headers]
    if missing:
        raise ValidationError(
            {
                "file": _("This is not the EDIH catalogue export: the columns %(columns)s are missing.")
                % {"columns": ", ".join(f"“{column}”" for column in missing)}
            }
        )
    hubs: list[CatalogueHub] = []
    repeats: list[Repeat] = []
    problems: list[Problem] = list(table.problems)
    for rank, row in enumerate(table.rows, start=1):
        hub, hub_repeats = _hub(f"edih-{rank:03d}", row, problems)
        hubs.append(hub)
        repeats.extend(hub_repeats)
    problems.sort(key=lambda problem: problem.line)
    conflicts = [repeat for repeat in repeats if repeat.conflict]
    return CatalogueParse(hubs=hubs, repeats=repeats, conflicts=conflicts, problems=problems)


def description_looks_truncated(description: str) -> bool:
    """Whether a description seems cut off by the catalogue.

    Many descriptions stop near 2,000 characters, the catalogue's limit, some in the middle of a word. The
    guess: at least 1,990 characters, and the text does not end a sentence (., !, ?, …), once closing
    quotes, brackets and invisible spaces are set aside. It is a guess both ways: a hub that filled the
    field exactly may have ended on a full stop, and some longer descriptions (up to 8,000 characters in
    the 2025 export) end on a list item or a web address without being cut.
    """
    text = description.rstrip(_CLOSING)
    return len(description) >= TRUNCATION_LENGTH and not text.endswith(_SENTENCE_ENDS)


def _hub(ref: str, row: Row, problems: list[Problem]) -> tuple[CatalogueHub, list[Repeat]]:
    values = row.values
    name = values[NAME]
    if not name:
        problems.append(Problem(line=row.line, column=NAME, reason=_("The hub has no name.")))
    country_name = values[COUNTRY]
    country = code_for(country_name)
    if not country:
        problems.append(
            Problem(
                line=row.line,
                column=COUNTRY,
                reason=_("Unknown country “%(country)s”.") % {"country": country_name},
            )
        )
    kind = KINDS.get(values[KIND].casefold(), "")
    if not kind:
        problems.append(
            Problem(
                line=row.line,
                column=KIND,
                reason=_("Unknown kind of hub “%(kind)s”; expected EDIH, Seal of Excellence or DIH.")
                % {"kind": values[KIND]},
            )
        )
    website = values[WEBSITE]
    if website.casefold() == "website":  # the link text of the catalogue page, the address itself lost
        website = ""
    labels, repeats = _labels(ref, name, row, problems)
    hub = CatalogueHub(
        ref=ref,
        line=row.line,
        name=name,
        title=values[TITLE],
        description=values[DESCRIPTION],
        country_name=country_name,
        country=country,
        address=values[ADDRESS],
        kind=kind,
        website=website,
        website_host=normalise.website_host(website),
        name_key=normalise.name_key(name),
        description_truncated=description_looks_truncated(values[DESCRIPTION]),
        labels=labels,
    )
    return hub, repeats


def _labels(ref: str, name: str, row: Row, problems: list[Problem]) -> tuple[list[Label], list[Repeat]]:
    """The hub's labels in the order written, each once; a repeated label keeps its lower level."""
    levels: dict[tuple[Dimension, str], list[int]] = defaultdict(list)
    for dimension, column in LABEL_COLUMNS:
        pairs, reason = split_labels(row.values[column])
        if reason:
            problems.append(Problem(line=row.line, column=column, reason=reason))
            continue
        for label, level in pairs:
            levels[(dimension, label)].append(level)
    labels = [Label(dimension=dimension, label=label, level=min(seen)) for (dimension, label), seen in levels.items()]
    repeats = [
        Repeat(ref=ref, name=name, dimension=dimension, label=label, levels=tuple(seen))
        for (dimension, label), seen in levels.items()
        if len(seen) > 1
    ]
    return labels, repeats


def split_labels(cell: str) -> tuple[list[tuple[str, int]], str]:
    """The (label, level) pairs of one "Formatted …" cell, or no pairs and the reason it cannot be read.

    A cell that does not read whole gives no labels at all: half a cell read is easily half wrong.
    """
    pairs: list[tuple[str, int]] = []
    position = 0
    while position < len(cell):
        match = LABEL_PATTERN.match(cell, position)
        if match is None:
            return [], _(
                "Cannot read the labels from “%(text)s”: each label must be written “Label - level”, "
                "separated by commas."
            ) % {"text": cell[position:]}
        label, level = match.group(1).strip(), int(match.group(2))
        if not label:
            return [], _("A label has no name before “ - %(level)s”.") % {"level": level}
        if level not in LEVELS:
            return [], _("The level of “%(label)s” is %(level)s; levels go from 1 to 5.") % {
                "label": label,
                "level": level,
            }
        pairs.append((label, level))
        position = match.end()
    return pairs, ""
