"""The bulletin board: RFC 6962/9162 published vectors, signed heads, receipts, the monitor."""

import json
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from zkvote.board import (
    VERSION,
    Board,
    BoardForked,
    Monitor,
    Receipt,
    SignedTreeHead,
    TreeHead,
    derive_log_id,
    sign_tree_head,
    verify_receipt,
    verify_tree_head,
)
from zkvote.board_tree import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from zkvote.errors import InvalidArgument, InvalidProof

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "rfc6962_vectors.json").read_text())
ENTRIES = [bytes.fromhex(e) for e in VECTORS["entries"]]
LEAVES = [leaf_hash(e) for e in ENTRIES]
ROOTS = {r["size"]: bytes.fromhex(r["root"]) for r in VECTORS["roots"]}
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")

KEY = SigningKey(bytes(range(32)))
OTHER_KEY = SigningKey(bytes(range(1, 33)))
LOG_ID = derive_log_id(KEY.verify_key, "poll-1")


def _proof(hexes):
    return [bytes.fromhex(h) for h in hexes]


def _board(entries, log_id=LOG_ID):
    board = Board(log_id)
    for e in entries:
        board.append(e)
    return board


# --- RFC vectors ------------------------------------------------------------------------------

def test_empty_tree_root_is_sha256_of_nothing():
    assert EMPTY_ROOT.hex() == VECTORS["empty_root"]
    assert merkle_root([]) == EMPTY_ROOT
    assert MerkleTree().root() == EMPTY_ROOT


@pytest.mark.parametrize("size", sorted(ROOTS))
def test_roots_equal_published_vectors(size):
    assert merkle_root(LEAVES[:size]) == ROOTS[size]
    assert MerkleTree(LEAVES).root(size) == ROOTS[size]


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_inclusion_proofs_equal_published_vectors_and_verify(case):
    index, size, want = case["index"], case["size"], _proof(case["proof"])
    assert inclusion_proof(LEAVES, index, size) == want
    assert MerkleTree(LEAVES).inclusion_proof(index, size) == want
    verify_inclusion(LEAVES[index], index, size, want, ROOTS[size])


@pytest.mark.parametrize("case", VECTORS["consistency"],
                         ids=lambda c: f"{c['old_size']}-to-{c['new_size']}")
def test_consistency_proofs_equal_published_vectors_and_verify(case):
    old, new, want = case["old_size"], case["new_size"], _proof(case["proof"])
    assert consistency_proof(LEAVES, old, new) == want
    assert MerkleTree(LEAVES).consistency_proof(old, new) == want
    verify_consistency(old, new, ROOTS[old], ROOTS[new], want)


