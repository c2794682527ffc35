"""Communities on the wire: what creating one takes and what a read returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, StringConstraints

from infra.schemas import ApiInput, ApiModel, Id, Slug

__all__ = ["CommunityCreate", "CommunityRead"]


def _check_timezone(value: str) -> str:
    if value not in available_timezones():
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown IANA timezone") from exc
    return value


Timezone = Annotated[str, AfterValidator(_check_timezone)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class CommunityCreate(ApiInput):
    slug: Slug
    name: Name
    timezone: Timezone = "UTC"
    parent_id: Id | None = None


class CommunityRead(ApiModel):
    id: str
    slug: str
    name: str
    timezone: str
    parent_id: str | None = None
    created_at: datetime
