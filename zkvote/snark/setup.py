"""INSECURE single-party Groth16 setup, for tests and demos only.

:func:`insecure_single_party_setup` draws the "toxic waste" (tau, alpha, beta, gamma, delta)
in this process and forgets it on return. Whoever controls or observes that process can
forge proofs for the circuit; real deployments need a multi-party ceremony (powers of tau,
then a per-circuit phase 2), in which one honest contributor suffices.

The keys it makes have exactly the shape of a snarkjs ``.zkey`` (``zkey new`` followed by
contributions), so the same prover works with both:

- the QAP domain is the radix-2 domain of the smallest size n >= constraints + n_public + 1;
- like snarkjs, one extra row ``wire_i * 0 = 0`` per public wire i (the constant wire
  included) is appended to A, so that the public values are bound by the A polynomials;
- polynomials are in the Lagrange basis of that domain (roots 5^((r-1)/n), see zkvote.ntt);
- ``h_query[i] = L'_{2i+1}(tau) / delta`` with L' the Lagrange basis of the domain of size
  2n: the prover evaluates A*B - C on the odd 2n-th roots, where Z(x) = x^n - 1 = -2 is
  constant, and this basis turns those evaluations straight into h(tau) Z(tau) / delta.
"""

from __future__ import annotations

import secrets

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS, fr_batch_inv, fr_inv
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.ntt import MAX_LOG_N, root_of_unity
from zkvote.snark.keys import ProvingKey, VerifyingKey
from zkvote.snark.r1cs import R1CS

R = FR_MODULUS


def domain_log_size(r1cs: R1CS) -> int:
    """log2 of the QAP domain size: the smallest n = 2^k >= constraints + n_public + 1 (as
    snarkjs's ``zkey new``). Raises InvalidArgument if that exceeds 2^27 (the h query needs
    the domain of size 2n)."""
    rows = r1cs.n_constraints + r1cs.n_public + 1
    log_n = max(rows - 1, 0).bit_length()
    if log_n + 1 > MAX_LOG_N:
        raise InvalidArgument(f"circuit too large: {rows} rows need a domain above 2^27")
    return log_n


def qap_rows(r1cs: R1CS) -> list[tuple[dict, dict, dict]]:
    """The constraints followed by snarkjs's extra rows ``wire_i * 0 = 0``, i = 0..n_public."""
    extra = [({i: 1}, {}, {}) for i in range(r1cs.n_public + 1)]
    return list(r1cs.constraints) + extra


def _lagrange_at(tau: int, log_n: int) -> list[int]:
    # L_i(tau) = (tau^n - 1) / n * w^i / (tau - w^i) on the domain <w> of size n = 2^log_n.
    n, w = 1 << log_n, root_of_unity(log_n)
    powers = [1] * n
    for i in range(1, n):
        powers[i] = powers[i - 1] * w % R
    inverses = fr_batch_inv([(tau - p) % R for p in powers])
    factor = (pow(tau, n, R) - 1) * fr_inv(n) % R
    return [factor * p % R * inv % R for p, inv in zip(powers, inverses, strict=True)]


def _column_sums(rows: list, which: int, lagrange: list[int], n_wires: int) -> list[int]:
    # u_j(tau) = sum over rows i of M[i][j] * L_i(tau): the wire polynomials at tau.
    out = [0] * n_wires
    for i, row in enumerate(rows):
        for wire, coeff in row[which].items():
            out[wire] = (out[wire] + coeff * lagrange[i]) % R
    return out


def _nonzero(rng: object) -> int:
    return rng.randrange(1, R)


def insecure_single_party_setup(r1cs: R1CS, *, rng: object = None) -> ProvingKey:
    """Make a Groth16 proving key (its ``vk`` is the verifying key) for ``r1cs``.

    INSECURE: the secret trapdoor is generated and known in this one process; anyone who
    learns it (or the randomness ``rng`` produced) can forge proofs. For tests and demos only.

    ``rng`` needs a ``randrange(a, b)`` method (e.g. ``random.Random(seed)`` for reproducible
    test keys); the default is the operating system's CSPRNG. Raises InvalidEncoding if
    ``r1cs`` is not an R1CS, InvalidArgument if the circuit is too large.
    """
    if not isinstance(r1cs, R1CS):
        raise InvalidEncoding(f"expected an R1CS, not {type(r1cs).__name__}")
    rng = secrets.SystemRandom() if rng is None else rng
    log_n = domain_log_size(r1cs)
    n = 1 << log_n
    tau = _nonzero(rng)
    while pow(tau, 2 * n, R) == 1:  # tau on the domain would make L_i(tau) undefined
        tau = _nonzero(rng)
    alpha, beta, gamma, delta = (_nonzero(rng) for _ in range(4))
    gamma_inv, delta_inv = fr_inv(gamma), fr_inv(delta)

    rows = qap_rows(r1cs)
    lagrange = _lagrange_at(tau, log_n)
    u, v, w = (_column_sums(rows, k, lagrange, r1cs.n_wires) for k in range(3))
    n_pub = r1cs.n_public
    combined = [(beta * u[j] + alpha * v[j] + w[j]) % R for j in range(r1cs.n_wires)]
    lagrange_2n = _lagrange_at(tau, log_n + 1)

    g1, g2 = G1.generator(), G2.generator()
    vk = VerifyingKey(
        alpha_g1=g1 * alpha,
        beta_g2=g2 * beta,
        gamma_g2=g2 * gamma,
        delta_g2=g2 * delta,
        gamma_abc_g1=tuple(g1 * (c * gamma_inv) for c in combined[: n_pub + 1]),
    )
    return ProvingKey(
        vk=vk,
        beta_g1=g1 * beta,
        delta_g1=g1 * delta,
        a_query=tuple(g1 * x for x in u),
        b_g1_query=tuple(g1 * x for x in v),
        b_g2_query=tuple(g2 * x for x in v),
        h_query=tuple(g1 * (lagrange_2n[2 * i + 1] * delta_inv) for i in range(n)),
        l_query=tuple(g1 * (c * delta_inv) for c in combined[n_pub + 1 :]),
        domain_size=n,
    )
