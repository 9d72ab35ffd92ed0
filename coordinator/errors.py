"""Errors of the service layer and their HTTP form.

Every error answer is ``{"error": {"code": CODE, "message": ONE_LINE}}`` with a 4xx status.
The codes are stable (clients and tests match on them); messages are for people. Library
errors (:mod:`zkvote.errors`) map by class, most specific first; the service adds its own
classes below, all subclasses of :class:`zkvote.errors.ZkvoteError`.
"""

from __future__ import annotations

from zkvote.errors import (
    DiscreteLogNotFound,
    DuplicateNullifier,
    FieldRangeError,
    InvalidArgument,
    InvalidBallot,
    InvalidEncoding,
    InvalidInput,
    InvalidPoint,
    InvalidProof,
    NotInSubgroup,
    ProtocolError,
    ZkvoteError,
)


class ServiceError(ZkvoteError):
    """An error the service raises itself; ``status`` and ``code`` are its HTTP form."""

    status = 400
    code = "bad_request"


class NotFound(ServiceError):
    """The poll, group, entry or document does not exist."""

    status, code = 404, "not_found"


class Conflict(ServiceError):
    """The resource exists already, or the request does not fit the current state."""

    status, code = 409, "conflict"


class WrongState(Conflict):
    """The poll is not in a state that allows this (e.g. a ballot for a closed poll)."""

    code = "wrong_state"


class ReplayedBallot(Conflict):
    """A ballot (or challenged ballot) with the same tracking code is on the board already."""

    code = "replayed_ballot"


class Unauthorized(ServiceError):
    """Missing, malformed, stale, replayed or badly signed authentication."""

    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    """Authenticated, but not as a party allowed to do this."""

    status, code = 403, "forbidden"


class PayloadTooLarge(ServiceError):
    """The request body exceeds the configured limit."""

    status, code = 413, "payload_too_large"


class RateLimited(ServiceError):
    """The client sent more requests than its token bucket allows."""

    status, code = 429, "rate_limited"


class Unavailable(ServiceError):
    """The service is shutting down or overloaded; retry later."""

    status, code = 503, "unavailable"


# (class, status, code), most specific first: the first isinstance match wins.
_LIBRARY = (
    (DuplicateNullifier, 409, "duplicate_nullifier"),
    (InvalidBallot, 422, "invalid_ballot"),
    (InvalidProof, 422, "invalid_proof"),
    (NotInSubgroup, 400, "not_in_subgroup"),
    (InvalidPoint, 400, "invalid_point"),
    (FieldRangeError, 400, "field_range"),
    (InvalidEncoding, 400, "invalid_encoding"),
    (InvalidArgument, 400, "invalid_argument"),
    (InvalidInput, 400, "invalid_input"),
    (ProtocolError, 409, "protocol_error"),
    (DiscreteLogNotFound, 422, "tally_not_decodable"),
)


def http_error(exc: BaseException) -> tuple[int, dict]:
    """(status, body) for ``exc``: its own status/code for a ServiceError, the table above for
    library errors, 400 ``invalid_input`` for any other ZkvoteError. The message is the
    exception's first line, at most 300 characters."""
    if isinstance(exc, ServiceError):
        status, code = exc.status, exc.code
    else:
        status, code = 400, "invalid_input"
        for cls, s, c in _LIBRARY:
            if isinstance(exc, cls):
                status, code = s, c
                break
    return status, error_body(code, str(exc) or code)


def error_body(code: str, message: str) -> dict:
    """``{"error": {"code", "message"}}`` with ``message`` cut to one line of at most 300
    characters (no stack traces or multi-line dumps leave the service)."""
    line = message.strip().splitlines()[0] if message.strip() else code
    return {"error": {"code": code, "message": line[:300]}}


__all__ = ["Conflict", "Forbidden", "NotFound", "PayloadTooLarge", "RateLimited",
           "ReplayedBallot", "ServiceError", "Unauthorized", "Unavailable", "WrongState",
           "error_body", "http_error"]
