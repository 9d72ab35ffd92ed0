"""Ballot proofs made with the setup trapdoor (the Groth16 simulator), for benchmarks only.

Building a 10,000-ballot record with real proofs takes hours; a verifier spends exactly the
same work on a proof made with the trapdoor (the same pairing equation on the same public
inputs), so bench_election.py builds its large records this way. Everything else about those
ballots is real: distinct members of a real group, real nullifiers, real ciphertexts of
votes that obey the poll's rule, produced by zkvote.simulate with :func:`forging_prover`.

The trapdoor is recovered by replaying zkvote.keycache's seeded setup: it calls
``insecure_single_party_setup(r1cs, rng=random.Random(seed))``, which draws tau (redrawn in
the rare case it lands on the domain) and then alpha, beta, gamma, delta. We run the same setup
with a :class:`RecordingRng` and take the last four draws, and check each against the key in
use (alpha·G1 = vk.alpha_g1, beta·G2 = vk.beta_g2, ...): if the draw order or the key cache
ever changes, :func:`recover_trapdoor` raises instead of forging garbage.

A forged proof for public inputs x (x_0 = 1 for IC_0): pick a, b at random;
A = a·G1, B = b·G2, C = ((a·b - alpha·beta)/delta)·G1 - (gamma/delta)·Σ x_i·IC_i, so that
e(A, B) = e(alpha, beta)·e(Σ x_i·IC_i, gamma)·e(C, delta).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from zkvote.ballot import Ballot, BallotSecrets
from zkvote.elgamal import encrypt_vector
from zkvote.errors import InvalidArgument
from zkvote.field import FR_MODULUS, fr_inv
from zkvote.g1 import G1, msm
from zkvote.g2 import G2
from zkvote.identity import Identity, weighted_commitment
from zkvote.keycache import BallotKeys
from zkvote.merkle import LeanIMT
from zkvote.poll import PollManifest
from zkvote.simulate import BallotProver
from zkvote.snark.keys import Proof, VerifyingKey
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.verifier import verify

R = FR_MODULUS


class RecordingRng:
    """Wraps an rng and records every value its ``randrange`` returns, in order."""

    def __init__(self, inner: random.Random) -> None:
        self.inner = inner
        self.draws: list[int] = []

    def randrange(self, *args: int) -> int:
        """``inner.randrange(*args)``, recorded."""
        value = self.inner.randrange(*args)
        self.draws.append(value)
        return value


@dataclass(frozen=True)
class Trapdoor:
    """The setup's alpha, beta, gamma, delta and the verifying key they were checked against."""

    alpha: int
    beta: int
    gamma: int
    delta: int
    vk: VerifyingKey


def recover_trapdoor(keys: BallotKeys, seed: int) -> Trapdoor:
    """The trapdoor of ``keys``, made by zkvote.keycache.insecure_ballot_keys(K, D, seed=seed).

    Replays the seeded setup with a :class:`RecordingRng` (a few seconds for a 20k-constraint
    circuit). Raises InvalidArgument if the recorded draws are not the key's trapdoor (the
    setup's draw order changed, or the keys came from another seed)."""
    rng = RecordingRng(random.Random(seed))
    insecure_single_party_setup(keys.r1cs, rng=rng)
    if len(rng.draws) < 5:
        raise InvalidArgument(f"the setup drew {len(rng.draws)} values, expected tau and "
                              "alpha, beta, gamma, delta")
    alpha, beta, gamma, delta = rng.draws[-4:]
    vk = keys.vk
    checks = (("alpha", G1.generator() * alpha == vk.alpha_g1),
              ("beta", G2.generator() * beta == vk.beta_g2),
              ("gamma", G2.generator() * gamma == vk.gamma_g2),
              ("delta", G2.generator() * delta == vk.delta_g2))
    wrong = [name for name, ok in checks if not ok]
    if wrong:
        raise InvalidArgument(f"recorded setup draws do not match the key's {', '.join(wrong)}:"
                              " the setup's draw order or the key cache changed")
    return Trapdoor(alpha, beta, gamma, delta, vk)


def forge_proof(trapdoor: Trapdoor, public: Sequence[int], rng: random.Random) -> Proof:
    """A proof that ``trapdoor.vk`` accepts for ``public`` (the module docstring's formula).
    Raises InvalidArgument for a wrong number of public inputs."""
    vk = trapdoor.vk
    if len(public) != vk.n_public:
        raise InvalidArgument(f"{len(public)} public inputs, the key has {vk.n_public}")
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    delta_inv = fr_inv(trapdoor.delta)
    c = (a * b - trapdoor.alpha * trapdoor.beta) * delta_inv % R
    k = trapdoor.gamma * delta_inv % R
    # One MSM: c·G1 - k·(IC_0 + Σ x_i·IC_i).
    points = [G1.generator(), *vk.gamma_abc_g1]
    scalars = [c, *(-k * x % R for x in (1, *public))]
    return Proof(G1.generator() * a, G2.generator() * b, msm(points, scalars))


def check_forgery(trapdoor: Trapdoor, rng: random.Random) -> None:
    """Forge one proof for random public inputs and check zkvote.snark.verifier.verify accepts
    it (and rejects it for other inputs). Raises InvalidArgument otherwise."""
    public = [rng.randrange(R) for _ in range(trapdoor.vk.n_public)]
    proof = forge_proof(trapdoor, public, rng)
    if not verify(trapdoor.vk, public, proof):
        raise InvalidArgument("a forged proof does not verify: the trapdoor is wrong")
    if verify(trapdoor.vk, [(public[0] + 1) % R, *public[1:]], proof):
        raise InvalidArgument("a forged proof verifies for other inputs: the check is broken")


def forged_ballot(trapdoor: Trapdoor, identity: Identity, group: LeanIMT,
                  manifest: PollManifest, keys: BallotKeys, votes: Sequence[int], credits: int,
                  rng: random.Random) -> tuple[Ballot, BallotSecrets]:
    """A ballot like zkvote.ballot.build_ballot's - the vote checked against the rule, real
    ciphertexts, the member's nullifier, the group's root - with a trapdoor proof instead of
    a proven witness. Raises InvalidBallot (vote breaks the rule), InvalidArgument (not a
    member, root not in the poll)."""
    from zkvote.circuits.ballot import ballot_public_inputs, check_rule

    params = manifest.rule_params()
    check_rule(list(votes), params, credits)
    leaf = (weighted_commitment(identity.public_key, credits) if params.weighted
            else identity.commitment)
    if not group.has(leaf):
        raise InvalidArgument("the identity is not a member of the group")
    if group.root not in manifest.group_roots:
        raise InvalidArgument("the group's root is not one of the poll's roots")
    ciphertexts, randomness = encrypt_vector(manifest.poll_key, list(votes), rng=rng)
    nullifier = identity.nullifier(manifest.scope)
    public = ballot_public_inputs(group.root, nullifier, manifest.scope, manifest.poll_key,
                                  ciphertexts, params)
    proof = forge_proof(trapdoor, public, rng)
    return (Ballot(manifest.poll_id, group.root, nullifier, tuple(ciphertexts), proof),
            BallotSecrets(votes, randomness, credits))


def forging_prover(trapdoor: Trapdoor) -> BallotProver:
    """:func:`forged_ballot` bound to ``trapdoor``: a ``prover`` for simulate_casting."""
    return partial(forged_ballot, trapdoor)
