"""The snarkjs-style commands end to end (typer's CliRunner) on the snarkjs fixtures:
``groth16 prove/verify``, ``zkey export verificationkey``, ``r1cs info``, ``wtns check``.
Exit codes: 0 ok, 1 a verification or check says no, 2 malformed or missing input (with a
one-line reason on stderr)."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zkvote.cli import app
from zkvote.field import FR_MODULUS as R
from zkvote.snark.snarkjs_json import proof_from_json, public_from_json, verifying_key_from_json
from zkvote.snark.verifier import verify
from zkvote.snark.wtns_file import read_wtns, write_wtns

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
CIRCUITS = sorted(p.name for p in FIXTURES.iterdir() if (p / "circuit_final.zkey").exists())
SNARKJS_PREFIX = "[INFO]  snarkJS: "


def run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_malformed(result) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert result.stdout == ""


@pytest.fixture(params=CIRCUITS)
def folder(request) -> Path:
    return FIXTURES / request.param


# ---- groth16 prove / verify


def test_prove_writes_a_proof_that_verifies_and_snarkjs_public_json(folder, tmp_path):
    result = run("groth16", "prove", folder / "circuit_final.zkey", folder / "witness.wtns",
                 tmp_path / "proof.json", tmp_path / "public.json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public.json").read_text() == (folder / "public.json").read_text()
    vk = verifying_key_from_json((folder / "verification_key.json").read_text())
    proof = proof_from_json((tmp_path / "proof.json").read_text())
    assert verify(vk, public_from_json((tmp_path / "public.json").read_text()), proof)
    result = run("groth16", "verify", folder / "verification_key.json",
                 tmp_path / "public.json", tmp_path / "proof.json")
    assert (result.exit_code, result.stdout) == (0, "OK!\n")


def test_prove_and_verify_default_to_snarkjs_file_names(tmp_path, monkeypatch):
    folder = FIXTURES / "multiplier"
    for name in ("circuit_final.zkey", "witness.wtns", "verification_key.json"):
        shutil.copy(folder / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    assert run("groth16", "prove", "circuit_final.zkey", "witness.wtns").exit_code == 0
    assert (tmp_path / "proof.json").exists() and (tmp_path / "public.json").exists()
    assert run("groth16", "verify").exit_code == 0


@pytest.mark.parametrize("public, proof, recorded", [
    ("public.json", "proof.json", "verify.txt"),
    ("public_tampered.json", "proof.json", "verify_public_tampered.txt"),
    ("public.json", "proof_tampered.json", "verify_proof_tampered.txt"),
])
def test_verify_agrees_with_snarkjs_recorded_verdicts(folder, public, proof, recorded):
    snarkjs_ok = "OK!" in (folder / recorded).read_text()
    result = run("groth16", "verify", folder / "verification_key.json", folder / public,
                 folder / proof)
    assert result.exit_code == (0 if snarkjs_ok else 1), result.output
    if snarkjs_ok:
        assert result.stdout == "OK!\n"
    else:
        assert result.stderr == "Invalid proof\n" and result.stdout == ""


def test_verify_json_output(folder):
    ok = run("groth16", "verify", "--json", folder / "verification_key.json",
             folder / "public.json", folder / "proof.json")
    bad = run("groth16", "verify", "--json", folder / "verification_key.json",
              folder / "public_tampered.json", folder / "proof.json")
    assert (ok.exit_code, json.loads(ok.stdout)) == (0, {"valid": True})
    assert (bad.exit_code, json.loads(bad.stdout)) == (1, {"valid": False})


def _verify_with(tmp_path, name, content):
    folder = FIXTURES / "poseidon2"
    paths = {n: folder / n for n in ("verification_key.json", "public.json", "proof.json")}
    paths[name] = tmp_path / name
    paths[name].write_text(content) if isinstance(content, str) else \
        paths[name].write_bytes(content)
    return run("groth16", "verify", paths["verification_key.json"], paths["public.json"],
               paths["proof.json"])


def _edited(name, edit):
    doc = json.loads((FIXTURES / "poseidon2" / name).read_text())
    edit(doc)
    return json.dumps(doc)


@pytest.mark.parametrize("name, content", [
    ("proof.json", "{not json"),
    ("proof.json", b"\xff\xfe"),
    ("proof.json", "[" * 10_000),
    ("verification_key.json", '{"protocol": "plonk"}'),
    ("public.json", '["1"]'),                                      # too few signals
    ("public.json", _edited("public.json", lambda d: d.append("0"))),  # too many
    ("public.json", _edited("public.json", lambda d: d.__setitem__(0, str(R)))),
    ("public.json", _edited("public.json", lambda d: d.__setitem__(0, "07"))),
    ("proof.json", _edited("proof.json", lambda d: d["pi_a"].__setitem__(0, "5"))),
    ("proof.json", _edited("proof.json", lambda d: d.__setitem__("pi_b", [
        ["5", "1"],
        ["1408319067812452414633879940013592055621582375252427422757364816067320890688",
         "16043447076329872375887584556683436513165016484529127304231559706947902103147"],
        ["1", "0"]]))),
    ("verification_key.json", _edited("verification_key.json",
                                      lambda d: d.__setitem__("nPublic", 5))),
])
def test_verify_malformed_input_exits_2_with_one_line(tmp_path, name, content):
    assert_malformed(_verify_with(tmp_path, name, content))


def test_verify_missing_file_exits_2(tmp_path):
    folder = FIXTURES / "multiplier"
    result = run("groth16", "verify", folder / "verification_key.json", tmp_path / "nope.json",
                 folder / "proof.json")
    assert_malformed(result)
    assert "nope.json" in result.stderr


def test_prove_refuses_a_witness_that_does_not_satisfy_the_circuit(tmp_path):
    folder = FIXTURES / "poseidon2"
    witness = read_wtns(folder / "witness.wtns")
    witness[-1] = (witness[-1] + 1) % R
    write_wtns(witness, tmp_path / "bad.wtns")
    result = run("groth16", "prove", folder / "circuit_final.zkey", tmp_path / "bad.wtns",
                 tmp_path / "proof.json", tmp_path / "public.json")
    assert result.exit_code == 1, result.output
    assert "does not satisfy" in result.stderr
    assert not (tmp_path / "proof.json").exists()


def test_prove_malformed_or_missing_input_exits_2(tmp_path):
    folder = FIXTURES / "poseidon2"
    out = (tmp_path / "proof.json", tmp_path / "public.json")
    # A witness of another circuit (wrong size), a truncated zkey, missing files.
    assert_malformed(run("groth16", "prove", folder / "circuit_final.zkey",
                         FIXTURES / "multiplier" / "witness.wtns", *out))
    (tmp_path / "cut.zkey").write_bytes((folder / "circuit_final.zkey").read_bytes()[:-10])
    assert_malformed(run("groth16", "prove", tmp_path / "cut.zkey", folder / "witness.wtns",
                         *out))
    assert_malformed(run("groth16", "prove", tmp_path / "none.zkey", folder / "witness.wtns",
                         *out))
    assert_malformed(run("groth16", "prove", folder / "circuit_final.zkey",
                         tmp_path / "none.wtns", *out))
    assert not out[0].exists()


def test_missing_arguments_are_a_usage_error():
    assert run("groth16", "prove", "only.zkey").exit_code == 2
    assert run("wtns", "check", "only.r1cs").exit_code == 2


# ---- zkey export verificationkey


def test_zkey_export_verificationkey_writes_snarkjs_file(folder, tmp_path):
    result = run("zkey", "export", "verificationkey", folder / "circuit_final.zkey",
                 tmp_path / "vk.json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vk.json").read_bytes() == (folder / "verification_key.json").read_bytes()


def test_zkey_export_of_a_non_zkey_exits_2(tmp_path):
    assert_malformed(run("zkey", "export", "verificationkey",
                         FIXTURES / "multiplier" / "circuit.r1cs", tmp_path / "vk.json"))
    assert not (tmp_path / "vk.json").exists()


# ---- r1cs info


def test_r1cs_info_prints_what_snarkjs_prints(folder):
    result = run("r1cs", "info", folder / "circuit.r1cs")
    assert result.exit_code == 0, result.output
    recorded = (folder / "r1cs_info.txt").read_text().splitlines()
    assert result.stdout.splitlines() == [line.removeprefix(SNARKJS_PREFIX) for line in recorded]


def test_r1cs_info_json(folder):
    result = run("r1cs", "info", "--json", folder / "circuit.r1cs")
    info = json.loads(result.stdout)
    doc = json.loads((folder / "circuit.json").read_text())
    assert info == {"curve": "bn-128", "wires": doc["nVars"], "constraints": doc["nConstraints"],
                    "private_inputs": doc["nPrvInputs"], "public_inputs": doc["nPubInputs"],
                    "labels": doc["nLabels"], "outputs": doc["nOutputs"]}


def test_r1cs_info_on_malformed_or_missing_file_exits_2(tmp_path):
    assert_malformed(run("r1cs", "info", FIXTURES / "multiplier" / "witness.wtns"))
    assert_malformed(run("r1cs", "info", tmp_path / "none.r1cs"))


# ---- wtns check


def test_wtns_check_accepts_the_fixture_witness(folder):
    result = run("wtns", "check", folder / "circuit.r1cs", folder / "witness.wtns")
    assert (result.exit_code, result.stdout) == (0, "WITNESS IS CORRECT\n")
    assert "WITNESS IS CORRECT" in (folder / "wtns_check.txt").read_text()


def test_wtns_check_names_the_failing_constraint(tmp_path):
    folder = FIXTURES / "cube"
    witness = read_wtns(folder / "witness.wtns")
    witness[-1] = (witness[-1] + 1) % R
    write_wtns(witness, tmp_path / "bad.wtns")
    result = run("wtns", "check", folder / "circuit.r1cs", tmp_path / "bad.wtns")
    assert result.exit_code == 1
    assert result.stderr.startswith("WITNESS IS NOT CORRECT: constraint ")
    as_json = run("wtns", "check", "--json", folder / "circuit.r1cs", tmp_path / "bad.wtns")
    doc = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and doc["ok"] is False
    assert str(doc["failed_constraint"]) in result.stderr


def test_wtns_check_wrong_size_or_malformed_exits_2(tmp_path):
    r1cs = FIXTURES / "poseidon2" / "circuit.r1cs"
    assert_malformed(run("wtns", "check", r1cs, FIXTURES / "multiplier" / "witness.wtns"))
    (tmp_path / "junk.wtns").write_bytes(b"wtns\x02\0\0\0")
    assert_malformed(run("wtns", "check", r1cs, tmp_path / "junk.wtns"))
    assert_malformed(run("wtns", "check", tmp_path / "none.r1cs",
                         FIXTURES / "poseidon2" / "witness.wtns"))


def test_no_command_prints_witness_values(tmp_path):
    folder = FIXTURES / "poseidon2"
    secrets = [str(v) for v in read_wtns(folder / "witness.wtns")[3:] if v > 10**6]
    outputs = [
        run("groth16", "prove", folder / "circuit_final.zkey", folder / "witness.wtns",
            tmp_path / "p.json", tmp_path / "q.json"),
        run("wtns", "check", folder / "circuit.r1cs", folder / "witness.wtns"),
        run("wtns", "check", "--json", folder / "circuit.r1cs", folder / "witness.wtns"),
    ]
    for result in outputs:
        assert not any(s in result.output for s in secrets)
