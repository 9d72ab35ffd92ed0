"""The bulletin board: an append-only transparency log in the style of RFC 9162.

Above the Merkle tree of :mod:`zkvote.board_tree` this module adds what makes a log
accountable: tree heads signed with Ed25519 (pynacl), the voter's :class:`Receipt` (a signed
head plus an inclusion proof: "my ballot is entry i of the board this coordinator signed"), an
in-memory :class:`Board`, and a :class:`Monitor` that follows the signed heads and raises
:class:`BoardForked` as soon as one of them is not an extension of the last one it checked.

Storage-free by design: the coordinator stores entries through its own storage layer and keeps
a :class:`~zkvote.board_tree.MerkleTree` of their leaf hashes; :class:`Board` is the same thing
held in memory, for tests and simulations.

JSON: bytes are lowercase hex, sizes, indices and timestamps are JSON integers, every document
has ``"version": 1``; unknown or missing fields, duplicate keys, uppercase hex and out-of-range
numbers raise InvalidEncoding.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from zkvote.board_tree import (
    EMPTY_ROOT,
    HASH_SIZE,
    MAX_PROOF_LENGTH,
    MAX_TREE_SIZE,
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidProof, ZkvoteError
from zkvote.hexkeys import bytes_from_hex, public_key_from_hex
from zkvote.validate import check_bytes, check_int

VERSION = 1
SIGNATURE_SIZE = 64
MAX_PAGE = 1000
# the signed message starts with a tag so that a head signature can't be replayed as any other
# message signed with the coordinator's key
_HEAD_TAG = b"zkvote/board/tree-head/v1\x00"
_LOG_ID_TAG = b"zkvote/board/log-id/v1\x00"


class BoardForked(ZkvoteError):
    """A signed tree head that is not an extension of the last verified one (a forked or
    rewritten board), or one whose signature or log id is wrong. ``old`` and ``new`` hold the
    two heads (``old`` is None before the first verified head), as evidence for the alarm."""

    def __init__(self, message: str, old: SignedTreeHead | None, new: SignedTreeHead) -> None:
        super().__init__(message)
        self.old = old
        self.new = new


def derive_log_id(verify_key: VerifyKey, name: str = "") -> bytes:
    """A 32-byte log id bound to the coordinator's key and a board name (one board per poll):
    SHA-256(tag || public key || UTF-8 name)."""
    key = _check_verify_key(verify_key)
    if not isinstance(name, str):
        raise InvalidEncoding("the board name must be a str")
    return hashlib.sha256(_LOG_ID_TAG + bytes(key) + name.encode()).digest()


@dataclass(frozen=True)
class TreeHead:
    """What a coordinator signs: the board ``log_id`` had ``tree_size`` entries with MTH
    ``root_hash`` at ``timestamp`` (milliseconds since the Unix epoch).

    Construction validates every field (InvalidEncoding / InvalidArgument).
    """

    version: int
    log_id: bytes
    tree_size: int
    root_hash: bytes
    timestamp: int

    def __post_init__(self) -> None:
        if check_int(self.version, "tree head version") != VERSION:
            raise InvalidEncoding(f"unsupported tree head version {self.version}")
        object.__setattr__(self, "log_id", check_bytes(self.log_id, HASH_SIZE, "log id"))
        object.__setattr__(self, "root_hash", check_bytes(self.root_hash, HASH_SIZE, "root hash"))
        _check_u64(self.tree_size, "tree size")
        _check_u64(self.timestamp, "timestamp")

    def to_bytes(self) -> bytes:
        """The canonical signed message: tag || version (1 byte) || log_id || tree_size (u64 BE)
        || timestamp (u64 BE) || root_hash. Fixed length, so no two heads share an encoding."""
        return (_HEAD_TAG + bytes([self.version]) + self.log_id + self.tree_size.to_bytes(8, "big")
                + self.timestamp.to_bytes(8, "big") + self.root_hash)


@dataclass(frozen=True)
class SignedTreeHead:
    """A TreeHead and the Ed25519 signature of its canonical bytes (not checked on
    construction: use :func:`verify_tree_head`)."""

    tree_head: TreeHead
    signature: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.tree_head, TreeHead):
            raise InvalidEncoding("tree_head must be a TreeHead")
        object.__setattr__(
            self, "signature", check_bytes(self.signature, SIGNATURE_SIZE, "signature"))

    log_id = property(lambda self: self.tree_head.log_id)
    tree_size = property(lambda self: self.tree_head.tree_size)
    root_hash = property(lambda self: self.tree_head.root_hash)
    timestamp = property(lambda self: self.tree_head.timestamp)

    def to_json(self) -> dict:
        """JSON-ready data: version, log_id, tree_size, root_hash, timestamp, signature."""
        h = self.tree_head
        return {"version": h.version, "log_id": h.log_id.hex(), "tree_size": h.tree_size,
                "root_hash": h.root_hash.hex(), "timestamp": h.timestamp,
                "signature": self.signature.hex()}

    @classmethod
    def from_json(cls, data: object) -> SignedTreeHead:
        """Parse :meth:`to_json`'s shape (a dict or JSON text), strictly: InvalidEncoding for
        unknown/missing fields, bad hex, wrong types or lengths, an unsupported version."""
        d = _fields(data, ("version", "log_id", "tree_size", "root_hash", "timestamp",
                           "signature"), "signed tree head")
        head = TreeHead(_version(d["version"]), bytes_from_hex(d["log_id"], "log_id", HASH_SIZE),
                        _u64(d["tree_size"], "tree_size"),
                        bytes_from_hex(d["root_hash"], "root_hash", HASH_SIZE),
                        _u64(d["timestamp"], "timestamp"))
        return cls(head, bytes_from_hex(d["signature"], "signature", SIGNATURE_SIZE))


def sign_tree_head(signing_key: SigningKey, head: TreeHead) -> SignedTreeHead:
    """Sign ``head`` with the coordinator's Ed25519 key."""
    if not isinstance(signing_key, SigningKey):
        raise InvalidEncoding("signing_key must be a nacl.signing.SigningKey")
    if not isinstance(head, TreeHead):
        raise InvalidEncoding("head must be a TreeHead")
    return SignedTreeHead(head, signing_key.sign(head.to_bytes()).signature)


