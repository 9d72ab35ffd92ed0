"""Shared set-up for the coordinator tests: a tiny ballot circuit (K = 2, depth 4) with its
cached insecure key, a group of members, deterministic polls (seeded DKG, fixed times, so the
same poll id gives the same manifest on every coordinator and pre-built ballots can be reused
across engines), and the database fixture parametrised over SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import pytest
from nacl.signing import SigningKey
from zkvote.circuits.ballot import preset
from zkvote.coordinator.settings import Settings
from zkvote.coordinator.storage import Storage

from zkvote.ballot import Ballot, build_ballot
from zkvote.client_admin import CoordinatorError, DKGSession, SignedClient
from zkvote.identity import Identity
from zkvote.keycache import BallotKeys, insecure_ballot_keys
from zkvote.merkle import LeanIMT
from zkvote.poll import PollManifest, poll_scope, rule_spec, vk_hash
from zkvote.request_signing import key_id
from zkvote.snark.snarkjs_json import verifying_key_to_json

K, DEPTH = 2, 4
SEED = 20261122
MEMBERS = 12
GROUP = "members"
OPENS, CLOSES = "2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z"
# A poll with this id (1 trustee, policy first) has the same manifest on every coordinator, so
# the ballots built for it once (cached in this process) serve every test that opens it.
SHARED_POLL = "shared-poll"


def _key(label: str) -> SigningKey:
    return SigningKey(bytes(random.Random(f"{SEED}/{label}").randbytes(32)))


ADMIN_KEY = _key("admin")
LOG_KEY = _key("log")
TRUSTEE_KEYS = {i: _key(f"trustee{i}") for i in range(1, 4)}
INTRUDER_KEY = _key("intruder")


@dataclass(frozen=True)
class Kit:
    """The circuit keys, the verification key JSON and the members' identities."""

    keys: BallotKeys
    vk_json: dict
    identities: tuple[Identity, ...]

    @property
    def group(self) -> LeanIMT:
        """The members' tree (the published root of group ``members``)."""
        return LeanIMT([i.commitment for i in self.identities])


@lru_cache(maxsize=1)
def kit() -> Kit:
    """The shared kit (the key comes from zkvote.keycache, built once per machine)."""
    keys = insecure_ballot_keys(K, DEPTH, seed=SEED)
    rng = random.Random(SEED)
    ids = tuple(Identity(rng.randbytes(32)) for _ in range(MEMBERS))
    return Kit(keys, json.loads(verifying_key_to_json(keys.vk)), ids)


def settings(db_url: str, **overrides: object) -> Settings:
    """Coordinator settings for tests: the fixed keys, no rate limit, a short batch window,
    ballots checked in a thread (no worker processes) unless overridden."""
    values = {"rate_per_second": 0.0, "batch_window_ms": 2.0, "verify_workers": 0, **overrides}
    return Settings(db_url=db_url, log_key=LOG_KEY, admin_keys=(ADMIN_KEY.verify_key,),
                    **values)


def draft(poll_id: str, roots: list[int], *, n: int = 1, t: int = 1, revote: str = "first"
          ) -> dict:
    """A manifest draft for a single-choice poll of K options."""
    k = kit()
    return {
        "version": 1, "poll_id": poll_id, "scope": str(poll_scope(poll_id)),
        "question": "Adopt the proposal?", "options": [f"option {i}" for i in range(K)],
        "rule": rule_spec("single", preset("single", K)).model_dump(mode="json"),
        "outcome": {"kind": "plurality"}, "revote": revote,
        "group_roots": [str(r) for r in roots], "electorate": MEMBERS,
        "circuit": {"id": k.keys.circuit_id, "n_options": K, "max_depth": DEPTH,
                    "vk_sha256": vk_hash(k.vk_json), "setup": "insecure-single-party"},
        "trustees": {"n": n, "t": t}, "opens_at": OPENS, "closes_at": CLOSES,
        "tally_bound": 1000,
    }


def publish_group(http: object) -> int:
    """Create group ``members`` with the kit's members (if missing); its published root."""
    admin = SignedClient(http, ADMIN_KEY)
    try:
        admin.post("/groups", {"version": 1, "group_id": GROUP})
    except CoordinatorError as exc:
        if exc.code != "conflict":
            raise
        return int(admin.get(f"/groups/{GROUP}/roots")["roots"][-1]["root"])
    admin.post(f"/groups/{GROUP}/members", {
        "version": 1, "leaves": [str(i.commitment) for i in kit().identities]})
    return int(admin.post(f"/groups/{GROUP}/roots")["root"])


