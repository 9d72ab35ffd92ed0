"""Ballot routes: anonymous by design - no authentication, nothing about the sender kept."""

from __future__ import annotations

import json
import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool as run

from zkvote.errors import InvalidArgument, InvalidBallot, ZkvoteError
from zkvote.hexkeys import is_hex

from .errors import NotFound, http_error
from .models import BallotIn, ChallengedIn, checked_json
from .openapi import json_body
from .service import Service, service
from .storage import BALLOTS, CHALLENGED

router = APIRouter(tags=["ballots"])
_SUBMIT = re.compile(r"/polls/([^/]+)/(ballots|challenged)")


async def accept(svc: Service, poll_id: str, board: str, body: bytes) -> tuple[int, bytes]:
    """Handle a submission to ``board`` of poll ``poll_id``: (status, JSON body) - 201 with
    the receipt once the ballot is durably on the board, or the error document."""
    model = BallotIn if board == BALLOTS else ChallengedIn
    try:
        data = checked_json(model, body)
        if data["poll_id"] != poll_id:
            raise InvalidBallot(f"the ballot is for poll {data['poll_id']!r}, posted to "
                                f"{poll_id!r}")
        accepted = await svc.ingestor.submit(poll_id, board, data)
    except ZkvoteError as exc:
        status, doc = http_error(exc)
        return status, json.dumps(doc).encode()
    return 201, json.dumps(accepted.to_json(), separators=(",", ":")).encode()


async def _submit(request: Request, poll_id: str, board: str) -> Response:
    status, body = await accept(service(request), poll_id, board, await request.body())
    return Response(body, status_code=status, media_type="application/json")


class BallotFastPath:
    """ASGI middleware serving ``POST /polls/{id}/ballots`` and ``/challenged`` with
    :func:`accept` directly, without FastAPI's routing and dependency resolution, which cost
    more per request than the rest of the web layer (measured with
    benchmarks/bench_coordinator.py). Same handler, same answers as the documented routes
    below, which serve any request this one does not match."""

    def __init__(self, app: object, svc: Service) -> None:
        self.app = app
        self.svc = svc

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        match = (_SUBMIT.fullmatch(scope["path"])
                 if scope["type"] == "http" and scope["method"] == "POST" else None)
        if match is None:
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        status, body = await accept(self.svc, match[1], match[2], b"".join(chunks))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


@router.post("/polls/{poll_id}/ballots", status_code=201, openapi_extra=json_body(BallotIn))
async def cast_ballot(request: Request, poll_id: str) -> Response:
    """Cast a ballot. Answers 201 with the receipt (signed head + inclusion proof) only once
    the ballot is durably on the board."""
    return await _submit(request, poll_id, BALLOTS)


@router.post("/polls/{poll_id}/challenged", status_code=201,
             openapi_extra=json_body(ChallengedIn))
async def challenge_ballot(request: Request, poll_id: str) -> Response:
    """Publish a challenged (spoiled) ballot with its opening; it is checked, published on
    the ``challenged`` board, and never counted."""
    return await _submit(request, poll_id, CHALLENGED)


@router.get("/polls/{poll_id}/ballots/{tracking_code}")
async def find_ballot(request: Request, poll_id: str, tracking_code: str) -> dict:
    """Where a ballot is (by tracking code), with a fresh receipt under the board's latest
    head: how a voter checks, later, that the ballot is still there."""
    svc = service(request)
    return await run(_lookup, svc, poll_id, tracking_code)


def _lookup(svc: object, poll_id: str, code: str) -> dict:
    if not is_hex(code, 32):
        raise InvalidArgument("a tracking code is 64 lowercase hex digits")
    svc.polls.get(poll_id)
    rows = svc.storage.find_ballots(poll_id, [], [code])
    if not rows:
        raise NotFound("no ballot with this tracking code")
    row = rows[0]
    head = svc.boards.latest_head(poll_id, row.board)
    receipt = svc.boards.receipt(poll_id, row.board, row.board_index, head)
    return {"version": 1, "board": row.board, "index": row.board_index,
            "superseded": row.superseded, "tracking_code": code,
            "receipt": receipt.to_json()}
