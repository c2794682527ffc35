from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from distribution_service.domain.honeycomb import Scene, Slot
from distribution_service.ranking.base import Candidate, RankingContext, Scored
from distribution_service.ranking.heuristic import VERSION, HeuristicRanker, HeuristicWeights, round6, shown_scores

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
# heuristic-2's weights: round parts, so the mechanics below read plainly.
HAND_SET = HeuristicWeights(engagement=1.0)
CONTEXT = RankingContext(community_id="c1", member_id="m1", slot=Slot.EVENING, scene=Scene.BEFORE_DECISION, now=NOW)


def candidate(
    content_id: str,
    *,
    age_days: float = 0.0,
    engagement: float = 0.0,
    kind: str = "UGC",
    seen: bool = False,
) -> Candidate:
    return Candidate(
        content_id=content_id,
        kind=kind,
        author_id=None,
        tags=(),
        published_at=NOW - timedelta(days=age_days),
        engagement=engagement,
        seen_by_member=seen,
    )


def scored(content_id: str, *, recency: float, engagement: float, kind: float, seen: float = 0.0) -> Scored:
    return Scored(
        content_id=content_id,
        score=round(recency + engagement + kind + seen, 6),
        contributions={"recency": recency, "engagement": engagement, "kind": kind, "seen": seen},
    )


def ids(result: list[Scored]) -> list[str]:
    return [s.content_id for s in result]


class TestHeuristicRanker:
    def test_newer_beats_older_with_equal_engagement(self) -> None:
        result = HeuristicRanker(HAND_SET).rank(
            [candidate("a", age_days=7, engagement=1), candidate("b", age_days=0, engagement=1)], CONTEXT
        )

        assert result == [
            scored("b", recency=1.0, engagement=1.0, kind=0.2),
            scored("a", recency=0.5, engagement=1.0, kind=0.2),
        ]

    def test_more_engagement_beats_less_at_equal_age(self) -> None:
        # log1p(1) / log1p(3) = ln 2 / ln 4 = 0.5 exactly.
        result = HeuristicRanker(HAND_SET).rank([candidate("a", engagement=1), candidate("b", engagement=3)], CONTEXT)

        assert result == [
            scored("b", recency=1.0, engagement=1.0, kind=0.2),
            scored("a", recency=1.0, engagement=0.5, kind=0.2),
        ]

    def test_kind_bonus_orders_pgc_then_ugc_then_commercial(self) -> None:
        # Ids sort the opposite way, so only the kind bonus can produce this order.
        result = HeuristicRanker().rank(
            [candidate("a", kind="COMMERCIAL"), candidate("b", kind="UGC"), candidate("c", kind="PGC")], CONTEXT
        )

        assert result == [
            scored("c", recency=1.0, engagement=0.0, kind=0.3),
            scored("b", recency=1.0, engagement=0.0, kind=0.2),
            scored("a", recency=1.0, engagement=0.0, kind=0.0),
        ]

    def test_the_decision_scene_changes_which_kind_leads(self) -> None:
        kinds = [candidate("a", kind="COMMERCIAL"), candidate("b", kind="UGC"), candidate("c", kind="PGC")]

        def first(scene: Scene) -> str:
            context = RankingContext(community_id="c1", member_id="m1", slot=Slot.EVENING, scene=scene, now=NOW)
            return HeuristicRanker().rank(kinds, context)[0].content_id

        # Researching: the experts' piece; comparing: the offer ties with it and wins on id; using: peers' experience.
        assert [first(scene) for scene in Scene] == ["c", "a", "b"]

    def test_unknown_kind_gets_no_bonus(self) -> None:
        result = HeuristicRanker().rank([candidate("a", kind="PODCAST")], CONTEXT)

        assert result == [scored("a", recency=1.0, engagement=0.0, kind=0.0)]

    def test_seen_item_sinks_below_unseen_of_equal_age(self) -> None:
        result = HeuristicRanker().rank([candidate("a", seen=True), candidate("b", seen=False)], CONTEXT)

        assert result == [
            scored("b", recency=1.0, engagement=0.0, kind=0.2),
            scored("a", recency=1.0, engagement=0.0, kind=0.2, seen=-0.8),
        ]

    def test_empty_candidates_give_empty_list(self) -> None:
        assert HeuristicRanker().rank([], CONTEXT) == []

    def test_ties_broken_by_content_id(self) -> None:
        result = HeuristicRanker().rank([candidate("c"), candidate("a"), candidate("b")], CONTEXT)

        assert ids(result) == ["a", "b", "c"]

    def test_tie_order_does_not_depend_on_input_order(self) -> None:
        forward = HeuristicRanker().rank([candidate("x1"), candidate("x2"), candidate("x3")], CONTEXT)
        backward = HeuristicRanker().rank([candidate("x3"), candidate("x2"), candidate("x1")], CONTEXT)

        assert forward == backward

    def test_contributions_sum_to_score(self) -> None:
        candidates = [
            candidate("a", age_days=1.3, engagement=4.0, kind="PGC"),
            candidate("b", age_days=3.7, engagement=17.0, kind="UGC", seen=True),
            candidate("c", age_days=11.1, engagement=0.5, kind="COMMERCIAL"),
            candidate("d", age_days=0.2, engagement=42.0, kind="UGC"),
        ]

        result = HeuristicRanker().rank(candidates, CONTEXT)

        assert [sum(s.contributions.values()) for s in result] == [pytest.approx(s.score, abs=1e-6) for s in result]

    def test_item_half_life_old_keeps_half_the_recency_weight(self) -> None:
        ranker = HeuristicRanker(HeuristicWeights(recency=2.0, half_life_days=3.0))

        result = ranker.rank([candidate("a", age_days=3.0)], CONTEXT)

        assert result[0].contributions["recency"] == 1.0

    def test_default_half_life_is_seven_days(self) -> None:
        result = HeuristicRanker().rank([candidate("a", age_days=7.0)], CONTEXT)

        assert result[0].contributions["recency"] == 0.5

    def test_default_engagement_orders_items_of_about_the_same_age_only(self) -> None:
        # The pool's most engaged item gets the whole engagement weight, 0.03: a day of freshness is worth more.
        older_busy, newer_quiet = candidate("a", age_days=1.0, engagement=500), candidate("b", age_days=0.0)
        same_age_busy, same_age_quiet = candidate("c", engagement=500), candidate("d", engagement=1)

        assert ids(HeuristicRanker().rank([older_busy, newer_quiet], CONTEXT)) == ["b", "a"]
        assert ids(HeuristicRanker().rank([same_age_quiet, same_age_busy], CONTEXT)) == ["c", "d"]
        assert HeuristicRanker().rank([same_age_busy], CONTEXT)[0].contributions["engagement"] == 0.03

    def test_version_names_the_weights_that_differ_from_the_defaults(self) -> None:
        assert HeuristicRanker().version == VERSION == "heuristic-3"
        assert HeuristicRanker(HeuristicWeights()).version == "heuristic-3"
        assert HeuristicRanker(HAND_SET).version == "heuristic-3(engagement=1.0)"
        both = HeuristicWeights(engagement=0.5, half_life_days=3.0)
        assert HeuristicRanker(both).version == "heuristic-3(half_life_days=3.0,engagement=0.5)"

    def test_a_custom_kind_table_is_named_by_its_contents(self) -> None:
        one = HeuristicWeights(kind_by_scene={"BEFORE_DECISION": {"PGC": 1.0}})
        same = HeuristicWeights(kind_by_scene={"BEFORE_DECISION": {"PGC": 1.0}})
        other = HeuristicWeights(kind_by_scene={"BEFORE_DECISION": {"PGC": 2.0}})

        assert HeuristicRanker(one).version.startswith("heuristic-3(kind_by_scene=")
        assert HeuristicRanker(one).version == HeuristicRanker(same).version != HeuristicRanker(other).version

    @pytest.mark.parametrize(
        "weights",
        [
            {"engagement": -0.1},
            {"half_life_days": 0.0},
            {"engagement": float("inf")},
            {"half_life_days": float("nan")},
            {"recency": -1.0},
        ],
    )
    def test_weights_that_cannot_rank_are_refused(self, weights: dict[str, Any]) -> None:
        with pytest.raises(ValueError, match="heuristic weights"):
            HeuristicWeights(**weights)

    def test_item_published_in_the_future_counts_as_brand_new(self) -> None:
        result = HeuristicRanker().rank([candidate("a", age_days=-2.0)], CONTEXT)

        assert result[0].contributions["recency"] == 1.0

    def test_zero_engagement_everywhere_contributes_nothing(self) -> None:
        result = HeuristicRanker().rank([candidate("a"), candidate("b")], CONTEXT)

        assert [s.contributions["engagement"] for s in result] == [0.0, 0.0]


