"""Groth16 prover kernels on C arrays (native/prover.c): a snarkjs proving key loaded once
from its Montgomery-form bytes (its B2 points checked in G2 by random combinations, see
:func:`g2_subgroup_batch`), or a key of our own setup with its R1CS as linear-combination
tables; then per proof the sparse A/B(/C) evaluation, the odd-coset H chain and the MSMs
(zero and one scalars dropped first, G2 with batch-affine buckets and the psi split; G1 with
fixed-base tables once :func:`precompute_tables` has run) without any per-element Python
work. Also the circuit witness-program runner, and the fixed-base batch
multiplication and QAP column sums of the insecure setup."""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from zkvote._native.g1 import decode_jacobian as decode_g1
from zkvote._native.g2 import decode_jacobian as decode_g2
from zkvote._native.g2 import encode as encode_g2
from zkvote._native.lib import check, ffi, lib
from zkvote.errors import FieldRangeError, InvalidArgument

Point = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
COEF_BYTES = 44
_ZERO64 = bytes(64)
# Independent random combinations of the B2 points in the batched subgroup check, and the
# bytes of each coefficient (see _g2_subgroup_batch).
SUBGROUP_REPS = 10
SUBGROUP_RHO_BYTES = 2
G2_AFFINE_MSM_MIN = 1024  # from here the batch-affine G2 MSM beats the Jacobian one


@dataclass(eq=False)
class LcTable:
    """Linear combinations as C arrays (native/prover.c's table layout)."""

    n_lcs: int
    n_terms: int
    start: object
    wires: object
    coeffs: object


@dataclass(eq=False)
class NativeKey:
    """The point arrays of a proving key (C structs) and its coefficient bytes, or for a key
    of our own setup (``rows`` set) its QAP rows as an LcTable."""

    n_wires: int
    n_public: int
    domain_size: int
    coefficients: bytes
    count: int
    a: object
    b1: object
    b2: object
    c: object
    h: object
    rows: LcTable | None = None
    # fixed-base tables of a, b1 and c||h once precompute_tables has run (else None)
    tables: dict | None = None


