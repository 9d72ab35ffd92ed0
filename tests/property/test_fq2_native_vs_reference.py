"""Differential tests: the native Fq2 product, squaring, multiplication by xi = 9 + u and the
variable-time inversions against py_ecc / gmpy2.

The native Fq2 code keeps 512-bit products unreduced and reduces once per coefficient, so the
edge cases are in the Montgomery limbs the C code sees: each operand is drawn either as a
field element or as a raw Montgomery limb value (0, 1, p - 1, p - 2, values just below p and
around 2^253, where the lazy sums come closest to their bounds).
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native.lib import ffi, lib
from zkvote._reference import fields as reference
from zkvote._reference.g2 import bn

P = int(reference.FQ)
R_INV = pow(2**256, -1, P)  # a Montgomery limb value L stands for L / 2^256 mod p

SETTINGS = settings(max_examples=300, deadline=None)

_EDGE_LIMBS = [0, 1, 2, P - 1, P - 2, P - 2**64, 2**253, 2**253 - 1, 2**253 + 1, 2**252, P // 2]
limb_values = st.one_of(
    st.sampled_from(_EDGE_LIMBS),
    st.integers(min_value=0, max_value=P - 1),
    st.integers(min_value=P - 2**128, max_value=P - 1),
)
# an Fq element given by its Montgomery limbs, or by value (then edge values of the value)
fq_values = st.one_of(
    limb_values.map(lambda limbs: limbs * R_INV % P),
    st.sampled_from([0, 1, 2, P - 1, P - 2]),
    st.integers(min_value=0, max_value=P - 1),
)
fq2_values = st.tuples(fq_values, fq_values)


def _set_fq(ptr, x: int) -> None:
    assert lib.zkv_fq_from_bytes(ptr, x.to_bytes(32, "little")) == lib.ZKV_OK


def _get_fq(ptr) -> int:
    buf = ffi.new("uint8_t[32]")
    lib.zkv_fq_to_bytes(buf, ptr)
    return int.from_bytes(bytes(buf), "little")


def _limbs(ptr) -> int:
    return sum(int(ptr.l[i]) << (64 * i) for i in range(4))


def _to_native(a: tuple[int, int]):
    out = ffi.new("zkv_fq2 *")
    _set_fq(ffi.addressof(out[0], "c0"), a[0])
    _set_fq(ffi.addressof(out[0], "c1"), a[1])
    return out


def _from_native(v) -> tuple[int, int]:
    c0, c1 = ffi.addressof(v[0], "c0"), ffi.addressof(v[0], "c1")
    # canonical Montgomery limbs: every caller compares limbs, so < p is part of the contract
    assert _limbs(c0) < P and _limbs(c1) < P
    return _get_fq(c0), _get_fq(c1)


def _ref(a: tuple[int, int]):
    return bn.FQ2([a[0], a[1]])


def _ref_ints(x) -> tuple[int, int]:
    return int(x.coeffs[0]), int(x.coeffs[1])


@SETTINGS
@given(fq2_values, fq2_values)
def test_fq2_mul_matches_reference(a, b):
    out = ffi.new("zkv_fq2 *")
    lib.zkv_fq2_mul(out, _to_native(a), _to_native(b))
    assert _from_native(out) == _ref_ints(_ref(a) * _ref(b))


@SETTINGS
@given(fq2_values, fq2_values)
def test_fq2_mul_and_sqr_allow_output_aliasing_input(a, b):
    x, y = _to_native(a), _to_native(b)
    out = ffi.new("zkv_fq2 *")
    lib.zkv_fq2_mul(out, x, y)
    lib.zkv_fq2_mul(x, x, y)
    lib.zkv_fq2_sqr(y, y)
    assert _from_native(x) == _from_native(out)
    assert _from_native(y) == _ref_ints(_ref(b) * _ref(b))


@SETTINGS
@given(fq2_values)
def test_fq2_sqr_matches_reference(a):
    out = ffi.new("zkv_fq2 *")
    lib.zkv_fq2_sqr(out, _to_native(a))
    assert _from_native(out) == _ref_ints(_ref(a) * _ref(a))


@SETTINGS
@given(fq_values)
def test_fq_inv_vartime_matches_reference(a):
    x, out = ffi.new("zkv_fq *"), ffi.new("zkv_fq *")
    _set_fq(x, a)
    rc = lib.zkv_fq_inv_vartime(out, x)
    if a == 0:
        assert rc == lib.ZKV_NOT_INVERTIBLE and _get_fq(out) == 0
    else:
        assert rc == lib.ZKV_OK
        assert _limbs(out) < P
        assert _get_fq(out) == reference.fq_inv(a)


@SETTINGS
@given(fq2_values)
def test_fq2_inv_vartime_matches_reference(a):
    out = ffi.new("zkv_fq2 *")
    rc = lib.zkv_fq2_inv_vartime(out, _to_native(a))
    if a == (0, 0):
        assert rc == lib.ZKV_NOT_INVERTIBLE and _from_native(out) == (0, 0)
    else:
        assert rc == lib.ZKV_OK
        assert _from_native(out) == _ref_ints(_ref(a).inv())


def test_fq_inv_vartime_of_zero_and_one_limb_patterns():
    """Zero is refused; Montgomery limbs equal to 2^k, a single bit in every position the
    254-bit limbs can hold, invert correctly (the binary GCD runs on those limbs)."""
    x, out = ffi.new("zkv_fq *"), ffi.new("zkv_fq *")
    assert lib.zkv_fq_inv_vartime(out, x) == lib.ZKV_NOT_INVERTIBLE
    for k in range(254):
        value = (1 << k) * R_INV % P
        _set_fq(x, value)
        assert _limbs(x) == 1 << k
        assert lib.zkv_fq_inv_vartime(out, x) == lib.ZKV_OK
        assert _limbs(out) < P
        assert _get_fq(out) * value % P == 1


@SETTINGS
@given(fq2_values)
def test_fq2_mul_by_xi_matches_reference(a):
    x, out = _to_native(a), ffi.new("zkv_fq2 *")
    lib.zkv_fq2_mul_by_xi(out, x)
    expected = _ref_ints(_ref(a) * bn.FQ2([9, 1]))
    assert _from_native(out) == expected
    lib.zkv_fq2_mul_by_xi(x, x)
    assert _from_native(x) == expected
