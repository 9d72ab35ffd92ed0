"""Reading only what one circuit needs from a (possibly huge) snarkjs ``.ptau`` file.

Public powers-of-tau files (e.g. the Hermez ``powersOfTau28_hez_final_NN.ptau``) hold 2^NN
powers, hundreds of MB to GB. A circuit of domain n = 2^k needs only a prefix of each
section: tau^i G1 for i < min(2n, 2N - 1), tau^i G2, alpha tau^i G1, beta tau^i G1 for
i < n, and beta G2. :func:`read_ptau_prefix` reads the section headers (by seeking, for a
file), checks the layout against the header's power, then reads and validates just those
prefixes: a ``.ptau`` of any power costs about as much as one of power k.

When the file is prepared (``snarkjs powersoftau prepare phase2``: sections 12-15), the
Lagrange-basis points of domain n (and the odd ones of domain 2n, the H query) are read
from there too, instead of being computed by group inverse NTTs. Section 12 holds
L_i(tau) G1 for the domains 2^0, 2^1, ..., 2^(p+1), concatenated (so the domain 2^k starts
at point 2^k - 1); sections 13 (tau G2), 14 (alpha tau G1) and 15 (beta tau G1) do the same
for 2^0 .. 2^p. Those points are validated like the others (range, curve, subgroup, count),
and, since they are only right if the file is honest, :func:`lagrange_basis_matches`
compares them with the monomial powers by one random linear combination per group, which
:func:`zkvote.snark.ceremony.phase2_initial_key` runs before using them.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from zkvote.backend import impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g1 import affine_points as g1_affine
from zkvote.g2 import G2
from zkvote.g2 import affine_points as g2_affine
from zkvote.ntt import ntt
from zkvote.snark.ptau import (
    _REQUIRED,
    G1_BYTES,
    G2_BYTES,
    MAGIC,
    MAX_POWER,
    SECTION_ALPHA_TAU_G1,
    SECTION_BETA_G2,
    SECTION_BETA_TAU_G1,
    SECTION_CONTRIBUTIONS,
    SECTION_HEADER,
    SECTION_LAGRANGE_TAU_G1,
    SECTION_TAU_G1,
    SECTION_TAU_G2,
    VERSION,
    _check_points,
    _header,
    decode_g1_mont,
    decode_g2_mont,
)

SECTION_LAGRANGE_TAU_G2, SECTION_LAGRANGE_ALPHA_G1, SECTION_LAGRANGE_BETA_G1 = 13, 14, 15
_PREPARED = (SECTION_LAGRANGE_TAU_G1, SECTION_LAGRANGE_TAU_G2, SECTION_LAGRANGE_ALPHA_G1,
             SECTION_LAGRANGE_BETA_G1)
# snarkjs writes at most 15 sections; the cap only stops a forged count from making us
# walk millions of empty section headers.
MAX_SECTIONS = 1024
_SECTION_HEAD = struct.Struct("<IQ")
_CHECK_BYTES = 16  # 128-bit coefficients in the consistency check: error <= 2^-128

Source = bytes | bytearray | memoryview | str | os.PathLike


@dataclass(frozen=True, eq=False)
class LagrangeBasis:
    """The Lagrange-basis points of the domain of n = 2^``log_n`` (the domain of
    ``zkvote.ntt``): ``tau_g1``, ``tau_g2``, ``alpha_tau_g1``, ``beta_tau_g1`` hold
    L_i(tau) P for i < n, and ``h_g1`` the odd-index points L'_{2i+1}(tau) G1 (i < n) of the
    domain of size 2n, which are the H query of a Groth16 key. The constructor checks types
    and lengths only (InvalidEncoding, InvalidArgument); whether they belong to some powers
    is :func:`lagrange_basis_matches`'s question."""

    log_n: int
    tau_g1: tuple[G1, ...]
    tau_g2: tuple[G2, ...]
    alpha_tau_g1: tuple[G1, ...]
    beta_tau_g1: tuple[G1, ...]
    h_g1: tuple[G1, ...]

    def __post_init__(self) -> None:
        log_n = self.log_n
        if not isinstance(log_n, int) or isinstance(log_n, bool) or not 0 <= log_n <= MAX_POWER:
            raise InvalidArgument(f"log_n must be an int in [0, {MAX_POWER}]")
        n = 1 << log_n
        for name, kind in (("tau_g1", G1), ("tau_g2", G2), ("alpha_tau_g1", G1),
                           ("beta_tau_g1", G1), ("h_g1", G1)):
            values = _check_points(getattr(self, name), kind, name)
            if len(values) != n:
                raise InvalidArgument(f"{name} must hold n = {n} points")
            object.__setattr__(self, name, values)


