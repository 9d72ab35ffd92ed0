"""The poll manifest: everything fixed before a poll opens, hashed and cited by every later
document of the election record.

A :class:`PollManifest` is a strict, frozen pydantic model (``"version": 1``). Its canonical
JSON (:func:`zkvote.jsonmodel.canonical_json` of :meth:`PollManifest.to_json`) is the form that
is stored as ``manifest.json`` and hashed: :meth:`PollManifest.manifest_hash` is the sha256 hex
of those bytes.

Scope. A poll's scope (the public input the nullifier is derived from, Poseidon(scope, s)) is
derived from the poll id: ``scope = int.from_bytes(sha256(b"zkvote/1/poll-scope\\x00" +
poll_id.encode("utf-8")), "big") >> 8`` - 248 bits, hence always below r, the same
hash-to-field shape as Semaphore's ``keccak256(x) >> 8`` but with stdlib sha256 and a domain
tag. Two polls with different ids have unrelated scopes, so one member's nullifiers in them
are unlinkable, and a ballot proven for one poll cannot be replayed in another.

Validation on top of field types (every point on the curve and in the subgroup, the poll key
not the identity): the scope matches the id, option count = the circuit's K, the trustee
threshold 1 <= t <= n with one public share per trustee, opening before closing, the rule's
parameters valid for K (:meth:`circuits.ballot.RuleParams.validate`), the outcome rule
consistent with the options, and the tally bound within what the decoder can search.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, PlainValidator, model_validator

from zkvote.babyjub import Point
from zkvote.dlog import DEFAULT_BABY_BITS
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.jsonmodel import (
    BigUInt,
    Fr,
    PointJSON,
    Sha256Hex,
    StrictModel,
    Version1,
    canonical_json,
    parse_model,
)
from zkvote.outcome import OutcomeRule

MANIFEST_VERSION = 1
MIN_OPTIONS, MAX_OPTIONS = 2, 16
MAX_TRUSTEES = 64
#: The largest per-option total the default BSGS table decodes (zkvote.dlog's max_bound - 1:
#: totals 0..tally_bound are searched).
MAX_TALLY_BOUND = (1 << (DEFAULT_BABY_BITS + 25)) - (1 << DEFAULT_BABY_BITS) - 1
SETUP_KINDS = ("insecure-single-party", "ceremony")
_POLL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_SCOPE_TAG = b"zkvote/1/poll-scope\x00"


def poll_scope(poll_id: str) -> int:
    """The scope field element of ``poll_id`` (see the module docstring).

    Raises InvalidArgument for an id that is not 1..128 characters of ``[A-Za-z0-9._:-]``
    starting with a letter or digit."""
    check_poll_id(poll_id)
    return int.from_bytes(hashlib.sha256(_SCOPE_TAG + poll_id.encode("utf-8")).digest(),
                          "big") >> 8


def check_poll_id(poll_id: object) -> str:
    """Return ``poll_id`` if it is a valid poll id (see :func:`poll_scope`), else raise
    InvalidArgument."""
    if not isinstance(poll_id, str) or not _POLL_ID.fullmatch(poll_id):
        raise InvalidArgument("a poll id is 1..128 characters of [A-Za-z0-9._:-], starting "
                              f"with a letter or digit, not {poll_id!r:.40}")
    return poll_id


def _time(value: object) -> str:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise InvalidEncoding("a time is ISO 8601 UTC to the second: YYYY-MM-DDTHH:MM:SSZ")
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise InvalidEncoding(f"{value} is not a valid date and time") from None
    return value


Timestamp = Annotated[str, PlainValidator(_time)]


def utc_timestamp(moment: datetime) -> str:
    """``moment`` (timezone-aware) as the manifest's time format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RuleSpec(StrictModel):
    """The ballot rule: a preset's name (descriptive) and the circuit's rule parameters
    (``circuits.ballot.RULE_PARAMETERS`` -> value), which are the proof's public inputs."""

    preset: str = Field(min_length=1, max_length=64)
    params: dict[str, BigUInt]

    def rule_params(self) -> object:
        """The parameters as ``circuits.ballot.RuleParams`` (InvalidArgument if the names
        differ from the circuit's)."""
        from zkvote.circuits.ballot import RULE_PARAMETERS, RuleParams

        if set(self.params) != set(RULE_PARAMETERS):
            missing = sorted(set(RULE_PARAMETERS) - set(self.params))
            unknown = sorted(set(self.params) - set(RULE_PARAMETERS))
            raise InvalidArgument(f"rule params: missing {missing}, unknown {unknown}")
        return RuleParams(**{_field_name(n): self.params[n] for n in RULE_PARAMETERS})


def _field_name(public_name: str) -> str:
    # RULE_PARAMETERS are the circuit's signal names; RuleParams fields are snake_case.
    from zkvote.circuits.ballot import RULE_PARAMETERS, RuleParams

    return RuleParams._fields[RULE_PARAMETERS.index(public_name)]


def rule_spec(preset: str, params: object) -> RuleSpec:
    """The manifest's rule entry for ``circuits.ballot.RuleParams`` ``params``."""
    from zkvote.circuits.ballot import RULE_PARAMETERS

    values = params.as_inputs()
    return RuleSpec(preset=preset, params=dict(zip(RULE_PARAMETERS, values, strict=True)))


