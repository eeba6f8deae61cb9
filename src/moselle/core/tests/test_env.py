"""Settings readers refuse bad values with the variable's name and the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from moselle import env


def test_it_reads_booleans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env.env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env.env_bool("X_FLAG", True) is False
    monkeypatch.delenv("X_FLAG")
    assert env.env_bool("X_FLAG", True) is True


def test_it_refuses_a_bad_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"X_FLAG='maybe' is not a boolean"):
        env.env_bool("X_FLAG", False)


def test_it_refuses_numbers_out_of_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_PORT", "seventy")
    with pytest.raises(ImproperlyConfigured, match="X_PORT='seventy' is not a whole number"):
        env.env_int("X_PORT", 1)
    monkeypatch.setenv("X_PORT", "70000")
    with pytest.raises(ImproperlyConfigured, match="above the maximum of 65535"):
        env.env_int("X_PORT", 1, maximum=65535)
    monkeypatch.setenv("X_PORT", "587")
    assert env.env_int("X_PORT", 1, maximum=65535) == 587


def test_it_refuses_an_unknown_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_MODE", "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="X_MODE='carrier-pigeon' is not one of: smtp, console"):
        env.env_choice("X_MODE", "console", ("smtp", "console"))


def test_it_reads_lists() -> None:
    assert env.env_list("X_UNSET_LIST", ["a"]) == ["a"]


def test_it_turns_a_postgres_url_into_a_database() -> None:
    db = env.database_from_url("postgres://hub:s%40cret@db.example:6543/moselle?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "hub",
        "s@cret",
        "db.example",
        "6543",
        "moselle",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root@localhost/x", "scheme 'mysql'"),
        ("postgres://localhost", "names no database"),
        ("postgres://localhost:port/x", "port that is not a number"),
        ("sqlite://", "names no SQLite file"),
    ],
)
def test_it_refuses_a_bad_database_url(url: str, reason: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=reason):
        env.database_from_url(url)


def test_sqlite_queues_writers_instead_of_failing(tmp_path: object) -> None:
    db = env.database_from_url("sqlite:////tmp/moselle-test.sqlite3")
    assert db["NAME"] == "/tmp/moselle-test.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def _settings_in_a_fresh_process(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MOSELLE_")}
    environment.update(variables, DJANGO_SETTINGS_MODULE="moselle.settings", PYTHONPATH=":".join(sys.path))
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.ACCOUNT_RATE_LIMITS))"
    )
    return subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)


def test_the_log_in_limit_comes_from_the_environment_and_a_bad_one_stops_start_up() -> None:
    done = _settings_in_a_fresh_process(MOSELLE_LOGIN_RATE_LIMIT="120")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"login": "120/m/ip"}
    assert json.loads(_settings_in_a_fresh_process().stdout) == {"login": "30/m/ip"}
    refused = _settings_in_a_fresh_process(MOSELLE_LOGIN_RATE_LIMIT="0")
    assert refused.returncode != 0
    assert "MOSELLE_LOGIN_RATE_LIMIT=0 is below the minimum of 1" in refused.stderr