def _g1_array(data: bytes, n: int, what: str):
    arr = ffi.new("zkv_g1_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g1_affine_array_from_mont_bytes(arr, data, n, bad)
    check(rc, f"zkey: {what} point {bad[0]}")
    return arr


def _g2_array(data: bytes, n: int, what: str, subgroup: bool):
    arr = ffi.new("zkv_g2_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g2_affine_array_from_mont_bytes(arr, data, n, 0, bad)
    check(rc, f"zkey: {what} point {bad[0]}")
    if subgroup and n and not _g2_subgroup_batch(
            arr, n, os.urandom(SUBGROUP_REPS * SUBGROUP_RHO_BYTES * n)):
        # Some point is outside G2: the exact per-point test names the first one.
        rc = lib.zkv_g2_affine_array_from_mont_bytes(arr, data, n, 1, bad)
        check(rc, f"zkey: {what} point {bad[0]}")
    return arr


def _spread_scalars(rho: bytes, n: int) -> bytes:
    """n little-endian 32-byte scalars from n consecutive SUBGROUP_RHO_BYTES-byte values."""
    step = SUBGROUP_RHO_BYTES
    out = bytearray(32 * n)
    for k in range(step):
        out[k::32] = rho[k::step]
    return bytes(out)


def _g2_subgroup_batch(arr, n: int, rho: bytes) -> bool:
    # Sound batched G2 membership (see g2_subgroup_batch): SUBGROUP_REPS MSMs with small
    # random coefficients, each sum put through the exact psi test.
    size = SUBGROUP_RHO_BYTES * n
    if len(rho) != SUBGROUP_REPS * size:
        raise InvalidArgument(f"the subgroup check needs {SUBGROUP_REPS * size} random bytes")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_affine_scratch_sizeof(n))
    total, affine = ffi.new("zkv_g2 *"), ffi.new("zkv_g2_affine *")
    for k in range(SUBGROUP_REPS):
        lib.zkv_g2_msm_affine_vartime(total, arr, _spread_scalars(rho[k * size : (k + 1) * size],
                                                                  n), n, scratch)
        lib.zkv_g2_to_affine(affine, total)
        if not lib.zkv_g2_is_in_subgroup(affine):
            return False
    return True


def g2_subgroup_batch(points: Sequence[G2Affine], rho: bytes) -> bool:
    """Whether all ``points`` (on the twist) lie in G2, by SUBGROUP_REPS random linear
    combinations with SUBGROUP_RHO_BYTES-byte coefficients taken from ``rho`` (point-major
    within each repetition) and the exact psi test on each sum.

    Sound for random ``rho``: E'(Fq2) is cyclic of order r h' with h' = 10069 * 5864401 *
    1875725156269 * q (q prime, 178 bits), so a point outside G2 has a component of prime
    order q' | h'; one combination hides it with probability at most 1/q' + 2^-16 <= 2^-12.7,
    all ten with at most 2^-127. Returns False if some point is outside G2 (always, when the
    combinations catch it). InvalidArgument for the wrong number of random bytes."""
    n = len(points)
    if len(rho) != SUBGROUP_REPS * SUBGROUP_RHO_BYTES * n:
        raise InvalidArgument(f"the subgroup check needs {SUBGROUP_REPS * SUBGROUP_RHO_BYTES * n} "
                              "random bytes")
    if n == 0:
        return True
    arr = ffi.new("zkv_g2_affine[]", n)
    for i, p in enumerate(points):
        check(lib.zkv_g2_affine_from_bytes_unchecked(arr + i, encode_g2(p)), f"G2 point {i}")
    return _g2_subgroup_batch(arr, n, rho)


def check_coefficients(data: bytes, count: int, n_rows: int, n_wires: int) -> None:
    """Raise InvalidEncoding / FieldRangeError naming the first bad coefficient."""
    bad = ffi.new("size_t *")
    rc = lib.zkv_groth16_check_coefficients(data, count, n_rows, n_wires, bad)
    check(rc, f"zkey: coefficient {bad[0]}")


def load_key(sections: dict[str, bytes], n_wires: int, n_public: int, domain_size: int,
             count: int, check_subgroup: bool = True) -> NativeKey:
    """Check and load the sections ``coefficients`` (entries only, without the count),
    ``a``, ``b1``, ``b2``, ``c``, ``h`` of a zkey (sizes already checked by the caller)."""
    coefficients = bytes(sections["coefficients"])
    check_coefficients(coefficients, count, domain_size, n_wires)
    return NativeKey(
        n_wires=n_wires, n_public=n_public, domain_size=domain_size,
        coefficients=coefficients, count=count,
        a=_g1_array(sections["a"], n_wires, "A"),
        b1=_g1_array(sections["b1"], n_wires, "B1"),
        b2=_g2_array(sections["b2"], n_wires, "B2", check_subgroup),
        c=_g1_array(sections["c"], n_wires - n_public - 1, "C"),
        h=_g1_array(sections["h"], domain_size, "H"),
    )


def _fr_array(values: list[int], n: int):
    arr = ffi.new("zkv_fr[]", max(n, 1))
    data = b"".join(v.to_bytes(32, "little") for v in values)
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(arr, data, len(values), bad), f"value {bad[0]}")
    return arr


def _fr_ints(arr, n: int) -> list[int]:
    buf = ffi.new("uint8_t[]", 32 * max(n, 1))
    lib.zkv_fr_array_to_bytes(buf, arr, n)
    raw = ffi.buffer(buf, 32 * n)[:]
    return [int.from_bytes(raw[i : i + 32], "little") for i in range(0, 32 * n, 32)]


def _log2(n: int) -> int:
    log_n = n.bit_length() - 1
    if n < 1 or 1 << log_n != n:
        raise InvalidArgument(f"the domain size must be a power of two, not {n}")
    return log_n


def _rows(coefficients: bytes, count: int, n_rows: int, witness) -> tuple:
    a, b, c = (ffi.new("zkv_fr[]", max(n_rows, 1)) for _ in range(3))
    rc = lib.zkv_groth16_eval_ab(a, b, c, n_rows, coefficients, count, witness,
                                 len(witness))
    check(rc, "coefficients")
    return a, b, c


def eval_ab(coefficients: bytes, count: int, n_rows: int,
            witness: list[int]) -> tuple[list[int], list[int], list[int]]:
    """(A·w, B·w, their product) per row from snarkjs coefficient entries (values v R^2)."""
    rows = _rows(coefficients, count, n_rows, _fr_array(witness, len(witness)))
    return tuple(_fr_ints(v, n_rows) for v in rows)


