"""Exponential ElGamal on BabyJubJub's prime-order subgroup (G = Base8, scalars mod l).

Enc(m; r) = (r*G, m*G + r*H) under the public key H = sk*G. Ciphertexts add point-wise, and the
sum encrypts the sum of the plaintexts: this is how a tally is formed without decrypting any
ballot. Decryption yields m*G = c2 - sk*c1; m itself is recovered by a bounded discrete log
(:func:`decode`, native baby-step giant-step), which is fine for tallies (small m) and
infeasible for arbitrary m - so encrypt small values only.

A ballot encrypts option i with its own randomness r_i: (r_i*G, v_i*G + r_i*H), exactly what
the ballot circuit proves (:func:`encrypt_vector`). Reusing one r for two options under one H
would reveal v_i - v_j.

Secrets (sk, m, r) are multiplied in constant time (``mul_base8`` / ``mul_secret``).
Ciphertext points are validated where they enter (:meth:`Ciphertext.from_json`: on the curve, in
the subgroup); :class:`Ciphertext` itself only checks that it holds two Points.

Aggregation (:func:`aggregate`) packs the ciphertext points into bytes and sums each column in
one native call (mixed additions in extended coordinates, one normalisation per column and
chunk), about 20x faster than adding Point objects; it streams, so it accepts a generator of
ballots without holding them all.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zkvote import dlog
from zkvote.babyjub import ORDER, Point
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.sigma import list_from_json, point_from_json, point_to_json, random_scalar
from zkvote.validate import check_int, check_range

# Ballots per native call in aggregate(): 8192 x 16 points x 64 bytes = 8 MiB of buffer.
_AGGREGATE_CHUNK = 8192


@dataclass(frozen=True)
class Ciphertext:
    """An exponential-ElGamal ciphertext (c1, c2) = (r*G, m*G + r*H). Immutable, hashable,
    compared by value; ``a + b`` is the point-wise (homomorphic) sum."""

    c1: Point
    c2: Point

    def __post_init__(self) -> None:
        if not isinstance(self.c1, Point) or not isinstance(self.c2, Point):
            raise InvalidEncoding("a Ciphertext holds two babyjub.Point values")

    def __add__(self, other: object) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.c1 + other.c1, self.c2 + other.c2)

    @classmethod
    def zero(cls) -> Ciphertext:
        """(identity, identity): the neutral element, an encryption of 0 with r = 0."""
        return cls(Point.identity(), Point.identity())

    def to_json(self) -> list[list[str]]:
        """``[[c1.x, c1.y], [c2.x, c2.y]]`` as decimal strings."""
        return [point_to_json(self.c1), point_to_json(self.c2)]

    @classmethod
    def from_json(cls, data: object) -> Ciphertext:
        """Strict inverse of :meth:`to_json`. Raises InvalidEncoding (shape), FieldRangeError
        (coordinate >= r), InvalidPoint (off the curve), NotInSubgroup."""
        if not isinstance(data, list) or len(data) != 2:
            raise InvalidEncoding("a ciphertext is [[x, y], [x, y]]")
        return cls(point_from_json(data[0], "ciphertext c1"),
                   point_from_json(data[1], "ciphertext c2"))


def vector_to_json(cts: Sequence[Ciphertext]) -> list[list[list[str]]]:
    """A vector of ciphertexts as a JSON list of :meth:`Ciphertext.to_json`."""
    return [ct.to_json() for ct in cts]


def vector_from_json(data: object, n_options: int | None = None) -> list[Ciphertext]:
    """Inverse of :func:`vector_to_json`; with ``n_options``, the length must match
    (InvalidEncoding). Errors of :meth:`Ciphertext.from_json` otherwise."""
    items = list_from_json(data, "ciphertext vector", max_len=1 << 16)
    if n_options is not None and len(items) != n_options:
        raise InvalidEncoding(f"expected {n_options} ciphertexts, got {len(items)}")
    return [Ciphertext.from_json(item) for item in items]


def _check_public_key(pk: object) -> Point:
    if not isinstance(pk, Point):
        raise InvalidEncoding(f"public key must be a babyjub.Point, not {type(pk).__name__}")
    if pk.is_identity():
        raise InvalidArgument("the identity is not a valid public key")
    if not pk.is_in_subgroup():
        raise InvalidArgument("public key outside the prime-order subgroup")
    return pk


def _check_secret_key(sk: object) -> int:
    sk = check_range(sk, ORDER, "secret key", "the subgroup order l")
    if sk == 0:
        raise InvalidArgument("secret key must be in [1, l)")
    return sk


def _check_randomness(r: object) -> int:
    r = check_range(r, ORDER, "encryption randomness", "the subgroup order l")
    if r == 0:
        raise InvalidArgument("encryption randomness must be in [1, l)")
    return r


def _check_ciphertext(ct: object) -> Ciphertext:
    if not isinstance(ct, Ciphertext):
        raise InvalidEncoding(f"expected a Ciphertext, not {type(ct).__name__}")
    return ct


def keygen(rng: random.Random | None = None) -> tuple[int, Point]:
    """A key pair (sk, pk = sk*G) with sk uniform in [1, l). ``rng`` as in
    :func:`zkvote.sigma.random_scalar` (default the OS CSPRNG)."""
    sk = random_scalar(rng)
    return sk, Point.mul_base8(sk)


def _enc(pk: Point, m: int, r: int) -> Ciphertext:
    return Ciphertext(Point.mul_base8(r), Point.mul_base8(m) + pk.mul_secret(r))


def encrypt(pk: Point, m: int, r: int | None = None, *,
            rng: random.Random | None = None) -> tuple[Ciphertext, int]:
    """Enc(m; r) under ``pk``, returned with the randomness used.

    m in [0, l); r in [1, l), drawn uniformly (from ``rng`` or the OS CSPRNG) when None.
    Raises InvalidEncoding (wrong types), FieldRangeError (m or r out of range),
    InvalidArgument (r = 0; pk the identity or outside the subgroup).
    """
    pk = _check_public_key(pk)
    m = check_range(m, ORDER, "plaintext", "the subgroup order l")
    r = random_scalar(rng) if r is None else _check_randomness(r)
    return _enc(pk, m, r), r


def encrypt_vector(pk: Point, values: Sequence[int], randomness: Sequence[int] | None = None,
                   *, rng: random.Random | None = None) -> tuple[list[Ciphertext], list[int]]:
    """Encrypt each value with its own randomness: option i is (r_i*G, v_i*G + r_i*H).

    ``randomness`` (same length as ``values``, each in [1, l)) defaults to fresh uniform
    scalars. Returns (ciphertexts, randomness). Errors as :func:`encrypt`, plus
    InvalidArgument when the lengths differ.
    """
    pk = _check_public_key(pk)
    values = [check_range(m, ORDER, "plaintext", "the subgroup order l") for m in values]
    if randomness is None:
        rs = [random_scalar(rng) for _ in values]
    else:
        rs = [_check_randomness(r) for r in randomness]
        if len(rs) != len(values):
            raise InvalidArgument("encrypt_vector: values and randomness differ in length")
    return [_enc(pk, m, r) for m, r in zip(values, rs, strict=True)], rs


def rerandomize(pk: Point, ct: Ciphertext, r: int | None = None, *,
                rng: random.Random | None = None) -> Ciphertext:
    """ct + Enc(0; r): the same plaintext under fresh-looking randomness. r in [1, l),
    random when None. Errors as :func:`encrypt`."""
    pk = _check_public_key(pk)
    ct = _check_ciphertext(ct)
    r = random_scalar(rng) if r is None else _check_randomness(r)
    return Ciphertext(ct.c1 + Point.mul_base8(r), ct.c2 + pk.mul_secret(r))


def add_vectors(a: Sequence[Ciphertext], b: Sequence[Ciphertext]) -> list[Ciphertext]:
    """Option-wise sum of two ciphertext vectors. InvalidArgument if the lengths differ,
    InvalidEncoding for a non-Ciphertext item."""
    if len(a) != len(b):
        raise InvalidArgument("add_vectors: vectors differ in length")
    return [_check_ciphertext(x) + _check_ciphertext(y) for x, y in zip(a, b, strict=True)]


def aggregate(vectors: Iterable[Sequence[Ciphertext]], n_options: int) -> list[Ciphertext]:
    """The option-wise homomorphic sum of ``vectors`` (each of length ``n_options``); zero
    ciphertexts for an empty input. Streams in native chunks (see the module docstring).

    Raises InvalidArgument (n_options < 1, or a vector of another length, named by its
    position), InvalidEncoding (an item that is not a Ciphertext).
    """
    n_options = check_int(n_options, "n_options")
    if n_options < 1:
        raise InvalidArgument("n_options must be at least 1")
    cols = 2 * n_options
    totals = [Point.identity()] * cols
    buf = bytearray()
    rows = 0

    def flush() -> None:
        nonlocal buf, rows
        if rows:
            sums = Point.sum_packed(bytes(buf), cols)
            totals[:] = [a + b for a, b in zip(totals, sums, strict=True)]
        buf, rows = bytearray(), 0

    for position, vector in enumerate(vectors):
        if len(vector) != n_options:
            raise InvalidArgument(
                f"ballot vector {position} has {len(vector)} ciphertexts, expected {n_options}")
        for ct in vector:
            if type(ct) is not Ciphertext:
                _check_ciphertext(ct)  # raises unless a subclass
            buf += ct.c1.to_bytes()
            buf += ct.c2.to_bytes()
        rows += 1
        if rows == _AGGREGATE_CHUNK:
            flush()
    flush()
    return [Ciphertext(totals[2 * i], totals[2 * i + 1]) for i in range(n_options)]


def decrypt_to_point(sk: int, ct: Ciphertext) -> Point:
    """m*G = c2 - sk*c1. sk in [1, l). Raises InvalidEncoding / FieldRangeError /
    InvalidArgument for a bad key or a non-Ciphertext."""
    sk = _check_secret_key(sk)
    ct = _check_ciphertext(ct)
    return ct.c2 - ct.c1.mul_secret(sk)


def decode(point: Point, bound: int) -> int:
    """The m in [0, bound) with point = m*G (native baby-step giant-step, variable time:
    public values only). Raises DiscreteLogNotFound if there is none, InvalidArgument for a
    bound beyond the default table's reach (see :mod:`zkvote.dlog`)."""
    return dlog.discrete_log(point, bound)


def decrypt(sk: int, ct: Ciphertext, bound: int) -> int:
    """The plaintext m in [0, bound) of ``ct``: :func:`decode` of :func:`decrypt_to_point`."""
    return decode(decrypt_to_point(sk, ct), bound)


__all__ = [
    "Ciphertext",
    "add_vectors",
    "aggregate",
    "decode",
    "decrypt",
    "decrypt_to_point",
    "encrypt",
    "encrypt_vector",
    "keygen",
    "rerandomize",
    "vector_from_json",
    "vector_to_json",
]
