"""Multi-party trusted setup for Groth16: a phase-1 powers of tau and a per-circuit phase 2.

Phase 1 (:func:`phase1_new`, :func:`phase1_contribute`, :func:`phase1_verify`) builds a
:class:`~zkvote.snark.ptau.PowersOfTau`: each contributor multiplies tau^i, alpha tau^i and
beta tau^i by fresh secrets (t^i, a t^i, b t^i). Phase 2 (:func:`phase2_new`,
:func:`phase2_contribute`, :func:`phase2_verify`) turns the powers and an R1CS into a
:class:`~zkvote.snark.keys.ProvingKey` with gamma = delta = 1 (exactly what ``snarkjs
groth16 setup`` makes from the same powers), then each contributor multiplies delta by a
secret d and divides the L and H queries by it. The result is secure if at least one
contributor of each phase destroyed its secrets.

Every contribution publishes the values its secret moved (e.g. the new tau G1, tau G2,
alpha G1, beta G1 and beta G2, or the new delta in G1 and G2) and, for each secret, a
Schnorr proof of knowledge (Fiat-Shamir, SHA-512) of the ratio between the previous and the
new G1 value, bound to the transcript so far. The proof is what stops a contributor from
choosing its output as a function of the earlier ones (which could cancel their secrets).
The verifiers check every proof, the G1/G2 consistency of each contribution with pairings,
and that the final values are consecutive powers of the last contribution's secrets, using
random linear combinations: O(1) pairings and a few MSMs, not one pairing per power.

Secrets come from :mod:`secrets` (optionally hashed together with entropy the contributor
types in) and live only in the local variables of the contribute functions (Python cannot
wipe memory; run contributions in a short-lived process). Each contribution also carries a
free-text ``name`` (at most 255 bytes of UTF-8, no control characters), bound into its proofs
and into every later contribution's, so that names cannot be altered after the fact.

Phase 2 reads from phase 1 only the powers its circuit's domain needs
(:class:`CircuitPowers`), so a phase-2 transcript can carry them and be checked on its own.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from zkvote.backend import impl
from zkvote.cpus import usable_cpus
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidInput
from zkvote.field import FR_MODULUS, fr_inv
from zkvote.g1 import G1
from zkvote.g1 import affine_points as g1_affine
from zkvote.g1 import msm as g1_msm
from zkvote.g2 import G2
from zkvote.g2 import affine_points as g2_affine
from zkvote.g2 import msm as g2_msm
from zkvote.ntt import ntt, root_of_unity
from zkvote.pairing import pairing_check
from zkvote.snark.keys import ProvingKey, VerifyingKey
from zkvote.snark.ptau import MAX_POWER, PowersOfTau, _check_points, lagrange_points
from zkvote.snark.ptau_reader import LagrangeBasis, lagrange_basis_matches
from zkvote.snark.r1cs import R1CS
from zkvote.snark.setup import domain_log_size, qap_rows

R = FR_MODULUS
_BATCH_BITS = 128  # soundness of the random-linear-combination checks: 2^-128


class CeremonyError(InvalidInput):
    """A ceremony transcript does not verify. ``phase`` is 1 or 2; ``contribution`` is the
    index of the offending contribution, or None when the fault is in the final values."""

    def __init__(self, message: str, *, phase: int, contribution: int | None = None) -> None:
        where = f"phase {phase}" + ("" if contribution is None
                                    else f" contribution {contribution}")
        super().__init__(f"{where}: {message}")
        self.phase = phase
        self.contribution = contribution


@dataclass(frozen=True)
class KnowledgeProof:
    """A Schnorr proof of knowledge of s with new = s * base (both G1, given by context):
    ``commitment`` = k * base, ``response`` = k + c * s mod r, c the Fiat-Shamir challenge."""

    commitment: G1
    response: int

    def __post_init__(self) -> None:
        if not isinstance(self.commitment, G1):
            raise InvalidEncoding("KnowledgeProof.commitment must be a G1 point")
        r = self.response
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < R:
            raise InvalidEncoding("KnowledgeProof.response must be an int in [0, r)")


def _challenge(context: bytes, base: G1, new: G1, commitment: G1) -> int:
    h = hashlib.sha512(b"zkvote ceremony schnorr\x00" + context)
    for point in (base, new, commitment):
        h.update(point.to_bytes())
    return int.from_bytes(h.digest(), "big") % R


def _prove_knowledge(context: bytes, base: G1, new: G1, secret: int) -> KnowledgeProof:
    # new = secret * base, which the caller has already computed.
    nonce = secrets.randbelow(R - 1) + 1
    commitment = _scaled(G1, [base], [nonce])[0]
    c = _challenge(context, base, new, commitment)
    return KnowledgeProof(commitment, (nonce + c * secret) % R)


def _knows(context: bytes, base: G1, new: G1, proof: KnowledgeProof) -> bool:
    c = _challenge(context, base, new, proof.commitment)
    return base * proof.response == proof.commitment + new * c


def _fresh_secret() -> int:
    return secrets.randbelow(R - 1) + 1


MAX_NAME_BYTES = 255
MAX_ENTROPY_BYTES = 1 << 16


def check_name(name: object) -> str:
    """Return ``name`` if it is a valid contribution name: a str of at most 255 UTF-8 bytes
    without control characters (names are printed to terminals). InvalidEncoding otherwise."""
    if not isinstance(name, str):
        raise InvalidEncoding(f"a contribution name must be a str, not {type(name).__name__}")
    try:
        raw = name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidEncoding("a contribution name must be valid UTF-8") from exc
    if len(raw) > MAX_NAME_BYTES:
        raise InvalidEncoding(f"a contribution name takes at most {MAX_NAME_BYTES} bytes")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        raise InvalidEncoding("a contribution name must not contain control characters")
    return name


def _name_bytes(name: str) -> bytes:
    raw = name.encode("utf-8")
    return len(raw).to_bytes(2, "little") + raw


def _secret_source(entropy: bytes) -> Callable[[], int]:
    # The OS CSPRNG alone when no entropy is given; otherwise a hash of fresh OS randomness
    # and the contributor's text, so the text can add to but never weaken the secrets.
    if not isinstance(entropy, bytes | bytearray):
        raise InvalidEncoding(f"entropy must be bytes, not {type(entropy).__name__}")
    if len(entropy) > MAX_ENTROPY_BYTES:
        raise InvalidEncoding(f"entropy takes at most {MAX_ENTROPY_BYTES} bytes")
    if not entropy:
        return _fresh_secret
    seed = hashlib.sha512(b"zkvote ceremony entropy\x00" + secrets.token_bytes(64)
                          + bytes(entropy)).digest()
    counter = itertools.count()

    def draw() -> int:
        while True:  # a zero draw has probability ~2^-254; retry rather than bias
            block = hashlib.sha512(seed + next(counter).to_bytes(8, "little")).digest()
            value = int.from_bytes(block, "big") % R
            if value:
                return value

    return draw


def _randoms(count: int) -> list[int]:
    return [secrets.randbits(_BATCH_BITS) | 1 for _ in range(count)]


def _same_ratio_g1(xs: Sequence[G1], ys: Sequence[G1], q0: G2, q1: G2) -> bool:
    # e(x_i, q1) == e(y_i, q0) for all i, checked at once as e(sum r_i x_i, q1) ==
    # e(sum r_i y_i, q0) with random r_i: y_i = t x_i for all i if q1 = t q0.
    if not xs:
        return True
    r = _randoms(len(xs))
    return pairing_check([(g1_msm(xs, r), q1), (-g1_msm(ys, r), q0)])


def _same_ratio_g2(xs: Sequence[G2], ys: Sequence[G2], p0: G1, p1: G1) -> bool:
    if not xs:
        return True
    r = _randoms(len(xs))
    return pairing_check([(p1, g2_msm(xs, r)), (-p0, g2_msm(ys, r))])


def _check_type(value: object, kind: type, name: str) -> None:
    if not isinstance(value, kind):
        raise InvalidEncoding(f"{name} must be a {kind.__name__}, not {type(value).__name__}")


_SLICE_MIN = 256  # points per thread below which splitting a batch does not pay


def _scaled(kind: type, points: Sequence, scalars: Sequence[int], *,
            threads: int | None = None) -> tuple:
    # [k_i P_i] for SECRET k_i (toxic waste, nonces; already reduced mod r): the slice's
    # constant-time multiplication (the G1/G2 operators are variable time), one C call per
    # slice of the batch on plain tuples, the slices on ``threads`` threads (default: the
    # CPUs this process may use). cffi releases the GIL during each C call, so the slices'
    # multiplications run in parallel; the result is the same for any thread count. Extra
    # scalars are ignored.
    ct = impl("ct_mul")
    mul_many = ct.g1_mul_secret_many if kind is G1 else ct.g2_mul_secret_many
    raw = (g1_affine if kind is G1 else g2_affine)(points)
    ks = list(scalars[: len(raw)])
    workers = min(threads or usable_cpus(), max(1, len(raw) // _SLICE_MIN))
    if workers == 1:
        out = mul_many(raw, ks)
    else:
        bounds = [len(raw) * i // workers for i in range(workers + 1)]
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda a, b: mul_many(raw[a:b], ks[a:b]),
                                  bounds[:-1], bounds[1:]))
        out = [p for part in parts for p in part]
    return tuple(kind._trusted(p) for p in out)


# ---- phase 1


@dataclass(frozen=True)
class Phase1Contribution:
    """What one phase-1 contributor publishes: the powers' values its secrets (t, a, b)
    produced (``tau_g1`` = tau G1, ``tau_g2`` = tau G2, ``alpha_g1``, ``beta_g1``, ``beta_g2``
    after the contribution), proofs of knowledge of t, a and b (ratios to the previous
    tau G1, alpha G1 and beta G1) and the contributor's ``name`` (see :func:`check_name`)."""

    tau_g1: G1
    tau_g2: G2
    alpha_g1: G1
    beta_g1: G1
    beta_g2: G2
    tau_proof: KnowledgeProof
    alpha_proof: KnowledgeProof
    beta_proof: KnowledgeProof
    name: str = ""

    def __post_init__(self) -> None:
        check_name(self.name)
        for name in ("tau_g1", "alpha_g1", "beta_g1"):
            _check_type(getattr(self, name), G1, name)
        for name in ("tau_g2", "beta_g2"):
            _check_type(getattr(self, name), G2, name)
        for name in ("tau_proof", "alpha_proof", "beta_proof"):
            _check_type(getattr(self, name), KnowledgeProof, name)


