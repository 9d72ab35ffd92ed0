"""Native discrete-log slice: baby-step giant-step tables over zkv_bsgs_*.

A table is an opaque object from :func:`table_new`; it owns a C buffer of
``zkv_bsgs_table_sizeof(baby_bits)`` bytes (2^(baby_bits+1) * 8 bytes plus a small header).
"""

from zkvote._native.lib import check, ffi, int_to_le32, lib

Point = tuple[int, int]


class Table:
    """A built BSGS table for one base point (keeps its C buffer alive)."""

    __slots__ = ("baby_bits", "base", "buf")

    def __init__(self, base: Point, baby_bits: int, buf) -> None:
        self.base = base
        self.baby_bits = baby_bits
        self.buf = buf


def _affine(p: Point):
    out = ffi.new("zkv_bjj_affine *")
    check(lib.zkv_bjj_affine_from_bytes(out, int_to_le32(p[0]) + int_to_le32(p[1])),
          "BabyJubJub point")
    return out


def table_new(base: Point, baby_bits: int) -> Table:
    """Build the table of j*base, j <= 2^baby_bits (baby_bits in 1..30).

    Raises InvalidArgument for baby_bits out of range or the identity as base, NotInSubgroup
    when base is not in the prime-order subgroup.
    """
    size = lib.zkv_bsgs_table_sizeof(baby_bits) if 1 <= baby_bits <= 30 else 0
    check(lib.ZKV_BAD_ARGUMENT if size == 0 else lib.ZKV_OK, "BSGS baby_bits")
    # uint64_t[] keeps the 8-byte alignment the C side requires.
    buf = ffi.new("uint64_t[]", (size + 7) // 8)
    check(lib.zkv_bsgs_table_init(buf, _affine(base), baby_bits), "BSGS base point")
    return Table(base, baby_bits, buf)


def solve(table: Table, h: Point, bound: int) -> int:
    """m with h = m*base and 0 <= m < bound (bound < 2^64).

    Raises DiscreteLogNotFound when there is none, InvalidArgument when bound needs more than
    2^24 giant steps (bound > 2^(baby_bits + 25)).
    """
    m = ffi.new("uint64_t *")
    check(lib.zkv_bsgs_solve_vartime(m, table.buf, _affine(h), bound), "discrete log")
    return int(m[0])
