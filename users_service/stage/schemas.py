"""What the lifecycle-stage API returns; shared with `UsersClient`."""

from __future__ import annotations

from datetime import datetime

from infra.schemas import ApiModel
from users_service.stage.stages import Stage


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
