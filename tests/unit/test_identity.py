"""Semaphore v4 identities: derivation, nullifiers, export/import, safe storage, no leaks."""

import os
import stat

import pytest

from zkvote.identity import Identity
from zkvote.poseidon import poseidon2

# @semaphore-protocol/identity 4.14.3: new Identity("secret") (tests/interop has more)
SECRET_COMMITMENT_FIXTURE = "tests/interop/fixtures/identity.json"


def test_commitment_is_poseidon_of_the_public_key():
    ident = Identity("secret")
    assert ident.commitment == poseidon2(*ident.public_key)


def test_nullifier_is_poseidon_of_scope_and_secret_and_differs_per_scope():
    ident = Identity(b"k")
    assert ident.nullifier(5) == poseidon2(5, ident.secret_scalar)
    assert ident.nullifier(5) != ident.nullifier(6)


def test_random_identities_differ():
    assert Identity().commitment != Identity().commitment


def test_export_import_round_trip():
    ident = Identity("secret")
    assert ident.export() == "c2VjcmV0"  # base64("secret"), as Semaphore exports it
    again = Identity.import_(ident.export())
    assert again == ident and again.commitment == ident.commitment


def test_repr_and_str_show_no_secret():
    ident = Identity("a very secret key")
    for text in (repr(ident), str(ident)):
        assert "secret" not in text
        assert str(ident.secret_scalar) not in text
        assert ident.export() not in text


def test_identity_cannot_be_pickled_by_accident():
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Identity())


def test_save_creates_a_0600_file_and_load_restores(tmp_path):
    ident = Identity()
    path = tmp_path / "member.key"
    ident.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Identity.load(path) == ident
    assert [p.name for p in tmp_path.iterdir()] == ["member.key"]  # no temp file left


def test_save_refuses_to_overwrite_unless_asked(tmp_path):
    path = tmp_path / "member.key"
    first, second = Identity(), Identity()
    first.save(path)
    with pytest.raises(FileExistsError):
        second.save(path)
    assert Identity.load(path) == first
    second.save(path, overwrite=True)
    assert Identity.load(path) == second
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
