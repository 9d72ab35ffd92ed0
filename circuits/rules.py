"""Ballot rules: the parameters of a poll's vote-validity rule, their Python check, presets,
and the same rule as circuit constraints (used by circuits/ballot.py).

A vote is a vector v of K unsigned integers (one per option). The rule is

* ``minValue <= v_i <= maxValue`` for every i, and v_i < 2^VALUE_BITS;
* ``minTotal <= sum(v) <= maxTotal``;
* at most ``maxNonzero`` options with v_i != 0;
* ``cost <= budget`` where cost = sum(v_i^2) if ``quadratic`` else sum(v_i), and budget =
  the member's credits (read from the leaf) if ``weighted`` else ``maxCost``; with
  ``spendAll``, cost == budget exactly;
* with ``unique``, the v_i are pairwise distinct.

Bit widths: values 32 bits, totals 40, the nonzero count 8, costs, budgets and credits 72. With
at most MAX_OPTIONS = 64 options no sum overflows its width (64 * 2^32 = 2^38, 64 * 2^64 =
2^70), so every comparison below is between range-checked operands and is sound. Options are
numbered from 0 in messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import isqrt
from typing import NamedTuple

from zkvote.errors import InvalidArgument, InvalidBallot, InvalidEncoding
from zkvote.field import fr_inv_vartime
from zkvote.validate import check_int

from .builder import Circuit, SignalLike
from .gadgets.bits import range_check
from .gadgets.comparators import is_zero
from .signal import Signal, linear_sum

VALUE_BITS = 32
TOTAL_BITS = 40
COUNT_BITS = 8
COST_BITS = 72  # costs, maxCost and credits
MAX_OPTIONS = 64

RULE_PARAMETERS: tuple[str, ...] = (
    "minValue", "maxValue", "minTotal", "maxTotal", "maxNonzero", "quadratic", "maxCost",
    "spendAll", "unique", "weighted",
)
_FLAGS = ("quadratic", "spend_all", "unique", "weighted")
_LIMITS = {"min_value": VALUE_BITS, "max_value": VALUE_BITS, "min_total": TOTAL_BITS,
           "max_total": TOTAL_BITS, "max_nonzero": COUNT_BITS, "max_cost": COST_BITS}


class RuleParams(NamedTuple):
    """A rule's parameters (field order = RULE_PARAMETERS); flags are bools or 0/1."""

    min_value: int
    max_value: int
    min_total: int
    max_total: int
    max_nonzero: int
    quadratic: bool
    max_cost: int
    spend_all: bool
    unique: bool
    weighted: bool

    def validate(self, n_options: int) -> None:
        """Check the parameters for a poll of ``n_options`` (1..MAX_OPTIONS) options.

        Raises InvalidEncoding for a non-int field (bools only for the flags) and
        InvalidArgument for a value outside its bit width, a flag other than 0/1, min above
        max, or a rule that no vote can satisfy by a simple count (e.g. minTotal above
        K * maxValue, unique with fewer than K allowed values). Rules passing this check
        may still be unsatisfiable for some member's credits.
        """
        k = _check_options(n_options)
        for name, value in zip(self._fields, self, strict=True):
            if name in _FLAGS:
                if not isinstance(value, int) or value not in (0, 1):
                    raise InvalidArgument(f"{name} must be a bool or 0/1, not {value!r}")
            else:
                check_int(value, name)
                if not 0 <= value < 1 << _LIMITS[name]:
                    raise InvalidArgument(f"{name} must be in [0, 2^{_LIMITS[name]})")
        if self.min_value > self.max_value:
            raise InvalidArgument("min_value is above max_value")
        if self.min_total > self.max_total:
            raise InvalidArgument("min_total is above max_total")
        if self.min_total > min(self.max_nonzero, k) * self.max_value:
            raise InvalidArgument("min_total cannot be reached with max_value and max_nonzero")
        if self.max_total < k * self.min_value:
            raise InvalidArgument("max_total is below n_options * min_value")
        if self.min_value > 0 and self.max_nonzero < k:
            raise InvalidArgument("min_value > 0 makes every option nonzero: max_nonzero < K")
        if self.unique and self.max_value - self.min_value + 1 < k:
            raise InvalidArgument("unique values need at least K values in [min, max]")
        least = k * (self.min_value ** 2 if self.quadratic else self.min_value)
        if not self.weighted and least > self.max_cost:
            raise InvalidArgument("the smallest possible cost is above max_cost")

    def as_inputs(self) -> list[int]:
        """The parameters as circuit inputs, in RULE_PARAMETERS order (flags as 0/1)."""
        return [int(v) for v in self]


