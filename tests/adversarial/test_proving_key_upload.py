"""Bad proving-key uploads (``PUT /polls/{id}/proving-key``): each class gets a clear 4xx and
NOTHING is stored (the proving-keys directory stays empty, the poll serves no key)."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from coordinator_kit import ADMIN_KEY, INTRUDER_KEY, kit, publish_group, settings
from election_helpers import SMALL, keys
from zkvote.coordinator import proving_keys
from zkvote.coordinator.app import create_app

from zkvote.client_admin import SignedClient
from zkvote.request_signing import key_id, signed_headers
from zkvote.snark.zkey_file import zkey_to_bytes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings(f"sqlite:///{tmp_path}/c.sqlite3", data_dir=tmp_path / "data"))
    with TestClient(app) as c:
        yield c
    app.state.service.storage.close()


def right_key() -> bytes:
    return zkey_to_bytes(kit().keys.zkey)


def create(client: TestClient, poll_id: str, published: bytes | None) -> None:
    from coordinator_kit import TRUSTEE_KEYS, draft

    body = {"version": 1, "manifest": draft(poll_id, [publish_group(client)]),
            "verification_key": kit().vk_json, "trustee_keys": [key_id(TRUSTEE_KEYS[1])]}
    if published is not None:
        body["proving_key_sha256"] = hashlib.sha256(published).hexdigest()
    SignedClient(client, ADMIN_KEY).post("/polls", body)


def upload(client: TestClient, poll_id: str, data: bytes, key=ADMIN_KEY):
    path = f"/polls/{poll_id}/proving-key"
    headers = {"content-type": "application/octet-stream"}
    if key is not None:
        headers.update(signed_headers(key, "PUT", path, data))
    return client.put(path, content=data, headers=headers)


def assert_nothing_stored(client: TestClient, poll_id: str) -> None:
    stored = client.app.state.service.settings.data_dir / proving_keys.PROVING_KEY_DIR
    assert not stored.exists() or not any(stored.iterdir())
    assert client.get(f"/polls/{poll_id}/proving-key").status_code == 404


def test_the_published_key_is_stored_and_served(client: TestClient) -> None:
    data = right_key()
    create(client, "pk-ok", data)
    answer = upload(client, "pk-ok", data)
    assert answer.status_code == 200, answer.text
    assert answer.json()["proving_key_sha256"] == hashlib.sha256(data).hexdigest()
    assert client.get("/polls/pk-ok/proving-key").content == data


def test_bytes_that_are_not_a_zkey_are_refused(client: TestClient) -> None:
    junk = b"not a zkey" * 100
    create(client, "pk-junk", junk)  # even when the poll published exactly these bytes
    answer = upload(client, "pk-junk", junk)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_encoding"
    assert_nothing_stored(client, "pk-junk")


def test_a_key_of_another_circuit_is_refused(client: TestClient) -> None:
    other = zkey_to_bytes(keys(*SMALL).zkey)  # a valid key for (K=2, D=2), not the poll's
    create(client, "pk-other", other)
    answer = upload(client, "pk-other", other)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "wrong_proving_key"
    assert "verifying key" in answer.json()["error"]["message"]
    assert_nothing_stored(client, "pk-other")


def test_a_right_circuit_key_with_other_bytes_than_published_is_refused(
        client: TestClient) -> None:
    data = right_key()
    create(client, "pk-hash", data + b"\0")  # the poll published another file's hash
    answer = upload(client, "pk-hash", data)
    assert answer.status_code == 422 and "sha256" in answer.json()["error"]["message"]
    assert_nothing_stored(client, "pk-hash")


def test_an_oversized_key_is_refused_before_parsing(client: TestClient,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = right_key()
    create(client, "pk-big", data)
    monkeypatch.setattr(proving_keys, "MAX_PROVING_KEY_BYTES", len(data) - 1)
    answer = upload(client, "pk-big", data)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert_nothing_stored(client, "pk-big")


def test_an_upload_without_the_admin_key_gets_only_the_ballot_size_limit(
        client: TestClient) -> None:
    data = right_key()
    assert len(data) > client.app.state.service.settings.max_body_bytes
    create(client, "pk-anon", data)
    assert upload(client, "pk-anon", data, key=None).status_code == 413
    assert upload(client, "pk-anon", data, key=INTRUDER_KEY).status_code == 413
    small = upload(client, "pk-anon", b"x" * 100, key=INTRUDER_KEY)
    assert small.status_code == 401
    assert_nothing_stored(client, "pk-anon")


def test_a_poll_without_a_published_key_hash_accepts_no_upload(client: TestClient) -> None:
    create(client, "pk-none", None)
    answer = upload(client, "pk-none", right_key())
    assert answer.status_code == 409
    assert_nothing_stored(client, "pk-none")
