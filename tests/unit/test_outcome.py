"""Outcome rules on decrypted tallies: exact, deterministic, documented edge cases."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.jsonmodel import parse_model
from zkvote.outcome import Outcome, OutcomeRule, compute_outcome, parse_fraction


def rule(**kw) -> OutcomeRule:
    return OutcomeRule(**kw)


def test_plurality_names_the_single_leader():
    out = compute_outcome(rule(kind="plurality"), [3, 7, 2], 12, 20)
    assert (out.winners, out.decided, out.tie) == ([1], True, False)


def test_plurality_tie_is_not_decided():
    out = compute_outcome(rule(kind="plurality"), [5, 5, 1], 11, 20)
    assert (out.winners, out.decided, out.tie) == ([], False, True)


def test_absolute_majority_needs_more_than_half_of_the_base_without_abstentions():
    r = rule(kind="absolute_majority", abstain_option=2)
    won = compute_outcome(r, [6, 5, 100], 111, 200)
    assert (won.winners, won.base, won.threshold_met) == ([0], 11, True)
    half = compute_outcome(r, [5, 5, 1], 11, 200)
    assert (half.winners, half.threshold_met, half.decided) == ([], False, False)


def test_supermajority_threshold_is_inclusive():
    r = rule(kind="supermajority", threshold=(2, 3))
    assert compute_outcome(r, [8, 4], 12, 12).winners == [0]  # exactly 2/3
    assert compute_outcome(r, [7, 4], 11, 12).winners == []


def test_approval_threshold_is_a_share_of_counted_ballots():
    r = rule(kind="approval_threshold", threshold=(1, 2))
    out = compute_outcome(r, [5, 4, 10], 10, 30)
    assert out.winners == [0, 2] and out.decided
    assert compute_outcome(r, [0, 0, 0], 0, 30).winners == []


def test_quorum_not_met_means_no_winner():
    out = compute_outcome(rule(kind="plurality", quorum=5), [3, 1], 4, 10)
    assert (out.quorum_met, out.decided, out.winners) == (False, False, [])
    assert compute_outcome(rule(kind="plurality", quorum=4), [3, 1], 4, 10).winners == [0]


def test_quadratic_funding_splits_the_pool_by_squared_totals():
    out = compute_outcome(rule(kind="quadratic_funding", matching_pool=1000), [3, 4, 0, 5],
                          6, 10)
    # weights 9, 16, 0, 25 of 50
    assert out.allocation == [180, 320, 0, 500]
    assert out.winners == [0, 1, 3]


def test_quadratic_funding_hands_out_remainders_by_largest_remainder_then_index():
    out = compute_outcome(rule(kind="quadratic_funding", matching_pool=10), [1, 1, 1], 3, 3)
    assert out.allocation == [4, 3, 3]
    nothing = compute_outcome(rule(kind="quadratic_funding", matching_pool=10), [0, 0], 0, 3)
    assert nothing.allocation == [0, 0] and nothing.winners == []


@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=16), st.integers(0, 10**12))
def test_quadratic_funding_always_distributes_the_whole_pool_when_anyone_voted(tally, pool):
    out = compute_outcome(rule(kind="quadratic_funding", matching_pool=pool), tally, 1, 1)
    if any(tally):
        assert sum(out.allocation) == pool
        total = sum(t * t for t in tally)
        for t, a in zip(tally, out.allocation, strict=True):
            assert abs(a * total - pool * t * t) < total  # within one unit of exact share
    else:
        assert sum(out.allocation) == 0


def test_outcome_is_deterministic_and_round_trips_through_json():
    r = rule(kind="supermajority", threshold=(3, 5), quorum=2, abstain_option=1)
    a = compute_outcome(r, [9, 4, 3], 16, 30)
    assert a == compute_outcome(r, [9, 4, 3], 16, 30)
    doc = a.model_dump(mode="json", exclude_none=True)
    assert parse_model(Outcome, doc, "outcome") == a


@pytest.mark.parametrize("kw", [
    dict(kind="supermajority"),
    dict(kind="supermajority", threshold=(1, 2)),
    dict(kind="plurality", threshold=(1, 2)),
    dict(kind="quadratic_funding"),
    dict(kind="plurality", matching_pool=5),
    dict(kind="approval_threshold", threshold=(1, 2), abstain_option=0),
    dict(kind="plurality", quorum=0),
    dict(kind="ranked"),
])
def test_inconsistent_outcome_rules_are_rejected(kw):
    with pytest.raises(ValueError):
        OutcomeRule(**kw)


@pytest.mark.parametrize("text", ["2/4", "0/3", "4/3", "1/ 2", "-1/2", "1.5/2", "1/2/3"])
def test_fractions_must_be_canonical_and_at_most_one(text):
    with pytest.raises(InvalidEncoding):
        parse_fraction(text)


def test_compute_outcome_rejects_bad_tallies():
    with pytest.raises(InvalidArgument):
        compute_outcome(rule(kind="plurality"), [1], 1, 1)
    with pytest.raises(InvalidArgument):
        compute_outcome(rule(kind="plurality"), [1, -1], 1, 1)
    with pytest.raises(InvalidArgument):
        compute_outcome(rule(kind="absolute_majority", abstain_option=5), [1, 2], 3, 3)
