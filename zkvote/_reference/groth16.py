"""Reference slice ``groth16``: the prover kernels of zkvote._native.groth16 in plain Python
(gmpy2 ints, py_ecc through the reference g1/g2 slices), written from snarkjs's definitions
so that the C kernels can be checked against them, with the same functions for circuits of
our own (R1CS rows, witness programs, fixed-base batches, QAP column sums). Slow: small keys
only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gmpy2 import mpz

from zkvote._reference import g1, g2, ntt
from zkvote.errors import (
    FieldRangeError,
    InvalidArgument,
    InvalidEncoding,
    InvalidPoint,
    NotInSubgroup,
)

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
_FQ_R_INV = pow(mpz(1 << 256), -1, P)
_FR_R2_INV = pow(mpz(1 << 512), -1, R)
COEF_BYTES = 44
SUBGROUP_REPS = 13
SUBGROUP_RHO_BYTES = 2
SUBGROUP_BITS = 10


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
    rows: list | None = None  # a circuit key's QAP rows (A, B, C) as lists of (wire, coeff)


def _coordinates(data: bytes, n: int, per_point: int, what: str,
                 montgomery: bool = True) -> list[list[int]]:
    out = []
    for i in range(n):
        raw = [int.from_bytes(data[32 * (per_point * i + k) : 32 * (per_point * i + k + 1)],
                              "little") for k in range(per_point)]
        if any(x >= P for x in raw):
            raise FieldRangeError(f"{what} point {i}: field element not below the modulus")
        out.append([int(x * _FQ_R_INV % P) if montgomery else int(x) for x in raw])
    return out


def _g1_list(data: bytes, n: int, what: str, montgomery: bool = True) -> list:
    out = []
    for i, (x, y) in enumerate(_coordinates(data, n, 2, what, montgomery)):
        p = None if x == y == 0 else (x, y)
        if not g1.is_on_curve(p):
            raise InvalidPoint(f"{what} point {i}: point not on the curve")
        out.append(p)
    return out


def _g2_list(data: bytes, n: int, what: str, subgroup: bool, montgomery: bool = True) -> list:
    out = []
    for i, (x0, x1, y0, y1) in enumerate(_coordinates(data, n, 4, what, montgomery)):
        p = None if x0 == x1 == y0 == y1 == 0 else ((x0, x1), (y0, y1))
        if p is not None and not g2.is_on_curve(p):
            raise InvalidPoint(f"{what} point {i}: point not on the curve")
        if p is not None and subgroup and not g2.is_in_subgroup(p):
            raise NotInSubgroup(f"{what} point {i}: point not in the subgroup")
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
        a=_g1_list(sections["a"], n_wires, "zkey: A"),
        b1=_g1_list(sections["b1"], n_wires, "zkey: B1"),
        b2=_g2_list(sections["b2"], n_wires, "zkey: B2", check_subgroup),
        c=_g1_list(sections["c"], n_wires - n_public - 1, "zkey: C"),
        h=_g1_list(sections["h"], domain_size, "zkey: H"),
    )


def _check_length(data: bytes, n: int, size: int, what: str) -> None:
    if len(data) != size * n:
        raise InvalidEncoding(f"{what} array: malformed encoding")


def g1_affine_from_le(data: bytes, n: int, montgomery: bool) -> list:
    """As the native slice's: n G1 points of 64 little-endian bytes each."""
    _check_length(data, n, 64, "G1 point")
    return _g1_list(data, n, "G1", montgomery)


def g2_affine_from_le(data: bytes, n: int, montgomery: bool) -> list:
    """As the native slice's: n twist points of 128 little-endian bytes each, not checked
    in G2."""
    _check_length(data, n, 128, "G2 point")
    return _g2_list(data, n, "G2", False, montgomery)


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


def _terms(key: ReferenceKey, witness: list[int], a: list, b: list, c: list) -> tuple:
    private = witness[key.n_public + 1 :]
    return (g1.msm(key.a, witness), g1.msm(key.b1, witness), g2.msm(key.b2, witness),
            g1.add(g1.msm(key.c, private), g1.msm(key.h, h_odd(a, b, c))))


