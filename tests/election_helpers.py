"""Shared, cached election fixtures for the protocol tests (poll, ballot, tally, record,
verify, CLI), so that the test session runs each INSECURE circuit setup and each simulated
election once, whichever test module asks first.

Two circuit sizes: SMALL = (K=2, D=2) for the fast tests (mutation catalogue, replay, CLI),
PRESETS = (K=3, D=4) for the per-preset elections (referendum needs 3 options). Keys live in a
per-session temporary directory (or $ZKVOTE_TEST_KEYS to reuse them across runs).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from zkvote.babyjub import Point
from zkvote.keycache import BallotKeys, insecure_ballot_keys
from zkvote.outcome import OutcomeRule
from zkvote.poll import CircuitSpec, PollManifest, TrusteeSpec, poll_scope, utc_timestamp
from zkvote.record import ElectionRecord, write_record
from zkvote.simulate import Simulation, SimulationConfig, simulate_casting

SMALL = (2, 2)
PRESETS = (3, 4)
SEED = 20250101


@lru_cache(maxsize=1)
def cache_root() -> Path:
    """The session's ZKVOTE_CACHE_DIR (keys in its ``keys`` folder), so that CLI runs with
    ``--seed SEED`` find the keys the tests made."""
    configured = os.environ.get("ZKVOTE_TEST_KEYS")
    if configured:
        return Path(configured)
    path = Path(tempfile.mkdtemp(prefix="zkvote-test-keys-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@lru_cache(maxsize=4)
def keys(n_options: int, max_depth: int) -> BallotKeys:
    """The session's insecure keys for (K, D), seeded."""
    return insecure_ballot_keys(n_options, max_depth, seed=SEED,
                                directory=cache_root() / "keys")


@lru_cache(maxsize=16)
def casting(preset: str, *, policy: str = "last", voters: int = 3, challenges: int = 0,
            revotes: int = 0, size: tuple[int, int] = PRESETS, seed: int = 7) -> Simulation:
    """A cast (not yet tallied) simulated election, cached per arguments."""
    config = SimulationConfig(preset=preset, voters=voters, options=size[0], depth=size[1],
                              t=2, n=3, seed=seed, challenges=challenges, revotes=revotes,
                              policy=policy, poll_id=f"test-{preset}-{policy}")
    return simulate_casting(config, keys=keys(*size))


def base_simulation() -> Simulation:
    """The small election the mutation catalogue and CLI tests start from: 3 voters, one
    challenge, one re-vote (policy last), K = 2, D = 2."""
    return casting("single", voters=3, challenges=1, revotes=1, size=SMALL, seed=11)


@lru_cache(maxsize=4)
def base_record(present: tuple[int, ...] = (1, 2, 3)) -> ElectionRecord:
    """The base simulation tallied by the trustees ``present``."""
    return base_simulation().tally(list(present))


def write(record: ElectionRecord, directory: Path) -> Path:
    """Write ``record`` into ``directory`` (created) and return it."""
    write_record(record, directory)
    return directory


def fake_manifest(**changes: object) -> PollManifest:
    """A structurally valid manifest with made-up keys (no circuit behind it): for model
    tests only. Keyword arguments replace top-level fields."""
    shares = [Point.mul_base8(k) for k in (11, 12, 13)]
    fields: dict = dict(
        version=1, poll_id="poll-1", scope=poll_scope("poll-1"), question="Which one?",
        options=["a", "b", "c"],
        rule={"preset": "single", "params": {
            "minValue": 0, "maxValue": 1, "minTotal": 1, "maxTotal": 1, "maxNonzero": 1,
            "quadratic": 0, "maxCost": 3, "spendAll": 0, "unique": 0, "weighted": 0}},
        outcome=OutcomeRule(kind="plurality"), revote="first", group_roots=[12345],
        electorate=10,
        circuit=CircuitSpec(id="zkvote-ballot-v1-k3-d4", n_options=3, max_depth=4,
                            vk_sha256="ab" * 32, setup="insecure-single-party"),
        trustees=TrusteeSpec(n=3, t=2, public_shares=shares, joint_key=Point.mul_base8(99)),
        opens_at=utc_timestamp(datetime(2030, 1, 1, tzinfo=UTC)),
        closes_at=utc_timestamp(datetime(2030, 1, 2, tzinfo=UTC)), tally_bound=10)
    fields.update(changes)
    return PollManifest(**fields)
