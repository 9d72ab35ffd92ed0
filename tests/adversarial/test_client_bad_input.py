"""Bad input reaching the client, one test per class: malformed or unsafe identity files,
tampered receipts, a forked or re-keyed board (caught by ``zkvote board monitor``), a
coordinator that lies (forged receipts, a single ballot passed off as the aggregate), and
server errors surfaced with exit code 2 (malformed or missing) or 1 (the coordinator says no)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from client_kit import (
    cli_env,
    coordinator,
    members,
    open_poll,
    serve_in_thread,
    voter_home,
)
from nacl.signing import SigningKey
from typer.testing import CliRunner

from zkvote.board import Board, derive_log_id
from zkvote.cli import app
from zkvote.client import BadResponse, CoordinatorClient, NotFoundError, error_from_response
from zkvote.client_trustee import TrusteeClient
from zkvote.client_voter import Voter, votes_from_options
from zkvote.demo import free_port
from zkvote.errors import InvalidProof
from zkvote.wallet import Wallet

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(home: Path, *args: str):
    return CliRunner().invoke(app, list(args), env=cli_env(home))


# ------------------------------------------------------------ identity files


@pytest.mark.parametrize("content", [b"not base64 at all!", b"QUJD=", b"", b"\xff\xfe\x00",
                                     b"A" * 5000], ids=["garbage", "non-canonical", "empty",
                                                        "binary", "oversized"])
def test_malformed_identity_export_is_refused_with_exit_2(tmp_path: Path,
                                                          content: bytes) -> None:
    bad = tmp_path / "bad.id"
    bad.write_bytes(content)
    result = run(tmp_path / "home", "identity", "import", str(bad))
    assert result.exit_code == 2, result.output
    assert Wallet(tmp_path / "home").identities() == []


def test_wallet_identity_readable_by_other_users_is_refused(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path)
    wallet.new_identity()
    os.chmod(wallet.identity_path(), 0o644)
    result = run(tmp_path, "identity", "show")
    assert result.exit_code == 2 and "chmod 600" in result.output


def test_corrupted_wallet_identity_is_refused_without_echoing_it(tmp_path: Path) -> None:
    wallet = Wallet(tmp_path)
    wallet.new_identity()
    wallet.identity_path().write_text("c2VjcmV0LWJ1dC1icm9rZW4=?\n")
    result = run(tmp_path, "identity", "show")
    assert result.exit_code == 2
    assert "c2VjcmV0" not in result.output


def test_missing_identity_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path, "identity", "show", "--name", "nobody")
    assert result.exit_code == 2 and "no identity" in result.output


# ------------------------------------------------------------ receipts


@pytest.fixture(scope="module")
def receipt_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real receipt for the third ballot of a poll (its inclusion proof is not empty)."""
    root = tmp_path_factory.mktemp("receipts")
    open_poll(coordinator(), "receipt-poll", root)
    path = None
    for member in range(3):
        home = voter_home(root, member)
        result = run(home, "vote", "--coordinator", coordinator().url, "--poll",
                     "receipt-poll", "--choice", "0", "--yes", "--json")
        assert result.exit_code == 0, result.output
        path = Path(json.loads(result.stdout)["cast"]["receipt_file"])
    return path


def _flip(hex_string: str) -> str:
    return ("1" if hex_string[0] != "1" else "2") + hex_string[1:]


