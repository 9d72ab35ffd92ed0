"""The ballot circuit: one Groth16 statement per (number of options K, tree depth D) proving
"I am a member of the group, this is my nullifier for this poll, these K ciphertexts encrypt my
vote under the poll key, and my vote obeys the poll's rule". The rule's parameters are public
inputs, so one trusted setup serves every poll with the same K and D.

Statement (circuits/rules.py has the rule itself):

* private: ``secret`` (the identity's secret scalar), ``credits`` (the member's weight; only
  read when weighted), ``merkleProofLength``, ``merkleProofIndex``,
  ``merkleProofSiblings[D]`` (as in circuits/semaphore.py), ``votes[K]``, ``randomness[K]``;
* secret < l, A = secret * Base8, leaf = Poseidon(A.x, A.y, credits) if weighted else
  Poseidon(A.x, A.y) (both are computed; the public flag selects), the leaf is under
  merkleRoot, nullifier = Poseidon(scope, secret);
* every vote below 2^VALUE_BITS (its bit decomposition, reused for v*G) and the rule holds;
* ciphertext i = (r_i * G, v_i * G + r_i * H) with G = Base8, H = pollKey and r_i < 2^251
  (circuits/gadgets/elgamal.py).

Public signals, in wire order (PUBLIC_SIGNALS order, see :func:`public_signal_names`):
``merkleRoot, nullifier`` (outputs), then per option i ``c1x, c1y, c2x, c2y`` (outputs), then
the inputs ``scope, pollKeyX, pollKeyY`` and the RULE_PARAMETERS ``minValue, maxValue,
minTotal, maxTotal, maxNonzero, quadratic, maxCost, spendAll, unique, weighted``: 4K + 15 in
all. :func:`ballot_public_inputs` builds exactly this list.

THE VERIFIER MUST: compare merkleRoot with the group's root and scope with the poll's, record
the nullifier, take pollKey and the rule parameters from the manifest, and check that pollKey
is a non-identity point of the prime-order subgroup (the encryption gadget's soundness rests on
it; :func:`ballot_public_inputs` checks it).

Size at depth 20: 6,658 constraints for the public key, both leaf hashes, membership and
nullifier (245 a level), 1,263 for the poll key's shared table (circuits/gadgets/elgamal.py),
306 for the rule's parameter range checks and about 1,700 per option (1,589 for the
encryption, 33 for the vote's bits, ~75 for its rule checks, plus one per pair of options for
``unique``): 11,779 / 15,166 / 21,952 / 35,572 for 2 / 4 / 8 / 16 options (QAP domains 2^14,
2^14, 2^15, 2^16).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from zkvote.babyjub import Point
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import to_fr
from zkvote.identity import Identity, weighted_commitment
from zkvote.merkle import LeafNotFound, LeanIMT
from zkvote.snark.r1cs import R1CS

from .builder import Circuit
from .gadgets.babyjub import point, secret_to_public_key
from .gadgets.bits import to_bits
from .gadgets.elgamal import RANDOMNESS_BITS, encrypt, key_table
from .gadgets.merkle import binary_merkle_root
from .gadgets.poseidon import poseidon
from .rules import (
    MAX_OPTIONS,
    RULE_PARAMETERS,
    VALUE_BITS,
    RuleParams,
    check_rule,
    constrain_rule,
    preset,
)
from .semaphore import MAX_SUPPORTED_DEPTH
from .witness import WitnessGenerator

CIRCUIT_VERSION = 1
CIPHERTEXT_COORDINATES = ("c1x", "c1y", "c2x", "c2y")

__all__ = [
    "CIRCUIT_VERSION", "MAX_OPTIONS", "RANDOMNESS_BITS", "RULE_PARAMETERS", "VALUE_BITS",
    "RuleParams", "ballot_circuit", "ballot_public_inputs", "ballot_witness_inputs",
    "check_rule", "circuit_id", "compiled_ballot_circuit", "preset", "public_signal_names",
]


def circuit_id(n_options: int, max_depth: int) -> str:
    """The name of the circuit for ``n_options`` and ``max_depth``, e.g.
    "zkvote-ballot-v1-k8-d20" (InvalidArgument for out-of-range sizes)."""
    _check_sizes(n_options, max_depth)
    return f"zkvote-ballot-v{CIRCUIT_VERSION}-k{n_options}-d{max_depth}"


def public_signal_names(n_options: int) -> list[str]:
    """The names of the public signals in wire order (see the module docstring)."""
    _check_sizes(n_options, 1)
    return ["merkleRoot", "nullifier",
            *(f"ciphertext[{i}].{xy}" for i in range(n_options)
              for xy in CIPHERTEXT_COORDINATES),
            "scope", "pollKeyX", "pollKeyY", *RULE_PARAMETERS]


def ballot_circuit(n_options: int, max_depth: int) -> Circuit:
    """The (uncompiled) ballot circuit for ``n_options`` (1..64) options and groups of depth
    up to ``max_depth`` (1..32); InvalidArgument otherwise. Witness inputs are those of
    :func:`ballot_witness_inputs`."""
    _check_sizes(n_options, max_depth)
    c = Circuit("ballot")
    secret = c.private_input("secret")
    credits = c.private_input("credits")
    length = c.private_input("merkleProofLength")
    index = c.private_input("merkleProofIndex")
    siblings = c.private_inputs("merkleProofSiblings", max_depth)
    votes = c.private_inputs("votes", n_options)
    randomness = c.private_inputs("randomness", n_options)
    scope = c.public_input("scope")
    key = point(c, c.public_input("pollKeyX"), c.public_input("pollKeyY"))
    params = {name: c.public_input(name) for name in RULE_PARAMETERS}
    with c.gadget("identity"):
        pk = secret_to_public_key(c, secret)
    with c.gadget("leaf"):
        plain = poseidon(c, [pk.x, pk.y])
        weighted = poseidon(c, [pk.x, pk.y, credits])
        leaf = c.select(params["weighted"], weighted, plain)
    with c.gadget("membership"):
        indices = to_bits(c, index, max_depth)
        root = binary_merkle_root(c, leaf, length, indices, siblings)
    with c.gadget("nullifier"):
        nullifier = poseidon(c, [scope, secret])
    # Outputs get wires in creation order: root and nullifier before any ciphertext.
    c.output("merkleRoot", root)
    c.output("nullifier", nullifier)
    with c.gadget("vote_bits"):
        bits = [to_bits(c, v, VALUE_BITS) for v in votes]
    constrain_rule(c, votes, params, credits)
    with c.gadget("poll_key"):
        table = key_table(c, key)
    for i in range(n_options):
        with c.gadget(f"option{i}"):
            c1, c2 = encrypt(c, table, bits[i], randomness[i])
        for name, value in zip(CIPHERTEXT_COORDINATES, (*c1, *c2), strict=True):
            c.output(f"ciphertext[{i}].{name}", value)
    return c


@lru_cache(maxsize=8)
def compiled_ballot_circuit(n_options: int, max_depth: int) -> tuple[R1CS, WitnessGenerator]:
    """``ballot_circuit(n_options, max_depth).compile()``, cached (the R1CS and generator are
    shared: do not mutate them)."""
    return ballot_circuit(n_options, max_depth).compile()


def ballot_witness_inputs(identity: Identity, group: LeanIMT, scope: int, poll_key: Point,
                          votes: Sequence[int], randomness: Sequence[int], params: RuleParams,
                          max_depth: int, credits: int = 0) -> dict[str, int | list[int]]:
    """The witness inputs of the ballot circuit (K = len(votes), D = max_depth) for a member
    voting ``votes`` encrypted with ``randomness`` (one r_i per option, 0 <= r_i < 2^251,
    independent and uniform below l for secrecy) under ``poll_key``.

    ``credits`` is the member's weight: in a weighted rule the leaf is
    Poseidon(A.x, A.y, credits) and must be in the group. Raises InvalidBallot (the vote breaks
    the rule, with the reason), LeafNotFound (the leaf is not in the group), InvalidEncoding
    (wrong types), FieldRangeError (scope or an r_i out of range), InvalidPoint /
    NotInSubgroup (a bad poll key), InvalidArgument (bad params, sizes, or a group deeper
    than the circuit).
    """
    if not isinstance(identity, Identity):
        raise InvalidEncoding(f"expected an Identity, not {type(identity).__name__}")
    if not isinstance(group, LeanIMT):
        raise InvalidEncoding(f"expected a LeanIMT group, not {type(group).__name__}")
    scope = to_fr(scope)
    hx, hy = _poll_key(poll_key)
    check_rule(votes, params, credits)
    _check_sizes(len(votes), max_depth)
    rs = _randomness(randomness, len(votes))
    if params.weighted:
        leaf = weighted_commitment(identity.public_key, credits)
        if not group.has(leaf):
            raise LeafNotFound("the identity with these credits is not a member of the group")
    else:
        leaf = identity.commitment
        if not group.has(leaf):
            raise LeafNotFound("the identity is not a member of the group")
    proof = group.generate_proof(group.index_of(leaf))
    n = len(proof.siblings)
    if n > max_depth:
        raise InvalidArgument(f"the group needs depth {n}, the circuit has {max_depth}")
    inputs: dict[str, int | list[int]] = {
        "secret": identity.secret_scalar,
        "credits": credits,
        "merkleProofLength": n,
        "merkleProofIndex": proof.index,
        "merkleProofSiblings": list(proof.siblings) + [0] * (max_depth - n),
        "votes": list(votes),
        "randomness": rs,
        "scope": scope,
        "pollKeyX": hx,
        "pollKeyY": hy,
    }
    inputs.update(zip(RULE_PARAMETERS, params.as_inputs(), strict=True))
    return inputs


def ballot_public_inputs(merkle_root: int, nullifier: int, scope: int, poll_key: Point,
                         ciphertexts: Sequence[object], params: RuleParams) -> list[int]:
    """The public signals a verifier rebuilds from a ballot and its manifest, in the proof's
    order (equal to witness wires 1..4K+15). ``ciphertexts`` holds one (c1, c2) pair of
    zkvote.babyjub.Point per option, as a 2-sequence or an object with ``.c1``/``.c2``.

    Raises FieldRangeError / InvalidEncoding (root, nullifier or scope not field elements, or
    a malformed ciphertext), InvalidPoint / NotInSubgroup (poll key the identity or outside
    the prime-order subgroup: the circuit's soundness needs it), InvalidArgument (a number
    of ciphertexts outside 1..64 or params invalid for it).
    """
    values = [to_fr(merkle_root), to_fr(nullifier)]
    if not isinstance(ciphertexts, Sequence) or isinstance(ciphertexts, str | bytes):
        raise InvalidEncoding("ciphertexts must be a sequence of (c1, c2) pairs")
    _check_sizes(len(ciphertexts), 1)
    if not isinstance(params, RuleParams):
        raise InvalidEncoding(f"expected RuleParams, not {type(params).__name__}")
    params.validate(len(ciphertexts))
    for i, ct in enumerate(ciphertexts):
        for p in _pair(ct, i):
            values += p.to_affine()
    return [*values, to_fr(scope), *_poll_key(poll_key), *params.as_inputs()]


# -- internals ---------------------------------------------------------------------------

def _check_sizes(n_options: object, max_depth: object) -> None:
    for value, lo, hi, what in ((n_options, 1, MAX_OPTIONS, "n_options"),
                                (max_depth, 1, MAX_SUPPORTED_DEPTH, "max_depth")):
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise InvalidArgument(f"{what} must be an int in {lo}..{hi}")


def _poll_key(poll_key: object) -> tuple[int, int]:
    if not isinstance(poll_key, Point):
        raise InvalidEncoding(f"the poll key must be a zkvote.babyjub.Point, not "
                              f"{type(poll_key).__name__}")
    xy = poll_key.to_affine()
    _check_poll_key(xy)
    return xy


@lru_cache(maxsize=64)
def _check_poll_key(xy: tuple[int, int]) -> None:
    # A Point may have been built with subgroup=False; the verifier calls this per ballot
    # with one key, hence the cache (only successful checks are cached: errors propagate).
    p = Point.from_affine(*xy, subgroup=False)
    if p.is_identity():
        raise InvalidPoint("the poll key is the identity")
    if not p.is_in_subgroup():
        raise NotInSubgroup("the poll key is outside the prime-order subgroup")


def _pair(ct: object, i: int) -> tuple[Point, Point]:
    if hasattr(ct, "c1") and hasattr(ct, "c2"):
        pair = (ct.c1, ct.c2)
    elif isinstance(ct, Sequence) and len(ct) == 2:
        pair = tuple(ct)
    else:
        raise InvalidEncoding(f"ciphertext {i} must be a (c1, c2) pair")
    for p in pair:
        if not isinstance(p, Point):
            raise InvalidEncoding(f"ciphertext {i}: expected zkvote.babyjub.Point, not "
                                  f"{type(p).__name__}")
    return pair


def _randomness(randomness: object, n: int) -> list[int]:
    if not isinstance(randomness, Sequence) or isinstance(randomness, str | bytes):
        raise InvalidEncoding("randomness must be a sequence of ints")
    if len(randomness) != n:
        raise InvalidArgument(f"{len(randomness)} randomness values for {n} options")
    out = []
    for i, r in enumerate(randomness):
        if isinstance(r, bool) or not isinstance(r, int):
            raise InvalidEncoding(f"randomness {i} must be an int")
        if not 0 <= r < 1 << RANDOMNESS_BITS:
            raise FieldRangeError(f"randomness {i} must be in [0, 2^{RANDOMNESS_BITS})")
        out.append(r)
    return out
