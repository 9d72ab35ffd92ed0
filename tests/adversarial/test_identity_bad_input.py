"""Identities refuse bad keys, malformed exports and bad scopes."""

import pytest

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.identity import Identity


@pytest.mark.parametrize("key", [123, 1.5, ["k"], object()])
def test_private_key_of_wrong_type_is_rejected(key):
    with pytest.raises(InvalidEncoding):
        Identity(key)


@pytest.mark.parametrize("key", [b"", ""])
def test_empty_private_key_is_rejected(key):
    with pytest.raises(InvalidArgument):
        Identity(key)


@pytest.mark.parametrize("exported", ["not base64!", "c2VjcmV0=", "c2VjcmV", "c2Vj cmV0", "", 42])
def test_malformed_export_is_rejected(exported):
    with pytest.raises((InvalidEncoding, InvalidArgument)):
        Identity.import_(exported)


@pytest.mark.parametrize("scope", [FR_MODULUS, -1])
def test_scope_outside_fr_is_rejected(scope):
    with pytest.raises(FieldRangeError):
        Identity("k").nullifier(scope)


def test_scope_of_wrong_type_is_rejected():
    with pytest.raises(InvalidEncoding):
        Identity("k").nullifier("1")


def test_loading_a_corrupted_key_file_is_rejected(tmp_path):
    path = tmp_path / "key"
    path.write_text("%%%\n")
    with pytest.raises(InvalidEncoding):
        Identity.load(path)


def test_save_does_not_follow_into_an_existing_path(tmp_path):
    target = tmp_path / "key"
    target.write_text("precious")
    with pytest.raises(FileExistsError):
        Identity().save(target)
    assert target.read_text() == "precious"
