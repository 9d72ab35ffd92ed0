"""``zkvote ceremony`` end to end (typer's CliRunner): two phase-1 and two phase-2
contributions on a circuit built with zkvote.circuits, export of the .zkey, then
``zkvote groth16 prove`` / ``verify`` with it; and the exit codes (0 ok, 1 does not verify,
2 malformed or an existing OUT) with a one-line reason."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from zkvote.circuits.builder import Circuit

from zkvote.cli import app
from zkvote.snark.r1cs_file import write_r1cs
from zkvote.snark.wtns_file import write_wtns

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"


def run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def ok(*args) -> object:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def assert_exit(result, code: int, fragment: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0], lines[0]


def _circuit(folder: Path) -> tuple[Path, Path]:
    """out = x^3 + k (k public, x private): 3 constraints, domain 2^3."""
    c = Circuit("cube")
    x = c.private_input("x")
    k = c.public_input("k")
    c.output("out", c.mul(c.mul(x, x), x) + k)
    r1cs, generator = c.compile()
    write_r1cs(r1cs, folder / "cube.r1cs")
    write_wtns(generator.generate({"x": 3, "k": 5}), folder / "cube.wtns")
    return folder / "cube.r1cs", folder / "cube.wtns"


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ceremony")
    r1cs, _ = _circuit(d)
    ok("ceremony", "phase1", "new", 3, d / "p0.zkc1")
    ok("ceremony", "phase1", "contribute", d / "p0.zkc1", d / "p1.zkc1", "--name", "alice")
    ok("ceremony", "phase1", "contribute", d / "p1.zkc1", d / "p2.zkc1", "--name", "bob",
       "--entropy", "typed at random")
    ok("ceremony", "phase2", "new", r1cs, d / "p2.zkc1", d / "q0.zkc2")
    ok("ceremony", "phase2", "contribute", d / "q0.zkc2", d / "q1.zkc2", "--name", "carol")
    ok("ceremony", "phase2", "contribute", d / "q1.zkc2", d / "q2.zkc2", "--name", "dave")
    return d


def test_full_ceremony_key_proves_and_verifies_with_the_groth16_commands(ceremony, tmp_path):
    d = ceremony
    ok("ceremony", "phase2", "export-zkey", d / "q2.zkc2", d / "cube.r1cs", tmp_path / "k.zkey")
    ok("zkey", "export", "verificationkey", tmp_path / "k.zkey", tmp_path / "vk.json")
    ok("groth16", "prove", tmp_path / "k.zkey", d / "cube.wtns", tmp_path / "proof.json",
       tmp_path / "public.json")
    assert json.loads((tmp_path / "public.json").read_text()) == ["32", "5"]
    result = ok("groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json",
                tmp_path / "proof.json")
    assert result.stdout == "OK!\n"
    (tmp_path / "public.json").write_text('["33", "5"]')
    assert run("groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json",
               tmp_path / "proof.json").exit_code == 1


def test_verify_lists_the_contributions_as_json(ceremony):
    d = ceremony
    doc = json.loads(ok("ceremony", "phase1", "verify", d / "p2.zkc1", "--json").stdout)
    assert (doc["version"], doc["valid"], doc["power"]) == (1, True, 3)
    assert [c["name"] for c in doc["contributions"]] == ["alice", "bob"]
    doc = json.loads(ok("ceremony", "phase2", "verify", d / "q2.zkc2", d / "cube.r1cs",
                        "--phase1", d / "p2.zkc1", "--json").stdout)
    assert (doc["valid"], doc["phase1_checked"]) == (True, True)
    assert [c["name"] for c in doc["contributions"]] == ["carol", "dave"]


def test_contribute_json_reports_the_contribution_hash_that_verify_lists(ceremony, tmp_path):
    d = ceremony
    doc = json.loads(ok("ceremony", "phase2", "contribute", d / "q2.zkc2", tmp_path / "q3.zkc2",
                        "--name", "erin", "--json").stdout)
    listed = json.loads(ok("ceremony", "phase2", "verify", tmp_path / "q3.zkc2",
                           d / "cube.r1cs", "--json").stdout)["contributions"]
    assert listed[-1] == {"index": 2, "name": "erin", "hash": doc["contribution_hash"]}


def test_existing_out_is_refused_and_left_alone(ceremony):
    d = ceremony
    before = (d / "p1.zkc1").read_bytes()
    assert_exit(run("ceremony", "phase1", "contribute", d / "p0.zkc1", d / "p1.zkc1"), 2,
                "already exists")
    assert (d / "p1.zkc1").read_bytes() == before
    assert_exit(run("ceremony", "phase2", "export-zkey", d / "q2.zkc2", d / "cube.r1cs",
                    d / "p1.zkc1"), 2, "already exists")


def test_tampered_transcript_does_not_verify(ceremony, tmp_path):
    data = bytearray((ceremony / "p2.zkc1").read_bytes())
    data[-1] ^= 1  # the last proof response: still a valid encoding
    (tmp_path / "bad.zkc1").write_bytes(bytes(data))
    assert_exit(run("ceremony", "phase1", "verify", tmp_path / "bad.zkc1"), 1,
                "contribution 1")
    result = run("ceremony", "phase1", "verify", tmp_path / "bad.zkc1", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["version"], doc["valid"], doc["phase"], doc["contribution"]) == (1, False, 1, 1)
    assert_exit(run("ceremony", "phase1", "contribute", tmp_path / "bad.zkc1",
                    tmp_path / "next.zkc1"), 1, "contribution 1")
    assert not (tmp_path / "next.zkc1").exists()


def test_malformed_or_missing_files_exit_2(ceremony, tmp_path):
    (tmp_path / "junk.zkc1").write_bytes(b"zkc1junk")
    assert_exit(run("ceremony", "phase1", "verify", tmp_path / "junk.zkc1"), 2, "junk.zkc1")
    assert_exit(run("ceremony", "phase2", "verify", tmp_path / "none.zkc2",
                    ceremony / "cube.r1cs"), 2, "none.zkc2")
    assert_exit(run("ceremony", "phase1", "new", 0, tmp_path / "x.zkc1"), 2, "power")
    for phase, src, out in (("phase1", "p2.zkc1", "y.zkc1"), ("phase2", "q2.zkc2", "y.zkc2")):
        assert_exit(run("ceremony", phase, "contribute", ceremony / src, tmp_path / out,
                        "--name", "bad\x07name"), 2, "control")


def test_phase2_with_another_circuit_exits_1(ceremony):
    other = FIXTURES / "multiplier" / "circuit.r1cs"
    assert_exit(run("ceremony", "phase2", "verify", ceremony / "q2.zkc2", other), 1,
                "another circuit")


def test_export_without_a_phase2_contribution_is_refused(ceremony, tmp_path):
    assert_exit(run("ceremony", "phase2", "export-zkey", ceremony / "q0.zkc2",
                    ceremony / "cube.r1cs", tmp_path / "k.zkey"), 1, "no phase-2 contribution")
    assert not (tmp_path / "k.zkey").exists()


def test_export_without_a_contribution_is_refused_before_the_verify(ceremony, tmp_path,
                                                                    monkeypatch):
    from zkvote.snark import ceremony_file

    def verify(*args, **kwargs):
        raise AssertionError("phase2_file_verify ran on a transcript with no contribution")

    monkeypatch.setattr(ceremony_file, "phase2_file_verify", verify)
    assert_exit(run("ceremony", "phase2", "export-zkey", ceremony / "q0.zkc2",
                    ceremony / "cube.r1cs", tmp_path / "k.zkey"), 1, "no phase-2 contribution")


def test_phase2_can_start_from_a_snarkjs_ptau(ceremony, tmp_path):
    ptau = FIXTURES / "ptau" / "pot4_final.ptau"
    doc = json.loads(ok("ceremony", "phase2", "new", ceremony / "cube.r1cs", ptau,
                        tmp_path / "q0.zkc2", "--json").stdout)
    assert (doc["phase1_format"], doc["domain_size"]) == ("ptau", 8)
    ok("ceremony", "phase2", "contribute", tmp_path / "q0.zkc2", tmp_path / "q1.zkc2")
    ok("ceremony", "phase2", "verify", tmp_path / "q1.zkc2", ceremony / "cube.r1cs",
       "--phase1", ptau)
    assert_exit(run("ceremony", "phase2", "verify", tmp_path / "q1.zkc2",
                    ceremony / "cube.r1cs", "--phase1", ceremony / "p2.zkc1"), 1,
                "phase-1 file")


def test_oversized_entropy_exits_2_before_any_work(ceremony, tmp_path):
    big = "x" * 70_000
    for phase, src, out in (("phase1", "p2.zkc1", "e.zkc1"), ("phase2", "q2.zkc2", "e.zkc2")):
        assert_exit(run("ceremony", phase, "contribute", ceremony / src, tmp_path / out,
                        "--entropy", big), 2, "--entropy takes at most 65536 bytes")
        assert not (tmp_path / out).exists()


def test_phase2_new_decodes_the_circuit_once(ceremony, tmp_path, monkeypatch):
    from zkvote.snark import ceremony_file, r1cs_file

    calls = []
    decode = r1cs_file.r1cs_from_bytes

    def counted(data):
        calls.append(len(data))
        return decode(data)

    monkeypatch.setattr(r1cs_file, "r1cs_from_bytes", counted)
    monkeypatch.setattr(ceremony_file, "r1cs_from_bytes", counted)
    ok("ceremony", "phase2", "new", ceremony / "cube.r1cs", ceremony / "p2.zkc1",
       tmp_path / "q.zkc2")
    assert len(calls) == 1
