"""Read and write snarkjs 0.7 Groth16 ``.zkey`` files (iden3 container ``zkey``, version 1).

Sections (integers little-endian):

1. protocol: u32 1 (Groth16; snarkjs uses 2 for PLONK and 10 for FFLONK, refused here);
2. Groth16 header: u32 n8q, q, u32 n8r, r, u32 nVars, u32 nPublic, u32 domainSize, then
   alpha1, beta1 (G1), beta2, gamma2 (G2), delta1 (G1), delta2 (G2);
3. IC: nPublic + 1 G1 points (the verifying key's ``gamma_abc_g1``);
4. coefficients: u32 count, then (u32 matrix 0=A/1=B, u32 row, u32 wire, 32-byte value)
   for every nonzero entry of A and B, the rows ``wire_i * 0 = 0`` that snarkjs adds for the
   constant and public wires included (C is not stored: snarkjs's prover takes c = a * b);
5. A, 6. B1 (G1), 7. B2 (G2): one point per wire;
8. C: one point per private wire (our ``l_query``);
9. H: domainSize G1 points (the odd-coset Lagrange basis, our ``h_query``);
10. the phase-2 transcript: a 64-byte circuit hash, then the contributions (kept as bytes).

Field elements are stored in Montgomery form with R = 2^256: a coordinate x as x * R mod p,
and a coefficient v as v * R^2 mod r (snarkjs multiplies by R once more so that one Montgomery
multiplication by a witness value yields the plain product in Montgomery form). G1 points
are x || y, G2 points x.c0 || x.c1 || y.c0 || y.c1, the identity all zeros.

Reading validates everything: container, protocol, both primes, counts and section sizes,
each stored field element below its modulus (no aliases), every point on its curve and every
G2 point in the order-r subgroup, coefficient positions in range.

The subgroup check of the B2 section (one G2 point per wire) is batched, as checking each
point (a 128-bit multiplication, ~0.15 ms) took most of the reading time. The argument:
E'(Fq2) is cyclic of order r * h' with h' = 10069 * 5864401 * 1875725156269 * q178 (q178 a
178-bit prime; h' is squarefree and prime to r), so a point P = G + T splits into its G2 part
G and a torsion part T of order dividing h', and P is in G2 iff T = 0. For coefficients
rho_i, sum rho_i P_i is in G2 iff sum rho_i T_i = 0. If some T_j != 0 it has a component of
prime order q | h'; fixing the other coefficients, the sum's q-component vanishes for at most
one residue of rho_j mod q, so for rho_j uniform over 2^10 consecutive integers (a signed
10-bit value; every q exceeds 2^10) with probability at most 2^-10. A single combination is
therefore NOT enough: the backend draws thirteen independent combinations from the OS CSPRNG
after the file is read, so a point outside G2 survives all of them with probability at most
2^-130, and tests each sum with the exact psi(S) == [6x^2] S check (exact on all of E'(Fq2):
psi - 6x^2 is nonzero on each of the four prime-order torsion parts, checked numerically).
(Coefficients of 10 bits make each combination one bucket addition per point with 512 buckets
to sum, the cheapest trade for keys of a few thousand to tens of thousands of B2 points.)
Identity points cost nothing. When a combination fails, the per-point check names the first
point outside G2, so the error is the same as with per-point checks (NotInSubgroup for
"B2 point i"). The few header G2 points are checked one by one. Writing reproduces the file
byte for byte: ``zkey_to_bytes(zkey_from_bytes(d)) == d`` for any file snarkjs writes
(section order and unknown sections are kept).
:func:`zkey_from_proving_key` turns a key from our own setup into a zkey snarkjs proves with.
"""

from __future__ import annotations

import os
import struct

from zkvote.backend import current, impl
from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.binfile import FR_BYTES, build_container, check_field_header, parse_container
from zkvote.snark.keys import ProvingKey, VerifyingKey
from zkvote.snark.r1cs import R1CS
from zkvote.snark.setup import domain_log_size, qap_rows

MAGIC = b"zkey"
VERSION = 1
PROTOCOL_GROTH16 = 1
(SECTION_PROTOCOL, SECTION_HEADER, SECTION_IC, SECTION_COEFFICIENTS, SECTION_A, SECTION_B1,
 SECTION_B2, SECTION_C, SECTION_H, SECTION_CONTRIBUTIONS) = range(1, 11)
