"""Every INTERNAL reaches the client with a requestId and the log with the same id; hints can be stripped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import GraphQLError
from structlog.testing import capture_logs

from gateway.errors import map_error, without_suggestions
from infra.errors import InternalError
from infra.logging import request_id_var


@pytest.fixture
def request_id() -> Iterator[str]:
    token = request_id_var.set("req-7")
    yield "req-7"
    request_id_var.reset(token)


def raised(original: Exception) -> GraphQLError:
    return GraphQLError(str(original), path=["me"], original_error=original)


@pytest.mark.parametrize(
    "original", [InternalError("users service answered 500"), RuntimeError("boom")], ids=["service", "unexpected"]
)
def test_internal_is_logged_with_the_request_id_the_client_sees(request_id: str, original: Exception) -> None:
    with capture_logs() as logs:
        mapped = map_error(raised(original))
    assert mapped.extensions == {"code": "INTERNAL", "requestId": request_id}
    assert mapped.message == "internal error"
    assert [(entry["event"], entry["request_id"]) for entry in logs] == [("graphql_internal_error", request_id)]


@pytest.mark.parametrize(
    ("message", "bare"),
    [
        ("Cannot query field 'mee' on type 'Query'. Did you mean 'me'?", "Cannot query field 'mee' on type 'Query'."),
        ("Unknown type 'Usr'. Did you mean 'User', 'Users' or 'UserInput'?", "Unknown type 'Usr'."),
        (
            "Value 'MORNIN' does not exist in 'Slot' enum. Did you mean the enum value 'MORNING'?",
            "Value 'MORNIN' does not exist in 'Slot' enum.",
        ),
        (
            "Variable '$i' got invalid value {...}; Field 'handl' is not defined by type 'LoginInput'."
            " Did you mean 'handle'?",
            "Variable '$i' got invalid value {...}; Field 'handl' is not defined by type 'LoginInput'.",
        ),
    ],
)
def test_suggestions_are_stripped(message: str, bare: str) -> None:
    assert without_suggestions(message) == bare
