"""snarkjs 0.7's JSON files for Groth16: ``verification_key.json``, ``proof.json`` and
``public.json``.

Numbers are canonical decimal strings; points are projective coordinates as snarkjs writes
them, always normalised: G1 ``[x, y, "1"]``, G2 ``[[x0, x1], [y0, y1], ["1", "0"]]`` (x0 the
real part), the identity ``["0", "1", "0"]`` / ``[["0","0"], ["1","0"], ["0","0"]]``. The
writers reproduce snarkjs's bytes (``JSON.stringify(value, null, 1)``, no final newline).

Readers validate everything, raising subclasses of :class:`zkvote.errors.InvalidInput`:
InvalidEncoding (not JSON, wrong structure or type, a non-canonical decimal, an unnormalised
z, another protocol or curve), FieldRangeError (a coordinate >= p, a public signal >= r),
InvalidPoint (off the curve), NotInSubgroup (a G2 point outside the order-r subgroup),
InvalidArgument (``nPublic`` disagreeing with the number of ``IC`` points).
"""

from __future__ import annotations

import json
import re

from zkvote.backend import impl
from zkvote.errors import InvalidArgument, InvalidEncoding, InvalidPoint, NotInSubgroup
from zkvote.field import FQ_MODULUS, FR_MODULUS
from zkvote.g1 import G1
from zkvote.g2 import G2
from zkvote.pairing import pairing
from zkvote.snark.keys import Proof, VerifyingKey
from zkvote.validate import check_range, parse_decimal

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_MAX_DEPTH = 8
_CURVES = ("bn128", "bn254", "alt_bn128")  # the names snarkjs accepts for BN254
# ffjavascript's final exponentiation uses the hard-part chain of Fuentes-Castaneda et al.,
# which computes a fixed power of the exact pairing: its e(P, Q) is ours raised to
# 2x(6x^2 + 3x + 1), x the BN parameter. Checked against snarkjs's vk_alphabeta_12.
_BN_X = 4965661367192848881
_FFJS_PAIRING_POWER = 2 * _BN_X * (6 * _BN_X * _BN_X + 3 * _BN_X + 1)

#: A point of the twist as ``((x0, x1), (y0, y1))``, not yet checked to be in G2.
G2Affine = tuple[tuple[int, int], tuple[int, int]]


def _load(data: object, what: str) -> object:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidEncoding(f"{what}: not UTF-8") from exc
    if isinstance(data, str):
        _check_depth(data, what)
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:  # also an int beyond Python's 4300 digits
            raise InvalidEncoding(f"{what}: not JSON ({exc})") from exc
    return data


def _check_depth(text: str, what: str) -> None:
    # The C JSON scanner can overflow the C stack (a crash, not an exception) on deeply
    # nested input; snarkjs's files nest at most 4 deep (vk_alphabeta_12).
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > _MAX_DEPTH:
            raise InvalidEncoding(f"{what}: JSON nested deeper than {_MAX_DEPTH} levels")


def _dump(value: object) -> str:
    return json.dumps(value, indent=1)


def _list(value: object, length: int, what: str) -> list:
    if not isinstance(value, list) or len(value) != length:
        raise InvalidEncoding(f"{what}: expected a list of {length} elements")
    return value


def g1_from_json(value: object, what: str = "G1 point") -> G1:
    """A G1 point from snarkjs's ``[x, y, z]`` (z = 1, or the identity ``["0","1","0"]``)."""
    x, y, z = (parse_decimal(c, what, FQ_MODULUS, "p") for c in _list(value, 3, what))
    if z == 0:
        if (x, y) != (0, 1):
            raise InvalidEncoding(f"{what}: the identity must be written [\"0\", \"1\", \"0\"]")
        return G1.identity()
    if z != 1:
        raise InvalidEncoding(f"{what}: projective z must be 1 (normalised) or 0")
    if x == 0 and y == 0:  # G1.from_affine would read (0, 0) as the EIP-197 identity
        raise InvalidPoint(f"{what}: (0, 0) is not on the curve")
    return G1.from_affine(x, y)


def g1_to_json(point: G1) -> list[str]:
    """snarkjs's form of a G1 point (see :func:`g1_from_json`)."""
    if point.is_identity():
        return ["0", "1", "0"]
    return [str(point.x), str(point.y), "1"]