_KNOWN = frozenset(range(1, 11))

FQ_BYTES = 32
G1_BYTES = 2 * FQ_BYTES
G2_BYTES = 4 * FQ_BYTES
CIRCUIT_HASH_BYTES = 64
_FQ_MODULUS_LE = FQ_MODULUS.to_bytes(FQ_BYTES, "little")
_MONT = 1 << 256
_FQ_R, _FQ_R_INV = _MONT % FQ_MODULUS, pow(_MONT, -1, FQ_MODULUS)
_FR_R2, _FR_R2_INV = _MONT * _MONT % FR_MODULUS, pow(_MONT * _MONT, -1, FR_MODULUS)

_U32 = struct.Struct("<I")
_COUNTS = struct.Struct("<III")  # nVars, nPublic, domainSize
_COEF_HEAD = struct.Struct("<III")  # matrix, row, wire
_COEF_BYTES = _COEF_HEAD.size + FR_BYTES

Coefficient = tuple[int, int, int, int]
"""(matrix, row, wire, value): entry ``value`` (plain, in [0, r)) at (row, wire) of A
(matrix 0) or B (matrix 1)."""


_QUERIES = {"a": SECTION_A, "b1": SECTION_B1, "b2": SECTION_B2, "c": SECTION_C,
            "h": SECTION_H}


