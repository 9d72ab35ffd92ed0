"""A circuit equivalent to Semaphore v4's (semaphore-protocol/semaphore,
packages/circuits/src/semaphore.circom), built with this package's gadgets.

Statement, for MAX_DEPTH = ``max_depth``:

* private ``secret`` (the identity's secret scalar), ``merkleProofLength``,
  ``merkleProofIndex`` (the LeanIMT proof's packed path bits), ``merkleProofSiblings[MAX_DEPTH]``;
* public inputs ``message`` and ``scope``; public outputs ``merkleRoot`` and ``nullifier``;
* secret < l (the BabyJubJub subgroup order), A = secret * Base8, commitment =
  Poseidon(A.x, A.y), merkleRoot = BinaryMerkleRoot(commitment, length, index bits,
  siblings), nullifier = Poseidon(scope, secret), and message * message computed so that the
  message is part of a constraint (a public input no constraint reads could be changed
  without invalidating the proof).

Wires follow circom's order, so the public values are [merkleRoot, nullifier, message, scope],
the order Semaphore's verifier uses. The verifier must compare merkleRoot with the group's
root and record the nullifier: the circuit only proves they were computed correctly.
"""

from __future__ import annotations

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import to_fr
from zkvote.identity import Identity
from zkvote.merkle import LeafNotFound, LeanIMT

from .builder import Circuit
from .gadgets.babyjub import secret_to_public_key
from .gadgets.bits import to_bits
from .gadgets.merkle import binary_merkle_root
from .gadgets.poseidon import poseidon

MAX_SUPPORTED_DEPTH = 32  # LeanIMT's practical limit, as Semaphore's artifacts (1..32)

PUBLIC_SIGNALS = ("merkleRoot", "nullifier", "message", "scope")


def semaphore_circuit(max_depth: int) -> Circuit:
    """The (uncompiled) Semaphore v4 circuit for groups of depth up to ``max_depth`` (1..32).

    Compile it with ``.compile()`` to get the R1CS and witness generator; the witness inputs
    are those of :func:`semaphore_witness_inputs`. 245 constraints a level plus 1,498:
    3,948 at depth 10, 6,398 at depth 20 (circom compiles Semaphore v4 at depth 20 to
    6,431). InvalidArgument for a bad depth.
    """
    _check_depth(max_depth)
    c = Circuit("semaphore")
    secret = c.private_input("secret")
    length = c.private_input("merkleProofLength")
    index = c.private_input("merkleProofIndex")
    siblings = c.private_inputs("merkleProofSiblings", max_depth)
    message = c.public_input("message")
    scope = c.public_input("scope")
    with c.gadget("identity"):
        pk = secret_to_public_key(c, secret)
        commitment = poseidon(c, [pk.x, pk.y])
    with c.gadget("membership"):
        # index < 2^max_depth, as zk-kit's Num2Bits(MAX_DEPTH) in BinaryMerkleRoot.
        indices = to_bits(c, index, max_depth)
        root = binary_merkle_root(c, commitment, length, indices, siblings)
    with c.gadget("nullifier"):
        nullifier = poseidon(c, [scope, secret])
    # Outputs in this order: merkleRoot is wire 1, nullifier wire 2.
    c.output("merkleRoot", root)
    c.output("nullifier", nullifier)
    with c.gadget("message"):
        c.mul(message, message)
    return c


def semaphore_witness_inputs(identity: Identity, group: LeanIMT, message: int, scope: int,
                             max_depth: int) -> dict[str, int | list[int]]:
    """The witness inputs proving that ``identity`` is a member of ``group``, for the
    field elements ``message`` and ``scope`` (already hashed to the field as the caller's
    protocol wants; Semaphore's JS hashes them with keccak256 >> 8).

    Raises InvalidEncoding (wrong types), FieldRangeError (message or scope not in [0, r)),
    LeafNotFound (the identity's commitment is not in the group), InvalidArgument (a bad
    max_depth or a group deeper than the circuit).
    """
    if not isinstance(identity, Identity):
        raise InvalidEncoding(f"expected an Identity, not {type(identity).__name__}")
    if not isinstance(group, LeanIMT):
        raise InvalidEncoding(f"expected a LeanIMT group, not {type(group).__name__}")
    message, scope = to_fr(message), to_fr(scope)
    _check_depth(max_depth)
    if not group.has(identity.commitment):
        raise LeafNotFound("the identity is not a member of the group")
    proof = group.generate_proof(group.index_of(identity.commitment))
    n = len(proof.siblings)
    if n > max_depth:
        raise InvalidArgument(f"the group needs depth {n}, the circuit has {max_depth}")
    return {
        "secret": identity.secret_scalar,
        "merkleProofLength": n,
        "merkleProofIndex": proof.index,
        "merkleProofSiblings": list(proof.siblings) + [0] * (max_depth - n),
        "message": message,
        "scope": scope,
    }


def _check_depth(max_depth: object) -> None:
    if (not isinstance(max_depth, int) or isinstance(max_depth, bool)
            or not 1 <= max_depth <= MAX_SUPPORTED_DEPTH):
        raise InvalidArgument(f"max_depth must be an int in 1..{MAX_SUPPORTED_DEPTH}")
