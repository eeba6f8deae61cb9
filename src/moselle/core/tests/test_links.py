"""Signed links: genuine, expiring, single-use."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from moselle.core import links
from moselle.core.models import SignedLink


def test_a_link_opens_once(db: Any) -> None:
    issued = links.issue(purpose="test", payload={"x": 1})
    assert links.peek(purpose="test", token=issued.token).payload == {"x": 1}
    used = links.consume(purpose="test", token=issued.token)
    assert used.used_at is not None
    with pytest.raises(links.LinkError, match="already been used"):
        links.consume(purpose="test", token=issued.token)


def test_an_expired_link_is_refused(db: Any) -> None:
    issued = links.issue(purpose="test", payload={}, days=1)
    SignedLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(links.LinkError, match="expired"):
        links.consume(purpose="test", token=issued.token)


def test_a_link_for_another_purpose_or_altered_is_refused(db: Any) -> None:
    issued = links.issue(purpose="invitation", payload={})
    with pytest.raises(links.LinkError, match="not valid"):
        links.peek(purpose="password", token=issued.token)
    with pytest.raises(links.LinkError, match="not valid"):
        links.peek(purpose="invitation", token=issued.token[:-2] + "xx")


def test_purge_removes_only_long_expired_links(db: Any) -> None:
    old = links.issue(purpose="t", payload={}).link
    fresh = links.issue(purpose="t", payload={}).link
    SignedLink.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=40))
    assert links.purge_expired() == 1
    assert links.purge_expired() == 0
    assert list(SignedLink.objects.values_list("pk", flat=True)) == [fresh.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_one_link_let_exactly_one_through() -> None:
    assert connection.vendor == "postgresql"
    issued = links.issue(purpose="race", payload={})
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def use() -> None:
        barrier.wait()
        try:
            links.consume(purpose="race", token=issued.token)
            outcomes.append("ok")
        except links.LinkError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
