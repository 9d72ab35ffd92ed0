"""Sigma proofs on BabyJubJub, made non-interactive with :class:`~zkvote.transcript.Transcript`.

* **Schnorr** proof of knowledge of x with X = x*G (``G`` defaults to Base8). A proof is the
  *commitment form* ``SchnorrProof(commitment R, response z)``: R = k*G, c = H(..., G, X, R),
  z = k + c*x mod l; the verifier checks z*G == R + c*X.
* **Chaum-Pedersen (DLEQ)**: log_G(A) = log_B(C) = x. A proof is the *challenge form*
  ``DLEQProof(challenge c, response z)``: a1 = k*G, a2 = k*B, c = H(..., G, A, B, C, a1, a2),
  z = k + c*x; the verifier recomputes a1 = z*G - c*A, a2 = z*B - c*C and checks that the
  challenge comes out equal. (Two scalars, 64 bytes, instead of two points and a scalar.)

Transcripts. The caller builds the transcript from its statement context (domain tag, poll id,
trustee and option index, ...), identically on both sides; the prove/verify functions then
absorb the statement points themselves, in the order above, before the commitments. They work on
a copy, so the caller's transcript is left unchanged and may be reused.

Nonces are hedged: k = SHA-512(32 fresh random bytes || x || transcript digest) mod l, so they
are unpredictable with a good RNG and still distinct per statement with a broken one; never a
function of x alone. Secret scalars are multiplied in constant time (``mul_base8`` /
``mul_secret``); verification uses only public values.

Statement points are taken as given: callers validate points from outside (the JSON decoders
here check on-curve and subgroup). The base G must not be the identity (InvalidArgument).

This module also holds the JSON codecs and random-scalar helper shared by the protocol modules
(:mod:`zkvote.elgamal`, :mod:`zkvote.threshold`): scalars are canonical decimal strings below l,
points ``[x, y]`` decimal strings validated on the curve and in the subgroup, and documents are
objects with exactly the expected keys (an unknown or missing key is InvalidEncoding).
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zkvote.babyjub import ORDER, Point
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding, InvalidProof
from zkvote.field import FR_MODULUS
from zkvote.transcript import Transcript
from zkvote.validate import check_range, parse_decimal

_ORDER_NAME = "the subgroup order l"

# ------------------------------------------------------------ randomness


def random_scalar(rng: random.Random | None = None) -> int:
    """A uniform scalar in [1, l). ``rng`` (e.g. ``random.Random(seed)`` for reproducible
    simulations, never for real secrets) defaults to the OS CSPRNG."""
    if rng is None:
        return 1 + secrets.randbelow(ORDER - 1)
    return rng.randrange(1, ORDER)


def random_bytes(n: int, rng: random.Random | None = None) -> bytes:
    """n random bytes from ``rng`` (default: the OS CSPRNG)."""
    return secrets.token_bytes(n) if rng is None else rng.randbytes(n)


def _nonce(secret: int, transcript: Transcript, rng: random.Random | None) -> int:
    h = hashlib.sha512(b"zkvote sigma nonce\x00")
    h.update(random_bytes(32, rng))
    h.update(secret.to_bytes(32, "little"))
    h.update(transcript.digest())
    k = int.from_bytes(h.digest(), "big") % ORDER
    return k or 1  # k = 0 has probability 2^-251; 1 keeps the nonce in range


def _mul_secret(base: Point, k: int) -> Point:
    return Point.mul_base8(k) if base == Point.base8() else base.mul_secret(k)


def _mul_public(base: Point, k: int) -> Point:
    # The fixed-base table is the fastest path for Base8 and is fine for public scalars too.
    return Point.mul_base8(k % ORDER) if base == Point.base8() else base.mul(k)


def _check_point(p: object, what: str) -> Point:
    if not isinstance(p, Point):
        raise InvalidEncoding(f"{what} must be a babyjub.Point, not {type(p).__name__}")
    return p


def _check_base(p: object, what: str = "base G") -> Point:
    p = _check_point(p, what)
    if p.is_identity():
        raise InvalidArgument(f"{what} must not be the identity")
    return p


def _check_scalar(k: object, what: str) -> int:
    return check_range(k, ORDER, what, _ORDER_NAME)


# ------------------------------------------------------------ JSON codecs


def scalar_to_json(k: int) -> str:
    """A scalar (or any non-negative int) as a decimal string."""
    return str(k)


def scalar_from_json(value: object, what: str = "scalar") -> int:
    """A scalar below l from its canonical decimal string: InvalidEncoding (another shape),
    FieldRangeError (>= l), as :func:`zkvote.validate.parse_decimal`."""
    return parse_decimal(value, what, ORDER, _ORDER_NAME)


def point_to_json(p: Point) -> list[str]:
    """A point as ``[x, y]`` decimal strings."""
    return [str(p.x), str(p.y)]


def point_from_json(value: object, what: str = "point") -> Point:
    """A point from ``[x, y]`` decimal strings, validated: InvalidEncoding (shape),
    FieldRangeError (coordinate >= r), InvalidPoint (off the curve), NotInSubgroup."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InvalidEncoding(f"{what} must be an [x, y] pair")
    x = parse_decimal(value[0], f"{what} x", FR_MODULUS)
    y = parse_decimal(value[1], f"{what} y", FR_MODULUS)
    return Point.from_affine(x, y)


