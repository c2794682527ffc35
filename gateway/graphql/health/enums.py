"""Public enums of the health indicators: users_service's own enums under their GraphQL names."""

from __future__ import annotations

import strawberry

from users_service.schemas import AlertStatus as HealthAlertStatus
from users_service.schemas import BreakdownDimension, HealthStatus
from users_service.schemas import Dimension as HealthDimension
from users_service.schemas import Direction as HealthDirection
from users_service.schemas import IndicatorLevel as HealthIndicatorLevel

strawberry.enum(
    HealthIndicatorLevel, name="HealthIndicatorLevel", description="12 PRIMARY indicators, 38 SECONDARY beneath them."
)
strawberry.enum(HealthDimension, name="HealthDimension", description="What an indicator watches.")
strawberry.enum(HealthDirection, name="HealthDirection", description="Which way an indicator is better.")
strawberry.enum(
    HealthStatus,
    name="HealthStatus",
    description="A value against its lines: OK, WARN, CRITICAL, or NO_DATA (never computed, or nothing to measure).",
)
strawberry.enum(HealthAlertStatus, name="HealthAlertStatus", description="OPEN while the breach lasts.")
strawberry.enum(
    BreakdownDimension, name="BreakdownDimension", description="How an indicator's members are split into segments."
)

__all__ = [
    "BreakdownDimension",
    "HealthAlertStatus",
    "HealthDimension",
    "HealthDirection",
    "HealthIndicatorLevel",
    "HealthStatus",
]
