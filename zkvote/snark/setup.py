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

from gmpy2 import mpz

from zkvote.backend import impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS, fr_inv
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


def _lagrange_at(tau: int, log_n: int, shift: int = 1) -> list[int]:
    # L_i(tau) = (tau^n - 1) / n * w^i / (tau - w^i) on the domain <w> of size n = 2^log_n;
    # with a shift s, the points s w^i of the domain of size 2n (s = its root): there
    # (tau^2n - 1) / 2n replaces the factor. gmpy2 and one inversion (Montgomery's trick).
    n, w, m = 1 << log_n, mpz(root_of_unity(log_n)), mpz(R)
    points = [mpz(shift)] * n
    for i in range(1, n):
        points[i] = points[i - 1] * w % m
    size = n if shift == 1 else 2 * n
    factor = (pow(mpz(tau), size, m) - 1) * pow(mpz(size), -1, m) % m
    dens = [(tau - p) % m for p in points]
    prefix, acc = [mpz(1)] * n, mpz(1)
    for i, d in enumerate(dens):
        prefix[i] = acc
        acc = acc * d % m
    inv = pow(acc, -1, m)
    out = [0] * n
    for i in range(n - 1, -1, -1):
        out[i] = int(factor * points[i] % m * (inv * prefix[i] % m) % m)
        inv = inv * dens[i] % m
    return out


def _nonzero(rng: object) -> int:
    return rng.randrange(1, R)


def _g1s(scalars: list[int]) -> list[G1]:
    points = impl("groth16").fixed_base_g1(G1.generator().to_affine(), scalars)
    return [G1._trusted(p) for p in points]


def _g2s(scalars: list[int]) -> list[G2]:
    points = impl("groth16").fixed_base_g2(G2.generator().to_affine(), scalars)
    return [G2._trusted(p) for p in points]


def insecure_single_party_setup(r1cs: R1CS, *, rng: object = None) -> ProvingKey:
    """Make a Groth16 proving key (its ``vk`` is the verifying key) for ``r1cs``.

    INSECURE: the secret trapdoor is generated and known in this one process; anyone who
    learns it (or the randomness ``rng`` produced) can forge proofs. For tests and demos only.

    ``rng`` needs a ``randrange(a, b)`` method (e.g. ``random.Random(seed)`` for reproducible
    test keys); the default is the operating system's CSPRNG. Raises InvalidEncoding if
    ``r1cs`` is not an R1CS, InvalidArgument if the circuit is too large.

    The wire polynomials at tau are column sums over the QAP rows and every key point is a
    multiple of a generator: both run in the backend (a linear-combination table, then one
    fixed-base batch per group), so a 25k-constraint circuit takes a few seconds.
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
    groth16 = impl("groth16")
    table = groth16.lc_table([lc for row in rows for lc in row], r1cs.n_wires)
    u, v, w = groth16.column_sums(table, _lagrange_at(tau, log_n), r1cs.n_wires)
    n_pub, n_wires = r1cs.n_public, r1cs.n_wires
    combined = [(beta * u[j] + alpha * v[j] + w[j]) % R for j in range(n_wires)]
    odd_2n = _lagrange_at(tau, log_n, root_of_unity(log_n + 1))  # L'_{2i+1}, domain 2n

    # One batch per group: [alpha, beta, delta, IC, A, B1, H, L] and [beta, gamma, delta, B2].
    g1_scalars = [alpha, beta, delta]
    g1_scalars += [c * gamma_inv % R for c in combined[: n_pub + 1]]
    g1_scalars += u + v
    g1_scalars += [x * delta_inv % R for x in odd_2n]
    g1_scalars += [c * delta_inv % R for c in combined[n_pub + 1 :]]
    g1 = _g1s(g1_scalars)
    g2 = _g2s([beta, gamma, delta, *v])
    ic_end = 3 + n_pub + 1
    a_end = ic_end + n_wires
    b_end = a_end + n_wires
    h_end = b_end + n
    vk = VerifyingKey(alpha_g1=g1[0], beta_g2=g2[0], gamma_g2=g2[1], delta_g2=g2[2],
                      gamma_abc_g1=tuple(g1[3:ic_end]))
    return ProvingKey(
        vk=vk,
        beta_g1=g1[1],
        delta_g1=g1[2],
        a_query=tuple(g1[ic_end:a_end]),
        b_g1_query=tuple(g1[a_end:b_end]),
        b_g2_query=tuple(g2[3:]),
        h_query=tuple(g1[b_end:h_end]),
        l_query=tuple(g1[h_end:]),
        domain_size=n,
    )
