"""C arrays for the native groth16 slice and its parts (witness programs, the insecure
setup): field elements, affine points and linear-combination tables built from Python values,
with every value checked as it is loaded, and point arrays decoded back."""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zkvote._native.g2 import encode as encode_g2
from zkvote._native.lib import check, ffi, lib
from zkvote.errors import FieldRangeError, InvalidArgument

Point = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
_ZERO64 = bytes(64)


@dataclass(eq=False)
class LcTable:
    """Linear combinations as C arrays (native/prover.c's table layout)."""

    n_lcs: int
    n_terms: int
    start: object
    wires: object
    coeffs: object


def fr_array(values: list[int], n: int):
    """A C array of n zkv_fr (room for at least one) holding ``values`` (len <= n).
    FieldRangeError naming the first value not below r."""
    arr = ffi.new("zkv_fr[]", max(n, 1))
    data = b"".join(v.to_bytes(32, "little") for v in values)
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(arr, data, len(values), bad), f"value {bad[0]}")
    return arr


def fr_ints(arr, n: int) -> list[int]:
    """The first n values of the zkv_fr array ``arr`` as ints in [0, r)."""
    buf = ffi.new("uint8_t[]", 32 * max(n, 1))
    lib.zkv_fr_array_to_bytes(buf, arr, n)
    raw = ffi.buffer(buf, 32 * n)[:]
    return [int.from_bytes(raw[i : i + 32], "little") for i in range(0, 32 * n, 32)]


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


def g1_points(points: Sequence[Point]):
    """A C array of ``points`` (affine tuples, None the identity). InvalidPoint /
    FieldRangeError naming the first point off the curve or not canonical."""
    n = len(points)
    arr = ffi.new("zkv_g1_affine[]", max(n, 1))
    data = b"".join(_ZERO64 if p is None else p[0].to_bytes(32, "little")
                    + p[1].to_bytes(32, "little") for p in points)
    bad = ffi.new("size_t *")
    check(lib.zkv_g1_affine_array_from_bytes(arr, data, n, bad), f"G1 point {bad[0]}")
    return arr


def g2_points(points: Sequence[G2Affine]):
    """A C array of twist points (affine G2 tuples, None the identity), checked on the
    curve only: they are G2 values, whose subgroup was checked when they were made."""
    n = len(points)
    arr = ffi.new("zkv_g2_affine[]", max(n, 1))
    for i, p in enumerate(points):
        check(lib.zkv_g2_affine_from_bytes_unchecked(arr + i, encode_g2(p)), f"G2 point {i}")
    return arr


def g1_decode_array(arr, n: int) -> list[Point]:
    """The first n points of the zkv_g1_affine array ``arr`` as affine tuples (None the
    identity)."""
    buf = ffi.new("uint8_t[]", 64 * max(n, 1))
    lib.zkv_g1_affine_array_to_bytes(buf, arr, n)
    raw, from_bytes = ffi.buffer(buf, 64 * n)[:], int.from_bytes
    pts = [(from_bytes(raw[i : i + 32], "little"), from_bytes(raw[i + 32 : i + 64], "little"))
           for i in range(0, 64 * n, 64)]
    return [None if p == (0, 0) else p for p in pts]


def g2_decode_array(arr, n: int) -> list[G2Affine]:
    """As :func:`g1_decode_array` for a zkv_g2_affine array."""
    buf = ffi.new("uint8_t[]", 128 * max(n, 1))
    lib.zkv_g2_affine_array_to_bytes(buf, arr, n)
    raw, from_bytes, out = ffi.buffer(buf, 128 * n)[:], int.from_bytes, []
    for i in range(0, 128 * n, 128):
        c = [from_bytes(raw[i + j : i + j + 32], "little") for j in range(0, 128, 32)]
        out.append(((c[0], c[1]), (c[2], c[3])) if any(c) else None)
    return out
