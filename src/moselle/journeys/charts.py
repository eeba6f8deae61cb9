"""The needs on a 2x2 chart, drawn on the server as SVG (no script, prints as it shows): effort across (1 to
5, low to high), importance up (1 to 5), the four quadrants named, each need a point labelled with its rank.

Colours are SVG attributes rather than the site's stylesheet, so that the chart looks the same inline in a
page and served on its own as ``image/svg+xml``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 600
HEIGHT = 460
LEFT = 70  # room for the importance axis and its ticks
RIGHT = 20
TOP = 40
BOTTOM = 70  # room for the effort axis and its ticks
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
LOW, HIGH = 1, 5
MIDDLE = 3  # the dividing lines run through the middle of the scale
RADIUS = 10
SPREAD = 2 * RADIUS + 2  # distance between the centres of needs that share a spot
INK = "#1d2430"
LINE = "#d5dbe3"
POINT = "#0b5394"
QUICK_WINS, MAJOR_PROJECTS, FILL_INS, THANKLESS_TASKS = "quick_wins", "major_projects", "fill_ins", "thankless_tasks"
QUADRANT_FILLS = {QUICK_WINS: "#e8f3ec", MAJOR_PROJECTS: "#eef4fb", FILL_INS: "#f6f7f9", THANKLESS_TASKS: "#fdf3ec"}


class Charted(Protocol):
    """What the chart reads of a need."""

    @property
    def shown_title(self) -> str: ...

    importance: int
    effort: int


def quadrant_names() -> dict[str, str]:
    return {
        QUICK_WINS: _("Quick wins"),
        MAJOR_PROJECTS: _("Major projects"),
        FILL_INS: _("Fill-ins"),
        THANKLESS_TASKS: _("Thankless tasks"),
    }


def quadrant(importance: int, effort: int) -> str | None:
    """The quadrant a need falls in; None for one on a dividing line (importance or effort 3)."""
    if importance == MIDDLE or effort == MIDDLE:
        return None
    if importance > MIDDLE:
        return QUICK_WINS if effort < MIDDLE else MAJOR_PROJECTS
    return FILL_INS if effort < MIDDLE else THANKLESS_TASKS


def _clamped(value: int) -> int:
    return max(LOW, min(HIGH, int(value)))


def x_of(effort: float) -> float:
    """Each score is the middle of its fifth of the axis: 1 is not drawn on the edge."""
    return LEFT + (effort - LOW + 0.5) / (HIGH - LOW + 1) * PLOT_WIDTH


def y_of(importance: float) -> float:
    return TOP + (HIGH - importance + 0.5) / (HIGH - LOW + 1) * PLOT_HEIGHT


def _offsets(count: int) -> list[tuple[float, float]]:
    """Where ``count`` needs sharing a spot go around it: a small grid centred on the spot, in rank order."""
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    return [
        ((index % columns - (columns - 1) / 2) * SPREAD, (index // columns - (rows - 1) / 2) * SPREAD)
        for index in range(count)
    ]


def positions(needs: Sequence[Charted]) -> list[tuple[float, float]]:
    """The centre of each need's point, in the order given; needs at the same spot are spread out."""
    spots: dict[tuple[int, int], list[int]] = {}
    for index, need in enumerate(needs):
        spots.setdefault((_clamped(need.effort), _clamped(need.importance)), []).append(index)
    placed: list[tuple[float, float]] = [(0.0, 0.0)] * len(needs)
    for (effort, importance), indexes in spots.items():
        for index, (dx, dy) in zip(indexes, _offsets(len(indexes)), strict=True):
            placed[index] = (x_of(effort) + dx, y_of(importance) + dy)
    return placed


def _describe(rank: int, need: Charted) -> str:
    text = _("%(rank)d. %(title)s: importance %(importance)d, effort %(effort)d") % {
        "rank": rank,
        "title": need.shown_title,
        "importance": need.importance,
        "effort": need.effort,
    }
    where = quadrant(need.importance, need.effort)
    return f"{text} ({quadrant_names()[where]})" if where else text


