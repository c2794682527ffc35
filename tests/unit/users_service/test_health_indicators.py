"""Every health indicator's formula against one hand-computed community, plus the catalogue's shape, status
thresholds and trend."""

from __future__ import annotations

from pathlib import Path

import pytest

from users_service.domain.health.catalog import BY_KEY, CATALOG, at_level, compute_all
from users_service.domain.health.model import Dimension, Direction, HealthStatus, IndicatorLevel, Thresholds
from users_service.domain.health.status import change, status_of

# One community's figures over W (the 30 days before the snapshot), chosen so every value is easy to check.
FIGURES: dict[str, float | None] = {
    # distribution: engaged members per window, events per type in W, golden-slot deliveries in W
    "member_days": 60, "dau": 3, "wau": 5, "mau": 8, "mau_previous": 10, "retained": 4, "active_90": 12,
    "engagement_events": 80, "impressions": 200, "opens": 30, "clicks": 10, "shares": 6, "votes": 8,
    "downvotes": 2, "bullet_comments": 4, "comments": 3, "answers": 5, "favorites": 2, "dwells": 4,
    "dwell_ms": 200_000, "deliveries": 50, "deliveries_opened": 10, "deliveries_shared": 2,
    # content: pieces published in W by kind, authors, moderation, crisis
    "published_pgc": 6, "published_ugc": 3, "published_commercial": 1, "authors": 2, "complaints": 4,
    "peak_hourly_complaints": 3, "hidden": 1, "open_incidents": 1, "first_response_minutes": 45.0,
    "steps_on_time_rate": 0.8,
    # billing: the ledger and subscriptions
    "revenue_cents": 100_000, "revenue_previous_cents": 80_000, "membership_cents": 40_000,
    "value_added_cents": 30_000, "costs_cents": 45_000, "refunds_cents": 3_000, "sales": 20, "sales_cents": 70_000,
    "payers": 10, "payers_previous": 5, "repeat_payers": 2, "new_payers": 4, "live_at_start": 20, "churned": 2,
    "trials_ended": 10, "trials_converted": 3, "ltv_cents": 50_000,
    # users: members, tiers, layers, NPS, spend, governance
    "members": 40, "members_at_start": 36, "joined": 4, "koc": 3, "core_group": 12, "active_contributors": 8,
    "layer_base": 30, "layer_activated": 6, "layer_core": 4, "nps_responses": 20, "nps_promoters": 10,
    "nps_detractors": 4, "spend_cents": 40_000, "committee": 4, "expert_panel": 1, "proposal_adoption": 0.5,
    "sub_communities": 0, "cac_cents": 10_000,
}  # fmt: skip

# Worked by hand from FIGURES (the formula beside each).
EXPECTED: dict[str, float] = {
    "stickiness": 0.25,  # (60 / 30) / 8
    "memberRetention": 0.4,  # 4 / 10
    "nps": 30.0,  # 100 × (10 − 4) / 20
    "ctr": 0.05,  # 10 / 200
    "shareRate": 0.15,  # 6 / (30 + 10)
    "publishingFrequency": 2.333333,  # 10 / (30 / 7)
    "conversionRate": 1.0,  # 10 / 8, capped at 1
    "ltvToCac": 5.0,  # 50,000 / CAC 10,000 (40,000 spend / 4 joined)
    "arpu": 7000.0,  # (40,000 + 30,000) / 10
    "proposalAdoption": 0.5,
    "crisisFirstResponseMinutes": 45.0,
    "complaintRate": 500.0,  # 4 × 1000 / 8
    "dailyActiveMembers": 2.0,  # 60 / 30
    "weeklyActiveMembers": 5,
    "monthlyActiveMembers": 8,
    "weeklyStickiness": 0.625,  # 5 / 8
    "memberGrowth": 0.111111,  # 4 / 36
    "dormantShare": 0.7,  # 1 − 12 / 40
    "eventsPerActive": 10.0,  # 80 / 8
    "kocShare": 0.25,  # 3 / 12
    "coreLayerShare": 0.1,  # 4 / (30 + 6 + 4)
    "activatedLayerShare": 0.15,  # 6 / 40
    "npsResponses": 20,
    "pushOpenRate": 0.2,  # 10 / 50
    "averageDwellSeconds": 50.0,  # 200,000 / 4 / 1000
    "downvoteShare": 0.2,  # 2 / (8 + 2)
    "pushShareRate": 0.2,  # 2 / 10
    "interactionRate": 0.55,  # (8 + 4 + 3 + 5 + 2) / (30 + 10)
    "pgcShare": 0.6,  # 6 / 10
    "ugcShare": 0.3,  # 3 / 10
    "commercialShare": 0.1,  # 1 / 10
    "creatorRatio": 0.25,  # 2 / 8
    "hiddenShare": 0.1,  # 1 / 10
    "trialConversion": 0.3,  # 3 / 10
    "membershipRevenueShare": 0.4,  # 40,000 / 100,000
    "grossMargin": 0.55,  # (100,000 − 45,000) / 100,000
    "logoChurn": 0.1,  # 2 / 20
    "revenueGrowth": 0.25,  # 100,000 / 80,000 − 1
    "repurchaseRate": 0.4,  # 2 / 5
    "averageOrderValue": 3500.0,  # 70,000 / 20
    "valueAddedRevenueShare": 0.3,  # 30,000 / 100,000
    "refundRate": 0.03,  # 3,000 / 100,000
    "committeeSize": 4,
    "expertPanelSize": 1,
    "contributorShare": 0.2,  # 8 / 40
    "discussionPerPiece": 1.2,  # (3 + 5 + 4) / 10
    "subCommunities": 0,
    "openIncidents": 1,
    "stepsOnTimeRate": 0.8,
    "peakHourlyComplaints": 3,
}


