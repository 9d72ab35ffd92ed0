"""Constant-time sanity check of the secret-scalar BabyJubJub paths (zkv_bjj_mul and
zkv_bjj_mul_base8): under valgrind's callgrind, the number of instructions executed inside each
must not depend on the scalar. A secret-dependent branch or early exit would show up as
different counts (a secret-dependent memory index would not: that is excluded by construction,
the tables are scanned in full).

Slow (a C build plus valgrind runs): marked ``slow``; skipped when gcc or valgrind is absent.
The harness is built without AVX-512, which valgrind cannot decode, but with BMI2/ADX when the
machine has them, so the same field arithmetic as the -march=native build is measured.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

NATIVE = Path(__file__).resolve().parents[2] / "native"

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


def _cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Path:
    if not shutil.which("gcc") or not shutil.which("valgrind"):
        pytest.skip("needs gcc and valgrind")
    flags = _cpu_flags()
    arch = ["-march=x86-64-v2"]
    if {"bmi2", "adx"} <= flags:
        arch += ["-mbmi2", "-madx"]
    out = tmp_path_factory.mktemp("ct") / "ct_harness"
    src = out.with_suffix(".c")
    src.write_text(HARNESS)
    sources = [str(p) for p in sorted(NATIVE.glob("*.c"))]
    cmd = ["gcc", "-std=c11", "-O2", "-fno-strict-aliasing", "-w", *arch, f"-I{NATIVE}",
           str(src), *sources, "-o", str(out), "-lpthread"]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def _instructions(harness: Path, which: str, k: int) -> int:
    out_file = harness.parent / f"cg.{which}.{k:x}.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--toggle-collect=measure_{which}",
         f"--callgrind-out-file={out_file}", str(harness), k.to_bytes(32, "little").hex(),
         which],
        check=True, capture_output=True,
    )
    m = re.search(r"^(?:summary|totals):\s+(\d+)", out_file.read_text(), re.MULTILINE)
    assert m, "no callgrind summary"
    return int(m.group(1))


@pytest.mark.slow
@pytest.mark.parametrize("which", ["mul", "base8"])
def test_instruction_count_does_not_depend_on_the_secret_scalar(harness, which):
    counts = {k: _instructions(harness, which, k) for k in SCALARS}
    assert min(counts.values()) > 10_000  # the measured function really ran
    assert len(set(counts.values())) == 1, counts
