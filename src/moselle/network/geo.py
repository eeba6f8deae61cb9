"""The hub directory's maps, drawn on the server as SVG: Europe by country, and the Greater Region with its hubs.

Pure Python, no script in the page: the shapes are the GeoJSON files in `data/geo/` (sources, licences and the
required credit lines in `data/geo/PROVENANCE.md`), projected with the Lambert azimuthal equal-area projection
centred at 10°E 52°N, the spherical form of EPSG:3035 that Eurostat draws its maps with. The functions return
plain strings with every text escaped; the caller marks them safe.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

DATA_DIR = Path(__file__).parent / "data"
GEO_DIR = DATA_DIR / "geo"
EUROPE_FILE = GEO_DIR / "europe_countries_ne50m.geojson"
GREATER_REGION_FILE = GEO_DIR / "greater_region_nuts2024_03m.geojson"
HUBS_FILE = DATA_DIR / "greater_region_hubs.csv"

EARTH_RADIUS = 6_371_007.181
CENTRE_LON, CENTRE_LAT = 10.0, 52.0
MIN_STEP = 0.5

INK = "#1d2430"
MUTED = "#4b5563"
HALO = "#ffffff"
CLASS_RANGES: tuple[tuple[int, int | None], ...] = ((1, 1), (2, 4), (5, 9), (10, 19), (20, None))
CLASS_FILLS = ("#21918c", "#2d708e", "#3b528b", "#482878", "#440154")
NO_HUB_FILL = "#c4cad3"
NEIGHBOUR_FILL = "#e8ebef"
REGION_FILL = "#bcd4ea"
CONTEXT_FILL = "#eef1f4"
REGION_LINE = "#1f3b57"
CONTEXT_LINE = "#8a96a3"
HUB_FILL = "#0b5394"
HIGHLIGHT_FILL = "#c2410c"

NUTS_ATTRIBUTION = {
    "en": "© EuroGeographics for the administrative boundaries",
    "fr": "© EuroGeographics pour les limites administratives",
    "de": "© EuroGeographics bezüglich der Verwaltungsgrenzen",
}
NATURAL_EARTH_CREDIT = "Made with Natural Earth"
KOSOVO_FOOTNOTE = (
    "Kosovo*: This designation is without prejudice to positions on status, and is in line with UNSCR 1244/1999 "
    "and the ICJ Opinion on the Kosovo declaration of independence."
)

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]


def project(lon: float, lat: float) -> Point:
    """Metres east and north of 10°E 52°N on the Lambert azimuthal equal-area projection of the authalic sphere."""
    lam = math.radians(lon - CENTRE_LON)
    phi, phi0 = math.radians(lat), math.radians(CENTRE_LAT)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2.0 / (1.0 + cos_c))
    x = EARTH_RADIUS * k * math.cos(phi) * math.sin(lam)
    y = EARTH_RADIUS * k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, y


@dataclass(frozen=True)
class Frame:
    """A rectangle of the projected plane (metres) drawn as an SVG viewBox `width` units wide, y pointing south."""

    west: float
    south: float
    east: float
    north: float
    width: float

    @property
    def scale(self) -> float:
        return self.width / (self.east - self.west)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def point(self, lon: float, lat: float) -> Point:
        """SVG coordinates of a longitude and latitude: x grows eastwards, y southwards."""
        x, y = project(lon, lat)
        return (x - self.west) * self.scale, (self.north - y) * self.scale

    def contains(self, x: float, y: float) -> bool:
        return 0 <= x <= self.width and 0 <= y <= self.height


EUROPE_FRAME = Frame(west=-2_300_000, south=-1_950_000, east=3_100_000, north=2_300_000, width=1000)
"""Iceland to the Caucasus, North Cape to Malta and Cyprus; the Azores, Madeira and the Canary Islands fall outside."""

GREATER_REGION_WIDTH = 800.0
HUB_RADIUS, HIGHLIGHT_RADIUS, HUB_FONT, MARGIN = 6.0, 8.0, 13.0, 16.0


def count_class(count: int) -> int:
    """The shading class of a country's hub count: 0 (no hub), then fixed breaks 1, 2-4, 5-9, 10-19 and 20+.

    Fixed rather than computed from the counts, so that a colour means the same on every instance and over time.
    """
    if count < 1:
        return 0
    for number, (_low, high) in enumerate(CLASS_RANGES, start=1):
        if high is None or count <= high:
            return number
    return len(CLASS_RANGES)


def class_range(number: int) -> str:
    """The legend text of a shading class: "1", "2-4" (with an en dash), ..., "20+"."""
    low, high = CLASS_RANGES[number - 1]
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}\u2013{high}"


@dataclass(frozen=True)
class HubPoint:
    """A hub on the Greater Region map: its seat, the page it links to, and whether it runs this instance."""

    name: str
    lon: float
    lat: float
    href: str = ""
    highlight: bool = False


class GreaterRegionHub(TypedDict):
    """A row of `data/greater_region_hubs.csv`: the five hubs of the Greater Region declaration and their seats."""

    catalogue_ref: str
    name: str
    lon: float
    lat: float
    place: str
    source: str


@dataclass(frozen=True)
class _Country:
    code: str
    name: str
    group: str
    label: Point | None
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class _Region:
    nuts_id: str
    level: int
    name: str
    parent: str
    greater_region: bool
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class _Drawn:
    code: str
    name: str
    group: str
    d: str
    label: Point | None


def _polygons(geometry: Mapping[str, Any]) -> tuple[Polygon, ...]:
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        coordinates = [coordinates]
    return tuple(
        tuple(tuple((float(lon), float(lat)) for lon, lat in ring) for ring in polygon) for polygon in coordinates
    )


def _features(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as file:
        features: list[dict[str, Any]] = json.load(file)["features"]
    return features


@cache
def _countries() -> tuple[_Country, ...]:
    countries = []
    for feature in _features(EUROPE_FILE):
        properties = feature["properties"]
        label = properties["label"]
        countries.append(
            _Country(
                code=str(properties["iso_a2"]),
                name=str(properties["name"]),
                group=str(properties["group"]),
                label=(float(label[0]), float(label[1])) if label else None,
                polygons=_polygons(feature["geometry"]),
            )
        )
    return tuple(countries)


@cache
def _regions() -> tuple[_Region, ...]:
    return tuple(
        _Region(
            nuts_id=str(feature["properties"]["nuts_id"]),
            level=int(feature["properties"]["level"]),
            name=str(feature["properties"]["name"]),
            parent=str(feature["properties"]["parent"]),
            greater_region=bool(feature["properties"]["greater_region"]),
            polygons=_polygons(feature["geometry"]),
        )
        for feature in _features(GREATER_REGION_FILE)
    )


def _num(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    """Text made safe for SVG: XML-escaped, without the control characters XML does not allow."""
    return html.escape(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text), quote=True)


def _safe_href(href: str) -> str:
    """The link if it is relative or http(s); nothing otherwise (no `javascript:` from another instance's data)."""
    return href if href and urlsplit(href.strip()).scheme.lower() in ("", "http", "https") else ""


def _simplified(points: list[Point]) -> list[Point]:
    """The ring without vertices closer than MIN_STEP to the last kept one, still at least a triangle."""
    kept = [points[0]]
    for point in points[1:]:
        if math.dist(point, kept[-1]) >= MIN_STEP:
            kept.append(point)
    if len(kept) > 3 and math.dist(kept[-1], kept[0]) < MIN_STEP:
        kept.pop()
    if len(kept) < 3:
        count = len(points)
        kept = [points[0], points[count // 3], points[2 * count // 3]]
    return kept


def _path_data(polygons: Iterable[Polygon], frame: Frame) -> str:
    """SVG path data for the polygons, each ring a closed subpath; polygons wholly outside the frame are left out."""
    parts = []
    for polygon in polygons:
        rings = [[frame.point(lon, lat) for lon, lat in ring[:-1]] for ring in polygon]
        xs = [x for x, _y in rings[0]]
        ys = [y for _x, y in rings[0]]
        if max(xs) < 0 or min(xs) > frame.width or max(ys) < 0 or min(ys) > frame.height:
            continue
        for ring in rings:
            parts.append("M" + " ".join(f"{_num(x)},{_num(y)}" for x, y in _simplified(ring)) + "Z")
    return "".join(parts)


def _svg(*, frame_width: float, height: float, element_id: str, title: str, body: Iterable[str]) -> str:
    # A group, not an image: its countries and hubs are links, which an image's children could not be.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(frame_width)} {_num(height)}" width="100%" '
        f'role="group" aria-labelledby="{_esc(element_id)}-title" font-family="sans-serif">'
        f'<title id="{_esc(element_id)}-title">{_esc(title)}</title>{"".join(body)}</svg>'
    )


def _wrapped(text: str, max_chars: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


@cache
def _europe_drawing() -> tuple[_Drawn, ...]:
    """The countries' path data and label points in the Europe frame, computed once per process."""
    drawn = []
    for country in _countries():
        d = _path_data(country.polygons, EUROPE_FRAME)
        if not d:
            continue
        label = EUROPE_FRAME.point(*country.label) if country.label else None
        if label and not EUROPE_FRAME.contains(*label):
            label = None
        drawn.append(_Drawn(code=country.code, name=country.name, group=country.group, d=d, label=label))
    return tuple(drawn)


def _default_label(code: str, name: str, count: int) -> str:
    return f"{name}: {count}"


def europe_map(
    counts: Mapping[str, int],
    *,
    links: Mapping[str, str] | None = None,
    title: str,
    legend: str,
    label: Callable[[str, str, int], str] = _default_label,
    no_hub: str = "no hub",
    footnote: str = "",
    element_id: str = "europe-map",
) -> str:
    """Europe shaded by the number of hubs per country (ISO alpha-2 codes, as in the country file: GR, GB, XK).

    Classes are fixed breaks (see `count_class`): 1, 2-4, 5-9, 10-19, 20+. A country with hubs carries its
    count as a text label and, when `links` has its code, links there. Neighbours (Russia, North Africa, …) are
    context: grey, no count. Every path's `<title>` is `label(code, name, count)` (English names from the file;
    the caller translates). The legend, under the `legend` heading, and the optional `footnote` (for example
    `KOSOVO_FOOTNOTE`) are drawn below the map.
    """
    links = links or {}
    frame = EUROPE_FRAME
    shapes = []
    labels = []
    for country in _europe_drawing():
        if country.group == "neighbour":
            shapes.append(
                f'<path d="{country.d}" fill="{NEIGHBOUR_FILL}" class="neighbour" data-country="{_esc(country.code)}" '
                f'fill-rule="evenodd"><title>{_esc(country.name)}</title></path>'
            )
            continue
        count = max(int(counts.get(country.code, 0)), 0)
        number = count_class(count)
        fill = CLASS_FILLS[number - 1] if number else NO_HUB_FILL
        css = f"c{number}" if number else "no-hub"
        shape = (
            f'<path d="{country.d}" fill="{fill}" class="{css}" data-country="{_esc(country.code)}" '
            f'fill-rule="evenodd"><title>{_esc(label(country.code, country.name, count))}</title></path>'
        )
        href = _safe_href(links.get(country.code, "")) if number else ""
        shapes.append(f'<a href="{_esc(href)}">{shape}</a>' if href else shape)
        if number and country.label:
            x, y = country.label
            labels.append(f'<text x="{_num(x)}" y="{_num(y + 4)}">{count}</text>')
    legend_top = frame.height + 8
    items = []
    x = 10.0
    entries = [(CLASS_FILLS[n - 1], class_range(n)) for n in range(1, len(CLASS_RANGES) + 1)] + [(NO_HUB_FILL, no_hub)]
    for fill, text in entries:
        items.append(
            f'<rect x="{_num(x)}" y="{_num(legend_top + 26)}" width="14" height="14" fill="{fill}"/>'
            f'<text x="{_num(x + 20)}" y="{_num(legend_top + 38)}">{_esc(text)}</text>'
        )
        x += 20 + 7.5 * len(text) + 22
    notes = [
        f'<text x="10" y="{_num(legend_top + 64 + 13 * n)}" font-size="10">{_esc(line)}</text>'
        for n, line in enumerate(_wrapped(footnote, int((frame.width - 20) / 6)))
    ]
    height = legend_top + 50 + (13 * len(notes) + 6 if notes else 0)
    body = [
        f'<rect width="{_num(frame.width)}" height="{_num(height)}" fill="#ffffff"/>',
        f'<g stroke="{HALO}" stroke-width="0.5" stroke-linejoin="round">{"".join(shapes)}</g>',
        f'<g class="counts" font-size="11" font-weight="bold" text-anchor="middle" fill="{INK}" stroke="{HALO}" '
        f'stroke-width="2.5" stroke-linejoin="round" paint-order="stroke" pointer-events="none">{"".join(labels)}</g>',
        f'<g class="legend" font-size="13" fill="{INK}">'
        f'<text x="10" y="{_num(legend_top + 14)}" font-weight="bold">{_esc(legend)}</text>{"".join(items)}</g>',
        f'<g fill="{MUTED}">{"".join(notes)}</g>' if notes else "",
    ]
    return _svg(frame_width=frame.width, height=height, element_id=element_id, title=title, body=body)


def _label_width(name: str) -> float:
    return len(name) * HUB_FONT * 0.6


@cache
def _region_corners() -> tuple[Point, Point]:
    """South-west and north-east corners of the projected NUTS shapes."""
    points = [project(lon, lat) for region in _regions() for polygon in region.polygons for lon, lat in polygon[0]]
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    return (min(xs), min(ys)), (max(xs), max(ys))


def _greater_region_frame(hubs: Sequence[HubPoint]) -> Frame:
    """The frame holding every NUTS shape and every hub with its name label, with a margin all round."""
    seats = [project(hub.lon, hub.lat) for hub in hubs]
    points = [*_region_corners(), *seats]
    west = min(x for x, _y in points)
    east = max(x for x, _y in points)
    south = min(y for _x, y in points)
    north = max(y for _x, y in points)
    right = east
    scale = (GREATER_REGION_WIDTH - 2 * MARGIN) / (east - west)
    for _round in range(3):
        right = max(
            [east]
            + [
                x + (HIGHLIGHT_RADIUS + 4 + _label_width(hub.name)) / scale
                for hub, (x, _y) in zip(hubs, seats, strict=True)
            ]
        )
        scale = (GREATER_REGION_WIDTH - 2 * MARGIN) / (right - west)
    margin = MARGIN / scale
    return Frame(
        west=west - margin,
        south=south - margin,
        east=right + margin,
        north=north + margin,
        width=GREATER_REGION_WIDTH,
    )


@lru_cache(maxsize=16)
def _region_paths(frame: Frame) -> Mapping[str, str]:
    """Path data of every NUTS region in the frame; a frame depends only on the hubs, so few are ever drawn."""
    return {region.nuts_id: _path_data(region.polygons, frame) for region in _regions()}


def greater_region_map(
    hubs: Sequence[HubPoint],
    *,
    title: str,
    attribution: str,
    element_id: str = "greater-region-map",
) -> str:
    """The Greater Region's five parts (Luxembourg, Wallonia, Saarland, Rhineland-Palatinate, Lorraine) and its hubs.

    Drawn from the NUTS file alone: the NUTS 1 regions of the Greater Region filled, Grand Est (FRF) in a lighter
    fill with Lorraine (FRF3, the part of Grand Est that belongs to the Greater Region) filled on top, NUTS 2
    boundaries as thin lines, then a marker and name per hub (linked when `href` is set, in another colour when
    `highlight`). The view holds every hub, even one seated outside the region. `attribution` (the
    EuroGeographics credit, see `NUTS_ATTRIBUTION`) is written at the bottom.
    """
    frame = _greater_region_frame(hubs)
    regions = _regions()
    greater_nuts_1 = {r.nuts_id for r in regions if r.level == 1 and r.greater_region}
    parts = [r for r in regions if r.greater_region and (r.level == 1 or r.parent not in greater_nuts_1)]
    context = [r for r in regions if r.level == 1 and not r.greater_region]
    paths = _region_paths(frame)
    fills = [
        f'<path d="{paths[r.nuts_id]}" fill="{fill}" class="{css}" data-nuts="{_esc(r.nuts_id)}" '
        f'fill-rule="evenodd"><title>{_esc(r.name)}</title></path>'
        for group, fill, css in ((context, CONTEXT_FILL, "context"), (parts, REGION_FILL, "greater-region"))
        for r in group
    ]
    lines = [f'<path d="{paths[r.nuts_id]}"/>' for r in regions if r.level == 2]
    outlines = [f'<path d="{paths[r.nuts_id]}" stroke="{CONTEXT_LINE}"/>' for r in context] + [
        f'<path d="{paths[r.nuts_id]}"/>' for r in parts
    ]
    markers = []
    for hub in hubs:
        x, y = frame.point(hub.lon, hub.lat)
        radius = HIGHLIGHT_RADIUS if hub.highlight else HUB_RADIUS
        fill = HIGHLIGHT_FILL if hub.highlight else HUB_FILL
        weight = ' font-weight="bold"' if hub.highlight else ""
        marker = (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}" fill="{fill}" stroke="{HALO}" '
            'stroke-width="1.5">'
            f"<title>{_esc(hub.name)}</title></circle>"
            f'<text x="{_num(x + radius + 4)}" y="{_num(y + 4.5)}" stroke="{HALO}" stroke-width="3"{weight}>'
            f"{_esc(hub.name)}</text>"
        )
        href = _safe_href(hub.href)
        css = "hub highlight" if hub.highlight else "hub"
        group = f'<g class="{css}">{marker}</g>'
        markers.append(f'<a href="{_esc(href)}">{group}</a>' if href else group)
    height = frame.height + 26
    body = [
        f'<rect width="{_num(frame.width)}" height="{_num(height)}" fill="#ffffff"/>',
        f'<g stroke="none">{"".join(fills)}</g>',
        f'<g fill="none" stroke="{CONTEXT_LINE}" stroke-width="0.6" pointer-events="none">{"".join(lines)}</g>',
        f'<g fill="none" stroke="{REGION_LINE}" stroke-width="1.4" stroke-linejoin="round" pointer-events="none">'
        f"{''.join(outlines)}</g>",
        f'<g font-size="{_num(HUB_FONT)}" fill="{INK}" stroke-linejoin="round" paint-order="stroke">'
        f"{''.join(markers)}</g>",
        f'<text x="{_num(frame.width - 8)}" y="{_num(height - 9)}" font-size="11" text-anchor="end" fill="{MUTED}">'
        f"{_esc(attribution)}</text>",
    ]
    return _svg(frame_width=frame.width, height=height, element_id=element_id, title=title, body=body)


@cache
def _hub_rows() -> tuple[GreaterRegionHub, ...]:
    with HUBS_FILE.open(encoding="utf-8", newline="") as file:
        return tuple(
            GreaterRegionHub(
                catalogue_ref=row["catalogue_ref"],
                name=row["name"],
                lon=float(row["lon"]),
                lat=float(row["lat"]),
                place=row["place"],
                source=row["source"],
            )
            for row in csv.DictReader(file)
        )


def greater_region_hubs() -> list[GreaterRegionHub]:
    """The five hubs that signed the Greater Region declaration, with their seats (read once per process)."""
    return [row.copy() for row in _hub_rows()]
