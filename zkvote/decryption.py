"""Threshold decryption of tallies by the trustees of a :mod:`zkvote.threshold` DKG.

The aggregate is a vector of exponential-ElGamal ciphertexts (c1_i, c2_i) under the joint key
H. Trustee j (secret share x_j, public share X_j = x_j*G from the DKG) publishes a
:class:`PartialDecryption`: D_ji = x_j*c1_i for every option i, each with a Chaum-Pedersen
proof that log_G(X_j) = log_c1_i(D_ji), its transcript absorbing the DKG context (poll id, n,
t), j, the option index and count, X_j, c1_i, c2_i and D_ji - so a partial cannot be moved to
another poll, trustee, option or ciphertext. :func:`verify_partial_decryption` checks it;
:func:`combine_partials` takes the partials of at least t distinct trustees and returns
m_i*G = c2_i - sum_j lambda_j D_ji, with Lagrange coefficients at 0
(:func:`lagrange_coefficient`) over the indices supplied (verify each partial first). Finding
m_i from m_i*G is the tally's job (bounded discrete log).

The secret share is multiplied in constant time (:meth:`zkvote.babyjub.Point.mul_secret`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zkvote.babyjub import ORDER, Point
from zkvote.elgamal import Ciphertext
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidProof, ProtocolError
from zkvote.sigma import (
    DLEQProof,
    list_from_json,
    object_from_json,
    point_from_json,
    point_to_json,
    prove_dleq,
    verify_dleq,
)
from zkvote.threshold import VERSION, DKGContext, TrusteeShare, trustee_index
from zkvote.transcript import Transcript
from zkvote.validate import check_int

DOMAIN_DECRYPTION = "zkvote/threshold/partial-decryption"


@dataclass(frozen=True)
class PartialDecryption:
    """Trustee ``index``'s decryption shares D_i = x_j*c1_i of a ciphertext vector, with one
    Chaum-Pedersen proof per option."""

    index: int
    shares: tuple[Point, ...]
    proofs: tuple[DLEQProof, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "shares", tuple(self.shares))
        object.__setattr__(self, "proofs", tuple(self.proofs))
        trustee_index(self.index)
        if not all(isinstance(p, Point) for p in self.shares):
            raise InvalidEncoding("partial decryption shares must be Points")
        if not all(isinstance(p, DLEQProof) for p in self.proofs):
            raise InvalidEncoding("partial decryption proofs must be DLEQProofs")
        if len(self.shares) != len(self.proofs):
            raise InvalidEncoding("partial decryption: one proof per share")

    def to_json(self) -> dict[str, Any]:
        """``{"version", "index", "shares": [[x, y], ...], "proofs": [{challenge, response}]}``."""
        return {"version": VERSION, "index": self.index,
                "shares": [point_to_json(p) for p in self.shares],
                "proofs": [p.to_json() for p in self.proofs]}

    @classmethod
    def from_json(cls, data: object) -> PartialDecryption:
        """Strict inverse of :meth:`to_json` (InvalidEncoding / FieldRangeError /
        InvalidPoint / NotInSubgroup)."""
        d = object_from_json(data, ("index", "shares", "proofs"), "partial decryption", VERSION)
        return cls(trustee_index(d["index"]),
                   tuple(point_from_json(p, "decryption share")
                         for p in list_from_json(d["shares"], "shares", 1 << 16)),
                   tuple(DLEQProof.from_json(p)
                         for p in list_from_json(d["proofs"], "proofs", 1 << 16)))


def _decryption_transcript(context: DKGContext, index: int, option: int, options: int,
                           public: Point, ct: Ciphertext, share: Point) -> Transcript:
    t = Transcript(DOMAIN_DECRYPTION)
    context.absorb(t)
    t.append_int("trustee", index)
    t.append_int("options", options)
    t.append_int("option", option)
    t.append_point("public_share", public)
    t.append_point("c1", ct.c1)
    t.append_point("c2", ct.c2)
    t.append_point("decryption_share", share)
    return t


def _check_ciphertexts(ciphertexts: Sequence[Ciphertext]) -> list[Ciphertext]:
    cts = list(ciphertexts)
    if not all(isinstance(c, Ciphertext) for c in cts):
        raise InvalidEncoding("expected Ciphertext values")
    return cts


def partial_decrypt(share: TrusteeShare, ciphertexts: Sequence[Ciphertext], context: DKGContext,
                    *, rng: random.Random | None = None) -> PartialDecryption:
    """D_i = x_j*c1_i for every ciphertext, each with a DLEQ proof that log_G(X_j) =
    log_c1_i(D_i). Raises InvalidEncoding (types), InvalidArgument (index outside 1..n, or a
    secret share that does not match its public share)."""
    if not isinstance(share, TrusteeShare):
        raise InvalidEncoding("expected a TrusteeShare")
    j = context.check_index(share.index)
    cts = _check_ciphertexts(ciphertexts)
    G = Point.base8()
    shares, proofs = [], []
    for i, ct in enumerate(cts):
        d = ct.c1.mul_secret(share.secret_share)
        t = _decryption_transcript(context, j, i, len(cts), share.public_share, ct, d)
        proofs.append(prove_dleq(share.secret_share, G, share.public_share, ct.c1, d, t,
                                 rng=rng))
        shares.append(d)
    return PartialDecryption(j, tuple(shares), tuple(proofs))


def verify_partial_decryption(public_share: Point, ciphertexts: Sequence[Ciphertext],
                              partial: PartialDecryption, context: DKGContext) -> None:
    """Check every proof of ``partial`` against trustee ``partial.index``'s public share.
    Raises InvalidProof naming the trustee and option (or a length mismatch), InvalidArgument
    for an index outside 1..n, InvalidEncoding for wrong types."""
    if not isinstance(partial, PartialDecryption) or not isinstance(public_share, Point):
        raise InvalidEncoding("expected a Point and a PartialDecryption")
    j = context.check_index(partial.index)
    cts = _check_ciphertexts(ciphertexts)
    if len(partial.shares) != len(cts):
        raise InvalidProof(f"trustee {j}: {len(partial.shares)} decryption shares for "
                           f"{len(cts)} ciphertexts")
    G = Point.base8()
    for i, (ct, d, proof) in enumerate(zip(cts, partial.shares, partial.proofs, strict=True)):
        t = _decryption_transcript(context, j, i, len(cts), public_share, ct, d)
        try:
            verify_dleq(G, public_share, ct.c1, d, proof, t)
        except InvalidProof as e:
            raise InvalidProof(f"trustee {j}: decryption proof for option {i} fails") from e


def lagrange_coefficient(j: int, indices: Iterable[int]) -> int:
    """lambda_j = prod_{m != j} m / (m - j) mod l, the weight of share j when interpolating at
    0 over ``indices``. InvalidArgument if j is not among them, they repeat, or one is outside
    [1, l)."""
    idx = [check_int(m, "trustee index") for m in indices]
    if len(set(idx)) != len(idx) or not all(0 < m < ORDER for m in idx) or j not in idx:
        raise InvalidArgument("lagrange_coefficient: need distinct indices in [1, l) including j")
    num = den = 1
    for m in idx:
        if m != j:
            num = num * m % ORDER
            den = den * (m - j) % ORDER
    return num * pow(den, -1, ORDER) % ORDER


def combine_partials(partials: Sequence[PartialDecryption], ciphertexts: Sequence[Ciphertext],
                     t: int) -> list[Point]:
    """m_i*G = c2_i - sum_j lambda_j D_ji for every ciphertext, interpolating over all the
    partials given (verify them first). ProtocolError for fewer than t partials, two from the
    same trustee, or a partial with the wrong number of shares."""
    t = check_int(t, "t")
    cts = _check_ciphertexts(ciphertexts)
    if not all(isinstance(p, PartialDecryption) for p in partials):
        raise InvalidEncoding("expected PartialDecryption values")
    indices = [p.index for p in partials]
    if len(set(indices)) != len(indices):
        raise ProtocolError("two partial decryptions from the same trustee")
    if len(indices) < t:
        raise ProtocolError(f"{len(indices)} partial decryptions, need t = {t}")
    for p in partials:
        if len(p.shares) != len(cts):
            raise ProtocolError(f"trustee {p.index}: wrong number of decryption shares")
    lambdas = [lagrange_coefficient(j, indices) for j in indices]
    return [ct.c2 - Point.msm([p.shares[i] for p in partials], lambdas)
            for i, ct in enumerate(cts)]


__all__ = [
    "DOMAIN_DECRYPTION",
    "PartialDecryption",
    "combine_partials",
    "lagrange_coefficient",
    "partial_decrypt",
    "verify_partial_decryption",
]
