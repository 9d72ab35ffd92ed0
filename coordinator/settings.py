"""Settings of the coordinator service and its key files.

A :class:`Settings` value is everything :func:`zkvote.coordinator.app.create_app` needs: where
the database is, the keys, the limits. :func:`load_or_create_keys` keeps the two Ed25519 keys in
``data_dir``: ``log_ed25519.key`` signs the bulletin board's tree heads, ``admin_ed25519.key``
is the operator's key for the admin endpoints (the service itself only needs its public half).
Both are created on first start with mode 0600 and never printed.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.hexkeys import signing_key_from_hex

LOG_KEY_FILE = "log_ed25519.key"
ADMIN_KEY_FILE = "admin_ed25519.key"
DB_FILE = "coordinator.sqlite3"


@dataclass(frozen=True)
class Settings:
    """The coordinator's configuration.

    ``db_url``: an SQLAlchemy URL, ``sqlite:///PATH`` (the default, a file in ``data_dir``) or
    ``postgresql+psycopg://...``. ``log_key`` signs the board heads. ``admin_keys``: Ed25519
    public keys allowed on the admin endpoints. ``max_body_bytes``: larger requests get 413
    before any parsing. ``rate_per_second`` / ``rate_burst``: each client's token bucket
    (0 disables the limit). ``batch_window_ms`` / ``batch_max``: ballots arriving within the
    window are verified and committed together, up to ``batch_max`` at a time.
    ``verify_workers``: processes that parse and verify ballots (default: one per core, at most
    4; 0: a thread of this process).
    ``auth_window_s``: how far a signed request's timestamp may be from the server's clock.
    """

    db_url: str
    log_key: SigningKey
    admin_keys: tuple[VerifyKey, ...]
    data_dir: Path | None = None
    max_body_bytes: int = 256 * 1024
    rate_per_second: float = 50.0
    rate_burst: int = 200
    batch_window_ms: float = 4.0
    batch_max: int = 256
    auth_window_s: int = 60
    verify_workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))

    def __post_init__(self) -> None:
        if not isinstance(self.log_key, SigningKey):
            raise InvalidEncoding("log_key must be a nacl.signing.SigningKey")
        object.__setattr__(self, "admin_keys", tuple(self.admin_keys))
        if not all(isinstance(k, VerifyKey) for k in self.admin_keys):
            raise InvalidEncoding("admin_keys must be nacl.signing.VerifyKey values")
        for name, low in (("max_body_bytes", 1024), ("batch_max", 1), ("auth_window_s", 1),
                          ("verify_workers", 0), ("rate_burst", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise InvalidArgument(f"{name} must be an int >= {low}")
        if self.rate_per_second < 0 or self.batch_window_ms < 0:
            raise InvalidArgument("rate_per_second and batch_window_ms must be >= 0")


def _read_key(path: Path) -> SigningKey:
    return signing_key_from_hex(path.read_bytes(), str(path))


def _create_key(path: Path) -> SigningKey:
    key = SigningKey(secrets.token_bytes(32))
    # O_EXCL: two processes starting at once never overwrite each other's key
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(bytes(key).hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return key


def load_or_create_key(path: str | os.PathLike[str]) -> SigningKey:
    """The Ed25519 signing key stored (as 64 hex digits) at ``path``, created with mode 0600
    if the file does not exist. Raises InvalidEncoding for a malformed key file."""
    path = Path(path)
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        return _create_key(path)
    except FileExistsError:  # created concurrently
        return _read_key(path)


def load_or_create_keys(data_dir: str | os.PathLike[str]) -> tuple[SigningKey, SigningKey]:
    """(log key, admin key) from ``data_dir`` (created with mode 0700 if missing), each made on
    first use (see the module docstring)."""
    directory = Path(data_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return (load_or_create_key(directory / LOG_KEY_FILE),
            load_or_create_key(directory / ADMIN_KEY_FILE))


def settings_for_data_dir(data_dir: str | os.PathLike[str], db_url: str | None = None,
                          **overrides: object) -> Settings:
    """Settings for a coordinator keeping its keys (and, unless ``db_url`` is given, its
    SQLite database) in ``data_dir``; ``overrides`` set any other :class:`Settings` field."""
    directory = Path(data_dir).resolve()
    log_key, admin_key = load_or_create_keys(directory)
    url = db_url or f"sqlite:///{directory / DB_FILE}"
    return Settings(db_url=url, log_key=log_key, admin_keys=(admin_key.verify_key,),
                    data_dir=directory, **overrides)


__all__ = ["ADMIN_KEY_FILE", "DB_FILE", "LOG_KEY_FILE", "Settings", "load_or_create_key",
           "load_or_create_keys", "settings_for_data_dir"]
