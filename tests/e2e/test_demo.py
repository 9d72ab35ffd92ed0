"""``zkvote demo``: the whole election (coordinator subprocess on loopback, trustees' key
generation, ballots over HTTP with a challenge and a re-vote, tally by 2 of 3 trustees)
produces a record that verifies, in the directory and the archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from election_helpers import cache_root
from typer.testing import CliRunner

from zkvote.cli import app
from zkvote.verify import verify_record


def _env() -> dict[str, str]:
    return {"ZKVOTE_CACHE_DIR": str(cache_root()), "COLUMNS": "200"}


@pytest.mark.slow
def test_demo_runs_a_whole_election_whose_record_verifies(tmp_path: Path) -> None:
    out = tmp_path / "zkvote-demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--voters", "4", "--seed",
                                      "5", "--json"], env=_env())
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["verified"] is True
    assert (doc["ballots_cast"], doc["ballots_counted"], doc["challenged"]) == (5, 4, 1)
    assert sum(doc["tally"]) == 4 and len(doc["tally"]) == 3
    assert doc["outcome"]["kind"] == "plurality"
    for record in (out, Path(doc["archive"])):
        report = verify_record(record)
        assert report.ok, report.first_failure
    tally = json.loads((out / "tally.json").read_text())
    assert [int(x) for x in tally["results"]] == doc["tally"]
    assert tally["trustees"] == [1, 2]  # trustee 3 stayed away: 2 of 3 decrypted


def test_demo_refuses_to_overwrite_a_directory_that_is_not_a_record(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("precious")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)], env=_env())
    assert result.exit_code == 2 and "not an earlier demo's record" in result.output
    assert (tmp_path / "keep.txt").read_text() == "precious"
