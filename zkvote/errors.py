"""The one exception hierarchy of zkvote.

Everything zkvote raises on purpose derives from :class:`ZkvoteError`. Malformed input (bytes,
numbers, points from outside) raises a subclass of :class:`InvalidInput`, which is also a
``ValueError`` so that generic callers can catch it the usual way.
"""


class ZkvoteError(Exception):
    """Root of every error zkvote raises deliberately."""


class InvalidInput(ZkvoteError, ValueError):
    """A value that crossed a boundary is malformed."""


class InvalidEncoding(InvalidInput):
    """Bytes of the wrong length or layout, or a value of the wrong type."""


class FieldRangeError(InvalidInput):
    """A field element or scalar is negative or not below its modulus (non-canonical)."""


class InvalidPoint(InvalidInput):
    """A point is not on its curve."""


class NotInSubgroup(InvalidPoint):
    """A point is on its curve but outside the prime-order subgroup."""


class InvalidArgument(InvalidInput):
    """A parameter is out of its supported range (a size, a bound, a backend name)."""


class NoSquareRoot(ZkvoteError, ArithmeticError):
    """The field element is not a quadratic residue."""


class NotInvertible(ZkvoteError, ZeroDivisionError):
    """Zero has no multiplicative inverse."""


class DiscreteLogNotFound(ZkvoteError):
    """The discrete logarithm is not in the searched range."""


class InvalidProof(ZkvoteError):
    """A proof (Groth16, Schnorr, Chaum-Pedersen, Merkle, ...) does not verify."""


class InvalidBallot(InvalidInput):
    """A ballot is malformed or does not satisfy its poll (shape, rule, binding)."""


class DuplicateNullifier(ZkvoteError):
    """A second ballot with the same nullifier under the re-vote policy ``first``."""


class ProtocolError(ZkvoteError):
    """A protocol step was taken out of order or with inconsistent parties (e.g. too few
    trustees to decrypt, a DKG message from an unknown trustee)."""
