"""The election record: file layer (directory, archives, index) and document parsers."""

import io
import json
import tarfile
import zipfile

import pytest
from election_helpers import base_record, base_simulation
from nacl.signing import SigningKey

from zkvote.errors import InvalidEncoding
from zkvote.jsonmodel import canonical_json, load_json
from zkvote.record import (
    ElectionRecord,
    board_entry,
    board_root,
    parse_board,
    parse_tally,
    read_record,
    sign_board_head,
    write_record,
)
from zkvote.record_files import (
    BALLOTS,
    INDEX,
    MANIFEST,
    RECORD_FILES,
    TALLY,
    BoardHead,
    index_problems,
    make_index,
    parse_index,
    read_record_files,
    rewrite_index,
    write_record_files,
)


def fake_files() -> dict[str, bytes]:
    return {name: f"content of {name}\n".encode() for name in RECORD_FILES}


def test_index_lists_every_file_with_its_sha256():
    files = fake_files()
    index = json.loads(make_index(files))
    assert index["version"] == 1 and index["format"] == "zkvote-election-record"
    assert sorted(index["files"]) == sorted(RECORD_FILES)
    assert index["board_head"] is None
    assert index_problems({**files, INDEX: make_index(files)}) == []


def test_index_reports_changed_extra_and_unlisted_files():
    files = fake_files()
    everything = {**files, INDEX: make_index(files)}
    changed = {**everything, TALLY: b"other"}
    assert index_problems(changed) == ["tally.json: sha256 differs from the index"]
    extra = {**everything, "notes.txt": b"hi"}
    assert index_problems(extra) == ["notes.txt is in the record but not in the index"]
    fewer = {k: v for k, v in files.items() if k != TALLY}
    unlisted = {**files, INDEX: make_index(fewer)}
    assert "tally.json is not listed in the index" in index_problems(unlisted)


def test_index_with_a_malformed_board_head_is_rejected():
    files = fake_files()
    index = json.loads(make_index(files))
    index["board_head"] = {"tree_size": 1}
    with pytest.raises(InvalidEncoding):
        index_problems({**files, INDEX: json.dumps(index).encode()})


def _head() -> BoardHead:
    return sign_board_head(SigningKey(bytes(range(32))), "poll", base_record().board, 5)


def test_board_head_round_trips_through_the_index_and_survives_rewrite_index(tmp_path):
    files, head = fake_files(), _head()
    index = parse_index(make_index(files, head))
    assert index.board_head == head and index.version == 1
    write_record_files(files, tmp_path, board_head=head)
    (tmp_path / TALLY).write_bytes(b"edited")
    rewrite_index(tmp_path)
    assert parse_index((tmp_path / INDEX).read_bytes()).board_head == head


@pytest.mark.parametrize("change", [
    lambda h: h.__setitem__("extra", 1),
    lambda h: h.__setitem__("log_public_key", h["log_public_key"].upper()),
    lambda h: h.__setitem__("log_public_key", h["log_public_key"][:-2]),
    lambda h: h["signed_head"].__setitem__("tree_size", -1),
    lambda h: h["signed_head"].__setitem__("signature", "00"),
    lambda h: h["signed_head"].pop("root_hash"),
])
def test_board_head_is_parsed_strictly(change):
    doc = _head().to_json()
    change(doc)
    with pytest.raises(InvalidEncoding):
        BoardHead.from_json(doc)


def test_board_head_signs_the_root_of_the_ballots_canonical_json():
    head = _head()
    board = base_record().board
    assert head.signed_head.tree_size == len(board)
    assert head.signed_head.root_hash == board_root([b.to_json() for b in board])
    assert board_entry(board[0].to_json()) == canonical_json(board[0].to_json())


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz", ".tgz"])
def test_directory_and_archives_hold_the_same_files(tmp_path, suffix):
    files = fake_files()
    archive = tmp_path / f"record{suffix}"
    write_record_files(files, tmp_path / "record", archive=archive)
    from_dir = read_record_files(tmp_path / "record")
    assert from_dir == read_record_files(archive)
    assert from_dir == {**files, INDEX: make_index(files)}


def test_archives_are_byte_reproducible(tmp_path):
    files = fake_files()
    write_record_files(files, tmp_path / "a", archive=tmp_path / "a.tar.gz")
    write_record_files(files, tmp_path / "b", archive=tmp_path / "b.tar.gz")
    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()


def test_writing_over_an_existing_record_is_refused(tmp_path):
    write_record_files(fake_files(), tmp_path)
    with pytest.raises(FileExistsError):
        write_record_files(fake_files(), tmp_path)


@pytest.mark.parametrize("name", ["../evil.json", "/abs.json", "a/../../b", "a//b", "a\\b"])
def test_zip_members_with_unsafe_paths_are_rejected(tmp_path, name):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, b"x")
    with pytest.raises(InvalidEncoding):
        read_record_files(path)