def _fq2(value: object, what: str) -> tuple[int, int]:
    c0, c1 = (parse_decimal(c, what, FQ_MODULUS, "p") for c in _list(value, 2, what))
    return c0, c1


def _g2_coordinates(value: object, what: str) -> G2Affine | None:
    x, y, z = (_fq2(c, what) for c in _list(value, 3, what))
    if z == (0, 0):
        if (x, y) != ((0, 0), (1, 0)):
            raise InvalidEncoding(f"{what}: the identity must have x = 0, y = 1")
        return None
    if z != (1, 0):
        raise InvalidEncoding(f"{what}: projective z must be 1 (normalised) or 0")
    if x == (0, 0) and y == (0, 0):  # EIP-197 (and the native backend) read this as the identity
        raise InvalidPoint(f"{what}: (0, 0) is not on the twist")
    return x, y


def g2_not_in_subgroup(what: str) -> NotInSubgroup:
    """The error for the G2 point named ``what``, on the twist but outside G2: one message
    whether the point was checked alone (:func:`g2_from_json`) or in a batch
    (zkvote.snark.verifier.g2_subgroup_failures)."""
    return NotInSubgroup(f"{what}: G2 point outside the prime-order subgroup")


def g2_from_json(value: object, what: str = "G2 point") -> G2:
    """A G2 point from snarkjs's ``[[x0, x1], [y0, y1], [z0, z1]]`` (z = 1 or, for the
    identity, x = 0, y = 1, z = 0); checks the twist equation and the subgroup. Raises as
    :func:`g2_affine_from_json`, plus NotInSubgroup (:func:`g2_not_in_subgroup`)."""
    xy = g2_affine_from_json(value, what)
    _require_g2(xy, what)
    return G2._trusted(xy)


def _require_g2(xy: G2Affine | None, what: str) -> None:
    if xy is not None and not impl("g2").is_in_subgroup(xy):
        raise g2_not_in_subgroup(what)


def g2_affine_from_json(value: object, what: str = "G2 point") -> G2Affine | None:
    """As :func:`g2_from_json` but WITHOUT the subgroup check: the affine coordinates
    ``((x0, x1), (y0, y1))`` of a point on the twist (canonical, normalised), or None for the
    identity. Raises InvalidEncoding, FieldRangeError, InvalidPoint. The result is not a G2
    value: the caller must establish membership in G2 (e.g. for many points at once with
    zkvote.snark.verifier.g2_subgroup_failures) before treating it as one."""
    xy = _g2_coordinates(value, what)
    if xy is None:
        return None
    if not impl("g2").is_on_curve(xy):
        raise InvalidPoint(f"{what}: not on the twist")
    return xy


def g2_to_json(point: G2) -> list[list[str]]:
    """snarkjs's form of a G2 point (see :func:`g2_from_json`)."""
    if point.is_identity():
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    (x0, x1), (y0, y1) = point.to_affine()
    return [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]


def _header(doc: object, what: str) -> dict:
    if not isinstance(doc, dict):
        raise InvalidEncoding(f"{what}: expected a JSON object")
    if doc.get("protocol") != "groth16":
        raise InvalidEncoding(f"{what}: protocol must be \"groth16\", not {doc.get('protocol')!r}")
    if doc.get("curve") not in _CURVES:
        raise InvalidEncoding(f"{what}: curve must be bn128, not {doc.get('curve')!r}")
    return doc


def verifying_key_from_json(data: str | bytes | dict) -> VerifyingKey:
    """Parse a ``verification_key.json`` (text, bytes or an already parsed object).

    ``vk_alphabeta_12`` is optional and ignored (it is recomputed from alpha and beta).
    Errors as in the module docstring.
    """
    doc = _header(_load(data, "verification key"), "verification key")
    n_public = doc.get("nPublic")
    if not isinstance(n_public, int) or isinstance(n_public, bool) or n_public < 0:
        raise InvalidEncoding("verification key: nPublic must be a non-negative integer")
    ic = doc.get("IC")
    if not isinstance(ic, list):
        raise InvalidEncoding("verification key: IC must be a list of G1 points")
    if len(ic) != n_public + 1:
        raise InvalidArgument(f"verification key: nPublic = {n_public} needs {n_public + 1} IC "
                              f"points, found {len(ic)}")
    return VerifyingKey(
        alpha_g1=g1_from_json(doc.get("vk_alpha_1"), "vk_alpha_1"),
        beta_g2=g2_from_json(doc.get("vk_beta_2"), "vk_beta_2"),
        gamma_g2=g2_from_json(doc.get("vk_gamma_2"), "vk_gamma_2"),
        delta_g2=g2_from_json(doc.get("vk_delta_2"), "vk_delta_2"),
        gamma_abc_g1=tuple(g1_from_json(p, f"IC[{i}]") for i, p in enumerate(ic)),
    )


