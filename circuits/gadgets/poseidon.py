"""circomlib's Poseidon hash as a gadget (the same function as zkvote.poseidon.poseidon).

The state starts as [0, x1, ..., xn] (width t = n + 1); each of the R_F + R_P rounds adds
the round constants, applies x^5 (to every lane in the 8 full rounds, to lane 0 in the
partial ones) and multiplies by the MDS matrix. Only the x^5 costs constraints (x2 = x*x,
x4 = x2*x2, x5 = x4*x); constants and the MDS layer are folded into linear combinations, and
an S-box on a constant lane (lane 0 of the first round) is computed at compile time. For
t = 3 that is 240 constraints, as circomlib's Poseidon(2).

The constants come from zkvote.poseidon_constants (the Grain LFSR tables circomlib uses).
"""

from __future__ import annotations

from collections.abc import Sequence

from zkvote import grain
from zkvote.errors import InvalidArgument
from zkvote.poseidon import MAX_INPUTS
from zkvote.poseidon_constants import constants

from ..builder import Circuit, SignalLike
from ..signal import Signal, linear_sum


def poseidon(c: Circuit, inputs: Sequence[SignalLike]) -> Signal:
    """Poseidon(inputs) for 1..16 inputs (width t = len(inputs) + 1), about
    3 * (8 t + R_P) constraints."""
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise InvalidArgument(f"Poseidon takes 1..{MAX_INPUTS} inputs, not {len(inputs)}")
    t = len(inputs) + 1
    rounds_p = grain.rounds_p_for_width(t)
    round_constants, mds = constants(t)
    half = grain.ROUNDS_F // 2
    state = [c.signal(0)] + [c.signal(x) for x in inputs]
    with c.gadget(f"poseidon{t - 1}"):
        for r in range(grain.ROUNDS_F + rounds_p):
            state = [s + round_constants[r * t + i] for i, s in enumerate(state)]
            if r < half or r >= half + rounds_p:
                state = [_sbox(c, s) for s in state]
            else:
                state[0] = _sbox(c, state[0])
            state = [linear_sum(c, list(zip(state, row, strict=True))) for row in mds]
    return state[0]


def _sbox(c: Circuit, x: Signal) -> Signal:
    k = x.constant_value()
    if k is not None:
        return c.signal(pow(k, 5, grain.FR_MODULUS))
    x2 = c.mul(x, x)
    x4 = c.mul(x2, x2)
    return c.mul(x4, x)
