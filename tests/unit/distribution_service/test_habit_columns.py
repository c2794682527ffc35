"""The habit and recency columns tried in `benchmarks.ranking_habits` read only what was known before t:
hand-computed on a tiny log, and unchanged when everything at or after t is dropped."""

from __future__ import annotations

import numpy as np

from benchmarks.ranking_habits import HABITS, Habits, hour_match
from distribution_service.ranking.history import Catalog, EventLog

DAY = 86_400.0
HOUR = 3_600.0
# Day 0 of the tiny log: a whole number of weeks after the epoch (weekdays as the day numbers below say), after
# 2000 (counters key events from then).
BASE = 7 * DAY * 3_000


def _catalog() -> Catalog:
    return Catalog(
        content_ids=["q0", "q1", "q2", "q3"],
        created=np.full(4, BASE),
        kinds=["UGC"] * 4,
        author_ids=["asker", "asker", "other", "third"],
        tags=[("a",), ("b",), ("a", "c"), ("c",)],
        author_tiers=[None] * 4,
        exposure_boost=np.ones(4),
    )


# (member, item, happened, known, grade): grade 3 is an answer; a favourite carries its day only.
ROWS = [
    ("me", 0, 3 * DAY + 9 * HOUR, 3 * DAY + 9 * HOUR, 2),  # a comment at 09:00 on day 3
    ("me", 1, 5 * DAY + 11 * HOUR, 5 * DAY + 11 * HOUR, 3),  # an answer at 11:00 on day 5
    ("me", 0, 6 * DAY, 7 * DAY, 2),  # a favourite on day 6, known from day 7
    ("x", 2, 6 * DAY + HOUR, 6 * DAY + HOUR, 2),
    ("y", 2, 6 * DAY + 2 * HOUR, 6 * DAY + 2 * HOUR, 3),
]
T = 13 * DAY + 9.5 * HOUR  # 09:30 on day 13: the weekday of day 6, not of day 7
FUTURE = [("me", 2, T, T, 3), ("z", 3, T + HOUR, T + HOUR, 3), ("me", 3, 14 * DAY, 15 * DAY, 2)]


def _log(rows: list[tuple[str, int, float, float, int]]) -> EventLog:
    rows = [(m, i, BASE + at, BASE + known, g) for m, i, at, known, g in rows]
    n = len(rows)
    return EventLog.sorted_by_time(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[4] for r in rows],
        [float(r[4]) for r in rows],
        [False] * n,
        [False] * n,
        known=[r[3] for r in rows],
    )


def test_columns_by_hand() -> None:
    cols = dict(
        zip(HABITS, Habits(_catalog(), _log(ROWS + FUTURE)).columns("me", BASE + T, np.array([2, 3, 1])).T, strict=True)
    )
    # Timed engagements at 09:00 (0.5 h from 09:30) and 11:00 (1.5 h); the favourite has no hour.
    np.testing.assert_allclose(cols["member_hour_match"], 0.5)
    # Days 3, 5 and 6 (the favourite's own day): only day 6 is day 13's weekday.
    np.testing.assert_allclose(cols["member_weekday_match"], 1 / 3)
    # Tag a last engaged when the favourite became known (day 7); c never; b with the answer.
    expected = [np.log1p(T / DAY - 7), np.nan, np.log1p((T - 5 * DAY - 11 * HOUR) / DAY)]
    np.testing.assert_allclose(cols["cross_tag_recency_days"], expected)
    np.testing.assert_allclose(cols["cross_author_recency_days"], [np.nan, np.nan, np.log1p(T / DAY - 7)])
    np.testing.assert_allclose(cols["cross_tag_recent_share"], [2 / 3, 0.0, 1 / 3])
    # Engaged items q0, q1, q0 weigh 4, 3, 4 (median log1p(4)) and hold 0, 1, 0 answers; q2 weighs 5, 1 answer.
    np.testing.assert_allclose(
        cols["cross_popularity_gap"], [np.log1p(5) - np.log1p(4), -np.log1p(4), np.log1p(3) - np.log1p(4)]
    )
    np.testing.assert_allclose(cols["cross_answers_gap"], [np.log1p(1), 0.0, np.log1p(1)])


def test_nothing_at_or_after_t_is_read() -> None:
    items = np.array([0, 1, 2, 3])
    with_future = Habits(_catalog(), _log(ROWS + FUTURE)).columns("me", BASE + T, items)
    without = Habits(_catalog(), _log(ROWS)).columns("me", BASE + T, items)
    np.testing.assert_array_equal(with_future, without)


def test_hour_unknown_for_a_day_only() -> None:
    assert np.isnan(hour_match(np.array([3 * DAY + 9 * HOUR]), 13 * DAY))  # a decision anchored at a day's start
    assert np.isnan(hour_match(np.array([7 * DAY]), T))  # only date-only engagements
    assert hour_match(np.array([23.5 * HOUR]), DAY + 0.25 * HOUR) == 1.0  # circular: 45 minutes apart