@dataclass(frozen=True, eq=False)
class PtauPrefix:
    """What a circuit of domain 2^``log_n`` needs from a ``.ptau`` of power ``power``:
    ``tau_g1`` (min(2n, 2N - 1) points), ``tau_g2``, ``alpha_tau_g1``, ``beta_tau_g1`` (n
    each), ``beta_g2``, snarkjs's ``ceremony_power``, and ``lagrange`` when the file is
    prepared for phase 2 (None otherwise or when not asked for)."""

    power: int
    ceremony_power: int
    log_n: int
    tau_g1: tuple[G1, ...]
    tau_g2: tuple[G2, ...]
    alpha_tau_g1: tuple[G1, ...]
    beta_tau_g1: tuple[G1, ...]
    beta_g2: G2
    lagrange: LagrangeBasis | None = None


class _Source:
    """Random access to a .ptau's bytes, from memory or by seeking in an open file."""

    def __init__(self, data: bytes | bytearray | memoryview | None = None,
                 file: object = None) -> None:
        self._view = None if data is None else memoryview(data).cast("B")
        self._file = file
        if file is not None:
            file.seek(0, os.SEEK_END)
            self.size = file.tell()
        else:
            self.size = len(self._view)

    def read(self, offset: int, size: int) -> bytes:
        if self._view is not None:
            return bytes(self._view[offset : offset + size])
        self._file.seek(offset)
        out = self._file.read(size)
        if len(out) != size:  # the file shrank under us
            raise InvalidEncoding("ptau: the file ended early")
        return out


def _locate(src: _Source) -> dict[int, tuple[int, int]]:
    # (offset, size) of each section the layout knows; unknown sections are skipped, as the
    # iden3 container format asks. Every section must lie inside the file and the last one
    # end where the file does.
    if src.size < 12:
        raise InvalidEncoding("ptau: file too short for its header")
    head = src.read(0, 12)
    if head[:4] != MAGIC:
        raise InvalidEncoding(f"ptau: wrong magic (expected {MAGIC.decode()!r})")
    version, n_sections = struct.unpack_from("<II", head, 4)
    if version != VERSION:
        raise InvalidEncoding(f"ptau: unsupported version {version} (expected {VERSION})")
    if n_sections > MAX_SECTIONS:
        raise InvalidEncoding(f"ptau: {n_sections} sections, more than {MAX_SECTIONS}")
    found: dict[int, tuple[int, int]] = {}
    pos = 12
    for _ in range(n_sections):
        if pos + _SECTION_HEAD.size > src.size:
            raise InvalidEncoding("ptau: truncated section header")
        kind, size = _SECTION_HEAD.unpack(src.read(pos, _SECTION_HEAD.size))
        pos += _SECTION_HEAD.size
        if size > src.size - pos:
            raise InvalidEncoding(f"ptau: section {kind} is truncated")
        if kind in _REQUIRED or kind in _PREPARED:
            if kind in found:
                raise InvalidEncoding(f"ptau: section {kind} appears twice")
            found[kind] = (pos, size)
        pos += size
    if pos != src.size:
        raise InvalidEncoding(f"ptau: {src.size - pos} unexpected bytes after the last section")
    missing = sorted(_REQUIRED - found.keys())
    if missing:
        raise InvalidEncoding(f"ptau: missing section {missing[0]}")
    return found


def _expect_size(found: dict, kind: int, points: int, point_bytes: int, what: str) -> None:
    size = found[kind][1]
    if size != points * point_bytes:
        raise InvalidEncoding(f"ptau: {what} (section {kind}) has {size} bytes, expected "
                              f"{points} points of {point_bytes} bytes")


