"""Ballots: K ciphertexts and one Groth16 proof, bound to one poll, one group root, one
nullifier; Benaloh cast-or-challenge; verification one at a time or in batches.

A :class:`Ballot` is ``{version, poll_id, root, nullifier, ciphertexts, proof}`` with
ciphertexts ``[[c1], [c2]]`` per option (Enc(v_i; r_i) = (r_i·G, v_i·G + r_i·H), H the poll
key) and ``proof`` in snarkjs's proof.json layout. The proof's public inputs are rebuilt by the
verifier from the ballot and the manifest (``circuits.ballot.ballot_public_inputs``: root,
nullifier, ciphertexts, scope, H, the rule's parameters), so a ballot moved to another poll
(other scope), another root, other ciphertexts or another nullifier does not verify.

Tracking code and challenges. :func:`tracking_code` is the sha256 hex of the canonical JSON of
the ballot's *encrypted part* ``{version, poll_id, root, ciphertexts}`` - what the voting
device committed to before the voter decides. The voter may cast the ballot, or challenge it:
the device then reveals the votes and randomness (:class:`ChallengedBallot`, which anyone
checks with :func:`verify_challenge`), the ballot is spoiled (never cast, never counted) and a
fresh one is built. A challenged ballot is published without its nullifier and proof, so that
it cannot be linked to the voter's cast ballot (which carries the same nullifier); its
tracking code is still checkable because the code does not cover them.

Secrets (:class:`BallotSecrets`: votes, randomness, credits) never appear in ``repr``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zkvote.babyjub import A as BJJ_A
from zkvote.babyjub import D as BJJ_D
from zkvote.babyjub import Point
from zkvote.elgamal import Ciphertext, encrypt_vector
from zkvote.errors import (
    InvalidArgument,
    InvalidBallot,
    InvalidEncoding,
    InvalidInput,
    InvalidPoint,
    InvalidProof,
)
from zkvote.field import FR_MODULUS
from zkvote.g2 import G2
from zkvote.identity import Identity
from zkvote.jsonmodel import canonical_json
from zkvote.merkle import LeanIMT
from zkvote.poll import PollManifest, check_poll_id
from zkvote.sigma import list_from_json, object_from_json, scalar_from_json
from zkvote.snark.keys import PreparedVerifyingKey, Proof, VerifyingKey, prepare_verifying_key
from zkvote.snark.snarkjs_json import (
    g1_to_json,
    g2_not_in_subgroup,
    g2_to_json,
    proof_from_json,
    proof_points_from_json,
)
from zkvote.snark.verifier import batch_verify, find_invalid, g2_subgroup_failures, verify
from zkvote.validate import parse_decimal

BALLOT_VERSION = 1
_BALLOT_KEYS = ("poll_id", "root", "nullifier", "ciphertexts", "proof")
_PROOF_KEYS = {"pi_a", "pi_b", "pi_c", "protocol", "curve"}
_CHALLENGE_KEYS = ("poll_id", "root", "ciphertexts", "votes", "randomness")


def _ciphertexts(data: object, what: str, subgroup: bool = True) -> tuple[Ciphertext, ...]:
    items = list_from_json(data, what, max_len=64)
    if not items:
        raise InvalidEncoding(f"{what} is empty")
    if subgroup:
        return tuple(Ciphertext.from_json(item) for item in items)
    return tuple(Ciphertext(*(_curve_point(p, what) for p in _pair(item, what)))
                 for item in items)


def _pair(item: object, what: str) -> list:
    if not isinstance(item, list) or len(item) != 2:
        raise InvalidEncoding(f"{what}: a ciphertext is [[x, y], [x, y]]")
    return item


def _curve_point(value: object, what: str) -> Point:
    if not isinstance(value, list) or len(value) != 2:
        raise InvalidEncoding(f"{what}: a point is [x, y]")
    x, y = parse_decimal(value[0], what, FR_MODULUS), parse_decimal(value[1], what, FR_MODULUS)
    # a x^2 + y^2 = 1 + d x^2 y^2 over Fr, checked with Python ints: for one point this is
    # several times cheaper than the native round trip of Point.from_affine, and it is the
    # same check (coordinates already canonical, below r).
    x2, y2 = x * x % FR_MODULUS, y * y % FR_MODULUS
    if (BJJ_A * x2 + y2 - 1 - BJJ_D * (x2 * y2 % FR_MODULUS)) % FR_MODULUS:
        raise InvalidPoint(f"{what}: not a BabyJubJub point")
    return Point._trusted((x, y))


def proof_to_dict(proof: Proof) -> dict[str, Any]:
    """``proof`` as the parsed form of snarkjs's proof.json."""
    return {"pi_a": g1_to_json(proof.a_g1), "pi_b": g2_to_json(proof.b_g2),
            "pi_c": g1_to_json(proof.c_g1), "protocol": "groth16", "curve": "bn128"}