def _gt_to_json(coefficients: tuple[int, ...]) -> list:
    # Tower order c0.c0.c0, c0.c0.c1, c0.c1.c0, ... nests as [[[..,..] x3] x2].
    c = [str(v) for v in coefficients]
    return [[[c[6 * i + 2 * j], c[6 * i + 2 * j + 1]] for j in range(3)] for i in range(2)]


def verifying_key_to_json(vk: VerifyingKey) -> str:
    """The ``verification_key.json`` snarkjs writes for ``vk``, byte for byte (including
    ``vk_alphabeta_12``, e(alpha, beta) as ffjavascript computes it)."""
    if not isinstance(vk, VerifyingKey):
        raise InvalidEncoding(f"expected a VerifyingKey, not {type(vk).__name__}")
    return _dump({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.n_public,
        "vk_alpha_1": g1_to_json(vk.alpha_g1),
        "vk_beta_2": g2_to_json(vk.beta_g2),
        "vk_gamma_2": g2_to_json(vk.gamma_g2),
        "vk_delta_2": g2_to_json(vk.delta_g2),
        "vk_alphabeta_12": _gt_to_json(
            (pairing(vk.alpha_g1, vk.beta_g2) ** _FFJS_PAIRING_POWER).coefficients),
        "IC": [g1_to_json(p) for p in vk.gamma_abc_g1],
    })


def proof_points_from_json(data: str | bytes | dict, *, b_subgroup_check: bool = True
                           ) -> tuple[G1, G2Affine | None, G1]:
    """``(A, B, C)`` of a ``proof.json``, B as the affine twist coordinates that
    :func:`g2_affine_from_json` returns (None for the identity). Errors as in the module
    docstring, the same for every caller.

    With ``b_subgroup_check=False`` B is only checked to lie on the twist: for a caller that
    checks many proofs' B at once (zkvote.snark.verifier.g2_subgroup_failures, reporting a
    failure as :func:`g2_not_in_subgroup` ``("pi_b")``) before it makes B a G2 value. The
    subgroup check comes last either way, so both modes name the same first error."""
    doc = _header(_load(data, "proof"), "proof")
    a = g1_from_json(doc.get("pi_a"), "pi_a")
    b = g2_affine_from_json(doc.get("pi_b"), "pi_b")
    c = g1_from_json(doc.get("pi_c"), "pi_c")
    if b_subgroup_check:
        _require_g2(b, "pi_b")
    return a, b, c


def proof_from_json(data: str | bytes | dict) -> Proof:
    """Parse a ``proof.json``; errors as in the module docstring."""
    a, b, c = proof_points_from_json(data)
    return Proof(a_g1=a, b_g2=G2._trusted(b), c_g1=c)


def proof_to_json(proof: Proof) -> str:
    """The ``proof.json`` snarkjs writes for ``proof``."""
    if not isinstance(proof, Proof):
        raise InvalidEncoding(f"expected a Proof, not {type(proof).__name__}")
    return _dump({
        "pi_a": g1_to_json(proof.a_g1),
        "pi_b": g2_to_json(proof.b_g2),
        "pi_c": g1_to_json(proof.c_g1),
        "protocol": "groth16",
        "curve": "bn128",
    })


def public_from_json(data: str | bytes | list) -> list[int]:
    """Parse a ``public.json``: a list of canonical decimal strings, each < r
    (FieldRangeError otherwise). The count is checked against the key by the verifier."""
    doc = _load(data, "public signals")
    if not isinstance(doc, list):
        raise InvalidEncoding("public signals: expected a JSON list")
    return [parse_decimal(v, f"public signal {i}", FR_MODULUS, "r") for i, v in enumerate(doc)]


def public_to_json(values: list[int]) -> str:
    """The ``public.json`` snarkjs writes for ``values`` (each in [0, r))."""
    if isinstance(values, str | bytes) or not isinstance(values, list | tuple):
        raise InvalidEncoding("public signals must be a list of ints")
    return _dump([str(check_range(v, FR_MODULUS, "a public signal", "r")) for v in values])
