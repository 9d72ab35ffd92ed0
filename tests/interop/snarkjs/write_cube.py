"""Writes fixtures/cube/circuit.r1cs and witness.wtns with zkvote's own writers, for
generate.sh to hand to snarkjs (wtns check, Groth16 setup, prove, verify).

The statement: x^3 + x + 5 == out, wires [1, out, x, x^2, x^3], x = 3 private.
Usage: PYTHONPATH=<repo> python write_cube.py OUT_DIR
"""

import sys
from pathlib import Path

from zkvote.field import FR_MODULUS
from zkvote.snark.r1cs import R1CS
from zkvote.snark.r1cs_file import write_r1cs
from zkvote.snark.wtns_file import write_wtns


def main(out: Path) -> None:
    r1cs = R1CS(
        n_wires=5,
        n_pub_out=1,
        n_pub_in=0,
        n_prv_in=1,
        n_labels=5,
        constraints=[
            ({2: 1}, {2: 1}, {3: 1}),
            ({3: 1}, {2: 1}, {4: 1}),
            ({4: 1, 2: 1, 0: 5}, {0: 1}, {1: 1}),
        ],
        wire_to_label=[0, 1, 2, 3, 4],
    )
    x = 3
    witness = [1, (x**3 + x + 5) % FR_MODULUS, x, x * x, x**3]
    r1cs.check_witness(witness)
    out.mkdir(parents=True, exist_ok=True)
    write_r1cs(r1cs, out / "circuit.r1cs")
    write_wtns(witness, out / "witness.wtns")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