def test_tar_links_and_duplicate_members_are_rejected(tmp_path):
    link = tmp_path / "link.tar.gz"
    with tarfile.open(link, "w:gz") as tf:
        info = tarfile.TarInfo("manifest.json")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(InvalidEncoding, match="regular file"):
        read_record_files(link)
    dup = tmp_path / "dup.tar.gz"
    with tarfile.open(dup, "w:gz") as tf:
        for _ in range(2):
            info = tarfile.TarInfo("tally.json")
            info.size = 1
            tf.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(InvalidEncoding, match="duplicate"):
        read_record_files(dup)


def test_symlinks_in_a_record_directory_are_rejected(tmp_path):
    (tmp_path / "target.json").write_text("{}")
    (tmp_path / "manifest.json").symlink_to(tmp_path / "target.json")
    with pytest.raises(InvalidEncoding, match="regular file"):
        read_record_files(tmp_path)


def test_a_file_that_is_not_an_archive_is_rejected(tmp_path):
    bogus = tmp_path / "record.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(InvalidEncoding):
        read_record_files(bogus)
    with pytest.raises(FileNotFoundError):
        read_record_files(tmp_path / "missing.tar.gz")


def _line(position, version=1, **extra):
    return json.dumps({"version": version, "position": position, "ballot": {}, **extra})


@pytest.mark.parametrize("lines, match", [
    ([_line(0), _line(0)], "increasing"),
    ([_line(1), _line(0)], "increasing"),
    ([_line(-1)], "non-negative"),
    ([_line(True)], "non-negative"),
    ([_line(0, version=2)], "version"),
    ([_line(0, extra=1)], "exactly"),
    (['{"version":1,"position":0,"ballot":[]}'], "object"),
    (["not json"], "not JSON"),
])
def test_board_lines_are_parsed_strictly(lines, match):
    with pytest.raises(InvalidEncoding, match=match):
        parse_board("\n".join(lines).encode() + b"\n")


def test_board_positions_may_have_gaps_for_the_verifier_to_report():
    board = parse_board(f"{_line(0)}\n{_line(2)}\n".encode())
    assert [line.position for line in board] == [0, 2]
    assert parse_board(b"") == []


def test_json_loader_rejects_deep_nesting_and_duplicate_keys():
    with pytest.raises(InvalidEncoding, match="not JSON"):
        load_json("[" * 100_000 + "]" * 100_000, "doc")
    with pytest.raises(InvalidEncoding, match="duplicate"):
        load_json('{"a": 1, "a": 2}', "doc")
    with pytest.raises(InvalidEncoding, match="UTF-8"):
        load_json(b"\xff", "doc")


# ---- whole records (one simulated election, shared with the other protocol tests)


@pytest.mark.parametrize("archive", [None, "record.zip", "record.tar.gz"])
def test_simulated_record_round_trips_through_directory_and_archives(tmp_path, archive):
    record = base_record()
    target = tmp_path / archive if archive else None
    write_record(record, tmp_path / "record", archive=target)
    again = read_record(target or tmp_path / "record")
    assert again == record
    assert again.to_files() == record.to_files()


def test_seeded_simulations_sign_the_same_board_head():
    record, sim = base_record(), base_simulation()
    assert record.board_head is not None
    assert bytes(sim.log_key().verify_key) == record.board_head.log_public_key
    again = sign_board_head(sim.log_key(), record.manifest.poll_id, record.board,
                            sim.head_timestamp())
    assert again == record.board_head


def test_record_documents_carry_versions_and_cite_the_manifest(tmp_path):
    record = base_record()
    files = record.to_files()
    digest = record.manifest.manifest_hash()
    for name in ("aggregate.json", "partial_decryptions.json", "tally.json", "outcome.json"):
        doc = json.loads(files[name])
        assert doc["version"] == 1 and doc["manifest_sha256"] == digest, name
    assert files[MANIFEST] == record.manifest.canonical_json() + b"\n"
    lines = files[BALLOTS].decode().splitlines()
    assert [json.loads(x)["position"] for x in lines] == list(range(len(record.board)))


def test_tally_document_rejects_unknown_fields_and_bad_reasons():
    doc = json.loads(base_record().to_files()[TALLY])
    parse_tally(json.dumps(doc).encode())
    with pytest.raises(InvalidEncoding):
        parse_tally(json.dumps({**doc, "note": "x"}).encode())
    bad = dict(doc, not_counted=[{"position": 0, "reason": "late"}])
    with pytest.raises(InvalidEncoding):
        parse_tally(json.dumps(bad).encode())


def test_rewrite_index_makes_an_edited_record_consistent_again(tmp_path):
    write_record(base_record(), tmp_path)
    (tmp_path / TALLY).write_bytes((tmp_path / TALLY).read_bytes() + b" ")
    files = read_record_files(tmp_path)
    assert index_problems(files) == ["tally.json: sha256 differs from the index"]
    rewrite_index(tmp_path)
    assert index_problems(read_record_files(tmp_path)) == []


def test_record_with_a_missing_document_cannot_be_parsed():
    files = base_record().to_files()
    del files[TALLY]
    with pytest.raises(InvalidEncoding, match="tally.json"):
        ElectionRecord.from_files(files)
