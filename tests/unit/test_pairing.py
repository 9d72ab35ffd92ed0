"""The pairing: bilinearity, non-degeneracy, the EIP-197 precompile vectors, GT values."""

import random

import pytest

from zkvote.backend import use_backend
from zkvote.errors import NotInSubgroup
from zkvote.field import FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.pairing import (
    GT,
    PreparedG2,
    final_exponentiation,
    miller_loop,
    pairing,
    pairing_check,
)

rng = random.Random(4321)

# go-ethereum's bn256Pairing precompile vectors (core/vm/testdata/precompiles): input is a
# sequence of 192-byte pairs (G1 x || y, G2 x.c1 || x.c0 || y.c1 || y.c0, all big-endian),
# the expected output whether the product of pairings is 1.
G2_GEN = (
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
)
G2_NEG_GEN = (
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "275dc4a288d1afb3cbb1ac09187524c7db36395df7be3b99e673b13a075a65ec"
    "1d9befcd05a5323e6da4d435f3b617cdb3af83285c2df711ef39c01571827f9d"
)
G1_GEN = "00" * 31 + "01" + "00" * 31 + "02"
EIP197_VECTORS = {
    "jeff1": (
        "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
        "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41"
        "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7"
        "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
        "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d"
        "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550"
        "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
        "2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411" + G2_GEN,
        True,
    ),
    "jeff2": (
        "2eca0c7238bf16e83e7a1e6c5d49540685ff51380f309842a98561558019fc02"
        "03d3260361bb8451de5ff5ecd17f010ff22f5c31cdf184e9020b06fa5997db84"
        "1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee"
        "2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f"
        "21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237"
        "096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f"
        "06967a1237ebfeca9aaae0d6d0bab8e28c198c5a339ef8a2407e31cdac516db9"
        "22160fa257a5fd5b280642ff47b65eca77e626cb685c84fa6d3b6882a283ddd1" + G2_GEN,
        True,
    ),
    "jeff6": (
        "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
        "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41"
        "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7"
        "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
        "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d"
        "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550"
        "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
        "103188585e2364128fe25c70558f1560f4f9350baf3959e603cc91486e110936" + G2_GEN,
        False,
    ),
    "empty_data": ("", True),
    "one_point": (G1_GEN + G2_GEN, False),
    "two_point_match_2": (G1_GEN + G2_GEN + G1_GEN + G2_NEG_GEN, True),
}


def _decode_pairs(hex_input: str) -> list[tuple[G1, G2]]:
    data = bytes.fromhex(hex_input)
    assert len(data) % 192 == 0
    return [(G1.from_bytes(data[i : i + 64]), G2.from_bytes(data[i + 64 : i + 192]))
            for i in range(0, len(data), 192)]


@pytest.mark.parametrize("name", sorted(EIP197_VECTORS))
def test_eip197_precompile_vectors(name):
    hex_input, expected = EIP197_VECTORS[name]
    assert pairing_check(_decode_pairs(hex_input)) is expected


def test_pairing_is_bilinear():
    g1, g2 = G1.generator(), G2.generator()
    a, b = rng.randrange(1, FR_MODULUS), rng.randrange(1, FR_MODULUS)
    e = pairing(g1, g2)
    e_ab = pairing(a * g1, b * g2)
    assert e_ab == e ** (a * b)
    assert e_ab == pairing((a * b) * g1, g2) == pairing(g1, (a * b) * g2)
    assert pairing(g1 + g1, g2) == e * e


def test_pairing_is_non_degenerate_and_has_order_r():
    e = pairing(G1.generator(), G2.generator())
    assert not e.is_one()
    assert (e ** FR_MODULUS).is_one()
    assert e ** -1 == e ** (FR_MODULUS - 1)


