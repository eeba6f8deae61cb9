"""Two real instances federate over loopback (the issue's "done when"): they pair by invitation and confirmed
fingerprints, exchange their hub profiles and catalogues, and a referral goes from A (L-DIH) to B (EDIH
Saarland), is accepted and served there, and its status comes back to A. A referral sent while B is down
arrives once B is back, exactly once; a tampered signature, an altered body, a replayed message and an unknown
type are refused by B's inbox and change nothing; an erasure at A reaches B and is acted on; once B revoked A,
A's messages are refused.

Each step runs the real actions in a ``django shell`` process against one instance's database; the messages
travel between the two gunicorns, task workers and tickers (see conftest.py). One test function: each step
builds on the one before, and the instances take half a minute to set up.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from tests.federation.conftest import B_HUB_NAME, B_HUB_REF, Instance

from moselle.catalogue.tests.factories import offer_data
from moselle.network.federation import signing

PASSWORD = "correct-horse-battery"
A_ADMIN, B_ADMIN = "manager@l-dih.example.org", "manager@edih-saarland.example.org"
# Two companies of A: the first sends the referrals of the round trip and the outage, the second the last one.
COMPANIES = [
    {"name": "Alpha Foundry", "member": "anna.alpha@alpha-foundry.example.com"},
    {"name": "Gamma Tools", "member": "gil.gamma@gamma-tools.example.com"},
]
OFFER_TITLE = "Predictive maintenance for foundries"
NEED_TEXT = "predictive maintenance of the casting line in our foundry"
OUTCOME = "Vibration sensors fitted on two casting lines; the wear model flags a bearing a week ahead."


def test_it_federates_two_instances_end_to_end(two_instances: tuple[Instance, Instance]) -> None:
    a, b = two_instances
    a_key = _pair(a, b)
    _referral_round_trip(a, b)
    second = _referral_through_an_outage(a, b)
    _inbox_refusals(a, b, a_key, second)
    _erasure(a, b)
    _revocation(a, b)


def _pair(a: Instance, b: Instance) -> dict[str, str]:
    """A invites, B pairs with the token, each manager confirms the other's fingerprint; the profiles and
    B's published offer travel, and A's matching proposes that offer. Returns A's signing key."""
    b.shell(
        """
        from moselle.accounts import actions as accounts
        from moselle.accounts.models import Role, User
        from moselle.catalogue import actions as catalogue
        from moselle.organisations import actions as registry
        from moselle.organisations.access import own_hub

        admin = User.objects.create_user(P["admin"], P["password"], full_name="Berta Manager")
        accounts.membership_create(actor=None, user=admin, organisation=own_hub().organisation, role=Role.HUB_ADMIN)
        provider = registry.organisation_create(
            actor=None, name="Saar Sensorik GmbH", country="DE", details={"kinds": ["technology_provider"]}
        )
        offer = catalogue.offer_create(actor=admin, provider=provider, data=P["offer"])
        out(catalogue.offer_publish(actor=admin, offer=offer).status)
        """,
        admin=B_ADMIN,
        password=PASSWORD,
        offer=offer_data(
            title={"en": OFFER_TITLE, "de": "Vorausschauende Wartung für Gießereien"},
            description={"en": "Vibration sensors and a wear model for the casting line of a foundry."},
        ),
    )
    invited = a.shell(
        """
        from moselle.accounts import actions as accounts
        from moselle.accounts.models import Role, User
        from moselle.network.federation import pairing, signing
        from moselle.network.federation.keys import current_key
        from moselle.organisations import actions as registry
        from moselle.organisations.access import own_hub

        admin = User.objects.create_user(P["admin"], P["password"], full_name="Arno Manager")
        accounts.membership_create(actor=None, user=admin, organisation=own_hub().organisation, role=Role.HUB_ADMIN)
        for company in P["companies"]:
            organisation = registry.organisation_create(
                actor=None, name=company["name"], country="LU", details={"kinds": ["company"]}
            )
            member = User.objects.create_user(company["member"], P["password"], full_name=company["name"] + " CEO")
            accounts.membership_create(
                actor=None, user=member, organisation=organisation, role=Role.COMPANY_MEMBER, is_org_admin=True
            )
        invitation, token = pairing.invitation_create(actor=admin)
        key = current_key()
        out(
            {
                "token": token,
                "fingerprint": signing.fingerprint(key.public_key),
                "key": {"key_id": key.key_id, "private_pem": key.private_pem},
            }
        )
        """,
        admin=A_ADMIN,
        password=PASSWORD,
        companies=COMPANIES,
    )
    paired = b.shell(
        """
        from django.core.exceptions import ValidationError
        from moselle.accounts.models import User
        from moselle.network.federation import pairing, signing
        from moselle.network.federation.keys import current_key

        admin = User.objects.get(email=P["admin"])
        peer = pairing.pair_with(actor=admin, base_url=P["a_url"], token=P["token"])
        seen = signing.fingerprint(peer.keys.get().public_key)
        try:
            pairing.peer_confirm(actor=admin, peer=peer, fingerprint="0123 " * 16)
            wrong = "confirmed"
        except ValidationError:
            wrong = "refused"
        peer.refresh_from_db()
        status_after_wrong = peer.status
        pairing.peer_confirm(actor=admin, peer=peer, fingerprint=P["a_fingerprint"])
        out(
            {
                "seen": seen,
                "wrong": wrong,
                "status_after_wrong": status_after_wrong,
                "hub": peer.hub.catalogue_ref,
                "fingerprint": signing.fingerprint(current_key().public_key),
            }
        )
        """,
        admin=B_ADMIN,
        a_url=a.url,
        token=invited["token"],
        a_fingerprint=invited["fingerprint"],
    )
    assert paired["seen"] == invited["fingerprint"]
    assert (paired["wrong"], paired["status_after_wrong"]) == ("refused", "pending")
    assert paired["hub"] == "edih-203"

    on_a = a.shell(
        """
        from moselle.accounts.models import User
        from moselle.matching.engine import Need, search
        from moselle.network.federation import pairing, signing
        from moselle.network.models import Envelope, Peer, RemoteOffer

        peer = Peer.objects.get()
        seen = signing.fingerprint(peer.keys.get().public_key)
        pairing.peer_confirm(actor=User.objects.get(email=P["admin"]), peer=peer, fingerprint=P["b_fingerprint"])

        def check():
            peer.refresh_from_db()
            rows = Envelope.objects.filter(peer=peer).exclude(type="ack")
            state = {
                "sent": dict(rows.filter(direction="out").values_list("type", "status")),
                "received": dict(rows.filter(direction="in").values_list("type", "status")),
                "offers": list(RemoteOffer.objects.filter(peer=peer).values("title", "provider", "url")),
                "profile": peer.profile,
                "status": peer.status,
            }
            done = {"hub_profile", "offers"}
            state["ok"] = (
                all(state["sent"].get(kind) == "acknowledged" for kind in done)
                and all(state["received"].get(kind) == "processed" for kind in done)
                and bool(state["offers"])
            )
            return state

        state = wait(check)
        member = User.objects.get(email=P["member"])
        state["matches"] = [
            {"title": result.item.title, "provider": result.item.provider}
            for result in search(Need(text=P["need"]), user=member).by_kind.get("remote_offer", [])
        ]
        state["seen"], state["hub"] = seen, peer.hub.name
        out(state)
        """,
        admin=A_ADMIN,
        b_fingerprint=paired["fingerprint"],
        member=COMPANIES[0]["member"],
        need=NEED_TEXT,
    )
    assert on_a["seen"] == paired["fingerprint"]
    assert on_a["status"] == "active"
    assert (on_a["profile"]["catalogue_ref"], on_a["profile"]["name"]) == (B_HUB_REF, B_HUB_NAME)
    assert on_a["profile"]["base_url"] == b.url
    assert [(offer["title"]["en"], offer["provider"]) for offer in on_a["offers"]] == [
        (OFFER_TITLE, "Saar Sensorik GmbH")
    ]
    assert on_a["offers"][0]["url"].startswith(b.url + "/catalogue/")
    assert [match["title"]["en"] for match in on_a["matches"]] == [OFFER_TITLE]
    assert on_a["matches"][0]["provider"] == f"Saar Sensorik GmbH · {on_a['hub']}"  # the offer's origin

    on_b = b.shell(
        """
        from moselle.network.models import Envelope, Peer, RemoteOffer

        peer = Peer.objects.get()

        def check():
            peer.refresh_from_db()
            rows = Envelope.objects.filter(peer=peer).exclude(type="ack")
            state = {
                "status": peer.status,
                "profile": peer.profile,
                "sent": dict(rows.filter(direction="out").values_list("type", "status")),
                "received": dict(rows.filter(direction="in").values_list("type", "status")),
                "offers": RemoteOffer.objects.count(),
            }
            state["ok"] = set(state["sent"].values()) == {"acknowledged"}  # A acts on a message, then acks it
            return state

        out(wait(check))
        """
    )
    assert on_b["status"] == "active"
    assert (on_b["profile"]["catalogue_ref"], on_b["profile"]["name"]) == ("edih-203", "L-DIH")
    assert on_b["profile"]["base_url"] == a.url
    assert on_b["sent"] == {"hub_profile": "acknowledged", "offers": "acknowledged"}
    assert on_b["received"] == {"hub_profile": "processed", "offers": "processed"}
    assert on_b["offers"] == 0  # A publishes none
    return dict(invited["key"])


