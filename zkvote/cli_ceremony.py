"""``zkvote ceremony``: a multi-party trusted setup from files, with snarkjs-like verbs.

- ``ceremony phase1 new POWER OUT`` / ``phase1 contribute IN OUT`` / ``phase1 verify IN``
- ``ceremony phase2 new CIRCUIT.r1cs PHASE1 OUT`` (PHASE1 a ``.zkc1`` or a snarkjs ``.ptau``)
  / ``phase2 contribute IN OUT`` / ``phase2 verify IN CIRCUIT.r1cs`` /
  ``phase2 export-zkey IN CIRCUIT.r1cs OUT.zkey``

Every command that writes refuses an existing OUT (a contribution appends to the record, it
never replaces it). Exit codes: 0 success, 1 a transcript does not verify (or is for another
circuit), 2 malformed or missing input or an existing OUT. Failures print one line on
stderr; ``--json`` prints one JSON document (with ``"version": 1``) on stdout. No command
writes or prints a contribution's secrets or the entropy typed in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zkvote.cli_common import EXIT_MALFORMED, EXIT_NO, fail, input_errors
from zkvote.errors import InvalidEncoding

ceremony_app = typer.Typer(no_args_is_help=True,
                           help="Multi-party trusted setup (powers of tau, then per circuit).")
phase1_app = typer.Typer(no_args_is_help=True, help="Phase 1: powers of tau for any circuit.")
phase2_app = typer.Typer(no_args_is_help=True, help="Phase 2: the proving key of one circuit.")
ceremony_app.add_typer(phase1_app, name="phase1")
ceremony_app.add_typer(phase2_app, name="phase2")

InArg = Annotated[Path, typer.Argument(metavar="IN", help="transcript to read")]
OutArg = Annotated[Path, typer.Argument(metavar="OUT", help="new file (must not exist)")]
R1csArg = Annotated[Path, typer.Argument(metavar="CIRCUIT.r1cs", help="iden3 constraint system")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]
NameOpt = Annotated[str, typer.Option("--name", help="your name in the transcript (public)")]
EntropyOpt = Annotated[str | None, typer.Option(
    "--entropy", help="extra text hashed into your secrets (the OS CSPRNG is always used)")]

# Progress goes to stderr so that stdout carries only results (--json stays parseable).
_status = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the ``ceremony`` command group to ``app``."""
    app.add_typer(ceremony_app, name="ceremony")


@contextmanager
def _input(path: Path, as_json: bool = False) -> Iterator[None]:
    """Failed verifications (CeremonyError) exit 1, printing ``{"valid": false, ...}`` on
    stdout first if ``as_json``; other malformed input exits 2 (:func:`input_errors`); both
    name ``path`` on stderr."""
    from zkvote.snark.ceremony import CeremonyError

    with input_errors(path):
        try:
            yield
        except CeremonyError as exc:  # an InvalidInput, so caught before input_errors sees it
            if as_json:
                print(json.dumps({"version": 1, "valid": False, "phase": exc.phase,
                                  "contribution": exc.contribution, "error": str(exc)},
                                 indent=2))
            fail(EXIT_NO, f"{path}: {exc}")


def _read(path: Path) -> bytes:
    with _input(path):
        return path.read_bytes()


def _check_new(path: Path) -> None:
    # Checked before the (possibly long) computation, and again by the exclusive create.
    if path.exists():
        fail(EXIT_MALFORMED, f"{path}: already exists (a ceremony never overwrites a file)")


def _write(path: Path, data: bytes) -> None:
    from zkvote.snark.ceremony_file import write_new_file

    try:
        write_new_file(data, path)
    except FileExistsError:
        fail(EXIT_MALFORMED, f"{path}: already exists (a ceremony never overwrites a file)")
    except OSError as exc:
        fail(EXIT_MALFORMED, f"{path}: {exc.strerror or exc}")


def _contribution_options(out_path: Path, name: str, entropy: str | None) -> bytes:
    """The checks a contribution makes before any work (exit 2): OUT is new, ``--name`` is
    valid, ``--entropy`` fits; returns the entropy's bytes."""
    from zkvote.snark.ceremony import MAX_ENTROPY_BYTES, check_name

    _check_new(out_path)
    with _input(Path("--name/--entropy")):
        check_name(name)
        data = entropy.encode("utf-8", "surrogatepass") if entropy else b""
        if len(data) > MAX_ENTROPY_BYTES:
            raise InvalidEncoding(f"--entropy takes at most {MAX_ENTROPY_BYTES} bytes")
    return data


def _report(as_json: bool, doc: dict, lines: list[str]) -> None:
    if as_json:
        print(json.dumps({"version": 1, **doc}, indent=2))
    else:
        for line in lines:
            print(line)


def _contributions(contributions: tuple) -> list[dict]:
    from zkvote.snark.ceremony_file import contribution_hash

    return [{"index": i, "name": c.name, "hash": contribution_hash(c)}
            for i, c in enumerate(contributions)]


def _contribution_lines(listed: list[dict]) -> list[str]:
    return [f"  #{c['index']} {c['name'] or '(no name)'}  {c['hash']}" for c in listed]


