"""Groth16 benchmarks: verify one proof, batch verification, prove a small circuit.

    python benchmarks/bench_groth16.py [--quick] [--json PATH]

``seconds`` is the median time of one call; for batches ``size`` is the number of proofs one
call checks (proofs/s = size / seconds). Keys come from the insecure single-party setup on a
chain of squarings x_{i+1} = x_i^2 (one public output, one private input).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Case, run_cases  # noqa: E402

from zkvote.backend import use_backend  # noqa: E402
from zkvote.field import FR_MODULUS  # noqa: E402
from zkvote.snark.keys import prepare_verifying_key  # noqa: E402
from zkvote.snark.prover import prove  # noqa: E402
from zkvote.snark.r1cs import R1CS  # noqa: E402
from zkvote.snark.setup import insecure_single_party_setup  # noqa: E402
from zkvote.snark.snarkjs_json import proof_from_json, proof_to_json  # noqa: E402
from zkvote.snark.verifier import batch_verify, verify  # noqa: E402


def squaring_chain(m: int) -> tuple[R1CS, list[int]]:
    """m constraints x_{i+1} = x_i * x_i; wire 1 = x_m (public), wire 2 = x_0 (private)."""
    wires = list(range(3, 3 + m - 1))
    chain = [2, *wires, 1]
    constraints = [({a: 1}, {a: 1}, {b: 1}) for a, b in zip(chain, chain[1:], strict=False)]
    r1cs = R1CS(n_wires=3 + m - 1, n_pub_out=1, n_pub_in=0, n_prv_in=1, n_labels=3 + m - 1,
                constraints=constraints)
    values = [7]
    for _ in range(m):
        values.append(values[-1] * values[-1] % FR_MODULUS)
    witness = [1, values[-1], values[0], *values[1:-1]]
    return r1cs, witness


def cases(quick: bool) -> list[Case]:
    rng = random.Random(1)
    small, small_w = squaring_chain(4)
    pk = insecure_single_party_setup(small, rng=rng)
    pvk = prepare_verifying_key(pk.vk)
    proofs = [([small_w[1]], prove(pk, small, small_w, rng=rng)) for _ in range(8)]
    public, proof = proofs[0]
    assert verify(pvk, public, proof)
    proof_text = proof_to_json(proof)

    out = [
        Case("verify (prepared vk)", 1, "native", lambda: verify(pvk, public, proof), runs=200),
        Case("verify (parse proof.json)", 1, "native",
             lambda: verify(pvk, public, proof_from_json(proof_text)), runs=200),
        Case("verify (plain vk)", 1, "native", lambda: verify(pk.vk, public, proof), runs=50),
    ]
    for n in (16,) if quick else (16, 256):
        batch = (proofs * (n // len(proofs) + 1))[:n]
        out.append(Case("batch_verify", n, "native", lambda b=batch: batch_verify(pvk, b),
                        runs=20 if n <= 16 else 5))
    m = 256 if quick else 4096
    big, big_w = squaring_chain(m)
    big_pk = insecure_single_party_setup(big, rng=rng)
    big_pk.prepared("a_query")  # load the key once; the timed run is the proof itself
    out.append(Case(f"prove (squaring chain, {m} constraints)", 1, "native",
                    lambda: prove(big_pk, big, big_w), runs=5 if quick else 10, budget=20))
    if not quick:
        def reference_verify() -> bool:
            with use_backend("reference"):
                return verify(pvk, public, proof)
        out.append(Case("verify (prepared vk)", 1, "reference", reference_verify, runs=2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer and smaller cases")
    parser.add_argument("--json", metavar="PATH", help="write results as JSON")
    args = parser.parse_args()
    run_cases("groth16", cases(args.quick), args.json)


if __name__ == "__main__":
    main()
