"""Writes fixtures/api_semaphore/circuit.r1cs and witness.wtns for a circuit built with
zkvote's circuit API (zkvote.circuits.semaphore at MAX_DEPTH = 2), for generate.sh to hand to
snarkjs (wtns check, Groth16 setup, prove, verify); the Python tests then verify snarkjs's
proof with our verifier.

The witness proves that the identity "api fixture member 2" belongs to a LeanIMT group of
three members, for message 0x1234 and scope 0xC0FFEE. Identities are derived from fixed
strings, so the .r1cs and .wtns are the same on every run.
Usage: python write_api_semaphore.py OUT_DIR   (with this checkout installed or on PYTHONPATH)
"""

import json
import sys
from pathlib import Path

from zkvote.circuits.semaphore import semaphore_circuit, semaphore_witness_inputs

from zkvote.identity import Identity
from zkvote.merkle import LeanIMT
from zkvote.snark.r1cs_file import write_r1cs
from zkvote.snark.wtns_file import write_wtns

MAX_DEPTH = 2
MESSAGE, SCOPE = 0x1234, 0xC0FFEE
MEMBERS = [Identity(f"api fixture member {i}") for i in range(3)]


def main(out: Path) -> None:
    r1cs, generator = semaphore_circuit(MAX_DEPTH).compile()
    group = LeanIMT([m.commitment for m in MEMBERS])
    inputs = semaphore_witness_inputs(MEMBERS[2], group, MESSAGE, SCOPE, MAX_DEPTH)
    witness = generator.generate(inputs)
    r1cs.check_witness(witness)
    out.mkdir(parents=True, exist_ok=True)
    write_r1cs(r1cs, out / "circuit.r1cs")
    write_wtns(witness, out / "witness.wtns")
    # What the public values must be, for the tests to compare with snarkjs's public.json.
    expected = {
        "max_depth": MAX_DEPTH,
        "constraints": len(r1cs.constraints),
        "public": {"merkleRoot": str(group.root), "nullifier": str(MEMBERS[2].nullifier(SCOPE)),
                   "message": str(MESSAGE), "scope": str(SCOPE)},
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
