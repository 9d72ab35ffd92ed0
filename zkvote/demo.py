"""``zkvote demo``: a whole election on this machine, through the real service and clients.

1. the ballot circuit's keys (INSECURE single-party setup, from the key cache after the first
   run);
2. a coordinator (``zkvote coordinator serve``, a subprocess on a free loopback port) with its
   SQLite database and keys in a temporary folder;
3. the operator (admin key) creates a group of members and publishes its root, then a poll
   with 2-of-3 trustees; the three trustees run the key generation through the coordinator
   (each its own client, key and wallet; none ever holds the poll's secret key);
4. every member votes from its own client over HTTP: builds and proves the ballot locally,
   casts it and checks the receipt; the first member challenges one ballot first (Benaloh)
   and the last one changes its mind and votes again (re-vote policy ``last``);
5. the operator closes the poll and aggregates; two of the three trustees audit the board and
   post their partial decryptions (the third stays away: 2 of 3 suffice); the operator
   publishes the result;
6. the election record is downloaded into ``--out`` (a directory, plus ``OUT.zip``) and
   checked by ``zkvote verify`` in a separate process; a table shows the result.

``--seed`` makes identities, votes and keys reproducible (never for a real poll).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from zkvote.errors import InvalidArgument, ProtocolError

QUESTION = "Which project should the co-op fund next?"
OPTIONS = ("Solar panels on the workshop roof", "A shared community kitchen",
           "A bike repair cooperative")
POLL_ID = "coop-budget-2025"
GROUP_ID = "coop-members"
N_TRUSTEES, THRESHOLD = 3, 2
DEPTH = 4  # up to 16 members
KEY_SEED = 20250101  # one cached circuit key serves every demo run


@dataclass(frozen=True)
class DemoConfig:
    """What ``zkvote demo`` runs: ``voters`` members (2..16), the record goes to ``out``."""

    out: Path = Path("zkvote-demo")
    voters: int = 8
    seed: int | None = None

    def check(self) -> None:
        """InvalidArgument for unusable settings (``out`` must be absent, empty, or a record
        of an earlier demo, which is replaced)."""
        if not 2 <= self.voters <= 1 << DEPTH:
            raise InvalidArgument(f"voters must be in 2..{1 << DEPTH}")
        out = Path(self.out)
        if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                                  and not (out / "index.json").exists())):
            raise InvalidArgument(f"{out} exists and is not an earlier demo's record: choose "
                                  "another --out")


@dataclass
class DemoResult:
    """What the demo produced."""

    out: Path
    archive: Path
    options: tuple[str, ...]
    tally: list[int]
    outcome: dict[str, Any]
    ballots_cast: int
    ballots_counted: int
    challenged: int
    verified: bool
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {"version": 1, "record": str(self.out), "archive": str(self.archive),
                "options": list(self.options), "tally": self.tally, "outcome": self.outcome,
                "ballots_cast": self.ballots_cast, "ballots_counted": self.ballots_counted,
                "challenged": self.challenged, "verified": self.verified,
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()}}


# ------------------------------------------------------------ the coordinator process


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zkvote_command(*args: str) -> list[str]:
    """The argv that runs ``zkvote ARGS`` with this interpreter (no PATH lookup). ``-P``
    keeps the working directory off sys.path: run from a source checkout, ``-c`` would
    otherwise import the checkout's uncompiled ``zkvote/`` instead of the installed one."""
    return [sys.executable, "-P", "-c", "from zkvote.cli import main; main()", *args]


@contextmanager
def coordinator_process(data_dir: Path, *, timeout: float = 60.0) -> Iterator[str]:
    """Run ``zkvote coordinator serve`` on a free loopback port with its data in
    ``data_dir``; yield its URL once it answers, stop it (SIGINT, then SIGKILL after 15 s)
    on exit. ProtocolError if it does not come up within ``timeout`` seconds."""
    import httpx

    for _attempt in range(3):  # the port could be taken between probing and binding
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(data_dir / "coordinator.log", "ab")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            zkvote_command("coordinator", "serve", "--data-dir", str(data_dir), "--host",
                           "127.0.0.1", "--port", str(port), "--rate", "0"),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        up = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{url}/info", timeout=1.0).status_code == 200:
                    up = True
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        if up:
            break
        _stop(proc)
        log.close()
    else:
        tail = (data_dir / "coordinator.log").read_text(errors="replace")[-800:]
        raise ProtocolError(f"the coordinator did not start: {tail.strip()}")
    try:
        yield url
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # uvicorn drains the ballot queue and exits
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------ the election


def _draft(keys: Any, root: int, voters: int, now: datetime) -> dict:
    """The manifest draft: the full manifest with trustees reduced to {n, t}."""
    from zkvote.client_admin import poll_draft

    return poll_draft(poll_id=POLL_ID, question=QUESTION, options=OPTIONS,
                      preset_name="single", params={}, group_roots=[root], electorate=voters,
                      zkey=keys.zkey, max_depth=keys.max_depth, setup=keys.setup,
                      n_trustees=N_TRUSTEES, threshold=THRESHOLD, revote="last",
                      outcome={"kind": "plurality"}, opens_at=now - timedelta(minutes=5),
                      closes_at=now + timedelta(hours=2), tally_bound=voters)


