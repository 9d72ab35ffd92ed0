"""Ballot acceptance: validate, verify, apply the nullifier policy, append to the board in one
durable transaction, and only then answer with a receipt. Submissions are group-committed.

Pipeline for one submission (a cast ballot, or a challenged ballot with its opening):

1. the web layer checks the body's size and shape (zkvote.coordinator.models) and queues it;
2. the batcher waits ``batch_window_ms`` for concurrent submissions to join (up to
   ``batch_max``), checks the voting period, and hands the batch to worker processes
   (zkvote.coordinator.checking; a thread when ``verify_workers`` is 0), which
3. parse each ballot strictly (every point on its curve; the ciphertexts' subgroup membership
   follows from the proof, and a ballot whose proof fails is re-parsed with the subgroup checks
   to name its bad point) and check its statement against the open poll (poll id, number of
   options, root among the poll's roots) - a challenged ballot instead must open correctly
   (``verify_challenge``);
4. verify all the proofs of one poll with one batch verification (random linear
   combination); if the batch fails, ``find_invalid`` names the bad proofs and only those are
   refused. Meanwhile the previous batch is being committed (two batches in flight at most,
   committed in arrival order); then, in one thread, the batcher
5. applies the poll's rules against the board and earlier ballots of the same batch: a tracking
   code already published is a replay (refused); under the re-vote policy ``first`` a second
   nullifier is refused, under ``last`` it supersedes the earlier ballot;
6. appends the accepted entries to the boards' Merkle trees, signs each changed board's new
   head, and commits entries, ballot rows, superseded marks and heads in ONE transaction
   (zkvote.coordinator.storage: WAL + synchronous=FULL, or PostgreSQL's synchronous commit);
7. answers each accepted submission with its receipt (signed head + inclusion proof) and each
   refused one with its error. If the transaction fails, the trees are rebuilt from storage and
   the batch's entries are retried one by one, so one bad apple cannot sink the others.

Nothing about a submission other than the ballot itself is stored or logged.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from zkvote.board import Receipt
from zkvote.board_tree import leaf_hash
from zkvote.errors import DuplicateNullifier, ZkvoteError

from .boards import Boards
from .checking import Checked, check_submissions, warm_up, watch_parent
from .errors import ReplayedBallot, Unavailable, WrongState
from .polls import PollContext, Polls
from .storage import BALLOTS, BoardAppend, NewEntry, Storage, now_ms

log = logging.getLogger("zkvote.coordinator.ingest")


@dataclass(frozen=True)
class Accepted:
    """The answer to an accepted submission."""

    board: str
    tracking_code: str
    receipt: Receipt

    def to_json(self) -> dict:
        """``{"version", "board", "tracking_code", "receipt"}``."""
        return {"version": 1, "board": self.board, "tracking_code": self.tracking_code,
                "receipt": self.receipt.to_json()}


@dataclass
class Submission:
    """One queued ballot: poll, board (``ballots`` or ``challenged``), shape-checked JSON."""

    poll_id: str
    board: str
    data: dict[str, Any]
    future: asyncio.Future | None = None


@dataclass
class _Candidate:
    index: int  # position in the batch
    sub: Submission
    revote: str
    entry: bytes
    tracking: str
    nullifier: int | None
    supersedes: list[int] = field(default_factory=list)
    position: int = -1


class Ingestor:
    """The batcher (see the module docstring). :meth:`process` is the synchronous core and
    can be called directly (tests); :meth:`submit` queues for the background task."""

    def __init__(self, storage: Storage, boards: Boards, polls: Polls, *,
                 window_ms: float = 4.0, batch_max: int = 256, workers: int = 1) -> None:
        self.storage = storage
        self.boards = boards
        self.polls = polls
        self.window = window_ms / 1000.0
        self.batch_max = batch_max
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._queue: asyncio.Queue[Submission | None] | None = None
        self._task: asyncio.Task | None = None
        self._closing = False

    # ------------------------------------------------------------ async front

    async def start(self) -> None:
        """Start the worker processes and the background batcher on the running loop."""
        if self.workers and self._pool is None:
            self._pool = self._new_pool()
            loop = asyncio.get_running_loop()
            await asyncio.gather(*(loop.run_in_executor(self._pool, warm_up)
                                   for _ in range(self.workers)))
        self._queue = asyncio.Queue()
        self._closing = False
        self._task = asyncio.create_task(self._run(), name="zkvote-ingest")

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the web server's threads and open connections stay out of the workers
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=watch_parent, initargs=(os.getpid(),))

    async def stop(self) -> None:
        """Refuse new submissions, finish the queued ones, stop the batcher and workers."""
        self._closing = True
        if self._task is not None:
            await self._queue.put(None)
            await self._task
            self._task = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def submit(self, poll_id: str, board: str, data: dict[str, Any]) -> Accepted:
        """Queue a submission and wait for its outcome: the receipt once durably stored, or
        the error that refused it (InvalidBallot, InvalidProof, DuplicateNullifier,
        ReplayedBallot, WrongState, ...). Unavailable while shutting down."""
        if self._closing or self._queue is None:
            raise Unavailable("the coordinator is not accepting ballots right now")
        sub = Submission(poll_id, board, data, asyncio.get_running_loop().create_future())
        await self._queue.put(sub)
        return await sub.future

    async def _next_batch(self) -> tuple[list[Submission], bool]:
        queue = self._queue
        first = await queue.get()
        if first is None:
            return [], True
        batch = [first]
        if self.window and queue.qsize() < self.batch_max:
            await asyncio.sleep(self.window)  # let concurrent submissions join
        while len(batch) < self.batch_max and not queue.empty():
            item = queue.get_nowait()
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    async def _run(self) -> None:
        # two batches in flight: one being checked while the previous one commits; a third
        # waits here, so under load batches grow instead of queueing up
        slots = asyncio.Semaphore(2)
        previous: asyncio.Task | None = None
        stop = False
        while not stop:
            batch, stop = await self._next_batch()
            if not batch:
                break
            await slots.acquire()
            previous = asyncio.create_task(self._handle(batch, previous, slots))
        if previous is not None:
            await previous

    async def _handle(self, batch: list[Submission], previous: asyncio.Task | None,
                      slots: asyncio.Semaphore) -> None:
        started = t_checked = t_ready = time.perf_counter()
        try:
            checked = await self._check(batch)
            t_checked = time.perf_counter()
            if previous is not None:
                await previous  # commit in arrival order
            t_ready = time.perf_counter()
            # On the event loop's own thread: a commit is a few ms of Python around one
            # fsync, and handing it to another thread makes both wait for the interpreter
            # lock at every step (measured: 3-10x slower commits under load).
            results = self._commit_checked(batch, checked)
        except Exception:  # pragma: no cover - the stages turn errors into results
            log.exception("ingest batch failed")
            results = [Unavailable("internal error; retry")] * len(batch)
        finally:
            slots.release()
        log.debug("batch of %d in %.1f ms (check %.1f, wait %.1f, commit %.1f)", len(batch),
                  1e3 * (time.perf_counter() - started), 1e3 * (t_checked - started),
                  1e3 * (t_ready - t_checked), 1e3 * (time.perf_counter() - t_ready))
        for sub, result in zip(batch, results, strict=True):
            if sub.future is None or sub.future.done():
                continue  # the client went away; its ballot (if accepted) stays on the board
            if isinstance(result, BaseException):
                sub.future.set_exception(result)
            else:
                sub.future.set_result(result)

    async def _check(self, batch: list[Submission]) -> list[Checked | Exception]:
        results: list[Checked | Exception | None] = [None] * len(batch)
        groups = self._group(batch, results)
        try:
            for chunk, outcome in await self._run_checks(batch, groups):
                for i, r in zip(chunk, outcome, strict=True):
                    results[i] = r
        except BrokenProcessPool:
            # a worker died (killed, out of memory): a fresh pool serves the next batches
            log.error("a ballot-checking worker died; restarting the pool")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return [Unavailable("the coordinator could not check this ballot; retry")
                    if r is None else r for r in results]
        return results

    async def _run_checks(self, batch: list[Submission],
                          groups: list[tuple[PollContext, list[int]]]) -> list[tuple]:
        loop = asyncio.get_running_loop()
        jobs, where = [], []
        for ctx, indices in groups:
            # split a poll's ballots across the workers
            parts = max(1, min(self.workers, len(indices) // 8))
            for p in range(parts):
                chunk = indices[p::parts]
                items = [(batch[i].board, batch[i].data) for i in chunk]
                args = (check_submissions, ctx.manifest_json, ctx.vk_json, items)
                jobs.append(loop.run_in_executor(self._pool, *args) if self._pool
                            else asyncio.to_thread(*args))
                where.append(chunk)
        return list(zip(where, await asyncio.gather(*jobs), strict=True))

    def _group(self, batch: list[Submission], results: list
               ) -> list[tuple[PollContext, list[int]]]:
        groups: dict[str, tuple[PollContext, list[int]]] = {}
        now = now_ms()
        for i, sub in enumerate(batch):
            try:
                ctx = self.polls.context(sub.poll_id)
                if now < ctx.opens_at_ms:
                    raise WrongState("the poll has not opened yet")
                if now > ctx.closes_at_ms:
                    raise WrongState("the poll's voting period is over")
            except ZkvoteError as exc:
                results[i] = exc
                continue
            groups.setdefault(sub.poll_id, (ctx, []))[1].append(i)
        return list(groups.values())

    # ------------------------------------------------------------ the synchronous core

    def process(self, batch: Sequence[Submission]) -> list[Accepted | Exception]:
        """Check and commit ``batch`` in this thread; one result per submission, in order:
        an :class:`Accepted` (durably stored) or the exception that refused it."""
        results: list[Checked | Exception | None] = [None] * len(batch)
        for ctx, indices in self._group(list(batch), results):
            outcome = check_submissions(ctx.manifest_json, ctx.vk_json,
                                        [(batch[i].board, batch[i].data) for i in indices])
            for i, r in zip(indices, outcome, strict=True):
                results[i] = r
        return self._commit_checked(batch, results)

    def _commit_checked(self, batch: Sequence[Submission],
                        checked: list[Checked | Exception]) -> list[Accepted | Exception]:
        results: list[Accepted | Exception | None] = list(checked)
        good = []
        for i, (sub, c) in enumerate(zip(batch, checked, strict=True)):
            if isinstance(c, Checked):
                results[i] = None
                good.append(_Candidate(i, sub, self.polls.revote(sub.poll_id),
                                       c.entry, c.tracking, c.nullifier))
        for index, outcome in self._commit_all(good).items():
            results[index] = outcome
        return results

    def _commit_all(self, good: list[_Candidate]) -> dict[int, Accepted | Exception]:
        if not good:
            return {}
        try:
            return self._commit(good)
        except Exception as exc:
            self._reload(good)
            if len(good) == 1:
                return {good[0].index: _public_error(exc)}
        out: dict[int, Accepted | Exception] = {}
        for c in good:  # one bad apple: retry each on its own, in order
            c.supersedes, c.position = [], -1
            try:
                out.update(self._commit([c]))
            except Exception as exc:
                self._reload([c])
                out[c.index] = _public_error(exc)
        return out

    def _reload(self, cands: list[_Candidate]) -> None:
        for key in {(c.sub.poll_id, c.sub.board) for c in cands}:
            self.boards.reload(*key)

    def _commit(self, cands: list[_Candidate]) -> dict[int, Accepted | Exception]:
        out: dict[int, Accepted | Exception] = {}
        accepted: dict[tuple[str, str], list[_Candidate]] = {}
        for poll_id in dict.fromkeys(c.sub.poll_id for c in cands):
            mine = [c for c in cands if c.sub.poll_id == poll_id]
            for c, exc in self._apply_policy(poll_id, mine):
                if exc is not None:
                    out[c.index] = exc
                else:
                    accepted.setdefault((poll_id, c.sub.board), []).append(c)
        appends = []
        for (poll_id, board), group in accepted.items():
            tree = self.boards.tree(poll_id, board)
            start = tree.size
            for offset, c in enumerate(group):
                c.position = start + offset
            for c in group:
                tree.append(leaf_hash(c.entry))
            head = self.boards.sign(poll_id, board, tree)
            appends.append(BoardAppend(poll_id, board, start, tuple(
                NewEntry(c.entry, leaf_hash(c.entry), c.tracking, c.nullifier,
                         tuple(c.supersedes)) for c in group), head))
        if appends:
            self.storage.append_batch(appends)  # durable from here on
        for a in appends:
            for c in accepted[(a.poll_id, a.board)]:
                out[c.index] = Accepted(a.board, c.tracking,
                                        self.boards.receipt(a.poll_id, a.board, c.position,
                                                            a.head))
        return out

    def _apply_policy(self, poll_id: str, cands: list[_Candidate]
                      ) -> list[tuple[_Candidate, Exception | None]]:
        revote = cands[0].revote
        existing = self.storage.find_ballots(
            poll_id, [c.nullifier for c in cands if c.nullifier is not None],
            [c.tracking for c in cands])
        published = {r.tracking_code for r in existing}
        live: dict[int, list[int]] = {}
        for r in existing:
            if r.board == BALLOTS and r.nullifier is not None and not r.superseded:
                live.setdefault(r.nullifier, []).append(r.board_index)
        size = self.boards.tree(poll_id, BALLOTS).size
        out: list[tuple[_Candidate, Exception | None]] = []
        for c in cands:
            if c.tracking in published:
                out.append((c, ReplayedBallot("this ballot (same tracking code) is on the "
                                              "board already")))
                continue
            if c.sub.board == BALLOTS:
                if c.nullifier in live and revote == "first":
                    out.append((c, DuplicateNullifier("a ballot with this nullifier was "
                                                      "accepted already (policy: first)")))
                    continue
                c.supersedes = live.get(c.nullifier, [])
                live[c.nullifier] = [size]
                size += 1
            published.add(c.tracking)
            out.append((c, None))
        return out


def _public_error(exc: Exception) -> Exception:
    if isinstance(exc, ZkvoteError):
        return exc
    log.error("ballot commit failed: %s", type(exc).__name__)
    return Unavailable("the ballot could not be stored; retry")


__all__ = ["Accepted", "Ingestor", "Submission"]
