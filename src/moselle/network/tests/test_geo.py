"""The hub directory's SVG maps: the shipped shapes, the projection, the Europe and Greater Region maps."""

from __future__ import annotations

import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

import pytest

from moselle.network import geo

SVG = "{http://www.w3.org/2000/svg}"
EU_MEMBERS = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT")
EU_MEMBERS += ("LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
REALISTIC_COUNTS = {
    **dict.fromkeys(EU_MEMBERS, 4),
    "DE": 24,
    "IT": 40,
    "ES": 20,
    "FR": 19,
    "PL": 15,
    "LU": 1,
    "MT": 1,
    "IS": 1,
    "NO": 3,
    "UA": 2,
    "RS": 3,
}


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _view_box(root: ET.Element) -> tuple[float, float, float, float]:
    left, top, width, height = (float(n) for n in root.attrib["viewBox"].split())
    return left, top, width, height


def _countries(root: ET.Element) -> dict[str, ET.Element]:
    return {path.attrib["data-country"]: path for path in root.iter(f"{SVG}path") if "data-country" in path.attrib}


def _regions(root: ET.Element) -> dict[str, ET.Element]:
    return {path.attrib["data-nuts"]: path for path in root.iter(f"{SVG}path") if "data-nuts" in path.attrib}


def _count_labels(root: ET.Element) -> list[str]:
    group = next(g for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "counts")
    return [text.text or "" for text in group.iter(f"{SVG}text")]


def _title(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def _europe(counts: Mapping[str, int] = REALISTIC_COUNTS, **kwargs: Any) -> str:
    kwargs.setdefault("title", "Hubs in Europe")
    kwargs.setdefault("legend", "Hubs per country")
    return geo.europe_map(counts, **kwargs)


def _hubs() -> list[geo.HubPoint]:
    return [
        geo.HubPoint(
            name=row["name"],
            lon=row["lon"],
            lat=row["lat"],
            href=f"/network/hubs/{n}/",
            highlight=row["catalogue_ref"] == "edih-203",
        )
        for n, row in enumerate(geo.greater_region_hubs())
    ]


def _greater_region(hubs: list[geo.HubPoint] | None = None, **kwargs: str) -> str:
    kwargs.setdefault("title", "The Greater Region")
    kwargs.setdefault("attribution", geo.NUTS_ATTRIBUTION["en"])
    return geo.greater_region_map(_hubs() if hubs is None else hubs, **kwargs)


def test_it_ships_the_shapes_recorded_in_the_provenance() -> None:
    provenance = (geo.GEO_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"\| `([\w.]+\.geojson)` \| `([0-9a-f]{64})` \|", provenance))
    assert set(recorded) == {geo.EUROPE_FILE.name, geo.GREATER_REGION_FILE.name}
    for name, digest in recorded.items():
        assert hashlib.sha256((geo.GEO_DIR / name).read_bytes()).hexdigest() == digest, name


def test_it_records_the_credit_lines_and_the_kosovo_footnote() -> None:
    provenance = (geo.GEO_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    for line in [*geo.NUTS_ATTRIBUTION.values(), geo.NATURAL_EARTH_CREDIT]:
        assert line in provenance
    assert " ".join(geo.KOSOVO_FOOTNOTE.split()) in " ".join(provenance.replace("> ", "").split())


def test_it_projects_with_the_lambert_equal_area_centred_on_10_east_52_north() -> None:
    assert geo.project(10, 52) == pytest.approx((0, 0), abs=1e-6)
    x, y = geo.project(10, 42)
    assert x == pytest.approx(0, abs=1e-6)
    assert y == pytest.approx(-2 * geo.EARTH_RADIUS * math.sin(math.radians(5)), rel=1e-9)
    east, north = geo.project(20, 52)
    assert east > 0
    assert north > 0


def test_it_puts_luxembourg_east_of_paris_and_north_of_rome_on_the_europe_map() -> None:
    frame = geo.EUROPE_FRAME
    luxembourg = frame.point(6.13, 49.61)
    paris = frame.point(2.35, 48.86)
    rome = frame.point(12.50, 41.90)
    assert luxembourg[0] > paris[0]
    assert luxembourg[1] < rome[1]
    assert all(frame.contains(*point) for point in (luxembourg, paris, rome))


def test_it_crops_the_europe_map_to_the_continent() -> None:
    frame = geo.EUROPE_FRAME
    for lon, lat in [(-22.0, 64.1), (25.8, 71.0), (14.5, 35.9), (33.0, 34.7), (44.0, 39.9), (-9.5, 38.7)]:
        assert frame.contains(*frame.point(lon, lat)), (lon, lat)
    for lon, lat in [(-15.6, 28.1), (-25.7, 37.7), (-16.9, 32.7)]:
        assert not frame.contains(*frame.point(lon, lat)), (lon, lat)


def test_it_draws_every_member_state_with_its_count_in_the_title() -> None:
    root = _parse(_europe())
    countries = _countries(root)
    assert set(EU_MEMBERS) <= set(countries)
    for code in EU_MEMBERS:
        assert countries[code].attrib["fill-rule"] == "evenodd"
        assert countries[code].attrib["d"]
    assert _title(countries["LU"]) == "Luxembourg: 1"
    assert _title(countries["DE"]) == "Germany: 24"
    assert _title(countries["CH"]) == "Switzerland: 0"
    assert countries["CH"].attrib["class"] == "no-hub"
    assert countries["CH"].attrib["fill"] == geo.NO_HUB_FILL


def test_it_makes_the_titles_with_the_callers_words() -> None:
    root = _parse(_europe(label=lambda code, name, count: f"{code}/{name} : {count} pôles"))
    assert _title(_countries(root)["FR"]) == "FR/France : 19 pôles"


def test_it_draws_neighbours_grey_without_a_count_or_a_link() -> None:
    svg = _europe({"RU": 5, "LU": 3}, links={"RU": "/network/ru/", "LU": "/network/lu/"})
    root = _parse(svg)
    russia = _countries(root)["RU"]
    assert russia.attrib["fill"] == geo.NEIGHBOUR_FILL
    assert russia.attrib["class"] == "neighbour"
    assert _title(russia) == "Russia"
    assert "/network/ru/" not in svg
    assert _count_labels(root) == ["3"]


@pytest.mark.parametrize(
    ("count", "number"),
    [(0, 0), (1, 1), (2, 2), (4, 2), (5, 3), (9, 3), (10, 4), (19, 4), (20, 5), (457, 5)],
)
def test_it_shades_a_country_by_the_fixed_breaks(count: int, number: int) -> None:
    assert geo.count_class(count) == number
    luxembourg = _countries(_parse(_europe({"LU": count})))["LU"]
    if number:
        assert luxembourg.attrib["class"] == f"c{number}"
        assert luxembourg.attrib["fill"] == geo.CLASS_FILLS[number - 1]
    else:
        assert luxembourg.attrib["class"] == "no-hub"


def test_it_uses_shades_that_stand_out_from_the_white_background() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in geo.CLASS_FILLS:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour
    assert len(set(geo.CLASS_FILLS)) == 5


def test_it_writes_the_legend_in_the_map() -> None:
    root = _parse(_europe(legend="Pôles par pays", no_hub="aucun pôle"))
    legend = next(g for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "legend")
    texts = [text.text for text in legend.iter(f"{SVG}text")]
    assert texts == ["Pôles par pays", "1", "2\u20134", "5\u20139", "10\u201319", "20+", "aucun pôle"]
    assert [rect.attrib["fill"] for rect in legend.iter(f"{SVG}rect")] == [*geo.CLASS_FILLS, geo.NO_HUB_FILL]


def test_it_labels_each_country_with_hubs_at_its_label_point() -> None:
    root = _parse(_europe())
    assert sorted(_count_labels(root)) == sorted(str(count) for count in REALISTIC_COUNTS.values())
    _left, _top, width, height = _view_box(root)
    for text in root.iter(f"{SVG}text"):
        assert 0 <= float(text.attrib["x"]) <= width
        assert 0 <= float(text.attrib["y"]) <= height


def test_it_links_only_countries_with_hubs() -> None:
    root = _parse(_europe({"LU": 3, "BE": 0}, links={"LU": "/network/lu/", "BE": "/network/be/"}))
    linked = {
        path.attrib["data-country"]: anchor.attrib["href"]
        for anchor in root.iter(f"{SVG}a")
        for path in anchor.iter(f"{SVG}path")
    }
    assert linked == {"LU": "/network/lu/"}


def test_it_escapes_every_text_it_writes() -> None:
    svg = _europe(
        {"LU": 3},
        links={"LU": '/network/?a=1&b="2"'},
        title="<script>alert(1)</script>",
        legend="Hubs & <b>",
        no_hub="<i>none</i>",
        label=lambda code, name, count: f"{name} <{count}>",
        footnote="Kosovo* & <u>",
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = _parse(svg)
    assert root.find(f"{SVG}title") is not None
    assert _title(root) == "<script>alert(1)</script>"
    assert _title(_countries(root)["LU"]) == "Luxembourg <3>"
    assert next(root.iter(f"{SVG}a")).attrib["href"] == '/network/?a=1&b="2"'
    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert {"Hubs & <b>", "<i>none</i>", "Kosovo* & <u>"} <= texts


def test_it_refuses_links_that_are_not_web_addresses() -> None:
    svg = _europe({"LU": 3, "BE": 2}, links={"LU": "javascript:alert(1)", "BE": " JavaScript:alert(1)"})
    assert "javascript" not in svg.lower()
    hubs = [geo.HubPoint(name="Evil", lon=6.1, lat=49.6, href="data:text/html,<script>")]
    root = _parse(_greater_region(hubs))
    assert list(root.iter(f"{SVG}a")) == []


def test_it_labels_the_map_for_assistive_technology() -> None:
    root = _parse(_europe(title="Hubs in Europe", element_id="hubs-map"))
    assert root.attrib["role"] == "group"  # its links would be hidden inside an image
    assert root.attrib["width"] == "100%"
    assert "height" not in root.attrib
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.attrib["id"] == root.attrib["aria-labelledby"] == "hubs-map-title"
    assert title.text == "Hubs in Europe"


def test_it_keeps_the_europe_map_small_with_closed_rings() -> None:
    svg = _europe(links={code: f"/network/{code.lower()}/" for code in REALISTIC_COUNTS}, footnote=geo.KOSOVO_FOOTNOTE)
    assert len(svg.encode()) < 400_000
    root = _parse(svg)
    for code, path in _countries(root).items():
        subpaths = re.findall(r"M([^MZ]*)Z", path.attrib["d"])
        assert subpaths, code
        assert "".join(f"M{s}Z" for s in subpaths) == path.attrib["d"]
        assert all(len(s.split()) >= 3 for s in subpaths), code


def test_it_reads_the_five_greater_region_hubs() -> None:
    hubs = geo.greater_region_hubs()
    assert [hub["catalogue_ref"] for hub in hubs] == ["edih-203", "edih-192", "edih-201", "edih-183", ""]
    assert hubs[-1]["name"] == "EDIH BIR-MZ-KL"
    for hub in hubs:
        assert hub["source"].strip()
        assert hub["place"].strip()
        assert -25 <= hub["lon"] <= 45
        assert 34 <= hub["lat"] <= 71
        assert round(hub["lon"], 2) == hub["lon"]
        assert round(hub["lat"], 2) == hub["lat"]
    hubs[0]["name"] = "changed"
    assert geo.greater_region_hubs()[0]["name"] == "L-DIH"


def test_it_draws_the_greater_region_hubs_inside_the_view() -> None:
    svg = _greater_region()
    root = _parse(svg)
    left, top, width, height = _view_box(root)
    circles = list(root.iter(f"{SVG}circle"))
    assert [_title(circle) for circle in circles] == [hub["name"] for hub in geo.greater_region_hubs()]
    for circle in circles:
        x, y, r = (float(circle.attrib[key]) for key in ("cx", "cy", "r"))
        assert left <= x - r and x + r <= left + width
        assert top <= y - r and y + r <= top + height
    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert {"L-DIH", "WalHub", "EDIH Grand Est", "EDIH Saarland", "EDIH BIR-MZ-KL"} <= texts


def test_it_widens_the_view_for_a_hub_far_outside_the_region() -> None:
    amsterdam = geo.HubPoint(name="Far away", lon=4.90, lat=52.37)
    root = _parse(_greater_region([amsterdam]))
    left, top, width, height = _view_box(root)
    circle = next(root.iter(f"{SVG}circle"))
    assert left < float(circle.attrib["cx"]) < left + width
    assert top < float(circle.attrib["cy"]) < top + height


def test_it_fills_the_five_parts_of_the_greater_region_and_lorraine_over_grand_est() -> None:
    root = _parse(_greater_region())
    regions = _regions(root)
    parts = {code for code, path in regions.items() if path.attrib["class"] == "greater-region"}
    assert parts == {"BE3", "DEB", "DEC", "LU0", "FRF3"}
    assert all(regions[code].attrib["fill"] == geo.REGION_FILL for code in parts)
    assert regions["FRF"].attrib["class"] == "context"
    assert regions["FRF"].attrib["fill"] == geo.CONTEXT_FILL
    order = list(regions)
    assert order.index("FRF") < order.index("FRF3")
    assert _title(regions["FRF3"]) == "Lorraine"


def test_it_draws_the_nuts_2_boundaries_as_thin_lines() -> None:
    root = _parse(_greater_region())
    lines = next(g for g in root.iter(f"{SVG}g") if g.attrib.get("stroke-width") == "0.6")
    assert lines.attrib["fill"] == "none"
    assert len(list(lines.iter(f"{SVG}path"))) == 13


def test_it_links_and_highlights_the_hub_markers() -> None:
    root = _parse(_greater_region())
    anchors = list(root.iter(f"{SVG}a"))
    assert [a.attrib["href"] for a in anchors] == [f"/network/hubs/{n}/" for n in range(5)]
    for anchor in anchors:
        assert anchor.find(f"{SVG}g/{SVG}circle") is not None
    fills = {_title(circle): circle.attrib["fill"] for circle in root.iter(f"{SVG}circle")}
    assert fills["L-DIH"] == geo.HIGHLIGHT_FILL
    assert fills["WalHub"] == geo.HUB_FILL
    unlinked = _parse(_greater_region([geo.HubPoint(name="No page", lon=6.1, lat=49.6)]))
    assert list(unlinked.iter(f"{SVG}a")) == []


def test_it_shows_the_attribution_and_escapes_the_greater_region_texts() -> None:
    svg = _greater_region(
        [geo.HubPoint(name="<b>Hub</b> & co", lon=6.1, lat=49.6)],
        title="<script>x</script>",
        attribution=geo.NUTS_ATTRIBUTION["fr"],
    )
    assert "<script>" not in svg
    root = _parse(svg)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "© EuroGeographics pour les limites administratives" in texts
    assert "<b>Hub</b> & co" in texts
    assert _title(root) == "<script>x</script>"
    assert len(svg.encode()) < 150_000


def test_it_draws_the_region_without_any_hub() -> None:
    root = _parse(_greater_region([]))
    assert list(root.iter(f"{SVG}circle")) == []
    assert len(_regions(root)) == 6
