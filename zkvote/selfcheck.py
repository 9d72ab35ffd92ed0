"""Self-check of the arithmetic core: known vectors, native-versus-reference agreement and a
short timing summary. Run by ``zkvote selfcheck`` (the README's first command until the
election demo exists).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from zkvote import babyjub, dlog, ntt
from zkvote.backend import use_backend
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1, PreparedG1Points
from zkvote.g2 import G2
from zkvote.pairing import pairing, pairing_check


@dataclass
class Check:
    """One self-check: its name and whether it held."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class Timing:
    """Median seconds of one operation per backend (reference may be absent)."""

    op: str
    native: float
    reference: float | None


def _checks() -> list[Check]:
    g1, g2 = G1.generator(), G2.generator()
    a, b = secrets.randbelow(FR_MODULUS - 1) + 1, secrets.randbelow(FR_MODULUS - 1) + 1
    e = pairing(g1, g2)
    results = [
        Check("BN254: r·G1 = O", (FR_MODULUS * g1).is_identity()),
        Check("BN254: r·G2 = O", (FR_MODULUS * g2).is_identity()),
        Check("pairing: e(aP, bQ) = e(P, Q)^(ab)", pairing(a * g1, b * g2) == e ** (a * b)),
        Check("pairing: e(P, Q)·e(−P, Q) = 1", pairing_check([(g1, g2), (-g1, g2)])),
        Check("pairing: e(G1, G2) ≠ 1", not e.is_one()),
        Check("BabyJubJub: 8·G = Base8",
              babyjub.Point.from_affine(*babyjub.GENERATOR, subgroup=False).mul(8)
              == babyjub.Point.base8()),
        Check("BabyJubJub: l·Base8 = O", babyjub.Point.base8().mul(babyjub.ORDER).is_identity()),
    ]
    m = secrets.randbelow(2**32)
    found = dlog.discrete_log(babyjub.Point.base8().mul(m), 2**32)
    results.append(Check("BSGS: decode m·Base8, m < 2^32", found == m, f"m = {m}"))
    with use_backend("reference"):
        e_ref = pairing(a * g1, g2)
        k_ref = babyjub.Point.base8().mul_secret(a)
    results.append(Check("native pairing = reference (py_ecc)", pairing(a * g1, g2) == e_ref))
    results.append(Check("native BabyJubJub mul = reference",
                         babyjub.Point.base8().mul_secret(a) == k_ref))
    return results


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def _timings() -> list[Timing]:
    g1, g2 = G1.generator(), G2.generator()
    k = secrets.randbelow(FR_MODULUS)
    n = 1 << 12
    points = PreparedG1Points([(i + 1) * g1 for i in range(64)] * (n // 64))
    scalars = [secrets.randbelow(FR_MODULUS) for _ in range(n)]
    values = [secrets.randbelow(FR_MODULUS) for _ in range(1 << 14)]
    base = babyjub.Point.base8()
    cases: list[tuple[str, Callable[[], object], int, int]] = [
        ("pairing", lambda: pairing(g1, g2), 20, 1),
        ("G1 scalar mul", lambda: k * g1, 50, 3),
        ("BabyJubJub fixed-base mul", lambda: base.mul_base8(k), 50, 3),
    ]
    out = []
    for op, fn, runs, ref_runs in cases:
        native = _median(fn, runs)
        with use_backend("reference"):
            reference = _median(fn, ref_runs)
        out.append(Timing(op, native, reference))
    out.append(Timing("G1 MSM 2^12", _median(lambda: points.msm(scalars), 5), None))
    out.append(Timing("NTT 2^14", _median(lambda: ntt.ntt(values), 5), None))
    return out


def run() -> tuple[list[Check], list[Timing]]:
    """Run all checks (native backend, with the reference as a cross-check) and the timings.

    Returns the check results and the timings; never raises for a failed check (the caller
    decides the exit status).
    """
    return _checks(), _timings()
