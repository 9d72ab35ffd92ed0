"""Benchmark cases for the ``pairing`` slice: one pairing, a 4-pair multi-pairing check, the
same checks over prepared G2 points (3 and 4 pairs), the final exponentiation alone, and a
GT exponentiation by a full-size exponent."""

import random

from _harness import Case

from zkvote._native import g2 as native_g2
from zkvote._native import pairing as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import g2 as reference_g2
from zkvote._reference import pairing as reference

R = reference.R
G2_GEN = reference_g2.from_py_ecc(reference_g2.bn.G2)


def _g1(k: int) -> tuple[int, int]:
    p = reference.bn.normalize(reference.bn.multiply(reference.bn.G1, k))
    return int(p[0]), int(p[1])


def cases(quick: bool) -> list[Case]:
    rng = random.Random(5)
    ks = [rng.randrange(1, R) for _ in range(4)]
    pairs = [(_g1(k), native_g2.mul(G2_GEN, k2)) for k, k2 in zip(ks, reversed(ks), strict=True)]
    # C arrays built once: the timings are the core operations only
    ps, qs, n, *_ = native._pairs(pairs)
    prepared = [native.prepare_g2(q) for _, q in pairs]
    pqs = ffi.new("zkv_g2_prepared *[]", [h._ptr for h in prepared])
    reference_prepared = [(p, reference.prepare_g2(q)) for p, q in pairs]
    gt = ffi.new("zkv_fq12 *")
    lib.zkv_pairing(gt, ps, qs)
    gt_tuple = native._from_struct(gt)
    exponent = (R - 12345).to_bytes(32, "little")
    f = ffi.new("zkv_fq12 *")
    lib.zkv_miller_loop(f, ps, qs, 1)
    out_f = ffi.new("zkv_fq12 *")
    p0, q0 = pairs[0]
    f_tuple = native.miller_loop(pairs[:1])
    ref_runs = 1 if quick else 2
    return [
        Case("pairing", 1, "native", lambda: lib.zkv_pairing(out_f, ps, qs), runs=100),
        Case("pairing", 1, "reference", lambda: reference.pairing(p0, q0), runs=ref_runs),
        Case("pairing_check", 4, "native", lambda: lib.zkv_pairing_check(ps, qs, n), runs=50),
        Case("pairing_check", 4, "reference", lambda: reference.pairing_check(pairs), runs=1),
        Case("pairing_check_prepared", 3, "native",
             lambda: lib.zkv_pairing_check_prepared(ffi.NULL, ffi.NULL, 0, ps, pqs, 3, ffi.NULL),
             runs=50),
        Case("pairing_check_prepared", 4, "native",
             lambda: lib.zkv_pairing_check_prepared(ffi.NULL, ffi.NULL, 0, ps, pqs, 4, ffi.NULL),
             runs=50),
        Case("pairing_check_prepared", 4, "reference",
             lambda: reference.pairing_check_prepared(reference_prepared), runs=1),
        Case("gt_pow", 1, "native", lambda: lib.zkv_fq12_pow_vartime(out_f, gt, exponent),
             runs=100),
        Case("gt_pow", 1, "reference", lambda: reference.fq12_pow(gt_tuple, R - 12345),
             runs=ref_runs),
        Case("miller_loop", 1, "native", lambda: lib.zkv_miller_loop(out_f, ps, qs, 1),
             runs=100),
        Case("final_exp", 1, "native", lambda: lib.zkv_final_exp(out_f, f), runs=100),
        Case("final_exp", 1, "reference", lambda: reference.final_exponentiation(f_tuple),
             runs=ref_runs),
    ]
