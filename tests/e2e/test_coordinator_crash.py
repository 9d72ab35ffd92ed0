"""kill -9 of ``zkvote coordinator serve`` (SQLite) in the middle of ballot ingestion, then a
restart: every ballot that got a receipt is on the board (and in the election record), the
board after the restart extends every head a receipt was signed under, no nullifier is on
the board twice, and ballots whose answer was lost can be re-sent safely."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from coordinator_kit import ADMIN_KEY, SHARED_POLL, TRUSTEE_KEYS, ballots, open_poll
from zkvote.coordinator.settings import ADMIN_KEY_FILE, DB_FILE

from zkvote.board import Receipt, verify_consistency, verify_receipt
from zkvote.board_tree import leaf_hash
from zkvote.client_admin import SignedClient, trustees_decrypt
from zkvote.jsonmodel import canonical_json

POLL = SHARED_POLL  # its ballots are shared with other tests (see coordinator_kit)
MEMBERS_USED = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The real CLI in a subprocess; a short batch window so that batches are in flight."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).with_name("zkvote")
        self.log = open(data_dir / f"server-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(exe), "coordinator", "serve", "--data-dir", str(data_dir), "--port",
             str(self.port), "--rate", "0", "--batch-window-ms", "50", "--batch-max", "2",
             *extra],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/info", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("the coordinator did not start")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)
        self.log.close()


@pytest.mark.slow
def test_kill_9_during_ingestion_loses_no_receipted_ballot(tmp_path: Path) -> None:
    data = tmp_path / "coordinator"
    data.mkdir(mode=0o700)
    (data / ADMIN_KEY_FILE).write_text(bytes(ADMIN_KEY).hex() + "\n")
    server = Server(data)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            manifest, shares = open_poll(http, POLL)
            log_key = http.get("/info").json()["log_public_key"]
        # each member twice: the second ballot of a member must never be accepted (policy
        # first), however the crash falls
        pool = ballots(manifest, [(m, (1, 0), s) for s in range(2)
                                  for m in range(MEMBERS_USED)])
        receipts: dict[int, Receipt] = {}
        lost: list[int] = []  # sent, but the answer never came
        lock = threading.Lock()
        todo = list(range(len(pool)))

        def sender() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                while True:
                    with lock:
                        if not todo:
                            return
                        i = todo.pop(0)
                    try:
                        r = http.post(f"/polls/{POLL}/ballots",
                                      content=canonical_json(pool[i].to_json()))
                    except httpx.HTTPError:
                        with lock:
                            lost.append(i)
                        return  # the server died
                    if r.status_code == 201:
                        with lock:
                            receipts[i] = Receipt.from_json(r.json()["receipt"])

        threads = [threading.Thread(target=sender) for _ in range(4)]
        for t in threads:
            t.start()
        while not receipts and any(t.is_alive() for t in threads):
            time.sleep(0.001)
        workers = _workers(server.proc.pid)
        server.kill()  # SIGKILL: no shutdown, no flush, in the middle of the batches
        for t in threads:
            t.join()
        assert receipts, "no ballot was accepted before the kill"
        assert lost, "the kill came after ingestion finished"
        deadline = time.time() + 5  # the orphaned checking workers notice and exit
        while any(Path(f"/proc/{w}").exists() for w in workers) and time.time() < deadline:
            time.sleep(0.1)
        assert workers and not any(Path(f"/proc/{w}").exists() for w in workers)

        con = sqlite3.connect(data / DB_FILE)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()

        server = Server(data)
        from nacl.signing import VerifyKey

        key = VerifyKey(bytes.fromhex(log_key))
        with httpx.Client(base_url=server.url, timeout=60) as http:
            head = http.get(f"/polls/{POLL}/boards/ballots/head").json()
            for i, receipt in receipts.items():
                entry = canonical_json(pool[i].to_json())
                from zkvote.ballot import tracking_code

                found = http.get(f"/polls/{POLL}/ballots/{tracking_code(pool[i])}")
                assert found.status_code == 200, f"receipted ballot {i} is not on the board"
                verify_receipt(Receipt.from_json(found.json()["receipt"]), key, entry)
                old = receipt.tree_head
                proof = http.get(f"/polls/{POLL}/boards/ballots/consistency",
                                 params={"old_size": old.tree_size}).json()
                verify_consistency(old.tree_size, head["tree_size"], old.root_hash,
                                   bytes.fromhex(head["root_hash"]),
                                   [bytes.fromhex(h) for h in proof["consistency_proof"]])
            # re-send everything: refused duplicates and replays, never an error of ours
            for b in pool:
                r = http.post(f"/polls/{POLL}/ballots", content=canonical_json(b.to_json()))
                assert r.status_code in (201, 409), r.text
            entries = http.get(f"/polls/{POLL}/boards/ballots/entries",
                               params={"limit": 1000}).json()["entries"]
            nullifiers = [e["entry"]["nullifier"] for e in entries]
            assert len(nullifiers) == len(set(nullifiers)) == MEMBERS_USED
            assert all(bytes.fromhex(e["leaf_hash"]) == leaf_hash(canonical_json(e["entry"]))
                       for e in entries)

            admin = SignedClient(http, ADMIN_KEY)
            admin.post(f"/polls/{POLL}/close")
            admin.post(f"/polls/{POLL}/tally/aggregate")
            trustees_decrypt(http, POLL, TRUSTEE_KEYS, shares)
            admin.post(f"/polls/{POLL}/tally/publish")
            record = tmp_path / "record.zip"
            record.write_bytes(http.get(f"/polls/{POLL}/record").content)
    finally:
        server.stop()
    from zkvote.record import read_record
    from zkvote.verify import verify_record

    assert verify_record(record, workers=1).ok
    recorded = {json.dumps(b.to_json(), sort_keys=True) for b in read_record(record).board}
    for i in receipts:
        assert json.dumps(pool[i].to_json(), sort_keys=True) in recorded


def _workers(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
                found.append(int(entry))
    return found


@pytest.mark.slow
def test_a_killed_checking_worker_costs_one_answer_not_the_service(tmp_path: Path) -> None:
    data = tmp_path / "coordinator"
    data.mkdir(mode=0o700)
    (data / ADMIN_KEY_FILE).write_text(bytes(ADMIN_KEY).hex() + "\n")
    server = Server(data, "--verify-workers", "1")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            manifest, _ = open_poll(http, POLL)
            first, second = ballots(manifest, [(0, (1, 0), 0), (1, (1, 0), 0)])
            path = f"/polls/{POLL}/ballots"
            assert http.post(path, content=canonical_json(first.to_json())).status_code == 201
            (worker,) = _workers(server.proc.pid)
            os.kill(worker, signal.SIGKILL)
            time.sleep(0.2)
            body = canonical_json(second.to_json())
            r = http.post(path, content=body)
            assert r.status_code == 503 and r.json()["error"]["code"] == "unavailable"
            assert http.post(path, content=body).status_code == 201  # a fresh worker
            assert http.get(f"/polls/{POLL}").json()["boards"]["ballots"] == 2
    finally:
        server.stop()
