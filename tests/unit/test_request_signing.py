"""The request-signing scheme shared by the client layer and the coordinator."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from nacl.signing import SigningKey

from zkvote.errors import InvalidEncoding, InvalidProof
from zkvote.request_signing import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignedHeaders,
    key_id,
    read_signed_headers,
    signed_headers,
    signing_message,
    verify_request_signature,
)

KEY = SigningKey(bytes(range(32)))
BODY = b'{"name":"x"}'


def test_signing_message_covers_method_path_body_hash_and_timestamp() -> None:
    msg = signing_message("post", "/groups?x=1", BODY, 1234)
    lines = msg.split(b"\n")
    assert lines[0] == b"zkvote/coordinator/request/v1"
    assert lines[1:3] == [b"POST", b"/groups?x=1"]
    assert lines[3] == hashlib.sha256(BODY).hexdigest().encode()
    assert lines[4] == b"1234"


def test_signed_headers_round_trip_through_read_and_verify() -> None:
    headers = signed_headers(KEY, "POST", "/groups", BODY, timestamp_ms=1_700_000_000_000)
    signed = read_signed_headers(headers)
    assert signed == SignedHeaders(key_id(KEY), 1_700_000_000_000,
                                   bytes.fromhex(headers[SIGNATURE_HEADER]))
    verify_request_signature("POST", "/groups", BODY, signed)
    assert key_id(KEY) == key_id(KEY.verify_key) == bytes(KEY.verify_key).hex()


@pytest.mark.parametrize("change", ["method", "path", "body", "timestamp", "key"])
def test_signature_over_other_request_parts_is_rejected(change: str) -> None:
    headers = signed_headers(KEY, "POST", "/groups", BODY, timestamp_ms=5000)
    signed = read_signed_headers(headers)
    assert signed is not None
    method, path, body = "POST", "/groups", BODY
    if change == "method":
        method = "PUT"
    elif change == "path":
        path = "/polls"
    elif change == "body":
        body = BODY + b" "
    elif change == "timestamp":
        signed = SignedHeaders(signed.key_id, 5001, signed.signature)
    else:
        signed = SignedHeaders(key_id(SigningKey(bytes(32))), 5000, signed.signature)
    with pytest.raises(InvalidProof):
        verify_request_signature(method, path, body, signed)


def test_missing_header_reads_as_unsigned() -> None:
    headers = signed_headers(KEY, "GET", "/x")
    for name in (KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER):
        partial = {k: v for k, v in headers.items() if k != name}
        assert read_signed_headers(partial) is None


@pytest.mark.parametrize(("name", "value"), [
    (KEY_HEADER, "AB" * 32), (KEY_HEADER, "ab" * 31), (TIMESTAMP_HEADER, "-1"),
    (TIMESTAMP_HEADER, "1" * 17), (TIMESTAMP_HEADER, "1.5"), (SIGNATURE_HEADER, "00" * 63),
    (SIGNATURE_HEADER, "zz" * 64)])
def test_malformed_header_is_rejected(name: str, value: str) -> None:
    headers = signed_headers(KEY, "GET", "/x") | {name: value}
    with pytest.raises(InvalidEncoding):
        read_signed_headers(headers)


def test_client_layer_imports_no_server_package() -> None:
    code = ("import sys, zkvote.client, zkvote.client_admin, zkvote.request_signing\n"
            "bad = [m for m in sys.modules if m.startswith(('zkvote.coordinator', 'fastapi',"
            " 'starlette', 'sqlalchemy'))]\n"
            "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
