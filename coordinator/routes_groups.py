"""Registrar routes: groups of members (admin writes, public reads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool as run

from zkvote.field import FR_MODULUS
from zkvote.validate import parse_decimal

from .models import GroupCreate, MembersAdd, parse_body
from .openapi import json_body
from .service import admin, service
from .storage import RootRow

router = APIRouter(tags=["registrar"])
Admin = Annotated[str, Depends(admin)]


def _root_json(row: RootRow) -> dict:
    return {"group_id": row.group_id, "seq": row.seq, "root": str(row.root),
            "size": row.size, "published_at": row.published_at}


def _field(value: str | None, what: str) -> int | None:
    # No length cap on the query parameter: at any length a value >= r is field_range.
    return None if value is None else parse_decimal(value, what, FR_MODULUS)


@router.post("/groups", status_code=201, openapi_extra=json_body(GroupCreate))
async def create_group(request: Request, _: Admin) -> dict:
    """Create an empty group (admin)."""
    body = parse_body(GroupCreate, await request.body())
    await run(service(request).registrar.create, body.group_id, body.weighted)
    return {"version": 1, "group_id": body.group_id, "weighted": body.weighted}


@router.get("/groups")
def list_groups(request: Request) -> dict:
    """Every group."""
    rows = service(request).storage.list_groups()
    return {"version": 1, "groups": [{"group_id": g.group_id, "weighted": g.weighted}
                                     for g in rows]}


@router.get("/groups/{group_id}")
def get_group(request: Request, group_id: str) -> dict:
    """A group: its size now and its published roots."""
    svc = service(request)
    group = svc.storage.get_group(group_id)
    _, tree = svc.registrar.tree(group_id)
    return {"version": 1, "group_id": group_id, "weighted": group.weighted, "size": tree.size,
            "current_root": str(tree.root),
            "roots": [_root_json(r) for r in svc.storage.group_roots(group_id)]}


@router.post("/groups/{group_id}/members", status_code=201, openapi_extra=json_body(MembersAdd))
async def add_members(request: Request, group_id: str, _: Admin) -> dict:
    """Append members (admin): identity commitments or weighted leaves; their indices."""
    body = parse_body(MembersAdd, await request.body())
    indices = await run(service(request).registrar.add, group_id, body.values())
    return {"version": 1, "group_id": group_id, "indices": indices}


@router.delete("/groups/{group_id}/members/{leaf_index}")
async def remove_member(request: Request, group_id: str, leaf_index: int, _: Admin) -> dict:
    """Remove the member at ``leaf_index`` (admin); its leaf becomes 0."""
    await run(service(request).registrar.remove, group_id, leaf_index)
    return {"version": 1, "group_id": group_id, "removed": leaf_index}


@router.post("/groups/{group_id}/roots", status_code=201)
async def publish_root(request: Request, group_id: str, _: Admin) -> dict:
    """Publish the group's current root (admin)."""
    row = await run(service(request).registrar.publish, group_id)
    return {"version": 1, **_root_json(row)}


@router.get("/groups/{group_id}/roots")
def group_roots(request: Request, group_id: str) -> dict:
    """The group's published roots, oldest first."""
    rows = service(request).storage.group_roots(group_id)
    return {"version": 1, "roots": [_root_json(r) for r in rows]}


@router.get("/groups/{group_id}/members")
def group_members(request: Request, group_id: str, root: str | None = None,
                  start: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict:
    """The group's leaves (removed members as "0"), now or at a published root."""
    svc = service(request)
    seq = None
    if root is not None:
        seq = svc.registrar.root_row(group_id, _field(root, "root")).event_seq
    _, tree = svc.registrar.tree(group_id, seq)
    leaves = tree.leaves[start:start + limit]
    return {"version": 1, "group_id": group_id, "size": tree.size, "root": str(tree.root),
            "start": start, "leaves": [str(x) for x in leaves]}


@router.get("/groups/{group_id}/proof")
def membership_proof(request: Request, group_id: str, leaf: str,
                     root: str | None = None) -> dict:
    """The Merkle path of ``leaf`` under a published root (default: the latest), in
    @zk-kit/lean-imt's proof layout."""
    proof = service(request).registrar.proof(group_id, _field(leaf, "leaf"),
                                             _field(root, "root"))
    return {"version": 1, "group_id": group_id, "proof": proof.to_json()}


@router.get("/roots/{root}")
def find_root(request: Request, root: str) -> dict:
    """Which group published ``root`` (and when): how a voter finds the group of a poll."""
    rows = service(request).storage.roots_named(_field(root, "root"))
    return {"version": 1, "root": root, "publications": [_root_json(r) for r in rows]}
