"""Groth16 proofs from a snarkjs ``.zkey`` and a witness, as ``snarkjs groth16 prove`` does.

A zkey stores A and B (as coefficients) but not C: snarkjs evaluates a = A·w and b = B·w
row by row and takes c = a * b, which equals C·w exactly when the witness satisfies the
circuit. Without C an unsatisfying witness cannot be pinpointed, so :func:`prove_zkey`
verifies the proof it made (about a millisecond) and refuses to return one that fails.
"""

from __future__ import annotations

from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.snark.keys import Proof
from zkvote.snark.prover import prove_from_row_values
from zkvote.snark.verifier import verify
from zkvote.snark.zkey_file import Zkey
from zkvote.validate import check_range

R = FR_MODULUS


class WitnessRejected(InvalidArgument):
    """The witness does not satisfy the circuit of the zkey (its proof does not verify)."""


def row_values(zkey: Zkey, witness: list[int]) -> tuple[list[int], list[int], list[int]]:
    """(a, b, c): A·w and B·w on each of the ``zkey.domain_size`` rows, and c = a * b.
    The witness must already be checked (see :func:`prove_zkey`)."""
    n = zkey.domain_size
    acc = ([0] * n, [0] * n)
    for matrix, row, wire, value in zkey.coefficients:
        acc[matrix][row] += value * witness[wire]  # reduced once per row below
    a = [x % R for x in acc[0]]
    b = [x % R for x in acc[1]]
    return a, b, [x * y % R for x, y in zip(a, b, strict=True)]


def public_signals(zkey: Zkey, witness: list[int]) -> list[int]:
    """The public values of a proof for ``witness``: wires 1..nPublic (outputs first)."""
    return list(witness[1 : 1 + zkey.n_public])


def _check_witness(zkey: object, witness: object) -> list[int]:
    if not isinstance(zkey, Zkey):
        raise InvalidEncoding(f"expected a Zkey, not {type(zkey).__name__}")
    if isinstance(witness, str | bytes) or not isinstance(witness, list | tuple):
        raise InvalidEncoding("the witness must be a list of ints")
    if len(witness) != zkey.n_wires:
        raise InvalidArgument(f"the witness has {len(witness)} values, the zkey's circuit has "
                              f"{zkey.n_wires} wires")
    for value in witness:
        check_range(value, R, "a witness value", "r")
    if witness[0] != 1:
        raise InvalidEncoding("witness[0] (the constant wire) must be 1")
    return list(witness)


def prove_zkey(zkey: Zkey, witness: list[int], *, rng: object = None) -> Proof:
    """A Groth16 proof for ``witness`` under the snarkjs proving key ``zkey``; its public
    values are :func:`public_signals`.

    ``rng`` (with ``randrange``; default the OS CSPRNG) draws the blinding and must be
    unpredictable for the proof to be zero-knowledge. Raises InvalidEncoding (not a Zkey, a
    witness that is not a list of ints, witness[0] != 1), FieldRangeError (a value outside
    [0, r)), InvalidArgument (a witness length other than the zkey's wire count) and
    :class:`WitnessRejected` (the witness does not satisfy the circuit: the proof made from
    it does not verify). A returned proof verifies under the zkey's verifying key.
    """
    witness = _check_witness(zkey, witness)
    pk = zkey.proving_key
    proof = prove_from_row_values(pk, witness, *row_values(zkey, witness), rng=rng)
    if not verify(pk.vk, public_signals(zkey, witness), proof):
        raise WitnessRejected("the witness does not satisfy the circuit of this zkey "
                              "(check it against the .r1cs to find the failing constraint)")
    return proof
