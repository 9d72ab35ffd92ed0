"""Key-generation routes: trustees post their DKG messages; the coordinator relays shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool as run

from zkvote.jsonmodel import load_json

from .models import AnswersPost, ComplaintsPost, SharesPost, parse_body
from .openapi import json_body
from .service import service, trustee

router = APIRouter(tags=["key generation"])
Trustee = Annotated[int, Depends(trustee)]


@router.get("/polls/{poll_id}/dkg")
def dkg_status(request: Request, poll_id: str) -> dict:
    """The public key-generation state (round-1 messages, complaints, answers, transcript)."""
    return service(request).polls.dkg_status(poll_id)


@router.post("/polls/{poll_id}/dkg/round1", status_code=201,
             openapi_extra=json_body(None, "zkvote.threshold.Round1Message JSON"))
async def post_round1(request: Request, poll_id: str, index: Trustee) -> dict:
    """The caller's round-1 message (commitments, proof of knowledge, box key)."""
    data = load_json(await request.body(), "round-1 message")
    await run(service(request).polls.post_round1, poll_id, index, data)
    return {"version": 1, "accepted": "round1", "trustee": index}


@router.post("/polls/{poll_id}/dkg/shares", status_code=201, openapi_extra=json_body(SharesPost))
async def post_shares(request: Request, poll_id: str, index: Trustee) -> dict:
    """The caller's encrypted shares, relayed to their recipients."""
    body = parse_body(SharesPost, await request.body())
    await run(service(request).polls.post_shares, poll_id, index, body)
    return {"version": 1, "accepted": "shares", "trustee": index}


@router.get("/polls/{poll_id}/dkg/shares")
async def get_shares(request: Request, poll_id: str, index: Trustee) -> dict:
    """The encrypted shares addressed to the caller."""
    shares = await run(service(request).polls.shares_for, poll_id, index)
    return {"version": 1, "recipient": index, "shares": shares}


@router.post("/polls/{poll_id}/dkg/complaints", status_code=201,
             openapi_extra=json_body(ComplaintsPost))
async def post_complaints(request: Request, poll_id: str, index: Trustee) -> dict:
    """The caller's complaints (an empty list: every share it received was good)."""
    body = parse_body(ComplaintsPost, await request.body())
    await run(service(request).polls.post_complaints, poll_id, index, body)
    return {"version": 1, "accepted": "complaints", "trustee": index}


@router.post("/polls/{poll_id}/dkg/answers", status_code=201,
             openapi_extra=json_body(AnswersPost))
async def post_answers(request: Request, poll_id: str, index: Trustee) -> dict:
    """The caller's answers to complaints against it (each reveals one share)."""
    body = parse_body(AnswersPost, await request.body())
    await run(service(request).polls.post_answers, poll_id, index, body)
    return {"version": 1, "accepted": "answers", "trustee": index}
