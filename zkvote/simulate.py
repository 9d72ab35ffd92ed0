"""A whole election in one process, for tests, benchmarks and demonstrations.

:func:`simulate_casting` builds a group of N identities (with credits for the weighted
preset), runs the trustees' DKG, writes the manifest, and casts one ballot per member with
real Groth16 proofs; the first C members challenge a ballot before casting (Benaloh), and the
last R members re-vote at the end. :meth:`Simulation.tally` then aggregates the counted
ballots, collects the partial decryptions of the trustees present (any t of n), decodes the
totals, applies the outcome rule and returns the :class:`~zkvote.record.ElectionRecord`.
Because the simulation knows every vote, it also checks that the decrypted tally equals the
plaintext sum of the counted votes (``Simulation.expected_tally``).

Reproducible with a seed: identities, votes, encryption randomness, proof blinding, the DKG
and the (INSECURE, single-party) Groth16 setup all draw from ``random.Random(seed)``. Never
use a seeded run, or its keys, for a real poll.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import isqrt

from nacl.signing import SigningKey

from zkvote.ballot import Ballot, BallotSecrets, ChallengedBallot, build_ballot
from zkvote.errors import InvalidArgument, ProtocolError
from zkvote.identity import Identity, weighted_commitment
from zkvote.keycache import BallotKeys, insecure_ballot_keys
from zkvote.merkle import LeanIMT
from zkvote.outcome import OutcomeRule, compute_outcome
from zkvote.poll import (
    MAX_TALLY_BOUND,
    CircuitSpec,
    PollManifest,
    TrusteeSpec,
    poll_scope,
    rule_spec,
    utc_timestamp,
    vk_hash,
)
from zkvote.record import (
    DOC_VERSION,
    AggregateDoc,
    ElectionRecord,
    OutcomeDoc,
    PartialsDoc,
    make_tally_doc,
    sign_board_head,
)
from zkvote.snark.snarkjs_json import verifying_key_to_json
from zkvote.tally import aggregate_counted, classify_board, decrypt_tally, partial_decryptions
from zkvote.threshold import DKGContext, DKGTranscript, TrusteeShare, run_dkg

PRESETS = ("single", "referendum", "approval", "quadratic", "budget", "score", "borda",
           "weighted")
Progress = Callable[[str, int, int], None]
#: Builds one member's ballot: (identity, group, manifest, keys, votes, credits, rng) ->
#: (ballot, secrets). :func:`prove_ballot` (a real Groth16 proof) unless a caller passes
#: another, e.g. a benchmark that makes its proofs with a known setup trapdoor.
BallotProver = Callable[[Identity, LeanIMT, PollManifest, BallotKeys, Sequence[int], int,
                         random.Random], tuple[Ballot, BallotSecrets]]


def default_preset_options(name: str, n_options: int) -> dict[str, int]:
    """The preset keywords a simulation uses (approval k = K - 1, 9 quadratic credits, a
    budget of 5, scores 0..5)."""
    return {"approval": {"k": max(1, n_options - 1)}, "quadratic": {"credits": 9},
            "budget": {"budget": 5}, "score": {"max_score": 5}}.get(name, {})


def default_outcome(name: str) -> OutcomeRule:
    """The outcome rule a simulation uses for each preset."""
    if name == "referendum":
        return OutcomeRule(kind="absolute_majority", abstain_option=2)
    if name == "approval":
        return OutcomeRule(kind="approval_threshold", threshold=(1, 2))
    if name == "quadratic":
        return OutcomeRule(kind="quadratic_funding", matching_pool=10_000)
    if name == "weighted":
        return OutcomeRule(kind="supermajority", threshold=(2, 3))
    return OutcomeRule(kind="plurality")


def max_option_total(params: object, electorate: int, credits: Sequence[int] = ()) -> int:
    """An upper bound on any option's total over ``electorate`` ballots (the manifest's
    tally bound): per ballot an option gets at most max_value, max_total, and (cost bound)
    max_cost or isqrt(max_cost); weighted rules bound it by each member's ``credits``."""
    per = min(params.max_value, params.max_total)
    if params.weighted:
        return min(sum(min(per, c if not params.quadratic else isqrt(c)) for c in credits),
                   MAX_TALLY_BOUND)
    per = min(per, isqrt(params.max_cost) if params.quadratic else params.max_cost)
    return max(1, min(per * electorate, MAX_TALLY_BOUND))


