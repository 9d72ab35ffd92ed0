"""Bad input to the coordinator: each class gets a clear 4xx with a stable error code, and
NOTHING is stored (every table's row count and the board's head are unchanged)."""

from __future__ import annotations

import copy
import json
import threading
import time
import warnings
from collections.abc import Iterator

import pytest
from coordinator_kit import (
    ADMIN_KEY,
    GROUP,
    INTRUDER_KEY,
    SHARED_POLL,
    TRUSTEE_KEYS,
    ballot,
    ballots,
    create_poll,
    db_url,  # noqa: F401 - fixture
    open_poll,
    settings,
)
from zkvote.coordinator.app import create_app

from zkvote.babyjub import Point
from zkvote.client_admin import SignedClient
from zkvote.decryption import partial_decrypt
from zkvote.elgamal import Ciphertext
from zkvote.field import FR_MODULUS
from zkvote.jsonmodel import canonical_json
from zkvote.request_signing import signed_headers
from zkvote.threshold import DKGContext

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
POLL = SHARED_POLL
# a point on the curve outside the prime-order subgroup: the order-2 point (0, -1)
LOW_ORDER = ["0", str(FR_MODULUS - 1)]


@pytest.fixture
def app(db_url: str):  # noqa: F811
    application = create_app(settings(db_url, max_body_bytes=64 * 1024))
    yield application
    application.state.service.storage.close()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def poll(client: TestClient):
    manifest, shares = open_poll(client, POLL)
    return manifest


def snapshot(client: TestClient) -> tuple:
    svc = client.app.state.service
    head = svc.storage.latest_head(POLL, "ballots")
    return svc.storage.row_counts(), None if head is None else head.to_json()


def refused(client: TestClient, status: int, code: str, method: str, path: str,
            content: bytes = b"", headers: dict | None = None) -> dict:
    before = snapshot(client)
    r = client.request(method, path, content=content, headers=headers or {})
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code and "\n" not in body["error"]["message"]
    assert snapshot(client) == before
    return body


def post_ballot(client: TestClient, doc: dict, status: int, code: str,
                poll_id: str = POLL) -> dict:
    return refused(client, status, code, "POST", f"/polls/{poll_id}/ballots",
                   json.dumps(doc).encode())


def test_malformed_json_is_refused(client: TestClient, poll) -> None:
    path = f"/polls/{POLL}/ballots"
    for body in (b"", b"{", b"not json", b'{"version": NaN}', b"\xff\xfe",
                 b'{"version": 1, "version": 1}', b"[" * 100 + b"]" * 100,
                 b'{"version": ' + b"9" * 5000 + b"}"):  # beyond int()'s 4300 digits
        refused(client, 400, "invalid_encoding", "POST", path, body)


def test_oversized_bodies_are_refused_before_parsing(client: TestClient, poll) -> None:
    big = b"{" + b" " * (64 * 1024) + b"}"
    refused(client, 413, "payload_too_large", "POST", f"/polls/{POLL}/ballots", big)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(100):
            yield b" " * 1024

    before = snapshot(client)
    r = client.post(f"/polls/{POLL}/ballots", content=chunks())
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert snapshot(client) == before


def test_ballots_of_the_wrong_shape_are_refused(client: TestClient, poll) -> None:
    good = ballot(poll, 0).to_json()
    extra = {**good, "voter": "alice"}
    post_ballot(client, extra, 400, "invalid_encoding")
    missing = {k: v for k, v in good.items() if k != "nullifier"}
    post_ballot(client, missing, 400, "invalid_encoding")
    too_many = {**good, "ciphertexts": good["ciphertexts"] * 40}
    post_ballot(client, too_many, 400, "invalid_encoding")
    leading_zero = {**good, "root": "0" + good["root"]}
    post_ballot(client, leading_zero, 400, "invalid_encoding")
    three = {**good, "ciphertexts": good["ciphertexts"] + good["ciphertexts"][:1]}
    post_ballot(client, three, 422, "invalid_ballot")  # K = 2 options


def test_bad_points_are_refused(client: TestClient, poll) -> None:
    good = ballot(poll, 0).to_json()
    off_curve = copy.deepcopy(good)
    off_curve["ciphertexts"][0][0] = ["1", "2"]
    post_ballot(client, off_curve, 400, "invalid_point")
    small = copy.deepcopy(good)
    small["ciphertexts"][1][1] = LOW_ORDER
    post_ballot(client, small, 400, "not_in_subgroup")
    out_of_range = copy.deepcopy(good)
    out_of_range["ciphertexts"][0][1][0] = str(FR_MODULUS)
    post_ballot(client, out_of_range, 400, "field_range")
    bad_g1 = copy.deepcopy(good)
    bad_g1["proof"]["pi_a"] = ["1", "3", "1"]
    post_ballot(client, bad_g1, 400, "invalid_point")


