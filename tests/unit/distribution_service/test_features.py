from __future__ import annotations

import numpy as np
import pytest

from distribution_service.domain.honeycomb import EventType
from distribution_service.domain.labels import LABEL_GAIN, grade
from distribution_service.ranking.features import (
    FEATURE_INDEX,
    FEATURES,
    CandidateColumns,
    DecisionContext,
    MemberState,
    build_matrix,
    member_log_age,
    shares,
)


def columns(n: int = 3) -> CandidateColumns:
    return CandidateColumns(
        content_ids=[f"c{i}" for i in range(n)],
        kinds=["PGC", "UGC", "COMMERCIAL"][:n],
        author_ids=["m1", "a2", None][:n],
        tags=[("python", "ml"), (), ("ml",)][:n],
        age_days=np.array([1.0, 2.0, 3.0])[:n],
        impressions=np.array([0.0, 80.0, 0.0])[:n],
        opens=np.array([0.0, 20.0, 0.0])[:n],
        engagement=np.array([0.0, np.e - 1, 0.0])[:n],
        engagement_7d=np.zeros(n),
        last_activity_days=np.array([1.0, 0.5, 3.0])[:n],
        author_tiers=["KOC", None, None][:n],
        exposure_boost=np.array([1.0, 4.0, 1.0])[:n],
    )


MEMBER = MemberState(
    member_id="m1", tier="ACTIVE", tag_affinity={"python": 0.25, "ml": 0.5}, author_affinity={"a2": 1.0}
)
CONTEXT = DecisionContext(slot="EVENING", scene="AFTER_DECISION", weekday=2, local_hour=20.5)


def test_matrix_has_one_row_per_candidate_and_registry_columns() -> None:
    x = build_matrix(MEMBER, columns(), CONTEXT)
    assert x.shape == (3, len(FEATURES))
    assert x.dtype == np.float32


def test_tag_affinity_sums_the_members_share_of_each_tag() -> None:
    x = build_matrix(MEMBER, columns(), CONTEXT)
    assert x[:, FEATURE_INDEX["cross_tag_affinity"]].tolist() == [0.75, 0.0, 0.5]


def test_author_affinity_and_own_content() -> None:
    x = build_matrix(MEMBER, columns(), CONTEXT)
    assert x[:, FEATURE_INDEX["cross_author_affinity"]].tolist() == [0.0, 1.0, 0.0]
    assert x[:, FEATURE_INDEX["cross_own_content"]].tolist() == [1.0, 0.0, 0.0]


def test_rates_are_smoothed_towards_the_prior() -> None:
    x = build_matrix(MEMBER, columns(), CONTEXT)
    # (0 + 20 * 0.1) / (0 + 20) and (20 + 2) / (80 + 20)
    assert x[:, FEATURE_INDEX["content_open_rate"]].tolist() == pytest.approx([0.1, 0.22, 0.1])


def test_content_and_context_columns() -> None:
    x = build_matrix(MEMBER, columns(), CONTEXT)
    assert x[:, FEATURE_INDEX["content_kind"]].tolist() == [0.0, 1.0, 2.0]
    assert x[:, FEATURE_INDEX["content_popularity"]].tolist() == pytest.approx([0.0, 1.0, 0.0])
    assert x[:, FEATURE_INDEX["content_exposure_boost"]].tolist() == [1.0, 4.0, 1.0]
    assert x[0, FEATURE_INDEX["context_slot"]] == 2.0
    assert x[0, FEATURE_INDEX["member_tier"]] == 3.0
    assert x[0, FEATURE_INDEX["content_author_tier"]] == 5.0
    assert np.isnan(x[1, FEATURE_INDEX["content_author_tier"]])


def test_no_candidates_gives_empty_matrix() -> None:
    assert build_matrix(MEMBER, columns(0), CONTEXT).shape == (0, len(FEATURES))


def test_shares_weigh_keys() -> None:
    assert shares(["a", "b", "a"], [1.0, 2.0, 1.0]) == {"a": 0.5, "b": 0.5}


def test_grades_and_gain() -> None:
    assert [grade(EventType.IMPRESSION), grade(EventType.OPEN), grade(EventType.VOTE), grade(EventType.SHARE)] == [
        0,
        1,
        2,
        3,
    ]
    assert grade(EventType.DWELL, 45_000) == 2
    assert LABEL_GAIN == [0.0, 1.0, 3.0, 7.0]


def test_the_7_day_popularity_window_starts_at_midnight_utc_seven_days_before_the_decision_day() -> None:
    from datetime import UTC, datetime

    from distribution_service.ranking.features import popularity_window_start

    decision = datetime(2030, 1, 8, 15, 30, tzinfo=UTC).timestamp()
    assert popularity_window_start(decision) == datetime(2030, 1, 1, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("typical", [-1.0, -30.0, 0.0])
def test_age_gap_holds_a_member_who_engages_before_creation_at_age_zero(typical: float) -> None:
    # Back-dated or imported engagements can precede their item's creation: the gap stays finite (was -inf/NaN).
    member = MemberState(member_id="m1", typical_age_days=typical)
    gap = build_matrix(member, columns(), CONTEXT)[:, FEATURE_INDEX["cross_age_gap"]]
    assert np.allclose(gap, np.log1p([1.0, 2.0, 3.0]))
    assert member_log_age(member) == 0.0


def test_age_gap_is_nan_without_a_history() -> None:
    assert np.isnan(build_matrix(MEMBER, columns(), CONTEXT)[:, FEATURE_INDEX["cross_age_gap"]]).all()