@dataclass(frozen=True, eq=False)
class Phase1Transcript:
    """A phase-1 ceremony: the current powers and every contribution so far, in order."""

    powers: PowersOfTau
    contributions: tuple[Phase1Contribution, ...] = ()

    def __post_init__(self) -> None:
        _check_type(self.powers, PowersOfTau, "powers")
        if not isinstance(self.contributions, tuple | list) or not all(
                isinstance(c, Phase1Contribution) for c in self.contributions):
            raise InvalidEncoding("contributions must be a list of Phase1Contribution")
        object.__setattr__(self, "contributions", tuple(self.contributions))


def _phase1_context(power: int, previous: Sequence[Phase1Contribution]) -> bytes:
    # Each proof is bound to the ceremony's size and to every earlier contribution, so a
    # proof cannot be replayed elsewhere and dropping or reordering contributions shows.
    h = hashlib.sha512(b"zkvote phase1\x00" + power.to_bytes(4, "little"))
    for c in previous:
        for point in (c.tau_g1, c.tau_g2, c.alpha_g1, c.beta_g1, c.beta_g2,
                      c.tau_proof.commitment, c.alpha_proof.commitment,
                      c.beta_proof.commitment):
            h.update(point.to_bytes())
        for proof in (c.tau_proof, c.alpha_proof, c.beta_proof):
            h.update(proof.response.to_bytes(32, "little"))
        h.update(_name_bytes(c.name))
    return h.digest()


