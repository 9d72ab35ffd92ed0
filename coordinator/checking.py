"""The stateless half of ballot acceptance: parse, check the statement, verify the proofs.

:func:`check_submissions` needs only the poll's manifest and verifying key (as JSON text), no
storage and no board, so it runs in worker processes (zkvote.coordinator.ingest uses a process
pool; the interpreter lock would otherwise serialise this CPU-heavy part with the web layer)
or in a thread. Its results are small and picklable: the board entry's bytes, the tracking
code and the nullifier of each accepted submission, or the exception that refused it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from zkvote.ballot import (
    Ballot,
    ChallengedBallot,
    ballot_statement,
    parse_ballots,
    tracking_code,
    verify_challenge,
)
from zkvote.errors import InvalidBallot, InvalidProof, ZkvoteError
from zkvote.jsonmodel import canonical_json
from zkvote.poll import PollManifest
from zkvote.snark.keys import PreparedVerifyingKey, prepare_verifying_key
from zkvote.snark.snarkjs_json import verifying_key_from_json
from zkvote.snark.verifier import batch_verify, find_invalid

log = logging.getLogger("zkvote.coordinator.checking")
BALLOTS = "ballots"


@dataclass(frozen=True)
class Checked:
    """A submission that passed every check that does not depend on the board: its entry
    (canonical JSON of the ballot document), tracking code and nullifier (None for a
    challenged ballot)."""

    entry: bytes
    tracking: str
    nullifier: int | None


@lru_cache(maxsize=8)
def poll_keys(manifest_json: str, vk_json: str) -> tuple[PollManifest, PreparedVerifyingKey,
                                                          object]:
    """The parsed manifest, prepared verifying key and rule parameters (cached)."""
    manifest = PollManifest.from_json(manifest_json)
    pvk = prepare_verifying_key(verifying_key_from_json(vk_json))
    return manifest, pvk, manifest.rule_params()


def check_submissions(manifest_json: str, vk_json: str,
                      items: list[tuple[str, dict[str, Any]]]) -> list[Checked | Exception]:
    """Check ``items`` - (board, JSON document) pairs of one poll - in order. A cast ballot
    is parsed with every point on its curve and the proof's G2 point in its subgroup (the
    ciphertexts' subgroup membership follows from the proof; see the comment below), its
    statement checked against the manifest (poll, options, root) and its proof verified,
    all proofs in one batch; a challenged ballot must open correctly. One result per item:
    :class:`Checked`, or the error (InvalidEncoding, InvalidPoint, ..., InvalidBallot,
    InvalidProof)."""
    manifest, pvk, params = poll_keys(manifest_json, vk_json)
    # The BabyJubJub subgroup checks are most of the parsing time and a valid proof implies
    # them (the circuit computes the ciphertexts from subgroup points; see Ballot.from_json);
    # a ballot whose proof fails is parsed again with them below, so that it is refused
    # with the precise reason. parse_ballots checks the proofs' G2 points in one batch.
    cast = iter(_parse_cast([data for board, data in items if board == BALLOTS]))
    results: list[Checked | Exception] = []
    proofs: list[tuple[int, list[int], object]] = []
    for i, (board, data) in enumerate(items):
        try:
            if board == BALLOTS:
                ballot = next(cast)
                if isinstance(ballot, Exception):
                    raise ballot
                public = ballot_statement(ballot, manifest, params)
                proofs.append((i, public, ballot.proof))
                results.append(Checked(canonical_json(ballot.to_json()), tracking_code(ballot),
                                       ballot.nullifier))
            else:
                challenged = ChallengedBallot.from_json(data)
                verify_challenge(challenged, manifest)
                results.append(Checked(canonical_json(challenged.to_json()),
                                       tracking_code(challenged), None))
        except ZkvoteError as exc:
            results.append(exc)
        except Exception:  # a parser bug must not sink the other ballots of the batch
            log.exception("unexpected error checking a submission")
            results.append(InvalidBallot("the ballot could not be parsed"))
    if proofs:
        pairs = [(public, proof) for _, public, proof in proofs]
        if not batch_verify(pvk, pairs):
            for j in find_invalid(pvk, pairs):
                index = proofs[j][0]
                results[index] = _strict_reason(items[index][1])
    return results


def _parse_cast(docs: list[Any]) -> list[Ballot | Exception]:
    try:
        return parse_ballots(docs, subgroup_checks=False)
    except Exception:  # a parser bug must not sink the other submissions of the batch
        log.exception("unexpected error parsing a batch of ballots")
        return [_parse_one(doc) for doc in docs]


def _parse_one(doc: Any) -> Ballot | Exception:
    try:
        return Ballot.from_json(doc, subgroup_checks=False)
    except ZkvoteError as exc:
        return exc
    except Exception:
        log.exception("unexpected error parsing a ballot")
        return InvalidBallot("the ballot could not be parsed")


def _strict_reason(data: dict[str, Any]) -> ZkvoteError:
    """Why a cast ballot whose proof failed is refused: a point outside its subgroup if the
    strict parser finds one, else the proof."""
    try:
        Ballot.from_json(data)
    except ZkvoteError as exc:
        return exc
    return InvalidProof("ballot proof does not verify")


def warm_up() -> bool:
    """Imported and ready (a worker process calls this once at start)."""
    return True


def watch_parent(parent_pid: int) -> None:
    """Worker-process initializer: exit as soon as the coordinator that started this worker
    is gone (after a ``kill -9`` nothing else would end the worker)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="zkvote-parent-watch", daemon=True).start()


__all__ = ["Checked", "check_submissions", "poll_keys", "warm_up", "watch_parent"]
