"""Groth16 end to end with the insecure setup: valid proofs verify, any change to the proof,
the public inputs or the key makes verification fail, and batches agree with single checks."""

import random

import pytest

from zkvote.backend import use_backend
from zkvote.field import FR_MODULUS as R
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.ntt import root_of_unity
from zkvote.pairing import final_exponentiation
from zkvote.snark.keys import Proof, prepare_verifying_key
from zkvote.snark.prover import prove
from zkvote.snark.r1cs import R1CS, UnsatisfiedConstraint
from zkvote.snark.setup import domain_log_size, insecure_single_party_setup
from zkvote.snark.verifier import batch_verify, find_invalid, verify

# out = k * (x^3 + x + 5); wires: 0 one, 1 out (public output), 2 k (public input),
# 3 x (private input), 4 x^2, 5 x^3.
CUBIC = R1CS(
    n_wires=6, n_pub_out=1, n_pub_in=1, n_prv_in=1, n_labels=6,
    constraints=[
        ({3: 1}, {3: 1}, {4: 1}),
        ({4: 1}, {3: 1}, {5: 1}),
        ({0: 5, 3: 1, 5: 1}, {2: 1}, {1: 1}),
    ],
)


def cubic_witness(x: int, k: int) -> list[int]:
    return [1, k * (x**3 + x + 5) % R, k, x, x * x % R, pow(x, 3, R)]


@pytest.fixture(scope="module")
def pk():
    return insecure_single_party_setup(CUBIC, rng=random.Random(1))


@pytest.fixture(scope="module")
def pvk(pk):
    return prepare_verifying_key(pk.vk)


@pytest.fixture(scope="module")
def proofs(pk):
    rng = random.Random(2)
    out = []
    for x, k in ((3, 7), (10, 2), (R - 1, 5), (0, 0)):
        w = cubic_witness(x, k)
        out.append((w[1:3], prove(pk, CUBIC, w, rng=rng)))
    return out


def test_valid_proofs_verify_with_plain_and_prepared_keys(pk, pvk, proofs):
    for public, proof in proofs:
        assert verify(pvk, public, proof)
    assert verify(pk.vk, *proofs[0])


def test_changed_public_input_is_rejected(pvk, proofs):
    (out, k), proof = proofs[0]
    assert not verify(pvk, [out, k + 1], proof)
    assert not verify(pvk, [(out + 1) % R, k], proof)


@pytest.mark.parametrize("part", ["a_g1", "b_g2", "c_g1"])
def test_changed_proof_element_is_rejected(pvk, proofs, part):
    public, proof = proofs[0]
    delta = G2.generator() if part == "b_g2" else G1.generator()
    changed = Proof(**{**proof.__dict__, part: getattr(proof, part) + delta})
    assert not verify(pvk, public, changed)


def test_proof_for_other_inputs_is_rejected(pvk, proofs):
    assert not verify(pvk, proofs[0][0], proofs[1][1])
    assert not verify(pvk, proofs[1][0], proofs[0][1])


def test_proof_under_another_key_is_rejected(proofs):
    other = insecure_single_party_setup(CUBIC, rng=random.Random(99))
    public, proof = proofs[0]
    assert not verify(other.vk, public, proof)


def test_proofs_are_randomised(pk):
    w = cubic_witness(3, 7)
    first, second = prove(pk, CUBIC, w), prove(pk, CUBIC, w)
    assert first != second


def test_unsatisfied_witness_names_the_failing_constraint(pk):
    w = cubic_witness(3, 7)
    w[5] = (w[5] + 1) % R  # breaks x^2 * x = x^3 (index 1) first
    with pytest.raises(UnsatisfiedConstraint) as info:
        prove(pk, CUBIC, w)
    assert info.value.index == 1


def test_circuit_without_public_values_proves_and_verifies():
    square = R1CS(n_wires=3, n_pub_out=0, n_pub_in=0, n_prv_in=1, n_labels=3,
                  constraints=[({1: 1}, {1: 1}, {2: 1})])
    pk = insecure_single_party_setup(square, rng=random.Random(3))
    proof = prove(pk, square, [1, 9, 81])
    assert verify(pk.vk, [], proof)
    assert pk.vk.n_public == 0


@pytest.mark.parametrize("n_constraints, n_public, log_n", [
    (1, 0, 1), (2, 1, 2), (3, 0, 2), (3, 1, 3), (6, 1, 3), (7, 1, 4),
])
def test_domain_is_the_smallest_power_of_two_above_constraints_plus_public(
        n_constraints, n_public, log_n):
    r1cs = R1CS(n_wires=2 + n_public, n_pub_out=n_public, n_pub_in=0, n_prv_in=1,
                n_labels=2 + n_public, constraints=[({0: 1}, {0: 1}, {0: 1})] * n_constraints)
    assert domain_log_size(r1cs) == log_n


def test_batch_of_valid_proofs_verifies(pvk, proofs):
    assert batch_verify(pvk, proofs)
    assert batch_verify(pvk, proofs[:1])
    assert batch_verify(pvk, [])


def test_batch_with_one_bad_proof_fails_and_find_invalid_names_it(pvk, proofs):
    items = list(proofs) * 2
    bad_public = [items[5][0][0], (items[5][0][1] + 1) % R]
    items[5] = (bad_public, items[5][1])
    assert not batch_verify(pvk, items)
    assert find_invalid(pvk, items) == [5]
    assert find_invalid(pvk, proofs) == []


def test_batch_with_swapped_proofs_fails(pvk, proofs):
    swapped = [(proofs[0][0], proofs[1][1]), (proofs[1][0], proofs[0][1])] + proofs[2:]
    assert not batch_verify(pvk, swapped)
    assert find_invalid(pvk, swapped) == [0, 1]


