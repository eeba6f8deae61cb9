"""Signing and verifying the messages instances exchange as peers.

Every federation request carries an HTTP message signature (RFC 9421) made with the sending instance's Ed25519
key. The signature covers the method, the full target URI, the body's ``Content-Digest`` (RFC 9530) and the
content type, and its parameters carry the key id, the creation time and a nonce. The receiver refuses a message
whose body is too large, whose signature or digest does not check out, whose creation time is outside the
clock-skew allowance, or which has no nonce; refusing a nonce it has already seen is the caller's part.

The module is pure: it knows nothing of models. Keys are plain strings (PEM for the private key, base64url of
the raw 32 bytes for the public key), and the receiver looks a peer's public key up through a callable. The
signature itself is made and checked by ``http_message_signatures`` (pyauth); the structured fields are read and
written with ``http_sfv``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)
from http_sfv.dictionary import Dictionary
from http_sfv.item import InnerList, Item

LABEL = "moselle"
ALGORITHM = "ed25519"
DIGEST_ALGORITHM = "sha-256"
# What a signature must cover for the receiver to act on it; the signer also covers content-type.
REQUIRED_COMPONENTS = ("@method", "@target-uri", "content-digest")
SIGNED_COMPONENTS = (*REQUIRED_COMPONENTS, "content-type")
CONTENT_TYPE = "application/json"
NONCE_BYTES = 16  # 128 bits: a collision between two honest messages is not a concern

RefusalCode = Literal[
    "too_large",
    "no_signature",
    "unknown_key",
    "bad_signature",
    "digest_mismatch",
    "stale",
    "future",
    "missing_component",
    "no_nonce",
    "bad_header",
]

_BASE64URL_KEY = re.compile(r"[A-Za-z0-9_-]{43}")


class Refused(Exception):
    """A message the receiver will not act on: ``code`` is short and machine-readable (for the peer's logs and
    the API's error body), ``reason`` says in words what was wrong."""

    def __init__(self, code: RefusalCode, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code: RefusalCode = code
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    """What a verified signature vouches for: who signed (``key_id``), when (``created``, aware UTC) and the
    ``nonce`` the caller records to refuse a replay."""

    key_id: str
    created: datetime
    nonce: str


@dataclass
class _Message:
    """The request view the library signs and verifies: an upper-case method, an absolute URL, the headers."""

    method: str
    url: str
    headers: dict[str, str]


# Keys


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _public_key_bytes(public_key: str) -> bytes:
    """The raw 32 bytes of a public key written as unpadded base64url; anything else is a ValueError, so that a
    mistyped key is refused when it is entered rather than decoded loosely."""
    if not isinstance(public_key, str) or not _BASE64URL_KEY.fullmatch(public_key):
        raise ValueError("An Ed25519 public key is 43 base64url characters without padding.")
    raw = base64.urlsafe_b64decode(public_key + "=")
    if _b64url(raw) != public_key:  # the last character carries unused bits: only one spelling is accepted
        raise ValueError("The public key is not in canonical base64url.")
    return raw


def _load_private_key(private_pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("The private key is not an Ed25519 key.")
    return key


def _encode_public_key(key: Ed25519PublicKey) -> str:
    return _b64url(key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw))


def generate_key() -> tuple[str, str]:
    """A new Ed25519 key pair for this instance: (private key as unencrypted PKCS#8 PEM, public key as unpadded
    base64url of its raw 32 bytes). The caller stores the private key; the public key is what peers receive."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
    return private_pem, _encode_public_key(key.public_key())


def public_key_of(private_pem: str) -> str:
    """The public key (unpadded base64url) belonging to a private key in PEM."""
    return _encode_public_key(_load_private_key(private_pem).public_key())


def fingerprint(public_key: str) -> str:
    """SHA-256 of the raw public key, upper-case hex in 16 groups of 4 ("3F2A 91C0 …"): what two hub admins read
    to each other to confirm a key out of band. Raises ValueError for a malformed key, so it doubles as the
    check when a peer's key is entered."""
    digest = hashlib.sha256(_public_key_bytes(public_key)).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


# Signing


def content_digest(body: bytes) -> str:
    """The ``Content-Digest`` header value (RFC 9530) for a body: a structured Dictionary with the SHA-256 of the
    body as a byte sequence, ``sha-256=:<base64>:``."""
    return str(Dictionary({DIGEST_ALGORITHM: hashlib.sha256(body).digest()}))


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime.")
    return moment


def sign(
    *,
    method: str,
    url: str,
    body: bytes,
    key_id: str,
    private_pem: str,
    created: datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers to send with a federation request: Content-Type, Content-Digest, Signature-Input and
    Signature (label "moselle"), the signature covering @method, @target-uri, content-digest and content-type
    with created, keyid, nonce and alg. ``url`` is the absolute URL as the peer will see it; ``method`` is upper
    case. A fresh 128-bit nonce is drawn unless one is given. Bad input (a naive ``created``, a URL or key id the
    library refuses) raises ValueError."""
    created = datetime.now(UTC) if created is None else _aware(created, "created")
    nonce = secrets.token_urlsafe(NONCE_BYTES) if nonce is None else nonce
    message = _Message(
        method=method,
        url=url,
        headers={"Content-Type": CONTENT_TYPE, "Content-Digest": content_digest(body)},
    )
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: _load_private_key(private_pem)}),
    )
    try:
        # Passing the body with use_existing_digest makes the library check our Content-Digest against it.
        signer.sign(
            message,
            key_id=key_id,
            created=created,
            nonce=nonce,
            label=LABEL,
            include_alg=True,
            covered_component_ids=SIGNED_COMPONENTS,
            body=body,
            use_existing_digest=True,
        )
    except (HTTPMessageSignaturesException, ValueError) as error:
        raise ValueError(f"Cannot sign this message: {error}") from error
    return message.headers


# Verifying


class _SignatureOnlyVerifier(HTTPMessageVerifier):
    """The library's verifier without its own time checks: it compares ``created`` with the system clock and a
    fixed skew, whereas ``verify`` checks it against the caller's clock and the skew allowance set for the
    instance, with a reason of its own."""

    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        return None


def _header_fields(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers keyed by lower-case name. A plain dict may hold one name in two spellings: like repeated field
    lines in HTTP, their values are joined with a comma, in order."""
    fields: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        fields[key] = f"{fields[key]}, {value}" if key in fields else value
    return fields


def _parse_dictionary(fields: dict[str, str], name: str) -> Dictionary:
    dictionary = Dictionary()
    try:
        dictionary.parse(fields[name].encode("ascii"))
    except ValueError as error:  # includes a non-ASCII value (UnicodeEncodeError)
        raise Refused("bad_header", f"The {name} header is not a valid structured dictionary.") from error
    return dictionary


def _select_signature(fields: dict[str, str]) -> tuple[str, InnerList, bytes]:
    """The signature to check: the one labelled "moselle", or the only one present. Other labels may come from
    intermediaries and are ignored; several without ours is ambiguous and refused."""
    inputs = _parse_dictionary(fields, "signature-input")
    signatures = _parse_dictionary(fields, "signature")
    if LABEL in inputs:
        label = LABEL
    elif len(inputs) == 1:
        label = next(iter(inputs))
    else:
        raise Refused("bad_header", f'Expected one signature, or one labelled "{LABEL}".')
    if label not in signatures:
        raise Refused("bad_header", f'The Signature header has no member "{label}".')
    signature_input, signature = inputs[label], signatures[label]
    if not isinstance(signature_input, InnerList):
        raise Refused("bad_header", f'Signature-Input "{label}" is not a list of components.')
    if not all(type(item.value) is str for item in signature_input):  # a token is not a component name
        raise Refused("bad_header", f'Signature-Input "{label}" names components other than as strings.')
    if not isinstance(signature, Item) or not isinstance(signature.value, bytes):
        raise Refused("bad_header", f'Signature "{label}" is not a byte sequence.')
    return label, signature_input, signature.value


def _string_parameter(signature_input: InnerList, name: str) -> str | None:
    value = signature_input.params.get(name)
    if value is not None and type(value) is not str:  # a token or a number where RFC 9421 wants a string
        raise Refused("bad_header", f'The "{name}" parameter must be a string.')
    return value


def _time_parameter(signature_input: InnerList, name: str) -> datetime | None:
    value = signature_input.params.get(name)
    if value is None:
        return None
    if type(value) is not int:  # bool is an int subclass: "?1" must not pass as a time
        raise Refused("bad_header", f'The "{name}" parameter must be an integer.')
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise Refused("bad_header", f'The "{name}" parameter is not a usable time.') from error


def _check_coverage(signature_input: InnerList) -> None:
    covered = {item.value for item in signature_input if not item.params}
    missing = [component for component in REQUIRED_COMPONENTS if component not in covered]
    if missing:
        raise Refused("missing_component", f"The signature does not cover {', '.join(missing)}.")


def _check_digest(fields: dict[str, str], body: bytes) -> None:
    """The body must match its Content-Digest, recomputed here; only SHA-256 is accepted, alone, so that no
    unchecked digest rides along under the signature."""
    if "content-digest" not in fields:
        raise Refused("digest_mismatch", "The message has no Content-Digest header.")
    digests = _parse_dictionary(fields, "content-digest")
    if set(digests) != {DIGEST_ALGORITHM}:
        raise Refused("digest_mismatch", f"Content-Digest must hold exactly one {DIGEST_ALGORITHM} digest.")
    member = digests[DIGEST_ALGORITHM]
    if not isinstance(member, Item) or not isinstance(member.value, bytes):
        raise Refused("bad_header", "The Content-Digest value is not a byte sequence.")
    if not hmac.compare_digest(member.value, hashlib.sha256(body).digest()):
        raise Refused("digest_mismatch", "The body does not match its Content-Digest.")


def verify(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    public_key_for: Callable[[str], str | None],
    max_skew: timedelta,
    now: datetime | None = None,
    max_body: int = 1_000_000,
) -> Verified:
    """Check a received federation request and say who signed it, or raise ``Refused``.

    ``url`` is the absolute URL the sender signed (scheme, host and port as the peer spells them);
    ``headers`` may be any mapping, names are matched case-insensitively; ``public_key_for`` returns a peer's
    public key for a key id, or None when the key id is unknown. The checks run in this order: body size (before
    any parsing, and before ``public_key_for`` is called), presence and shape of the signature headers, coverage
    of @method, @target-uri and content-digest, alg, the body against its Content-Digest, the key, the signature
    (by the library), then created within ``max_skew`` of ``now`` either way, expires, and the nonce.

    Replays are the caller's to refuse: record the returned ``nonce`` under the ``key_id`` with the ``created``
    time and refuse the message if that pair was seen before. Messages older than ``max_skew`` are refused here
    anyway, so nonces need keeping for twice ``max_skew`` only. The body must already be read under a size limit
    (Django's DATA_UPLOAD_MAX_MEMORY_SIZE); ``max_body`` refuses what got through. A malformed key returned by
    ``public_key_for`` is this instance's fault, not the peer's: it raises ValueError rather than Refused.
    """
    if max_skew < timedelta(0):
        raise ValueError("max_skew must not be negative.")
    now = datetime.now(UTC) if now is None else _aware(now, "now")
    if len(body) > max_body:
        raise Refused("too_large", f"The body is larger than {max_body} bytes.")

    fields = _header_fields(headers)
    if "signature-input" not in fields or "signature" not in fields:
        raise Refused("no_signature", "The message has no Signature and Signature-Input headers.")
    label, signature_input, signature = _select_signature(fields)
    _check_coverage(signature_input)
    alg = _string_parameter(signature_input, "alg")
    if alg is not None and alg != ALGORITHM:
        raise Refused("bad_signature", f'Only "{ALGORITHM}" signatures are accepted, not "{alg}".')
    key_id = _string_parameter(signature_input, "keyid")
    if not key_id:
        raise Refused("bad_header", "The signature has no keyid.")
    nonce = _string_parameter(signature_input, "nonce")
    created = _time_parameter(signature_input, "created")
    expires = _time_parameter(signature_input, "expires")
    _check_digest(fields, body)

    public_key = public_key_for(key_id)
    if public_key is None:
        raise Refused("unknown_key", f'No peer is known with key id "{key_id}".')
    # Hand the library only the selected signature, so that other labels cannot trip its selection rules.
    fields["signature-input"] = str(Dictionary({label: signature_input}))
    fields["signature"] = str(Dictionary({label: signature}))
    verifier = _SignatureOnlyVerifier(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(
            public_keys={key_id: Ed25519PublicKey.from_public_bytes(_public_key_bytes(public_key))},
            private_keys={},
        ),
    )
    try:
        verifier.verify(_Message(method=method, url=url, headers=fields), max_age=None)
    except HTTPMessageSignaturesException as error:
        # A failed Ed25519 check reaches us as the library's wrapper around cryptography's message-less error.
        detail = str(error) or "it does not match the method, URL and headers under this key"
        raise Refused("bad_signature", f"The signature does not verify: {detail}") from error

    if created is None:
        raise Refused("stale", "The signature has no creation time, so its freshness cannot be judged.")
    if created < now - max_skew:
        raise Refused("stale", f"The signature was created at {created.isoformat()}, too long ago.")
    if created > now + max_skew:
        raise Refused("future", f"The signature was created at {created.isoformat()}, in the future.")
    if expires is not None and expires < now - max_skew:
        raise Refused("stale", f"The signature expired at {expires.isoformat()}.")
    if not nonce:
        raise Refused("no_nonce", "The signature has no nonce, so a replay could not be told apart.")
    return Verified(key_id=key_id, created=created, nonce=nonce)