def _proof_doc(data: object) -> dict:
    # A ballot's proof is stricter than a snarkjs proof.json: no other keys, one curve name.
    if not isinstance(data, dict) or set(data) != _PROOF_KEYS:
        raise InvalidEncoding("a proof has exactly pi_a, pi_b, pi_c, protocol, curve")
    if data["curve"] != "bn128":
        raise InvalidEncoding("a ballot proof's curve is written \"bn128\"")
    return data


def proof_from_dict(data: object) -> Proof:
    """Strict inverse of :func:`proof_to_dict`: exactly snarkjs's keys, every point
    validated. Raises InvalidEncoding / FieldRangeError / InvalidPoint / NotInSubgroup."""
    return proof_from_json(_proof_doc(data))


@dataclass(frozen=True)
class Ballot:
    """A cast ballot (see the module docstring). Built by :func:`build_ballot` or parsed by
    :meth:`from_json`; the constructor checks types only."""

    poll_id: str
    root: int
    nullifier: int
    ciphertexts: tuple[Ciphertext, ...]
    proof: Proof

    def __post_init__(self) -> None:
        check_poll_id(self.poll_id)
        for name in ("root", "nullifier"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < FR_MODULUS:
                raise InvalidEncoding(f"ballot {name} must be a field element")
        object.__setattr__(self, "ciphertexts", tuple(self.ciphertexts))
        if not self.ciphertexts or not all(isinstance(c, Ciphertext) for c in self.ciphertexts):
            raise InvalidEncoding("ballot ciphertexts must be a non-empty list of Ciphertext")
        if not isinstance(self.proof, Proof):
            raise InvalidEncoding("ballot proof must be a Groth16 Proof")

    def to_json(self) -> dict[str, Any]:
        """The ballot as JSON-ready data."""
        return {"version": BALLOT_VERSION, "poll_id": self.poll_id, "root": str(self.root),
                "nullifier": str(self.nullifier),
                "ciphertexts": [c.to_json() for c in self.ciphertexts],
                "proof": proof_to_dict(self.proof)}

    def canonical_json(self) -> bytes:
        """Canonical bytes of :meth:`to_json`."""
        return canonical_json(self.to_json())

    @classmethod
    def from_json(cls, data: object, *, subgroup_checks: bool = True) -> Ballot:
        """Parse a ballot strictly: exactly the expected keys, version 1, canonical decimals,
        every point on its curve and in its subgroup. Raises InvalidEncoding,
        FieldRangeError, InvalidPoint, NotInSubgroup or InvalidArgument (bad poll id).

        ``subgroup_checks=False`` skips the BabyJubJub subgroup check of the ciphertext points
        (on-curve is still checked), which dominates parsing time. Only for ballots whose proof
        is then verified before anything else uses them: the circuit computes the ciphertexts
        as r·G and v·G + r·H from subgroup points, so a valid proof implies membership."""
        poll_id, root, nullifier, ciphertexts, proof = _ballot_fields(data, subgroup_checks)
        return cls(poll_id=poll_id, root=root, nullifier=nullifier, ciphertexts=ciphertexts,
                   proof=proof_from_dict(proof))


def _ballot_fields(data: object, subgroup_checks: bool
                   ) -> tuple[str, int, int, tuple[Ciphertext, ...], object]:
    """A ballot document's fields, parsed (ciphertexts as Ballot.from_json does), but the
    proof still as JSON."""
    doc = object_from_json(data, _BALLOT_KEYS, "ballot", version=BALLOT_VERSION)
    if not isinstance(doc["poll_id"], str):
        raise InvalidEncoding("ballot poll_id must be a string")
    return (doc["poll_id"], parse_decimal(doc["root"], "ballot root", FR_MODULUS),
            parse_decimal(doc["nullifier"], "ballot nullifier", FR_MODULUS),
            _ciphertexts(doc["ciphertexts"], "ballot ciphertexts", subgroup_checks),
            doc["proof"])


def parse_ballots(docs: Sequence[object], *, subgroup_checks: bool = False
                  ) -> list[Ballot | InvalidInput]:
    """Parse many ballot documents; one result per document, in order: the
    :class:`Ballot`, or the InvalidInput error (InvalidEncoding, FieldRangeError,
    InvalidPoint, NotInSubgroup, InvalidArgument) that ``Ballot.from_json(doc,
    subgroup_checks=subgroup_checks)`` would raise for it.

    Equally strict for the proofs, faster: each proof's B point is checked on the twist
    while parsing, then all B points at once for membership in G2 with random linear
    combinations (:func:`zkvote.snark.verifier.g2_subgroup_failures`; a point outside G2
    escapes with probability below 2^-127), and only if that fails one by one, so that each
    bad ballot gets its own NotInSubgroup. ``subgroup_checks`` is as for
    :meth:`Ballot.from_json` (the BabyJubJub ciphertext points; default off, for ballots
    whose proofs are verified before anything uses them). Never raises for bad documents."""
    results: list[Any] = []
    parsed: list[int] = []
    for doc in docs:
        try:
            poll_id, root, nullifier, ciphertexts, proof = _ballot_fields(doc, subgroup_checks)
            results.append((poll_id, root, nullifier, ciphertexts,
                            *proof_points_from_json(_proof_doc(proof), b_subgroup_check=False)))
            parsed.append(len(results) - 1)
        except InvalidInput as exc:
            results.append(exc)
    outside = g2_subgroup_failures([results[i][5] for i in parsed])
    for j in outside:
        results[parsed[j]] = g2_not_in_subgroup("pi_b")
    for i in parsed:
        if isinstance(results[i], InvalidInput):
            continue
        poll_id, root, nullifier, ciphertexts, a, b, c = results[i]
        try:  # B is in G2 (or the identity, None): checked above
            results[i] = Ballot(poll_id, root, nullifier, ciphertexts,
                                Proof(a, G2._trusted(b), c))
        except InvalidInput as exc:
            results[i] = exc
    return results


def _encrypted_part(poll_id: str, root: int, ciphertexts: Sequence[Ciphertext]) -> dict:
    return {"version": BALLOT_VERSION, "poll_id": poll_id, "root": str(root),
            "ciphertexts": [c.to_json() for c in ciphertexts]}


def tracking_code(ballot: Ballot | ChallengedBallot) -> str:
    """sha256 hex of the canonical JSON of ``{version, poll_id, root, ciphertexts}``: shown
    to the voter before casting, equal for a ballot and its challenged form."""
    part = _encrypted_part(ballot.poll_id, ballot.root, ballot.ciphertexts)
    return hashlib.sha256(canonical_json(part)).hexdigest()


def tracking_code_of_json(data: dict) -> str:
    """:func:`tracking_code` of a ballot (or challenged ballot) still in JSON form, without
    parsing its points (used to match spoiled ballots against the board). Raises
    InvalidEncoding if a key is missing."""
    try:
        part = {"version": data["version"], "poll_id": data["poll_id"], "root": data["root"],
                "ciphertexts": data["ciphertexts"]}
    except (KeyError, TypeError):
        raise InvalidEncoding("not a ballot: no version, poll_id, root or ciphertexts") from None
    return hashlib.sha256(canonical_json(part)).hexdigest()


class BallotSecrets:
    """What only the voter's device knows about a ballot: the votes, the encryption
    randomness and the credits. Never printed (``repr`` hides the values)."""

    __slots__ = ("votes", "randomness", "credits")

    def __init__(self, votes: Sequence[int], randomness: Sequence[int], credits: int) -> None:
        self.votes = tuple(votes)
        self.randomness = tuple(randomness)
        self.credits = credits

    def __repr__(self) -> str:
        return f"BallotSecrets(<{len(self.votes)} options hidden>)"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("ballot secrets are not picklable")


@dataclass(frozen=True)
class ChallengedBallot:
    """A spoiled ballot with its opening: the encrypted part plus the votes and randomness.
    Publishing it reveals the votes it encrypted; it is never counted."""

    poll_id: str
    root: int
    ciphertexts: tuple[Ciphertext, ...]
    votes: tuple[int, ...]
    randomness: tuple[int, ...]

    def __post_init__(self) -> None:
        check_poll_id(self.poll_id)
        for name in ("ciphertexts", "votes", "randomness"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not len(self.ciphertexts) == len(self.votes) == len(self.randomness):
            raise InvalidEncoding("a challenged ballot has one vote and one randomness per "
                                  "ciphertext")

    @classmethod
    def open(cls, ballot: Ballot, secrets: BallotSecrets) -> ChallengedBallot:
        """The challenged form of ``ballot`` opened with its ``secrets``."""
        return cls(ballot.poll_id, ballot.root, ballot.ciphertexts, secrets.votes,
                   secrets.randomness)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data: the encrypted part, ``votes`` and ``randomness`` as decimals."""
        doc = _encrypted_part(self.poll_id, self.root, self.ciphertexts)
        doc["votes"] = [str(v) for v in self.votes]
        doc["randomness"] = [str(r) for r in self.randomness]
        return doc

    @classmethod
    def from_json(cls, data: object) -> ChallengedBallot:
        """Strict inverse of :meth:`to_json` (errors as :meth:`Ballot.from_json`; votes and
        randomness must be below l)."""
        doc = object_from_json(data, _CHALLENGE_KEYS, "challenged ballot",
                               version=BALLOT_VERSION)
        if not isinstance(doc["poll_id"], str):
            raise InvalidEncoding("challenged ballot poll_id must be a string")
        votes = list_from_json(doc["votes"], "votes", max_len=64)
        randomness = list_from_json(doc["randomness"], "randomness", max_len=64)
        return cls(poll_id=doc["poll_id"],
                   root=parse_decimal(doc["root"], "challenged ballot root", FR_MODULUS),
                   ciphertexts=_ciphertexts(doc["ciphertexts"], "challenged ciphertexts"),
                   votes=tuple(scalar_from_json(v, "vote") for v in votes),
                   randomness=tuple(scalar_from_json(r, "randomness") for r in randomness))


def verify_challenge(challenged: ChallengedBallot, manifest: PollManifest) -> None:
    """Check that a challenged ballot opens correctly: it is for this poll, has K options,
    and re-encrypting its votes with its randomness under the poll key gives exactly its
    ciphertexts. Raises InvalidBallot naming the first problem."""
    if challenged.poll_id != manifest.poll_id:
        raise InvalidBallot(f"is for poll {challenged.poll_id!r}, not {manifest.poll_id!r}")
    if len(challenged.ciphertexts) != manifest.n_options:
        raise InvalidBallot(f"has {len(challenged.ciphertexts)} options, the poll "
                            f"{manifest.n_options}")
    try:
        expected, _ = encrypt_vector(manifest.poll_key, list(challenged.votes),
                                     list(challenged.randomness))
    except InvalidInput as exc:
        raise InvalidBallot(f"the opening is invalid: {exc}") from None
    for i, (got, want) in enumerate(zip(challenged.ciphertexts, expected, strict=True)):
        if got != want:
            raise InvalidBallot(f"option {i} does not open to vote {challenged.votes[i]} with "
                                "the revealed randomness")


# ---- building


def build_ballot(identity: Identity, group: LeanIMT, manifest: PollManifest,
                 proving_key: object, circuit: tuple, votes: Sequence[int], credits: int = 0,
                 *, rng: random.Random | None = None) -> tuple[Ballot, BallotSecrets]:
    """Encrypt ``votes`` under the poll key and prove the ballot statement.

    ``proving_key`` is a :class:`zkvote.snark.zkey_file.Zkey` (fast native prover) or a
    :class:`zkvote.snark.keys.ProvingKey`; ``circuit`` is
    ``circuits.ballot.compiled_ballot_circuit(K, D)`` = (R1CS, WitnessGenerator). ``credits``
    is the member's weight for weighted groups (0 otherwise). ``rng`` draws the encryption
    randomness and the proof blinding (default the OS CSPRNG; a seeded ``random.Random`` only
    for reproducible simulations).

    Raises InvalidBallot (the votes break the poll's rule), LeafNotFound (not a member),
    InvalidArgument (the group's root is not accepted by the poll, or the key/circuit do not
    match the poll's circuit). The returned ballot verifies under the key's verifying key.
    """
    from zkvote.circuits.ballot import ballot_public_inputs, ballot_witness_inputs, check_rule
    from zkvote.snark.prover import prove
    from zkvote.snark.zkey_file import Zkey
    from zkvote.snark.zkey_prover import prove_zkey

    params = manifest.rule_params()
    check_rule(list(votes), params, credits)
    root = group.root
    if root not in manifest.group_roots:
        raise InvalidArgument("the group's current root is not one of the poll's roots")
    ciphertexts, randomness = encrypt_vector(manifest.poll_key, list(votes), rng=rng)
    inputs = ballot_witness_inputs(identity, group, manifest.scope, manifest.poll_key,
                                   list(votes), randomness, params, manifest.circuit.max_depth,
                                   credits=credits)
    r1cs, generator = circuit
    witness = generator.generate(inputs)
    nullifier = identity.nullifier(manifest.scope)
    public = ballot_public_inputs(root, nullifier, manifest.scope, manifest.poll_key,
                                  ciphertexts, params)
    if witness[1:1 + len(public)] != public:
        raise InvalidArgument("the circuit's public values differ from the ballot's: wrong "
                              "circuit for this poll")
    if isinstance(proving_key, Zkey):
        proof = prove_zkey(proving_key, witness, rng=rng)
    else:
        proof = prove(proving_key, r1cs, witness, rng=rng)
    ballot = Ballot(manifest.poll_id, root, nullifier, tuple(ciphertexts), proof)
    return ballot, BallotSecrets(votes, randomness, credits)


# ---- verification


def ballot_statement(ballot: Ballot, manifest: PollManifest, params: object | None = None
                     ) -> list[int]:
    """The public inputs ``ballot``'s proof must verify against, after the checks that need
    no pairing: the ballot is for this poll, has K ciphertexts, and its root is one of the
    poll's roots. ``params`` (the manifest's RuleParams) may be passed to save re-parsing.
    Raises InvalidBallot."""
    from zkvote.circuits.ballot import ballot_public_inputs

    if ballot.poll_id != manifest.poll_id:
        raise InvalidBallot(f"ballot is for poll {ballot.poll_id!r}, not {manifest.poll_id!r}")
    if len(ballot.ciphertexts) != manifest.n_options:
        raise InvalidBallot(f"ballot has {len(ballot.ciphertexts)} ciphertexts, the poll has "
                            f"{manifest.n_options} options")
    if ballot.root not in manifest.group_roots:
        raise InvalidBallot("ballot root is not one of the poll's group roots")
    params = manifest.rule_params() if params is None else params
    return ballot_public_inputs(ballot.root, ballot.nullifier, manifest.scope,
                                manifest.poll_key, ballot.ciphertexts, params)


def _prepared(vk: VerifyingKey | PreparedVerifyingKey) -> PreparedVerifyingKey:
    return vk if isinstance(vk, PreparedVerifyingKey) else prepare_verifying_key(vk)


def verify_ballot(ballot: Ballot, manifest: PollManifest,
                  vk: VerifyingKey | PreparedVerifyingKey) -> None:
    """Check one ballot against the poll: :func:`ballot_statement`'s checks, then the
    Groth16 proof. Raises InvalidBallot (shape, poll, root) or InvalidProof."""
    public = ballot_statement(ballot, manifest)
    if not verify(_prepared(vk), public, ballot.proof):
        raise InvalidProof("ballot proof does not verify")


class BallotRejected(InvalidProof):
    """A ballot of a batch failed; ``index`` is its position in the batch."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"ballot {index}: {reason}")
        self.index = index
        self.reason = reason


def verify_ballots(ballots: Sequence[Ballot], manifest: PollManifest,
                   vk: VerifyingKey | PreparedVerifyingKey, *,
                   rng: random.Random | None = None) -> None:
    """Check many ballots: statements one by one, then all proofs in one batch (random
    linear combination); on failure the invalid proofs are found by bisection. Raises
    :class:`BallotRejected` naming the *first* failing ballot by its index in ``ballots``
    (for a statement problem or an invalid proof, whichever comes first)."""
    pvk = _prepared(vk)
    params = manifest.rule_params()
    items = []
    first_bad: tuple[int, str] | None = None
    for i, ballot in enumerate(ballots):
        try:
            items.append((ballot_statement(ballot, manifest, params), ballot.proof))
        except InvalidBallot as exc:
            first_bad = (i, str(exc))
            break
    limit = len(items)
    if not batch_verify(pvk, items, rng=rng):
        bad = find_invalid(pvk, items, rng=rng)
        if bad and bad[0] < limit:
            first_bad = (bad[0], "proof does not verify")
    if first_bad is not None:
        raise BallotRejected(*first_bad)


__all__ = ["BALLOT_VERSION", "Ballot", "BallotRejected", "BallotSecrets", "ChallengedBallot",
           "ballot_statement", "build_ballot", "parse_ballots", "proof_from_dict",
           "proof_to_dict", "tracking_code", "tracking_code_of_json", "verify_ballot",
           "verify_ballots", "verify_challenge"]