def verify_tree_head(
    sth: SignedTreeHead, verify_key: VerifyKey, log_id: bytes | None = None
) -> None:
    """Return if ``sth`` carries a valid signature by ``verify_key`` (and, if given, is for
    ``log_id``); raise InvalidProof otherwise. InvalidEncoding for arguments of the wrong type.
    """
    key = _check_verify_key(verify_key)
    if not isinstance(sth, SignedTreeHead):
        raise InvalidEncoding("sth must be a SignedTreeHead")
    if log_id is not None and check_bytes(log_id, HASH_SIZE, "log id") != sth.log_id:
        raise InvalidProof("the tree head is for another log")
    try:
        key.verify(sth.tree_head.to_bytes(), sth.signature)
    except BadSignatureError:
        raise InvalidProof("bad signature on the tree head") from None


@dataclass(frozen=True)
class Receipt:
    """The voter's receipt: the entry with ``leaf_hash`` is number ``index`` of the board
    whose signed head is ``tree_head``, by ``inclusion_proof``. Construction checks shapes
    (InvalidEncoding) and index < tree size (InvalidArgument), not the proof."""

    leaf_hash: bytes
    index: int
    tree_head: SignedTreeHead
    inclusion_proof: tuple[bytes, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "leaf_hash", check_bytes(self.leaf_hash, HASH_SIZE, "leaf hash"))
        if not isinstance(self.tree_head, SignedTreeHead):
            raise InvalidEncoding("tree_head must be a SignedTreeHead")
        if not 0 <= _check_u64(self.index, "index") < self.tree_head.tree_size:
            raise InvalidArgument("receipt index is not below its tree head's size")
        proof = self.inclusion_proof
        if isinstance(proof, str | bytes) or not isinstance(proof, Sequence):
            raise InvalidEncoding("inclusion_proof must be a sequence of hashes")
        if len(proof) > MAX_PROOF_LENGTH:
            raise InvalidEncoding("inclusion_proof is longer than any tree needs")
        object.__setattr__(self, "inclusion_proof", tuple(
            check_bytes(h, HASH_SIZE, "inclusion proof hash") for h in proof))

    def to_json(self) -> dict:
        """JSON-ready data: version, leaf_hash, index, inclusion_proof, tree_head."""
        return {"version": VERSION, "leaf_hash": self.leaf_hash.hex(), "index": self.index,
                "inclusion_proof": [h.hex() for h in self.inclusion_proof],
                "tree_head": self.tree_head.to_json()}

    @classmethod
    def from_json(cls, data: object) -> Receipt:
        """Parse :meth:`to_json`'s shape strictly (InvalidEncoding / InvalidArgument)."""
        d = _fields(data, ("version", "leaf_hash", "index", "inclusion_proof", "tree_head"),
                    "receipt")
        _version(d["version"])
        proof = d["inclusion_proof"]
        if not isinstance(proof, list) or len(proof) > MAX_PROOF_LENGTH:
            raise InvalidEncoding(f"inclusion_proof must be a list of at most "
                                  f"{MAX_PROOF_LENGTH} hashes")
        return cls(bytes_from_hex(d["leaf_hash"], "leaf_hash", HASH_SIZE),
                   _u64(d["index"], "index"), SignedTreeHead.from_json(d["tree_head"]),
                   tuple(bytes_from_hex(h, "inclusion_proof hash", HASH_SIZE) for h in proof))


