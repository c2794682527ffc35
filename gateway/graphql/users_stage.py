"""The community's lifecycle stage and its KPIs against the playbook's targets."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.users_enums import LifecycleStage


@strawberry.type(description="One KPI: the stage it belongs to, its target, the measured value and the gap.")
class StageKpi:
    key: str
    stage: LifecycleStage
    description: str
    target: float
    actual: float
    gap: float = strawberry.field(description="actual - target; negative is short of the target.")
    met: bool


@strawberry.type
class CommunityStage:
    stage: LifecycleStage
    founded_at: datetime = strawberry.field(description="Creation, or the first member's join if earlier (imports).")
    months: int
    kpis: list[StageKpi] = strawberry.field(description="Every stage's KPIs, the current stage's first.")


@strawberry.type
class StageQuery:
    @strawberry.field(description="Operators: lifecycle stage and each KPI's target, actual and gap.")
    async def community_stage(self, info: Info, community_id: strawberry.ID | None = None) -> CommunityStage:
        cid = await info.context.operator_community(community_id)
        read = await info.context.services.users.community_stage(cid)
        return CommunityStage(
            stage=LifecycleStage(read.stage.value),
            founded_at=read.founded_at,
            months=read.months,
            kpis=[
                StageKpi(
                    key=k.key,
                    stage=LifecycleStage(k.stage.value),
                    description=k.description,
                    target=k.target,
                    actual=k.actual,
                    gap=k.gap,
                    met=k.met,
                )
                for k in read.kpis
            ],
        )
