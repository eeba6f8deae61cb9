"""The pages behind the e-mailed links: a GET only shows what the button will do; the POST does it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from moselle.accounts.models import Role, User
from moselle.events import actions
from moselle.events.models import Registration
from moselle.events.tests.conftest import Register, link_in

R = Registration.Status


def test_the_cancel_link_asks_first_then_cancels(client: Client, register_someone: Register) -> None:
    registration = register_someone(1)
    url = reverse("event_cancel_link", args=[link_in("guest1@example.org", "cancel")])
    shown = client.get(url)
    assert shown.status_code == 200 and "Cancel my registration" in shown.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == R.CONFIRMED  # a mail scanner's GET does nothing
    done = client.post(url)
    assert done.status_code == 200 and "is cancelled" in done.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == R.CANCELLED
    again = client.post(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_a_forged_link_is_gone_with_a_reason(client: Client, db: None) -> None:
    response = client.get(reverse("event_cancel_link", args=["not-a-real-token"]))
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_the_offer_link_confirms_the_seat(client: Client, register_someone: Register) -> None:
    register_someone(1), register_someone(2)
    waiting = register_someone(3)
    client.post(reverse("event_cancel_link", args=[link_in("guest1@example.org", "cancel")]))
    url = reverse("event_accept_link", args=[link_in("guest3@example.org", "accept")])
    assert "Confirm my seat" in client.get(url).content.decode()
    done = client.post(url)
    assert done.status_code == 200 and "is confirmed" in done.content.decode()
    assert Registration.objects.get(pk=waiting.pk).status == R.CONFIRMED


def test_staff_confirm_attendance_in_one_tap_in_french(
    client_for: Callable[[User | None], Client], make_user: Any, register_someone: Register
) -> None:
    registration = register_someone(1)
    url = reverse("event_check_in", args=[actions.standing_token(actions.CHECK_IN, registration)])
    staff = client_for(make_user(Role.HUB_ADVISOR, language="fr"))
    page = staff.get(url)
    assert "Guest 1" in page.content.decode() and "Confirmer la présence" in page.content.decode()
    assert staff.post(url).status_code == 200
    assert Registration.objects.get(pk=registration.pk).attended_at is not None
    assert client_for(None).get(url).status_code == 302  # to the log-in


def test_the_ticket_shows_the_qr_code_and_the_certificate_only_after_attendance(
    client: Client, client_for: Callable[[User | None], Client], advisor: User, register_someone: Register
) -> None:
    attendee, no_show = register_someone(1), register_someone(2)
    ticket = reverse("event_ticket", args=[link_in("guest1@example.org", "ticket")])
    page = client.get(ticket).content.decode()
    assert "<svg" in page and "Guest 1" in page and "Guest 2" not in page
    certificate = reverse("event_certificate", args=[link_in("guest1@example.org", "ticket")])
    assert client.get(certificate).status_code == 403  # not yet attended
    client_for(advisor).post(reverse("event_check_in", args=[actions.standing_token(actions.CHECK_IN, attendee)]))
    after = client.get(ticket).content.decode()
    assert "<svg" not in after and "certificate of attendance" in after
    printed = client.get(certificate)
    assert printed.status_code == 200 and "This certifies that Guest 1" in printed.content.decode()
    missed = client.get(reverse("event_certificate", args=[link_in("guest2@example.org", "ticket")]))
    assert missed.status_code == 403 and Registration.objects.get(pk=no_show.pk).attended_at is None
    assert client.get(reverse("event_ticket", args=["forged"])).status_code == 410
