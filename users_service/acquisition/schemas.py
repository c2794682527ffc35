"""What the acquisition API accepts and returns; shared with `UsersClient`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from infra.schemas import ApiInput, ApiModel, Id
from users_service.acquisition.programs import ProgramKind
from users_service.domain.acquisition import Channel


class ChannelCac(ApiModel):
    channel: Channel
    signups: int
    spend_cents: int
    cac_cents: int | None
    avg_ltv_cents: int | None
    ltv_to_cac: float | None


class AcquisitionReport(ApiModel):
    start: datetime | None
    end: datetime | None
    signups: int
    spend_cents: int
    cac_cents: int | None
    ltv_to_cac_healthy_above: float
    channels: list[ChannelCac]


class ProgramCreate(ApiInput):
    kind: ProgramKind
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    starts_at: datetime


class Enrollment(ApiInput):
    member_id: Id


class ProgramRead(ApiModel):
    id: str
    kind: ProgramKind
    name: str
    duration_days: int
    starts_at: datetime
    ends_at: datetime
    enrolled: int
    ended: bool
    converted: int  # enrolled members who paid anything since the program started
    conversion_rate: float | None
    target_conversion_rate: float | None
    retained: int  # enrolled members active after the program ended
    retention_rate: float | None
    target_retention_rate: float | None


class ProgramList(ApiModel):
    programs: list[ProgramRead]
