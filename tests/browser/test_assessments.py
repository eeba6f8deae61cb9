"""The digital maturity assessment (Open DMA) in the browser: a company fills in the whole enterprise
questionnaire, two steps with the keyboard alone, leaves it halfway and resumes it, is refused a submission
while a scale row has no grade, then submits and reads its radar, band, gaps and printable report; hub staff
take a new organisation from T0 to T1 and see the progress; and the questionnaire fits a phone.

The questions and items come from the questionnaire's data file, so the locators also check that every
question, row, tick box and select carries the label the questionnaire gives it. Each change is saved by
htmx on its own; the helpers wait for that save's answer before the next change, never for a time."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, expect

from moselle.assessments import questionnaires
from moselle.assessments.questionnaires import CHECKLIST, DUAL, NPY, SCALE, Dimension, Item, Question

from .support import Tab

SME = questionnaires.current(questionnaires.SME)
COMPANY = "Précision Mosellane SARL (démo)"
BANDS = ("Basic", "Average", "Moderately advanced", "Advanced")
SCORE = re.compile(r"^\d{1,3}\.\d\d$")
SAVED = re.compile(r"^\s*Saved at \d\d:\d\d:\d\d\.\s*$")
PHONE = {"width": 375, "height": 740}
SCORES_TABLE = "Scores from 0 to 100 by dimension"


@dataclass(frozen=True)
class Level:
    """How much an organisation has in place: what the helpers tick, grade and answer in every question."""

    ticked: int  # positive items of a checklist ticked, from the top
    invested: int  # rows of an invested/planned table ticked "already invested", from the top
    planned: int  # the rows after those, ticked "plan to (further) invest"
    grade: int  # every row of a 0-5 scale
    npy: str  # every row of a No/Partially/Yes question


LOW = Level(ticked=1, invested=1, planned=2, grade=1, npy="No")
MIDDLE = Level(ticked=4, invested=3, planned=3, grade=2, npy="Partially")
HIGH = Level(ticked=5, invested=5, planned=2, grade=4, npy="Yes")


def text(shown: Question | Item) -> str:
    """The English label of a question or an item, as the page shows it."""
    return shown.text["en"] if isinstance(shown, Question) else shown.text("en")


# --- saving and moving between steps ------------------------------------------------------------------------


def saved(tab: Tab, change: Callable[[], object]) -> None:
    """Make one change and wait until htmx has saved it: its POST answered 200 and the status line says so."""
    page = tab.page
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true"
    ) as answer:
        change()
    assert answer.value.status == 200, f"the save answered {answer.value.status}: {answer.value.text()[:300]}"
    expect(page.locator("#save-status")).to_have_text(SAVED)


def set_box(tab: Tab, box: Locator, on: bool) -> None:
    """Tick or untick a checkbox or radio button (a change, so a save) unless it already is so."""
    if box.is_checked() != on:
        saved(tab, lambda: box.set_checked(on))


def choose(tab: Tab, select: Locator, value: str) -> None:
    saved(tab, lambda: select.select_option(value))


def answered(tab: Tab, percent: int) -> None:
    expect(tab.page.locator("#answered")).to_contain_text(f"{percent}% answered")
    expect(tab.page.get_by_label(f"{percent}% answered")).to_have_attribute("value", str(percent))


def steps_nav(tab: Tab) -> Locator:
    return tab.page.get_by_role("navigation", name="Steps of the questionnaire")


def step_heading(tab: Tab, name: str) -> Locator:
    return tab.page.get_by_role("heading", level=2, name=name, exact=True)


def continue_to(tab: Tab, name: str) -> None:
    """Save the step with its button and land on the next one, whose heading is ``name``."""
    tab.page.get_by_role("button", name="Save and continue").click()
    tab.landed(step_heading(tab, name))


def open_step(tab: Tab, name: str) -> None:
    """Jump to a step through the list of steps."""
    steps_nav(tab).get_by_role("link", name=name, exact=True).click()
    tab.landed(step_heading(tab, name))


def question_group(tab: Tab, question: Question) -> Locator:
    return tab.page.get_by_role("group", name=text(question), exact=True)


def row_group(question: Locator, item: Item) -> Locator:
    return question.get_by_role("group", name=text(item), exact=True)


def checkbox(question: Locator, item: Item) -> Locator:
    return question.get_by_role("checkbox", name=text(item), exact=True)


# --- whole steps and whole questionnaires ----------------------------------------------------------------------


def answer_step(tab: Tab, step: Dimension, level: Level, *, leave_empty: frozenset[str] = frozenset()) -> None:
    """Answer every question of a dimension at ``level`` with the mouse, on a step with nothing ticked yet;
    the scale rows named in ``leave_empty`` keep no grade."""
    for question in step.questions:
        group = question_group(tab, question)
        expect(group).to_be_visible()
        if question.kind == CHECKLIST:
            for item in question.positive_items[: level.ticked]:
                set_box(tab, checkbox(group, item), True)
        elif question.kind == DUAL:
            for item in question.items[: level.invested]:
                set_box(tab, row_group(group, item).get_by_role("checkbox", name="already invested"), True)
            for item in question.items[level.invested : level.invested + level.planned]:
                set_box(tab, row_group(group, item).get_by_role("checkbox", name="plan to (further) invest"), True)
        elif question.kind == SCALE:
            for item in question.items:
                if item.key not in leave_empty:
                    choose(tab, group.get_by_label(text(item), exact=True), str(level.grade))
        else:
            assert question.kind == NPY
            for item in question.items:
                set_box(tab, row_group(group, item).get_by_role("radio", name=level.npy, exact=True), True)


def expect_step(tab: Tab, step: Dimension, level: Level, *, left_empty: frozenset[str] = frozenset()) -> None:
    """The step shows the answers ``answer_step`` gave it at ``level``."""
    for question in step.questions:
        group = question_group(tab, question)
        if question.kind == CHECKLIST:
            for index, item in enumerate(question.positive_items):
                expect(checkbox(group, item)).to_be_checked(checked=index < level.ticked)
            for item in question.negative_items:
                expect(checkbox(group, item)).not_to_be_checked()
        elif question.kind == DUAL:
            for index, item in enumerate(question.items):
                row = row_group(group, item)
                planned = level.invested <= index < level.invested + level.planned
                expect(row.get_by_role("checkbox", name="already invested")).to_be_checked(
                    checked=index < level.invested
                )
                expect(row.get_by_role("checkbox", name="plan to (further) invest")).to_be_checked(checked=planned)
        elif question.kind == SCALE:
            for item in question.items:
                wanted = "" if item.key in left_empty else str(level.grade)
                expect(group.get_by_label(text(item), exact=True)).to_have_value(wanted)
        else:
            for item in question.items:
                expect(row_group(group, item).get_by_role("radio", name=level.npy, exact=True)).to_be_checked()


def fill_customer(tab: Tab, name: str) -> None:
    """Module 1: the registry filled in the name and the country; give the required fields it left empty."""
    page = tab.page
    expect(page.get_by_label("Name of the organisation (required)")).to_have_value(name)
    expect(page.get_by_label("Country (required)")).to_have_value("LU")
    staff = page.get_by_label("Number of staff (required)")
    sector = page.get_by_label("Main sector of activity (required)")
    expect(staff).to_have_value("")
    expect(sector).to_have_value("")
    saved(tab, lambda: staff.select_option(label="Small enterprise (10\N{EN DASH}49)"))
    saved(tab, lambda: sector.select_option(label="Manufacturing"))
    answered(tab, 8)  # Module 1 is one part of twelve, each question another


def start(tab: Tab, stage: str, mode: str) -> None:
    """On an organisation's assessments page: start the stage offered, which opens Module 1 of its questionnaire."""
    page = tab.page
    form = page.locator("form").filter(has=page.get_by_role("button", name="Start", exact=True))
    expect(form.get_by_label("Stage")).to_have_value(stage)
    form.get_by_label("Who fills it in").select_option(label=mode)
    form.get_by_role("button", name="Start", exact=True).click()
    tab.landed(tab.heading().filter(has_text=f"Digital maturity assessment, {stage}"))
    expect(step_heading(tab, "About the organisation")).to_be_visible()


