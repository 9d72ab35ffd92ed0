"""zkv_g2_batch_to_affine: one shared inversion normalises many Jacobian points."""

from zkvote._native import g2 as native_g2
from zkvote._native.lib import ffi, lib
from zkvote._reference import g2 as reference_g2

GEN = reference_g2.from_py_ecc(reference_g2.bn.G2)


def test_batch_normalisation_matches_one_by_one_and_keeps_identities():
    points = [native_g2.mul(GEN, k) for k in (3, 5, 7)]
    jac = ffi.new("zkv_g2[]", 5)
    lib.zkv_g2_from_affine(jac + 0, native_g2._affine(points[0]))
    lib.zkv_g2_double(jac + 1, jac + 0)  # z != 1, so the inversion matters
    lib.zkv_g2_from_affine(jac + 2, native_g2._affine(None))  # the identity in the middle
    lib.zkv_g2_from_affine(jac + 3, native_g2._affine(points[1]))
    lib.zkv_g2_add(jac + 4, jac + 1, jac + 3)
    out = ffi.new("zkv_g2_affine[]", 5)
    lib.zkv_g2_batch_to_affine(out, jac, 5, ffi.new("zkv_fq2[]", 5))
    for i in range(5):
        one = ffi.new("zkv_g2_affine *")
        lib.zkv_g2_to_affine(one, jac + i)
        assert bytes(ffi.buffer(out + i)) == bytes(ffi.buffer(one))
    assert native_g2.decode_jacobian(jac + 2) is None
    assert not any(bytes(ffi.buffer(out + 2)))