def test_a_field_element_of_thousands_of_digits_is_field_range(client: TestClient, poll) -> None:
    # However long, a canonical decimal at or above the bound is out of range, not malformed:
    # the same code as one just above r (docs/coordinator.md, "Errors").
    huge = "9" * 5000
    good = ballot(poll, 0).to_json()
    post_ballot(client, {**good, "nullifier": huge}, 400, "field_range")
    coordinate = copy.deepcopy(good)
    coordinate["proof"]["pi_a"][0] = huge
    post_ballot(client, coordinate, 400, "field_range")
    refused(client, 400, "field_range", "GET", f"/roots/{huge}")
    refused(client, 400, "field_range", "GET", f"/groups/{GROUP}/proof?leaf={huge}")


def test_a_tampered_ciphertext_fails_the_proof(client: TestClient, poll) -> None:
    doc = ballot(poll, 0).to_json()
    ct = Ciphertext.from_json(doc["ciphertexts"][0])
    doc["ciphertexts"][0] = Ciphertext(ct.c1, ct.c2 + Point.base8()).to_json()
    post_ballot(client, doc, 422, "invalid_proof")


def test_a_ballot_for_another_poll_is_refused(client: TestClient, poll) -> None:
    open_poll(client, "other-poll")
    doc = ballot(poll, 1).to_json()
    # posted to the other poll's URL as it is: the ballot names its own poll
    refused(client, 422, "invalid_ballot", "POST", "/polls/other-poll/ballots",
            json.dumps(doc).encode())
    # relabelled for the other poll: the proof is bound to the first poll's scope
    refused(client, 422, "invalid_proof", "POST", "/polls/other-poll/ballots",
            json.dumps({**doc, "poll_id": "other-poll"}).encode())


def test_a_replayed_ballot_is_refused(client: TestClient, poll) -> None:
    body = canonical_json(ballot(poll, 2).to_json())
    assert client.post(f"/polls/{POLL}/ballots", content=body).status_code == 201
    refused(client, 409, "replayed_ballot", "POST", f"/polls/{POLL}/ballots", body)


def test_a_replay_under_policy_last_cannot_resurrect_an_old_vote(client: TestClient) -> None:
    manifest, _ = open_poll(client, "last-poll", revote="last")
    first, second = ballot(manifest, 0, (1, 0)), ballot(manifest, 0, (0, 1), salt=1)
    for b in (first, second):
        r = client.post("/polls/last-poll/ballots", content=canonical_json(b.to_json()))
        assert r.status_code == 201
    before = client.app.state.service.storage.row_counts()
    r = client.post("/polls/last-poll/ballots", content=canonical_json(first.to_json()))
    assert r.status_code == 409 and r.json()["error"]["code"] == "replayed_ballot"
    assert client.app.state.service.storage.row_counts() == before
    rows = client.app.state.service.storage.find_ballots("last-poll", [first.nullifier], [])
    assert [(r.board_index, r.superseded) for r in rows] == [(0, True), (1, False)]


def test_concurrent_ballots_with_one_nullifier_exactly_one_is_accepted(
        client: TestClient, poll) -> None:
    same = ballots(poll, [(3, (1, 0), s) for s in range(4)])
    assert len({b.nullifier for b in same}) == 1
    results: list[int] = []
    barrier = threading.Barrier(len(same))

    def cast(b) -> None:
        barrier.wait()
        r = client.post(f"/polls/{POLL}/ballots", content=canonical_json(b.to_json()))
        results.append(r.status_code if r.status_code == 201 else
                       (r.status_code, r.json()["error"]["code"]))

    threads = [threading.Thread(target=cast, args=(b,)) for b in same]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(201) == 1
    assert [r for r in results if r != 201] == [(409, "duplicate_nullifier")] * 3
    rows = client.app.state.service.storage.find_ballots(POLL, [same[0].nullifier], [])
    assert len(rows) == 1


def test_a_batch_with_one_bad_proof_accepts_the_others(app, client: TestClient, poll) -> None:
    from zkvote.coordinator.ingest import Submission

    good = ballot(poll, 4).to_json()
    bad = ballot(poll, 5).to_json()
    ct = Ciphertext.from_json(bad["ciphertexts"][1])
    bad["ciphertexts"][1] = Ciphertext(ct.c1 + Point.base8(), ct.c2).to_json()
    results = app.state.service.ingestor.process([
        Submission(POLL, "ballots", bad), Submission(POLL, "ballots", good)])
    assert type(results[0]).__name__ == "InvalidProof"
    assert results[1].receipt.index == 0
    assert app.state.service.storage.board_size(POLL) == 1


