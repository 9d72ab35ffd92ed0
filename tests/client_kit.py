"""Shared set-up for the client tests (SDK, CLI, demo): one coordinator per test session,
served by uvicorn on a free loopback port in a background thread (the CLI talks to it by URL,
exactly as to a remote one), and helpers that create polls and run trustees over HTTP.

The ballot circuit is election_helpers' SMALL one (K = 2, depth 2, at most 4 members) with its
seeded INSECURE key, so the session sets the key up once for all tests; ZKVOTE_CACHE_DIR must
point at election_helpers.cache_root() for the CLI to find it (:func:`cli_env`).
"""

from __future__ import annotations

import atexit
import json
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from election_helpers import SMALL, cache_root, keys
from nacl.signing import SigningKey

from zkvote.babyjub import Point
from zkvote.client import CoordinatorClient
from zkvote.client_trustee import TrusteeClient
from zkvote.identity import Identity
from zkvote.keycache import BallotKeys
from zkvote.outcome import OutcomeRule
from zkvote.poll import CircuitSpec, PollManifest, TrusteeSpec, poll_scope, rule_spec, vk_hash
from zkvote.wallet import Wallet

GROUP = "client-test-members"
MEMBERS = 4  # depth 2


@dataclass
class Server:
    """A running coordinator: its URL and the operator's key."""

    url: str
    admin_key: SigningKey
    data_dir: Path

    def admin(self) -> CoordinatorClient:
        """A client signing as the operator."""
        return CoordinatorClient(self.url, signing_key=self.admin_key)

    def public(self) -> CoordinatorClient:
        """An anonymous client."""
        return CoordinatorClient(self.url)


def serve_in_thread(app: object) -> tuple[str, object, threading.Thread]:
    """Serve the ASGI ``app`` with uvicorn on a free loopback port in a daemon thread; return
    (url, uvicorn server, thread) once it accepts requests."""
    import uvicorn

    from zkvote.demo import free_port

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    atexit.register(stop)
    return f"http://127.0.0.1:{port}", server, thread


@lru_cache(maxsize=1)
def coordinator() -> Server:
    """The session's coordinator (SQLite in a temporary folder, no rate limit) with the test
    group of MEMBERS identities published."""
    from zkvote.coordinator import create_app
    from zkvote.coordinator.settings import settings_for_data_dir

    data = Path(tempfile.mkdtemp(prefix="zkvote-client-tests-"))
    settings = settings_for_data_dir(data / "coordinator", rate_per_second=0.0,
                                     batch_window_ms=1.0)
    admin_key = SigningKey(bytes.fromhex(
        (data / "coordinator" / "admin_ed25519.key").read_text().strip()))
    url, _, _ = serve_in_thread(create_app(settings))
    server = Server(url, admin_key, data)
    with server.admin() as admin:
        admin.create_group(GROUP)
        admin.add_members(GROUP, [m.commitment for m in members()])
        admin.publish_root(GROUP)
    return server


@lru_cache(maxsize=1)
def members() -> tuple[Identity, ...]:
    """The group's identities (fixed, so every session builds the same group)."""
    return tuple(Identity(f"client-test-member-{i}") for i in range(MEMBERS))


def ballot_keys() -> BallotKeys:
    """The session's SMALL circuit keys."""
    return keys(*SMALL)


def cli_env(home: Path) -> dict[str, str]:
    """Environment for a CLI run with wallet ``home`` and the session's key cache."""
    return {"ZKVOTE_HOME": str(home), "ZKVOTE_CACHE_DIR": str(cache_root()),
            "COLUMNS": "200"}


def voter_home(root: Path, member: int) -> Path:
    """A wallet home holding member ``member``'s identity as ``default``."""
    home = root / f"voter-{member}"
    Wallet(home).save_identity(members()[member], overwrite=True)
    return home


def serve_proving_key(server: Server, data: bytes | None = None) -> str:
    """Store ``data`` (default: the session's SMALL .zkey) in the coordinator's data dir, as
    an operator would, and return its sha256 for ``proving_key_sha256``."""
    from zkvote.coordinator.proving_keys import store_proving_key

    from zkvote.snark.zkey_file import zkey_to_bytes

    if data is None:
        data = zkey_to_bytes(ballot_keys().zkey)
    return store_proving_key(server.data_dir / "coordinator", data)


