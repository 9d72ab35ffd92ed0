"""The operator's command line end to end against a live coordinator (uvicorn on loopback):
a whole election run through ``zkvote operator ...`` (group, poll, open, close, tally, record),
with trustees running their key generation from their own wallets and ``zkvote vote`` /
``zkvote trustee decrypt`` / ``zkvote verify`` as separate parties; plus the error paths."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from client_kit import ballot_keys, cli_env, coordinator, members, voter_home
from nacl.signing import SigningKey
from typer.testing import CliRunner

from zkvote.cli import app
from zkvote.client import CoordinatorClient
from zkvote.client_trustee import TrusteeClient
from zkvote.snark.zkey_file import zkey_to_bytes
from zkvote.wallet import Wallet

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(home: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={**cli_env(home), **(env or {})})


PUBLIC = {("group", "show"), ("poll", "show"), ("tally", "show"), ("record", "download")}


def operator(home: Path, *args: str):
    """``zkvote operator ARGS`` against the test coordinator, with its admin key for the
    commands that sign (the public ones take no --admin-key)."""
    server = coordinator()
    key = server.data_dir / "coordinator" / "admin_ed25519.key"
    signing = [] if tuple(args[:2]) in PUBLIC else ["--admin-key", str(key)]
    return run(home, "operator", *args, "--coordinator", server.url, *signing)


def ok(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def trustee_dkg(home: Path, poll_id: str, errors: list[BaseException]) -> None:
    wallet = Wallet(home)
    try:
        with CoordinatorClient(coordinator().url,
                               signing_key=wallet.load_trustee_key("default")) as client:
            TrusteeClient(client, wallet=wallet, poll_interval=0.05,
                          timeout=120).run_dkg(poll_id)
    except BaseException as exc:  # re-raised by the test
        errors.append(exc)


@pytest.mark.slow
def test_a_whole_election_runs_through_the_operator_cli(tmp_path: Path) -> None:
    url = coordinator().url
    home = tmp_path / "operator"
    group, poll_id = "operator-cli-group", "operator-cli-poll"

    assert ok(operator(home, "group", "create", group, "--json"))["group_id"] == group
    ids = members()
    listed = tmp_path / "members.txt"
    listed.write_text(f"# third member\n{ids[2].commitment}\n")
    added = ok(operator(home, "group", "add", group, str(ids[0].commitment),
                        str(ids[1].commitment), "--file", str(listed), "--json"))
    assert added["indices"] == [0, 1, 2]
    root = ok(operator(home, "group", "publish-root", group, "--json"))
    shown = ok(operator(home, "group", "show", group, "--json"))
    assert shown["size"] == 3 and shown["roots"][-1]["root"] == root["root"]

    trustee_homes = [tmp_path / f"trustee-{i}" for i in (1, 2)]
    trustee_keys = [ok(run(h, "trustee", "keygen", "--json"))["public_key"]
                    for h in trustee_homes]
    zkey = tmp_path / "ballot.zkey"
    zkey.write_bytes(zkey_to_bytes(ballot_keys().zkey))
    created = ok(operator(
        home, "poll", "create", "--id", poll_id, "--group", group, "--title", "Adopt it?",
        "--options", "Yes,No", "--preset", "single", "--trustees", "2/2",
        "--trustee-key", trustee_keys[0], "--trustee-key", trustee_keys[1],
        "--depth", "2", "--policy", "first", "--setup", "insecure-single-party",
        "--zkey", str(zkey), "--json"))
    assert created["poll_id"] == poll_id and created["state"] == "keygen"

    errors: list[BaseException] = []
    threads = [threading.Thread(target=trustee_dkg, args=(h, poll_id, errors), daemon=True)
               for h in trustee_homes]
    for th in threads:
        th.start()
    opened = operator(home, "poll", "open", poll_id, "--interval", "0.05", "--timeout", "120",
                      "--json")
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    assert ok(opened)["state"] == "open"

    # voter 0 finds the key in its cache; voter 1 has none and downloads the operator's upload
    empty_cache = {"ZKVOTE_CACHE_DIR": str(tmp_path / "empty-cache")}
    for member, choice, env in ((0, "Yes", None), (1, "No", empty_cache)):
        voted = run(voter_home(tmp_path, member), "vote", "--coordinator", url, "--poll",
                    poll_id, "--choice", choice, "--yes", "--json", env=env)
        assert ok(voted)["cast"] is not None
    assert list((tmp_path / "empty-cache" / "keys").glob("*.zkey"))  # served by the coordinator

    assert ok(operator(home, "poll", "close", poll_id, "--json"))["state"] == "closed"
    assert ok(operator(home, "tally", "aggregate", poll_id, "--json"))["ballots_counted"] == 2
    for h in trustee_homes:
        ok(run(h, "trustee", "decrypt", "--coordinator", url, "--poll", poll_id, "--json"))
    published = ok(operator(home, "tally", "publish", poll_id, "--wait", "5", "--json"))
    assert published["tally"] == ["1", "1"]
    assert ok(operator(home, "tally", "show", poll_id, "--json"))["tally"] == ["1", "1"]
    for human, expected in ((("tally", "show", poll_id), "not decided (tie)"),
                            (("poll", "show", poll_id), "Adopt it?"),
                            (("group", "show", group), root["root"])):
        result = operator(home, *human)
        assert result.exit_code == 0 and expected in result.output, result.output

    archive = tmp_path / "record.zip"
    ok(operator(home, "record", "download", poll_id, str(archive), "--json"))
    verified = run(home, "verify", str(archive))
    assert verified.exit_code == 0, verified.output


def test_a_wrong_admin_key_is_refused_with_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "admin_ed25519.key"
    bad.write_text(bytes(SigningKey.generate()).hex() + "\n")
    result = run(tmp_path, "operator", "group", "create", "intruders", "--coordinator",
                 coordinator().url, "--admin-key", str(bad))
    assert result.exit_code == 1
    assert "not allowed" in result.output and result.output.count("\n") == 1
    shown = operator(tmp_path, "group", "show", "intruders")
    assert shown.exit_code == 2  # nothing was created


def test_a_missing_admin_key_file_is_malformed_input(tmp_path: Path) -> None:
    result = run(tmp_path, "operator", "poll", "close", "any", "--coordinator",
                 coordinator().url, "--admin-key", str(tmp_path / "none.key"))
    assert result.exit_code == 2 and "no such admin key file" in result.output


def test_an_unknown_poll_exits_2(tmp_path: Path) -> None:
    for command in (("poll", "show", "no-such-poll"), ("poll", "open", "no-such-poll"),
                    ("tally", "aggregate", "no-such-poll")):
        result = operator(tmp_path, *command)
        assert result.exit_code == 2, (command, result.output)
        assert "404" in result.output


def test_poll_create_refuses_a_key_of_another_depth(tmp_path: Path) -> None:
    zkey = tmp_path / "ballot.zkey"
    zkey.write_bytes(zkey_to_bytes(ballot_keys().zkey))  # depth 2
    result = operator(tmp_path, "poll", "create", "--id", "wrong-depth", "--group",
                      "client-test-members", "--title", "?", "--options", "A,B",
                      "--trustee-key", "ab" * 32, "--depth", "3", "--zkey", str(zkey))
    assert result.exit_code == 2 and "depth 3" in result.output
    assert operator(tmp_path, "poll", "show", "wrong-depth").exit_code == 2


def test_group_add_rejects_a_malformed_commitment(tmp_path: Path) -> None:
    result = operator(tmp_path, "group", "add", "client-test-members", "12x")
    assert result.exit_code == 2
    assert CoordinatorClient(coordinator().url).group("client-test-members")["size"] == 4


def test_poll_create_from_a_manifest_file_uploads_the_key_and_starts_keygen(
        tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from zkvote.client_admin import poll_draft

    server = coordinator()
    with server.admin() as admin:
        root = admin.group("client-test-members")["roots"][-1]
    now = datetime.now(UTC).replace(microsecond=0)
    draft = poll_draft(
        poll_id="operator-manifest-poll", question="From a file?", options=["a", "b"],
        preset_name="approval", params={"k": 1}, group_roots=[int(root["root"])],
        electorate=4, zkey=ballot_keys().zkey, max_depth=2, setup="insecure-single-party",
        n_trustees=1, threshold=1, revote="first", outcome={"kind": "plurality"},
        opens_at=now, closes_at=now + timedelta(hours=1))
    (tmp_path / "draft.json").write_text(json.dumps(draft))
    zkey = tmp_path / "ballot.zkey"
    data = zkey_to_bytes(ballot_keys().zkey)
    zkey.write_bytes(data)
    created = ok(operator(tmp_path, "poll", "create", "--manifest", str(tmp_path / "draft.json"),
                          "--trustee-key", "cd" * 32, "--zkey", str(zkey), "--json"))
    assert created["poll_id"] == "operator-manifest-poll" and created["state"] == "keygen"
    with server.public() as public:
        assert public.proving_key("operator-manifest-poll") == data
        assert public.manifest_document("operator-manifest-poll")["manifest"]["rule"][
            "preset"] == "approval"


def test_poll_create_from_a_manifest_file_checks_the_trustee_keys(tmp_path: Path) -> None:
    # the same --trustee-key checks as the options path, before anything is sent
    (tmp_path / "draft.json").write_text(json.dumps({"poll_id": "bad-key-poll",
                                                     "trustees": {"n": 1, "t": 1}}))
    zkey = tmp_path / "ballot.zkey"
    zkey.write_bytes(zkey_to_bytes(ballot_keys().zkey))
    result = operator(tmp_path, "poll", "create", "--manifest", str(tmp_path / "draft.json"),
                      "--trustee-key", "zz" * 32, "--zkey", str(zkey))
    assert result.exit_code == 2 and "64 lowercase hex digits" in result.output
    assert operator(tmp_path, "poll", "show", "bad-key-poll").exit_code == 2
