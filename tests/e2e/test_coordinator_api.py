"""The coordinator's HTTP API end to end (FastAPI's TestClient), on SQLite and PostgreSQL:
registrar, poll creation and the trustees' key generation over HTTP, ballots with receipts,
challenges, re-votes, the board's proofs, tally, and an election record that ``zkvote verify``
accepts."""

from __future__ import annotations

import json
import warnings

import pytest
from coordinator_kit import (
    ADMIN_KEY,
    GROUP,
    TRUSTEE_KEYS,
    ballot,
    create_poll,
    db_url,  # noqa: F401 - fixture
    kit,
    open_poll,
    settings,
)
from nacl.signing import VerifyKey
from zkvote.coordinator.app import create_app

from zkvote.ballot import ChallengedBallot, build_ballot, tracking_code
from zkvote.board import (
    Monitor,
    Receipt,
    SignedTreeHead,
    verify_consistency,
    verify_receipt,
)
from zkvote.board_tree import leaf_hash
from zkvote.client_admin import SignedClient, trustees_decrypt
from zkvote.jsonmodel import canonical_json
from zkvote.merkle import MerkleProof, verify_proof

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(db_url: str):  # noqa: F811
    app = create_app(settings(db_url))
    with TestClient(app) as c:
        yield c
    app.state.service.storage.close()


def log_key(client: TestClient) -> VerifyKey:
    return VerifyKey(bytes.fromhex(client.get("/info").json()["log_public_key"]))


def test_registrar_publishes_roots_and_serves_membership_paths(client: TestClient) -> None:
    create_poll(client, "reg-poll")
    group = client.get(f"/groups/{GROUP}").json()
    k = kit()
    assert int(group["roots"][-1]["root"]) == k.group.root
    member = k.identities[3].commitment
    doc = client.get(f"/groups/{GROUP}/proof", params={"leaf": str(member)}).json()
    proof = MerkleProof.from_json(doc["proof"])
    assert proof.leaf == member and verify_proof(proof, k.group.root)
    admin = SignedClient(client, ADMIN_KEY)
    admin.call("DELETE", f"/groups/{GROUP}/members/3")
    new_root = int(admin.post(f"/groups/{GROUP}/roots")["root"])
    assert new_root != k.group.root
    # the old root still proves the member (polls keep their roots); the new one does not
    old = client.get(f"/groups/{GROUP}/proof",
                     params={"leaf": str(member), "root": str(k.group.root)}).json()
    assert verify_proof(MerkleProof.from_json(old["proof"]), k.group.root)
    gone = client.get(f"/groups/{GROUP}/proof", params={"leaf": str(member)})
    assert gone.status_code == 404
    found = client.get(f"/roots/{new_root}").json()["publications"]
    assert [p["group_id"] for p in found] == [GROUP]


