"""Planning a run's writes: a sweep where a whole tier moves, single updates for the exceptions."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from users_service.domain import tier_writes as writes
from users_service.domain.layers import Layer
from users_service.domain.tiering import TierState
from users_service.domain.tiers import Tier

NOW = datetime(2026, 6, 1, tzinfo=UTC)


OLD = datetime(2025, 1, 1, tzinfo=UTC)


def _members(n: int, tier: Tier = Tier.NEW) -> list[writes.Before]:
    return [writes.Before(ObjectId(), tier, Layer.BASE, OLD) for _ in range(n)]


def test_whole_tier_moving_is_one_sweep_plus_its_exceptions() -> None:
    before = _members(600)
    after = [TierState(Tier.POTENTIAL, NOW)] * 599 + [TierState(Tier.CASUAL, NOW)]
    layers = [Layer.BASE] * 599 + [Layer.ACTIVATED]
    sweeps, updates = writes.plan(before, after, layers, NOW)
    assert sweeps == [writes.Sweep(Tier.NEW, Tier.POTENTIAL, None)]
    assert [(u.member_id, u.fields) for u in updates] == [
        (before[599].id, {"tier": "CASUAL", "tier_since": NOW, "rfm_layer": "ACTIVATED"})
    ]


def test_sweep_stops_before_the_earliest_join_of_those_who_stay() -> None:
    recent = datetime(2026, 5, 20, tzinfo=UTC)
    before = [*_members(600), writes.Before(ObjectId(), Tier.NEW, Layer.BASE, recent)]
    after = [TierState(Tier.POTENTIAL, NOW)] * 600 + [TierState(Tier.NEW, NOW)]
    sweeps, updates = writes.plan(before, after, [Layer.BASE] * 601, NOW)
    assert (sweeps, updates) == ([writes.Sweep(Tier.NEW, Tier.POTENTIAL, recent)], [])


def test_no_sweep_when_those_who_stay_joined_first() -> None:
    before = [writes.Before(ObjectId(), Tier.NEW, Layer.BASE, datetime(2020, 1, 1, tzinfo=UTC)), *_members(600)]
    after = [TierState(Tier.NEW, NOW)] + [TierState(Tier.POTENTIAL, NOW)] * 600
    sweeps, updates = writes.plan(before, after, [Layer.BASE] * 601, NOW)
    assert (sweeps, len(updates)) == ([], 600)


def test_small_tiers_are_written_one_by_one() -> None:
    before = _members(10)
    sweeps, updates = writes.plan(before, [TierState(Tier.POTENTIAL, NOW)] * 10, [Layer.BASE] * 10, NOW)
    assert (sweeps, len(updates)) == ([], 10)
