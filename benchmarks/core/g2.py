"""Benchmark cases for the ``g2`` slice: scalar multiplication, the subgroup check, MSM."""

import random

from _harness import Case

from zkvote._native import g2 as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import g2 as reference

R = reference.R
GEN = reference.from_py_ecc(reference.bn.G2)


def _msm_case(n: int, base: list, rng: random.Random) -> Case:
    # points and scalars are packed into C arrays once, so the timing is the core MSM only
    prepared = native.prepare([base[i % len(base)] for i in range(n)])
    scalars = b"".join(rng.randrange(R).to_bytes(32, "little") for _ in range(n))
    scratch = ffi.new("uint8_t[]", lib.zkv_g2_msm_scratch_sizeof(n))
    out = ffi.new("zkv_g2 *")
    return Case("g2_msm", n, "native",
                lambda: lib.zkv_g2_msm_vartime(out, prepared.array, scalars, n, scratch),
                runs=5, budget=10.0)


def cases(quick: bool) -> list[Case]:
    rng = random.Random(3)
    base = [native.mul(GEN, rng.randrange(R)) for _ in range(64)]
    q, k = base[0], rng.randrange(R)
    jac = ffi.new("zkv_g2 *")
    lib.zkv_g2_from_affine(jac, native._affine(q))
    out_j = ffi.new("zkv_g2 *")
    k_bytes = k.to_bytes(32, "little")
    affine = native._affine(q)
    out = [
        Case("g2_mul", 1, "native", lambda: lib.zkv_g2_mul_vartime(out_j, jac, k_bytes),
             runs=200),
        Case("g2_mul", 1, "reference", lambda: reference.mul(q, k), runs=5),
        Case("g2_subgroup_check", 1, "native", lambda: lib.zkv_g2_is_in_subgroup(affine),
             runs=200),
        Case("g2_subgroup_check", 1, "reference", lambda: reference.is_in_subgroup(q), runs=3),
    ]
    small = 1 << 6
    ks = [rng.randrange(R) for _ in range(small)]
    out.append(_msm_case(small, base, rng))
    out.append(Case("g2_msm", small, "reference", lambda: reference.msm(base, ks), runs=1))
    if not quick:
        out.append(_msm_case(1 << 13, base, rng))
    return out
