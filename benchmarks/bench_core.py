"""Benchmark of the native core against the reference backend.

    python benchmarks/bench_core.py [--quick] [--json PATH]

Cases come from the modules in benchmarks/core/, one per slice of the core; each exposes
``cases(quick: bool) -> list[Case]``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _harness import run_cases  # noqa: E402

SLICES = ["fields", "g1", "g2", "pairing", "ntt", "babyjub", "dlog"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs")
    parser.add_argument("--json", metavar="PATH", help="write results as JSON")
    parser.add_argument("--only", nargs="*", choices=SLICES, help="run only these slices")
    args = parser.parse_args()
    cases = []
    for name in args.only or SLICES:
        cases += importlib.import_module(f"core.{name}").cases(args.quick)
    run_cases("core", cases, args.json)


if __name__ == "__main__":
    main()
