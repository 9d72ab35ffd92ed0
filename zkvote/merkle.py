"""LeanIMT: the Merkle tree of Semaphore v4 groups (zk-kit's @zk-kit/lean-imt semantics).

A binary tree of Poseidon(left, right) without zero hashes: a node with no right sibling is
carried up unchanged, and the depth is ceil(log2(size)), growing as leaves arrive (at most 32
here, as Semaphore's circuits allow). Roots, proofs and the JSON export are bit-for-bit those of
@zk-kit/lean-imt 2.x / @semaphore-protocol/group 4.x (tests/interop checks them).

Semaphore group rules on top of the bare tree: members are non-zero field elements (0 marks a
removed member), removing a member sets its leaf to 0, and a removed member can be neither
removed again nor updated.

Levels are kept as packed 32-byte little-endian buffers, so a level is hashed with a single
native call (zkvote.poseidon.hash_pairs_packed) and a million-leaf group builds in seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidInput, ZkvoteError
from zkvote.field import FR_MODULUS, to_fr
from zkvote.poseidon import hash_pairs_packed, poseidon2
from zkvote.validate import parse_decimal

MAX_DEPTH = 32
MAX_SIZE = 1 << MAX_DEPTH
_W = 32  # bytes per node


class LeafNotFound(InvalidArgument):
    """The value is not a leaf of the tree (or the index has no leaf)."""


class InvalidMerkleProof(ZkvoteError):
    """A well-formed Merkle proof that does not prove membership under the expected root."""


@dataclass(frozen=True)
class MerkleProof:
    """zk-kit's LeanIMTMerkleProof.

    ``siblings`` lists only the levels where the path has a sibling (carried-up levels are
    skipped), bottom up; bit i of ``index`` says whether the node is the right child at the
    i-th listed level. So ``index`` equals the leaf index only when no level was skipped.
    """

    root: int
    leaf: int
    index: int
    siblings: tuple[int, ...]

    def to_json(self) -> dict:
        """The proof as JSON-ready data: field elements as decimal strings, index a number."""
        return {"root": str(self.root), "leaf": str(self.leaf), "index": self.index,
                "siblings": [str(s) for s in self.siblings]}

    @classmethod
    def from_json(cls, data: object) -> MerkleProof:
        """Parse :meth:`to_json`'s shape. Raises InvalidEncoding / FieldRangeError."""
        if not isinstance(data, dict) or set(data) != {"root", "leaf", "index", "siblings"}:
            raise InvalidEncoding("a Merkle proof is an object with root, leaf, index, siblings")
        siblings = data["siblings"]
        if not isinstance(siblings, list):
            raise InvalidEncoding("proof siblings must be a list")
        index = data["index"]
        if not isinstance(index, int) or isinstance(index, bool):
            raise InvalidEncoding("proof index must be an integer")
        return cls(parse_decimal(data["root"], "proof root", FR_MODULUS),
                   parse_decimal(data["leaf"], "proof leaf", FR_MODULUS), index,
                   tuple(parse_decimal(s, "proof sibling", FR_MODULUS) for s in siblings))


def _check_proof_shape(proof: object) -> MerkleProof:
    if not isinstance(proof, MerkleProof):
        raise InvalidEncoding(f"expected a MerkleProof, not {type(proof).__name__}")
    for value in (proof.root, proof.leaf, *proof.siblings):
        to_fr(value)
    if len(proof.siblings) > MAX_DEPTH:
        raise InvalidArgument(f"a proof has at most {MAX_DEPTH} siblings")
    index = proof.index
    if not isinstance(index, int) or isinstance(index, bool):
        raise InvalidEncoding("proof index must be an int")
    if not 0 <= index < (1 << len(proof.siblings)):
        raise InvalidArgument("proof index has bits beyond the number of siblings")
    return proof


