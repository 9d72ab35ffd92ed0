"""The tally of a closed poll: aggregate, partial decryptions, publication, the record.

1. **Aggregate** (admin, poll closed): the re-vote policy is applied to the ballots board
   (zkvote.tally.classify_board, exactly as ``zkvote verify`` recomputes it) and the counted
   ballots' ciphertexts are summed option by option (one native batched sum per chunk). The
   stored board entries were validated when accepted, so their points are only checked to lie
   on the curve here. The aggregate document is stored and published.
2. **Partial decryptions** (each trustee): a PartialDecryption of the aggregate is verified
   against the trustee's public share in the manifest (every DLEQ proof) before it is stored;
   a bad one is refused with 422 and nothing is stored.
3. **Publish** (admin): with at least t partials the totals are decrypted and decoded
   (zkvote.tally.decrypt_tally), the outcome rule is applied (zkvote.outcome), and the election
   record (zkvote.record's layout, index included) is built, zipped and stored with the result;
   the poll becomes ``tallied``. ``GET /polls/{id}/record`` serves that archive.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from zkvote.babyjub import Point
from zkvote.ballot import Ballot, ChallengedBallot
from zkvote.decryption import PartialDecryption, verify_partial_decryption
from zkvote.elgamal import Ciphertext
from zkvote.errors import InvalidEncoding, ProtocolError
from zkvote.jsonmodel import canonical_json
from zkvote.outcome import compute_outcome
from zkvote.record import (
    DOC_VERSION,
    AggregateDoc,
    ElectionRecord,
    OutcomeDoc,
    PartialsDoc,
    board_line,
    make_tally_doc,
)
from zkvote.record_files import BALLOTS as BALLOTS_FILE
from zkvote.record_files import (
    INDEX,
    VERIFICATION_KEY,
    BoardHead,
    index_from_digests,
    sha256_hex,
    write_zip,
)
from zkvote.snark.snarkjs_json import verifying_key_from_json
from zkvote.tally import BoardClassification, classify_board, context_of, decrypt_tally
from zkvote.threshold import DKGTranscript

from .boards import Boards
from .errors import Forbidden, NotFound, WrongState
from .polls import Polls
from .storage import BALLOTS, CHALLENGED, Storage
from .storage_board import BallotRow

_CHUNK = 8192  # ballots per native sum
_PAGE = 1024  # board rows per storage read


class Tallying:
    """Aggregation, decryption shares and publication over :class:`Storage`."""

    def __init__(self, storage: Storage, polls: Polls, boards: Boards | None = None) -> None:
        self.storage = storage
        self.polls = polls
        self.boards = boards

    def _board_head(self, poll_id: str, size: int) -> BoardHead | None:
        """The ballots board's final signed head (size ``size``) with the log's public key;
        None without a board service. A head of another size is never expected once the poll
        is closed; one is then signed and stored so the record still carries the final one."""
        if self.boards is None:
            return None
        head = self.storage.latest_head(poll_id, BALLOTS)
        if head is None or head.tree_size != size:
            tree = self.boards.tree(poll_id, BALLOTS)
            if tree.size != size:
                raise ProtocolError("the ballots board's tree disagrees with its entries")
            self.storage.put_head(poll_id, BALLOTS, self.boards.sign(poll_id, BALLOTS, tree))
            head = self.storage.latest_head(poll_id, BALLOTS)
        return BoardHead(bytes(self.boards.log_key.verify_key), head)

    def _pages(self, poll_id: str) -> Iterator[list[tuple[BallotRow, bytes]]]:
        return self.storage.ballot_pages(poll_id, BALLOTS, _PAGE)

    def _entries(self, poll_id: str) -> Iterator[bytes]:
        """The ballots board's entries in order, one page in memory."""
        for page in self._pages(poll_id):
            for _, entry in page:
                yield entry

    def _counted_entries(self, poll_id: str, nullifiers: list[int | None],
                         stored: list[int]) -> Iterator[bytes]:
        """The entries of the ballots board counted by the stored marks, in order, one page
        in memory; as it goes, appends every row's nullifier to ``nullifiers`` and the
        positions it yields to ``stored``, for :func:`_checked_classification` once the
        board is read. ProtocolError on a gap in the positions."""
        for page in self._pages(poll_id):
            for row, entry in page:
                if row.board_index != len(nullifiers):
                    raise ProtocolError("the ballots board has gaps")  # never expected
                nullifiers.append(row.nullifier)
                if not row.superseded:
                    stored.append(row.board_index)
                    yield entry

    def _classification(self, poll_id: str, revote: str) -> BoardClassification:
        # Only the nullifiers of the whole board are kept (the policy needs all of them);
        # entries are read page by page and dropped.
        nullifiers: list[int | None] = []
        stored: list[int] = []
        for _ in self._counted_entries(poll_id, nullifiers, stored):
            pass
        return _checked_classification(nullifiers, stored, revote)

    def aggregate(self, poll_id: str) -> dict:
        """Compute, store and return the aggregate document of a closed poll (once;
        Conflict afterwards, WrongState unless closed)."""
        row = self.polls.get(poll_id)
        if row.state != "closed":
            raise WrongState(f"poll {poll_id!r} is {row.state}, not closed")
        manifest = self.polls.manifest(poll_id)
        # One read of the board: the stored marks choose what is summed, and are checked
        # against the policy before anything is stored.
        nullifiers: list[int | None] = []
        stored: list[int] = []
        totals = _sum_ciphertexts(self._counted_entries(poll_id, nullifiers, stored),
                                  manifest.n_options)
        classification = _checked_classification(nullifiers, stored, manifest.revote)
        doc = AggregateDoc(version=DOC_VERSION, manifest_sha256=manifest.manifest_hash(),
                           ballots_counted=len(classification.counted), ciphertexts=totals)
        data = doc.model_dump(mode="json")
        self.storage.put_aggregate(poll_id, canonical_json(data).decode(),
                                   len(classification.counted))
        return data

    def aggregate_doc(self, poll_id: str) -> AggregateDoc:
        """The stored aggregate (NotFound before aggregation)."""
        self.polls.get(poll_id)
        tally = self.storage.get_tally(poll_id)
        if tally is None:
            raise NotFound("the poll has not been aggregated yet")
        return AggregateDoc.model_validate(json.loads(tally["aggregate_json"]),
                                           context={"json": True})

    def post_partial(self, poll_id: str, trustee: int, data: dict) -> None:
        """Verify and store trustee ``trustee``'s partial decryption of the aggregate.
        Forbidden (another trustee's index), InvalidProof (a DLEQ proof fails, naming the
        option), WrongState / NotFound (no aggregate), Conflict (sent already)."""
        partial = PartialDecryption.from_json(data)
        if partial.index != trustee:
            raise Forbidden(f"trustee {trustee} cannot post trustee {partial.index}'s partial")
        manifest = self.polls.manifest(poll_id)
        aggregate = self.aggregate_doc(poll_id)
        verify_partial_decryption(manifest.trustees.public_shares[trustee - 1],
                                  aggregate.ciphertexts, partial, context_of(manifest))
        self.storage.put_partial(poll_id, trustee,
                                 canonical_json(partial.to_json()).decode())

    def publish(self, poll_id: str) -> dict:
        """Decrypt, apply the outcome rule, build and store the record; the poll becomes
        ``tallied``. ProtocolError with fewer than t partials; DiscreteLogNotFound if a
        total is beyond the manifest's tally bound. Returns the result document."""
        row = self.polls.get(poll_id)
        if row.state != "closed":
            raise WrongState(f"poll {poll_id!r} is {row.state}, not closed")
        manifest = self.polls.manifest(poll_id)
        aggregate = self.aggregate_doc(poll_id)
        partials = [PartialDecryption.from_json(json.loads(body))
                    for _, body in self.storage.partials(poll_id)]
        if len(partials) < manifest.trustees.t:
            raise ProtocolError(f"{len(partials)} partial decryptions, t = "
                                f"{manifest.trustees.t} needed")
        decrypted = decrypt_tally(aggregate.ciphertexts, partials, manifest)
        classification = self._classification(poll_id, manifest.revote)
        digest = manifest.manifest_hash()
        outcome = compute_outcome(manifest.outcome, decrypted.results,
                                  len(classification.counted), manifest.electorate)
        challenged = tuple(ChallengedBallot.from_json(json.loads(entry))
                           for _, entry in self.storage.ballot_entries(poll_id, CHALLENGED))
        record = ElectionRecord(
            manifest=manifest, verifying_key=verifying_key_from_json(row.vk_json),
            dkg=DKGTranscript.from_json(json.loads(row.dkg_json)), board=(),
            challenged=challenged, aggregate=aggregate,
            partials=PartialsDoc(version=DOC_VERSION, manifest_sha256=digest,
                                 partials=sorted(partials, key=lambda p: p.index)),
            tally=make_tally_doc(digest, classification, decrypted.trustees,
                                 decrypted.plaintext_points, decrypted.results),
            outcome=OutcomeDoc(version=DOC_VERSION, manifest_sha256=digest, outcome=outcome))
        files = record.to_files()
        del files[BALLOTS_FILE]  # streamed from storage below
        # the key exactly as the admin gave it: its canonical hash is the manifest's vk_sha256
        files[VERIFICATION_KEY] = row.vk_json.encode() + b"\n"
        archive = _zip_streaming(files, self._entries(poll_id),
                                 lambda size: self._board_head(poll_id, size))
        result = {"version": 1, "poll_id": poll_id, "manifest_sha256": digest,
                  "tally": [str(t) for t in decrypted.results],
                  "ballots_counted": len(classification.counted),
                  "trustees": list(decrypted.trustees),
                  "outcome": outcome.model_dump(mode="json", exclude_none=True)}
        self.storage.publish_tally(poll_id, canonical_json(result).decode(), archive)
        return result

    def result(self, poll_id: str) -> dict:
        """The published result document (NotFound before publication)."""
        self.polls.get(poll_id)
        tally = self.storage.get_tally(poll_id)
        if tally is None or tally["result_json"] is None:
            raise NotFound("the tally is not published yet")
        return json.loads(tally["result_json"])

    def record(self, poll_id: str) -> bytes:
        """The election record archive (.zip); NotFound before publication."""
        self.polls.get(poll_id)
        tally = self.storage.get_tally(poll_id)
        if tally is None or tally["record"] is None:
            raise NotFound("the election record is not published yet")
        return bytes(tally["record"])


