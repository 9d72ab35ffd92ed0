"""Powers of tau (phase 1 of a Groth16 setup) and snarkjs ``.ptau`` files.

A :class:`PowersOfTau` of power p holds, for secrets tau, alpha, beta nobody knows (when at
least one contributor was honest), with N = 2^p:

- ``tau_g1``: tau^i G1 for i < 2N - 1 (snarkjs's section 2, tauG1);
- ``tau_g2``: tau^i G2 for i < N (section 3);
- ``alpha_tau_g1`` / ``beta_tau_g1``: alpha tau^i G1 / beta tau^i G1 for i < N (sections 4, 5);
- ``beta_g2``: beta G2 (section 6).

A ``.ptau`` file (iden3 container ``ptau``, version 1) starts with a header section 1:
u32 n8 (32), the base field prime p (32 bytes), u32 power, u32 ceremonyPower; section 7 is
the contributions transcript (kept here as bytes, as snarkjs wrote it). Points are stored
like in a ``.zkey``: affine coordinates in Montgomery form (x * 2^256 mod p), G1 as x || y,
G2 as x.c0 || x.c1 || y.c0 || y.c1, the identity all zeros. ``powersoftau prepare phase2``
adds sections 12-15, the same four sequences in the Lagrange basis of every domain size
2^0 .. 2^p (and 2^(p+1) for tauG1), concatenated; they are kept as bytes and decoded on
request by :func:`prepared_lagrange_g1`.

Phase 2 needs the Lagrange-basis points L_i(tau) P; this module computes them from the
monomial powers, with an inverse NTT over group elements (:func:`lagrange_points`), so a
plain (unprepared) ``.ptau`` and our own ceremony's output work alike; for a prepared
``.ptau``, :mod:`zkvote.snark.ptau_reader` reads them (and only the circuit's part of the
file) instead. For the largest
domain, 2N, the missing tau^(2N-1) P is taken as the identity, as snarkjs does: the prover
only combines these points with evaluations of a polynomial of degree <= 2N - 2, for which
that term has coefficient zero.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

from zkvote.backend import impl
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS
from zkvote.g1 import G1
from zkvote.g1 import affine_points as g1_affine
from zkvote.g2 import G2
from zkvote.g2 import affine_points as g2_affine
from zkvote.ntt import MAX_LOG_N
from zkvote.snark.binfile import parse_container
from zkvote.snark.verifier import g2_subgroup_failures

MAGIC = b"ptau"
VERSION = 1
SECTION_HEADER, SECTION_TAU_G1, SECTION_TAU_G2 = 1, 2, 3
SECTION_ALPHA_TAU_G1, SECTION_BETA_TAU_G1, SECTION_BETA_G2, SECTION_CONTRIBUTIONS = 4, 5, 6, 7
SECTION_LAGRANGE_TAU_G1 = 12
_REQUIRED = frozenset(range(1, 8))

FQ_BYTES = 32
G1_BYTES = 2 * FQ_BYTES
G2_BYTES = 4 * FQ_BYTES
MAX_POWER = MAX_LOG_N - 1  # the H query needs the domain of size 2N
_FQ_R_INV = pow(1 << 256, -1, FQ_MODULUS)
_FQ_MODULUS_LE = FQ_MODULUS.to_bytes(FQ_BYTES, "little")
_U32 = struct.Struct("<I")


def _check_points(values: object, kind: type, name: str) -> tuple:
    if not isinstance(values, tuple | list) or not all(isinstance(v, kind) for v in values):
        raise InvalidEncoding(f"{name} must be a list of {kind.__name__} points")
    return tuple(values)


@dataclass(frozen=True, eq=False)
class PowersOfTau:
    """The phase-1 output for domains up to N = 2^``power`` (see the module docstring).

    The constructor checks types and lengths only (the points are validated group elements
    by construction); whether the sequences really are consecutive powers of one secret is
    what :func:`zkvote.snark.ceremony.phase1_verify` checks. Raises InvalidEncoding for a
    non-point, InvalidArgument for inconsistent lengths or N above 2^MAX_POWER.
    """

    tau_g1: tuple[G1, ...]
    tau_g2: tuple[G2, ...]
    alpha_tau_g1: tuple[G1, ...]
    beta_tau_g1: tuple[G1, ...]
    beta_g2: G2

    def __post_init__(self) -> None:
        for name, kind in (("tau_g1", G1), ("tau_g2", G2), ("alpha_tau_g1", G1),
                           ("beta_tau_g1", G1)):
            object.__setattr__(self, name, _check_points(getattr(self, name), kind, name))
        if not isinstance(self.beta_g2, G2):
            raise InvalidEncoding("beta_g2 must be a G2 point")
        n = len(self.tau_g2)
        if n < 1 or n & (n - 1) or n > 1 << MAX_POWER:
            raise InvalidArgument(f"tau_g2 must hold 2^power points (power <= {MAX_POWER})")
        if len(self.tau_g1) != 2 * n - 1:
            raise InvalidArgument(f"tau_g1 must hold 2N - 1 = {2 * n - 1} points")
        if len(self.alpha_tau_g1) != n or len(self.beta_tau_g1) != n:
            raise InvalidArgument(f"alpha_tau_g1 and beta_tau_g1 must hold N = {n} points")

    @property
    def power(self) -> int:
        """log2 of N, the largest QAP domain these powers serve."""
        return len(self.tau_g2).bit_length() - 1


@dataclass(frozen=True, eq=False)
class Ptau:
    """A parsed ``.ptau`` file: the powers, snarkjs's ``ceremonyPower``, the contributions
    section (bytes, unchecked: ``snarkjs powersoftau verify`` checks it) and any other
    sections (e.g. the prepared Lagrange sections 12-15) as (type, bytes) in file order."""

    powers: PowersOfTau
    ceremony_power: int
    contributions: bytes
    extra_sections: tuple[tuple[int, bytes], ...] = ()


# ---- group-element inverse NTT


def lagrange_points(points: Sequence[G1] | Sequence[G2], log_n: int, *,
                    threads: int | None = None) -> list:
    """Turn monomial points tau^k P (k < len(points) <= 2^log_n; missing ones count as the
    identity) into the Lagrange basis L_i(tau) P, i < n = 2^log_n, of the domain of
    ``zkvote.ntt`` (generator ``root_of_unity(log_n)``): L_i(tau) = (1/n) sum_k w^(-ik) tau^k.

    An inverse NTT over the group in the current backend's ``group_ntt`` slice: about
    (n/2) log2(n) scalar multiplications. The native backend does them in C on ``threads``
    threads (default: the CPUs this process may use); the reference backend is pure Python,
    for small sizes only. Raises InvalidArgument for log_n out of [0, MAX_POWER + 1], too many
    points or threads outside 1..1024, InvalidEncoding for a mix of types or non-points.
    """
    if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool)
                                or not 1 <= threads <= 1024):
        raise InvalidArgument("threads must be None or an int in 1..1024")
    if not isinstance(log_n, int) or isinstance(log_n, bool) or not 0 <= log_n <= MAX_POWER + 1:
        raise InvalidArgument(f"log_n must be an int in [0, {MAX_POWER + 1}]")
    n = 1 << log_n
    if not isinstance(points, Sequence) or not points:
        raise InvalidEncoding("points must be a non-empty sequence of G1 or G2 points")
    kind = type(points[0])
    if kind not in (G1, G2) or not all(type(p) is kind for p in points):
        raise InvalidEncoding("points must all be G1 or all be G2 points")
    if len(points) > n:
        raise InvalidArgument(f"{len(points)} points do not fit a domain of size {n}")
    slice_ = impl("group_ntt")
    if kind is G1:
        return [G1._trusted(p) for p in slice_.g1_lagrange(g1_affine(points), log_n, threads)]
    return [G2._trusted(p) for p in slice_.g2_lagrange(g2_affine(points), log_n, threads)]


# ---- file decoding


def decode_points(raw: bytes | memoryview, kind: type, count: int, *, montgomery: bool,
                  big_endian: bool = False) -> tuple | None:
    """The ``count`` points of ``kind`` (G1 or G2) stored back to back in ``raw``, each
    validated: coordinates below p, on the curve (the twist for G2), and G2 points in G2
    (:func:`zkvote.snark.verifier.g2_subgroup_failures`, all at once). The decoding and curve
    checks run in the backend's ``groth16`` slice (C in the native backend).

    Layouts, the identity all zeros in both: little-endian (x || y, G2 x.c0 || x.c1 || y.c0
    || y.c1), in Montgomery form if ``montgomery``, as a ``.ptau`` or ``.zkey`` stores them;
    or with ``big_endian`` EIP-197 (x || y, G2 x.c1 || x.c0 || y.c1 || y.c0), as our own
    files and :meth:`G1.to_bytes` do.

    Returns the points, or None if any point is invalid: the caller then decodes point by
    point to name the first bad one in its own terms. InvalidEncoding if ``raw`` does not
    hold exactly ``count`` points; InvalidArgument if ``kind`` is neither G1 nor G2.
    """
    if kind not in (G1, G2):
        raise InvalidArgument(f"kind must be G1 or G2, not {kind!r}")
    size = G1_BYTES if kind is G1 else G2_BYTES
    if len(raw) != count * size:
        raise InvalidEncoding(f"{len(raw)} bytes are not {count} {kind.__name__} points")
    raw = bytes(raw)
    if big_endian:
        # Reversing each coordinate (G1) or each Fq2 (G2: c1 || c0 big-endian reversed is
        # c0 || c1 little-endian) gives the little-endian layout.
        step = FQ_BYTES if kind is G1 else 2 * FQ_BYTES
        raw = b"".join(raw[i : i + step][::-1] for i in range(0, len(raw), step))
    groth16 = impl("groth16")
    try:
        if kind is G1:
            return tuple(G1._trusted(p)
                         for p in groth16.g1_affine_from_le(raw, count, montgomery))
        points = groth16.g2_affine_from_le(raw, count, montgomery)
    except (FieldRangeError, InvalidPoint):
        return None
    if g2_subgroup_failures(points):
        return None
    return tuple(G2._trusted(q) for q in points)


def decode_g1_mont(raw: bytes | memoryview, what: str, *, count: int, first: int = 0,
                   stride: int = 1) -> tuple[G1, ...]:
    """Decode ``count`` G1 points of ``raw``, a run of points stored as in a ``.ptau``
    (x || y, little-endian Montgomery form, the identity all zeros): those at indices
    ``first``, ``first + stride``, ... (the other points of ``raw`` are not read).

    Errors name ``what`` and the point's index: FieldRangeError for a stored coordinate
    >= p, InvalidPoint for a point off y^2 = x^3 + 3; InvalidEncoding if ``raw`` is too
    short for the points asked for.
    """
    if count and (first + (count - 1) * stride + 1) * G1_BYTES > len(raw):
        raise InvalidEncoding(f"ptau: {what} has {len(raw)} bytes, too few for its points")
    raw = bytes(raw)
    if stride == 1:
        picked = raw[first * G1_BYTES : (first + count) * G1_BYTES]
    else:
        picked = b"".join(raw[off : off + G1_BYTES] for off in
                          range(first * G1_BYTES, (first + count * stride) * G1_BYTES,
                                stride * G1_BYTES))
    points = decode_points(picked, G1, count, montgomery=True)
    if points is None:
        _g1_mont_failure(picked, what, first, stride)
    return points


def _g1_mont_failure(picked: bytes, what: str, first: int, stride: int) -> NoReturn:
    # The first invalid point of a run that decode_points refused, in the reader's terms.
    p, r_inv, from_bytes = FQ_MODULUS, _FQ_R_INV, int.from_bytes
    for off in range(0, len(picked), G1_BYTES):
        index = first + off // G1_BYTES * stride
        xs, ys = from_bytes(picked[off : off + 32], "little"), from_bytes(
            picked[off + 32 : off + 64], "little")
        if xs >= p or ys >= p:
            raise FieldRangeError(f"ptau: {what} point {index}: a coordinate is not below p")
        x, y = xs * r_inv % p, ys * r_inv % p
        if (xs or ys) and (y * y - x * x * x - 3) % p:
            raise InvalidPoint(f"ptau: {what} point {index}: not on the curve y^2 = x^3 + 3")
    raise InvalidEncoding(f"ptau: {what}: an invalid G1 point")


def decode_g2_mont(raw: bytes | memoryview, what: str, *, count: int) -> tuple[G2, ...]:
    """Decode the first ``count`` G2 points of ``raw`` stored as in a ``.ptau`` (x.c0 ||
    x.c1 || y.c0 || y.c1, little-endian Montgomery form, the identity all zeros), each
    checked on the twist and all together in G2 by
    :func:`zkvote.snark.verifier.g2_subgroup_failures`.

    Errors name ``what`` and the point's index: FieldRangeError (coordinate >= p),
    InvalidPoint (off the twist), NotInSubgroup (outside G2; found by the exact per-point
    test once the batch test has failed, or directly for fewer than G2_BATCH_MIN points);
    InvalidEncoding if ``raw`` is too short.
    """
    if count * G2_BYTES > len(raw):
        raise InvalidEncoding(f"ptau: {what} has {len(raw)} bytes, too few for {count} G2 "
                              "points")
    picked = bytes(raw[: count * G2_BYTES])
    points = decode_points(picked, G2, count, montgomery=True)
    if points is None:
        _g2_mont_failure(picked, what)
    return points


def _g2_mont_failure(picked: bytes, what: str) -> NoReturn:
    # As _g1_mont_failure, for G2: range and twist point by point, then the subgroup.
    p, r_inv, from_bytes, g2 = FQ_MODULUS, _FQ_R_INV, int.from_bytes, impl("g2")
    points: list = []
    for index, off in enumerate(range(0, len(picked), G2_BYTES)):
        c = [from_bytes(picked[off + i : off + i + 32], "little") for i in range(0, G2_BYTES, 32)]
        if any(v >= p for v in c):
            raise FieldRangeError(f"ptau: {what} point {index}: a coordinate is not below p")
        if not any(c):
            points.append(None)
            continue
        x0, x1, y0, y1 = (v * r_inv % p for v in c)
        point = ((x0, x1), (y0, y1))
        if not g2.is_on_curve(point):
            raise InvalidPoint(f"ptau: {what} point {index}: not on the twist")
        points.append(point)
    outside = g2_subgroup_failures(points)
    if outside:
        raise NotInSubgroup(f"ptau: {what} point {outside[0]}: not in the G2 subgroup")
    raise InvalidEncoding(f"ptau: {what}: an invalid G2 point")


def _g1_points(body: memoryview | bytes, count: int, what: str) -> tuple[G1, ...]:
    if len(body) != count * G1_BYTES:
        raise InvalidEncoding(f"ptau: {what} has {len(body)} bytes, expected {count} G1 points")
    return decode_g1_mont(body, what, count=count)


def _g2_points(body: memoryview | bytes, count: int, what: str) -> tuple[G2, ...]:
    if len(body) != count * G2_BYTES:
        raise InvalidEncoding(f"ptau: {what} has {len(body)} bytes, expected {count} G2 points")
    return decode_g2_mont(body, what, count=count)


def _header(body: memoryview) -> tuple[int, int]:
    if len(body) != 4 + FQ_BYTES + 8:
        raise InvalidEncoding(f"ptau: header section has {len(body)} bytes, expected 44")
    if _U32.unpack_from(body, 0)[0] != FQ_BYTES or bytes(body[4:36]) != _FQ_MODULUS_LE:
        raise InvalidEncoding("ptau: the curve is not BN254 (bn128)")
    power, ceremony_power = struct.unpack_from("<II", body, 36)
    if power > MAX_POWER:
        raise InvalidArgument(f"ptau: power {power} is above the supported {MAX_POWER}")
    if ceremony_power < power:
        raise InvalidEncoding(f"ptau: ceremonyPower {ceremony_power} < power {power}")
    return power, ceremony_power


def ptau_from_bytes(data: bytes) -> Ptau:
    """Parse a snarkjs ``.ptau`` file (bn128), validating every point of sections 2-6.

    InvalidEncoding for a wrong magic/version, truncated or trailing bytes, a missing or
    repeated section 1-7, a curve other than BN254, ceremonyPower < power, or a section
    whose size disagrees with the power; InvalidArgument for a power above 27 (MAX_POWER);
    FieldRangeError for a stored coordinate >= p; InvalidPoint for a point off its curve;
    NotInSubgroup for a G2 point outside G2 (errors name the section and point index). The
    G2 points are checked together by :func:`zkvote.snark.verifier.g2_subgroup_failures`.
    Decodes every point of the file: to start phase 2 for one circuit,
    :func:`zkvote.snark.ptau_reader.read_ptau_prefix` reads only the part that circuit's
    domain needs.
    """
    found: dict[int, memoryview] = {}
    extra = []
    for kind, body in parse_container(data, MAGIC, VERSION, "ptau"):
        if kind not in _REQUIRED:
            extra.append((kind, bytes(body)))
        elif kind in found:
            raise InvalidEncoding(f"ptau: section {kind} appears twice")
        else:
            found[kind] = body
    missing = sorted(_REQUIRED - found.keys())
    if missing:
        raise InvalidEncoding(f"ptau: missing section {missing[0]}")
    power, ceremony_power = _header(found[SECTION_HEADER])
    n = 1 << power
    contributions = bytes(found[SECTION_CONTRIBUTIONS])
    if len(contributions) < 4:
        raise InvalidEncoding("ptau: the contributions section lacks its count")
    powers = PowersOfTau(
        tau_g1=_g1_points(found[SECTION_TAU_G1], 2 * n - 1, "tauG1"),
        tau_g2=_g2_points(found[SECTION_TAU_G2], n, "tauG2"),
        alpha_tau_g1=_g1_points(found[SECTION_ALPHA_TAU_G1], n, "alphaTauG1"),
        beta_tau_g1=_g1_points(found[SECTION_BETA_TAU_G1], n, "betaTauG1"),
        beta_g2=_g2_points(found[SECTION_BETA_G2], 1, "betaG2")[0],
    )
    return Ptau(powers=powers, ceremony_power=ceremony_power, contributions=contributions,
                extra_sections=tuple(extra))


def read_ptau(path: str | os.PathLike) -> Ptau:
    """Read and parse the ``.ptau`` file at ``path`` (errors as :func:`ptau_from_bytes`)."""
    with open(path, "rb") as f:
        return ptau_from_bytes(f.read())


def prepared_lagrange_g1(ptau: Ptau, log_n: int) -> tuple[G1, ...]:
    """The Lagrange-basis tauG1 points of the domain of size 2^log_n as stored by
    ``snarkjs powersoftau prepare phase2`` (section 12), validated. Useful to cross-check
    :func:`lagrange_points`. InvalidArgument if log_n is outside [0, power + 1],
    InvalidEncoding if the file has no (or a wrongly sized) section 12."""
    if not isinstance(ptau, Ptau):
        raise InvalidEncoding(f"expected a Ptau, not {type(ptau).__name__}")
    power = ptau.powers.power
    if not isinstance(log_n, int) or isinstance(log_n, bool) or not 0 <= log_n <= power + 1:
        raise InvalidArgument(f"log_n must be an int in [0, {power + 1}]")
    bodies = [body for kind, body in ptau.extra_sections if kind == SECTION_LAGRANGE_TAU_G1]
    if len(bodies) != 1:
        raise InvalidEncoding("ptau: no single section 12 (not prepared for phase 2)")
    body = bodies[0]
    if len(body) != ((1 << (power + 2)) - 1) * G1_BYTES:
        raise InvalidEncoding("ptau: section 12 has the wrong size for the power")
    start = ((1 << log_n) - 1) * G1_BYTES
    return _g1_points(body[start : start + (1 << log_n) * G1_BYTES], 1 << log_n, "section 12")