def _phase1_size(powers: PowersOfTau) -> int:
    # Power 0 has no tau G1 beyond tau^0 to carry a contribution's tau.
    if powers.power < 1:
        raise InvalidArgument("a phase-1 ceremony needs power >= 1")
    return len(powers.tau_g2)


def phase1_new(power: int) -> Phase1Transcript:
    """Start a phase-1 ceremony for QAP domains up to 2^``power`` (every secret = 1: the
    powers are all generators until someone contributes). InvalidArgument unless
    1 <= power <= 27 (MAX_POWER); InvalidEncoding for a non-int."""
    if not isinstance(power, int) or isinstance(power, bool):
        raise InvalidEncoding(f"power must be an int, not {type(power).__name__}")
    if not 1 <= power <= MAX_POWER:
        raise InvalidArgument(f"power must be in [1, {MAX_POWER}]")
    n = 1 << power
    g1, g2 = G1.generator(), G2.generator()
    powers = PowersOfTau(tau_g1=(g1,) * (2 * n - 1), tau_g2=(g2,) * n,
                         alpha_tau_g1=(g1,) * n, beta_tau_g1=(g1,) * n, beta_g2=g2)
    return Phase1Transcript(powers=powers)


def phase1_contribute(transcript: Phase1Transcript, *, name: str = "",
                      entropy: bytes = b"") -> Phase1Transcript:
    """Add a contribution named ``name`` with fresh secrets t, a, b (from :mod:`secrets`,
    hashed with ``entropy`` if given; forgotten on return): tau^i -> (t tau)^i,
    alpha -> a alpha, beta -> b beta. Costs about 5N group multiplications (~2 s for
    N = 1024). The input is not checked here (run :func:`phase1_verify` on what you received
    first). InvalidEncoding for a non-transcript, a bad name (:func:`check_name`) or entropy
    that is not bytes or longer than 64 KiB.
    """
    _check_type(transcript, Phase1Transcript, "transcript")
    check_name(name)
    draw = _secret_source(entropy)
    old = transcript.powers
    n = _phase1_size(old)
    t, a, b = draw(), draw(), draw()
    t_powers = [1] * (2 * n - 1)
    for i in range(1, 2 * n - 1):
        t_powers[i] = t_powers[i - 1] * t % R
    new = PowersOfTau(
        tau_g1=_scaled(G1, old.tau_g1, t_powers),
        tau_g2=_scaled(G2, old.tau_g2, t_powers),
        alpha_tau_g1=_scaled(G1, old.alpha_tau_g1, [a * s % R for s in t_powers[:n]]),
        beta_tau_g1=_scaled(G1, old.beta_tau_g1, [b * s % R for s in t_powers[:n]]),
        beta_g2=_scaled(G2, [old.beta_g2], [b])[0],
    )
    context = _phase1_context(old.power, transcript.contributions) + _name_bytes(name)
    contribution = Phase1Contribution(
        tau_g1=new.tau_g1[1], tau_g2=new.tau_g2[1],
        alpha_g1=new.alpha_tau_g1[0], beta_g1=new.beta_tau_g1[0], beta_g2=new.beta_g2,
        tau_proof=_prove_knowledge(context + b"tau", old.tau_g1[1], new.tau_g1[1], t),
        alpha_proof=_prove_knowledge(context + b"alpha", old.alpha_tau_g1[0],
                                     new.alpha_tau_g1[0], a),
        beta_proof=_prove_knowledge(context + b"beta", old.beta_tau_g1[0],
                                    new.beta_tau_g1[0], b),
        name=name,
    )
    del t, a, b, t_powers
    return Phase1Transcript(powers=new, contributions=transcript.contributions + (contribution,))


def phase1_verify(transcript: Phase1Transcript) -> None:
    """Check a whole phase-1 transcript; return None if it is sound.

    For each contribution i: its three proofs of knowledge against contribution i - 1's
    values (the generators for i = 0) and the transcript before it, that no value is the
    identity, and e(tau G1, G2) = e(G1, tau G2), e(beta G1, G2) = e(G1, beta G2). Then that
    the powers start at the generators, continue from the last contribution's values and
    are consecutive powers of tau (random linear combinations: 4 pairings, 4 MSMs).

    Raises CeremonyError naming the phase and contribution (None for the final powers);
    InvalidEncoding for a non-transcript.
    """
    _check_type(transcript, Phase1Transcript, "transcript")
    powers = transcript.powers
    _phase1_size(powers)
    g1, g2 = G1.generator(), G2.generator()
    prev_tau, prev_alpha, prev_beta = g1, g1, g1
    last = (g1, g2, g1, g1, g2)
    for i, c in enumerate(transcript.contributions):
        def fail(message: str, i: int = i) -> CeremonyError:
            return CeremonyError(message, phase=1, contribution=i)

        if any(p.is_identity() for p in (c.tau_g1, c.tau_g2, c.alpha_g1, c.beta_g1,
                                         c.beta_g2)):
            raise fail("a published value is the identity (a zero secret)")
        context = (_phase1_context(powers.power, transcript.contributions[:i])
                   + _name_bytes(c.name))
        for label, base, new, proof in ((b"tau", prev_tau, c.tau_g1, c.tau_proof),
                                        (b"alpha", prev_alpha, c.alpha_g1, c.alpha_proof),
                                        (b"beta", prev_beta, c.beta_g1, c.beta_proof)):
            if not _knows(context + label, base, new, proof):
                raise fail(f"the proof of knowledge of the {label.decode()} secret is invalid")
        if not pairing_check([(c.tau_g1, g2), (-g1, c.tau_g2)]):
            raise fail("tau G1 and tau G2 have different discrete logs")
        if not pairing_check([(c.beta_g1, g2), (-g1, c.beta_g2)]):
            raise fail("beta G1 and beta G2 have different discrete logs")
        prev_tau, prev_alpha, prev_beta = c.tau_g1, c.alpha_g1, c.beta_g1
        last = (c.tau_g1, c.tau_g2, c.alpha_g1, c.beta_g1, c.beta_g2)
    _check_final_powers(powers, last)


