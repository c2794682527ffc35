"""Base for the pydantic models that travel between services: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from bson import ObjectId
from bson.errors import InvalidId
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel

from infra.errors import BadInputError


class ApiModel(BaseModel):
    """What a service returns; unknown fields are ignored so that a newer service can add fields."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ApiInput(ApiModel):
    """What a service accepts; an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


def _check_object_id(value: str) -> str:
    if not ObjectId.is_valid(value) or len(value) != 24:
        raise ValueError("not a valid id")
    return value.lower()


Id = Annotated[str, AfterValidator(_check_object_id)]
"""A MongoDB ObjectId in its 24-hex-digit text form."""


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""A date-time from a caller, in UTC: a naive value is read as UTC, an aware one converted."""


def _fold(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# Folded before the pattern is checked, so "DEMO" and "demo" are one slug.
Slug = Annotated[str, BeforeValidator(_fold), StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Handle = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}$")]


def object_id(value: str, *, field: str = "id") -> ObjectId:
    """Parse an id from a caller; a malformed one is BAD_USER_INPUT naming the field."""
    try:
        if len(value) != 24:
            raise InvalidId(value)
        return ObjectId(value)
    except (InvalidId, TypeError) as exc:
        raise BadInputError(f"{field}: not a valid id", field=field) from exc


def seg(value: str) -> str:
    """Deprecated name of `infra.paths.segment`, kept while modules move to it."""
    from infra.paths import segment

    return segment(value)
