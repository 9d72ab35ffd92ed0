"""``zkvote board monitor``: follow every board of a coordinator across runs.

A :class:`BoardMonitor` keeps one :class:`zkvote.board.Monitor` per (poll, board) and the
coordinator's board-signing key, pinned the first time it is seen, in a JSON state file
(mode 0600)::

    {"version": 1, "coordinator": URL, "log_public_key": HEX,
     "boards": {"POLL/ballots": <Monitor.to_json()>, "POLL/challenged": ...}}

Each :meth:`BoardMonitor.round` fetches the latest signed head of every board (the given poll's,
or every poll's that has one) and the consistency proof from the last head it verified. The
first inconsistency raises :class:`zkvote.board.BoardForked` with both heads as evidence; a
board seen before that has vanished, and a coordinator signing with another key
(:class:`zkvote.wallet.KeyChanged`), are alarms too. The state only ever records verified heads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zkvote.board import BoardForked, Monitor
from zkvote.client import BOARDS, CoordinatorClient, NotFoundError
from zkvote.client_receipts import follow_board, new_monitor, verify_key_from_hex
from zkvote.errors import InvalidEncoding
from zkvote.jsonmodel import load_json
from zkvote.wallet import ItemNotFound, KeyChanged, read_private, write_private

STATE_VERSION = 1
_LIVE_STATES = ("open", "closed", "tallied")


class BoardMonitor:
    """The monitor of one coordinator (see the module docstring). ``client`` defaults to a
    new CoordinatorClient for ``url``."""

    def __init__(self, url: str, state_path: Path, *, client: CoordinatorClient | None = None,
                 log_public_key: str | None = None,
                 monitors: dict[str, Monitor] | None = None) -> None:
        self.url = url
        self.state_path = Path(state_path)
        self.client = client or CoordinatorClient(url)
        self.log_public_key = log_public_key
        self.monitors: dict[str, Monitor] = dict(monitors or {})

    @classmethod
    def load(cls, url: str, state_path: Path, *, client: CoordinatorClient | None = None
             ) -> BoardMonitor:
        """The monitor saved at ``state_path`` (a fresh one if the file does not exist).
        Raises InvalidEncoding / InvalidArgument / InvalidProof for a malformed or tampered
        state file, or one written for another coordinator."""
        try:
            data = read_private(Path(state_path), "monitor state")
        except ItemNotFound:
            return cls(url, state_path, client=client)
        doc = load_json(data, str(state_path))
        if not isinstance(doc, dict) or set(doc) != {"version", "coordinator",
                                                     "log_public_key", "boards"} \
                or doc["version"] != STATE_VERSION or not isinstance(doc["boards"], dict):
            raise InvalidEncoding(f"{state_path}: not a board monitor state")
        if doc["coordinator"] != url:
            raise InvalidEncoding(f"{state_path}: the state of another coordinator "
                                  f"({doc['coordinator']!r:.80})")
        key_hex = doc["log_public_key"]
        monitors = {}
        if key_hex is not None:
            key = verify_key_from_hex(key_hex)
            for name, state in doc["boards"].items():
                if not isinstance(name, str) or name.rsplit("/", 1)[-1] not in BOARDS:
                    raise InvalidEncoding(f"{state_path}: bad board name {name!r:.60}")
                monitors[name] = Monitor.from_json(state, key)
        elif doc["boards"]:
            raise InvalidEncoding(f"{state_path}: boards without a pinned key")
        return cls(url, state_path, client=client, log_public_key=key_hex, monitors=monitors)

    def to_json(self) -> dict[str, Any]:
        """The state document."""
        return {"version": STATE_VERSION, "coordinator": self.url,
                "log_public_key": self.log_public_key,
                "boards": {k: m.to_json() for k, m in sorted(self.monitors.items())}}

    def save(self) -> None:
        """Write the state file atomically (mode 0600)."""
        data = (json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n").encode()
        write_private(self.state_path, data, overwrite=True)

    def _polls(self, poll: str | None) -> list[str]:
        if poll is not None:
            return [poll]
        listed = {p["poll_id"] for p in self.client.polls()
                  if isinstance(p, dict) and p.get("state") in _LIVE_STATES}
        seen = {name.rsplit("/", 1)[0] for name in self.monitors}
        return sorted(listed | seen)

    def round(self, poll: str | None = None) -> list[dict[str, Any]]:
        """Check every board once; one observation per board
        ``{"poll_id", "board", "tree_size", "root_hash", "changed"}``. Raises BoardForked or
        KeyChanged on an alarm (the state keeps the last verified heads)."""
        key_hex = self.client.log_public_key()
        if self.log_public_key is None:
            self.log_public_key = key_hex
        elif key_hex != self.log_public_key:
            raise KeyChanged(f"the coordinator now signs its boards with {key_hex[:16]}…, not "
                             f"the pinned {self.log_public_key[:16]}…: its boards were "
                             "replaced")
        observations = []
        for poll_id in self._polls(poll):
            for board in BOARDS:
                name = f"{poll_id}/{board}"
                monitor = self.monitors.get(name) or new_monitor(self.client, poll_id, board,
                                                                 key_hex)
                before = monitor.last
                try:
                    head = follow_board(monitor, self.client, poll_id, board)
                except NotFoundError:
                    if before is not None:
                        raise BoardForked(f"board {name} of size {before.tree_size} has "
                                          "vanished", before, before) from None
                    continue  # no signed head yet: the poll has not opened
                self.monitors[name] = monitor
                observations.append({
                    "poll_id": poll_id, "board": board, "tree_size": head.tree_size,
                    "root_hash": head.root_hash.hex(),
                    "changed": before is None or before.tree_size != head.tree_size})
        return observations


__all__ = ["STATE_VERSION", "BoardMonitor"]