def _check_final_powers(powers: PowersOfTau, last: tuple) -> None:
    def fail(message: str) -> CeremonyError:
        return CeremonyError(f"final powers: {message}", phase=1)

    tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2 = last
    if powers.tau_g1[0] != G1.generator() or powers.tau_g2[0] != G2.generator():
        raise fail("tau^0 is not the generator")
    if powers.tau_g1[1] != tau_g1 or powers.tau_g2[1] != tau_g2:
        raise fail("tau does not match the last contribution")
    if (powers.alpha_tau_g1[0] != alpha_g1 or powers.beta_tau_g1[0] != beta_g1
            or powers.beta_g2 != beta_g2):
        raise fail("alpha or beta does not match the last contribution")
    _check_consecutive(powers, fail)


def _check_consecutive(powers: PowersOfTau | CircuitPowers,
                       fail: Callable[[str], CeremonyError]) -> None:
    # Every sequence steps by the tau of tau_g2[1] / tau_g1[1] (random linear combinations).
    g1, g2 = G1.generator(), G2.generator()
    tau_g2 = powers.tau_g2[1]
    for name, seq in (("tau_g1", powers.tau_g1), ("alpha_tau_g1", powers.alpha_tau_g1),
                      ("beta_tau_g1", powers.beta_tau_g1)):
        if not _same_ratio_g1(seq[:-1], seq[1:], g2, tau_g2):
            raise fail(f"{name} are not consecutive powers of tau")
    if not _same_ratio_g2(powers.tau_g2[:-1], powers.tau_g2[1:], g1, powers.tau_g1[1]):
        raise fail("tau_g2 are not consecutive powers of tau")


# ---- phase 2


@dataclass(frozen=True, eq=False)
class CircuitPowers:
    """The part of a phase-1 result that phase 2 reads for a domain of n = 2^``log_n``:
    ``tau_g1`` = tau^i G1 for i < min(2n, 2N - 1) (N the phase-1 size: the last one is
    absent when n = N), ``tau_g2``, ``alpha_tau_g1``, ``beta_tau_g1`` for i < n, and
    ``beta_g2``. Build it with :meth:`of`; the constructor checks types and lengths only.
    InvalidEncoding for a non-point, InvalidArgument for inconsistent lengths."""

    log_n: int
    tau_g1: tuple[G1, ...]
    tau_g2: tuple[G2, ...]
    alpha_tau_g1: tuple[G1, ...]
    beta_tau_g1: tuple[G1, ...]
    beta_g2: G2

    def __post_init__(self) -> None:
        log_n = self.log_n
        if not isinstance(log_n, int) or isinstance(log_n, bool) or not 1 <= log_n <= MAX_POWER:
            raise InvalidArgument(f"log_n must be an int in [1, {MAX_POWER}]")
        for name, kind in (("tau_g1", G1), ("tau_g2", G2), ("alpha_tau_g1", G1),
                           ("beta_tau_g1", G1)):
            object.__setattr__(self, name, _check_points(getattr(self, name), kind, name))
        _check_type(self.beta_g2, G2, "beta_g2")
        n = 1 << log_n
        if len(self.tau_g1) not in (2 * n - 1, 2 * n):
            raise InvalidArgument(f"tau_g1 must hold 2n - 1 or 2n points (n = {n})")
        if not len(self.tau_g2) == len(self.alpha_tau_g1) == len(self.beta_tau_g1) == n:
            raise InvalidArgument(f"tau_g2, alpha_tau_g1 and beta_tau_g1 must hold n = {n} "
                                  "points")

    @classmethod
    def of(cls, powers: PowersOfTau, log_n: int) -> CircuitPowers:
        """The prefix of ``powers`` a domain of 2^``log_n`` needs. InvalidArgument if
        log_n is not in [1, powers.power]; InvalidEncoding for a non-PowersOfTau."""
        _check_type(powers, PowersOfTau, "powers")
        if not isinstance(log_n, int) or isinstance(log_n, bool) or not 1 <= log_n <= powers.power:
            raise InvalidArgument(f"the circuit needs a domain of 2^{log_n}, the powers of "
                                  f"tau serve 2^1 up to 2^{powers.power}")
        n = 1 << log_n
        return cls(log_n=log_n, tau_g1=powers.tau_g1[: 2 * n], tau_g2=powers.tau_g2[:n],
                   alpha_tau_g1=powers.alpha_tau_g1[:n], beta_tau_g1=powers.beta_tau_g1[:n],
                   beta_g2=powers.beta_g2)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CircuitPowers):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f)
                   for f in ("log_n", "tau_g1", "tau_g2", "alpha_tau_g1", "beta_tau_g1",
                             "beta_g2"))

    __hash__ = None  # type: ignore[assignment]


