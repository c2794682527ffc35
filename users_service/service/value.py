"""Member value rules: the batch job that scores RFM and moves members between tiers, and the reads of it."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from bson import ObjectId

from infra.errors import ConflictError
from users_service.domain import perks as perks_domain
from users_service.domain import rfm
from users_service.domain import tier_writes as writes
from users_service.domain.jobs import Progress, no_progress
from users_service.domain.layers import Layer
from users_service.domain.perks import Perk
from users_service.domain.roles import Role
from users_service.domain.tiering import RANK, Signals, TierRules, TierState, next_state, qualified_tier
from users_service.domain.tiers import Tier
from users_service.schemas.value import (
    LayerShare,
    LayerTreatmentRead,
    PerkEffect,
    RfmPyramid,
    TierChangeRead,
    TierDistribution,
    TierRunRead,
    TierShare,
    TreatmentList,
    TreatmentRead,
    ValueConfig,
)
from users_service.service.communities import CommunitiesService
from users_service.service.scoring_clock import ScoringClock
from users_service.service.upstreams import Upstreams
from users_service.service.webhook_events import WebhookEvents, tier_changed
from users_service.store.base import Doc, Session
from users_service.store.members import MembersStore, MemberState
from users_service.store.value import ValueStore

# A PATCH of the settings re-reads and re-applies its changes when another one landed meanwhile, this many times.
CONFIG_ATTEMPTS = 8
TIER_EVENT_CHUNK = 1000


def rules_from(config: ValueConfig) -> TierRules:
    return TierRules(
        window_days=config.window_days,
        grace_days=config.grace_days,
        new_member_days=config.new_member_days,
        active_min_events=config.active_min_events,
        contributor_min_contents=config.contributor_min_contents,
        koc_min_contents=config.koc_min_contents,
        koc_min_events=config.koc_min_events,
    )


def treatments_of(config: ValueConfig) -> dict[Layer, TreatmentRead]:
    """Each layer's treatment (the community's, else the playbook's), with what each of its perks does."""
    chosen = {
        **{layer: (t.summary, list(t.perks)) for layer, t in rfm.DEFAULT_TREATMENTS.items()},
        **{layer: (t.summary, list(t.perks)) for layer, t in (config.treatments or {}).items()},
    }
    return {
        layer: TreatmentRead(
            summary=summary,
            perks=perks,
            effects=[PerkEffect(perk=p, acts=perks_domain.acts(p), effect=perks_domain.effect_of(p)) for p in perks],
        )
        for layer, (summary, perks) in chosen.items()
    }


def layers_with(treatments: dict[Layer, TreatmentRead], perk: Perk) -> list[Layer]:
    """The layers whose treatment grants `perk`, in pyramid order."""
    return [layer for layer in Layer if perk in treatments[layer].perks]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _top_ltv(states: list[MemberState], share: float) -> set[ObjectId]:
    """Members whose predicted LTV is in the community's top `share` (of all members), among those above 0."""
    valued = sorted((s for s in states if s.ltv_cents), key=lambda s: s.ltv_cents or 0, reverse=True)
    return {s.id for s in valued[: int(len(states) * share + 0.5)]}


