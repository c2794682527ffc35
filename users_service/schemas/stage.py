"""Lifecycle stage on the wire: the stage and its KPIs against the targets."""

from __future__ import annotations

from datetime import datetime

from infra.schemas import ApiModel
from users_service.domain.stages import Stage

__all__ = [
    "KpiRead",
    "StageRead",
]


class KpiRead(ApiModel):
    key: str
    stage: Stage
    description: str
    target: float
    actual: float
    gap: float
    met: bool


class StageRead(ApiModel):
    stage: Stage
    founded_at: datetime
    months: int
    kpis: list[KpiRead]  # every stage's KPIs; those of the current stage first
