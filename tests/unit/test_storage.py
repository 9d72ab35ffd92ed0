"""The coordinator's storage layer on SQLite and PostgreSQL: the same API, transactions that
store all or nothing, and constraints that enforce the ballot rules even if the service's own
checks were bypassed."""

from __future__ import annotations

import sqlite3

import pytest
from coordinator_kit import LOG_KEY, db_url  # noqa: F401 - fixture
from zkvote.coordinator.errors import Conflict, NotFound, ReplayedBallot, WrongState
from zkvote.coordinator.storage import (
    BALLOTS,
    CHALLENGED,
    BoardAppend,
    NewEntry,
    PollRow,
    Storage,
    now_ms,
)

from zkvote.board import VERSION, TreeHead, sign_tree_head
from zkvote.board_tree import MerkleTree, leaf_hash
from zkvote.errors import DuplicateNullifier


@pytest.fixture
def storage(db_url: str):  # noqa: F811
    s = Storage(db_url)
    yield s
    s.close()


def make_poll(storage: Storage, poll_id: str = "p1", revote: str = "first",
              state: str = "open") -> None:
    stamp = now_ms()
    storage.create_poll(PollRow(poll_id, state, revote, 1, 1, "{}", "{}", "0" * 64, "{}", None,
                                None, stamp, stamp), ["ab" * 32])


class Board:
    """Entries for one board, with heads signed like the service signs them."""

    def __init__(self, poll_id: str = "p1", board: str = BALLOTS) -> None:
        self.poll_id, self.board = poll_id, board
        self.tree = MerkleTree()

    def append(self, items: list[tuple[bytes, str, int | None]],
               supersedes: dict[int, tuple[int, ...]] | None = None) -> BoardAppend:
        start = self.tree.size
        entries = []
        for j, (entry, code, nullifier) in enumerate(items):
            self.tree.append(leaf_hash(entry))
            entries.append(NewEntry(entry, leaf_hash(entry), code, nullifier,
                                    (supersedes or {}).get(j, ())))
        head = sign_tree_head(LOG_KEY, TreeHead(VERSION, b"\x07" * 32, self.tree.size,
                                                self.tree.root(), now_ms()))
        return BoardAppend(self.poll_id, self.board, start, tuple(entries), head)


def test_opening_twice_keeps_data_and_sqlite_runs_wal_with_full_sync(db_url: str,  # noqa: F811
                                                                      tmp_path: object) -> None:
    first = Storage(db_url)
    first.create_group("g", weighted=False)
    first.close()
    again = Storage(db_url)
    assert [g.group_id for g in again.list_groups()] == ["g"]
    again.close()
    if db_url.startswith("sqlite"):
        con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        con.close()
        s = Storage(db_url)
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        s.close()


def test_group_members_roots_and_history(storage: Storage) -> None:
    storage.create_group("g", weighted=False)
    with pytest.raises(Conflict):
        storage.create_group("g", weighted=True)
    assert storage.add_members("g", [11, 12, 13]) == [0, 1, 2]
    with pytest.raises(Conflict):
        storage.add_members("g", [14, 12])  # 12 is a current member
    seq, leaves = storage.group_leaves("g")
    row = storage.publish_root("g", 999, seq, len(leaves))
    storage.remove_member("g", 1)
    with pytest.raises(Conflict):
        storage.remove_member("g", 1)
    with pytest.raises(NotFound):
        storage.remove_member("g", 7)
    assert storage.add_members("g", [15]) == [3]
    assert storage.group_leaves("g")[1] == [(11, False), (12, True), (13, False), (15, False)]
    # the tree as it was when the root was published
    assert storage.group_leaves("g", row.event_seq)[1] == [(11, False), (12, False),
                                                           (13, False)]
    with pytest.raises(Conflict):  # the group changed since event_seq
        storage.publish_root("g", 1000, seq, 3)
    assert [r.root for r in storage.roots_named(999)] == [999]
    assert storage.find_member("g", 12) is None and storage.find_member("g", 13) == 2


def test_poll_transitions_are_guarded_by_state(storage: Storage) -> None:
    make_poll(storage, state="draft")
    with pytest.raises(Conflict):
        make_poll(storage, state="draft")
    with pytest.raises(WrongState):
        storage.update_poll("p1", ["open"], state="closed")
    assert storage.update_poll("p1", ["draft"], state="keygen").state == "keygen"
    with pytest.raises(NotFound):
        storage.get_poll("nope")


