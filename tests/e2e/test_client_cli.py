"""The client CLI end to end against a live coordinator (uvicorn on loopback): identities,
voting with cast and challenge, receipts, re-votes, the board monitor, and a trustee taking
part through ``zkvote trustee keygen|dkg|decrypt`` up to a record that ``zkvote verify``
accepts."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from client_kit import (
    cli_env,
    coordinator,
    create_poll,
    members,
    open_poll,
    trustees_in_background,
    voter_home,
)
from nacl.signing import SigningKey
from typer.testing import CliRunner

from zkvote.ballot import ChallengedBallot, verify_challenge
from zkvote.cli import app
from zkvote.client_receipts import StoredReceipt
from zkvote.client_trustee import TrusteeClient
from zkvote.wallet import Wallet

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(home: Path, *args: str, input: str | None = None):
    result = CliRunner().invoke(app, list(args), env=cli_env(home), input=input)
    return result


@pytest.fixture(scope="module")
def poll(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("cli-poll")
    open_poll(coordinator(), "cli-poll", root, revote="last")
    return "cli-poll"


def test_identity_new_show_export_import_round_trip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = run(home, "identity", "new", "--json")
    assert made.exit_code == 0, made.output
    commitment = json.loads(made.stdout)["commitment"]
    wallet_file = Wallet(home).identity_path()
    assert stat.S_IMODE(wallet_file.stat().st_mode) == 0o600
    secret = wallet_file.read_text().strip()

    shown = run(home, "identity", "show")
    assert shown.exit_code == 0 and shown.stdout.strip() == commitment
    assert secret not in shown.output

    exported = tmp_path / "me.id"
    out = run(home, "identity", "export", "--out", str(exported))
    assert out.exit_code == 0 and secret not in out.output
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600

    imported = run(tmp_path / "other", "identity", "import", str(exported), "--name", "moved",
                   "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["commitment"] == commitment
    assert secret not in imported.output


def test_identity_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    assert run(tmp_path, "identity", "new").exit_code == 0
    again = run(tmp_path, "identity", "new")
    assert again.exit_code == 2 and "exists" in again.output
    assert run(tmp_path, "identity", "new", "--force").exit_code == 0


def test_vote_casts_and_keeps_a_receipt_that_checks_out(poll: str, tmp_path: Path) -> None:
    home = voter_home(tmp_path, 0)
    url = coordinator().url
    voted = run(home, "vote", "--coordinator", url, "--poll", poll, "--choice", "yes", "--yes",
                "--json")
    assert voted.exit_code == 0, voted.output
    cast = json.loads(voted.stdout)["cast"]
    receipt_file = Path(cast["receipt_file"])
    assert stat.S_IMODE(receipt_file.stat().st_mode) == 0o600
    assert StoredReceipt.from_json(receipt_file.read_bytes()).tracking_code == \
        cast["tracking_code"]

    checked = run(home, "receipt", "check", str(receipt_file), "--json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)
    assert report["ok"] and [c["name"] for c in report["checks"]] == [
        "signature", "inclusion", "key", "consistency", "still-listed"]
    by_code = run(home, "receipt", "check", cast["tracking_code"], "--offline")
    assert by_code.exit_code == 0, by_code.output
    listed = run(home, "receipt", "list", "--json")
    assert [r["tracking_code"] for r in json.loads(listed.stdout)["receipts"]] == \
        [cast["tracking_code"]]


def test_vote_with_an_empty_key_cache_downloads_checks_and_caches_the_proving_key(
        poll: str, tmp_path: Path) -> None:
    import hashlib

    cache = tmp_path / "empty-cache"
    env = cli_env(voter_home(tmp_path, 2)) | {"ZKVOTE_CACHE_DIR": str(cache)}
    voted = CliRunner().invoke(app, ["vote", "--coordinator", coordinator().url, "--poll", poll,
                                     "--choice", "no", "--yes", "--json"], env=env)
    assert voted.exit_code == 0, voted.output
    (cached,) = (cache / "keys").glob("*.zkey")
    assert cached.name.endswith(f"-{hashlib.sha256(cached.read_bytes()).hexdigest()}.zkey")


def test_challenged_ballot_is_published_opened_and_a_fresh_one_cast(poll: str,
                                                                    tmp_path: Path) -> None:
    home = voter_home(tmp_path, 1)
    url = coordinator().url
    voted = run(home, "vote", "--coordinator", url, "--poll", poll, "--choice", "1",
                "--challenge", "--yes", "--json")
    assert voted.exit_code == 0, voted.output
    doc = json.loads(voted.stdout)
    assert len(doc["challenged"]) == 1 and doc["cast"] is not None
    spoiled = doc["challenged"][0]
    assert spoiled["tracking_code"] != doc["cast"]["tracking_code"]
    with coordinator().public() as client:
        entry = client.entries(poll, start=spoiled["board_index"], limit=1,
                               board="challenged")["entries"][0]["entry"]
        opened = ChallengedBallot.from_json(entry)
        verify_challenge(opened, client.manifest(poll))
        assert list(opened.votes) == [0, 1]  # what the voter chose, publicly checkable


def test_interactive_vote_asks_and_quit_casts_nothing(poll: str, tmp_path: Path) -> None:
    home = voter_home(tmp_path, 2)
    with coordinator().public() as client:
        before = client.poll(poll)["boards"]
    # CliRunner's stdin is not a terminal: without --yes/--challenge the vote is refused
    refused = run(home, "vote", "--coordinator", coordinator().url, "--poll", poll,
                  "--choice", "0")
    assert refused.exit_code == 2 and "--yes" in refused.output
    with coordinator().public() as client:
        assert client.poll(poll)["boards"] == before


def test_revote_supersedes_the_first_ballot_under_policy_last(poll: str,
                                                             tmp_path: Path) -> None:
    home = voter_home(tmp_path, 3)
    url = coordinator().url
    first = run(home, "vote", "--coordinator", url, "--poll", poll, "--choice", "0", "--yes",
                "--json")
    second = run(home, "vote", "--coordinator", url, "--poll", poll, "--choice", "1", "--yes",
                 "--json")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    first_receipt = json.loads(first.stdout)["cast"]["receipt_file"]
    checked = run(home, "receipt", "check", first_receipt, "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["superseded"] is True


def test_board_monitor_follows_a_growing_board(poll: str, tmp_path: Path) -> None:
    home = tmp_path / "observer"
    state = tmp_path / "monitor.json"
    url = coordinator().url
    first = run(home, "board", "monitor", url, "--poll", poll, "--state", str(state), "--once",
                "--json")
    assert first.exit_code == 0, first.output
    sizes = {json.loads(line)["board"]: json.loads(line)["tree_size"]
             for line in first.stdout.splitlines()}
    assert set(sizes) == {"ballots", "challenged"}
    voted = run(voter_home(tmp_path, 0), "vote", "--coordinator", url, "--poll", poll,
                "--choice", "0", "--yes")
    assert voted.exit_code == 0, voted.output
    second = run(home, "board", "monitor", url, "--poll", poll, "--state", str(state),
                 "--once", "--json")
    assert second.exit_code == 0, second.output
    grown = {json.loads(line)["board"]: json.loads(line)["tree_size"]
             for line in second.stdout.splitlines()}
    assert grown["ballots"] == sizes["ballots"] + 1
    assert stat.S_IMODE(state.stat().st_mode) == 0o600


@pytest.mark.slow
def test_trustee_cli_runs_key_generation_and_decryption_to_a_verified_record(
        tmp_path: Path) -> None:
    server = coordinator()
    poll_id = "cli-trustee-poll"
    home = tmp_path / "trustee-1"
    made = run(home, "trustee", "keygen", "--json")
    assert made.exit_code == 0, made.output
    public = json.loads(made.stdout)["public_key"]
    others = {i: SigningKey.generate() for i in (2, 3)}
    wallets = {i: Wallet(tmp_path / f"trustee-{i}") for i in others}
    create_poll(server, poll_id, [public] + [bytes(k.verify_key).hex()
                                             for k in others.values()])
    background = trustees_in_background(server, poll_id, others, wallets, 3)
    dkg = run(home, "trustee", "dkg", "--coordinator", server.url, "--poll", poll_id, "--json")
    assert dkg.exit_code == 0, dkg.output
    background.result()
    assert json.loads(dkg.stdout)["trustee"] == 1
    assert stat.S_IMODE(Path(json.loads(dkg.stdout)["share_file"]).stat().st_mode) == 0o600

    for member in (0, 1):
        voted = run(voter_home(tmp_path, member), "vote", "--coordinator", server.url,
                    "--poll", poll_id, "--choice", str(member), "--yes")
        assert voted.exit_code == 0, voted.output
    with server.admin() as admin:
        admin.close_poll(poll_id)
        admin.aggregate(poll_id)
    decrypted = run(home, "trustee", "decrypt", "--coordinator", server.url, "--poll", poll_id,
                    "--json")
    assert decrypted.exit_code == 0, decrypted.output
    from zkvote.client import CoordinatorClient

    with CoordinatorClient(server.url, signing_key=others[2]) as client:
        TrusteeClient(client, wallet=wallets[2]).decrypt(poll_id)
    with server.admin() as admin:
        result = admin.publish(poll_id)
        archive = tmp_path / "record.zip"
        archive.write_bytes(admin.record(poll_id))
    assert result["tally"] == ["1", "1"]
    verified = CliRunner().invoke(app, ["verify", str(archive)])
    assert verified.exit_code == 0, verified.output


def test_members_fixture_is_the_published_group() -> None:
    # guards the kit: the group the polls use is exactly the members the tests vote as
    with coordinator().public() as client:
        from zkvote.merkle import LeanIMT

        leaves = client.group_leaves("client-test-members")
        assert LeanIMT([m.commitment for m in members()]).leaves == leaves


