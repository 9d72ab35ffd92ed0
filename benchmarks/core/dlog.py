"""Benchmark cases for the ``dlog`` slice: BSGS table build and decoding.

The native table uses zkvote.dlog.DEFAULT_BABY_BITS and is built once (its build is timed as a
case of its own, a few runs); decoding times random m < 2^32. The reference BSGS is a pure
Python dict and is only run on small tables and bounds (m < 2^20).
"""

import random

from _harness import Case

from zkvote._native import babyjub as native_bjj
from zkvote._native import dlog as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import dlog as reference
from zkvote.dlog import DEFAULT_BABY_BITS

BASE8 = native_bjj.mul_base8(1)


def _cycle(items: list):
    # each call of the timed function takes the next prepared input
    state = {"i": 0}

    def next_item():
        state["i"] = (state["i"] + 1) % len(items)
        return items[state["i"]]

    return next_item


def cases(quick: bool) -> list[Case]:
    rng = random.Random(4)
    bits = DEFAULT_BABY_BITS
    table = native.table_new(BASE8, bits)
    out = [Case(f"bsgs_table_build_k{bits}", 1, "native",
                lambda: native.table_new(BASE8, bits), runs=3, budget=5.0)]

    hs32 = [native._affine(native_bjj.mul_base8(rng.randrange(2**32))) for _ in range(16)]
    next32 = _cycle(hs32)
    m = ffi.new("uint64_t *")
    out.append(Case("bsgs_solve_m<2^32", 1, "native",
                    lambda: lib.zkv_bsgs_solve_vartime(m, table.buf, next32(), 2**32), runs=30))

    small_bits = 10
    ntab = native.table_new(BASE8, small_bits)
    rtab = reference.table_new(BASE8, small_bits)
    pts20 = [native_bjj.mul_base8(rng.randrange(2**20)) for _ in range(8)]
    n20, r20 = _cycle(pts20), _cycle(pts20)
    out += [
        Case("bsgs_solve_m<2^20_k10", 1, "native", lambda: native.solve(ntab, n20(), 2**20),
             runs=30),
        Case("bsgs_solve_m<2^20_k10", 1, "reference", lambda: reference.solve(rtab, r20(), 2**20),
             runs=2 if quick else 5, budget=10.0),
    ]
    return out
