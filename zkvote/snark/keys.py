"""Groth16 data structures: verifying key, proving key, proof (arkworks' names and shapes).

Every value here holds validated group elements (:class:`~zkvote.g1.G1` and
:class:`~zkvote.g2.G2` check curve and subgroup membership when built from outside data), so
the only checks left to the constructors are types and lengths. The proving key follows
snarkjs's ``.zkey`` layout: the ``a_query``/``b_*_query`` run over all wires, ``l_query`` over
the private wires only, and ``h_query`` holds the Lagrange basis of the domain of size
``2 * domain_size`` at its odd indices (see :mod:`zkvote.snark.prover`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zkvote.backend import current
from zkvote.errors import InvalidArgument, InvalidEncoding
from zkvote.g1 import G1, PreparedG1Points
from zkvote.g2 import G2, PreparedG2Points
from zkvote.pairing import GT, PreparedG2, miller_loop, pairing


def _check_points(values: object, kind: type, name: str) -> None:
    if not isinstance(values, tuple | list):
        raise InvalidEncoding(f"{name} must be a list of {kind.__name__} points")
    for value in values:
        if not isinstance(value, kind):
            raise InvalidEncoding(f"{name} must hold {kind.__name__} points only")


def _check_point(value: object, kind: type, name: str) -> None:
    if not isinstance(value, kind):
        raise InvalidEncoding(f"{name} must be a {kind.__name__}, not {type(value).__name__}")


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof (A, B, C): two G1 points and one G2 point."""

    a_g1: G1
    b_g2: G2
    c_g1: G1

    def __post_init__(self) -> None:
        _check_point(self.a_g1, G1, "a_g1")
        _check_point(self.b_g2, G2, "b_g2")
        _check_point(self.c_g1, G1, "c_g1")


@dataclass(frozen=True)
class VerifyingKey:
    """A Groth16 verifying key; ``gamma_abc_g1`` (snarkjs's ``IC``) has one point per public
    input plus one for the constant wire, so ``n_public == len(gamma_abc_g1) - 1``."""

    alpha_g1: G1
    beta_g2: G2
    gamma_g2: G2
    delta_g2: G2
    gamma_abc_g1: tuple[G1, ...]

    def __post_init__(self) -> None:
        _check_point(self.alpha_g1, G1, "alpha_g1")
        for name in ("beta_g2", "gamma_g2", "delta_g2"):
            _check_point(getattr(self, name), G2, name)
        _check_points(self.gamma_abc_g1, G1, "gamma_abc_g1")
        if len(self.gamma_abc_g1) < 1:
            raise InvalidArgument("gamma_abc_g1 needs at least the constant wire's point")
        object.__setattr__(self, "gamma_abc_g1", tuple(self.gamma_abc_g1))

    @property
    def n_public(self) -> int:
        """Number of public inputs a proof under this key is checked against."""
        return len(self.gamma_abc_g1) - 1


@dataclass(frozen=True, eq=False)
class PreparedVerifyingKey:
    """A verifying key with the work shared by all verifications done once: e(alpha, beta),
    -gamma and -delta with their Miller loop lines precomputed (``gamma_g2_neg_prepared``,
    ``delta_g2_neg_prepared``), beta's lines (``beta_g2_prepared``), and the input points
    loaded for the vk_x MSM. Build with :func:`prepare_verifying_key`."""

    vk: VerifyingKey
    alpha_g1_beta_g2: GT
    gamma_g2_neg: G2
    delta_g2_neg: G2
    inputs_g1: PreparedG1Points
    gamma_g2_neg_prepared: PreparedG2
    delta_g2_neg_prepared: PreparedG2
    beta_g2_prepared: PreparedG2
    _miller: dict = field(default_factory=dict, repr=False, compare=False)

    def neg_alpha_beta_miller(self) -> GT:
        """The Miller loop value of (-alpha, beta), whose final exponentiation is
        e(alpha, beta)^-1: multiplied into a verification's Miller product it stands for the
        fourth pair at the cost of one Fq12 product. Miller values differ between backends,
        so it is cached per backend."""
        backend = current()
        value = self._miller.get(backend)
        if value is None:
            value = self._miller[backend] = miller_loop(
                [(-self.vk.alpha_g1, self.beta_g2_prepared)]
            )
        return value


