"""Groth16 prover kernels on C arrays (native/prover.c): a snarkjs proving key loaded once
from its Montgomery-form bytes (its B2 points checked in G2 by random combinations, see
:func:`g2_subgroup_batch`), or a key of our own setup with its R1CS as linear-combination
tables; then per proof the sparse A/B(/C) evaluation, the odd-coset H chain and the MSMs
(zero and one scalars dropped first, G2 with batch-affine buckets and the psi split) without
any per-element Python work.

The slice ``groth16`` also serves the circuit witness-program runner (witness_program.py) and
the insecure setup's fixed-base batches and QAP column sums (qap_setup.py), re-exported here
so that ``impl("groth16")`` offers every function of the reference slice (plus native-only
kernels: the G2 MSM variants and ``subgroup_coefficients``, which the tests compare)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zkvote._native.arrays import (
    G2Affine,
    LcTable,
    Point,
    fr_array,
    fr_ints,
    g1_decode_array,
    g1_points,
    g2_decode_array,
    g2_points,
    lc_table,
)
from zkvote._native.g1 import decode_jacobian as decode_g1
from zkvote._native.g2 import decode_jacobian as decode_g2
from zkvote._native.lib import check, ffi, lib
from zkvote._native.qap_setup import column_sums, fixed_base_g1, fixed_base_g2
from zkvote._native.witness_program import WitnessProgram, witness_program, witness_run
from zkvote.errors import InvalidArgument

__all__ = [  # the slice's API, the moved parts included
    "COEF_BYTES", "SUBGROUP_BITS", "SUBGROUP_REPS", "SUBGROUP_RHO_BYTES", "LcTable",
    "NativeKey", "WitnessProgram", "check_coefficients", "circuit_key", "column_sums",
    "eval_ab", "fixed_base_g1", "fixed_base_g2", "g1_affine_from_le", "g2_affine_from_le",
    "g2_msm_affine", "g2_msm_endo",
    "g2_msm_short_multi", "g2_subgroup_batch", "h_odd", "key_points", "lc_table", "load_key",
    "prove_terms", "prove_terms_circuit", "sparse_msm_g1", "sparse_msm_g2",
    "subgroup_coefficients", "witness_program", "witness_run",
]

COEF_BYTES = 44
# Independent random combinations of the B2 points in the batched subgroup check, the bytes
# of rho per coefficient, and the low bits of them that make the (signed) coefficient (see
# g2_subgroup_batch).
SUBGROUP_REPS = 13
SUBGROUP_RHO_BYTES = 2
SUBGROUP_BITS = 10
G2_AFFINE_MSM_MIN = 1024  # from here the batch-affine G2 MSM beats the Jacobian one


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


def _check_rho(rho: bytes, n: int) -> None:
    """InvalidArgument unless ``rho`` holds SUBGROUP_REPS * SUBGROUP_RHO_BYTES bytes for each
    of ``n`` points."""
    if len(rho) != SUBGROUP_REPS * SUBGROUP_RHO_BYTES * n:
        raise InvalidArgument(f"the subgroup check needs {SUBGROUP_REPS * SUBGROUP_RHO_BYTES * n}"
                              " random bytes")


def _g2_subgroup_batch(arr, n: int, rho: bytes) -> bool:
    # The SUBGROUP_REPS combinations in one pass (zkv_g2_msm_short_multi_vartime reads rho
    # as laid out here), each sum through the exact psi test. The callers size rho (built
    # here, or checked by _check_rho).
    sums = ffi.new("zkv_g2[]", SUBGROUP_REPS)
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_short_multi_scratch_sizeof(
        n, SUBGROUP_REPS, SUBGROUP_BITS))
    check(lib.zkv_g2_msm_short_multi_vartime(sums, arr, rho, n, SUBGROUP_REPS, SUBGROUP_BITS,
                                             scratch), "subgroup check")
    affine = ffi.new("zkv_g2_affine *")
    for k in range(SUBGROUP_REPS):
        lib.zkv_g2_to_affine(affine, sums + k)
        if not lib.zkv_g2_is_in_subgroup(affine):
            return False
    return True


def subgroup_coefficients(rho: bytes, n: int) -> list[list[int]]:
    """The SUBGROUP_REPS coefficient rows (n each) that :func:`g2_subgroup_batch` draws from
    ``rho``: each SUBGROUP_RHO_BYTES-byte little-endian value's low SUBGROUP_BITS bits, as a
    two's-complement integer in [-2^(SUBGROUP_BITS-1), 2^(SUBGROUP_BITS-1)). InvalidArgument
    for the wrong number of bytes."""
    _check_rho(rho, n)
    step, mask, half = SUBGROUP_RHO_BYTES, (1 << SUBGROUP_BITS) - 1, 1 << (SUBGROUP_BITS - 1)
    values = [int.from_bytes(rho[i : i + step], "little") & mask
              for i in range(0, len(rho), step)]
    values = [v - 2 * half if v >= half else v for v in values]
    return [values[k * n : (k + 1) * n] for k in range(SUBGROUP_REPS)]


def g2_subgroup_batch(points: Sequence[G2Affine], rho: bytes) -> bool:
    """Whether all ``points`` (on the twist) lie in G2, by SUBGROUP_REPS random linear
    combinations (coefficients as :func:`subgroup_coefficients` takes them from ``rho``,
    SUBGROUP_RHO_BYTES bytes per point and repetition, point-major within each repetition)
    and the exact psi test on each sum.

    Sound for random ``rho``: E'(Fq2) is cyclic of order r h' with h' = 10069 * 5864401 *
    1875725156269 * q (q prime, 178 bits), so a point outside G2 has a component of prime
    order q' | h', q' > 2^SUBGROUP_BITS; one combination hides it only if that point's
    coefficient (uniform over 2^SUBGROUP_BITS consecutive integers) hits one residue mod q',
    probability at most 2^-10, all thirteen at most 2^-130. Returns False if some point is
    outside G2 (always, when the combinations catch it). InvalidArgument for the wrong number
    of random bytes."""
    n = len(points)
    _check_rho(rho, n)
    if n == 0:
        return True
    return _g2_subgroup_batch(g2_points(points), n, rho)


def g1_affine_from_le(data: bytes, n: int, montgomery: bool) -> list[Point]:
    """The n G1 points of ``data``, 64 bytes each: x || y little-endian (in Montgomery form,
    as snarkjs stores them, if ``montgomery``), the identity all zeros; affine tuples, None
    for the identity. FieldRangeError / InvalidPoint naming the first point not canonical or
    off the curve; InvalidEncoding if ``data`` is not 64 n bytes."""
    if len(data) != 64 * n:
        check(lib.ZKV_BAD_ENCODING, "G1 point array")
    arr = ffi.new("zkv_g1_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    decode = (lib.zkv_g1_affine_array_from_mont_bytes if montgomery
              else lib.zkv_g1_affine_array_from_bytes)
    check(decode(arr, data, n, bad), f"G1 point {bad[0]}")
    return g1_decode_array(arr, n)


def g2_affine_from_le(data: bytes, n: int, montgomery: bool) -> list[G2Affine]:
    """As :func:`g1_affine_from_le` for twist points of 128 bytes, x.c0 || x.c1 || y.c0 ||
    y.c1: checked canonical and on the twist but NOT in G2 (the caller checks the subgroup,
    e.g. all at once with :func:`g2_subgroup_batch`)."""
    if len(data) != 128 * n:
        check(lib.ZKV_BAD_ENCODING, "G2 point array")
    arr = ffi.new("zkv_g2_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    if montgomery:
        check(lib.zkv_g2_affine_array_from_mont_bytes(arr, data, n, 0, bad), f"G2 point {bad[0]}")
    else:
        for i in range(n):
            check(lib.zkv_g2_affine_from_bytes_unchecked(arr + i, data[128 * i : 128 * i + 128]),
                  f"G2 point {i}")
    return g2_decode_array(arr, n)


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
    rows = _rows(coefficients, count, n_rows, fr_array(witness, len(witness)))
    return tuple(fr_ints(v, n_rows) for v in rows)


def h_odd(a: list[int], b: list[int], c: list[int]) -> list[int]:
    """(a b - c) on the odd 2n-th roots, from a, b, c on the n-th roots."""
    n = len(a)
    arrs = [fr_array(v, n) for v in (a, b, c)]
    check(lib.zkv_groth16_h_odd(*arrs, _log2(n)), "H")
    return fr_ints(arrs[0], n)


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
    return decode_g1(_msm_g1_sparse(g1_points(points), data, len(points)))


def sparse_msm_g2(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """As :func:`sparse_msm_g1` over G2 (points on the twist, from G2 values)."""
    data = b"".join(k.to_bytes(32, "little") for k in scalars)
    return decode_g2(_msm_g2_sparse(g2_points(points), data, len(points)))


def g2_msm_affine(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """sum k_i P_i by zkv_g2_msm_affine_vartime whatever the size (0 <= k < 2^256)."""
    n = len(points)
    out = ffi.new("zkv_g2 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_affine_scratch_sizeof(n))
    lib.zkv_g2_msm_affine_vartime(out, g2_points(points),
                                  b"".join(k.to_bytes(32, "little") for k in scalars), n, scratch)
    return decode_g2(out)


def g2_msm_endo(points: Sequence[G2Affine], scalars: Sequence[int]) -> G2Affine:
    """sum k_i P_i by zkv_g2_msm_endo_vartime (the psi-split batch-affine MSM) whatever the
    size, for points of the order-r subgroup (G2 values) and 0 <= k < 2^256; a point outside
    the subgroup gives a wrong sum (no error is raised)."""
    n = len(points)
    out = ffi.new("zkv_g2 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_endo_scratch_sizeof(n))
    lib.zkv_g2_msm_endo_vartime(out, g2_points(points),
                                b"".join(k.to_bytes(32, "little") for k in scalars), n, scratch)
    return decode_g2(out)


def g2_msm_short_multi(points: Sequence[G2Affine], rows: Sequence[Sequence[int]],
                       bits: int) -> list[G2Affine]:
    """[sum_i c[k][i] P_i for each row c[k] of ``rows``] by zkv_g2_msm_short_multi_vartime:
    points on the twist (no subgroup assumption), at most 64 rows of len(points) integers in
    [-2^(bits-1), 2^(bits-1)), 2 <= bits <= 12. InvalidArgument otherwise."""
    n, reps = len(points), len(rows)
    half = 1 << (bits - 1) if 2 <= bits <= 12 else 0
    if reps > 64 or any(len(row) != n or not all(-half <= c < half for c in row)
                        for row in rows):
        raise InvalidArgument(f"at most 64 rows of one {bits}-bit coefficient per point")
    data = b"".join((c % (1 << 16)).to_bytes(2, "little") for row in rows for c in row)
    sums = ffi.new("zkv_g2[]", max(reps, 1))
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_short_multi_scratch_sizeof(n, reps, bits))
    check(lib.zkv_g2_msm_short_multi_vartime(sums, g2_points(points), data, n, reps, bits,
                                             scratch), "multi MSM")
    return [decode_g2(sums + k) for k in range(reps)]


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
        count=0, a=g1_points(points["a"]), b1=g1_points(points["b1"]),
        b2=g2_points(points["b2"]), c=g1_points(points["c"]), h=g1_points(points["h"]),
        rows=table,
    )


def key_points(key: NativeKey, name: str) -> list:
    """The points of query ``name`` (a, b1, b2, c, h) as plain affine tuples."""
    arr = getattr(key, name)
    n = {"a": key.n_wires, "b1": key.n_wires, "b2": key.n_wires, "h": key.domain_size,
         "c": key.n_wires - key.n_public - 1}[name]
    return g2_decode_array(arr, n) if name == "b2" else g1_decode_array(arr, n)
