"""Member value for operators: the tier distribution, the RFM pyramid, batch runs and per-community settings."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Info
from gateway.graphql.enums import Tier
from gateway.graphql.pagination import check_first
from gateway.graphql.users_enums import RfmLayer
from users_service.value.schemas import LayerShare, TierChangeRead, TierRunRead, TierShare, ValueConfig

COMMUNITY_ARG = "Required with the admin key; an operator's token implies their community."


@strawberry.type(description="One tier of a community: head count, share, and the playbook's target share.")
class TierDistributionEntry:
    tier: Tier
    members: int
    share: float
    target_share: float | None = strawberry.field(description="The playbook's share where it gives one (38%, 22%).")

    @staticmethod
    def from_read(read: TierShare) -> TierDistributionEntry:
        return TierDistributionEntry(
            tier=Tier(read.tier.value), members=read.members, share=read.share, target_share=read.target_share
        )


@strawberry.type(description="How operators treat a layer; perks are codes other services act on.")
class LayerTreatment:
    summary: str
    perks: list[str]


@strawberry.type(description="One layer of the RFM pyramid.")
class RfmPyramidLayer:
    layer: RfmLayer
    members: int
    share: float
    target_share: float
    treatment: LayerTreatment

    @staticmethod
    def from_read(read: LayerShare) -> RfmPyramidLayer:
        return RfmPyramidLayer(
            layer=RfmLayer(read.layer.value),
            members=read.members,
            share=read.share,
            target_share=read.target_share,
            treatment=LayerTreatment(summary=read.treatment.summary, perks=list(read.treatment.perks)),
        )


@strawberry.type
class TierMovement:
    from_tier: Tier
    to_tier: Tier
    members: int


@strawberry.type(description="One run of the tier batch job and the movements between tiers it made.")
class TierRun:
    id: strawberry.ID
    started_at: datetime
    duration_ms: int
    members: int
    promotions: int
    demotions: int
    layer_changes: int
    movements: list[TierMovement]

    @staticmethod
    def from_read(read: TierRunRead) -> TierRun:
        return TierRun(
            id=strawberry.ID(read.id),
            started_at=read.started_at,
            duration_ms=read.duration_ms,
            members=read.members,
            promotions=read.promotions,
            demotions=read.demotions,
            layer_changes=read.layer_changes,
            movements=[
                TierMovement(from_tier=Tier(m.from_tier.value), to_tier=Tier(m.to_tier.value), members=m.members)
                for m in read.moves
            ],
        )


@strawberry.type
class TierChange:
    from_tier: Tier
    to_tier: Tier
    at: datetime

    @staticmethod
    def from_read(read: TierChangeRead) -> TierChange:
        return TierChange(from_tier=Tier(read.from_tier.value), to_tier=Tier(read.to_tier.value), at=read.at)


@strawberry.type(description="A community's pyramid proportions and tier thresholds.")
class MemberValueSettings:
    base_share: float
    activated_share: float
    core_share: float
    rfm_window_days: int
    window_days: int = strawberry.field(description="Rolling window of tier rules (Discourse TL3: 100 days).")
    grace_days: int = strawberry.field(description="No demotion this long after a promotion (Discourse TL3: 14).")
    new_member_days: int
    active_min_events: int
    contributor_min_contents: int
    koc_min_contents: int
    koc_min_events: int

    @staticmethod
    def from_read(read: ValueConfig) -> MemberValueSettings:
        return MemberValueSettings(
            **{name: getattr(read, name) for name in MemberValueSettings.__annotations__ if hasattr(read, name)}
        )


@strawberry.input
class RecomputeTiersInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    as_of: datetime | None = strawberry.field(
        default=None, description="Score as of this moment instead of now (imported histories)."
    )


@strawberry.input
class ConfigureMemberValueInput:
    community_id: strawberry.ID | None = strawberry.field(default=None, description=COMMUNITY_ARG)
    base_share: float | None = None
    activated_share: float | None = None
    core_share: float | None = None
    rfm_window_days: int | None = None
    window_days: int | None = None
    grace_days: int | None = None
    new_member_days: int | None = None
    active_min_events: int | None = None
    contributor_min_contents: int | None = None
    koc_min_contents: int | None = None
    koc_min_events: int | None = None


@strawberry.type
class MemberValueQuery:
    @strawberry.field(description="Operators: members per tier, all nine tiers, beside the playbook's targets.")
    async def tier_distribution(
        self, info: Info, community_id: strawberry.ID | None = None
    ) -> list[TierDistributionEntry]:
        cid = await info.context.operator_community(community_id)
        read = await info.context.services.users.tier_distribution(cid)
        return [TierDistributionEntry.from_read(t) for t in read.tiers]

    @strawberry.field(description="Operators: the three RFM layers with shares, target shares and treatments.")
    async def rfm_pyramid(self, info: Info, community_id: strawberry.ID | None = None) -> list[RfmPyramidLayer]:
        cid = await info.context.operator_community(community_id)
        read = await info.context.services.users.rfm_pyramid(cid)
        return [RfmPyramidLayer.from_read(layer) for layer in read.layers]

    @strawberry.field(description="Operators: the latest runs of the tier batch job, newest first.")
    async def tier_runs(self, info: Info, first: int = 20, community_id: strawberry.ID | None = None) -> list[TierRun]:
        cid = await info.context.operator_community(community_id)
        runs = await info.context.services.users.list_tier_runs(cid, limit=check_first(first))
        return [TierRun.from_read(r) for r in runs]

    @strawberry.field(description="Operators: a member's movements between tiers, newest first.")
    async def tier_history(
        self, info: Info, member_id: strawberry.ID, first: int = 20, community_id: strawberry.ID | None = None
    ) -> list[TierChange]:
        cid = await info.context.operator_community(community_id)
        changes = await info.context.services.users.tier_history(cid, str(member_id), limit=check_first(first))
        return [TierChange.from_read(c) for c in changes]

    @strawberry.field(description="Operators: the community's pyramid proportions and tier thresholds.")
    async def member_value_settings(self, info: Info, community_id: strawberry.ID | None = None) -> MemberValueSettings:
        cid = await info.context.operator_community(community_id)
        return MemberValueSettings.from_read(await info.context.services.users.get_value_config(cid))


@strawberry.type
class MemberValueMutation:
    @strawberry.mutation(description="Operators: run the tier batch job now (RFM, pyramid, tiers with history).")
    async def recompute_tiers(self, info: Info, input: RecomputeTiersInput) -> TierRun:
        cid = await info.context.operator_community(input.community_id)
        return TierRun.from_read(await info.context.services.users.recompute_tiers(cid, input.as_of))

    @strawberry.mutation(description="Operators: change pyramid proportions (must add up to 1) or tier thresholds.")
    async def configure_member_value(self, info: Info, input: ConfigureMemberValueInput) -> MemberValueSettings:
        cid = await info.context.operator_community(input.community_id)
        changes = {k: v for k, v in vars(input).items() if k != "community_id" and v is not None}
        return MemberValueSettings.from_read(await info.context.services.users.update_value_config(cid, changes))
