"""snarkjs .ptau reading and the group-element inverse NTT that turns powers of tau into the
Lagrange basis; phase 2's initial key equals what ``snarkjs groth16 setup`` writes."""

import random
from pathlib import Path

import pytest

from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.ceremony import phase2_initial_key
from zkvote.snark.ptau import (
    PowersOfTau,
    lagrange_points,
    prepared_lagrange_g1,
    ptau_from_bytes,
    read_ptau,
)
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.setup import _lagrange_at
from zkvote.snark.zkey_file import read_zkey

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
PTAU = FIXTURES / "ptau"
R = FR_MODULUS


@pytest.fixture(scope="module")
def pot4():
    return read_ptau(PTAU / "pot4_final.ptau")


def test_ptau_header_and_section_sizes_are_read(pot4):
    powers = pot4.powers
    assert (powers.power, pot4.ceremony_power) == (4, 4)
    assert (len(powers.tau_g1), len(powers.tau_g2)) == (31, 16)
    assert (len(powers.alpha_tau_g1), len(powers.beta_tau_g1)) == (16, 16)
    assert int.from_bytes(pot4.contributions[:4], "little") == 1
    assert [kind for kind, _ in pot4.extra_sections] == [12, 13, 14, 15]


def test_ptau_powers_start_at_the_generators_and_are_randomized(pot4):
    powers = pot4.powers
    assert powers.tau_g1[0] == G1.generator() and powers.tau_g2[0] == G2.generator()
    assert powers.tau_g1[1] != G1.generator() and powers.alpha_tau_g1[0] != G1.generator()


def test_bytes_and_path_readers_agree(pot4):
    again = ptau_from_bytes((PTAU / "pot4_final.ptau").read_bytes())
    assert again.powers.tau_g1 == pot4.powers.tau_g1 and again.powers.beta_g2 == pot4.powers.beta_g2


@pytest.mark.parametrize("log_n", range(6))
def test_lagrange_points_match_snarkjs_prepared_section(pot4, log_n):
    # Level 5 = power + 1 lacks tau^31: both sides take it as the identity.
    expected = prepared_lagrange_g1(pot4, log_n)
    assert lagrange_points(pot4.powers.tau_g1[: 1 << log_n], log_n) == list(expected)


@pytest.mark.parametrize("log_n", [0, 1, 3])
@pytest.mark.parametrize("kind", [G1, G2])
def test_lagrange_points_evaluate_the_lagrange_basis_at_tau(kind, log_n):
    tau = random.Random(log_n).randrange(2, R)
    n = 1 << log_n
    monomials = [kind.generator() * pow(tau, k, R) for k in range(n)]
    expected = [kind.generator() * x for x in _lagrange_at(tau, log_n)]
    assert lagrange_points(monomials, log_n) == expected


def test_lagrange_points_pad_missing_powers_with_the_identity():
    points = [G1.generator() * 3, G1.generator() * 7]
    assert lagrange_points(points, 2) == lagrange_points(points + [G1.identity()] * 2, 2)


@pytest.mark.parametrize("power", [4, 2])
def test_phase2_initial_key_equals_snarkjs_groth16_setup(power):
    # power 2 = the circuit's domain: its H query uses the level without tau^(2N-1).
    ptau = read_ptau(PTAU / f"pot{power}_final.ptau")
    r1cs = read_r1cs(FIXTURES / "multiplier" / "circuit.r1cs")
    ours = phase2_initial_key(ptau.powers, r1cs)
    theirs = read_zkey(PTAU / f"multiplier_pot{power}_0000.zkey").proving_key
    for name in ("beta_g1", "delta_g1", "a_query", "b_g1_query", "b_g2_query", "h_query",
                 "l_query", "domain_size"):
        assert getattr(ours, name) == getattr(theirs, name), name
    for name in ("alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "gamma_abc_g1"):
        assert getattr(ours.vk, name) == getattr(theirs.vk, name), name


def test_powers_of_tau_reports_its_power(pot4):
    p = pot4.powers
    small = PowersOfTau(tau_g1=p.tau_g1[:3], tau_g2=p.tau_g2[:2], alpha_tau_g1=p.alpha_tau_g1[:2],
                        beta_tau_g1=p.beta_tau_g1[:2], beta_g2=p.beta_g2)
    assert small.power == 1
