"""The client's local store: identities, trustee keys and shares, receipts, pinned keys.

Everything lives under one directory, ``$ZKVOTE_HOME`` or ``~/.zkvote``::

    identities/NAME.id                 a Semaphore identity (base64 private key), 0600
    trustees/NAME.key                  a trustee's Ed25519 request-signing key (hex seed), 0600
    trustees/NAME/POLL.share.json      the trustee's DKG share of a poll (secret), 0600
    receipts/POLL/TRACKING.json        a cast ballot's receipt (public), 0600
    coordinators.json                  board-signing keys pinned per coordinator URL, 0600
    monitors/KEY.json                  board monitor states (``zkvote board monitor``)

Directories are created 0700 and files 0600, written to a temporary file in the same
directory and renamed into place, so no reader ever sees a half-written or world-readable
secret. Like ssh, reading a secret file that other users can read or write is refused
(:class:`WalletError`): a wallet whose permissions were loosened is not trusted silently.
Nothing in this module prints or logs a secret; errors name files, never contents.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from zkvote.errors import InvalidArgument, InvalidEncoding, ZkvoteError
from zkvote.hexkeys import is_hex, is_key_hex, signing_key_from_hex
from zkvote.identity import Identity
from zkvote.jsonmodel import load_json

HOME_ENV = "ZKVOTE_HOME"
DEFAULT_NAME = "default"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_FILE_BYTES = 1 << 20


class WalletError(ZkvoteError):
    """A wallet item is missing, exists already, or has unsafe permissions."""


class ItemNotFound(WalletError, FileNotFoundError):
    """The identity, key, share or receipt does not exist in the wallet."""


class KeyChanged(WalletError):
    """A coordinator signs with another board key than the one pinned for it."""


def default_home() -> Path:
    """``$ZKVOTE_HOME`` if set, else ``~/.zkvote``."""
    env = os.environ.get(HOME_ENV)
    return Path(env).expanduser() if env else Path.home() / ".zkvote"


def check_name(name: object, what: str = "name") -> str:
    """Return ``name`` if it is 1..64 characters of ``[A-Za-z0-9._-]`` starting with a letter
    or digit (so it is a safe file name); InvalidArgument otherwise."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidArgument(f"{what} must be 1..64 characters of [A-Za-z0-9._-] starting "
                              f"with a letter or digit, not {name!r:.40}")
    return name