def test_a_batch_is_stored_whole_or_not_at_all(storage: Storage) -> None:
    make_poll(storage)
    ballots, challenged = Board(), Board(board=CHALLENGED)
    good = ballots.append([(b"a", "c" * 64, 1), (b"b", "d" * 64, 2)])
    storage.append_batch([good])
    before = storage.row_counts()
    fine = ballots.append([(b"c", "e" * 64, 3)])
    wrong_start = BoardAppend("p1", CHALLENGED, 5, challenged.append(
        [(b"x", "f" * 64, None)]).entries, challenged.append([]).head)
    with pytest.raises(Conflict):
        storage.append_batch([fine, wrong_start])
    assert storage.row_counts() == before
    assert storage.board_size("p1", BALLOTS) == 2
    assert storage.latest_head("p1", BALLOTS).tree_size == 2


def test_policy_first_refuses_a_second_nullifier_at_the_database(storage: Storage) -> None:
    make_poll(storage, revote="first")
    board = Board()
    storage.append_batch([board.append([(b"a", "1" * 64, 42)])])
    before = storage.row_counts()
    with pytest.raises(DuplicateNullifier):
        storage.append_batch([board.append([(b"b", "2" * 64, 42)])])
    assert storage.row_counts() == before


def test_policy_last_keeps_every_ballot_and_marks_the_superseded(storage: Storage) -> None:
    make_poll(storage, revote="last")
    board = Board()
    storage.append_batch([board.append([(b"a", "1" * 64, 42), (b"b", "2" * 64, 7)])])
    storage.append_batch([board.append([(b"c", "3" * 64, 42)], supersedes={0: (0,)})])
    rows = storage.find_ballots("p1", [42, 7], [])
    assert [(r.board_index, r.nullifier, r.superseded) for r in rows] == [
        (0, 42, True), (1, 7, False), (2, 42, False)]


def test_a_tracking_code_is_published_once_across_both_boards(storage: Storage) -> None:
    make_poll(storage)
    storage.append_batch([Board(board=CHALLENGED).append([(b"x", "9" * 64, None)])])
    before = storage.row_counts()
    with pytest.raises(ReplayedBallot):
        storage.append_batch([Board().append([(b"y", "9" * 64, 5)])])
    assert storage.row_counts() == before


def test_nothing_is_appended_to_a_poll_that_is_not_open(storage: Storage) -> None:
    make_poll(storage, state="closed")
    before = storage.row_counts()
    with pytest.raises(WrongState):
        storage.append_batch([Board().append([(b"a", "1" * 64, 1)])])
    assert storage.row_counts() == before


def test_entries_heads_and_lookup_round_trip(storage: Storage) -> None:
    make_poll(storage)
    board = Board()
    first = board.append([(b'{"n":1}', "1" * 64, 1)])
    second = board.append([(b'{"n":2}', "2" * 64, 2), (b'{"n":3}', "3" * 64, 3)])
    storage.append_batch([first])
    storage.append_batch([second])
    assert storage.leaf_hashes("p1", BALLOTS) == [leaf_hash(b'{"n":%d}' % i) for i in (1, 2, 3)]
    page = storage.entries("p1", BALLOTS, 1, 10)
    assert [(e.index, e.entry) for e in page] == [(1, b'{"n":2}'), (2, b'{"n":3}')]
    assert storage.entry_index("p1", BALLOTS, leaf_hash(b'{"n":3}')) == 2
    assert storage.head_at("p1", BALLOTS, 1) == first.head
    assert storage.latest_head("p1", BALLOTS) == second.head
    assert [r.board_index for r, _ in storage.ballot_entries("p1")] == [0, 1, 2]


def test_dkg_messages_once_per_sender_and_only_during_keygen(storage: Storage) -> None:
    make_poll(storage, state="keygen")
    storage.update_poll("p1", ["keygen"], manifest_json=None)
    storage.put_dkg_message("p1", "round1", 1, '{"a":1}')
    with pytest.raises(Conflict):
        storage.put_dkg_message("p1", "round1", 1, '{"a":2}')
    storage.put_dkg_messages("p1", "share", 1, {2: "x", 3: "y"})
    assert storage.dkg_messages("p1", "share", 3) == [(1, 3, "y")]
    storage.update_poll("p1", ["keygen"], state="open")
    with pytest.raises(WrongState):
        storage.put_dkg_message("p1", "round1", 2, "{}")


def test_a_signed_request_digest_is_accepted_once(storage: Storage) -> None:
    assert storage.use_nonce("d" * 64, now_ms() + 60_000)
    assert not storage.use_nonce("d" * 64, now_ms() + 60_000)
    assert storage.use_nonce("e" * 64, now_ms() - 1)  # already expired: purged next time
    assert storage.use_nonce("f" * 64, now_ms() + 1000)
    assert storage.use_nonce("e" * 64, now_ms() + 1000)


def test_unsupported_database_urls_are_refused() -> None:
    from zkvote.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        Storage("mysql://localhost/x")
    with pytest.raises(InvalidArgument):
        Storage("sqlite://")


