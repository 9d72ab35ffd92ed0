"""zkvote.babyjub: known vectors (circomlib) on both backends, and the Point API's behaviour."""

import pickle

import pytest

from zkvote.babyjub import BASE8, COFACTOR, GENERATOR, ORDER, Point
from zkvote.backend import use_backend
from zkvote.field import FR_MODULUS

BACKENDS = pytest.mark.parametrize("backend", ["native", "reference"])

# circomlib test/babyjub.js: "should add 2 same numbers" and "should pack a point"
CIRCOMLIB_P = (
    17777552123799933955779906779655732241715742912184938656739573121738514868268,
    2626589144620713026669568689430873010625803728049924121243784502389097019475,
)
CIRCOMLIB_2P = (
    6890855772600357754907169075114257697580319025794532037257385534741338397365,
    4338620300185947561074059802482547481416142213883829469920100239455078257889,
)
CIRCOMLIB_P_PACKED = "53b81ed5bffe9545b54016234682e7b2f699bd42a5e9eae27ff4051bc698ce85"


@BACKENDS
def test_eight_times_generator_is_base8(backend):
    with use_backend(backend):
        g = Point.from_affine(*GENERATOR, subgroup=False)
        assert g.mul(COFACTOR) == Point.base8()
        assert g.mul_secret(COFACTOR) == Point.base8()
        assert not g.is_in_subgroup()


@BACKENDS
def test_order_times_base8_is_identity(backend):
    with use_backend(backend):
        assert Point.base8().mul(ORDER).is_identity()
        assert Point.base8().mul_secret(ORDER).is_identity()
        assert Point.mul_base8(ORDER).is_identity()
        assert not Point.base8().mul(ORDER - 1).is_identity()


@BACKENDS
def test_circomlib_doubling_vector(backend):
    with use_backend(backend):
        p = Point.from_affine(*CIRCOMLIB_P, subgroup=False)
        assert (p + p).to_affine() == CIRCOMLIB_2P
        assert p.double().to_affine() == CIRCOMLIB_2P


@BACKENDS
def test_circomlib_pack_vector(backend):
    with use_backend(backend):
        p = Point.from_affine(*CIRCOMLIB_P, subgroup=False)
        assert p.pack().hex() == CIRCOMLIB_P_PACKED
        assert Point.unpack(bytes.fromhex(CIRCOMLIB_P_PACKED), subgroup=False) == p


@BACKENDS
def test_pack_sets_the_sign_bit_exactly_when_x_is_above_half_r(backend):
    with use_backend(backend):
        for k in range(1, 40):
            p = Point.base8().mul(k)
            assert (p.pack()[31] >> 7) == (p.x > (FR_MODULUS - 1) // 2)
            assert Point.unpack(p.pack()) == p


def test_identity_and_base8_constructors():
    assert Point.identity().to_affine() == (0, 1)
    assert Point.identity().is_identity() and Point.identity().is_in_subgroup()
    assert Point.base8().to_affine() == BASE8
    assert Point.base8().is_in_subgroup()


def test_points_are_immutable_and_have_no_public_constructor():
    p = Point.base8()
    with pytest.raises(AttributeError):
        p._x = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.x = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point()


def test_equality_and_hash_follow_coordinates():
    a = Point.base8().mul(5)
    b = Point.base8().mul(2) + Point.base8().mul(3)
    assert a == b and hash(a) == hash(b)
    assert a != Point.base8()
    assert len({a, b, Point.base8()}) == 2
    assert a != a.to_affine()  # a Point is not a tuple


def test_negation_and_subtraction():
    p = Point.base8().mul(1234)
    assert (p - p).is_identity()
    assert (-p).to_affine() == ((FR_MODULUS - p.x) % FR_MODULUS, p.y)
    assert p + (-p) == Point.identity()


def test_public_scalars_are_reduced_mod_the_group_order():
    p = Point.base8().mul(99)
    assert p.mul(-1) == -p
    assert p.mul(7 + ORDER) == p.mul(7)
    g = Point.from_affine(*GENERATOR, subgroup=False)
    assert g.mul(3 + 8 * ORDER) == g.mul(3)
    assert g.mul(ORDER) != Point.identity()  # GENERATOR's order is 8*ORDER


def test_secret_scalar_multiplication_agrees_with_public_and_fixed_base():
    k = 0x1234_5678_9ABC_DEF0 << 180 | 0xFEDC_BA98
    assert Point.base8().mul_secret(k) == Point.base8().mul(k) == Point.mul_base8(k)
    assert Point.mul_base8(0).is_identity()
    assert Point.base8().mul_secret(2**256 - 1) == Point.base8().mul((2**256 - 1) % ORDER)


def test_msm_equals_sum_of_products():
    points = [Point.base8().mul(i + 1) for i in range(5)]
    scalars = [3, 0, 2**200, ORDER - 1, -1]
    expected = Point.identity()
    for p, k in zip(points, scalars, strict=True):
        expected = expected + p.mul(k)
    assert Point.msm(points, scalars) == expected
    assert Point.msm([], []).is_identity()


def test_bytes_round_trip_is_x_then_y_little_endian():
    p = Point.base8().mul(42)
    b = p.to_bytes()
    assert b == p.x.to_bytes(32, "little") + p.y.to_bytes(32, "little")
    assert Point.from_bytes(b) == p


def test_pickle_round_trip():
    p = Point.base8().mul(7)
    assert pickle.loads(pickle.dumps(p)) == p


@BACKENDS
def test_subgroup_check_can_be_skipped_for_mixed_order_points(backend):
    with use_backend(backend):
        t2 = Point.from_affine(0, FR_MODULUS - 1, subgroup=False)  # order 2
        mixed = Point.base8() + t2
        assert not mixed.is_in_subgroup()
        assert Point.from_affine(*mixed.to_affine(), subgroup=False) == mixed
        assert mixed.mul(2 * ORDER).is_identity()
