"""Trusted-setup ceremony benchmarks: every step of a phase-1 and phase-2 ceremony, as the
library calls behind ``zkvote ceremony`` (docs/ceremony.md), at three sizes.

    python benchmarks/bench_ceremony.py [--quick] [--powers P ...] [--json PATH]

Powers 10 and 12 run on chains of Poseidon(2) hashes built with zkvote.circuits, as many as
fit the domain 2^power (4 and 17 hashes: 961 and 4,081 constraints); power 15 (not with
--quick) on the ballot circuit (zkvote.circuits.ballot, 8 options, Merkle depth 20, 21,952
constraints, domain 2^15), so that phase 1 is exactly as large as that circuit needs. The
steps run in order, each on the previous one's output, once per size (they take seconds to
minutes; ``runs`` says 1): phase 1 new, contribute (one contribution), encode and decode of
the ``.zkc1`` bytes, verify; phase 2 new (the initial key from the powers), contribute,
encode and decode of the ``.zkc2`` bytes, verify (``phase2_file_verify``: circuit hash,
the embedded powers, the transcript), and the export of the final key as ``.zkey`` bytes.

``size`` is the domain size 2^power; ``seconds`` is wall time on whatever machine this runs
on (the native backend, its group NTT on every CPU this process may use).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Case, poseidon_chain, run_cases  # noqa: E402

from zkvote.snark import ceremony  # noqa: E402
from zkvote.snark.ceremony_file import (  # noqa: E402
    phase1_from_bytes,
    phase1_to_bytes,
    phase2_file_new,
    phase2_file_verify,
    phase2_from_bytes,
    phase2_to_bytes,
)
from zkvote.snark.r1cs import R1CS  # noqa: E402
from zkvote.snark.r1cs_file import r1cs_to_bytes  # noqa: E402
from zkvote.snark.setup import domain_log_size  # noqa: E402
from zkvote.snark.zkey_file import zkey_from_proving_key, zkey_to_bytes  # noqa: E402

QUICK_POWERS = (10, 12)
ALL_POWERS = (10, 12, 15)
HASH_ROWS = 240  # constraints of one Poseidon(2) hash in zkvote.circuits


def circuit_for(power: int) -> tuple[str, R1CS]:
    """The circuit benchmarked at ``power``: the ballot circuit at 15, else the longest
    Poseidon chain whose domain is 2^power."""
    if power == 15:
        from zkvote.circuits.ballot import compiled_ballot_circuit

        r1cs = compiled_ballot_circuit(8, 20)[0]
        name = "ballot K=8 D=20"
    else:
        hashes = max(1, ((1 << power) - 8) // HASH_ROWS)
        r1cs = poseidon_chain(hashes)[0]
        name = f"Poseidon chain x{hashes}"
    if domain_log_size(r1cs) != power:
        raise SystemExit(f"{name} needs a domain of 2^{domain_log_size(r1cs)}, not 2^{power}")
    return name, r1cs


def ceremony_cases(power: int) -> list[Case]:
    """Every step at ``power``, chained through ``state`` (each case reads what the one
    before it stored)."""
    name, r1cs = circuit_for(power)
    print(f"power {power}: {name}, {r1cs.n_constraints} constraints, {r1cs.n_wires} wires",
          file=sys.stderr)
    r1cs_data = r1cs_to_bytes(r1cs)
    state: dict[str, object] = {}

    def step(key: str, fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            state[key] = fn()
        return run

    steps = [
        ("p1 new", lambda: ceremony.phase1_new(power)),
        ("p1 contribute", lambda: ceremony.phase1_contribute(state["p1 new"], name="bench")),
        ("p1 encode", lambda: phase1_to_bytes(state["p1 contribute"])),
        ("p1 decode", lambda: phase1_from_bytes(state["p1 encode"])),
        ("p1 verify", lambda: ceremony.phase1_verify(state["p1 decode"])),
        # the phase-1 transcript was just verified: phase2_file_new need not do it again
        ("p2 new", lambda: phase2_file_new(r1cs_data, state["p1 encode"],
                                           verify_phase1=False)),
        ("p2 contribute", lambda: ceremony.phase2_contribute(state["p2 new"].transcript,
                                                             name="bench")),
        ("p2 encode", lambda: phase2_to_bytes(dataclasses.replace(
            state["p2 new"], transcript=state["p2 contribute"]))),
        ("p2 decode", lambda: phase2_from_bytes(state["p2 encode"])),
        ("p2 verify", lambda: phase2_file_verify(state["p2 decode"], r1cs_data)),
        ("export zkey", lambda: zkey_to_bytes(zkey_from_proving_key(
            state["p2 contribute"].proving_key, r1cs))),
    ]
    return [Case(op, 1 << power, "native", step(op, fn), runs=1, budget=0)
            for op, fn in steps]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"powers {', '.join(map(str, QUICK_POWERS))} only")
    parser.add_argument("--powers", type=int, nargs="+", choices=ALL_POWERS,
                        help="run these powers only")
    parser.add_argument("--json", metavar="PATH", help="write results as JSON")
    args = parser.parse_args()
    powers = args.powers or (QUICK_POWERS if args.quick else ALL_POWERS)
    cases = [case for power in powers for case in ceremony_cases(power)]
    run_cases("ceremony", cases, args.json)


if __name__ == "__main__":
    main()
