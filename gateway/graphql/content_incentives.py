"""UGC incentives: the monthly content-star award, pending payouts and exposure boosts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from content_service.incentives.schemas import BoostGrant, ContentStarRun
from gateway.context import Info
from gateway.graphql.content_common import CommunityArg, operator_member, operator_scope
from gateway.graphql.pagination import check_first


@strawberry.type
class ContentStarAward:
    member_id: strawberry.ID
    rank: int
    score: float
    amount_minor: int = strawberry.field(description="Integer minor units of `currency`.")
    currency: str
    best_content_id: strawberry.ID


@strawberry.type(description="A month's winners; running the same month again returns this, paying nothing twice.")
class ContentStarResult:
    month: str
    ran_at: datetime
    rerun: bool
    budget_minor: int
    awards: list[ContentStarAward]


@strawberry.type(description="An award waiting for billing to offer payouts.")
class PendingPayout:
    id: strawberry.ID
    member_id: strawberry.ID
    month: str
    amount_minor: int
    currency: str
    status: str
    source: str
    created_at: datetime


@strawberry.type
class ExposureBoost:
    id: strawberry.ID
    content_id: strawberry.ID
    factor: float = strawberry.field(description="Exposure multiplier: +300% is 4.0.")
    starts_at: datetime
    ends_at: datetime
    reason: str


@strawberry.input
class RunContentStarInput:
    month: str = strawberry.field(description="YYYY-MM, a month that has ended.")


@strawberry.input
class GrantExposureBoostInput:
    content_id: strawberry.ID
    percent: int | None = strawberry.field(default=None, description="Default: the community's (playbook +300%).")
    days: int | None = None
    reason: str = "operator"


@strawberry.type
class IncentivesQuery:
    @strawberry.field(description="Operators: awards recorded as pending payouts.")
    async def pending_payouts(
        self, info: Info, first: int = 100, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> list[PendingPayout]:
        cid = await operator_scope(info, community_id)
        items = await info.context.services.content.pending_payouts(cid, limit=check_first(first))
        return [
            PendingPayout(
                id=strawberry.ID(p.id),
                member_id=strawberry.ID(p.member_id),
                month=p.month,
                amount_minor=p.amount_minor,
                currency=p.currency,
                status=p.status,
                source=p.source,
                created_at=p.created_at,
            )
            for p in items
        ]


@strawberry.type
class IncentivesMutation:
    @strawberry.mutation(description="Operators: select a month's content stars (safe to run again).")
    async def run_content_star(self, info: Info, input: RunContentStarInput) -> ContentStarResult:
        member = await operator_member(info)
        r = await info.context.services.content.run_content_star(
            member.community_id, ContentStarRun(actor_id=member.id, month=input.month)
        )
        return ContentStarResult(
            month=r.month,
            ran_at=r.ran_at,
            rerun=r.rerun,
            budget_minor=r.budget_minor,
            awards=[
                ContentStarAward(
                    member_id=strawberry.ID(a.member_id),
                    rank=a.rank,
                    score=a.score,
                    amount_minor=a.amount_minor,
                    currency=a.currency,
                    best_content_id=strawberry.ID(a.best_content_id),
                )
                for a in r.awards
            ],
        )

    @strawberry.mutation(description="Operators: boost a piece's exposure for a period; the ranker reads it.")
    async def grant_exposure_boost(self, info: Info, input: GrantExposureBoostInput) -> ExposureBoost:
        member = await operator_member(info)
        grant = BoostGrant(
            actor_id=member.id,
            content_id=str(input.content_id),
            percent=input.percent,
            days=input.days,
            reason=input.reason,
        )
        r = await info.context.services.content.grant_boost(member.community_id, grant)
        return ExposureBoost(
            id=strawberry.ID(r.id),
            content_id=strawberry.ID(r.content_id),
            factor=r.factor,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            reason=r.reason,
        )