def circuit_powers_verify(powers: CircuitPowers) -> None:
    """Check that ``powers`` are consecutive powers of one tau (tau^0 the generators) with
    alpha and beta consistent with it, by random linear combinations; return None if so.
    This says nothing about who knows tau: that is what the phase-1 transcript they came from
    vouches for. Raises CeremonyError (phase 1, no contribution); InvalidEncoding for a
    non-CircuitPowers."""
    _check_type(powers, CircuitPowers, "powers")

    def fail(message: str) -> CeremonyError:
        return CeremonyError(f"circuit powers: {message}", phase=1)

    g1, g2 = G1.generator(), G2.generator()
    if powers.tau_g1[0] != g1 or powers.tau_g2[0] != g2:
        raise fail("tau^0 is not the generator")
    tau_g2 = powers.tau_g2[1]
    if powers.tau_g1[1].is_identity() or powers.alpha_tau_g1[0].is_identity() \
            or powers.beta_tau_g1[0].is_identity():
        raise fail("tau, alpha or beta is zero")
    if not pairing_check([(powers.tau_g1[1], g2), (-g1, tau_g2)]):
        raise fail("tau G1 and tau G2 have different discrete logs")
    if not pairing_check([(powers.beta_tau_g1[0], g2), (-g1, powers.beta_g2)]):
        raise fail("beta G1 and beta G2 have different discrete logs")
    _check_consecutive(powers, fail)


def _circuit_powers(powers: PowersOfTau | CircuitPowers, r1cs: R1CS) -> CircuitPowers:
    if not isinstance(powers, PowersOfTau | CircuitPowers):
        raise InvalidEncoding("powers must be a PowersOfTau or CircuitPowers, not "
                              f"{type(powers).__name__}")
    _check_type(r1cs, R1CS, "r1cs")
    log_n = domain_log_size(r1cs)
    if isinstance(powers, CircuitPowers):
        if powers.log_n != log_n:
            raise InvalidArgument(f"the circuit needs a domain of 2^{log_n}, the circuit "
                                  f"powers are for 2^{powers.log_n}")
        return powers
    return CircuitPowers.of(powers, log_n)  # InvalidArgument if the powers are too short


def phase2_initial_key(powers: PowersOfTau | CircuitPowers, r1cs: R1CS, *,
                       lagrange: LagrangeBasis | None = None) -> ProvingKey:
    """The proving key for ``r1cs`` from the phase-1 ``powers`` before any phase-2
    contribution: gamma = delta = 1, queries in the Lagrange basis computed from the powers
    (:func:`zkvote.snark.ptau.lagrange_points`), the same points ``snarkjs groth16 setup``
    writes for the same powers. Not a usable key by itself: anyone can forge proofs until
    delta has been randomized by a phase-2 contribution.

    ``powers`` may also be the :class:`CircuitPowers` taken from them (the same key).
    ``lagrange``, e.g. from a prepared ``.ptau``
    (:func:`zkvote.snark.ptau_reader.read_ptau_prefix`), replaces the five transforms: it is
    first compared with the powers by :func:`~zkvote.snark.ptau_reader.
    lagrange_basis_matches` (CeremonyError, phase 1, if it is not their Lagrange basis), so
    the key is the same as without it. InvalidEncoding for wrong types; InvalidArgument if
    the circuit's domain (the smallest 2^k >= constraints + public wires + 1) is larger than
    2^power (or, for CircuitPowers or ``lagrange``, is not 2^log_n).

    Cost: five group inverse NTTs (four of size n, G1 and G2, and the H query's) and, per
    wire, one small MSM per query over the Lagrange points of the rows it appears in (the
    sparse R1CS matrices times point vectors), all on the backend's plain point tuples.
    """
    powers = _circuit_powers(powers, r1cs)
    log_n = powers.log_n
    n = 1 << log_n
    if lagrange is None:
        lag_g1 = g1_affine(lagrange_points(powers.tau_g1[:n], log_n))
        lag_g2 = g2_affine(lagrange_points(powers.tau_g2[:n], log_n))
        lag_alpha = g1_affine(lagrange_points(powers.alpha_tau_g1[:n], log_n))
        lag_beta = g1_affine(lagrange_points(powers.beta_tau_g1[:n], log_n))
        h_query = _h_query(powers.tau_g1[: 2 * n], log_n)
    else:
        _check_lagrange(lagrange, powers)
        lag_g1, lag_g2 = g1_affine(lagrange.tau_g1), g2_affine(lagrange.tau_g2)
        lag_alpha, lag_beta = g1_affine(lagrange.alpha_tau_g1), g1_affine(lagrange.beta_tau_g1)
        h_query = lagrange.h_g1

    # Each query is a sparse matrix times a vector of Lagrange points. Rows with the same
    # linear combination (x * x, or x^4 * x after x * x, in every S-box) share their points'
    # sum, so a wire's combination needs one term per distinct combination, not per row:
    # for the ballot circuit this nearly halves the B terms, and the G2 MSMs with them.
    n_wires = r1cs.n_wires
    rows = qap_rows(r1cs)
    (a_groups, a_cols), (b_groups, b_cols), (c_groups, c_cols) = (
        _grouped_columns([row[m] for row in rows], n_wires) for m in range(3))
    g1, g2 = impl("g1"), impl("g2")
    a_g1 = _group_sums(g1, lag_g1, a_groups)
    b_g1 = _group_sums(g1, lag_g1, b_groups)
    a_query = [_sparse_combination(g1, a_g1, *a_cols[j]) for j in range(n_wires)]
    b_g1_query = [_sparse_combination(g1, b_g1, *b_cols[j]) for j in range(n_wires)]
    b_g2 = _group_sums(g2, lag_g2, b_groups)
    b_g2_query = [_sparse_combination(g2, b_g2, *b_cols[j]) for j in range(n_wires)]
    # beta * A_j(tau) + alpha * B_j(tau) + C_j(tau): one MSM over the three bases.
    a_beta = _group_sums(g1, lag_beta, a_groups)
    b_alpha = _group_sums(g1, lag_alpha, b_groups)
    c_g1 = _group_sums(g1, lag_g1, c_groups)
    combined = []
    for j in range(n_wires):
        (ga, ca), (gb, cb), (gc, cc) = a_cols[j], b_cols[j], c_cols[j]
        points = [a_beta[g] for g in ga] + [b_alpha[g] for g in gb] + [c_g1[g] for g in gc]
        combined.append(_msm_raw(g1, points, ca + cb + cc))
    n_pub = r1cs.n_public
    vk = VerifyingKey(alpha_g1=powers.alpha_tau_g1[0], beta_g2=powers.beta_g2,
                      gamma_g2=G2.generator(), delta_g2=G2.generator(),
                      gamma_abc_g1=_g1_points(combined[: n_pub + 1]))
    return ProvingKey(
        vk=vk, beta_g1=powers.beta_tau_g1[0], delta_g1=G1.generator(),
        a_query=_g1_points(a_query), b_g1_query=_g1_points(b_g1_query),
        b_g2_query=tuple(G2._trusted(p) for p in b_g2_query),
        h_query=h_query,
        l_query=_g1_points(combined[n_pub + 1 :]),
        domain_size=n,
    )


