"""The election record's file layer: a directory (or a single-file archive) of named files
with an index of their sha256 digests.

Layout (docs/record-format.md has the contents of each file)::

    index.json                  {"version", "format", "manifest_sha256", "files", "board_head"}
    manifest.json               the poll manifest, canonical JSON
    verification_key.json       the ballot circuit's snarkjs verifying key
    trustees/dkg.json           the trustees' DKG transcript
    ballots.jsonl               the board: one ballot per line with its board position
    challenged.json             challenged (spoiled) ballots with their openings
    aggregate.json              the homomorphic sum of the counted ballots
    partial_decryptions.json    each present trustee's decryption shares with DLEQ proofs
    tally.json                  which ballots counted and the decoded totals
    outcome.json                the result under the manifest's outcome rule

``index.json`` lists every other file with its sha256 hex and nothing else may be in the
record. ``board_head`` is ``null`` or the board's final signed tree head with the log's
Ed25519 public key, ``{"log_public_key": hex, "signed_head": SignedTreeHead JSON}``
(:class:`BoardHead`); ``zkvote verify`` then checks that the cast ballots are exactly the
signed board. Both forms are version 1: a record without a head still reads and verifies.

Archives: ``.zip`` or ``.tar.gz`` / ``.tgz`` holding the same relative paths (regular files
only, no absolute paths, no ``..``, no duplicates, bounded sizes), read and written with the
standard library.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from nacl.signing import VerifyKey
from pydantic import PlainSerializer, PlainValidator

from zkvote.board import SignedTreeHead
from zkvote.errors import InvalidEncoding
from zkvote.hexkeys import public_key_from_hex
from zkvote.jsonmodel import Sha256Hex, StrictModel, Version1, canonical_json, parse_model

RECORD_FORMAT = "zkvote-election-record"
RECORD_VERSION = 1
INDEX = "index.json"
MANIFEST = "manifest.json"
VERIFICATION_KEY = "verification_key.json"
DKG = "trustees/dkg.json"
BALLOTS = "ballots.jsonl"
CHALLENGED = "challenged.json"
AGGREGATE = "aggregate.json"
PARTIALS = "partial_decryptions.json"
TALLY = "tally.json"
OUTCOME = "outcome.json"
#: Every file of a version-1 record besides the index, in verification order.
RECORD_FILES = (MANIFEST, VERIFICATION_KEY, DKG, BALLOTS, CHALLENGED, AGGREGATE, PARTIALS,
                TALLY, OUTCOME)
MAX_FILE_BYTES = 1 << 31
MAX_TOTAL_BYTES = 1 << 33
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")


@dataclass(frozen=True)
class BoardHead:
    """The bulletin board's final signed tree head and the Ed25519 public key of the log
    that signed it (the signature is not checked here: zkvote.verify does)."""

    log_public_key: bytes
    signed_head: SignedTreeHead

    def __post_init__(self) -> None:
        if not isinstance(self.log_public_key, bytes) or len(self.log_public_key) != 32:
            raise InvalidEncoding("board_head: log_public_key must be 32 bytes")
        if not isinstance(self.signed_head, SignedTreeHead):
            raise InvalidEncoding("board_head: signed_head must be a SignedTreeHead")

    @property
    def verify_key(self) -> VerifyKey:
        """The log's public key as a nacl VerifyKey."""
        return VerifyKey(self.log_public_key)

    def to_json(self) -> dict:
        """``{"log_public_key": hex, "signed_head": SignedTreeHead JSON}``."""
        return {"log_public_key": self.log_public_key.hex(),
                "signed_head": self.signed_head.to_json()}

    @classmethod
    def from_json(cls, data: object) -> BoardHead:
        """Parse :meth:`to_json`'s shape strictly: InvalidEncoding for unknown or missing
        fields, a key that is not 64 lowercase hex digits, or a malformed signed head."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict) or set(data) != {"log_public_key", "signed_head"}:
            raise InvalidEncoding("board_head: expected exactly log_public_key, signed_head")
        key = public_key_from_hex(data["log_public_key"], "board_head: log_public_key")
        try:
            head = SignedTreeHead.from_json(data["signed_head"])
        except InvalidEncoding as exc:
            raise InvalidEncoding(f"board_head: {exc}") from None
        return cls(key, head)


BoardHeadJSON = Annotated[BoardHead, PlainValidator(BoardHead.from_json),
                          PlainSerializer(lambda v: v.to_json())]


class RecordIndex(StrictModel):
    """``index.json``."""

    version: Version1
    format: str
    manifest_sha256: Sha256Hex
    files: dict[str, Sha256Hex]
    board_head: BoardHeadJSON | None = None


def sha256_hex(data: bytes) -> str:
    """sha256 of ``data`` as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def make_index(files: dict[str, bytes], board_head: BoardHead | None = None) -> bytes:
    """The canonical ``index.json`` for ``files`` (every record file but the index), carrying
    ``board_head`` (or ``null``)."""
    return index_from_digests({name: sha256_hex(data) for name, data in files.items()},
                              board_head)


