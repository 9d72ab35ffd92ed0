"""The board and ballot half of :class:`zkvote.coordinator.storage.Storage`: appending
entries with their ballot rows and signed heads in one transaction, and reading them back.

A mixin: it uses the transactions (``_read``, ``_write``) and ``_poll`` of ``Storage``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Select, func, select, update
from sqlalchemy.exc import IntegrityError

from zkvote.board import VERSION as BOARD_VERSION
from zkvote.board import SignedTreeHead, TreeHead
from zkvote.errors import DuplicateNullifier

from . import schema as s
from .errors import Conflict, ReplayedBallot, WrongState

BALLOTS, CHALLENGED = "ballots", "challenged"
BOARDS = (BALLOTS, CHALLENGED)


def now_ms() -> int:
    """Milliseconds since the Unix epoch."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class NewEntry:
    """A board entry to append: a cast ballot (with its nullifier) or a challenged ballot
    (nullifier None). ``supersedes`` lists positions of this poll's cast ballots that this
    one replaces (re-vote policy ``last``)."""

    entry: bytes
    leaf_hash: bytes
    tracking_code: str
    nullifier: int | None
    supersedes: tuple[int, ...] = ()


@dataclass(frozen=True)
class BoardAppend:
    """Entries for positions ``start``, ``start+1``, ... of one board of one poll, and the
    signed head of that board after them."""

    poll_id: str
    board: str
    start: int
    entries: tuple[NewEntry, ...]
    head: SignedTreeHead


@dataclass(frozen=True)
class BallotRow:
    """A ballot on a board: which board, position, nullifier (None if challenged), tracking
    code, whether a later ballot with the same nullifier replaced it."""

    board: str
    board_index: int
    nullifier: int | None
    tracking_code: str
    superseded: bool


@dataclass(frozen=True)
class EntryRow:
    """A board entry: position, leaf hash, the entry's bytes, when it was appended."""

    index: int
    leaf_hash: bytes
    entry: bytes
    created_at: int


