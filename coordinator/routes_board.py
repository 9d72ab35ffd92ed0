"""Bulletin-board routes: signed heads, entries, inclusion and consistency proofs.

Sizes are bounded by the board's latest committed head: nothing beyond it is served."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from zkvote.board import MAX_PAGE
from zkvote.errors import InvalidArgument
from zkvote.hexkeys import is_hex

from .errors import NotFound
from .service import service

router = APIRouter(tags=["board"])
Board = Literal["ballots", "challenged"]

def _committed(svc: object, poll_id: str, board: str) -> int:
    return svc.boards.latest_head(poll_id, board).tree_size


def _size(value: int | None, committed: int, what: str) -> int:
    if value is None:
        return committed
    if value > committed:
        raise NotFound(f"{what} {value} is beyond the board's latest signed head "
                       f"({committed})")
    return value


@router.get("/polls/{poll_id}/boards/{board}/head")
def board_head(request: Request, poll_id: str, board: Board) -> dict:
    """The board's latest signed tree head."""
    return service(request).boards.latest_head(poll_id, board).to_json()


@router.get("/polls/{poll_id}/boards/{board}/heads/{tree_size}")
def board_head_at(request: Request, poll_id: str, board: Board, tree_size: int) -> dict:
    """The signed head the board published at exactly ``tree_size`` entries."""
    head = service(request).storage.head_at(poll_id, board, tree_size)
    if head is None:
        raise NotFound(f"no signed head at size {tree_size}")
    return head.to_json()


@router.get("/polls/{poll_id}/boards/{board}/entries")
def board_entries(request: Request, poll_id: str, board: Board,
                  start: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> dict:
    """Up to ``limit`` entries from ``start`` (entries are the ballots' canonical JSON)."""
    svc = service(request)
    committed = _committed(svc, poll_id, board)
    limit = max(0, min(limit, committed - start))
    rows = svc.storage.entries(poll_id, board, start, limit) if limit else []
    return {"version": 1, "board": board, "tree_size": committed, "start": start,
            "entries": [{"index": r.index, "leaf_hash": r.leaf_hash.hex(),
                         "entry": json.loads(r.entry)} for r in rows]}


@router.get("/polls/{poll_id}/boards/{board}/inclusion")
def inclusion(request: Request, poll_id: str, board: Board,
              index: Annotated[int | None, Query(ge=0)] = None,
              leaf_hash: Annotated[str | None, Query(max_length=64)] = None,
              tree_size: Annotated[int | None, Query(ge=1)] = None) -> dict:
    """The inclusion proof of an entry (by ``index`` or ``leaf_hash``) in the board of
    ``tree_size`` entries (default: the latest signed head's)."""
    svc = service(request)
    size = _size(tree_size, _committed(svc, poll_id, board), "tree_size")
    if (index is None) == (leaf_hash is None):
        raise InvalidArgument("give exactly one of index and leaf_hash")
    if leaf_hash is not None:
        if not is_hex(leaf_hash, 32):
            raise InvalidArgument("leaf_hash is 64 lowercase hex digits")
        index = svc.storage.entry_index(poll_id, board, bytes.fromhex(leaf_hash))
        if index is None:
            raise NotFound("no entry with this leaf hash")
    if index >= size:
        raise NotFound(f"entry {index} is not in the board of size {size}")
    tree = svc.boards.tree(poll_id, board)
    return {"version": 1, "board": board, "index": index, "tree_size": size,
            "leaf_hash": tree.leaf_hash(index).hex(),
            "inclusion_proof": [h.hex() for h in tree.inclusion_proof(index, size)]}


@router.get("/polls/{poll_id}/boards/{board}/consistency")
def consistency(request: Request, poll_id: str, board: Board,
                old_size: Annotated[int, Query(ge=0)],
                new_size: Annotated[int | None, Query(ge=0)] = None) -> dict:
    """The consistency proof from the board of ``old_size`` entries to ``new_size``
    (default: the latest signed head's)."""
    svc = service(request)
    new = _size(new_size, _committed(svc, poll_id, board), "new_size")
    if old_size > new:
        raise InvalidArgument("old_size is larger than new_size")
    proof = svc.boards.tree(poll_id, board).consistency_proof(old_size, new)
    return {"version": 1, "board": board, "old_size": old_size, "new_size": new,
            "consistency_proof": [h.hex() for h in proof]}