class Zkey:
    """A snarkjs Groth16 proving key: the :class:`ProvingKey`, the A and B coefficients in
    file order, and the phase-2 transcript (section 10, as bytes: this module does not check
    contributions; ``snarkjs zkey verify`` does). ``layout`` lists the section types in file
    order and ``extra_sections`` holds unknown sections, so that writing reproduces the file.

    Immutable. A zkey read from a file keeps its validated sections as bytes and its point
    arrays loaded in the backend (:meth:`prover_key`); ``proving_key`` and ``coefficients``
    are then built on first access only (a 60k-constraint key holds ~300k points, whose
    Python objects take about a second to build and which proving does not need).
    """

    __slots__ = ("_pk", "_coefficients", "contributions", "layout", "extra_sections",
                 "_header", "_raw", "_keys")

    def __init__(self, proving_key: ProvingKey, coefficients: tuple[Coefficient, ...],
                 contributions: bytes, layout: tuple[int, ...] = tuple(range(1, 11)),
                 extra_sections: tuple[tuple[int, bytes], ...] = ()) -> None:
        for name, value in (("_pk", proving_key), ("_coefficients", tuple(coefficients)),
                            ("contributions", contributions), ("layout", tuple(layout)),
                            ("extra_sections", tuple(extra_sections)), ("_raw", None),
                            ("_keys", {})):
            object.__setattr__(self, name, value)
        if isinstance(proving_key, ProvingKey):
            header = (proving_key.vk, proving_key.beta_g1, proving_key.delta_g1,
                      proving_key.n_wires, proving_key.domain_size)
        else:
            header = None  # rejected by the writer and the prover
        object.__setattr__(self, "_header", header)

    @classmethod
    def _read(cls, header: tuple, raw: dict[str, bytes], coefficient_count: int,
              contributions: bytes, layout: tuple[int, ...], extra: tuple, key: object) -> Zkey:
        zkey = cls.__new__(cls)
        for name, value in (("_pk", None), ("_coefficients", None),
                            ("contributions", contributions), ("layout", layout),
                            ("extra_sections", extra), ("_header", header),
                            ("_raw", (raw, coefficient_count)), ("_keys", {current(): key})):
            object.__setattr__(zkey, name, value)
        return zkey

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Zkey is immutable")

    @property
    def vk(self) -> VerifyingKey:
        """The verifying key (header and IC sections)."""
        return self._header[0]

    @property
    def beta_g1(self) -> G1:
        return self._header[1]

    @property
    def delta_g1(self) -> G1:
        return self._header[2]

    @property
    def proving_key(self) -> ProvingKey:
        """The full :class:`ProvingKey` (built on first access for a zkey read from bytes)."""
        if self._pk is None:
            key = self.prover_key()
            points = {name: impl("groth16").key_points(key, name) for name in _QUERIES}
            g1s = {name: tuple(G1._trusted(p) for p in points[name])
                   for name in ("a", "b1", "c", "h")}
            vk, beta_g1, delta_g1, _, domain_size = self._header
            pk = ProvingKey(vk=vk, beta_g1=beta_g1, delta_g1=delta_g1, a_query=g1s["a"],
                            b_g1_query=g1s["b1"],
                            b_g2_query=tuple(G2._trusted(p) for p in points["b2"]),
                            h_query=g1s["h"], l_query=g1s["c"], domain_size=domain_size)
            object.__setattr__(self, "_pk", pk)
        return self._pk

    @property
    def coefficients(self) -> tuple[Coefficient, ...]:
        """(matrix, row, wire, value) for every stored entry of A and B, in file order."""
        if self._coefficients is None:
            raw, count = self._raw
            data = raw["coefficients"]
            out = []
            for pos in range(0, count * _COEF_BYTES, _COEF_BYTES):
                matrix, row, wire = _COEF_HEAD.unpack_from(data, pos)
                stored = int.from_bytes(data[pos + 12 : pos + _COEF_BYTES], "little")
                out.append((matrix, row, wire, stored * _FR_R2_INV % FR_MODULUS))
            object.__setattr__(self, "_coefficients", tuple(out))
        return self._coefficients

    def section_bytes(self) -> tuple[dict[str, bytes], int]:
        """The coefficient entries and point sections (``a``, ``b1``, ``b2``, ``c``, ``h``)
        in the file's encoding, and the coefficient count."""
        if self._raw is not None:
            return self._raw
        pk = _check_zkey(self).proving_key
        coefficients = _coefficient_bytes(self._coefficients)
        raw = {"coefficients": coefficients, "a": _g1_bytes(pk.a_query),
               "b1": _g1_bytes(pk.b_g1_query), "b2": _g2_bytes(pk.b_g2_query),
               "c": _g1_bytes(pk.l_query), "h": _g1_bytes(pk.h_query)}
        return raw, len(self._coefficients)

    def prover_key(self) -> object:
        """The key's points and coefficients loaded into the current backend (cached per
        backend), for :func:`zkvote.snark.zkey_prover.prove_zkey`. Loading from an already
        validated zkey skips the G2 subgroup checks."""
        backend = current()
        key = self._keys.get(backend)
        if key is None:
            raw, count = self.section_bytes()
            vk, _, _, n_wires, domain_size = _check_zkey(self)._header
            key = impl("groth16", backend).load_key(raw, n_wires, vk.n_public, domain_size,
                                                   count, check_subgroup=False)
            self._keys[backend] = key
        return key

    @property
    def n_wires(self) -> int:
        """nVars: every wire, the constant wire included."""
        return self._header[3]

    @property
    def n_public(self) -> int:
        """nPublic: the outputs and public inputs (wires 1..n_public)."""
        return self._header[0].n_public

    @property
    def domain_size(self) -> int:
        """The size of the evaluation domain (a power of two)."""
        return self._header[4]

    @property
    def circuit_hash(self) -> bytes:
        """The 64-byte circuit hash snarkjs prints in ``zkey verify``."""
        return self.contributions[:CIRCUIT_HASH_BYTES]


# ---- field elements and points


def _fq(raw: bytes, what: str) -> int:
    stored = int.from_bytes(raw, "little")
    if stored >= FQ_MODULUS:
        raise FieldRangeError(f"zkey: {what}: a coordinate is not below p")
    return stored * _FQ_R_INV % FQ_MODULUS


def _fq_bytes(x: int) -> bytes:
    return (x * _FQ_R % FQ_MODULUS).to_bytes(FQ_BYTES, "little")


def _g1_points(body: memoryview, count: int, what: str) -> list[G1]:
    raw = bytes(body)
    if len(raw) != count * G1_BYTES:
        raise InvalidEncoding(f"zkey: {what} has {len(raw)} bytes, expected {count} G1 points")
    points = []
    for i in range(0, len(raw), G1_BYTES):
        x, y = _fq(raw[i : i + 32], what), _fq(raw[i + 32 : i + 64], what)
        points.append(G1.from_affine(x, y))  # (0, 0) is the identity in both encodings
    return points


