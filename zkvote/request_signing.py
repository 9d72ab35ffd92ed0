"""Ed25519-signed HTTP requests: the scheme operators and trustees use to talk to a coordinator.

Each signed request carries three headers:

* ``X-Zkvote-Key``: the caller's Ed25519 public key, 64 lowercase hex digits (the key id);
* ``X-Zkvote-Timestamp``: the time of signing, milliseconds since the Unix epoch (decimal);
* ``X-Zkvote-Signature``: 128 lowercase hex digits, the Ed25519 signature of::

      b"zkvote/coordinator/request/v1\\n" + METHOD + b"\\n" + PATH_AND_QUERY + b"\\n"
      + hex(sha256(body)) + b"\\n" + TIMESTAMP

  where PATH_AND_QUERY is the request path, followed by ``?`` and the query string if there
  is one, exactly as sent.

This module is the pure part of the scheme, shared by both ends: a client calls
:func:`signed_headers`; a server calls :func:`read_signed_headers` and
:func:`verify_request_signature`, and adds its own policy on top (which keys are allowed, the
time window, replay protection: ``zkvote.coordinator.auth``). No web-framework imports.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from zkvote.errors import InvalidEncoding, InvalidProof
from zkvote.hexkeys import is_hex, is_key_hex

KEY_HEADER = "x-zkvote-key"
TIMESTAMP_HEADER = "x-zkvote-timestamp"
SIGNATURE_HEADER = "x-zkvote-signature"
_TAG = b"zkvote/coordinator/request/v1\n"
# 16 digits bound the timestamp far beyond any clock while keeping int() cheap on hostile input
_TS = re.compile(r"[0-9]{1,16}")


@dataclass(frozen=True)
class SignedHeaders:
    """The authentication headers of one request, syntactically checked (not yet verified).

    ``key_id``: 64 lowercase hex digits; ``timestamp_ms``: milliseconds since the epoch;
    ``signature``: the 64 signature bytes.
    """

    key_id: str
    timestamp_ms: int
    signature: bytes


def key_id(key: VerifyKey | SigningKey) -> str:
    """The key id of an Ed25519 key (public or signing): its public key in lowercase hex."""
    public = key.verify_key if isinstance(key, SigningKey) else key
    return bytes(public).hex()


def signing_message(method: str, path_and_query: str, body: bytes, timestamp_ms: int) -> bytes:
    """The bytes a request signature covers (see the module docstring).

    ``method`` is upper-cased; ``path_and_query`` must be the exact request target as sent.
    """
    return (_TAG + method.upper().encode("ascii") + b"\n" + path_and_query.encode("utf-8")
            + b"\n" + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"
            + str(timestamp_ms).encode("ascii"))


def signed_headers(signing_key: SigningKey, method: str, path_and_query: str,
                   body: bytes = b"", timestamp_ms: int | None = None) -> dict[str, str]:
    """The three authentication headers (lowercase names) for a request.

    ``timestamp_ms`` defaults to now. Deterministic for a given timestamp (Ed25519).
    """
    ts = time.time_ns() // 1_000_000 if timestamp_ms is None else timestamp_ms
    sig = signing_key.sign(signing_message(method, path_and_query, body, ts)).signature
    return {KEY_HEADER: key_id(signing_key), TIMESTAMP_HEADER: str(ts),
            SIGNATURE_HEADER: sig.hex()}


def read_signed_headers(headers: Mapping[str, str]) -> SignedHeaders | None:
    """Parse the authentication headers from ``headers`` (keys: lowercase header names).

    Returns None if any of the three is absent (an unsigned request). Raises InvalidEncoding
    if one is present but malformed (wrong length, upper-case hex, a non-decimal timestamp).
    Does not check the signature.
    """
    key, ts, sig = (headers.get(h) for h in (KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER))
    if key is None or ts is None or sig is None:
        return None
    if not is_key_hex(key) or not _TS.fullmatch(ts) or not is_hex(sig, 64):
        raise InvalidEncoding("malformed authentication headers")
    return SignedHeaders(key, int(ts), bytes.fromhex(sig))


def verify_request_signature(method: str, path_and_query: str, body: bytes,
                             signed: SignedHeaders) -> None:
    """Check that ``signed.signature`` is ``signed.key_id``'s signature over this request.

    Raises InvalidProof if it is not (or the key bytes are not a valid Ed25519 key). Checks
    neither the timestamp's freshness nor replay: that is the server's policy.
    """
    try:
        VerifyKey(bytes.fromhex(signed.key_id)).verify(
            signing_message(method, path_and_query, body, signed.timestamp_ms),
            signed.signature)
    except (BadSignatureError, ValueError):
        raise InvalidProof("bad request signature") from None


__all__ = ["KEY_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "SignedHeaders", "key_id",
           "read_signed_headers", "signed_headers", "signing_message",
           "verify_request_signature"]
