"""Test helper: MSM terms for the batch-affine engines' tests, chosen so that bucket additions
meet every special case (used by the G1 and G2 lane tests)."""

import random

from zkvote.field import FR_MODULUS as R


def mixed_terms(rng: random.Random, n: int) -> tuple[list[int], list[int]]:
    """n (discrete log, scalar) pairs: mostly random, with runs of equal points and scalars
    (doublings in a bucket), a point followed by its negation with the same scalar
    (cancellations), identities (log 0) and zero scalars."""
    logs, ks = [], []
    for i in range(n):
        kind = rng.random() if i else 1.0
        if kind < 0.15:
            logs.append(logs[-1])
            ks.append(ks[-1])
        elif kind < 0.30:
            logs.append((R - logs[-1]) % R)
            ks.append(ks[-1])
        elif kind < 0.35:
            logs.append(0)
            ks.append(rng.randrange(R))
        elif kind < 0.40:
            logs.append(rng.randrange(1, R))
            ks.append(0)
        else:
            logs.append(rng.randrange(1, R))
            ks.append(rng.randrange(R) if rng.random() < 0.9 else rng.randrange(2**256))
    return logs, ks
