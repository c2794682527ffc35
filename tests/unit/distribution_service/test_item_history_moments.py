"""An item's counters "before t" at the database's resolution: an event a few milliseconds before t counts, one
at t does not, and instants far outside the key range keep their meaning."""

from __future__ import annotations

import numpy as np

from distribution_service.ranking.history import KEY_BASE_MS, EventLog, ItemHistory, time_key
from tests.unit.distribution_service.synthetic import DAY, START, community


def impressions_of(history: ItemHistory, t: float) -> float:
    return float(history.columns_at(np.array([1]), t).impressions[0])


def test_an_impression_earlier_in_the_same_second_is_counted() -> None:
    catalog, _ = community(members=2, items=5)
    shown = START + 40 * DAY + 0.25
    log = EventLog.sorted_by_time(["m"], [1], [shown], [0], [0.0], [True], [False])
    history = ItemHistory(catalog, log)
    assert impressions_of(history, shown + 0.3) == 1.0
    assert impressions_of(history, shown + 0.001) == 1.0
    assert impressions_of(history, shown) == 0.0
    assert impressions_of(history, shown - 0.001) == 0.0


def test_every_millisecond_exact_moment_keys_to_its_own_millisecond() -> None:
    # A BSON date's milliseconds, as `datetime.timestamp()` hands them to training: none floors below itself.
    ms = np.arange(1_700_000_000_000, 1_700_000_200_000)
    assert (time_key(ms / 1000.0) == ms - KEY_BASE_MS).all()


def test_moments_before_and_after_the_key_range_count_nothing_and_everything() -> None:
    catalog, _ = community(members=2, items=5)
    log = EventLog.sorted_by_time(
        ["m", "m"], [1, 2], [START, START + DAY], [0, 0], [0.0, 0.0], [True, True], [False] * 2
    )
    history = ItemHistory(catalog, log)
    assert impressions_of(history, 0.0) == 0.0
    assert impressions_of(history, 10**10) == 1.0
    assert float(history.columns_at(np.array([2]), 10**10).impressions[0]) == 1.0
