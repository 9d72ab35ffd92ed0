"""Receipts a voter keeps, and the checks that make them worth keeping.

A :class:`StoredReceipt` is what ``zkvote vote`` saves (zkvote.wallet): the coordinator's URL,
the poll, the board (``ballots``, or ``challenged`` for a Benaloh-challenged ballot), the
ballot's tracking code, the coordinator's board-signing key as pinned when the ballot was cast,
and the :class:`zkvote.board.Receipt` (signed tree head + inclusion proof) it answered with.

:func:`check_receipt` runs the checks in order and reports each:

1. ``signature``: the receipt's head is signed by the pinned key for this poll's board (log id
   = derive_log_id(key, poll id[+"/challenged"]));
2. ``inclusion``: the inclusion proof puts the receipt's leaf at its index under that head;
3. (with a coordinator) ``key``: the coordinator still signs with the pinned key;
4. ``consistency``: the board's latest signed head extends the receipt's head (RFC 9162
   consistency proof): nothing the voter was shown has been rewritten or dropped since;
5. ``still-listed``: the coordinator still lists the ballot by its tracking code at the same
   position, with a receipt that verifies under its latest head (and says if a later ballot
   with the same nullifier superseded it, under re-vote policy ``last``).

:func:`follow_board` is one step of ``zkvote board monitor``: fetch the latest head and the
consistency proof from the monitor's last head, and let :class:`zkvote.board.Monitor` raise
:class:`zkvote.board.BoardForked` on any inconsistency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nacl.signing import VerifyKey

from zkvote.board import (
    BoardForked,
    Monitor,
    Receipt,
    SignedTreeHead,
    derive_log_id,
    verify_receipt,
    verify_tree_head,
)
from zkvote.board_tree import verify_consistency, verify_inclusion
from zkvote.client import BOARDS, BadResponse, CoordinatorClient, CoordinatorError, parsed
from zkvote.errors import InvalidEncoding, InvalidInput, InvalidProof
from zkvote.hexkeys import check_hex, public_key_from_hex
from zkvote.jsonmodel import load_json
from zkvote.poll import check_poll_id

RECEIPT_DOC_VERSION = 1
_KEYS = ("version", "coordinator", "poll_id", "board", "tracking_code", "log_public_key",
         "cast_at", "receipt")


def board_log_id(verify_key: VerifyKey, poll_id: str, board: str) -> bytes:
    """The log id of ``poll_id``'s ``board`` under the coordinator's key (the service names
    the challenged board ``POLL/challenged``)."""
    return derive_log_id(verify_key, poll_id if board == "ballots" else f"{poll_id}/{board}")


def verify_key_from_hex(text: str) -> VerifyKey:
    """An Ed25519 public key from 64 lowercase hex digits; InvalidEncoding otherwise."""
    return VerifyKey(public_key_from_hex(text))


@dataclass(frozen=True)
class StoredReceipt:
    """A receipt as the wallet keeps it (see the module docstring)."""

    coordinator: str
    poll_id: str
    board: str
    tracking_code: str
    log_public_key: str
    receipt: Receipt
    cast_at: str = field(default_factory=lambda: datetime.now(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"))

    def __post_init__(self) -> None:
        check_poll_id(self.poll_id)
        if self.board not in BOARDS:
            raise InvalidEncoding(f"board must be one of {BOARDS}")
        if not isinstance(self.coordinator, str) or not self.coordinator.startswith(
                ("http://", "https://")) or len(self.coordinator) > 2048:
            raise InvalidEncoding("coordinator must be an http(s) URL")
        for name in ("tracking_code", "log_public_key"):
            check_hex(getattr(self, name), name, 32)
        if not isinstance(self.receipt, Receipt):
            raise InvalidEncoding("receipt must be a zkvote.board.Receipt")
        if not isinstance(self.cast_at, str) or len(self.cast_at) > 40:
            raise InvalidEncoding("cast_at must be a timestamp string")

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data (the file ``zkvote receipt check`` reads)."""
        return {"version": RECEIPT_DOC_VERSION, "coordinator": self.coordinator,
                "poll_id": self.poll_id, "board": self.board,
                "tracking_code": self.tracking_code, "log_public_key": self.log_public_key,
                "cast_at": self.cast_at, "receipt": self.receipt.to_json()}

    @classmethod
    def from_json(cls, data: object) -> StoredReceipt:
        """Parse :meth:`to_json`'s shape strictly (JSON text, bytes or parsed). Raises
        InvalidEncoding / InvalidArgument (a receipt index beyond its head)."""
        if isinstance(data, str | bytes | bytearray):
            data = load_json(data, "receipt file")
        if not isinstance(data, dict) or set(data) != set(_KEYS):
            raise InvalidEncoding(f"a receipt file is an object with exactly: {', '.join(_KEYS)}")
        if data["version"] != RECEIPT_DOC_VERSION or isinstance(data["version"], bool):
            raise InvalidEncoding(f"unsupported receipt file version {data['version']!r:.20}")
        try:
            return cls(coordinator=data["coordinator"], poll_id=data["poll_id"],
                       board=data["board"], tracking_code=data["tracking_code"],
                       log_public_key=data["log_public_key"],
                       receipt=Receipt.from_json(data["receipt"]), cast_at=data["cast_at"])
        except InvalidInput:
            raise
        except (TypeError, ValueError) as exc:  # e.g. a poll id of the wrong type
            raise InvalidEncoding(f"malformed receipt file: {exc}") from None

    @property
    def verify_key(self) -> VerifyKey:
        """The pinned board-signing key."""
        return verify_key_from_hex(self.log_public_key)

    @property
    def log_id(self) -> bytes:
        """The board's log id under the pinned key."""
        return board_log_id(self.verify_key, self.poll_id, self.board)


