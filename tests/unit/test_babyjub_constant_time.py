"""Constant-time sanity check of the secret-scalar BabyJubJub paths (zkv_bjj_mul and
zkv_bjj_mul_base8): under valgrind's callgrind, the number of instructions executed inside each
must not depend on the scalar. A secret-dependent branch or early exit would show up as
different counts (a secret-dependent memory index would not: that is excluded by construction,
the tables are scanned in full).

Slow (a C build plus valgrind runs): marked ``slow``; skipped when gcc or valgrind is absent.
The harness is built without AVX-512, which valgrind cannot decode, but with BMI2/ADX when the
machine has them, so the same field arithmetic as the -march=native build is measured.
"""

from pathlib import Path

import pytest
from callgrind_kit import build_harness, instructions

HARNESS = r"""
#include <stdio.h>
#include <stdlib.h>
#include "zkv.h"

/* measured entry points: callgrind collects only inside these */
__attribute__((noinline)) void measure_mul(zkv_bjj *o, const zkv_bjj *p, const uint8_t *k) {
    zkv_bjj_mul(o, p, k);
}
__attribute__((noinline)) void measure_base8(zkv_bjj *o, const uint8_t *k) {
    zkv_bjj_mul_base8(o, k);
}

int main(int argc, char **argv) {
    uint8_t k[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(argv[1] + 2 * i, "%2x", &v);
        k[i] = (uint8_t)v;
    }
    uint8_t one[32] = {1};
    zkv_bjj base, out;
    zkv_bjj_mul_base8(&base, one); /* builds the fixed-base table outside the measurement */
    if (argv[2][0] == 'm') measure_mul(&out, &base, k);
    else measure_base8(&out, k);
    zkv_bjj_affine a;
    zkv_bjj_to_affine(&a, &out);
    return (int)(a.x.l[0] & 0);
}
"""

SCALARS = [
    0,
    1,
    2**256 - 1,
    2**255,
    0x0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F,
    2736030358979909402780800718157159386076813972158567259200215660948447373040,
]


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Path:
    return build_harness(tmp_path_factory.mktemp("ct"), HARNESS)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["mul", "base8"])
def test_instruction_count_does_not_depend_on_the_secret_scalar(harness, which):
    counts = {k: instructions(harness, which, k) for k in SCALARS}
    assert min(counts.values()) > 10_000  # the measured function really ran
    assert len(set(counts.values())) == 1, counts
