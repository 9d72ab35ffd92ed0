"""Load benchmark of the coordinator: ballots accepted per second with full verification.

    python benchmarks/bench_coordinator.py [--quick] [--json PATH] [--ballots N]
        [--concurrency C] [--rate R] [--db URL]

Set-up (not timed): a group of 10,000 members, a poll for the K = 2, depth 14 ballot circuit (an
insecure single-party key from zkvote.keycache) whose key generation is seeded, so the same
poll id gives the same manifest on every fresh coordinator, and N ballots, built on every core
and cached under ``$ZKVOTE_CACHE_DIR/bench-ballots``. By default (``--proofs forged``) their
proofs are made with the setup's trapdoor (benchmarks/_forge.py, the Groth16 simulator): the
coordinator does exactly the same work for them as for proven ones (the same pairing
equation on the same public inputs), and 10,000 real proofs would take hours to make here
(``--proofs real``: about a second each). Everything else is real: members, nullifiers,
ciphertexts, statements.

Measured, each against a fresh ``zkvote coordinator serve`` subprocess (uvicorn, SQLite in WAL
with synchronous=FULL by default, or ``--db``) over loopback with httpx:

1. **throughput**: all N ballots posted with C requests in flight; accepted ballots per second
   (wall time from the first request to the last receipt) and p50 / p99 latency;
2. **fixed rate**: ballots sent on an open-loop schedule of R per second (default 200: the
   target's rate), p50 / p99 latency.

Every ballot is checked (strict parsing, statement, batch-verified Groth16 proof, nullifier
policy) and durably committed before its receipt is sent. N = 10,000 by default, 500 with
--quick. JSON in the shape of docs/benchmarks.md, with the rates and latencies as extra fields.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
from nacl.signing import SigningKey

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _forge import check_forgery, forged_ballot, recover_trapdoor  # noqa: E402
from _harness import _commit, _cpu  # noqa: E402
from zkvote.circuits.ballot import preset  # noqa: E402
from zkvote.coordinator.settings import load_or_create_keys  # noqa: E402
from zkvote.coordinator.storage import Storage  # noqa: E402

from zkvote.ballot import build_ballot  # noqa: E402
from zkvote.client_admin import DKGSession, SignedClient  # noqa: E402
from zkvote.identity import Identity  # noqa: E402
from zkvote.jsonmodel import canonical_json  # noqa: E402
from zkvote.keycache import cache_dir, insecure_ballot_keys  # noqa: E402
from zkvote.merkle import LeanIMT  # noqa: E402
from zkvote.poll import PollManifest, poll_scope, rule_spec, vk_hash  # noqa: E402
from zkvote.request_signing import key_id  # noqa: E402
from zkvote.snark.snarkjs_json import verifying_key_to_json  # noqa: E402

K, DEPTH, SEED = 2, 14, 7
MEMBERS = 10_000  # fixed, so that every run has the same manifest and the ballot cache serves
POLL = "bench-poll"
TRUSTEE = SigningKey(random.Random(f"{SEED}/trustee").randbytes(32))


def identities(n: int) -> list[Identity]:
    """The members (deterministic)."""
    rng = random.Random(SEED)
    return [Identity(rng.randbytes(32)) for _ in range(n)]


def _cpu_seconds(pid: int) -> float:
    # utime + stime of one process, from /proc (Linux)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except OSError:
                continue
    return out


def effective_cores(seconds: float = 0.5) -> float:
    """How many cores this benchmark can use right now: two processes burn CPU for
    ``seconds`` and we compare their CPU time with the wall time (the machine is shared)."""
    with ProcessPoolExecutor(2) as pool:
        t0 = time.perf_counter()
        used = sum(pool.map(_burn, [seconds, seconds]))
        return used / (time.perf_counter() - t0)


def _burn(seconds: float) -> float:
    c0 = time.process_time()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))
    return time.process_time() - c0


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``zkvote coordinator serve`` in a subprocess with a fresh data directory."""

    def __init__(self, db: str | None) -> None:
        self.dir = tempfile.mkdtemp(prefix="zkv-bench-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        _, self.admin_key = load_or_create_keys(self.dir)
        cmd = [str(Path(sys.executable).with_name("zkvote")), "coordinator", "serve",
               "--data-dir", self.dir, "--port", str(self.port), "--rate", "0"]
        if db:
            storage = Storage(db)
            storage.reset()  # the benchmark owns this database: every run starts empty
            storage.close()
            cmd += ["--db", db]
        self.log = open(Path(self.dir) / "server.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/info", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the coordinator did not start")

    def cpu(self) -> tuple[float, float]:
        """CPU seconds used so far by (the server process, its worker processes)."""
        workers = sum(_cpu_seconds(k) for k in _children(self.proc.pid))
        return _cpu_seconds(self.proc.pid), workers

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def setup_poll(server: Server, n_members: int, vk_json: dict) -> PollManifest:
    """Group, poll, seeded 1-of-1 key generation, open; the manifest."""
    with httpx.Client(base_url=server.url, timeout=120) as http:
        admin = SignedClient(http, server.admin_key)
        admin.post("/groups", {"version": 1, "group_id": "bench"})
        ids = identities(n_members)
        for start in range(0, n_members, 2000):
            admin.post("/groups/bench/members", {"version": 1, "leaves": [
                str(i.commitment) for i in ids[start:start + 2000]]})
        root = int(admin.post("/groups/bench/roots")["root"])
        draft = {
            "version": 1, "poll_id": POLL, "scope": str(poll_scope(POLL)),
            "question": "Benchmark?", "options": ["yes", "no"],
            "rule": rule_spec("single", preset("single", K)).model_dump(mode="json"),
            "outcome": {"kind": "plurality"}, "revote": "first", "group_roots": [str(root)],
            "electorate": n_members,
            "circuit": {"id": f"zkvote-ballot-v1-k{K}-d{DEPTH}", "n_options": K,
                        "max_depth": DEPTH, "vk_sha256": vk_hash(vk_json),
                        "setup": "insecure-single-party"},
            "trustees": {"n": 1, "t": 1}, "opens_at": "2020-01-01T00:00:00Z",
            "closes_at": "2099-01-01T00:00:00Z", "tally_bound": n_members}
        admin.post("/polls", {"version": 1, "manifest": draft, "verification_key": vk_json,
                              "trustee_keys": [key_id(TRUSTEE)]})
        admin.post(f"/polls/{POLL}/keygen")
        session = DKGSession(http, POLL, {1: TRUSTEE}, rng=random.Random(SEED))
        session.run_until_finalize()
        manifest = admin.post(f"/polls/{POLL}/dkg/finalize")["manifest"]
        admin.post(f"/polls/{POLL}/open")
    return PollManifest.from_json(manifest)


_WORKER: dict = {}


def _init(n_members: int, forged: bool) -> None:
    keys = insecure_ballot_keys(K, DEPTH, seed=SEED)
    ids = identities(n_members)
    _WORKER.update(keys=keys, ids=ids, group=LeanIMT([i.commitment for i in ids]),
                   trapdoor=recover_trapdoor(keys, SEED) if forged else None)


def _build(args: tuple[str, int]) -> bytes:
    manifest_json, member = args
    w = _WORKER
    manifest = PollManifest.from_json(manifest_json)
    votes, rng = [member % 2, 1 - member % 2], random.Random(f"{SEED}/{member}")
    if w["trapdoor"] is not None:
        ballot, _ = forged_ballot(w["trapdoor"], w["ids"][member], w["group"], manifest,
                                  w["keys"], votes, 1, rng)
    else:
        ballot, _ = build_ballot(w["ids"][member], w["group"], manifest, w["keys"].zkey,
                                 w["keys"].circuit, votes, rng=rng)
    return canonical_json(ballot.to_json())


def load_ballots(manifest: PollManifest, n: int, n_members: int, forged: bool) -> list[bytes]:
    """N ballot bodies for ``manifest``, from the cache or built on every core (with proofs
    made by the prover, or with the setup trapdoor when ``forged``)."""
    name = f"{manifest.manifest_hash()[:24]}{'-forged' if forged else ''}.jsonl"
    path = cache_dir().parent / "bench-ballots" / name
    have = path.read_bytes().splitlines() if path.exists() else []
    if len(have) < n:
        path.parent.mkdir(parents=True, exist_ok=True)
        todo = list(range(len(have), n))
        print(f"building {len(todo)} ballots (cached in {path})...", file=sys.stderr)
        t0 = time.time()
        text = manifest.canonical_json().decode()
        with ProcessPoolExecutor(os.cpu_count(), initializer=_init,
                                 initargs=(n_members, forged)) as pool, path.open("ab") as out:
            for done, body in enumerate(pool.map(_build, [(text, m) for m in todo],
                                                 chunksize=8), start=1):
                out.write(body + b"\n")
                have.append(body)
                if done % 100 == 0:
                    print(f"  {done}/{len(todo)} ({time.time() - t0:.0f} s)", file=sys.stderr)
    return have[:n]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class RawClient:
    """A minimal HTTP/1.1 keep-alive client over asyncio streams: one request in flight per
    connection, the request written in one piece. httpx's async client costs several ms of
    client CPU per request on this machine, more than the server spends on a ballot, so it
    would measure itself (``--client httpx`` still runs it)."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self._idle: list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, path: str, body: bytes) -> int:
        """POST ``body``; the status code (the answer is read and discarded)."""
        request = (f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: "
                   f"application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        while self._idle:
            since, reader, writer = self._idle.pop()
            if time.monotonic() - since < 3.0:  # the server drops idle connections after 5 s
                break
            writer.close()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        self._idle.append((time.monotonic(), reader, writer))
        return int(head.split(b" ", 2)[1])

    async def aclose(self) -> None:
        """Close every connection."""
        for _, _, writer in self._idle:
            writer.close()


class HttpxClient:
    """The same interface on httpx.AsyncClient."""

    def __init__(self, url: str, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections,
                              max_keepalive_connections=connections)
        self.client = httpx.AsyncClient(base_url=url, timeout=120, limits=limits)

    async def post(self, path: str, body: bytes) -> int:
        """POST ``body``; the status code."""
        r = await self.client.post(path, content=body,
                                   headers={"content-type": "application/json"})
        return r.status_code

    async def aclose(self) -> None:
        """Close the client."""
        await self.client.aclose()


def make_client(kind: str, url: str, connections: int) -> RawClient | HttpxClient:
    """The load generator's client."""
    return RawClient(url) if kind == "raw" else HttpxClient(url, connections)


async def _post(client: RawClient | HttpxClient, body: bytes, latencies: list[float],
                codes: dict[int, int]) -> None:
    t0 = time.perf_counter()
    status = await client.post(f"/polls/{POLL}/ballots", body)
    latencies.append(time.perf_counter() - t0)
    codes[status] = codes.get(status, 0) + 1


async def throughput(url: str, bodies: list[bytes], concurrency: int, kind: str) -> dict:
    """All bodies with ``concurrency`` requests in flight."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    queue = list(reversed(bodies))
    client = make_client(kind, url, concurrency)

    async def worker() -> None:
        while queue:
            await _post(client, queue.pop(), latencies, codes)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    await client.aclose()
    return {"wall": wall, "latencies": latencies, "codes": codes}


async def fixed_rate(url: str, bodies: list[bytes], rate: float, kind: str) -> dict:
    """Open-loop: body i is sent at t0 + i / rate whatever the answers."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    client = make_client(kind, url, 512)
    t0 = time.perf_counter()
    tasks = []
    for i, body in enumerate(bodies):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_post(client, body, latencies, codes)))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    await client.aclose()
    return {"wall": wall, "latencies": latencies, "codes": codes}


