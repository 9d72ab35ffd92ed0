"""Whole simulated elections for every ballot-rule preset, with real proofs: decrypted by all
trustees and by only t of n, each record written, read back and verified."""

import pytest
from election_helpers import casting
from zkvote.circuits.ballot import check_rule

from zkvote.errors import InvalidArgument, ProtocolError
from zkvote.outcome import compute_outcome
from zkvote.record import read_record, write_record
from zkvote.simulate import PRESETS, SimulationConfig, random_vote, simulate_casting
from zkvote.verify import verify_record

# (preset, re-vote policy, challenges, re-votes): every preset, both policies, and challenges
# and re-votes spread over them so that each election stays at 3-4 proofs.
ELECTIONS = [
    ("single", "first", 1, 0),
    ("referendum", "last", 0, 1),
    ("approval", "first", 0, 1),
    ("quadratic", "last", 1, 0),
    ("budget", "last", 0, 0),
    ("score", "first", 0, 0),
    ("borda", "last", 0, 1),
    ("weighted", "last", 0, 0),
]


def test_every_preset_is_exercised():
    assert sorted(p for p, *_ in ELECTIONS) == sorted(PRESETS)


@pytest.mark.slow
@pytest.mark.parametrize("preset, policy, challenges, revotes", ELECTIONS,
                         ids=[e[0] for e in ELECTIONS])
def test_election_verifies_with_all_and_with_t_of_n_trustees(tmp_path, preset, policy,
                                                             challenges, revotes):
    sim = casting(preset, policy=policy, challenges=challenges, revotes=revotes)
    expected = sim.expected_tally()
    for present in ((1, 2, 3), (2, 3), (1, 3)):
        record = sim.tally(list(present))
        assert list(record.tally.results) == expected
        assert list(record.tally.trustees) == list(present)
        counted = len(record.tally.counted)
        assert record.outcome.outcome == compute_outcome(
            sim.manifest.outcome, expected, counted, sim.manifest.electorate)
        directory = tmp_path / "-".join(map(str, present))
        write_record(record, directory, archive=tmp_path / f"{directory.name}.zip")
        assert read_record(directory) == record
        for path in (directory, tmp_path / f"{directory.name}.zip"):
            report = verify_record(path, workers=1)
            assert report.ok, [s.to_json() for s in report.steps if not s.ok]
    assert len(sim.board) == 3 + revotes and len(sim.challenged) == challenges
    if preset == "weighted":  # each member puts all of its (differing) credits on one option
        assert all(sum(1 for v in votes if v) == 1 for votes in sim.votes)
        assert len({sum(v) for v in sim.votes}) > 1


def test_an_election_without_ballots_verifies_and_decides_nothing(tmp_path):
    import dataclasses

    from election_helpers import base_simulation

    empty = dataclasses.replace(base_simulation(), board=[], votes=[])
    record = empty.tally([1, 3])
    assert list(record.tally.results) == [0, 0] and record.tally.counted == []
    assert not record.outcome.outcome.decided
    write_record(record, tmp_path / "record")
    assert verify_record(tmp_path / "record", workers=1).ok


def test_a_seeded_simulation_is_reproducible_byte_for_byte():
    from election_helpers import SMALL, keys

    config = SimulationConfig(preset="approval", voters=2, options=2, depth=2, seed=3,
                              challenges=0, revotes=0)
    runs = [simulate_casting(config, keys=keys(*SMALL)).tally([1, 2]) for _ in range(2)]
    assert runs[0].to_files() == runs[1].to_files()


def test_fewer_than_t_trustees_cannot_tally():
    from election_helpers import base_simulation

    with pytest.raises(ProtocolError):
        base_simulation().tally([2])


def test_random_votes_satisfy_each_preset_rule():
    import random

    from zkvote.circuits.ballot import preset

    from zkvote.simulate import default_preset_options

    rng = random.Random(5)
    for name in PRESETS:
        params = preset(name, 3, **default_preset_options(name, 3))
        for _ in range(50):
            credits = rng.randint(1, 10)
            check_rule(random_vote(params, 3, credits, rng), params, credits)


@pytest.mark.parametrize("changes", [
    dict(preset="plurality"), dict(voters=0), dict(t=4, n=3), dict(challenges=5),
    dict(policy="best"), dict(voters=9, depth=2),
])
def test_bad_simulation_settings_are_rejected(changes):
    config = SimulationConfig(**{**dict(preset="single", voters=3, options=2, depth=2,
                                        seed=1), **changes})
    with pytest.raises(InvalidArgument):
        simulate_casting(config)
