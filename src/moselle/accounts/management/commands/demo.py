"""Load the demo people (one per role) and print their log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from moselle.accounts.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create one demo user per role, flagged as demo. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        people = load_demo()
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for person in people:
            note = " (pending approval)" if person.status == "pending" else ""
            self.stdout.write(f"  {person.role:<16} {person.email}{note}")
