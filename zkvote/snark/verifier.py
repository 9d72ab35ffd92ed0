"""Groth16 verification, one proof at a time or many at once.

A proof (A, B, C) for public inputs x verifies when

    e(A, B) = e(alpha, beta) * e(vk_x, gamma) * e(C, delta),  vk_x = IC_0 + sum x_i IC_i,

checked as e(A, B) e(vk_x, -gamma) e(C, -delta) e(-alpha, beta) = 1: one plain Miller loop,
two over prepared points (-gamma and -delta with their lines precomputed), the precomputed
Miller value of (-alpha, beta) multiplied in, and one final exponentiation.

Malformed input (a key or proof of the wrong type, a wrong number of public inputs, an input
outside [0, r)) raises a subclass of :class:`zkvote.errors.InvalidInput`; ``False`` means
only that a well-formed proof does not verify.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence

from zkvote.backend import impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1, msm
from zkvote.pairing import final_exponentiation, miller_loop, pairing_check
from zkvote.snark.keys import (
    PreparedVerifyingKey,
    Proof,
    VerifyingKey,
    prepare_verifying_key,
)
from zkvote.validate import check_range

R = FR_MODULUS
_RHO_BITS = 128  # forging a batch then succeeds with probability about 2^-128
# Below this many points the batched G2 membership check (a fixed cost of one psi test per
# combination) is slower than one psi test per point (measured: about even at 128 points,
# 3-5x faster from 512).
G2_BATCH_MIN = 128


def _prepared(vk: object) -> PreparedVerifyingKey:
    if isinstance(vk, PreparedVerifyingKey):
        return vk
    if isinstance(vk, VerifyingKey):
        return prepare_verifying_key(vk)
    raise InvalidEncoding(f"expected a (Prepared)VerifyingKey, not {type(vk).__name__}")


def _inputs(pvk: PreparedVerifyingKey, public_inputs: object) -> list[int]:
    if isinstance(public_inputs, str | bytes) or not isinstance(public_inputs, Sequence):
        raise InvalidEncoding("public inputs must be a sequence of ints")
    if len(public_inputs) != pvk.vk.n_public:
        raise InvalidArgument(
            f"the key expects {pvk.vk.n_public} public inputs, got {len(public_inputs)}"
        )
    return [check_range(x, R, "a public input") for x in public_inputs]


def _proof(proof: object) -> Proof:
    if not isinstance(proof, Proof):
        raise InvalidEncoding(f"expected a Proof, not {type(proof).__name__}")
    return proof


def _items(pvk: PreparedVerifyingKey, items: object) -> list[tuple[list[int], Proof]]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InvalidEncoding("items must be a sequence of (public_inputs, proof) pairs")
    checked = []
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise InvalidEncoding("items must be (public_inputs, proof) pairs")
        checked.append((_inputs(pvk, item[0]), _proof(item[1])))
    return checked


def verify(vk: VerifyingKey | PreparedVerifyingKey, public_inputs: Sequence[int],
           proof: Proof) -> bool:
    """Whether ``proof`` is valid for ``public_inputs`` under ``vk``.

    Pass a :class:`PreparedVerifyingKey` (``prepare_verifying_key(vk)``) when verifying
    several proofs: a plain key is prepared on each call (one extra pairing). Raises
    InvalidEncoding (wrong types), InvalidArgument (public input count differs from the
    key's), FieldRangeError (a public input outside [0, r)).
    """
    pvk = _prepared(vk)
    xs = _inputs(pvk, public_inputs)
    proof = _proof(proof)
    vk_x = pvk.vk.gamma_abc_g1[0] + pvk.inputs_g1.msm(xs)
    return pairing_check(
        [
            (proof.a_g1, proof.b_g2),
            (vk_x, pvk.gamma_g2_neg_prepared),
            (proof.c_g1, pvk.delta_g2_neg_prepared),
        ],
        factor=pvk.neg_alpha_beta_miller(),
    )


def batch_verify(vk: VerifyingKey | PreparedVerifyingKey,
                 items: Sequence[tuple[Sequence[int], Proof]], *, rng: object = None) -> bool:
    """Whether every (public_inputs, proof) in ``items`` verifies (True for none), with a
    random linear combination: for random 128-bit rho_i,

        prod e(rho_i A_i, B_i) * e(sum rho_i vk_x_i, -gamma) * e(sum rho_i C_i, -delta)
            == e(alpha, beta)^S,  S = sum rho_i,

    n + 2 Miller loops (the last two over the key's prepared points), one final
    exponentiation, and a GT exponentiation of the precomputed e(alpha, beta). sum rho_i vk_x_i
    is a single MSM over the key's input points. False
    means at least one proof is invalid (except with probability ~2^-128); use
    :func:`find_invalid` to name them. ``rng`` needs ``randrange`` (default: the OS CSPRNG);
    it must be unpredictable to whoever made the proofs. Errors as :func:`verify`.
    """
    pvk = _prepared(vk)
    checked = _items(pvk, items)
    if not checked:
        return True
    rng = secrets.SystemRandom() if rng is None else rng
    rhos = [rng.randrange(1, 1 << _RHO_BITS) for _ in checked]
    total = sum(rhos) % R
    weights = [sum(rho * xs[j] for rho, (xs, _) in zip(rhos, checked, strict=True)) % R
               for j in range(pvk.vk.n_public)]
    vk_x = pvk.vk.gamma_abc_g1[0] * total + pvk.inputs_g1.msm(weights)
    c = msm([proof.c_g1 for _, proof in checked], rhos)
    pairs: list[tuple[G1, object]] = [
        (proof.a_g1 * rho, proof.b_g2) for rho, (_, proof) in zip(rhos, checked, strict=True)
    ]
    pairs += [(vk_x, pvk.gamma_g2_neg_prepared), (c, pvk.delta_g2_neg_prepared)]
    return final_exponentiation(miller_loop(pairs)) == pvk.alpha_g1_beta_g2**total


def find_invalid(vk: VerifyingKey | PreparedVerifyingKey,
                 items: Sequence[tuple[Sequence[int], Proof]], *, rng: object = None
                 ) -> list[int]:
    """The indices (ascending) of the items of ``items`` that do not verify, found by
    bisection with :func:`batch_verify` (halves that pass are cleared at once; single items
    are checked with :func:`verify`). Errors as :func:`batch_verify`."""
    pvk = _prepared(vk)
    items = _items(pvk, items)

    def search(lo: int, hi: int) -> list[int]:
        if hi - lo == 1:
            public_inputs, proof = items[lo]
            return [] if verify(pvk, public_inputs, proof) else [lo]
        if batch_verify(pvk, items[lo:hi], rng=rng):
            return []
        mid = (lo + hi) // 2
        return search(lo, mid) + search(mid, hi)

    return search(0, len(items)) if items else []


def g2_subgroup_failures(points: Sequence[tuple[tuple[int, int], tuple[int, int]] | None]
                         ) -> list[int]:
    """The indices (ascending) of the points of ``points`` - affine twist points as
    :func:`zkvote.snark.snarkjs_json.g2_affine_from_json` returns them, already checked to
    lie on the twist; None is the identity - that are outside G2.

    From G2_BATCH_MIN points on, all are first checked at once by random linear
    combinations (coefficients from ``os.urandom``, so unpredictable to whoever chose the
    points; a point outside G2 escapes with probability below 2^-127, see the backend's
    ``g2_subgroup_batch``); only when that fails (or for fewer points) is each point given
    the exact psi test. Raises InvalidEncoding / FieldRangeError for a point that is not
    canonical."""
    present = [(i, p) for i, p in enumerate(points) if p is not None]
    g2 = impl("g2")
    if len(present) < G2_BATCH_MIN:
        return [i for i, p in present if not g2.is_in_subgroup(p)]
    groth16 = impl("groth16")
    rho = os.urandom(groth16.SUBGROUP_REPS * groth16.SUBGROUP_RHO_BYTES * len(present))
    if groth16.g2_subgroup_batch([p for _, p in present], rho):
        return []
    return [i for i, p in present if not g2.is_in_subgroup(p)]