def create_poll(server: Server, poll_id: str, trustee_public_keys: list[str], *,
                revote: str = "last", t: int = 2) -> None:
    """Create a single-choice poll of the SMALL circuit for the test group, with the given
    trustees' request keys (hex), and start its key generation."""
    from zkvote.circuits.ballot import preset

    from zkvote.snark.snarkjs_json import verifying_key_to_json

    k = ballot_keys()
    n = len(trustee_public_keys)
    with server.admin() as admin:
        root = int(admin.group(GROUP)["roots"][-1]["root"])
        now = datetime.now(UTC).replace(microsecond=0)
        g = Point.base8()
        manifest = PollManifest(
            version=1, poll_id=poll_id, scope=poll_scope(poll_id), question="Test?",
            options=["yes", "no"], rule=rule_spec("single", preset("single", 2)),
            outcome=OutcomeRule(kind="plurality"), revote=revote, group_roots=[root],
            electorate=MEMBERS,
            circuit=CircuitSpec(id=k.circuit_id, n_options=2, max_depth=SMALL[1],
                                vk_sha256=vk_hash(verifying_key_to_json(k.vk)),
                                setup=k.setup),
            trustees=TrusteeSpec(n=n, t=t, public_shares=[g] * n, joint_key=g),
            opens_at=(now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            closes_at=(now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            tally_bound=2 * MEMBERS)
        draft = manifest.to_json()
        draft["trustees"] = {"n": n, "t": t}
        admin.create_poll(draft, json.loads(verifying_key_to_json(k.vk)),
                          trustee_public_keys, proving_key_sha256=serve_proving_key(server))
        admin.start_keygen(poll_id)


def trustees_in_background(server: Server, poll_id: str, trustee_keys: dict[int, SigningKey],
                           wallets: dict[int, Wallet], n: int) -> threading.Thread:
    """Run the given trustees' key generation in threads and finalise + open the poll once
    all ``n`` trustees reported their complaints; returns the thread to join. Errors are
    re-raised by ``thread.result()``."""
    errors: list[BaseException] = []

    def trustee(i: int) -> None:
        client = CoordinatorClient(server.url, signing_key=trustee_keys[i])
        try:
            TrusteeClient(client, wallet=wallets[i], poll_interval=0.05,
                          timeout=120).run_dkg(poll_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    def operator() -> None:
        threads = [threading.Thread(target=trustee, args=(i,), daemon=True)
                   for i in trustee_keys]
        for th in threads:
            th.start()
        try:
            with server.admin() as admin:
                deadline = time.monotonic() + 120
                while len(admin.dkg_status(poll_id)["complaints_reported"]) < n:
                    if errors or time.monotonic() > deadline:
                        raise RuntimeError(f"key generation stalled: {errors}")
                    time.sleep(0.05)
                time.sleep(0.2)  # answers to complaints (none in an honest run)
                admin.finalize_dkg(poll_id)
                for th in threads:
                    th.join(timeout=120)
                admin.open_poll(poll_id)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=operator, daemon=True)
    thread.start()

    def result() -> None:
        thread.join(timeout=180)
        if errors:
            raise errors[0]

    thread.result = result  # type: ignore[attr-defined]
    return thread


def open_poll(server: Server, poll_id: str, root: Path, *, revote: str = "last"
              ) -> dict[int, tuple[SigningKey, Wallet]]:
    """A poll with 3 trustees (t = 2), all run in-process, open for voting; returns each
    trustee's key and wallet."""
    trustee_keys = {i: SigningKey.generate() for i in (1, 2, 3)}
    wallets = {i: Wallet(root / f"trustee-{poll_id}-{i}") for i in trustee_keys}
    create_poll(server, poll_id, [bytes(k.verify_key).hex() for k in trustee_keys.values()],
                revote=revote)
    trustees_in_background(server, poll_id, trustee_keys, wallets, 3).result()
    return {i: (trustee_keys[i], wallets[i]) for i in trustee_keys}