def compute_root(proof: MerkleProof) -> int:
    """The root that ``proof``'s leaf and siblings hash to (after checking the proof's shape)."""
    _check_proof_shape(proof)
    node = proof.leaf
    for i, sibling in enumerate(proof.siblings):
        node = poseidon2(sibling, node) if (proof.index >> i) & 1 else poseidon2(node, sibling)
    return node


def verify_proof(proof: MerkleProof, root: int | None = None) -> bool:
    """True if ``proof`` hashes to its root (and that root equals ``root`` when given).

    Raises (InvalidEncoding, FieldRangeError, InvalidArgument) for a malformed proof: values not
    in [0, r), more than 32 siblings, an index with bits beyond the siblings.
    """
    if root is not None:
        to_fr(root)
    ok = compute_root(proof) == proof.root
    return ok and (root is None or proof.root == root)


def require_proof(proof: MerkleProof, root: int) -> None:
    """Raise InvalidMerkleProof unless ``proof`` proves membership of its leaf under ``root``."""
    to_fr(root)
    if _check_proof_shape(proof).root != root:
        raise InvalidMerkleProof("the proof is for another root")
    if compute_root(proof) != root:
        raise InvalidMerkleProof("the proof's leaf and siblings do not hash to its root")


def _depth_for(size: int) -> int:
    return (size - 1).bit_length() if size > 1 else 0


def _get(level: bytearray, i: int) -> int:
    return int.from_bytes(level[_W * i:_W * (i + 1)], "little")


def _enc(x: int) -> bytes:
    return x.to_bytes(_W, "little")


