"""The service's bulletin boards: one RFC 9162 log per (poll, board), kept in memory as a
:class:`zkvote.board_tree.MerkleTree` over the stored leaf hashes and signed with the log key.

Every poll has two boards: ``ballots`` (cast ballots; position = the ballot's position in the
election record) and ``challenged`` (ballots opened by a Benaloh challenge). Their log ids are
``derive_log_id(log key, poll_id)`` and ``derive_log_id(log key, poll_id + "/challenged")``
(a poll id cannot contain "/", so no two boards share a log id).

An entry is the canonical JSON (zkvote.jsonmodel.canonical_json) of the ballot document
(``Ballot.to_json()``) or of the challenged ballot (``ChallengedBallot.to_json()``); its leaf
hash is SHA-256(0x00 || entry). Anyone holding the record recomputes the board's root from
the ballots alone.

Only the ingest pipeline appends, one batch at a time; readers ask for proofs at sizes up to
the last committed head, never beyond, so they never see entries whose transaction is still
open. If a commit fails the tree is rebuilt from storage.
"""

from __future__ import annotations

import threading

from nacl.signing import SigningKey

from zkvote.board import VERSION, Receipt, SignedTreeHead, TreeHead, derive_log_id, sign_tree_head
from zkvote.board_tree import MerkleTree

from .errors import NotFound
from .storage import BALLOTS, BOARDS, CHALLENGED, Storage, now_ms


def board_name(poll_id: str, board: str) -> str:
    """The name a board's log id is derived from."""
    return poll_id if board == BALLOTS else f"{poll_id}/{board}"


class Boards:
    """The in-memory trees of every board, loaded from storage on first use."""

    def __init__(self, storage: Storage, log_key: SigningKey) -> None:
        self.storage = storage
        self.log_key = log_key
        self._trees: dict[tuple[str, str], MerkleTree] = {}
        self._lock = threading.Lock()

    def log_id(self, poll_id: str, board: str) -> bytes:
        """The 32-byte log id of a board."""
        return derive_log_id(self.log_key.verify_key, board_name(poll_id, board))

    def tree(self, poll_id: str, board: str) -> MerkleTree:
        """The board's tree (built from storage on first use). Its size may run ahead of
        the committed head while a batch is being committed."""
        if board not in BOARDS:
            raise NotFound(f"no board {board!r}")
        key = (poll_id, board)
        with self._lock:
            tree = self._trees.get(key)
            if tree is None:
                tree = MerkleTree(self.storage.leaf_hashes(poll_id, board))
                self._trees[key] = tree
            return tree

    def reload(self, poll_id: str, board: str) -> None:
        """Forget the in-memory tree (after a failed commit): the next use rebuilds it."""
        with self._lock:
            self._trees.pop((poll_id, board), None)

    def sign(self, poll_id: str, board: str, tree: MerkleTree) -> SignedTreeHead:
        """A signed head of ``tree`` at its current size, stamped now."""
        head = TreeHead(VERSION, self.log_id(poll_id, board), tree.size, tree.root(), now_ms())
        return sign_tree_head(self.log_key, head)

    def ensure_head(self, poll_id: str, board: str) -> SignedTreeHead:
        """The latest stored head, signing and storing one for the current (committed) size
        if none exists yet (a board opens with a signed empty head)."""
        head = self.storage.latest_head(poll_id, board)
        if head is None:
            self.storage.put_head(poll_id, board, self.sign(poll_id, board,
                                                            self.tree(poll_id, board)))
            head = self.storage.latest_head(poll_id, board)
        return head

    def latest_head(self, poll_id: str, board: str) -> SignedTreeHead:
        """The latest committed signed head; NotFound before the poll opened."""
        head = self.storage.latest_head(poll_id, board)
        if head is None:
            raise NotFound("this board has no signed head yet (the poll is not open)")
        return head

    def receipt(self, poll_id: str, board: str, index: int, head: SignedTreeHead) -> Receipt:
        """The receipt of entry ``index`` under the committed ``head``."""
        tree = self.tree(poll_id, board)
        return Receipt(tree.leaf_hash(index), index, head,
                       tuple(tree.inclusion_proof(index, head.tree_size)))


__all__ = ["BALLOTS", "CHALLENGED", "Boards", "board_name"]
