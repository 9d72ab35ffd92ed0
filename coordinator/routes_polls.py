"""Poll routes: creation, lifecycle (admin) and the public poll documents."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool as run

from .models import PollCreate, parse_body
from .openapi import json_body
from .proving_keys import load_proving_key, publish_uploaded_key
from .service import admin, service
from .storage import BOARDS, PollRow

router = APIRouter(tags=["polls"])
Admin = Annotated[str, Depends(admin)]


def poll_summary(svc: object, row: PollRow) -> dict:
    """The public summary of a poll."""
    return {"version": 1, "poll_id": row.poll_id, "state": row.state, "revote": row.revote,
            "n_trustees": row.n_trustees, "threshold": row.threshold,
            "manifest_sha256": row.manifest_hash,
            "boards": {b: svc.storage.board_size(row.poll_id, b) for b in BOARDS}}


@router.post("/polls", status_code=201, openapi_extra=json_body(PollCreate))
async def create_poll(request: Request, _: Admin) -> dict:
    """Create a poll from a manifest draft (admin); it starts in state ``draft``."""
    svc = service(request)
    body = parse_body(PollCreate, await request.body())
    row = await run(svc.polls.create, body)
    return await run(poll_summary, svc, row)


@router.get("/polls")
def list_polls(request: Request) -> dict:
    """Every poll with its state."""
    return {"version": 1, "polls": [{"poll_id": p, "state": s}
                                    for p, s in service(request).storage.list_polls()]}


@router.get("/polls/{poll_id}")
def get_poll(request: Request, poll_id: str) -> dict:
    """A poll's state, manifest hash and board sizes."""
    svc = service(request)
    return poll_summary(svc, svc.polls.get(poll_id))


@router.get("/polls/{poll_id}/manifest")
def get_manifest(request: Request, poll_id: str) -> dict:
    """The final manifest and its sha256 (``final`` false: the draft, before key generation
    is finalised)."""
    row = service(request).polls.get(poll_id)
    final = row.manifest_json is not None
    return {"version": 1, "poll_id": poll_id, "state": row.state, "final": final,
            "manifest": json.loads(row.manifest_json if final else row.draft_json),
            "manifest_sha256": row.manifest_hash}


@router.get("/polls/{poll_id}/verification-key")
def get_verification_key(request: Request, poll_id: str) -> Response:
    """The ballot circuit's snarkjs verification_key.json."""
    row = service(request).polls.get(poll_id)
    return Response(row.vk_json, media_type="application/json")


@router.get("/polls/{poll_id}/proving-key", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
def get_proving_key(request: Request, poll_id: str) -> Response:
    """The ballot circuit's snarkjs .zkey (public; voters check its verifying key against the
    manifest). 404 when the poll publishes no proving-key hash or the key is not stored."""
    svc = service(request)
    row = svc.polls.get(poll_id)
    data = load_proving_key(svc.settings.data_dir, row.proving_key_sha256, poll_id)
    digest = row.proving_key_sha256
    return Response(data, media_type="application/octet-stream",
                    headers={"ETag": f'"{digest}"', "X-Zkvote-Sha256": digest})


@router.put("/polls/{poll_id}/proving-key",
            openapi_extra={"requestBody": {"required": True, "content": {
                "application/octet-stream": {"schema": {"type": "string",
                                                        "format": "binary"}}}}})
async def put_proving_key(request: Request, poll_id: str, _: Admin) -> dict:
    """Upload the ballot circuit's .zkey for this poll (admin; body = the file's bytes, up to
    its own size limit). Stored only if it parses, its verifying key is the poll's and its
    sha256 is the poll's ``proving_key_sha256``; 422 ``wrong_proving_key`` otherwise."""
    svc = service(request)
    data = await request.body()
    row = await run(svc.polls.get, poll_id)
    digest = await run(publish_uploaded_key, svc.settings.data_dir, row.draft_json,
                       row.proving_key_sha256, data)
    return {"version": 1, "poll_id": poll_id, "proving_key_sha256": digest,
            "bytes": len(data)}


@router.get("/polls/{poll_id}/circuit")
def get_circuit(request: Request, poll_id: str) -> dict:
    """The circuit id, sizes, verifying-key hash, setup kind and proving-key hash."""
    row = service(request).polls.get(poll_id)
    circuit = json.loads(row.manifest_json or row.draft_json)["circuit"]
    return {"version": 1, "poll_id": poll_id, "circuit_id": circuit["id"],
            "n_options": circuit["n_options"], "max_depth": circuit["max_depth"],
            "vk_sha256": circuit["vk_sha256"], "setup": circuit["setup"],
            "proving_key_sha256": row.proving_key_sha256}


async def _transition(request: Request, fn: object, poll_id: str) -> dict:
    svc = service(request)
    row = await run(fn, poll_id)
    return await run(poll_summary, svc, row)


@router.post("/polls/{poll_id}/keygen")
async def start_keygen(request: Request, poll_id: str, _: Admin) -> dict:
    """draft -> keygen: trustees may now post their key-generation messages (admin)."""
    return await _transition(request, service(request).polls.start_keygen, poll_id)


@router.post("/polls/{poll_id}/dkg/finalize")
async def finalize_dkg(request: Request, poll_id: str, _: Admin) -> dict:
    """Finish the key generation and complete the manifest (admin)."""
    svc = service(request)
    manifest = await run(svc.polls.finalize_dkg, poll_id)
    return {"version": 1, "poll_id": poll_id, "manifest": manifest.to_json(),
            "manifest_sha256": manifest.manifest_hash()}


@router.post("/polls/{poll_id}/open")
async def open_poll(request: Request, poll_id: str, _: Admin) -> dict:
    """keygen (finalised) -> open: ballots are accepted (admin)."""
    return await _transition(request, service(request).polls.open, poll_id)


@router.post("/polls/{poll_id}/close")
async def close_poll(request: Request, poll_id: str, _: Admin) -> dict:
    """open -> closed: no more ballots (admin)."""
    return await _transition(request, service(request).polls.close, poll_id)