TAMPERINGS = {
    "inclusion-proof": lambda d: d["receipt"]["inclusion_proof"].__setitem__(
        0, _flip(d["receipt"]["inclusion_proof"][0])),
    "leaf-hash": lambda d: d["receipt"].__setitem__("leaf_hash",
                                                    _flip(d["receipt"]["leaf_hash"])),
    "index": lambda d: d["receipt"].__setitem__("index", d["receipt"]["index"] - 1),
    "head-size": lambda d: d["receipt"]["tree_head"].__setitem__(
        "tree_size", d["receipt"]["tree_head"]["tree_size"] + 1),
    "head-root": lambda d: d["receipt"]["tree_head"].__setitem__(
        "root_hash", _flip(d["receipt"]["tree_head"]["root_hash"])),
    "signature": lambda d: d["receipt"]["tree_head"].__setitem__(
        "signature", _flip(d["receipt"]["tree_head"]["signature"])),
    "other-poll": lambda d: d.__setitem__("poll_id", "another-poll"),
    "other-key": lambda d: d.__setitem__(
        "log_public_key", bytes(SigningKey.generate().verify_key).hex()),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_tampered_receipt_fails_its_check_with_exit_1(receipt_file: Path, tmp_path: Path,
                                                      name: str) -> None:
    doc = json.loads(receipt_file.read_text())
    TAMPERINGS[name](doc)
    bad = tmp_path / "receipt.json"
    bad.write_text(json.dumps(doc))
    result = run(tmp_path, "receipt", "check", str(bad), "--offline", "--json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["ok"] is False


@pytest.mark.parametrize("change", ["unknown-field", "missing-field", "bad-hex", "not-json",
                                    "version"])
def test_malformed_receipt_file_exits_2(receipt_file: Path, tmp_path: Path,
                                        change: str) -> None:
    doc = json.loads(receipt_file.read_text())
    if change == "unknown-field":
        doc["extra"] = 1
    elif change == "missing-field":
        del doc["tracking_code"]
    elif change == "bad-hex":
        doc["receipt"]["leaf_hash"] = "ZZ" * 32
    elif change == "version":
        doc["version"] = 2
    bad = tmp_path / "receipt.json"
    bad.write_text("{not json" if change == "not-json" else json.dumps(doc))
    result = run(tmp_path, "receipt", "check", str(bad), "--offline")
    assert result.exit_code == 2, result.output


# ------------------------------------------------------------ a lying or forked coordinator


class FakeCoordinator:
    """Just enough of a coordinator for the board monitor and receipt checks: one poll whose
    ballots board the test can rewrite."""

    def __init__(self) -> None:
        from fastapi import FastAPI, HTTPException

        self.key = SigningKey.generate()
        self.entries = [b"entry %d" % i for i in range(3)]
        api = FastAPI()

        @api.get("/info")
        def info() -> dict:
            return {"version": 1, "log_public_key": bytes(self.key.verify_key).hex()}

        @api.get("/polls")
        def polls() -> dict:
            return {"version": 1, "polls": [{"poll_id": "p", "state": "open"}]}

        @api.get("/polls/p/boards/ballots/head")
        def head() -> dict:
            return self.board().head(self.key).to_json()

        @api.get("/polls/p/boards/ballots/consistency")
        def consistency(old_size: int, new_size: int | None = None) -> dict:
            board = self.board()
            new = board.size if new_size is None else new_size
            if old_size > board.size:
                raise HTTPException(404)
            return {"version": 1, "consistency_proof": [
                h.hex() for h in board.consistency_proof(old_size, new)]}

        self.url, _, _ = serve_in_thread(api)

    def board(self) -> Board:
        board = Board(derive_log_id(self.key.verify_key, "p"))
        for e in self.entries:
            board.append(e)
        return board


@pytest.fixture
def fake() -> FakeCoordinator:
    return FakeCoordinator()


FORKS = {
    "rewritten-entry": lambda f: f.entries.__setitem__(1, b"rewritten") or f.entries.append(
        b"more"),
    "shrunk": lambda f: f.entries.pop(),
    "same-size-other-root": lambda f: f.entries.__setitem__(2, b"swapped"),
    "new-key": lambda f: setattr(f, "key", SigningKey.generate()),
}


@pytest.mark.parametrize("name", sorted(FORKS))
def test_board_monitor_raises_the_alarm_on_a_forked_or_rekeyed_board(
        fake: FakeCoordinator, tmp_path: Path, name: str) -> None:
    state = tmp_path / "state.json"
    args = ("board", "monitor", fake.url, "--state", str(state), "--once", "--json")
    first = run(tmp_path, *args)
    assert first.exit_code == 0, first.output
    fake.entries.append(b"honest growth")
    assert run(tmp_path, *args).exit_code == 0
    saved = json.loads(state.read_text())
    FORKS[name](fake)
    alarm = run(tmp_path, *args)
    assert alarm.exit_code == 1, alarm.output
    assert "ALARM" in alarm.output
    assert json.loads(alarm.stdout.splitlines()[-1])["alarm"] in ("board-forked", "key-changed")
    assert json.loads(state.read_text()) == saved  # only verified heads are ever kept


def test_tampered_monitor_state_is_refused(fake: FakeCoordinator, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    args = ("board", "monitor", fake.url, "--state", str(state), "--once")
    assert run(tmp_path, *args).exit_code == 0
    doc = json.loads(state.read_text())
    head = doc["boards"]["p/ballots"]["last_head"]
    head["tree_size"] += 5  # hide a later rewrite by faking what was seen
    state.write_text(json.dumps(doc))
    os.chmod(state, 0o600)
    result = run(tmp_path, *args)
    assert result.exit_code == 1, result.output  # the head's signature no longer verifies


def test_receipt_check_fails_when_the_coordinator_signs_with_another_key(
        receipt_file: Path, fake: FakeCoordinator, tmp_path: Path) -> None:
    result = run(tmp_path, "receipt", "check", str(receipt_file), "--coordinator", fake.url,
                 "--json")
    assert result.exit_code == 1, result.output
    failed = [c for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    assert failed[0]["name"] == "key"


class Tamper(httpx.BaseTransport):
    """Forwards to a real coordinator and rewrites the JSON answers of one path."""

    def __init__(self, suffix: str, rewrite) -> None:
        self.inner = httpx.HTTPTransport()
        self.suffix = suffix
        self.rewrite = rewrite

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith(self.suffix) or response.status_code >= 400:
            return response
        response.read()
        doc = self.rewrite(json.loads(response.content))
        return httpx.Response(response.status_code, json=doc)


def test_forged_receipt_from_the_coordinator_is_rejected(receipt_file: Path) -> None:
    def forge(doc: dict) -> dict:
        doc["receipt"]["tree_head"]["root_hash"] = _flip(doc["receipt"]["tree_head"]
                                                         ["root_hash"])
        return doc

    http = httpx.Client(base_url=coordinator().url, transport=Tamper("/ballots", forge))
    client = CoordinatorClient(http=http)
    voter = Voter(client, members()[3])
    view = voter.open_poll("receipt-poll", keys=_keys())
    built = voter.build(view, votes_from_options(view.manifest, choice=1))
    with pytest.raises(BadResponse, match="does not verify"):
        voter.cast(view, built)


def _keys():
    from client_kit import ballot_keys

    return ballot_keys()


def test_trustee_refuses_to_decrypt_a_ballot_passed_off_as_the_aggregate(
        tmp_path: Path) -> None:
    server = coordinator()
    trustees = open_poll(server, "oracle-poll", tmp_path)
    public = server.public()
    for member in (0, 1):
        voter = Voter(public, members()[member])
        view = voter.open_poll("oracle-poll", keys=_keys())
        voter.cast(view, voter.build(view, votes_from_options(view.manifest, choice=member)))
    with server.admin() as admin:
        admin.close_poll("oracle-poll")
        admin.aggregate("oracle-poll")
    first_ballot = public.entries("oracle-poll", limit=1)["entries"][0]["entry"]

    def swap(doc: dict) -> dict:
        doc["ciphertexts"] = first_ballot["ciphertexts"]
        doc["ballots_counted"] = 2
        return doc

    key, wallet = trustees[1]
    http = httpx.Client(base_url=server.url, transport=Tamper("/tally/aggregate", swap))
    trustee = TrusteeClient(CoordinatorClient(http=http, signing_key=key), wallet=wallet)
    with pytest.raises(InvalidProof, match="refusing to decrypt"):
        trustee.decrypt("oracle-poll")
    assert public.partials("oracle-poll") == []


# ------------------------------------------------------------ server errors and exit codes


def test_vote_in_an_unknown_poll_exits_2(tmp_path: Path) -> None:
    result = run(voter_home(tmp_path, 0), "vote", "--coordinator", coordinator().url,
                 "--poll", "no-such-poll", "--choice", "0", "--yes")
    assert result.exit_code == 2 and "404 not_found" in result.output


@pytest.mark.parametrize("url", ["ftp://example.org", "http://127.0.0.1:{port}"],
                         ids=["not-http", "unreachable"])
def test_unusable_coordinator_url_exits_2(tmp_path: Path, url: str) -> None:
    result = run(voter_home(tmp_path, 0), "vote", "--coordinator",
                 url.format(port=free_port()), "--poll", "p", "--choice", "0", "--yes")
    assert result.exit_code == 2, result.output


def test_vote_breaking_the_rule_exits_2_and_posts_nothing(receipt_file: Path,
                                                          tmp_path: Path) -> None:
    with coordinator().public() as client:
        before = client.poll("receipt-poll")["boards"]
        result = run(voter_home(tmp_path, 0), "vote", "--coordinator", coordinator().url,
                     "--poll", "receipt-poll", "--approve", "0,1", "--yes")
        assert result.exit_code == 2 and "rule" in result.output
        assert client.poll("receipt-poll")["boards"] == before


def test_second_ballot_under_policy_first_is_refused_with_exit_1(tmp_path: Path) -> None:
    open_poll(coordinator(), "first-poll", tmp_path, revote="first")
    home = voter_home(tmp_path, 0)
    args = ("vote", "--coordinator", coordinator().url, "--poll", "first-poll", "--choice",
            "0", "--yes")
    assert run(home, *args).exit_code == 0
    again = run(home, *args)
    assert again.exit_code == 1 and "duplicate_nullifier" in again.output


def test_unregistered_trustee_key_is_refused_with_exit_1(receipt_file: Path,
                                                         tmp_path: Path) -> None:
    Wallet(tmp_path).new_trustee_key()
    result = run(tmp_path, "trustee", "dkg", "--coordinator", coordinator().url, "--poll",
                 "receipt-poll", "--timeout", "5")
    assert result.exit_code == 1, result.output


@pytest.mark.parametrize("status,code,cls_name,exit_code", [
    (400, "invalid_encoding", "RequestInvalid", 2), (401, "unauthorized", "NotAuthorized", 1),
    (404, "not_found", "NotFoundError", 2), (409, "wrong_state", "ConflictError", 1),
    (413, "payload_too_large", "RequestInvalid", 2), (422, "invalid_proof", "Rejected", 1),
    (429, "rate_limited", "RateLimited", 1), (500, "internal", "ServerError", 1)])
def test_server_error_answers_map_to_typed_errors_and_exit_codes(
        status: int, code: str, cls_name: str, exit_code: int) -> None:
    body = {"error": {"code": code, "message": "line one\nline two"}}
    err = error_from_response(httpx.Response(status, json=body))
    assert type(err).__name__ == cls_name and err.code == code and err.status == status
    assert err.exit_code == exit_code and "\n" not in err.message


def test_error_answer_that_is_not_json_still_maps_by_status() -> None:
    err = error_from_response(httpx.Response(404, content=b"<html>nope</html>"))
    assert isinstance(err, NotFoundError) and err.code == "http_error"


# ------------------------------------------------------------ proving keys from the coordinator


def _another_key() -> bytes:
    """The session's .zkey with alpha negated: well formed, but another verifying key."""
    from dataclasses import replace

    from client_kit import ballot_keys

    from zkvote.snark.zkey_file import Zkey, zkey_to_bytes

    z = ballot_keys().zkey
    pk = z.proving_key
    other = replace(pk, vk=replace(pk.vk, alpha_g1=-pk.vk.alpha_g1))
    return zkey_to_bytes(Zkey(other, z.coefficients, z.contributions, z.layout,
                              z.extra_sections))


def _vote_with_download(home: Path, cache: Path) -> object:
    env = cli_env(home) | {"ZKVOTE_CACHE_DIR": str(cache)}
    return CliRunner().invoke(app, ["vote", "--coordinator", coordinator().url, "--poll",
                                    "receipt-poll", "--choice", "0", "--yes"], env=env)


def test_coordinator_serving_another_proving_key_is_refused_with_exit_1(
        receipt_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _another_key()
    monkeypatch.setattr(CoordinatorClient, "proving_key", lambda self, poll_id: bad)
    result = _vote_with_download(voter_home(tmp_path, 3), tmp_path / "cache")
    assert result.exit_code == 1, result.output
    assert "not the proving key the poll published" in result.output
    assert not list((tmp_path / "cache").rglob("*.zkey"))


def test_truncated_proving_key_download_is_refused_as_malformed_with_exit_2(
        receipt_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from client_kit import ballot_keys

    from zkvote.snark.zkey_file import zkey_to_bytes

    truncated = zkey_to_bytes(ballot_keys().zkey)[:-1000]
    monkeypatch.setattr(CoordinatorClient, "proving_key", lambda self, poll_id: truncated)
    result = _vote_with_download(voter_home(tmp_path, 3), tmp_path / "cache")
    assert result.exit_code == 2, result.output
    assert "malformed .zkey" in result.output
    assert not list((tmp_path / "cache").rglob("*.zkey"))


def test_downloaded_key_whose_verifying_key_is_not_the_manifests_is_refused(
        receipt_file: Path, tmp_path: Path) -> None:
    # no published file hash: the verifying-key check alone must refuse it
    from zkvote.client_voter import load_ballot_keys
    from zkvote.errors import ProtocolError

    bad = _another_key()
    with CoordinatorClient(coordinator().url) as client:
        manifest = client.manifest("receipt-poll")
    with pytest.raises(ProtocolError, match="verification key is not the poll's"):
        load_ballot_keys(manifest, search=[tmp_path], download=lambda: bad)
    assert not list(tmp_path.glob("*.zkey"))
