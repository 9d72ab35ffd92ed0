"""The native Groth16 prover kernels (native/prover.c via zkvote._native.groth16) agree with
the reference slice on random inputs: coefficient evaluation, the odd-coset H chain, the
Montgomery point loaders and the five prover MSMs."""

import random
import struct

import pytest
from g2_points import twist_point
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import g2 as native_g2
from zkvote._native import groth16 as native
from zkvote._reference import g2 as reference_g2
from zkvote._reference import groth16 as reference
from zkvote.errors import InvalidArgument
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2

R, P = FR_MODULUS, FQ_MODULUS
MONT = 1 << 256
SETTINGS = settings(max_examples=30, deadline=None)
fr = st.integers(0, R - 1)


def coefficient_bytes(entries) -> bytes:
    return b"".join(struct.pack("<III", m, row, wire) + (v * MONT * MONT % R).to_bytes(32, "little")
                    for m, row, wire, v in entries)


def g1_bytes(points) -> bytes:
    out = b""
    for p in points:
        x, y = p.to_affine() if not p.is_identity() else (0, 0)
        out += (x * MONT % P).to_bytes(32, "little") + (y * MONT % P).to_bytes(32, "little")
    return out


def g2_bytes(points) -> bytes:
    out = b""
    for p in points:
        (x0, x1), (y0, y1) = p.to_affine() if not p.is_identity() else ((0, 0), (0, 0))
        out += b"".join((c * MONT % P).to_bytes(32, "little") for c in (x0, x1, y0, y1))
    return out


@st.composite
def sparse_system(draw):
    log_n = draw(st.integers(0, 4))
    n_rows, n_wires = 1 << log_n, draw(st.integers(1, 12))
    entries = draw(st.lists(st.tuples(st.integers(0, 1), st.integers(0, n_rows - 1),
                                      st.integers(0, n_wires - 1), fr), max_size=40))
    witness = draw(st.lists(fr, min_size=n_wires, max_size=n_wires))
    return n_rows, entries, witness


@SETTINGS
@given(sparse_system())
def test_eval_ab_matches_the_reference(system):
    n_rows, entries, witness = system
    data = coefficient_bytes(entries)
    ours = native.eval_ab(data, len(entries), n_rows, witness)
    assert ours == reference.eval_ab(data, len(entries), n_rows, witness)
    a, b, c = ours
    for row in range(n_rows):  # and the definition, from the plain coefficients
        assert a[row] == sum(v * witness[w] for m, r, w, v in entries if (m, r) == (0, row)) % R
        assert c[row] == a[row] * b[row] % R


@SETTINGS
@given(st.integers(0, 6).flatmap(lambda k: st.tuples(*[st.lists(fr, min_size=1 << k,
                                                                 max_size=1 << k)] * 3)))
def test_h_odd_matches_the_reference(abc):
    assert native.h_odd(*abc) == reference.h_odd(*abc)


def random_g1(rng, n):
    return [G1.generator() * rng.randrange(1, R) if rng.random() > 0.2 else G1.identity()
            for _ in range(n)]


def random_g2(rng, n):
    return [G2.generator() * rng.randrange(1, R) if rng.random() > 0.3 else G2.identity()
            for _ in range(n)]


def tiny_key(seed: int, n_wires: int = 4, n_public: int = 1, log_n: int = 2):
    rng = random.Random(seed)
    n = 1 << log_n
    entries = [(rng.randrange(2), rng.randrange(n), rng.randrange(n_wires), rng.randrange(R))
               for _ in range(6)]
    sections = {"coefficients": coefficient_bytes(entries),
                "a": g1_bytes(random_g1(rng, n_wires)), "b1": g1_bytes(random_g1(rng, n_wires)),
                "b2": g2_bytes(random_g2(rng, n_wires)),
                "c": g1_bytes(random_g1(rng, n_wires - n_public - 1)),
                "h": g1_bytes(random_g1(rng, n))}
    witness = [1] + [rng.randrange(R) for _ in range(n_wires - 1)]
    return sections, (n_wires, n_public, n, len(entries)), witness


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 2**32))
def test_loaded_points_and_prover_msms_match_the_reference(seed):
    sections, shape, witness = tiny_key(seed)
    ours, theirs = native.load_key(sections, *shape), reference.load_key(sections, *shape)
    for name in ("a", "b1", "b2", "c", "h"):
        assert native.key_points(ours, name) == reference.key_points(theirs, name)
    assert native.prove_terms(ours, witness) == reference.prove_terms(theirs, witness)


