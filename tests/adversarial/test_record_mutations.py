"""The mutation catalogue: starting from one honest simulated record, each tampering makes
``verify_record`` fail, and fail first at the step that is responsible for it.

Most mutations rewrite ``index.json`` afterwards (and, for manifest edits, the documents'
``manifest_sha256`` citations): a forger controls the whole record, so the file digests alone
must never be what catches a forgery.
"""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from election_helpers import base_record, write

from zkvote import verify as verify_module
from zkvote.babyjub import ORDER, Point
from zkvote.field import FR_MODULUS
from zkvote.record_files import rewrite_index
from zkvote.verify import verify_record

CITING = ("aggregate.json", "partial_decryptions.json", "tally.json", "outcome.json")
G = Point.base8()


@pytest.fixture(scope="module")
def honest(tmp_path_factory) -> Path:
    return write(base_record(), tmp_path_factory.mktemp("honest") / "record")


@pytest.fixture(scope="module")
def honest_two_trustees(tmp_path_factory) -> Path:
    return write(base_record((1, 3)), tmp_path_factory.mktemp("two") / "record")


def load(d: Path, name: str) -> dict:
    return json.loads((d / name).read_text())


def save(d: Path, name: str, doc: dict) -> None:
    (d / name).write_text(json.dumps(doc, indent=1))


def board(d: Path) -> list[dict]:
    return [json.loads(x) for x in (d / "ballots.jsonl").read_text().splitlines()]