def importance_effort_chart(needs: Sequence[Charted], *, title: str = "") -> SafeString:
    """An accessible SVG of ``needs`` given in priority order (the first is rank 1): a title, a description
    listing every need, the quadrants, and one point per need with its own title."""
    names = quadrant_names()
    heading = title or _("Needs by importance and effort")
    described = "; ".join(_describe(rank, need) for rank, need in enumerate(needs, start=1)) or _("No open need.")
    right, bottom = LEFT + PLOT_WIDTH, TOP + PLOT_HEIGHT
    middle_x, middle_y = x_of(MIDDLE), y_of(MIDDLE)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="needs-chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="needs-chart-title needs-chart-desc"'
        f' font-family="system-ui, sans-serif" font-size="13" style="max-width: 100%; height: auto;">',
        f'<title id="needs-chart-title">{escape(heading)}</title>',
        f'<desc id="needs-chart-desc">{escape(described)}</desc>',
    ]
    corners = {
        QUICK_WINS: (LEFT, TOP, "start", TOP + 18),
        MAJOR_PROJECTS: (middle_x, TOP, "end", TOP + 18),
        FILL_INS: (LEFT, middle_y, "start", bottom - 8),
        THANKLESS_TASKS: (middle_x, middle_y, "end", bottom - 8),
    }
    for key, (x, y, anchor, label_y) in corners.items():
        parts.append(
            f'<rect class="quadrant {key}" x="{x:.1f}" y="{y:.1f}" width="{middle_x - LEFT:.1f}"'
            f' height="{middle_y - TOP:.1f}" fill="{QUADRANT_FILLS[key]}"/>'
        )
        label_x = LEFT + 8 if anchor == "start" else right - 8
        parts.append(
            f'<text class="quadrant-label {key}" x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}"'
            f' font-weight="600" fill="{INK}">{escape(names[key])}</text>'
        )
    parts.append(
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{PLOT_WIDTH}" height="{PLOT_HEIGHT}" fill="none"'
        f' stroke="{LINE}"/>'
    )
    parts.append(
        f'<line class="divider effort" x1="{middle_x:.1f}" y1="{TOP}" x2="{middle_x:.1f}" y2="{bottom}"'
        f' stroke="{INK}" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<line class="divider importance" x1="{LEFT}" y1="{middle_y:.1f}" x2="{right}" y2="{middle_y:.1f}"'
        f' stroke="{INK}" stroke-dasharray="4 3"/>'
    )
    for score in range(LOW, HIGH + 1):
        parts.append(
            f'<text class="tick" x="{x_of(score):.1f}" y="{bottom + 18}" text-anchor="middle" fill="{INK}">'
            f"{score}</text>"
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 10}" y="{y_of(score) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{score}</text>"
        )
    effort_label = escape(_("Effort (1 low, 5 high)"))
    importance_label = escape(_("Importance (1 low, 5 high)"))
    parts.append(
        f'<text class="axis-label" x="{LEFT + PLOT_WIDTH / 2:.1f}" y="{HEIGHT - 18}" text-anchor="middle"'
        f' fill="{INK}">{effort_label}</text>'
    )
    parts.append(
        f'<text class="axis-label" x="18" y="{TOP + PLOT_HEIGHT / 2:.1f}" text-anchor="middle" fill="{INK}"'
        f' transform="rotate(-90 18 {TOP + PLOT_HEIGHT / 2:.1f})">{importance_label}</text>'
    )
    for rank, (need, (x, y)) in enumerate(zip(needs, positions(needs), strict=True), start=1):
        parts.append(
            f'<g class="need-point" data-rank="{rank}"><title>{escape(_describe(rank, need))}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" fill="{POINT}" stroke="#ffffff" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="700"'
            f' fill="#ffffff">{rank}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every piece of text above is escaped or a number