async def warm_up(url: str, body: bytes, count: int = 8) -> None:
    """Send ``count`` copies of a ballot with its options' ciphertexts swapped (valid points,
    an invalid proof: refused with 422, nothing stored) so that every checking worker has
    loaded the poll's keys before the measurement."""
    doc = json.loads(body)
    doc["ciphertexts"] = doc["ciphertexts"][::-1]
    bad = json.dumps(doc).encode()
    client = RawClient(url)
    codes = await asyncio.gather(*(client.post(f"/polls/{POLL}/ballots", bad)
                                   for _ in range(count)))
    await client.aclose()
    if set(codes) != {422}:
        raise RuntimeError(f"warm-up answered {codes}")


def measured(server: Server, coro_fn: object, *args: object) -> dict:
    """Run a load coroutine; add the CPU milliseconds per request of the server, its
    checking workers and this client."""
    asyncio.run(warm_up(args[0], args[1][0]))
    cores = effective_cores()
    s0, w0 = server.cpu()
    c0 = resource.getrusage(resource.RUSAGE_SELF)
    run = asyncio.run(coro_fn(*args))
    s1, w1 = server.cpu()
    c1 = resource.getrusage(resource.RUSAGE_SELF)
    n = len(run["latencies"])
    client = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
    run["cpu_ms"] = {"server": 1e3 * (s1 - s0) / n, "workers": 1e3 * (w1 - w0) / n,
                     "client": 1e3 * client / n}
    run["effective_cores"] = cores
    return run