def save_board(d: Path, lines: list[dict]) -> None:
    (d / "ballots.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))


def edit_ballot(d: Path, position: int, fn: Callable[[dict], None]) -> None:
    lines = board(d)
    fn(lines[position]["ballot"])
    save_board(d, lines)


def point(p: Point) -> list[str]:
    return [str(p.x), str(p.y)]


def shifted(xy: list[str], by: Point = G) -> list[str]:
    return point(Point.from_affine(int(xy[0]), int(xy[1])) + by)


def counted_position(d: Path) -> int:
    return load(d, "tally.json")["counted"][0]


def edit_manifest(d: Path, fn: Callable[[dict], None]) -> None:
    """Change the manifest and re-cite it everywhere (a consistent forgery)."""
    from zkvote.jsonmodel import canonical_json
    from zkvote.record_files import sha256_hex

    manifest = load(d, "manifest.json")
    fn(manifest)
    data = canonical_json(manifest) + b"\n"
    (d / "manifest.json").write_bytes(data)
    digest = sha256_hex(canonical_json(manifest))
    for name in CITING:
        doc = load(d, name)
        doc["manifest_sha256"] = digest
        save(d, name, doc)


# ---- mutations: (name, function(record dir), expected first failing step)


def alter_ciphertext(d):
    p = counted_position(d)
    edit_ballot(d, p, lambda b: b["ciphertexts"][0].__setitem__(1, shifted(b["ciphertexts"][0][1])))


def swap_ciphertexts(d):
    def swap(b):
        b["ciphertexts"][0], b["ciphertexts"][1] = b["ciphertexts"][1], b["ciphertexts"][0]
    edit_ballot(d, counted_position(d), swap)


def off_curve_coordinate(d):
    edit_ballot(d, 1, lambda b: b["ciphertexts"][1][0].__setitem__(0, "12345"))


def alter_proof_a(d):
    def change(b):
        a = b["proof"]["pi_a"]
        from zkvote.g1 import G1
        doubled = G1.from_affine(int(a[0]), int(a[1])) * 2
        b["proof"]["pi_a"] = [str(doubled.x), str(doubled.y), "1"]
    edit_ballot(d, 2, change)


def alter_proof_c(d):
    def change(b):
        from zkvote.g1 import G1
        c = b["proof"]["pi_c"]
        moved = G1.from_affine(int(c[0]), int(c[1])) + G1.generator()
        b["proof"]["pi_c"] = [str(moved.x), str(moved.y), "1"]
    edit_ballot(d, 0, change)


def alter_nullifier(d):
    edit_ballot(d, counted_position(d), lambda b: b.__setitem__(
        "nullifier", str((int(b["nullifier"]) + 1) % FR_MODULUS)))


def ballot_for_other_poll(d):
    edit_ballot(d, 0, lambda b: b.__setitem__("poll_id", "another-poll"))


def change_rule_param(d):
    edit_manifest(d, lambda m: m["rule"]["params"].__setitem__("maxTotal", "2"))


def invalid_rule_params(d):
    edit_manifest(d, lambda m: m["rule"]["params"].__setitem__("minValue", "2"))


def wrong_vk_hash(d):
    edit_manifest(d, lambda m: m["circuit"].__setitem__("vk_sha256", "00" * 32))


def replace_group_root(d):
    edit_manifest(d, lambda m: m.__setitem__("group_roots", ["42"]))


def replace_poll_key(d):
    edit_manifest(d, lambda m: m["trustees"].__setitem__("joint_key", point(G.mul(5))))


def replace_public_share(d):
    edit_manifest(d, lambda m: m["trustees"]["public_shares"].__setitem__(1, point(G.mul(5))))


def rename_poll(d):
    from zkvote.poll import poll_scope
    edit_manifest(d, lambda m: m.update(poll_id="renamed", scope=str(poll_scope("renamed"))))


def flip_policy(d):
    edit_manifest(d, lambda m: m.__setitem__("revote", "first"))


def lower_tally_bound(d):
    edit_manifest(d, lambda m: m.__setitem__("tally_bound", 1))


def change_outcome_rule(d):
    edit_manifest(d, lambda m: m.__setitem__("outcome", {"kind": "plurality", "quorum": 99}))


def non_canonical_manifest(d):
    doc = load(d, "manifest.json")
    (d / "manifest.json").write_text(json.dumps(doc, indent=2))


def cite_other_manifest(d):
    doc = load(d, "tally.json")
    doc["manifest_sha256"] = "11" * 32
    save(d, "tally.json", doc)


def tamper_dkg_pok(d):
    doc = load(d, "trustees/dkg.json")
    pok = doc["round1"][0]["pok"]
    pok["response"] = str((int(pok["response"]) + 1) % ORDER)
    save(d, "trustees/dkg.json", doc)


def alter_aggregate(d):
    doc = load(d, "aggregate.json")
    doc["ciphertexts"][0][1] = shifted(doc["ciphertexts"][0][1])
    save(d, "aggregate.json", doc)


def alter_aggregate_count(d):
    doc = load(d, "aggregate.json")
    doc["ballots_counted"] += 1
    save(d, "aggregate.json", doc)


def alter_decryption_share(d):
    doc = load(d, "partial_decryptions.json")
    doc["partials"][1]["shares"][0] = shifted(doc["partials"][1]["shares"][0])
    save(d, "partial_decryptions.json", doc)


def alter_dleq_response(d):
    doc = load(d, "partial_decryptions.json")
    proof = doc["partials"][0]["proofs"][1]
    proof["response"] = str((int(proof["response"]) + 1) % ORDER)
    save(d, "partial_decryptions.json", doc)


def alter_dleq_challenge(d):
    doc = load(d, "partial_decryptions.json")
    proof = doc["partials"][2]["proofs"][0]
    proof["challenge"] = str((int(proof["challenge"]) + 1) % ORDER)
    save(d, "partial_decryptions.json", doc)


def drop_partial(d):
    doc = load(d, "partial_decryptions.json")
    del doc["partials"][0]
    save(d, "partial_decryptions.json", doc)


def alter_tally_result(d):
    doc = load(d, "tally.json")
    doc["results"][0] = str(int(doc["results"][0]) + 1)
    save(d, "tally.json", doc)


def alter_plaintext_point(d):
    doc = load(d, "tally.json")
    doc["plaintext_points"][1] = shifted(doc["plaintext_points"][1])
    doc["results"][1] = str(int(doc["results"][1]) + 1)
    save(d, "tally.json", doc)


def alter_outcome_winners(d):
    doc = load(d, "outcome.json")
    doc["outcome"]["winners"] = [1 - w for w in doc["outcome"]["winners"]] or [0]
    save(d, "outcome.json", doc)


def alter_outcome_decided(d):
    doc = load(d, "outcome.json")
    doc["outcome"]["decided"] = not doc["outcome"]["decided"]
    save(d, "outcome.json", doc)


def drop_ballot(d):
    lines = board(d)
    del lines[counted_position(d)]
    save_board(d, lines)


def drop_ballot_and_renumber(d):
    lines = board(d)
    del lines[counted_position(d)]
    for i, line in enumerate(lines):
        line["position"] = i
    save_board(d, lines)


def duplicate_ballot(d):
    lines = board(d)
    lines.append({"version": 1, "position": len(lines), "ballot": lines[0]["ballot"]})
    save_board(d, lines)


def swap_counted_flag(d):
    doc = load(d, "tally.json")
    moved = doc["not_counted"][0]["position"]
    doc["not_counted"][0]["position"] = doc["counted"][-1]
    doc["counted"][-1] = moved
    doc["counted"].sort()
    doc["not_counted"].sort(key=lambda x: x["position"])
    save(d, "tally.json", doc)


def alter_challenge_opening(d):
    doc = load(d, "challenged.json")
    votes = doc["challenged"][0]["votes"]
    doc["challenged"][0]["votes"] = list(reversed(votes))
    save(d, "challenged.json", doc)


def remove_challenge_opening(d):
    doc = load(d, "challenged.json")
    del doc["challenged"][0]["randomness"]
    save(d, "challenged.json", doc)


def cast_a_challenged_ballot(d):
    # Put the spoiled ballot's ciphertexts on the board in place of a cast ballot's: its
    # proof then no longer matches (step 4), but the casting itself is caught too (step 6).
    challenged = load(d, "challenged.json")["challenged"][0]
    edit_ballot(d, 0, lambda b: b.__setitem__("ciphertexts", challenged["ciphertexts"]))


def unknown_field_in_tally(d):
    doc = load(d, "tally.json")
    doc["comment"] = "trust me"
    save(d, "tally.json", doc)


def positions_out_of_order(d):
    lines = board(d)
    lines[0], lines[1] = lines[1], lines[0]
    save_board(d, lines)


def edit_board_head(d: Path, fn: Callable[[dict], None]) -> None:
    index = load(d, "index.json")
    fn(index["board_head"])
    save(d, "index.json", index)


def drop_last_ballot_fixing_the_tally(d):
    # A coordinator drops the last cast ballot and re-issues a consistent record: positions,
    # the re-vote classification and (via rewrite_index) every digest still agree, so only
    # the signed board head can expose it (step 5 checks it first).
    from zkvote.tally import classify_board

    lines = board(d)[:-1]
    save_board(d, lines)
    policy = load(d, "manifest.json")["revote"]
    c = classify_board([int(x["ballot"]["nullifier"]) for x in lines], policy)
    doc = load(d, "tally.json")
    doc["board_size"], doc["counted"] = c.board_size, list(c.counted)
    doc["not_counted"] = [{"position": p, "reason": r} for p, r in c.not_counted]
    save(d, "tally.json", doc)


def _flip_hex(value: str) -> str:
    return ("1" if value[0] != "1" else "2") + value[1:]


def alter_signed_root(d):
    edit_board_head(d, lambda h: h["signed_head"].__setitem__(
        "root_hash", _flip_hex(h["signed_head"]["root_hash"])))


def alter_signed_head_signature(d):
    edit_board_head(d, lambda h: h["signed_head"].__setitem__(
        "signature", _flip_hex(h["signed_head"]["signature"])))


def alter_signed_tree_size(d):
    edit_board_head(d, lambda h: h["signed_head"].__setitem__(
        "tree_size", h["signed_head"]["tree_size"] - 1))


def replace_log_key(d):
    from nacl.signing import SigningKey

    other = SigningKey(bytes(32)).verify_key
    edit_board_head(d, lambda h: h.__setitem__("log_public_key", bytes(other).hex()))


def resign_head_under_own_key_for_another_board(d):
    # A well-signed head, but over a board with the last ballot dropped.
    from nacl.signing import SigningKey

    from zkvote.ballot import Ballot
    from zkvote.record import sign_board_head

    lines = board(d)
    ballots = [Ballot.from_json(x["ballot"]) for x in lines[:-1]]
    head = sign_board_head(SigningKey(bytes(32)), load(d, "manifest.json")["poll_id"],
                           ballots, 0)
    edit_board_head(d, lambda h: h.update(head.to_json()))


def resign_head_over_a_reordered_board(d):
    # Right size, valid signature, but another board: only the root tells.
    from nacl.signing import SigningKey

    from zkvote.ballot import Ballot
    from zkvote.record import sign_board_head

    ballots = [Ballot.from_json(x["ballot"]) for x in board(d)]
    ballots[0], ballots[1] = ballots[1], ballots[0]
    head = sign_board_head(SigningKey(bytes(32)), load(d, "manifest.json")["poll_id"],
                           ballots, 0)
    edit_board_head(d, lambda h: h.update(head.to_json()))


MUTATIONS = [
    # (mutation, expected first failing step)
    (non_canonical_manifest, 2),
    (cite_other_manifest, 2),
    (invalid_rule_params, 2),
    (wrong_vk_hash, 2),
    (tamper_dkg_pok, 3),
    (replace_poll_key, 3),
    (replace_public_share, 3),
    (rename_poll, 3),
    (alter_ciphertext, 4),
    (swap_ciphertexts, 4),
    (off_curve_coordinate, 4),
    (alter_proof_a, 4),
    (alter_proof_c, 4),
    (alter_nullifier, 4),
    (ballot_for_other_poll, 4),
    (change_rule_param, 4),
    (replace_group_root, 4),
    (cast_a_challenged_ballot, 4),
    (flip_policy, 5),
    (drop_ballot, 5),
    (drop_ballot_and_renumber, 5),
    (duplicate_ballot, 5),
    (swap_counted_flag, 5),
    (drop_last_ballot_fixing_the_tally, 5),
    (alter_signed_root, 5),
    (alter_signed_head_signature, 5),
    (alter_signed_tree_size, 5),
    (replace_log_key, 5),
    (resign_head_under_own_key_for_another_board, 5),
    (resign_head_over_a_reordered_board, 5),
    (alter_challenge_opening, 6),
    (alter_aggregate, 7),
    (alter_aggregate_count, 7),
    (alter_decryption_share, 8),
    (alter_dleq_response, 8),
    (alter_dleq_challenge, 8),
    (drop_partial, 9),
    (alter_plaintext_point, 9),
    (alter_tally_result, 10),
    (lower_tally_bound, 10),
    (alter_outcome_winners, 11),
    (alter_outcome_decided, 11),
    (change_outcome_rule, 11),
]


@pytest.fixture
def copy(honest, tmp_path) -> Path:
    target = tmp_path / "record"
    shutil.copytree(honest, target)
    return target


def test_the_honest_record_verifies(honest):
    report = verify_record(honest, workers=1)
    assert report.ok, [s.to_json() for s in report.steps]
    assert report.exit_code == 0


def test_the_honest_record_decrypted_by_t_of_n_trustees_verifies(honest_two_trustees):
    report = verify_record(honest_two_trustees, workers=1)
    assert report.ok, [s.to_json() for s in report.steps]


@pytest.mark.parametrize("mutation, step", MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_mutation_fails_verification_at_the_responsible_step(copy, mutation, step):
    mutation(copy)
    rewrite_index(copy)
    report = verify_record(copy, workers=1)
    failure = report.first_failure
    assert failure is not None, "the mutated record verified"
    assert failure.number == step, (failure.number, failure.detail)
    assert report.exit_code == 1
    assert all(s.status in ("ok", "failed", "skipped") for s in report.steps)


def test_casting_a_challenged_ballot_is_also_caught_by_the_challenge_step(copy):
    cast_a_challenged_ballot(copy)
    rewrite_index(copy)
    report = verify_record(copy, workers=1)
    assert report.steps[5].status == "failed"
    assert "was cast" in report.steps[5].detail


def test_first_failing_ballot_is_named_by_board_position(copy):
    alter_proof_a(copy)
    alter_proof_c(copy)  # position 0 and 2 both broken: 0 is reported
    rewrite_index(copy)
    step = verify_record(copy, workers=1).steps[3]
    assert step.status == "failed" and "board position 0" in step.detail


def test_ballot_checks_in_worker_processes_find_the_same_failure(copy, monkeypatch):
    monkeypatch.setattr(verify_module, "PARALLEL_MIN_BALLOTS", 1)
    assert verify_record(copy, workers=2).ok
    alter_proof_a(copy)
    rewrite_index(copy)
    step = verify_record(copy, workers=2).steps[3]
    assert step.status == "failed" and "board position 2" in step.detail


@pytest.mark.parametrize("mutation", [remove_challenge_opening, unknown_field_in_tally,
                                      positions_out_of_order])
def test_malformed_documents_fail_step_1_as_malformed(copy, mutation):
    mutation(copy)
    rewrite_index(copy)
    report = verify_record(copy, workers=1)
    assert report.first_failure.number == 1
    assert report.malformed and report.exit_code == 2
    assert all(s.status == "skipped" for s in report.steps[1:])


def test_a_file_changed_without_updating_the_index_fails_step_1_as_a_check(copy):
    alter_tally_result(copy)
    report = verify_record(copy, workers=1)
    assert report.first_failure.number == 1
    assert "sha256" in report.first_failure.detail
    assert report.exit_code == 1


def test_a_missing_file_or_record_is_malformed(copy, tmp_path):
    (copy / "outcome.json").unlink()
    report = verify_record(copy, workers=1)
    assert report.exit_code == 2 and "outcome.json" in report.first_failure.detail
    assert verify_record(tmp_path / "nothing", workers=1).exit_code == 2


def test_later_steps_still_run_when_an_independent_step_fails(copy):
    alter_outcome_winners(copy)
    alter_aggregate(copy)
    rewrite_index(copy)
    steps = verify_record(copy, workers=1).steps
    failed = [s.number for s in steps if s.status == "failed"]
    # the partial decryptions' proofs bind the (altered) aggregate, so step 8 fails too,
    # and 9 and 10, which need step 8, are skipped; the outcome is still checked
    assert failed == [7, 8, 11]
    assert [s.status for s in steps[8:10]] == ["skipped", "skipped"]
    assert all(s.ok for s in steps[:6])


def test_the_honest_record_carries_a_board_head_that_it_matches(honest):
    assert load(honest, "index.json")["board_head"] is not None
    step = verify_record(honest, workers=1).steps[4]
    assert step.ok and "exactly the signed board" in step.detail


@pytest.mark.parametrize("mutation, words", [
    (drop_last_ballot_fixing_the_tally, "signed board head has"),
    (alter_signed_root, "bad signature"),
    (resign_head_over_a_reordered_board, "root differs"),
    (alter_signed_head_signature, "bad signature"),
    (alter_signed_tree_size, "bad signature"),
    (replace_log_key, "another log"),
    (resign_head_under_own_key_for_another_board, "signed board head has"),
])
def test_board_head_failures_name_the_problem(copy, mutation, words):
    mutation(copy)
    rewrite_index(copy)
    step = verify_record(copy, workers=1).steps[4]
    assert step.status == "failed" and words in step.detail, step.detail


def test_a_record_without_a_board_head_verifies_and_says_the_head_is_absent(copy):
    index = load(copy, "index.json")
    index["board_head"] = None
    save(copy, "index.json", index)
    report = verify_record(copy, workers=1)
    assert report.ok, [s.to_json() for s in report.steps]
    assert "board head absent" in report.steps[4].detail
    assert not any("board head" in w for w in report.warnings)


def test_a_malformed_board_head_is_malformed(copy):
    edit_board_head(copy, lambda h: h.__setitem__("log_public_key", "00" * 31))
    report = verify_record(copy, workers=1)
    assert report.first_failure.number == 1 and "log_public_key" in report.first_failure.detail
    assert report.malformed and report.exit_code == 2


# ---- a pinned log key (zkvote verify --log-key)


def resign_head_under_another_key_over_the_same_board(d):
    # A forger re-signs the very same board under a key of its own: the record is fully
    # consistent, so only a key pinned out of band exposes it.
    from nacl.signing import SigningKey

    from zkvote.ballot import Ballot
    from zkvote.record import sign_board_head

    ballots = [Ballot.from_json(x["ballot"]) for x in board(d)]
    head = sign_board_head(SigningKey(bytes(range(32))), load(d, "manifest.json")["poll_id"],
                           ballots, 0)
    edit_board_head(d, lambda h: h.update(head.to_json()))


def honest_log_key(d: Path) -> str:
    return load(d, "index.json")["board_head"]["log_public_key"]


def test_the_honest_record_verifies_under_its_pinned_log_key(honest):
    key = honest_log_key(honest)
    for pinned in (key, key.upper(), bytes.fromhex(key)):
        report = verify_record(honest, workers=1, log_key=pinned)
        assert report.ok, [s.to_json() for s in report.steps]
        assert "pinned log key" in report.steps[4].detail


def test_a_head_signed_by_another_key_fails_only_when_the_key_is_pinned(honest, copy):
    key = honest_log_key(honest)
    resign_head_under_another_key_over_the_same_board(copy)
    rewrite_index(copy)
    assert verify_record(copy, workers=1).ok  # unpinned: the record's own key is trusted
    report = verify_record(copy, workers=1, log_key=key)
    assert report.first_failure.number == 5 and report.exit_code == 1
    assert f"is not the pinned log key {key}" in report.first_failure.detail


def test_a_record_without_a_board_head_fails_when_a_log_key_is_pinned(honest, copy):
    key = honest_log_key(honest)
    index = load(copy, "index.json")
    index["board_head"] = None
    save(copy, "index.json", index)
    report = verify_record(copy, workers=1, log_key=key)
    assert report.first_failure.number == 5 and report.exit_code == 1
    assert report.first_failure.detail == "board head absent but a log key was pinned"


@pytest.mark.parametrize("bad", ["00" * 31, "zz" * 32, "0x" + "00" * 31, b"\x00" * 31, 7])
def test_a_malformed_pinned_log_key_is_refused(honest, bad):
    from zkvote.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        verify_record(honest, workers=1, log_key=bad)
