"""Acquisition on the wire: spend per channel, CAC reports and trial programs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from infra.schemas import ApiInput, ApiModel, Id
from users_service.domain.acquisition import Channel, ProgramKind

__all__ = [
    "AcquisitionReport",
    "ChannelCac",
    "Enrollment",
    "ProgramCreate",
    "ProgramList",
    "ProgramRead",
    "SpendCreate",
    "SpendRead",
    "SpendTotal",
]


class SpendCreate(ApiInput):
    """Money spent on one acquisition channel (integer minor units), e.g. one campaign's invoice."""

    channel: Channel
    amount_cents: Annotated[int, Field(ge=0, le=100_000_000_000)]
    currency: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")]
    spent_at: datetime
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class SpendRead(ApiModel):
    id: str
    channel: Channel
    amount_cents: int
    currency: str
    spent_at: datetime


class SpendTotal(ApiModel):
    """Acquisition spend in [start, end), in total and by channel (minor units of the community's currency)."""

    spend_cents: int
    by_channel: dict[str, int]


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