class ValueService:
    def __init__(
        self,
        store: ValueStore,
        members: MembersStore,
        communities: CommunitiesService,
        upstreams: Upstreams,
        events: WebhookEvents | None = None,
    ) -> None:
        self.events = events  # tier.changed, when some endpoint takes it
        self.store = store
        self.members = members
        self.communities = communities
        self.upstreams = upstreams
        self.clock = ScoringClock(communities, upstreams)

    async def _record_tier_changes(self, cid: ObjectId, changes: list[Doc]) -> None:
        """The changes, with a tier.changed event each when an endpoint takes them: one transaction per chunk of
        1,000 (short enough for the database's transaction lifetime)."""
        if self.events is None or not await self.events.wanted(cid, "tier.changed"):
            await self.store.insert_tier_changes(changes)
            return
        for start in range(0, len(changes), TIER_EVENT_CHUNK):
            chunk = changes[start : start + TIER_EVENT_CHUNK]

            async def insert(session: Session, chunk: list[Doc] = chunk) -> list[Doc]:
                await self.store.insert_tier_changes(chunk, session=session)
                return chunk

            await self.events.write(insert, lambda written: [tier_changed(c) for c in written])

    async def get_config(self, cid: ObjectId) -> ValueConfig:
        await self.communities.get_or_raise(cid)
        return await self.store.get_config(cid) or ValueConfig()

    async def update_config(self, cid: ObjectId, changes: dict[str, Any]) -> ValueConfig:
        """The community's config with `changes` (wire field names) applied, validated whole and stored.

        Compare-and-set on the stored version: when another change landed between the read and the write, the
        changes are applied again to what is stored now, so concurrent changes of different fields all stay.
        """
        await self.communities.get_or_raise(cid)
        for _ in range(CONFIG_ATTEMPTS):
            current, version = await self.store.get_config_version(cid)
            stored = (current or ValueConfig()).model_dump(by_alias=True)
            merged = {**stored, **changes}
            if changes.get("treatments"):  # one layer's treatment changes alone; the others stay
                merged["treatments"] = {**(stored.get("treatments") or {}), **changes["treatments"]}
            config = ValueConfig.model_validate(merged)
            if await self.store.replace_config(cid, config, expected=version):
                return config
        raise ConflictError("the member-value settings kept changing meanwhile; try again")

    async def recompute(
        self, cid: ObjectId, *, now: datetime | None = None, progress: Progress | None = None
    ) -> TierRunRead:
        """Score RFM, cut the pyramid and move members between tiers; only changed documents are written.

        Scored as of `now`, by default the scoring clock's moment (an imported history: its last activity).
        `progress` hears the share done as the run passes its phases (a background job's progress).
        """
        report = progress or no_progress
        await self.communities.get_or_raise(cid)
        community_id = str(cid)
        config = await self.store.get_config(cid) or ValueConfig()
        rules = rules_from(config)
        started = time.perf_counter()
        started_at = datetime.now(UTC)
        now = now or await self.clock.moment(cid)
        rfm_since = now - timedelta(days=config.rfm_window_days)
        window_since = now - timedelta(days=rules.window_days)
        up = self.upstreams
        year_activity, window_activity, year_revenue, window_revenue, window_contents = await asyncio.gather(
            up.distribution.activity_by_member(community_id, since=rfm_since),
            up.distribution.activity_by_member(community_id, since=window_since),
            up.billing.revenue_by_member(community_id, since=rfm_since),
            up.billing.revenue_by_member(community_id, since=window_since),
            up.content.counts_by_author(community_id, since=window_since),
        )
        await report(0.4)
        read_at = datetime.now(UTC)
        # In id order (who joined the platform first), so that exact ties at a cut of the pyramid are broken by a
        # stated rule, not by the order the database returns documents in.
        states = sorted(await self.members.list_states(cid), key=lambda s: s.id)
        await report(0.5)
        n = len(states)
        recency = np.full(n, np.nan)
        frequency = np.zeros(n)
        monetary = np.zeros(n)
        for i, state in enumerate(states):
            activity = year_activity.get(str(state.id))
            if activity is not None:
                # Whole days: members active the same day tie instead of being ranked by seconds.
                recency[i] = max((now - activity.last_at).days, 0)
                frequency[i] = activity.events
            monetary[i] = year_revenue.get(str(state.id), 0)
        scores = rfm.score(recency, frequency, monetary)
        layers = rfm.assign_layers(
            scores, monetary, frequency, activated_share=config.activated_share, core_share=config.core_share
        )
        top_ltv = _top_ltv(states, config.core_share)

        afters: list[TierState] = []
        changes: list[dict[str, Any]] = []
        run_id = ObjectId()
        layer_changes = 0
        for i, state in enumerate(states):
            key = str(state.id)
            activity = window_activity.get(key)
            signals = Signals(
                events=activity.events if activity else 0,
                contents=sum(window_contents.get(key, {}).values()),
                revenue_cents=window_revenue.get(key, 0),
                layer=layers[i],
                ltv_top=state.id in top_ltv,
                is_expert=Role.EXPERT.value in state.roles,
                joined_at=state.joined_at,
            )
            qualified = qualified_tier(signals, rules, now)
            after = next_state(TierState(state.tier, state.tier_since), qualified, rules, now)
            afters.append(after)
            if after.tier != state.tier:
                changes.append(
                    {
                        "community_id": cid,
                        "member_id": state.id,
                        "from": state.tier.value,
                        "to": after.tier.value,
                        "at": now,
                        "run_id": run_id,
                    }
                )
            if layers[i] != state.layer:
                layer_changes += 1
        await report(0.6)
        before = [writes.Before(s.id, s.tier, s.layer, s.joined_at) for s in states]
        sweeps, updates = writes.plan(before, afters, layers, now)
        last_read = max((s.id for s in states), default=None)
        for sweep in sweeps:
            assert last_read is not None
            await self.members.sweep_tier(
                cid,
                sweep.from_tier,
                sweep.to_tier,
                since=now,
                last_read=last_read,
                joined_before=min(read_at, sweep.joined_before or read_at),
            )
        await self.members.apply_updates(cid, updates)
        await report(0.9)
        if changes:
            await self._record_tier_changes(cid, changes)
        moves = Counter((c["from"], c["to"]) for c in changes)
        tier_counts = Counter(state.tier.value for state in states)
        for change in changes:
            tier_counts[change["from"]] -= 1
            tier_counts[change["to"]] += 1
        promotions = sum(1 for c in changes if RANK[Tier(c["to"])] > RANK[Tier(c["from"])])
        return await self.store.insert_run(
            {
                "_id": run_id,
                "community_id": cid,
                # When it ran, not the moment it scored as of: the views show the latest run whatever its asOf.
                "started_at": started_at,
                "as_of": now,
                "duration_ms": int((time.perf_counter() - started) * 1000),
                "members": n,
                "promotions": promotions,
                "demotions": len(changes) - promotions,
                "layer_changes": layer_changes,
                "read_at": read_at,
                "tier_counts": {k: v for k, v in tier_counts.items() if v},
                "layer_counts": dict(Counter(layer.value for layer in layers)),
                "moves": [{"fromTier": f, "toTier": t, "members": m} for (f, t), m in sorted(moves.items(), key=str)],
            }
        )

    async def last_activity_at(self, cid: ObjectId) -> datetime | None:
        await self.communities.get_or_raise(cid)
        return await self.clock.last_activity_at(cid)

    async def tier_distribution(self, cid: ObjectId) -> TierDistribution:
        await self.communities.get_or_raise(cid)
        config = await self.store.get_config(cid) or ValueConfig()
        counts, computed_at = await self.current_counts(cid, "tier")
        total = sum(counts.values())
        return TierDistribution(
            members=total,
            tiers=[
                TierShare(
                    tier=tier,
                    members=counts.get(tier.value, 0),
                    share=_share(counts.get(tier.value, 0), total),
                    target_share=config.tier_targets.get(tier),
                )
                for tier in Tier
            ],
            computed_at=computed_at,
        )

    async def current_counts(self, cid: ObjectId, field: str) -> tuple[dict[str, int], datetime | None]:
        """Members per tier or layer: the latest run's counts plus members who joined after it read them.

        Only the batch job moves members between tiers and layers, so this equals a count over every member
        document while reading only the newcomers (a full count takes seconds on a 100,000-member community).
        """
        latest = await self.store.get_latest_run_counts(cid)
        if latest is None or "read_at" not in latest:
            live = await (self.members.count_by_tier(cid) if field == "tier" else self.members.count_by_layer(cid))
            return live, None
        counts: Counter[str] = Counter(latest["tier_counts" if field == "tier" else "layer_counts"])
        counts.update(await self.members.count_joined_since(cid, latest["read_at"], field))
        return dict(counts), latest["started_at"]

    async def rfm_pyramid(self, cid: ObjectId) -> RfmPyramid:
        await self.communities.get_or_raise(cid)
        config = await self.store.get_config(cid) or ValueConfig()
        counts, computed_at = await self.current_counts(cid, "rfm_layer")
        total = sum(counts.values())
        targets = {
            Layer.BASE: config.base_share,
            Layer.ACTIVATED: config.activated_share,
            Layer.CORE: config.core_share,
        }
        treatments = treatments_of(config)
        return RfmPyramid(
            members=total,
            layers=[
                LayerShare(
                    layer=layer,
                    members=counts.get(layer.value, 0),
                    share=_share(counts.get(layer.value, 0), total),
                    target_share=targets[layer],
                    treatment=treatments[layer],
                )
                for layer in Layer
            ],
            computed_at=computed_at,
        )

    async def treatments(self, cid: ObjectId) -> TreatmentList:
        await self.communities.get_or_raise(cid)
        chosen = treatments_of(await self.store.get_config(cid) or ValueConfig())
        return TreatmentList(layers=[LayerTreatmentRead(layer=layer, treatment=chosen[layer]) for layer in Layer])

    async def list_runs(self, cid: ObjectId, *, limit: int) -> list[TierRunRead]:
        await self.communities.get_or_raise(cid)
        return await self.store.list_runs(cid, limit=limit)

    async def tier_history(self, cid: ObjectId, member_id: ObjectId, *, limit: int) -> list[TierChangeRead]:
        return await self.store.list_tier_changes(cid, member_id, limit=limit)
