"""LeanIMT membership: the root of a Merkle path of variable depth (zk-kit's BinaryMerkleRoot).

The circuit has room for ``max_depth`` levels; the proof uses the first ``depth`` of them
(LeanIMT proofs skip the levels where a node is carried up without a sibling, so depth is the
number of siblings, see zkvote.merkle.MerkleProof). At level i the node is hashed with its
sibling, on the left when ``indices[i]`` is 0: ``node' = Poseidon(left, right)``. The root is
the node after ``depth`` levels, selected by the flags ``depth == i``.

Unlike the circom template, the indices are constrained boolean and ``depth`` is constrained
to 0..max_depth (exactly one flag set), so a malformed path cannot yield root 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote.errors import InvalidArgument
from zkvote.merkle import MerkleProof

from ..builder import Circuit, SignalLike
from ..signal import Signal, linear_sum
from .comparators import is_equal
from .poseidon import poseidon


def binary_merkle_root(c: Circuit, leaf: SignalLike, depth: SignalLike,
                       indices: Sequence[SignalLike], siblings: Sequence[SignalLike]) -> Signal:
    """The LeanIMT root of ``leaf`` along a path of ``depth`` <= max_depth levels, where
    max_depth = len(indices) = len(siblings). About 245 constraints a level."""
    max_depth = len(indices)
    if max_depth < 1 or len(siblings) != max_depth:
        raise InvalidArgument("indices and siblings must have the same length, at least 1")
    node = c.signal(leaf)
    with c.gadget("merkle_root"):
        flags = [is_equal(c, depth, i) for i in range(max_depth + 1)]
        c.assert_equal(linear_sum(c, [(f, 1) for f in flags]), 1)
        picked = []
        for i in range(max_depth):
            picked.append(c.mul(flags[i], node))
            sibling = c.signal(siblings[i])
            # One product for both children: left = idx ? sibling : node, right = the other.
            left = c.select(indices[i], sibling, node)
            right = node + sibling - left
            node = poseidon(c, [left, right])
        picked.append(c.mul(flags[max_depth], node))
        return linear_sum(c, [(p, 1) for p in picked])


def merkle_inputs(proof: MerkleProof, max_depth: int) -> dict[str, int | list[int]]:
    """The witness inputs ``leaf``, ``depth``, ``indices``, ``siblings`` for a zkvote.merkle
    proof, padded with zeros to ``max_depth`` levels (InvalidArgument if it has more)."""
    n = len(proof.siblings)
    if n > max_depth:
        raise InvalidArgument(f"the proof has {n} levels, the circuit {max_depth}")
    return {
        "leaf": proof.leaf,
        "depth": n,
        "indices": [(proof.index >> i) & 1 for i in range(max_depth)],
        "siblings": list(proof.siblings) + [0] * (max_depth - n),
    }
