"""Benchmark cases for the ``fields`` slice: Fr batch inversion, native vs reference."""

import random

from _harness import Case

from zkvote._native import fields as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import fields as reference

R = int(reference.FR)


def cases(quick: bool) -> list[Case]:
    rng = random.Random(1)
    n = 1 << (12 if quick else 16)
    values = [rng.randrange(1, R) for _ in range(n)]
    arr = native.fr_array_from_ints(values)
    out = ffi.new("zkv_fr[]", n)
    scratch = ffi.new("zkv_fr[]", n)
    a, b = rng.randrange(R), rng.randrange(R)
    return [
        Case("fr_batch_inv", n, "native", lambda: lib.zkv_fr_batch_inv(out, arr, n, scratch)),
        Case("fr_batch_inv", n, "reference", lambda: reference.fr_batch_inv(values), runs=1),
        Case("fr_inv", 1, "native", lambda: native.fr_inv(a), runs=200),
        Case("fr_inv", 1, "reference", lambda: reference.fr_inv(a), runs=200),
        Case("fr_sqrt", 1, "native", lambda: native.fr_sqrt(a * a % R), runs=200),
        Case("fr_sqrt", 1, "reference", lambda: reference.fr_sqrt(a * a % R), runs=200),
        Case("fr_mul (via Python)", 1, "native", lambda: native.fr_mul(a, b), runs=200),
    ]
