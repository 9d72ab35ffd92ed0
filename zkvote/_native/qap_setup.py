"""The insecure single-party setup's bulk work in C (zkvote.snark.setup): fixed-base batch
multiplications for the key's point queries and the QAP column sums at tau."""

from __future__ import annotations

from collections.abc import Sequence

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
)
from zkvote._native.lib import check, ffi, lib


def _fixed_base(group: str, base, scalars: Sequence[int], decode) -> list:
    # the two groups' kernels differ only in their names and point types
    n = len(scalars)
    if n == 0:
        return []
    out = ffi.new(f"zkv_{group}_affine[]", n)
    scratch = ffi.new("uint8_t[]", getattr(lib, f"zkv_{group}_fixed_base_scratch_sizeof")(n))
    getattr(lib, f"zkv_{group}_fixed_base_batch_vartime")(
        out, base, b"".join(k.to_bytes(32, "little") for k in scalars), n, scratch)
    return decode(out, n)


def fixed_base_g1(base: Point, scalars: Sequence[int]) -> list[Point]:
    """[k * base for k in scalars] (0 <= k < 2^256), by zkv_g1_fixed_base_batch_vartime."""
    return _fixed_base("g1", g1_points([base]), scalars, g1_decode_array)


def fixed_base_g2(base: G2Affine, scalars: Sequence[int]) -> list[G2Affine]:
    """[k * base for k in scalars] (0 <= k < 2^256), by zkv_g2_fixed_base_batch_vartime."""
    return _fixed_base("g2", g2_points([base]), scalars, g2_decode_array)


def column_sums(rows: LcTable, lagrange: Sequence[int], n_wires: int
                ) -> tuple[list[int], list[int], list[int]]:
    """(u, v, w): u_j = sum_i A[i][j] lagrange[i] (B for v, C for w) over the QAP rows of
    ``rows`` (as :func:`circuit_key` lays them out), one value per wire."""
    n_rows = len(lagrange)
    lag = fr_array(list(lagrange), n_rows)
    u, v, w = (ffi.new("zkv_fr[]", max(n_wires, 1)) for _ in range(3))
    rc = lib.zkv_groth16_column_sums(u, v, w, n_wires, rows.start, rows.n_lcs, rows.wires,
                                     rows.coeffs, rows.n_terms, lag, n_rows)
    check(rc, "R1CS rows")
    return fr_ints(u, n_wires), fr_ints(v, n_wires), fr_ints(w, n_wires)