def _inclusion_probes(index, size, proof, root, leaf):
    # the corruptions transparency-dev/merkle's verifier tests apply to each good vector
    probes = [
        (index ^ 2, size, root, leaf, proof), (index, size * 2, root, leaf, proof),
        (index, size, root, SOME_HASH, proof), (index, size, EMPTY_ROOT, leaf, proof),
        (index, size, SOME_HASH, leaf, proof), (index, size, root, leaf, [*proof, root]),
        (index, size, root, leaf, [root, *proof]),
    ]
    if index + 1 < size:
        probes.append((index + 1, size, root, leaf, proof))
    if index > 0:
        probes.append((index - 1, size, root, leaf, proof))
    if size // 2 > index:
        probes.append((index, size // 2, root, leaf, proof))
    if proof:
        probes.append((index, size, root, leaf, proof[:-1]))
        probes.append((index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


@pytest.mark.parametrize("case", [c for c in VECTORS["inclusion"] if c["size"] > 1],
                         ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_corrupted_inclusion_vectors_are_rejected(case):
    index, size, proof = case["index"], case["size"], _proof(case["proof"])
    checked = 0
    for probe_index, probe_size, root, leaf, probe_proof in _inclusion_probes(
            index, size, proof, ROOTS[size], LEAVES[index]):
        if probe_index >= probe_size:
            continue
        with pytest.raises(InvalidProof):
            verify_inclusion(leaf, probe_index, probe_size, probe_proof, root)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("case", [c for c in VECTORS["consistency"] if c["proof"]],
                         ids=lambda c: f"{c['old_size']}-to-{c['new_size']}")
def test_corrupted_consistency_vectors_are_rejected(case):
    old, new, proof = case["old_size"], case["new_size"], _proof(case["proof"])
    r1, r2 = ROOTS[old], ROOTS[new]
    probes = [
        (old - 1, new, r1, r2, proof), (old + 1, new, r1, r2, proof),
        (old ^ 2, new, r1, r2, proof), (old, new * 2, r1, r2, proof),
        (old, new, SOME_HASH, r2, proof), (old, new, r1, SOME_HASH, proof),
        (old, new, r2, r1, proof),
        (old, new, r1, r2, []), (old, new, r1, r2, [*proof, r1]), (old, new, r1, r2, [*proof, r2]),
        (old, new, r1, r2, [r1, *proof]), (old, new, r1, r2, [r2, *proof]),
        (old, new, r1, r2, [proof[0], *proof]), (old, new, r1, r2, proof[:-1]),
    ]
    if new // 2 >= old:
        probes.append((old, new // 2, r1, r2, proof))
    checked = 0
    for probe in probes:
        if not 0 <= probe[0] <= probe[1]:
            continue
        with pytest.raises(InvalidProof):
            verify_consistency(*probe)
        checked += 1
    assert checked >= 12


def test_single_leaf_tree_root_is_its_leaf_hash_with_empty_proof():
    h = leaf_hash(b"data")
    verify_inclusion(h, 0, 1, [], h)
    assert root_from_inclusion_proof(h, 0, 1, []) == h
    with pytest.raises(InvalidProof):
        verify_inclusion(h, 0, 1, [], SOME_HASH)


def test_consistency_with_empty_or_same_tree_needs_an_empty_proof_and_matching_roots():
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    verify_consistency(0, 5, EMPTY_ROOT, ROOTS[5], [])
    verify_consistency(5, 5, ROOTS[5], ROOTS[5], [])
    for args in [(5, 5, ROOTS[5], ROOTS[6], []), (0, 5, ROOTS[1], ROOTS[5], []),
                 (5, 5, ROOTS[5], ROOTS[5], [EMPTY_ROOT]), (0, 1, EMPTY_ROOT, ROOTS[1], [ROOTS[1]]),
                 (1, 2, ROOTS[1], ROOTS[2], [])]:
        with pytest.raises(InvalidProof):
            verify_consistency(*args)
    assert consistency_proof(LEAVES, 0, 8) == [] and consistency_proof(LEAVES, 8, 8) == []


def test_tree_built_in_bulk_equals_tree_built_by_appends():
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(1000)]
    bulk, one_by_one = MerkleTree(leaves[:333]), MerkleTree()
    bulk.extend(leaves[333:])
    for h in leaves:
        one_by_one.append(h)
    for size in (0, 1, 2, 3, 333, 512, 999, 1000):
        assert bulk.root(size) == one_by_one.root(size)
    assert bulk.inclusion_proof(777) == one_by_one.inclusion_proof(777)


# --- signed tree heads ------------------------------------------------------------------------

def _head(size=8, root=ROOTS[8], ts=1_700_000_000_000, log_id=LOG_ID):
    return TreeHead(VERSION, log_id, size, root, ts)


def test_signed_head_verifies_and_round_trips_through_json():
    sth = sign_tree_head(KEY, _head())
    verify_tree_head(sth, KEY.verify_key)
    verify_tree_head(sth, KEY.verify_key, LOG_ID)
    data = sth.to_json()
    assert set(data) == {"version", "log_id", "tree_size", "root_hash", "timestamp", "signature"}
    assert data["version"] == 1 and data["root_hash"] == ROOTS[8].hex()
    assert SignedTreeHead.from_json(data) == sth
    assert SignedTreeHead.from_json(json.dumps(data)) == sth


def test_canonical_bytes_have_fixed_length_and_differ_in_every_field():
    base = _head()
    variants = [_head(size=7), _head(root=ROOTS[7]), _head(ts=1), _head(log_id=bytes(32))]
    encodings = {h.to_bytes() for h in [base, *variants]}
    assert len(encodings) == 5
    assert {len(e) for e in encodings} == {len(base.to_bytes())}


def test_head_signature_does_not_cover_another_head_or_key():
    sth = sign_tree_head(KEY, _head())
    for forged in [SignedTreeHead(_head(size=7, root=ROOTS[7]), sth.signature),
                   SignedTreeHead(_head(ts=1_700_000_000_001), sth.signature)]:
        with pytest.raises(InvalidProof):
            verify_tree_head(forged, KEY.verify_key)
    with pytest.raises(InvalidProof):
        verify_tree_head(sth, OTHER_KEY.verify_key)
    with pytest.raises(InvalidProof):
        verify_tree_head(sth, KEY.verify_key, derive_log_id(KEY.verify_key, "poll-2"))


def test_log_ids_differ_per_key_and_board_name():
    ids = {derive_log_id(KEY.verify_key, "a"), derive_log_id(KEY.verify_key, "b"),
           derive_log_id(OTHER_KEY.verify_key, "a")}
    assert len(ids) == 3 and all(len(i) == 32 for i in ids)


# --- board and receipts -----------------------------------------------------------------------

def test_board_appends_pages_and_signs_its_current_head():
    board = _board(ENTRIES)
    assert board.size == 8 and board.root() == ROOTS[8] and board.root(3) == ROOTS[3]
    assert board.append(b"next") == 8
    assert board.entry(2) == ENTRIES[2]
    assert board.entries(0, 3) == ENTRIES[:3]
    assert board.entries(6, 100) == [*ENTRIES[6:], b"next"]
    assert board.entries(9) == []
    sth = board.head(KEY, timestamp=5)
    assert (sth.tree_size, sth.root_hash, sth.timestamp, sth.log_id) == (9, board.root(), 5, LOG_ID)
    verify_tree_head(sth, KEY.verify_key, LOG_ID)
    assert board.head(KEY).timestamp > 1_600_000_000_000  # milliseconds, not seconds


def test_receipt_verifies_under_the_head_it_was_issued_with_and_round_trips():
    board = _board(ENTRIES)
    sth = board.head(KEY)
    receipt = board.receipt(3, sth)
    verify_receipt(receipt, KEY.verify_key)
    verify_receipt(receipt, KEY.verify_key, entry=ENTRIES[3], log_id=LOG_ID)
    assert Receipt.from_json(receipt.to_json()) == receipt
    assert Receipt.from_json(json.dumps(receipt.to_json())) == receipt
    assert receipt.to_json()["version"] == 1
    board.append(b"later ballot")
    later = board.receipt(3, board.head(KEY))  # a receipt can be refreshed under a newer head
    verify_receipt(later, KEY.verify_key, entry=ENTRIES[3])


def test_receipt_for_another_entry_key_or_log_is_rejected():
    board = _board(ENTRIES)
    receipt = board.receipt(3, board.head(KEY))
    with pytest.raises(InvalidProof):
        verify_receipt(receipt, KEY.verify_key, entry=ENTRIES[4])
    with pytest.raises(InvalidProof):
        verify_receipt(receipt, OTHER_KEY.verify_key)
    with pytest.raises(InvalidProof):
        verify_receipt(receipt, KEY.verify_key, log_id=bytes(32))
    moved = Receipt(receipt.leaf_hash, 4, receipt.tree_head, receipt.inclusion_proof)
    with pytest.raises(InvalidProof):
        verify_receipt(moved, KEY.verify_key)


def test_board_refuses_to_issue_a_receipt_under_a_foreign_head():
    board = _board(ENTRIES)
    other = _board([*ENTRIES[:7], b"x"])
    with pytest.raises(InvalidArgument):
        board.receipt(0, other.head(KEY))
    with pytest.raises(InvalidArgument):
        board.receipt(0, _board(ENTRIES, log_id=bytes(32)).head(KEY))


# --- monitor ----------------------------------------------------------------------------------

def test_monitor_accepts_a_growing_board_and_keeps_the_last_head():
    board, monitor = Board(LOG_ID), Monitor(KEY.verify_key)
    assert monitor.last is None
    last_size = 0
    for step, entry in enumerate(ENTRIES):
        board.append(entry)
        if step % 3 == 2 or step == len(ENTRIES) - 1:
            monitor.observe(board.head(KEY), board.consistency_proof(last_size))
            last_size = board.size
    assert monitor.last.tree_size == 8 and monitor.last.root_hash == ROOTS[8]
    monitor.observe(board.head(KEY), [])  # the same tree re-signed later is fine
    assert monitor.log_id == LOG_ID


def test_monitor_state_round_trips_through_json():
    board, monitor = _board(ENTRIES[:5]), Monitor(KEY.verify_key)
    monitor.observe(board.head(KEY), [])
    state = json.loads(json.dumps(monitor.to_json()))
    restored = Monitor.from_json(state, KEY.verify_key)
    assert restored.last == monitor.last and restored.log_id == LOG_ID
    for e in ENTRIES[5:]:
        board.append(e)
    restored.observe(board.head(KEY), board.consistency_proof(5))
    assert Monitor.from_json(Monitor(KEY.verify_key).to_json(), KEY.verify_key).last is None


def test_monitor_catches_a_board_that_rewrote_an_old_entry_then_grew():
    honest, monitor = _board(ENTRIES[:5]), Monitor(KEY.verify_key)
    monitor.observe(honest.head(KEY), [])
    seen = monitor.last
    forked = _board([*ENTRIES[:2], b"a different ballot", *ENTRIES[3:]])
    forked.append(b"cover entry")
    with pytest.raises(BoardForked) as caught:
        monitor.observe(forked.head(KEY), forked.consistency_proof(5))
    assert caught.value.old == seen and caught.value.new.tree_size == 9
    assert monitor.last == seen  # the alarm leaves the trusted head in place
    # nor can the forked board pass with the honest board's proof
    honest_proof = _board([*ENTRIES, b"cover entry"]).consistency_proof(5)
    with pytest.raises(BoardForked):
        monitor.observe(forked.head(KEY), honest_proof)


def test_monitor_alarms_on_shrinking_or_same_size_other_root():
    board, monitor = _board(ENTRIES), Monitor(KEY.verify_key)
    monitor.observe(board.head(KEY), [])
    with pytest.raises(BoardForked, match="shrank"):
        monitor.observe(_board(ENTRIES[:7]).head(KEY), [])
    with pytest.raises(BoardForked, match="same size"):
        monitor.observe(_board([*ENTRIES[:7], b"x"]).head(KEY), [])


def test_monitor_alarms_on_bad_signature_or_other_log():
    board, monitor = _board(ENTRIES[:4]), Monitor(KEY.verify_key)
    monitor.observe(board.head(KEY), [])
    board.append(ENTRIES[4])
    proof = board.consistency_proof(4)
    with pytest.raises(BoardForked, match="signature"):
        monitor.observe(board.head(OTHER_KEY), proof)
    with pytest.raises(BoardForked, match="another log"):
        monitor.observe(_board(ENTRIES[:5], log_id=bytes(32)).head(KEY), proof)
    monitor.observe(board.head(KEY), proof)
    assert monitor.last.tree_size == 5


def test_monitor_pinned_to_a_log_id_refuses_the_first_head_of_another():
    monitor = Monitor(KEY.verify_key, log_id=derive_log_id(KEY.verify_key, "poll-2"))
    with pytest.raises(BoardForked):
        monitor.observe(_board(ENTRIES).head(KEY), [])
    assert monitor.last is None