def test_election_over_http_two_of_three_trustees_verifies(client: TestClient,
                                                           tmp_path: object) -> None:
    manifest, shares = open_poll(client, "city-budget", n=3, t=2)
    key = log_key(client)
    monitor = Monitor(key)
    receipts = []
    for member, votes in ((0, (1, 0)), (1, (0, 1)), (2, (1, 0))):
        b = ballot(manifest, member, votes)
        r = client.post("/polls/city-budget/ballots", content=canonical_json(b.to_json()))
        assert r.status_code == 201, r.text
        doc = r.json()
        assert doc["tracking_code"] == tracking_code(b)
        receipt = Receipt.from_json(doc["receipt"])
        verify_receipt(receipt, key, entry=canonical_json(b.to_json()))
        receipts.append(receipt)
        head = receipt.tree_head
        old = 0 if monitor.last is None else monitor.last.tree_size
        proof = client.get("/polls/city-budget/boards/ballots/consistency",
                           params={"old_size": old, "new_size": head.tree_size}).json()
        monitor.observe(head, [bytes.fromhex(h) for h in proof["consistency_proof"]])
    # a challenged ballot goes to the challenged board and is never counted
    k = kit()
    spoiled, secrets = build_ballot(k.identities[4], k.group, manifest, k.keys.zkey,
                                    k.keys.circuit, [0, 1])
    opened = ChallengedBallot.open(spoiled, secrets)
    r = client.post("/polls/city-budget/challenged", content=canonical_json(opened.to_json()))
    assert r.status_code == 201 and r.json()["board"] == "challenged"
    # once challenged (opened), the same encrypted ballot can never be cast
    r = client.post("/polls/city-budget/ballots", content=canonical_json(spoiled.to_json()))
    assert r.status_code == 409 and r.json()["error"]["code"] == "replayed_ballot"
    # the first receipt still proves inclusion under the latest head
    later = client.get(f"/polls/city-budget/ballots/{tracking_code(ballot(manifest, 0))}").json()
    verify_receipt(Receipt.from_json(later["receipt"]), key)
    head = SignedTreeHead.from_json(client.get("/polls/city-budget/boards/ballots/head").json())
    assert head.tree_size == 3
    verify_consistency(receipts[0].tree_head.tree_size, 3, receipts[0].tree_head.root_hash,
                       head.root_hash, [bytes.fromhex(h) for h in client.get(
                           "/polls/city-budget/boards/ballots/consistency",
                           params={"old_size": 1}).json()["consistency_proof"]])
    entries = client.get("/polls/city-budget/boards/ballots/entries").json()["entries"]
    assert [bytes.fromhex(e["leaf_hash"]) for e in entries] == [
        leaf_hash(canonical_json(e["entry"])) for e in entries]

    admin = SignedClient(client, ADMIN_KEY)
    admin.post("/polls/city-budget/close")
    r = client.post("/polls/city-budget/ballots",
                    content=canonical_json(ballot(manifest, 5).to_json()))
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_state"
    admin.post("/polls/city-budget/tally/aggregate")
    trustees_decrypt(client, "city-budget", TRUSTEE_KEYS, {i: shares[i] for i in (1, 3)})
    result = admin.post("/polls/city-budget/tally/publish")
    assert result["tally"] == ["2", "1"] and result["outcome"]["winners"] == [0]
    assert client.get("/polls/city-budget").json()["state"] == "tallied"

    record = client.get("/polls/city-budget/record")
    assert record.headers["content-type"] == "application/zip"
    path = tmp_path / "record.zip"
    path.write_bytes(record.content)
    from zkvote.verify import verify_record

    report = verify_record(path, workers=1)
    assert report.ok, report.first_failure
    # the record carries the board's final signed head and the log key the service announces
    from zkvote.record_files import read_record_files

    final = client.get("/polls/city-budget/boards/ballots/head").json()
    board_head = json.loads(read_record_files(path)["index.json"])["board_head"]
    assert board_head == {"log_public_key": bytes(key).hex(), "signed_head": final}
    assert "exactly the signed board of 3 entries" in report.steps[4].detail


def test_openapi_documents_every_route_and_request_body(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for name in ("BallotIn", "ChallengedIn", "PollCreate", "MembersAdd", "GroupCreate",
                 "SharesPost", "ComplaintsPost", "AnswersPost"):
        assert schemas[name]["additionalProperties"] is False, name
    body = doc["paths"]["/polls/{poll_id}/ballots"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BallotIn"}
    assert {"/polls/{poll_id}/boards/{board}/consistency", "/groups/{group_id}/proof",
            "/polls/{poll_id}/tally/partials", "/polls/{poll_id}/record"} <= set(doc["paths"])


def test_proving_key_is_served_publicly_with_its_sha256(db_url: str, tmp_path) -> None:  # noqa: F811
    from coordinator_kit import draft, publish_group
    from zkvote.coordinator.proving_keys import store_proving_key

    from zkvote.request_signing import key_id
    from zkvote.snark.zkey_file import zkey_to_bytes

    data = zkey_to_bytes(kit().keys.zkey)
    digest = store_proving_key(tmp_path, data)
    app = create_app(settings(db_url, data_dir=tmp_path))
    with TestClient(app) as http:
        root = publish_group(http)
        SignedClient(http, ADMIN_KEY).post("/polls", {
            "version": 1, "manifest": draft("pk-poll", [root]),
            "verification_key": kit().vk_json, "proving_key_sha256": digest,
            "trustee_keys": [key_id(TRUSTEE_KEYS[1])]})
        served = http.get("/polls/pk-poll/proving-key")  # no signature: public
        assert served.status_code == 200
        assert served.content == data
        assert served.headers["content-type"] == "application/octet-stream"
        assert served.headers["x-zkvote-sha256"] == digest
        assert served.headers["etag"] == f'"{digest}"'

        create_poll(http, "no-pk-poll")
        missing = http.get("/polls/no-pk-poll/proving-key")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    app.state.service.storage.close()