def check_rule(votes: Sequence[int], params: RuleParams, credits: int = 0) -> None:
    """The Python mirror of the rule constraints: raise InvalidBallot naming the first broken
    condition (e.g. "option 3: value 5 above maxValue 1"), InvalidEncoding for a non-int vote
    or credits, InvalidArgument for invalid ``params`` (see RuleParams.validate) or credits
    outside [0, 2^72). Returns None when the vote is valid."""
    if not isinstance(params, RuleParams):
        raise InvalidEncoding(f"expected RuleParams, not {type(params).__name__}")
    if not isinstance(votes, Sequence) or isinstance(votes, str | bytes):
        raise InvalidEncoding("votes must be a sequence of ints")
    params.validate(len(votes))
    credits = check_int(credits, "credits")
    if not 0 <= credits < 1 << COST_BITS:
        raise InvalidArgument(f"credits must be in [0, 2^{COST_BITS})")
    values = [check_int(v, f"option {i}") for i, v in enumerate(votes)]
    for i, v in enumerate(values):
        if not 0 <= v < 1 << VALUE_BITS:
            raise InvalidBallot(f"option {i}: value {v} is not a {VALUE_BITS}-bit unsigned int")
        if v < params.min_value:
            raise InvalidBallot(f"option {i}: value {v} below minValue {params.min_value}")
        if v > params.max_value:
            raise InvalidBallot(f"option {i}: value {v} above maxValue {params.max_value}")
    total = sum(values)
    if total < params.min_total:
        raise InvalidBallot(f"total {total} below minTotal {params.min_total}")
    if total > params.max_total:
        raise InvalidBallot(f"total {total} above maxTotal {params.max_total}")
    nonzero = sum(1 for v in values if v)
    if nonzero > params.max_nonzero:
        raise InvalidBallot(f"{nonzero} nonzero options, above maxNonzero {params.max_nonzero}")
    cost = sum(v * v for v in values) if params.quadratic else total
    budget, what = (credits, "the member's credits") if params.weighted else (
        params.max_cost, "maxCost")
    if cost > budget:
        raise InvalidBallot(f"cost {cost} above the budget {budget} ({what})")
    if params.spend_all and cost != budget:
        raise InvalidBallot(f"cost {cost} must equal the budget {budget} ({what}, spendAll)")
    if params.unique:
        seen: dict[int, int] = {}
        for i, v in enumerate(values):
            if v in seen:
                raise InvalidBallot(f"options {seen[v]} and {i} have the same value {v} "
                                    "(unique)")
            seen[v] = i


def preset(name: str, n_options: int, **kw: int) -> RuleParams:
    """The parameters of a named rule for ``n_options`` options, validated:

    * ``single``: one-hot (exactly one option gets 1);
    * ``referendum``: single choice over exactly 3 options (yes / no / abstain);
    * ``approval`` (``k``, default n_options): v_i in {0, 1}, at most k approvals;
    * ``quadratic`` (``credits``, required; ``spend_all`` 0/1, default 0): sum(v_i^2) <=
      credits, so v_i <= isqrt(credits);
    * ``budget`` (``budget``, required): cumulative voting, sum(v) <= budget;
    * ``score`` (``max_score``, required): each option scored 0..max_score;
    * ``borda``: unique values 0..K-1, i.e. a ranking (a permutation);
    * ``weighted``: the member's credits (in the leaf) all on one option.

    Raises InvalidArgument for an unknown name, an unknown or missing keyword, or parameters
    that fail RuleParams.validate.
    """
    k = _check_options(n_options)
    if name not in _PRESETS:
        raise InvalidArgument(f"unknown rule preset {name!r}; known: {sorted(_PRESETS)}")
    required, optional, build = _PRESETS[name]
    unknown = set(kw) - set(required) - set(optional)
    missing = set(required) - set(kw)
    if unknown or missing:
        raise InvalidArgument(f"preset {name!r} takes {sorted(required)} (required) and "
                              f"{sorted(optional)}; got {sorted(kw)}")
    for key, value in kw.items():
        check_int(value, key)
    params = build(k, **kw)
    params.validate(k)
    return params


def _rule(k: int, *, max_value: int, min_value: int = 0, min_total: int = 0,
          max_total: int | None = None, max_nonzero: int | None = None, quadratic: int = 0,
          max_cost: int | None = None, spend_all: int = 0, unique: int = 0,
          weighted: int = 0) -> RuleParams:
    # Unset bounds are the loosest the other parameters allow (non-binding).
    top = k * max_value
    return RuleParams(
        min_value=min_value, max_value=max_value, min_total=min_total,
        max_total=min(top, (1 << TOTAL_BITS) - 1) if max_total is None else max_total,
        max_nonzero=k if max_nonzero is None else max_nonzero, quadratic=bool(quadratic),
        max_cost=(k * max_value ** (2 if quadratic else 1) if max_cost is None
                  else max_cost),
        spend_all=bool(spend_all), unique=bool(unique), weighted=bool(weighted))


def _single(k: int) -> RuleParams:
    return _rule(k, max_value=1, min_total=1, max_total=1, max_nonzero=1, max_cost=1)


def _referendum(k: int) -> RuleParams:
    if k != 3:
        raise InvalidArgument("a referendum has exactly 3 options: yes, no, abstain")
    return _single(k)


