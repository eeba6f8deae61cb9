"""Browser tests: Debian's Chromium, driven by Playwright, against the real gunicorn server.

One ``manage.py serve`` (gunicorn and the task worker) runs for the whole session on a free
loopback port, with its own SQLite database, static files and uploads in a temporary folder,
loaded with the seed and the demo people. One Chromium runs with a profile folder made fresh for
the run; each test gets a new tab with no cookies. Every page a test lands on is checked with
axe-core, and a test that leaves a page unchecked fails.

Run ``tests/browser/setup.sh`` first (``make browser`` does): it installs Chromium from Debian
and axe-core from npm. Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Playwright, expect, sync_playwright

from .support import AXE_JS, CHROMIUM, CHROMIUM_ARGS, Server, Tab, running_server

CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Remember whether the test itself failed, so the tab's own check does not pile on."""
    report = yield
    if report.when == "call":  # type: ignore[attr-defined]
        item.stash[CALL_FAILED] = report.failed  # type: ignore[attr-defined]
    return report


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real WSGI server (``manage.py serve``) with the seed and the demo people, for the session."""
    with running_server(tmp_path_factory.mktemp("moselle-var")) as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls made
    # while one runs. The browser tests make none, but allow them rather than fail obscurely; only
    # while the browser runs, so that unit tests collected in the same session keep the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_context(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Debian's Chromium, headless, with a profile folder made fresh for this run."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run tests/browser/setup.sh (it installs Debian's chromium).")
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run tests/browser/setup.sh (it installs axe-core from npm).")
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        locale="en-GB",
        timezone_id="Europe/Luxembourg",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    yield context
    context.close()


@pytest.fixture
def tab(request: pytest.FixtureRequest, server: Server, browser_context: BrowserContext) -> Iterator[Tab]:
    """A new tab with no cookies; at the end, every page it landed on must have been checked with axe."""
    browser_context.clear_cookies()
    page = browser_context.new_page()
    opened = Tab(page=page, server=server)
    yield opened
    page.close()
    if not request.node.stash.get(CALL_FAILED, True):
        opened.assert_clean()
