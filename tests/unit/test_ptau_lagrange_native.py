"""lagrange_points now runs the inverse NTT over the group in the backend's ``group_ntt``
slice (C in the native backend). Its results must equal the previous pure-Python
implementation, kept here verbatim in spirit as the oracle (radix-2 butterflies on G1 / G2
objects, then a separate 1/n scaling), and its size checks must hold at every layer."""

import random

import pytest

from zkvote._native import group_ntt as native
from zkvote._native.lib import ffi, lib
from zkvote._reference import group_ntt as reference
from zkvote.backend import use_backend
from zkvote.errors import InvalidArgument, InvalidPoint
from zkvote.field import FR_MODULUS, fr_inv
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.ntt import root_of_unity
from zkvote.snark.ptau import MAX_POWER, lagrange_points

R = FR_MODULUS


def old_lagrange_points(points, log_n):
    """The pure-Python implementation lagrange_points had before the C port."""
    kind, n = type(points[0]), 1 << log_n
    values = list(points) + [kind.identity()] * (n - len(points))
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            values[i], values[j] = values[j], values[i]
    w_inv = fr_inv(root_of_unity(log_n))
    size = 2
    while size <= n:
        half = size // 2
        step = pow(w_inv, n // size, R)
        for start in range(0, n, size):
            tw = 1
            for k in range(half):
                top, bottom = values[start + k], values[start + k + half] * tw
                values[start + k], values[start + k + half] = top + bottom, top - bottom
                tw = tw * step % R
        size *= 2
    n_inv = fr_inv(n)
    return [v * n_inv for v in values]


def _random_points(kind, count, seed, identities=()):
    rng = random.Random(seed)
    pts = [kind.generator() * rng.randrange(1, R) for _ in range(count)]
    for i in identities:
        pts[i] = kind.identity()
    return pts


@pytest.mark.parametrize("log_n", range(7))
def test_g1_lagrange_points_equal_the_old_python_code(log_n):
    n = 1 << log_n
    points = _random_points(G1, n, log_n, identities={0, n - 1} if n > 2 else ())
    assert lagrange_points(points, log_n) == old_lagrange_points(points, log_n)


@pytest.mark.parametrize("log_n", [0, 1, 2, 4, 6])
def test_g2_lagrange_points_equal_the_old_python_code(log_n):
    n = 1 << log_n
    points = _random_points(G2, n, 100 + log_n, identities={n // 2} if n > 1 else ())
    assert lagrange_points(points, log_n) == old_lagrange_points(points, log_n)


@pytest.mark.parametrize("kind", [G1, G2])
def test_short_input_is_padded_with_the_identity_like_the_old_code(kind):
    points = _random_points(kind, 5, 7)
    padded = points + [kind.identity()] * 3
    assert lagrange_points(points, 3) == old_lagrange_points(padded, 3)


def test_repeated_and_opposite_points_take_the_doubling_and_cancelling_paths():
    g = G1.generator()
    points = [g, g, -g, g, g * 2, -(g * 2), g, g]
    assert lagrange_points(points, 3) == old_lagrange_points(points, 3)
    h = G2.generator()
    assert lagrange_points([h, h, -h, h], 2) == old_lagrange_points([h, h, -h, h], 2)


@pytest.mark.parametrize("kind", [G1, G2])
def test_reference_backend_gives_the_same_points(kind):
    points = _random_points(kind, 4, 11, identities={2})
    native_out = lagrange_points(points, 2)
    with use_backend("reference"):
        assert lagrange_points(points, 2) == native_out


@pytest.mark.parametrize("threads", [1, 2, 3, 7, 64, 1024])
def test_any_thread_count_gives_the_same_points(threads):
    # 3 and 7 cut stages mid-twiddle (ranges of butterflies that share a twiddle); 1024 is
    # capped to n/2 threads in C.
    points = _random_points(G1, 32, 5, identities={4})
    expected = old_lagrange_points(points, 5)
    assert lagrange_points(points, 5, threads=threads) == expected
    h_points = _random_points(G2, 8, 6)
    assert lagrange_points(h_points, 3, threads=threads) == old_lagrange_points(h_points, 3)


@pytest.mark.parametrize("threads", [0, -1, 1025, 2.0, True])
def test_lagrange_points_reject_bad_thread_counts(threads):
    with pytest.raises(InvalidArgument):
        lagrange_points([G1.generator()], 1, threads=threads)


@pytest.mark.parametrize("slice_", [native, reference])
def test_both_slices_reject_bad_thread_counts(slice_):
    with pytest.raises(InvalidArgument):
        slice_.g1_lagrange([None], 1, threads=0)
    with pytest.raises(InvalidArgument):
        slice_.g2_lagrange([None], 1, threads=2000)


def test_lagrange_points_reject_log_n_above_the_largest_domain():
    with pytest.raises(InvalidArgument):
        lagrange_points([G1.generator()], MAX_POWER + 2)


@pytest.mark.parametrize("slice_", [native, reference])
def test_slices_reject_log_n_outside_0_to_28(slice_):
    with pytest.raises(InvalidArgument):
        slice_.g1_lagrange([None], 29)
    with pytest.raises(InvalidArgument):
        slice_.g2_lagrange([None], -1)


@pytest.mark.parametrize("slice_", [native, reference])
def test_slices_reject_more_points_than_the_domain(slice_):
    with pytest.raises(InvalidArgument):
        slice_.g1_lagrange([None, None, None], 1)
    with pytest.raises(InvalidArgument):
        slice_.g2_lagrange([None] * 5, 2)


def test_native_slice_rejects_a_tuple_off_the_curve():
    with pytest.raises(InvalidPoint):
        native.g1_lagrange([(1, 3)], 0)
    (x0, x1), (y0, y1) = G2.generator().to_affine()
    with pytest.raises(InvalidPoint):
        native.g2_lagrange([((x0, x1), (y0, y1 ^ 1))], 0)


def test_c_functions_reject_bad_sizes_with_bad_argument():
    one = ffi.new("zkv_g1_affine[]", 4)
    two = ffi.new("zkv_g2_affine[]", 4)
    assert lib.zkv_g1_lagrange_vartime(one, one, 3, 1, 1, ffi.NULL) == lib.ZKV_BAD_ARGUMENT
    assert lib.zkv_g2_lagrange_vartime(two, two, 3, 1, 1, ffi.NULL) == lib.ZKV_BAD_ARGUMENT
    assert lib.zkv_g1_lagrange_vartime(one, one, 1, 29, 1, ffi.NULL) == lib.ZKV_BAD_ARGUMENT
    assert lib.zkv_g1_intt_vartime(ffi.new("zkv_g1[]", 1), 29, 1) == lib.ZKV_BAD_ARGUMENT
    assert lib.zkv_g2_intt_vartime(ffi.new("zkv_g2[]", 1), 29, 1) == lib.ZKV_BAD_ARGUMENT
    assert lib.zkv_g1_lagrange_scratch_sizeof(29) == 0
    assert lib.zkv_g2_lagrange_scratch_sizeof(29) == 0
