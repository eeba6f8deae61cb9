"""Two real Moselle instances on loopback, for the federation test: each with its own database (a SQLite file,
or a fresh PostgreSQL database when the test session runs on PostgreSQL), its own var and upload directories,
its own gunicorn, task worker and ticker, started as ``serve`` starts them. The ticker runs ``tick`` every
second where ``serve`` runs it every minute, so that the outbox's retries (1 second apart and doubling here)
come on time.

A test drives an instance as its hub manager would through the actions, in ``python -m django shell -c``
processes against that instance's database: ``Instance.shell`` runs a script and returns what it printed with
``out(...)``; ``wait(check)`` inside a script polls the database until ``check()`` says ``ok`` or 30 s pass.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2] / "src"
START_SECONDS = 30
SHELL_SECONDS = 90
# B is the hub of another region: EDIH Saarland, a row of the European catalogue every instance imports.
B_HUB_REF, B_HUB_NAME = "edih-183", "EDIH Saarland"

# Put before every script: ``P`` holds the parameters, ``out`` prints the result, ``wait`` polls.
PRELUDE = '''
import json, sys, time

def out(value):
    print("RESULT " + json.dumps(value, default=str), flush=True)

def wait(check, seconds=30.0):
    """Call check() every 0.2 s until the state it returns has a true "ok"; give up after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        state = check()
        if state.get("ok"):
            return state
        if time.monotonic() > deadline:
            sys.stderr.write("gave up waiting; the last state: " + json.dumps(state, default=str) + "\\n")
            sys.exit(3)
        time.sleep(0.2)
