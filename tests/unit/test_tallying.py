"""The coordinator's record building streams the ballots board from storage page by page:
the aggregate, the ``ballots.jsonl`` lines and the zip archive built that way equal, byte for
byte, what the whole board held in memory gives (zkvote.record's writers), while only a page
of entries is ever held."""

from __future__ import annotations

import json
import random
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from zkvote.coordinator import tallying
from zkvote.coordinator.storage import BALLOTS, BoardAppend, NewEntry, PollRow, Storage, now_ms
from zkvote.coordinator.tallying import Tallying, _sum_ciphertexts, _zip_streaming

from zkvote.babyjub import Point
from zkvote.ballot import Ballot
from zkvote.board import VERSION, TreeHead, sign_tree_head
from zkvote.board_tree import MerkleTree, leaf_hash
from zkvote.elgamal import Ciphertext
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.jsonmodel import canonical_json
from zkvote.record import board_line
from zkvote.record_files import (
    BALLOTS as BALLOTS_FILE,
)
from zkvote.record_files import (
    INDEX,
    MANIFEST,
    BoardHead,
    make_index,
    read_record_files,
    write_archive,
)
from zkvote.snark.keys import Proof
from zkvote.tally import classify_board

POLL, K, N = "stream-poll", 2, 2500
LOG_KEY = SigningKey(bytes(range(32)))


