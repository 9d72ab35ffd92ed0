"""The election record's documents: strict parsers and writers for every file, and
:class:`ElectionRecord`, the whole record in memory (zkvote.record_files has the file layer:
directory, archive, index). docs/record-format.md specifies each document.

Every document carries ``"version": 1``; the tally, aggregate, partial decryptions and outcome
also carry ``manifest_sha256`` so that none can be moved to another poll's record. The board
(``ballots.jsonl``) has one JSON object per line, ``{"version", "position", "ballot"}``, with
positions strictly increasing (the verifier checks they are exactly 0..N-1).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from nacl.signing import SigningKey
from pydantic import Field, PlainSerializer, PlainValidator, ValidationInfo

from zkvote.ballot import Ballot, ChallengedBallot
from zkvote.board import VERSION as BOARD_VERSION
from zkvote.board import TreeHead, derive_log_id, sign_tree_head
from zkvote.board_tree import leaf_hash, merkle_root
from zkvote.decryption import PartialDecryption
from zkvote.elgamal import Ciphertext
from zkvote.errors import InvalidEncoding
from zkvote.jsonmodel import (
    BigUInt,
    PointJSON,
    Sha256Hex,
    StrictModel,
    Version1,
    canonical_json,
    load_json,
    parse_model,
)
from zkvote.outcome import Outcome
from zkvote.poll import PollManifest
from zkvote.record_files import (
    AGGREGATE,
    BALLOTS,
    CHALLENGED,
    DKG,
    INDEX,
    MANIFEST,
    OUTCOME,
    PARTIALS,
    TALLY,
    VERIFICATION_KEY,
    BoardHead,
    parse_index,
    read_record_files,
    write_record_files,
)
from zkvote.snark.keys import VerifyingKey
from zkvote.snark.snarkjs_json import verifying_key_from_json, verifying_key_to_json
from zkvote.tally import REASON_DUPLICATE, REASON_SUPERSEDED
from zkvote.threshold import DKGTranscript

DOC_VERSION = 1
MAX_BALLOT_LINE = 1 << 16


def _external(kind: type) -> Any:
    """A pydantic field type for a class with to_json/from_json: instances pass through when
    a model is built in Python, JSON is parsed strictly by ``kind.from_json``."""

    def validate(value: object, info: ValidationInfo) -> object:
        if isinstance(value, kind) and not (info.context and info.context.get("json")):
            return value
        return kind.from_json(value)

    return Annotated[kind, PlainValidator(validate), PlainSerializer(lambda v: v.to_json())]


CiphertextJSON = _external(Ciphertext)
PartialJSON = _external(PartialDecryption)
ChallengedJSON = _external(ChallengedBallot)


class NotCounted(StrictModel):
    """A board position that does not count, and why."""

    position: int = Field(ge=0)
    reason: Literal["duplicate-nullifier", "superseded"]


class TallyDoc(StrictModel):
    """``tally.json``: the policy's classification of every board position, the trustees
    whose partial decryptions were combined, the combined points m_i·G and the totals m_i."""

    version: Version1
    manifest_sha256: Sha256Hex
    policy: Literal["first", "last"]
    board_size: int = Field(ge=0)
    counted: list[int]
    not_counted: list[NotCounted]
    trustees: list[int]
    plaintext_points: list[PointJSON]
    results: list[BigUInt]


class AggregateDoc(StrictModel):
    """``aggregate.json``: the option-wise sum of the counted ballots' ciphertexts."""

    version: Version1
    manifest_sha256: Sha256Hex
    ballots_counted: int = Field(ge=0)
    ciphertexts: list[CiphertextJSON]


class PartialsDoc(StrictModel):
    """``partial_decryptions.json``: one partial decryption per present trustee."""

    version: Version1
    manifest_sha256: Sha256Hex
    partials: list[PartialJSON]


class ChallengedDoc(StrictModel):
    """``challenged.json``: spoiled ballots with their openings, in the order challenged."""

    version: Version1
    challenged: list[ChallengedJSON]


class OutcomeDoc(StrictModel):
    """``outcome.json``."""

    version: Version1
    manifest_sha256: Sha256Hex
    outcome: Outcome


@dataclass(frozen=True)
class BoardLine:
    """One line of ``ballots.jsonl``: the board position and the ballot, still as parsed
    JSON (points are validated when the ballot is parsed with :meth:`Ballot.from_json`)."""

    position: int
    ballot: dict


# ---- parsing