def _g2_points(body: memoryview, count: int, what: str) -> list[G2]:
    raw = bytes(body)
    if len(raw) != count * G2_BYTES:
        raise InvalidEncoding(f"zkey: {what} has {len(raw)} bytes, expected {count} G2 points")
    points = []
    for i in range(0, len(raw), G2_BYTES):
        c = [_fq(raw[i + j : i + j + 32], what) for j in range(0, G2_BYTES, FQ_BYTES)]
        points.append(G2.from_affine((c[0], c[1]), (c[2], c[3])))  # checks the subgroup
    return points


def _g1_bytes(points: tuple[G1, ...]) -> bytes:
    out = []
    for p in points:
        x, y = p.to_affine()
        out += [_fq_bytes(x), _fq_bytes(y)]
    return b"".join(out)


def _g2_bytes(points: tuple[G2, ...]) -> bytes:
    out = []
    for p in points:
        (x0, x1), (y0, y1) = p.to_affine()
        out += [_fq_bytes(x0), _fq_bytes(x1), _fq_bytes(y0), _fq_bytes(y1)]
    return b"".join(out)


# ---- sections


def _sections(data: bytes) -> tuple[dict[int, memoryview], tuple[int, ...], list]:
    found: dict[int, memoryview] = {}
    layout, extra = [], []
    for kind, body in parse_container(data, MAGIC, VERSION, "zkey"):
        if kind not in _KNOWN:
            extra.append((kind, bytes(body)))
        elif kind in found:
            raise InvalidEncoding(f"zkey: section {kind} appears twice")
        else:
            found[kind] = body
        layout.append(kind)
    if SECTION_PROTOCOL in found:
        body = found[SECTION_PROTOCOL]
        if len(body) != 4:
            raise InvalidEncoding(f"zkey: protocol section has {len(body)} bytes, expected 4")
        (protocol,) = _U32.unpack_from(body, 0)
        if protocol != PROTOCOL_GROTH16:
            raise InvalidEncoding(f"zkey: protocol {protocol} is not Groth16 (1)")
    missing = sorted(_KNOWN - found.keys())
    if missing:
        raise InvalidEncoding(f"zkey: missing section {missing[0]}")
    return found, tuple(layout), extra


def _header(body: memoryview) -> tuple[int, int, int, list[G1], list[G2]]:
    if len(body) < 4 + FQ_BYTES or _U32.unpack_from(body, 0)[0] != FQ_BYTES:
        raise InvalidEncoding("zkey: the base field must be 32 bytes (BN254's p)")
    if bytes(body[4 : 4 + FQ_BYTES]) != _FQ_MODULUS_LE:
        raise InvalidEncoding("zkey: the base field prime is not BN254's p")
    offset = check_field_header(body, 4 + FQ_BYTES, "zkey")
    expected = offset + _COUNTS.size + 3 * G1_BYTES + 3 * G2_BYTES
    if len(body) != expected:
        raise InvalidEncoding(f"zkey: header section has {len(body)} bytes, expected {expected}")
    n_vars, n_public, domain_size = _COUNTS.unpack_from(body, offset)
    if n_vars < n_public + 1:
        raise InvalidEncoding(f"zkey: nVars = {n_vars} leaves no room for {n_public} public "
                              "wires and the constant wire")
    if domain_size < 1 or domain_size & (domain_size - 1):
        raise InvalidEncoding(f"zkey: domainSize {domain_size} is not a power of two")
    if domain_size < n_public + 1:
        raise InvalidEncoding("zkey: domainSize is smaller than the public rows it must hold")
    pos = offset + _COUNTS.size
    g1s, g2s = [], []
    for kind in (G1, G1, G2, G2, G1, G2):  # alpha1, beta1, beta2, gamma2, delta1, delta2
        size = G1_BYTES if kind is G1 else G2_BYTES
        chunk = body[pos : pos + size]
        if kind is G1:
            g1s += _g1_points(chunk, 1, "header point")
        else:
            g2s += _g2_points(chunk, 1, "header point")
        pos += size
    return n_vars, n_public, domain_size, g1s, g2s


