"""Reference slice ``g1``: BN254 G1 on py_ecc's ``optimized_bn128`` (homogeneous projective
coordinates over its FQ class).

Points in and out are affine ``(x, y)`` int tuples or ``None`` for infinity; inputs are
assumed on the curve (the domain layer checks). Scalars are ints 0 <= k < 2^256; G1 has prime
order r, so reducing them mod r changes nothing and keeps py_ecc's recursion short.
"""

from py_ecc import optimized_bn128 as bn

Point = tuple[int, int] | None
R = bn.curve_order


def to_py_ecc(p: Point):
    """py_ecc's projective triple for ``p``."""
    if p is None:
        return bn.Z1
    return (bn.FQ(p[0]), bn.FQ(p[1]), bn.FQ.one())


def from_py_ecc(q) -> Point:
    """The affine point (None for infinity) of py_ecc's projective ``q``."""
    if bn.is_inf(q):
        return None
    x, y = bn.normalize(q)
    return (int(x), int(y))


def is_on_curve(p: Point) -> bool:
    if p is None:
        return True
    return bool(bn.is_on_curve(to_py_ecc(p), bn.b))


def add(p: Point, q: Point) -> Point:
    return from_py_ecc(bn.add(to_py_ecc(p), to_py_ecc(q)))


def add_affine(p: Point, q: Point) -> Point:
    return add(p, q)


def double(p: Point) -> Point:
    return from_py_ecc(bn.double(to_py_ecc(p)))


def neg(p: Point) -> Point:
    return from_py_ecc(bn.neg(to_py_ecc(p)))


def mul(p: Point, k: int) -> Point:
    return from_py_ecc(bn.multiply(to_py_ecc(p), k % R))


def batch_double_to_affine(points: list[Point]) -> list[Point]:
    return [double(p) for p in points]


def equal_jacobian(p: Point, q: Point) -> bool:
    """Whether 2p == p + q."""
    return bn.eq(bn.double(to_py_ecc(p)), bn.add(to_py_ecc(p), to_py_ecc(q)))


def is_infinity(p: Point) -> bool:
    return bool(bn.is_inf(to_py_ecc(p)))


def msm(points: list[Point], scalars: list[int]) -> Point:
    """Naive sum of products: slow and obviously right."""
    acc = bn.Z1
    for p, k in zip(points, scalars, strict=True):
        if p is not None and k % R:
            acc = bn.add(acc, bn.multiply(to_py_ecc(p), k % R))
    return from_py_ecc(acc)


def prepare(points: list[Point]) -> list[Point]:
    """In this backend a prepared point set is just the list."""
    return list(points)


def msm_prepared(prepared: list[Point], scalars: list[int]) -> Point:
    return msm(prepared, scalars)