def parse_manifest(data: bytes) -> PollManifest:
    """``manifest.json`` (errors as :meth:`PollManifest.from_json`)."""
    return PollManifest.from_json(data)


def parse_verifying_key(data: bytes) -> VerifyingKey:
    """``verification_key.json`` in snarkjs's layout."""
    return verifying_key_from_json(data)


def parse_dkg(data: bytes) -> DKGTranscript:
    """``trustees/dkg.json``: the DKG transcript (zkvote.threshold's JSON)."""
    return DKGTranscript.from_json(load_json(data, DKG))


def parse_board(data: bytes) -> list[BoardLine]:
    """``ballots.jsonl``: one ``{"version": 1, "position": p, "ballot": {...}}`` per line,
    positions strictly increasing. The ballots themselves are not parsed here (see
    :meth:`Ballot.from_json`). Raises InvalidEncoding naming the line."""
    if not isinstance(data, bytes):
        raise InvalidEncoding(f"{BALLOTS}: expected bytes")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    board: list[BoardLine] = []
    for number, line in enumerate(lines, start=1):
        what = f"{BALLOTS} line {number}"
        if len(line) > MAX_BALLOT_LINE:
            raise InvalidEncoding(f"{what}: longer than {MAX_BALLOT_LINE} bytes")
        doc = load_json(line, what)
        if not isinstance(doc, dict) or set(doc) != {"version", "position", "ballot"}:
            raise InvalidEncoding(f"{what}: expected exactly version, position, ballot")
        if doc["version"] != DOC_VERSION or isinstance(doc["version"], bool):
            raise InvalidEncoding(f"{what}: unsupported version")
        position = doc["position"]
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise InvalidEncoding(f"{what}: position must be a non-negative integer")
        if board and position <= board[-1].position:
            raise InvalidEncoding(f"{what}: positions must be strictly increasing")
        if not isinstance(doc["ballot"], dict):
            raise InvalidEncoding(f"{what}: ballot must be an object")
        board.append(BoardLine(position, doc["ballot"]))
    return board


def parse_challenged(data: bytes) -> list[ChallengedBallot]:
    """``challenged.json``."""
    return list(parse_model(ChallengedDoc, data, CHALLENGED).challenged)


def parse_aggregate(data: bytes) -> AggregateDoc:
    """``aggregate.json``."""
    return parse_model(AggregateDoc, data, AGGREGATE)


def parse_partials(data: bytes) -> PartialsDoc:
    """``partial_decryptions.json``."""
    return parse_model(PartialsDoc, data, PARTIALS)


def parse_tally(data: bytes) -> TallyDoc:
    """``tally.json``."""
    return parse_model(TallyDoc, data, TALLY)


def parse_outcome(data: bytes) -> OutcomeDoc:
    """``outcome.json``."""
    return parse_model(OutcomeDoc, data, OUTCOME)


# ---- writing


def _pretty(doc: Any) -> bytes:
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def board_line(position: int, ballot: Ballot) -> bytes:
    """One ``ballots.jsonl`` line (compact, sorted keys, newline-terminated)."""
    doc = {"version": DOC_VERSION, "position": position, "ballot": ballot.to_json()}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def board_entry(ballot_json: dict) -> bytes:
    """The bulletin board entry of a ballot document (``Ballot.to_json()`` or a board line's
    parsed ``ballot``): its canonical JSON, exactly as the coordinator appends it."""
    return canonical_json(ballot_json)


def board_root(ballot_jsons: Sequence[dict]) -> bytes:
    """The RFC 9162 root over the board entries of ``ballot_jsons`` in board order."""
    return merkle_root([leaf_hash(board_entry(doc)) for doc in ballot_jsons])


def sign_board_head(signing_key: SigningKey, poll_id: str, board: Sequence[Ballot],
                    timestamp: int) -> BoardHead:
    """A signed head over ``board`` (all of it) for the ballots board of ``poll_id`` (log id
    ``derive_log_id(key, poll_id)``, as the coordinator's), stamped ``timestamp`` (ms since the
    epoch). InvalidEncoding for a bad key, poll id or timestamp."""
    verify_key = signing_key.verify_key
    head = TreeHead(BOARD_VERSION, derive_log_id(verify_key, poll_id), len(board),
                    board_root([b.to_json() for b in board]), timestamp)
    return BoardHead(bytes(verify_key), sign_tree_head(signing_key, head))