def prove_terms(key: ReferenceKey, witness: list[int]) -> tuple:
    if key.rows is not None:
        row, terms = prove_terms_circuit(key, witness)
        if terms is None:
            raise InvalidArgument(f"the witness does not satisfy row {row}")
        return terms
    return _terms(key, witness, *_eval(key.coefficients, key.domain_size, witness))


def _lc(terms: list, witness: list[int]) -> int:
    return int(sum(mpz(c) * witness[w] for w, c in terms) % R)


def prove_terms_circuit(key: ReferenceKey, witness: list[int]) -> tuple[int, tuple | None]:
    n = key.domain_size
    a, b, c = [0] * n, [0] * n, [0] * n
    for i, (lc_a, lc_b, lc_c) in enumerate(key.rows):
        a[i], b[i], c[i] = _lc(lc_a, witness), _lc(lc_b, witness), _lc(lc_c, witness)
        if a[i] * b[i] % R != c[i]:
            return i, None
    return -1, _terms(key, witness, a, b, c)


def sparse_msm_g1(points: Sequence, scalars: Sequence[int]) -> g1.Point:
    return g1.msm(list(points), list(scalars))


def sparse_msm_g2(points: Sequence, scalars: Sequence[int]) -> g2.G2Affine:
    return g2.msm(list(points), list(scalars))


g2_msm_affine = sparse_msm_g2


def lc_table(lcs: Sequence[Mapping[int, int]], n_wires: int) -> list:
    out = []
    for k, lc in enumerate(lcs):
        for wire, coeff in lc.items():
            if not 0 <= wire < n_wires or wire >= 1 << 32:
                raise InvalidArgument(f"linear combination {k}: argument out of range")
            if not 0 <= coeff < R:
                raise FieldRangeError("coefficient: field element not below the modulus")
        out.append(list(lc.items()))
    return out


def circuit_key(points: Mapping[str, Sequence], rows: Sequence[tuple], n_public: int,
                domain_size: int) -> ReferenceKey:
    n_wires = len(points["a"])
    if len(rows) > domain_size:
        raise InvalidArgument(f"{len(rows)} rows do not fit a domain of {domain_size}")
    table = lc_table([lc for row in rows for lc in row], n_wires)
    for name in ("a", "b1", "c", "h"):
        for i, p in enumerate(points[name]):
            if not g1.is_on_curve(p):
                raise InvalidPoint(f"G1 point {i}: point not on the curve")
    for i, p in enumerate(points["b2"]):
        if not g2.is_on_curve(p):
            raise InvalidPoint(f"G2 point {i}: point not on the curve")
    return ReferenceKey(
        n_wires=n_wires, n_public=n_public, domain_size=domain_size, coefficients=[],
        a=list(points["a"]), b1=list(points["b1"]), b2=list(points["b2"]),
        c=list(points["c"]), h=list(points["h"]),
        rows=[tuple(table[3 * i : 3 * i + 3]) for i in range(len(rows))],
    )


# ---- witness programs: the op format of zkv_witness_run (native/zkv.h)


@dataclass(eq=False)
class WitnessProgram:
    n_wires: int
    code: list[int]
    table: list


def witness_program(code: Sequence[int], lcs: Sequence[Mapping[int, int]], n_wires: int
                    ) -> WitnessProgram:
    if any(not 0 <= word < 1 << 32 for word in code):
        raise InvalidArgument("a code word is out of range")
    return WitnessProgram(n_wires, list(code), lc_table(lcs, n_wires))


