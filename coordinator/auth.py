"""Ed25519-signed requests: how the operator (admin) and trustees authenticate.

Each authenticated request carries three headers:

* ``X-Zkvote-Key``: the caller's Ed25519 public key, 64 lowercase hex digits (the key id);
* ``X-Zkvote-Timestamp``: the time of signing, milliseconds since the Unix epoch (decimal);
* ``X-Zkvote-Signature``: 128 lowercase hex digits, the Ed25519 signature of::

      b"zkvote/coordinator/request/v1\\n" + METHOD + b"\\n" + PATH_AND_QUERY + b"\\n"
      + hex(sha256(body)) + b"\\n" + TIMESTAMP

  where PATH_AND_QUERY is the request path, followed by ``?`` and the query string if there
  is one, exactly as sent.

The service accepts a request only if the key is one it knows for the endpoint (an admin key
from the settings, or the key registered for that trustee of that poll), the timestamp is within
``auth_window_s`` of its clock, the signature verifies, and the signature was not seen before
(each accepted signature is remembered in the database until its timestamp leaves the window,
so a captured request cannot be replayed, even across a restart). No secrets are stored on the
server: only public keys. Ballots are never authenticated - voters are anonymous.

This module has no web-framework imports: :func:`signed_headers` is what a client calls, and
:func:`check_signed_request` what the service calls with the request's parts.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from .errors import Unauthorized

KEY_HEADER = "x-zkvote-key"
TIMESTAMP_HEADER = "x-zkvote-timestamp"
SIGNATURE_HEADER = "x-zkvote-signature"
_TAG = b"zkvote/coordinator/request/v1\n"
_KEY = re.compile(r"[0-9a-f]{64}")
_SIG = re.compile(r"[0-9a-f]{128}")
_TS = re.compile(r"[0-9]{1,16}")


class StaleRequest(Unauthorized):
    """The signed timestamp is too far from the server's clock."""

    code = "stale_request"


class ReplayedRequest(Unauthorized):
    """This exact signed request was accepted before."""

    code = "replayed_request"


def key_id(key: VerifyKey | SigningKey) -> str:
    """The key id of an Ed25519 key: its public key in lowercase hex."""
    public = key.verify_key if isinstance(key, SigningKey) else key
    return bytes(public).hex()


def signing_message(method: str, path_and_query: str, body: bytes, timestamp_ms: int) -> bytes:
    """The bytes a request signature covers (see the module docstring)."""
    return (_TAG + method.upper().encode("ascii") + b"\n" + path_and_query.encode("utf-8")
            + b"\n" + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n"
            + str(timestamp_ms).encode("ascii"))


def signed_headers(signing_key: SigningKey, method: str, path_and_query: str,
                   body: bytes = b"", timestamp_ms: int | None = None) -> dict[str, str]:
    """The three authentication headers for a request (timestamp: now unless given)."""
    ts = time.time_ns() // 1_000_000 if timestamp_ms is None else timestamp_ms
    sig = signing_key.sign(signing_message(method, path_and_query, body, ts)).signature
    return {KEY_HEADER: key_id(signing_key), TIMESTAMP_HEADER: str(ts),
            SIGNATURE_HEADER: sig.hex()}


def check_signed_request(method: str, path_and_query: str, body: bytes,
                         headers: Mapping[str, str], allowed: Mapping[str, object],
                         window_s: int, remember: Callable[[str, int], bool],
                         now_ms: int | None = None) -> object:
    """Authenticate a request; return ``allowed[key id]`` (the caller's role or index).

    ``headers`` maps lowercase header names to values; ``allowed`` maps the key ids allowed
    here to whatever the caller wants back; ``remember(digest, expires_at_ms)`` records an
    accepted signature and returns False if it was recorded before. Raises Unauthorized (no or
    malformed headers, unknown key, bad signature), StaleRequest, ReplayedRequest.
    """
    key, ts, sig = (headers.get(h) for h in (KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER))
    if key is None or ts is None or sig is None:
        raise Unauthorized("this endpoint needs a signed request (X-Zkvote-Key, "
                           "X-Zkvote-Timestamp, X-Zkvote-Signature)")
    if not _KEY.fullmatch(key) or not _TS.fullmatch(ts) or not _SIG.fullmatch(sig):
        raise Unauthorized("malformed authentication headers")
    if key not in allowed:
        raise Unauthorized("this key is not allowed here")
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    stamp = int(ts)
    if abs(now - stamp) > window_s * 1000:
        raise StaleRequest(f"request timestamp is more than {window_s} s from the server's "
                           "clock")
    try:
        VerifyKey(bytes.fromhex(key)).verify(
            signing_message(method, path_and_query, body, stamp), bytes.fromhex(sig))
    except (BadSignatureError, ValueError):
        raise Unauthorized("bad request signature") from None
    digest = hashlib.sha256(bytes.fromhex(sig)).hexdigest()
    if not remember(digest, stamp + window_s * 1000 + 1000):
        raise ReplayedRequest("this signed request was used already")
    return allowed[key]


__all__ = ["KEY_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "ReplayedRequest",
           "StaleRequest", "check_signed_request", "key_id", "signed_headers",
           "signing_message"]
