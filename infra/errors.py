"""The platform's error vocabulary, shared by services (raised), clients (re-raised) and the gateway (mapped).

A service renders a `ServiceError` as JSON `{"error", "code", "detail", "field"}` with its HTTP status; the
client of that service raises the same class again from the body, so the gateway sees one vocabulary whether
the service runs in-process or across the network.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationError
from pydantic.alias_generators import to_camel
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError


class ServiceError(Exception):
    code: ClassVar[str] = "INTERNAL"
    status: ClassVar[int] = 500

    def __init__(self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": type(self).__name__, "code": self.code, "detail": self.message}
        if self.field:
            body["field"] = self.field
        if self.extra:
            body["extra"] = self.extra
        return body


class BadInputError(ServiceError):
    code = "BAD_USER_INPUT"
    status = 400


class UnauthenticatedError(ServiceError):
    code = "UNAUTHENTICATED"
    status = 401


class ForbiddenError(ServiceError):
    code = "FORBIDDEN"
    status = 403


class NotFoundError(ServiceError):
    code = "NOT_FOUND"
    status = 404


class ConflictError(ServiceError):
    code = "CONFLICT"
    status = 409


class RateLimitedError(ServiceError):
    code = "RATE_LIMITED"
    status = 429


class UnavailableError(ServiceError):
    code = "UNAVAILABLE"
    status = 503


class InternalError(ServiceError):
    code = "INTERNAL"
    status = 500


ERRORS_BY_CODE: dict[str, type[ServiceError]] = {
    cls.code: cls
    for cls in (
        BadInputError,
        UnauthenticatedError,
        ForbiddenError,
        NotFoundError,
        ConflictError,
        RateLimitedError,
        UnavailableError,
        InternalError,
    )
}


def database_unavailable(exc: BaseException) -> bool:
    """True for the driver's ways of saying the database cannot be reached now (down, restarting, too slow).

    Such a failure is UNAVAILABLE to the caller, who may retry, never INTERNAL: the server is gone or the
    transaction's bounded retries ran out (a `TransientTransactionError`, or CSOT's ExecutionTimeout).
    """
    if isinstance(exc, ConnectionFailure | ExecutionTimeout):
        return True  # AutoReconnect, NetworkTimeout and ServerSelectionTimeoutError are ConnectionFailures
    return isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError")


def error_from_body(body: dict[str, Any], status: int) -> ServiceError:
    """Rebuild the error a service rendered; unknown shapes become `InternalError`."""
    cls = ERRORS_BY_CODE.get(str(body.get("code")), InternalError)
    message = str(body.get("detail") or f"service answered {status}")
    field = body.get("field")
    extra = body.get("extra")
    return cls(
        message, field=field if isinstance(field, str) else None, extra=extra if isinstance(extra, dict) else None
    )


def bad_input_from_validation(exc: ValidationError) -> BadInputError:
    """The first problem pydantic found, with the offending field named by its public (camelCase) name."""
    first = exc.errors()[0]
    field = _field_name(first["loc"])
    message = first["msg"]
    if field:
        message = f"{field}: {message}"
    details = [{"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]} for err in exc.errors()[:20]]
    return BadInputError(message, field=field, extra={"fields": details})


def _field_name(loc: tuple[int | str, ...]) -> str | None:
    """The public (camelCase) path of a field, whichever name the model was built with."""
    return ".".join(to_camel(part) for part in loc if isinstance(part, str)) or None
