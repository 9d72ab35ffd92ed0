"""EdDSA-Poseidon verification refuses malformed signatures and keys with specific errors."""

import pytest

from zkvote import eddsa
from zkvote.errors import FieldRangeError, InvalidEncoding, InvalidPoint, NotInSubgroup
from zkvote.field import FR_MODULUS

KEY = b"adversarial"
PUB = eddsa.derive_public_key(KEY)
SIG = eddsa.sign(KEY, 5)
# A point of order 2 on BabyJubJub: on the curve, outside the prime-order subgroup.
ORDER_TWO = (0, FR_MODULUS - 1)


def test_s_not_below_the_subgroup_order_is_rejected():
    for s in (eddsa.SUBGROUP_ORDER, SIG.S + eddsa.SUBGROUP_ORDER, 2**256):
        with pytest.raises(FieldRangeError):
            eddsa.verify(5, eddsa.Signature(SIG.R8, s), PUB)


def test_r8_off_the_curve_is_rejected():
    with pytest.raises(InvalidPoint):
        eddsa.verify(5, eddsa.Signature((1, 2), SIG.S), PUB)


def test_r8_outside_the_subgroup_is_rejected():
    with pytest.raises(NotInSubgroup):
        eddsa.verify(5, eddsa.Signature(ORDER_TWO, SIG.S), PUB)


def test_public_key_with_small_order_component_is_rejected():
    from zkvote.backend import impl

    with pytest.raises(NotInSubgroup):
        eddsa.verify(5, SIG, impl("babyjub").add(PUB, ORDER_TWO))


def test_identity_public_key_is_rejected():
    with pytest.raises(InvalidPoint):
        eddsa.verify(5, SIG, (0, 1))


@pytest.mark.parametrize("coord", [FR_MODULUS, -1])
def test_coordinates_outside_fr_are_rejected(coord):
    with pytest.raises(FieldRangeError):
        eddsa.verify(5, eddsa.Signature((coord, SIG.R8[1]), SIG.S), PUB)


@pytest.mark.parametrize("message", [FR_MODULUS, -1])
def test_message_outside_fr_is_rejected(message):
    with pytest.raises(FieldRangeError):
        eddsa.sign(KEY, message)
    with pytest.raises(FieldRangeError):
        eddsa.verify(message, SIG, PUB)


@pytest.mark.parametrize("sig", [None, (SIG.R8, SIG.S), "sig"])
def test_signature_of_wrong_type_is_rejected(sig):
    with pytest.raises(InvalidEncoding):
        eddsa.verify(5, sig, PUB)


@pytest.mark.parametrize("pub", [None, (1,), (1, 2, 3), "pk"])
def test_public_key_of_wrong_shape_is_rejected(pub):
    with pytest.raises(InvalidEncoding):
        eddsa.verify(5, SIG, pub)


def test_packed_signature_of_wrong_length_or_bad_s_is_rejected():
    packed = SIG.pack()
    with pytest.raises(InvalidEncoding):
        eddsa.Signature.unpack(packed[:63])
    with pytest.raises(FieldRangeError):
        eddsa.Signature.unpack(packed[:32] + eddsa.SUBGROUP_ORDER.to_bytes(32, "little"))


@pytest.mark.parametrize("key", [None, 12345, ["k"]])
def test_private_key_of_wrong_type_is_rejected(key):
    with pytest.raises(InvalidEncoding):
        eddsa.sign(key, 1)