def random_vote(params: object, n_options: int, credits: int, rng: random.Random) -> list[int]:
    """A random vote satisfying ``params`` (circuits.ballot.RuleParams) for a member with
    ``credits``, covering every preset's rule shape."""
    from zkvote.circuits.ballot import check_rule

    k = n_options
    if params.unique:  # Borda: a permutation of min..min+K-1
        values = list(range(params.min_value, params.min_value + k))
        rng.shuffle(values)
        return values
    if params.weighted:
        vote = [0] * k
        vote[rng.randrange(k)] = credits
        return vote
    vote = [params.min_value] * k
    budget = params.max_cost
    for _ in range(rng.randrange(0, 4 * k + 1)):
        i = rng.randrange(k)
        trial = vote.copy()
        trial[i] += 1
        cost = sum(v * v for v in trial) if params.quadratic else sum(trial)
        nonzero = sum(1 for v in trial if v)
        if (trial[i] <= params.max_value and sum(trial) <= params.max_total
                and cost <= budget and nonzero <= params.max_nonzero):
            vote = trial
    while sum(vote) < params.min_total:  # one-hot rules: min_total = 1
        vote = [params.min_value] * k
        vote[rng.randrange(k)] += params.min_total
    check_rule(vote, params, credits)
    return vote


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate (see ``zkvote election simulate --help``)."""

    preset: str
    voters: int
    options: int
    t: int = 2
    n: int = 3
    seed: int | None = None
    depth: int | None = None
    challenges: int = 1
    revotes: int = 1
    policy: str = "last"
    poll_id: str = "simulated-poll"
    outcome: OutcomeRule | None = None
    preset_options: dict[str, int] | None = None

    def check(self) -> None:
        """InvalidArgument for inconsistent settings."""
        if self.preset not in PRESETS:
            raise InvalidArgument(f"unknown preset {self.preset!r}; known: {', '.join(PRESETS)}")
        if not 1 <= self.voters <= 1 << 16:
            raise InvalidArgument("voters must be in 1..65536")
        if not 1 <= self.t <= self.n:
            raise InvalidArgument("trustees must satisfy 1 <= T <= N")
        if not 0 <= self.challenges <= self.voters or not 0 <= self.revotes <= self.voters:
            raise InvalidArgument("challenges and revotes must be in 0..voters")
        if self.policy not in ("first", "last"):
            raise InvalidArgument("policy must be 'first' or 'last'")

    @property
    def max_depth(self) -> int:
        """The circuit depth: ``depth`` or the smallest that holds the group (at least 2)."""
        needed = max(1, (self.voters - 1).bit_length())
        if self.depth is None:
            return max(2, needed)
        if self.depth < needed:
            raise InvalidArgument(f"{self.voters} members need depth >= {needed}")
        return self.depth


@dataclass
class Simulation:
    """An election after casting: everything public plus the simulation's secrets."""

    config: SimulationConfig
    manifest: PollManifest
    keys: BallotKeys
    dkg: DKGTranscript
    shares: list[TrusteeShare] = field(repr=False)
    board: list[Ballot] = field(default_factory=list)
    votes: list[list[int]] = field(default_factory=list, repr=False)
    challenged: list[ChallengedBallot] = field(default_factory=list)
    rng: random.Random = field(default_factory=secrets.SystemRandom, repr=False)

    def expected_tally(self) -> list[int]:
        """The plaintext per-option sums of the ballots the policy counts."""
        counted = classify_board([b.nullifier for b in self.board], self.manifest.revote).counted
        return [sum(self.votes[p][i] for p in counted) for i in range(self.manifest.n_options)]

    def tally(self, present: Sequence[int] | None = None) -> ElectionRecord:
        """Aggregate, decrypt with the trustees ``present`` (indices 1..n; default all) and
        build the record. Raises ProtocolError for fewer than t trustees, or if the
        decrypted tally differs from the plaintext sum (a bug, never expected)."""
        m = self.manifest
        present = sorted(set(range(1, m.trustees.n + 1) if present is None else present))
        if len(present) < m.trustees.t:
            raise ProtocolError(f"{len(present)} trustees present, t = {m.trustees.t} needed")
        classification = classify_board([b.nullifier for b in self.board], m.revote)
        aggregate = aggregate_counted([self.board[p].ciphertexts
                                       for p in classification.counted], m.n_options)
        partials = partial_decryptions([s for s in self.shares if s.index in present],
                                       aggregate, m, rng=self.rng)
        decrypted = decrypt_tally(aggregate, partials, m)
        if list(decrypted.results) != self.expected_tally():
            raise ProtocolError("decrypted tally differs from the plaintext sum")
        digest = m.manifest_hash()
        outcome = compute_outcome(m.outcome, decrypted.results, len(classification.counted),
                                  m.electorate)
        board_head = sign_board_head(self.log_key(), m.poll_id, self.board,
                                     self.head_timestamp())
        return ElectionRecord(
            manifest=m, verifying_key=self.keys.vk, dkg=self.dkg, board=tuple(self.board),
            challenged=tuple(self.challenged),
            aggregate=AggregateDoc(version=DOC_VERSION, manifest_sha256=digest,
                                   ballots_counted=len(classification.counted),
                                   ciphertexts=aggregate),
            partials=PartialsDoc(version=DOC_VERSION, manifest_sha256=digest,
                                 partials=partials),
            tally=make_tally_doc(digest, classification, decrypted.trustees,
                                 decrypted.plaintext_points, decrypted.results),
            outcome=OutcomeDoc(version=DOC_VERSION, manifest_sha256=digest, outcome=outcome),
            board_head=board_head)

    def log_key(self) -> SigningKey:
        """The simulated board's Ed25519 log key: derived from the seed (reproducible, so
        INSECURE) or fresh per run when unseeded."""
        if self.config.seed is None:
            return SigningKey.generate()
        seed = hashlib.sha256(b"zkvote/simulate/log-key/v1\x00"
                              + str(self.config.seed).encode()).digest()
        return SigningKey(seed)

    def head_timestamp(self) -> int:
        """The board head's timestamp (ms since the epoch): the poll's closing time for
        seeded runs, so the record is byte-for-byte reproducible; now otherwise."""
        if self.config.seed is None:
            return time.time_ns() // 1_000_000
        closes = datetime.fromisoformat(self.manifest.closes_at.replace("Z", "+00:00"))
        return int(closes.timestamp()) * 1000


