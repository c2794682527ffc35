"""A value's status against its thresholds, and its change against earlier snapshots."""

from __future__ import annotations

from users_service.domain.health.model import Direction, HealthStatus, Thresholds


def status_of(value: float | None, thresholds: Thresholds, direction: Direction) -> HealthStatus:
    """HIGHER: CRITICAL below `critical`, WARN below `warn`, else OK; LOWER mirrors it (above the lines)."""
    if value is None:
        return HealthStatus.NO_DATA
    if direction is Direction.HIGHER:
        if value < thresholds.critical:
            return HealthStatus.CRITICAL
        return HealthStatus.WARN if value < thresholds.warn else HealthStatus.OK
    if value > thresholds.critical:
        return HealthStatus.CRITICAL
    return HealthStatus.WARN if value > thresholds.warn else HealthStatus.OK


def change(current: float | None, earlier: float | None) -> float | None:
    """current - earlier (the 7- or 28-day trend); None unless both were measured."""
    if current is None or earlier is None:
        return None
    return round(current - earlier, 6)