# The referral a company of A consents to send to B; prints its number and its envelope.
PROPOSE = """
from moselle.accounts.models import User
from moselle.journeys.actions.referrals import referral_consent, referral_propose
from moselle.network.models import Envelope, Peer
from moselle.organisations.models import Organisation

peer = Peer.objects.get()
referral = referral_propose(
    actor=User.objects.get(email=P["admin"]),
    organisation=Organisation.objects.get(name=P["company"]),
    recipient=peer.hub,
    note=P["note"],
)
referral_consent(
    actor=User.objects.get(email=P["member"]), referral=referral, shared=["profile", "contact", "need"]
)
envelope = Envelope.objects.get(direction="out", type="referral", referral=referral)
"""


def _referral_round_trip(a: Instance, b: Instance) -> None:
    """A's referral to B opens a case and a referral at B; B accepts and completes it; A's referral follows."""
    sent = a.shell(
        PROPOSE + 'out({"referral": referral.pk, "recipient": peer.hub.catalogue_ref})',
        admin=A_ADMIN,
        member=COMPANIES[0]["member"],
        company=COMPANIES[0]["name"],
        note="Predictive maintenance on the casting line",
    )
    assert sent["recipient"] == B_HUB_REF

    received = b.shell(
        """
        from moselle.accounts.models import User
        from moselle.journeys.actions.referrals import referral_move
        from moselle.journeys.models import Referral
        from moselle.network.models import Envelope
        from moselle.organisations.access import own_hub

        def check():
            envelope = (
                Envelope.objects.filter(direction="in", type="referral", payload__referral=P["referral"])
                .select_related("referral__case", "referral__consent", "referral__organisation")
                .first()
            )
            if envelope is None or envelope.referral is None:
                return {"ok": False, "envelope": envelope and envelope.status}
            referral = envelope.referral
            return {
                "ok": True,
                "envelope": envelope.status,
                "error": envelope.last_error,
                "referral": referral.pk,
                "to_own_hub": referral.recipient_id == own_hub().organisation_id,
                "status": referral.status,
                "origin": referral.case.origin if referral.case else None,
                "company": referral.organisation.name,
                "shared": referral.shared,
                "consent": [referral.consent.email, referral.consent.purpose, referral.consent.given],
            }

        state = wait(check)
        admin = User.objects.get(email=P["admin"])
        referral = referral_move(actor=admin, referral=Referral.objects.get(pk=state["referral"]), status="accepted")
        referral = referral_move(actor=admin, referral=referral, status="done", note=P["outcome"])
        state["after"] = referral.status
        out(state)
        """,
        referral=sent["referral"],
        admin=B_ADMIN,
        outcome=OUTCOME,
    )
    assert (received["envelope"], received["error"]) == ("processed", "")
    assert received["to_own_hub"] is True
    assert (received["status"], received["origin"]) == ("proposed", "hub")
    assert received["company"] == COMPANIES[0]["name"]
    assert received["shared"] == ["profile", "contact", "need"]
    assert received["consent"] == [COMPANIES[0]["member"], "share_with_hub", True]
    assert received["after"] == "done"

    followed = a.shell(
        """
        from moselle.journeys.models import Referral
        from moselle.network.models import Envelope

        def check():
            referral = Referral.objects.get(pk=P["referral"])
            sent = Envelope.objects.filter(direction="out", referral=referral).values_list("type", "status")
            received = Envelope.objects.filter(direction="in", type="referral_status", payload__referral=referral.pk)
            state = {
                "status": referral.status,
                "outcome": referral.outcome,
                "moves": list(referral.moves.order_by("at", "id").values_list("to_status", flat=True)),
                "sent": [list(row) for row in sent],
                "received": sorted(received.values_list("payload__status", "status", "last_error")),
            }
            # Settled: both status messages are in, and acted on (or given up on).
            failed = any(row[1] == "failed" for row in state["received"])
            state["ok"] = len(state["received"]) == 2 and (state["status"] == "done" or failed)
            return state

        out(wait(check))
        """,
        referral=sent["referral"],
    )
    assert followed["received"] == [["accepted", "processed", ""], ["done", "processed", ""]]
    assert (followed["status"], followed["outcome"]) == ("done", OUTCOME)
    assert followed["moves"] == ["proposed", "accepted", "done"]
    assert followed["sent"] == [["referral", "acknowledged"]]


