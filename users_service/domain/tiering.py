"""The nine tiers: which one a member's recent behaviour qualifies for, and when a tier is kept or lost.

Pure functions. Rules, highest tier first (every threshold is a per-community setting, see `TierRules`):

| tier | a member qualifies when, over the rolling window (100 days by default) |
| --- | --- |
| AMBASSADOR | in the core RFM layer, published at least `koc_min_contents` pieces and paid something |
| CORE | in the core RFM layer, or predicted LTV in the community's top `core_share` |
| EXPERT | holds the EXPERT role |
| KOC | published at least `koc_min_contents` pieces and made at least `koc_min_events` engagement events |
| ACTIVE_CONTRIBUTOR | published at least `contributor_min_contents` piece |
| ACTIVE | at least `active_min_events` engagement events |
| CASUAL | at least one engagement event |
| NEW | joined less than `new_member_days` ago |
| POTENTIAL | registered, nothing of the above: no engagement in the window |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from users_service.domain.layers import Layer
from users_service.domain.tiers import Tier

RANK: dict[Tier, int] = {tier: rank for rank, tier in enumerate(Tier)}


@dataclass(frozen=True)
class TierRules:
    window_days: int = 100  # Discourse trust level 3: requirements over the last 100 days
    grace_days: int = 14  # ...and no demotion in the 14 days after a promotion
    new_member_days: int = 30
    active_min_events: int = 10
    contributor_min_contents: int = 1
    koc_min_contents: int = 5
    koc_min_events: int = 20


@dataclass(frozen=True)
class Signals:
    """What one member did over the rolling window, plus who they are."""

    events: int
    contents: int
    revenue_cents: int
    layer: Layer
    ltv_top: bool
    is_expert: bool
    joined_at: datetime


def qualified_tier(signals: Signals, rules: TierRules, now: datetime) -> Tier:
    core = signals.layer == Layer.CORE
    if core and signals.contents >= rules.koc_min_contents and signals.revenue_cents > 0:
        return Tier.AMBASSADOR
    if core or signals.ltv_top:
        return Tier.CORE
    if signals.is_expert:
        return Tier.EXPERT
    if signals.contents >= rules.koc_min_contents and signals.events >= rules.koc_min_events:
        return Tier.KOC
    if signals.contents >= rules.contributor_min_contents:
        return Tier.ACTIVE_CONTRIBUTOR
    if signals.events >= rules.active_min_events:
        return Tier.ACTIVE
    if signals.events >= 1:
        return Tier.CASUAL
    if now - signals.joined_at < timedelta(days=rules.new_member_days):
        return Tier.NEW
    return Tier.POTENTIAL


@dataclass(frozen=True)
class TierState:
    tier: Tier
    since: datetime  # when the member entered this tier


def next_state(current: TierState, qualified: Tier, rules: TierRules, now: datetime) -> TierState:
    """Promote at once; demote only once the grace period after the last promotion is over.

    Demotion is already slow because qualification looks at a rolling window: a member who stops taking
    part keeps qualifying until their activity leaves the window.
    """
    if RANK[qualified] > RANK[current.tier]:
        return TierState(qualified, now)
    if RANK[qualified] == RANK[current.tier]:
        return current
    if now - current.since < timedelta(days=rules.grace_days):
        return current
    return TierState(qualified, now)
