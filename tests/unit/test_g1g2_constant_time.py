"""Constant-time check of the secret-scalar G1 / G2 multiplication (zkv_g1_mul_ct,
zkv_g2_mul_ct in native/ct_mul.c, used for the ceremony's toxic waste): under valgrind's
callgrind the number of instructions executed inside each must not depend on the scalar.
A secret-dependent branch, early exit or skipped zero digit would show up as different
counts (a secret-dependent memory index would not: the table is scanned in full by
construction). The variable-time functions are measured too, to show the check can fail.

Slow (a C build plus valgrind runs): marked ``slow``; skipped when gcc or valgrind is absent.
Built as tests/unit/test_babyjub_constant_time.py builds its harness: without AVX-512, which
valgrind cannot decode, but with BMI2/ADX when the machine has them, so that the same field
arithmetic as the -march=native build is measured.
"""

from pathlib import Path

import pytest
from callgrind_kit import build_harness, instructions

HARNESS = r"""
#include <stdio.h>
#include "zkv.h"

/* measured entry points: callgrind collects only inside these */
__attribute__((noinline)) void measure_g1ct(zkv_g1 *o, const zkv_g1 *p, const uint8_t *k) {
    zkv_g1_mul_ct(o, p, k);
}
__attribute__((noinline)) void measure_g2ct(zkv_g2 *o, const zkv_g2 *p, const uint8_t *k) {
    zkv_g2_mul_ct(o, p, k);
}
__attribute__((noinline)) void measure_g1vt(zkv_g1 *o, const zkv_g1 *p, const uint8_t *k) {
    zkv_g1_mul_vartime(o, p, k);
}
__attribute__((noinline)) void measure_g2vt(zkv_g2 *o, const zkv_g2 *p, const uint8_t *k) {
    zkv_g2_mul_vartime(o, p, k);
}

int main(int argc, char **argv) {
    (void)argc;
    uint8_t k[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(argv[1] + 2 * i, "%2x", &v);
        k[i] = (uint8_t)v;
    }
    /* the generators, from their affine encodings */
    uint8_t g1b[64] = {1}, g2b[128];
    g1b[32] = 2;
    static const char *g2hex =
        "edf692d95cbdde46ddda5ef7d422436779445c5e66006a42761e1f12efde0018"
        "c212f3aeb785e49712e7a9353349aaf1255dfb31b7bf60723a480d9293938e19"
        "aa7dfa6601cce64c7bd3430c69e7d1e38f40cb8d8071ab4aeb6d8cdba55ec812"
        "5b9722d1dcdaac55f38eb37033314bbc95330c69ad999eec75f05f58d0890609";
    for (int i = 0; i < 128; i++) {
        unsigned v;
        sscanf(g2hex + 2 * i, "%2x", &v);
        g2b[i] = (uint8_t)v;
    }
    zkv_g1_affine a1;
    zkv_g2_affine a2;
    if (zkv_g1_affine_from_bytes(&a1, g1b) || zkv_g2_affine_from_bytes(&a2, g2b)) return 3;
    zkv_g1 p1, o1 = {0};
    zkv_g2 p2, o2 = {0};
    zkv_g1_from_affine(&p1, &a1);
    zkv_g2_from_affine(&p2, &a2);
    /* argv[2] names the function: g1ct, g2ct, g1vt or g2vt */
    int g2 = argv[2][1] == '2', ct = argv[2][2] == 'c';
    if (ct && !g2) measure_g1ct(&o1, &p1, k);
    else if (ct) measure_g2ct(&o2, &p2, k);
    else if (!g2) measure_g1vt(&o1, &p1, k);
    else measure_g2vt(&o2, &p2, k);
    return (int)((o1.x.l[0] ^ o2.x.c0.l[0]) & 0);
}
"""

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
SCALARS = [
    0,
    1,
    2**256 - 1,
    2**255,
    0x0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F,
    R - 1,
]


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Path:
    return build_harness(tmp_path_factory.mktemp("ct_g"), HARNESS)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["g1ct", "g2ct"])
def test_secret_scalar_multiplication_count_does_not_depend_on_the_scalar(harness, which):
    counts = {k: instructions(harness, which, k) for k in SCALARS}
    assert min(counts.values()) > 100_000  # the measured function really ran
    assert len(set(counts.values())) == 1, counts


@pytest.mark.slow
@pytest.mark.parametrize("which", ["g1vt", "g2vt"])
def test_variable_time_multiplication_count_does_depend_on_the_scalar(harness, which):
    # The same measurement on zkv_g*_mul_vartime must tell scalars apart, or the check
    # above would be blind.
    counts = {k: instructions(harness, which, k) for k in (1, R - 1)}
    assert len(set(counts.values())) == 2, counts


def test_ceremony_contributions_multiply_by_their_secrets_in_constant_time_only(monkeypatch):
    # Every multiplication a contribution makes involves a secret (tau, alpha, beta, delta,
    # 1/delta, a nonce), so none may reach the variable-time slice functions.
    from zkvote._native import ct_mul, g1, g2
    from zkvote.backend import use_backend
    from zkvote.snark import ceremony
    from zkvote.snark.r1cs_file import read_r1cs

    fixtures = Path(__file__).resolve().parents[1] / "interop/snarkjs/fixtures"
    r1cs = read_r1cs(fixtures / "multiplier/circuit.r1cs")
    with use_backend("native"):
        powers = ceremony.phase1_contribute(ceremony.phase1_new(3)).powers
        start2 = ceremony.phase2_new(powers, r1cs)
        ct_calls = []
        for name in ("g1_mul_secret_many", "g2_mul_secret_many"):
            real = getattr(ct_mul, name)
            monkeypatch.setattr(ct_mul, name, lambda p, k, real=real: ct_calls.append(len(p))
                                or real(p, k))

        def refuse(*_args):
            raise AssertionError("variable-time multiplication in a contribution")

        monkeypatch.setattr(g1, "mul", refuse)
        monkeypatch.setattr(g2, "mul", refuse)
        ceremony.phase1_contribute(ceremony.phase1_new(3))
        ceremony.phase2_contribute(start2)
    assert sum(ct_calls) > 2 * 8 + 8 + 8 + 8  # tau G1, tau G2, alpha/beta tau G1, ...
