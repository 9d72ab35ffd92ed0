"""EdDSA-Poseidon: sign/verify round trips, determinism, packing."""

import pytest

from zkvote import eddsa
from zkvote.field import FR_MODULUS


def test_signature_verifies_and_is_deterministic():
    sig = eddsa.sign(b"key", 42)
    assert sig == eddsa.sign(b"key", 42)
    assert eddsa.verify(42, sig, eddsa.derive_public_key(b"key"))


def test_signature_does_not_verify_for_another_message_or_key():
    sig = eddsa.sign(b"key", 42)
    assert not eddsa.verify(43, sig, eddsa.derive_public_key(b"key"))
    assert not eddsa.verify(42, sig, eddsa.derive_public_key(b"other"))


def test_tampered_s_does_not_verify():
    sig = eddsa.sign(b"key", 7)
    bad = eddsa.Signature(sig.R8, (sig.S + 1) % eddsa.SUBGROUP_ORDER)
    assert not eddsa.verify(7, bad, eddsa.derive_public_key(b"key"))


@pytest.mark.parametrize("message", [0, 1, FR_MODULUS - 1])
def test_pack_unpack_round_trip(message):
    sig = eddsa.sign("text key", message)
    assert eddsa.Signature.unpack(sig.pack()) == sig


def test_text_key_is_its_utf8_bytes():
    assert eddsa.derive_secret_scalar("é") == eddsa.derive_secret_scalar("é".encode())


def test_secret_scalar_is_below_the_subgroup_order():
    assert 0 < eddsa.derive_secret_scalar(b"\x00") < eddsa.SUBGROUP_ORDER
