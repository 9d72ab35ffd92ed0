"""Groth16 prover kernels on C arrays (native/prover.c): a snarkjs proving key loaded once
from its Montgomery-form bytes, then per proof the sparse A/B evaluation, the odd-coset H
chain and the five MSMs without any per-element Python work."""

from __future__ import annotations

from dataclasses import dataclass

from zkvote._native.g1 import decode_jacobian as decode_g1
from zkvote._native.g2 import decode_jacobian as decode_g2
from zkvote._native.lib import check, ffi, lib
from zkvote.errors import InvalidArgument

Point = tuple[int, int] | None
G2Affine = tuple[tuple[int, int], tuple[int, int]] | None
COEF_BYTES = 44



@dataclass(eq=False)
class NativeKey:
    """The point arrays of a proving key (C structs) and its coefficient bytes."""

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


def _g1_array(data: bytes, n: int, what: str):
    arr = ffi.new("zkv_g1_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g1_affine_array_from_mont_bytes(arr, data, n, bad)
    check(rc, f"zkey: {what} point {bad[0]}")
    return arr


def _g2_array(data: bytes, n: int, what: str, subgroup: bool):
    arr = ffi.new("zkv_g2_affine[]", max(n, 1))
    bad = ffi.new("size_t *")
    rc = lib.zkv_g2_affine_array_from_mont_bytes(arr, data, n, int(subgroup), bad)
    check(rc, f"zkey: {what} point {bad[0]}")
    return arr


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


def prove_terms(key: NativeKey, witness: list[int]) -> tuple:
    """(sum w_j A_j, sum w_j B1_j, sum w_j B2_j, sum_private w_j C_j, sum p_i H_i) for a
    checked witness, p being the odd-coset evaluations of a b - c."""
    n, n_wires = key.domain_size, key.n_wires
    if len(witness) != n_wires:
        raise InvalidArgument(f"the witness needs {n_wires} values, not {len(witness)}")
    packed = b"".join(v.to_bytes(32, "little") for v in witness)
    w = ffi.new("zkv_fr[]", max(n_wires, 1))
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(w, packed, n_wires, bad), f"witness value {bad[0]}")
    a, b, c = _rows(key.coefficients, key.count, n, w)
    check(lib.zkv_groth16_h_odd(a, b, c, _log2(n)), "H")
    h_scalars = ffi.new("uint8_t[]", 32 * n)
    lib.zkv_fr_array_to_bytes(h_scalars, a, n)
    first_private = 32 * (key.n_public + 1)
    g2 = ffi.new("zkv_g2 *")
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_scratch_sizeof(n_wires))
    lib.zkv_g2_msm_vartime(g2, key.b2, packed, n_wires, scratch)
    return (
        decode_g1(_msm_g1(key.a, packed, n_wires)),
        decode_g1(_msm_g1(key.b1, packed, n_wires)),
        decode_g2(g2),
        decode_g1(_msm_g1(key.c, packed[first_private:], n_wires - key.n_public - 1)),
        decode_g1(_msm_g1(key.h, h_scalars, n)),
    )


def key_points(key: NativeKey, name: str) -> list:
    """The points of query ``name`` (a, b1, b2, c, h) as plain affine tuples."""
    arr = getattr(key, name)
    n = {"a": key.n_wires, "b1": key.n_wires, "b2": key.n_wires, "h": key.domain_size,
         "c": key.n_wires - key.n_public - 1}[name]
    size = 128 if name == "b2" else 64
    buf = ffi.new("uint8_t[]", size * max(n, 1))
    to_bytes = lib.zkv_g2_affine_to_bytes if name == "b2" else lib.zkv_g1_affine_to_bytes
    out = []
    for i in range(n):
        to_bytes(buf + size * i, arr + i)
    raw = ffi.buffer(buf, size * n)[:]
    for i in range(0, size * n, size):
        c = [int.from_bytes(raw[i + j : i + j + 32], "little") for j in range(0, size, 32)]
        if not any(c):
            out.append(None)
        elif size == 64:
            out.append((c[0], c[1]))
        else:
            out.append(((c[0], c[1]), (c[2], c[3])))
    return out