def _checked_classification(nullifiers: list[int | None], stored: list[int],
                            revote: str) -> BoardClassification:
    """The re-vote policy's classification of a board of ``nullifiers``; ProtocolError
    unless it counts exactly the positions ``stored`` (the stored superseded marks)."""
    classification = classify_board(nullifiers, revote)
    if list(classification.counted) != stored:
        raise ProtocolError("stored superseded marks disagree with the re-vote policy")
    return classification


def _ballot_lines(entries: Iterable[bytes]) -> Iterator[bytes]:
    """The ``ballots.jsonl`` lines of the board ``entries`` (in order), one at a time."""
    # A board entry is the canonical JSON of the ballot document, so the record line
    # {"ballot": ..., "position": p, "version": 1} (sorted keys, compact) can be assembled
    # without parsing 100k ballots again; the first line is checked against
    # zkvote.record.board_line so that a format change cannot go unnoticed.
    for p, e in enumerate(entries):
        line = b'{"ballot":' + e + b',"position":' + str(p).encode() + b',"version":1}\n'
        if p == 0 and line != board_line(0, Ballot.from_json(json.loads(e))):
            raise ProtocolError("board entries no longer match the record's ballot lines")
        yield line


def _sum_ciphertexts(entries: Iterable[bytes], n_options: int) -> list[Ciphertext]:
    """The option-wise sum of the ciphertexts of ``entries`` (stored board entries, read
    once, _CHUNK at a time)."""
    columns = 2 * n_options
    totals = [Point.identity()] * columns
    buf, rows = bytearray(), 0
    for entry in entries:
        cts = json.loads(entry)["ciphertexts"]
        if len(cts) != n_options:
            raise InvalidEncoding("a stored ballot has the wrong number of options")
        for ct in cts:
            for x, y in ct:
                buf += int(x).to_bytes(32, "little") + int(y).to_bytes(32, "little")
        rows += 1
        if rows == _CHUNK:
            totals = _add_columns(totals, buf, columns)
            buf, rows = bytearray(), 0
    if rows:
        totals = _add_columns(totals, buf, columns)
    return [Ciphertext(totals[2 * i], totals[2 * i + 1]) for i in range(n_options)]