def verify_receipt(
    receipt: Receipt, verify_key: VerifyKey, entry: bytes | None = None,
    log_id: bytes | None = None,
) -> None:
    """Return if the receipt's head is signed by ``verify_key`` (for ``log_id`` if given), its
    proof puts its leaf at its index under that head's root, and (if given) ``entry`` is the
    entry with that leaf hash; raise InvalidProof otherwise."""
    if not isinstance(receipt, Receipt):
        raise InvalidEncoding("receipt must be a Receipt")
    verify_tree_head(receipt.tree_head, verify_key, log_id)
    if entry is not None and leaf_hash(entry) != receipt.leaf_hash:
        raise InvalidProof("the receipt is for another entry")
    head = receipt.tree_head
    verify_inclusion(receipt.leaf_hash, receipt.index, head.tree_size,
                     receipt.inclusion_proof, head.root_hash)


class Board:
    """An in-memory append-only board (entries and their Merkle tree) for one log id."""

    def __init__(self, log_id: bytes) -> None:
        """An empty board; ``log_id`` is 32 bytes (see :func:`derive_log_id`)."""
        self.log_id = check_bytes(log_id, HASH_SIZE, "log id")
        self._entries: list[bytes] = []
        self.tree = MerkleTree()

    @property
    def size(self) -> int:
        """The number of entries."""
        return self.tree.size

    def append(self, entry: bytes) -> int:
        """Append ``entry`` (bytes; InvalidEncoding otherwise) and return its index."""
        h = leaf_hash(entry)
        self._entries.append(bytes(entry))
        return self.tree.append(h)

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` entries (default all); InvalidArgument if size > size."""
        return self.tree.root(size)

    def entry(self, index: int) -> bytes:
        """Entry ``index``; InvalidArgument unless 0 <= index < size."""
        self.tree.leaf_hash(index)  # validates the index
        return self._entries[index]

    def entries(self, start: int = 0, limit: int = MAX_PAGE) -> list[bytes]:
        """Up to ``limit`` (1..MAX_PAGE) entries from ``start`` (0..size); InvalidArgument
        otherwise. An empty list once ``start`` reaches the size."""
        start, limit = check_int(start, "start"), check_int(limit, "limit")
        if not 0 <= start <= self.size or not 1 <= limit <= MAX_PAGE:
            raise InvalidArgument(f"page needs 0 <= start <= {self.size}, 1 <= limit <= "
                                  f"{MAX_PAGE}")
        return self._entries[start : start + limit]

    def head(self, signing_key: SigningKey, timestamp: int | None = None) -> SignedTreeHead:
        """Sign the current head (timestamp: now, in ms, unless given)."""
        ts = time.time_ns() // 1_000_000 if timestamp is None else timestamp
        return sign_tree_head(signing_key, TreeHead(VERSION, self.log_id, self.size,
                                                    self.root(), ts))

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        """Inclusion proof of entry ``index`` in the tree of ``tree_size`` (default: now)."""
        return self.tree.inclusion_proof(index, tree_size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Consistency proof from ``old_size`` to ``new_size`` (default: now)."""
        return self.tree.consistency_proof(old_size, new_size)

    def receipt(self, index: int, head: SignedTreeHead) -> Receipt:
        """The receipt of entry ``index`` under ``head``, which must be a head of this board
        (same log id, root of this board at its size; InvalidArgument otherwise)."""
        if not isinstance(head, SignedTreeHead):
            raise InvalidEncoding("head must be a SignedTreeHead")
        if head.log_id != self.log_id or head.root_hash != self.root(head.tree_size):
            raise InvalidArgument("the head is not a head of this board")
        return Receipt(self.tree.leaf_hash(index), index, head,
                       tuple(self.inclusion_proof(index, head.tree_size)))


class Monitor:
    """Follows one board's signed heads; keeps the last head it verified.

    :meth:`observe` raises BoardForked, and keeps the old head, when a new head is badly signed,
    for another log, smaller than the last, of the same size with another root, or not proven
    consistent with it. Its state round-trips through :meth:`to_json` / :meth:`from_json`.
    """

    def __init__(self, verify_key: VerifyKey, log_id: bytes | None = None) -> None:
        """A monitor trusting ``verify_key``; pins ``log_id`` if given, else the first head's."""
        self.verify_key = _check_verify_key(verify_key)
        self.log_id = None if log_id is None else check_bytes(log_id, HASH_SIZE, "log id")
        self.last: SignedTreeHead | None = None

    def observe(self, sth: SignedTreeHead, consistency_proof_from_last: Sequence[bytes]) -> None:
        """Check ``sth`` against the last verified head (the empty tree at first) with the
        consistency proof from the last head's size to ``sth``'s; on success ``sth`` becomes
        the last head. BoardForked on evidence of misbehaviour; InvalidEncoding if the
        arguments are malformed (a wrong type, a proof hash that is not 32 bytes)."""
        if not isinstance(sth, SignedTreeHead):
            raise InvalidEncoding("sth must be a SignedTreeHead")
        old = self.last
        try:
            verify_tree_head(sth, self.verify_key)
        except InvalidProof as exc:
            raise BoardForked(f"tree head of size {sth.tree_size}: {exc}", old, sth) from exc
        if self.log_id is not None and sth.log_id != self.log_id:
            raise BoardForked("tree head signed for another log", old, sth)
        old_size, old_root = (0, EMPTY_ROOT) if old is None else (old.tree_size, old.root_hash)
        if sth.tree_size < old_size:
            raise BoardForked(f"board shrank from {old_size} to {sth.tree_size} entries",
                              old, sth)
        if sth.tree_size == old_size and sth.root_hash != old_root:
            raise BoardForked(f"two roots for the same size {old_size}", old, sth)
        try:
            verify_consistency(old_size, sth.tree_size, old_root, sth.root_hash,
                               consistency_proof_from_last)
        except InvalidProof as exc:
            raise BoardForked(f"head of size {sth.tree_size} is not an extension of the head "
                              f"of size {old_size}: {exc}", old, sth) from exc
        self.log_id = sth.log_id
        self.last = sth

    def to_json(self) -> dict:
        """The state as JSON-ready data: version, verify_key, log_id, last_head."""
        return {"version": VERSION, "verify_key": bytes(self.verify_key).hex(),
                "log_id": None if self.log_id is None else self.log_id.hex(),
                "last_head": None if self.last is None else self.last.to_json()}

    @classmethod
    def from_json(cls, data: object, verify_key: VerifyKey) -> Monitor:
        """Restore a state saved by :meth:`to_json` for ``verify_key``. InvalidEncoding for a
        malformed state, InvalidArgument if it belongs to another key, InvalidProof if its
        last head's signature or log id does not check out (a tampered state file)."""
        d = _fields(data, ("version", "verify_key", "log_id", "last_head"), "monitor state")
        _version(d["version"])
        key = _check_verify_key(verify_key)
        if public_key_from_hex(d["verify_key"], "verify_key") != bytes(key):
            raise InvalidArgument("the monitor state belongs to another coordinator key")
        log_id = None if d["log_id"] is None else bytes_from_hex(d["log_id"], "log_id", HASH_SIZE)
        monitor = cls(key, log_id)
        if d["last_head"] is not None:
            if log_id is None:
                raise InvalidEncoding("a monitor state with a last head names its log_id")
            last = SignedTreeHead.from_json(d["last_head"])
            verify_tree_head(last, key, log_id)
            monitor.last = last
        return monitor


def _check_verify_key(key: object) -> VerifyKey:
    if not isinstance(key, VerifyKey):
        raise InvalidEncoding("verify_key must be a nacl.signing.VerifyKey")
    return key


def _check_u64(value: object, what: str) -> int:
    value = check_int(value, what)
    if not 0 <= value <= MAX_TREE_SIZE:
        raise InvalidArgument(f"{what} must be in [0, 2^64)")
    return value


def _reject_duplicates(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidEncoding("duplicate key in a JSON object")
    return dict(pairs)


def _fields(data: object, keys: tuple[str, ...], what: str) -> dict:
    if isinstance(data, str | bytes | bytearray):
        try:
            data = json.loads(data, object_pairs_hook=_reject_duplicates)
        except InvalidEncoding:
            raise
        except (ValueError, RecursionError) as exc:  # bad JSON or UTF-8, huge ints, deep nesting
            raise InvalidEncoding(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or set(data) != set(keys):
        raise InvalidEncoding(f"{what} must be an object with exactly: {', '.join(keys)}")
    return data


def _version(value: object) -> int:
    if check_int(value, "version") != VERSION:
        raise InvalidEncoding(f"unsupported version {value}")
    return value


def _u64(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TREE_SIZE:
        raise InvalidEncoding(f"{what} must be an integer in [0, 2^64)")
    return value
