"""The 2x2 chart of the needs: effort across, importance up, a point per need in its quadrant."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from moselle.journeys import charts
from moselle.journeys.models import Need

SVG = "{http://www.w3.org/2000/svg}"


def need(title: str, importance: int, effort: int) -> Need:
    return Need(title=title, importance=importance, effort=effort)


def parsed(needs: list[Need]) -> ET.Element:
    return ET.fromstring(charts.importance_effort_chart(needs))


def points(root: ET.Element) -> dict[int, tuple[float, float, str]]:
    """Each point's centre and title, by rank."""
    found = {}
    for group in root.iter(f"{SVG}g"):
        circle = group.find(f"{SVG}circle")
        title = group.find(f"{SVG}title")
        assert circle is not None and title is not None
        found[int(group.attrib["data-rank"])] = (
            float(circle.attrib["cx"]),
            float(circle.attrib["cy"]),
            title.text or "",
        )
    return found


def dividers(root: ET.Element) -> tuple[float, float]:
    """The x of the effort divider and the y of the importance divider."""
    lines = {line.attrib["class"]: line for line in root.iter(f"{SVG}line")}
    return float(lines["divider effort"].attrib["x1"]), float(lines["divider importance"].attrib["y1"])


def labels(root: ET.Element) -> dict[str, tuple[float, float, str]]:
    return {
        text.attrib["class"].split()[1]: (float(text.attrib["x"]), float(text.attrib["y"]), text.text or "")
        for text in root.iter(f"{SVG}text")
        if text.attrib.get("class", "").startswith("quadrant-label")
    }


def test_it_puts_each_need_in_its_quadrant() -> None:
    root = parsed(
        [need("Quick", importance=5, effort=1), need("Major", 4, 5), need("Fill", 2, 2), need("Thankless", 1, 4)]
    )
    middle_x, middle_y = dividers(root)
    placed = points(root)
    # SVG's y grows downwards: high importance is above the importance divider.
    assert placed[1][0] < middle_x and placed[1][1] < middle_y
    assert placed[2][0] > middle_x and placed[2][1] < middle_y
    assert placed[3][0] < middle_x and placed[3][1] > middle_y
    assert placed[4][0] > middle_x and placed[4][1] > middle_y
    named = labels(root)
    assert named["quick_wins"][2] == "Quick wins" and named["quick_wins"][0] < middle_x
    assert named["quick_wins"][1] < middle_y
    assert named["thankless_tasks"][2] == "Thankless tasks"
    assert named["thankless_tasks"][0] > middle_x and named["thankless_tasks"][1] > middle_y
    assert charts.quadrant(5, 1) == charts.QUICK_WINS and charts.quadrant(1, 4) == charts.THANKLESS_TASKS
    assert charts.quadrant(3, 1) is None  # on the dividing line


def test_it_places_the_higher_score_further_along_its_axis() -> None:
    placed = points(parsed([need("a", importance=2, effort=1), need("b", importance=4, effort=5)]))
    assert placed[2][0] > placed[1][0]
    assert placed[2][1] < placed[1][1]


def test_it_escapes_the_titles_and_still_parses() -> None:
    text = charts.importance_effort_chart([need("<script>alert('x')</script> & co", 4, 2)], title="A <b> title")
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    root = ET.fromstring(text)
    assert root.attrib["role"] == "img"
    heading = root.find(f"{SVG}title")
    assert heading is not None and heading.text == "A <b> title"
    assert "<script>alert('x')</script> & co" in points(root)[1][2]
    description = root.find(f"{SVG}desc")
    assert description is not None and "<script>" in (description.text or "")


def test_two_needs_at_the_same_spot_get_distinct_positions() -> None:
    placed = points(parsed([need("one", 3, 3), need("two", 3, 3), need("three", 3, 3), need("four", 5, 1)]))
    spots = {(x, y) for x, y, _title in placed.values()}
    assert len(spots) == 4
    centres = charts.positions([need("one", 3, 3), need("two", 3, 3)])
    distance = ((centres[0][0] - centres[1][0]) ** 2 + (centres[0][1] - centres[1][1]) ** 2) ** 0.5
    assert distance >= 2 * charts.RADIUS  # the circles do not overlap


def test_it_numbers_the_points_by_rank_and_titles_them() -> None:
    root = parsed([need("First", 5, 1), need("Second", 1, 5)])
    placed = points(root)
    assert placed[1][2].startswith("1. First") and "Quick wins" in placed[1][2]
    assert placed[2][2].startswith("2. Second") and "Thankless tasks" in placed[2][2]


def test_an_empty_chart_says_there_is_no_need() -> None:
    root = parsed([])
    description = root.find(f"{SVG}desc")
    assert description is not None and description.text == "No open need."
    assert points(root) == {}