@pytest.mark.parametrize("slice_", [native, reference])
def test_key_points_are_the_plain_affine_coordinates(slice_):
    rng = random.Random(3)
    g1s, g2s = random_g1(rng, 5), random_g2(rng, 3)
    sections, shape, _ = tiny_key(1, n_wires=3, n_public=0, log_n=2)
    sections["a"] = g1_bytes(g1s[:3])
    sections["b2"] = g2_bytes(g2s)
    key = slice_.load_key(sections, *shape)
    assert slice_.key_points(key, "a") == [None if p.is_identity() else p.to_affine()
                                          for p in g1s[:3]]
    assert slice_.key_points(key, "b2") == [None if p.is_identity() else p.to_affine()
                                           for p in g2s]


# ---- circuits of our own: R1CS rows, witness programs, setup batches, sparse MSMs

def affine(points):
    return [None if p.is_identity() else p.to_affine() for p in points]


@st.composite
def small_r1cs(draw, satisfied: bool):
    """(rows, witness, domain size): random A, B and C = the product as a constant, so the
    rows hold; unless ``satisfied``, a few rows get C off by one."""
    n_wires = draw(st.integers(1, 6))
    log_n = draw(st.integers(0, 3))
    n_rows = draw(st.integers(0, 1 << log_n))
    witness = [1] + draw(st.lists(fr, min_size=n_wires - 1, max_size=n_wires - 1))
    lc = st.dictionaries(st.integers(0, n_wires - 1), st.integers(1, R - 1), max_size=3)
    rows = []
    for _ in range(n_rows):
        a, b = draw(lc), draw(lc)
        value = (sum(c * witness[w] for w, c in a.items())
                 * sum(c * witness[w] for w, c in b.items())) % R
        rows.append((a, b, {0: value} if value else {}))
    if not satisfied and n_rows:
        for i in draw(st.lists(st.integers(0, n_rows - 1), min_size=1, max_size=3)):
            a, b, c = rows[i]
            rows[i] = (a, b, {0: (c.get(0, 0) + 1) % R} if c.get(0, 0) != R - 1 else {})
    return rows, witness, 1 << log_n


def circuit_keys(rows, n_wires, n, seed):
    rng = random.Random(seed)
    points = {"a": affine(random_g1(rng, n_wires)), "b1": affine(random_g1(rng, n_wires)),
              "b2": affine(random_g2(rng, n_wires)), "c": affine(random_g1(rng, n_wires - 1)),
              "h": affine(random_g1(rng, n))}
    return (native.circuit_key(points, rows, 0, n), reference.circuit_key(points, rows, 0, n))


@SETTINGS
@given(small_r1cs(satisfied=False))
def test_first_unsatisfied_row_matches_the_reference(system):
    rows, witness, n = system
    ours, theirs = circuit_keys(rows, len(witness), n, 1)
    row, terms = native.prove_terms_circuit(ours, witness)
    assert (row, terms) == reference.prove_terms_circuit(theirs, witness)
    a_times_b = [sum(c * witness[w] for w, c in r[0].items())
                 * sum(c * witness[w] for w, c in r[1].items()) % R for r in rows]
    wrong = [i for i, r in enumerate(rows) if a_times_b[i] != r[2].get(0, 0)]
    assert row == (wrong[0] if wrong else -1) and (terms is None) == bool(wrong)


@settings(max_examples=5, deadline=None)
@given(small_r1cs(satisfied=True), st.integers(0, 2**32))
def test_circuit_prover_terms_match_the_reference(system, seed):
    rows, witness, n = system
    ours, theirs = circuit_keys(rows, len(witness), n, seed)
    row, terms = native.prove_terms_circuit(ours, witness)
    assert row == -1
    assert terms == reference.prove_terms_circuit(theirs, witness)[1]
    assert native.prove_terms(ours, witness) == terms


