"""Groth16 proofs from a snarkjs ``.zkey`` and a witness, as ``snarkjs groth16 prove`` does.

A zkey stores A and B (as coefficients) but not C: snarkjs evaluates a = A·w and b = B·w
row by row and takes c = a * b, which equals C·w exactly when the witness satisfies the
circuit. Without C an unsatisfying witness cannot be pinpointed, so :func:`prove_zkey`
verifies the proof it made (about a millisecond) and refuses to return one that fails.

Per element everything runs in the backend on the key loaded once per zkey
(:meth:`Zkey.prover_key`): the sparse A/B evaluation, the odd-coset H chain and the MSMs
(zero and one scalars and identity points dropped first, the private C terms and the H
terms in one run; C kernels in native/prover.c, native/g1.c, native/g2.c); Python checks the
witness and adds the blinding.
"""

from __future__ import annotations

from zkvote.backend import impl
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.keys import Proof
from zkvote.snark.prover import combine
from zkvote.snark.verifier import verify
from zkvote.snark.zkey_file import Zkey
from zkvote.validate import check_range

R = FR_MODULUS


class WitnessRejected(InvalidArgument):
    """The witness does not satisfy the circuit of the zkey (its proof does not verify)."""


def row_values(zkey: Zkey, witness: list[int]) -> tuple[list[int], list[int], list[int]]:
    """(a, b, c): A·w and B·w on each of the ``zkey.domain_size`` rows, and c = a * b.
    The witness must already be checked (see :func:`prove_zkey`)."""
    raw, count = zkey.section_bytes()
    return impl("groth16").eval_ab(raw["coefficients"], count, zkey.domain_size, list(witness))


def public_signals(zkey: Zkey, witness: list[int]) -> list[int]:
    """The public values of a proof for ``witness``: wires 1..nPublic (outputs first)."""
    return list(witness[1 : 1 + zkey.n_public])


def _check_witness(zkey: object, witness: object) -> list[int]:
    if not isinstance(zkey, Zkey):
        raise InvalidEncoding(f"expected a Zkey, not {type(zkey).__name__}")
    if isinstance(witness, str | bytes) or not isinstance(witness, list | tuple):
        raise InvalidEncoding("the witness must be a list of ints")
    if zkey._header is None:
        raise InvalidEncoding("Zkey.proving_key must be a ProvingKey")
    if len(witness) != zkey.n_wires:
        raise InvalidArgument(f"the witness has {len(witness)} values, the zkey's circuit has "
                              f"{zkey.n_wires} wires")
    if not all(type(v) is int and 0 <= v < R for v in witness):  # fast path first
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
    a_sum, b1_sum, b2_sum, c_sum = impl("groth16").prove_terms(zkey.prover_key(), witness)
    terms = (G1._trusted(a_sum), G1._trusted(b1_sum), G2._trusted(b2_sum), G1._trusted(c_sum))
    proof = combine(zkey.vk, zkey.beta_g1, zkey.delta_g1, terms, rng=rng)
    if not verify(zkey.vk, public_signals(zkey, witness), proof):
        raise WitnessRejected("the witness does not satisfy the circuit of this zkey "
                              "(check it against the .r1cs to find the failing constraint)")
    return proof