class _Stages:
    """Rich progress: one line per stage, bars for counted work; silent when quiet."""

    def __init__(self, console: Console, quiet: bool) -> None:
        self.quiet = quiet
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=console, disable=quiet)
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, total: int = 1) -> Iterator[Callable[..., None]]:
        task = self.progress.add_task(name, total=total)
        t0 = time.perf_counter()

        def advance(n: int = 1, description: str | None = None) -> None:
            if description is not None:
                self.progress.update(task, description=f"{name}: {description}")
            self.progress.advance(task, n)

        yield advance
        self.seconds[name] = time.perf_counter() - t0
        self.progress.update(task, completed=total, description=name)


def run_demo(config: DemoConfig, *, quiet: bool = False,
             console: Console | None = None) -> DemoResult:
    """Run the demo (see the module docstring) and return its result. Raises
    InvalidArgument for a bad configuration, ProtocolError if the coordinator does not start,
    and any client error if a step fails (none is expected)."""
    config.check()
    console = console or Console(stderr=True)
    rng = random.Random(config.seed) if config.seed is not None else random.SystemRandom()
    seeded = config.seed is not None
    stages = _Stages(console, quiet)
    out = Path(config.out)
    with tempfile.TemporaryDirectory(prefix="zkvote-demo-") as tmp, stages.progress:
        work = Path(tmp)
        with stages.stage("ballot circuit keys (first run: trusted setup)") as advance:
            from zkvote.keycache import insecure_ballot_keys

            keys = insecure_ballot_keys(len(OPTIONS), DEPTH, seed=KEY_SEED)
            advance()
        from zkvote.coordinator.settings import load_or_create_keys

        _, admin_key = load_or_create_keys(work / "coordinator")
        with ExitStack() as running:
            with stages.stage("starting the coordinator on loopback") as advance:
                url = running.enter_context(coordinator_process(work / "coordinator"))
                advance()
            result = _election(url, admin_key, keys, config, rng, seeded, stages, work)
        with stages.stage("downloading the election record") as advance:
            archive = out.with_name(out.name + ".zip")
            _write_record(result.pop("record"), out, archive)
            advance()
        with stages.stage("zkvote verify (a separate process)") as advance:
            verified, report = _verify(out, console.width)
            advance()
    if not quiet:
        console.print(report, markup=False, highlight=False, soft_wrap=True)
    tally = [int(t) for t in result["tally"]]
    demo = DemoResult(out=out, archive=archive, options=OPTIONS, tally=tally,
                      outcome=result["outcome"], ballots_cast=result["cast"],
                      ballots_counted=result["counted"], challenged=result["challenged"],
                      verified=verified, seconds=stages.seconds)
    if not quiet:
        _print_result(demo, console)
    return demo