def _coefficient_count(body: memoryview) -> int:
    if len(body) < 4:
        raise InvalidEncoding("zkey: coefficients section too short")
    (count,) = _U32.unpack_from(body, 0)
    if len(body) != 4 + count * _COEF_BYTES:
        raise InvalidEncoding(f"zkey: coefficients section has {len(body)} bytes, "
                              f"{count} coefficients need {4 + count * _COEF_BYTES}")
    return count


def _coefficient_bytes(coefficients: tuple[Coefficient, ...]) -> bytes:
    out = []
    for matrix, row, wire, value in coefficients:
        out.append(_COEF_HEAD.pack(matrix, row, wire))
        out.append((value * _FR_R2 % FR_MODULUS).to_bytes(FR_BYTES, "little"))
    return b"".join(out)


def _section(found: dict, kind: int, count: int, size: int, what: str) -> bytes:
    body = found[kind]
    if len(body) != count * size:
        points = "G1" if size == G1_BYTES else "G2"
        raise InvalidEncoding(f"zkey: {what} has {len(body)} bytes, expected {count} "
                              f"{points} points")
    return bytes(body)


def zkey_from_bytes(data: bytes) -> Zkey:
    """Parse a Groth16 ``.zkey`` file.

    InvalidEncoding for a wrong magic, version or protocol, truncated or trailing bytes, a
    missing or repeated section, primes other than BN254's, a section whose size disagrees
    with the header's counts, nVars < nPublic + 1, a domain size that is not a power of two,
    a coefficient outside A/B, the domain or the wires, or a transcript shorter than its
    circuit hash; FieldRangeError for a stored coordinate >= p or coefficient >= r;
    InvalidPoint for a point off its curve; NotInSubgroup for a G2 point outside G2.
    """
    found, layout, extra = _sections(data)
    n_vars, n_public, domain_size, (alpha1, beta1, delta1), (beta2, gamma2, delta2) = \
        _header(found[SECTION_HEADER])
    vk = VerifyingKey(alpha_g1=alpha1, beta_g2=beta2, gamma_g2=gamma2, delta_g2=delta2,
                      gamma_abc_g1=tuple(_g1_points(found[SECTION_IC], n_public + 1, "IC")))
    count = _coefficient_count(found[SECTION_COEFFICIENTS])
    contributions = bytes(found[SECTION_CONTRIBUTIONS])
    if len(contributions) < CIRCUIT_HASH_BYTES + 4:
        raise InvalidEncoding("zkey: the contributions section is shorter than its header")
    counts = {"a": n_vars, "b1": n_vars, "b2": n_vars, "c": n_vars - n_public - 1,
              "h": domain_size}
    raw = {name: _section(found, kind, counts[name], G2_BYTES if name == "b2" else G1_BYTES,
                          {"b1": "B1", "b2": "B2"}.get(name, name.upper()))
           for name, kind in _QUERIES.items()}
    raw["coefficients"] = bytes(found[SECTION_COEFFICIENTS][4:])
    # The backend checks every coefficient and point (range, curve, G2 subgroup) as it
    # loads them into the arrays the prover uses.
    key = impl("groth16").load_key(raw, n_vars, n_public, domain_size, count)
    header = (vk, beta1, delta1, n_vars, domain_size)
    return Zkey._read(header, raw, count, contributions, layout, tuple(extra), key)


def _check_zkey(zkey: object) -> Zkey:
    if not isinstance(zkey, Zkey):
        raise InvalidEncoding(f"expected a Zkey, not {type(zkey).__name__}")
    if zkey._raw is None and not isinstance(zkey._pk, ProvingKey):
        raise InvalidEncoding("Zkey.proving_key must be a ProvingKey")
    if not isinstance(zkey.contributions, bytes) or len(zkey.contributions) < 68:
        raise InvalidEncoding("Zkey.contributions must hold at least the 68-byte header")
    if sorted(k for k in zkey.layout if k in _KNOWN) != sorted(_KNOWN):
        raise InvalidArgument("Zkey.layout must name each of sections 1-10 once")
    if [k for k in zkey.layout if k not in _KNOWN] != [k for k, _ in zkey.extra_sections]:
        raise InvalidArgument("Zkey.layout must list the extra sections in their order")
    for i, coefficient in enumerate(zkey._coefficients or ()):
        matrix, row, wire, value = coefficient
        if (matrix not in (0, 1) or not 0 <= row < zkey.domain_size
                or not 0 <= wire < zkey.n_wires or not 0 <= value < FR_MODULUS):
            raise InvalidArgument(f"Zkey coefficient {i} is out of range")
    return zkey


