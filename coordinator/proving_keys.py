"""The ballot circuits' proving keys (.zkey) a coordinator serves to voters.

A poll names its proving key by sha256 (``proving_key_sha256`` in ``POST /polls``); the bytes
live in ``DATA_DIR/proving-keys/<sha256>.zkey``. The operator puts them there with the
admin-signed ``PUT /polls/{poll_id}/proving-key`` (``zkvote operator key publish``), or by
copying the file (:func:`store_proving_key`). An upload is checked before anything is stored
(:func:`check_uploaded_key`): it parses as a Groth16 .zkey, its verifying key is the one the
poll published (canonical sha256 = the draft's ``circuit.vk_sha256``, so a key of another
circuit or another setup is refused), and its bytes hash to the poll's ``proving_key_sha256``.
A .zkey is megabytes, so this one route has its own body limit,
:data:`MAX_PROVING_KEY_BYTES`, instead of the ballot-sized ``max_body_bytes`` - and only for a
request that names an admin key (:func:`body_limit_for`). The key id is public and the
signature can only be checked once the body is in, so naming it is no authentication: the
body-size middleware lets one such request at a time buffer a large body (a second gets 503),
which bounds what a client can make the service hold. Voters never trust the served bytes
either: the client checks
the key's verifying key against the manifest before proving with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from zkvote.request_signing import KEY_HEADER

from .errors import Conflict, NotFound, ServiceError

PROVING_KEY_DIR = "proving-keys"
#: Largest .zkey accepted by ``PUT /polls/{id}/proving-key`` (the ballot circuit of 8 options
#: and depth 20 is ~15 MB; the largest supported circuits stay well below this).
MAX_PROVING_KEY_BYTES = 256 << 20
_UPLOAD_PATH = re.compile(r"/polls/[^/]{1,128}/proving-key")


class WrongProvingKey(ServiceError):
    """The uploaded .zkey is a valid key, but not the one the poll published (another
    circuit or setup, or other bytes than its ``proving_key_sha256``)."""

    status, code = 422, "wrong_proving_key"


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


def check_uploaded_key(data: bytes, vk_sha256: str, published_sha256: str | None) -> str:
    """Check an uploaded .zkey against its poll and return its sha256 (lowercase hex).

    ``vk_sha256``: the poll's ``circuit.vk_sha256``; ``published_sha256``: its
    ``proving_key_sha256``. Raises Conflict when the poll publishes no proving-key hash (it
    was created without one), InvalidEncoding and the other InvalidInput errors of
    :func:`zkvote.snark.zkey_file.zkey_from_bytes` when ``data`` is not a Groth16 .zkey,
    WrongProvingKey when its verifying key is not the poll's or its bytes are not the
    published ones. Stores nothing."""
    from zkvote.poll import vk_hash
    from zkvote.snark.snarkjs_json import verifying_key_to_json
    from zkvote.snark.zkey_file import zkey_from_bytes

    if published_sha256 is None:
        raise Conflict("this poll publishes no proving-key hash (create it with "
                       "proving_key_sha256) so no key can be uploaded for it")
    zkey = zkey_from_bytes(data)
    if vk_hash(verifying_key_to_json(zkey.vk)) != vk_sha256:
        raise WrongProvingKey("the .zkey's verifying key is not the poll's (circuit.vk_sha256):"
                              " a key of another circuit or another setup")
    digest = hashlib.sha256(data).hexdigest()
    if digest != published_sha256:
        raise WrongProvingKey(f"the .zkey's sha256 {digest[:16]}... is not the poll's "
                              f"proving_key_sha256 {published_sha256[:16]}...")
    return digest


def publish_uploaded_key(data_dir: str | os.PathLike[str] | None, draft_json: str,
                         published_sha256: str | None, data: bytes) -> str:
    """Check ``data`` against the poll (its draft manifest JSON and published hash; see
    :func:`check_uploaded_key`) and store it under ``data_dir``; return its sha256. Raises
    Conflict when the coordinator keeps no proving keys (no data directory), and the errors of
    :func:`check_uploaded_key`; nothing is stored unless every check passed."""
    if data_dir is None:
        raise Conflict("this coordinator keeps no proving keys (no data directory)")
    vk_sha256 = json.loads(draft_json)["circuit"]["vk_sha256"]
    check_uploaded_key(data, vk_sha256, published_sha256)
    return store_proving_key(data_dir, data)


def body_limit_for(admin_key_ids: Collection[str]) -> Callable[[dict[str, Any]], int | None]:
    """For :class:`zkvote.coordinator.limits.BodySizeLimit`: the body limit of a request
    scope, :data:`MAX_PROVING_KEY_BYTES` for ``PUT /polls/{id}/proving-key`` naming one of
    ``admin_key_ids`` in its key header (the signature itself is checked by the route, which
    needs the body), None (the default limit) for anything else."""
    admins = frozenset(admin_key_ids)

    def limit(scope: dict[str, Any]) -> int | None:
        if scope.get("method") != "PUT" or not _UPLOAD_PATH.fullmatch(scope.get("path", "")):
            return None
        for name, value in scope.get("headers", ()):
            if name == KEY_HEADER.encode() and value.decode("latin-1") in admins:
                return MAX_PROVING_KEY_BYTES
        return None

    return limit


__all__ = ["MAX_PROVING_KEY_BYTES", "PROVING_KEY_DIR", "WrongProvingKey", "body_limit_for",
           "check_uploaded_key", "load_proving_key", "proving_key_path", "publish_uploaded_key",
           "store_proving_key"]