def _referral_through_an_outage(a: Instance, b: Instance) -> int:
    """With B stopped, the referral waits in A's outbox, retried; once B is back it arrives, exactly once."""
    b.stop()
    waiting = a.shell(
        PROPOSE
        + """
def check():
    envelope.refresh_from_db()
    return {
        "ok": envelope.attempts >= 1 and bool(envelope.last_error),
        "status": envelope.status,
        "attempts": envelope.attempts,
        "error": envelope.last_error,
        "referral": envelope.referral_id,
    }

out(wait(check))
""",
        admin=A_ADMIN,
        member=COMPANIES[0]["member"],
        company=COMPANIES[0]["name"],
        note="A second line to equip",
    )
    assert waiting["status"] == "queued"
    assert waiting["attempts"] >= 1
    assert "refused" in waiting["error"].lower()  # "[Errno 111] Connection refused"

    b.start()
    arrived = a.shell(
        """
        from moselle.network.models import Envelope

        def check():
            envelope = Envelope.objects.get(direction="out", type="referral", referral_id=P["referral"])
            return {"ok": envelope.status == "acknowledged", "status": envelope.status, "attempts": envelope.attempts}

        out(wait(check))
        """,
        referral=waiting["referral"],
    )
    assert arrived["status"] == "acknowledged"
    assert arrived["attempts"] >= 2  # at least one failed, then the one B took
    return int(waiting["referral"])


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())


