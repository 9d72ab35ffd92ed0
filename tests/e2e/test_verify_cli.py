"""``zkvote verify`` and ``zkvote election simulate`` end to end (typer's CliRunner).

Exit codes: 0 the record verifies, 1 a check fails, 2 the record (or an argument) is
malformed or missing, with a one-line reason on stderr; ``--json`` prints one document."""

import json
import shutil

import pytest
from election_helpers import SEED, SMALL, base_record, cache_root, keys, write
from typer.testing import CliRunner

from zkvote.cli import app
from zkvote.record_files import rewrite_index


def run(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return write(base_record(), tmp_path_factory.mktemp("cli") / "record")


@pytest.fixture
def tampered(record, tmp_path):
    target = tmp_path / "record"
    shutil.copytree(record, target)
    tally = json.loads((target / "tally.json").read_text())
    tally["results"][0] = str(int(tally["results"][0]) + 1)
    (target / "tally.json").write_text(json.dumps(tally))
    rewrite_index(target)
    return target


def test_verify_prints_every_step_and_exits_0(record):
    result = run("verify", record)
    assert result.exit_code == 0, result.output
    for name in ("ballot proofs", "Lagrange combination", "outcome", "record verified"):
        assert name in result.stdout
    assert "INSECURE" in result.stdout


def test_verify_json_reports_eleven_passing_steps(record):
    result = run("verify", record, "--json", "--workers", 1)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] and report["exit_code"] == 0 and report["version"] == 1
    assert [s["number"] for s in report["steps"]] == list(range(1, 12))
    assert all(s["status"] == "ok" for s in report["steps"])
    assert report["steps"][3]["counts"]["verified"] == 4


def test_verify_exits_1_naming_the_failed_step(tampered):
    result = run("verify", tampered)
    assert result.exit_code == 1
    assert one_line_error(result).startswith("error: step 10 (decoded tally)")
    as_json = run("verify", tampered, "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["first_failed_step"] == 10 and not report["ok"]


def test_verify_exits_2_for_a_missing_or_malformed_record(record, tmp_path):
    missing = run("verify", tmp_path / "no-such-record")
    assert missing.exit_code == 2 and "no such record" in one_line_error(missing)
    broken = tmp_path / "broken"
    shutil.copytree(record, broken)
    (broken / "manifest.json").write_text("{not json")
    rewrite_index(broken)
    result = run("verify", broken, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["malformed"] is True


def test_simulate_writes_a_record_and_archive_that_verify(tmp_path):
    keys(*SMALL)  # the CLI finds the session's cached key for this seed
    out = tmp_path / "election"
    env = {"ZKVOTE_CACHE_DIR": str(cache_root())}
    result = run("election", "simulate", "--preset", "single", "--voters", 3, "--options", 2,
                 "--depth", 2, "--trustees", "2/3", "--seed", SEED, "--absent-trustees", "2",
                 "--out", out, "--json", env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["trustees"] == [1, 3] and summary["challenged"] == 1
    assert summary["board"] == 4 and summary["counted"] == 3
    assert sum(int(x) for x in summary["tally"]) == 3
    assert (out / "index.json").exists() and (tmp_path / "election.tar.gz").exists()
    assert run("verify", out).exit_code == 0
    assert run("verify", tmp_path / "election.tar.gz").exit_code == 0
    again = run("election", "simulate", "--preset", "single", "--voters", 3, "--options", 2,
                "--depth", 2, "--seed", SEED, "--out", out, env=env)
    assert again.exit_code == 2 and "already holds a record" in one_line_error(again)


@pytest.mark.parametrize("args", [
    ["--preset", "plurality"],
    ["--trustees", "4/3"],
    ["--trustees", "two"],
    ["--absent-trustees", "1,2"],
    ["--voters", "9", "--depth", "2"],
])
def test_simulate_rejects_bad_settings_with_exit_2(tmp_path, args):
    base = {"--preset": "single", "--voters": "3", "--options": "2", "--depth": "2",
            "--seed": str(SEED), "--out": str(tmp_path / "out")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [x for pair in base.items() for x in pair]
    result = run("election", "simulate", *flat, env={"ZKVOTE_CACHE_DIR": str(cache_root())})
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out" / "index.json").exists()


def test_verify_with_a_pinned_log_key_exits_0_for_the_right_key_and_1_for_another(record):
    key = json.loads((record / "index.json").read_text())["board_head"]["log_public_key"]
    good = run("verify", record, "--log-key", key, "--workers", 1)
    assert good.exit_code == 0, good.output
    assert "pinned log key" in good.stdout
    other = "11" * 32
    bad = run("verify", record, "--log-key", other, "--workers", 1)
    assert bad.exit_code == 1
    assert one_line_error(bad).startswith("error: step 5 (board head")
    assert f"not the pinned log key {other}" in bad.stderr


def test_verify_with_a_malformed_log_key_exits_2(record):
    result = run("verify", record, "--log-key", "abc")
    assert result.exit_code == 2 and "--log-key" in one_line_error(result)