@SETTINGS
@given(small_r1cs(satisfied=False), st.lists(fr, min_size=8, max_size=8))
def test_column_sums_match_the_reference(system, lagrange):
    rows, witness, n = system
    lcs = [lc for row in rows for lc in row]
    n_wires, lagrange = len(witness), lagrange[:n]
    ours = native.column_sums(native.lc_table(lcs, n_wires), lagrange, n_wires)
    assert ours == reference.column_sums(reference.lc_table(lcs, n_wires), lagrange, n_wires)
    for j in range(n_wires):  # and the definition
        assert ours[0][j] == sum(r[0].get(j, 0) * lagrange[i] for i, r in enumerate(rows)) % R


@st.composite
def witness_programs(draw):
    """A random straight-line program over few wires: products, linear combinations,
    hints (outputs a fixed function of their inputs) and checks that may fail."""
    n_wires = draw(st.integers(2, 8))
    lcs = draw(st.lists(st.dictionaries(st.integers(0, n_wires - 1), fr, max_size=3),
                        min_size=1, max_size=6))
    lc_id, wire = st.integers(0, len(lcs) - 1), st.integers(0, n_wires - 1)
    code, n_hints = [], 0
    for kind in draw(st.lists(st.integers(0, 3), max_size=12)):
        if kind == 0:
            code += [0, draw(wire), draw(lc_id), draw(lc_id)]
        elif kind == 1:
            code += [1, draw(wire), draw(lc_id)]
        elif kind == 2:
            ins = draw(st.lists(lc_id, max_size=3))
            outs = draw(st.lists(wire, min_size=1, max_size=2))
            code += [2, n_hints, len(ins), *ins, len(outs), *outs]
            n_hints += 1
        else:
            code += [3, draw(st.integers(0, 99)), draw(lc_id), draw(lc_id), draw(lc_id)]
    inputs = draw(st.dictionaries(wire, fr, max_size=3))
    return code, lcs, n_wires, inputs


def _hint(hint_id, values):
    total = (sum(values) * 3 + hint_id) % R
    return [total, (total * total + 1) % R]


@SETTINGS
@given(witness_programs())
def test_witness_programs_run_as_in_the_reference(program):
    code, lcs, n_wires, inputs = program
    calls = {native: [], reference: []}
    results = {}
    for slice_ in (native, reference):
        def hint(hint_id, values, log=calls[slice_]):
            log.append((hint_id, values))
            n_out = code[_hint_position(code, hint_id) + 3 + len(values)]
            return _hint(hint_id, values)[:n_out]
        results[slice_] = slice_.witness_run(slice_.witness_program(code, lcs, n_wires),
                                             inputs, hint)
    assert results[native] == results[reference]
    assert calls[native] == calls[reference]


def _hint_position(code, hint_id):
    pc = 0
    while True:
        if code[pc] == 2:
            if code[pc + 1] == hint_id:
                return pc
            pc += 4 + code[pc + 2] + code[pc + 3 + code[pc + 2]]
        else:
            pc += {0: 4, 1: 3, 3: 5}[code[pc]]


EDGE_SCALARS = st.sampled_from([0, 1, 2, R - 1, R, R + 1, 2**256 - 1, 2**128])
scalar = st.one_of(fr, EDGE_SCALARS)


@SETTINGS
@given(st.lists(scalar, max_size=5), st.integers(0, 2**32), st.booleans())
def test_fixed_base_g1_batches_match_the_reference(scalars, seed, identity):
    base = None if identity else (G1.generator() * random.Random(seed).randrange(1, R)).to_affine()
    assert native.fixed_base_g1(base, scalars) == reference.fixed_base_g1(base, scalars)


@settings(max_examples=8, deadline=None)
@given(st.lists(scalar, max_size=3), st.integers(0, 2**32))
def test_fixed_base_g2_batches_match_the_reference(scalars, seed):
    base = (G2.generator() * random.Random(seed).randrange(1, R)).to_affine()
    assert native.fixed_base_g2(base, scalars) == reference.fixed_base_g2(base, scalars)