def index_from_digests(digests: dict[str, str], board_head: BoardHead | None = None) -> bytes:
    """:func:`make_index` from the files' sha256 hex digests instead of their contents (for
    a writer that streams a large file and hashes it on the way). KeyError without the
    manifest's digest."""
    index: dict[str, Any] = {
        "version": RECORD_VERSION,
        "format": RECORD_FORMAT,
        "manifest_sha256": digests[MANIFEST],
        "files": {name: digests[name] for name in sorted(digests)},
        "board_head": board_head.to_json() if board_head is not None else None,
    }
    return canonical_json(index) + b"\n"


def parse_index(data: bytes) -> RecordIndex:
    """Parse ``index.json``. InvalidEncoding for a wrong shape, version or format."""
    index = parse_model(RecordIndex, data, INDEX)
    if index.version != RECORD_VERSION or index.format != RECORD_FORMAT:
        raise InvalidEncoding(f"{INDEX}: not a version-{RECORD_VERSION} {RECORD_FORMAT}")
    return index


def index_problems(files: dict[str, bytes]) -> list[str]:
    """Check ``files`` (the index included) against the index: the expected set of files,
    each digest, the manifest digest. Returns the problems found (empty when consistent);
    raises InvalidEncoding when the index itself is missing or malformed."""
    if INDEX not in files:
        raise InvalidEncoding(f"{INDEX} is missing")
    index = parse_index(files[INDEX])
    problems = []
    listed, present = set(index.files), set(files) - {INDEX}
    for name in sorted(set(RECORD_FILES) - listed):
        problems.append(f"{name} is not listed in the index")
    for name in sorted(listed - set(RECORD_FILES)):
        problems.append(f"{name} is listed in the index but is not a record file")
    for name in sorted(present - listed):
        problems.append(f"{name} is in the record but not in the index")
    for name in sorted(listed & set(RECORD_FILES)):
        if name not in files:
            problems.append(f"{name} is listed in the index but missing")
        elif sha256_hex(files[name]) != index.files[name]:
            problems.append(f"{name}: sha256 differs from the index")
    if MANIFEST in files and index.manifest_sha256 != sha256_hex(files[MANIFEST]):
        problems.append("index.json: manifest_sha256 is not the manifest's hash")
    return problems


def missing_files(files: dict[str, bytes]) -> list[str]:
    """The record files (index included) absent from ``files``."""
    return [name for name in (INDEX, *RECORD_FILES) if name not in files]


# ---- reading