def write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` as a new 0600 file (parents 0700), atomically.

    Raises WalletError if ``path`` exists and ``overwrite`` is false (checked atomically:
    a file that appears concurrently is never clobbered)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise WalletError(f"{path} exists already") from None
            tmp.unlink()
    finally:
        if tmp.exists():
            tmp.unlink()


def read_private(path: Path, what: str) -> bytes:
    """The bytes of wallet file ``path``. Raises ItemNotFound if missing, WalletError if it
    is not a regular file, is readable or writable by other users, or is over 1 MiB."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        raise ItemNotFound(f"no {what} at {path}") from None
    if not stat.S_ISREG(st.st_mode):
        raise WalletError(f"{path} is not a regular file")
    if st.st_mode & 0o077:
        raise WalletError(f"{path} is accessible by other users (mode "
                          f"{stat.S_IMODE(st.st_mode):04o}); run chmod 600 on it")
    if st.st_size > MAX_FILE_BYTES:
        raise WalletError(f"{path} is larger than any {what}")
    return path.read_bytes()


def _json_bytes(doc: Any) -> bytes:
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8")


class Wallet:
    """The local store rooted at ``home`` (default :func:`default_home`). Creating a Wallet
    touches nothing on disk; directories appear with the first write."""

    def __init__(self, home: str | os.PathLike[str] | None = None) -> None:
        self.home = Path(home).expanduser() if home is not None else default_home()

    # ------------------------------------------------------------ identities

    def identity_path(self, name: str = DEFAULT_NAME) -> Path:
        """Where identity ``name`` is stored."""
        return self.home / "identities" / f"{check_name(name, 'identity name')}.id"

    def save_identity(self, identity: Identity, name: str = DEFAULT_NAME, *,
                      overwrite: bool = False) -> Path:
        """Store ``identity`` as ``name``. WalletError if it exists and not ``overwrite``."""
        if not isinstance(identity, Identity):
            raise InvalidEncoding("expected an Identity")
        path = self.identity_path(name)
        write_private(path, (identity.export() + "\n").encode("ascii"), overwrite=overwrite)
        return path

    def new_identity(self, name: str = DEFAULT_NAME, *, overwrite: bool = False) -> Identity:
        """Draw a fresh identity (OS CSPRNG), store it as ``name`` and return it."""
        identity = Identity()
        self.save_identity(identity, name, overwrite=overwrite)
        return identity

    def load_identity(self, name: str = DEFAULT_NAME) -> Identity:
        """Identity ``name``. ItemNotFound / WalletError (see :func:`read_private`),
        InvalidEncoding if the file is not a canonical base64 Semaphore export."""
        path = self.identity_path(name)
        data = read_private(path, "identity")
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            raise InvalidEncoding(f"{path}: an identity file is ASCII base64") from None
        try:
            return Identity.import_(text)
        except (InvalidEncoding, InvalidArgument) as exc:
            raise InvalidEncoding(f"{path}: {exc}") from None

    def identities(self) -> list[str]:
        """Names of the stored identities, sorted."""
        return self._names(self.home / "identities", ".id")

    # ------------------------------------------------------------ trustee keys and shares

    def trustee_key_path(self, name: str = DEFAULT_NAME) -> Path:
        """Where trustee ``name``'s Ed25519 signing key is stored."""
        return self.home / "trustees" / f"{check_name(name, 'trustee name')}.key"

    def new_trustee_key(self, name: str = DEFAULT_NAME, *, overwrite: bool = False
                        ) -> SigningKey:
        """Create and store a fresh Ed25519 key for trustee ``name`` (it signs the trustee's
        requests to coordinators; the operator registers its public half in a poll)."""
        key = SigningKey(secrets.token_bytes(32))
        write_private(self.trustee_key_path(name), (bytes(key).hex() + "\n").encode("ascii"),
                      overwrite=overwrite)
        return key

    def load_trustee_key(self, name: str = DEFAULT_NAME) -> SigningKey:
        """Trustee ``name``'s signing key. ItemNotFound / WalletError, InvalidEncoding if the
        file does not hold 64 hex digits (hexkeys.signing_key_from_hex)."""
        path = self.trustee_key_path(name)
        return signing_key_from_hex(read_private(path, "trustee key"), str(path))

    def trustees(self) -> list[str]:
        """Names of the stored trustee keys, sorted."""
        return self._names(self.home / "trustees", ".key")

    def share_path(self, name: str, poll_id: str) -> Path:
        """Where trustee ``name``'s share of ``poll_id`` is stored."""
        from zkvote.poll import check_poll_id

        return (self.home / "trustees" / check_name(name, "trustee name")
                / f"{check_poll_id(poll_id)}.share.json")

    def save_share(self, name: str, poll_id: str, doc: dict, *, overwrite: bool = False
                   ) -> Path:
        """Store a trustee share document (``zkvote.client.TrusteeClient`` writes
        ``{"version", "poll_id", "context", "share"}``)."""
        path = self.share_path(name, poll_id)
        write_private(path, _json_bytes(doc), overwrite=overwrite)
        return path

    def load_share(self, name: str, poll_id: str) -> Any:
        """The parsed share document (ItemNotFound / WalletError / InvalidEncoding)."""
        path = self.share_path(name, poll_id)
        return load_json(read_private(path, "trustee share"), str(path))

    # ------------------------------------------------------------ receipts

    def receipt_path(self, poll_id: str, tracking_code: str) -> Path:
        """Where the receipt of the ballot with ``tracking_code`` in ``poll_id`` goes."""
        from zkvote.poll import check_poll_id

        if not is_hex(tracking_code, 32):
            raise InvalidArgument("a tracking code is 64 lowercase hex digits")
        return self.home / "receipts" / check_poll_id(poll_id) / f"{tracking_code}.json"

    def save_receipt(self, poll_id: str, tracking_code: str, doc: dict) -> Path:
        """Store a receipt document (replacing an older copy of the same receipt)."""
        path = self.receipt_path(poll_id, tracking_code)
        write_private(path, _json_bytes(doc), overwrite=True)
        return path

    def receipts(self, poll_id: str | None = None) -> list[Path]:
        """Paths of the stored receipts (of ``poll_id`` if given), sorted."""
        base = self.home / "receipts"
        if poll_id is not None:
            from zkvote.poll import check_poll_id

            base = base / check_poll_id(poll_id)
        if not base.is_dir():
            return []
        return sorted(p for p in base.rglob("*.json") if not p.name.startswith("."))

    # ------------------------------------------------------------ pinned coordinator keys

    def _pins_path(self) -> Path:
        return self.home / "coordinators.json"

    def pinned_log_key(self, url: str) -> str | None:
        """The board-signing key (hex) pinned for coordinator ``url``, or None."""
        path = self._pins_path()
        try:
            doc = load_json(read_private(path, "coordinator pins"), str(path))
        except ItemNotFound:
            return None
        if not isinstance(doc, dict) or not isinstance(doc.get("log_keys"), dict):
            raise InvalidEncoding(f"{path}: malformed coordinator pins")
        value = doc["log_keys"].get(url)
        if value is not None and not is_key_hex(value):
            raise InvalidEncoding(f"{path}: malformed key for {url}")
        return value

    def pin_log_key(self, url: str, key_hex: str) -> None:
        """Pin ``key_hex`` as coordinator ``url``'s board-signing key (trust on first use).
        WalletError if another key is pinned for that URL already."""
        if not is_key_hex(key_hex):
            raise InvalidArgument("a board key is 64 lowercase hex digits")
        have = self.pinned_log_key(url)
        if have == key_hex:
            return
        if have is not None:
            raise KeyChanged(f"coordinator {url} now signs with another key than the one "
                              "pinned in this wallet: the board may have been replaced")
        path = self._pins_path()
        try:
            doc = load_json(read_private(path, "coordinator pins"), str(path))
        except ItemNotFound:
            doc = {"version": 1, "log_keys": {}}
        doc["log_keys"][url] = key_hex
        write_private(path, _json_bytes(doc), overwrite=True)

    # ------------------------------------------------------------ monitor states

    def monitor_state_path(self, url: str) -> Path:
        """The default monitor state file for coordinator ``url``."""
        import hashlib

        return self.home / "monitors" / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _names(directory: Path, suffix: str) -> list[str]:
        if not directory.is_dir():
            return []
        return sorted(p.name[: -len(suffix)] for p in directory.iterdir()
                      if p.name.endswith(suffix) and _NAME.fullmatch(p.name[: -len(suffix)]))


__all__ = ["DEFAULT_NAME", "HOME_ENV", "ItemNotFound", "KeyChanged", "Wallet", "WalletError",
           "check_name", "default_home", "read_private", "write_private"]