class BoardStore:
    """Board entries, signed heads and ballot rows (see the module docstring)."""

    def append_batch(self, appends: Sequence[BoardAppend]) -> None:
        """Append every :class:`BoardAppend` - entries, their ballot rows, the ballots they
        supersede, the new signed head of each board - in ONE transaction: on return all of
        it is durably stored, on an exception none of it is.

        Raises WrongState (a poll is not open), Conflict (a board's size is not the append's
        start, or the head does not cover exactly the new entries), ReplayedBallot (a
        tracking code on a board already), DuplicateNullifier (a second nullifier under the
        policy ``first``)."""
        stamp = now_ms()
        try:
            with self._write() as conn:
                for a in appends:
                    self._append(conn, a, stamp)
        except IntegrityError as exc:
            text = str(exc.orig).lower()
            if "tracking" in text:
                raise ReplayedBallot("a ballot with this tracking code is on the board "
                                     "already") from None
            if "dedup" in text or "nullifier" in text:
                raise DuplicateNullifier("a ballot with this nullifier is on the board "
                                         "already") from None
            raise Conflict("the board changed concurrently; retry") from None

    def _append(self, conn: Connection, a: BoardAppend, stamp: int) -> None:
        poll = self._poll(conn, a.poll_id, lock=True)
        if poll.state != "open":
            raise WrongState(f"poll {a.poll_id!r} is {poll.state}, not open")
        size = self._board_size(conn, a.poll_id, a.board)
        if size != a.start:
            raise Conflict(f"board {a.board!r} of {a.poll_id!r} has {size} entries, not "
                           f"{a.start}")
        if a.head.tree_size != a.start + len(a.entries):
            raise Conflict("the head does not cover exactly the new entries")
        if not a.entries:
            return
        conn.execute(s.board_entries.insert(), [
            {"poll_id": a.poll_id, "board": a.board, "idx": a.start + i,
             "leaf_hash": e.leaf_hash, "entry": e.entry.decode("utf-8"), "created_at": stamp}
            for i, e in enumerate(a.entries)])
        first = poll.revote == "first" and a.board == BALLOTS
        conn.execute(s.ballots.insert(), [
            {"poll_id": a.poll_id, "board": a.board, "board_index": a.start + i,
             "nullifier": None if e.nullifier is None else str(e.nullifier),
             "dedup_key": str(e.nullifier) if first and e.nullifier is not None else None,
             "tracking_code": e.tracking_code, "superseded": False}
            for i, e in enumerate(a.entries)])
        superseded = [i for e in a.entries for i in e.supersedes]
        if superseded:
            conn.execute(update(s.ballots).where(
                s.ballots.c.poll_id == a.poll_id, s.ballots.c.board == a.board,
                s.ballots.c.board_index.in_(superseded)).values(superseded=True))
        self._insert_head(conn, a.poll_id, a.board, a.head)

    def _insert_head(self, conn: Connection, poll_id: str, board: str,
                     head: SignedTreeHead) -> None:
        h = head.tree_head
        conn.execute(s.signed_heads.insert().values(
            poll_id=poll_id, board=board, tree_size=h.tree_size, log_id=h.log_id,
            root_hash=h.root_hash, timestamp=h.timestamp, signature=head.signature))

    def put_head(self, poll_id: str, board: str, head: SignedTreeHead) -> None:
        """Store a signed head unless one exists for its size; Conflict if the board does
        not have exactly that many entries."""
        with self._write() as conn:
            if self._board_size(conn, poll_id, board) != head.tree_size:
                raise Conflict("the head's size is not the board's")
            have = conn.execute(select(s.signed_heads.c.tree_size).where(
                s.signed_heads.c.poll_id == poll_id, s.signed_heads.c.board == board,
                s.signed_heads.c.tree_size == head.tree_size)).first()
            if have is None:
                self._insert_head(conn, poll_id, board, head)

    def _board_size(self, conn: Connection, poll_id: str, board: str) -> int:
        last = conn.execute(select(func.max(s.board_entries.c.idx)).where(
            s.board_entries.c.poll_id == poll_id, s.board_entries.c.board == board)).scalar()
        return 0 if last is None else last + 1

    def board_size(self, poll_id: str, board: str = "ballots") -> int:
        """The number of entries on one of the poll's boards."""
        with self._read() as conn:
            return self._board_size(conn, poll_id, board)

    def leaf_hashes(self, poll_id: str, board: str) -> list[bytes]:
        """Every leaf hash of a board, in order (to rebuild its Merkle tree)."""
        with self._read() as conn:
            rows = conn.execute(select(s.board_entries.c.leaf_hash).where(
                s.board_entries.c.poll_id == poll_id, s.board_entries.c.board == board)
                .order_by(s.board_entries.c.idx))
            return [bytes(r[0]) for r in rows]

    def entries(self, poll_id: str, board: str, start: int, limit: int) -> list[EntryRow]:
        """Up to ``limit`` entries of a board from position ``start``."""
        with self._read() as conn:
            rows = conn.execute(select(s.board_entries).where(
                s.board_entries.c.poll_id == poll_id, s.board_entries.c.board == board,
                s.board_entries.c.idx >= start)
                .order_by(s.board_entries.c.idx).limit(limit)).all()
        return [EntryRow(r.idx, bytes(r.leaf_hash), r.entry.encode("utf-8"), r.created_at)
                for r in rows]

    def entry_index(self, poll_id: str, board: str, leaf_hash: bytes) -> int | None:
        """The position of the entry with ``leaf_hash`` on a board, or None."""
        with self._read() as conn:
            return conn.execute(select(s.board_entries.c.idx).where(
                s.board_entries.c.poll_id == poll_id, s.board_entries.c.board == board,
                s.board_entries.c.leaf_hash == leaf_hash)).scalar()

    def latest_head(self, poll_id: str, board: str) -> SignedTreeHead | None:
        """The stored signed head of the largest size for a board, or None."""
        with self._read() as conn:
            row = conn.execute(select(s.signed_heads).where(
                s.signed_heads.c.poll_id == poll_id, s.signed_heads.c.board == board)
                .order_by(s.signed_heads.c.tree_size.desc()).limit(1)).first()
        return None if row is None else _head(row)

    def head_at(self, poll_id: str, board: str, tree_size: int) -> SignedTreeHead | None:
        """The stored signed head for exactly ``tree_size`` entries, or None."""
        with self._read() as conn:
            row = conn.execute(select(s.signed_heads).where(
                s.signed_heads.c.poll_id == poll_id, s.signed_heads.c.board == board,
                s.signed_heads.c.tree_size == tree_size)).first()
        return None if row is None else _head(row)

    def find_ballots(self, poll_id: str, nullifiers: Sequence[int],
                     tracking_codes: Sequence[str]) -> list[BallotRow]:
        """The poll's ballots (both boards) having one of ``nullifiers`` or one of
        ``tracking_codes``."""
        cond = s.ballots.c.tracking_code.in_(list(tracking_codes))
        if nullifiers:
            cond = cond | s.ballots.c.nullifier.in_([str(n) for n in nullifiers])
        with self._read() as conn:
            rows = conn.execute(select(s.ballots).where(s.ballots.c.poll_id == poll_id, cond)
                                .order_by(s.ballots.c.board, s.ballots.c.board_index)).all()
        return [_ballot(r) for r in rows]

    def ballot_entries(self, poll_id: str, board: str = "ballots"
                       ) -> list[tuple[BallotRow, bytes]]:
        """Every ballot of a board with its entry bytes, by position (for the tally and
        the election record)."""
        with self._read() as conn:
            return [(_ballot(r), r.entry.encode("utf-8"))
                    for r in conn.execute(_ballot_entries_query(poll_id, board))]

    def ballot_pages(self, poll_id: str, board: str = "ballots", page_size: int = 1024
                     ) -> Iterator[list[tuple[BallotRow, bytes]]]:
        """:meth:`ballot_entries` in pages of at most ``page_size`` rows, by position, each
        page read in its own short transaction (keyset pagination on the position), so that
        a caller streaming a large board holds one page at a time. Meant for boards that no
        longer change (a closed poll)."""
        after = -1
        while True:
            q = (_ballot_entries_query(poll_id, board)
                 .where(s.ballots.c.board_index > after).limit(page_size))
            with self._read() as conn:
                page = [(_ballot(r), r.entry.encode("utf-8")) for r in conn.execute(q)]
            if not page:
                return
            yield page
            after = page[-1][0].board_index


def _ballot_entries_query(poll_id: str, board: str) -> Select:
    """A board's ballots joined to their entries, by position."""
    return (select(s.ballots, s.board_entries.c.entry)
            .join(s.board_entries, (s.board_entries.c.poll_id == s.ballots.c.poll_id)
                  & (s.board_entries.c.board == s.ballots.c.board)
                  & (s.board_entries.c.idx == s.ballots.c.board_index))
            .where(s.ballots.c.poll_id == poll_id, s.ballots.c.board == board)
            .order_by(s.ballots.c.board_index))

def _head(row: object) -> SignedTreeHead:
    return SignedTreeHead(TreeHead(BOARD_VERSION, bytes(row.log_id), row.tree_size,
                                   bytes(row.root_hash), row.timestamp), bytes(row.signature))


def _ballot(r: object) -> BallotRow:
    return BallotRow(r.board, r.board_index, None if r.nullifier is None else int(r.nullifier),
                     r.tracking_code, bool(r.superseded))


__all__ = ["BALLOTS", "BOARDS", "CHALLENGED", "BallotRow", "BoardAppend", "BoardStore",
           "EntryRow", "NewEntry", "now_ms"]
