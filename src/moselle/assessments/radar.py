"""The six dimensions as a radar chart, drawn on the server as SVG (no script, prints as it shows)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SIZE = 420
CENTRE = SIZE / 2
RADIUS = 130
PAD = 90  # room on the left and right for the axis labels
LABEL_WIDTH = 18  # characters a label line holds before it wraps
RINGS = (25, 50, 75, 100)  # the band edges


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | float]  # 0-100, one per axis
    css_class: str  # stage-t0, stage-t1, stage-t2, comparison


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * max(0.0, min(100.0, value)) / 100
    return CENTRE + distance * math.cos(angle), CENTRE + distance * math.sin(angle)


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _lines(text: str) -> list[str]:
    """The label cut into lines of at most ``LABEL_WIDTH`` characters, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_WIDTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label_anchor(x: float) -> str:
    if abs(x - CENTRE) < 10:
        return "middle"
    return "start" if x > CENTRE else "end"


def radar_svg(axes: Sequence[str], series: Sequence[Series], *, title: str) -> SafeString:
    """An accessible SVG: a title, one labelled polygon per series, and the values in a <desc>."""
    count = len(axes)
    parts = [
        f'<svg class="radar" viewBox="{-PAD} 20 {SIZE + 2 * PAD} {SIZE - 40}" role="img"'
        ' aria-labelledby="radar-title radar-desc"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="radar-title">{escape(title)}</title>',
    ]
    described = "; ".join(
        f"{s.name}: " + ", ".join(f"{axis} {float(value):.0f}" for axis, value in zip(axes, s.values, strict=True))
        for s in series
    )
    parts.append(f'<desc id="radar-desc">{escape(described)}</desc>')
    for ring in RINGS:
        parts.append(
            f'<polygon class="radar-ring" points="{_polygon([_point(i, count, ring) for i in range(count)])}"/>'
        )
    for index, axis in enumerate(axes):
        x, y = _point(index, count, 100)
        parts.append(f'<line class="radar-axis" x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = _point(index, count, 114)
        lines = _lines(axis)
        first = ly - 6.5 * (len(lines) - 1)  # the lines centred on the label's point
        spans = "".join(
            f'<tspan x="{lx:.1f}" y="{first + 13 * n:.1f}">{escape(line)}</tspan>' for n, line in enumerate(lines)
        )
        parts.append(
            f'<text class="radar-label" text-anchor="{_label_anchor(lx)}" dominant-baseline="middle">{spans}</text>'
        )
    for s in series:
        points = [_point(i, count, float(v)) for i, v in enumerate(s.values)]
        parts.append(
            f'<polygon class="radar-series {escape(s.css_class)}" points="{_polygon(points)}">'
            f"<title>{escape(s.name)}</title></polygon>"
        )
        for x, y in points:
            parts.append(f'<circle class="radar-dot {escape(s.css_class)}" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every piece of text above is escaped
