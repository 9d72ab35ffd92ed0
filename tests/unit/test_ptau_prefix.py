"""Reading only a circuit's part of a snarkjs .ptau: the prefix equals the full file's, the
prepared Lagrange points (sections 12-15) equal the ones we compute, and phase 2 from them
gives the same key as without them, which is ``snarkjs groth16 setup``'s."""

from pathlib import Path

import pytest

from zkvote.snark import ptau_reader
from zkvote.snark.binfile import build_container, parse_container
from zkvote.snark.ceremony import CircuitPowers, phase2_initial_key
from zkvote.snark.ceremony_file import (
    PHASE1_PTAU,
    load_circuit_phase1,
    phase2_file_new,
    phase2_file_verify,
)
from zkvote.snark.ptau import lagrange_points, read_ptau
from zkvote.snark.ptau_reader import LagrangeBasis, lagrange_basis_matches, read_ptau_prefix
from zkvote.snark.r1cs_file import read_r1cs
from zkvote.snark.zkey_file import read_zkey

FIXTURES = Path(__file__).parents[1] / "interop" / "snarkjs" / "fixtures"
PTAU = FIXTURES / "ptau"
R1CS_PATH = FIXTURES / "multiplier" / "circuit.r1cs"


def _key_fields(pk) -> tuple:
    return (pk.vk, pk.beta_g1, pk.delta_g1, pk.a_query, pk.b_g1_query, pk.b_g2_query,
            pk.h_query, pk.l_query, pk.domain_size)


def _unprepared(path: Path) -> bytes:
    sections = parse_container(path.read_bytes(), b"ptau", 1, "ptau")
    return build_container(b"ptau", 1, [(k, bytes(b)) for k, b in sections if k < 12])


@pytest.mark.parametrize("power, log_n", [(2, 1), (2, 2), (4, 1), (4, 2), (4, 4)])
def test_prefix_is_the_full_files_prefix_from_bytes_and_from_a_path(power, log_n):
    path = PTAU / f"pot{power}_final.ptau"
    full = read_ptau(path)
    n = 1 << log_n
    for source in (path, str(path), path.read_bytes()):
        pre = read_ptau_prefix(source, log_n)
        assert (pre.power, pre.ceremony_power, pre.log_n) == (power, full.ceremony_power, log_n)
        assert pre.tau_g1 == full.powers.tau_g1[: 2 * n]
        assert pre.tau_g2 == full.powers.tau_g2[:n]
        assert pre.alpha_tau_g1 == full.powers.alpha_tau_g1[:n]
        assert pre.beta_tau_g1 == full.powers.beta_tau_g1[:n]
        assert pre.beta_g2 == full.powers.beta_g2


@pytest.mark.parametrize("power, log_n", [(2, 2), (4, 2), (4, 3)])
def test_prepared_lagrange_points_equal_the_computed_ones(power, log_n):
    full = read_ptau(PTAU / f"pot{power}_final.ptau").powers
    basis = read_ptau_prefix(PTAU / f"pot{power}_final.ptau", log_n).lagrange
    n = 1 << log_n
    assert basis.log_n == log_n
    assert basis.tau_g1 == tuple(lagrange_points(full.tau_g1[:n], log_n))
    assert basis.tau_g2 == tuple(lagrange_points(full.tau_g2[:n], log_n))
    assert basis.alpha_tau_g1 == tuple(lagrange_points(full.alpha_tau_g1[:n], log_n))
    assert basis.beta_tau_g1 == tuple(lagrange_points(full.beta_tau_g1[:n], log_n))
    assert basis.h_g1 == tuple(lagrange_points(full.tau_g1[: 2 * n], log_n + 1))[1::2]