def prepare_verifying_key(vk: VerifyingKey) -> PreparedVerifyingKey:
    """Precompute what :func:`zkvote.snark.verifier.verify` needs (one pairing, two
    negations, three prepared G2 points). Raises InvalidEncoding if ``vk`` is not a
    VerifyingKey."""
    if not isinstance(vk, VerifyingKey):
        raise InvalidEncoding(f"expected a VerifyingKey, not {type(vk).__name__}")
    gamma_g2_neg = -vk.gamma_g2
    delta_g2_neg = -vk.delta_g2
    return PreparedVerifyingKey(
        vk=vk,
        alpha_g1_beta_g2=pairing(vk.alpha_g1, vk.beta_g2),
        gamma_g2_neg=gamma_g2_neg,
        delta_g2_neg=delta_g2_neg,
        inputs_g1=PreparedG1Points(vk.gamma_abc_g1[1:]),
        gamma_g2_neg_prepared=PreparedG2(gamma_g2_neg),
        delta_g2_neg_prepared=PreparedG2(delta_g2_neg),
        beta_g2_prepared=PreparedG2(vk.beta_g2),
    )


@dataclass(frozen=True, eq=False)
class ProvingKey:
    """A Groth16 proving key for a circuit with ``n_wires`` wires (``vk.n_public`` of them
    public, after the constant wire) over a radix-2 domain of ``domain_size`` points.

    ``a_query``, ``b_g1_query``, ``b_g2_query``: A_j(tau), B_j(tau) for every wire j;
    ``l_query``: (beta A_j + alpha B_j + C_j)(tau) / delta for the private wires;
    ``h_query``: L_{2i+1}(tau) / delta for i < domain_size, L being the Lagrange basis of
    the domain of size 2 * domain_size (snarkjs's ``hExps``).
    """

    vk: VerifyingKey
    beta_g1: G1
    delta_g1: G1
    a_query: tuple[G1, ...]
    b_g1_query: tuple[G1, ...]
    b_g2_query: tuple[G2, ...]
    h_query: tuple[G1, ...]
    l_query: tuple[G1, ...]
    domain_size: int
    _prepared: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_point(self.vk, VerifyingKey, "vk")
        _check_point(self.beta_g1, G1, "beta_g1")
        _check_point(self.delta_g1, G1, "delta_g1")
        for name, kind in (("a_query", G1), ("b_g1_query", G1), ("b_g2_query", G2),
                           ("h_query", G1), ("l_query", G1)):
            _check_points(getattr(self, name), kind, name)
            object.__setattr__(self, name, tuple(getattr(self, name)))
        n = self.domain_size
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or n & (n - 1):
            raise InvalidArgument(f"domain_size must be a power of two, not {n!r}")
        n_wires = len(self.a_query)
        if len(self.b_g1_query) != n_wires or len(self.b_g2_query) != n_wires:
            raise InvalidArgument("a_query, b_g1_query and b_g2_query need one point per wire")
        if len(self.l_query) != n_wires - self.vk.n_public - 1:
            raise InvalidArgument("l_query needs one point per private wire")
        if len(self.h_query) != n:
            raise InvalidArgument("h_query needs one point per domain element")

    @property
    def n_wires(self) -> int:
        """Number of wires, the constant wire included."""
        return len(self.a_query)

    def prepared(self, name: str) -> PreparedG1Points | PreparedG2Points:
        """The query ``name`` loaded once into the current backend for repeated MSMs
        (cached per backend)."""
        key = (name, current())
        if key not in self._prepared:
            kind = PreparedG2Points if name == "b_g2_query" else PreparedG1Points
            self._prepared[key] = kind(getattr(self, name))
        return self._prepared[key]
