"""A parent's operators see their sub-communities side by side and rolled up, with each child's incubation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.graphql.arguments import CommunityArg
from gateway.graphql.users.enums import LifecycleStage, Tier
from users_service.schemas import ChildFigures, IncubationRead, SubCommunityRead


@strawberry.type(description="Members of one tier.")
class TierCount:
    tier: Tier = strawberry.field(description="One of the nine value tiers.")
    members: int = strawberry.field(description="Members in it now.")


@strawberry.type(description="A community's figures: members and tiers now; content and revenue of the last 30 days.")
class SubCommunityFigures:
    members: int = strawberry.field(description="Members now.")
    tiers: list[TierCount] = strawberry.field(description="Members per tier now, tiers with members only.")
    published_pgc: int = strawberry.field(description="Professional pieces published in the last 30 days.")
    published_ugc: int = strawberry.field(description="Members' pieces published in the last 30 days.")
    published_commercial: int = strawberry.field(description="Commercial pieces published in the last 30 days.")
    revenue_cents: int = strawberry.field(description="Revenue of the last 30 days, in cents (minor units).")

    @staticmethod
    def from_read(r: ChildFigures) -> SubCommunityFigures:
        return SubCommunityFigures(
            members=r.members,
            tiers=[TierCount(tier=Tier(t), members=n) for t, n in sorted(r.tiers.items()) if n],
            published_pgc=r.published_pgc,
            published_ugc=r.published_ugc,
            published_commercial=r.published_commercial,
            revenue_cents=r.revenue_cents,
        )


@strawberry.type(description="One item of the incubation checklist.")
class IncubationItem:
    key: str = strawberry.field(description="operatorAppointed, firstMembers, contentFlowing, firstRevenue, launch:*.")
    description: str = strawberry.field(description="What it asks.")
    met: bool = strawberry.field(description="Whether the child meets it now.")


@strawberry.type(description="A sub-community's incubation against the playbook's 45-day target.")
class Incubation:
    items: list[IncubationItem] = strawberry.field(description="The checklist, with the launch stage's KPIs.")
    complete: bool = strawberry.field(description="Every item met (now, or when it was recorded incubated).")
    incubated_at: datetime | None = strawberry.field(description="When the checklist was first seen complete.")
    days_so_far: int = strawberry.field(description="Days since the child was created (until incubated).")
    days_taken: int | None = strawberry.field(description="Days from creation to incubation; null while incubating.")
    target_days: int = strawberry.field(description="The target (45 days, `INCUBATION_TARGET_DAYS`).")
    on_track: bool = strawberry.field(description="Within the target, so far or in the end.")
    stage: str = strawberry.field(
        description="The child's lifecycle stage (see `communityStage`).", deprecation_reason="Use `lifecycleStage`."
    )

    @strawberry.field(description="The child's lifecycle stage as the `LifecycleStage` enum (see `communityStage`).")
    def lifecycle_stage(self) -> LifecycleStage:
        return LifecycleStage(self.stage)

    @staticmethod
    def from_read(r: IncubationRead) -> Incubation:
        return Incubation(
            items=[IncubationItem(key=i.key, description=i.description, met=i.met) for i in r.items],
            complete=r.complete,
            incubated_at=r.incubated_at,
            days_so_far=r.days_so_far,
            days_taken=r.days_taken,
            target_days=r.target_days,
            on_track=r.on_track,
            stage=r.stage,
        )


@strawberry.type(description="One sub-community, its figures and its incubation.")
class SubCommunity:
    id: strawberry.ID = strawberry.field(description="The child community's id.")
    slug: str = strawberry.field(description="The child's URL-safe identifier.")
    name: str = strawberry.field(description="The child's display name.")
    created_at: datetime = strawberry.field(description="When it was created under the parent.")
    figures: SubCommunityFigures = strawberry.field(description="Its own figures (no other child's data).")
    incubation: Incubation = strawberry.field(description="Its incubation checklist and days.")

    @staticmethod
    def from_read(r: SubCommunityRead) -> SubCommunity:
        return SubCommunity(
            id=strawberry.ID(r.id),
            slug=r.slug,
            name=r.name,
            created_at=r.created_at,
            figures=SubCommunityFigures.from_read(r.figures),
            incubation=Incubation.from_read(r.incubation),
        )


@strawberry.type(description="A parent's sub-communities side by side and rolled up.")
class SubCommunities:
    children: list[SubCommunity] = strawberry.field(description="Each child, oldest first.")
    rollup: SubCommunityFigures = strawberry.field(description="The children's figures summed.")
    target_days: int = strawberry.field(description="The incubation target in days (45 by default).")
    incubated: int = strawberry.field(description="Children whose incubation is complete.")
    average_days_taken: float | None = strawberry.field(
        description="The average days the incubated children took; null when none is."
    )


@strawberry.type
class SubCommunityQuery:
    @strawberry.field(
        description="Operators of a parent community: its sub-communities' figures side by side and rolled up, "
        "and their incubation."
    )
    async def sub_communities(
        self, info: Info, community_id: Annotated[strawberry.ID | None, CommunityArg] = None
    ) -> SubCommunities:
        cid = (await info.context.require_operator(community_id)).community_id
        read = await info.context.services.users.sub_communities(cid)
        return SubCommunities(
            children=[SubCommunity.from_read(c) for c in read.children],
            rollup=SubCommunityFigures.from_read(read.rollup),
            target_days=read.target_days,
            incubated=read.incubated,
            average_days_taken=read.average_days_taken,
        )
