import pytest
from pydantic import BaseModel, ValidationError

from billing_service.schemas import PlanCreate
from content_service.schemas import ContentLookup
from infra.errors import (
    BadInputError,
    ConflictError,
    ForbiddenError,
    InternalError,
    NotFoundError,
    RateLimitedError,
    ServiceError,
    UnauthenticatedError,
    UnavailableError,
    bad_input_from_validation,
    error_from_body,
)

ERROR_CLASSES = [
    BadInputError,
    UnauthenticatedError,
    ForbiddenError,
    NotFoundError,
    ConflictError,
    RateLimitedError,
    UnavailableError,
    InternalError,
]


def validation_error(model: type[BaseModel], **data: object) -> ValidationError:
    with pytest.raises(ValidationError) as exc_info:
        model(**data)
    return exc_info.value


def wire_validation_error(model: type[BaseModel], data: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as exc_info:
        model.model_validate(data)
    return exc_info.value


class TestErrorFromBody:
    @pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
    def test_round_trips_class_code_message_and_field(self, cls: type[ServiceError]) -> None:
        original = cls("something went wrong", field="planId")

        rebuilt = error_from_body(original.to_body(), cls.status)

        assert (type(rebuilt), rebuilt.code, rebuilt.message, rebuilt.field) == (
            cls,
            original.code,
            "something went wrong",
            "planId",
        )

    def test_round_trips_without_a_field(self) -> None:
        rebuilt = error_from_body(NotFoundError("no such plan").to_body(), 404)

        assert (type(rebuilt), rebuilt.message, rebuilt.field) == (NotFoundError, "no such plan", None)

    def test_round_trips_extra(self) -> None:
        original = ConflictError("taken", field="handle", extra={"existingId": "abc"})

        rebuilt = error_from_body(original.to_body(), 409)

        assert rebuilt.extra == {"existingId": "abc"}

    def test_unknown_code_becomes_internal_error(self) -> None:
        rebuilt = error_from_body({"error": "TeapotError", "code": "TEAPOT", "detail": "short and stout"}, 418)

        assert (type(rebuilt), rebuilt.code, rebuilt.message) == (InternalError, "INTERNAL", "short and stout")

    def test_body_without_code_becomes_internal_error(self) -> None:
        rebuilt = error_from_body({"detail": "bad gateway"}, 502)

        assert type(rebuilt) is InternalError

    def test_missing_detail_names_the_status(self) -> None:
        rebuilt = error_from_body({"code": "UNAVAILABLE"}, 503)

        assert rebuilt.message == "service answered 503"

    def test_non_string_field_is_dropped(self) -> None:
        rebuilt = error_from_body({"code": "BAD_USER_INPUT", "detail": "bad", "field": 7}, 400)

        assert rebuilt.field is None

    def test_non_dict_extra_is_dropped(self) -> None:
        rebuilt = error_from_body({"code": "BAD_USER_INPUT", "detail": "bad", "extra": ["x"]}, 400)

        assert rebuilt.extra == {}


class TestToBody:
    def test_renders_error_code_detail_and_field(self) -> None:
        assert NotFoundError("no such plan", field="planId").to_body() == {
            "error": "NotFoundError",
            "code": "NOT_FOUND",
            "detail": "no such plan",
            "field": "planId",
        }


class TestBadInputFromValidation:
    def test_names_the_camel_case_field_when_built_by_python_name(self) -> None:
        exc = validation_error(PlanCreate, name="x", price_cents=-1, currency="CNY", interval="MONTH")

        assert bad_input_from_validation(exc).field == "priceCents"

    def test_names_the_camel_case_field_when_validated_from_the_wire(self) -> None:
        exc = wire_validation_error(PlanCreate, {"name": "x", "priceCents": -1, "currency": "CNY", "interval": "MONTH"})

        assert bad_input_from_validation(exc).field == "priceCents"

    def test_code_is_bad_user_input(self) -> None:
        exc = validation_error(PlanCreate, name="x", price_cents=-1, currency="CNY", interval="MONTH")

        assert bad_input_from_validation(exc).code == "BAD_USER_INPUT"

    def test_message_is_prefixed_with_the_field(self) -> None:
        exc = wire_validation_error(PlanCreate, {"name": "x", "priceCents": -1, "currency": "CNY", "interval": "MONTH"})

        assert bad_input_from_validation(exc).message == "priceCents: Input should be greater than or equal to 0"

    def test_list_index_is_left_out_of_the_field(self) -> None:
        exc = validation_error(ContentLookup, ids=["0123456789abcdef01234567", "abc"])

        assert bad_input_from_validation(exc).field == "ids"

    def test_extra_lists_every_problem_with_its_full_location(self) -> None:
        exc = wire_validation_error(PlanCreate, {"name": "", "priceCents": -1, "currency": "CNY", "interval": "MONTH"})

        assert bad_input_from_validation(exc).extra == {
            "fields": [
                {"field": "name", "message": "String should have at least 1 character"},
                {"field": "priceCents", "message": "Input should be greater than or equal to 0"},
            ]
        }