def _inbox_refusals(a: Instance, b: Instance, a_key: dict[str, str], second: int) -> None:
    """Messages signed with A's real key, posted straight to B's inbox: only the untouched one is taken."""
    before = b.shell(
        """
        from moselle.network.models import Envelope

        received = Envelope.objects.filter(direction="in", type="referral", payload__referral=P["second"])
        out(
            {
                "envelopes": Envelope.objects.filter(direction="in").count(),
                "second": list(received.values_list("status", flat=True)),
            }
        )
        """,
        second=second,
    )
    # The referral sent during the outage arrived exactly once.
    assert before["second"] == ["processed"]

    inbox = b.url + "/federation/inbox/"
    ids = {name: str(uuid.uuid4()) for name in ("bad", "alt", "ok", "type")}

    def message(name: str, kind: str = "ack") -> bytes:
        body = {"id": ids[name], "type": kind, "from": a.url, "payload": {"id": ids[name], "error": ""}}
        return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()

    def signed(body: bytes) -> dict[str, str]:
        return signing.sign(method="POST", url=inbox, body=body, **a_key)

    # A signature with one character changed.
    body = message("bad")
    headers = signed(body)
    value = headers["Signature"]
    middle = value.index(":") + 20
    headers["Signature"] = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]
    status, answer = _post(inbox, body, headers)
    assert (status, answer["code"]) == (401, "bad_signature")

    # A body changed after signing.
    body = message("alt")
    headers = signed(body)
    status, answer = _post(inbox, body.replace(b'"error":""', b'"error":"x"'), headers)
    assert (status, answer["code"]) == (401, "digest_mismatch")

    # A valid message is taken; the very same request again is a replay; the same message signed afresh is
    # answered as a duplicate and not taken twice.
    body = message("ok")
    headers = signed(body)
    assert _post(inbox, body, headers) == (202, {"status": "received", "id": ids["ok"]})
    status, answer = _post(inbox, body, headers)
    assert (status, answer["code"]) == (409, "replay")
    assert _post(inbox, body, signed(body)) == (200, {"status": "duplicate", "id": ids["ok"]})

    # A type no handler knows, validly signed.
    body = message("type", kind="invoice")
    status, answer = _post(inbox, body, signed(body))
    assert (status, answer["code"]) == (400, "unknown_type")

    after = b.shell(
        """
        from moselle.network.models import Envelope

        out(
            {
                "envelopes": Envelope.objects.filter(direction="in").count(),
                "by_id": {name: Envelope.objects.filter(message_id=mid).count() for name, mid in P["ids"].items()},
            }
        )
        """,
        ids=ids,
    )
    assert after["by_id"] == {"bad": 0, "alt": 0, "ok": 1, "type": 0}
    assert after["envelopes"] == before["envelopes"] + 1  # only the valid one
    log = b.log("gunicorn")
    for code in ("bad_signature", "digest_mismatch", "replay", "unknown_type"):
        assert f"refused a message from 127.0.0.1: {code}" in log


