"""Lifecycle-stage rules: which stage a community is in, and each stage's KPIs measured against targets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from users_service.domain.stages import Kpi, Stage, months_between, share, stage_at
from users_service.domain.tiers import Tier
from users_service.schemas.stage import KpiRead, StageRead
from users_service.service.communities import CommunitiesService
from users_service.service.governance import GovernanceService
from users_service.service.upstreams import Upstreams
from users_service.service.value import ValueService
from users_service.store.members import MembersStore

MAU_DAYS = 30
RECENT_DAYS = 90
# The seed "core group" of the launch stage: members who contribute, and those above them.
CORE_GROUP = (Tier.ACTIVE_CONTRIBUTOR, Tier.KOC, Tier.EXPERT, Tier.CORE, Tier.AMBASSADOR)
KOC_LIKE = (Tier.KOC, Tier.AMBASSADOR)


@dataclass(frozen=True)
class StageTargets:
    seed_members: int
    koc_share: float
    mau: int
    content_mix: tuple[float, float, float]  # PGC, UGC, COMMERCIAL
    funnel_conversion: float
    committee: int
    sub_communities: int


class StageService:
    def __init__(
        self,
        members: MembersStore,
        communities: CommunitiesService,
        value: ValueService,
        governance: GovernanceService,
        upstreams: Upstreams,
        targets: StageTargets,
    ) -> None:
        self.members = members
        self.communities = communities
        self.value = value
        self.governance = governance
        self.upstreams = upstreams
        self.targets = targets

    async def stage(self, cid: ObjectId, *, now: datetime | None = None) -> StageRead:
        community = await self.communities.get_or_raise(cid)
        community_id = str(cid)
        now = now or datetime.now(UTC)
        first_join = await self.members.earliest_join(cid)
        founded = min(community.created_at, first_join) if first_join else community.created_at
        months = months_between(founded, now)
        current = stage_at(months)

        up = self.upstreams
        recent, paying, contents = await asyncio.gather(
            up.distribution.activity_by_member(community_id, since=now - timedelta(days=RECENT_DAYS)),
            up.billing.revenue_by_member(community_id, since=now - timedelta(days=RECENT_DAYS)),
            up.content.counts_by_author(community_id, since=now - timedelta(days=RECENT_DAYS)),
        )
        tiers, _ = await self.value.current_counts(cid, "tier")
        members = sum(tiers.values())
        core_group = sum(tiers.get(t.value, 0) for t in CORE_GROUP)
        koc = sum(tiers.get(t.value, 0) for t in KOC_LIKE)
        by_kind = {"PGC": 0, "UGC": 0, "COMMERCIAL": 0}
        for kinds in contents.values():
            for kind, n in kinds.items():
                by_kind[kind] = by_kind.get(kind, 0) + n
        published = sum(by_kind.values())
        # Every member listed had an engagement event in the 90 days; MAU are those whose last one is in 30.
        active = len(recent)
        monthly_active = sum(1 for a in recent.values() if a.last_at >= now - timedelta(days=MAU_DAYS))
        payers = sum(1 for cents in paying.values() if cents > 0)
        committee = await self.governance.committee_size(cid)
        t = self.targets
        kpis = [
            Kpi("seedMembers", Stage.LAUNCH, "members of the community", t.seed_members, members),
            Kpi(
                "kocShare",
                Stage.LAUNCH,
                "KOCs (and ambassadors) in the core group of contributors and up",
                t.koc_share,
                share(koc, core_group),
            ),
            Kpi(
                "mau",
                Stage.GROWTH,
                f"members with an engagement event in the last {MAU_DAYS} days",
                t.mau,
                monthly_active,
            ),
            Kpi(
                "contentMixPgc",
                Stage.GROWTH,
                f"professional share of content of the last {RECENT_DAYS} days",
                t.content_mix[0],
                share(by_kind["PGC"], published),
            ),
            Kpi(
                "contentMixUgc",
                Stage.GROWTH,
                f"UGC share of content of the last {RECENT_DAYS} days",
                t.content_mix[1],
                share(by_kind["UGC"], published),
            ),
            Kpi(
                "contentMixCommercial",
                Stage.GROWTH,
                f"commercial share of content of the last {RECENT_DAYS} days",
                t.content_mix[2],
                share(by_kind["COMMERCIAL"], published),
            ),
            Kpi(
                "funnelConversion",
                Stage.MATURITY,
                f"paying members over active members, last {RECENT_DAYS} days",
                t.funnel_conversion,
                share(payers, active),
            ),
            Kpi("governanceCommittee", Stage.MATURITY, "user committee seats (core RFM layer)", t.committee, committee),
            Kpi(
                "subCommunities",
                Stage.EXPANSION,
                "partner sub-communities incubated",
                t.sub_communities,
                await self.communities.count_sub_communities(cid),
            ),
        ]
        kpis.sort(key=lambda k: k.stage != current)
        return StageRead(
            stage=current,
            founded_at=founded,
            months=months,
            kpis=[
                KpiRead(
                    key=k.key,
                    stage=k.stage,
                    description=k.description,
                    target=k.target,
                    actual=k.actual,
                    gap=k.gap,
                    met=k.met,
                )
                for k in kpis
            ],
        )