def _row(op: str, size: int, engine: str, run: dict, **extra: object) -> dict:
    accepted = run["codes"].get(201, 0)
    cpu = run["cpu_ms"]
    server_ms = cpu["server"] + cpu["workers"]
    return {"op": op, "size": size, "impl": engine,
            "seconds": statistics.median(run["latencies"]), "runs": 1,
            "ballots_per_second": accepted / run["wall"], "accepted": accepted,
            "p50_ms": 1e3 * statistics.median(run["latencies"]),
            "p99_ms": 1e3 * _percentile(run["latencies"], 0.99),
            "status_codes": run["codes"], "cpu_ms_per_ballot": cpu,
            # what two free cores would sustain if CPU were the only limit
            "cpu_bound_ballots_per_second_2_cores": 2000 / (server_ms + cpu["client"]),
            "effective_cores_before_run": run["effective_cores"], **extra}


def main() -> None:
    """Run the benchmark (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="500 ballots")
    ap.add_argument("--ballots", type=int, help="number of ballots (default 10000)")
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--db", help="database URL for the server (default: SQLite); the "
                                 "benchmark DELETES everything in it")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator (see RawClient)")
    ap.add_argument("--proofs", choices=("forged", "real"), default="forged",
                    help="ballot proofs made with the setup trapdoor (default; the "
                         "coordinator does the same work) or by the prover (~1 s each)")
    ap.add_argument("--json", help="write results here")
    args = ap.parse_args()
    n = args.ballots or (500 if args.quick else 10_000)
    if not 1 <= n <= MEMBERS:
        ap.error(f"--ballots must be in 1..{MEMBERS}")
    n_members = MEMBERS
    keys = insecure_ballot_keys(K, DEPTH, seed=SEED)
    vk_json = json.loads(verifying_key_to_json(keys.vk))
    engine = "postgresql" if args.db else "sqlite"
    if args.proofs == "forged":
        check_forgery(recover_trapdoor(keys, SEED), random.Random(SEED))

    results = []
    server = Server(args.db)
    try:
        manifest = setup_poll(server, n_members, vk_json)
        bodies = load_ballots(manifest, n, n_members, args.proofs == "forged")
        print(f"throughput: {n} ballots, {args.concurrency} in flight...", file=sys.stderr)
        run = measured(server, throughput, server.url, bodies, args.concurrency, args.client)
    finally:
        server.stop()
    results.append(_row("accept ballot (throughput)", n, engine, run,
                        concurrency=args.concurrency, client=args.client))

    count = min(n, int(args.rate * (10 if args.quick else 30)))
    server = Server(args.db)
    try:
        setup_poll(server, n_members, vk_json)  # same seed: same manifest, ballots reusable
        print(f"fixed rate: {count} ballots at {args.rate:g}/s...", file=sys.stderr)
        run = measured(server, fixed_rate, server.url, bodies[:count], args.rate, args.client)
    finally:
        server.stop()
    results.append(_row(f"accept ballot at {args.rate:g}/s", count, engine, run,
                        rate=args.rate, client=args.client))

    doc = {"benchmark": "coordinator", "version": 1, "commit": _commit(),
           "python": platform.python_version(), "cpu": _cpu(),
           "circuit": f"zkvote-ballot-v1-k{K}-d{DEPTH}", "proofs": args.proofs,
           "results": results}
    print(f"{'op':<28} {'ballots':>7} {'accepted/s':>10} {'p50':>8} {'p99':>8} "
          f"{'cpu ms/ballot (server+workers+client)':>38} {'cores':>5}")
    for r in results:
        cpu = r["cpu_ms_per_ballot"]
        print(f"{r['op']:<28} {r['size']:>7} {r['ballots_per_second']:>10.0f} "
              f"{r['p50_ms']:>6.0f}ms {r['p99_ms']:>6.0f}ms "
              f"{cpu['server']:>16.2f} + {cpu['workers']:.2f} + {cpu['client']:.2f} "
              f"{r['effective_cores_before_run']:>9.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