def h_odd(a: list[int], b: list[int], c: list[int]) -> list[int]:
    """(a b - c) on the odd 2n-th roots, from a, b, c on the n-th roots."""
    n = len(a)
    arrs = [_fr_array(v, n) for v in (a, b, c)]
    check(lib.zkv_groth16_h_odd(*arrs, _log2(n)), "H")
    return _fr_ints(arrs[0], n)


def _msm_g1(points, scalars: bytes, n: int):
    out = ffi.new("zkv_g1 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_msm_scratch_sizeof(n))
    lib.zkv_g1_msm_vartime(out, points, scalars, n, scratch)
    return out


def _msm_g1_sparse(points, scalars: bytes, n: int, extra=None):
    # Zero scalars and identity points dropped, scalar-1 points added directly; ``extra``
    # (points, scalars bytes, count) joins the same Pippenger run (one larger MSM is cheaper
    # per point than two).
    n_extra = extra[2] if extra else 0
    size = max(n + n_extra, 1)
    kept, ks = ffi.new("zkv_g1_affine[]", size), ffi.new("uint8_t[]", 32 * size)
    m, ones = ffi.new("size_t *"), ffi.new("zkv_g1 *")
    lib.zkv_g1_msm_compact_vartime(kept, ks, m, ones, points, scalars, n)
    if n_extra:
        ffi.memmove(kept + m[0], extra[0], n_extra * ffi.sizeof("zkv_g1_affine"))
        ffi.memmove(ks + 32 * m[0], extra[1], 32 * n_extra)
    if m[0] + n_extra == 0:
        return ones
    out = _msm_g1(kept, ks, m[0] + n_extra)
    lib.zkv_g1_add(out, out, ones)
    return out


def _msm_g2_sparse(points, scalars: bytes, n: int):
    kept, ks = ffi.new("zkv_g2_affine[]", max(n, 1)), ffi.new("uint8_t[]", 32 * max(n, 1))
    m, ones = ffi.new("size_t *"), ffi.new("zkv_g2 *")
    lib.zkv_g2_msm_compact_vartime(kept, ks, m, ones, points, scalars, n)
    if m[0] == 0:
        return ones
    out = ffi.new("zkv_g2 *")
    if m[0] >= G2_AFFINE_MSM_MIN:
        # the key's B2 points are in the order-r subgroup (checked when the key was read or
        # made), so the psi split applies; a point outside would only make a proof that fails
        # the verification every prover runs before returning it
        scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_endo_scratch_sizeof(m[0]))
        lib.zkv_g2_msm_endo_vartime(out, kept, ks, m[0], scratch)
    else:
        scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_scratch_sizeof(m[0]))
        lib.zkv_g2_msm_vartime(out, kept, ks, m[0], scratch)
    lib.zkv_g2_add(out, out, ones)
    return out


def _g1_table(points, n: int):
    table = ffi.new("zkv_g1_affine[]", max(lib.zkv_g1_msm_table_entries(n), 1))
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_msm_table_build_scratch_sizeof(n))
    lib.zkv_g1_msm_table_build(table, points, n, scratch)
    return table, n


def _msm_g1_table(table, scalars: bytes):
    # zero scalars and identity points cost nothing here: no compaction
    points, n = table
    out = ffi.new("zkv_g1 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_msm_table_scratch_sizeof(n))
    lib.zkv_g1_msm_table_vartime(out, points, n, scalars, scratch)
    return out


def _g2_table(points, n: int):
    table = ffi.new("zkv_g2_affine[]", max(lib.zkv_g2_msm_table_entries(n), 1))
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_table_build_scratch_sizeof(n))
    lib.zkv_g2_msm_table_build(table, points, n, scratch)
    return table, n