def submit_from_review(tab: Tab) -> None:
    page = tab.page
    expect(page.get_by_text("Every required answer is given.")).to_be_visible()
    answered(tab, 100)
    page.get_by_role("button", name="Submit the assessment").click()
    tab.landed(page.get_by_role("status").get_by_text("The assessment was submitted."))


def fill_in_and_submit(tab: Tab, name: str, level: Level) -> None:
    """From Module 1 to the results: the required customer data, every dimension at ``level``, submitted."""
    fill_customer(tab, name)
    for step in SME.dimensions:
        continue_to(tab, step.name("en"))
        answer_step(tab, step, level)
    tab.page.get_by_role("button", name="Save and continue").click()
    tab.landed(tab.page.get_by_text("Every required answer is given."))
    submit_from_review(tab)


def overall_cells(tab: Tab) -> Locator:
    scores = tab.page.get_by_role("table", name=SCORES_TABLE)
    return scores.get_by_role("row", name=re.compile(r"^Overall ")).get_by_role("cell")


# --- the keyboard ------------------------------------------------------------------------------------------


def tab_to(tab: Tab, target: Locator) -> None:
    """From the top of the page: the skip link, then Tab past the step list until ``target`` has the focus."""
    page = tab.page
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    for _press in range(20):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"20 presses of Tab after the skip link did not reach {target}")