# ---- phase 1


@phase1_app.command("new")
def phase1_new(
    power: Annotated[int, typer.Argument(
        metavar="POWER", help="serves circuits with constraints + public wires < 2^POWER")],
    out_path: OutArg,
    as_json: JsonOpt = False,
) -> None:
    """Start a phase-1 ceremony (no contribution yet: everyone's secrets are 1)."""
    from zkvote.snark import ceremony
    from zkvote.snark.ceremony_file import phase1_to_bytes

    _check_new(out_path)
    with _input(Path(f"POWER={power}")):
        transcript = ceremony.phase1_new(power)
    with _status.status(f"writing a phase-1 transcript of power {power}…"):
        data = phase1_to_bytes(transcript)
    _write(out_path, data)
    _report(as_json, {"phase": 1, "power": power, "contributions": 0, "file": str(out_path),
                      "sha256": hashlib.sha256(data).hexdigest()},
            [f"phase 1 started at power {power}: {out_path}"])


@phase1_app.command("contribute")
def phase1_contribute(
    in_path: InArg,
    out_path: OutArg,
    name: NameOpt = "",
    entropy: EntropyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify IN, add your contribution and write OUT. Your secrets are drawn, used and
    forgotten in this process; only their public traces and proofs are written."""
    from zkvote.snark import ceremony
    from zkvote.snark.ceremony_file import contribution_hash, phase1_from_bytes, phase1_to_bytes

    source = _contribution_options(out_path, name, entropy)
    data = _read(in_path)
    with _input(in_path):
        with _status.status("reading and verifying the phase-1 transcript…"):
            transcript = phase1_from_bytes(data)
            ceremony.phase1_verify(transcript)
    with _status.status(f"contributing (power {transcript.powers.power})…"):
        new = ceremony.phase1_contribute(transcript, name=name, entropy=source)
        del source
        out = phase1_to_bytes(new)
    _write(out_path, out)
    mine = contribution_hash(new.contributions[-1])
    _report(as_json, {"phase": 1, "power": new.powers.power,
                      "contributions": len(new.contributions), "contribution_hash": mine,
                      "file": str(out_path), "sha256": hashlib.sha256(out).hexdigest()},
            [f"contribution #{len(new.contributions) - 1} written to {out_path}",
             f"your contribution hash (publish it): {mine}"])


@phase1_app.command("verify")
def phase1_verify(
    in_path: InArg,
    as_json: JsonOpt = False,
) -> None:
    """Check a whole phase-1 transcript: exit 0 if sound, 1 naming the failing contribution
    (or the final powers), 2 if the file is malformed."""
    from zkvote.snark import ceremony
    from zkvote.snark.ceremony_file import phase1_from_bytes

    data = _read(in_path)
    with _input(in_path, as_json):
        with _status.status("reading the phase-1 transcript…"):
            transcript = phase1_from_bytes(data)
        with _status.status("verifying the phase-1 transcript…"):
            ceremony.phase1_verify(transcript)
    listed = _contributions(transcript.contributions)
    _report(as_json, {"phase": 1, "valid": True, "power": transcript.powers.power,
                      "contributions": listed, "sha256": hashlib.sha256(data).hexdigest()},
            [f"phase 1 OK: power {transcript.powers.power}, {len(listed)} contribution(s)",
             *_contribution_lines(listed)])


# ---- phase 2


@phase2_app.command("new")
def phase2_new(
    r1cs_path: R1csArg,
    phase1_path: Annotated[Path, typer.Argument(
        metavar="PHASE1", help="phase-1 result: a zkvote .zkc1 transcript or a snarkjs .ptau")],
    out_path: OutArg,
    as_json: JsonOpt = False,
) -> None:
    """Start the phase-2 ceremony of a circuit from a phase-1 result (a .zkc1 transcript is
    verified first; a .ptau is taken as is: check it with snarkjs powersoftau verify)."""
    from zkvote.snark.ceremony_file import PHASE1_ZKVOTE, phase2_file_new, phase2_to_bytes
    from zkvote.snark.r1cs_file import r1cs_from_bytes

    _check_new(out_path)
    r1cs_data = _read(r1cs_path)
    with _input(r1cs_path):
        r1cs = r1cs_from_bytes(r1cs_data)  # decoded here so that errors below are PHASE1's
    with _input(phase1_path):
        with _status.status("verifying the phase-1 result, computing the initial key…"):
            # By path: of a public .ptau (up to GBs) only the circuit's part is read.
            f = phase2_file_new(r1cs_data, phase1_path, circuit=r1cs)
            out = phase2_to_bytes(f)
    _write(out_path, out)
    pk = f.transcript.proving_key
    _report(as_json, {"phase": 2, "contributions": 0,
                      "circuit_sha256": f.r1cs_sha256.hex(),
                      "phase1_sha256": f.phase1_sha256.hex(),
                      "phase1_format": "zkc1" if f.phase1_format == PHASE1_ZKVOTE else "ptau",
                      "domain_size": pk.domain_size, "wires": pk.n_wires,
                      "public": pk.vk.n_public, "file": str(out_path),
                      "sha256": hashlib.sha256(out).hexdigest()},
            [f"phase 2 started for {r1cs_path} (domain 2^{f.powers.log_n}): {out_path}"])


@phase2_app.command("contribute")
def phase2_contribute(
    in_path: InArg,
    out_path: OutArg,
    name: NameOpt = "",
    entropy: EntropyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add your contribution to a phase-2 transcript and write OUT (check the transcript
    with phase2 verify, which needs the circuit, before or after)."""
    from zkvote.snark import ceremony
    from zkvote.snark.ceremony_file import contribution_hash, phase2_from_bytes
    from zkvote.snark.ceremony_file import phase2_to_bytes as encode

    source = _contribution_options(out_path, name, entropy)
    data = _read(in_path)
    with _input(in_path):
        with _status.status("reading the phase-2 transcript…"):
            f = phase2_from_bytes(data)
    with _status.status("contributing…"):
        transcript = ceremony.phase2_contribute(f.transcript, name=name, entropy=source)
        del source
        new = dataclasses.replace(f, transcript=transcript)
        out = encode(new)
    _write(out_path, out)
    mine = contribution_hash(transcript.contributions[-1])
    _report(as_json, {"phase": 2, "contributions": len(transcript.contributions),
                      "contribution_hash": mine, "file": str(out_path),
                      "sha256": hashlib.sha256(out).hexdigest()},
            [f"contribution #{len(transcript.contributions) - 1} written to {out_path}",
             f"your contribution hash (publish it): {mine}"])


def _verified_phase2(in_path: Path, r1cs_path: Path, phase1_path: Path | None,
                     as_json: bool, *, need_contribution: bool = False) -> tuple:
    # The circuit's and phase-1 file's sha256 are checked before they are decoded, so a
    # decoding error below can only come from IN (the others decoded when phase 2 began).
    from zkvote.snark.ceremony_file import phase2_file_verify, phase2_from_bytes

    data, r1cs_data = _read(in_path), _read(r1cs_path)
    if phase1_path is not None:
        with _input(phase1_path, as_json):
            phase1_path.open("rb").close()  # read by path below (a .ptau may be GBs)
    with _input(in_path, as_json):
        with _status.status("reading the phase-2 transcript…"):
            f = phase2_from_bytes(data)
    # Refused before the verify, which takes minutes for a large circuit.
    if need_contribution and not f.transcript.contributions:
        fail(EXIT_NO, f"{in_path}: no phase-2 contribution yet: anyone could forge proofs "
                      "with this key")
    with _input(in_path, as_json):
        with _status.status("verifying the phase-2 transcript…"):
            r1cs = phase2_file_verify(f, r1cs_data, phase1_path)
    return f, r1cs, data


Phase1Opt = Annotated[Path | None, typer.Option(
    "--phase1", help="also check the transcript starts from this phase-1 file (.zkc1/.ptau)")]


@phase2_app.command("verify")
def phase2_verify(
    in_path: InArg,
    r1cs_path: R1csArg,
    phase1_path: Phase1Opt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a phase-2 transcript for a circuit: exit 0 if sound, 1 if it is for another
    circuit or a check fails (naming the contribution), 2 if a file is malformed."""
    f, _, data = _verified_phase2(in_path, r1cs_path, phase1_path, as_json)
    listed = _contributions(f.transcript.contributions)
    _report(as_json, {"phase": 2, "valid": True, "circuit_sha256": f.r1cs_sha256.hex(),
                      "phase1_sha256": f.phase1_sha256.hex(),
                      "phase1_checked": phase1_path is not None, "contributions": listed,
                      "sha256": hashlib.sha256(data).hexdigest()},
            [f"phase 2 OK: {len(listed)} contribution(s), circuit sha256 "
             f"{f.r1cs_sha256.hex()}, phase 1 sha256 {f.phase1_sha256.hex()}"
             + ("" if phase1_path is not None else " (not checked: pass --phase1)"),
             *_contribution_lines(listed)])


@phase2_app.command("export-zkey")
def phase2_export_zkey(
    in_path: InArg,
    r1cs_path: R1csArg,
    zkey_path: Annotated[Path, typer.Argument(metavar="OUT.zkey", help="new snarkjs .zkey")],
    phase1_path: Phase1Opt = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify a phase-2 transcript and write its final key as a snarkjs .zkey (for
    zkvote/snarkjs groth16 prove and zkey export verificationkey)."""
    from zkvote.snark.zkey_file import zkey_from_proving_key, zkey_to_bytes

    _check_new(zkey_path)
    f, r1cs, _ = _verified_phase2(in_path, r1cs_path, phase1_path, as_json,
                                  need_contribution=True)
    with _status.status("writing the .zkey…"):
        data = zkey_to_bytes(zkey_from_proving_key(f.transcript.proving_key, r1cs))
    _write(zkey_path, data)
    _report(as_json, {"phase": 2, "contributions": len(f.transcript.contributions),
                      "zkey": str(zkey_path), "sha256": hashlib.sha256(data).hexdigest()},
            [f"proving key written to {zkey_path}"])