def zkey_to_bytes(zkey: Zkey) -> bytes:
    """Serialize ``zkey`` as snarkjs lays it out (sections in ``zkey.layout`` order).
    InvalidEncoding for a non-Zkey or a transcript shorter than 68 bytes, InvalidArgument for
    a layout missing a section or a coefficient out of range."""
    zkey = _check_zkey(zkey)
    vk, beta1, delta1, n_wires, domain_size = zkey._header
    header = b"".join([
        _U32.pack(FQ_BYTES), _FQ_MODULUS_LE,
        _U32.pack(FR_BYTES), FR_MODULUS.to_bytes(FR_BYTES, "little"),
        _COUNTS.pack(n_wires, vk.n_public, domain_size),
        _g1_bytes((vk.alpha_g1, beta1)), _g2_bytes((vk.beta_g2, vk.gamma_g2)),
        _g1_bytes((delta1,)), _g2_bytes((vk.delta_g2,)),
    ])
    raw, count = zkey.section_bytes()
    bodies = {
        SECTION_PROTOCOL: _U32.pack(PROTOCOL_GROTH16),
        SECTION_HEADER: header,
        SECTION_IC: _g1_bytes(vk.gamma_abc_g1),
        SECTION_COEFFICIENTS: _U32.pack(count) + raw["coefficients"],
        SECTION_CONTRIBUTIONS: zkey.contributions,
    }
    bodies.update({kind: raw[name] for name, kind in _QUERIES.items()})
    extra = iter(zkey.extra_sections)
    sections = [(kind, bodies[kind] if kind in _KNOWN else next(extra)[1])
                for kind in zkey.layout]
    return build_container(MAGIC, VERSION, sections)


def zkey_from_proving_key(pk: ProvingKey, r1cs: R1CS) -> Zkey:
    """The zkey snarkjs would hold for ``pk`` (made for ``r1cs``, e.g. by
    :func:`zkvote.snark.setup.insecure_single_party_setup`), so that snarkjs can prove with
    our keys. The coefficients follow snarkjs's order (each constraint's A then B terms,
    then the public rows); the transcript is empty (a zero circuit hash, no contributions),
    so ``snarkjs zkey verify`` cannot vouch for it, but ``snarkjs groth16 prove`` uses it.
    InvalidEncoding for wrong types, InvalidArgument if ``pk`` was not made for ``r1cs``."""
    if not isinstance(pk, ProvingKey):
        raise InvalidEncoding(f"expected a ProvingKey, not {type(pk).__name__}")
    if not isinstance(r1cs, R1CS):
        raise InvalidEncoding(f"expected an R1CS, not {type(r1cs).__name__}")
    if (pk.n_wires, pk.vk.n_public) != (r1cs.n_wires, r1cs.n_public) \
            or pk.domain_size != 1 << domain_log_size(r1cs):
        raise InvalidArgument("the proving key was made for another circuit")
    coefficients = []
    for row, (lc_a, lc_b, _) in enumerate(qap_rows(r1cs)):
        coefficients += [(0, row, wire, value) for wire, value in lc_a.items()]
        coefficients += [(1, row, wire, value) for wire, value in lc_b.items()]
    empty_transcript = bytes(CIRCUIT_HASH_BYTES) + _U32.pack(0)
    return Zkey(proving_key=pk, coefficients=tuple(coefficients), contributions=empty_transcript)


def read_zkey(path: str | os.PathLike) -> Zkey:
    """Read and parse the ``.zkey`` file at ``path`` (errors as :func:`zkey_from_bytes`)."""
    with open(path, "rb") as f:
        return zkey_from_bytes(f.read())


def write_zkey(zkey: Zkey, path: str | os.PathLike) -> None:
    """Write ``zkey`` to ``path`` (errors as :func:`zkey_to_bytes`)."""
    data = zkey_to_bytes(zkey)
    with open(path, "wb") as f:
        f.write(data)
