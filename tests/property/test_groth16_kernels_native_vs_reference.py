"""The native Groth16 prover kernels (native/prover.c via zkvote._native.groth16) agree with
the reference slice on random inputs: coefficient evaluation, the odd-coset H chain, the
Montgomery point loaders and the five prover MSMs."""

import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvote._native import groth16 as native
from zkvote._reference import groth16 as reference
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