class CircuitSpec(StrictModel):
    """The ballot circuit and its verifying key: ``vk_sha256`` is the sha256 hex of the
    canonical JSON of the snarkjs ``verification_key.json`` (see docs/record-format.md);
    ``setup`` says where the key came from ("insecure-single-party" keys are for tests and
    demos: whoever ran the setup can forge ballots)."""

    id: str = Field(min_length=1, max_length=64)
    n_options: int = Field(ge=MIN_OPTIONS, le=MAX_OPTIONS)
    max_depth: int = Field(ge=1, le=32)
    vk_sha256: Sha256Hex
    setup: Literal["insecure-single-party", "ceremony"]


class TrusteeSpec(StrictModel):
    """The trustees: ``n`` of them, any ``t`` decrypt; ``public_shares[j-1]`` = s_j·G of
    trustee j; ``joint_key`` H is the poll key every ballot encrypts under."""

    n: int = Field(ge=1, le=MAX_TRUSTEES)
    t: int = Field(ge=1, le=MAX_TRUSTEES)
    public_shares: list[PointJSON]
    joint_key: PointJSON

    @model_validator(mode="after")
    def _consistent(self) -> TrusteeSpec:
        if self.t > self.n:
            raise ValueError(f"threshold t = {self.t} above n = {self.n}")
        if len(self.public_shares) != self.n:
            raise ValueError(f"{len(self.public_shares)} public shares for {self.n} trustees")
        if self.joint_key.is_identity():
            raise ValueError("the poll key must not be the identity")
        return self


class PollManifest(StrictModel):
    """The poll manifest (see the module docstring for the checks)."""

    version: Version1
    poll_id: str
    scope: Fr
    question: str = Field(min_length=1, max_length=4096)
    options: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    rule: RuleSpec
    outcome: OutcomeRule
    revote: Literal["first", "last"]
    group_roots: list[Fr] = Field(min_length=1, max_length=1024)
    electorate: int = Field(ge=1)
    circuit: CircuitSpec
    trustees: TrusteeSpec
    opens_at: Timestamp
    closes_at: Timestamp
    tally_bound: int = Field(ge=1, le=MAX_TALLY_BOUND)

    @model_validator(mode="after")
    def _consistent(self) -> PollManifest:
        check_poll_id(self.poll_id)
        if self.scope != poll_scope(self.poll_id):
            raise ValueError("scope is not the scope of poll_id")
        if len(self.options) != self.circuit.n_options:
            raise ValueError(f"{len(self.options)} options, the circuit has "
                             f"{self.circuit.n_options}")
        if len(set(self.options)) != len(self.options):
            raise ValueError("option labels must be distinct")
        if len(set(self.group_roots)) != len(self.group_roots):
            raise ValueError("group roots must be distinct")
        if self.opens_at >= self.closes_at:  # same fixed format: string order is time order
            raise ValueError("the poll must open before it closes")
        self.outcome.check_options(len(self.options))
        return self

    # ---- encodings

    def to_json(self) -> dict:
        """The manifest as JSON-ready data (decimal strings, [x, y] points)."""
        return self.model_dump(mode="json", exclude_none=True)

    def canonical_json(self) -> bytes:
        """The canonical bytes (stored as manifest.json and hashed)."""
        return canonical_json(self.to_json())

    def manifest_hash(self) -> str:
        """sha256 hex of :meth:`canonical_json`."""
        return hashlib.sha256(self.canonical_json()).hexdigest()

    @classmethod
    def from_json(cls, data: str | bytes | dict) -> PollManifest:
        """Parse a manifest (JSON text, bytes or parsed object), strictly.

        Raises InvalidEncoding (structure, unknown fields, types, inconsistency),
        FieldRangeError (a value >= r), InvalidPoint / NotInSubgroup (a bad point)."""
        return parse_model(cls, data, "manifest")

    # ---- derived values

    @property
    def poll_key(self) -> Point:
        """The joint poll key H."""
        return self.trustees.joint_key

    @property
    def n_options(self) -> int:
        """K, the number of options."""
        return len(self.options)

    def rule_params(self) -> object:
        """The rule as ``circuits.ballot.RuleParams`` (not yet validated for K)."""
        return self.rule.rule_params()

    def check_parameters(self) -> None:
        """Check what the model alone cannot: the circuit id is the ballot circuit's for
        (K, depth) and the rule parameters are valid for K. Raises InvalidArgument."""
        from zkvote.circuits.ballot import circuit_id

        expected = circuit_id(self.circuit.n_options, self.circuit.max_depth)
        if self.circuit.id != expected:
            raise InvalidArgument(f"circuit id {self.circuit.id!r} is not {expected!r}")
        self.rule_params().validate(self.n_options)


def vk_hash(vk_json: str | bytes | dict) -> str:
    """sha256 hex of the canonical JSON of a snarkjs ``verification_key.json`` (text,
    bytes or parsed): independent of the file's whitespace. InvalidEncoding if not JSON."""
    from zkvote.jsonmodel import load_json

    doc = load_json(vk_json, "verification key") if isinstance(vk_json, str | bytes) else vk_json
    return hashlib.sha256(canonical_json(doc)).hexdigest()


__all__ = ["MANIFEST_VERSION", "MAX_OPTIONS", "MAX_TALLY_BOUND", "MIN_OPTIONS", "SETUP_KINDS",
           "CircuitSpec", "PollManifest", "RuleSpec", "TrusteeSpec", "check_poll_id",
           "poll_scope", "rule_spec", "utc_timestamp", "vk_hash"]
