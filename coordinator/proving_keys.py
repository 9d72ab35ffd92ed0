"""The ballot circuits' proving keys (.zkey) a coordinator serves to voters.

A poll names its proving key by sha256 (``proving_key_sha256`` in ``POST /polls``); the bytes
live in ``DATA_DIR/proving-keys/<sha256>.zkey``, put there by the operator (copy the file, or
call :func:`store_proving_key`). They are not uploaded through the API: a .zkey is megabytes,
far above the request-size limit, and the operator who ran the setup already holds it. Voters
never trust the served bytes: the client checks that the key's verifying key hashes to the
manifest's ``circuit.vk_sha256`` before proving with it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import NotFound

PROVING_KEY_DIR = "proving-keys"


def proving_key_path(data_dir: str | os.PathLike[str], sha256_hex: str) -> Path:
    """Where the .zkey whose bytes hash to ``sha256_hex`` is kept under ``data_dir``."""
    return Path(data_dir) / PROVING_KEY_DIR / f"{sha256_hex}.zkey"


def store_proving_key(data_dir: str | os.PathLike[str], data: bytes) -> str:
    """Keep ``data`` (a .zkey) under ``data_dir`` named by its sha256 and return that hash
    (lowercase hex). Written to a temporary name and renamed, so a reader never sees a
    partial file; storing the same key twice is harmless."""
    digest = hashlib.sha256(data).hexdigest()
    path = proving_key_path(data_dir, digest)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return digest


def load_proving_key(data_dir: str | os.PathLike[str] | None, sha256_hex: str | None,
                     poll_id: str) -> bytes:
    """The stored .zkey of poll ``poll_id`` (published hash ``sha256_hex``). Raises NotFound
    when the poll publishes no proving-key hash, the coordinator has no data directory, or
    no intact file is stored under that hash (a file whose bytes do not hash to its name is
    never served)."""
    if sha256_hex is None:
        raise NotFound(f"poll {poll_id!r} publishes no proving key")
    if data_dir is None:
        raise NotFound("this coordinator keeps no proving keys (no data directory)")
    try:
        data = proving_key_path(data_dir, sha256_hex).read_bytes()
    except OSError:
        raise NotFound(f"the proving key of poll {poll_id!r} is not stored here") from None
    if hashlib.sha256(data).hexdigest() != sha256_hex:
        raise NotFound(f"the stored proving key of poll {poll_id!r} is damaged")
    return data


__all__ = ["PROVING_KEY_DIR", "load_proving_key", "proving_key_path", "store_proving_key"]