def _check_lagrange(lagrange: object, powers: CircuitPowers) -> None:
    # Prepared points come from the same untrusted file as the powers: they are used only
    # once a random combination shows they are the powers' Lagrange basis.
    _check_type(lagrange, LagrangeBasis, "lagrange")
    if lagrange.log_n != powers.log_n:
        raise InvalidArgument(f"the Lagrange basis is for a domain of 2^{lagrange.log_n}, "
                              f"the circuit needs 2^{powers.log_n}")
    if not lagrange_basis_matches(lagrange, powers.tau_g1, powers.tau_g2,
                                  powers.alpha_tau_g1, powers.beta_tau_g1):
        raise CeremonyError("the prepared Lagrange-basis points are not those of the powers "
                            "of tau", phase=1)


def _g1_points(raw: Sequence) -> tuple[G1, ...]:
    # Backend results are valid points by construction (as G1's own arithmetic trusts them).
    return tuple(G1._trusted(p) for p in raw)


def _msm_raw(slice_: object, points: list, scalars: list[int]) -> object:
    # A single term needs no MSM (one multiplication, or none for the common coefficient
    # 1); from two terms on the backend's MSM costs about one multiplication per call.
    if not points:
        return None
    if len(points) == 1:
        k = scalars[0]
        return points[0] if k == 1 else slice_.mul(points[0], k)
    return slice_.msm(points, scalars)


def _grouped_columns(lcs: Sequence[dict], n_wires: int
                     ) -> tuple[list[list[int]], list[tuple[list[int], list[int]]]]:
    """Group the rows with equal linear combinations: (the row indices of each group, and
    per wire the groups it appears in with its coefficient there)."""
    index: dict[frozenset, int] = {}
    groups: list[list[int]] = []
    cols: list[tuple[list[int], list[int]]] = [([], []) for _ in range(n_wires)]
    for i, lc in enumerate(lcs):
        if not lc:
            continue
        key = frozenset(lc.items())
        g = index.get(key)
        if g is not None:
            groups[g].append(i)
            continue
        g = index[key] = len(groups)
        groups.append([i])
        for wire, coeff in lc.items():
            group_ids, coeffs = cols[wire]
            group_ids.append(g)
            coeffs.append(coeff)
    return groups, cols


def _group_sums(slice_: object, basis: list, groups: list[list[int]]) -> list:
    sums = []
    for rows in groups:
        total = basis[rows[0]]
        for i in rows[1:]:
            total = slice_.add(total, basis[i])
        sums.append(total)
    return sums


def _sparse_combination(slice_: object, basis: list, rows: list[int], coeffs: list[int]
                        ) -> object:
    return _msm_raw(slice_, [basis[i] for i in rows], coeffs)


def _h_query(tau_g1: Sequence[G1], log_n: int) -> tuple[G1, ...]:
    # h_i = L'_{2i+1}(tau) G1, the odd-index Lagrange points of the domain of size 2n
    # (see zkvote.snark.setup), tau^k G1 for k >= len(tau_g1) counting as the identity.
    # Only the odd half is needed: with w the 2n-th root, w^-(2i+1)(k+n) = -w^-(2i+1)k, so
    # h_i = (1/n) sum_{k<n} w^(-2ik) q_k with q_k = w^-k (tau^k - tau^(k+n)) G1 / 2, an
    # inverse NTT of size n (after n multiplications) instead of one of size 2n.
    n = 1 << log_n
    g1 = impl("g1")
    step = fr_inv(root_of_unity(log_n + 1))
    scale = fr_inv(2)
    raw = g1_affine(tau_g1)
    q = []
    for k in range(n):
        p = raw[k]
        if k + n < len(raw) and raw[k + n] is not None:
            p = g1.add(p, g1.neg(raw[k + n]))
        q.append(G1._trusted(None if p is None else g1.mul(p, scale)))
        scale = scale * step % R
    return tuple(lagrange_points(q, log_n))


@dataclass(frozen=True)
class Phase2Contribution:
    """What one phase-2 contributor publishes: delta after its contribution, in G1 and G2,
    a proof of knowledge of its secret d (the ratio to the previous delta G1) and the
    contributor's ``name`` (see :func:`check_name`)."""

    delta_g1: G1
    delta_g2: G2
    proof: KnowledgeProof
    name: str = ""

    def __post_init__(self) -> None:
        check_name(self.name)
        _check_type(self.delta_g1, G1, "delta_g1")
        _check_type(self.delta_g2, G2, "delta_g2")
        _check_type(self.proof, KnowledgeProof, "proof")