def _msm_g2_table(table, scalars: bytes):
    points, n = table
    out = ffi.new("zkv_g2 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_table_scratch_sizeof(n))
    lib.zkv_g2_msm_table_vartime(out, points, n, scalars, scratch)
    return out


def precompute_tables(key: NativeKey) -> None:
    """Make the MSMs of every later proof with ``key`` use fixed-base tables
    (zkv_g1_msm_table_build on A, B1 and C||H, zkv_g2_msm_table_build on B2): one bucket set
    for all windows, about 10% less proving time (ballot K=8 D=20), for a one-time cost of
    ~6 s on one core and 1,152 bytes per G1 point and 2,560 per G2 point kept with the key
    (~170 MB for a domain of 2^15 and 22k wires). The key's B2 points must be in the order-r
    subgroup, as the proving path already assumes. Idempotent; the terms of a proof are
    unchanged."""
    if key.tables is not None:
        return
    n_c = key.n_wires - key.n_public - 1
    ch = ffi.new("zkv_g1_affine[]", max(n_c + key.domain_size, 1))
    size = ffi.sizeof("zkv_g1_affine")
    ffi.memmove(ch, key.c, n_c * size)
    ffi.memmove(ch + n_c, key.h, key.domain_size * size)
    key.tables = {"a": _g1_table(key.a, key.n_wires), "b1": _g1_table(key.b1, key.n_wires),
                  "b2": _g2_table(key.b2, key.n_wires),
                  "ch": _g1_table(ch, n_c + key.domain_size)}


def _packed_witness(key: NativeKey, witness: list[int]) -> tuple[bytes, object]:
    n_wires = key.n_wires
    if len(witness) != n_wires:
        raise InvalidArgument(f"the witness needs {n_wires} values, not {len(witness)}")
    packed = b"".join(v.to_bytes(32, "little") for v in witness)
    w = ffi.new("zkv_fr[]", max(n_wires, 1))
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(w, packed, n_wires, bad), f"witness value {bad[0]}")
    return packed, w


def _terms(key: NativeKey, packed: bytes, a, b, c) -> tuple:
    n, n_wires = key.domain_size, key.n_wires
    check(lib.zkv_groth16_h_odd(a, b, c, _log2(n)), "H")
    h_scalars = ffi.new("uint8_t[]", 32 * n)
    lib.zkv_fr_array_to_bytes(h_scalars, a, n)
    first_private = 32 * (key.n_public + 1)
    if key.tables is not None:
        h_bytes = bytes(ffi.buffer(h_scalars, 32 * n))
        return (
            decode_g1(_msm_g1_table(key.tables["a"], packed)),
            decode_g1(_msm_g1_table(key.tables["b1"], packed)),
            decode_g2(_msm_g2_table(key.tables["b2"], packed)),
            decode_g1(_msm_g1_table(key.tables["ch"], packed[first_private:] + h_bytes)),
        )
    return (
        decode_g1(_msm_g1_sparse(key.a, packed, n_wires)),
        decode_g1(_msm_g1_sparse(key.b1, packed, n_wires)),
        decode_g2(_msm_g2_sparse(key.b2, packed, n_wires)),
        decode_g1(_msm_g1_sparse(key.c, packed[first_private:], n_wires - key.n_public - 1,
                                 (key.h, h_scalars, n))),
    )


def prove_terms(key: NativeKey, witness: list[int]) -> tuple:
    """(sum w_j A_j, sum w_j B1_j, sum w_j B2_j, sum_private w_j C_j + sum p_i H_i) for a
    checked witness, p being the odd-coset evaluations of a b - c (c = a b for a zkey)."""
    if key.rows is not None:
        row, terms = prove_terms_circuit(key, witness)
        if terms is None:
            raise InvalidArgument(f"the witness does not satisfy row {row}")
        return terms
    packed, w = _packed_witness(key, witness)
    a, b, c = _rows(key.coefficients, key.count, key.domain_size, w)
    return _terms(key, packed, a, b, c)


def prove_terms_circuit(key: NativeKey, witness: list[int]) -> tuple[int, tuple | None]:
    """For a key made by :func:`circuit_key`: (-1, the terms of :func:`prove_terms`) if the
    checked ``witness`` satisfies every QAP row, else (the first failing row, None)."""
    packed, w = _packed_witness(key, witness)
    n, rows = key.domain_size, key.rows
    a, b, c = (ffi.new("zkv_fr[]", max(n, 1)) for _ in range(3))
    bad = ffi.new("size_t *")
    rc = lib.zkv_groth16_eval_abc(a, b, c, n, rows.start, rows.n_lcs, rows.wires, rows.coeffs,
                                  rows.n_terms, w, key.n_wires, bad)
    check(rc, "R1CS rows")
    if bad[0] != n:
        return bad[0], None
    return -1, _terms(key, packed, a, b, c)


def sparse_msm_g1(points: Sequence[Point], scalars: Sequence[int]) -> Point:
    """sum k_i P_i through the prover's path (zkv_g1_msm_compact_vartime, then the MSM);
    scalars 0 <= k < 2^256."""
    data = b"".join(k.to_bytes(32, "little") for k in scalars)
    return decode_g1(_msm_g1_sparse(_g1_points(points), data, len(points)))


