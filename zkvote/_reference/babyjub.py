"""Reference BabyJubJub: affine twisted Edwards arithmetic in pure Python on gmpy2.

Points are ``(x, y)`` tuples of ints (the identity is ``(0, 1)``). Inputs are assumed to be on
the curve with coordinates below r (the domain module checks); nothing here is constant-time.
This is an independent implementation to check the C core against: it shares no code with it.
"""

from gmpy2 import invert, legendre, mpz, powmod

from zkvote.errors import FieldRangeError, InvalidArgument, InvalidEncoding, InvalidPoint

R = mpz(21888242871839275222246405745257275088548364400416034343698204186575808495617)
A = mpz(168700)
D = mpz(168696)
ORDER = mpz(2736030358979909402780800718157159386076813972158567259200215660948447373041)
HALF_R = (R - 1) // 2
IDENTITY = (0, 1)
BASE8 = (
    5299619240641551281634865583518297030282874472190772894086521144482721001553,
    16950150798460657717958625567821834550301663161624707787222815936182638968203,
)

Point = tuple[int, int]


def _add(p: tuple[mpz, mpz], q: tuple[mpz, mpz]) -> tuple[mpz, mpz]:
    # The unified law; its denominators never vanish because a is a square and d is not.
    x1, y1 = p
    x2, y2 = q
    t = D * x1 * x2 * y1 * y2 % R
    x3 = (x1 * y2 + y1 * x2) * invert(1 + t, R) % R
    y3 = (y1 * y2 - A * x1 * x2) * invert(1 - t, R) % R
    return x3, y3


def _mul(p: Point, k: int) -> tuple[mpz, mpz]:
    acc = (mpz(0), mpz(1))
    base = (mpz(p[0]), mpz(p[1]))
    for bit in bin(k)[2:]:
        acc = _add(acc, acc)
        if bit == "1":
            acc = _add(acc, base)
    return acc


def _out(p: tuple[mpz, mpz]) -> Point:
    return int(p[0]), int(p[1])


def add(p: Point, q: Point) -> Point:
    """p + q."""
    return _out(_add((mpz(p[0]), mpz(p[1])), (mpz(q[0]), mpz(q[1]))))


def double(p: Point) -> Point:
    """2p."""
    return add(p, p)


def neg(p: Point) -> Point:
    """-p = (-x, y)."""
    return int(-p[0] % R), int(p[1])


def mul(p: Point, k: int) -> Point:
    """k*p for 0 <= k < 2^256 (the native version is constant-time; this one is not)."""
    return _out(_mul(p, k))


def mul_vartime(p: Point, k: int) -> Point:
    """k*p for 0 <= k < 2^256, public k."""
    return _out(_mul(p, k))


def mul_base8(k: int) -> Point:
    """k*Base8 for 0 <= k < 2^256."""
    return _out(_mul(BASE8, k))


def msm(points: list[Point], scalars: list[int]) -> Point:
    """sum scalars[i]*points[i]; scalars in [0, 2^256)."""
    if len(points) != len(scalars):
        raise InvalidArgument("msm: points and scalars differ in length")
    acc = (mpz(0), mpz(1))
    for p, k in zip(points, scalars, strict=True):
        acc = _add(acc, _mul(p, k))
    return _out(acc)


def is_on_curve(p: Point) -> bool:
    """a*x^2 + y^2 == 1 + d*x^2*y^2 (coordinates assumed < r)."""
    x2 = mpz(p[0]) ** 2 % R
    y2 = mpz(p[1]) ** 2 % R
    return (A * x2 + y2 - 1 - D * x2 * y2) % R == 0


def is_in_subgroup(p: Point) -> bool:
    """ORDER*p == identity (p assumed on the curve)."""
    return _out(_mul(p, int(ORDER))) == IDENTITY


def equal(p: Point, q: Point) -> bool:
    """Affine equality."""
    return (int(p[0]), int(p[1])) == (int(q[0]), int(q[1]))


def pack(p: Point) -> bytes:
    """circomlib packPoint: little-endian y, bit 255 set when x > (r-1)/2."""
    out = bytearray(int(p[1]).to_bytes(32, "little"))
    if p[0] > HALF_R:
        out[31] |= 0x80
    return bytes(out)


def unpack(b: bytes) -> Point:
    """circomlib unpackPoint with strict checks (not the subgroup).

    Raises InvalidEncoding (not 32 bytes, or the sign bit set on x = 0: a second encoding of
    the same point, which circomlib would accept), FieldRangeError (y >= r), InvalidPoint (no
    curve point has this y).
    """
    if len(b) != 32:
        raise InvalidEncoding("packed BabyJubJub point: expected 32 bytes")
    sign = b[31] >> 7
    y = mpz(int.from_bytes(b[:31] + bytes([b[31] & 0x7F]), "little"))
    if y >= R:
        raise FieldRangeError("packed BabyJubJub point: y not below r")
    y2 = y * y % R
    x2 = (1 - y2) * invert((A - D * y2) % R, R) % R
    if legendre(x2, R) == -1:
        raise InvalidPoint("packed BabyJubJub point: no curve point has this y")
    x = _sqrt(x2)
    if x > HALF_R:
        x = R - x
    if sign:
        if x == 0:
            raise InvalidEncoding("packed BabyJubJub point: sign bit set on x = 0")
        x = R - x
    return int(x), int(y)


def _sqrt(a: mpz) -> mpz:
    # Tonelli-Shanks: r - 1 = 2^28 * q.
    if a == 0:
        return mpz(0)
    s, q = 0, R - 1
    while q % 2 == 0:
        s, q = s + 1, q // 2
    z = mpz(5)  # a quadratic non-residue mod r
    m, c, t, x = s, powmod(z, q, R), powmod(a, q, R), powmod(a, (q + 1) // 2, R)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2, i = t2 * t2 % R, i + 1
        b = powmod(c, 1 << (m - i - 1), R)
        m, c, t, x = i, b * b % R, t * b * b % R, x * b % R
    return x


def sum_columns(raw: bytes, rows: int, cols: int) -> list[Point]:
    """Column sums of a row-major rows x cols table of 64-byte points (x || y little-endian):
    out[c] = sum_r point[r][c]; each point checked canonical (FieldRangeError) and on the curve
    (InvalidPoint), not the subgroup."""
    if cols < 1 or rows < 0 or len(raw) != 64 * rows * cols:
        raise InvalidArgument("sum_columns: need cols >= 1 and 64 * rows * cols bytes")
    acc = [(mpz(0), mpz(1)) for _ in range(cols)]
    for i in range(rows * cols):
        x = int.from_bytes(raw[64 * i:64 * i + 32], "little")
        y = int.from_bytes(raw[64 * i + 32:64 * i + 64], "little")
        if x >= R or y >= R:
            raise FieldRangeError(f"BabyJubJub point {i}: field element not below the modulus")
        if not is_on_curve((x, y)):
            raise InvalidPoint(f"BabyJubJub point {i}: point not on the curve")
        acc[i % cols] = _add(acc[i % cols], (mpz(x), mpz(y)))
    return [_out(a) for a in acc]