class TestCatalog:
    def test_twelve_primary_and_thirty_eight_secondary(self) -> None:
        assert (len(at_level(IndicatorLevel.PRIMARY)), len(at_level(IndicatorLevel.SECONDARY))) == (12, 38)

    def test_three_primary_indicators_per_dimension(self) -> None:
        for dimension in Dimension:
            assert len([i for i in at_level(IndicatorLevel.PRIMARY) if i.dimension is dimension]) == 3

    def test_every_secondary_sits_beneath_a_primary_of_its_dimension(self) -> None:
        for indicator in at_level(IndicatorLevel.SECONDARY):
            parent = BY_KEY[indicator.parent or ""]
            assert (parent.level, parent.dimension) == (IndicatorLevel.PRIMARY, indicator.dimension), indicator.key

    def test_keys_are_unique_and_default_lines_face_the_right_way(self) -> None:
        assert len(BY_KEY) == len(CATALOG) == 50
        for indicator in CATALOG:
            assert indicator.defaults.misplaced(indicator.direction) is None, indicator.key

    def test_stickiness_target_is_the_possible_one(self) -> None:
        assert BY_KEY["stickiness"].defaults == Thresholds(target=0.2, warn=0.2, critical=0.1)


class TestDocumentation:
    def test_every_indicator_is_documented_with_its_formula_and_default_lines(self) -> None:
        rows = (Path(__file__).parents[3] / "docs" / "health-indicators.md").read_text(encoding="utf-8").splitlines()
        for i in CATALOG:
            (row,) = [r for r in rows if r.startswith(f"| `{i.key}` |")]
            d = i.defaults
            assert f"| {i.definition} | {i.unit} |" in row, i.key
            assert f"| {d.target:g} | {d.warn:g} | {d.critical:g} |" in row, i.key


class TestFormulas:
    def test_every_indicator_matches_the_hand_computed_value(self) -> None:
        assert compute_all(FIGURES) == EXPECTED

    def test_missing_figures_leave_every_indicator_without_a_value(self) -> None:
        assert set(compute_all({}).values()) == {None}

    @pytest.mark.parametrize(
        ("key", "zeroed"),
        [
            ("stickiness", "mau"),
            ("ctr", "impressions"),
            ("arpu", "payers"),
            ("ltvToCac", "cac_cents"),
            ("revenueGrowth", "revenue_previous_cents"),
            ("pgcShare", "published_pgc"),
        ],
    )
    def test_an_empty_denominator_is_no_value_not_zero(self, key: str, zeroed: str) -> None:
        figures = {**FIGURES, zeroed: 0, "published_ugc": 0, "published_commercial": 0}
        assert BY_KEY[key].compute(figures) is None

    def test_conversion_below_the_cap_is_the_plain_ratio(self) -> None:
        assert BY_KEY["conversionRate"].compute({**FIGURES, "payers": 2}) == 0.25


class TestStatus:
    LINES = Thresholds(target=0.2, warn=0.2, critical=0.1)

    @pytest.mark.parametrize(
        ("value", "status"),
        [(0.25, HealthStatus.OK), (0.2, HealthStatus.OK), (0.15, HealthStatus.WARN), (0.1, HealthStatus.WARN)]
        + [(0.09, HealthStatus.CRITICAL), (None, HealthStatus.NO_DATA)],
    )
    def test_higher_is_better(self, value: float | None, status: HealthStatus) -> None:
        assert status_of(value, self.LINES, Direction.HIGHER) is status

    @pytest.mark.parametrize(
        ("value", "status"),
        [(4, HealthStatus.OK), (10, HealthStatus.OK), (11, HealthStatus.WARN), (25, HealthStatus.WARN)]
        + [(26, HealthStatus.CRITICAL)],
    )
    def test_lower_is_better(self, value: float, status: HealthStatus) -> None:
        assert status_of(value, Thresholds(target=5, warn=10, critical=25), Direction.LOWER) is status

    @pytest.mark.parametrize(
        ("lines", "direction", "misplaced"),
        [
            (Thresholds(0.2, 0.2, 0.1), Direction.HIGHER, None),
            (Thresholds(0.2, 0.1, 0.2), Direction.HIGHER, "critical"),
            (Thresholds(0.1, 0.2, 0.05), Direction.HIGHER, "target"),
            (Thresholds(5, 10, 25), Direction.LOWER, None),
            (Thresholds(5, 25, 10), Direction.LOWER, "critical"),
            (Thresholds(12, 10, 25), Direction.LOWER, "target"),
        ],
    )
    def test_lines_run_from_good_to_bad(self, lines: Thresholds, direction: Direction, misplaced: str | None) -> None:
        assert lines.misplaced(direction) == misplaced


class TestTrend:
    def test_change_is_current_minus_earlier(self) -> None:
        assert change(0.25, 0.2) == 0.05

    def test_no_change_without_both_values(self) -> None:
        assert (change(None, 0.2), change(0.2, None)) == (None, None)
