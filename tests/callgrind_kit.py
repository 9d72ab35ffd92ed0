"""Instruction counting under valgrind's callgrind, for the constant-time tests.

A harness is a C program (compiled together with every native/*.c) whose ``measure_<name>``
functions wrap the code under test; it takes a 32-byte little-endian scalar as hex and the
name of the function to run. It is built without AVX-512, which valgrind cannot decode, but
with BMI2/ADX when the machine has them, so that the same field arithmetic as the
-march=native build is measured. Callers skip when gcc or valgrind is absent.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

NATIVE = Path(__file__).resolve().parents[1] / "native"


def _cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def build_harness(folder: Path, source: str) -> Path:
    """Compile ``source`` with the native core into ``folder``; skips the test without gcc
    or valgrind. Returns the executable's path."""
    if not shutil.which("gcc") or not shutil.which("valgrind"):
        pytest.skip("needs gcc and valgrind")
    arch = ["-march=x86-64-v2"]
    if {"bmi2", "adx"} <= _cpu_flags():
        arch += ["-mbmi2", "-madx"]
    out = folder / "ct_harness"
    src = out.with_suffix(".c")
    src.write_text(source)
    sources = [str(p) for p in sorted(NATIVE.glob("*.c"))]
    cmd = ["gcc", "-std=c11", "-O2", "-fno-strict-aliasing", "-w", *arch, f"-I{NATIVE}",
           str(src), *sources, "-o", str(out), "-lpthread"]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def instructions(harness: Path, which: str, k: int) -> int:
    """Instructions executed inside ``measure_<which>`` for the scalar ``k``."""
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
