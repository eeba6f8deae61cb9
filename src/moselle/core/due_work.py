"""Work that comes due with time, from every app, run by the ``tick`` command every minute.

An app registers a function from its ``AppConfig.ready``; the function takes no argument, does what has
come due, returns how many things it did, and is safe to run twice (two ticks may overlap)."""

from __future__ import annotations

from collections.abc import Callable

Job = Callable[[], int]
_jobs: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    _jobs[name] = job


def jobs() -> list[tuple[str, Job]]:
    return sorted(_jobs.items())
