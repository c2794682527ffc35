"""Lifecycle-stage rules: which stage a community is in, and each stage's KPIs measured against targets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from infra.errors import NotFoundError
from infra.schemas import object_id
from users_service.domain.tiers import Tier
from users_service.governance.store import GovernanceStore
from users_service.stage.schemas import KpiRead, StageRead
from users_service.stage.stages import Kpi, Stage, months_between, share, stage_at
from users_service.stage.store import StageStore
from users_service.store import UsersStore
from users_service.value.service import Upstreams, ValueService

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
        store: StageStore,
        users: UsersStore,
        value: ValueService,
        governance: GovernanceStore,
        upstreams: Upstreams,
        targets: StageTargets,
    ) -> None:
        self.store = store
        self.users = users
        self.value_service = value
        self.governance = governance
        self.upstreams = upstreams
        self.targets = targets

    async def stage(self, community_id: str, *, now: datetime | None = None) -> StageRead:
        cid = object_id(community_id, field="communityId")
        community = await self.users.get_community(cid)
        if community is None:
            raise NotFoundError(f"no community with id {community_id}", field="communityId")
        now = now or datetime.now(UTC)
        first_join = await self.store.earliest_join(cid)
        founded = min(community.created_at, first_join) if first_join else community.created_at
        months = months_between(founded, now)
        current = stage_at(months)

        up = self.upstreams
        recent, paying, contents = await asyncio.gather(
            up.distribution.activity_by_member(community_id, since=now - timedelta(days=RECENT_DAYS)),
            up.billing.revenue_by_member(community_id, since=now - timedelta(days=RECENT_DAYS)),
            up.content.counts_by_author(community_id, since=now - timedelta(days=RECENT_DAYS)),
        )
        tiers, _ = await self.value_service.current_counts(cid, "tier")
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
        committee = min(await self.governance.count_core(cid), self.targets.committee)
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
                await self.store.count_sub_communities(cid),
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
