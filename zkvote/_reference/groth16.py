"""Reference slice ``groth16``: the prover kernels of zkvote._native.groth16 in plain Python
(gmpy2 ints, py_ecc through the reference g1/g2 slices), written from snarkjs's definitions
so that the C kernels can be checked against them. Slow: small keys only."""

from __future__ import annotations

from dataclasses import dataclass

from gmpy2 import mpz

from zkvote._reference import g1, g2, ntt
from zkvote.errors import FieldRangeError, InvalidEncoding, InvalidPoint, NotInSubgroup

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
_FQ_R_INV = pow(mpz(1 << 256), -1, P)
_FR_R2_INV = pow(mpz(1 << 512), -1, R)
COEF_BYTES = 44


@dataclass(eq=False)
class ReferenceKey:
    n_wires: int
    n_public: int
    domain_size: int
    coefficients: list  # (matrix, row, wire, plain value)
    a: list
    b1: list
    b2: list
    c: list
    h: list


def _coordinates(data: bytes, n: int, per_point: int, what: str) -> list[list[int]]:
    out = []
    for i in range(n):
        raw = [int.from_bytes(data[32 * (per_point * i + k) : 32 * (per_point * i + k + 1)],
                              "little") for k in range(per_point)]
        if any(x >= P for x in raw):
            raise FieldRangeError(f"zkey: {what} point {i}: field element not below the modulus")
        out.append([int(x * _FQ_R_INV % P) for x in raw])
    return out


def _g1_list(data: bytes, n: int, what: str) -> list:
    out = []
    for i, (x, y) in enumerate(_coordinates(data, n, 2, what)):
        p = None if x == y == 0 else (x, y)
        if not g1.is_on_curve(p):
            raise InvalidPoint(f"zkey: {what} point {i}: point not on the curve")
        out.append(p)
    return out


def _g2_list(data: bytes, n: int, what: str, subgroup: bool) -> list:
    out = []
    for i, (x0, x1, y0, y1) in enumerate(_coordinates(data, n, 4, what)):
        p = None if x0 == x1 == y0 == y1 == 0 else ((x0, x1), (y0, y1))
        if p is not None and not g2.is_on_curve(p):
            raise InvalidPoint(f"zkey: {what} point {i}: point not on the curve")
        if p is not None and subgroup and not g2.is_in_subgroup(p):
            raise NotInSubgroup(f"zkey: {what} point {i}: point not in the subgroup")
        out.append(p)
    return out


def _parse_coefficients(data: bytes, count: int, n_rows: int, n_wires: int) -> list:
    out = []
    for i in range(count):
        e = data[COEF_BYTES * i : COEF_BYTES * (i + 1)]
        matrix, row, wire = (int.from_bytes(e[k : k + 4], "little") for k in (0, 4, 8))
        stored = int.from_bytes(e[12:], "little")
        if matrix > 1 or row >= n_rows or wire >= n_wires:
            raise InvalidEncoding(f"zkey: coefficient {i}: malformed encoding")
        if stored >= R:
            raise FieldRangeError(f"zkey: coefficient {i}: field element not below the modulus")
        out.append((matrix, row, wire, int(stored * _FR_R2_INV % R)))
    return out


def check_coefficients(data: bytes, count: int, n_rows: int, n_wires: int) -> None:
    _parse_coefficients(data, count, n_rows, n_wires)


def load_key(sections: dict[str, bytes], n_wires: int, n_public: int, domain_size: int,
             count: int, check_subgroup: bool = True) -> ReferenceKey:
    return ReferenceKey(
        n_wires=n_wires, n_public=n_public, domain_size=domain_size,
        coefficients=_parse_coefficients(sections["coefficients"], count, domain_size,
                                         n_wires),
        a=_g1_list(sections["a"], n_wires, "A"),
        b1=_g1_list(sections["b1"], n_wires, "B1"),
        b2=_g2_list(sections["b2"], n_wires, "B2", check_subgroup),
        c=_g1_list(sections["c"], n_wires - n_public - 1, "C"),
        h=_g1_list(sections["h"], domain_size, "H"),
    )


def _eval(coefficients: list, n_rows: int, witness: list[int]) -> tuple[list, list, list]:
    acc = ([mpz(0)] * n_rows, [mpz(0)] * n_rows)
    for matrix, row, wire, value in coefficients:
        acc[matrix][row] += value * witness[wire]
    a = [int(x % R) for x in acc[0]]
    b = [int(x % R) for x in acc[1]]
    return a, b, [x * y % R for x, y in zip(a, b, strict=True)]


def eval_ab(coefficients: bytes, count: int, n_rows: int,
            witness: list[int]) -> tuple[list[int], list[int], list[int]]:
    return _eval(_parse_coefficients(coefficients, count, n_rows, len(witness)), n_rows,
                 witness)


def h_odd(a: list[int], b: list[int], c: list[int]) -> list[int]:
    n = len(a)
    shift = ntt.root_of_unity(n.bit_length())  # w_2n: x^n - 1 = -2 on its coset
    a, b, c = (ntt.coset_ntt(ntt.ntt(v, True), shift) for v in (a, b, c))
    return [(x * y - z) % R for x, y, z in zip(a, b, c, strict=True)]


def prove_terms(key: ReferenceKey, witness: list[int]) -> tuple:
    a, b, c = _eval(key.coefficients, key.domain_size, witness)
    private = witness[key.n_public + 1 :]
    return (g1.msm(key.a, witness), g1.msm(key.b1, witness), g2.msm(key.b2, witness),
            g1.msm(key.c, private), g1.msm(key.h, h_odd(a, b, c)))


def key_points(key: ReferenceKey, name: str) -> list:
    return list(getattr(key, name))