def next_focus(tab: Tab, target: Locator) -> None:
    tab.page.keyboard.press("Tab")
    expect(target).to_be_focused()


def press(tab: Tab, key: str) -> None:
    """Press a key that changes an answer, and wait for its save."""
    saved(tab, lambda: tab.page.keyboard.press(key))


def to_the_buttons(tab: Tab) -> None:
    """After the last question, Tab reaches the step's two buttons; the focus stays on the second."""
    next_focus(tab, tab.page.get_by_role("button", name="Save and go back"))
    next_focus(tab, tab.page.get_by_role("button", name="Save and continue"))


def keyboard_scale_step(tab: Tab, step: Dimension, level: Level) -> None:
    """A step of 0-5 scales with the keyboard alone: Tab to each select and type its grade."""
    (question,) = step.questions
    assert question.kind == SCALE
    group = question_group(tab, question)
    selects = [group.get_by_label(text(item), exact=True) for item in question.items]
    tab_to(tab, selects[0])
    for index, select in enumerate(selects):
        if index:
            next_focus(tab, select)
        press(tab, str(level.grade))  # picks "<grade> · <stage>" while the list stays closed
        expect(select).to_have_value(str(level.grade))
    to_the_buttons(tab)


def keyboard_checklist_and_npy_step(tab: Tab, step: Dimension, level: Level) -> None:
    """A checklist and a No/Partially/Yes question with the keyboard alone: Space ticks, the arrows choose."""
    checklist, npy = step.questions
    assert checklist.kind == CHECKLIST and npy.kind == NPY and not checklist.negative_items
    assert level.npy == "Partially"  # one step right of "No"
    boxes = question_group(tab, checklist)
    tab_to(tab, checkbox(boxes, checklist.items[0]))
    for index, item in enumerate(checklist.items):
        if index:
            next_focus(tab, checkbox(boxes, item))
        if index < level.ticked:
            press(tab, "Space")
        expect(checkbox(boxes, item)).to_be_checked(checked=index < level.ticked)
    rows = question_group(tab, npy)
    for item in npy.items:
        row = row_group(rows, item)
        next_focus(tab, row.get_by_role("radio", name="No", exact=True))  # none chosen yet: the first has the focus
        press(tab, "ArrowRight")
        expect(row.get_by_role("radio", name="Partially", exact=True)).to_be_focused()
        expect(row.get_by_role("radio", name="Partially", exact=True)).to_be_checked()
    to_the_buttons(tab)