def test_prepared_key_holds_the_negated_points_and_the_inverse_of_e_alpha_beta(pk, pvk):
    assert pvk.gamma_g2_neg_prepared.point == -pk.vk.gamma_g2
    assert pvk.delta_g2_neg_prepared.point == -pk.vk.delta_g2
    assert pvk.beta_g2_prepared.point == pk.vk.beta_g2
    inverse = final_exponentiation(pvk.neg_alpha_beta_miller())
    assert (inverse * pvk.alpha_g1_beta_g2).is_one()


def test_proof_that_balances_only_without_the_alpha_beta_term_is_rejected(pvk, proofs):
    # A = vk_x, B = gamma, C = O satisfy e(A, B) = e(vk_x, gamma) e(C, delta): only the
    # e(alpha, beta) term (a Miller value in verify, a GT power in batch_verify) rejects it
    public = proofs[0][0]
    vk = pvk.vk
    vk_x = vk.gamma_abc_g1[0]
    for x, point in zip(public, vk.gamma_abc_g1[1:], strict=True):
        vk_x = vk_x + point * x
    forged = Proof(a_g1=vk_x, b_g2=vk.gamma_g2, c_g1=G1.identity())
    assert not verify(pvk, public, forged)
    assert not batch_verify(pvk, [(public, forged)] * 3)
    assert not batch_verify(pvk, [proofs[0], (public, forged)])


@pytest.mark.slow
def test_reference_backend_verifies_with_a_key_prepared_under_native(pvk, proofs):
    # Miller values and prepared lines are per backend: the key computes them again
    with use_backend("reference"):
        assert verify(pvk, *proofs[0])
        assert not verify(pvk, proofs[1][0], proofs[0][1])
        assert batch_verify(pvk, proofs[:2])


@pytest.mark.slow
def test_reference_backend_proves_and_verifies_the_same_way(pk, proofs):
    with use_backend("reference"):
        public, proof = proofs[0]
        assert verify(pk.vk, public, proof)
        fresh = prove(pk, CUBIC, cubic_witness(4, 9), rng=random.Random(4))
    assert verify(pk.vk, cubic_witness(4, 9)[1:3], fresh)


def test_first_of_several_unsatisfied_constraints_is_named(pk):
    w = cubic_witness(3, 7)
    w[4] = (w[4] + 1) % R  # breaks x * x = x^2 (0) and x^2 * x = x^3 (1)
    with pytest.raises(UnsatisfiedConstraint, match="constraint 0 ") as info:
        prove(pk, CUBIC, w)
    assert info.value.index == 0


def test_prover_key_is_rebuilt_for_another_r1cs_object_of_the_same_circuit(pk):
    same = R1CS(n_wires=6, n_pub_out=1, n_pub_in=1, n_prv_in=1, n_labels=6,
                constraints=[tuple(dict(lc) for lc in row) for row in CUBIC.constraints])
    w = cubic_witness(5, 3)
    assert verify(pk.vk, w[1:3], prove(pk, CUBIC, w))
    assert verify(pk.vk, w[1:3], prove(pk, same, w))
    w[5] = (w[5] + 1) % R
    with pytest.raises(UnsatisfiedConstraint):
        prove(pk, same, w)


def test_setup_makes_the_same_key_in_both_backends():
    ours = insecure_single_party_setup(CUBIC, rng=random.Random(21))
    with use_backend("reference"):
        theirs = insecure_single_party_setup(CUBIC, rng=random.Random(21))
    for name in ("vk", "beta_g1", "delta_g1", "a_query", "b_g1_query", "b_g2_query", "h_query",
                 "l_query"):
        assert getattr(ours, name) == getattr(theirs, name)


def test_setup_points_are_the_key_polynomials_at_tau():
    # The insecure setup draws tau, alpha, beta, gamma, delta in this order: recompute a few
    # points of the key from the same draws and the definition of the QAP.
    rng = random.Random(33)
    key = insecure_single_party_setup(CUBIC, rng=random.Random(33))
    n = key.domain_size
    tau = rng.randrange(1, R)
    alpha, beta, gamma, delta = (rng.randrange(1, R) for _ in range(4))
    w = root_of_unity(n.bit_length() - 1)

    def lagrange(i: int) -> int:
        return (pow(tau, n, R) - 1) * pow(n, -1, R) * pow(w, i, R) * pow(tau - pow(w, i, R),
                                                                        -1, R) % R

    rows = list(CUBIC.constraints) + [({i: 1}, {}, {}) for i in range(CUBIC.n_public + 1)]
    u3 = sum(row[0].get(3, 0) * lagrange(i) for i, row in enumerate(rows)) % R
    v3 = sum(row[1].get(3, 0) * lagrange(i) for i, row in enumerate(rows)) % R
    w3 = sum(row[2].get(3, 0) * lagrange(i) for i, row in enumerate(rows)) % R
    assert key.a_query[3] == G1.generator() * u3
    assert key.b_g2_query[3] == G2.generator() * v3
    l3 = (beta * u3 + alpha * v3 + w3) * pow(delta, -1, R) % R
    assert key.l_query[0] == G1.generator() * l3
    w2 = root_of_unity(n.bit_length())
    odd = pow(w2, 1, R)
    h0 = (pow(tau, 2 * n, R) - 1) * pow(2 * n, -1, R) * odd * pow(tau - odd, -1, R) % R
    assert key.h_query[0] == G1.generator() * (h0 * pow(delta, -1, R) % R)
    assert key.vk.gamma_g2 == G2.generator() * gamma
