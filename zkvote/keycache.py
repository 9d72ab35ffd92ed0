"""Ballot-circuit keys from the INSECURE single-party setup, cached on disk.

For simulations, tests and demos only: :func:`insecure_ballot_keys` runs
:func:`zkvote.snark.setup.insecure_single_party_setup` for the ballot circuit of (K options,
depth D), whose trapdoor is known to this process (anyone who has it can forge ballots). A
manifest made with such a key records ``"setup": "insecure-single-party"`` and
``zkvote verify`` warns about it. Real polls need a ceremony (zkvote.snark.ceremony).

The setup of a 25k-constraint circuit takes a while, so the key is stored as a snarkjs
``.zkey`` under ``$ZKVOTE_CACHE_DIR/keys`` (default ``~/.cache/zkvote/keys``), named by the
circuit id, a digest of the compiled R1CS (a changed circuit never picks up a stale key) and
the seed. With ``seed=None`` the setup draws from the OS CSPRNG and the key is cached as the
"random" key of that circuit, reused by later unseeded runs (it is insecure either way).
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from zkvote.errors import InvalidArgument, InvalidInput
from zkvote.snark.keys import VerifyingKey
from zkvote.snark.r1cs import R1CS

SETUP_KIND = "insecure-single-party"


@dataclass(frozen=True)
class BallotKeys:
    """Everything needed to prove and verify ballots of one circuit (K, D)."""

    circuit_id: str
    n_options: int
    max_depth: int
    r1cs: R1CS
    generator: object  # circuits.witness.WitnessGenerator
    zkey: object  # zkvote.snark.zkey_file.Zkey
    setup: str = SETUP_KIND

    @property
    def vk(self) -> VerifyingKey:
        """The verifying key."""
        return self.zkey.vk

    @property
    def circuit(self) -> tuple[R1CS, object]:
        """(R1CS, WitnessGenerator), the ``circuit`` argument of ``build_ballot``."""
        return self.r1cs, self.generator


def cache_dir() -> Path:
    """``$ZKVOTE_CACHE_DIR/keys``, or ``~/.cache/zkvote/keys``."""
    base = os.environ.get("ZKVOTE_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "zkvote"
    return root / "keys"


def r1cs_digest(r1cs: R1CS) -> str:
    """sha256 hex of the iden3 .r1cs encoding of ``r1cs``."""
    from zkvote.snark.r1cs_file import r1cs_to_bytes

    return hashlib.sha256(r1cs_to_bytes(r1cs)).hexdigest()


def insecure_ballot_keys(n_options: int, max_depth: int, *, seed: int | None = None,
                         cache: bool = True, directory: str | os.PathLike[str] | None = None
                         ) -> BallotKeys:
    """The ballot circuit of (``n_options``, ``max_depth``) with an INSECURE single-party
    key (see the module docstring), from the cache when present.

    ``seed`` (an int) makes the key reproducible. ``cache=False`` neither reads nor writes
    the cache; ``directory`` replaces :func:`cache_dir`. Raises InvalidArgument for
    unsupported (K, D) (from the circuit). A cached file that does not parse or does not fit
    the circuit is replaced.
    """
    from zkvote.circuits.ballot import circuit_id, compiled_ballot_circuit
    from zkvote.snark.setup import insecure_single_party_setup
    from zkvote.snark.zkey_file import read_zkey, write_zkey, zkey_from_proving_key

    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise InvalidArgument("seed must be an int or None")
    r1cs, generator = compiled_ballot_circuit(n_options, max_depth)
    cid = circuit_id(n_options, max_depth)
    tag = "random" if seed is None else f"seed{seed}"
    folder = Path(directory) if directory is not None else cache_dir()
    path = folder / f"{cid}-{r1cs_digest(r1cs)[:16]}-{tag}.zkey"
    zkey = None
    if cache and path.exists():
        try:
            zkey = read_zkey(path)
            if (zkey.n_wires, zkey.n_public) != (r1cs.n_wires, r1cs.n_public):
                zkey = None
        except (InvalidInput, OSError):
            zkey = None
    if zkey is None:
        rng = random.Random(seed) if seed is not None else secrets.SystemRandom()
        pk = insecure_single_party_setup(r1cs, rng=rng)
        zkey = zkey_from_proving_key(pk, r1cs)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
            write_zkey(zkey, tmp)
            os.replace(tmp, path)  # atomic: concurrent runs never read half a key
    return BallotKeys(cid, n_options, max_depth, r1cs, generator, zkey)


__all__ = ["SETUP_KIND", "BallotKeys", "cache_dir", "insecure_ballot_keys", "r1cs_digest"]