def test_fixed_base_batches_of_many_scalars_use_wide_windows_correctly():
    rng = random.Random(9)
    scalars = [rng.randrange(2**256) for _ in range(3000)] + [0, 1, R - 1, 2**256 - 1]
    base = (G1.generator() * 5).to_affine()
    got = native.fixed_base_g1(base, scalars)
    for i in rng.sample(range(len(scalars)), 6) + [3000, 3001, 3002, 3003]:
        want = G1.generator() * 5 * scalars[i]
        assert got[i] == (None if want.is_identity() else want.to_affine())


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 12), st.sampled_from(["random", "sparse", "same"]))
def test_sparse_and_affine_msms_match_the_reference(seed, n, kind):
    rng = random.Random(seed)
    g1s, g2s = affine(random_g1(rng, n)), affine(random_g2(rng, n))
    if kind == "random":
        ks = [rng.choice([0, 1, rng.randrange(R), rng.randrange(2**256)]) for _ in range(n)]
    elif kind == "sparse":
        ks = [rng.choice([0, 0, 1, 1, 2]) for _ in range(n)]
    else:
        ks = [rng.randrange(R)] * n
    assert native.sparse_msm_g1(g1s, ks) == reference.sparse_msm_g1(g1s, ks)
    want = reference.sparse_msm_g2(g2s, ks)
    assert native.sparse_msm_g2(g2s, ks) == want
    assert native.g2_msm_affine(g2s, ks) == want
    assert native.g2_msm_endo(g2s, ks) == want


@pytest.mark.parametrize("n", [1500, 9000])
def test_g2_msms_of_one_point_with_small_scalars_match_the_product(n):
    # every bucket holds a multiple of the same point: the affine bucket reduction meets
    # equal (doubling) and opposite (cancelling) running sums
    p = G2.generator() * 5
    ks = [(i * 7) % 4099 + 1 if i % 3 else R - (i % 4099) - 1 for i in range(n)]
    want = (p * (sum(ks) % R)).to_affine()
    points = affine([p] * n)
    assert native.g2_msm_affine(points, ks) == want
    assert native.g2_msm_endo(points, ks) == want


def test_affine_g2_msm_handles_equal_and_opposite_bucket_points():
    p = G2.generator() * 77
    q = -p
    cases = [([p, p], [1, 1]), ([p, q], [5, 5]), ([p, p, q], [3, 3, 3]), ([p] * 40, [7] * 40),
             ([p, q] * 20, [9] * 40)]
    for points, ks in cases:
        want = sum((pt * k for pt, k in zip(points, ks, strict=True)), G2.identity())
        got = native.g2_msm_affine(affine(points), ks)
        assert got == (None if want.is_identity() else want.to_affine())


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**32), st.lists(scalar, min_size=1, max_size=6))
def test_psi_split_g2_msm_matches_the_reference_on_edge_scalars(seed, ks):
    # scalars >= r, 2^128 (above lambda = 6x^2) and r - 1 exercise the reduction mod r and
    # the quotient correction of the split
    rng = random.Random(seed)
    g2s = affine(random_g2(rng, len(ks)))
    assert native.g2_msm_endo(g2s, ks) == reference.sparse_msm_g2(g2s, ks)


def test_psi_split_g2_msm_handles_equal_and_opposite_bucket_points():
    p = G2.generator() * 77
    lam = 6 * 4965661367192848881**2
    # k and k' = k + lambda - 1 ... give equal or opposite halves across P and psi(P)
    cases = [([p, p], [1, 1]), ([p, -p], [5, 5]), ([p, p], [lam, 1]), ([p, -p], [lam + 3, 3]),
             ([p] * 40, [7 * lam + 7] * 40), ([p, -p] * 20, [R - lam] * 40)]
    for points, ks in cases:
        want = sum((pt * k for pt, k in zip(points, ks, strict=True)), G2.identity())
        got = native.g2_msm_endo(affine(points), ks)
        assert got == (None if want.is_identity() else want.to_affine())


