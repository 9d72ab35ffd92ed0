"""Reference slice: circomlib's Poseidon by its plain definition, on gmpy2 integers.

Follows circomlibjs's ``poseidon_reference``: state = [0, inputs...]; R_F + R_P rounds of
(add round constants, x^5 on every element in full rounds or on state[0] in partial rounds,
multiply by the MDS matrix); the hash is state[0]. Slow (~1 ms a hash); the native slice is the
default. Inputs are assumed already validated (ints in [0, r), 1..16 of them).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from gmpy2 import mpz

from zkvote import grain
from zkvote.errors import FieldRangeError
from zkvote.poseidon_constants import constants

_R = mpz(grain.FR_MODULUS)


@cache
def _params(t: int) -> tuple[int, tuple, tuple]:
    c, m = constants(t)
    return grain.rounds_p_for_width(t), tuple(map(mpz, c)), tuple(tuple(map(mpz, r)) for r in m)


def poseidon_hash(inputs: Sequence[int]) -> int:
    """Poseidon of 1..16 field elements (validated by the caller)."""
    t = len(inputs) + 1
    rounds_p, c, m = _params(t)
    half = grain.ROUNDS_F // 2
    state = [mpz(0)] + [mpz(x) for x in inputs]
    for r in range(grain.ROUNDS_F + rounds_p):
        state = [(s + c[r * t + i]) % _R for i, s in enumerate(state)]
        if r < half or r >= half + rounds_p:
            state = [pow(s, 5, _R) for s in state]
        else:
            state[0] = pow(state[0], 5, _R)
        state = [sum(row[j] * state[j] for j in range(t)) % _R for row in m]
    return int(state[0])


def hash_pairs_packed(packed: bytes) -> bytes:
    """Poseidon(a, b) of consecutive 32-byte little-endian pairs; outputs packed the same way."""
    out = bytearray()
    packed = bytes(packed)
    for k in range(0, len(packed), 64):
        a = int.from_bytes(packed[k:k + 32], "little")
        b = int.from_bytes(packed[k + 32:k + 64], "little")
        if a >= _R or b >= _R:  # the native slice rejects these too
            raise FieldRangeError("Poseidon input: field element not below the modulus")
        out += poseidon_hash((a, b)).to_bytes(32, "little")
    return bytes(out)
