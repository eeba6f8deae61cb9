"""Serve the platform: gunicorn (the WSGI server), the task worker, and ``tick`` every minute."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from moselle.env import env_int


class Command(BaseCommand):
    help = "Run gunicorn and the background worker together; stop both on Ctrl+C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=env_int("MOSELLE_WEB_WORKERS", 2, minimum=1, maximum=64))
        parser.add_argument("--threads", type=int, default=env_int("MOSELLE_WEB_THREADS", 8, minimum=1, maximum=256))

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        children = [
            subprocess.Popen(  # noqa: S603
                [
                    python,
                    "-m",
                    "gunicorn",
                    "moselle.wsgi:application",
                    "--bind",
                    options["bind"],
                    "--workers",
                    str(options["workers"]),
                    # Threads, so that an idle keep-alive browser connection does not hold a whole worker.
                    "--worker-class",
                    "gthread",
                    "--threads",
                    str(options["threads"]),
                    # gunicorn's control socket defaults to one path per machine; keep ours beside the data.
                    "--control-socket",
                    str(Path(settings.VAR_DIR) / "gunicorn.ctl"),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "5",
                ]
            ),
            subprocess.Popen([python, "-m", "django", "db_worker", "--interval", "1"]),  # noqa: S603
        ]
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Moselle is serving at http://{options['bind']}/ (Ctrl+C stops it)")
        next_tick = 0.0
        try:
            while not stopping and all(child.poll() is None for child in children):
                if time.monotonic() >= next_tick:
                    call_command("tick")
                    next_tick = time.monotonic() + 60
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