def test_affine_g2_msm_matches_the_jacobian_msm_on_a_large_random_set():
    rng = random.Random(11)
    base = [G2.generator() * rng.randrange(1, R) for _ in range(50)]
    points = affine([base[i % 50] for i in range(1500)])
    ks = [rng.randrange(R) for _ in range(1500)]
    assert native.g2_msm_affine(points, ks) == native_g2.msm(points, ks)
    assert native.g2_msm_endo(points, ks) == native_g2.msm(points, ks)


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 2**32), st.booleans())
def test_batched_subgroup_check_matches_the_reference(seed, outside):
    rng = random.Random(seed)
    points = affine(random_g2(rng, 3))
    if outside:
        points[rng.randrange(3)] = twist_point(rng.randrange(P), 1)
    rho = rng.randbytes(native.SUBGROUP_REPS * native.SUBGROUP_RHO_BYTES * 3)
    result = native.g2_subgroup_batch(points, rho)
    assert result == reference.g2_subgroup_batch(points, rho)
    assert result == (not outside)


def signed_msm(points, coefficients):
    # by the definition, for points of any order: a negative coefficient negates the point
    total = None
    for p, c in zip(points, coefficients, strict=True):
        term = reference_g2.mul(p if c >= 0 else reference_g2.neg(p), abs(c))
        total = reference_g2.add(total, term)
    return total


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 5), st.integers(1, 4), st.sampled_from([2, 7, 10, 12]))
def test_short_multi_msm_matches_the_reference_on_points_outside_g2(seed, n, reps, bits):
    # twist points outside G2 (where -c and r - c differ), identities, edge coefficients
    rng = random.Random(seed)
    half = 1 << (bits - 1)
    points = affine(random_g2(rng, n))
    for i in range(n):
        pick = rng.randrange(3)
        if pick == 1:
            points[i] = twist_point(rng.randrange(P), 1)
        elif pick == 2:
            points[i] = None
    rows = [[rng.choice([0, 1, -1, -half, half - 1, rng.randrange(-half, half)])
             for _ in range(n)] for _ in range(reps)]
    assert native.g2_msm_short_multi(points, rows, bits) == [signed_msm(points, row)
                                                             for row in rows]


def test_short_multi_msm_matches_the_jacobian_msm_with_many_conflicting_additions():
    # 40 distinct points, repeated and negated, coefficients from a few values: additions
    # meet buckets already in the batch (the queue), equal and opposite bucket points
    rng = random.Random(5)
    base = [G2.generator() * rng.randrange(1, R) for _ in range(40)]
    points = affine([base[i % 40] if i % 5 else -base[i % 40] for i in range(1200)])
    rows = [[rng.choice([3, -3, 511, -512, rng.randrange(-512, 512)]) for _ in range(1200)]
            for _ in range(native.SUBGROUP_REPS)]
    got = native.g2_msm_short_multi(points, rows, 10)
    assert got == [native_g2.msm(points, [c % R for c in row]) for row in rows]


def test_short_multi_msm_refuses_bad_shapes():
    g = G2.generator().to_affine()
    # too many rows, a row of the wrong length, a coefficient out of range, bits out of range
    for rows, bits in (([[1]] * 65, 10), ([[1, 2]], 10), ([[512]], 10), ([[1]], 13), ([[0]], 1)):
        with pytest.raises(InvalidArgument):
            native.g2_msm_short_multi([g], rows, bits)


def test_subgroup_coefficients_are_the_signed_low_bits():
    n = 2
    # 0x03FF -> -1, 0x0200 -> -512 (the most negative), 0xFC01 -> 1 (high bits dropped)
    rho = bytes([0xFF, 0x03, 0x00, 0x02] + [0x01, 0xFC] * 2 * (native.SUBGROUP_REPS - 1))
    rows = native.subgroup_coefficients(rho, n)
    assert rows[0] == [-1, -512] and rows[1] == [1, 1]
    assert len(rows) == native.SUBGROUP_REPS