@dataclass(frozen=True)
class ElectionRecord:
    """A whole election record in memory (see docs/record-format.md)."""

    manifest: PollManifest
    verifying_key: VerifyingKey
    dkg: DKGTranscript
    board: tuple[Ballot, ...]
    challenged: tuple[ChallengedBallot, ...]
    aggregate: AggregateDoc
    partials: PartialsDoc
    tally: TallyDoc
    outcome: OutcomeDoc
    board_head: BoardHead | None = None

    def to_files(self) -> dict[str, bytes]:
        """Every record file but the index, by relative path."""
        return {
            MANIFEST: self.manifest.canonical_json() + b"\n",
            VERIFICATION_KEY: verifying_key_to_json(self.verifying_key).encode() + b"\n",
            DKG: _pretty(self.dkg.to_json()),
            BALLOTS: b"".join(board_line(p, b) for p, b in enumerate(self.board)),
            CHALLENGED: _pretty(ChallengedDoc(version=DOC_VERSION, challenged=list(
                self.challenged)).model_dump(mode="json")),
            AGGREGATE: _pretty(self.aggregate.model_dump(mode="json")),
            PARTIALS: _pretty(self.partials.model_dump(mode="json")),
            TALLY: _pretty(self.tally.model_dump(mode="json")),
            OUTCOME: _pretty(self.outcome.model_dump(mode="json", exclude_none=True)),
        }

    @classmethod
    def from_files(cls, files: dict[str, bytes]) -> ElectionRecord:
        """Parse every document (ballots included). Raises InvalidEncoding (or a more
        specific InvalidInput) naming the file; KeyError-free: a missing file is
        InvalidEncoding. The board head is read from ``index.json`` when present.
        Parsing does not verify anything beyond syntax: use
        zkvote.verify.verify_record."""
        for name in (MANIFEST, VERIFICATION_KEY, DKG, BALLOTS, CHALLENGED, AGGREGATE,
                     PARTIALS, TALLY, OUTCOME):
            if name not in files:
                raise InvalidEncoding(f"{name} is missing from the record")
        board = parse_board(files[BALLOTS])
        return cls(
            manifest=parse_manifest(files[MANIFEST]),
            verifying_key=parse_verifying_key(files[VERIFICATION_KEY]),
            dkg=parse_dkg(files[DKG]),
            board=tuple(Ballot.from_json(line.ballot) for line in board),
            challenged=tuple(parse_challenged(files[CHALLENGED])),
            aggregate=parse_aggregate(files[AGGREGATE]),
            partials=parse_partials(files[PARTIALS]),
            tally=parse_tally(files[TALLY]),
            outcome=parse_outcome(files[OUTCOME]),
            board_head=parse_index(files[INDEX]).board_head if INDEX in files else None,
        )


def make_tally_doc(manifest_sha256: str, classification: object, trustees: Sequence[int],
                   points: Sequence, results: Sequence[int]) -> TallyDoc:
    """``tally.json`` from a :class:`zkvote.tally.BoardClassification` and a decrypted tally."""
    return TallyDoc(
        version=DOC_VERSION, manifest_sha256=manifest_sha256, policy=classification.policy,
        board_size=classification.board_size, counted=list(classification.counted),
        not_counted=[NotCounted(position=p, reason=r) for p, r in classification.not_counted],
        trustees=list(trustees), plaintext_points=list(points), results=list(results))


def write_record(record: ElectionRecord, directory: str | os.PathLike[str], *,
                 archive: str | os.PathLike[str] | None = None) -> None:
    """Write ``record`` as a directory (and optionally an archive), its board head in the
    index; see
    :func:`zkvote.record_files.write_record_files`."""
    write_record_files(record.to_files(), directory, archive=archive,
                       board_head=record.board_head)


def read_record(path: str | os.PathLike[str]) -> ElectionRecord:
    """Read and parse the record at ``path`` (directory or archive). Does not check the
    index or verify anything: use zkvote.verify.verify_record."""
    return ElectionRecord.from_files(read_record_files(path))


__all__ = ["DOC_VERSION", "REASON_DUPLICATE", "REASON_SUPERSEDED", "AggregateDoc", "BoardLine",
           "ChallengedDoc", "ElectionRecord", "NotCounted", "OutcomeDoc", "PartialsDoc",
           "TallyDoc", "board_entry", "board_line", "board_root", "make_tally_doc",
           "parse_aggregate", "parse_board", "parse_challenged", "parse_dkg", "parse_manifest",
           "parse_outcome", "parse_partials", "parse_tally", "parse_verifying_key",
           "read_record", "sign_board_head", "write_record"]
