"""The board refuses malformed hashes, impossible sizes and indices, bad JSON and bad signatures
with typed errors (never a wrong answer, never an untyped exception)."""

import json

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
    verify_consistency,
    verify_inclusion,
)
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidProof

KEY = SigningKey(bytes(range(32)))
LOG_ID = derive_log_id(KEY.verify_key, "poll")
LEAVES = [leaf_hash(bytes([i])) for i in range(10)]
TREE = MerkleTree(LEAVES)


@pytest.fixture
def board():
    b = Board(LOG_ID)
    for i in range(10):
        b.append(bytes([i]))
    return b


@pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 33, "00" * 32, None, 5])
def test_hash_of_wrong_length_or_type_is_rejected_everywhere(bad):
    root, proof = TREE.root(), TREE.inclusion_proof(3)
    calls = [
        lambda: verify_inclusion(bad, 3, 10, proof, root),
        lambda: verify_inclusion(LEAVES[3], 3, 10, proof, bad),
        lambda: verify_inclusion(LEAVES[3], 3, 10, [bad, *proof[1:]], root),
        lambda: verify_consistency(4, 10, bad, root, TREE.consistency_proof(4)),
        lambda: verify_consistency(4, 10, TREE.root(4), bad, TREE.consistency_proof(4)),
        lambda: verify_consistency(4, 10, TREE.root(4), root, [bad]),
        lambda: MerkleTree().append(bad),
        lambda: MerkleTree([LEAVES[0], bad]),
        lambda: merkle_root([LEAVES[0], bad]),
        lambda: inclusion_proof([LEAVES[0], bad], 0, 2),
        lambda: Board(bad),
        lambda: TreeHead(VERSION, bad, 1, LEAVES[0], 0),
        lambda: TreeHead(VERSION, LOG_ID, 1, bad, 0),
    ]
    for call in calls:
        with pytest.raises(InvalidEncoding):
            call()


def test_failed_bulk_extend_leaves_the_tree_unchanged():
    tree = MerkleTree(LEAVES[:3])
    with pytest.raises(InvalidEncoding):
        tree.extend([LEAVES[3], b"short"])
    assert tree.size == 3 and tree.root() == merkle_root(LEAVES[:3])


def test_proof_that_is_not_a_list_of_hashes_is_rejected():
    for bad in [b"\x00" * 32, "ab", None, 7]:
        with pytest.raises(InvalidEncoding):
            verify_inclusion(LEAVES[0], 0, 2, bad, TREE.root(2))
        with pytest.raises(InvalidEncoding):
            verify_consistency(1, 2, TREE.root(1), TREE.root(2), bad)


def test_overlong_proof_is_rejected_before_any_hashing():
    with pytest.raises(InvalidProof):
        verify_inclusion(LEAVES[0], 0, 2**63, [EMPTY_ROOT] * 65, EMPTY_ROOT)
    with pytest.raises(InvalidProof):
        verify_consistency(3, 2**63, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT] * 65)


@pytest.mark.parametrize("index, size", [(10, 10), (11, 10), (-1, 10), (0, 0), (5, 3)])
def test_index_not_below_size_is_rejected(index, size):
    with pytest.raises(InvalidArgument):
        verify_inclusion(LEAVES[0], index, size, [], EMPTY_ROOT)
    with pytest.raises(InvalidArgument):
        TREE.inclusion_proof(index, size)
    with pytest.raises(InvalidArgument):
        inclusion_proof(LEAVES, index, size)


def test_size_beyond_the_tree_or_the_given_leaves_is_rejected(board):
    for call in [lambda: TREE.root(11), lambda: TREE.inclusion_proof(0, 11),
                 lambda: TREE.consistency_proof(1, 11), lambda: inclusion_proof(LEAVES, 0, 11),
                 lambda: consistency_proof(LEAVES, 1, 11), lambda: board.inclusion_proof(0, 11),
                 lambda: board.entry(10), lambda: board.entry(-1), lambda: TREE.leaf_hash(10)]:
        with pytest.raises(InvalidArgument):
            call()


def test_empty_tree_has_no_inclusion_proofs():
    with pytest.raises(InvalidArgument):
        MerkleTree().inclusion_proof(0)
    with pytest.raises(InvalidArgument):
        verify_inclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)


def test_old_size_above_new_size_is_rejected():
    with pytest.raises(InvalidArgument):
        TREE.consistency_proof(6, 5)
    with pytest.raises(InvalidArgument):
        consistency_proof(LEAVES, 6, 5)
    with pytest.raises(InvalidArgument):
        verify_consistency(6, 5, TREE.root(6), TREE.root(5), [])


@pytest.mark.parametrize("bad", [-1, 2**64, True, 1.0, "3", None])
def test_size_that_is_not_a_uint64_is_rejected(bad):
    with pytest.raises((InvalidEncoding, InvalidArgument)):
        verify_inclusion(LEAVES[0], 0, bad, [], LEAVES[0])
    with pytest.raises((InvalidEncoding, InvalidArgument)):
        verify_consistency(bad, 10, TREE.root(), TREE.root(), [])
    with pytest.raises((InvalidEncoding, InvalidArgument)):
        TreeHead(VERSION, LOG_ID, bad, EMPTY_ROOT, 0)
    with pytest.raises((InvalidEncoding, InvalidArgument)):
        TreeHead(VERSION, LOG_ID, 0, EMPTY_ROOT, bad)


