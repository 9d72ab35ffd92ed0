"""snarkjs's verbs on zkvote's Groth16, with snarkjs's argument order:

- ``zkvote groth16 prove CIRCUIT.zkey WITNESS.wtns [PROOF.json] [PUBLIC.json]``
- ``zkvote groth16 verify [VERIFICATION_KEY.json] [PUBLIC.json] [PROOF.json]``
- ``zkvote zkey export verificationkey CIRCUIT.zkey [VERIFICATION_KEY.json]``
- ``zkvote r1cs info CIRCUIT.r1cs``
- ``zkvote wtns check CIRCUIT.r1cs WITNESS.wtns``

Exit codes as for every zkvote command: 0 success, 1 a verification or check says no (an
invalid proof, a witness that does not satisfy the circuit), 2 malformed or missing input.
Failures print one line on stderr; nothing prints witness values or other secrets.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zkvote.cli_common import EXIT_MALFORMED, EXIT_NO, fail, input_errors
from zkvote.errors import InvalidInput

groth16_app = typer.Typer(no_args_is_help=True, help="Groth16 proofs (snarkjs's groth16 verbs).")
zkey_app = typer.Typer(no_args_is_help=True, help="snarkjs .zkey proving keys.")
zkey_export_app = typer.Typer(no_args_is_help=True, help="Export parts of a .zkey.")
r1cs_app = typer.Typer(no_args_is_help=True, help="iden3 .r1cs constraint systems.")
wtns_app = typer.Typer(no_args_is_help=True, help="iden3 .wtns witnesses.")
zkey_app.add_typer(zkey_export_app, name="export")

ZkeyArg = Annotated[Path, typer.Argument(metavar="CIRCUIT.zkey", help="snarkjs proving key")]
R1csArg = Annotated[Path, typer.Argument(metavar="CIRCUIT.r1cs", help="iden3 constraint system")]
WtnsArg = Annotated[Path, typer.Argument(metavar="WITNESS.wtns", help="iden3 witness")]
VkArg = Annotated[Path, typer.Argument(metavar="VERIFICATION_KEY.json")]
ProofArg = Annotated[Path, typer.Argument(metavar="PROOF.json")]
PublicArg = Annotated[Path, typer.Argument(metavar="PUBLIC.json")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]

# Progress goes to stderr so that stdout carries only results (--json stays parseable).
_status = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the groth16, zkey, r1cs and wtns command groups to ``app``."""
    app.add_typer(groth16_app, name="groth16")
    app.add_typer(zkey_app, name="zkey")
    app.add_typer(r1cs_app, name="r1cs")
    app.add_typer(wtns_app, name="wtns")


def _read_text(path: Path) -> str:
    with input_errors(path):
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("not UTF-8 text") from exc


def _write_text(path: Path, text: str) -> None:
    with input_errors(path):
        path.write_text(text, encoding="utf-8")


# ---- groth16


@groth16_app.command("prove")
def groth16_prove(
    zkey_path: ZkeyArg,
    wtns_path: WtnsArg,
    proof_path: ProofArg = Path("proof.json"),
    public_path: PublicArg = Path("public.json"),
) -> None:
    """Prove with a snarkjs .zkey and a .wtns; write proof.json and public.json as snarkjs
    does. Exit 1 if the witness does not satisfy the circuit."""
    from zkvote.snark.snarkjs_json import proof_to_json, public_to_json
    from zkvote.snark.wtns_file import read_wtns
    from zkvote.snark.zkey_file import read_zkey
    from zkvote.snark.zkey_prover import WitnessRejected, prove_zkey, public_signals

    with _status.status("reading the proving key…"):
        with input_errors(zkey_path):
            zkey = read_zkey(zkey_path)
    with input_errors(wtns_path):
        witness = read_wtns(wtns_path)
    with _status.status("proving…"):
        try:
            proof = prove_zkey(zkey, witness)
        except WitnessRejected as exc:
            fail(EXIT_NO, f"{wtns_path}: {exc}")
        except InvalidInput as exc:
            fail(EXIT_MALFORMED, f"{wtns_path}: {exc}")
    _write_text(proof_path, proof_to_json(proof))
    _write_text(public_path, public_to_json(public_signals(zkey, witness)))


