"""The vocabulary of health indicators: levels, dimensions, direction, status and thresholds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

# Aggregated figures by name (see docs/health-indicators.md); None where a source could not measure one.
Figures = Mapping[str, float | None]
Formula = Callable[[Figures], float | None]


class IndicatorLevel(StrEnum):
    PRIMARY = "PRIMARY"
    SECONDARY = "SECONDARY"


class Dimension(StrEnum):
    MEMBERS = "MEMBERS"
    CONTENT = "CONTENT"
    COMMERCE = "COMMERCE"
    COMMUNITY = "COMMUNITY"


class Direction(StrEnum):
    """Which way is good: HIGHER (stickiness) or LOWER (churn, complaints)."""

    HIGHER = "HIGHER"
    LOWER = "LOWER"


class HealthStatus(StrEnum):
    OK = "OK"
    WARN = "WARN"
    CRITICAL = "CRITICAL"
    NO_DATA = "NO_DATA"


class AlertStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


@dataclass(frozen=True)
class Thresholds:
    """The aim (`target`) and the two lines past which a value is WARN, then CRITICAL."""

    target: float
    warn: float
    critical: float

    def misplaced(self, direction: Direction) -> str | None:
        """The first line out of order, if any: from good to bad they run target, warn, critical (ties allowed)."""
        order = (self.target, self.warn, self.critical)
        if direction is Direction.LOWER:
            order = (-self.target, -self.warn, -self.critical)
        if order[1] > order[0]:
            return "target"
        if order[2] > order[1]:
            return "critical"
        return None


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    level: IndicatorLevel
    dimension: Dimension
    unit: str
    direction: Direction
    definition: str  # the formula in words, over the named figures
    basis: str  # where the default target comes from
    defaults: Thresholds
    compute: Formula
    parent: str | None = None  # the primary a secondary sits beneath
