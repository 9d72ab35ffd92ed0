"""cffi builder for zkvote's native core (`zkvote._native._zkv`).

Used by setup.py at install time (``cffi_modules``), and for development run directly to
build the extension in place: ``python native/build_native.py``.
Extra compiler flags can be given in ZKVOTE_CFLAGS (e.g. ``-O0 -g``); ZKVOTE_PORTABLE=1 drops
``-march=native`` for a binary that must run on other CPUs.
"""

import os
import re
from pathlib import Path

import cffi

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _cdef_text() -> str:
    # cffi's parser takes no preprocessor lines; zkv.h keeps them to the guard and includes.
    header = (HERE / "zkv.h").read_text()
    return "\n".join(line for line in header.splitlines() if not re.match(r"\s*#", line))


def _compile_args() -> list[str]:
    args = ["-std=c11", "-O3", "-fno-strict-aliasing", "-Wall", "-Wextra", "-Wno-unused-function"]
    if os.environ.get("ZKVOTE_PORTABLE") != "1":
        args.append("-march=native")
    args += os.environ.get("ZKVOTE_CFLAGS", "").split()
    return args


ffibuilder = cffi.FFI()
ffibuilder.cdef(_cdef_text())
ffibuilder.set_source(
    "zkvote._native._zkv",
    '#include "zkv.h"',
    # setuptools wants source paths relative to setup.py
    sources=[str(p.relative_to(ROOT)) for p in sorted(HERE.glob("*.c"))],
    include_dirs=[str(HERE.relative_to(ROOT))],
    extra_compile_args=_compile_args(),
)

if __name__ == "__main__":
    os.chdir(ROOT)
    ffibuilder.compile(tmpdir=str(ROOT), verbose=False)