def test_board_entries_must_be_bytes_and_pages_in_range(board):
    for bad in ["text", None, 3, [1]]:
        with pytest.raises(InvalidEncoding):
            board.append(bad)
    assert board.size == 10
    for start, limit in [(-1, 10), (11, 10), (0, 0), (0, 1001)]:
        with pytest.raises(InvalidArgument):
            board.entries(start, limit)


def _sth_json(**changes):
    data = sign_tree_head(KEY, TreeHead(VERSION, LOG_ID, 10, TREE.root(), 1234)).to_json()
    data.update(changes)
    return data


@pytest.mark.parametrize("field, value", [
    ("root_hash", "AB" * 32), ("root_hash", "0x" + "ab" * 31), ("root_hash", "ab" * 31),
    ("root_hash", "ab" * 33), ("root_hash", "zz" * 32), ("root_hash", "a" * 63),
    ("log_id", "ab" * 32 + "\n"), ("signature", "00" * 63), ("signature", None),
    ("log_id", ["ab"] * 32),
])
def test_bad_hex_in_a_signed_head_is_rejected(field, value):
    with pytest.raises(InvalidEncoding):
        SignedTreeHead.from_json(_sth_json(**{field: value}))


@pytest.mark.parametrize("data", [
    {**_sth_json(), "extra": 1},
    {k: v for k, v in _sth_json().items() if k != "timestamp"},
    _sth_json(version=2), _sth_json(version="1"), _sth_json(version=True),
    _sth_json(tree_size=-1), _sth_json(tree_size=2**64), _sth_json(tree_size=10.0),
    _sth_json(tree_size=True), _sth_json(timestamp="1234"),
    [], "not json", b"\xff\xfe", '{"version": 1, "version": 1}', None, "[" * 100_000,
    '{"version": ' + "9" * 5000 + "}",
])
def test_malformed_signed_head_json_is_rejected(data):
    with pytest.raises(InvalidEncoding):
        SignedTreeHead.from_json(data)


def test_duplicate_keys_in_json_text_are_rejected():
    text = json.dumps(_sth_json())
    duplicated = text[:-1] + ', "tree_size": 11}'
    with pytest.raises(InvalidEncoding):
        SignedTreeHead.from_json(duplicated)


def test_malformed_receipt_json_is_rejected(board):
    good = board.receipt(2, board.head(KEY)).to_json()
    bad_docs = [
        {**good, "entry": "00"}, {k: v for k, v in good.items() if k != "index"},
        {**good, "version": 0}, {**good, "index": "2"},
        {**good, "leaf_hash": good["leaf_hash"][2:]},
        {**good, "inclusion_proof": "ab" * 32}, {**good, "inclusion_proof": ["AB" * 32]},
        {**good, "inclusion_proof": ["ab" * 32] * 65},
        {**good, "tree_head": {**good["tree_head"], "signer": "me"}},
    ]
    for doc in bad_docs:
        with pytest.raises(InvalidEncoding):
            Receipt.from_json(doc)
    with pytest.raises(InvalidArgument):  # index beyond its own head
        Receipt.from_json({**good, "index": 10})


@pytest.mark.parametrize("signature", [bytes(64), b"\xff" * 64, "flip"])
def test_bad_signatures_are_rejected(board, signature):
    sth = board.head(KEY)
    if signature == "flip":
        signature = bytes([sth.signature[0] ^ 1]) + sth.signature[1:]
    forged = SignedTreeHead(sth.tree_head, signature)
    with pytest.raises(InvalidProof):
        verify_tree_head(forged, KEY.verify_key)
    receipt = board.receipt(1, sth)
    with pytest.raises(InvalidProof):
        verify_receipt(Receipt(receipt.leaf_hash, 1, forged, receipt.inclusion_proof),
                       KEY.verify_key)
    with pytest.raises(BoardForked):
        Monitor(KEY.verify_key).observe(forged, [])


def test_wrong_key_and_argument_types_are_rejected(board):
    sth = board.head(KEY)
    for call in [lambda: verify_tree_head(sth, bytes(KEY.verify_key)),
                 lambda: verify_tree_head(sth.to_json(), KEY.verify_key),
                 lambda: sign_tree_head(bytes(32), sth.tree_head),
                 lambda: board.head(bytes(32)),
                 lambda: Monitor(bytes(32)),
                 lambda: Monitor(KEY.verify_key).observe(sth.to_json(), []),
                 lambda: verify_receipt(sth, KEY.verify_key),
                 lambda: derive_log_id(KEY.verify_key, b"poll")]:
        with pytest.raises(InvalidEncoding):
            call()


def test_monitor_does_not_take_malformed_proofs_as_fork_evidence(board):
    monitor = Monitor(KEY.verify_key)
    monitor.observe(board.head(KEY), [])
    board.append(b"x")
    with pytest.raises(InvalidEncoding):
        monitor.observe(board.head(KEY), [b"short"])
    assert monitor.last.tree_size == 10


def test_tampered_or_foreign_monitor_state_is_rejected(board):
    monitor = Monitor(KEY.verify_key)
    monitor.observe(board.head(KEY), [])
    state = monitor.to_json()
    with pytest.raises(InvalidArgument):
        Monitor.from_json(state, SigningKey(bytes(32)).verify_key)
    tampered = json.loads(json.dumps(state))
    tampered["last_head"]["tree_size"] = 3
    with pytest.raises(InvalidProof):
        Monitor.from_json(tampered, KEY.verify_key)
    for bad in [{**state, "extra": None}, {**state, "version": 2}, {**state, "log_id": None},
                {**state, "verify_key": state["verify_key"].upper()}, "[]"]:
        with pytest.raises(InvalidEncoding):
            Monitor.from_json(bad, KEY.verify_key)