@pytest.mark.parametrize("power", [2, 4])
def test_initial_key_from_prepared_points_equals_computed_and_snarkjs_setup(power):
    path = PTAU / f"pot{power}_final.ptau"
    r1cs = read_r1cs(R1CS_PATH)
    pre = read_ptau_prefix(path, 2)
    powers = CircuitPowers(log_n=2, tau_g1=pre.tau_g1, tau_g2=pre.tau_g2,
                           alpha_tau_g1=pre.alpha_tau_g1, beta_tau_g1=pre.beta_tau_g1,
                           beta_g2=pre.beta_g2)
    with_prepared = phase2_initial_key(powers, r1cs, lagrange=pre.lagrange)
    computed = phase2_initial_key(powers, r1cs)
    snarkjs = read_zkey(PTAU / f"multiplier_pot{power}_0000.zkey").proving_key
    assert _key_fields(with_prepared) == _key_fields(computed) == _key_fields(snarkjs)


@pytest.mark.parametrize("power", [2, 4])
def test_phase2_file_new_is_the_same_by_path_bytes_prepared_or_not(power):
    path = PTAU / f"pot{power}_final.ptau"
    r1cs_data = R1CS_PATH.read_bytes()
    by_path = phase2_file_new(r1cs_data, path)
    by_bytes = phase2_file_new(r1cs_data, path.read_bytes(), prepared=False)
    assert (by_path.phase1_format, by_path.phase1_power) == (PHASE1_PTAU, power)
    assert by_path.phase1_sha256 == by_bytes.phase1_sha256
    assert by_path.powers == by_bytes.powers
    assert (_key_fields(by_path.transcript.proving_key)
            == _key_fields(by_bytes.transcript.proving_key))
    phase2_file_verify(by_path, r1cs_data, path)
    phase2_file_verify(by_path, r1cs_data, path.read_bytes())


def test_unprepared_ptau_gives_no_basis_and_the_same_powers():
    data = _unprepared(PTAU / "pot4_final.ptau")
    pre = read_ptau_prefix(data, 2)
    assert pre.lagrange is None
    assert read_ptau_prefix(PTAU / "pot4_final.ptau", 2, prepared=False).lagrange is None
    powers, basis, fmt, power = load_circuit_phase1(data, 2)
    assert (basis, fmt, power) == (None, PHASE1_PTAU, 4)
    assert powers.tau_g1 == pre.tau_g1


def test_a_path_is_read_only_where_the_circuit_needs_it(monkeypatch):
    path = PTAU / "pot4_final.ptau"
    read = []
    original = ptau_reader._Source.read

    def counting(self, offset, size):
        read.append(size)
        return original(self, offset, size)

    monkeypatch.setattr(ptau_reader._Source, "read", counting)
    read_ptau_prefix(path, 1)
    # Domain 2: 4 tauG1, 2 of each other sequence, 1 betaG2, 2 + 2 + 2 + 2 Lagrange points
    # and 3 points spanning the H query's odd ones; plus headers.
    needed = 64 * (4 + 2 + 2 + 2 + 2 + 2 + 3) + 128 * (2 + 1 + 2)
    assert sum(read) < needed + 1024
    assert sum(read) < path.stat().st_size // 4


def test_basis_check_accepts_the_true_basis_and_rejects_a_swapped_point():
    pre = read_ptau_prefix(PTAU / "pot4_final.ptau", 2)
    monomials = (pre.tau_g1, pre.tau_g2, pre.alpha_tau_g1, pre.beta_tau_g1)
    basis = pre.lagrange
    assert lagrange_basis_matches(basis, *monomials)
    for field in ("tau_g1", "tau_g2", "alpha_tau_g1", "beta_tau_g1", "h_g1"):
        points = list(getattr(basis, field))
        points[0], points[1] = points[1], points[0]
        fields = {f: getattr(basis, f) for f in ("tau_g1", "tau_g2", "alpha_tau_g1",
                                                   "beta_tau_g1", "h_g1")}
        fields[field] = tuple(points)
        assert not lagrange_basis_matches(LagrangeBasis(log_n=2, **fields), *monomials), field
