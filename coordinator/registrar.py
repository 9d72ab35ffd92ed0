"""The registrar: member groups as LeanIMTs (Semaphore v4 groups) over stored leaves.

A group's leaves are identity commitments, or for a weighted group Poseidon(A.x, A.y, credits)
computed by the member's client. Adding or removing members changes the tree; only
:meth:`Registrar.publish` makes the current root official (a poll's manifest lists published
roots), so a batch of changes yields one root, not one per change. Removing a member sets its
leaf to 0 (Semaphore's rule) and keeps every other member's index and proof shape.

Everything a voter's client needs is public: the leaves, the published roots and the Merkle
path of a leaf under any published root (the tree is rebuilt as it was at that root's
publication, so members keep voting under the poll's root after later changes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from zkvote.errors import InvalidArgument
from zkvote.merkle import LeafNotFound, LeanIMT, MerkleProof

from .errors import Conflict, NotFound
from .storage import RootRow, Storage

_TREE_CACHE = 8


class Registrar:
    """Groups over :class:`Storage`, with a small cache of rebuilt trees."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._trees: OrderedDict[tuple[str, int], LeanIMT] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, group_id: str, weighted: bool) -> None:
        """A new empty group (Conflict if the id exists)."""
        self.storage.create_group(group_id, weighted)

    def add(self, group_id: str, leaves: list[int]) -> list[int]:
        """Append members; their leaf indices. InvalidArgument for a 0 leaf; Conflict for a
        current member; NotFound for an unknown group."""
        if any(leaf == 0 for leaf in leaves):
            raise InvalidArgument("a member's leaf cannot be 0 (0 marks a removed member)")
        return self.storage.add_members(group_id, leaves)

    def remove(self, group_id: str, leaf_index: int) -> None:
        """Remove the member at ``leaf_index`` (its leaf becomes 0)."""
        self.storage.remove_member(group_id, leaf_index)

    def tree(self, group_id: str, event_seq: int | None = None) -> tuple[int, LeanIMT]:
        """(event_seq, tree) of the group after ``event_seq`` changes (default: now). The
        returned tree is shared: do not modify it."""
        seq, leaves = self.storage.group_leaves(group_id, event_seq)
        key = (group_id, seq)
        with self._lock:
            tree = self._trees.get(key)
            if tree is not None:
                self._trees.move_to_end(key)
                return seq, tree
        tree = LeanIMT([leaf for leaf, _ in leaves]) if leaves else LeanIMT()
        for index, (_, removed) in enumerate(leaves):
            if removed:
                tree.remove(index)
        with self._lock:
            self._trees[key] = tree
            while len(self._trees) > _TREE_CACHE:
                self._trees.popitem(last=False)
        return seq, tree

    def publish(self, group_id: str) -> RootRow:
        """Publish the group's current root. Conflict for an empty group (or one changed
        three times while its root was being computed)."""
        for _ in range(3):
            seq, tree = self.tree(group_id)
            if tree.size == 0:
                raise Conflict("an empty group has no root to publish")
            try:
                return self.storage.publish_root(group_id, tree.root, seq, tree.size)
            except Conflict:
                continue
        raise Conflict("the group keeps changing; retry")

    def root_row(self, group_id: str, root: int | None) -> RootRow:
        """The latest published root of the group, or the publication of ``root`` in it.
        NotFound if none."""
        rows = self.storage.group_roots(group_id)
        if root is not None:
            rows = [r for r in rows if r.root == root]
        if not rows:
            raise NotFound("no such published root for this group")
        return rows[-1]

    def proof(self, group_id: str, leaf: int, root: int | None = None) -> MerkleProof:
        """The Merkle proof of ``leaf`` under the group's published ``root`` (default: the
        latest). NotFound if the root was not published by this group or the leaf is not a
        member under it."""
        row = self.root_row(group_id, root)
        _, tree = self.tree(group_id, row.event_seq)
        try:
            proof = tree.generate_proof(tree.index_of(leaf))
        except LeafNotFound:
            raise NotFound("not a member under this root") from None
        if leaf == 0 or proof.root != row.root:
            raise NotFound("not a member under this root")
        return proof


__all__ = ["Registrar"]
