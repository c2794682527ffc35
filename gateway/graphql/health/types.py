"""Object types of the health indicators."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.health.enums import (
    BreakdownDimension,
    HealthAlertStatus,
    HealthDimension,
    HealthDirection,
    HealthIndicatorLevel,
    HealthStatus,
)
from users_service.schemas import AlertRead, BreakdownRead, HealthHistoryPoint, IndicatorDetail, IndicatorRead


@strawberry.type(description="The change of the value against the newest snapshots 7 and 28 days older.")
class HealthTrend:
    change_7d: float | None = strawberry.field(description="value minus the value 7 days before; null without both.")
    change_28d: float | None = strawberry.field(description="value minus the value 28 days before.")


@strawberry.type(description="One health indicator of the caller's community, against its operator-set target.")
class HealthIndicator:
    key: str
    name: str
    level: HealthIndicatorLevel
    dimension: HealthDimension
    parent_key: str | None = strawberry.field(description="The primary indicator a secondary one sits beneath.")
    unit: str
    direction: HealthDirection
    definition: str = strawberry.field(description="The formula, over the event log, content, members and ledger.")
    basis: str = strawberry.field(description="Where the default target comes from (playbook or industry practice).")
    value: float | None = strawberry.field(description="Null before the first computation or with nothing to measure.")
    target: float
    warn: float = strawberry.field(description="Past this line (in the bad direction) the status is WARN.")
    critical: float = strawberry.field(description="Past this line the status is CRITICAL.")
    status: HealthStatus
    trend: HealthTrend
    computed_at: datetime | None
    opens_incident: bool

    @staticmethod
    def from_read(read: IndicatorRead) -> HealthIndicator:
        return HealthIndicator(
            key=read.key,
            name=read.name,
            level=read.level,
            dimension=read.dimension,
            parent_key=read.parent,
            unit=read.unit,
            direction=read.direction,
            definition=read.definition,
            basis=read.basis,
            value=read.value,
            target=read.target,
            warn=read.warn,
            critical=read.critical,
            status=read.status,
            trend=HealthTrend(change_7d=read.change_7d, change_28d=read.change_28d),
            computed_at=read.computed_at,
            opens_incident=read.opens_incident,
        )


@strawberry.type
class HealthIndicatorPoint:
    at: datetime
    value: float | None
    status: HealthStatus = strawberry.field(description="Against the lines in force now.")

    @staticmethod
    def from_read(read: HealthHistoryPoint) -> HealthIndicatorPoint:
        return HealthIndicatorPoint(at=read.at, value=read.value, status=read.status)


@strawberry.type(description="The indicator's value for one segment (a tier, RFM layer or channel).")
class IndicatorSegment:
    segment: str
    value: float | None
    status: HealthStatus
    members: int


@strawberry.type(description="The indicator per segment of one dimension, from the newest snapshot.")
class IndicatorBreakdown:
    dimension: BreakdownDimension
    segments: list[IndicatorSegment]

    @staticmethod
    def from_read(read: BreakdownRead) -> IndicatorBreakdown:
        return IndicatorBreakdown(
            dimension=read.dimension,
            segments=[
                IndicatorSegment(segment=s.segment, value=s.value, status=s.status, members=s.members)
                for s in read.segments
            ],
        )


@strawberry.type(description="An indicator with its snapshot history, newest first.")
class HealthIndicatorDetail:
    indicator: HealthIndicator
    history: list[HealthIndicatorPoint]
    breakdowns: list[IndicatorBreakdown]

    @staticmethod
    def from_read(read: IndicatorDetail) -> HealthIndicatorDetail:
        return HealthIndicatorDetail(
            indicator=HealthIndicator.from_read(read.indicator),
            history=[HealthIndicatorPoint.from_read(p) for p in read.history],
            breakdowns=[IndicatorBreakdown.from_read(b) for b in read.breakdowns],
        )


@strawberry.type(description="A breach: opened when a snapshot finds an indicator WARN or CRITICAL, resolved at OK.")
class HealthAlert:
    id: strawberry.ID
    key: str
    severity: HealthStatus
    status: HealthAlertStatus
    value: float
    threshold: float = strawberry.field(description="The line the value crossed.")
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    incident_id: strawberry.ID | None

    @staticmethod
    def from_read(read: AlertRead) -> HealthAlert:
        return HealthAlert(
            id=strawberry.ID(read.id),
            key=read.key,
            severity=read.severity,
            status=read.status,
            value=read.value,
            threshold=read.threshold,
            opened_at=read.opened_at,
            updated_at=read.updated_at,
            resolved_at=read.resolved_at,
            incident_id=strawberry.ID(read.incident_id) if read.incident_id else None,
        )
