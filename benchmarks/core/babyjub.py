"""Benchmark cases for the ``babyjub`` slice: fixed-base, constant-time and variable-time
scalar multiplication, and Pippenger MSM.

Native cases call the C core directly on prepared C structs, so they time the core operation
(the Python slice adds ~10-20 us of conversions per call); reference cases call the pure-Python
slice.
"""

import random

from _harness import Case

from zkvote._native import babyjub as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import babyjub as reference

ORDER = int(reference.ORDER)


def _ext(p):
    return native._ext(p)


def cases(quick: bool) -> list[Case]:
    rng = random.Random(3)
    k = rng.randrange(ORDER)
    kb = k.to_bytes(32, "little")
    p = native.mul_base8(rng.randrange(ORDER))
    pe = _ext(p)
    out_pt = ffi.new("zkv_bjj *")
    lib.zkv_bjj_mul_base8(out_pt, kb)  # build the fixed-base table outside the timing
    out = [
        Case("bjj_mul_base8", 1, "native", lambda: lib.zkv_bjj_mul_base8(out_pt, kb), runs=200),
        Case("bjj_mul_base8", 1, "reference", lambda: reference.mul_base8(k), runs=10),
        Case("bjj_mul_ct", 1, "native", lambda: lib.zkv_bjj_mul(out_pt, pe, kb), runs=200),
        Case("bjj_mul_ct", 1, "reference", lambda: reference.mul(p, k), runs=10),
        Case("bjj_mul_vartime", 1, "native", lambda: lib.zkv_bjj_mul_vartime(out_pt, pe, kb),
             runs=200),
        Case("bjj_mul_vartime", 1, "reference", lambda: reference.mul_vartime(p, k), runs=10),
        Case("bjj_mul_base8_py", 1, "native", lambda: native.mul_base8(k), runs=200),
    ]
    base = [native.mul_base8(rng.randrange(ORDER)) for _ in range(64)]
    for n in (1 << 6, 1 << 10):
        out += _msm_cases(n, base, rng, with_reference=n <= 64 or not quick)
    return out


def _msm_cases(n: int, base: list, rng: random.Random, with_reference: bool) -> list[Case]:
    # points and scalars are packed into C arrays once, so the timing is the core MSM only
    ps = [base[i % len(base)] for i in range(n)]
    ks = [rng.randrange(ORDER) for _ in range(n)]
    arr = ffi.new("zkv_bjj_affine[]", n)
    raw = b"".join(x.to_bytes(32, "little") + y.to_bytes(32, "little") for x, y in ps)
    lib.zkv_bjj_affine_array_from_bytes(arr, raw, n, ffi.NULL)
    scalars = b"".join(x.to_bytes(32, "little") for x in ks)
    scratch = ffi.new("uint8_t[]", lib.zkv_bjj_msm_scratch_sizeof(n))
    out_pt = ffi.new("zkv_bjj *")
    cases = [Case("bjj_msm", n, "native",
                  lambda: lib.zkv_bjj_msm_vartime(out_pt, arr, scalars, n, scratch), runs=20)]
    if with_reference:
        cases.append(Case("bjj_msm", n, "reference", lambda: reference.msm(ps, ks), runs=1))
    return cases