def is_archive(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an archive by its suffix."""
    return str(path).endswith(ARCHIVE_SUFFIXES)


def read_record_files(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """Every file of the record at ``path`` (a directory or an archive), by relative path.

    Raises FileNotFoundError / OSError for a missing path, InvalidEncoding for an unsafe or
    malformed archive (absolute or ``..`` paths, links, duplicates, oversized members) or a
    directory holding symlinks or non-regular files.
    """
    p = Path(path)
    if p.is_dir():
        return _read_directory(p)
    if not p.exists():
        raise FileNotFoundError(f"{p} does not exist")
    if str(p).endswith(".zip"):
        return _read_zip(p)
    if str(p).endswith((".tar.gz", ".tgz")):
        return _read_tar(p)
    raise InvalidEncoding(f"{p} is neither a record directory nor a .zip/.tar.gz archive")


def _safe_name(name: str) -> str:
    pure = PurePosixPath(name)
    if (not name or name.startswith("/") or "\\" in name or pure.is_absolute()
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise InvalidEncoding(f"unsafe path in record: {name!r:.80}")
    return name


def _add(files: dict[str, bytes], name: str, data: bytes, total: list[int]) -> None:
    name = _safe_name(name)
    if name in files:
        raise InvalidEncoding(f"duplicate file in record: {name}")
    total[0] += len(data)
    if total[0] > MAX_TOTAL_BYTES:
        raise InvalidEncoding("record larger than the supported maximum")
    files[name] = data


def _read_directory(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = [0]
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames):
            if (Path(dirpath) / name).is_symlink():
                raise InvalidEncoding(f"symlink in record: {name}")
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if full.is_symlink() or not full.is_file():
                raise InvalidEncoding(f"not a regular file in record: {full.relative_to(root)}")
            if full.stat().st_size > MAX_FILE_BYTES:
                raise InvalidEncoding(f"{full.relative_to(root)} is too large")
            _add(files, full.relative_to(root).as_posix(), full.read_bytes(), total)
    return files


def _read_zip(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = [0]
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    raise InvalidEncoding(f"{info.filename} is too large")
                with zf.open(info) as member:
                    data = member.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    raise InvalidEncoding(f"{info.filename} is too large")
                _add(files, info.filename, data, total)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InvalidEncoding(f"{path}: not a valid zip archive ({exc})") from None
    return files


def _read_tar(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = [0]
    try:
        with tarfile.open(path, "r:gz") as tf:
            for member in tf:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise InvalidEncoding(f"not a regular file in archive: {member.name!r:.80}")
                if member.size > MAX_FILE_BYTES:
                    raise InvalidEncoding(f"{member.name} is too large")
                extracted = tf.extractfile(member)
                data = extracted.read() if extracted is not None else b""
                _add(files, member.name, data, total)
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise InvalidEncoding(f"{path}: not a valid .tar.gz archive ({exc})") from None
    return files


# ---- writing


def write_record_files(files: dict[str, bytes], directory: str | os.PathLike[str], *,
                       archive: str | os.PathLike[str] | None = None,
                       board_head: BoardHead | None = None) -> None:
    """Write ``files`` (every record file but the index) and a fresh ``index.json`` (carrying
    ``board_head``, or null) into
    ``directory`` (created if needed; it must not already hold a record) and, if given,
    also as the archive ``archive`` (.zip or .tar.gz by suffix).

    Raises FileExistsError if ``directory`` already has an index.json, InvalidEncoding for an
    unsafe path or an unknown archive suffix."""
    out = Path(directory)
    if (out / INDEX).exists():
        raise FileExistsError(f"{out} already holds a record")
    everything = dict(files)
    everything[INDEX] = make_index(files, board_head)
    for name, data in sorted(everything.items()):
        target = out / _safe_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if archive is not None:
        write_archive(everything, archive)


def write_archive(files: dict[str, bytes], path: str | os.PathLike[str]) -> None:
    """Write ``files`` (index included) as a .zip or .tar.gz archive, members sorted and with
    fixed timestamps so the same record gives the same bytes."""
    p = Path(path)
    if str(p).endswith(".zip"):
        write_zip(p, sorted(files.items()))
    elif str(p).endswith((".tar.gz", ".tgz")):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for name, data in sorted(files.items()):
                info = tarfile.TarInfo(_safe_name(name))
                info.size, info.mode, info.mtime = len(data), 0o644, 0
                tf.addfile(info, io.BytesIO(data))
        p.write_bytes(gzip.compress(buffer.getvalue(), mtime=0))
    else:
        raise InvalidEncoding(f"unknown archive type for {p} (use .zip or .tar.gz)")


def write_zip(path: str | os.PathLike[str],
              members: Iterable[tuple[str, bytes | Iterable[bytes]]]) -> None:
    """Write a .zip of ``members`` in the order given, each (name, data) with ``data`` the
    bytes or an iterable of byte chunks that is streamed into the archive (compressed as it
    comes, so a large member never sits in memory whole; ``members`` itself may be a
    generator that builds later members from what earlier ones streamed). Fixed timestamps
    and modes: :func:`write_archive` gives the same bytes for the same (sorted) contents.
    InvalidEncoding for an unsafe name or a member of 2 GiB or more (no ZIP64: the reader's
    limit is that size anyway)."""
    with zipfile.ZipFile(Path(path), "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(_safe_name(name), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes | bytearray):
                zf.writestr(info, bytes(data))
                continue
            member = zf.open(info, "w")
            try:
                for chunk in data:
                    member.write(chunk)
            except BaseException:
                # close the handle so that the archive's own close does not mask the error
                with contextlib.suppress(Exception):
                    member.close()
                raise
            try:
                member.close()
            except RuntimeError:  # zipfile: the member outgrew the non-ZIP64 header
                raise InvalidEncoding(f"{name} is too large for a record archive") from None


def rewrite_index(directory: str | os.PathLike[str]) -> None:
    """Recompute ``index.json`` of the record directory from its current files (for tools
    that edit a record, e.g. tests that tamper with one consistently). The index's board head
    is kept as it was (null if the old index is missing or unreadable)."""
    files = _read_directory(Path(directory))
    old = files.pop(INDEX, None)
    head = None
    if old is not None:
        try:
            head = parse_index(old).board_head
        except InvalidEncoding:
            head = None
    (Path(directory) / INDEX).write_bytes(make_index(files, head))


__all__ = ["AGGREGATE", "ARCHIVE_SUFFIXES", "BALLOTS", "CHALLENGED", "DKG", "INDEX", "MANIFEST",
           "BoardHead",
           "OUTCOME", "PARTIALS", "RECORD_FILES", "RECORD_FORMAT", "RECORD_VERSION", "TALLY",
           "VERIFICATION_KEY", "RecordIndex", "index_from_digests", "index_problems",
           "is_archive", "make_index", "missing_files", "parse_index", "read_record_files",
           "rewrite_index", "sha256_hex", "write_archive", "write_record_files", "write_zip"]
