"""The Groth16 prover, computing exactly what snarkjs's ``groth16 prove`` computes.

With a, b, c the evaluations of A·w, B·w, C·w on the domain of size n (one per constraint,
then snarkjs's extra rows ``wire_i * 0 = 0`` for the public wires):

- interpolate each (inverse NTT) and evaluate it on the odd 2n-th roots w_2n * w_n^i (coset
  NTT with shift w_2n), where the vanishing polynomial x^n - 1 equals -2;
- p_i = a_i b_i - c_i there; the MSM of p with ``h_query`` (Lagrange basis of the 2n domain
  at the odd indices, divided by delta) is h(tau) Z(tau) / delta;
- A = alpha + sum w_j A_j(tau) + r delta, B = beta + sum w_j B_j(tau) + s delta,
  C = sum_private w_j L_j + h Z / delta + s A + r B_g1 - r s delta.

Everything per element runs in the backend (C kernels in native/prover.c): :func:`prove`
loads the key's points and the circuit's QAP rows (as linear-combination tables) once per
(proving key, R1CS) pair, cached on the key, and then evaluates A·w, B·w, C·w natively,
naming the first unsatisfied row, before the H chain and the MSMs (terms with a zero scalar
or an identity point dropped, scalar-1 points added directly, the private C terms and the H
terms in one Pippenger run, G2 with batch-affine buckets);
:func:`zkvote.snark.zkey_prover.prove_zkey` does the same from a snarkjs ``.zkey``.
"""

from __future__ import annotations

import secrets

from zkvote.backend import current, impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g1 import affine_points as g1_affine
from zkvote.g2 import G2
from zkvote.g2 import affine_points as g2_affine
from zkvote.snark.keys import Proof, ProvingKey, VerifyingKey
from zkvote.snark.r1cs import R1CS, UnsatisfiedConstraint
from zkvote.snark.setup import domain_log_size, qap_rows
from zkvote.validate import check_range

R = FR_MODULUS


def _check_inputs(pk: object, r1cs: object, witness: object) -> None:
    if not isinstance(pk, ProvingKey):
        raise InvalidEncoding(f"expected a ProvingKey, not {type(pk).__name__}")
    if not isinstance(r1cs, R1CS):
        raise InvalidEncoding(f"expected an R1CS, not {type(r1cs).__name__}")
    if (pk.n_wires, pk.vk.n_public) != (r1cs.n_wires, r1cs.n_public):
        raise InvalidArgument("the proving key was made for another circuit (wire counts differ)")
    if pk.domain_size != 1 << domain_log_size(r1cs):
        raise InvalidArgument("the proving key was made for another circuit (domain differs)")
    # Types, ranges, length and witness[0] == 1 (the constraints are checked while proving).
    if not isinstance(witness, list | tuple) or len(witness) != r1cs.n_wires:
        raise InvalidEncoding(f"the witness must be a list of {r1cs.n_wires} ints")
    if not all(type(v) is int and 0 <= v < R for v in witness):  # fast path first
        for value in witness:
            check_range(value, R, "a witness value")
    if witness[0] != 1:
        raise InvalidEncoding("witness[0] (the constant wire) must be 1")


def prove(pk: ProvingKey, r1cs: R1CS, witness: list[int], *, rng: object = None) -> Proof:
    """A Groth16 proof that ``witness`` satisfies ``r1cs``, under ``pk``.

    ``rng`` (an object with ``randrange``; default the OS CSPRNG) draws the blinding r, s;
    it must be unpredictable for the proof to be zero-knowledge. Raises InvalidEncoding /
    FieldRangeError for a malformed witness (wrong length, values outside [0, r),
    witness[0] != 1), UnsatisfiedConstraint naming the first failing row,
    InvalidArgument if ``pk`` was not made for ``r1cs``.
    """
    _check_inputs(pk, r1cs, witness)
    witness = list(witness)
    row, terms = impl("groth16").prove_terms_circuit(circuit_key(pk, r1cs), witness)
    if terms is None:
        raise UnsatisfiedConstraint(row, f"constraint {row} is not satisfied")
    a_sum, b1_sum, b2_sum, c_sum = terms
    terms = (G1._trusted(a_sum), G1._trusted(b1_sum), G2._trusted(b2_sum), G1._trusted(c_sum))
    return combine(pk.vk, pk.beta_g1, pk.delta_g1, terms, rng=rng)


def circuit_key(pk: ProvingKey, r1cs: R1CS) -> object:
    """The backend's prover key for ``pk`` and the QAP rows of ``r1cs`` (points and rows
    loaded once, then cached on ``pk`` per backend for this ``r1cs`` object; a frozen R1CS is
    treated as immutable). The caller checks that ``pk`` was made for ``r1cs``."""
    backend = current()
    cached = pk._prepared.get(("circuit", backend))
    if cached is not None and cached[0] is r1cs:
        return cached[1]
    points = {"a": g1_affine(pk.a_query), "b1": g1_affine(pk.b_g1_query),
              "b2": g2_affine(pk.b_g2_query), "c": g1_affine(pk.l_query),
              "h": g1_affine(pk.h_query)}
    key = impl("groth16", backend).circuit_key(points, qap_rows(r1cs), pk.vk.n_public,
                                               pk.domain_size)
    pk._prepared[("circuit", backend)] = (r1cs, key)
    return key


def prove_from_row_values(pk: ProvingKey, witness: list[int], a: list[int], b: list[int],
                          c: list[int], *, rng: object = None) -> Proof:
    """The proof from A·w, B·w, C·w on the domain (one value per row, padded with zeros to
    ``pk.domain_size``), for provers that evaluate the rows themselves (e.g. from a snarkjs
    ``.zkey``, which stores A and B only and takes c = a * b). No checks: the caller
    guarantees a well-formed witness of ``pk.n_wires`` values in [0, r) and satisfied rows
    (otherwise the proof simply does not verify)."""
    # p_i = (a b - c)(w_2n w_n^i), snarkjs's buffPodd_T; with h_query it gives h Z / delta.
    p_odd = impl("groth16").h_odd(list(a), list(b), list(c))
    n_pub = pk.vk.n_public
    terms = (pk.prepared("a_query").msm(witness), pk.prepared("b_g1_query").msm(witness),
             pk.prepared("b_g2_query").msm(witness),
             pk.prepared("l_query").msm(witness[n_pub + 1 :]), pk.prepared("h_query").msm(p_odd))
    return combine(pk.vk, pk.beta_g1, pk.delta_g1, terms, rng=rng)


def combine(vk: VerifyingKey, beta_g1: G1, delta_g1: G1, terms: tuple, *,
            rng: object = None) -> Proof:
    """The proof from the MSMs of a witness, ``terms`` = (sum w_j A_j, sum w_j B1_j,
    sum w_j B2_j, the private sum w_j C_j + sum p_i H_i), or the last one as its two parts
    (five terms), blinded with r, s drawn from ``rng`` (default the OS CSPRNG) in that
    order."""
    rng = secrets.SystemRandom() if rng is None else rng
    a_sum, b1_sum, b2_sum, *c_parts = terms
    r, s = rng.randrange(0, R), rng.randrange(0, R)
    a = vk.alpha_g1 + a_sum + delta_g1 * r
    b_g2 = vk.beta_g2 + b2_sum + vk.delta_g2 * s
    b_g1 = beta_g1 + b1_sum + delta_g1 * s
    c = sum(c_parts[1:], c_parts[0]) + a * s + b_g1 * r - delta_g1 * (r * s % R)
    return Proof(a_g1=a, b_g2=b_g2, c_g1=c)
