"""Every breakdown value against one hand-computed set of four members, and the catalogue's choices."""

from __future__ import annotations

from users_service.domain.health.breakdowns import BreakdownDimension, breakdown_values, segment_figures
from users_service.domain.health.catalog import BREAKDOWNS, BY_KEY

TIER, LAYER, CHANNEL = BreakdownDimension.TIER, BreakdownDimension.RFM_LAYER, BreakdownDimension.CHANNEL

# Member-level figures over W (engagement, payments, NPS answers of 90 days), as the service merges them.
MEMBERS: dict[str, dict[str, float | None]] = {
    # engaged 6 days in W and in the previous window; paid 2,000 once; a promoter (10)
    "m1": {"member_days": 6, "mau": 1, "mau_previous": 1, "retained": 1, "payers": 1, "sales": 1,
           "sales_cents": 2000, "nps_responses": 1, "nps_promoters": 1},
    # engaged 3 days in W only; never paid; a detractor (3)
    "m2": {"member_days": 3, "mau": 1, "nps_responses": 1, "nps_detractors": 1},
    # engaged 15 days in both windows; paid 5,000 in two sales, paid before too; a passive (8)
    "m3": {"member_days": 15, "mau": 1, "mau_previous": 1, "retained": 1, "payers": 1, "sales": 2,
           "sales_cents": 5000, "payers_previous": 1, "repeat_payers": 1, "nps_responses": 1},
    # engaged only in the previous window; paid only then
    "m4": {"mau_previous": 1, "payers_previous": 1},
    # not a member of the community any more: in no segment
    "gone": {"member_days": 30, "mau": 1, "payers": 1, "sales_cents": 99_000},
}  # fmt: skip
SEGMENTS = {
    "m1": {TIER: "NEW", LAYER: "BASE", CHANNEL: "SEARCH"},
    "m2": {TIER: "NEW", LAYER: "ACTIVATED", CHANNEL: "SOCIAL"},
    "m3": {TIER: "KOC", LAYER: "CORE", CHANNEL: "SEARCH"},
    "m4": {TIER: "KOC", LAYER: "BASE", CHANNEL: "OTHER"},
}

# (value, members measured over) per non-empty segment, worked by hand; every other segment is (None, 0).
EXPECTED: dict[str, dict[BreakdownDimension, dict[str, tuple[float | None, int]]]] = {
    "stickiness": {  # (member_days / 30) ÷ mau
        TIER: {"NEW": (0.15, 2), "KOC": (0.5, 1)},  # (9 / 30) / 2; (15 / 30) / 1
        LAYER: {"BASE": (0.2, 1), "ACTIVATED": (0.1, 1), "CORE": (0.5, 1)},  # (6 / 30) / 1; (3 / 30) / 1
        CHANNEL: {"SEARCH": (0.35, 2), "SOCIAL": (0.1, 1), "OTHER": (None, 0)},  # (21 / 30) / 2; m4 not engaged
    },
    "memberRetention": {  # retained ÷ mau_previous
        TIER: {"NEW": (1.0, 1), "KOC": (0.5, 2)},  # 1 / 1; 1 / 2
        LAYER: {"BASE": (0.5, 2), "ACTIVATED": (None, 0), "CORE": (1.0, 1)},
        CHANNEL: {"SEARCH": (1.0, 2), "SOCIAL": (None, 0), "OTHER": (0.0, 1)},
    },
    "nps": {  # 100 × (promoters − detractors) ÷ responses
        TIER: {"NEW": (0.0, 2), "KOC": (0.0, 1)},  # (1 − 1) / 2; (0 − 0) / 1
        LAYER: {"BASE": (100.0, 1), "ACTIVATED": (-100.0, 1), "CORE": (0.0, 1)},
        CHANNEL: {"SEARCH": (50.0, 2), "SOCIAL": (-100.0, 1), "OTHER": (None, 0)},  # (1 − 0) / 2
    },
    "conversionRate": {  # payers ÷ mau
        TIER: {"NEW": (0.5, 2), "KOC": (1.0, 1)},  # 1 / 2; 1 / 1
        LAYER: {"BASE": (1.0, 1), "ACTIVATED": (0.0, 1), "CORE": (1.0, 1)},
        CHANNEL: {"SEARCH": (1.0, 2), "SOCIAL": (0.0, 1), "OTHER": (None, 0)},
    },
    "arpu": {  # payers' sales in W ÷ payers; not by RFM layer
        TIER: {"NEW": (2000.0, 1), "KOC": (5000.0, 1)},
        CHANNEL: {"SEARCH": (3500.0, 2), "SOCIAL": (None, 0), "OTHER": (None, 0)},  # 7,000 / 2
    },
}


def test_every_breakdown_value_matches_the_hand_computed_one() -> None:
    sums = segment_figures(MEMBERS, SEGMENTS)
    for key, by_dimension in EXPECTED.items():
        values = breakdown_values(BY_KEY[key].compute, BREAKDOWNS[key], sums)
        assert set(values) == set(by_dimension), key
        for dimension, expected in by_dimension.items():
            got = {v.segment: (v.value, v.members) for v in values[dimension]}
            assert {s: got[s] for s in expected} == expected, (key, dimension)
            assert {got[s] for s in got if s not in expected} <= {(None, 0)}, (key, dimension)


def test_every_segment_of_a_dimension_is_listed_in_its_order() -> None:
    values = breakdown_values(BY_KEY["stickiness"].compute, BREAKDOWNS["stickiness"], segment_figures({}, {}))
    assert [v.segment for v in values[LAYER]] == ["BASE", "ACTIVATED", "CORE"]
    assert [v.segment for v in values[CHANNEL]][:3] == ["SEARCH", "SOCIAL", "VERTICAL_FORUM"]
    assert values[TIER][0].segment == "POTENTIAL"


def test_only_member_level_indicators_are_broken_down() -> None:
    assert set(BREAKDOWNS) == {"stickiness", "memberRetention", "nps", "conversionRate", "arpu"}
    assert BREAKDOWNS["arpu"].dimensions == (TIER, CHANNEL)
