"""What the browser tests share: the server under test, a checked browser tab, and the constants."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation
from playwright.sync_api import Frame, Locator, Page, Response, expect

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "moselle-demo-2026"
# The server refuses uploads above this, so the "too large" journey needs no 10 MiB file.
UPLOAD_LIMIT = 256 * 1024
# Violations of these impacts fail a test.
BLOCKING_IMPACTS = ("serious", "critical")
SERVER_START_SECONDS = 90
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(L)ss worker %(p)s'


def gettext_in(language: str, message: str) -> str:
    """``message`` as the server's catalogue for ``language`` renders it (English while untranslated)."""
    with translation.override(language):
        return translation.gettext(message)


# --- the real WSGI server ------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    var_dir: Path
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The server gets its own SQLite database and its own settings, whatever the caller has set.
        if not key.startswith(("MOSELLE_", "DATABASE_URL", "DJANGO_", "PYTEST_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "moselle.settings",
            "MOSELLE_VAR_DIR": str(var_dir),
            "MOSELLE_DEMO": "1",
            "MOSELLE_REQUIRE_STAFF_MFA": "0",
            "MOSELLE_EMAIL_BACKEND": "console",
            "MOSELLE_UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT),
            "MOSELLE_WEB_WORKERS": "2",
            # The suite logs the demo people in dozens of times a minute from one address; at the default
            # 30 a minute some log-ins would be refused (429) on a fast machine and not on a slow one.
            "MOSELLE_LOGIN_RATE_LIMIT": "1000",
            "MOSELLE_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # gunicorn's control socket defaults to one path in $HOME, shared with any other instance;
            # the access log gives each request's duration and worker, to tell a slow page from a wait.
            "GUNICORN_CMD_ARGS": f"--no-control-socket --access-logformat '{ACCESS_LOG_FORMAT}'",
        }
    )
    return env


def _manage(args: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ manage.py {' '.join(args)}\n")
        log.flush()
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
    if done.returncode != 0:
        tail = "\n".join(log_path.read_text(encoding="utf-8").splitlines()[-40:])
        raise RuntimeError(f"manage.py {' '.join(args)} failed with exit code {done.returncode}:\n{tail}")


def _copy_output(stream: Any, log_path: Path, listening: threading.Event) -> None:
    """Drain the server's output into the log (a full pipe would block it) and spot gunicorn's start."""
    with log_path.open("a", encoding="utf-8") as log:
        for line in iter(stream.readline, ""):
            log.write(line)
            log.flush()
            if "Listening at: http://" in line:
                listening.set()
    listening.set()  # the output closed: the server is gone, and the waiter must not hang


@contextmanager
def running_server(var_dir: Path) -> Iterator[Server]:
    """``manage.py serve`` on a free loopback port, ready once /health/ answers; its process group stopped after."""
    log_path = var_dir / "server.log"
    env = _server_environment(var_dir)
    for args in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["seed"],
        ["demo"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        _manage(args, env, log_path)

    port = _free_loopback_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so the whole group can be stopped
    )
    listening = threading.Event()
    copier = threading.Thread(target=_copy_output, args=(process.stdout, log_path, listening), daemon=True)
    copier.start()
    server = Server(base_url=f"http://127.0.0.1:{port}", var_dir=var_dir, log_path=log_path)
    try:
        if not listening.wait(SERVER_START_SECONDS) or process.poll() is not None:
            raise RuntimeError(f"manage.py serve did not start listening:\n{server.log_tail()}")
        # gunicorn holds the connection until a worker has booted, so one patient request is enough.
        with urllib.request.urlopen(server.url("/health/"), timeout=SERVER_START_SECONDS) as response:
            body = json.loads(response.read())
        if body.get("status") != "ok":
            raise RuntimeError(f"/health/ answered {body!r}:\n{server.log_tail()}")
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        copier.join(timeout=30)


# --- the browser ---------------------------------------------------------------------------------


def _format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} serious or critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = " ".join(node["failureSummary"].split())
            lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


@dataclass
class Tab:
    """One browser tab of a test, which checks every page it lands on with axe-core."""

    page: Page
    server: Server
    navigations: int = 0
    checked: set[int] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._navigated)
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        self.page.on("response", self._answered)

    def _answered(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"server error {response.status} for {response.request.method} {response.url}")

    def _navigated(self, frame: Frame) -> None:
        if frame != self.page.main_frame:
            return
        before, _, fragment = frame.url.partition("#")
        if self.visited and fragment and self.visited[-1].partition("#")[0] == before:
            return  # a jump within the same document (the skip link), not a new page
        self.navigations += 1
        self.visited.append(frame.url)

    def goto(self, path: str, *, status: int = 200) -> None:
        """Open a page of the server by its path and check it."""
        response = self.page.goto(self.server.url(path))
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        self.check()

    def landed(self, sign: Locator) -> None:
        """After a click that loads a page: wait until ``sign`` shows on it, then check it."""
        expect(sign).to_be_visible()
        self.check()

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def check(self) -> None:
        """Run axe-core on the page now shown; fail with a readable list of serious or critical violations."""
        self.page.wait_for_load_state("load")
        navigation = self.navigations
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE_JS))
        violations = self.page.evaluate(
            """async (impacts) => {
                const results = await window.axe.run(document, {resultTypes: ["violations"]});
                return results.violations
                    .filter((v) => impacts.includes(v.impact))
                    .map((v) => ({
                        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                        nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html,
                                                    failureSummary: n.failureSummary || ""})),
                    }));
            }""",
            list(BLOCKING_IMPACTS),
        )
        assert self.navigations == navigation, f"the page changed while axe-core was checking {self.page.url}"
        assert not violations, _format_violations(self.page.url, violations)
        self.checked.add(navigation)

    def unchecked(self) -> list[str]:
        return [url for number, url in enumerate(self.visited, start=1) if number not in self.checked]

    def assert_clean(self) -> None:
        """Every page the tab landed on was checked with axe-core, and none failed in the server or in JavaScript."""
        unchecked = self.unchecked()
        assert not unchecked, f"pages visited but not checked with axe-core: {unchecked}"
        assert not self.problems, "\n".join([*self.problems, "server log:", self.server.log_tail()])

    def log_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the real form; afterwards the home page of the person's role is shown and checked."""
        self.goto("/accounts/login/")
        form = self.page.locator("main form")
        form.get_by_label(re.compile(r"^e-?mail", re.IGNORECASE)).fill(email)
        form.get_by_label(re.compile(r"^password", re.IGNORECASE)).fill(password)
        form.get_by_role("button", name=re.compile(r"sign in|log in", re.IGNORECASE)).click()
        self.page.wait_for_url(self.server.url("/"))
        self.landed(self.heading())

    def assert_fits_width(self) -> None:
        """Fail, naming the elements that stick out, when the page scrolls sideways."""
        overflow = self.page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                const out = [`scrollWidth ${document.documentElement.scrollWidth} > clientWidth ${width}`];
                for (const el of document.body.querySelectorAll("*")) {
                    const box = el.getBoundingClientRect();
                    if (box.width > 0 && box.right > width + 0.5) {
                        const cls = typeof el.className === "string" && el.className ? "." + el.className : "";
                        out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}: ` +
                                 `right edge at ${Math.round(box.right)}px, ` + el.outerHTML.slice(0, 100));
                    }
                }
                return out.slice(0, 20);
            }"""
        )
        assert not overflow, f"{self.page.url} is wider than the screen:\n" + "\n".join(overflow)
