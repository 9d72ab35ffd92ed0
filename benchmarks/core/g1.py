"""Benchmark cases for the ``g1`` slice: scalar multiplication and Pippenger MSM."""

import random

from _harness import Case

from zkvote._native import g1 as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import g1 as reference

R = reference.R


def _msm_case(n: int, base: list, rng: random.Random) -> Case:
    # points and scalars are packed into C arrays once, so the timing is the core MSM only
    prepared = native.prepare([base[i % len(base)] for i in range(n)])
    scalars = b"".join(rng.randrange(R).to_bytes(32, "little") for _ in range(n))
    scratch = ffi.new("uint8_t[]", lib.zkv_g1_msm_scratch_sizeof(n))
    out = ffi.new("zkv_g1 *")
    return Case("g1_msm", n, "native",
                lambda: lib.zkv_g1_msm_vartime(out, prepared.arr, scalars, n, scratch),
                runs=5 if n > 1 << 14 else 10, budget=10.0)


def cases(quick: bool) -> list[Case]:
    rng = random.Random(2)
    base = [native.mul((1, 2), rng.randrange(R)) for _ in range(256)]
    p, k = base[0], rng.randrange(R)
    out = [
        Case("g1_mul", 1, "native", lambda: native.mul(p, k), runs=100),
        Case("g1_mul", 1, "reference", lambda: reference.mul(p, k), runs=5),
    ]
    small = 1 << 10
    ks = [rng.randrange(R) for _ in range(small)]
    ps = [base[i % len(base)] for i in range(small)]
    out.append(_msm_case(small, base, rng))
    out.append(Case("g1_msm", small, "reference", lambda: reference.msm(ps, ks), runs=1))
    for lg in (13,) if quick else (13, 16):
        out.append(_msm_case(1 << lg, base, rng))
    return out
