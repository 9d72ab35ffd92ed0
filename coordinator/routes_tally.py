"""Tally routes: aggregate (admin), partial decryptions (trustees), publication, record."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool as run

from zkvote.jsonmodel import load_json

from .openapi import json_body
from .service import admin, service, trustee

router = APIRouter(tags=["tally"])
Admin = Annotated[str, Depends(admin)]
Trustee = Annotated[int, Depends(trustee)]


@router.post("/polls/{poll_id}/tally/aggregate", status_code=201)
async def aggregate(request: Request, poll_id: str, _: Admin) -> dict:
    """Sum the counted ballots of a closed poll (admin)."""
    return await run(service(request).tallying.aggregate, poll_id)


@router.get("/polls/{poll_id}/tally/aggregate")
def get_aggregate(request: Request, poll_id: str) -> dict:
    """The aggregate the trustees decrypt."""
    return service(request).tallying.aggregate_doc(poll_id).model_dump(mode="json")


@router.post("/polls/{poll_id}/tally/partials", status_code=201,
             openapi_extra=json_body(None, "zkvote.decryption.PartialDecryption JSON"))
async def post_partial(request: Request, poll_id: str, index: Trustee) -> dict:
    """The caller's partial decryption of the aggregate, verified before it is stored."""
    data = load_json(await request.body(), "partial decryption")
    await run(service(request).tallying.post_partial, poll_id, index, data)
    return {"version": 1, "accepted": "partial", "trustee": index}


@router.get("/polls/{poll_id}/tally/partials")
def get_partials(request: Request, poll_id: str) -> dict:
    """The partial decryptions received so far."""
    svc = service(request)
    svc.polls.get(poll_id)
    return {"version": 1, "partials": [json.loads(b) for _, b in svc.storage.partials(poll_id)]}


@router.post("/polls/{poll_id}/tally/publish", status_code=201)
async def publish(request: Request, poll_id: str, _: Admin) -> dict:
    """Decrypt, apply the outcome rule, publish the result and the record (admin)."""
    return await run(service(request).tallying.publish, poll_id)


@router.get("/polls/{poll_id}/tally")
def result(request: Request, poll_id: str) -> dict:
    """The published tally and outcome."""
    return service(request).tallying.result(poll_id)


@router.get("/polls/{poll_id}/record")
def record(request: Request, poll_id: str) -> Response:
    """The election record archive (.zip), for ``zkvote verify``."""
    data = service(request).tallying.record(poll_id)
    return Response(data, media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="{poll_id}-record.zip"'})
