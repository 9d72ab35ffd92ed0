"""Native slice ``fields``: BN254 Fq and Fr arithmetic through the C core.

Inputs are canonical ints (0 <= x < modulus; exponents 0 <= e < 2^256); the C decoders still
reject a non-canonical value (FieldRangeError) rather than misread it.
"""

from zkvote._native.lib import check, ffi, int_to_le32, le32_to_int, lib


def _fq(x: int):
    out = ffi.new("zkv_fq *")
    check(lib.zkv_fq_from_bytes(out, int_to_le32(x)), "Fq element")
    return out


def _fr(x: int):
    out = ffi.new("zkv_fr *")
    check(lib.zkv_fr_from_bytes(out, int_to_le32(x)), "Fr element")
    return out


def _fq_int(p) -> int:
    buf = ffi.new("uint8_t[32]")
    lib.zkv_fq_to_bytes(buf, p)
    return le32_to_int(ffi.buffer(buf))


def _fr_int(p) -> int:
    buf = ffi.new("uint8_t[32]")
    lib.zkv_fr_to_bytes(buf, p)
    return le32_to_int(ffi.buffer(buf))


def _fq_binary(fn, a: int, b: int) -> int:
    out = ffi.new("zkv_fq *")
    fn(out, _fq(a), _fq(b))
    return _fq_int(out)


def _fr_binary(fn, a: int, b: int) -> int:
    out = ffi.new("zkv_fr *")
    fn(out, _fr(a), _fr(b))
    return _fr_int(out)


def fq_add(a: int, b: int) -> int:
    return _fq_binary(lib.zkv_fq_add, a, b)


def fq_sub(a: int, b: int) -> int:
    return _fq_binary(lib.zkv_fq_sub, a, b)


def fq_mul(a: int, b: int) -> int:
    return _fq_binary(lib.zkv_fq_mul, a, b)


def fq_sqr(a: int) -> int:
    out = ffi.new("zkv_fq *")
    lib.zkv_fq_sqr(out, _fq(a))
    return _fq_int(out)


def fq_neg(a: int) -> int:
    out = ffi.new("zkv_fq *")
    lib.zkv_fq_neg(out, _fq(a))
    return _fq_int(out)


def fq_inv(a: int) -> int:
    out = ffi.new("zkv_fq *")
    check(lib.zkv_fq_inv(out, _fq(a)), "Fq element")
    return _fq_int(out)


def fq_sqrt(a: int) -> int:
    out = ffi.new("zkv_fq *")
    check(lib.zkv_fq_sqrt(out, _fq(a)), "Fq element")
    return _fq_int(out)


def fq_pow(a: int, e: int) -> int:
    out = ffi.new("zkv_fq *")
    lib.zkv_fq_pow(out, _fq(a), int_to_le32(e))
    return _fq_int(out)


def fq_batch_inv(values: list[int]) -> list[int]:
    n = len(values)
    arr = ffi.new("zkv_fq[]", max(n, 1))
    for i, v in enumerate(values):
        check(lib.zkv_fq_from_bytes(arr + i, int_to_le32(v)), "Fq element")
    scratch = ffi.new("zkv_fq[]", max(n, 1))
    check(lib.zkv_fq_batch_inv(arr, arr, n, scratch), "Fq batch")
    return [_fq_int(arr + i) for i in range(n)]


def fr_add(a: int, b: int) -> int:
    return _fr_binary(lib.zkv_fr_add, a, b)


def fr_sub(a: int, b: int) -> int:
    return _fr_binary(lib.zkv_fr_sub, a, b)


def fr_mul(a: int, b: int) -> int:
    return _fr_binary(lib.zkv_fr_mul, a, b)


def fr_sqr(a: int) -> int:
    out = ffi.new("zkv_fr *")
    lib.zkv_fr_sqr(out, _fr(a))
    return _fr_int(out)


def fr_neg(a: int) -> int:
    out = ffi.new("zkv_fr *")
    lib.zkv_fr_neg(out, _fr(a))
    return _fr_int(out)


def fr_inv(a: int) -> int:
    out = ffi.new("zkv_fr *")
    check(lib.zkv_fr_inv(out, _fr(a)), "Fr element")
    return _fr_int(out)


def fr_sqrt(a: int) -> int:
    out = ffi.new("zkv_fr *")
    check(lib.zkv_fr_sqrt(out, _fr(a)), "Fr element")
    return _fr_int(out)


def fr_pow(a: int, e: int) -> int:
    out = ffi.new("zkv_fr *")
    lib.zkv_fr_pow(out, _fr(a), int_to_le32(e))
    return _fr_int(out)


def fr_array_from_ints(values: list[int]):
    """A C array of zkv_fr holding ``values`` (at least one slot, so n = 0 stays valid)."""
    n = len(values)
    arr = ffi.new("zkv_fr[]", max(n, 1))
    data = b"".join(int_to_le32(v) for v in values)
    bad = ffi.new("size_t *")
    check(lib.zkv_fr_array_from_bytes(arr, data, n, bad), "Fr element")
    return arr


def fr_array_to_ints(arr, n: int) -> list[int]:
    """The first ``n`` elements of a zkv_fr C array as ints."""
    buf = ffi.new("uint8_t[]", max(32 * n, 1))
    lib.zkv_fr_array_to_bytes(buf, arr, n)
    raw = ffi.buffer(buf, 32 * n)[:]
    return [int.from_bytes(raw[32 * i : 32 * i + 32], "little") for i in range(n)]


def fr_batch_inv(values: list[int]) -> list[int]:
    n = len(values)
    arr = fr_array_from_ints(values)
    scratch = ffi.new("zkv_fr[]", max(n, 1))
    check(lib.zkv_fr_batch_inv(arr, arr, n, scratch), "Fr batch")
    return fr_array_to_ints(arr, n)


def fr_from_bytes_reduce(data: bytes) -> int:
    """The 32-byte little-endian integer ``data`` reduced mod r."""
    out = ffi.new("zkv_fr *")
    lib.zkv_fr_from_bytes_reduce(out, data)
    return _fr_int(out)
