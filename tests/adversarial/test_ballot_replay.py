"""Replay and rebinding: a valid ballot moved to another poll, put under another root, given
other ciphertexts, another nullifier or another ballot's proof is rejected; a reused nullifier
is resolved by the re-vote policy; challenged ballots open only to what they encrypted."""

import dataclasses

import pytest
from election_helpers import SMALL, base_simulation, keys

from zkvote.babyjub import ORDER, Point
from zkvote.ballot import (
    Ballot,
    BallotRejected,
    ChallengedBallot,
    build_ballot,
    tracking_code,
    verify_ballot,
    verify_ballots,
    verify_challenge,
)
from zkvote.elgamal import Ciphertext
from zkvote.errors import InvalidArgument, InvalidBallot, InvalidProof
from zkvote.identity import Identity
from zkvote.merkle import LeanIMT
from zkvote.poll import PollManifest, poll_scope
from zkvote.tally import classify_board


@pytest.fixture(scope="module")
def sim():
    return base_simulation()


@pytest.fixture(scope="module")
def vk(sim):
    return sim.keys.vk


def variant(manifest: PollManifest, **changes) -> PollManifest:
    return PollManifest(**{**manifest.model_dump(), **changes})


def with_(ballot: Ballot, **changes) -> Ballot:
    return dataclasses.replace(ballot, **changes)


def test_every_simulated_ballot_verifies(sim, vk):
    for ballot in sim.board:
        verify_ballot(ballot, sim.manifest, vk)
    verify_ballots(sim.board, sim.manifest, vk)


def test_ballot_replayed_in_another_poll_is_rejected(sim, vk):
    other = variant(sim.manifest, poll_id="other-poll", scope=poll_scope("other-poll"))
    ballot = sim.board[0]
    with pytest.raises(InvalidBallot, match="for poll"):
        verify_ballot(ballot, other, vk)
    # relabelled for the other poll: the proof was made for the first poll's scope
    with pytest.raises(InvalidProof):
        verify_ballot(with_(ballot, poll_id="other-poll"), other, vk)


def test_ballot_under_another_accepted_root_is_rejected(sim, vk):
    other_root = 424242
    m = variant(sim.manifest, group_roots=[*sim.manifest.group_roots, other_root])
    ballot = sim.board[0]
    verify_ballot(ballot, m, vk)
    with pytest.raises(InvalidProof):
        verify_ballot(with_(ballot, root=other_root), m, vk)


def test_ballot_under_a_root_the_poll_does_not_accept_is_rejected(sim, vk):
    with pytest.raises(InvalidBallot, match="root"):
        verify_ballot(with_(sim.board[0], root=424242), sim.manifest, vk)


def test_ballot_with_swapped_ciphertexts_is_rejected(sim, vk):
    ballot = sim.board[1]
    swapped = (ballot.ciphertexts[1], ballot.ciphertexts[0])
    with pytest.raises(InvalidProof):
        verify_ballot(with_(ballot, ciphertexts=swapped), sim.manifest, vk)


def test_ballot_with_another_ballots_ciphertexts_or_a_rerandomised_one_is_rejected(sim, vk):
    a, b = sim.board[0], sim.board[2]
    with pytest.raises(InvalidProof):
        verify_ballot(with_(a, ciphertexts=b.ciphertexts), sim.manifest, vk)
    g = Point.base8()
    shifted = Ciphertext(a.ciphertexts[0].c1 + g, a.ciphertexts[0].c2 + sim.manifest.poll_key)
    with pytest.raises(InvalidProof):
        verify_ballot(with_(a, ciphertexts=(shifted, a.ciphertexts[1])), sim.manifest, vk)


def test_ballot_with_another_ballots_proof_or_nullifier_is_rejected(sim, vk):
    a, b = sim.board[0], sim.board[1]
    with pytest.raises(InvalidProof):
        verify_ballot(with_(a, proof=b.proof), sim.manifest, vk)
    with pytest.raises(InvalidProof):
        verify_ballot(with_(a, nullifier=b.nullifier), sim.manifest, vk)


