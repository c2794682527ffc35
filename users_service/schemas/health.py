"""Health indicators on the wire: each indicator with its definition, targets, value, status and trend."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from infra.schemas import ApiInput, ApiModel
from users_service.domain.health.breakdowns import BreakdownDimension
from users_service.domain.health.model import AlertStatus, Dimension, Direction, HealthStatus, IndicatorLevel

__all__ = [
    "AlertList",
    "AlertRead",
    "BreakdownDimension",
    "BreakdownRead",
    "BreakdownSegment",
    "HealthHistoryPoint",
    "IndicatorDetail",
    "IndicatorList",
    "IndicatorRead",
    "TargetUpdate",
]

MAX_HISTORY = 365


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Finite = Annotated[float, AfterValidator(_finite)]


class IndicatorRead(ApiModel):
    key: str
    name: str
    level: IndicatorLevel
    dimension: Dimension
    parent: str | None
    unit: str
    direction: Direction
    definition: str
    basis: str
    value: float | None
    target: float
    warn: float
    critical: float
    status: HealthStatus
    change_7d: float | None  # value − the value of the newest snapshot at least 7 days older
    change_28d: float | None
    computed_at: datetime | None
    opens_incident: bool = False  # a CRITICAL breach opens a crisis incident (default per catalogue, operator-set)


class IndicatorList(ApiModel):
    computed_at: datetime | None  # None before the first computation: every status is NO_DATA
    indicators: list[IndicatorRead]


class HealthHistoryPoint(ApiModel):
    at: datetime
    value: float | None
    status: HealthStatus  # against the thresholds in force now


class BreakdownSegment(ApiModel):
    segment: str  # a tier, RFM layer or channel
    value: float | None
    status: HealthStatus  # against the community's lines for the indicator
    members: int  # the members the value is measured over (its denominator population)


class BreakdownRead(ApiModel):
    dimension: BreakdownDimension
    segments: list[BreakdownSegment]  # every segment of the dimension, in its order


class IndicatorDetail(ApiModel):
    indicator: IndicatorRead
    history: list[HealthHistoryPoint]  # newest first
    breakdowns: list[BreakdownRead] = []  # from the latest snapshot; none where the catalogue decides none


class TargetUpdate(ApiInput):
    """An operator's new target and lines for one indicator of their community."""

    key: Annotated[str, Field(min_length=1, max_length=64)]
    target: Finite
    warn: Finite
    critical: Finite
    opens_incident: bool | None = None  # None keeps the current setting


class AlertRead(ApiModel):
    id: str
    key: str
    severity: HealthStatus  # WARN or CRITICAL
    status: AlertStatus
    value: float
    threshold: float  # the line the value crossed
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    incident_id: str | None = None  # the crisis incident a CRITICAL breach opened (or joined)


class AlertList(ApiModel):
    alerts: list[AlertRead]
