"""The service object behind the routes, and the FastAPI dependencies that reach it.

:class:`Service` wires storage, boards, polls, registrar, ingest and tally together for one
:class:`~zkvote.coordinator.settings.Settings`. The dependencies :func:`admin` and
:func:`trustee` authenticate signed requests (zkvote.coordinator.auth) and reject with 401
before a handler runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from zkvote.request_signing import key_id

from .auth import check_signed_request
from .boards import Boards
from .errors import NotFound
from .ingest import Ingestor
from .polls import Polls
from .registrar import Registrar
from .settings import Settings
from .storage import Storage
from .tallying import Tallying


@dataclass
class Service:
    """Everything one coordinator runs on."""

    settings: Settings
    storage: Storage
    boards: Boards
    polls: Polls
    registrar: Registrar
    ingestor: Ingestor
    tallying: Tallying

    @classmethod
    def build(cls, settings: Settings) -> Service:
        """Open the storage of ``settings`` and build every part on it."""
        storage = Storage(settings.db_url)
        boards = Boards(storage, settings.log_key)
        polls = Polls(storage, boards)
        return cls(settings, storage, boards, polls, Registrar(storage),
                   Ingestor(storage, boards, polls, window_ms=settings.batch_window_ms,
                            batch_max=settings.batch_max, workers=settings.verify_workers),
                   Tallying(storage, polls, boards))


def service(request: Request) -> Service:
    """The app's :class:`Service`."""
    return request.app.state.service


def path_and_query(request: Request) -> str:
    """The request path, plus ``?query`` if any: what a request signature covers."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    return request.url.path + (f"?{query}" if query else "")


async def _authenticate(request: Request, allowed: dict[str, Any]) -> Any:
    svc = service(request)
    body = await request.body()
    return await run_in_threadpool(
        check_signed_request, request.method, path_and_query(request), body, request.headers,
        allowed, svc.settings.auth_window_s, svc.storage.use_nonce)


async def admin(request: Request) -> str:
    """Dependency: the request is signed by an admin key; returns that key id."""
    keys = {key_id(k): key_id(k) for k in service(request).settings.admin_keys}
    return await _authenticate(request, keys)


async def trustee(request: Request, poll_id: str) -> int:
    """Dependency: the request is signed by one of poll ``poll_id``'s trustees; returns its
    index (1..n). NotFound for an unknown poll."""
    svc = service(request)
    keys = await run_in_threadpool(svc.storage.trustee_keys, poll_id)
    if not keys:
        raise NotFound(f"no poll {poll_id!r}")
    return await _authenticate(request, {key: index for index, key in keys.items()})


__all__ = ["Service", "admin", "path_and_query", "service", "trustee"]
