"""Hashing benchmarks: Poseidon(2) native vs Python reference, LeanIMT builds and proofs, and
poseidon-lite in Node on the same machine when available.

    python benchmarks/bench_hash.py [--quick] [--json PATH]

``seconds`` is the median time of one call; for batched cases ``size`` is the number of items
one call processes (hashes, leaves, proofs).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Case, run_cases  # noqa: E402

from zkvote._native import poseidon as native  # noqa: E402
from zkvote._reference import poseidon as reference  # noqa: E402
from zkvote.field import FR_MODULUS  # noqa: E402
from zkvote.merkle import LeanIMT  # noqa: E402

JS_DIR = Path(os.environ.get("ZKVOTE_JS_DIR", "/tmp/zkv-js"))
_NODE_SNIPPET = """
const { poseidon2 } = require(process.argv[1] + '/node_modules/poseidon-lite/poseidon2.js');
const n = Number(process.argv[2]); let a = 1n, b = 2n;
for (let i = 0; i < 200; i++) a = poseidon2([a, b]);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) a = poseidon2([a, b]);
console.log(Number(process.hrtime.bigint() - t0) / 1e9);
"""


def _packed_pairs(n: int) -> bytes:
    rng = random.Random(1)
    return b"".join(rng.randrange(FR_MODULUS).to_bytes(32, "little") for _ in range(2 * n))


def _one_thread(pairs: bytes) -> bytes:
    # the target is per core: keep the batch below the threading threshold
    saved, native.PARALLEL_MIN = native.PARALLEL_MIN, 1 << 62
    try:
        return native.hash_pairs_packed(pairs)
    finally:
        native.PARALLEL_MIN = saved


def _node_case(n: int) -> tuple[Case, float] | None:
    node = shutil.which("node")
    if node is None or not (JS_DIR / "node_modules" / "poseidon-lite").is_dir():
        return None

    # Timed inside the script, so Node's start-up is excluded.
    out = subprocess.run([node, "-e", _NODE_SNIPPET, str(JS_DIR), str(n)], check=True,
                         capture_output=True, text=True).stdout
    seconds = float(out)
    return Case("poseidon2 hashes", n, "poseidon-lite(node)", lambda: None, runs=1,
                budget=0.0), seconds


def cases(quick: bool) -> list[Case]:
    n_hash = 10_000 if quick else 100_000
    pairs = _packed_pairs(n_hash)
    few = _packed_pairs(20)
    leaves_sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    rng = random.Random(2)
    out = [
        Case("poseidon2 hashes", n_hash, "native", lambda: native.hash_pairs_packed(pairs),
             runs=5),
        Case("poseidon2 hashes", n_hash, "native(1 thread)", lambda: _one_thread(pairs),
             runs=5),
        Case("poseidon2 hashes", 20, "reference", lambda: reference.hash_pairs_packed(few),
             runs=3),
        Case("poseidon2 one call", 1, "native", lambda: native.poseidon_hash((1, 2)), runs=2000),
    ]
    for n in leaves_sizes:
        leaves = [rng.randrange(1, FR_MODULUS) for _ in range(n)]
        out.append(Case("lean_imt build", n, "native", lambda leaves=leaves: LeanIMT(leaves),
                        runs=3 if n < 1_000_000 else 1, budget=30.0))
    tree = LeanIMT([rng.randrange(1, FR_MODULUS) for _ in range(100_000)])
    idx = [rng.randrange(tree.size) for _ in range(100)]
    out.append(Case("lean_imt proof (1e5 leaves)", 100, "native",
                    lambda: [tree.generate_proof(i) for i in idx], runs=5))
    proofs = [tree.generate_proof(i) for i in idx[:20]]
    out.append(Case("lean_imt verify (1e5 leaves)", 20, "native",
                    lambda: [tree.verify_proof(p) for p in proofs], runs=5))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    doc = run_cases("hash", cases(args.quick), None)
    node = _node_case(10_000 if args.quick else 100_000)
    if node is not None:
        case, seconds = node
        doc["results"].append({"op": case.op, "size": case.size, "impl": case.impl,
                               "seconds": seconds, "runs": 1})
        print(f"{case.op:<28} {case.size:>7} {case.impl}: {seconds:.3f} s "
              f"({case.size / seconds:,.0f} hashes/s)")
    for r in doc["results"]:
        if r["op"] == "poseidon2 hashes":
            print(f"  poseidon2 {r['impl']}: {r['size'] / r['seconds']:,.0f} hashes/s")
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