def _add_columns(totals: list[Point], buf: bytearray, columns: int) -> list[Point]:
    sums = Point.sum_packed(bytes(buf), columns)
    return [a + b for a, b in zip(totals, sums, strict=True)]


def _zip_streaming(files: dict[str, bytes], entries: Iterable[bytes],
                   board_head: Callable[[int], BoardHead | None]) -> bytes:
    """The record archive of ``files`` (every record file but the ballots and the index)
    with ``ballots.jsonl`` streamed from ``entries`` and hashed on the way, and the index
    made after it from the digests and ``board_head(number of ballots)``: the same bytes as
    write_archive of the whole record in memory. The archive is built in a temporary file;
    only its compressed bytes are returned."""
    digest, count = hashlib.sha256(), [0]

    def ballot_chunks() -> Iterator[bytes]:
        for line in _ballot_lines(entries):
            digest.update(line)
            count[0] += 1
            yield line

    def members() -> Iterator[tuple[str, bytes | Iterator[bytes]]]:
        # Members go in sorted order, as write_archive writes them; "ballots.jsonl" sorts
        # before "index.json", so the ballots' digest and count exist when the index is made.
        for name in sorted([*files, BALLOTS_FILE, INDEX]):
            if name == BALLOTS_FILE:
                yield name, ballot_chunks()
            elif name == INDEX:
                digests = {n: sha256_hex(data) for n, data in files.items()}
                digests[BALLOTS_FILE] = digest.hexdigest()
                yield name, index_from_digests(digests, board_head(count[0]))
            else:
                yield name, files[name]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.zip"
        write_zip(path, members())
        return path.read_bytes()


__all__ = ["Tallying"]
