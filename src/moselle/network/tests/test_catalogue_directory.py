"""The directory over the real European catalogue: its 457 hubs plus the one the demo adds by hand, on the list,
on the map's table and in the map itself, and the Greater Region's five hubs marked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from moselle.core.taxonomy import seed_taxonomy
from moselle.network.demo import BIR_MZ_KL, bir_mz_kl
from moselle.organisations import imports
from moselle.organisations.catalogue_import import BUNDLED
from moselle.organisations.models import ImportRun


@pytest.fixture
def catalogue(hub: Any, personas: Any) -> None:
    seed_taxonomy()
    export = BUNDLED[ImportRun.Kind.EDIH_CATALOGUE]
    run = imports.import_check(
        actor=personas.hub_admin, kind=ImportRun.Kind.EDIH_CATALOGUE, filename=export.name, data=export.read_bytes()
    )
    imports.import_commit(actor=personas.hub_admin, run=run)


def test_the_directory_lists_the_catalogue_hubs_and_the_one_added_by_hand(
    catalogue: None, personas: Any, staff_client: Client
) -> None:
    assert "457 hubs" in staff_client.get("/hubs/").content.decode()
    bir_mz_kl(personas.hub_admin)  # as the demo adds it: a hub the export lacks
    assert "458 hubs" in staff_client.get("/hubs/").content.decode()
    page = staff_client.get("/hubs/map/")
    html = page.content.decode()
    assert page.context["total"] == 458 and sum(count for _code, count in page.context["counts"]) == 458
    assert dict(page.context["counts"])["DE"] >= 2  # EDIH Saarland and BIR-MZ-KL among them
    titles = re.findall(r'data-country="DE"[^>]*>\s*<title>([^<]+)</title>', html)
    assert titles == [f"Germany: {dict(page.context['counts'])['DE']} hubs"]
    for name in ("L-DIH", "WalHub", "EDIH Grand Est", "EDIH Saarland", BIR_MZ_KL):
        assert name in html
    # Each of the five is linked to its page in the directory.
    assert html.count('href="/hubs/') >= 5 + len(page.context["counts"])
