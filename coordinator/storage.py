"""One storage layer over SQLAlchemy Core for SQLite (the default) and PostgreSQL.

``Storage("sqlite:///path/db.sqlite3")`` keeps everything in one file in WAL mode with
``synchronous=FULL``: a commit returns only after the write-ahead log is on disk, so anything
acknowledged survives a power cut or ``kill -9``. ``Storage("postgresql+psycopg://...")`` uses
PostgreSQL with its default ``synchronous_commit = on`` (the same guarantee). The API is the
same for both and is synchronous; the web layer calls it from worker threads.

Write transactions on SQLite start with ``BEGIN IMMEDIATE`` (the write lock is taken up front,
so two writers queue instead of failing on a lock upgrade); reads use deferred transactions and
never wait for writers (WAL). On PostgreSQL, rows that serialise a change (a group's member
count) are locked with ``SELECT ... FOR UPDATE``.

The tables and the rules their constraints enforce are in :mod:`zkvote.coordinator.schema`.
Constraint violations surface as :class:`~zkvote.coordinator.errors.Conflict` (or its
subclasses) and leave nothing behind: every method is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import QueuePool

from zkvote.errors import InvalidArgument

from . import schema as s
from .errors import Conflict, NotFound, WrongState
from .storage_board import (
    BALLOTS,
    BOARDS,
    CHALLENGED,
    BallotRow,
    BoardAppend,
    BoardStore,
    EntryRow,
    NewEntry,
    now_ms,
)

POLL_STATES = ("draft", "keygen", "open", "closed", "tallied")
DKG_KINDS = ("round1", "share", "complaints", "answers")


@dataclass(frozen=True)
class GroupRow:
    """A group: id, whether its leaves carry credits, membership changes so far."""

    group_id: str
    weighted: bool
    event_seq: int


@dataclass(frozen=True)
class RootRow:
    """A published root: the group had ``size`` leaves after ``event_seq`` changes."""

    group_id: str
    seq: int
    root: int
    event_seq: int
    size: int
    published_at: int


@dataclass(frozen=True)
class PollRow:
    """A poll as stored (JSON documents as text)."""

    poll_id: str
    state: str
    revote: str
    n_trustees: int
    threshold: int
    draft_json: str
    manifest_json: str | None
    manifest_hash: str | None
    vk_json: str
    proving_key_sha256: str | None
    dkg_json: str | None
    created_at: int
    updated_at: int


class Storage(BoardStore):
    """The coordinator's database (see the module docstring); the board and ballot methods
    are in :class:`~zkvote.coordinator.storage_board.BoardStore`."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        """Connect to ``url`` (``sqlite:///PATH`` or ``postgresql+psycopg://...``) and create
        the tables if needed. Raises InvalidArgument for another database kind."""
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not psycopg2
            url = parsed.render_as_string(hide_password=False)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            database = parsed.database
            if not database or database == ":memory:":
                raise InvalidArgument("SQLite storage needs a file (WAL does not apply in memory)")
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # Pooled connections stay open: closing the last connection of a WAL database
            # checkpoints and deletes the WAL, far too costly per transaction. A checked-out
            # connection is used by one thread at a time.
            self.engine: Engine = create_engine(
                url, echo=echo, poolclass=QueuePool, pool_size=8, max_overflow=16,
                connect_args={"check_same_thread": False, "timeout": 30})
            _sqlite_setup(self.engine)
        elif self.dialect == "postgresql":
            self.engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=8)
        else:
            raise InvalidArgument(f"unsupported database {self.dialect!r}: use sqlite or "
                                  "postgresql")
        s.metadata.create_all(self.engine)
        with self._write() as conn:
            have = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "schema")).scalar()
            if have is None:
                conn.execute(s.meta.insert().values(key="schema", value=str(s.SCHEMA_VERSION)))
            elif have != str(s.SCHEMA_VERSION):
                raise InvalidArgument(f"database schema version {have}, this coordinator "
                                      f"uses {s.SCHEMA_VERSION}")

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def reset(self) -> None:
        """Drop and recreate every table (tests only: deletes all data)."""
        s.metadata.drop_all(self.engine)
        s.metadata.create_all(self.engine)
        with self._write() as conn:
            conn.execute(s.meta.insert().values(key="schema", value=str(s.SCHEMA_VERSION)))

    # ------------------------------------------------------------ transactions

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(zkv_begin="IMMEDIATE") as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    # ------------------------------------------------------------ groups

    def create_group(self, group_id: str, weighted: bool) -> None:
        """A new empty group. Conflict if the id exists."""
        try:
            with self._write() as conn:
                conn.execute(s.groups.insert().values(group_id=group_id, weighted=weighted,
                                                      event_seq=0, created_at=now_ms()))
        except IntegrityError:
            raise Conflict(f"group {group_id!r} exists already") from None

    def get_group(self, group_id: str) -> GroupRow:
        """The group; NotFound if there is none."""
        with self._read() as conn:
            return self._group(conn, group_id)

    def list_groups(self) -> list[GroupRow]:
        """Every group, by id."""
        with self._read() as conn:
            rows = conn.execute(select(s.groups).order_by(s.groups.c.group_id)).all()
        return [GroupRow(r.group_id, r.weighted, r.event_seq) for r in rows]

    def _group(self, conn: Connection, group_id: str, lock: bool = False) -> GroupRow:
        q = select(s.groups).where(s.groups.c.group_id == group_id)
        row = conn.execute(q.with_for_update() if lock else q).first()
        if row is None:
            raise NotFound(f"no group {group_id!r}")
        return GroupRow(row.group_id, row.weighted, row.event_seq)

    def add_members(self, group_id: str, leaves: Sequence[int]) -> list[int]:
        """Append ``leaves`` (non-zero field elements, validated by the caller) in order and
        return their leaf indices. Conflict if one is already a current member."""
        with self._write() as conn:
            group = self._group(conn, group_id, lock=True)
            existing = conn.execute(
                select(s.group_members.c.leaf).where(
                    s.group_members.c.group_id == group_id,
                    s.group_members.c.removed_seq.is_(None),
                    s.group_members.c.leaf.in_([str(x) for x in leaves]))).first()
            if existing is not None:
                raise Conflict(f"{existing.leaf} is a member already")
            if len(set(leaves)) != len(leaves):
                raise Conflict("the same leaf twice in one request")
            start = conn.execute(select(func.count()).select_from(s.group_members).where(
                s.group_members.c.group_id == group_id)).scalar_one()
            seq = group.event_seq + 1
            if leaves:
                conn.execute(s.group_members.insert(), [
                    {"group_id": group_id, "leaf_index": start + i, "leaf": str(leaf),
                     "added_seq": seq, "removed_seq": None} for i, leaf in enumerate(leaves)])
                conn.execute(update(s.groups).where(s.groups.c.group_id == group_id)
                             .values(event_seq=seq))
        return list(range(start, start + len(leaves)))

    def remove_member(self, group_id: str, leaf_index: int) -> None:
        """Mark leaf ``leaf_index`` removed (its leaf becomes 0 in the tree). NotFound if there
        is no such leaf, Conflict if it was removed already."""
        with self._write() as conn:
            group = self._group(conn, group_id, lock=True)
            row = conn.execute(select(s.group_members.c.removed_seq).where(
                s.group_members.c.group_id == group_id,
                s.group_members.c.leaf_index == leaf_index)).first()
            if row is None:
                raise NotFound(f"group {group_id!r} has no leaf {leaf_index}")
            if row.removed_seq is not None:
                raise Conflict(f"leaf {leaf_index} was removed already")
            seq = group.event_seq + 1
            conn.execute(update(s.group_members).where(
                s.group_members.c.group_id == group_id,
                s.group_members.c.leaf_index == leaf_index).values(removed_seq=seq))
            conn.execute(update(s.groups).where(s.groups.c.group_id == group_id)
                         .values(event_seq=seq))

    def group_leaves(self, group_id: str, at_event_seq: int | None = None
                     ) -> tuple[int, list[tuple[int, bool]]]:
        """(event_seq, leaves): the group's leaves in index order as (leaf, removed) after
        ``at_event_seq`` changes (default: now, whose number is returned). NotFound for an
        unknown group."""
        with self._read() as conn:
            group = self._group(conn, group_id)
            seq = group.event_seq if at_event_seq is None else at_event_seq
            rows = conn.execute(
                select(s.group_members.c.leaf, s.group_members.c.removed_seq)
                .where(s.group_members.c.group_id == group_id,
                       s.group_members.c.added_seq <= seq)
                .order_by(s.group_members.c.leaf_index)).all()
        return seq, [(int(r.leaf), r.removed_seq is not None and r.removed_seq <= seq)
                     for r in rows]

    def find_member(self, group_id: str, leaf: int) -> int | None:
        """The index of current member ``leaf``, or None."""
        with self._read() as conn:
            return conn.execute(select(s.group_members.c.leaf_index).where(
                s.group_members.c.group_id == group_id, s.group_members.c.leaf == str(leaf),
                s.group_members.c.removed_seq.is_(None))).scalar()

    def publish_root(self, group_id: str, root: int, event_seq: int, size: int) -> RootRow:
        """Record ``root`` (computed by the caller from the leaves after ``event_seq``
        changes) as the group's next published root. Conflict if the group changed since
        (``event_seq`` is no longer its latest) - the caller recomputes and retries."""
        with self._write() as conn:
            group = self._group(conn, group_id, lock=True)
            if group.event_seq != event_seq:
                raise Conflict("the group changed while its root was computed; retry")
            last = conn.execute(select(func.max(s.group_roots.c.seq)).where(
                s.group_roots.c.group_id == group_id)).scalar() or 0
            row = RootRow(group_id, last + 1, root, event_seq, size, now_ms())
            conn.execute(s.group_roots.insert().values(
                group_id=group_id, seq=row.seq, root=str(root), event_seq=event_seq,
                size=size, published_at=row.published_at))
        return row

    def group_roots(self, group_id: str) -> list[RootRow]:
        """Every published root of the group, oldest first (NotFound for an unknown group)."""
        with self._read() as conn:
            self._group(conn, group_id)
            rows = conn.execute(select(s.group_roots).where(
                s.group_roots.c.group_id == group_id).order_by(s.group_roots.c.seq)).all()
        return [RootRow(r.group_id, r.seq, int(r.root), r.event_seq, r.size, r.published_at)
                for r in rows]

    def roots_named(self, root: int) -> list[RootRow]:
        """Every publication of ``root`` (by any group)."""
        with self._read() as conn:
            rows = conn.execute(select(s.group_roots).where(s.group_roots.c.root == str(root))
                                .order_by(s.group_roots.c.group_id, s.group_roots.c.seq)).all()
        return [RootRow(r.group_id, r.seq, int(r.root), r.event_seq, r.size, r.published_at)
                for r in rows]

    # ------------------------------------------------------------ polls and trustees

    def create_poll(self, row: PollRow, trustee_keys: Sequence[str]) -> None:
        """Store a new poll and its trustees' Ed25519 keys (hex; trustee i+1 has key i).
        Conflict if the poll id exists."""
        try:
            with self._write() as conn:
                conn.execute(s.polls.insert().values(**row.__dict__))
                conn.execute(s.trustees.insert(), [
                    {"poll_id": row.poll_id, "trustee_index": i + 1, "verify_key": key}
                    for i, key in enumerate(trustee_keys)])
        except IntegrityError:
            raise Conflict(f"poll {row.poll_id!r} exists already") from None

    def get_poll(self, poll_id: str) -> PollRow:
        """The poll; NotFound if there is none."""
        with self._read() as conn:
            return self._poll(conn, poll_id)

    def _poll(self, conn: Connection, poll_id: str, lock: bool = False) -> PollRow:
        q = select(s.polls).where(s.polls.c.poll_id == poll_id)
        row = conn.execute(q.with_for_update() if lock else q).first()
        if row is None:
            raise NotFound(f"no poll {poll_id!r}")
        return PollRow(**row._mapping)

    def list_polls(self) -> list[tuple[str, str]]:
        """(poll id, state) of every poll, by id."""
        with self._read() as conn:
            rows = conn.execute(select(s.polls.c.poll_id, s.polls.c.state)
                                .order_by(s.polls.c.poll_id)).all()
        return [(r.poll_id, r.state) for r in rows]

    def update_poll(self, poll_id: str, from_states: Sequence[str], **values: object) -> PollRow:
        """Set ``values`` (columns of the polls table, e.g. state, manifest_json) if the poll
        is in one of ``from_states``, atomically; WrongState otherwise. Returns the new row."""
        with self._write() as conn:
            row = self._poll(conn, poll_id, lock=True)
            if row.state not in from_states:
                raise WrongState(f"poll {poll_id!r} is {row.state}, not "
                                 f"{' or '.join(from_states)}")
            conn.execute(update(s.polls).where(s.polls.c.poll_id == poll_id)
                         .values(updated_at=now_ms(), **values))
            return self._poll(conn, poll_id)

    def trustee_keys(self, poll_id: str) -> dict[int, str]:
        """Trustee index -> Ed25519 public key (hex) for the poll."""
        with self._read() as conn:
            rows = conn.execute(select(s.trustees).where(s.trustees.c.poll_id == poll_id)).all()
        return {r.trustee_index: r.verify_key for r in rows}

    # ------------------------------------------------------------ DKG messages

    def put_dkg_message(self, poll_id: str, kind: str, sender: int, body: str,
                        recipient: int = 0, states: Sequence[str] = ("keygen",)) -> None:
        """Store one DKG message while the poll is in ``states`` (WrongState otherwise).
        Conflict if this sender already sent this kind (to this recipient)."""
        if kind not in DKG_KINDS:
            raise InvalidArgument(f"unknown DKG message kind {kind!r}")
        try:
            with self._write() as conn:
                row = self._poll(conn, poll_id, lock=True)
                if row.state not in states or row.manifest_json is not None:
                    raise WrongState(f"poll {poll_id!r} is not collecting DKG messages")
                conn.execute(s.dkg_messages.insert().values(
                    poll_id=poll_id, kind=kind, sender=sender, recipient=recipient, body=body,
                    created_at=now_ms()))
        except IntegrityError:
            raise Conflict(f"trustee {sender} already sent its {kind} message") from None

    def put_dkg_messages(self, poll_id: str, kind: str, sender: int,
                         bodies: dict[int, str]) -> None:
        """Store several messages of one kind from one sender (recipient -> body) in one
        transaction; errors as :meth:`put_dkg_message`."""
        try:
            with self._write() as conn:
                row = self._poll(conn, poll_id, lock=True)
                if row.state != "keygen" or row.manifest_json is not None:
                    raise WrongState(f"poll {poll_id!r} is not collecting DKG messages")
                stamp = now_ms()
                conn.execute(s.dkg_messages.insert(), [
                    {"poll_id": poll_id, "kind": kind, "sender": sender, "recipient": r,
                     "body": b, "created_at": stamp} for r, b in sorted(bodies.items())])
        except IntegrityError:
            raise Conflict(f"trustee {sender} already sent {kind} messages") from None

    def dkg_messages(self, poll_id: str, kind: str, recipient: int | None = None
                     ) -> list[tuple[int, int, str]]:
        """(sender, recipient, body) of the poll's DKG messages of ``kind`` (only those for
        ``recipient`` if given), by sender."""
        q = select(s.dkg_messages).where(s.dkg_messages.c.poll_id == poll_id,
                                         s.dkg_messages.c.kind == kind)
        if recipient is not None:
            q = q.where(s.dkg_messages.c.recipient == recipient)
        with self._read() as conn:
            rows = conn.execute(q.order_by(s.dkg_messages.c.sender,
                                           s.dkg_messages.c.recipient)).all()
        return [(r.sender, r.recipient, r.body) for r in rows]

    # ------------------------------------------------------------ tally

    def put_aggregate(self, poll_id: str, aggregate_json: str, counted: int) -> None:
        """Store the aggregate of a closed poll (once; Conflict after that)."""
        try:
            with self._write() as conn:
                poll = self._poll(conn, poll_id, lock=True)
                if poll.state != "closed":
                    raise WrongState(f"poll {poll_id!r} is {poll.state}, not closed")
                conn.execute(s.tallies.insert().values(poll_id=poll_id,
                                                       aggregate_json=aggregate_json,
                                                       counted=counted))
        except IntegrityError:
            raise Conflict("the aggregate was computed already") from None

    def get_tally(self, poll_id: str) -> dict | None:
        """The tally row as a dict (aggregate_json, counted, result_json, record,
        published_at), or None before aggregation."""
        with self._read() as conn:
            row = conn.execute(select(s.tallies).where(s.tallies.c.poll_id == poll_id)).first()
        return None if row is None else dict(row._mapping)

    def put_partial(self, poll_id: str, trustee_index: int, body: str) -> None:
        """Store trustee ``trustee_index``'s partial decryption (verified by the caller)
        while the poll is closed with an aggregate. Conflict if it sent one already."""
        try:
            with self._write() as conn:
                poll = self._poll(conn, poll_id, lock=True)
                if poll.state != "closed":
                    raise WrongState(f"poll {poll_id!r} is {poll.state}, not closed")
                conn.execute(s.partial_decryptions.insert().values(
                    poll_id=poll_id, trustee_index=trustee_index, body=body,
                    created_at=now_ms()))
        except IntegrityError:
            raise Conflict(f"trustee {trustee_index} sent its partial decryption "
                           "already") from None

    def partials(self, poll_id: str) -> list[tuple[int, str]]:
        """(trustee index, body) of every stored partial decryption, by index."""
        with self._read() as conn:
            rows = conn.execute(select(s.partial_decryptions).where(
                s.partial_decryptions.c.poll_id == poll_id)
                .order_by(s.partial_decryptions.c.trustee_index)).all()
        return [(r.trustee_index, r.body) for r in rows]

    def publish_tally(self, poll_id: str, result_json: str, record: bytes) -> None:
        """Store the tally/outcome and the record archive and move the poll to ``tallied``,
        in one transaction (WrongState unless closed)."""
        with self._write() as conn:
            poll = self._poll(conn, poll_id, lock=True)
            if poll.state != "closed":
                raise WrongState(f"poll {poll_id!r} is {poll.state}, not closed")
            stamp = now_ms()
            conn.execute(update(s.tallies).where(s.tallies.c.poll_id == poll_id).values(
                result_json=result_json, record=record, published_at=stamp))
            conn.execute(update(s.polls).where(s.polls.c.poll_id == poll_id).values(
                state="tallied", updated_at=stamp))

    # ------------------------------------------------------------ request nonces

    def use_nonce(self, digest: str, expires_at: int) -> bool:
        """Record a signed request's digest until ``expires_at`` (ms); False if it was seen
        before (a replay). Expired digests are purged on the way."""
        try:
            with self._write() as conn:
                conn.execute(s.auth_nonces.delete().where(
                    s.auth_nonces.c.expires_at < now_ms()))
                conn.execute(s.auth_nonces.insert().values(digest=digest, expires_at=expires_at))
        except IntegrityError:
            return False
        return True

    # ------------------------------------------------------------ inspection (tests, tools)

    def row_counts(self) -> dict[str, int]:
        """Rows per table (tests use it to assert that a rejected request stored nothing)."""
        with self._read() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in s.metadata.sorted_tables if t is not s.auth_nonces}


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: object, _record: object) -> None:
        # pysqlite's implicit BEGIN is off; the "begin" hook below emits our own
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("zkv_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


__all__ = ["BALLOTS", "BOARDS", "CHALLENGED", "DKG_KINDS", "POLL_STATES", "BallotRow",
           "BoardAppend", "EntryRow", "GroupRow", "NewEntry", "PollRow", "RootRow", "Storage",
           "now_ms"]
