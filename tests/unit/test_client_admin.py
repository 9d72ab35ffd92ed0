"""The operator's client helpers that need no coordinator: reading the admin key file and
judging the key generation's progress from its public status."""

from __future__ import annotations

from pathlib import Path

import pytest
from nacl.signing import SigningKey

from zkvote.client import BadResponse
from zkvote.client_admin import keygen_progress, load_admin_key
from zkvote.errors import InvalidArgument, InvalidEncoding


def status(n: int, t: int, round1: list[int], reported: list[int],
           complaints: list[tuple[int, int]] = (), answers: list[tuple[int, int]] = ()
           ) -> dict:
    return {"n": n, "t": t, "round1": [{"index": i} for i in round1],
            "complaints_reported": reported,
            "complaints": [{"accuser": a, "accused": b} for a, b in complaints],
            "answers": [{"accuser": a, "dealer": d} for a, d in answers]}


def test_keygen_is_complete_only_when_every_trustee_reported_and_complaints_are_answered(
        ) -> None:
    assert keygen_progress(status(3, 2, [1, 2, 3], [1, 2, 3]))[:2] == (True, True)
    assert keygen_progress(status(3, 2, [1, 2, 3], [1, 2]))[:2] == (False, False)
    assert keygen_progress(status(3, 2, [1, 2], [1, 2]))[:2] == (False, True)
    assert keygen_progress(status(3, 2, [1], [1]))[:2] == (False, False)
    pending = status(2, 1, [1, 2], [1, 2], complaints=[(1, 2)])
    assert keygen_progress(pending)[:2] == (False, True)
    answered = status(2, 1, [1, 2], [1, 2], complaints=[(1, 2)], answers=[(1, 2)])
    assert keygen_progress(answered)[:2] == (True, True)


def test_keygen_progress_refuses_a_status_without_its_fields() -> None:
    with pytest.raises(BadResponse):
        keygen_progress({"n": 2, "t": 1})


def test_admin_key_file_round_trips_and_bad_files_are_refused(tmp_path: Path) -> None:
    key = SigningKey.generate()
    good = tmp_path / "admin_ed25519.key"
    good.write_text(bytes(key).hex() + "\n")
    assert load_admin_key(good).verify_key == key.verify_key
    with pytest.raises(InvalidArgument):
        load_admin_key(tmp_path / "missing.key")
    assert not (tmp_path / "missing.key").exists()  # never created
    for bad in ("zz" * 32, "ab" * 31, "ab" * 200):
        (tmp_path / "bad.key").write_text(bad)
        with pytest.raises(InvalidEncoding):
            load_admin_key(tmp_path / "bad.key")
