import re

import pytest
from bson import ObjectId
from pydantic import TypeAdapter, ValidationError

from content_service.schemas import ContentLookup
from infra.errors import BadInputError
from infra.schemas import Slug, object_id

VALID_ID = "507f1f77bcf86cd799439011"
SLUG_PATTERN_MESSAGE = re.escape("String should match pattern '^[a-z0-9][a-z0-9-]{1,62}$'")


class TestObjectId:
    def test_parses_a_24_hex_id(self) -> None:
        assert object_id(VALID_ID) == ObjectId(VALID_ID)

    def test_accepts_upper_case_hex(self) -> None:
        assert object_id(VALID_ID.upper()) == ObjectId(VALID_ID)

    @pytest.mark.parametrize(
        "value",
        ["abc", "", "foobarfoobar", "z" * 24, VALID_ID + "0"],
        ids=["short", "empty", "12-byte-non-hex", "24-non-hex", "25-hex"],
    )
    def test_rejects_malformed_id_naming_the_field(self, value: str) -> None:
        with pytest.raises(BadInputError, match=r"^ownerId: not a valid id$") as exc_info:
            object_id(value, field="ownerId")

        assert exc_info.value.field == "ownerId"

    def test_field_defaults_to_id(self) -> None:
        with pytest.raises(BadInputError, match=r"^id: not a valid id$") as exc_info:
            object_id("abc")

        assert exc_info.value.field == "id"


class TestIdType:
    def test_accepts_24_hex_ids(self) -> None:
        assert ContentLookup(ids=[VALID_ID]).ids == [VALID_ID]

    def test_lower_cases_the_id(self) -> None:
        assert ContentLookup(ids=[VALID_ID.upper()]).ids == [VALID_ID]

    @pytest.mark.parametrize(
        "value",
        ["abc", "", "foobarfoobar", "z" * 24],
        ids=["short", "empty", "12-byte-non-hex", "24-non-hex"],
    )
    def test_rejects_malformed_id(self, value: str) -> None:
        with pytest.raises(ValidationError, match="Value error, not a valid id"):
            ContentLookup(ids=[VALID_ID, value])


class TestSlug:
    def test_lower_cases_and_trims(self) -> None:
        assert TypeAdapter(Slug).validate_python("  Spring-Camp-2027 ") == "spring-camp-2027"

    def test_accepts_two_characters(self) -> None:
        assert TypeAdapter(Slug).validate_python("a1") == "a1"

    @pytest.mark.parametrize(
        "value",
        ["a", "bad slug", "-leading-hyphen", "under_score", "x" * 64],
        ids=["too-short", "space", "leading-hyphen", "underscore", "too-long"],
    )
    def test_rejects_malformed_slug(self, value: str) -> None:
        with pytest.raises(ValidationError, match=SLUG_PATTERN_MESSAGE):
            TypeAdapter(Slug).validate_python(value)