@groth16_app.command("verify")
def groth16_verify(
    vk_path: VkArg = Path("verification_key.json"),
    public_path: PublicArg = Path("public.json"),
    proof_path: ProofArg = Path("proof.json"),
    as_json: JsonOpt = False,
) -> None:
    """Verify a snarkjs-format proof: exit 0 and print OK! if valid, exit 1 if invalid,
    exit 2 for malformed input (wrong number of public signals included)."""
    from zkvote.snark.snarkjs_json import (
        proof_from_json,
        public_from_json,
        verifying_key_from_json,
    )
    from zkvote.snark.verifier import verify

    with input_errors(vk_path):
        vk = verifying_key_from_json(_read_text(vk_path))
    with input_errors(public_path):
        public = public_from_json(_read_text(public_path))
        if len(public) != vk.n_public:
            raise InvalidInput(f"{len(public)} public signals, the verification key expects "
                               f"{vk.n_public}")
    with input_errors(proof_path):
        proof = proof_from_json(_read_text(proof_path))
    valid = verify(vk, public, proof)
    if as_json:
        print(json.dumps({"valid": valid}))
    elif valid:
        print("OK!")
    if not valid:
        if not as_json:
            print("Invalid proof", file=sys.stderr)
        raise typer.Exit(EXIT_NO)


# ---- zkey


@zkey_export_app.command("verificationkey")
def zkey_export_verificationkey(
    zkey_path: ZkeyArg,
    vk_path: VkArg = Path("verification_key.json"),
) -> None:
    """Write the verification key of a .zkey as snarkjs's verification_key.json."""
    from zkvote.snark.snarkjs_json import verifying_key_to_json
    from zkvote.snark.zkey_file import read_zkey

    with _status.status("reading the proving key…"):
        with input_errors(zkey_path):
            zkey = read_zkey(zkey_path)
    _write_text(vk_path, verifying_key_to_json(zkey.proving_key.vk))


# ---- r1cs


@r1cs_app.command("info")
def r1cs_info(
    r1cs_path: R1csArg,
    as_json: JsonOpt = False,
) -> None:
    """Print what snarkjs's r1cs info prints: curve and the wire, constraint, input, label
    and output counts."""
    from zkvote.snark.r1cs_file import read_r1cs

    with input_errors(r1cs_path):
        r1cs = read_r1cs(r1cs_path)
    info = {
        "curve": "bn-128",
        "wires": r1cs.n_wires,
        "constraints": r1cs.n_constraints,
        "private_inputs": r1cs.n_prv_in,
        "public_inputs": r1cs.n_pub_in,
        "labels": r1cs.n_labels,
        "outputs": r1cs.n_pub_out,
    }
    if as_json:
        print(json.dumps(info, indent=2))
        return
    print(f"Curve: {info['curve']}")
    for key, label in (("wires", "Wires"), ("constraints", "Constraints"),
                       ("private_inputs", "Private Inputs"), ("public_inputs", "Public Inputs"),
                       ("labels", "Labels"), ("outputs", "Outputs")):
        print(f"# of {label}: {info[key]}")


# ---- wtns


@wtns_app.command("check")
def wtns_check(
    r1cs_path: R1csArg,
    wtns_path: WtnsArg,
    as_json: JsonOpt = False,
) -> None:
    """Check that a witness satisfies every constraint: exit 0 if so, 1 naming the first
    failing constraint if not, 2 for malformed files or a witness of the wrong size."""
    from zkvote.snark.r1cs import UnsatisfiedConstraint
    from zkvote.snark.r1cs_file import read_r1cs
    from zkvote.snark.wtns_file import read_wtns

    with input_errors(r1cs_path):
        r1cs = read_r1cs(r1cs_path)
    with input_errors(wtns_path):
        witness = read_wtns(wtns_path)
        if len(witness) != r1cs.n_wires:
            raise InvalidInput(f"{len(witness)} witness values, the circuit has "
                               f"{r1cs.n_wires} wires")
    failed = None
    with _status.status("checking the witness…"):
        try:
            r1cs.check_witness(witness)
        except UnsatisfiedConstraint as exc:
            failed = exc.index
    if as_json:
        print(json.dumps({"ok": failed is None, "failed_constraint": failed}))
    elif failed is None:
        print("WITNESS IS CORRECT")
    if failed is not None:
        if not as_json:
            print(f"WITNESS IS NOT CORRECT: constraint {failed} is not satisfied",
                  file=sys.stderr)
        raise typer.Exit(EXIT_NO)