class LeanIMT:
    """A LeanIMT of Poseidon(2), with Semaphore's group rules (no zero members, remove = zero).

    Not thread-safe: guard a shared tree with a lock.
    """

    def __init__(self, leaves: Iterable[int] = ()) -> None:
        """A tree holding ``leaves`` (validated as by :meth:`insert_many`), empty by default."""
        self._levels: list[bytearray] = [bytearray()]
        leaves = list(leaves)
        if leaves:
            self.insert_many(leaves)

    # ---------------------------------------------------------------- read access
    @property
    def size(self) -> int:
        """Number of leaves (removed members included: they are zero leaves)."""
        return len(self._levels[0]) // _W

    @property
    def depth(self) -> int:
        """ceil(log2(size)); 0 for a tree of zero or one leaf."""
        return len(self._levels) - 1

    @property
    def root(self) -> int:
        """The root; 0 for an empty tree (as @semaphore-protocol/group reports it)."""
        top = self._levels[-1]
        return _get(top, 0) if top else 0

    @property
    def leaves(self) -> list[int]:
        """A copy of the leaves, in insertion order."""
        lvl = self._levels[0]
        return [_get(lvl, i) for i in range(self.size)]

    def leaf(self, index: int) -> int:
        """The leaf at ``index``. Raises LeafNotFound if there is none."""
        return _get(self._levels[0], self._check_index(index))

    def index_of(self, leaf: int) -> int:
        """Index of the first leaf equal to ``leaf``. Raises LeafNotFound if absent."""
        needle = _enc(to_fr(leaf))
        level = self._levels[0]
        pos = level.find(needle)
        while pos != -1 and pos % _W:  # a match straddling two leaves is not a leaf
            pos = level.find(needle, pos + 1)
        if pos == -1:
            raise LeafNotFound("the value is not a leaf of this tree")
        return pos // _W

    def has(self, leaf: int) -> bool:
        """True if ``leaf`` is a leaf of the tree."""
        try:
            self.index_of(leaf)
        except LeafNotFound:
            return False
        return True

    def _check_index(self, index: object) -> int:
        if not isinstance(index, int) or isinstance(index, bool):
            raise InvalidEncoding(f"a leaf index must be an int, not {type(index).__name__}")
        if not 0 <= index < self.size:
            raise LeafNotFound(f"no leaf at index {index} (size {self.size})")
        return index

    # ---------------------------------------------------------------- changes
    @staticmethod
    def _check_member(leaf: object) -> int:
        value = to_fr(leaf)
        if value == 0:
            raise InvalidArgument("a member cannot be 0 (0 marks a removed member)")
        return value

    def insert(self, leaf: int) -> None:
        """Append one member. Raises FieldRangeError / InvalidEncoding for a bad value,
        InvalidArgument for 0 or when the tree is full (2^32 leaves)."""
        value = self._check_member(leaf)
        if self.size >= MAX_SIZE:
            raise InvalidArgument(f"the tree is full ({MAX_SIZE} leaves)")
        index = self.size
        if self.depth < _depth_for(index + 1):
            self._levels.append(bytearray())
        node = value
        for level in range(self.depth):
            self._set(level, index, node)
            if index & 1:
                node = poseidon2(_get(self._levels[level], index - 1), node)
            index >>= 1
        self._levels[self.depth][:] = _enc(node)

    def insert_many(self, leaves: Sequence[int]) -> None:
        """Append several members at once, hashing level by level with one native call each
        (the fast way to build a group). Same errors as :meth:`insert`; on error nothing is
        inserted. Raises InvalidArgument for an empty list."""
        if not isinstance(leaves, list | tuple):
            raise InvalidEncoding(f"leaves must be a list or tuple, not {type(leaves).__name__}")
        if not leaves:
            raise InvalidArgument("there are no leaves to add")
        if self.size + len(leaves) > MAX_SIZE:
            raise InvalidArgument(f"the tree would exceed {MAX_SIZE} leaves")
        self._append_packed(self._pack_members(leaves))

    @classmethod
    def _pack_members(cls, leaves: Sequence[int]) -> bytes:
        # Plain ints are range-checked with C-speed min/max (a million leaves in a fraction of a
        # second); anything else takes the per-value check, which raises the specific error.
        if set(map(type, leaves)) == {int} and min(leaves) > 0 and max(leaves) < FR_MODULUS:
            return b"".join(map(int.to_bytes, leaves, repeat(_W), repeat("little")))
        return b"".join(_enc(cls._check_member(x)) for x in leaves)

    def _append_packed(self, packed: bytes) -> None:
        changed = self.size  # first index that changes at the current level
        self._levels[0] += packed
        new_depth = _depth_for(self.size)
        while len(self._levels) - 1 < new_depth:
            self._levels.append(bytearray())
        for level in range(new_depth):
            below = self._levels[level]
            n = len(below) // _W
            first = changed // 2  # first parent that changes
            changed = first
            pairs_end = n - (n & 1)
            parents = hash_pairs_packed(memoryview(below)[2 * first * _W:pairs_end * _W])
            if n & 1:
                parents += below[(n - 1) * _W:]  # no right sibling: carried up
            above = self._levels[level + 1]
            del above[first * _W:]
            above += parents

    def update(self, index: int, leaf: int) -> None:
        """Replace the member at ``index``. Raises LeafNotFound for a bad index, InvalidArgument
        if that member was removed or the new value is 0 (use :meth:`remove`)."""
        index = self._check_index(index)
        value = self._check_member(leaf)
        if self.leaf(index) == 0:
            raise InvalidArgument("cannot update a removed member")
        self._update_path(index, value)

    def remove(self, index: int) -> None:
        """Remove the member at ``index`` by setting its leaf to 0 (Semaphore's rule, which keeps
        every other member's index). Raises LeafNotFound for a bad index, InvalidArgument if it
        was already removed."""
        index = self._check_index(index)
        if self.leaf(index) == 0:
            raise InvalidArgument("the member has already been removed")
        self._update_path(index, 0)

    def _set(self, level: int, index: int, value: int) -> None:
        buf = self._levels[level]
        if len(buf) == index * _W:
            buf += _enc(value)
        else:
            buf[index * _W:(index + 1) * _W] = _enc(value)

    def _update_path(self, index: int, node: int) -> None:
        for level in range(self.depth):
            self._set(level, index, node)
            count = len(self._levels[level]) // _W
            if index & 1:
                node = poseidon2(_get(self._levels[level], index - 1), node)
            elif index + 1 < count:
                node = poseidon2(node, _get(self._levels[level], index + 1))
            index >>= 1
        self._set(self.depth, 0, node)

    # ---------------------------------------------------------------- proofs
    def generate_proof(self, index: int) -> MerkleProof:
        """The membership proof of the leaf at ``index`` (LeanIMT layout, see MerkleProof).
        Raises LeafNotFound for a bad index."""
        index = self._check_index(index)
        leaf = self.leaf(index)
        siblings: list[int] = []
        path = 0
        for level in range(self.depth):
            buf = self._levels[level]
            sibling = index ^ 1
            if sibling < len(buf) // _W:
                path |= (index & 1) << len(siblings)
                siblings.append(_get(buf, sibling))
            index >>= 1
        return MerkleProof(self.root, leaf, path, tuple(siblings))

    def verify_proof(self, proof: MerkleProof) -> bool:
        """True if ``proof`` is valid and for this tree's current root."""
        return verify_proof(proof, self.root)

    # ---------------------------------------------------------------- import / export
    def export(self) -> str:
        """@zk-kit/lean-imt's export(): a JSON array of levels (bottom up) of decimal strings."""
        levels = [[str(_get(lvl, i)) for i in range(len(lvl) // _W)] for lvl in self._levels]
        return json.dumps(levels, separators=(",", ":"))

    @classmethod
    def import_(cls, nodes: str, *, check_hashes: bool = True) -> LeanIMT:
        """Rebuild a tree from :meth:`export`'s (or @zk-kit/lean-imt's) JSON.

        Checks the JSON shape, every value (canonical decimal string < r), the number of levels
        and of nodes per level, and (unless ``check_hashes=False``, for trusted input) that every
        parent is the hash of its children, by recomputing them. Raises InvalidEncoding (or
        FieldRangeError) naming the first problem.
        """
        if not isinstance(nodes, str):
            raise InvalidEncoding(f"a tree export is a JSON string, not {type(nodes).__name__}")
        try:
            levels = json.loads(nodes)
        except (ValueError, RecursionError) as exc:
            raise InvalidEncoding(f"tree export is not valid JSON: {exc}") from None
        if not isinstance(levels, list) or not levels or not all(
                isinstance(lvl, list) for lvl in levels):
            raise InvalidEncoding("a tree export is a non-empty JSON array of arrays")
        try:
            parsed = [[parse_decimal(v, "node", FR_MODULUS) for v in lvl] for lvl in levels]
        except InvalidInput as exc:
            raise type(exc)(f"tree export: {exc}") from None
        size = len(parsed[0])
        if size > MAX_SIZE:
            raise InvalidEncoding(f"tree export has more than {MAX_SIZE} leaves")
        if len(parsed) != _depth_for(size) + 1:
            raise InvalidEncoding(f"tree export of {size} leaves must have "
                                  f"{_depth_for(size) + 1} levels, not {len(parsed)}")
        for k in range(1, len(parsed)):
            want = (len(parsed[k - 1]) + 1) // 2
            if len(parsed[k]) != want:
                raise InvalidEncoding(f"tree export level {k} must have {want} nodes, "
                                      f"not {len(parsed[k])}")
        tree = cls()
        tree._levels = [bytearray(b"".join(_enc(v) for v in lvl)) for lvl in parsed]
        if check_hashes and size:
            rebuilt = cls()
            rebuilt._append_packed(bytes(tree._levels[0]))
            for k, (got, want) in enumerate(zip(tree._levels, rebuilt._levels, strict=True)):
                if got != want:
                    raise InvalidEncoding(f"tree export level {k} does not match the hashes of "
                                          "the level below")
        return tree

    def __repr__(self) -> str:
        return f"LeanIMT(size={self.size}, depth={self.depth}, root={self.root})"


__all__ = ["FR_MODULUS", "MAX_DEPTH", "InvalidMerkleProof", "LeafNotFound", "LeanIMT",
           "MerkleProof", "compute_root", "require_proof", "verify_proof"]
