"""The coordinator's tables (SQLAlchemy Core), the same for SQLite and PostgreSQL.

Field elements are stored as canonical decimal strings, hashes as raw bytes (leaf and root
hashes, signatures) or lowercase hex (tracking codes, key ids), JSON documents as canonical
JSON text, times as milliseconds since the Unix epoch. Nothing about a voter's connection (IP
address, headers) has a column anywhere.

Each poll has two boards (append-only logs): ``ballots``, the cast ballots, whose positions are
the ballots' positions in the election record, and ``challenged``, the ballots opened by a
Benaloh challenge (published, never counted). Ballot rules live in the constraints, not only
in code:

* ``board_entries`` has one row per (poll, board, index): two writers can never claim one
  position;
* ``ballots.tracking_code`` is unique per poll across both boards: the same encrypted ballot (a
  replay, the cast of a ballot that was challenged and so opened, or the challenge of a ballot
  already cast) cannot be published twice;
* ``ballots.dedup_key`` is unique per poll and holds the nullifier for polls with the re-vote
  policy ``first`` (NULL otherwise, and NULLs never collide): a second ballot with the same
  nullifier fails at the database even if the service's own check were bypassed. Under
  ``last`` every ballot is kept and the earlier ones are marked ``superseded``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 1
ID = String(128)  # poll and group ids (zkvote.poll.check_poll_id allows 128 characters)
DECIMAL = String(80)  # a field element < 2^254 has at most 77 digits

metadata = MetaData()

meta = Table(
    "zkv_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

groups = Table(
    "zkv_groups", metadata,
    Column("group_id", ID, primary_key=True),
    Column("weighted", Boolean, nullable=False),
    # membership changes so far; each member row records the change that added/removed it
    Column("event_seq", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

group_members = Table(
    "zkv_group_members", metadata,
    Column("group_id", ID, nullable=False),
    Column("leaf_index", Integer, nullable=False),
    Column("leaf", DECIMAL, nullable=False),
    Column("added_seq", Integer, nullable=False),
    Column("removed_seq", Integer, nullable=True),
    PrimaryKeyConstraint("group_id", "leaf_index"),
    ForeignKeyConstraint(["group_id"], ["zkv_groups.group_id"]),
    Index("zkv_group_members_leaf", "group_id", "leaf"),
)

group_roots = Table(
    "zkv_group_roots", metadata,
    Column("group_id", ID, nullable=False),
    Column("seq", Integer, nullable=False),  # 1, 2, ... per group
    Column("root", DECIMAL, nullable=False),
    Column("event_seq", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("published_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("group_id", "seq"),
    ForeignKeyConstraint(["group_id"], ["zkv_groups.group_id"]),
    Index("zkv_group_roots_root", "root"),
)

polls = Table(
    "zkv_polls", metadata,
    Column("poll_id", ID, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("revote", String(8), nullable=False),
    Column("n_trustees", Integer, nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("draft_json", Text, nullable=False),
    Column("manifest_json", Text, nullable=True),  # set when the DKG is finalised
    Column("manifest_hash", String(64), nullable=True),
    Column("vk_json", Text, nullable=False),
    Column("proving_key_sha256", String(64), nullable=True),
    Column("dkg_json", Text, nullable=True),  # the public DKG transcript
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

trustees = Table(
    "zkv_trustees", metadata,
    Column("poll_id", ID, nullable=False),
    Column("trustee_index", Integer, nullable=False),
    Column("verify_key", String(64), nullable=False),  # Ed25519 public key, hex
    PrimaryKeyConstraint("poll_id", "trustee_index"),
    UniqueConstraint("poll_id", "verify_key"),
    ForeignKeyConstraint(["poll_id"], ["zkv_polls.poll_id"]),
    Index("zkv_trustees_key", "verify_key"),
)

dkg_messages = Table(
    "zkv_dkg_messages", metadata,
    Column("poll_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),  # round1 | share | complaints | answers
    Column("sender", Integer, nullable=False),
    Column("recipient", Integer, nullable=False),  # 0 unless kind = share
    Column("body", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("poll_id", "kind", "sender", "recipient"),
    ForeignKeyConstraint(["poll_id"], ["zkv_polls.poll_id"]),
)

BOARD = String(16)  # "ballots" (cast ballots) or "challenged" (opened, never counted)

board_entries = Table(
    "zkv_board_entries", metadata,
    Column("poll_id", ID, nullable=False),
    Column("board", BOARD, nullable=False),
    Column("idx", BigInteger, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("entry", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("poll_id", "board", "idx"),
    ForeignKeyConstraint(["poll_id"], ["zkv_polls.poll_id"]),
    Index("zkv_board_entries_leaf", "poll_id", "board", "leaf_hash"),
)

signed_heads = Table(
    "zkv_signed_heads", metadata,
    Column("poll_id", ID, nullable=False),
    Column("board", BOARD, nullable=False),
    Column("tree_size", BigInteger, nullable=False),
    Column("log_id", LargeBinary(32), nullable=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
    PrimaryKeyConstraint("poll_id", "board", "tree_size"),
    ForeignKeyConstraint(["poll_id"], ["zkv_polls.poll_id"]),
)

ballots = Table(
    "zkv_ballots", metadata,
    Column("poll_id", ID, nullable=False),
    Column("board", BOARD, nullable=False),
    Column("board_index", BigInteger, nullable=False),
    Column("nullifier", DECIMAL, nullable=True),  # NULL for challenged ballots
    Column("dedup_key", DECIMAL, nullable=True),
    Column("tracking_code", String(64), nullable=False),
    Column("superseded", Boolean, nullable=False),
    PrimaryKeyConstraint("poll_id", "board", "board_index"),
    ForeignKeyConstraint(["poll_id", "board", "board_index"],
                         ["zkv_board_entries.poll_id", "zkv_board_entries.board",
                          "zkv_board_entries.idx"]),
    UniqueConstraint("poll_id", "dedup_key", name="zkv_ballots_one_per_nullifier"),
    UniqueConstraint("poll_id", "tracking_code", name="zkv_ballots_tracking_code"),
    Index("zkv_ballots_nullifier", "poll_id", "nullifier"),
)

partial_decryptions = Table(
    "zkv_partial_decryptions", metadata,
    Column("poll_id", ID, nullable=False),
    Column("trustee_index", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("poll_id", "trustee_index"),
    ForeignKeyConstraint(["poll_id"], ["zkv_polls.poll_id"]),
)

tallies = Table(
    "zkv_tallies", metadata,
    Column("poll_id", ID, primary_key=True),
    Column("aggregate_json", Text, nullable=False),
    Column("counted", Integer, nullable=False),
    Column("result_json", Text, nullable=True),  # tally and outcome, once published
    Column("record", LargeBinary, nullable=True),  # the election record archive (.zip)
    Column("published_at", BigInteger, nullable=True),
    ForeignKeyConstraint(["poll_id"], ["zkv_polls.poll_id"]),
)

auth_nonces = Table(
    "zkv_auth_nonces", metadata,
    Column("digest", String(64), primary_key=True),
    Column("expires_at", BigInteger, nullable=False),
    Index("zkv_auth_nonces_expiry", "expires_at"),
)

__all__ = ["SCHEMA_VERSION", "auth_nonces", "ballots", "board_entries", "dkg_messages",
           "group_members", "group_roots", "groups", "meta", "metadata", "partial_decryptions",
           "polls", "signed_heads", "tallies", "trustees"]