def index_from_json(value: object, what: str, low: int = 1, high: int = 1 << 16) -> int:
    """A JSON integer (not a bool, not a string) in [low, high). InvalidEncoding /
    FieldRangeError otherwise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidEncoding(f"{what} must be an integer")
    if not low <= value < high:
        raise FieldRangeError(f"{what} must be in [{low}, {high})")
    return value


def list_from_json(value: object, what: str, max_len: int = 1 << 20) -> list[Any]:
    """``value`` if it is a JSON array of at most ``max_len`` items; InvalidEncoding else."""
    if not isinstance(value, list):
        raise InvalidEncoding(f"{what} must be a list")
    if len(value) > max_len:
        raise InvalidEncoding(f"{what} has more than {max_len} items")
    return value


def object_from_json(data: object, keys: Iterable[str], what: str,
                     version: int | None = None) -> Mapping[str, Any]:
    """``data`` if it is a JSON object with exactly ``keys`` (plus ``"version"`` equal to
    ``version`` when given). InvalidEncoding for another type, a missing or unknown key, or a
    wrong version."""
    expected = set(keys) | ({"version"} if version is not None else set())
    if not isinstance(data, dict):
        raise InvalidEncoding(f"{what} must be a JSON object")
    if set(data) != expected:
        missing = sorted(expected - set(data))
        unknown = sorted(set(data) - expected, key=str)
        raise InvalidEncoding(f"{what}: missing fields {missing}, unknown fields {unknown}")
    if version is not None:
        v = data["version"]
        if not isinstance(v, int) or isinstance(v, bool) or v != version:
            raise InvalidEncoding(f"{what}: unsupported version {v!r} (expected {version})")
    return data


# ------------------------------------------------------------ Schnorr


@dataclass(frozen=True)
class SchnorrProof:
    """Proof of knowledge of log_G(X): commitment R = k*G and response z = k + c*x mod l."""

    commitment: Point
    response: int

    def __post_init__(self) -> None:
        _check_point(self.commitment, "Schnorr commitment")
        _check_scalar(self.response, "Schnorr response")

    def to_json(self) -> dict[str, Any]:
        """``{"commitment": [x, y], "response": "z"}`` (decimal strings)."""
        return {"commitment": point_to_json(self.commitment),
                "response": scalar_to_json(self.response)}

    @classmethod
    def from_json(cls, data: object) -> SchnorrProof:
        """Strict inverse of :meth:`to_json`: InvalidEncoding (shape, unknown field),
        FieldRangeError (z >= l or a coordinate >= r), InvalidPoint / NotInSubgroup (R)."""
        d = object_from_json(data, ("commitment", "response"), "Schnorr proof")
        return cls(point_from_json(d["commitment"], "Schnorr commitment"),
                   scalar_from_json(d["response"], "Schnorr response"))


def _schnorr_challenge(t: Transcript, base: Point, X: Point, R: Point) -> int:
    t.append_point("schnorr/G", base)
    t.append_point("schnorr/X", X)
    t.append_point("schnorr/R", R)
    return t.challenge("schnorr/c")


def prove_schnorr(x: int, X: Point, transcript: Transcript, *, base: Point | None = None,
                  rng: random.Random | None = None) -> SchnorrProof:
    """Prove knowledge of x with X = x*base (base defaults to Base8), bound to ``transcript``
    (not modified). x in [0, l). Raises FieldRangeError / InvalidEncoding (bad x, wrong types),
    InvalidArgument (X != x*base, identity base)."""
    base = Point.base8() if base is None else _check_base(base)
    x = _check_scalar(x, "Schnorr secret")
    X = _check_point(X, "Schnorr statement X")
    if _mul_secret(base, x) != X:
        raise InvalidArgument("Schnorr statement: X != x*G")
    t = transcript.copy()
    t.append_point("schnorr/G", base)
    t.append_point("schnorr/X", X)
    k = _nonce(x, t, rng)
    R = _mul_secret(base, k)
    c = _schnorr_challenge(transcript.copy(), base, X, R)
    return SchnorrProof(R, (k + c * x) % ORDER)


def verify_schnorr(X: Point, proof: SchnorrProof, transcript: Transcript, *,
                   base: Point | None = None) -> None:
    """Check ``proof`` that the prover knows log_base(X) under ``transcript`` (not modified).
    Raises InvalidProof if it does not verify, InvalidEncoding for wrong types,
    InvalidArgument for an identity base."""
    base = Point.base8() if base is None else _check_base(base)
    X = _check_point(X, "Schnorr statement X")
    if not isinstance(proof, SchnorrProof):
        raise InvalidEncoding("expected a SchnorrProof")
    c = _schnorr_challenge(transcript.copy(), base, X, proof.commitment)
    if _mul_public(base, proof.response) != proof.commitment + X.mul(c):
        raise InvalidProof("Schnorr proof of knowledge does not verify")


# ------------------------------------------------------------ Chaum-Pedersen (DLEQ)


@dataclass(frozen=True)
class DLEQProof:
    """Proof that log_G(A) = log_B(C), in challenge form: (c, z), both below l."""

    challenge: int
    response: int

    def __post_init__(self) -> None:
        _check_scalar(self.challenge, "DLEQ challenge")
        _check_scalar(self.response, "DLEQ response")

    def to_json(self) -> dict[str, Any]:
        """``{"challenge": "c", "response": "z"}`` (decimal strings)."""
        return {"challenge": scalar_to_json(self.challenge),
                "response": scalar_to_json(self.response)}

    @classmethod
    def from_json(cls, data: object) -> DLEQProof:
        """Strict inverse of :meth:`to_json`: InvalidEncoding (shape, unknown field),
        FieldRangeError (a scalar >= l)."""
        d = object_from_json(data, ("challenge", "response"), "DLEQ proof")
        return cls(scalar_from_json(d["challenge"], "DLEQ challenge"),
                   scalar_from_json(d["response"], "DLEQ response"))


def _dleq_challenge(t: Transcript, G: Point, A: Point, B: Point, C: Point, a1: Point,
                    a2: Point) -> int:
    for label, p in (("G", G), ("A", A), ("B", B), ("C", C), ("a1", a1), ("a2", a2)):
        t.append_point(f"dleq/{label}", p)
    return t.challenge("dleq/c")


def prove_dleq(x: int, G: Point, A: Point, B: Point, C: Point, transcript: Transcript, *,
               rng: random.Random | None = None) -> DLEQProof:
    """Prove log_G(A) = log_B(C) = x, bound to ``transcript`` (not modified). x in [0, l).
    Raises FieldRangeError / InvalidEncoding (bad x, wrong types), InvalidArgument (the
    statement is false, or G is the identity)."""
    G = _check_base(G)
    A, B, C = (_check_point(p, f"DLEQ statement {n}") for p, n in ((A, "A"), (B, "B"), (C, "C")))
    x = _check_scalar(x, "DLEQ secret")
    if _mul_secret(G, x) != A or _mul_secret(B, x) != C:
        raise InvalidArgument("DLEQ statement is false: A != x*G or C != x*B")
    t = transcript.copy()
    for label, p in (("G", G), ("A", A), ("B", B), ("C", C)):
        t.append_point(f"dleq/{label}", p)
    k = _nonce(x, t, rng)
    c = _dleq_challenge(transcript.copy(), G, A, B, C, _mul_secret(G, k), _mul_secret(B, k))
    return DLEQProof(c, (k + c * x) % ORDER)


def verify_dleq(G: Point, A: Point, B: Point, C: Point, proof: DLEQProof,
                transcript: Transcript) -> None:
    """Check ``proof`` that log_G(A) = log_B(C) under ``transcript`` (not modified).
    Raises InvalidProof if it does not verify, InvalidEncoding for wrong types,
    InvalidArgument for an identity G."""
    G = _check_base(G)
    A, B, C = (_check_point(p, f"DLEQ statement {n}") for p, n in ((A, "A"), (B, "B"), (C, "C")))
    if not isinstance(proof, DLEQProof):
        raise InvalidEncoding("expected a DLEQProof")
    c, z = proof.challenge, proof.response
    a1 = _mul_public(G, z) - A.mul(c)
    a2 = B.mul(z) - C.mul(c)
    if _dleq_challenge(transcript.copy(), G, A, B, C, a1, a2) != c:
        raise InvalidProof("Chaum-Pedersen (DLEQ) proof does not verify")


__all__ = [
    "DLEQProof",
    "SchnorrProof",
    "index_from_json",
    "list_from_json",
    "object_from_json",
    "point_from_json",
    "point_to_json",
    "prove_dleq",
    "prove_schnorr",
    "random_bytes",
    "random_scalar",
    "scalar_from_json",
    "scalar_to_json",
    "verify_dleq",
    "verify_schnorr",
]