def _erasure(a: Instance, b: Instance) -> None:
    """Erasing the contact person at A asks B to erase what it received of them; B does, and says so."""
    email = COMPANIES[0]["member"]
    erased = a.shell(
        """
        from django.db.models import TextField
        from django.db.models.functions import Cast
        from moselle.accounts.actions import person_erase
        from moselle.accounts.models import User
        from moselle.network.models import Envelope

        person_erase(actor=User.objects.get(email=P["admin"]), email=P["email"])
        envelope = Envelope.objects.get(direction="out", type="erasure")

        def check():
            envelope.refresh_from_db()
            return {"ok": envelope.status == "acknowledged", "status": envelope.status, "id": str(envelope.message_id)}

        state = wait(check)
        referrals = Envelope.objects.filter(type="referral").annotate(text=Cast("payload", TextField()))
        state["left_here"] = referrals.filter(text__icontains=P["email"]).count()
        out(state)
        """,
        admin=A_ADMIN,
        email=email,
    )
    assert erased["status"] == "acknowledged"
    assert erased["left_here"] == 0

    at_b = b.shell(
        """
        from django.db.models import TextField
        from django.db.models.functions import Cast
        from moselle.accounts.models import Consent
        from moselle.network.models import Envelope

        envelope = Envelope.objects.get(direction="in", message_id=P["id"])
        out(
            {
                "type": envelope.type,
                "status": envelope.status,
                "error": envelope.last_error,
                "consents": Consent.objects.filter(email__iexact=P["email"]).count(),
                "envelopes": Envelope.objects.annotate(text=Cast("payload", TextField()))
                .filter(text__icontains=P["email"])
                .count(),
                "referrals_kept": Envelope.objects.filter(direction="in", type="referral").count(),
            }
        )
        """,
        id=erased["id"],
        email=email,
    )
    assert (at_b["type"], at_b["status"], at_b["error"]) == ("erasure", "processed", "")
    assert at_b["consents"] == 0
    assert at_b["envelopes"] == 0
    assert at_b["referrals_kept"] == 2


def _revocation(a: Instance, b: Instance) -> None:
    """Once B's manager revoked A, B's inbox refuses A's key: A's next referral stays in its outbox."""
    revoked = b.shell(
        """
        from moselle.accounts.models import User
        from moselle.network.federation import pairing
        from moselle.network.models import Peer

        peer = pairing.peer_revoke(actor=User.objects.get(email=P["admin"]), peer=Peer.objects.get())
        out({"status": peer.status, "keys": list(peer.keys.values_list("revoked_at", flat=True))})
        """,
        admin=B_ADMIN,
    )
    assert revoked["status"] == "revoked"
    assert all(revoked["keys"])

    refused = a.shell(
        PROPOSE
        + """
def check():
    envelope.refresh_from_db()
    return {
        "ok": envelope.attempts >= 1 and bool(envelope.last_error),
        "status": envelope.status,
        "attempts": envelope.attempts,
        "error": envelope.last_error,
        "id": str(envelope.message_id),
    }

out(wait(check))
""",
        admin=A_ADMIN,
        member=COMPANIES[1]["member"],
        company=COMPANIES[1]["name"],
        note="Tool wear monitoring",
    )
    assert refused["status"] == "queued"
    assert refused["error"].startswith(("HTTP 401", "HTTP 403"))
    assert (
        b.shell(
            """
        from moselle.network.models import Envelope

        out(Envelope.objects.filter(message_id=P["id"]).count())
        """,
            id=refused["id"],
        )
        == 0
    )
    assert "refused a message from 127.0.0.1: unknown_key" in b.log("gunicorn")
