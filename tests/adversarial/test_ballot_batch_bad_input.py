"""Hostile ballots in a batch: :func:`zkvote.ballot.parse_ballots` (on-twist parsing of every
proof's B point, one batched G2 membership check) refuses exactly what the strict
``Ballot.from_json`` refuses, with the same error class and message, and names each bad
ballot; the record verifier built on it names the board position of a ballot whose B is
outside G2."""

import copy
import json
import shutil

import pytest
from election_helpers import base_record, base_simulation, write

from zkvote.babyjub import Point
from zkvote.ballot import Ballot, parse_ballots
from zkvote.errors import (
    FieldRangeError,
    InvalidEncoding,
    InvalidInput,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.record_files import rewrite_index
from zkvote.snark import verifier
from zkvote.verify import verify_record

# On the twist, outside G2 (x = 5 + u; the twist's cofactor makes such a point almost never
# a G2 element; tests/adversarial/test_groth16_bad_input.py checks it is refused singly).
OUTSIDE_G2 = [
    ["5", "1"],
    ["1408319067812452414633879940013592055621582375252427422757364816067320890688",
     "16043447076329872375887584556683436513165016484529127304231559706947902103147"],
    ["1", "0"],
]
G2_IDENTITY = [["0", "0"], ["1", "0"], ["0", "0"]]


@pytest.fixture(params=["batched", "per-point"])
def g2_check(request, monkeypatch) -> str:
    # both paths of g2_subgroup_failures: the random-combination batch and the psi test
    monkeypatch.setattr(verifier, "G2_BATCH_MIN", 1 if request.param == "batched" else 10**9)
    return request.param


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    sim = base_simulation()
    return [b.to_json() for b in sim.board]


def strict_exception(doc: object) -> InvalidInput | None:
    try:
        Ballot.from_json(doc, subgroup_checks=False)
    except InvalidInput as exc:
        return exc
    return None


def strict_error(doc: object) -> type | None:
    exc = strict_exception(doc)
    return None if exc is None else type(exc)


def same_error(a: object, b: object) -> bool:
    return type(a) is type(b) and str(a) == str(b)


def test_a_batch_of_valid_ballots_parses_to_the_strict_parse(docs, g2_check):
    batch = docs * 3
    assert parse_ballots(batch) == [Ballot.from_json(d) for d in batch]


def test_one_ballot_with_b_outside_g2_is_rejected_and_named(docs, g2_check):
    batch = [copy.deepcopy(d) for d in docs * 4]
    bad = 5
    batch[bad]["proof"]["pi_b"] = OUTSIDE_G2
    results = parse_ballots(batch)
    assert isinstance(results[bad], NotInSubgroup) and "pi_b" in str(results[bad])
    assert same_error(results[bad], strict_exception(batch[bad]))
    assert all(isinstance(r, Ballot) for i, r in enumerate(results) if i != bad)


def test_every_ballot_with_b_outside_g2_is_named(docs, g2_check):
    batch = [copy.deepcopy(d) for d in docs * 2]
    for i in (0, len(batch) - 1):
        batch[i]["proof"]["pi_b"] = OUTSIDE_G2
    kinds = [type(r) for r in parse_ballots(batch)]
    assert kinds == [NotInSubgroup] + [Ballot] * (len(batch) - 2) + [NotInSubgroup]


def _off_twist(d):
    d["proof"]["pi_b"][1][0] = str((int(d["proof"]["pi_b"][1][0]) + 1) % FQ_MODULUS)


def _b_coordinate_not_below_p(d):
    d["proof"]["pi_b"][0][1] = str(int(d["proof"]["pi_b"][0][1]) + FQ_MODULUS)


def _b_unnormalised(d):
    d["proof"]["pi_b"][2] = ["1", "1"]


def _b_zero_zero(d):
    d["proof"]["pi_b"] = [["0", "0"], ["0", "0"], ["1", "0"]]


def _a_off_curve(d):
    d["proof"]["pi_a"][1] = str((int(d["proof"]["pi_a"][1]) + 1) % FQ_MODULUS)


def _wrong_protocol(d):
    d["proof"]["protocol"] = "plonk"


def _proof_extra_key(d):
    d["proof"]["extra"] = 1


def _ciphertext_off_curve(d):
    d["ciphertexts"][0][0][1] = str((int(d["ciphertexts"][0][0][1]) + 1) % FR_MODULUS)


def _ciphertext_coordinate_not_below_r(d):
    d["ciphertexts"][1][1][0] = str(FR_MODULUS)


def _leading_zero(d):
    d["nullifier"] = "0" + d["nullifier"]


def _unicode_digits(d):
    d["root"] = "\u0661" + d["root"][1:]  # an Arabic-Indic digit one


def _number_not_string(d):
    d["root"] = int(d["root"])


def _missing_key(d):
    del d["proof"]


def _b_outside_g2_and_c_off_curve(d):
    # two faults: both parsers name the same first one (C), whatever checks B's subgroup
    d["proof"]["pi_b"] = OUTSIDE_G2
    d["proof"]["pi_c"][1] = str((int(d["proof"]["pi_c"][1]) + 1) % FQ_MODULUS)


BAD = [
    (_off_twist, InvalidPoint), (_b_coordinate_not_below_p, FieldRangeError),
    (_b_unnormalised, InvalidEncoding), (_b_zero_zero, InvalidPoint),
    (_a_off_curve, InvalidPoint), (_wrong_protocol, InvalidEncoding),
    (_proof_extra_key, InvalidEncoding), (_ciphertext_off_curve, InvalidPoint),
    (_ciphertext_coordinate_not_below_r, FieldRangeError), (_leading_zero, InvalidEncoding),
    (_unicode_digits, InvalidEncoding), (_number_not_string, InvalidEncoding),
    (_missing_key, InvalidEncoding), (_b_outside_g2_and_c_off_curve, InvalidPoint),
]


@pytest.mark.parametrize("mutation, error", BAD, ids=[m.__name__.strip("_") for m, _ in BAD])
def test_a_malformed_ballot_in_a_batch_gets_the_strict_parsers_error_and_message(
        docs, mutation, error):
    batch = [copy.deepcopy(d) for d in docs]
    mutation(batch[1])
    assert strict_error(batch[1]) is error
    results = parse_ballots(batch)
    assert same_error(results[1], strict_exception(batch[1])), (results[1], batch[1])
    assert [r for i, r in enumerate(results) if i != 1] == [
        Ballot.from_json(d) for i, d in enumerate(batch) if i != 1]


@pytest.mark.parametrize("doc", [None, [], "ballot", 7])
def test_a_batch_member_that_is_not_an_object_is_an_error_not_a_crash(docs, doc):
    results = parse_ballots([doc, docs[0]])
    assert isinstance(results[0], InvalidEncoding) and isinstance(results[1], Ballot)


def test_the_identity_as_b_parses_as_in_the_strict_parser(docs):
    d = copy.deepcopy(docs[0])
    d["proof"]["pi_b"] = G2_IDENTITY
    [ballot] = parse_ballots([d])
    assert ballot == Ballot.from_json(d)


def test_the_fast_ciphertext_point_check_agrees_with_point_from_affine(docs):
    g = Point.base8()
    for k in (1, 2, 12345, FR_MODULUS - 7):
        p = g.mul(k)
        for x, y in ((p.x, p.y), (p.x, (p.y + 1) % FR_MODULUS), (0, 1), (0, FR_MODULUS - 1),
                     (1, 1), (p.y, p.x)):
            d = copy.deepcopy(docs[0])
            d["ciphertexts"][0][0] = [str(x), str(y)]
            try:
                Point.from_affine(x, y, subgroup=False)
                expected = None
            except InvalidPoint:
                expected = InvalidPoint
            assert strict_error(d) is expected
            assert (type(parse_ballots([d])[0]) is InvalidPoint) == (expected is InvalidPoint)


def test_the_verifier_names_the_board_position_of_a_ballot_with_b_outside_g2(tmp_path,
                                                                           g2_check):
    record = write(base_record(), tmp_path / "record")
    lines = [json.loads(x) for x in (record / "ballots.jsonl").read_text().splitlines()]
    lines[2]["ballot"]["proof"]["pi_b"] = OUTSIDE_G2
    (record / "ballots.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    rewrite_index(record)
    step = verify_record(record, workers=1).steps[3]
    assert step.status == "failed"
    assert "board position 2" in step.detail and "pi_b" in step.detail, step.detail
    shutil.rmtree(record)


def test_g2_subgroup_failures_names_exactly_the_points_outside_g2(g2_check):
    from zkvote.g2 import G2
    from zkvote.snark.snarkjs_json import g2_affine_from_json

    outside = g2_affine_from_json(OUTSIDE_G2)
    inside = [(G2.generator() * k).to_affine() for k in (1, 2, 99)]
    failures = verifier.g2_subgroup_failures
    assert failures([]) == [] and failures([None]) == []
    assert failures(inside + [None]) == []
    assert failures([outside, *inside, None, outside]) == [0, 5]


def test_the_batched_g2_check_is_used_for_large_batches_and_catches_one_bad_point(monkeypatch):
    from zkvote.g2 import G2
    from zkvote.snark.snarkjs_json import g2_affine_from_json

    calls = []
    real = verifier.impl

    def spy(name):
        module = real(name)
        if name == "groth16":
            calls.append(name)
        return module

    monkeypatch.setattr(verifier, "impl", spy)
    g = G2.generator()
    points = [(g * k).to_affine() for k in range(1, verifier.G2_BATCH_MIN + 1)]
    assert verifier.g2_subgroup_failures(points) == [] and calls
    points[77] = g2_affine_from_json(OUTSIDE_G2)
    assert verifier.g2_subgroup_failures(points) == [77]