def python_rounded(values: np.ndarray) -> np.ndarray:
    return np.array([round(v, 6) for v in values.tolist()], dtype=float)


def same_floats(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal to the bit: the same value, the same sign of zero, NaN where NaN."""
    return bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)))


def test_round6_is_pythons_round_to_the_last_digit() -> None:
    rng = np.random.default_rng(7)
    halves = (rng.integers(0, 10**7, 2000) + 0.5) / 1e6  # decimals ending in 5 at the 7th place: the hard cases
    values = np.concatenate(
        [
            rng.random(2000) * 3,
            -rng.random(2000) * 0.8,
            halves,
            -halves,
            np.nextafter(halves, np.inf),
            np.nextafter(halves, -np.inf),
            rng.random(100) * 1e9,  # beyond the vectorised bound: Python rounds these itself
            [0.0, -0.0, -1e-9, 1e-9, np.nan, np.inf, -np.inf],
        ]
    )
    assert same_floats(round6(values), python_rounded(values))


def test_shown_scores_equal_the_sum_of_pythons_rounded_parts() -> None:
    rng = np.random.default_rng(11)
    parts = {
        "recency": rng.random(500),
        "engagement": (rng.integers(0, 10**6, 500) + 0.5) / 1e6,
        "kind": np.where(rng.random(500) < 0.5, 0.3, 0.0),
        "seen": np.where(rng.random(500) < 0.3, -0.8, -0.0),
    }
    rounded = [python_rounded(p).tolist() for p in parts.values()]
    expected = np.array([round(sum(values), 6) for values in zip(*rounded, strict=True)], dtype=float)
    assert same_floats(shown_scores(parts), expected)
    assert shown_scores({"recency": np.zeros(0)}).shape == (0,)
