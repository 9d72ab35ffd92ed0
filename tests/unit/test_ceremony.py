"""Phase-1 and phase-2 ceremonies: several contributions give a working Groth16 key, the
transcript verifies, and each kind of tampering is caught and blamed on the right place."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from zkvote.circuits.builder import Circuit

from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.snark.ceremony import (
    CeremonyError,
    Phase2Transcript,
    phase1_contribute,
    phase1_new,
    phase1_verify,
    phase2_contribute,
    phase2_initial_key,
    phase2_new,
    phase2_verify,
)
from zkvote.snark.prover import prove
from zkvote.snark.ptau import lagrange_points, read_ptau
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.setup import domain_log_size, qap_rows
from zkvote.snark.verifier import verify

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
R1CS_MULT = read_r1cs(FIXTURES / "multiplier" / "circuit.r1cs")
WITNESS = [int(x) for x in json.loads((FIXTURES / "multiplier" / "witness.json").read_text())]
PUBLIC = WITNESS[1 : 1 + R1CS_MULT.n_public]


@pytest.fixture(scope="module")
def phase1():
    transcript = phase1_new(3)
    for _ in range(3):
        transcript = phase1_contribute(transcript)
    return transcript


@pytest.fixture(scope="module")
def phase2(phase1):
    transcript = phase2_new(phase1.powers, R1CS_MULT)
    for _ in range(2):
        transcript = phase2_contribute(transcript)
    return transcript


def _expect(phase: int, contribution, fn, *args) -> str:
    with pytest.raises(CeremonyError) as info:
        fn(*args)
    assert (info.value.phase, info.value.contribution) == (phase, contribution)
    return str(info.value)


# ---- the honest ceremony


def test_phase1_transcript_with_three_contributions_verifies(phase1):
    assert len(phase1.contributions) == 3
    phase1_verify(phase1)


def test_fresh_phase1_without_contributions_verifies():
    phase1_verify(phase1_new(2))


def test_phase2_transcript_with_two_contributions_verifies(phase1, phase2):
    assert len(phase2.contributions) == 2
    phase2_verify(phase2, phase1.powers, R1CS_MULT)


def test_ceremony_key_proves_and_verifies(phase2):
    pk = phase2.proving_key
    proof = prove(pk, R1CS_MULT, WITNESS)
    assert verify(pk.vk, PUBLIC, proof)
    assert not verify(pk.vk, [(PUBLIC[0] + 1)], proof)


def test_contributions_randomize_delta(phase1, phase2):
    deltas = [c.delta_g1 for c in phase2.contributions]
    assert G1.generator() not in deltas and deltas[0] != deltas[1]
    assert phase2.proving_key.vk.delta_g2 == phase2.contributions[-1].delta_g2
    assert phase2.proving_key.vk.gamma_g2 == G2.generator()


def test_phase2_over_a_snarkjs_ptau_proves_and_verifies():
    powers = read_ptau(FIXTURES / "ptau" / "pot4_final.ptau").powers
    transcript = phase2_contribute(phase2_new(powers, R1CS_MULT))
    phase2_verify(transcript, powers, R1CS_MULT)
    pk = transcript.proving_key
    assert verify(pk.vk, PUBLIC, prove(pk, R1CS_MULT, WITNESS))


# ---- phase 1 tampering


def _with_powers(transcript, **changes):
    return replace(transcript, powers=replace(transcript.powers, **changes))


@pytest.mark.parametrize("name, index", [("tau_g1", 3), ("tau_g1", 14), ("alpha_tau_g1", 5),
                                         ("beta_tau_g1", 7)])
def test_phase1_altered_g1_power_is_rejected(phase1, name, index):
    seq = list(getattr(phase1.powers, name))
    seq[index] = seq[index] + G1.generator()
    message = _expect(1, None, phase1_verify, _with_powers(phase1, **{name: tuple(seq)}))
    assert name in message


def test_phase1_altered_g2_power_is_rejected(phase1):
    seq = list(phase1.powers.tau_g2)
    seq[5] = seq[5].double()
    message = _expect(1, None, phase1_verify, _with_powers(phase1, tau_g2=tuple(seq)))
    assert "tau_g2" in message


def test_phase1_altered_beta_g2_is_rejected(phase1):
    bad = _with_powers(phase1, beta_g2=phase1.powers.beta_g2.double())
    _expect(1, None, phase1_verify, bad)


def test_phase1_swapped_proof_is_blamed_on_its_contribution(phase1):
    c = list(phase1.contributions)
    c[1] = replace(c[1], alpha_proof=c[0].alpha_proof)
    message = _expect(1, 1, phase1_verify, replace(phase1, contributions=tuple(c)))
    assert "alpha" in message


def test_phase1_inconsistent_tau_g2_in_a_contribution_is_rejected(phase1):
    c = list(phase1.contributions)
    c[0] = replace(c[0], tau_g2=c[0].tau_g2.double())
    _expect(1, 0, phase1_verify, replace(phase1, contributions=tuple(c)))


def test_phase1_dropped_middle_contribution_is_detected(phase1):
    c = phase1.contributions
    _expect(1, 1, phase1_verify, replace(phase1, contributions=(c[0], c[2])))


def test_phase1_dropped_last_contribution_is_detected(phase1):
    _expect(1, None, phase1_verify, replace(phase1, contributions=phase1.contributions[:2]))


# ---- phase 2 tampering


def _with_key(transcript, vk_changes=None, **changes):
    pk = transcript.proving_key
    if vk_changes:
        changes["vk"] = replace(pk.vk, **vk_changes)
    return replace(transcript, proving_key=replace(pk, _prepared={}, **changes))


def test_phase2_altered_delta_in_the_key_is_rejected(phase1, phase2):
    pk = phase2.proving_key
    bad = _with_key(phase2, delta_g1=pk.delta_g1 + G1.generator())
    message = _expect(2, None, phase2_verify, bad, phase1.powers, R1CS_MULT)
    assert "delta" in message
    bad = _with_key(phase2, vk_changes={"delta_g2": pk.vk.delta_g2.double()})
    _expect(2, None, phase2_verify, bad, phase1.powers, R1CS_MULT)


def test_phase2_altered_delta_in_a_contribution_is_blamed_on_it(phase1, phase2):
    c = list(phase2.contributions)
    c[0] = replace(c[0], delta_g2=c[0].delta_g2.double())
    bad = replace(phase2, contributions=tuple(c))
    _expect(2, 0, phase2_verify, bad, phase1.powers, R1CS_MULT)


def test_phase2_swapped_proof_is_blamed_on_its_contribution(phase1, phase2):
    c = list(phase2.contributions)
    c[1] = replace(c[1], proof=c[0].proof)
    bad = replace(phase2, contributions=tuple(c))
    message = _expect(2, 1, phase2_verify, bad, phase1.powers, R1CS_MULT)
    assert "proof of knowledge" in message


@pytest.mark.parametrize("kept, blamed", [((1,), 0), ((0,), None)])
def test_phase2_dropped_contribution_is_detected(phase1, phase2, kept, blamed):
    bad = replace(phase2, contributions=tuple(phase2.contributions[i] for i in kept))
    _expect(2, blamed, phase2_verify, bad, phase1.powers, R1CS_MULT)


@pytest.mark.parametrize("name", ["l_query", "h_query"])
def test_phase2_altered_delta_divided_query_is_rejected(phase1, phase2, name):
    seq = list(getattr(phase2.proving_key, name))
    seq[-1] = seq[-1] + G1.generator()
    bad = _with_key(phase2, **{name: tuple(seq)})
    _expect(2, None, phase2_verify, bad, phase1.powers, R1CS_MULT)


@pytest.mark.parametrize("name", ["a_query", "b_g1_query"])
def test_phase2_query_not_from_the_powers_is_rejected(phase1, phase2, name):
    seq = list(getattr(phase2.proving_key, name))
    seq[1] = seq[1] + G1.generator()
    bad = _with_key(phase2, **{name: tuple(seq)})
    message = _expect(2, None, phase2_verify, bad, phase1.powers, R1CS_MULT)
    assert name in message


def test_phase2_key_checked_against_other_powers_is_rejected(phase2):
    other = phase1_contribute(phase1_new(3)).powers
    _expect(2, None, phase2_verify, phase2, other, R1CS_MULT)


def test_phase2_key_checked_against_another_circuit_is_rejected(phase1, phase2):
    cube = read_r1cs(FIXTURES / "cube" / "circuit.r1cs")
    _expect(2, None, phase2_verify, phase2, phase1.powers, cube)


@pytest.mark.parametrize("name", ["b_g2_query", "gamma_abc_g1"])
def test_phase2_g2_query_or_ic_not_from_the_powers_is_rejected(phase1, phase2, name):
    if name == "gamma_abc_g1":
        ic = list(phase2.proving_key.vk.gamma_abc_g1)
        ic[0] = ic[0] + G1.generator()
        bad = _with_key(phase2, vk_changes={name: tuple(ic)})
    else:
        seq = list(phase2.proving_key.b_g2_query)
        seq[1] = seq[1] + G2.generator()
        bad = _with_key(phase2, **{name: tuple(seq)})
    message = _expect(2, None, phase2_verify, bad, phase1.powers, R1CS_MULT)
    assert name in message


# ---- the initial key against its definition, row by row


def _repeated_lc_circuit():
    """out = s^5 + s^3 with s = x + k: s is the A and B combination of several rows, so the
    initial key's grouping of equal rows is exercised."""
    c = Circuit("powers of a sum")
    s = c.private_input("x") + c.public_input("k")
    s2 = c.mul(s, s)
    c.output("out", c.mul(c.mul(s2, s2), s) + c.mul(s2, s))
    return c.compile()[0]