def prove_ballot(identity: Identity, group: LeanIMT, manifest: PollManifest, keys: BallotKeys,
                 votes: Sequence[int], credits: int, rng: random.Random
                 ) -> tuple[Ballot, BallotSecrets]:
    """The default :data:`BallotProver`: :func:`zkvote.ballot.build_ballot` with the keys'
    zkey and circuit (errors as build_ballot)."""
    return build_ballot(identity, group, manifest, keys.zkey, keys.circuit, votes, credits,
                        rng=rng)


def simulate_casting(config: SimulationConfig, *, keys: BallotKeys | None = None,
                     progress: Progress | None = None,
                     prover: BallotProver | None = None) -> Simulation:
    """Set up the poll and cast every ballot (see the module docstring). ``keys`` may pass
    ready ballot-circuit keys for (options, depth) (tests share them); by default they come
    from zkvote.keycache (INSECURE setup, cached). ``progress(stage, done, total)`` is called
    as work proceeds. ``prover`` builds each ballot (default :func:`prove_ballot`). Raises
    InvalidArgument for a bad configuration."""
    config.check()
    from zkvote.circuits.ballot import preset

    rng: random.Random = random.Random(config.seed) if config.seed is not None \
        else secrets.SystemRandom()
    k, depth = config.options, config.max_depth
    kw = config.preset_options if config.preset_options is not None \
        else default_preset_options(config.preset, k)
    params = preset(config.preset, k, **kw)
    report = progress or (lambda stage, done, total: None)

    report("keys", 0, 1)
    if keys is None:
        keys = insecure_ballot_keys(k, depth, seed=config.seed)
    elif (keys.n_options, keys.max_depth) != (k, depth):
        raise InvalidArgument("the keys were made for another (options, depth)")
    report("keys", 1, 1)

    identities = [Identity(rng.randbytes(32)) for _ in range(config.voters)]
    credits = [rng.randint(1, 10) if params.weighted else 0 for _ in identities]
    leaves = [weighted_commitment(i.public_key, c) if params.weighted else i.commitment
              for i, c in zip(identities, credits, strict=True)]
    group = LeanIMT(leaves)
    dkg, shares = run_dkg(DKGContext(config.poll_id, config.n, config.t), rng)
    if config.seed is not None:
        opens = datetime(2030, 1, 1, tzinfo=UTC)
    else:
        opens = datetime.now(UTC).replace(microsecond=0)
    manifest = PollManifest(
        version=1, poll_id=config.poll_id, scope=poll_scope(config.poll_id),
        question=f"Simulated {config.preset} poll", options=[f"option {i}" for i in range(k)],
        rule=rule_spec(config.preset, params),
        outcome=config.outcome or default_outcome(config.preset), revote=config.policy,
        group_roots=[group.root], electorate=config.voters,
        circuit=CircuitSpec(id=keys.circuit_id, n_options=k, max_depth=depth,
                            vk_sha256=vk_hash(verifying_key_to_json(keys.vk)), setup=keys.setup),
        trustees=TrusteeSpec(n=config.n, t=config.t, public_shares=list(dkg.public_shares),
                             joint_key=dkg.joint_public_key),
        opens_at=utc_timestamp(opens), closes_at=utc_timestamp(opens + timedelta(days=1)),
        tally_bound=max_option_total(params, config.voters, credits))
    manifest.check_parameters()
    sim = Simulation(config, manifest, keys, dkg, shares, rng=rng)

    def cast(voter: int) -> tuple[Ballot, BallotSecrets]:
        vote = random_vote(params, k, credits[voter], rng)
        return (prover or prove_ballot)(identities[voter], group, manifest, keys, vote,
                                        credits[voter], rng)

    total = config.voters + config.challenges + config.revotes
    done = 0
    report("ballots", done, total)
    for voter in range(config.voters):
        if voter < config.challenges:
            spoiled, opening = cast(voter)
            sim.challenged.append(ChallengedBallot.open(spoiled, opening))
            done += 1
            report("ballots", done, total)
        ballot, opening = cast(voter)
        sim.board.append(ballot)
        sim.votes.append(list(opening.votes))
        done += 1
        report("ballots", done, total)
    for voter in range(config.voters - config.revotes, config.voters):
        ballot, opening = cast(voter)
        sim.board.append(ballot)
        sim.votes.append(list(opening.votes))
        done += 1
        report("ballots", done, total)
    return sim


def simulate_election(config: SimulationConfig, *, absent: Sequence[int] = (),
                      keys: BallotKeys | None = None, progress: Progress | None = None
                      ) -> tuple[Simulation, ElectionRecord]:
    """:func:`simulate_casting` then :meth:`Simulation.tally` without the ``absent``
    trustees. Raises InvalidArgument (before casting) if fewer than t remain."""
    config.check()
    bad = [i for i in absent if not 1 <= i <= config.n]
    if bad:
        raise InvalidArgument(f"absent trustees {bad} are not in 1..{config.n}")
    present = [i for i in range(1, config.n + 1) if i not in set(absent)]
    if len(present) < config.t:
        raise InvalidArgument(f"{len(present)} trustees present, t = {config.t} needed")
    sim = simulate_casting(config, keys=keys, progress=progress)
    return sim, sim.tally(present)


__all__ = ["PRESETS", "BallotProver", "Simulation", "SimulationConfig", "default_outcome",
           "default_preset_options", "max_option_total", "prove_ballot", "random_vote",
           "simulate_casting", "simulate_election"]
