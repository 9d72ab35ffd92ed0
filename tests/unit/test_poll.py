"""The poll manifest: scope derivation, canonical JSON and hash, strict parsing."""

import hashlib
import json

import pytest
from election_helpers import fake_manifest

from zkvote.babyjub import Point
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)
from zkvote.field import FR_MODULUS
from zkvote.poll import MAX_TALLY_BOUND, PollManifest, poll_scope, vk_hash


def test_scope_is_sha256_of_tagged_poll_id_shifted_to_248_bits():
    digest = hashlib.sha256(b"zkvote/1/poll-scope\x00poll-1").digest()
    assert poll_scope("poll-1") == int.from_bytes(digest, "big") >> 8
    assert poll_scope("poll-1") < FR_MODULUS
    assert poll_scope("poll-1") != poll_scope("poll-2")


@pytest.mark.parametrize("bad", ["", "-starts-with-dash", "has space", "x" * 129, "é", 5])
def test_scope_rejects_bad_poll_ids(bad):
    with pytest.raises(InvalidArgument):
        poll_scope(bad)


def test_manifest_round_trips_through_canonical_json():
    m = fake_manifest()
    data = m.canonical_json()
    assert PollManifest.from_json(data) == m
    assert PollManifest.from_json(json.loads(data)) == m
    assert data == json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()


def test_manifest_hash_is_sha256_of_canonical_json_and_changes_with_any_field():
    m = fake_manifest()
    assert m.manifest_hash() == hashlib.sha256(m.canonical_json()).hexdigest()
    assert fake_manifest(question="Which other?").manifest_hash() != m.manifest_hash()
    assert fake_manifest(revote="last").manifest_hash() != m.manifest_hash()


def test_manifest_json_uses_decimal_strings_and_point_pairs():
    doc = fake_manifest().to_json()
    assert doc["version"] == 1
    assert doc["scope"] == str(poll_scope("poll-1"))
    assert doc["group_roots"] == ["12345"]
    assert doc["rule"]["params"]["maxValue"] == "1"
    key = doc["trustees"]["joint_key"]
    assert key == [str(Point.mul_base8(99).x), str(Point.mul_base8(99).y)]


def _doc(**changes):
    doc = fake_manifest().to_json()
    doc.update(changes)
    return doc


@pytest.mark.parametrize("mutate, error", [
    (lambda d: d.update(extra=1), InvalidEncoding),
    (lambda d: d.update(version=2), InvalidEncoding),
    (lambda d: d.update(scope=str(poll_scope("poll-2"))), InvalidEncoding),
    (lambda d: d.update(scope=poll_scope("poll-1")), InvalidEncoding),  # a number, not a string
    (lambda d: d.update(group_roots=["012"]), InvalidEncoding),
    (lambda d: d.update(group_roots=[str(FR_MODULUS)]), FieldRangeError),
    (lambda d: d.update(group_roots=[]), InvalidEncoding),
    (lambda d: d.update(group_roots=["1", "1"]), InvalidEncoding),
    (lambda d: d.update(electorate="10"), InvalidEncoding),
    (lambda d: d.update(electorate=True), InvalidEncoding),
    (lambda d: d.update(options=["a", "b"]), InvalidEncoding),  # circuit has 3
    (lambda d: d.update(options=["a", "a", "b"]), InvalidEncoding),
    (lambda d: d.update(revote="any"), InvalidEncoding),
    (lambda d: d.update(opens_at="2030-01-03T00:00:00Z"), InvalidEncoding),
    (lambda d: d.update(closes_at="2030-01-02 00:00:00"), InvalidEncoding),
    (lambda d: d.update(closes_at="2030-02-30T00:00:00Z"), InvalidEncoding),
    (lambda d: d.update(tally_bound=MAX_TALLY_BOUND + 1), InvalidEncoding),
    (lambda d: d["trustees"].update(t=4), InvalidEncoding),
    (lambda d: d["trustees"].update(public_shares=d["trustees"]["public_shares"][:2]),
     InvalidEncoding),
    (lambda d: d["trustees"].update(joint_key=["0", "1"]), InvalidEncoding),
    (lambda d: d["trustees"].update(joint_key=["1", "2"]), InvalidPoint),
    (lambda d: d["circuit"].update(vk_sha256="AB" * 32), InvalidEncoding),
    (lambda d: d["circuit"].update(setup="trust-me"), InvalidEncoding),
    (lambda d: d["outcome"].update(kind="supermajority"), InvalidEncoding),  # no threshold
    (lambda d: d["outcome"].update(abstain_option=3), InvalidEncoding),
])
def test_manifest_parser_rejects_malformed_documents(mutate, error):
    doc = _doc()
    mutate(doc)
    with pytest.raises(error):
        PollManifest.from_json(doc)


def test_manifest_rejects_a_poll_key_outside_the_subgroup():
    # (0, -1) is on the curve with order 2.
    doc = _doc()
    doc["trustees"]["joint_key"] = ["0", str(FR_MODULUS - 1)]
    with pytest.raises(NotInSubgroup):
        PollManifest.from_json(doc)


def test_manifest_rejects_duplicate_keys_and_non_json_constants():
    text = fake_manifest().canonical_json().decode()
    with pytest.raises(InvalidEncoding, match="duplicate"):
        PollManifest.from_json(text.replace('{"circuit"', '{"electorate":1,"circuit"', 1))
    with pytest.raises(InvalidEncoding):
        PollManifest.from_json(text.replace('"electorate":10', '"electorate":NaN'))


def test_check_parameters_accepts_the_fake_manifest_and_rejects_other_circuits_and_rules():
    fake_manifest().check_parameters()
    bad_id = fake_manifest(circuit={"id": "zkvote-ballot-v1-k3-d5", "n_options": 3,
                                    "max_depth": 4, "vk_sha256": "ab" * 32,
                                    "setup": "ceremony"})
    with pytest.raises(InvalidArgument, match="circuit id"):
        bad_id.check_parameters()
    params = dict(fake_manifest().rule.params, minValue=2)
    with pytest.raises(InvalidArgument):
        fake_manifest(rule={"preset": "single", "params": params}).check_parameters()
    missing = {k: v for k, v in fake_manifest().rule.params.items() if k != "unique"}
    with pytest.raises(InvalidArgument, match="missing"):
        fake_manifest(rule={"preset": "single", "params": missing}).rule_params()


def test_vk_hash_ignores_whitespace_but_not_content():
    a = vk_hash('{"a": 1, "b": [1, 2]}')
    assert a == vk_hash('{"b":[1,2],"a":1}')
    assert a != vk_hash('{"a": 2, "b": [1, 2]}')
