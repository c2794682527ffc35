"""Tier rules, and promotion/demotion with the grace period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from users_service.domain.layers import Layer
from users_service.domain.tiering import Signals, TierRules, TierState, next_state, qualified_tier
from users_service.domain.tiers import Tier

NOW = datetime(2026, 6, 1, tzinfo=UTC)
RULES = TierRules()
OLD = NOW - timedelta(days=365)


def _signals(**overrides: object) -> Signals:
    values: dict[str, object] = {
        "events": 0,
        "contents": 0,
        "revenue_cents": 0,
        "layer": Layer.BASE,
        "ltv_top": False,
        "is_expert": False,
        "joined_at": OLD,
    }
    values.update(overrides)
    return Signals(**values)  # type: ignore[arg-type]


def test_registered_without_engagement_is_potential() -> None:
    assert qualified_tier(_signals(), RULES, NOW) == Tier.POTENTIAL


def test_recent_joiner_without_engagement_is_new() -> None:
    assert qualified_tier(_signals(joined_at=NOW - timedelta(days=3)), RULES, NOW) == Tier.NEW


def test_activity_levels() -> None:
    assert [qualified_tier(_signals(events=e), RULES, NOW) for e in (1, 9, 10)] == [
        Tier.CASUAL,
        Tier.CASUAL,
        Tier.ACTIVE,
    ]


def test_contribution_levels() -> None:
    assert [
        qualified_tier(_signals(contents=1), RULES, NOW),
        qualified_tier(_signals(contents=5, events=19), RULES, NOW),
        qualified_tier(_signals(contents=5, events=20), RULES, NOW),
    ] == [Tier.ACTIVE_CONTRIBUTOR, Tier.ACTIVE_CONTRIBUTOR, Tier.KOC]


def test_expert_role_core_layer_and_ambassador() -> None:
    assert [
        qualified_tier(_signals(is_expert=True, events=50, contents=9), RULES, NOW),
        qualified_tier(_signals(layer=Layer.CORE, is_expert=True), RULES, NOW),
        qualified_tier(_signals(ltv_top=True), RULES, NOW),
        qualified_tier(_signals(layer=Layer.CORE, contents=5, revenue_cents=100), RULES, NOW),
    ] == [Tier.EXPERT, Tier.CORE, Tier.CORE, Tier.AMBASSADOR]


def test_promotion_is_immediate() -> None:
    after = next_state(TierState(Tier.CASUAL, OLD), Tier.KOC, RULES, NOW)
    assert after == TierState(Tier.KOC, NOW)


def test_no_demotion_within_the_grace_period_after_promotion() -> None:
    promoted = TierState(Tier.KOC, NOW - timedelta(days=13))
    assert next_state(promoted, Tier.CASUAL, RULES, NOW) == promoted


def test_demotion_once_the_grace_period_is_over() -> None:
    promoted = TierState(Tier.KOC, NOW - timedelta(days=14))
    assert next_state(promoted, Tier.CASUAL, RULES, NOW) == TierState(Tier.CASUAL, NOW)


def test_same_tier_keeps_its_since() -> None:
    state = TierState(Tier.ACTIVE, OLD)
    assert next_state(state, Tier.ACTIVE, RULES, NOW) == state
