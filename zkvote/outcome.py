"""Outcome rules: from a decrypted tally to a result, fixed in the manifest before voting opens.

Everything here is exact integer arithmetic (fractions are compared by cross-multiplying) and
deterministic, so a verifier recomputes the same :class:`Outcome` bit for bit.

Kinds (``OutcomeRule.kind``):

* ``plurality`` - the option(s) with the largest total win; more than one is a tie (not
  decided).
* ``absolute_majority`` - the leading option wins if its total is *more than half* of the
  base; the base is the sum of all totals except the ``abstain_option`` (if set).
* ``supermajority`` - the leading option wins if its total is *at least* ``threshold`` (a
  fraction > 1/2, e.g. "2/3") of the base.
* ``approval_threshold`` - every option approved on at least ``threshold`` of the counted
  ballots wins (zero, one or many winners).
* ``quadratic_funding`` - a ``matching_pool`` of integer units is split among the options in
  proportion to (sum of sqrt contributions)^2. With the quadratic ballot rule a voter's vote
  v_i for option i *is* the square root of the credits v_i^2 spent on it, so the tally's total
  T_i = sum sqrt(c) and option i's weight is T_i^2. The textbook CLR match
  (sum sqrt c)^2 - sum c needs sum c per option, which the homomorphic tally does not reveal;
  we distribute the whole pool by T_i^2 / sum_j T_j^2 instead (the normalised form used when
  the pool is the binding constraint). Integer allocation: floor(pool * T_i^2 / W) each, then
  the leftover units one each by largest remainder, ties to the lower option index. The
  winners are the options receiving a positive allocation.

Turnout quorum (any kind): with ``quorum`` = q set, the poll is decided only if at least q
ballots were counted; otherwise there are no winners and no allocation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, PlainValidator, model_validator

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.jsonmodel import BigUInt, StrictModel

OUTCOME_KINDS = ("plurality", "absolute_majority", "supermajority", "approval_threshold",
                 "quadratic_funding")
_FRACTION = re.compile(r"([1-9][0-9]{0,17})/([1-9][0-9]{0,17})")


def parse_fraction(value: object) -> tuple[int, int]:
    """A fraction "p/q" (canonical: positive, reduced, p <= q) as (p, q).

    Raises InvalidEncoding otherwise."""
    if isinstance(value, tuple) and len(value) == 2:
        value = f"{value[0]}/{value[1]}"
    match = _FRACTION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidEncoding(f"a fraction is written \"p/q\" with positive integers, "
                              f"not {value!r:.40}")
    p, q = int(match[1]), int(match[2])
    if p > q:
        raise InvalidEncoding(f"fraction {value} is above 1")
    if _gcd(p, q) != 1:
        raise InvalidEncoding(f"fraction {value} is not reduced")
    return p, q


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


Fraction = Annotated[tuple[int, int], PlainValidator(parse_fraction),
                     PlainSerializer(lambda f: f"{f[0]}/{f[1]}")]


class OutcomeRule(StrictModel):
    """How the decrypted tally becomes a result (see the module docstring)."""

    kind: Literal["plurality", "absolute_majority", "supermajority", "approval_threshold",
                  "quadratic_funding"]
    threshold: Fraction | None = None
    matching_pool: BigUInt | None = None
    quorum: int | None = Field(default=None, ge=1)
    abstain_option: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeRule:
        needs_threshold = self.kind in ("supermajority", "approval_threshold")
        if needs_threshold != (self.threshold is not None):
            raise ValueError(f"threshold is {'required' if needs_threshold else 'not used'} "
                             f"for {self.kind}")
        if self.kind == "supermajority" and 2 * self.threshold[0] <= self.threshold[1]:
            raise ValueError("a supermajority threshold must be above 1/2")
        if (self.kind == "quadratic_funding") != (self.matching_pool is not None):
            raise ValueError("matching_pool is required for quadratic_funding and only there")
        if self.abstain_option is not None and self.kind not in ("absolute_majority",
                                                                 "supermajority"):
            raise ValueError("abstain_option applies to majority rules only")
        return self

    def check_options(self, n_options: int) -> None:
        """InvalidArgument if ``abstain_option`` is not an option index below ``n_options``."""
        if self.abstain_option is not None and self.abstain_option >= n_options:
            raise InvalidArgument(f"abstain_option {self.abstain_option} is not one of the "
                                  f"{n_options} options")


class Outcome(StrictModel):
    """The result of a poll. ``decided`` is true when the quorum is met and the rule names a
    result (a single plurality winner, a majority reached, or for approval_threshold and
    quadratic_funding always). ``base`` is the majority base (majority kinds), ``threshold_met``
    whether the leader reached the (super)majority, ``allocation`` the pool split
    (quadratic_funding)."""

    kind: str
    tally: list[BigUInt]
    ballots_counted: int = Field(ge=0)
    electorate: int = Field(ge=0)
    quorum: int | None = None
    quorum_met: bool
    decided: bool
    winners: list[int]
    tie: bool
    base: BigUInt | None = None
    threshold_met: bool | None = None
    allocation: list[BigUInt] | None = None


def compute_outcome(rule: OutcomeRule, tally: Sequence[int], ballots_counted: int,
                    electorate: int) -> Outcome:
    """Apply ``rule`` to the per-option ``tally`` of ``ballots_counted`` ballots.

    Deterministic: the same inputs always give an equal Outcome. Raises InvalidArgument for
    negative or non-int totals, an abstain option out of range, or fewer than two options.
    """
    tally = [_count(t, "tally entry") for t in tally]
    ballots_counted = _count(ballots_counted, "ballots_counted")
    electorate = _count(electorate, "electorate")
    if len(tally) < 2:
        raise InvalidArgument("a tally has at least two options")
    rule.check_options(len(tally))
    quorum_met = rule.quorum is None or ballots_counted >= rule.quorum
    common = dict(kind=rule.kind, tally=tally, ballots_counted=ballots_counted,
                  electorate=electorate, quorum=rule.quorum, quorum_met=quorum_met)
    if rule.kind == "plurality":
        top = max(tally)
        leaders = [i for i, t in enumerate(tally) if t == top]
        decided = quorum_met and len(leaders) == 1
        return Outcome(**common, decided=decided, winners=leaders if decided else [],
                       tie=len(leaders) > 1)
    if rule.kind in ("absolute_majority", "supermajority"):
        return _majority(rule, tally, common)
    if rule.kind == "approval_threshold":
        p, q = rule.threshold
        winners = [i for i, t in enumerate(tally)
                   if ballots_counted > 0 and t * q >= p * ballots_counted] if quorum_met else []
        return Outcome(**common, decided=quorum_met, winners=winners, tie=False)
    allocation = _quadratic_match(tally, rule.matching_pool) if quorum_met else [0] * len(tally)
    return Outcome(**common, decided=quorum_met, tie=False, allocation=allocation,
                   winners=[i for i, a in enumerate(allocation) if a > 0])


def _majority(rule: OutcomeRule, tally: list[int], common: dict) -> Outcome:
    candidates = [i for i in range(len(tally)) if i != rule.abstain_option]
    base = sum(tally[i] for i in candidates)
    top = max(tally[i] for i in candidates)
    leaders = [i for i in candidates if tally[i] == top]
    if rule.kind == "absolute_majority":
        met = 2 * top > base
    else:
        p, q = rule.threshold
        met = base > 0 and top * q >= p * base
    # A threshold above 1/2 admits one leader at most; `met` implies len(leaders) == 1.
    decided = common["quorum_met"] and met
    return Outcome(**common, decided=decided, winners=leaders if decided else [],
                   tie=len(leaders) > 1, base=base, threshold_met=met)


def _quadratic_match(tally: list[int], pool: int) -> list[int]:
    weights = [t * t for t in tally]
    total = sum(weights)
    if total == 0:
        return [0] * len(tally)
    shares = [divmod(pool * w, total) for w in weights]
    allocation = [s[0] for s in shares]
    leftover = pool - sum(allocation)
    by_remainder = sorted(range(len(tally)), key=lambda i: (-shares[i][1], i))
    for i in by_remainder[:leftover]:
        allocation[i] += 1
    return allocation


def _count(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgument(f"{what} must be a non-negative int, not {value!r:.40}")
    return value


__all__ = ["OUTCOME_KINDS", "Outcome", "OutcomeRule", "compute_outcome", "parse_fraction"]
