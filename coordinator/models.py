"""Request bodies: strict pydantic models (unknown fields, coercions and oversize lists are
refused), parsed from the raw body with zkvote.jsonmodel's strict JSON reader (no duplicate
keys, no NaN, bounded nesting).

Documents that the protocol library already parses strictly (round-1 messages, encrypted
shares, complaints, answers, partial decryptions, ballots, challenged ballots) are shape-checked
here and then handed to their ``from_json`` for the cryptographic checks (points on the curve and
in the subgroup, scalars in range).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints

from zkvote.field import FR_MODULUS
from zkvote.hexkeys import KEY_HEX_CHARS, check_hex
from zkvote.jsonmodel import Sha256Hex, StrictModel, load_json, parse_model
from zkvote.validate import parse_decimal

M = TypeVar("M", bound=BaseModel)

# No length cap here: the domain parser (zkvote.validate.parse_decimal) decides, so that a field
# element of any length at or above its bound is field_range wherever it enters (the body size
# limit bounds the work).
Decimal = Annotated[str, StringConstraints(min_length=1, pattern=r"^[0-9]+$")]


def _key_hex(value: object) -> str:
    return check_hex(value, "an Ed25519 public key", KEY_HEX_CHARS // 2)


KeyHex = Annotated[str, PlainValidator(_key_hex, json_schema_input_type=str)]
GroupId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
MAX_LEAVES_PER_REQUEST = 10_000
MAX_OPTIONS = 64


def parse_body(model: type[M], body: bytes) -> M:
    """Parse a request body into ``model``. Raises InvalidEncoding (not JSON, duplicate keys,
    wrong shape, unknown fields) or a more specific InvalidInput from a field validator."""
    return parse_model(model, body, "request body")


def checked_json(model: type[BaseModel], body: bytes) -> dict[str, Any]:
    """The parsed JSON object of ``body`` after checking it against ``model`` (errors as
    :func:`parse_body`), for documents whose own parser takes the JSON."""
    data = load_json(body, "request body")
    parse_model(model, data, "request body")
    return data


class GroupCreate(StrictModel):
    """Create a group. ``weighted``: its leaves are Poseidon(A.x, A.y, credits) (the client
    computes them) instead of identity commitments."""

    version: Literal[1]
    group_id: GroupId
    weighted: bool = False


class MembersAdd(StrictModel):
    """Append members: identity commitments or weighted leaves (non-zero field elements)."""

    version: Literal[1]
    leaves: list[Decimal] = Field(min_length=1, max_length=MAX_LEAVES_PER_REQUEST)

    def values(self) -> list[int]:
        """The leaves as field elements (FieldRangeError / InvalidEncoding otherwise)."""
        return [parse_decimal(x, "leaf", FR_MODULUS) for x in self.leaves]


class PollCreate(StrictModel):
    """Create a poll from a manifest draft: the manifest's JSON with ``trustees`` reduced to
    ``{"n": N, "t": T}`` (the DKG fills in the keys). ``verification_key`` is the circuit's
    snarkjs verification_key.json (its canonical sha256 must be the draft's
    ``circuit.vk_sha256``); ``trustee_keys[i]`` is trustee i+1's Ed25519 public key (hex) for
    signing its requests; ``proving_key_sha256``, if given, is published so that voters can
    check the proving key they were handed."""

    version: Literal[1]
    manifest: dict[str, Any]
    verification_key: dict[str, Any]
    trustee_keys: list[KeyHex] = Field(min_length=1, max_length=64)
    proving_key_sha256: Sha256Hex | None = None


class _Loose(BaseModel):
    # a document whose inner structure the protocol library checks (from_json)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SharesPost(_Loose):
    """A trustee's round-2 message: its encrypted shares, one per other trustee."""

    version: Literal[1]
    shares: list[dict[str, Any]] = Field(max_length=64)


class ComplaintsPost(_Loose):
    """A trustee's complaints after checking its shares (an empty list: all shares good)."""

    version: Literal[1]
    complaints: list[dict[str, Any]] = Field(max_length=64)


class AnswersPost(_Loose):
    """A dealer's answers to the complaints against it (each reveals one share)."""

    version: Literal[1]
    answers: list[dict[str, Any]] = Field(max_length=64)


class ProofIn(_Loose):
    """A Groth16 proof in snarkjs's proof.json layout."""

    pi_a: list[Decimal] = Field(min_length=3, max_length=3)
    pi_b: list[list[Decimal]] = Field(min_length=3, max_length=3)
    pi_c: list[Decimal] = Field(min_length=3, max_length=3)
    protocol: Literal["groth16"]
    curve: Literal["bn128"]


Ciphertexts = list[Annotated[list[Annotated[list[Decimal], Field(min_length=2, max_length=2)]],
                             Field(min_length=2, max_length=2)]]


class BallotIn(_Loose):
    """A cast ballot (zkvote.ballot.Ballot's JSON): shape and sizes only; the ballot parser
    then checks every point and the verifier the proof."""

    version: Literal[1]
    poll_id: GroupId
    root: Decimal
    nullifier: Decimal
    ciphertexts: Ciphertexts = Field(min_length=1, max_length=MAX_OPTIONS)
    proof: ProofIn


class ChallengedIn(_Loose):
    """A challenged (spoiled) ballot with its opening (zkvote.ballot.ChallengedBallot)."""

    version: Literal[1]
    poll_id: GroupId
    root: Decimal
    ciphertexts: Ciphertexts = Field(min_length=1, max_length=MAX_OPTIONS)
    votes: list[Decimal] = Field(min_length=1, max_length=MAX_OPTIONS)
    randomness: list[Decimal] = Field(min_length=1, max_length=MAX_OPTIONS)


REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    GroupCreate, MembersAdd, PollCreate, SharesPost, ComplaintsPost, AnswersPost, BallotIn,
    ChallengedIn)

__all__ = ["AnswersPost", "BallotIn", "ChallengedIn", "ComplaintsPost", "GroupCreate",
           "MembersAdd", "PollCreate", "REQUEST_MODELS", "SharesPost", "checked_json",
           "parse_body"]