def _check_layout(src: _Source, found: dict) -> tuple[int, int, bool]:
    header_at, header_size = found[SECTION_HEADER]
    power, ceremony_power = _header(memoryview(src.read(header_at, header_size)))
    n = 1 << power
    _expect_size(found, SECTION_TAU_G1, 2 * n - 1, G1_BYTES, "tauG1")
    _expect_size(found, SECTION_TAU_G2, n, G2_BYTES, "tauG2")
    _expect_size(found, SECTION_ALPHA_TAU_G1, n, G1_BYTES, "alphaTauG1")
    _expect_size(found, SECTION_BETA_TAU_G1, n, G1_BYTES, "betaTauG1")
    _expect_size(found, SECTION_BETA_G2, 1, G2_BYTES, "betaG2")
    if found[SECTION_CONTRIBUTIONS][1] < 4:
        raise InvalidEncoding("ptau: the contributions section lacks its count")
    present = [k for k in _PREPARED if k in found]
    if present and len(present) != len(_PREPARED):
        raise InvalidEncoding("ptau: only some of the prepared sections 12-15 are present")
    if present:
        _expect_size(found, SECTION_LAGRANGE_TAU_G1, 4 * n - 1, G1_BYTES, "Lagrange tauG1")
        _expect_size(found, SECTION_LAGRANGE_TAU_G2, 2 * n - 1, G2_BYTES, "Lagrange tauG2")
        _expect_size(found, SECTION_LAGRANGE_ALPHA_G1, 2 * n - 1, G1_BYTES,
                     "Lagrange alphaTauG1")
        _expect_size(found, SECTION_LAGRANGE_BETA_G1, 2 * n - 1, G1_BYTES,
                     "Lagrange betaTauG1")
    return power, ceremony_power, bool(present)


def _g1_run(src: _Source, found: dict, kind: int, start: int, count: int, what: str, *,
            first: int = 0, stride: int = 1) -> tuple[G1, ...]:
    # Points first, first + stride, ... counted from point ``start`` of section ``kind``,
    # reading only the bytes they span (errors number them from ``start``).
    span = first + (count - 1) * stride + 1 if count else 0
    raw = src.read(found[kind][0] + start * G1_BYTES, span * G1_BYTES)
    return decode_g1_mont(raw, what, count=count, first=first, stride=stride)


def _g2_run(src: _Source, found: dict, kind: int, first: int, count: int,
            what: str) -> tuple[G2, ...]:
    raw = src.read(found[kind][0] + first * G2_BYTES, count * G2_BYTES)
    return decode_g2_mont(raw, what, count=count)


def _read_prefix(src: _Source, log_n: int, prepared: bool) -> PtauPrefix:
    found = _locate(src)
    power, ceremony_power, is_prepared = _check_layout(src, found)
    if not isinstance(log_n, int) or isinstance(log_n, bool) or not 1 <= log_n <= power:
        raise InvalidArgument(f"the circuit needs a domain of 2^{log_n}, the .ptau serves "
                              f"2^1 up to 2^{power}")
    n, big_n = 1 << log_n, 1 << power
    lagrange = None
    if prepared and is_prepared:
        # Domain 2^k starts at point 2^k - 1 of a Lagrange section (see the module doc);
        # H needs the odd points of the domain 2n. Indices in errors count from the
        # domain's first point.
        lagrange = LagrangeBasis(
            log_n=log_n,
            tau_g1=_g1_run(src, found, SECTION_LAGRANGE_TAU_G1, n - 1, n,
                           f"Lagrange tauG1 (section 12, domain 2^{log_n})"),
            tau_g2=_g2_run(src, found, SECTION_LAGRANGE_TAU_G2, n - 1, n,
                           f"Lagrange tauG2 (section 13, domain 2^{log_n})"),
            alpha_tau_g1=_g1_run(src, found, SECTION_LAGRANGE_ALPHA_G1, n - 1, n,
                                 f"Lagrange alphaTauG1 (section 14, domain 2^{log_n})"),
            beta_tau_g1=_g1_run(src, found, SECTION_LAGRANGE_BETA_G1, n - 1, n,
                                f"Lagrange betaTauG1 (section 15, domain 2^{log_n})"),
            h_g1=_g1_run(src, found, SECTION_LAGRANGE_TAU_G1, 2 * n - 1, n,
                         f"Lagrange tauG1 (section 12, domain 2^{log_n + 1})",
                         first=1, stride=2),
        )
    return PtauPrefix(
        power=power, ceremony_power=ceremony_power, log_n=log_n,
        tau_g1=_g1_run(src, found, SECTION_TAU_G1, 0, min(2 * n, 2 * big_n - 1), "tauG1"),
        tau_g2=_g2_run(src, found, SECTION_TAU_G2, 0, n, "tauG2"),
        alpha_tau_g1=_g1_run(src, found, SECTION_ALPHA_TAU_G1, 0, n, "alphaTauG1"),
        beta_tau_g1=_g1_run(src, found, SECTION_BETA_TAU_G1, 0, n, "betaTauG1"),
        beta_g2=_g2_run(src, found, SECTION_BETA_G2, 0, 1, "betaG2")[0],
        lagrange=lagrange,
    )


