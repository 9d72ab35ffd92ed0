"""The server side of Ed25519-signed requests: how the operator (admin) and trustees
authenticate to the coordinator.

The scheme itself (headers, the bytes signed, the signature check) is
:mod:`zkvote.request_signing`, shared with the client layer. On top of it the service accepts
a request only if the key is one it knows for the endpoint (an admin key from the settings, or
the key registered for that trustee of that poll), the timestamp is within ``auth_window_s``
of its clock, the signature verifies, and the signature was not seen before (each accepted
signature is remembered in the database until its timestamp leaves the window, so a captured
request cannot be replayed, even across a restart). No secrets are stored on the server: only
public keys. Ballots are never authenticated - voters are anonymous.

No web-framework imports here: :func:`check_signed_request` takes the request's parts; the
FastAPI dependencies that call it are in :mod:`zkvote.coordinator.service`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping

from zkvote.errors import InvalidEncoding, InvalidProof
from zkvote.request_signing import read_signed_headers, verify_request_signature

from .errors import Unauthorized


class StaleRequest(Unauthorized):
    """The signed timestamp is too far from the server's clock."""

    code = "stale_request"


class ReplayedRequest(Unauthorized):
    """This exact signed request was accepted before."""

    code = "replayed_request"


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
    try:
        signed = read_signed_headers(headers)
    except InvalidEncoding as exc:
        raise Unauthorized(str(exc)) from None
    if signed is None:
        raise Unauthorized("this endpoint needs a signed request (X-Zkvote-Key, "
                           "X-Zkvote-Timestamp, X-Zkvote-Signature)")
    if signed.key_id not in allowed:
        raise Unauthorized("this key is not allowed here")
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    # checked before the signature so that a flood of stale requests costs no Ed25519 work
    if abs(now - signed.timestamp_ms) > window_s * 1000:
        raise StaleRequest(f"request timestamp is more than {window_s} s from the server's "
                           "clock")
    try:
        verify_request_signature(method, path_and_query, body, signed)
    except InvalidProof as exc:
        raise Unauthorized(str(exc)) from None
    digest = hashlib.sha256(signed.signature).hexdigest()
    # kept a second past the window so that a request at the window's edge cannot come back
    if not remember(digest, signed.timestamp_ms + window_s * 1000 + 1000):
        raise ReplayedRequest("this signed request was used already")
    return allowed[signed.key_id]


__all__ = ["ReplayedRequest", "StaleRequest", "check_signed_request"]
