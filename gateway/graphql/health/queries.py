"""Health root queries: operators only."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.health.enums import HealthAlertStatus, HealthIndicatorLevel
from gateway.graphql.health.types import HealthAlert, HealthIndicator, HealthIndicatorDetail
from gateway.graphql.pagination import check_first


@strawberry.type
class HealthQuery:
    @strawberry.field(
        description="Operators: every indicator of the level (12 PRIMARY or 38 SECONDARY), NO_DATA before the first "
        "computation."
    )
    async def health_indicators(
        self,
        info: Info,
        level: HealthIndicatorLevel = HealthIndicatorLevel.PRIMARY,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[HealthIndicator]:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.health_indicators(cid, level.value)
        return [HealthIndicator.from_read(i) for i in read.indicators]

    @strawberry.field(description="Operators: one indicator with its definition and its newest `first` snapshots.")
    async def health_indicator(
        self, info: Info, key: str, first: int = 30, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> HealthIndicatorDetail:
        cid = (await info.context.require_operator(community_id)).community_id
        detail = await info.context.services.users.health_indicator(cid, key, limit=check_first(first))
        return HealthIndicatorDetail.from_read(detail)

    @strawberry.field(description="Operators: breach alerts, newest first.")
    async def health_alerts(
        self,
        info: Info,
        status: HealthAlertStatus | None = None,
        first: int = 50,
        community_id: Annotated[strawberry.ID | None, CommunityArg] = None,
    ) -> list[HealthAlert]:
        cid = (await info.context.require_operator(community_id)).community_id
        users = info.context.services.users
        read = await users.health_alerts(cid, status=status.value if status else None, limit=check_first(first))
        return [HealthAlert.from_read(a) for a in read.alerts]
