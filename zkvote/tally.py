"""The tally: which ballots count, their homomorphic sum, threshold decryption and decoding.

1. :func:`classify_board` applies the manifest's re-vote policy to the board (ballots in
   board order, identified by nullifier): ``first`` counts the earliest ballot of each
   nullifier and marks later ones ``duplicate-nullifier``; ``last`` counts the latest and marks
   earlier ones ``superseded``. The result lists every board position exactly once.
2. :func:`aggregate_counted` sums the counted ballots' ciphertext vectors option by option
   (zkvote.elgamal.aggregate, native batched additions).
3. Each present trustee publishes a partial decryption of the aggregate with DLEQ proofs
   (zkvote.decryption.partial_decrypt); :func:`decrypt_tally` verifies every partial against
   the trustee's public share in the manifest, combines any t or more of them (Lagrange at 0)
   into m_i·G and decodes m_i by baby-step giant-step, searching 0..tally_bound.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zkvote.babyjub import Point
from zkvote.decryption import (
    PartialDecryption,
    combine_partials,
    partial_decrypt,
    verify_partial_decryption,
)
from zkvote.elgamal import Ciphertext, aggregate, decode
from zkvote.errors import DiscreteLogNotFound, InvalidArgument, ProtocolError
from zkvote.poll import PollManifest
from zkvote.threshold import DKGContext, TrusteeShare

POLICIES = ("first", "last")
REASON_DUPLICATE = "duplicate-nullifier"
REASON_SUPERSEDED = "superseded"


@dataclass(frozen=True)
class BoardClassification:
    """Every board position, either counted or not counted with a reason."""

    policy: str
    board_size: int
    counted: tuple[int, ...]
    not_counted: tuple[tuple[int, str], ...]


def classify_board(nullifiers: Sequence[int], policy: str) -> BoardClassification:
    """Apply the re-vote ``policy`` ("first" or "last") to the board whose ballot at position
    p has nullifier ``nullifiers[p]``. Deterministic; positions ascending in both lists.
    InvalidArgument for an unknown policy."""
    if policy not in POLICIES:
        raise InvalidArgument(f"re-vote policy must be 'first' or 'last', not {policy!r}")
    chosen: dict[int, int] = {}
    for position, nullifier in enumerate(nullifiers):
        if policy == "last" or nullifier not in chosen:
            chosen[nullifier] = position
    counted = sorted(chosen.values())
    counted_set = set(counted)
    reason = REASON_DUPLICATE if policy == "first" else REASON_SUPERSEDED
    not_counted = tuple((p, reason) for p in range(len(nullifiers)) if p not in counted_set)
    return BoardClassification(policy, len(nullifiers), tuple(counted), not_counted)


def aggregate_counted(vectors: Iterable[Sequence[Ciphertext]], n_options: int
                      ) -> list[Ciphertext]:
    """The option-wise homomorphic sum of the counted ballots' ciphertext vectors."""
    return aggregate(vectors, n_options)


def context_of(manifest: PollManifest) -> DKGContext:
    """The trustees' context (poll id, n, t) that every DKG and decryption proof binds."""
    return DKGContext(manifest.poll_id, manifest.trustees.n, manifest.trustees.t)


def partial_decryptions(shares: Sequence[TrusteeShare], aggregate_cts: Sequence[Ciphertext],
                        manifest: PollManifest, *, rng: random.Random | None = None
                        ) -> list[PartialDecryption]:
    """The partial decryptions of the present trustees (their ``shares``), in index order."""
    context = context_of(manifest)
    return [partial_decrypt(s, aggregate_cts, context, rng=rng)
            for s in sorted(shares, key=lambda s: s.index)]


@dataclass(frozen=True)
class DecryptedTally:
    """The combined plaintext points m_i·G, the decoded totals m_i and the trustees whose
    partial decryptions were combined."""

    trustees: tuple[int, ...]
    plaintext_points: tuple[Point, ...]
    results: tuple[int, ...]


def verify_partials(partials: Sequence[PartialDecryption], aggregate_cts: Sequence[Ciphertext],
                    manifest: PollManifest) -> None:
    """Check every partial decryption's DLEQ proofs against its trustee's public share in the
    manifest. Raises InvalidProof naming the trustee and option, InvalidArgument for an index
    outside 1..n, ProtocolError for two partials from one trustee."""
    context = context_of(manifest)
    seen: set[int] = set()
    for partial in partials:
        if partial.index in seen:
            raise ProtocolError(f"two partial decryptions from trustee {partial.index}")
        seen.add(partial.index)
        context.check_index(partial.index)
        share = manifest.trustees.public_shares[partial.index - 1]
        verify_partial_decryption(share, aggregate_cts, partial, context)


def decode_points(points: Sequence[Point], bound: int) -> list[int]:
    """m_i for each m_i·G with 0 <= m_i <= ``bound``. Raises DiscreteLogNotFound naming the
    option whose total is out of range (a wrong decryption, or a bound set too low)."""
    results = []
    for i, p in enumerate(points):
        try:
            results.append(decode(p, bound + 1))
        except DiscreteLogNotFound:
            raise DiscreteLogNotFound(f"option {i}: total not found in 0..{bound}") from None
    return results


def decrypt_tally(aggregate_cts: Sequence[Ciphertext], partials: Sequence[PartialDecryption],
                  manifest: PollManifest) -> DecryptedTally:
    """Verify the partials (:func:`verify_partials`), combine them (at least t, ProtocolError
    otherwise) and decode each option's total within the manifest's tally bound."""
    verify_partials(partials, aggregate_cts, manifest)
    ordered = sorted(partials, key=lambda p: p.index)
    points = combine_partials(ordered, aggregate_cts, manifest.trustees.t)
    results = decode_points(points, manifest.tally_bound)
    return DecryptedTally(tuple(p.index for p in ordered), tuple(points), tuple(results))


__all__ = ["POLICIES", "REASON_DUPLICATE", "REASON_SUPERSEDED", "BoardClassification",
           "DecryptedTally", "aggregate_counted", "classify_board", "context_of",
           "decode_points", "decrypt_tally", "partial_decryptions", "verify_partials"]