# --- the tests -------------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_company_fills_in_resumes_and_submits_the_questionnaire_and_reads_its_results(tab: Tab) -> None:
    page = tab.page
    d1, d2, d3, d4, d5, d6 = SME.dimensions
    technologies = SME.questions["q4"]  # a 0-5 scale of Digital readiness
    blockchain = technologies.item("blockchain")
    assert blockchain is not None

    tab.log_in("company@demo.moselle.lu")
    mine = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=COMPANY, exact=True))
    mine.get_by_role("link", name="Digital maturity assessment").click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))
    expect(page.get_by_text("No assessment yet.")).to_be_visible()
    start(tab, "T0", "the organisation, alone")
    answered(tab, 0)
    fill_customer(tab, COMPANY)

    # Three dimensions with the mouse, one scale row left without a grade on purpose.
    continue_to(tab, d1.name("en"))
    answer_step(tab, d1, MIDDLE)
    continue_to(tab, d2.name("en"))
    answer_step(tab, d2, MIDDLE, leave_empty=frozenset({blockchain.key}))
    continue_to(tab, d3.name("en"))
    answer_step(tab, d3, MIDDLE)
    answered(tab, 50)  # Module 1 and five of the eleven questions

    # A reload keeps the step's answers ...
    page.reload()
    tab.check()
    expect_step(tab, d3, MIDDLE)
    continue_to(tab, d4.name("en"))
    # ... and so does leaving for the organisation's assessments and coming back to the draft.
    page.get_by_role("link", name=COMPANY, exact=True).click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))
    draft = page.get_by_role("row").filter(has_text="T0")
    expect(draft).to_contain_text("Enterprise (SME or small mid-cap)")
    draft.get_by_role("link", name="being filled in: continue").click()
    tab.landed(step_heading(tab, "About the organisation"))
    answered(tab, 50)
    expect(page.get_by_label("Number of staff (required)")).to_have_value("small")
    expect(page.get_by_label("Main sector of activity (required)")).to_have_value("manufacturing")
    open_step(tab, d1.name("en"))
    expect_step(tab, d1, MIDDLE)
    open_step(tab, d2.name("en"))
    expect_step(tab, d2, MIDDLE, left_empty=frozenset({blockchain.key}))
    steps = steps_nav(tab).get_by_role("listitem")
    expect(steps.filter(has_text=d2.name("en"))).to_contain_text("(to answer)")
    expect(steps.filter(has_text=d3.name("en"))).not_to_contain_text("(to answer)")

    # Data: "not collected digitally" excludes the other items, and ticking it unticks them at once.
    open_step(tab, d4.name("en"))
    data_question = SME.questions["q7"]
    data = question_group(tab, data_question)
    (negative,) = data_question.negative_items
    not_digital = checkbox(data, negative)
    for item in data_question.positive_items[:2]:
        set_box(tab, checkbox(data, item), True)
    set_box(tab, not_digital, True)  # saved (200): the page unticked the others before htmx sent the form
    expect(not_digital).to_be_checked()
    for item in data_question.positive_items:
        expect(checkbox(data, item)).not_to_be_checked()
    set_box(tab, not_digital, False)
    answer_step(tab, d4, MIDDLE)  # ticks the first items again
    expect_step(tab, d4, MIDDLE)

    # Automation and AI with the keyboard alone: Tab to each select and type its grade.
    continue_to(tab, d5.name("en"))
    keyboard_scale_step(tab, d5, MIDDLE)
    page.keyboard.press("Enter")
    tab.landed(step_heading(tab, d6.name("en")))
    # Green digitalisation with the keyboard alone: Space ticks, the arrow keys choose an answer.
    keyboard_checklist_and_npy_step(tab, d6, MIDDLE)
    page.keyboard.press("Enter")

    # The review lists the question with the empty scale row, and a submission is refused until it has a grade.
    tab.landed(step_heading(tab, "Still to answer"))
    missing = page.locator("ul.missing").get_by_role("link")
    expect(missing).to_have_text([text(technologies)])
    answered(tab, 92)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Submit the assessment").click()
    assert answer.value.status == 400
    tab.landed(page.get_by_role("alert"))
    expect(page.get_by_role("alert")).to_contain_text(f"Not answered yet: {text(technologies)}")
    expect(missing).to_have_text([text(technologies)])
    missing.click()
    tab.landed(step_heading(tab, d2.name("en")))
    choose(tab, question_group(tab, technologies).get_by_label(text(blockchain), exact=True), "0")
    steps_nav(tab).get_by_role("link", name="Check and submit").click()
    tab.landed(page.get_by_text("Every required answer is given."))
    submit_from_review(tab)

    # The results: the radar, the scores by dimension and overall, the band, its meaning and the gaps.
    expect(tab.heading()).to_have_text("Digital maturity, T0")
    chart_title = f"Digital maturity of {COMPANY} by dimension"
    expect(page.get_by_role("img", name=re.compile(rf"^{re.escape(chart_title)} T0: "))).to_be_visible()
    expect(page.locator("svg.radar")).to_be_visible()
    expect(page.locator("svg.radar > title")).to_have_text(chart_title)
    expect(page.locator("svg.radar polygon.radar-series")).to_have_count(1)
    scores = page.get_by_role("table", name=SCORES_TABLE)
    expect(scores.get_by_role("columnheader")).to_have_text(["Dimension", "T0", "Band"])
    for step in SME.dimensions:
        row = scores.get_by_role("row", name=re.compile(rf"^{re.escape(step.name('en'))} "))
        expect(row.get_by_role("cell")).to_have_text([SCORE, re.compile("^(" + "|".join(BANDS) + ")$")])
    overall = overall_cells(tab)
    expect(overall.first).to_have_text(SCORE)
    score, band = overall.first.inner_text(), overall.last.inner_text()
    assert band in BANDS, band
    meaning = page.get_by_role("heading", level=2, name=f"Overall: {band} ({score} out of 100)")
    expect(meaning).to_be_visible()
    expect(page.locator("section.meaning > p").first).not_to_be_empty()
    green = page.locator("section.dimension").filter(has=page.get_by_role("heading", name=re.compile(r"^Green ")))
    sustainable, environment = SME.questions["q10"], SME.questions["q11"]
    gaps = len(sustainable.positive_items) - MIDDLE.ticked + len(environment.items)
    green.get_by_text(f"{gaps} things not in place yet").click()
    expect(green.get_by_role("listitem")).to_have_count(gaps)
    expect(
        green.get_by_role("listitem").filter(has_text=f"Not yet in place: {text(sustainable.items[-1])}")
    ).to_be_visible()
    partly = f"Partly in place: {text(environment.items[0])}"
    expect(green.get_by_role("listitem").filter(has_text=partly)).to_be_visible()

    # The printable report.
    page.get_by_role("link", name="Printable report").click()
    tab.landed(tab.heading().filter(has_text=f"Digital maturity report: {COMPANY}"))
    expect(page.get_by_text(re.compile(r"^Issued on \d"))).to_be_visible()
    expect(page.locator("svg.radar")).to_be_visible()
    expect(page.locator("svg.radar > title")).to_have_text(chart_title)
    expect(page.get_by_role("heading", level=2, name=f"Overall: {band} ({score} out of 100)")).to_be_visible()
    # Printed on A4 by Chromium itself, the report is two pages: the scores, then what they mean.
    printed = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", printed)) == 2