def sparse_msm_g2(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """As :func:`sparse_msm_g1` over G2 (points on the twist, from G2 values)."""
    data = b"".join(k.to_bytes(32, "little") for k in scalars)
    return decode_g2(_msm_g2_sparse(_g2_points(points), data, len(points)))


def g2_msm_affine(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """sum k_i P_i by zkv_g2_msm_affine_vartime whatever the size (0 <= k < 2^256)."""
    n = len(points)
    out = ffi.new("zkv_g2 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_affine_scratch_sizeof(n))
    lib.zkv_g2_msm_affine_vartime(out, _g2_points(points),
                                  b"".join(k.to_bytes(32, "little") for k in scalars), n, scratch)
    return decode_g2(out)


def g2_msm_endo(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """sum k_i P_i by zkv_g2_msm_endo_vartime (the psi-split batch-affine MSM) whatever the
    size, for points of the order-r subgroup (G2 values) and 0 <= k < 2^256; a point outside
    the subgroup gives a wrong sum (no error is raised)."""
    n = len(points)
    out = ffi.new("zkv_g2 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_endo_scratch_sizeof(n))
    lib.zkv_g2_msm_endo_vartime(out, _g2_points(points),
                                b"".join(k.to_bytes(32, "little") for k in scalars), n, scratch)
    return decode_g2(out)


def g1_msm_table(points: Sequence[Point], scalars: Sequence[int]) -> Point:
    """sum k_i P_i through a fixed-base table (zkv_g1_msm_table_build, then
    zkv_g1_msm_table_vartime), 0 <= k < 2^256; the table is built and dropped per call."""
    data = b"".join(k.to_bytes(32, "little") for k in scalars)
    return decode_g1(_msm_g1_table(_g1_table(_g1_points(points), len(points)), data))


def g2_msm_table(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """As :func:`g1_msm_table` over G2 (zkv_g2_msm_table_*), for points of the order-r
    subgroup (G2 values); a point outside it gives a wrong sum (no error is raised)."""
    data = b"".join(k.to_bytes(32, "little") for k in scalars)
    return decode_g2(_msm_g2_table(_g2_table(_g2_points(points), len(points)), data))


# ---- keys of our own setup: points from affine tuples, rows as LC tables


def lc_table(lcs: Sequence[Mapping[int, int]], n_wires: int) -> LcTable:
    """The C table of linear combinations ``lcs`` (wire -> coefficient in [0, r) each).
    InvalidArgument for a wire outside [0, n_wires), FieldRangeError for a coefficient
    not below r."""
    start, wires, values = array("Q", [0]), array("I"), []
    try:
        for lc in lcs:
            wires.extend(lc)
            values.extend(lc.values())
            start.append(len(wires))
    except OverflowError as exc:
        raise InvalidArgument("a wire index is out of range") from exc
    n_lcs, n_terms = len(start) - 1, len(wires)
    coeffs = ffi.new("zkv_fr[]", max(n_terms, 1))
    bad = ffi.new("size_t *")
    try:
        data = b"".join(v.to_bytes(32, "little") for v in values)
    except OverflowError as exc:
        raise FieldRangeError("a coefficient is not below r") from exc
    check(lib.zkv_fr_array_from_bytes(coeffs, data, n_terms, bad), f"coefficient {bad[0]}")
    start_c, wires_c = ffi.from_buffer("uint64_t[]", start), ffi.from_buffer("uint32_t[]", wires)
    check(lib.zkv_lc_table_check(start_c, n_lcs, wires_c, n_terms, n_wires, bad),
          f"linear combination {bad[0]}")
    return LcTable(n_lcs, n_terms, start_c, wires_c, coeffs)


def _g1_points(points: Sequence[Point]):
    n = len(points)
    arr = ffi.new("zkv_g1_affine[]", max(n, 1))
    data = b"".join(_ZERO64 if p is None else p[0].to_bytes(32, "little")
                    + p[1].to_bytes(32, "little") for p in points)
    bad = ffi.new("size_t *")
    check(lib.zkv_g1_affine_array_from_bytes(arr, data, n, bad), f"G1 point {bad[0]}")
    return arr


def _g2_points(points: Sequence[G2Affine]):
    # The points are G2 values checked when they were made: curve only, no subgroup test.
    n = len(points)
    arr = ffi.new("zkv_g2_affine[]", max(n, 1))
    for i, p in enumerate(points):
        check(lib.zkv_g2_affine_from_bytes_unchecked(arr + i, encode_g2(p)), f"G2 point {i}")
    return arr


def circuit_key(points: Mapping[str, Sequence], rows: Sequence[tuple], n_public: int,
                domain_size: int) -> NativeKey:
    """A prover key from the affine points of a proving key (``a``, ``b1``, ``c``, ``h``: G1
    tuples or None; ``b2``: G2) and the QAP rows (A, B, C) of its circuit, at most
    ``domain_size`` of them. Errors as :func:`lc_table`; InvalidPoint for a point off its
    curve."""
    n_wires = len(points["a"])
    if len(rows) > domain_size:
        raise InvalidArgument(f"{len(rows)} rows do not fit a domain of {domain_size}")
    table = lc_table([lc for row in rows for lc in row], n_wires)
    return NativeKey(
        n_wires=n_wires, n_public=n_public, domain_size=domain_size, coefficients=b"",
        count=0, a=_g1_points(points["a"]), b1=_g1_points(points["b1"]),
        b2=_g2_points(points["b2"]), c=_g1_points(points["c"]), h=_g1_points(points["h"]),
        rows=table,
    )


# ---- circuit witness programs (circuits/witness.py)


@dataclass(eq=False)
class WitnessProgram:
    """A witness program (code words and LC table, native/zkv.h's zkv_witness_run)."""

    n_wires: int
    code: array
    code_c: object
    table: LcTable
    hint_cap: int


def witness_program(code: Sequence[int], lcs: Sequence[Mapping[int, int]], n_wires: int
                    ) -> WitnessProgram:
    """Load a witness program: ``code`` as documented at zkv_witness_run in native/zkv.h,
    ``lcs`` the linear combinations its ops name by index. Errors as :func:`lc_table`;
    malformed code is reported when it runs."""
    try:
        words = array("I", code)
    except OverflowError as exc:
        raise InvalidArgument("a code word is out of range") from exc
    cap, pc = 0, 0
    while pc < len(words):  # the largest hint input count, for the input buffer
        op = words[pc]
        if op == 2 and pc + 2 < len(words):
            n_in = words[pc + 2]
            cap = max(cap, n_in)
            pc += 4 + n_in + (words[pc + 3 + n_in] if pc + 3 + n_in < len(words) else 0)
        else:
            pc += {0: 4, 1: 3, 3: 5}.get(op, len(words))
    return WitnessProgram(n_wires, words, ffi.from_buffer("uint32_t[]", words),
                          lc_table(lcs, n_wires), cap)


def witness_run(program: WitnessProgram, inputs: Mapping[int, int],
                hint: Callable[[int, list[int]], Sequence[int]]) -> tuple[list[int] | None, int]:
    """Run ``program`` from the witness that is zero but for ``inputs`` (wire -> value in
    [0, r)). ``hint(id, input values)`` computes a HINT op's outputs (values in [0, r); its
    exceptions propagate). Returns (the witness, -1), or (None, index) at the first CHECK
    that fails. InvalidArgument for a malformed program or a hint returning the wrong
    number of values or a value not below r."""
    n, t, code = program.n_wires, program.table, program.code
    initial = bytearray(32 * n)
    for wire, value in inputs.items():
        initial[32 * wire : 32 * wire + 32] = value.to_bytes(32, "little")
    w = ffi.new("zkv_fr[]", max(n, 1))
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(w, bytes(initial), n, bad), f"input wire {bad[0]}")
    pc, status = ffi.new("size_t *"), ffi.new("uint32_t *")
    cap = program.hint_cap
    hint_in = ffi.new("uint8_t[]", 32 * max(cap, 1))
    # The loop runs once per hint (thousands in a ballot): everything it touches is local.
    run, unpack, from_bytes, n_code, code_c = (lib.zkv_witness_run, ffi.unpack, int.from_bytes,
                                               len(code), program.code_c)
    start, n_lcs, wires, coeffs, n_terms = t.start, t.n_lcs, t.wires, t.coeffs, t.n_terms
    rc = run(w, n, code_c, n_code, start, n_lcs, wires, coeffs, n_terms, pc, 0, b"", 0,
             hint_in, cap, status)
    while rc == 0 and status[0] == 1:
        p = pc[0]
        n_in = code[p + 2]
        raw = unpack(hint_in, 32 * n_in)
        values = hint(code[p + 1], [from_bytes(raw[i : i + 32], "little")
                                    for i in range(0, 32 * n_in, 32)])
        try:
            out = values[0].to_bytes(32, "little") if len(values) == 1 else b"".join(
                v.to_bytes(32, "little") for v in values)
        except (OverflowError, AttributeError) as exc:
            raise InvalidArgument("a hint value is not a field element") from exc
        rc = run(w, n, code_c, n_code, start, n_lcs, wires, coeffs, n_terms, pc, 1, out,
                 len(values), hint_in, cap, status)
    check(rc, f"witness program op at word {pc[0]}")
    if status[0] == 2:
        return None, code[pc[0] + 1]
    return _fr_ints(w, n), -1


# ---- insecure setup: fixed-base batches and QAP column sums


def _g1_decode_array(arr, n: int) -> list[Point]:
    buf = ffi.new("uint8_t[]", 64 * max(n, 1))
    lib.zkv_g1_affine_array_to_bytes(buf, arr, n)
    raw, from_bytes = ffi.buffer(buf, 64 * n)[:], int.from_bytes
    pts = [(from_bytes(raw[i : i + 32], "little"), from_bytes(raw[i + 32 : i + 64], "little"))
           for i in range(0, 64 * n, 64)]
    return [None if p == (0, 0) else p for p in pts]


def _g2_decode_array(arr, n: int) -> list[G2Affine]:
    buf = ffi.new("uint8_t[]", 128 * max(n, 1))
    lib.zkv_g2_affine_array_to_bytes(buf, arr, n)
    raw, from_bytes, out = ffi.buffer(buf, 128 * n)[:], int.from_bytes, []
    for i in range(0, 128 * n, 128):
        c = [from_bytes(raw[i + j : i + j + 32], "little") for j in range(0, 128, 32)]
        out.append(((c[0], c[1]), (c[2], c[3])) if any(c) else None)
    return out


def fixed_base_g1(base: Point, scalars: Sequence[int]) -> list[Point]:
    """[k * base for k in scalars] (0 <= k < 2^256), by zkv_g1_fixed_base_batch_vartime."""
    n = len(scalars)
    if n == 0:
        return []
    b = _g1_points([base])
    out = ffi.new("zkv_g1_affine[]", n)
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_fixed_base_scratch_sizeof(n))
    lib.zkv_g1_fixed_base_batch_vartime(out, b, b"".join(k.to_bytes(32, "little")
                                                        for k in scalars), n, scratch)
    return _g1_decode_array(out, n)


def fixed_base_g2(base: G2Affine, scalars: Sequence[int]) -> list[G2Affine]:
    """[k * base for k in scalars] (0 <= k < 2^256), by zkv_g2_fixed_base_batch_vartime."""
    n = len(scalars)
    if n == 0:
        return []
    b = _g2_points([base])
    out = ffi.new("zkv_g2_affine[]", n)
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_fixed_base_scratch_sizeof(n))
    lib.zkv_g2_fixed_base_batch_vartime(out, b, b"".join(k.to_bytes(32, "little")
                                                        for k in scalars), n, scratch)
    return _g2_decode_array(out, n)


def column_sums(rows: LcTable, lagrange: Sequence[int], n_wires: int
                ) -> tuple[list[int], list[int], list[int]]:
    """(u, v, w): u_j = sum_i A[i][j] lagrange[i] (B for v, C for w) over the QAP rows of
    ``rows`` (as :func:`circuit_key` lays them out), one value per wire."""
    n_rows = len(lagrange)
    lag = _fr_array(list(lagrange), n_rows)
    u, v, w = (ffi.new("zkv_fr[]", max(n_wires, 1)) for _ in range(3))
    rc = lib.zkv_groth16_column_sums(u, v, w, n_wires, rows.start, rows.n_lcs, rows.wires,
                                     rows.coeffs, rows.n_terms, lag, n_rows)
    check(rc, "R1CS rows")
    return _fr_ints(u, n_wires), _fr_ints(v, n_wires), _fr_ints(w, n_wires)


def key_points(key: NativeKey, name: str) -> list:
    """The points of query ``name`` (a, b1, b2, c, h) as plain affine tuples."""
    arr = getattr(key, name)
    n = {"a": key.n_wires, "b1": key.n_wires, "b2": key.n_wires, "h": key.domain_size,
         "c": key.n_wires - key.n_public - 1}[name]
    return _g2_decode_array(arr, n) if name == "b2" else _g1_decode_array(arr, n)
