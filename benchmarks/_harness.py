"""Shared benchmark harness: median timing, the JSON result shape of CONVENTIONS.md, a table.

A benchmark script builds a list of :class:`Case` and hands it to :func:`run_cases`.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Case:
    """One measured operation.

    ``fn`` runs the operation once on prepared inputs (set-up happens before, outside the
    timing). ``size`` is the number of items one call processes; ``seconds`` in the output is
    the median time of one call. ``runs`` bounds the repetitions (fewer if ``budget`` seconds
    run out first). Consecutive cases with the same ``group`` are timed in rounds, one call of
    each per round, so that the machine's drift over minutes hits all of them alike; the
    group stops at the smallest ``runs`` and the sum of its ``budget``s.
    """

    op: str
    size: int
    impl: str
    fn: Callable[[], object]
    runs: int = 20
    budget: float = 5.0
    group: str | None = None


def poseidon_chain(hashes: int) -> tuple:
    """x_{i+1} = Poseidon(x_i, key) for i < ``hashes``, built with zkvote.circuits: output
    out = x_n (wire 1), public input ``key``, private input ``x``. Returns what
    ``Circuit.compile`` does: (the R1CS, its witness generator)."""
    from zkvote.circuits.builder import Circuit
    from zkvote.circuits.gadgets.poseidon import poseidon

    c = Circuit("chain")
    link = c.private_input("x")
    key = c.public_input("key")
    for _ in range(hashes):
        link = poseidon(c, [link, key])
    c.output("out", link)
    return c.compile()


def median_seconds(fn: Callable[[], object], runs: int, budget: float) -> tuple[float, int]:
    """Median wall time of ``fn()`` over up to ``runs`` calls (at least one; stops at budget)."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < runs:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    return statistics.median(times), len(times)


def interleaved_seconds(fns: list[Callable[[], object]], runs: int,
                        budget: float) -> tuple[list[float], int]:
    """Median wall time of each of ``fns``, called in turn for up to ``runs`` rounds (at least
    one; stops after the round in which ``budget`` seconds have passed)."""
    times: list[list[float]] = [[] for _ in fns]
    start = time.perf_counter()
    rounds = 0
    while rounds < runs:
        for fn, out in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        rounds += 1
        if time.perf_counter() - start > budget:
            break
    return [statistics.median(t) for t in times], rounds


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=Path(__file__).parent, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def run_cases(name: str, cases: list[Case], json_path: str | None) -> dict:
    """Time every case, print a table (with native/reference ratios), write JSON if asked."""
    results = []
    i = 0
    while i < len(cases):
        batch = [cases[i]]
        while (cases[i].group is not None and i + len(batch) < len(cases)
               and cases[i + len(batch)].group == cases[i].group):
            batch.append(cases[i + len(batch)])
        i += len(batch)
        for case in batch:
            print(f"  {case.op:<28} size={case.size:<7} {case.impl:<10}", file=sys.stderr)
        if len(batch) == 1:
            seconds, runs = median_seconds(batch[0].fn, batch[0].runs, batch[0].budget)
            medians = [seconds]
        else:
            print(f"    ... interleaved, {len(batch)} per round", file=sys.stderr)
            medians, runs = interleaved_seconds([c.fn for c in batch],
                                                min(c.runs for c in batch),
                                                sum(c.budget for c in batch))
        for case, seconds in zip(batch, medians, strict=True):
            print(f"    {case.op}: {_fmt(seconds)}", file=sys.stderr)
            results.append({"op": case.op, "size": case.size, "impl": case.impl,
                            "seconds": seconds, "runs": runs})
    doc = {"benchmark": name, "version": 1, "commit": _commit(),
           "python": platform.python_version(), "cpu": _cpu(), "results": results}
    _print_table(results)
    if json_path:
        Path(json_path).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {json_path}")
    return doc


def _print_table(results: list[dict]) -> None:
    by_key: dict[tuple[str, int], dict[str, float]] = {}
    for r in results:
        by_key.setdefault((r["op"], r["size"]), {})[r["impl"]] = r["seconds"]
    impls = sorted({r["impl"] for r in results}, key=lambda s: (s != "native", s))
    head = f"{'op':<28} {'size':>7} " + " ".join(f"{i:>12}" for i in impls) + "   ratio"
    print(head)
    print("-" * len(head))
    for (op, size), row in by_key.items():
        cells = " ".join(f"{_fmt(row[i]) if i in row else '-':>12}" for i in impls)
        ratio = ""
        if "native" in row and len(row) > 1:
            other = max(v for k, v in row.items() if k != "native")
            ratio = f"{other / row['native']:8.1f}x"
        print(f"{op:<28} {size:>7} {cells} {ratio}")