@dataclass(frozen=True)
class Check:
    """One step of a receipt check."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class ReceiptReport:
    """The steps of :func:`check_receipt`; ``ok`` only if every step passed."""

    checks: list[Check] = field(default_factory=list)
    latest_size: int | None = None
    superseded: bool | None = None

    @property
    def ok(self) -> bool:
        """True if every check passed (and there was at least one)."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        """Record a step; return ``ok``."""
        self.checks.append(Check(name, ok, detail))
        return ok

    def to_json(self) -> dict[str, Any]:
        """``{"version", "ok", "checks": [{name, ok, detail}], "latest_size", "superseded"}``."""
        return {"version": 1, "ok": self.ok,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail}
                           for c in self.checks],
                "latest_size": self.latest_size, "superseded": self.superseded}


def check_receipt(stored: StoredReceipt, client: CoordinatorClient | None = None
                  ) -> ReceiptReport:
    """Check ``stored`` (see the module docstring), offline if ``client`` is None. Stops at
    the first failing step. Transport errors (:class:`~zkvote.client.CoordinatorError`)
    propagate; a coordinator answering nonsense fails the step it broke."""
    report = ReceiptReport()
    receipt, key = stored.receipt, stored.verify_key
    try:
        verify_tree_head(receipt.tree_head, key, stored.log_id)
    except InvalidProof as exc:
        report.add("signature", False, str(exc))
        return report
    report.add("signature", True, f"head of size {receipt.tree_head.tree_size} signed by "
                                  f"{stored.log_public_key[:16]}…")
    try:
        head = receipt.tree_head
        verify_inclusion(receipt.leaf_hash, receipt.index, head.tree_size,
                         receipt.inclusion_proof, head.root_hash)
    except InvalidInput as exc:
        report.add("inclusion", False, str(exc))
        return report
    except InvalidProof as exc:
        report.add("inclusion", False, str(exc))
        return report
    report.add("inclusion", True, f"entry {receipt.index} of {head.tree_size}")
    if client is None:
        return report
    now_key = client.log_public_key()
    if not report.add("key", now_key == stored.log_public_key,
                      "" if now_key == stored.log_public_key else
                      "the coordinator now signs with another key: its board was replaced"):
        return report
    if not _check_consistency(stored, client, report):
        return report
    _check_listed(stored, client, report)
    return report


def _check_consistency(stored: StoredReceipt, client: CoordinatorClient,
                       report: ReceiptReport) -> bool:
    old = stored.receipt.tree_head
    try:
        latest = client.head(stored.poll_id, stored.board)
        verify_tree_head(latest, stored.verify_key, stored.log_id)
        report.latest_size = latest.tree_size
        if latest.tree_size < old.tree_size:
            raise InvalidProof(f"the board shrank from {old.tree_size} to {latest.tree_size}")
        proof = client.consistency(stored.poll_id, old.tree_size, latest.tree_size,
                                   stored.board)
        verify_consistency(old.tree_size, latest.tree_size, old.root_hash, latest.root_hash,
                           proof)
    except (InvalidProof, InvalidInput, BadResponse) as exc:
        return report.add("consistency", False, str(exc))
    return report.add("consistency", True, f"latest head of size {latest.tree_size} extends "
                                           f"the receipt's head")


def _check_listed(stored: StoredReceipt, client: CoordinatorClient,
                  report: ReceiptReport) -> bool:
    try:
        doc = client.find_ballot(stored.poll_id, stored.tracking_code)
    except CoordinatorError as exc:
        if exc.status == 404:
            return report.add("still-listed", False, "the coordinator no longer lists this "
                                                     "tracking code")
        raise
    try:
        fresh = parsed("receipt", Receipt.from_json, doc.get("receipt"))
        if doc.get("board") != stored.board or fresh.index != stored.receipt.index \
                or fresh.leaf_hash != stored.receipt.leaf_hash:
            raise InvalidProof("the coordinator lists the tracking code at another position")
        verify_receipt(fresh, stored.verify_key, log_id=stored.log_id)
    except (InvalidProof, InvalidInput, BadResponse, AttributeError) as exc:
        return report.add("still-listed", False, str(exc))
    superseded = doc.get("superseded")
    report.superseded = superseded if isinstance(superseded, bool) else None
    note = " (superseded by a later ballot of the same voter)" if superseded else ""
    return report.add("still-listed", True, f"entry {fresh.index} under the head of size "
                                            f"{fresh.tree_head.tree_size}{note}")


# ------------------------------------------------------------ board monitor


def follow_board(monitor: Monitor, client: CoordinatorClient, poll_id: str,
                 board: str = "ballots") -> SignedTreeHead:
    """Fetch the board's latest head and the consistency proof from ``monitor``'s last head
    and let the monitor check them; return the new head. Raises BoardForked (with both heads
    as evidence) on a bad signature, another log, a shrunk board, two roots for one size, or
    a failed consistency proof; CoordinatorError for transport problems."""
    head = client.head(poll_id, board)
    last = monitor.last
    old_size = 0 if last is None else last.tree_size
    if head.tree_size < old_size:
        monitor.observe(head, [])  # raises BoardForked: the board shrank
    try:
        proof = client.consistency(poll_id, old_size, head.tree_size, board) \
            if 0 < old_size < head.tree_size else []
    except CoordinatorError as exc:
        if exc.status == 404:  # the board cannot prove what it signed
            raise BoardForked(f"the coordinator has no consistency proof from {old_size} to "
                              f"{head.tree_size}: {exc.message}", last, head) from None
        raise
    monitor.observe(head, proof)
    return head


def new_monitor(client: CoordinatorClient, poll_id: str, board: str, key_hex: str) -> Monitor:
    """A monitor for ``poll_id``'s ``board`` trusting board key ``key_hex``, pinned to the
    board's log id."""
    key = verify_key_from_hex(key_hex)
    return Monitor(key, board_log_id(key, poll_id, board))


__all__ = ["RECEIPT_DOC_VERSION", "Check", "ReceiptReport", "StoredReceipt", "board_log_id",
           "check_receipt", "follow_board", "new_monitor", "verify_key_from_hex"]