def test_pairing_with_a_negated_point_cancels():
    p, q = 7 * G1.generator(), 11 * G2.generator()
    assert (pairing(p, q) * pairing(-p, q)).is_one()
    assert pairing_check([(p, q), (-p, q)])
    assert pairing_check([(p, q), (p, -q)])
    assert not pairing_check([(p, q), (p, q)])


def test_identity_in_either_argument_gives_one():
    assert pairing(G1.identity(), G2.generator()).is_one()
    assert pairing(G1.generator(), G2.identity()).is_one()
    assert pairing_check([(G1.identity(), G2.generator()), (G1.generator(), G2.identity())])
    assert pairing_check([])


def test_multi_pairing_beyond_one_chunk_shares_the_final_exponentiation():
    # 40 pairs exceed the native loop's chunk of 16 pairs: the chunks' Miller values multiply
    g1, g2 = G1.generator(), G2.generator()
    ks = [rng.randrange(1, FR_MODULUS) for _ in range(20)]
    pairs = [(k * g1, g2) for k in ks] + [(-g1, k * g2) for k in ks]
    assert pairing_check(pairs)
    assert not pairing_check(pairs[:-1] + [(g1, g2)])
    f = final_exponentiation(miller_loop(pairs[:3]))
    assert f == pairing(*pairs[0]) * pairing(*pairs[1]) * pairing(*pairs[2])


def test_gt_round_trips_through_bytes():
    e = pairing(3 * G1.generator(), G2.generator())
    assert GT.from_bytes(e.to_bytes()) == e
    assert len(e.to_bytes()) == 384
    assert GT.from_bytes(GT.one().to_bytes()).is_one()


def test_gt_from_bytes_rejects_fq12_values_outside_gt():
    f = miller_loop([(G1.generator(), G2.generator())])  # before the final exponentiation
    with pytest.raises(NotInSubgroup):
        GT.from_bytes(f.to_bytes())


def test_prepared_g2_stands_for_its_point_in_pairing_checks():
    p, q = 7 * G1.generator(), 11 * G2.generator()
    prepared = PreparedG2(q)
    assert prepared.point == q
    assert pairing_check([(p, prepared), (-p, q)])
    assert pairing_check([(p, prepared), (-p, prepared)])
    assert not pairing_check([(p, prepared), (p, prepared)])
    assert final_exponentiation(miller_loop([(p, prepared)])) == pairing(p, q)


def test_prepared_identity_contributes_one():
    prepared = PreparedG2(G2.identity())
    assert pairing_check([(G1.generator(), prepared)])
    assert final_exponentiation(miller_loop([(G1.generator(), prepared)])).is_one()


def test_pairing_check_factor_is_the_miller_value_of_more_pairs():
    p, q = 5 * G1.generator(), PreparedG2(3 * G2.generator())
    more = [(-(15 * G1.generator()), G2.generator())]
    assert pairing_check([(p, q)], factor=miller_loop(more))
    assert not pairing_check([(p, q)], factor=miller_loop([(G1.generator(), q)]))
    assert not pairing_check([(p, q)])


def test_prepared_g2_is_prepared_again_for_another_backend():
    p, q = 2 * G1.generator(), 3 * G2.generator()
    prepared = PreparedG2(q)  # native lines
    with use_backend("reference"):
        assert pairing_check([(p, prepared), (-(6 * G1.generator()), G2.generator())])


def test_gt_pow_reduces_the_exponent_mod_r_and_composes():
    e = pairing(G1.generator(), G2.generator())
    a, b = rng.randrange(FR_MODULUS), rng.randrange(FR_MODULUS)
    assert e**a * e**b == e ** (a + b)
    assert (e**a) ** b == e ** (a * b)
    assert e ** (a + FR_MODULUS) == e**a
    assert e**0 == GT.one()
    assert e**1 == e
    assert e**2 == e * e


def test_gt_pow_of_a_miller_value_is_exact_too():
    # outside GT the native power takes its generic path; compare with multiplication
    f = miller_loop([(G1.generator(), G2.generator())])
    assert f**3 == f * f * f
