"""Request limits as plain ASGI middleware: body size (413) and a per-client rate (429).

Both act before any routing or parsing. The body limit rejects a declared ``Content-Length``
above the limit at once and counts the bytes of a chunked body as they arrive, failing the
request as soon as it crosses the limit (the application never sees more than the limit).

The rate limit is a token bucket per client address, held in memory only (never logged nor
stored: ballots are anonymous), refilled at ``rate`` tokens a second up to ``burst``. Buckets
idle for a while are dropped so the table stays small.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import PayloadTooLarge, RateLimited, Unavailable, error_body

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_error(send: Send, status: int, code: str, message: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send a complete JSON error response."""
    body = json.dumps(error_body(code, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """413 for any request whose body exceeds ``max_bytes``.

    The body is read (at most ``max_bytes`` of it) before the application runs and then
    replayed to it, so an oversized request is refused without reaching any handler.
    ``limit_for(scope)``, if given, may return another limit for a request (None: the
    default), e.g. the proving-key upload's. Such a limit is granted from headers alone,
    before any signature can be checked (that needs the body), so at most one request at a
    time may use a limit above the default: a second one gets 503 at once. Memory held for
    bodies is therefore bounded by one special limit plus the default per request."""

    def __init__(self, app: ASGIApp, max_bytes: int,
                 limit_for: Callable[[Scope], int | None] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit_for = limit_for
        self._large_busy = False  # one event loop: a plain flag is race-free

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        special = self.limit_for(scope) if self.limit_for is not None else None
        if special is None or special <= self.max_bytes:
            await self._buffered(scope, receive, send,
                                 self.max_bytes if special is None else special)
            return
        if self._large_busy:
            await send_error(send, Unavailable.status, Unavailable.code,
                             "another large upload is in progress; retry later",
                             [(b"retry-after", b"5")])
            return
        self._large_busy = True
        try:
            await self._buffered(scope, receive, send, special)
        finally:
            self._large_busy = False

    async def _buffered(self, scope: Scope, receive: Receive, send: Send,
                        max_bytes: int) -> None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > max_bytes:
                    await _reject_size(send, max_bytes)
                    return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > max_bytes:
                await _reject_size(send, max_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject_size(send: Send, limit: int) -> None:
    await send_error(send, PayloadTooLarge.status, PayloadTooLarge.code,
                     f"request body larger than {limit} bytes",
                     [(b"connection", b"close")])


class TokenBuckets:
    """Token buckets keyed by client; :meth:`take` spends one token if there is one."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._last_sweep = clock()

    def take(self, client: str) -> float:
        """0.0 if ``client`` may proceed (a token was spent), else the seconds until its next
        token."""
        now = self.clock()
        tokens, last = self._buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens - 1.0, now)
        if now - self._last_sweep > 60.0:
            self._sweep(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        # a bucket refilled to full holds no information
        full_after = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        self._last_sweep = now


class RateLimit:
    """429 (with Retry-After) for a client whose bucket is empty; ``rate`` 0 disables."""

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.buckets is None:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "unknown")
        if wait > 0:
            await send_error(send, RateLimited.status, RateLimited.code,
                             "too many requests from this client; slow down",
                             [(b"retry-after", str(max(1, round(wait))).encode())])
            return
        await self.app(scope, receive, send)


__all__ = ["BodySizeLimit", "RateLimit", "TokenBuckets", "send_error"]