def create_poll(http: object, poll_id: str, *, n: int = 1, t: int = 1,
                revote: str = "first") -> None:
    """Create the poll (state draft) with trustees 1..n."""
    root = publish_group(http)
    SignedClient(http, ADMIN_KEY).post("/polls", {
        "version": 1, "manifest": draft(poll_id, [root], n=n, t=t, revote=revote),
        "verification_key": kit().vk_json,
        "trustee_keys": [key_id(TRUSTEE_KEYS[i]) for i in range(1, n + 1)]})


def open_poll(http: object, poll_id: str, *, n: int = 1, t: int = 1, revote: str = "first",
              open_: bool = True) -> tuple[PollManifest, dict]:
    """Create a poll, run its key generation (seeded, so deterministic) over HTTP, finalise
    and open it. Returns the manifest and the trustees' shares."""
    create_poll(http, poll_id, n=n, t=t, revote=revote)
    admin = SignedClient(http, ADMIN_KEY)
    admin.post(f"/polls/{poll_id}/keygen")
    session = DKGSession(http, poll_id, {i: TRUSTEE_KEYS[i] for i in range(1, n + 1)},
                         rng=random.Random(f"{SEED}/{poll_id}"))
    session.run_until_finalize()
    manifest = PollManifest.from_json(admin.post(f"/polls/{poll_id}/dkg/finalize")["manifest"])
    shares = session.shares()
    if open_:
        admin.post(f"/polls/{poll_id}/open")
    return manifest, shares


_BALLOTS: dict[tuple[str, int, tuple[int, ...]], Ballot] = {}


def _build(manifest_json: str, member: int, votes: tuple[int, ...], salt: int) -> dict:
    k = kit()
    manifest = PollManifest.from_json(manifest_json)
    ballot, _ = build_ballot(k.identities[member], k.group, manifest, k.keys.zkey,
                             k.keys.circuit, list(votes),
                             rng=random.Random(f"{SEED}/{member}/{salt}/{manifest.poll_id}"))
    return ballot.to_json()


def ballot(manifest: PollManifest, member: int, votes: tuple[int, ...] = (1, 0),
           salt: int = 0) -> Ballot:
    """A ballot of member ``member`` (cached per manifest, member, votes, salt)."""
    key = (manifest.manifest_hash(), member, votes, salt)
    if key not in _BALLOTS:
        _BALLOTS[key] = Ballot.from_json(_build(manifest.canonical_json().decode(), member,
                                                votes, salt))
    return _BALLOTS[key]


def ballots(manifest: PollManifest, specs: list[tuple[int, tuple[int, ...], int]],
            workers: int = 2) -> list[Ballot]:
    """Many ballots (member, votes, salt), built on ``workers`` processes."""
    todo = [s for s in specs if (manifest.manifest_hash(), *s) not in _BALLOTS]
    if todo:
        text = manifest.canonical_json().decode()
        with ProcessPoolExecutor(workers) as pool:
            built = list(pool.map(_build, [text] * len(todo), *zip(*todo, strict=True)))
        for spec, doc in zip(todo, built, strict=True):
            _BALLOTS[(manifest.manifest_hash(), *spec)] = Ballot.from_json(doc)
    return [_BALLOTS[(manifest.manifest_hash(), *s)] for s in specs]


def pg_url() -> str | None:
    """ZKVOTE_TEST_PG_URL; in CI its absence is an error, not a skip."""
    url = os.environ.get("ZKVOTE_TEST_PG_URL")
    if url is None and os.environ.get("CI") == "true":
        pytest.fail("CI must set ZKVOTE_TEST_PG_URL (scripts/test.sh --postgres)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A fresh, empty database of each engine (PostgreSQL: skipped locally without
    ZKVOTE_TEST_PG_URL; its tables are dropped and recreated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/coordinator.sqlite3"
    url = pg_url()
    if url is None:
        pytest.skip("set ZKVOTE_TEST_PG_URL to run the PostgreSQL variant")
    storage = Storage(url)
    storage.reset()
    storage.close()
    return url
