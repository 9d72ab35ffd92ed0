"""Independent verification of an election record, from public data alone.

:func:`verify_record` checks a record directory or archive in eleven numbered steps and
returns a :class:`VerificationReport` (it raises only for programming errors):

 1. files, schema and index - every file present and parseable, nothing extra, each sha256 as
    in ``index.json``;
 2. manifest and parameters - the manifest is canonical and its hash is what every document
    cites, the circuit id fits (K, depth), the rule's parameters are valid, the verifying key's
    hash is the manifest's and its size fits the circuit;
 3. trustees - the DKG transcript replays (proofs of knowledge, complaints, qualified set) for
    the manifest's (poll id, n, t), and its joint key and public shares are the manifest's;
 4. ballots - every ballot on the board parses, is for this poll, has K ciphertexts, a root
    from the manifest, and a valid proof for the manifest's scope, poll key and rule (batch
    verification, chunks spread over all cores); the first failing ballot is named by its board
    position;
 5. board and re-vote policy - when the index carries the board's signed head, its Ed25519
    signature verifies under the recorded log key for this poll's ballots board, and its
    tree size and RFC 9162 root are those of the cast ballots' board entries (so no ballot
    was dropped or inserted); board positions are exactly 0..N-1 and the counted /
    not-counted classification recomputed from the nullifiers equals ``tally.json``'s. A
    record without a head passes this step with a detail saying the head is absent, unless
    the caller pinned the log key (``log_key``): then the head must be present and signed
    by exactly that key, since a record can carry a head signed by any key it likes;
 6. challenged ballots - each opens to its ciphertexts under the poll key, and none is on the
    board;
 7. aggregate - ``aggregate.json`` equals the option-wise sum of the counted ballots;
 8. partial decryptions - each trustee's DLEQ proofs against its public share and the
    aggregate;
 9. Lagrange combination - at least t distinct trustees, and the combination equals the
    plaintext points in ``tally.json``;
10. decoded tally - each total is within the tally bound and total·G equals the combination;
11. outcome - recomputed from the tally under the manifest's outcome rule.

Within a step the first failure stops the step; every step is reported, a step whose inputs
failed is ``skipped``. A record whose step 1 fails for malformed or missing files is
``malformed`` (exit code 2 for the CLI), any other failure is a failed check (exit code 1).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from zkvote.babyjub import Point
from zkvote.ballot import ballot_statement, parse_ballots, tracking_code, tracking_code_of_json
from zkvote.ballot import verify_challenge as _verify_challenge
from zkvote.board import derive_log_id, verify_tree_head
from zkvote.decryption import combine_partials
from zkvote.elgamal import Ciphertext
from zkvote.errors import InvalidArgument, InvalidInput, ZkvoteError
from zkvote.field import FR_MODULUS
from zkvote.hexkeys import is_key_hex
from zkvote.outcome import compute_outcome
from zkvote.poll import PollManifest, vk_hash
from zkvote.record import (
    BoardLine,
    board_root,
    parse_aggregate,
    parse_board,
    parse_challenged,
    parse_dkg,
    parse_manifest,
    parse_outcome,
    parse_partials,
    parse_tally,
    parse_verifying_key,
)
from zkvote.record_files import (
    AGGREGATE,
    BALLOTS,
    CHALLENGED,
    DKG,
    INDEX,
    MANIFEST,
    OUTCOME,
    PARTIALS,
    TALLY,
    VERIFICATION_KEY,
    BoardHead,
    index_problems,
    missing_files,
    parse_index,
    read_record_files,
)
from zkvote.snark.keys import prepare_verifying_key
from zkvote.snark.verifier import batch_verify, find_invalid
from zkvote.tally import classify_board, context_of, decode_points, verify_partials
from zkvote.threshold import verify_dkg_transcript
from zkvote.validate import parse_decimal

STEPS = (
    "files, schema and index",
    "manifest and parameters",
    "trustee keys and DKG transcript",
    "ballot proofs, roots and scope",
    "board head and re-vote policy (counted ballots)",
    "challenged ballots",
    "aggregate of the counted ballots",
    "partial decryption proofs",
    "Lagrange combination",
    "decoded tally",
    "outcome",
)
#: Which earlier steps each step needs (1-based): a step runs only if they passed.
DEPENDS = {2: (1,), 3: (1,), 4: (1, 2), 5: (1,), 6: (1, 2), 7: (4,), 8: (1,), 9: (8,),
           10: (9,), 11: (1,)}
PARALLEL_MIN_BALLOTS = 64
Progress = Callable[[int, int, int], None]


@dataclass
class StepResult:
    """One numbered step: ``status`` is "ok", "failed" or "skipped"; ``counts`` what was
    checked; ``detail`` the first failure (or a note)."""

    number: int
    name: str
    status: str = "skipped"
    counts: dict[str, int] = field(default_factory=dict)
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Whether the step passed."""
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"number": self.number, "name": self.name, "status": self.status,
                "ok": self.ok, "counts": dict(self.counts), "detail": self.detail}


