"""Hostile ciphertexts, proofs and point tables: every malformed encoding is refused with a
specific error, never accepted or turned into a crash."""

import pytest

from zkvote import elgamal
from zkvote._reference import babyjub as ref
from zkvote.babyjub import GENERATOR, ORDER, Point
from zkvote.elgamal import Ciphertext
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FR_MODULUS
from zkvote.sigma import DLEQProof, SchnorrProof

_, PK = elgamal.keygen()
GOOD = elgamal.encrypt(PK, 1)[0].to_json()
T8 = ref.mul(GENERATOR, ORDER)  # a point of order 8
MIXED = ref.add(ref.BASE8, T8)  # on the curve, outside the prime-order subgroup


def with_c1(point):
    return [point, GOOD[1]]


def dec(p):
    return [str(p[0]), str(p[1])]


def test_off_curve_point_in_a_ciphertext_is_refused():
    with pytest.raises(InvalidPoint):
        Ciphertext.from_json(with_c1(["1", "2"]))


@pytest.mark.parametrize("point", [T8, MIXED], ids=["small-order", "mixed-order"])
def test_point_outside_the_subgroup_in_a_ciphertext_is_refused(point):
    with pytest.raises(NotInSubgroup):
        Ciphertext.from_json(with_c1(dec(point)))


def test_coordinate_not_below_r_is_refused():
    x, y = GOOD[0]
    with pytest.raises(FieldRangeError):
        Ciphertext.from_json(with_c1([str(int(x) + FR_MODULUS), y]))


@pytest.mark.parametrize("coordinate", ["01", "+1", " 1", "0x1", "1e3", "", "١", 1, None])
def test_non_canonical_decimal_is_refused(coordinate):
    with pytest.raises(InvalidEncoding):
        Ciphertext.from_json(with_c1([coordinate, GOOD[0][1]]))


@pytest.mark.parametrize("data", [GOOD[:1], GOOD + GOOD[:1], [GOOD[0] + ["1"], GOOD[1]],
                                  {"c1": GOOD[0], "c2": GOOD[1]}, "[[1, 2], [3, 4]]", None])
def test_ciphertext_of_the_wrong_shape_is_refused(data):
    with pytest.raises(InvalidEncoding):
        Ciphertext.from_json(data)


@pytest.mark.parametrize("cls, data", [
    (DLEQProof, {"challenge": str(ORDER), "response": "1"}),
    (DLEQProof, {"challenge": "1", "response": str(ORDER + 5)}),
    (SchnorrProof, {"commitment": GOOD[0], "response": str(ORDER)}),
])
def test_proof_scalar_not_below_l_is_refused(cls, data):
    with pytest.raises(FieldRangeError):
        cls.from_json(data)


@pytest.mark.parametrize("cls, data", [
    (DLEQProof, {"challenge": "1", "response": "1", "extra": "0"}),
    (DLEQProof, {"challenge": "1"}),
    (SchnorrProof, {"commitment": GOOD[0], "response": "1", "version": 1}),
    (SchnorrProof, ["commitment", "response"]),
])
def test_proof_with_unknown_or_missing_fields_is_refused(cls, data):
    with pytest.raises(InvalidEncoding):
        cls.from_json(data)


def test_schnorr_commitment_outside_the_subgroup_is_refused():
    with pytest.raises(NotInSubgroup):
        SchnorrProof.from_json({"commitment": dec(T8), "response": "1"})


def test_packed_point_table_of_the_wrong_length_or_type_is_refused():
    raw = Point.base8().to_bytes()
    with pytest.raises(InvalidArgument):
        Point.sum_packed(raw * 3, 2)
    with pytest.raises(InvalidArgument):
        Point.sum_packed(raw[:-1])
    with pytest.raises(InvalidEncoding):
        Point.sum_packed(list(raw))
    with pytest.raises(InvalidEncoding):
        Point.sum([Point.base8(), (1, 2)])


def test_packed_point_off_the_curve_is_named_by_index():
    raw = Point.base8().to_bytes()
    with pytest.raises(InvalidPoint, match="point 1"):
        Point.sum_packed(raw + (1).to_bytes(32, "little") * 2)


def test_ciphertext_holding_non_points_is_refused():
    with pytest.raises(InvalidEncoding):
        Ciphertext((1, 2), Point.base8())