@dataclass(frozen=True, eq=False)
class Phase2Transcript:
    """A phase-2 ceremony for one circuit: the current proving key and every contribution."""

    proving_key: ProvingKey
    contributions: tuple[Phase2Contribution, ...] = ()

    def __post_init__(self) -> None:
        _check_type(self.proving_key, ProvingKey, "proving_key")
        if not isinstance(self.contributions, tuple | list) or not all(
                isinstance(c, Phase2Contribution) for c in self.contributions):
            raise InvalidEncoding("contributions must be a list of Phase2Contribution")
        object.__setattr__(self, "contributions", tuple(self.contributions))


def _phase2_context(pk: ProvingKey, previous: Sequence[Phase2Contribution]) -> bytes:
    # Bound to the circuit (its verifying key up to delta, domain and wire counts) and to
    # every earlier contribution.
    vk = pk.vk
    h = hashlib.sha512(b"zkvote phase2\x00")
    h.update(b"".join(x.to_bytes(4, "little") for x in (pk.n_wires, vk.n_public,
                                                         pk.domain_size)))
    for point in (vk.alpha_g1, pk.beta_g1, vk.beta_g2, vk.gamma_g2, *vk.gamma_abc_g1):
        h.update(point.to_bytes())
    for c in previous:
        for point in (c.delta_g1, c.delta_g2, c.proof.commitment):
            h.update(point.to_bytes())
        h.update(c.proof.response.to_bytes(32, "little"))
        h.update(_name_bytes(c.name))
    return h.digest()


def phase2_new(powers: PowersOfTau | CircuitPowers, r1cs: R1CS, *,
               lagrange: LagrangeBasis | None = None) -> Phase2Transcript:
    """Start the phase-2 ceremony of ``r1cs`` from phase-1 ``powers`` (verify those first
    with :func:`phase1_verify`, or take them from a trusted ``.ptau``), with their
    ``lagrange`` basis if one is at hand. Errors as :func:`phase2_initial_key`."""
    return Phase2Transcript(proving_key=phase2_initial_key(powers, r1cs, lagrange=lagrange))


def phase2_contribute(transcript: Phase2Transcript, *, name: str = "",
                      entropy: bytes = b"") -> Phase2Transcript:
    """Add a contribution named ``name`` with a fresh secret d (from :mod:`secrets`, hashed
    with ``entropy`` if given; forgotten on return): delta -> d delta, L and H queries ->
    1/d times themselves. Costs one G1 multiplication per private wire and per domain
    point. InvalidEncoding for a non-transcript, a bad name or bad entropy (as
    :func:`phase1_contribute`)."""
    _check_type(transcript, Phase2Transcript, "transcript")
    check_name(name)
    draw = _secret_source(entropy)
    pk = transcript.proving_key
    d = draw()
    d_inv = fr_inv(d)
    context = _phase2_context(pk, transcript.contributions) + _name_bytes(name)
    delta_g1 = _scaled(G1, [pk.delta_g1], [d])[0]
    contribution = Phase2Contribution(delta_g1=delta_g1,
                                      delta_g2=_scaled(G2, [pk.vk.delta_g2], [d])[0],
                                      proof=_prove_knowledge(context, pk.delta_g1, delta_g1, d),
                                      name=name)
    new_pk = replace(
        pk,
        vk=replace(pk.vk, delta_g2=contribution.delta_g2),
        delta_g1=contribution.delta_g1,
        l_query=_scaled(G1, pk.l_query, [d_inv] * len(pk.l_query)),
        h_query=_scaled(G1, pk.h_query, [d_inv] * len(pk.h_query)),
        _prepared={},
    )
    del d, d_inv
    return Phase2Transcript(proving_key=new_pk,
                            contributions=transcript.contributions + (contribution,))


def phase2_verify(transcript: Phase2Transcript, powers: PowersOfTau | CircuitPowers,
                  r1cs: R1CS) -> None:
    """Check a whole phase-2 transcript for ``r1cs`` over the phase-1 ``powers``; return None
    if the final key is sound.

    Checks: the key's shape (domain, wires, public wires) is the circuit's; its alpha, beta
    and gamma are the powers' (gamma the generator); its IC, A, B1 and B2 queries are those
    :func:`phase2_initial_key` derives from the powers; for each contribution, delta G1 is
    not the identity, its proof of knowledge holds against the previous delta G1 (G1's
    generator for the first) and the transcript before it, and e(delta G1, G2) =
    e(G1, delta G2); the key's delta is the last contribution's; and the L and H queries are
    the initial ones divided by that delta.

    The queries are checked without computing the initial key: each is a sparse matrix M
    times Lagrange points L_i(tau) P, so for random rho, sum_j rho_j query_j must equal
    sum_i s_i L_i(tau) P with s = M rho, which is sum_k c_k tau^k P for c the inverse NTT
    of s: one MSM over the query and one over the monomial powers (a wrong query passes
    with probability 2^-127). L and H share one such combination and 2 pairings.

    Raises CeremonyError naming the contribution (None for the key itself);
    InvalidEncoding for wrong types, InvalidArgument as :func:`phase2_initial_key`.
    """
    _check_type(transcript, Phase2Transcript, "transcript")
    powers = _circuit_powers(powers, r1cs)
    pk = transcript.proving_key

    def fail(message: str, i: int | None = None) -> CeremonyError:
        return CeremonyError(message, phase=2, contribution=i)

    n = 1 << powers.log_n
    n_pub = r1cs.n_public
    if (pk.domain_size, pk.n_wires, pk.vk.n_public) != (n, r1cs.n_wires, n_pub):
        raise fail("the key's shape does not match the circuit")
    g1, g2 = G1.generator(), G2.generator()
    for name, value, expected in (("alpha_g1", pk.vk.alpha_g1, powers.alpha_tau_g1[0]),
                                  ("beta_g2", pk.vk.beta_g2, powers.beta_g2),
                                  ("gamma_g2", pk.vk.gamma_g2, g2)):
        if value != expected:
            raise fail(f"the key's {name} does not come from the powers of tau")
    queries = _QueryCheck(powers, r1cs)
    if not queries.ic(pk.vk.gamma_abc_g1):
        raise fail("the key's gamma_abc_g1 does not come from the powers of tau")
    if pk.beta_g1 != powers.beta_tau_g1[0]:
        raise fail("the key's beta_g1 does not come from the powers of tau")
    for name in ("a_query", "b_g1_query", "b_g2_query"):
        if not queries.query(name, getattr(pk, name)):
            raise fail(f"the key's {name} does not come from the powers of tau")
    delta_g1, delta_g2 = g1, g2
    for i, c in enumerate(transcript.contributions):
        if c.delta_g1.is_identity():
            raise fail("delta is the identity (a zero secret)", i)
        # pk's fields in the context are the initial key's (checked above).
        context = _phase2_context(pk, transcript.contributions[:i]) + _name_bytes(c.name)
        if not _knows(context, delta_g1, c.delta_g1, c.proof):
            raise fail("the proof of knowledge of the delta secret is invalid", i)
        if not pairing_check([(c.delta_g1, g2), (-g1, c.delta_g2)]):
            raise fail("delta G1 and delta G2 have different discrete logs", i)
        delta_g1, delta_g2 = c.delta_g1, c.delta_g2
    if pk.delta_g1 != delta_g1 or pk.vk.delta_g2 != delta_g2:
        raise fail("the key's delta is not the last contribution's")
    if not queries.divided(pk.l_query, pk.h_query, delta_g2):
        raise fail("the L or H query is not the initial one divided by delta")