def _zip(files: dict[str, bytes]) -> bytes:
    """The archive of a whole record held in memory (the reference for _zip_streaming)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.zip"
        write_archive(files, path)
        return path.read_bytes()


def _entries(n: int, seed: int = 5) -> tuple[list[bytes], list[int], list[tuple[int, ...]]]:
    """n board entries (canonical ballot JSON with random subgroup ciphertexts, a fixed
    well-formed proof), their nullifiers (every 7th a re-vote of an earlier voter) and, for
    policy last, the positions each one supersedes."""
    rng = random.Random(seed)
    g = Point.base8()
    proof = Proof(G1.generator(), G2.generator(), G1.generator() * 3)
    entries, nullifiers, supersedes, latest = [], [], [], {}
    for i in range(n):
        cts = tuple(Ciphertext(g.mul(rng.randrange(1, 1 << 64)), g.mul(rng.randrange(1, 1 << 64)))
                    for _ in range(K))
        nullifier = (nullifiers[rng.randrange(i)] if i and i % 7 == 0
                     else rng.randrange(1, 1 << 200))
        entries.append(canonical_json(Ballot(POLL, 1234, nullifier, cts, proof).to_json()))
        supersedes.append((latest[nullifier],) if nullifier in latest else ())
        latest[nullifier] = i
        nullifiers.append(nullifier)
    return entries, nullifiers, supersedes


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    entries, nullifiers, supersedes = _entries(N)
    storage = Storage(f"sqlite:///{tmp_path_factory.mktemp('db')}/c.sqlite3")
    stamp = now_ms()
    storage.create_poll(PollRow(POLL, "open", "last", 1, 1, "{}", "{}", "0" * 64, "{}", None,
                                None, stamp, stamp), ["ab" * 32])
    tree = MerkleTree()
    for start in range(0, N, 500):
        new = []
        for i in range(start, min(N, start + 500)):
            tree.append(leaf_hash(entries[i]))
            new.append(NewEntry(entries[i], leaf_hash(entries[i]), f"{i:064x}", nullifiers[i],
                                supersedes[i]))
        head = sign_tree_head(LOG_KEY, TreeHead(VERSION, b"\x07" * 32, tree.size, tree.root(),
                                                stamp))
        storage.append_batch([BoardAppend(POLL, BALLOTS, start, tuple(new), head)])
    yield storage, entries, nullifiers, head
    storage.close()


@pytest.fixture
def small_pages(monkeypatch):
    # several pages and several native-sum chunks, so page and chunk edges are exercised
    monkeypatch.setattr(tallying, "_PAGE", 256)
    monkeypatch.setattr(tallying, "_CHUNK", 300)


def test_classification_from_pages_is_the_policys(board, small_pages):
    storage, _, nullifiers, _ = board
    c = Tallying(storage, polls=None)._classification(POLL, "last")
    assert c == classify_board(nullifiers, "last")
    assert 0 < len(c.not_counted) < N


def test_streamed_aggregate_equals_the_sum_of_the_counted_ballots(board, parsed, small_pages):
    storage, _, nullifiers, _ = board
    t = Tallying(storage, polls=None)
    counted = classify_board(nullifiers, "last").counted
    read: list[int | None] = []
    stored: list[int] = []
    streamed = _sum_ciphertexts(t._counted_entries(POLL, read, stored), K)
    assert read == nullifiers and stored == list(counted)
    reference = [Ciphertext.zero()] * K
    for p in counted:
        reference = [a + b for a, b in zip(reference, parsed[p].ciphertexts, strict=True)]
    assert streamed == reference


@pytest.fixture(scope="module")
def parsed(board) -> list[Ballot]:
    return [Ballot.from_json(json.loads(e)) for e in board[1]]


@pytest.fixture(scope="module")
def reference(board, parsed) -> tuple[bytes, dict[str, bytes]]:
    # the whole record in memory, written by zkvote.record's line writer and write_archive
    head = BoardHead(bytes(LOG_KEY.verify_key), board[3])
    files = _small_files()
    files[BALLOTS_FILE] = b"".join(board_line(p, b) for p, b in enumerate(parsed))
    files[INDEX] = make_index(files, head)
    return _zip(files), files


def _small_files() -> dict[str, bytes]:
    return {MANIFEST: b'{"manifest": 1}\n', "tally.json": b"{}\n", "outcome.json": b"{}\n",
            "trustees/dkg.json": b"{}\n", "aggregate.json": b"[]\n"}


def test_streamed_record_archive_is_byte_identical_to_the_in_memory_one(board, reference,
                                                                       small_pages):
    storage, _, _, signed = board
    head = BoardHead(bytes(LOG_KEY.verify_key), signed)
    sizes = []
    archive = _zip_streaming(_small_files(), Tallying(storage, polls=None)._entries(POLL),
                             lambda n: sizes.append(n) or head)
    assert sizes == [N]
    assert archive == reference[0]


def test_streamed_record_reads_back_as_the_record_files(board, reference, small_pages,
                                                        tmp_path):
    storage, _, _, signed = board
    head = BoardHead(bytes(LOG_KEY.verify_key), signed)
    archive = _zip_streaming(_small_files(), Tallying(storage, polls=None)._entries(POLL),
                             lambda n: head)
    (tmp_path / "r.zip").write_bytes(archive)
    assert read_record_files(tmp_path / "r.zip") == reference[1]


def test_building_the_record_holds_one_page_of_entries_not_the_board(board, small_pages,
                                                                     monkeypatch):
    storage, entries, _, signed = board
    head = BoardHead(bytes(LOG_KEY.verify_key), signed)
    board_bytes = sum(len(e) for e in entries)
    pages = []
    real = storage.ballot_pages

    def spy(*args, **kwargs):
        for page in real(*args, **kwargs):
            pages.append(len(page))
            yield page

    monkeypatch.setattr(storage, "ballot_pages", spy)
    tracemalloc.start()
    try:
        archive = _zip_streaming(_small_files(), Tallying(storage, polls=None)._entries(POLL),
                                 lambda n: head)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(pages) == N and max(pages) <= 256
    # the compressed archive itself is returned; beyond it, far less than the board
    assert peak - len(archive) < board_bytes / 4, (peak, len(archive), board_bytes)


def test_an_empty_board_streams_to_the_same_archive_as_in_memory():
    files = _small_files()
    files[BALLOTS_FILE] = b""
    files[INDEX] = make_index(files, None)
    sizes = []
    archive = _zip_streaming(_small_files(), iter(()), lambda n: sizes.append(n))
    assert sizes == [0] and archive == _zip(files)
