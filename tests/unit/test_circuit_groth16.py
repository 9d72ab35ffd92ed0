"""A circuit built with zkvote.circuits, exported as .r1cs/.wtns, proven and verified with
zkvote.snark's Groth16 through the public API."""

import pytest
from zkvote.circuits import Circuit
from zkvote.circuits.gadgets.comparators import less_than
from zkvote.circuits.gadgets.poseidon import poseidon as poseidon_gadget

from zkvote.poseidon import poseidon
from zkvote.snark.prover import prove
from zkvote.snark.r1cs import UnsatisfiedConstraint
from zkvote.snark.r1cs_file import read_r1cs, write_r1cs
from zkvote.snark.setup import insecure_single_party_setup
from zkvote.snark.verifier import verify
from zkvote.snark.wtns_file import read_wtns, write_wtns


def _preimage_below_bound():
    # Public: digest = Poseidon(secret, salt) and a bound; private: secret < bound.
    c = Circuit()
    bound = c.public_input("bound")
    secret, salt = c.private_input("secret"), c.private_input("salt")
    c.output("digest", poseidon_gadget(c, [secret, salt]))
    with c.gadget("below_bound"):
        c.assert_equal(less_than(c, secret, bound, 32), 1)
    return c.compile()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    r1cs, gen = _preimage_below_bound()
    folder = tmp_path_factory.mktemp("circuit")
    write_r1cs(r1cs, folder / "c.r1cs")
    write_wtns(gen.generate({"bound": 1000, "secret": 999, "salt": 5}), folder / "c.wtns")
    r1cs_back = read_r1cs(folder / "c.r1cs")
    assert r1cs_back == r1cs
    return r1cs_back, read_wtns(folder / "c.wtns"), insecure_single_party_setup(r1cs_back)


def test_exported_circuit_and_witness_prove_and_verify(exported):
    r1cs, witness, pk = exported
    public = witness[1 : 1 + r1cs.n_public]
    assert public == [poseidon([999, 5]), 1000]
    proof = prove(pk, r1cs, witness)
    assert verify(pk.vk, public, proof)
    assert not verify(pk.vk, [public[0], 999], proof)


def test_unsatisfying_witness_is_refused_by_the_prover(exported):
    r1cs, witness, pk = exported
    forged = list(witness)
    forged[1] = poseidon([1000, 5])  # claim another digest
    with pytest.raises(UnsatisfiedConstraint):
        prove(pk, r1cs, forged)


def test_generator_refuses_a_secret_above_the_bound():
    _, gen = _preimage_below_bound()
    with pytest.raises(UnsatisfiedConstraint, match="below_bound"):
        gen.generate({"bound": 1000, "secret": 1000, "salt": 5})
