"""Health mutations: operators compute a snapshot on demand and move an indicator's target."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.health.inputs import SetHealthTargetInput
from gateway.graphql.health.types import HealthIndicator
from users_service.schemas import TargetUpdate


@strawberry.type
class HealthMutation:
    @strawberry.mutation(
        description="Operators: compute every indicator now (the daily job's work), open or resolve alerts, and "
        "return the primary indicators."
    )
    async def compute_health_indicators(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[HealthIndicator]:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.compute_health(cid)
        return [HealthIndicator.from_read(i) for i in read.indicators]

    @strawberry.mutation(description="Operators: set one indicator's target and warn/critical lines (a default only).")
    async def set_health_target(self, info: Info, input: SetHealthTargetInput) -> HealthIndicator:
        cid = (await info.context.require_operator(input.community_id)).community_id
        lines = {"key": input.key, "target": input.target, "warn": input.warn, "critical": input.critical}
        update = TargetUpdate.model_validate({**lines, "opens_incident": input.opens_incident})
        return HealthIndicator.from_read(await info.context.services.users.set_health_target(cid, update))