@dataclass
class VerificationReport:
    """The result of :func:`verify_record`."""

    path: str
    steps: list[StepResult]
    warnings: list[str] = field(default_factory=list)
    malformed: bool = False
    manifest_sha256: str | None = None

    @property
    def ok(self) -> bool:
        """True when every step passed."""
        return all(s.ok for s in self.steps)

    @property
    def first_failure(self) -> StepResult | None:
        """The first failed step, if any."""
        return next((s for s in self.steps if s.status == "failed"), None)

    @property
    def exit_code(self) -> int:
        """0 all passed, 2 malformed or missing record, 1 a check failed."""
        if self.ok:
            return 0
        return 2 if self.malformed else 1

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data (``zkvote verify --json``)."""
        failure = self.first_failure
        return {"version": 1, "record": self.path, "ok": self.ok,
                "exit_code": self.exit_code, "malformed": self.malformed,
                "manifest_sha256": self.manifest_sha256,
                "first_failed_step": failure.number if failure else None,
                "warnings": list(self.warnings), "steps": [s.to_json() for s in self.steps]}


class _StepFailed(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class _Parsed:
    files: dict[str, bytes]
    manifest: PollManifest
    vk: Any
    dkg: Any
    board: list[BoardLine]
    challenged: list
    aggregate: Any
    partials: Any
    tally: Any
    outcome: Any
    board_head: BoardHead | None = None


# ---- ballot checking (runs in worker processes for large boards)

_worker_state: dict[str, Any] = {}


def _init_worker(manifest_bytes: bytes, vk_bytes: bytes) -> None:
    manifest = parse_manifest(manifest_bytes)
    _worker_state["manifest"] = manifest
    _worker_state["params"] = manifest.rule_params()
    _worker_state["pvk"] = prepare_verifying_key(parse_verifying_key(vk_bytes))


def _check_chunk(chunk: list[tuple[int, dict, bool]]) -> tuple[tuple[int, str] | None, int,
                                                               bytes]:
    """Check the ballots of ``chunk`` ((position, ballot JSON, counted) triples). Returns the
    first failure (position, reason) or None, how many were checked, and the packed
    option-wise sum of the counted ballots' ciphertexts (2K points of 64 bytes)."""
    manifest: PollManifest = _worker_state["manifest"]
    params, pvk = _worker_state["params"], _worker_state["pvk"]
    items, positions, counted_vectors = [], [], []
    failure: tuple[int, str] | None = None
    # The proofs, checked below, imply the ciphertexts are subgroup points (the circuit
    # computes them), so only their curve equation is checked; nothing uses a ballot whose
    # proof fails. The proofs' B points are checked for G2 all at once (parse_ballots).
    ballots = parse_ballots([doc for _, doc, _ in chunk], subgroup_checks=False)
    for (position, _, counted), ballot in zip(chunk, ballots, strict=True):
        try:
            if isinstance(ballot, InvalidInput):
                raise ballot
            items.append((ballot_statement(ballot, manifest, params), ballot.proof))
        except (InvalidInput, ZkvoteError) as exc:
            failure = (position, str(exc))
            break
        positions.append(position)
        if counted:
            counted_vectors.append(ballot.ciphertexts)
    rng = secrets.SystemRandom()
    if items and not batch_verify(pvk, items, rng=rng):
        bad = find_invalid(pvk, items, rng=rng)
        if bad:
            failure = (positions[bad[0]], "proof does not verify")
    k = manifest.n_options
    raw = bytearray()
    for vector in counted_vectors:
        for ct in vector:
            raw += ct.c1.to_bytes() + ct.c2.to_bytes()
    sums = Point.sum_packed(bytes(raw), 2 * k) if raw else [Point.identity()] * (2 * k)
    return failure, len(items), b"".join(p.to_bytes() for p in sums)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _check_ballots(parsed: _Parsed, counted: set[int], workers: int,
                   progress: Progress | None) -> tuple[tuple[int, str] | None, int,
                                                       list[Ciphertext]]:
    work = [(line.position, line.ballot, line.position in counted) for line in parsed.board]
    k = parsed.manifest.n_options
    total = len(work)
    results = []
    if workers <= 1 or total < PARALLEL_MIN_BALLOTS:
        _init_worker(parsed.files[MANIFEST], parsed.files[VERIFICATION_KEY])
        for chunk in _chunks(work, 1024):
            results.append(_check_chunk(chunk))
            if progress:
                progress(4, sum(r[1] for r in results), total)
    else:
        # large chunks: the per-chunk G2 subgroup and pairing batch checks amortise better
        size = max(16, min(1024, -(-total // (workers * 4))))
        # The platform's default start method (fork on Linux): no __main__ guard needed in
        # callers' scripts; workers only parse and verify, touching no lock a parent thread
        # (e.g. a progress bar's) could hold.
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(parsed.files[MANIFEST],
                                           parsed.files[VERIFICATION_KEY])) as pool:
            done = 0
            for result in pool.map(_check_chunk, _chunks(work, size)):
                results.append(result)
                done += result[1]
                if progress:
                    progress(4, done, total)
    failures = [r[0] for r in results if r[0] is not None]
    first = min(failures) if failures else None
    checked = sum(r[1] for r in results)
    columns = [Point.identity()] * (2 * k)
    for _, _, packed in results:
        sums = Point.sum_packed(packed, 2 * k)
        columns = [a + b for a, b in zip(columns, sums, strict=True)]
    aggregate = [Ciphertext(columns[2 * i], columns[2 * i + 1]) for i in range(k)]
    return first, checked, aggregate


# ---- the steps


def _step1(path: str, report: VerificationReport, step: StepResult) -> _Parsed | None:
    try:
        files = read_record_files(path)
    except FileNotFoundError:
        report.malformed = True
        raise _StepFailed(f"{path}: no such record") from None
    except (InvalidInput, OSError) as exc:
        report.malformed = True
        raise _StepFailed(str(exc)) from None
    missing = missing_files(files)
    if missing:
        report.malformed = True
        raise _StepFailed(f"missing files: {', '.join(missing)}")
    try:
        problems = index_problems(files)
    except InvalidInput as exc:
        report.malformed = True
        raise _StepFailed(str(exc)) from None
    try:
        parsed = _Parsed(
            files=files,
            manifest=parse_manifest(files[MANIFEST]),
            vk=_parse(VERIFICATION_KEY, parse_verifying_key, files),
            dkg=_parse(DKG, parse_dkg, files),
            board=_parse(BALLOTS, parse_board, files),
            challenged=_parse(CHALLENGED, parse_challenged, files),
            aggregate=_parse(AGGREGATE, parse_aggregate, files),
            partials=_parse(PARTIALS, parse_partials, files),
            tally=_parse(TALLY, parse_tally, files),
            outcome=_parse(OUTCOME, parse_outcome, files),
            board_head=parse_index(files[INDEX]).board_head,
        )
    except InvalidInput as exc:
        report.malformed = True
        raise _StepFailed(str(exc)) from None
    if problems:
        raise _StepFailed("; ".join(problems[:3]))
    step.counts = {"files": len(files)}
    return parsed


def _parse(name: str, parser: Callable, files: dict[str, bytes]) -> Any:
    try:
        return parser(files[name])
    except InvalidInput as exc:
        message = str(exc)
        raise type(exc)(message if message.startswith(name) else f"{name}: {message}") from None


def _step2(p: _Parsed, report: VerificationReport, step: StepResult) -> None:
    m = p.manifest
    digest = m.manifest_hash()
    report.manifest_sha256 = digest
    if p.files[MANIFEST].rstrip(b"\n") != m.canonical_json():
        raise _StepFailed("manifest.json is not in canonical form")
    for name, doc in ((AGGREGATE, p.aggregate), (PARTIALS, p.partials), (TALLY, p.tally),
                      (OUTCOME, p.outcome)):
        if doc.manifest_sha256 != digest:
            raise _StepFailed(f"{name} cites another manifest")
    try:
        m.check_parameters()
    except InvalidInput as exc:
        raise _StepFailed(f"manifest parameters: {exc}") from None
    if vk_hash(p.files[VERIFICATION_KEY]) != m.circuit.vk_sha256:
        raise _StepFailed("verification_key.json is not the key named by the manifest")
    expected_public = 4 * m.n_options + 15
    if p.vk.n_public != expected_public:
        raise _StepFailed(f"the verifying key has {p.vk.n_public} public inputs, the circuit "
                          f"{expected_public}")
    if m.circuit.setup == "insecure-single-party":
        report.warnings.append("the ballot circuit's key comes from an INSECURE single-party "
                               "setup: whoever ran it can forge ballot proofs (tests and demos "
                               "only)")
    step.counts = {"options": m.n_options, "group_roots": len(m.group_roots)}


def _step3(p: _Parsed, step: StepResult) -> None:
    m, dkg = p.manifest, p.dkg
    try:
        verify_dkg_transcript(dkg, context_of(m))
    except (ZkvoteError, InvalidInput) as exc:
        raise _StepFailed(f"DKG transcript: {exc}") from None
    if dkg.joint_public_key != m.trustees.joint_key:
        raise _StepFailed("the manifest's poll key is not the DKG's joint key")
    for j, (a, b) in enumerate(zip(dkg.public_shares, m.trustees.public_shares, strict=True),
                               start=1):
        if a != b:
            raise _StepFailed(f"trustee {j}: the manifest's public share is not the DKG's")
    step.counts = {"trustees": m.trustees.n, "threshold": m.trustees.t,
                   "qualified": len(dkg.qualified)}


def _nullifiers(p: _Parsed) -> list[int]:
    out = []
    for line in p.board:
        try:
            out.append(parse_decimal(line.ballot.get("nullifier"), "nullifier", FR_MODULUS))
        except InvalidInput as exc:
            raise _StepFailed(f"ballot at position {line.position}: {exc}") from None
    return out


def _check_board_head(p: _Parsed, pinned: bytes | None) -> str:
    """Check the cast ballots against the signed board head, signed by ``pinned`` when
    given (the caller's out-of-band log key); the step's detail."""
    if p.board_head is None:
        if pinned is not None:
            raise _StepFailed("board head absent but a log key was pinned")
        return "board head absent: the ballots were not checked against a signed board"
    if pinned is not None and p.board_head.log_public_key != pinned:
        raise _StepFailed(f"the record's log key {p.board_head.log_public_key.hex()} is not "
                          f"the pinned log key {pinned.hex()}")
    head, key = p.board_head.signed_head, p.board_head.verify_key
    try:
        verify_tree_head(head, key, derive_log_id(key, p.manifest.poll_id))
    except ZkvoteError as exc:
        raise _StepFailed(f"board head: {exc}") from None
    if head.tree_size != len(p.board):
        raise _StepFailed(f"the signed board head has {head.tree_size} entries, the record "
                          f"{len(p.board)} cast ballots")
    if board_root([line.ballot for line in p.board]) != head.root_hash:
        raise _StepFailed("the cast ballots are not the signed board (root differs from the "
                          "signed head's)")
    which = "pinned log key" if pinned is not None else "log key"
    return (f"ballots are exactly the signed board of {head.tree_size} entries ({which} "
            f"{p.board_head.log_public_key.hex()[:16]}...)")


def _step5(p: _Parsed, pinned: bytes | None, step: StepResult) -> None:
    detail = _check_board_head(p, pinned)
    for expected, line in enumerate(p.board):
        if line.position != expected:
            raise _StepFailed(f"board position {expected} is missing (next is "
                              f"{line.position})")
    nullifiers = _nullifiers(p)
    c = classify_board(nullifiers, p.manifest.revote)
    t = p.tally
    if t.policy != p.manifest.revote:
        raise _StepFailed(f"tally.json applies policy {t.policy!r}, the manifest "
                          f"{p.manifest.revote!r}")
    if t.board_size != c.board_size:
        raise _StepFailed(f"tally.json counts a board of {t.board_size}, the board has "
                          f"{c.board_size} ballots")
    if list(t.counted) != list(c.counted):
        diff = sorted(set(t.counted) ^ set(c.counted))
        raise _StepFailed(f"counted ballots differ from the policy's at position {diff[0]}"
                          if diff else "counted ballots are not listed in board order")
    recorded = [(n.position, n.reason) for n in t.not_counted]
    if recorded != list(c.not_counted):
        raise _StepFailed("not-counted ballots differ from the policy's")
    step.counts = {"board": c.board_size, "counted": len(c.counted),
                   "not_counted": len(c.not_counted), "voters": len(set(nullifiers))}
    step.detail = detail


def _step6(p: _Parsed, step: StepResult) -> None:
    on_board = {}
    for line in p.board:
        try:
            on_board[tracking_code_of_json(line.ballot)] = line.position
        except InvalidInput:
            continue  # a malformed ballot fails step 4
    for i, challenged in enumerate(p.challenged):
        try:
            _verify_challenge(challenged, p.manifest)
        except InvalidInput as exc:
            raise _StepFailed(f"challenged ballot {i}: {exc}") from None
        code = tracking_code(challenged)
        if code in on_board:
            raise _StepFailed(f"challenged ballot {i} was cast (board position "
                              f"{on_board[code]})")
    step.counts = {"challenged": len(p.challenged)}


def _step7(p: _Parsed, aggregate: list[Ciphertext], counted: int, step: StepResult) -> None:
    recorded = list(p.aggregate.ciphertexts)
    if len(recorded) != p.manifest.n_options:
        raise _StepFailed(f"aggregate has {len(recorded)} ciphertexts, the poll "
                          f"{p.manifest.n_options} options")
    if p.aggregate.ballots_counted != counted:
        raise _StepFailed(f"aggregate claims {p.aggregate.ballots_counted} ballots, "
                          f"{counted} are counted")
    for i, (got, want) in enumerate(zip(recorded, aggregate, strict=True)):
        if got != want:
            raise _StepFailed(f"option {i}: aggregate is not the sum of the counted ballots")
    step.counts = {"ballots": counted, "options": len(recorded)}


def _step8(p: _Parsed, step: StepResult) -> None:
    partials = list(p.partials.partials)
    if len(partials) < 1:
        raise _StepFailed("no partial decryptions")
    try:
        verify_partials(partials, list(p.aggregate.ciphertexts), p.manifest)
    except (ZkvoteError, InvalidInput) as exc:
        raise _StepFailed(str(exc)) from None
    step.counts = {"trustees": len(partials),
                   "proofs": sum(len(x.proofs) for x in partials)}


def _step9(p: _Parsed, step: StepResult) -> list[Point]:
    partials = sorted(p.partials.partials, key=lambda x: x.index)
    try:
        points = combine_partials(partials, list(p.aggregate.ciphertexts),
                                  p.manifest.trustees.t)
    except (ZkvoteError, InvalidInput) as exc:
        raise _StepFailed(str(exc)) from None
    if list(p.tally.trustees) != [x.index for x in partials]:
        raise _StepFailed("tally.json lists other trustees than the partial decryptions")
    if list(p.tally.plaintext_points) != points:
        raise _StepFailed("tally.json's plaintext points are not the Lagrange combination")
    step.counts = {"trustees": len(partials), "threshold": p.manifest.trustees.t}
    return points


def _step10(p: _Parsed, points: list[Point], step: StepResult) -> None:
    results = list(p.tally.results)
    if len(results) != len(points):
        raise _StepFailed(f"{len(results)} totals for {len(points)} options")
    bound = p.manifest.tally_bound
    for i, (total, point) in enumerate(zip(results, points, strict=True)):
        if total > bound:
            raise _StepFailed(f"option {i}: total {total} above the tally bound {bound}")
        if Point.base8().mul(total) != point:
            try:
                actual = decode_points([point], bound)[0]
                hint = f" (decrypts to {actual})"
            except ZkvoteError:
                hint = ""
            raise _StepFailed(f"option {i}: total {total} does not match the decryption{hint}")
    step.counts = {"options": len(results), "total": sum(results)}


def _step11(p: _Parsed, counted: int, step: StepResult) -> None:
    try:
        expected = compute_outcome(p.manifest.outcome, list(p.tally.results), counted,
                                   p.manifest.electorate)
    except (ZkvoteError, InvalidInput) as exc:
        raise _StepFailed(f"outcome cannot be computed: {exc}") from None
    if p.outcome.outcome != expected:
        fields = [k for k in type(expected).model_fields
                  if getattr(expected, k) != getattr(p.outcome.outcome, k)]
        raise _StepFailed(f"outcome.json differs from the recomputed outcome in {fields}")
    step.counts = {"winners": len(expected.winners)}
    step.detail = f"{expected.kind}: winners {expected.winners}" + (
        "" if expected.decided else " (not decided)")


def parse_log_key(value: bytes | str) -> bytes:
    """A log's Ed25519 public key given as 32 bytes or 64 hex digits (either case), as 32
    bytes. Raises InvalidArgument for anything else."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    if isinstance(value, str) and is_key_hex(text := value.strip().lower()):
        return bytes.fromhex(text)
    raise InvalidArgument("a log key is 32 bytes or 64 hex digits")


def verify_record(path: str | os.PathLike[str], *, workers: int | None = None,
                  progress: Progress | None = None,
                  log_key: bytes | str | None = None) -> VerificationReport:
    """Verify the election record at ``path`` (a directory or .zip/.tar.gz archive) in the
    eleven steps of the module docstring. ``workers`` processes check ballot proofs in
    parallel (default ``os.cpu_count()``; boards under 64 ballots are checked in-process);
    ``progress(step, done, total)`` is called during step 4. ``log_key`` (32 bytes or 64 hex
    digits) pins the bulletin board's Ed25519 key, obtained out of band: step 5 then fails
    unless the record carries a board head signed by exactly that key. Never raises for a
    bad record: failures are in the report; InvalidArgument for a malformed ``log_key``."""
    pinned = None if log_key is None else parse_log_key(log_key)
    workers = (os.cpu_count() or 1) if workers is None else max(1, int(workers))
    steps = [StepResult(i, name) for i, name in enumerate(STEPS, start=1)]
    report = VerificationReport(str(path), steps)
    state: dict[str, Any] = {}

    def run(number: int, fn: Callable[[StepResult], Any]) -> Any:
        step = steps[number - 1]
        if any(not steps[d - 1].ok for d in DEPENDS.get(number, ())):
            step.status, step.detail = "skipped", "an earlier step it depends on failed"
            return None
        try:
            value = fn(step)
        except _StepFailed as exc:
            step.status, step.detail = "failed", exc.detail
            return None
        step.status = "ok"
        return value

    parsed: _Parsed | None = run(1, lambda s: _step1(str(path), report, s))
    if parsed is None:
        for s in steps[1:]:
            s.detail = "the record could not be read"
        return report
    run(2, lambda s: _step2(parsed, report, s))
    run(3, lambda s: _step3(parsed, s))

    def counted_set() -> set[int]:
        if "counted" not in state:
            try:
                nullifiers = _nullifiers(parsed)
            except _StepFailed:
                nullifiers = None
            counted = (classify_board(nullifiers, parsed.manifest.revote).counted
                       if nullifiers is not None else ())
            state["counted"] = {parsed.board[i].position for i in counted}
        return state["counted"]

    def step4(step: StepResult) -> None:
        first, checked, aggregate = _check_ballots(parsed, counted_set(), workers, progress)
        state["aggregate"] = aggregate
        step.counts = {"ballots": len(parsed.board), "verified": checked}
        if first is not None:
            raise _StepFailed(f"ballot at board position {first[0]}: {first[1]}")

    run(4, step4)
    run(5, lambda s: _step5(parsed, pinned, s))
    run(6, lambda s: _step6(parsed, s))
    run(7, lambda s: _step7(parsed, state["aggregate"], len(counted_set()), s))
    run(8, lambda s: _step8(parsed, s))
    points = run(9, lambda s: _step9(parsed, s))
    run(10, lambda s: _step10(parsed, points, s))
    run(11, lambda s: _step11(parsed, len(counted_set()), s))
    return report


__all__ = ["DEPENDS", "STEPS", "StepResult", "VerificationReport", "parse_log_key",
           "verify_record"]
