"""Groth16 benchmarks: verify one proof, batch verification, prove a small circuit, the
Semaphore membership circuit (zkvote.circuits.semaphore) at depth 10 and 20, and proving from
a snarkjs .zkey + .wtns against ``snarkjs groth16 prove`` on the same files.

    python benchmarks/bench_groth16.py [--quick] [--no-chain] [--only chain] [--json PATH]

Needs zkvote.circuits, i.e. this checkout installed (pip install -e .), for the membership
circuit. Its keys come from the insecure single-party setup, made once per depth outside the
timing and exported as a snarkjs .zkey (zkey_from_proving_key) with the witness as .wtns into
ZKVOTE_BENCH_CACHE/semaphore_d<depth>/; on those files we time ``prove_zkey`` and snarkjs
times ``groth16 prove`` (and ``groth16 verify`` on our proof). Witness generation, the
insecure setup and read_zkey are timed too, and (not with --quick) the same for the ballot
circuit (zkvote.circuits.ballot, 8 options, depth 20: the voter client's proof). Batch
verification of membership proofs (depth 20 key, 4 public inputs) runs at 1/16/256/1024
proofs: the batches cycle through 8 distinct valid proofs (8 members of one group), so 1024
proofs are 128 copies of each; the batch verifier does the same work for a copy as for a
fresh proof (one Miller-loop term and random coefficient per proof). --quick skips the
membership and ballot circuits.

The snarkjs comparison needs Node and the pinned snarkjs/circom2/circomlib installed in
ZKVOTE_SNARKJS_DIR (default /tmp/zkv-snark; see tests/interop/snarkjs/generate.sh) and is
skipped otherwise. It uses the committed poseidon2 fixture and (not with --quick or
--no-chain) a chain of 250 Poseidon(2) hashes (~60k constraints, domain 2^16) built with
zkvote.circuits, keyed by the insecure setup and exported like the membership circuit into
ZKVOTE_BENCH_CACHE/poseidon_chain_250_zkvote/ (about a minute on first use, then reused while
the circuit is unchanged); ``--only chain`` runs just that case. snarkjs
times are whole commands as users run them (Node start-up and file reading included); the
start-up alone is measured with ``node -e 0``. Our "read + prove" case includes reading the
.zkey and .wtns; "prove" starts from the loaded zkey. The issue's target is single-core: our
prover runs on one thread, pinned to one CPU, and snarkjs is timed pinned to that CPU (the
child process's CPU affinity, which its threads inherit) and, for reference, free to use
every core (its worker threads do). The prove cases of one circuit run interleaved, a round
of each at a time, so the machine's drift over minutes affects both sides alike.

``seconds`` is the median time of one call; for batches ``size`` is the number of proofs one
call checks (proofs/s = size / seconds). The small cases' keys come from the insecure
single-party setup on a chain of squarings x_{i+1} = x_i^2 (one public output, one private
input).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Case, poseidon_chain, run_cases  # noqa: E402

from zkvote.backend import use_backend  # noqa: E402
from zkvote.field import FR_MODULUS  # noqa: E402
from zkvote.snark.keys import prepare_verifying_key  # noqa: E402
from zkvote.snark.prover import prove  # noqa: E402
from zkvote.snark.r1cs import R1CS  # noqa: E402
from zkvote.snark.r1cs_file import r1cs_to_bytes  # noqa: E402
from zkvote.snark.setup import insecure_single_party_setup  # noqa: E402
from zkvote.snark.snarkjs_json import (  # noqa: E402
    proof_from_json,
    proof_to_json,
    public_from_json,
    public_to_json,
    verifying_key_from_json,
    verifying_key_to_json,
)
from zkvote.snark.verifier import batch_verify, verify  # noqa: E402
from zkvote.snark.wtns_file import read_wtns, write_wtns  # noqa: E402
from zkvote.snark.zkey_file import read_zkey, write_zkey, zkey_from_proving_key  # noqa: E402
from zkvote.snark.zkey_prover import prove_zkey  # noqa: E402


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


# ---- snarkjs comparison: fixtures made on demand with the real tools

SNARKJS_DIR = Path(os.environ.get("ZKVOTE_SNARKJS_DIR", "/tmp/zkv-snark"))
CACHE_DIR = Path(os.environ.get("ZKVOTE_BENCH_CACHE",
                                Path.home() / ".cache" / "zkvote-bench"))
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "interop" / "snarkjs" / "fixtures"
CHAIN_LENGTH = 250  # Poseidon(2) is 240 constraints: 60,000 in all, domain 2^16


def snarkjs_command() -> list[str] | None:
    """``node .../snarkjs/build/cli.cjs`` when Node and the pinned snarkjs are installed."""
    cli = SNARKJS_DIR / "node_modules" / "snarkjs" / "build" / "cli.cjs"
    node = shutil.which("node")
    return [node, str(cli)] if node and cli.is_file() else None


def _run(cmd: list[str], cwd: Path, cpu: int | None = None) -> None:
    # ``cpu``: the child starts pinned to that CPU (set between fork and exec, so no
    # external tool is needed); every thread and process it starts inherits the mask, so
    # the whole tree stays on that one CPU.
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, preexec_fn=pin)


def _cores(n: int) -> str:
    return "1 core" if n == 1 else f"{n} cores"


def on_cpu(cpu: int, fn: Callable[[], object]) -> Callable[[], None]:
    """``fn`` run with this thread pinned to ``cpu`` (its previous CPUs restored after)."""
    def run() -> None:
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu})
        try:
            fn()
        finally:
            os.sched_setaffinity(0, before)
    return run


def chain_fixture() -> Path:
    """The directory holding circuit_final.zkey and witness.wtns of the Poseidon chain: the
    key from the insecure single-party setup, exported like the membership cases', and the
    witness for x = 1, key = 2. Made on first use into CACHE_DIR (about a minute) and reused
    while the circuit's .r1cs is the same (its sha256 is kept next to the files)."""
    out = CACHE_DIR / f"poseidon_chain_{CHAIN_LENGTH}_zkvote"
    r1cs, generator = poseidon_chain(CHAIN_LENGTH)
    digest = hashlib.sha256(r1cs_to_bytes(r1cs)).hexdigest()
    stamp = out / "r1cs.sha256"
    if ((out / "circuit_final.zkey").is_file() and (out / "witness.wtns").is_file()
            and stamp.is_file() and stamp.read_text().strip() == digest):
        return out
    print(f"setting up the Poseidon chain ({r1cs.n_constraints} constraints) in {out}...",
          file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    pk = insecure_single_party_setup(r1cs, rng=random.Random(CHAIN_LENGTH))
    # Write under temporary names, rename when complete: an interrupted run never leaves a
    # half-written key that a later run would take for a finished one.
    write_zkey(zkey_from_proving_key(pk, r1cs), out / "circuit_final.zkey.tmp")
    write_wtns(generator.generate({"x": 1, "key": 2}), out / "witness.wtns.tmp")
    (out / "circuit_final.zkey.tmp").rename(out / "circuit_final.zkey")
    (out / "witness.wtns.tmp").rename(out / "witness.wtns")
    stamp.write_text(digest + "\n")
    return out


def zkey_cases(name: str, folder: Path, snarkjs: list[str] | None) -> list[Case]:
    """prove_zkey on the folder's circuit_final.zkey + witness.wtns, and snarkjs on them;
    verifying our proof from its JSON files, by us and by ``snarkjs groth16 verify``."""
    zkey_path, wtns_path = folder / "circuit_final.zkey", folder / "witness.wtns"
    zkey, witness = read_zkey(zkey_path), read_wtns(wtns_path)
    proof = prove_zkey(zkey, witness)  # also loads the key once
    files = Path(tempfile.mkdtemp(prefix="zkvote-bench-verify-"))
    vk_text = verifying_key_to_json(zkey.proving_key.vk)
    public_text = public_to_json(witness[1:1 + zkey.proving_key.vk.n_public])
    proof_text = proof_to_json(proof)
    for file, text in (("vk.json", vk_text), ("public.json", public_text),
                       ("proof.json", proof_text)):
        (files / file).write_text(text)

    def verify_files() -> None:
        vk = verifying_key_from_json((files / "vk.json").read_text())
        assert verify(vk, public_from_json((files / "public.json").read_text()),
                      proof_from_json((files / "proof.json").read_text()))

    cpu = min(os.sched_getaffinity(0))
    out = [Case(f"read_zkey ({name})", 1, "native", lambda: read_zkey(zkey_path), runs=5,
                budget=20)]
    # Ours and snarkjs's proofs are timed in rounds (the machine's speed drifts by up to 1.5x
    # over minutes), ours on one CPU, snarkjs on that CPU (the "single core" target)
    # and on all of them (its default: worker threads on every core).
    group = f"prove {name}"
    out += [
        Case(f"prove_zkey ({name})", 1, "native",
             on_cpu(cpu, lambda: prove_zkey(zkey, witness)), runs=5, budget=20, group=group),
        Case(f"read + prove_zkey ({name})", 1, "native",
             on_cpu(cpu, lambda: prove_zkey(read_zkey(zkey_path), read_wtns(wtns_path))),
             runs=5, budget=20, group=group),
    ]
    if snarkjs is not None:
        scratch = Path(tempfile.mkdtemp(prefix="zkvote-bench-"))
        prove_cmd = [*snarkjs, "groth16", "prove", str(zkey_path), str(wtns_path),
                     str(scratch / "proof.json"), str(scratch / "public.json")]
        cores = len(os.sched_getaffinity(0))

        def snarkjs_verify() -> None:
            _run([*snarkjs, "groth16", "verify", "vk.json", "public.json", "proof.json"], files)

        out.append(Case(f"snarkjs groth16 prove, {_cores(1)} ({name})", 1, "snarkjs",
                        lambda: _run(prove_cmd, scratch, cpu), runs=5, budget=150,
                        group=group))
        if cores > 1:  # on a one-CPU machine the free run is the pinned one
            out.append(Case(f"snarkjs groth16 prove, {_cores(cores)} ({name})", 1, "snarkjs",
                            lambda: _run(prove_cmd, scratch), runs=5, budget=100,
                            group=group))
        out.append(Case(f"snarkjs groth16 verify ({name})", 1, "snarkjs", snarkjs_verify,
                        runs=5, budget=20))
    out.append(Case(f"verify files ({name})", 1, "native", verify_files, runs=50, budget=5))
    return out


MEMBERSHIP_BATCHES = (1, 16, 256, 1024)


def membership_cases(depth: int, snarkjs: list[str] | None,
                     batches: tuple[int, ...] = ()) -> list[Case]:
    """The Semaphore membership circuit at ``depth``: our prove and verify, prove_zkey and
    snarkjs on the exported .zkey + .wtns, and batch verification of ``batches`` proofs."""
    from zkvote.circuits.semaphore import semaphore_circuit, semaphore_witness_inputs

    from zkvote.identity import Identity
    from zkvote.merkle import LeanIMT

    r1cs, generator = semaphore_circuit(depth).compile()
    members = [Identity(f"bench member {i}") for i in range(8)]
    group = LeanIMT([m.commitment for m in members])
    witnesses = [generator.generate(semaphore_witness_inputs(m, group, 0x1234, 0xC0FFEE, depth))
                 for m in members]
    rng = random.Random(depth)
    pk = insecure_single_party_setup(r1cs, rng=rng)
    pvk = prepare_verifying_key(pk.vk)
    statements = [(w[1:1 + r1cs.n_public], prove(pk, r1cs, w, rng=rng)) for w in witnesses]
    assert batch_verify(pvk, statements)
    witness = witnesses[0]
    public, proof = statements[0]
    folder = CACHE_DIR / f"semaphore_d{depth}"
    folder.mkdir(parents=True, exist_ok=True)
    write_zkey(zkey_from_proving_key(pk, r1cs), folder / "circuit_final.zkey")
    write_wtns(witness, folder / "witness.wtns")

    name = f"membership d{depth}, {r1cs.n_constraints} constraints"
    inputs = semaphore_witness_inputs(members[0], group, 0x1234, 0xC0FFEE, depth)
    out = [
        Case(f"witness ({name})", 1, "native", lambda: generator.generate(inputs), runs=10,
             budget=10),
        Case(f"insecure setup ({name})", 1, "native",
             lambda: insecure_single_party_setup(r1cs, rng=random.Random(1)), runs=3,
             budget=20),
        Case(f"prove ({name})", 1, "native", lambda: prove(pk, r1cs, witness), runs=10,
             budget=20),
        Case(f"verify ({name})", 1, "native", lambda: verify(pvk, public, proof), runs=200),
    ]
    out += zkey_cases(name, folder, snarkjs)
    for n in batches:
        batch = (statements * (n // len(statements) + 1))[:n]
        out.append(Case(f"batch_verify (membership d{depth})", n, "native",
                        lambda b=batch: batch_verify(pvk, b), runs=20 if n <= 16 else 5,
                        budget=10))
    return out


def ballot_cases(n_options: int = 8, depth: int = 20) -> list[Case]:
    """The ballot circuit of zkvote.circuits.ballot (the voter client's proof; issue 5's
    target is 8 options at depth 20): witness generation, the insecure setup, prove with the
    setup's key and prove_zkey on its .zkey; skipped when the circuit is not installed."""
    try:
        from zkvote.circuits.ballot import (
            ballot_witness_inputs,
            compiled_ballot_circuit,
            preset,
        )
    except ImportError:
        print("zkvote.circuits.ballot not found: skipping the ballot circuit", file=sys.stderr)
        return []
    from zkvote.babyjub import ORDER, Point
    from zkvote.identity import Identity
    from zkvote.merkle import LeanIMT

    r1cs, generator = compiled_ballot_circuit(n_options, depth)
    members = [Identity(f"bench member {i}") for i in range(8)]
    group = LeanIMT([m.commitment for m in members])
    rng = random.Random(n_options)
    votes = [0] * n_options
    votes[1] = 1
    inputs = ballot_witness_inputs(members[0], group, 0xBA110, Point.base8().mul(12345),
                                   votes, [rng.randrange(ORDER) for _ in votes],
                                   preset("single", n_options), depth)
    witness = generator.generate(inputs)
    pk = insecure_single_party_setup(r1cs, rng=rng)
    prove(pk, r1cs, witness)  # load the key once
    folder = CACHE_DIR / f"ballot_k{n_options}_d{depth}"
    folder.mkdir(parents=True, exist_ok=True)
    write_zkey(zkey_from_proving_key(pk, r1cs), folder / "circuit_final.zkey")
    write_wtns(witness, folder / "witness.wtns")
    zkey_path = folder / "circuit_final.zkey"
    zkey = read_zkey(zkey_path)
    prove_zkey(zkey, witness)
    name = f"ballot K={n_options} D={depth}, {r1cs.n_constraints} constraints"
    return [
        Case(f"witness ({name})", 1, "native", lambda: generator.generate(inputs), runs=10,
             budget=10),
        Case(f"insecure setup ({name})", 1, "native",
             lambda: insecure_single_party_setup(r1cs, rng=random.Random(1)), runs=3,
             budget=30),
        Case(f"prove ({name})", 1, "native", lambda: prove(pk, r1cs, witness), runs=10,
             budget=20),
        Case(f"read_zkey ({name})", 1, "native", lambda: read_zkey(zkey_path), runs=5,
             budget=20),
        Case(f"prove_zkey ({name})", 1, "native", lambda: prove_zkey(zkey, witness), runs=10,
             budget=20),
        Case(f"witness + prove_zkey ({name})", 1, "native",
             lambda: prove_zkey(zkey, generator.generate(inputs)), runs=10, budget=20),
    ]


def chain_cases(snarkjs: list[str] | None) -> list[Case]:
    """The ~60k-constraint Poseidon chain: our read + prove and prove on its .zkey + .wtns,
    ``snarkjs groth16 prove`` on the same files and ``snarkjs groth16 verify`` on our proof."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    name = f"Poseidon chain x{CHAIN_LENGTH}"
    return zkey_cases(name, chain_fixture(), snarkjs)


def snarkjs_cases(quick: bool, chain: bool = True) -> list[Case]:
    """The zkey cases: the poseidon2 fixture; without ``quick`` also the membership circuit
    (depth 10 and 20, with batch verification at depth 20) and, if ``chain``, the Poseidon
    chain."""
    snarkjs = snarkjs_command()
    if snarkjs is None:
        print("snarkjs not found: skipping the snarkjs comparison", file=sys.stderr)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    out = zkey_cases("poseidon2 fixture", FIXTURES / "poseidon2", snarkjs)
    if snarkjs is not None:
        out.insert(0, node_startup_case(snarkjs))
    if not quick:
        out += membership_cases(10, snarkjs)
        out += membership_cases(20, snarkjs, MEMBERSHIP_BATCHES)
        out += ballot_cases()
        if chain:
            out += chain_cases(snarkjs)
    return out


def node_startup_case(snarkjs: list[str]) -> Case:
    """``node -e 0``: the part of every snarkjs time that is Node starting up."""
    return Case("node -e 0 (Node start-up)", 1, "snarkjs",
                lambda: _run([snarkjs[0], "-e", "0"], CACHE_DIR), runs=5)


def report_ratios(results: list[dict]) -> None:
    """Print snarkjs time / ours for every circuit measured both ways."""
    by_op = {r["op"]: r["seconds"] for r in results}
    for op, seconds in by_op.items():
        if op.startswith("snarkjs groth16 prove, "):
            cores, name = op[len("snarkjs groth16 prove, "):-1].split(" (", 1)
            for ours in (f"prove_zkey ({name})", f"read + prove_zkey ({name})"):
                if ours in by_op:
                    print(f"{name}: snarkjs on {cores} / {ours.split(' (')[0]} = "
                          f"{seconds / by_op[ours]:.1f}x", file=sys.stderr)
        if op.startswith("snarkjs groth16 verify ("):
            name = op[len("snarkjs groth16 verify ("):-1]
            ours = f"verify files ({name})"
            if ours in by_op:
                print(f"{name}: snarkjs verify / verify files = {seconds / by_op[ours]:.1f}x",
                      file=sys.stderr)
    for r in results:
        if r["op"].startswith("batch_verify"):
            print(f"{r['op']} x{r['size']}: {r['size'] / r['seconds']:,.0f} proofs/s",
                  file=sys.stderr)


def cases(quick: bool, chain: bool = True) -> list[Case]:
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
    prove(big_pk, big, big_w)  # load the key once; the timed run is the proof itself
    out.append(Case(f"prove (squaring chain, {m} constraints)", 1, "native",
                    lambda: prove(big_pk, big, big_w), runs=5 if quick else 10, budget=20))
    out.append(Case(f"insecure setup (squaring chain, {m} constraints)", 1, "native",
                    lambda: insecure_single_party_setup(big, rng=random.Random(2)), runs=3,
                    budget=10))
    if not quick:
        def reference_verify() -> bool:
            with use_backend("reference"):
                return verify(pvk, public, proof)
        out.append(Case("verify (prepared vk)", 1, "reference", reference_verify, runs=2))
    return out + snarkjs_cases(quick, chain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer and smaller cases")
    parser.add_argument("--no-chain", action="store_true",
                        help="skip the ~60k-constraint Poseidon chain (its first setup "
                             "takes about a minute)")
    parser.add_argument("--only", choices=("chain",),
                        help="run only these cases (chain: the Poseidon chain vs snarkjs)")
    parser.add_argument("--json", metavar="PATH", help="write results as JSON")
    args = parser.parse_args()
    if args.only == "chain":
        snarkjs = snarkjs_command()
        chosen = ([node_startup_case(snarkjs)] if snarkjs else []) + chain_cases(snarkjs)
    else:
        chosen = cases(args.quick, not args.no_chain)
    doc = run_cases("groth16", chosen, args.json)
    report_ratios(doc["results"])


if __name__ == "__main__":
    main()