class _QueryCheck:
    """Random-linear-combination checks of a key's queries against the powers (see
    :func:`phase2_verify`), sharing one random vector rho over the wires: each check alone
    is sound, as the key is fixed before rho is drawn."""

    def __init__(self, powers: CircuitPowers, r1cs: R1CS) -> None:
        n = 1 << powers.log_n
        self.powers, self.n, self.n_pub = powers, n, r1cs.n_public
        self.rho = _randoms(r1cs.n_wires)
        # s = M rho per matrix (A, B, C), split into public and private wires' parts, then
        # turned into monomial coefficients (a polynomial's values on the domain -> its
        # coefficients); tau^k P for k >= n never enters an n-domain Lagrange point.
        sums = [[0] * n for _ in range(6)]
        rho, n_pub = self.rho, self.n_pub
        for i, row in enumerate(qap_rows(r1cs)):
            for m, lc in enumerate(row):
                pub, priv = sums[2 * m], sums[2 * m + 1]
                for wire, coeff in lc.items():
                    if wire <= n_pub:
                        pub[i] += coeff * rho[wire]
                    else:
                        priv[i] += coeff * rho[wire]
        (self.a_pub, self.a_priv, self.b_pub, self.b_priv, self.c_pub,
         self.c_priv) = (ntt([v % R for v in s], inverse=True) for s in sums)

    def _g1_equal(self, points: Sequence[G1], scalars: list[int], bases: Sequence[G1],
                  coefficients: list[int]) -> bool:
        return g1_msm(points, scalars) == g1_msm(bases, coefficients)

    def ic(self, gamma_abc_g1: Sequence[G1]) -> bool:
        """IC_j = beta A_j(tau) + alpha B_j(tau) + C_j(tau) for the public wires (gamma 1)."""
        p, n = self.powers, self.n
        return self._g1_equal(
            gamma_abc_g1, self.rho[: self.n_pub + 1],
            p.beta_tau_g1 + p.alpha_tau_g1 + p.tau_g1[:n], self.a_pub + self.b_pub + self.c_pub)

    def query(self, name: str, points: Sequence[G1] | Sequence[G2]) -> bool:
        """a_query_j = A_j(tau) G1, b_g1_query_j = B_j(tau) G1, b_g2_query_j = B_j(tau) G2."""
        pub, priv = (self.a_pub, self.a_priv) if name == "a_query" else (self.b_pub,
                                                                         self.b_priv)
        coefficients = [(x + y) % R for x, y in zip(pub, priv, strict=True)]
        if name == "b_g2_query":
            return g2_msm(points, self.rho) == g2_msm(self.powers.tau_g2, coefficients)
        return self._g1_equal(points, self.rho, self.powers.tau_g1[: self.n], coefficients)

    def divided(self, l_query: Sequence[G1], h_query: Sequence[G1], delta_g2: G2) -> bool:
        """delta * L_j = beta A_j(tau) + alpha B_j(tau) + C_j(tau) for the private wires and
        delta * H_i = L'_{2i+1}(tau) G1 (the domain of size 2n), by one combination and
        e(sum, delta G2) = e(expected sum, G2)."""
        p, n = self.powers, self.n
        sigma = _randoms(n)
        odd = [0] * (2 * n)  # values sigma_i at the odd points of the 2n-domain
        odd[1::2] = sigma
        h_coefficients = ntt(odd, inverse=True)
        tau = p.tau_g1[: 2 * n]  # tau^(2n-1) may be absent: the identity, as in the key
        coefficients = [(x + y) % R for x, y in zip(self.c_priv, h_coefficients, strict=False)]
        coefficients += h_coefficients[n : len(tau)]
        left = g1_msm(tuple(l_query) + tuple(h_query), self.rho[self.n_pub + 1 :] + sigma)
        right = g1_msm(p.beta_tau_g1 + p.alpha_tau_g1 + tau,
                       self.a_priv + self.b_priv + coefficients)
        return pairing_check([(left, delta_g2), (-right, G2.generator())])