def test_ballot_with_the_wrong_number_of_options_is_rejected(sim, vk):
    a = sim.board[0]
    with pytest.raises(InvalidBallot, match="ciphertexts"):
        verify_ballot(with_(a, ciphertexts=a.ciphertexts[:1]), sim.manifest, vk)


def test_batch_verification_names_the_first_bad_ballot(sim, vk):
    good = list(sim.board)
    bad = with_(good[1], ciphertexts=tuple(reversed(good[1].ciphertexts)))
    with pytest.raises(BallotRejected) as caught:
        verify_ballots([good[0], good[2], bad, with_(good[3], root=7)], sim.manifest, vk)
    assert caught.value.index == 2


def test_reused_nullifier_is_resolved_by_the_revote_policy(sim):
    # the simulation's last voter re-voted: positions 2 and 3 share a nullifier
    nullifiers = [b.nullifier for b in sim.board]
    assert nullifiers[2] == nullifiers[3] and len(set(nullifiers)) == 3
    first = classify_board(nullifiers, "first")
    assert first.counted == (0, 1, 2) and first.not_counted == ((3, "duplicate-nullifier"),)
    last = classify_board(nullifiers, "last")
    assert last.counted == (0, 1, 3) and last.not_counted == ((2, "superseded"),)


def test_challenged_ballot_opens_and_keeps_its_tracking_code(sim):
    challenged = sim.challenged[0]
    verify_challenge(challenged, sim.manifest)
    again = ChallengedBallot.from_json(challenged.to_json())
    assert again == challenged and tracking_code(again) == tracking_code(challenged)
    assert tracking_code(challenged) not in {tracking_code(b) for b in sim.board}


@pytest.mark.parametrize("change", [
    lambda c: dataclasses.replace(c, votes=tuple(reversed(c.votes))),
    lambda c: dataclasses.replace(c, randomness=(c.randomness[0] + 1, *c.randomness[1:])),
    lambda c: dataclasses.replace(c, randomness=(0, *c.randomness[1:])),
    lambda c: dataclasses.replace(c, votes=(ORDER - 1, *c.votes[1:])),
    lambda c: dataclasses.replace(c, poll_id="other-poll"),
])
def test_challenged_ballot_with_a_wrong_opening_is_rejected(sim, change):
    with pytest.raises(InvalidBallot):
        verify_challenge(change(sim.challenged[0]), sim.manifest)


def test_tracking_code_changes_with_the_ciphertexts_but_not_the_proof(sim):
    a, b = sim.board[0], sim.board[1]
    assert tracking_code(a) != tracking_code(b)
    assert tracking_code(with_(a, proof=b.proof)) == tracking_code(a)


def test_a_member_added_later_votes_under_the_new_root_and_old_ballots_stay_valid(sim, vk):
    # The simulation keeps no member secrets, so a fresh two-member group stands for "the
    # group after an addition": its root is accepted next to the original one.
    newcomer = Identity(b"a member who joined after the poll opened")
    grown = LeanIMT([Identity(b"earlier member").commitment, newcomer.commitment])
    m = variant(sim.manifest, group_roots=[*sim.manifest.group_roots, grown.root])
    k = keys(*SMALL)
    ballot, _ = build_ballot(newcomer, grown, m, k.zkey, k.circuit, [1, 0])
    verify_ballot(ballot, m, vk)
    verify_ballot(sim.board[0], m, vk)
    with pytest.raises(InvalidBallot, match="root"):
        verify_ballot(ballot, sim.manifest, vk)


def test_building_a_ballot_under_a_root_the_poll_does_not_accept_is_refused(sim):
    group = LeanIMT([Identity(b"outsider").commitment])
    k = keys(*SMALL)
    with pytest.raises(InvalidArgument, match="root"):
        build_ballot(Identity(b"outsider"), group, sim.manifest, k.zkey, k.circuit, [1, 0])


def test_building_a_ballot_that_breaks_the_rule_is_refused(sim):
    group = LeanIMT([Identity(b"member").commitment])
    m = variant(sim.manifest, group_roots=[group.root])
    k = keys(*SMALL)
    with pytest.raises(InvalidBallot):
        build_ballot(Identity(b"member"), group, m, k.zkey, k.circuit, [1, 1])