def test_admin_calls_need_a_valid_signature(client: TestClient) -> None:
    body = json.dumps({"version": 1, "group_id": "g2"}).encode()
    refused(client, 401, "unauthorized", "POST", "/groups", body)
    for key in (INTRUDER_KEY, TRUSTEE_KEYS[1]):  # unknown key; a trustee is not the admin
        refused(client, 401, "unauthorized", "POST", "/groups", body,
                signed_headers(key, "POST", "/groups", body))
    headers = signed_headers(ADMIN_KEY, "POST", "/groups", body)
    tampered = json.dumps({"version": 1, "group_id": "g3"}).encode()
    refused(client, 401, "unauthorized", "POST", "/groups", tampered, headers)
    other_path = signed_headers(ADMIN_KEY, "POST", "/polls", body)
    refused(client, 401, "unauthorized", "POST", "/groups", body, other_path)
    malformed = {**headers, "x-zkvote-signature": "zz"}
    refused(client, 401, "unauthorized", "POST", "/groups", body, malformed)
    assert client.post("/groups", content=body, headers=headers).status_code == 201


def test_stale_and_replayed_signatures_are_refused(client: TestClient) -> None:
    body = json.dumps({"version": 1, "group_id": "g4"}).encode()
    stale = signed_headers(ADMIN_KEY, "POST", "/groups", body,
                           timestamp_ms=time.time_ns() // 1_000_000 - 120_000)
    refused(client, 401, "stale_request", "POST", "/groups", body, stale)
    future = signed_headers(ADMIN_KEY, "POST", "/groups", body,
                            timestamp_ms=time.time_ns() // 1_000_000 + 120_000)
    refused(client, 401, "stale_request", "POST", "/groups", body, future)
    headers = signed_headers(ADMIN_KEY, "POST", "/groups", body)
    assert client.post("/groups", content=body, headers=headers).status_code == 201
    refused(client, 401, "replayed_request", "POST", "/groups", body, headers)


def test_a_trustee_cannot_speak_for_another(client: TestClient) -> None:
    create_poll(client, "dkg-poll", n=3, t=2)
    SignedClient(client, ADMIN_KEY).post("/polls/dkg-poll/keygen")
    from zkvote.threshold import Trustee

    message = Trustee(2, DKGContext("dkg-poll", 3, 2)).round1().to_json()
    body = json.dumps(message).encode()
    path = "/polls/dkg-poll/dkg/round1"
    refused(client, 403, "forbidden", "POST", path, body,
            signed_headers(TRUSTEE_KEYS[1], "POST", path, body))
    refused(client, 401, "unauthorized", "POST", path, body,
            signed_headers(ADMIN_KEY, "POST", path, body))
    message["commitments"][0] = LOW_ORDER
    body = json.dumps(message).encode()
    refused(client, 400, "not_in_subgroup", "POST", path, body,
            signed_headers(TRUSTEE_KEYS[2], "POST", path, body))


def test_a_false_partial_decryption_is_refused(client: TestClient) -> None:
    manifest, shares = open_poll(client, "tally-poll")
    assert client.post("/polls/tally-poll/ballots", content=canonical_json(
        ballot(manifest, 6).to_json())).status_code == 201
    admin = SignedClient(client, ADMIN_KEY)
    admin.post("/polls/tally-poll/close")
    admin.post("/polls/tally-poll/tally/aggregate")
    doc = client.get("/polls/tally-poll/tally/aggregate").json()
    cts = [Ciphertext.from_json(c) for c in doc["ciphertexts"]]
    wrong = [Ciphertext(c.c1 + Point.base8(), c.c2) for c in cts]  # decrypts something else
    partial = partial_decrypt(shares[1], wrong, DKGContext("tally-poll", 1, 1))
    body = json.dumps(partial.to_json()).encode()
    path = "/polls/tally-poll/tally/partials"
    refused(client, 422, "invalid_proof", "POST", path, body,
            signed_headers(TRUSTEE_KEYS[1], "POST", path, body))
    refused(client, 409, "protocol_error", "POST", "/polls/tally-poll/tally/publish", b"",
            signed_headers(ADMIN_KEY, "POST", "/polls/tally-poll/tally/publish", b""))


def test_ballots_outside_an_open_poll_are_refused(client: TestClient) -> None:
    manifest, _ = open_poll(client, "late-poll", open_=False)
    post_ballot(client, {**ballot(manifest, 7).to_json()}, 409, "wrong_state",
                poll_id="late-poll")
    refused(client, 404, "not_found", "GET", "/polls/no-such-poll")


def test_clients_over_their_rate_get_429(db_url: str) -> None:  # noqa: F811
    app = create_app(settings(db_url, rate_per_second=1.0, rate_burst=3))
    with TestClient(app) as c:
        codes = [c.get("/info").status_code for _ in range(5)]
        r = c.get("/info")
    app.state.service.storage.close()
    assert codes[:3] == [200] * 3 and 429 in codes[3:]
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