@pytest.mark.browser
def test_hub_staff_take_an_organisation_from_t0_to_t1_and_see_the_progress(tab: Tab) -> None:
    page = tab.page
    name = "Këscht Mamer Sàrl"  # registered here, so the test needs no other test's assessments
    tab.log_in("manager@demo.moselle.lu")
    main_nav = page.get_by_role("navigation", name="Main navigation")
    main_nav.get_by_role("link", name="Organisations", exact=True).click()
    tab.landed(tab.heading().filter(has_text="Organisations"))
    page.get_by_role("link", name="Register an organisation").click()
    tab.landed(tab.heading().filter(has_text="Register an organisation"))
    page.get_by_label("Legal name").fill(name)
    page.get_by_role("group", name="Kinds").get_by_label("company").check()
    page.get_by_role("button", name="Register the organisation").click()
    tab.landed(page.get_by_role("status").get_by_text("The organisation was registered."))
    page.get_by_role("link", name="Digital maturity assessments").click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))

    start(tab, "T0", "an advisor, with the organisation")
    fill_in_and_submit(tab, name, LOW)
    expect(overall_cells(tab).first).to_have_text(SCORE)
    before = overall_cells(tab).first.inner_text()

    page.get_by_role("link", name=f"All assessments of {name}").click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))
    expect(page.get_by_role("row").filter(has_text="T0").get_by_role("link", name="submitted")).to_be_visible()
    start(tab, "T1", "an advisor, with the organisation")
    fill_in_and_submit(tab, name, HIGH)

    expect(tab.heading()).to_have_text("Digital maturity, T1")
    scores = page.get_by_role("table", name=SCORES_TABLE)
    expect(scores.get_by_role("columnheader")).to_have_text(["Dimension", "T0", "T1", "T0 → T1", "Band"])
    overall = overall_cells(tab)
    expect(overall).to_have_text([before, SCORE, re.compile(r"^\+\d{1,3}\.\d\d$"), re.compile(r"\w")])
    after, progress = float(overall.nth(1).inner_text()), float(overall.nth(2).inner_text())
    assert progress > 0
    assert progress == pytest.approx(after - float(before), abs=0.011)
    expect(page.locator("svg.radar polygon.radar-series")).to_have_count(2)
    expect(page.locator("svg.radar polygon.radar-series > title")).to_have_text(["T0", "T1"])
    expect(page.locator("figure.radar-figure figcaption").get_by_role("listitem")).to_have_text(["T0", "T1"])