def _approval(k: int, k_max: int | None) -> RuleParams:
    if k_max is not None and not 1 <= k_max <= k:
        raise InvalidArgument(f"approval k must be in 1..{k}")
    return _rule(k, max_value=1, max_total=k if k_max is None else k_max)


def _quadratic(k: int, credits: int, spend_all: int = 0) -> RuleParams:
    return _rule(k, max_value=min(isqrt(credits), (1 << VALUE_BITS) - 1), quadratic=1,
                 max_cost=credits, spend_all=spend_all)


def _budget(k: int, budget: int) -> RuleParams:
    return _rule(k, max_value=min(budget, (1 << VALUE_BITS) - 1), max_total=budget,
                 max_cost=budget)


def _score(k: int, max_score: int) -> RuleParams:
    return _rule(k, max_value=max_score)


def _borda(k: int) -> RuleParams:
    total = k * (k - 1) // 2
    return _rule(k, max_value=k - 1, min_total=total, max_total=total, unique=1)


def _weighted(k: int) -> RuleParams:
    # max_cost is unused when weighted (the budget is the member's credits).
    return _rule(k, max_value=(1 << VALUE_BITS) - 1, max_nonzero=1, max_cost=0, spend_all=1,
                 weighted=1)


_PRESETS = {
    "single": ((), (), _single),
    "referendum": ((), (), _referendum),
    "approval": ((), ("k",), lambda n, k=None: _approval(n, k)),
    "quadratic": (("credits",), ("spend_all",), _quadratic),
    "budget": (("budget",), (), _budget),
    "score": (("max_score",), (), _score),
    "borda": ((), (), _borda),
    "weighted": ((), (), _weighted),
}


def _check_options(n_options: object) -> int:
    if (not isinstance(n_options, int) or isinstance(n_options, bool)
            or not 1 <= n_options <= MAX_OPTIONS):
        raise InvalidArgument(f"n_options must be an int in 1..{MAX_OPTIONS}")
    return n_options


# -- constraints -------------------------------------------------------------------------

def constrain_rule(c: Circuit, values: Sequence[Signal], params: dict[str, Signal],
                   credits: SignalLike) -> None:
    """Constrain the rule of the module docstring for ``values`` (each ALREADY constrained
    below 2^VALUE_BITS by the caller, e.g. by its bit decomposition), the parameter signals
    ``params`` (keyed by RULE_PARAMETERS; range-checked and the flags constrained boolean
    here) and the member's ``credits`` (range-checked to COST_BITS here)."""
    k = _check_options(len(values))
    if set(params) != set(RULE_PARAMETERS):
        raise InvalidArgument(f"params must have exactly the keys {RULE_PARAMETERS}")
    p = params
    credits = c.signal(credits)
    with c.gadget("rule"):
        with c.gadget("parameters"):
            for name, bits in (("minValue", VALUE_BITS), ("maxValue", VALUE_BITS),
                               ("minTotal", TOTAL_BITS), ("maxTotal", TOTAL_BITS),
                               ("maxNonzero", COUNT_BITS), ("maxCost", COST_BITS)):
                range_check(c, p[name], bits)
            range_check(c, credits, COST_BITS)
            for name in ("quadratic", "spendAll", "unique", "weighted"):
                c.assert_bool(p[name])
        with c.gadget("values"):
            for v in values:
                _assert_le(c, p["minValue"], v, VALUE_BITS)
                _assert_le(c, v, p["maxValue"], VALUE_BITS)
        total = linear_sum(c, [(v, 1) for v in values])
        with c.gadget("total"):
            _assert_le(c, p["minTotal"], total, TOTAL_BITS)
            _assert_le(c, total, p["maxTotal"], TOTAL_BITS)
        with c.gadget("nonzero"):
            count = k - linear_sum(c, [(is_zero(c, v), 1) for v in values])
            _assert_le(c, count, p["maxNonzero"], COUNT_BITS)
        with c.gadget("cost"):
            squares = linear_sum(c, [(c.mul(v, v), 1) for v in values])
            cost = total + c.mul(p["quadratic"], squares - total)
            budget = p["maxCost"] + c.mul(p["weighted"], credits - p["maxCost"])
            _assert_le(c, cost, budget, COST_BITS)
            c.assert_product(p["spendAll"], budget - cost, 0)
        with c.gadget("unique"):
            # unique == 1 needs an inverse of every difference; unique == 0 is met by 0.
            for i in range(k):
                for j in range(i + 1, k):
                    diff = values[i] - values[j]
                    (inv,) = c.hint(_inverse_if, [diff, p["unique"]])
                    c.assert_product(diff, inv, p["unique"])


def _assert_le(c: Circuit, a: SignalLike, b: SignalLike, n_bits: int) -> None:
    # a <= b for a, b in [0, 2^n) (the caller's range checks): b - a in [0, 2^n), which a
    # negative difference (a field element above r - 2^n) cannot be. n + 1 constraints.
    range_check(c, c.signal(b) - c.signal(a), n_bits)


def _inverse_if(diff: int, flag: int) -> int:
    return fr_inv_vartime(diff) if flag else 0
