"""Benchmarks: printed as figures and ratios, never asserted against a stopwatch in tests.

The foundation has one: the permission check that every page runs, measured as queries per
request and requests per second against the test client on a seeded SQLite database.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moselle.settings")
os.environ.setdefault("MOSELLE_VAR_DIR", tempfile.mkdtemp(prefix="moselle-bench-"))
os.environ.setdefault("MOSELLE_REQUIRE_STAFF_MFA", "0")
os.environ.setdefault("MOSELLE_TASK_BACKEND", "immediate")
os.environ.setdefault("MOSELLE_TESTING", "1")  # plain static storage, no collectstatic needed


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("seed", stdout=quiet)
        call_command("demo", stdout=quiet)
    from moselle.accounts.models import User

    for email, path in [("advisor@demo.moselle.lu", "/"), ("company@demo.moselle.lu", "/organisations/")]:
        client = Client()
        client.force_login(User.objects.get(email=email))
        client.get(path)
        connection.force_debug_cursor = True
        connection.queries_log.clear()
        client.get(path)
        queries = list(connection.queries_log)
        connection.force_debug_cursor = False
        rounds = 200
        start = time.perf_counter()
        for _ in range(rounds):
            client.get(path)
        elapsed = time.perf_counter() - start
        print(f"{path:<16} as {email:<26} {len(queries):>3} queries  {rounds / elapsed:8.1f} requests/s")


if __name__ == "__main__":
    main()
