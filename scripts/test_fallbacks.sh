#!/usr/bin/env bash
# The native core's portable code paths, which the default -march=native build skips on a CPU
# with BMI2/ADX and AVX-512 IFMA: build the core with them forced (ZKV_NO_ASM: the
# unsigned __int128 field arithmetic; ZKV_NO_IFMA: the scalar batch-affine MSM instead of the
# IFMA lanes; ZKV_NO_SIMD: Poseidon's scalar permutation) into a scratch copy of the installed
# package, and run the native-vs-reference property tests against that copy. The installed
# package and its compiled core are left untouched.
#   scripts/test_fallbacks.sh [VENV_BIN] [-- PYTEST_ARGS]     VENV_BIN defaults to .venv/bin
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
if [[ $# -gt 0 && "$1" != "--" ]]; then
    bin=$1
    shift
fi
[[ "${1:-}" == "--" ]] && shift

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Copy the Python package as installed (zkvote.circuits and zkvote.coordinator live in other
# folders of the checkout), without its compiled core. -P keeps the checkout (the working
# directory) off sys.path here and in the check below.
"$bin/python" -P - "$scratch" <<'EOF'
import importlib.util
import shutil
import sys
from pathlib import Path

dest = Path(sys.argv[1]) / "zkvote"
for name in ("zkvote", "zkvote.circuits", "zkvote.coordinator"):
    src = Path(importlib.util.find_spec(name).origin).parent
    target = dest.joinpath(*name.split(".")[1:])
    shutil.copytree(src, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("_zkv*", "__pycache__", "*.o"))
EOF
mkdir "$scratch/native"
cp native/*.c native/*.h native/build_native.py "$scratch/native/"
# build_native.py writes the extension into the package next to its own folder: the scratch
# one. -O2 (after the builder's -O3): GCC takes ~3 minutes at -O3 over the unsigned __int128
# code on two cores, ~40 s at -O2; these tests check results, not speed.
ZKVOTE_CFLAGS="${ZKVOTE_CFLAGS:-} -O2 -DZKV_NO_ASM -DZKV_NO_IFMA -DZKV_NO_SIMD" \
    "$bin/python" "$scratch/native/build_native.py"

export PYTHONPATH="$scratch${PYTHONPATH:+:$PYTHONPATH}"
# Refuse to pass vacuously: the tests below must import the scratch build.
"$bin/python" -P - "$scratch" <<'EOF'
import sys

import zkvote._native.lib as native

assert native.__file__.startswith(sys.argv[1]), native.__file__
assert native.lib.zkv_fq8_mul_test(native.ffi.new("zkv_fq[8]"), native.ffi.new("zkv_fq[8]"),
                                   native.ffi.new("zkv_fq[8]")) == 0, "IFMA lanes still built"
EOF
# The field, tower, curve, MSM, pairing and Poseidon differential tests; the lane-product
# hooks are left out (they report "not built" here, which the check above asserts).
"$bin/pytest" -p no:cacheprovider -q tests/property \
    -k "(fields or fq2 or g1 or g2 or endo_mul or ct_mul or point_decoders or pairing \
         or babyjub or poseidon) and not test_lane_" "$@"
