"""A parent's sub-communities: each child's figures side by side, their sum, and each child's incubation.

Figures come from each child's own data (content and billing aggregate their own collections through their
clients); nothing of one child is mixed into another's row. A child's incubation is recorded the first time its
checklist is seen complete by an overview, so the days it took stay fixed after (a parent that looks rarely
records them late: the figure is "days until seen complete").
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bson import ObjectId

from users_service.domain.incubation import IncubationFigures, checklist, progress
from users_service.domain.stages import Stage
from users_service.schemas.communities import CommunityRead
from users_service.schemas.sub_communities import (
    ChecklistItemRead,
    ChildFigures,
    IncubationRead,
    SubCommunitiesRead,
    SubCommunityRead,
)
from users_service.service.communities import CommunitiesService
from users_service.service.stage import StageService
from users_service.service.upstreams import Upstreams
from users_service.service.value import ValueService
from users_service.store.communities import CommunitiesStore
from users_service.store.members import MembersStore


class SubCommunitiesService:
    def __init__(
        self,
        communities: CommunitiesService,
        store: CommunitiesStore,
        members: MembersStore,
        value: ValueService,
        stage: StageService,
        upstreams: Upstreams,
        *,
        target_days: int,
    ) -> None:
        self.communities = communities
        self.store = store
        self.members = members
        self.value = value
        self.stage = stage
        self.upstreams = upstreams
        self.target_days = target_days

    async def overview(self, parent_id: ObjectId, *, now: datetime | None = None) -> SubCommunitiesRead:
        await self.communities.get_or_raise(parent_id)
        moment = now or datetime.now(UTC)
        children = [await self.child(c, moment) for c in await self.store.list_children(parent_id)]
        rollup = ChildFigures(
            members=sum(c.figures.members for c in children),
            tiers=_sum_tiers([c.figures.tiers for c in children]),
            published_pgc=sum(c.figures.published_pgc for c in children),
            published_ugc=sum(c.figures.published_ugc for c in children),
            published_commercial=sum(c.figures.published_commercial for c in children),
            revenue_cents=sum(c.figures.revenue_cents for c in children),
        )
        taken = [c.incubation.days_taken for c in children if c.incubation.days_taken is not None]
        return SubCommunitiesRead(
            children=children,
            rollup=rollup,
            target_days=self.target_days,
            incubated=len(taken),
            average_days_taken=round(sum(taken) / len(taken), 1) if taken else None,
        )

    async def child(self, community: CommunityRead, now: datetime) -> SubCommunityRead:
        cid = ObjectId(community.id)
        content, commerce, stage = await asyncio.gather(
            self.upstreams.content.content_figures(community.id, now),
            self.upstreams.billing.commerce_figures(community.id, now),
            self.stage.stage(cid, now=now),
        )
        tiers, _ = await self.value.current_counts(cid, "tier")
        figures = ChildFigures(
            members=sum(tiers.values()),
            tiers=dict(tiers),
            published_pgc=content.published_pgc,
            published_ugc=content.published_ugc,
            published_commercial=content.published_commercial,
            revenue_cents=commerce.revenue_cents,
        )
        items = checklist(
            IncubationFigures(
                operators=await self.members.count_operators(cid),
                members=figures.members,
                published=figures.published_pgc + figures.published_ugc + figures.published_commercial,
                revenue_cents=figures.revenue_cents,
                launch_kpis_met={k.key: k.met for k in stage.kpis if k.stage == Stage.LAUNCH},
            )
        )
        incubated_at = await self.store.incubated_at(cid)
        if incubated_at is None and all(i.met for i in items):
            incubated_at = await self.store.mark_incubated(cid, now)
        state = progress(
            items, created_at=community.created_at, incubated_at=incubated_at, now=now, target_days=self.target_days
        )
        incubation = IncubationRead(
            items=[ChecklistItemRead(key=i.key, description=i.description, met=i.met) for i in items],
            complete=state.complete,
            incubated_at=incubated_at,
            days_so_far=state.days_so_far,
            days_taken=state.days_taken,
            target_days=self.target_days,
            on_track=state.on_track,
            stage=stage.stage.value,
        )
        return SubCommunityRead(
            id=community.id,
            slug=community.slug,
            name=community.name,
            created_at=community.created_at,
            figures=figures,
            incubation=incubation,
        )


def _sum_tiers(rows: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for tier, n in row.items():
            total[tier] = total.get(tier, 0) + n
    return total
