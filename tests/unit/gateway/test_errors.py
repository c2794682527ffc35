from collections.abc import Iterator

import pytest
from graphql import GraphQLError
from pydantic import ValidationError

from billing_service.schemas import PlanCreate
from gateway.errors import map_error
from infra.errors import NotFoundError
from infra.logging import request_id_var

PATH = ["subscribe"]


@pytest.fixture
def request_id() -> Iterator[str]:
    token = request_id_var.set("req-42")
    yield "req-42"
    request_id_var.reset(token)


def raised(original: Exception) -> GraphQLError:
    """What graphql-core hands over when a resolver raises `original`."""
    return GraphQLError(str(original), path=PATH, original_error=original)


class TestMapError:
    def test_service_error_keeps_its_message_code_and_field(self) -> None:
        mapped = map_error(raised(NotFoundError("no plan with id p1 in this community", field="planId")))

        assert mapped.formatted == {
            "message": "no plan with id p1 in this community",
            "path": PATH,
            "extensions": {"code": "NOT_FOUND", "field": "planId"},
        }

    def test_service_error_without_field_has_code_only(self) -> None:
        mapped = map_error(raised(NotFoundError("no such member")))

        assert mapped.extensions == {"code": "NOT_FOUND"}

    def test_error_without_original_is_bad_user_input(self) -> None:
        mapped = map_error(GraphQLError("Cannot query field 'nope' on type 'Query'."))

        assert mapped.formatted == {
            "message": "Cannot query field 'nope' on type 'Query'.",
            "extensions": {"code": "BAD_USER_INPUT"},
        }

    def test_error_without_original_keeps_a_known_code(self) -> None:
        error = GraphQLError("sign in first", extensions={"code": "UNAUTHENTICATED"})

        assert map_error(error).extensions == {"code": "UNAUTHENTICATED"}

    def test_validation_error_is_bad_user_input_naming_the_field(self) -> None:
        with pytest.raises(ValidationError) as exc_info:
            PlanCreate.model_validate({"name": "x", "priceCents": -1, "currency": "CNY", "interval": "MONTH"})

        mapped = map_error(raised(exc_info.value))

        assert (mapped.message, mapped.extensions) == (
            "priceCents: Input should be greater than or equal to 0",
            {
                "code": "BAD_USER_INPUT",
                "field": "priceCents",
                "fields": [{"field": "priceCents", "message": "Input should be greater than or equal to 0"}],
            },
        )

    def test_unexpected_error_is_masked_as_internal(self, request_id: str) -> None:
        mapped = map_error(raised(RuntimeError("db password is hunter2")))

        assert mapped.formatted == {
            "message": "internal error",
            "path": PATH,
            "extensions": {"code": "INTERNAL", "requestId": request_id},
        }

    def test_unexpected_error_does_not_leak_its_message(self) -> None:
        mapped = map_error(raised(RuntimeError("db password is hunter2")))

        assert "hunter2" not in str(mapped.formatted)