def witness_run(program: WitnessProgram, inputs: Mapping[int, int],
                hint: Callable[[int, list[int]], Sequence[int]]) -> tuple[list[int] | None, int]:
    code, table, n = program.code, program.table, program.n_wires
    w = [0] * n
    for wire, value in inputs.items():
        w[wire] = value

    def lc(k: int) -> int:
        if k >= len(table):
            raise InvalidArgument(f"witness program op at word {pc}: argument out of range")
        return _lc(table[k], w)

    def wire(k: int) -> int:
        if k >= n:
            raise InvalidArgument(f"witness program op at word {pc}: argument out of range")
        return k

    pc = 0
    while pc < len(code):
        op = code[pc]
        try:
            if op == 0:
                w[wire(code[pc + 1])] = lc(code[pc + 2]) * lc(code[pc + 3]) % R
                pc += 4
            elif op == 1:
                w[wire(code[pc + 1])] = lc(code[pc + 2])
                pc += 3
            elif op == 3:
                if lc(code[pc + 2]) * lc(code[pc + 3]) % R != lc(code[pc + 4]):
                    return None, code[pc + 1]
                pc += 5
            elif op == 2:
                n_in = code[pc + 2]
                n_out = code[pc + 3 + n_in]
                outs = [wire(v) for v in code[pc + 4 + n_in : pc + 4 + n_in + n_out]]
                if len(outs) != n_out:
                    raise IndexError
                values = list(hint(code[pc + 1], [lc(k) for k in code[pc + 3 : pc + 3 + n_in]]))
                if len(values) != n_out or any(not 0 <= v < R for v in values):
                    raise InvalidArgument(f"witness program op at word {pc}: argument out of "
                                          "range")
                for out, value in zip(outs, values, strict=True):
                    w[out] = value
                pc += 4 + n_in + n_out
            else:
                raise IndexError
        except IndexError:
            raise InvalidArgument(f"witness program op at word {pc}: argument out of "
                                  "range") from None
    return w, -1


# ---- insecure setup


def fixed_base_g1(base: g1.Point, scalars: Sequence[int]) -> list:
    return [g1.mul(base, k) for k in scalars]


def fixed_base_g2(base: g2.G2Affine, scalars: Sequence[int]) -> list:
    return [g2.mul(base, k) for k in scalars]


def column_sums(rows: list, lagrange: Sequence[int], n_wires: int
                ) -> tuple[list[int], list[int], list[int]]:
    if len(rows) > 3 * len(lagrange) or len(rows) % 3:
        raise InvalidArgument("R1CS rows: argument out of range")
    out = ([mpz(0)] * n_wires, [mpz(0)] * n_wires, [mpz(0)] * n_wires)
    for k, terms in enumerate(rows):
        col, value = out[k % 3], lagrange[k // 3]
        for wire, coeff in terms:
            col[wire] += coeff * value
    return tuple([int(x % R) for x in col] for col in out)


def g2_subgroup_batch(points: Sequence, rho: bytes) -> bool:
    # the native slice's contract: SUBGROUP_REPS combinations, each coefficient the low
    # SUBGROUP_BITS bits of a SUBGROUP_RHO_BYTES-byte value read as two's complement
    size = SUBGROUP_RHO_BYTES * len(points)
    if len(rho) != SUBGROUP_REPS * size:
        raise InvalidArgument(f"the subgroup check needs {SUBGROUP_REPS * size} random bytes")
    if not points:
        return True
    mask, half = (1 << SUBGROUP_BITS) - 1, 1 << (SUBGROUP_BITS - 1)
    for k in range(SUBGROUP_REPS):
        chunk = rho[k * size : (k + 1) * size]
        values = [int.from_bytes(chunk[i : i + SUBGROUP_RHO_BYTES], "little") & mask
                  for i in range(0, size, SUBGROUP_RHO_BYTES)]
        coeffs = [v - 2 * half if v >= half else v for v in values]
        # a negative coefficient takes the negated point: the points need not have order r
        total = g2.msm([p if c >= 0 else g2.neg(p) for p, c in zip(points, coeffs, strict=True)],
                       [abs(c) for c in coeffs])
        if not g2.is_in_subgroup(total):
            return False
    return True


def key_points(key: ReferenceKey, name: str) -> list:
    return list(getattr(key, name))
