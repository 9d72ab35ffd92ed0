"""Benchmark cases for the ``ntt`` slice: a 2^16 forward NTT over Fr."""

import random

from _harness import Case

from zkvote._native import ntt as native
from zkvote._reference import ntt as reference

R = int(reference.R)


def cases(quick: bool) -> list[Case]:
    rng = random.Random(3)
    n = 1 << (12 if quick else 16)
    values = [rng.randrange(R) for _ in range(n)]
    vec = native.vec_from_ints(values)  # transformed in place: the data is random anyway
    return [
        Case("fr_ntt", n, "native", lambda: native.vec_ntt(vec), runs=20),
        Case("fr_ntt", n, "reference", lambda: reference.ntt(values), runs=1),
    ]