def _by_definition(powers, r1cs):
    """The initial key's queries computed row by row from the Lagrange points."""
    log_n = domain_log_size(r1cs)
    n = 1 << log_n
    lag = {name: lagrange_points(getattr(powers, name)[:n], log_n)
           for name in ("tau_g1", "tau_g2", "alpha_tau_g1", "beta_tau_g1")}
    rows = qap_rows(r1cs)

    def column(m, basis, wire, zero):
        total = zero
        for i, row in enumerate(rows):
            if wire in row[m]:
                total = total + basis[i] * row[m][wire]
        return total

    g1_zero = G1.identity()
    wires = range(r1cs.n_wires)
    combined = [column(0, lag["beta_tau_g1"], j, g1_zero)
                + column(1, lag["alpha_tau_g1"], j, g1_zero) + column(2, lag["tau_g1"], j, g1_zero)
                for j in wires]
    return {
        "a_query": tuple(column(0, lag["tau_g1"], j, g1_zero) for j in wires),
        "b_g1_query": tuple(column(1, lag["tau_g1"], j, g1_zero) for j in wires),
        "b_g2_query": tuple(column(1, lag["tau_g2"], j, G2.identity()) for j in wires),
        "gamma_abc_g1": tuple(combined[: r1cs.n_public + 1]),
        "l_query": tuple(combined[r1cs.n_public + 1 :]),
        "h_query": tuple(lagrange_points(powers.tau_g1[: 2 * n], log_n + 1)[1::2]),
    }


@pytest.mark.parametrize("extra_power", [0, 1])
def test_initial_key_equals_its_row_by_row_definition(extra_power):
    # extra_power 0: the powers end at the circuit's domain, so tau^(2n-1) is absent from
    # the H query's points (the identity, as snarkjs takes it).
    r1cs = _repeated_lc_circuit()
    lcs = [frozenset(lc.items()) for row in qap_rows(r1cs) for lc in row[:2] if lc]
    assert len(set(lcs)) < len(lcs)  # some rows share a combination
    powers = phase1_contribute(phase1_new(domain_log_size(r1cs) + extra_power)).powers
    key = phase2_initial_key(powers, r1cs)
    expected = _by_definition(powers, r1cs)
    for name, points in expected.items():
        got = key.vk.gamma_abc_g1 if name == "gamma_abc_g1" else getattr(key, name)
        assert got == points, name
    phase2_verify(phase2_contribute(Phase2Transcript(proving_key=key)), powers, r1cs)
