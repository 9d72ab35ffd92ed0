"""Counting: the re-vote policies, aggregation, threshold decryption and decoding (ballots
are plain encryptions here; proofs are covered by the e2e tests)."""

import random

import pytest
from election_helpers import fake_manifest

from zkvote.babyjub import ORDER, Point
from zkvote.decryption import PartialDecryption, partial_decrypt
from zkvote.elgamal import Ciphertext, encrypt_vector
from zkvote.errors import DiscreteLogNotFound, InvalidArgument, InvalidProof, ProtocolError
from zkvote.sigma import DLEQProof
from zkvote.tally import (
    aggregate_counted,
    classify_board,
    context_of,
    decrypt_tally,
    partial_decryptions,
)
from zkvote.threshold import DKGContext, run_dkg


def test_policy_first_counts_the_earliest_ballot_per_nullifier():
    c = classify_board([7, 8, 7, 9, 8, 7], "first")
    assert c.counted == (0, 1, 3)
    assert c.not_counted == ((2, "duplicate-nullifier"), (4, "duplicate-nullifier"),
                             (5, "duplicate-nullifier"))
    assert c.board_size == 6


def test_policy_last_counts_the_latest_ballot_per_nullifier():
    c = classify_board([7, 8, 7, 9, 8, 7], "last")
    assert c.counted == (3, 4, 5)
    assert c.not_counted == ((0, "superseded"), (1, "superseded"), (2, "superseded"))


def test_classification_lists_every_position_once():
    rng = random.Random(1)
    nullifiers = [rng.randrange(5) for _ in range(40)]
    for policy in ("first", "last"):
        c = classify_board(nullifiers, policy)
        positions = sorted(list(c.counted) + [p for p, _ in c.not_counted])
        assert positions == list(range(40))
        assert len(c.counted) == len(set(nullifiers))


def test_unknown_policy_is_rejected():
    with pytest.raises(InvalidArgument):
        classify_board([1], "best")


@pytest.fixture(scope="module")
def election():
    """A (2, 3) DKG and a manifest using its keys, with 5 encrypted plaintext ballots."""
    rng = random.Random(3)
    dkg, shares = run_dkg(DKGContext("poll-1", 3, 2), rng)
    manifest = fake_manifest(trustees={"n": 3, "t": 2, "public_shares": list(dkg.public_shares),
                                       "joint_key": dkg.joint_public_key})
    votes = [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]
    ballots = [encrypt_vector(manifest.poll_key, v, rng=rng)[0] for v in votes]
    aggregate = aggregate_counted(ballots, 3)
    return manifest, shares, votes, aggregate


def test_aggregate_decrypts_to_the_sum_with_all_trustees(election):
    manifest, shares, _, aggregate = election
    partials = partial_decryptions(shares, aggregate, manifest)
    result = decrypt_tally(aggregate, partials, manifest)
    assert result.results == (1, 3, 1)
    assert result.trustees == (1, 2, 3)
    assert list(result.plaintext_points) == [Point.base8().mul(m) for m in (1, 3, 1)]


@pytest.mark.parametrize("present", [(1, 2), (1, 3), (2, 3)])
def test_any_t_trustees_decrypt_the_same_tally(election, present):
    manifest, shares, _, aggregate = election
    partials = partial_decryptions([s for s in shares if s.index in present], aggregate,
                                   manifest)
    assert decrypt_tally(aggregate, partials, manifest).results == (1, 3, 1)


def test_fewer_than_t_trustees_cannot_decrypt(election):
    manifest, shares, _, aggregate = election
    partials = partial_decryptions(shares[:1], aggregate, manifest)
    with pytest.raises(ProtocolError):
        decrypt_tally(aggregate, partials, manifest)


def test_a_partial_with_a_wrong_share_is_rejected_naming_the_trustee(election):
    manifest, shares, _, aggregate = election
    partials = partial_decryptions(shares, aggregate, manifest)
    bad = partials[1]
    forged = PartialDecryption(bad.index, (bad.shares[0] + Point.base8(), *bad.shares[1:]),
                               bad.proofs)
    with pytest.raises(InvalidProof, match="trustee 2"):
        decrypt_tally(aggregate, [partials[0], forged, partials[2]], manifest)


def test_a_partial_with_an_altered_proof_is_rejected(election):
    manifest, shares, _, aggregate = election
    partials = partial_decryptions(shares, aggregate, manifest)
    p = partials[0]
    proof = p.proofs[2]
    altered = DLEQProof(proof.challenge, (proof.response + 1) % ORDER)
    forged = PartialDecryption(p.index, p.shares, (*p.proofs[:2], altered))
    with pytest.raises(InvalidProof, match="option 2"):
        decrypt_tally(aggregate, [forged, *partials[1:]], manifest)


def test_partials_for_another_poll_do_not_verify(election):
    manifest, shares, _, aggregate = election
    other = manifest.model_copy(update={"poll_id": "poll-2"})
    partials = [partial_decrypt(s, aggregate, context_of(other)) for s in shares]
    with pytest.raises(InvalidProof):
        decrypt_tally(aggregate, partials, manifest)


def test_two_partials_from_one_trustee_are_refused(election):
    manifest, shares, _, aggregate = election
    partials = partial_decryptions(shares, aggregate, manifest)
    with pytest.raises(ProtocolError):
        decrypt_tally(aggregate, [partials[0], partials[0]], manifest)


def test_a_total_above_the_tally_bound_is_not_decoded(election):
    manifest, shares, _, aggregate = election
    low = manifest.model_copy(update={"tally_bound": 2})
    partials = partial_decryptions(shares, aggregate, low)
    with pytest.raises(DiscreteLogNotFound, match="option 1"):
        decrypt_tally(aggregate, partials, low)


def test_aggregate_of_no_ballots_is_zero_and_decrypts_to_zero(election):
    manifest, shares, _, _ = election
    empty = aggregate_counted([], 3)
    assert empty == [Ciphertext.zero()] * 3
    partials = partial_decryptions(shares[:2], empty, manifest)
    assert decrypt_tally(empty, partials, manifest).results == (0, 0, 0)
