"""Reference discrete-log slice: baby-step giant-step with a Python dict.

The same search as the native slice (table of y(j*base) for j <= 2^baby_bits, giant stride
2^(baby_bits+1)), written independently on the reference curve arithmetic. Slow: meant for
small tables (baby_bits <= ~14) in tests.
"""

from zkvote._reference import babyjub as bjj
from zkvote.errors import DiscreteLogNotFound, InvalidArgument, NotInSubgroup

Point = tuple[int, int]
MAX_GIANT = 1 << 24


class Table:
    """y-coordinate -> smallest j with y(j*base) = y."""

    __slots__ = ("baby_bits", "base", "by_y", "stride_neg")

    def __init__(self, base: Point, baby_bits: int) -> None:
        self.base = base
        self.baby_bits = baby_bits
        self.by_y: dict[int, int] = {}
        acc = bjj.IDENTITY
        for j in range((1 << baby_bits) + 1):
            self.by_y.setdefault(acc[1], j)
            acc = bjj.add(acc, base)
        self.stride_neg = bjj.neg(bjj.mul(base, 1 << (baby_bits + 1)))


def table_new(base: Point, baby_bits: int) -> Table:
    """Build the table of j*base, j <= 2^baby_bits (baby_bits in 1..30)."""
    if not 1 <= baby_bits <= 30:
        raise InvalidArgument("BSGS baby_bits must be in 1..30")
    if tuple(base) == bjj.IDENTITY:
        raise InvalidArgument("BSGS base must not be the identity")
    if not bjj.is_in_subgroup(base):
        raise NotInSubgroup("BSGS base point not in the prime-order subgroup")
    return Table(tuple(base), baby_bits)


def solve(table: Table, h: Point, bound: int) -> int:
    """m with h = m*base and 0 <= m < bound; DiscreteLogNotFound if none."""
    if bound <= 0:
        raise DiscreteLogNotFound("discrete log: empty range")
    n = 1 << table.baby_bits
    stride = 2 * n
    imax = (bound - 1 + n) // stride
    if imax >= MAX_GIANT:
        raise InvalidArgument("discrete log: bound too large for this table")
    cur = tuple(h)
    for i in range(imax + 1):
        j = table.by_y.get(cur[1])
        if j is not None:
            jg = bjj.mul(table.base, j)
            # h - i*S*g = +-j*g decides the sign; the log is unique mod ORDER.
            if cur == jg:
                m = i * stride + j
            elif cur == bjj.neg(jg):
                m = i * stride - j
            else:
                m = None
            if m is not None:
                if 0 <= m < bound:
                    return m
                raise DiscreteLogNotFound("discrete log not in range")
        cur = bjj.add(cur, table.stride_neg)
    raise DiscreteLogNotFound("discrete log not in range")
