"""Every GraphQL error leaves with `extensions.code`; anything unexpected is masked as INTERNAL and logged."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.extensions import SchemaExtension

from infra.errors import ServiceError, UnavailableError, bad_input_from_validation, database_unavailable
from infra.logging import get_logger, request_id_var

log = get_logger(__name__)

CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "CONFLICT",
        "RATE_LIMITED",
        "MAX_COST_EXCEEDED",
        "UNAVAILABLE",
        "INTERNAL",
    }
)


# graphql-core's hints ("Did you mean 'me'?", "... the enum value 'X'?") name parts of a hidden schema.
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


def internal_error(error: GraphQLError, cause: BaseException | None) -> GraphQLError:
    """INTERNAL, logged once with the request id that the client also gets, to quote when reporting it."""
    request_id = request_id_var.get()
    log.error("graphql_internal_error", path=error.path, request_id=request_id, exc_info=cause)
    return GraphQLError(
        "internal error",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL", "requestId": request_id},
    )


def from_service_error(error: GraphQLError, exc: ServiceError) -> GraphQLError:
    if exc.code == "INTERNAL":
        return internal_error(error, exc)
    extensions: dict[str, object] = {"code": exc.code}
    if exc.field:
        extensions["field"] = exc.field
    if "fields" in exc.extra:
        extensions["fields"] = exc.extra["fields"]
    return GraphQLError(exc.message, nodes=error.nodes, path=error.path, extensions=extensions)


def map_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ServiceError):
        return from_service_error(error, original)
    if isinstance(original, ValidationError):
        return from_service_error(error, bad_input_from_validation(original))
    if original is not None and database_unavailable(original):
        return from_service_error(error, UnavailableError("the database is unavailable; retry"))
    if original is None or isinstance(original, GraphQLError):
        # Parse, validation and variable-coercion errors (and our own coded ones) are the caller's to fix.
        code = (error.extensions or {}).get("code")
        if code in CODES:
            return error
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            path=error.path,
            extensions={**(error.extensions or {}), "code": "BAD_USER_INPUT"},
        )
    return internal_error(error, original)


def hide_suggestions(error: GraphQLError) -> GraphQLError:
    message = without_suggestions(error.message)
    if message == error.message:
        return error
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=error.extensions)


class ErrorCodes(SchemaExtension):
    """Codes every error; `hides_suggestions` also strips graphql-core's "Did you mean" hints (production)."""

    hides_suggestions = False

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            errors = [map_error(error) for error in result.errors]
            result.errors = [hide_suggestions(error) for error in errors] if self.hides_suggestions else errors


class ProductionErrorCodes(ErrorCodes):
    """ErrorCodes for production: no hint names a type, field, argument, enum value or input field."""

    hides_suggestions = True