@pytest.mark.browser
def test_the_questionnaire_fits_a_phone(tab: Tab) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.log_in("manager@demo.moselle.lu")
    tab.goto("/organisations/?q=DataWerk")
    page.get_by_role("link", name="DataWerk Analytics (demo)").click()
    tab.landed(tab.heading().filter(has_text="DataWerk Analytics (demo)"))
    page.get_by_role("link", name="Digital maturity assessments").click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))
    tab.assert_fits_width()
    page.get_by_role("button", name="Start", exact=True).click()
    tab.landed(step_heading(tab, "About the organisation"))
    fits_with_buttons(tab, "Save and continue")

    d1, d2 = SME.dimensions[:2]
    open_step(tab, d1.name("en"))  # the invested/planned table: a fieldset of two tick boxes per row
    fits_with_buttons(tab, "Save and go back", "Save and continue")
    design = row_group(question_group(tab, SME.questions["q1"]), SME.questions["q1"].items[0])
    set_box(tab, design.get_by_role("checkbox", name="already invested"), True)  # not covered by anything

    open_step(tab, d2.name("en"))  # a 0-5 scale: one select per row
    fits_with_buttons(tab, "Save and go back", "Save and continue")
    scale = question_group(tab, SME.questions["q4"])
    choose(tab, scale.get_by_label(text(SME.questions["q4"].items[0]), exact=True), "3")

    open_step(tab, SME.dimensions[-1].name("en"))  # No/Partially/Yes rows of radio buttons
    fits_with_buttons(tab, "Save and go back", "Save and continue")


def fits_with_buttons(tab: Tab, *buttons: str) -> None:
    """No sideways scroll at 375 px, and the step's buttons come whole into view."""
    tab.assert_fits_width()
    assert tab.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for name in buttons:
        button = tab.page.get_by_role("button", name=name)
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport(ratio=1)
        expect(button).to_be_enabled()
