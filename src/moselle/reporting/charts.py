"""The dashboard's charts, drawn on the server as SVG (no script; they print as they show): the funnel, the
services per month by category, the maturity change per dimension, and progress towards the targets.

A value hidden from observers (None) is drawn as an empty bar marked "hidden". Each chart has a text
alternative; the page shows the same figures in tables beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from moselle.reporting.dashboard import Month

INK = "#1d2430"
LINE = "#d5dbe3"
BAR = "#0b5394"
GAIN, LOSS = "#2e7d4f", "#b3541e"
CATEGORY_COLOURS = ("#0b5394", "#2e7d4f", "#b3541e", "#7b4fa0")
WIDTH = 640
ROW = 28
LABEL = 220


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    note: str = ""


def _svg(height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308  (every text inside is escaped)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'


def bars(title: str, items: Sequence[Bar], *, unit: str = "") -> SafeString:
    """Horizontal bars from zero, one per item, the value written at the end."""
    top = max((float(i.value) for i in items if i.value is not None), default=0.0) or 1.0
    span = WIDTH - LABEL - 90
    body = []
    for n, item in enumerate(items):
        y = 10 + n * ROW
        body.append(_text(LABEL - 8, y + 17, item.label, anchor="end"))
        if item.value is None:
            body.append(f'<rect x="{LABEL}" y="{y + 4}" width="{span}" height="18" fill="none" stroke="{LINE}"/>')
            body.append(_text(LABEL + 6, y + 17, _("hidden (fewer than five organisations)")))
            continue
        width = span * float(item.value) / top
        body.append(f'<rect x="{LABEL}" y="{y + 4}" width="{width:.1f}" height="18" fill="{BAR}"/>')
        body.append(_text(LABEL + width + 6, y + 17, f"{item.value}{unit}{item.note}"))
    return _svg(20 + len(items) * ROW, title, body)


def changes(title: str, items: Sequence[Bar]) -> SafeString:
    """Bars either side of zero: a gain to the right, a loss to the left (points of maturity)."""
    top = max((abs(float(i.value)) for i in items if i.value is not None), default=0.0) or 1.0
    middle = LABEL + (WIDTH - LABEL - 20) / 2
    half = (WIDTH - LABEL - 80) / 2
    body = [f'<line x1="{middle:.1f}" y1="4" x2="{middle:.1f}" y2="{14 + len(items) * ROW}" stroke="{LINE}"/>']
    for n, item in enumerate(items):
        y = 10 + n * ROW
        body.append(_text(LABEL - 8, y + 17, item.label, anchor="end"))
        if item.value is None:
            body.append(_text(middle + 6, y + 17, _("no comparable results")))
            continue
        value = float(item.value)
        width = half * abs(value) / top
        x = middle if value >= 0 else middle - width
        colour = GAIN if value >= 0 else LOSS
        body.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="18" fill="{colour}"/>')
        sign = "+" if value > 0 else ""
        body.append(
            _text(
                middle + (width + 6 if value >= 0 else -width - 6),
                y + 17,
                f"{sign}{item.value}",
                anchor="start" if value >= 0 else "end",
            )
        )
    return _svg(20 + len(items) * ROW, title, body)


def monthly(title: str, months: Sequence[Month], labels: dict[str, str]) -> SafeString:
    """Stacked columns: the services started each month, by EDIH category, with a legend."""
    categories = list(labels)
    top = max((m.total or 0 for m in months), default=0) or 1
    height, bottom, left = 300, 40, 40
    plot = height - bottom - 70
    step = (WIDTH - left - 10) / max(len(months), 1)
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 10}" y2="{height - bottom}" stroke="{LINE}"/>']
    for n, month in enumerate(months):
        x = left + n * step + 3
        y: float = height - bottom
        for index, category in enumerate(categories):
            count = month.counts.get(category)
            if not count:
                continue
            size = plot * count / top
            y -= size
            colour = CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)]
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 6:.1f}" height="{size:.1f}" fill="{colour}"/>')
        shown = "?" if month.total is None else str(month.total)
        body.append(_text(x + (step - 6) / 2, y - 4, shown, anchor="middle"))
        body.append(_text(x + (step - 6) / 2, height - bottom + 16, month.month.strftime("%m/%y"), anchor="middle"))
    for index, category in enumerate(categories):
        x = left + (index % 2) * 300
        y = 14 + (index // 2) * 18
        colour = CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)]
        body.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 18, y, labels[category]))
    return _svg(height, title, body)
