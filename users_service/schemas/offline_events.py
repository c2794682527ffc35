"""Offline events on the wire: the event, registration with its QR token, on-site check-in, the funnel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints, model_validator

from infra.schemas import ApiInput, ApiModel, Id

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

__all__ = [
    "AttendanceRead",
    "OfflineCheckIn",
    "OfflineEventCreate",
    "OfflineEventFunnel",
    "OfflineEventList",
    "OfflineEventRead",
    "OfflineRegistration",
]


class OfflineEventCreate(ApiInput):
    """An on-site event of a campaign, with the content that warms it up online and exhibits it afterwards."""

    campaign_id: Id
    title: Title
    venue: Title
    starts_at: datetime
    ends_at: datetime
    warmup_content_id: Id | None = None
    exhibit_content_id: Id | None = None

    @model_validator(mode="after")
    def _window(self) -> OfflineEventCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("endsAt must be after startsAt")
        return self


class OfflineEventRead(ApiModel):
    id: str
    campaign_id: str
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    warmup_content_id: str | None
    exhibit_content_id: str | None
    created_at: datetime


class OfflineEventList(ApiModel):
    events: list[OfflineEventRead]


class OfflineRegistration(ApiInput):
    member_id: Id


class AttendanceRead(ApiModel):
    """A member's registration; `qr_token` is what staff scan at the door (signed, names event and member)."""

    event_id: str
    member_id: str
    registered_at: datetime
    checked_in_at: datetime | None
    qr_token: str | None = None


class OfflineCheckIn(ApiInput):
    qr_token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=200)]


class OfflineEventFunnel(ApiModel):
    """Warm-up viewers → registered → attendees → attendees active 72 hours after the event; exhibit viewers."""

    event_id: str
    warmup_viewers: int
    registered: int
    attendees: int
    retained_72h: int | None  # null until 72 hours after the event's end
    exhibit_viewers: int
    attendance_rate: float | None  # attendees ÷ registered
    retention_rate: float | None  # retained ÷ attendees
