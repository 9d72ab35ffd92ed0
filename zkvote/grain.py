"""The Grain LFSR constant generator of the Poseidon paper (Grassi et al., eprint 2019/458, App. F).

Poseidon's round constants and MDS matrix are "nothing up my sleeve" numbers: an 80-bit Grain
LFSR is seeded with the instance parameters (field type, S-box, field size n, width t, R_F, R_P),
its output is thinned by the self-shrinking rule, and n-bit chunks of the thinned stream become
field elements. circomlib's constants were produced by the reference script of the paper's
authors; this module reimplements that procedure so the shipped table in
``zkvote/data/poseidon_constants.json.gz`` can be regenerated and checked (``regenerate`` and
tests/unit/test_grain.py).

Pure Python, used only to (re)build the table: generating all 16 widths takes a few seconds.
"""

from __future__ import annotations

from zkvote.errors import InvalidArgument

FR_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617
FIELD_BITS = 254

# circomlib's partial round counts for t = 2..17 (rounded up from the paper's security bounds).
ROUNDS_F = 8
ROUNDS_P = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)

_CHUNK = 18  # the nearest tap is 18 positions behind the new bit, so 18 bits can be made at once
_CHUNK_MASK = (1 << _CHUNK) - 1


class GrainLFSR:
    """The paper's Grain LFSR: b_{i+80} = b_{i+62} ^ b_{i+51} ^ b_{i+38} ^ b_{i+23} ^ b_{i+13}
    ^ b_i.

    Seeded with (field = 1 for a prime field, sbox = 0 for x^alpha, n, t, R_F, R_P, 30 ones),
    each field written most significant bit first; the first 160 output bits are discarded.
    Output bits are "self-shrunk": bits are read in pairs (a, b) and b is kept only if a = 1.
    """

    def __init__(self, field_bits: int, t: int, rounds_f: int, rounds_p: int) -> None:
        seed = "01" + "0000" + format(field_bits, "012b") + format(t, "012b")
        seed += format(rounds_f, "010b") + format(rounds_p, "010b") + "1" * 30
        # bit k of the window is b_{i+k}; b_i (the oldest) is the seed's first character
        self._window = int(seed[::-1], 2)
        self._kept = ""  # thinned bits not yet consumed, oldest first
        self._raw = ""  # raw bits not yet paired up
        self._extend_raw(160)
        self._raw = self._raw[160:]

    def _extend_raw(self, count: int) -> None:
        """Append at least ``count`` raw LFSR bits to the unpaired buffer."""
        parts = [self._raw]
        w = self._window
        for _ in range(-(-count // _CHUNK)):
            new = (w >> 62 ^ w >> 51 ^ w >> 38 ^ w >> 23 ^ w >> 13 ^ w) & _CHUNK_MASK
            w = (w >> _CHUNK) | (new << 62)
            parts.append(format(new, "018b")[::-1])  # oldest (least significant) bit first
        self._window = w
        self._raw = "".join(parts)

    def _refill(self, want: int) -> None:
        self._extend_raw(4 * want + 64)  # about four raw bits per kept bit
        usable = len(self._raw) & ~1
        firsts, seconds = self._raw[0:usable:2], self._raw[1:usable:2]
        self._raw = self._raw[usable:]
        self._kept += "".join(b for a, b in zip(firsts, seconds, strict=True) if a == "1")

    def bits(self, count: int) -> str:
        """The next ``count`` thinned bits, as a string of '0'/'1' in output order."""
        while len(self._kept) < count:
            self._refill(count - len(self._kept))
        out, self._kept = self._kept[:count], self._kept[count:]
        return out

    def field_element(self, modulus: int, field_bits: int) -> int:
        """Next n-bit chunk (first bit most significant), re-drawn while >= modulus."""
        while True:
            value = int(self.bits(field_bits), 2)
            if value < modulus:
                return value

    def raw_integer(self, field_bits: int) -> int:
        """Next n-bit chunk without rejection (the reference script reduces these mod p)."""
        return int(self.bits(field_bits), 2)


def rounds_p_for_width(t: int) -> int:
    """circomlib's R_P for state width t (2..17). Raises InvalidArgument otherwise."""
    if not isinstance(t, int) or not 2 <= t <= len(ROUNDS_P) + 1:
        raise InvalidArgument(f"Poseidon width t must be in 2..{len(ROUNDS_P) + 1}, not {t!r}")
    return ROUNDS_P[t - 2]


def generate(t: int) -> tuple[list[int], list[list[int]]]:
    """Round constants ((R_F + R_P) * t of them, round-major) and the t x t Cauchy MDS matrix.

    The MDS matrix comes from the same stream, after the round constants: 2t raw n-bit values
    reduced mod r (redrawn as a whole if any two coincide), x = the first t, y = the last t,
    M[i][j] = 1 / (x_i + y_j).
    """
    rounds_p = rounds_p_for_width(t)
    p = FR_MODULUS
    lfsr = GrainLFSR(FIELD_BITS, t, ROUNDS_F, rounds_p)
    constants = [lfsr.field_element(p, FIELD_BITS) for _ in range((ROUNDS_F + rounds_p) * t)]
    while True:
        values = [lfsr.raw_integer(FIELD_BITS) % p for _ in range(2 * t)]
        if len(set(values)) == 2 * t:
            break
    xs, ys = values[:t], values[t:]
    mds = [[pow((x + y) % p, -1, p) for y in ys] for x in xs]
    return constants, mds