def read_ptau_prefix(source: Source, log_n: int, *, prepared: bool = True) -> PtauPrefix:
    """The part of the ``.ptau`` in ``source`` (its bytes, or a path: then only the section
    headers and the needed points are read, by seeking) that a circuit of domain 2^log_n
    needs, every point read validated; with ``prepared`` (default) and a prepared file also
    its :class:`LagrangeBasis` (not yet compared with the powers: see
    :func:`lagrange_basis_matches`).

    The whole layout is checked against the header's power (section sizes, each of 1-7 once,
    12-15 all or none, nothing after the last section). InvalidEncoding for a wrong magic or
    version, a missing, repeated, truncated or wrongly sized section, more than MAX_SECTIONS
    sections, trailing bytes, a curve other than BN254 or ceremonyPower < power;
    InvalidArgument for a power above MAX_POWER or log_n outside [1, power];
    FieldRangeError / InvalidPoint / NotInSubgroup for a bad point (naming its section and
    index); OSError if the path cannot be read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return _read_prefix(_Source(data=source), log_n, prepared)
    if not isinstance(source, str | os.PathLike):
        raise InvalidEncoding(f"a .ptau must be bytes or a path, not {type(source).__name__}")
    with open(source, "rb") as f:
        return _read_prefix(_Source(file=f), log_n, prepared)


def _coefficients(count: int) -> list[int]:
    raw = os.urandom(_CHECK_BYTES * count)
    return [int.from_bytes(raw[i : i + _CHECK_BYTES], "little")
            for i in range(0, len(raw), _CHECK_BYTES)]


def lagrange_basis_matches(basis: LagrangeBasis, tau_g1: Sequence[G1], tau_g2: Sequence[G2],
                           alpha_tau_g1: Sequence[G1], beta_tau_g1: Sequence[G1]) -> bool:
    """Whether ``basis`` is the Lagrange basis of the given monomial powers (tau^i P for
    i < n, and tau_g1 for i < 2n, a missing last one counting as the identity, as snarkjs
    takes it): for random r, sum_i r_i L_i(tau) P must equal sum_k c_k tau^k P with c the
    inverse NTT of r (since L_i(x) = (1/n) sum_k w^(-ik) x^k), checked for the four G1
    sequences at once by one MSM on each side and for G2 by one more. A wrong point passes
    with probability at most 2^-128 (fresh os.urandom coefficients).

    Cost: two G1 MSMs of ~4n points each, two G2 MSMs of n points, and five Fr inverse NTTs
    (three of size n, one of size 2n, one for G2).
    InvalidArgument for sequences of the wrong length; InvalidEncoding for a non-basis.
    """
    if not isinstance(basis, LagrangeBasis):
        raise InvalidEncoding(f"expected a LagrangeBasis, not {type(basis).__name__}")
    n = 1 << basis.log_n
    if not (len(tau_g2) == len(alpha_tau_g1) == len(beta_tau_g1) == n
            and len(tau_g1) in (2 * n - 1, 2 * n)):
        raise InvalidArgument(f"the monomial powers must hold 2n - 1 or 2n tau_g1 and n of "
                              f"the others (n = {n})")
    r_tau, r_alpha, r_beta, r_h, r_g2 = (_coefficients(n) for _ in range(5))
    c_tau, c_alpha, c_beta = (ntt(r, inverse=True) for r in (r_tau, r_alpha, r_beta))
    spread = [0] * (2 * n)
    spread[1::2] = r_h
    c_h = ntt(spread, inverse=True)
    c_tau_g1 = [(c_h[k] + (c_tau[k] if k < n else 0)) % FR_MODULUS
                for k in range(len(tau_g1))]
    g1, g2 = impl("g1"), impl("g2")
    left = g1.msm(g1_affine([*basis.tau_g1, *basis.alpha_tau_g1, *basis.beta_tau_g1, *basis.h_g1]),
                  r_tau + r_alpha + r_beta + r_h)
    right = g1.msm(g1_affine([*tau_g1, *alpha_tau_g1[:n], *beta_tau_g1[:n]]),
                   c_tau_g1 + c_alpha + c_beta)
    if G1._trusted(left) != G1._trusted(right):
        return False
    left2 = g2.msm(g2_affine(basis.tau_g2), r_g2)
    right2 = g2.msm(g2_affine(tau_g2), ntt(r_g2, inverse=True))
    return G2._trusted(left2) == G2._trusted(right2)
