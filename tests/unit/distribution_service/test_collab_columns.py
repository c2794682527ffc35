"""The collaborative and velocity columns tried in `benchmarks.ranking_features` read only what was known before t:
hand-computed on a tiny log, and unchanged when everything at or after t is dropped."""

from __future__ import annotations

import numpy as np

from benchmarks.ranking_collab import COLLAB, Collaborative
from distribution_service.ranking.history import Catalog, EventLog

HOUR = 3_600.0


def _catalog() -> Catalog:
    return Catalog(
        content_ids=["q0", "q1", "q2", "q3"],
        created=np.array([0.0, 0.0, 10 * HOUR, 0.0]),
        kinds=["UGC"] * 4,
        author_ids=["asker", "asker", "other", "me"],
        tags=[("a",), ("a",), ("b",), ("a",)],
        author_tiers=[None] * 4,
        exposure_boost=np.ones(4),
    )


def _log(rows: list[tuple[str, int, float]]) -> EventLog:
    n = len(rows)
    return EventLog.sorted_by_time(
        [m for m, _, _ in rows],
        [i for _, i, _ in rows],
        [t for _, _, t in rows],
        [2] * n,
        [2.0] * n,
        [False] * n,
        [False] * n,
    )


ROWS = [
    ("me", 0, 1 * HOUR),  # the member's recent item q0
    ("x", 0, 2 * HOUR),
    ("y", 0, 3 * HOUR),
    ("x", 2, 11 * HOUR),  # x engaged both q0 and the candidate q2
    ("helper", 3, 12 * HOUR),  # helper engaged the member's own question
    ("helper", 2, 19 * HOUR),
    ("y", 1, 19.5 * HOUR),  # y engaged the asker's q1: the asker's audience
]
FUTURE = [("y", 2, 20 * HOUR), ("z", 2, 21 * HOUR), ("me", 1, 22 * HOUR)]
T = 20 * HOUR


def test_columns_by_hand() -> None:
    cols = dict(
        zip(COLLAB, Collaborative(_catalog(), _log(ROWS + FUTURE)).columns("me", T, np.array([2, 1])).T, strict=True)
    )
    # q2's engagers before t: x, helper; q0's (the member's recent item): x, y. Cosine 1 / sqrt(2 * 2).
    assert np.isclose(cols["cross_coengagement"][0], 0.5)
    assert np.isclose(cols["cross_coengagement_max"][0], 0.5)
    # Neighbours {x, y}; the asker's audience before t: {x, y} (q0) and {y} (q1): cosine 1.
    assert np.isclose(cols["cross_audience_overlap"][1], 1.0)
    assert np.isclose(cols["cross_helpers"][0], np.log1p(1))  # helper
    assert np.isclose(cols["content_events_6h"][0], np.log1p(1))  # helper at 19 h; y at 20 h is at t, not before
    assert np.isclose(cols["content_events_1h"][0], np.log1p(1))
    assert np.isclose(cols["content_last_named_hours"][0], np.log1p(1.0))


def test_nothing_at_or_after_t_is_read() -> None:
    items = np.array([0, 1, 2])
    with_future = Collaborative(_catalog(), _log(ROWS + FUTURE)).columns("me", T, items)
    without = Collaborative(_catalog(), _log(ROWS)).columns("me", T, items)
    np.testing.assert_array_equal(with_future, without)
