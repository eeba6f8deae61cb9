"""Signing and verifying federation messages: a signed message passes, and each way of tampering with it, or
of sending it too late, too early, too large or without what must be covered, is refused with its own code."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageSigner, HTTPSignatureAlgorithm, MappingKeyResolver, algorithms
from hypothesis import given, settings
from hypothesis import strategies as st

from moselle.network.federation.signing import (
    Refused,
    Verified,
    content_digest,
    fingerprint,
    generate_key,
    public_key_of,
    sign,
    verify,
)

URL = "https://hub-b.example.eu/api/v1/federation/inbox"
BODY = b'{"kind":"referral","id":42}'
KEY_ID = "https://hub-a.example.eu#main"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SKEW = timedelta(minutes=5)
PRIVATE_PEM, PUBLIC_KEY = generate_key()
SIGNED = ("@method", "@target-uri", "content-digest")


def keys(mapping: dict[str, str]) -> Callable[[str], str | None]:
    return mapping.get


def signed(**overrides: Any) -> dict[str, str]:
    arguments: dict[str, Any] = {
        "method": "POST",
        "url": URL,
        "body": BODY,
        "key_id": KEY_ID,
        "private_pem": PRIVATE_PEM,
        "created": NOW,
    }
    return sign(**(arguments | overrides))


def check(headers: dict[str, str], **overrides: Any) -> Verified:
    arguments: dict[str, Any] = {
        "method": "POST",
        "url": URL,
        "headers": headers,
        "body": BODY,
        "public_key_for": keys({KEY_ID: PUBLIC_KEY}),
        "max_skew": SKEW,
        "now": NOW,
    }
    return verify(**(arguments | overrides))


def refusal(headers: dict[str, str], **overrides: Any) -> str:
    with pytest.raises(Refused) as caught:
        check(headers, **overrides)
    return caught.value.code


@dataclass
class Message:
    method: str
    url: str
    headers: dict[str, str]


def library_signed(
    covered: tuple[str, ...], *, nonce: str | None, algorithm: type[HTTPSignatureAlgorithm] = algorithms.ED25519
) -> dict[str, str]:
    """A message signed with the library directly, to make what ``sign`` never makes."""
    message = Message("POST", URL, {"Content-Type": "application/json", "Content-Digest": content_digest(BODY)})
    private_key = serialization.load_pem_private_key(PRIVATE_PEM.encode(), password=None)
    assert isinstance(private_key, Ed25519PrivateKey)
    signer = HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: private_key}),
    )
    # The library refuses to sign next to an existing Content-Digest unless told to reuse it.
    signer.sign(
        message,
        key_id=KEY_ID,
        created=NOW,
        nonce=nonce,
        label="moselle",
        covered_component_ids=covered,
        use_existing_digest=True,
    )
    return message.headers


# Keys


def test_it_derives_the_public_key_from_the_private_key() -> None:
    private_pem, public_key = generate_key()
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", public_key)
    assert public_key_of(private_pem) == public_key
    assert public_key_of(PRIVATE_PEM) != public_key


def test_it_prints_the_fingerprint_as_16_groups_of_4_hex_digits() -> None:
    printed = fingerprint(PUBLIC_KEY)
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", printed)
    assert fingerprint(PUBLIC_KEY) == printed
    assert fingerprint(generate_key()[1]) != printed


def test_it_computes_the_fingerprint_from_the_raw_key_bytes() -> None:
    raw = bytes(range(32))
    public_key = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    expected = hashlib.sha256(raw).hexdigest().upper()
    assert fingerprint(public_key).replace(" ", "") == expected
    assert fingerprint(public_key)[:9] == f"{expected[:4]} {expected[4:8]}"


# Built on a fixed key, so that every test worker collects the same parameters.
FIXED_KEY = base64.urlsafe_b64encode(bytes(range(32))).rstrip(b"=").decode()


@pytest.mark.parametrize("malformed", ["", "abc", FIXED_KEY + "=", FIXED_KEY[:-1] + "!", "A" * 42 + "B"])
def test_it_refuses_a_malformed_public_key(malformed: str) -> None:
    with pytest.raises(ValueError):
        fingerprint(malformed)


def test_it_writes_the_content_digest_as_rfc_9530_says() -> None:
    expected = base64.b64encode(hashlib.sha256(b'{"a":1}').digest()).decode()
    assert content_digest(b'{"a":1}') == f"sha-256=:{expected}:"


# Signing and the round trip


def test_it_sends_the_headers_a_peer_needs() -> None:
    headers = signed(nonce="n-1")
    assert set(headers) == {"Content-Type", "Content-Digest", "Signature-Input", "Signature"}
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Digest"] == content_digest(BODY)
    assert headers["Signature-Input"].startswith('moselle=("@method" "@target-uri" "content-digest" "content-type")')
    assert f";created={int(NOW.timestamp())};" in headers["Signature-Input"]
    assert 'alg="ed25519"' in headers["Signature-Input"]
    assert 'nonce="n-1"' in headers["Signature-Input"]


def test_it_verifies_what_it_signed() -> None:
    verified = check(signed(nonce="n-1"))
    assert verified == Verified(key_id=KEY_ID, created=NOW, nonce="n-1")


def test_it_verifies_with_the_clock_and_a_fresh_nonce_by_default() -> None:
    first = verify(
        method="POST",
        url=URL,
        headers=sign(method="POST", url=URL, body=BODY, key_id=KEY_ID, private_pem=PRIVATE_PEM),
        body=BODY,
        public_key_for=keys({KEY_ID: PUBLIC_KEY}),
        max_skew=SKEW,
    )
    second = check(signed())
    assert abs(first.created - datetime.now(UTC)) < timedelta(seconds=5)
    assert len(base64.urlsafe_b64decode(first.nonce + "==")) == 16
    assert first.nonce != second.nonce


@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_it_reads_header_names_in_any_capitalisation(case: Callable[[str], str]) -> None:
    headers = {case(name): value for name, value in signed(nonce="n-1").items()}
    assert check(headers).nonce == "n-1"


# Tampering


def test_it_refuses_an_altered_body() -> None:
    assert refusal(signed(), body=BODY.replace(b"42", b"43")) == "digest_mismatch"


def test_it_refuses_an_altered_body_whose_digest_was_recomputed() -> None:
    altered = BODY.replace(b"42", b"43")
    headers = signed() | {"Content-Digest": content_digest(altered)}
    assert refusal(headers, body=altered) == "bad_signature"


def test_it_refuses_flipped_signature_bytes() -> None:
    headers = signed()
    label, _, encoded = headers["Signature"].partition("=")
    raw = bytearray(base64.b64decode(encoded.strip(":")))
    raw[10] ^= 0x01
    headers["Signature"] = f"{label}=:{base64.b64encode(bytes(raw)).decode()}:"
    assert refusal(headers) == "bad_signature"


@pytest.mark.parametrize(
    "changed",
    [
        {"method": "PUT"},
        {"url": "https://hub-b.example.eu/api/v1/federation/outbox"},
        {"url": "https://hub-c.example.eu/api/v1/federation/inbox"},
        {"url": URL + "?page=2"},
    ],
)
def test_it_refuses_another_method_or_url(changed: dict[str, str]) -> None:
    assert refusal(signed(), **changed) == "bad_signature"


def test_it_refuses_a_signature_made_with_another_key_under_the_same_key_id() -> None:
    intruder_pem, _ = generate_key()
    assert refusal(signed(private_pem=intruder_pem)) == "bad_signature"


class MislabelledEd25519(algorithms.ED25519):
    """Signs with Ed25519 but declares another algorithm, so the signature itself is sound."""

    algorithm_id = "hmac-sha256"


def test_it_refuses_an_algorithm_other_than_ed25519() -> None:
    headers = library_signed(SIGNED, nonce="n-1", algorithm=MislabelledEd25519)
    assert 'alg="hmac-sha256"' in headers["Signature-Input"]
    with pytest.raises(Refused) as caught:
        check(headers)
    assert caught.value.code == "bad_signature"
    assert "hmac-sha256" in caught.value.reason


def test_it_refuses_an_unknown_key_id() -> None:
    assert refusal(signed(key_id="https://stranger.example.eu#main")) == "unknown_key"


def test_it_refuses_a_missing_or_foreign_content_digest() -> None:
    headers = signed()
    del headers["Content-Digest"]
    assert refusal(headers) == "digest_mismatch"
    sha512 = base64.b64encode(hashlib.sha512(BODY).digest()).decode()
    assert refusal(signed() | {"Content-Digest": f"sha-512=:{sha512}:"}) == "digest_mismatch"
    both = f"{content_digest(BODY)}, sha-512=:{sha512}:"
    assert refusal(signed() | {"Content-Digest": both}) == "digest_mismatch"


# Time


@pytest.mark.parametrize(
    ("offset", "code"),
    [(timedelta(minutes=-10), "stale"), (timedelta(minutes=10), "future")],
)
def test_it_refuses_a_signature_created_outside_the_skew(offset: timedelta, code: str) -> None:
    assert refusal(signed(created=NOW + offset)) == code


@pytest.mark.parametrize("offset", [timedelta(minutes=-4), timedelta(minutes=4), -SKEW, SKEW])
def test_it_accepts_a_signature_created_within_the_skew(offset: timedelta) -> None:
    assert check(signed(created=NOW + offset)).created == NOW + offset


def test_it_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        signed(created=datetime(2026, 3, 1, 12, 0))
    with pytest.raises(ValueError):
        check(signed(), now=datetime(2026, 3, 1, 12, 0))


# Size, presence and shape


def test_it_refuses_a_body_over_the_limit_before_looking_up_any_key() -> None:
    looked_up: list[str] = []

    def public_key_for(key_id: str) -> str | None:
        looked_up.append(key_id)
        return PUBLIC_KEY

    big = b"x" * 101
    headers = signed(body=big)
    assert refusal(headers, body=big, max_body=100, public_key_for=public_key_for) == "too_large"
    assert looked_up == []
    assert check(headers, body=big, max_body=101, public_key_for=public_key_for).key_id == KEY_ID
    assert looked_up == [KEY_ID]


@pytest.mark.parametrize("header", ["Signature", "Signature-Input"])
def test_it_refuses_a_message_without_a_signature(header: str) -> None:
    headers = signed()
    del headers[header]
    assert refusal(headers) == "no_signature"


def test_it_refuses_a_signature_not_covering_the_content_digest() -> None:
    headers = library_signed(("@method", "@target-uri"), nonce="n-1")
    assert refusal(headers) == "missing_component"
    parameterised = library_signed(("@method", "@target-uri", '"content-digest";sf'), nonce="n-1")
    assert refusal(parameterised) == "missing_component"


def test_it_accepts_a_signature_made_by_the_library_with_the_required_components() -> None:
    headers = library_signed(SIGNED, nonce="n-1")
    assert check(headers).nonce == "n-1"


def test_it_refuses_a_signature_without_a_nonce() -> None:
    headers = library_signed(SIGNED, nonce=None)
    assert "nonce" not in headers["Signature-Input"]
    assert refusal(headers) == "no_nonce"


def test_it_picks_its_own_label_among_several_signatures() -> None:
    headers = signed(nonce="n-1")
    headers["Signature-Input"] = 'proxy=("@method");created=1;keyid="proxy", ' + headers["Signature-Input"]
    headers["Signature"] = "proxy=:AAAA:, " + headers["Signature"]
    assert check(headers).nonce == "n-1"
    foreign = {name: value.replace("moselle=", "other=") for name, value in headers.items()}
    assert refusal(foreign) == "bad_header"


GARBAGE = [
    "",
    " ",
    "moselle",
    "moselle=",
    "moselle=(",
    'moselle=("@method"',
    "moselle=:AAAA:",
    "moselle=?1",
    "moselle=(@method @target-uri content-digest)",
    'moselle=("@method" "@target-uri" "content-digest");created=?1;keyid="k";nonce="n"',
    'moselle=("@method" "@target-uri" "content-digest");created=999999999999999;keyid="k";nonce="n"',
    'moselle=("@method" "@target-uri" "content-digest");created=1.5;keyid="k";nonce="n"',
    'moselle=("@method" "@target-uri" "content-digest");created=1;keyid=k;nonce="n"',
    'moselle=("@method" "@target-uri" "content-digest");created=1;nonce="n"',
    'other=("@method" "@target-uri" "content-digest");created=1;keyid="k"',
    'moselle=("@method" "@target-uri" "content-digest"), proxy=()',
    "Moselle=()",
    "moselle=(), moselle=",
    "moselle=()\x00",
    'moselle=("é")',
    "a" * 10_000,
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_it_refuses_a_garbage_signature_input(garbage: str) -> None:
    assert refusal(signed() | {"Signature-Input": garbage}) == "bad_header"


SIGNATURE_INPUT_PIECES = st.sampled_from(
    ["moselle", "proxy", "=", "(", ")", " ", ",", ";", '"@method"', '"@target-uri"', '"content-digest"', "created",
     "keyid", "nonce", "alg", "expires", '"k"', '"ed25519"', "1", "-1", "?1", ":AAAA:", "1.5", "\\", '"', "é"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.one_of(st.text(), st.lists(SIGNATURE_INPUT_PIECES).map("".join)))
def test_it_refuses_any_made_up_signature_input_without_crashing(made_up: str) -> None:
    with pytest.raises(Refused):
        check(signed() | {"Signature-Input": made_up})