def _election(url: str, admin_key: Any, keys: Any, config: DemoConfig, rng: random.Random,
              seeded: bool, stages: _Stages, work: Path) -> dict[str, Any]:
    from nacl.signing import SigningKey

    from zkvote.client import CoordinatorClient
    from zkvote.client_receipts import check_receipt
    from zkvote.client_trustee import TrusteeClient
    from zkvote.client_voter import Voter, votes_from_options
    from zkvote.identity import Identity
    from zkvote.snark.snarkjs_json import verifying_key_to_json
    from zkvote.wallet import Wallet

    admin = CoordinatorClient(url, signing_key=admin_key)
    public = CoordinatorClient(url)
    with stages.stage("registrar: the member group", config.voters) as advance:
        members = [Identity(rng.randbytes(32) if seeded else None)
                   for _ in range(config.voters)]
        admin.create_group(GROUP_ID)
        admin.add_members(GROUP_ID, [m.commitment for m in members])
        advance(config.voters - 1)
        root = int(admin.publish_root(GROUP_ID)["root"])
        advance()

    trustee_keys = [SigningKey(rng.randbytes(32) if seeded else os.urandom(32))
                    for _ in range(N_TRUSTEES)]
    trustees = [TrusteeClient(CoordinatorClient(url, signing_key=k),
                              wallet=Wallet(work / f"trustee-{i + 1}"),
                              rng=random.Random(rng.getrandbits(64)) if seeded else None,
                              poll_interval=0.1, timeout=120.0)
                for i, k in enumerate(trustee_keys)]
    with stages.stage("trustees: 2-of-3 key generation", N_TRUSTEES + 2) as advance:
        now = datetime.now(UTC).replace(microsecond=0)
        admin.create_poll(_draft(keys, root, config.voters, now),
                          json.loads(verifying_key_to_json(keys.vk)),
                          [bytes(k.verify_key).hex() for k in trustee_keys])
        admin.start_keygen(POLL_ID)
        advance()
        waiting = threading.Semaphore(0)
        errors: list[BaseException] = []

        def run(t: TrusteeClient) -> None:
            def progress(msg: str) -> None:
                if msg.startswith("waiting for the operator"):
                    waiting.release()
            try:
                t.run_dkg(POLL_ID, progress=progress)
            except BaseException as exc:  # reported below, in the main thread
                errors.append(exc)
                waiting.release()

        threads = [threading.Thread(target=run, args=(t,), daemon=True) for t in trustees]
        for th in threads:
            th.start()
        for _ in trustees:
            waiting.acquire(timeout=120)
            advance()
        if errors:
            raise errors[0]
        admin.finalize_dkg(POLL_ID)
        for th in threads:
            th.join(timeout=120)
        if errors:
            raise errors[0]
        admin.open_poll(POLL_ID)
        advance()

    n_options = len(OPTIONS)
    preference = [rng.random() for _ in range(n_options)]
    total = config.voters + 2  # + one challenged ballot + one re-vote
    cast = challenged = 0
    last_voter: tuple[Any, Any] | None = None
    with stages.stage("voters: build, prove and cast ballots over HTTP", total) as advance:
        for i, member in enumerate(members):
            voter = Voter(public, member, wallet=Wallet(work / f"voter-{i + 1}"),
                          rng=random.Random(rng.getrandbits(64)) if seeded else None)
            view = voter.open_poll(POLL_ID, keys=keys)
            choice = rng.choices(range(n_options), weights=preference)[0]
            votes = votes_from_options(view.manifest, choice=choice)
            if i == 0:  # audit the device once: this ballot is opened, never counted
                voter.challenge(view, voter.build(view, votes))
                challenged += 1
                advance(description="voter 1 challenged a ballot")
            stored = voter.cast(view, voter.build(view, votes))
            if not check_receipt(stored, public).ok:
                raise ProtocolError(f"voter {i + 1}: the receipt does not check out")
            cast += 1
            advance(description=f"voter {i + 1} cast (entry {stored.receipt.index})")
            last_voter = (voter, view)
        voter, view = last_voter
        votes = votes_from_options(view.manifest, choice=rng.randrange(n_options))
        voter.cast(view, voter.build(view, votes))  # a change of mind: the later one counts
        cast += 1
        advance(description=f"voter {config.voters} voted again")

    with stages.stage("tally: close, aggregate, 2 of 3 trustees decrypt, publish", 4) as adv:
        admin.close_poll(POLL_ID)
        aggregate = admin.aggregate(POLL_ID)
        adv()
        for trustee in trustees[:THRESHOLD]:  # trustee 3 stays away
            trustee.decrypt(POLL_ID)
            adv()
        result = admin.publish(POLL_ID)
        record = public.record(POLL_ID)
        adv()
    for c in (admin, public, *(t.client for t in trustees)):
        c.close()
    return {"tally": result["tally"], "outcome": result["outcome"], "cast": cast,
            "counted": aggregate["ballots_counted"], "challenged": challenged,
            "record": record}


def _write_record(archive_bytes: bytes, out: Path, archive: Path) -> None:
    from zkvote.record_files import INDEX, read_record_files, write_record_files

    if out.exists():
        shutil.rmtree(out)  # an earlier demo's record (DemoConfig.check)
    archive.parent.mkdir(parents=True, exist_ok=True)
    tmp = archive.with_name(f".{archive.name}.tmp.zip")
    tmp.write_bytes(archive_bytes)
    try:
        files = read_record_files(tmp)
    finally:
        tmp.unlink()
    files.pop(INDEX, None)  # rewritten (identically) from the files themselves
    write_record_files(files, out, archive=archive)


def _verify(out: Path, width: int) -> tuple[bool, str]:
    """Run ``zkvote verify OUT`` in a fresh process: (passed, its report)."""
    env = dict(os.environ, COLUMNS=str(max(width, 100)))
    proc = subprocess.run(zkvote_command("verify", str(out)), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env)
    report = proc.stdout.rstrip()
    if proc.returncode:
        report += "\n" + proc.stderr.rstrip()
    return proc.returncode == 0, report


def _print_result(demo: DemoResult, console: Console) -> None:
    table = Table(title=QUESTION)
    table.add_column("option")
    table.add_column("votes", justify="right")
    winners = set(demo.outcome.get("winners", []))
    for i, (label, votes) in enumerate(zip(demo.options, demo.tally, strict=True)):
        mark = " [bold green](winner)[/]" if i in winners else ""
        table.add_row(label + mark, str(votes))
    console.print(table)
    console.print(f"{demo.ballots_cast} ballots cast, {demo.ballots_counted} counted (one "
                  f"member re-voted: only the last ballot counts), {demo.challenged} "
                  "challenged ballot opened and excluded; decrypted by 2 of 3 trustees.")
    status = "[green]verified[/]" if demo.verified else "[red]FAILED verification[/]"
    console.print(f"election record: {demo.out}/ and {demo.archive} - {status}")
    console.print(f"check it yourself: zkvote verify {demo.out}")


__all__ = ["DemoConfig", "DemoResult", "coordinator_process", "free_port", "run_demo",
           "zkvote_command"]