'''


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Instance:
    """One Moselle instance: its address, its environment and the processes serving it."""

    name: str
    directory: Path
    database_url: str
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        # Nothing of the test session leaks in: no DATABASE_URL, no MOSELLE_* of the session, no pytest.
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("MOSELLE_", "PYTEST", "DJANGO_"))}
        kept.pop("DATABASE_URL", None)
        return {
            **kept,
            "PYTHONPATH": str(SOURCE_DIR),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "moselle.settings",
            "DATABASE_URL": self.database_url,
            "MOSELLE_VAR_DIR": str(self.directory / "var"),
            "MOSELLE_UPLOAD_DIR": str(self.directory / "uploads"),
            "MOSELLE_SECRET_KEY": f"federation-test-{self.name}-{secrets.token_hex(24)}",
            "MOSELLE_SITE_URL": self.url,
            "MOSELLE_FEDERATION_ALLOW_HTTP": "1",
            "MOSELLE_FEDERATION_RETRY_BASE_SECONDS": "1",
            "MOSELLE_FEDERATION_TIMEOUT_SECONDS": "5",
            "MOSELLE_TASK_BACKEND": "database",
            "MOSELLE_EMAIL_BACKEND": "locmem",
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "django", *args]

    def spawn(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        """A management command running in the background, its output in ``log``."""
        handle = (self.directory / log).open("ab")
        self.logs.append(handle)
        return subprocess.Popen(
            self.command(*args),
            cwd=self.directory,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended whole at stop
        )

    def shell(self, code: str, **params: Any) -> Any:
        """Run ``code`` in ``django shell`` against this instance's database; what it passed to ``out``."""
        script = PRELUDE + f"P = json.loads({json.dumps(json.dumps(params))})\n" + textwrap.dedent(code)
        done = subprocess.run(
            self.command("shell", "--no-imports", "-c", script),
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            timeout=SHELL_SECONDS,
        )
        stdout, stderr = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
        results = [line[len("RESULT ") :] for line in stdout.splitlines() if line.startswith("RESULT ")]
        if done.returncode != 0 or len(results) != 1:
            raise AssertionError(
                f"shell on {self.name} failed ({done.returncode}):\n{stderr[-4000:]}\n{stdout[-2000:]}\n"
                f"{self.log_tail()}"
            )
        return json.loads(results[0])

    def start(self) -> None:
        """gunicorn, the task worker and the ticker; back once /health/ answers."""
        (self.directory / "var").mkdir(exist_ok=True)
        gunicorn = [
            "-m",
            "gunicorn",
            "moselle.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--control-socket",
            str(self.directory / "var" / "gunicorn.ctl"),
            "--graceful-timeout",
            "2",
            "--access-logfile",
            "-",
        ]
        handle = (self.directory / "gunicorn.log").open("ab")
        self.logs.append(handle)
        self.processes["gunicorn"] = subprocess.Popen(
            [sys.executable, *gunicorn],
            cwd=self.directory,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes["worker"] = self.spawn("db_worker", "--interval", "0.2", "--no-startup-delay", log="worker.log")
        ticker = "import time\nfrom django.core.management import call_command\nwhile True:\n"
        ticker += "    call_command('tick')\n    time.sleep(1)\n"
        self.processes["ticker"] = self.spawn("shell", "--no-imports", "-c", ticker, log="ticker.log")
        deadline = time.monotonic() + START_SECONDS
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"{self.name}: {name} stopped at start.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/health/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} did not answer /health/ in {START_SECONDS} s.\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """End every process this instance runs, its children with it."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self) -> str:
        return "\n".join(f"--- {self.name} {name}.log\n{self.log(name)[-3000:]}" for name in ("gunicorn", "worker"))

    def close(self) -> None:
        self.stop()
        for handle in self.logs:
            handle.close()


def _run_together(instances: list[Instance], *args: str) -> None:
    """The same management command on every instance at once (migrate and seed take seconds each)."""
    running = [
        (
            instance,
            subprocess.Popen(
                instance.command(*args),
                cwd=instance.directory,
                env=instance.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            ),
        )
        for instance in instances
    ]
    failures = []
    for instance, process in running:
        output, _ = process.communicate(timeout=300)
        if process.returncode != 0:
            failures.append(f"{' '.join(args)} on {instance.name} failed:\n{output.decode(errors='replace')}")
    assert not failures, "\n".join(failures)


@dataclass
class _Postgres:
    """Fresh databases on the server the test session uses, created here and dropped here only."""

    settings: dict[str, Any]
    names: list[str] = field(default_factory=list)

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(
            dbname="postgres",
            host=self.settings.get("HOST") or "127.0.0.1",
            port=self.settings.get("PORT") or "5432",
            user=self.settings.get("USER") or "postgres",
            password=self.settings.get("PASSWORD") or None,
            autocommit=True,
        )

    def create(self, label: str) -> str:
        name = f"moselle_federation_{os.getpid()}_{secrets.token_hex(4)}_{label}"
        with self._connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        user, password = self.settings.get("USER") or "postgres", self.settings.get("PASSWORD") or ""
        credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        host, port = self.settings.get("HOST") or "127.0.0.1", self.settings.get("PORT") or "5432"
        return f"postgres://{credentials}@{host}:{port}/{name}"

    def drop(self) -> None:
        with self._connect() as connection:
            for name in self.names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.names.clear()


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    """A (L-DIH, the seed's hub) and B (repointed to EDIH Saarland), migrated, seeded and serving."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    postgres = _Postgres(dict(default)) if default["ENGINE"].endswith("postgresql") else None
    instances: list[Instance] = []
    try:
        for name in ("a", "b"):
            directory = tmp_path / name
            directory.mkdir()
            url = postgres.create(name) if postgres else f"sqlite:///{directory / 'moselle.sqlite3'}"
            instances.append(Instance(name=name.upper(), directory=directory, database_url=url))
        _run_together(instances, "migrate", "--noinput", "-v", "0")
        _run_together(instances, "seed")
        a, b = instances
        b.shell(
            """
            from moselle.organisations.models import HubProfile, Organisation

            hub = HubProfile.objects.get()
            hub.organisation = Organisation.objects.get(catalogue_ref=P["ref"])
            hub.edih_name, hub.country = P["name"], hub.organisation.country
            hub.save(update_fields=["organisation", "edih_name", "country"])
            out(hub.organisation.catalogue_ref)
            """,
            ref=B_HUB_REF,
            name=B_HUB_NAME,
        )
        for instance in instances:
            instance.start()
        yield a, b
    finally:
        for instance in instances:
            instance.close()
        if postgres is not None:
            postgres.drop()
