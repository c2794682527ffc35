"""Assignment is pure: uniform over 10,000 buckets, sticky when arms and the rollout ramp, exclusive in a layer."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from scipy import stats

from distribution_service.domain.assignment import (
    BUCKETS,
    MemberFacts,
    Targeting,
    assign,
    bucket_of,
    check_weights,
    free_layer_range,
    in_layer_range,
    in_rollout,
    scheduled_share,
    targets,
)
from distribution_service.domain.interleaving import TEAM_A, TEAM_B, credit, team_draft

MEMBERS = [f"{i:024x}" for i in range(100_000)]
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_buckets_are_uniform_over_100000_members() -> None:
    counts = np.bincount([bucket_of(m, "salt-1") for m in MEMBERS], minlength=BUCKETS)
    # Pearson's chi-square against 10 members per bucket: no sign of a lumpy hash.
    assert stats.chisquare(counts).pvalue > 0.001


def test_arms_get_their_weights() -> None:
    weights = [0.5, 0.25, 0.25]
    members = MEMBERS[:30_000]
    arms = Counter(assign(m, "salt-2", weights) for m in members)
    observed = [arms[i] for i in range(3)]
    assert stats.chisquare(observed, f_exp=[w * len(members) for w in weights]).pvalue > 0.001


def test_ramping_a_treatment_up_moves_members_only_out_of_control() -> None:
    before = {m: assign(m, "ramp", [0.8, 0.1, 0.1]) for m in MEMBERS[:20_000]}
    after = {m: assign(m, "ramp", [0.4, 0.3, 0.3]) for m in MEMBERS[:20_000]}
    moved = Counter((before[m], after[m]) for m in before if before[m] != after[m])
    # Every member who was in a treatment is still in it; the newcomers to each come from control.
    assert set(moved) == {(0, 1), (0, 2)}
    assert all(after[m] == before[m] for m in before if before[m] != 0)


def test_ramping_the_rollout_only_adds_members() -> None:
    at_10 = {m for m in MEMBERS[:20_000] if in_rollout(m, "gray", 0.1)}
    at_50 = {m for m in MEMBERS[:20_000] if in_rollout(m, "gray", 0.5)}
    assert at_10 < at_50
    assert len(at_50) / 20_000 == pytest.approx(0.5, abs=0.02)


def test_weights_that_cannot_be_laid_out_are_refused() -> None:
    assert check_weights([0.5, 0.5]) is None
    assert check_weights([0.6, 0.3]) == "arm weights must be non-negative and sum to 1"
    assert "at most 0.5" in (check_weights([0.2, 0.6, 0.2]) or "")
    assert check_weights([1.0]) == "an experiment needs at least two arms"


def test_experiments_of_one_layer_never_share_a_member() -> None:
    first = free_layer_range([], 0.5)
    assert first == (0, 5000)
    second = free_layer_range([first], 0.5)
    assert second == (5000, 10000)
    assert free_layer_range([first, second], 0.1) is None
    both = [m for m in MEMBERS[:10_000] if in_layer_range(m, "push", first) and in_layer_range(m, "push", second)]
    assert both == []


def test_targeting_by_tier_layer_channel_and_age() -> None:
    newcomer = MemberFacts("BRONZE", "BASE", NOW - timedelta(days=3))
    veteran = MemberFacts("GOLD", "CORE", NOW - timedelta(days=300))
    assert targets(Targeting(audience="NEW"), newcomer, "FEED", NOW)
    assert not targets(Targeting(audience="NEW"), veteran, "FEED", NOW)
    assert targets(Targeting(audience="EXISTING"), veteran, "FEED", NOW)
    assert targets(Targeting(tiers=("GOLD",)), veteran, "FEED", NOW)
    assert not targets(Targeting(rfm_layers=("CORE",)), newcomer, "FEED", NOW)
    assert not targets(Targeting(channels=("PUSH",)), veteran, "FEED", NOW)
    # A member the users service could not describe is never targeted by a rule that needs facts.
    assert not targets(Targeting(tiers=("GOLD",)), None, "FEED", NOW)
    assert targets(Targeting(), None, "FEED", NOW)


def test_schedule_names_the_latest_step_due() -> None:
    steps = [{"at": NOW, "share": 0.1}, {"at": NOW + timedelta(days=1), "share": 0.5}]
    assert scheduled_share(steps, NOW - timedelta(hours=1), 0.05) == 0.05
    assert scheduled_share(steps, NOW + timedelta(hours=1), 0.05) == 0.1
    assert scheduled_share(steps, NOW + timedelta(days=2), 0.05) == 0.5


def test_team_draft_takes_turns_without_duplicates() -> None:
    a = ["1", "2", "3", "4", "5", "6"]
    b = ["3", "1", "7", "8", "2", "9"]
    picked = team_draft(a, b, 6, "decision-1")
    items = [i for i, _ in picked]
    teams = Counter(t for _, t in picked)
    assert len(items) == len(set(items)) == 6
    assert abs(teams[TEAM_A] - teams[TEAM_B]) <= 1
    # Each team's picks keep its ranker's order.
    for team, ranking in ((TEAM_A, a), (TEAM_B, b)):
        mine = [i for i, t in picked if t == team]
        assert mine == sorted(mine, key=ranking.index)
    assert team_draft(a, b, 6, "decision-1") == picked


def test_credit_goes_to_the_team_with_more_clicks() -> None:
    teams = {"1": TEAM_A, "2": TEAM_B, "3": TEAM_A}
    assert credit(teams, {"1", "3"}) == TEAM_A
    assert credit(teams, {"2"}) == TEAM_B
    assert credit(teams, {"1", "2"}) is None
